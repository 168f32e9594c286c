"""Tool arguments a small model gets wrong or leaves out, filled in from what the user actually wrote.

Only what the message states is used ("8 shots", "2.39:1", a short "something older" after a search, the
words a query left out); what the model said otherwise stands. When the model was required to call a tool and
wrote no usable call, ``default_arguments`` builds one from the message so that the turn still does what was
asked.
"""

from __future__ import annotations

import re
from typing import Any

from tools.search.engine import NEWER, NOT_THAT, OLDER, OTHERS, SHORTER

FOLLOW_UP_PHRASES = (*OLDER, *NEWER, *SHORTER, "longer", *NOT_THAT, *OTHERS)
# A short "something older" only makes sense against the last search; a long message with "newer" in it is
# more likely a new request.
FOLLOW_UP_MAX_WORDS = 6
_SHOTS = re.compile(r"\b(\d{1,2})[- ]?(?:shots?|panels?|frames?)\b", re.I)
_ASPECT = re.compile(r"(?<![\d.:])(\d{1,2}(?:\.\d{1,2})?):(\d{1,2})(?![\d:])")
_MAX_ASPECT_SIDE = 21  # 21:9 is the widest common ratio; "10:30" is a time


def is_follow_up(text: str) -> bool:
    lowered = text.lower()
    return len(lowered.split()) <= FOLLOW_UP_MAX_WORDS and any(p in lowered for p in FOLLOW_UP_PHRASES)


def repair_arguments(name: str, args: dict[str, Any], text: str, has_previous_search: bool,
                     titles: list[str] | None = None) -> dict[str, Any]:
    """``args`` with what the message states filled in (a new dict). ``titles``: catalog titles the message
    names, best first."""
    args = dict(args)
    _drop_unasked_count(args, text)
    if name == "search_catalog":
        query = str(args.get("query") or "").strip()
        # A query made only of the message's own words lost the rest ("thriller" for "Korean thrillers under
        # two hours"); the search reads plain requests well, so it gets the whole message. A translation or a
        # rephrasing by the model stays as it is.
        follow_up = has_previous_search and is_follow_up(text)
        # A refinement is understood from the user's own words ("something older"), never from the model's
        # restatement of the old query ("dark"), which would just repeat the last search.
        if not query or follow_up or _stems(query) <= _stems(text):
            args["query"] = text
        # "Refine" needs a search to refine; after one, a short "something older" is a refinement.
        if not has_previous_search:
            args.pop("refine_previous", None)
        elif follow_up:
            args["refine_previous"] = True
    elif name in ("get_title_details", "draft_ads"):
        title = str(args.get("title") or "").strip()
        # A small model embroiders titles ("Jaws: The Family Adventure"): the title the user named wins.
        if titles and title.casefold() not in text.casefold():
            args["title"] = titles[0]
    elif name == "generate_storyboard":
        if not str(args.get("scene") or "").strip():
            args["scene"] = text
        if shots := _SHOTS.search(text):
            args["shots"] = int(shots[1])
        aspect = _ASPECT.search(text)
        if aspect and float(aspect[1]) <= _MAX_ASPECT_SIDE and int(aspect[2]) <= _MAX_ASPECT_SIDE:
            args["aspect"] = f"{aspect[1]}:{aspect[2]}"
    return args


def _drop_unasked_count(args: dict[str, Any], text: str) -> None:
    """A count the message does not state ("k": 2 for "Korean thrillers") goes: the tool's default is better."""
    if "k" in args and str(args["k"]) not in re.findall(r"\d+", text):
        del args["k"]


def _stems(text: str) -> set[str]:
    """Words cut to five letters, so that "thriller" and "thrillers" count as the same word."""
    return {word[:5] for word in _words(text)}


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


def default_arguments(name: str, text: str, titles: list[str], likes: list[str]) -> dict[str, Any] | None:
    """Arguments for ``name`` built from the message alone; None when the message does not give enough."""
    if name == "search_catalog":
        return {"query": text}
    if name == "generate_storyboard":
        return {"scene": text}
    if name in ("get_title_details", "draft_ads") and titles:
        return {"title": titles[0]}
    if name == "recommend_titles" and (likes or titles):
        return {"liked": list(likes or titles)}
    return None
