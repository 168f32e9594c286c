"""Is the model's answer grounded in this turn's tool results? And the answer to give when it is not.

A small model happily "recommends" films the catalog does not have, or gets a year wrong. The check looks for
title-like spans in the answer (``**Bold**``, "quoted", list heads, ``Name (1984)``, capitalised runs that
are catalog titles) and flags any that no tool returned this turn, or whose year contradicts the tool's.
When it flags one, the agent answers with ``fallback_answer``: built only from the tool results.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from knowledge.titles import Title, join_names, normalize_title
from tools.search.engine import TitleHit
from tools.search.vocabulary import GENRE_SYNONYMS

_YEAR = r"(?:18|19|20)\d\d"
_CANDIDATE_PATTERNS = (
    re.compile(r"\*\*(?P<name>[^*\n]{2,80})\*\*"),
    re.compile(r"(?<![\w*])\*(?P<name>[^*\n]{2,80})\*(?![\w*])"),
    re.compile(r"[\"“«](?P<name>[^\"”»\n]{2,80})[\"”»]"),
    re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•])\s+(?:\*\*)?(?P<name>[^\n*:(–—-]{2,80}?)(?:\*\*)?\s*(?:[(:–—-]|$)", re.M),
)
_NAME_YEAR = re.compile(rf"(?P<name>[\w'’:&!?.,-]+(?:\s+[\w'’:&!?.,-]+){{0,7}})\s*\((?P<year>{_YEAR})\)")
_CAPITALISED_RUN = re.compile(r"\b[A-Z][\w'’-]*(?:\s+(?:of|the|and|a|in|on|to|for|&|[A-Z0-9][\w'’-]*)){1,7}")
_NOTHING_FOUND = re.compile(r"\b(?:no (?:titles|results|movies|films|matches)|couldn'?t find|could not find|"
                            r"nothing (?:matched|found)|not (?:found|in the catalog))\b", re.I)
_LEADING_WORDS = {"the", "a", "an"}
# Genre phrases that are also film titles ("Science Fiction", "Film Noir") are not title mentions.
_GENRE_WORDS = set(GENRE_SYNONYMS) | {g.lower() for genres in GENRE_SYNONYMS.values() for g in genres}


@dataclass
class TurnFacts:
    """What this turn's tools returned (and the titles the user named), for checking and fallback answers."""

    hits: list[TitleHit] = field(default_factory=list)
    user_titles: set[str] = field(default_factory=set)
    results: list[dict[str, Any]] = field(default_factory=list)  # {"name", "text", "data", "ok"}

    @property
    def allowed(self) -> dict[str, set[int | None]]:
        years: dict[str, set[int | None]] = {}
        for hit in self.hits:
            years.setdefault(normalize_title(hit.title.title), set()).add(hit.title.year)
        for name in self.user_titles:
            years.setdefault(name, set()).add(None)
        return years


def find_problem(answer: str, facts: TurnFacts, catalog_titles: Iterable[str] | dict | None) -> str:
    """Why ``answer`` is not grounded in ``facts`` ("" when it is)."""
    allowed = facts.allowed
    known = catalog_titles if isinstance(catalog_titles, dict | set) else set(catalog_titles or ())
    for names, year in _mentions(answer):
        keys = [_key(name, allowed) for name in names]
        match = next((k for k in keys if k in allowed), None)
        if match is not None:
            if year is not None and None not in allowed[match] and year not in allowed[match]:
                return f"the answer gives {match!r} the year {year}; the tool said {sorted(allowed[match])}"
        elif year is not None or any(k in known and k not in _GENRE_WORDS for k in keys):
            written = f"{names[0]!r} ({year})" if year is not None else repr(names[0])
            return f"the answer names {written}, which no tool returned this turn"
    if facts.hits and _NOTHING_FOUND.search(answer) and not names_any_hit(answer, facts.hits):
        return "the answer says nothing was found, but the tools found titles"
    return ""


