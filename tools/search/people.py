"""Who a query names: full names, surnames, nicknames, families, two careers, either of two people.

A mixin of ``QueryParser`` (it uses the parser's vocabulary, story flag and ``_propose``): a name is the hardest
reading to get right, so it has its own room.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from tools.search.hypotheses import FILM_NOUNS, Hypothesis, followed_by_film_noun
from tools.search.tokens import STOPWORDS, Tokens
from tools.search.vocabulary import GENRE_WORDS

DIRECTOR_CUES = {"by", "director", "directed", "filmmaker", "helmed"}
CAST_CUES = {"starring", "with", "featuring", "stars", "actor", "actress", "feat"}
# A role word after the name: "movies Clint Eastwood directed" (he acted more often than he directed).
DIRECTOR_CUES_AFTER = {"directed", "directs", "direct", "helmed", "made"}
CAST_CUES_AFTER = {"starred", "stars", "acted", "acts", "plays", "played", "appears", "appeared"}
SIBLING_WORDS = {"brothers", "sisters", "siblings"}
NICKNAMES = {"jimmy": "james", "jim": "james", "bob": "robert", "bobby": "robert", "bill": "william",
             "billy": "william", "mike": "michael", "mick": "michael", "dick": "richard", "rick": "richard",
             "tony": "anthony", "joe": "joseph", "chuck": "charles", "charlie": "charles", "eddie": "edward",
             "ed": "edward", "sam": "samuel", "danny": "daniel", "matt": "matthew", "chris": "christopher",
             "nick": "nicholas", "steve": "steven", "liz": "elizabeth", "kate": "katharine", "tom": "thomas"}


class PeopleReader:
    """Reads people into the parser's ``out``; expects ``vocab``, ``_story``, ``_text``, ``_known_words``,
    ``_people_keys`` and ``_propose`` from the parser."""

    def _people(self, q: Tokens, out: dict) -> None:
        self._siblings(q, out)
        for n in (4, 3, 2):
            for i in range(len(q.words) - n + 1):
                phrase = q.phrase_at(i, n)
                name = self._person_named(phrase) if phrase else None
                if name:
                    self._apply_person(q, i, n, name, out)
        for i, w in enumerate(q.words):
            # A capitalised neighbour means a longer name ("Christopher Nolen"), not this surname alone.
            part_of_name = any(0 <= j < len(q.words) and not q.used[j] and q.original[j][:1].isupper()
                               for j in (i - 1, i + 1))
            # A surname alone is a person only with a cue: "by Kubrick", or "Miyazaki films", "Scorsese crime
            # movies" (the surname names whose films); "German" is also Aleksei German, so a bare surname elsewhere
            # in a sentence is not, nor a word the vocabulary reads otherwise ("German war movies").
            before_films = w not in self._known_words and films_follow(q.words, i + 1)
            cued = q.before(i) in DIRECTOR_CUES | CAST_CUES | {"or"} or before_films
            if q.used[i] or part_of_name or not cued:
                continue
            name, role = self._surname(q, i, before_films, out)
            if name:
                self._apply_person(q, i, 1, name, out, role=role)

    def _person_named(self, phrase: str) -> str | None:
        """A full name, or the same with a nickname's formal first name ("jimmy stewart" is James Stewart)."""
        names = self.vocab.people.names
        first, _, rest = phrase.partition(" ")
        return names.get(phrase) or (names.get(f"{NICKNAMES[first]} {rest}") if first in NICKNAMES and rest else None)

    def _surname(self, q: Tokens, i: int, before_films: bool, out: dict) -> tuple[str | None, str | None]:
        """Whose surname: a director's after "by" ("by Kubrick"), an actor's after "with"/"starring" ("with
        Bogart"), the better-credited one before a film noun ("DiCaprio films", "ozu movies")."""
        w, people, cue = q.words[i], self.vocab.people, q.before(i)
        # An actor's surname only capitalised: "the best animated films" is not James Best, a "pool hall film" not
        # Philip Baker Hall. (Lower-case director surnames were read before, and "ozu movies" still is.)
        director, lead = people.surnames.get(w), people.lead_surnames.get(w)
        if lead and not q.original[i][:1].isupper() and not re.search(
                rf"\b{re.escape(q.original[i])}'s\b", self._text, re.IGNORECASE):  # "huppert's films" counts
            lead = None
        if cue in DIRECTOR_CUES:
            return director or self._close_surname(q, i, out), "director"
        if cue in CAST_CUES | {"or"}:
            # "falls in love with Sterling": a story's name, not a filter
            return (lead, "cast") if lead and not self._story else (None, None)
        if director and director == lead:
            return director, None  # one person, both careers: PersonIndex.role decides
        if director and lead:
            return (director, "director") if people.directed[director] >= people.acted[lead] else (lead, "cast")
        if director or lead:
            return (director, "director") if director else (lead, "cast")
        return self._close_surname(q, i, out), "director"

    def _close_surname(self, q: Tokens, i: int, out: dict) -> str | None:
        """A capitalised, misspelt surname with a cue ("Hitchcok thrillers"): the closest distinctive one, said."""
        word = q.words[i]
        if len(word) < 5 or not q.original[i][:1].isupper():
            return None
        best = process.extractOne(word, self.vocab.people.surnames.keys(), scorer=fuzz.ratio, score_cutoff=85)
        if not best:
            return None
        name = self.vocab.people.surnames[best[0]]
        out["notices"].append(f"No one called '{q.original[i]}' in the catalog; using {name}.")
        return name

    def _siblings(self, q: Tokens, out: dict) -> None:
        """"the Coen brothers", "the Marx Brothers": people who share a surname and films; the filter is the one
        credited most, and the reply says so. Only families the catalog credits together on two films or more."""
        for i in range(len(q.words) - 1):
            family = self.vocab.people.families.get(q.words[i])
            if q.used[i] or q.words[i + 1] not in SIBLING_WORDS or not family:
                continue
            field_, names = family
            q.consume(i, 2)
            phrase = " ".join(q.original[i:i + 2])
            self._propose(out, field_, [names[0]], phrase, cued=True)
            verb = "directed by" if field_ == "directors" else "starring"
            out["notices"].append(f"I read '{phrase}' as films {verb} {names[0]} (most of them with "
                                  f"{' and '.join(names[1:3])}).")

    def _apply_person(self, q: Tokens, i: int, n: int, name: str, out: dict, role: str | None = None) -> None:
        q.consume(i, n)
        cue = q.before(i)
        after = q.words[i + n] if i + n < len(q.words) else ""
        if after in DIRECTOR_CUES_AFTER | CAST_CUES_AFTER:
            q.consume(i + n)
            role = "director" if after in DIRECTOR_CUES_AFTER else "cast"
        # "films Samuel L. Jackson is in", "Tom Hanks comedies": the sentence is about the person's films.
        cued = cue in DIRECTOR_CUES | CAST_CUES or cue in FILM_NOUNS or role is not None or followed_by_film_noun(
            q.words, i + n, GENRE_WORDS)
        if cue in DIRECTOR_CUES | CAST_CUES:
            q.consume(i - 1)
            role = "director" if cue in DIRECTOR_CUES else "cast"
            if q.before(i, 2) in DIRECTOR_CUES:
                q.consume(i - 2)
        if q.negated(i):
            out.setdefault("people_none", []).append(name)
            return
        role = role or self.vocab.people.role(name)
        field_ = {"director": "directors", "cast": "cast"}.get(role, "people_any")
        if cue == "or" and not self._story and self._either(q, i, field_, name, out):
            return
        self._propose(out, field_, [name], " ".join(q.original[i:i + n]), cued)

    def _either(self, q: Tokens, i: int, field_: str, name: str, out: dict) -> bool:
        """"Bogart or Bacall": either person, not both: the reading before "or" joins this one in people_any."""
        earlier = next((h for h in reversed(out["hypotheses"]) if h.field in ("directors", "cast", "people_any")
                        and h.explicit), None)
        if earlier is None:
            return False
        q.consume(i - 1)
        if earlier.field != "people_any":
            out[earlier.field].remove(earlier.value)
            out.setdefault("people_any", []).append(earlier.value)
        out.setdefault("people_any", []).append(name)
        out["hypotheses"].append(Hypothesis("people_any", name, q.original[i], True, True))
        return True

    def _unknown_names(self, q: Tokens, out: dict) -> None:
        """Capitalised words we could not place: fuzzy-match them to people, or say we could not."""
        for i in range(1, len(q.words)):
            if q.used[i] or q.used[i - 1]:
                continue
            capitalised = q.original[i][:1].isupper() and q.original[i - 1][:1].isupper()
            # Lower case ("tom hnaks dramas") only in a list of wishes, with a cue on either side, and no word that
            # is filler or read otherwise ("with a rock band" is not Ad-Rock).
            pair = {q.words[i - 1], q.words[i]}
            cued = q.before(i - 1) in DIRECTOR_CUES | CAST_CUES or films_follow(q.words, i + 1)
            if not capitalised and (self._story or not cued or pair & (self._known_words | STOPWORDS)):
                continue
            phrase = f"{q.words[i - 1]} {q.words[i]}"
            best = process.extractOne(phrase, self._people_keys, scorer=fuzz.ratio, score_cutoff=88)
            if best:
                name = self.vocab.people.names[best[0]]
                out["notices"].append(f"No one called '{q.original[i - 1]} {q.original[i]}' in the catalog; "
                                      f"using {name}.")
                self._apply_person(q, i - 1, 2, name, out)
            elif capitalised and q.before(i - 1) in DIRECTOR_CUES | CAST_CUES:
                # (Lower-case words with no close name are more likely words: "a musical with great dance numbers".)
                out["notices"].append(f"No one called '{q.original[i - 1]} {q.original[i]}' in the catalog; "
                                      "searching the text instead.")


def films_follow(words: list[str], j: int) -> bool:
    """A film noun next ("Hitchcock thrillers"), or after genre words ("Scorsese crime movies")."""
    return j < len(words) and words[j] in FILM_NOUNS or followed_by_film_noun(words, j, GENRE_WORDS)
