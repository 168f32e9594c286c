"""What a viewer may say, mapped onto the catalog's own vocabulary (genres, countries, languages, people)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from knowledge.titles import Title, normalize_title

# Words and phrases → catalog genres. Multi-word phrases are matched before single words.
GENRE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "horror": ("Horror",), "scary": ("Horror",), "slasher": ("Horror",), "spooky": ("Horror",),
    "frightening": ("Horror",), "terrifying": ("Horror",), "creepy": ("Horror",), "zombie": ("Horror",),
    "sci fi": ("Science Fiction",), "scifi": ("Science Fiction",), "science fiction": ("Science Fiction",),
    "sf": ("Science Fiction",), "space opera": ("Science Fiction",), "cyberpunk": ("Science Fiction",),
    "comedy": ("Comedy",), "comedies": ("Comedy",), "funny": ("Comedy",), "hilarious": ("Comedy",),
    "comedic": ("Comedy",), "laugh": ("Comedy",), "laughs": ("Comedy",),
    "rom com": ("Romance", "Comedy"), "romcom": ("Romance", "Comedy"),
    "rom coms": ("Romance", "Comedy"), "romcoms": ("Romance", "Comedy"), "romantic comedies": ("Romance", "Comedy"),
    "romantic comedy": ("Romance", "Comedy"),
    "romance": ("Romance",), "romances": ("Romance",), "romantic": ("Romance",), "love story": ("Romance",),
    "love stories": ("Romance",),
    "thriller": ("Thriller",), "thrillers": ("Thriller",), "suspense": ("Thriller",),
    "suspenseful": ("Thriller",),
    "action": ("Action",), "action packed": ("Action",), "martial arts": ("Action",),
    "crime": ("Crime",), "gangster": ("Crime",), "mob": ("Crime",), "mafia": ("Crime",), "heist": ("Crime",),
    "noir": ("Crime",), "film noir": ("Crime",), "neo noir": ("Crime",),
    "drama": ("Drama",), "dramas": ("Drama",), "dramatic": ("Drama",),
    "documentary": ("Documentary",), "documentaries": ("Documentary",), "docs": ("Documentary",),
    "doco": ("Documentary",), "docos": ("Documentary",),
    "docu": ("Documentary",),
    "fantasy": ("Fantasy",), "adventure": ("Adventure",), "adventures": ("Adventure",),
    "musical": ("Musical",), "musicals": ("Musical",),
    "biopic": ("Biography",), "biopics": ("Biography",), "biography": ("Biography",),
    "biographical": ("Biography",), "true story": ("Biography",),
    "mystery": ("Mystery",), "mysteries": ("Mystery",), "whodunit": ("Mystery",), "detective": ("Mystery",),
    "war": ("War",), "wwii": ("War",), "ww2": ("War",), "world war ii": ("War",), "world war 2": ("War",),
    "world war two": ("War",), "vietnam war": ("War",), "wwi": ("War",), "world war i": ("War",),
    "family": ("Family",), "kids": ("Family",), "children": ("Family",), "family friendly": ("Family",),
    "animation": ("Animation",), "animated": ("Animation",), "cartoon": ("Animation",),
    "cartoons": ("Animation",), "anime": ("Animation",),
    "western": ("Western",), "westerns": ("Western",), "cowboy": ("Western",), "cowboys": ("Western",),
    "sport": ("Sport",), "sports": ("Sport",), "boxing": ("Sport",),
    "history": ("History",), "historical": ("History",), "period piece": ("History",),
    "music": ("Music",), "concert": ("Music",),
    "spaghetti western": ("Western",), "spaghetti westerns": ("Western",), "slashers": ("Horror",),
    "giallo": ("Horror",), "gialli": ("Horror",),
    "heists": ("Crime",), "whodunits": ("Mystery",), "whodunnit": ("Mystery",), "caper": ("Crime",),
}

# Genre words, as one set: the film-noun checks run for many words of every query.
GENRE_WORDS = frozenset(GENRE_SYNONYMS)

# Sub-genres that also name where they come from, or that span several catalog genres (any of them).
SUBGENRE_COUNTRIES: dict[str, tuple[str, ...]] = {"spaghetti western": ("Italy",), "spaghetti westerns": ("Italy",),
                                                  "giallo": ("Italy",), "gialli": ("Italy",)}
SUBGENRE_ANY: dict[str, tuple[str, ...]] = {"giallo": ("Horror", "Thriller", "Mystery"),
                                            "gialli": ("Horror", "Thriller", "Mystery")}
# Sub-genre words worth keeping for the keyword index: plots say "heist" and "slasher" too.
SUBGENRE_WORDS = {"slasher", "slashers", "heist", "heists", "whodunit", "whodunits", "whodunnit", "caper",
                  "giallo", "gialli", "zombie", "mafia", "gangster", "mob", "boxing", "martial", "cyberpunk",
                  "spaghetti", "biopics", "biopic", "noir", "space", "detective", "cowboy", "cowboys"}

# Words that name a people/nation: "French films" means films from France.
DEMONYMS: dict[str, tuple[str, ...]] = {
    "american": ("United States",), "hollywood": ("United States",), "british": ("United Kingdom",),
    "french": ("France",), "italian": ("Italy",), "german": ("Germany",), "spanish": ("Spain",),
    "japanese": ("Japan",), "korean": ("South Korea",), "south korean": ("South Korea",),
    "chinese": ("China", "Hong Kong", "Taiwan"), "indian": ("India",), "bollywood": ("India",),
    "mexican": ("Mexico",), "canadian": ("Canada",), "australian": ("Australia",), "aussie": ("Australia",),
    "swedish": ("Sweden",),
    "danish": ("Denmark",), "norwegian": ("Norway",), "finnish": ("Finland",),
    "russian": ("Russia", "Soviet Union"), "soviet": ("Soviet Union",), "brazilian": ("Brazil",),
    "argentinian": ("Argentina",), "argentine": ("Argentina",), "iranian": ("Iran",), "irish": ("Ireland",),
    "polish": ("Poland",), "dutch": ("Netherlands",), "belgian": ("Belgium",), "turkish": ("Turkey",),
    "israeli": ("Israel",), "greek": ("Greece",), "thai": ("Thailand",), "kiwi": ("New Zealand",),
    "scandinavian": ("Sweden", "Denmark", "Norway"), "hong kong": ("Hong Kong",), "taiwanese": ("Taiwan",),
    "egyptian": ("Egypt",), "nigerian": ("Nigeria",), "nollywood": ("Nigeria",), "czech": ("Czech Republic",),
    "hungarian": ("Hungary",), "romanian": ("Romania",), "austrian": ("Austria",), "swiss": ("Switzerland",),
    "portuguese": ("Portugal",), "chilean": ("Chile",), "colombian": ("Colombia",), "cuban": ("Cuba",),
    "south african": ("South Africa",), "filipino": ("Philippines",), "indonesian": ("Indonesia",),
    "vietnamese": ("Vietnam",), "lebanese": ("Lebanon",), "icelandic": ("Iceland",),
}

COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "usa": ("United States",), "us": ("United States",), "america": ("United States",),
    "uk": ("United Kingdom",), "britain": ("United Kingdom",), "england": ("United Kingdom",),
    "korea": ("South Korea",), "ussr": ("Soviet Union",), "holland": ("Netherlands",),
}

LANGUAGE_ALIASES: dict[str, str] = {"chinese": "Mandarin", "farsi": "Persian", "mandarin chinese": "Mandarin"}


@dataclass
class PersonIndex:
    """People of the catalog by normalised name, with how often each directs or acts."""

    names: dict[str, str] = field(default_factory=dict)  # normalised full name -> display name
    directed: Counter = field(default_factory=Counter)
    acted: Counter = field(default_factory=Counter)
    #: Acting credits on films the person did not direct (a director's cameos in their own films are not a
    #: second career: Hitchcock acted in 31 catalog films, all his own).
    acted_for_others: Counter = field(default_factory=Counter)
    #: The same credits weighed by the films' critic review counts: how well known each career is.
    directed_weight: Counter = field(default_factory=Counter)
    acted_weight: Counter = field(default_factory=Counter)
    surnames: dict[str, str] = field(default_factory=dict)  # distinctive director surname -> display name
    lead_surnames: dict[str, str] = field(default_factory=dict)  # distinctive actor surname -> display name
    #: surname -> (role, names, most credited first) of people who share it on at least two films: "the Coen
    #: brothers" (directors), "the Marx Brothers" (cast). Directors win when both exist.
    families: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)

    def role(self, name: str) -> str:
        """"director" or "cast" where one career is both longer and far better known (weighed by critic reviews:
        "Scorsese films" are the ones he directed, though he acted in 20 others), else "any" ("Clint Eastwood
        westerns" are the ones he directed and the ones he starred in)."""
        directed, acted = self.directed[name], self.acted_for_others[name]
        known_directing, known_acting = self.directed_weight[name], self.acted_weight[name]
        if directed > acted and known_directing >= 1.5 * known_acting:
            return "director"
        return "cast" if acted > directed and known_acting >= 1.5 * known_directing else "any"


@dataclass
class Vocabulary:
    """Everything the query parser matches against, built once from the catalog."""

    genres: set[str]
    countries: set[str]
    languages: set[str]
    people: PersonIndex
    titles: dict[str, list[str]]  # normalised title -> ids
    min_year: int
    max_year: int
    has_series: bool

    @classmethod
    def from_titles(cls, titles: Iterable[Title]) -> Vocabulary:
        titles = list(titles)
        people = PersonIndex()
        by_title: dict[str, list[str]] = {}
        years = [t.year for t in titles if t.year]
        for t in titles:
            by_title.setdefault(normalize_title(t.title), []).append(t.id)
            reviews = t.critic_review_count or 0
            for name in t.directors:
                people.names.setdefault(normalize_title(name), name)
                people.directed[name] += 1
                people.directed_weight[name] += reviews
            for name in t.cast:
                people.names.setdefault(normalize_title(name), name)
                people.acted[name] += 1
                if name not in t.directors:
                    people.acted_for_others[name] += 1
                    people.acted_weight[name] += reviews
        people.surnames = _distinctive_surnames(people.directed)
        people.lead_surnames = _distinctive_surnames(people.acted, min_credits=5, min_length=4)
        people.families = _families(titles, people)
        return cls(
            genres={g for t in titles for g in t.genres},
            countries={c for t in titles for c in t.countries},
            languages={lang for t in titles for lang in t.languages},
            people=people,
            titles=by_title,
            min_year=min(years, default=1900),
            max_year=max(years, default=2025),
            has_series=any(t.kind == "series" for t in titles),
        )


def _distinctive_surnames(credits: Counter, min_credits: int = 2, min_length: int = 3) -> dict[str, str]:
    """Surnames that point to one prolific director ("Kubrick", "Ozu") or actor ("DiCaprio"), for queries like
    "by Kubrick" or "with Bogart". A three-letter surname needs five films ("ozu movies"; "lee" stays open)."""
    by_surname: dict[str, list[str]] = {}
    for name, count in credits.items():
        parts = normalize_title(name).split()
        long_enough = len(parts[-1]) >= 4 or (len(parts[-1]) >= min_length and count >= 5) if parts else False
        if count >= min_credits and len(parts) >= 2 and long_enough:
            by_surname.setdefault(parts[-1], []).append(name)
    out = {}
    for surname, names in by_surname.items():
        top = sorted(names, key=lambda n: -credits[n])
        # Only when one person clearly dominates the surname; "Scott" (Ridley, Tony) stays ambiguous.
        if len(top) == 1 or credits[top[0]] >= 2 * credits[top[1]]:
            out[surname] = top[0]
    return out


def _families(titles: list[Title], people: PersonIndex) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Surnames shared by two or more people credited together (same role) on at least two films."""
    shared: dict[tuple[str, str], Counter] = {}
    for t in titles:
        for role, names in (("directors", t.directors), ("cast", t.cast)):
            by_surname: dict[str, list[str]] = {}
            for name in names:
                parts = normalize_title(name).split()
                if len(parts) >= 2:
                    by_surname.setdefault(parts[-1], []).append(name)
            for surname, group in by_surname.items():
                if len(group) >= 2:
                    shared.setdefault((role, surname), Counter()).update(group)
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    for (role, surname), counts in sorted(shared.items(), key=lambda item: item[0][0] != "directors"):
        credits = people.directed if role == "directors" else people.acted
        names = tuple(sorted((name for name, n in counts.items() if n >= 2), key=lambda name: -credits[name]))
        if len(names) >= 2 and surname not in out:
            out[surname] = (role, names)
    return out