def _mentions(answer: str) -> list[tuple[list[str], int | None]]:
    """Title-like spans: each a list of readings (longest first) and the year written with it, if any."""
    found: list[tuple[list[str], int | None]] = []
    for m in _NAME_YEAR.finditer(answer):
        found.append((_suffixes(m["name"]), int(m["year"])))
    for pattern in _CANDIDATE_PATTERNS:
        found += [([_strip_year(m["name"])], None) for m in pattern.finditer(answer)]
    for m in _CAPITALISED_RUN.finditer(answer):
        words = m.group(0).split()
        readings = [" ".join(words[i:]) for i in range(len(words) - 1)] + \
                   [" ".join(words[:j]) for j in range(len(words) - 1, 1, -1)]
        found.append((readings, None))
    cleaned = [([n.strip(" .,:;!?-") for n in names if normalize_title(n)], year) for names, year in found]
    return [(names, year) for names, year in cleaned if names]


def _suffixes(words: str) -> list[str]:
    # "I recommend Blade Runner (1982)": the title is some tail of the words before the year; try them all.
    parts = words.split()
    return [" ".join(parts[i:]) for i in range(len(parts))]


def _strip_year(name: str) -> str:
    return re.sub(rf"\s*\(?{_YEAR}\)?\s*$", "", name)


def _key(name: str, allowed: dict[str, set[int | None]]) -> str:
    key = normalize_title(name)
    if key in allowed:
        return key
    words = key.split()
    if words and words[0] in _LEADING_WORDS and " ".join(words[1:]) in allowed:
        return " ".join(words[1:])
    return next((f"{article} {key}" for article in _LEADING_WORDS if f"{article} {key}" in allowed), key)


def _named(t: Title, answer: str) -> bool:
    return f" {normalize_title(t.title)} " in f" {normalize_title(answer)} "


def names_any_hit(answer: str, hits: Iterable[TitleHit]) -> bool:
    return any(_named(h.title, answer) for h in hits)


# -- the deterministic answer ------------------------------------------------------------------------------
SMALL_TALK_REPLY = ("Hi! I'm Marquee. I can search the catalog (\"80s horror\", \"films by Kubrick\"), recommend "
                    "titles from ones you loved, storyboard a scene, and draft ad copy for a title. What would you "
                    "like to do?")
EMPTY_MESSAGE_REPLY = ("Your message was empty. Tell me what you feel like watching, e.g. \"a dark thriller "
                       "from the '80s\", or ask about a title.")
PROMPT_REFUSAL = ("I can't share how I'm set up, but I'm happy to help you find something to watch or tell you "
                  "about a title.")
ANSWER_TITLES = 5


def fallback_answer(facts: TurnFacts) -> str:
    """An answer built only from the tool results of the turn."""
    if not facts.results:
        return SMALL_TALK_REPLY
    parts = [_answer_for(result) for result in facts.results[-2:]]
    return "\n\n".join(p for p in parts if p) or SMALL_TALK_REPLY


def _answer_for(result: dict[str, Any]) -> str:
    data, name = result.get("data") or {}, result["name"]
    if not result.get("ok", True):
        return "Sorry, that didn't work: " + result["text"].removeprefix("Error: ")
    if name == "search_catalog":
        return _search_answer(data)
    if name == "recommend_titles":
        return _recommend_answer(data)
    if name == "generate_storyboard":
        return _storyboard_answer(data)
    if name == "draft_ads":
        return _ads_answer(data)
    if name == "get_title_details":
        if not data.get("found"):
            return f"I couldn't find \"{data.get('query', '')}\" in the catalog."
        return result["text"]
    return result["text"]


def _hit_lines(hits: list[dict[str, Any]]) -> list[str]:
    lines = []
    for n, hit in enumerate(hits[:ANSWER_TITLES], start=1):
        label = f"{hit['title']} ({hit['year']})" if hit.get("year") else hit["title"]
        why = "; ".join(hit.get("why") or [])
        lines.append(f"{n}. {label}{' - ' + why if why else ''}")
    return lines


