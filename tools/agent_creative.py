"""Bodies of the agent's recommendation, storyboard and ad tools, and the heavy parts they share.

``CreativeServices`` is built once per agent (not per session or turn): the storyboarder keeps an image model
loaded between turns, and the recommender is cached per catalog by ``tools.recommend.engine``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from knowledge.titles import normalize_title
from tools.artifacts import ToolArtifact, ToolInputError, titles_for_model
from tools.search.engine import CatalogSearch, TitleHit

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from knowledge.settings import Settings
    from tools.recommend.engine import Recommendations
    from tools.storyboard import Storyboarder

ADS_FORMATS_SHOWN_TO_MODEL = ("tagline", "logline", "x_post", "video_hook")


class CreativeServices:
    """The chat model and settings the storyboard and ad tools use, and the storyboarder, built on first use.

    ``llm=None`` makes both tools work without a model: shot lists from the standard coverage pattern, ads from
    templates. ``ads_use_model=False`` keeps the model for storyboards but writes template ads (faster turns).
    """

    def __init__(self, llm: BaseChatModel | None = None, settings: Settings | None = None, *,
                 ads_use_model: bool = True, storyboard_llm: bool = True):
        self.llm, self.settings, self.ads_use_model = llm, settings, ads_use_model
        #: False: storyboards are planned from the text (the small embedded model on a CPU plans worse).
        self.storyboard_llm = storyboard_llm
        self._storyboarder: Storyboarder | None = None
        self._lock = threading.Lock()

    @property
    def storyboarder(self) -> Storyboarder:
        with self._lock:
            if self._storyboarder is None:
                from tools.storyboard import Storyboarder

                self._storyboarder = Storyboarder(self.llm, self.settings,
                                                  use_llm=self.llm is not None and self.storyboard_llm)
            return self._storyboarder

    @property
    def ads_llm(self) -> BaseChatModel | None:
        return self.llm if self.ads_use_model else None

    @property
    def ads_dir(self) -> Path | None:
        """Where ad exports go: ``<data dir>/ads``, beside the storyboards (none without settings)."""
        return self.settings.data_dir / "ads" if self.settings is not None else None


# -- recommendations ---------------------------------------------------------------------------------------
def recommend_for_viewer(engine: CatalogSearch, liked: Sequence[str], disliked: Sequence[str], k: int,
                         profile_likes: Sequence[str] = (), profile_dislikes: Sequence[str] = (),
                         seen: Sequence[str] = (), message: str = "") -> tuple[str, ToolArtifact]:
    """Picks for the names the model passed plus what the viewer said earlier in the session.

    Limits in the user's own message ("only 90s, no musicals") apply too: the message is read as constraints
    once the titles named in it are taken out (a title such as "The French Connection" must not become a
    country filter).
    """
    from tools.recommend.engine import recommender_for

    liked, disliked = _names(liked), _names(disliked)
    if not liked and not profile_likes:
        raise ToolInputError("Pass liked=[...] with the titles the user said they liked.")
    known = _resolvable(engine, [*disliked, *profile_likes, *profile_dislikes, *seen])
    liked_all = _merge(liked, [n for n in profile_likes if n in known])
    # A dislike that is no title ("musicals") is a genre or a person: the message's constraints ("can't stand
    # musicals" -> no musicals) handle it, and "musicals is not in the catalog" would only confuse.
    disliked_all = _merge([n for n in disliked if n in known], [n for n in [*profile_dislikes, *seen] if n in known])
    constraints = _without_names(message, [*liked_all, *disliked_all])
    recs = recommender_for(engine).recommend(liked_all, disliked_all, k=k, constraints=constraints or None)
    return recommendations_text(recs), ToolArtifact(data=recs.to_dict(), hits=list(recs.hits))


def recommendations_text(recs: Recommendations) -> str:
    liked = ", ".join(t.label for t in recs.liked)
    head = f"Picks for a viewer who liked {liked}" if liked else "Acclaimed picks (no liked titles found)"
    lines = [f"{head}: {len(recs.hits)} titles."] if recs.hits else [f"{head}: no titles fit."]
    lines += titles_for_model(recs.hits)
    for r in recs.unresolved:
        guesses = ", ".join(c.label for c in r.candidates[:3])
        lines.append(f'Not in the catalog: "{r.query}"' + (f" (did you mean {guesses}?)" if guesses else "."))
    lines += [f"Note: {m}" for m in recs.messages]
    return "\n".join(lines)


def _names(names: Sequence[str] | str | None) -> list[str]:
    if isinstance(names, str):
        names = [names]
    return [str(n).strip() for n in names or [] if str(n).strip()]


def _merge(first: list[str], more: list[str]) -> list[str]:
    seen = {normalize_title(n) for n in first}
    return first + [n for n in more if normalize_title(n) not in seen and not seen.add(normalize_title(n))]


def _resolvable(engine: CatalogSearch, names: Sequence[str]) -> set[str]:
    """The profile entries that are catalog titles (a profile also holds genres and people: "horror")."""
    return {n for n in names if engine.find_title(n)}


def _without_names(message: str, names: Sequence[str]) -> str:
    for name in sorted(names, key=len, reverse=True):
        message = re.sub(re.escape(name), " ", message, flags=re.IGNORECASE)
    return " ".join(message.split())


# -- storyboards -------------------------------------------------------------------------------------------
def storyboard_for_chat(services: CreativeServices, scene: str, shots: int, aspect: str) -> tuple[str, ToolArtifact]:
    from tools.storyboard import ScriptError, StoryboardInputError, generate_storyboard, storyboard_script

    if _looks_like_script(scene):
        try:
            boards = storyboard_script(services.storyboarder, scene, shots=shots, aspect=aspect)
        except (ScriptError, StoryboardInputError) as error:
            raise ToolInputError(str(error)) from error
        attachments = [a for board in boards.boards for a in board.attachments()[:2]]
        first = boards.boards[0]
        return boards.summary(), ToolArtifact(data={**first.to_dict(), "scene": scene,
                                                    "scenes": boards.to_dict()["scenes"]}, attachments=attachments)
    try:
        result = generate_storyboard(scene, shots=shots, aspect=aspect, storyboarder=services.storyboarder)
    except StoryboardInputError as error:
        raise ToolInputError(str(error)) from error
    data = {**result.data, "scene": scene}
    return result.text, ToolArtifact(data=data, attachments=result.attachments)


def _looks_like_script(text: str) -> bool:
    """A screenplay pasted into chat: lines that open with a scene heading ("INT. KITCHEN - DAY")."""
    return bool(re.search(r"(?m)^\s*(?:INT|EXT|INT\./EXT|I/E)[.\s]", text)) and "\n" in text.strip()


# -- ad drafts ---------------------------------------------------------------------------------------------
def ads_for_chat(services: CreativeServices, engine: CatalogSearch, title: str, tone: str = "",
                 audience: str = "") -> tuple[str, ToolArtifact]:
    from tools.ads import agent_draft_ads

    if not str(title or "").strip():
        raise ToolInputError('The title is empty: pass the movie to promote, e.g. title="Jaws".')
    text, data = agent_draft_ads(engine, title, tone=tone, audience=audience, llm=services.ads_llm,
                                 export_dir=services.ads_dir)
    attachments = [_ads_attachment(Path(p)) for p in data.get("files", [])]
    # The promoted title is a card in the UI and a title the answer may name.
    promoted = engine.get(data["title_id"]) if data.get("found") else None
    hits = [TitleHit(promoted, 1.0, ("the title these ads promote",))] if promoted else []
    return text, ToolArtifact(data=data, hits=hits, attachments=attachments)


def _ads_attachment(path: Path) -> dict[str, Any]:
    if path.suffix == ".png":  # key art: <title>_poster.png, _tile.png, _square.png
        return {"path": str(path), "media_type": "image/png", "caption": f"Key art ({path.stem.rsplit('_', 1)[-1]})"}
    media_type = "text/markdown" if path.suffix == ".md" else "text/csv"
    return {"path": str(path), "media_type": media_type, "caption": f"Ad drafts ({path.suffix[1:].upper()})"}