def _recommend_answer(data: dict[str, Any]) -> str:
    liked, hits = data.get("liked") or [], data.get("hits") or []
    lines = [f"Since you liked {join_names(liked)}, you might enjoy:" if liked and not data.get("fallback")
             else "Here are some acclaimed picks:"] if hits else ["I couldn't find picks that fit all of that."]
    lines += _hit_lines(hits)
    for item in data.get("unresolved") or []:
        guesses = ", ".join(item.get("candidates") or [])
        lines.append(f"I couldn't find \"{item['name']}\" in the catalog" + (f" (did you mean {guesses}?)" if guesses
                                                                          else "."))
    reported = [str(item.get("name", "")).casefold() for item in data.get("unresolved") or []]
    lines += [m for m in data.get("messages") or [] if "did you mean" not in m.lower()
              and not any(name and name in m.casefold() for name in reported)]
    return "\n".join(lines)


def _storyboard_answer(data: dict[str, Any]) -> str:
    shots = data.get("shots") or []
    how = "AI frames" if data.get("renderer") == "diffusion" else "blocking sketches"
    lines = [f"Here is a {len(shots)}-shot storyboard ({data.get('aspect', '')}, {how}):"]
    for shot in shots:
        lines.append(f"{shot.get('number')}. {shot.get('size')} {shot.get('angle')}, {shot.get('lens_mm')}mm, "
                     f"{shot.get('movement')}, {shot.get('duration_s')}s: {shot.get('action')}")
    lines += [f"Note: {n}" for n in data.get("notices") or []]
    lines.append("The sheet, a PDF and the shot list (CSV) are attached.")
    return "\n".join(lines)


def _ads_answer(data: dict[str, Any]) -> str:
    if not data.get("found"):
        guesses = ", ".join(data.get("candidates") or [])
        return (f"I couldn't find \"{data.get('query', '')}\" in the catalog, so I wrote no ads"
                + (f". Did you mean {guesses}?" if guesses else "."))
    drafts = data.get("drafts") or {}
    checked = "all checks passed" if data.get("passed") else "some drafts need a look (see the checks)"
    lines = [f"Ad drafts for {data.get('title', '')} ({checked}):"]
    for label, key in (("Tagline", "tagline"), ("Logline", "logline")):
        lines += [f"- {label}: {text}" for text in (drafts.get(key) or [])[:2]]
    lines += [f"- {post['platform']} post: {post['text']}" for post in (drafts.get("social") or [])[:2]]
    lines += [f"Note: {n}" for n in data.get("notices") or []]
    if data.get("files"):
        lines.append("The full set (spot scripts, search ads, key-art prompt) is attached as Markdown and CSV.")
    return "\n".join(lines)


def _search_answer(data: dict[str, Any]) -> str:
    hits = data.get("hits") or []
    query = data.get("query", "")
    if not hits:
        return f"I couldn't find any titles matching \"{query}\". Try fewer constraints."
    # The titles are shown as cards: the reply says which reading was used, not the list a second time.
    best = [f"{h['title']} ({h['year']})" if h.get("year") else h["title"] for h in hits[:3]]
    more = f", with {len(hits) - len(best)} more on the cards" if len(hits) > len(best) else ""
    verb = "fits" if len(best) == 1 else "fit"
    lines = [f"Here is what I found for \"{query}\": {join_names(best)} {verb} best{more}."]
    if data.get("understood"):
        lines.append(f"I read it as {data['understood']}.")
    lines += list(data.get("notices") or [])[:2]
    return " ".join(lines)


# -- garbled output ----------------------------------------------------------------------------------------
_CALL_TEXT = re.compile(r"<tool_call>|</tool_call>|^\s*[{\[]\s*\"(?:name|function|arguments)\"", re.M)


def garbled(answer: str) -> str:
    """Why ``answer`` is not a usable reply ("" when it is)."""
    text = answer.strip()
    if not text:
        return "the model gave an empty answer"
    if _CALL_TEXT.search(text):
        return "the model wrote a tool call as text"
    words = text.split()
    if len(words) >= 30 and len(set(words)) / len(words) < 0.25:
        return "the model repeated itself"
    if sum(ch.isalpha() for ch in text) < len(text) * 0.3:
        return "the model's answer is mostly symbols"
    return ""
