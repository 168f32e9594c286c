"""From a catalog title to checked drafts: one model call, vetted lines, composed formats, template fill-in.

1. The model writes four short lines (tagline, video hook, logline, key-art scene) in one constrained call.
2. Each line is checked as its own format; a failing line is repaired (trim, drop unsupported names) or set aside.
3. The other formats are composed from the vetted lines and the record, and checked again.
4. Template drafts built only from the record fill every remaining slot, so each format is always complete.
Every candidate is recorded with what failed, so the result can say what was repaired or replaced and why.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence

from langchain_core.language_models import BaseChatModel

from knowledge.titles import Title
from tools.ads.audience import AudienceFit, audience_fit, clean_field
from tools.ads.brief import clean_request
from tools.ads.checks import CHECKS, DraftChecker
from tools.ads.facts import Facts
from tools.ads.formats import LIMITS, expand_formats, list_size
from tools.ads.lexicon import ADULT_RATINGS, FAMILY_AUDIENCES, audience_phrase, tone_for
from tools.ads.model import ask_model, build_messages, screen
from tools.ads.repair import repair
from tools.ads.result import AdDrafts, Attempt, CheckOutcome, Draft
from tools.ads.templates import TemplateWriter

MAX_VARIANTS = 10
MAX_DROPPED_LISTED = 12
META_ART = re.compile(r"\b(movie|film|poster|theme|tone|audience|family-friendly|genre|ad|advert|copy)\b", re.I)
# The model's lines and the format each is checked as.
FIELD_FORMATS = {"tagline": "tagline", "hook": "video_hook", "logline": "logline", "key_art": "key_art_prompt"}


class _Session:
    """The drafts of one request as they are accepted, and the record of every candidate."""

    def __init__(self, checker: DraftChecker, formats: tuple[str, ...], variants: int):
        self.checker = checker
        self.wanted = {fmt: list_size(fmt, variants) for fmt in formats}
        self.drafts: dict[str, list[Draft]] = {fmt: [] for fmt in formats}
        self.attempts: list[Attempt] = []
        self.outcomes = {name: CheckOutcome(name) for name in CHECKS}
        self.notes: list[str] = []
        #: Template drafts that failed a meaning check, with the reason (the result lists a few).
        self.dropped: list[tuple[str, str, str]] = []

    def full(self, fmt: str) -> bool:
        return len(self.drafts[fmt]) >= self.wanted[fmt]

    def _duplicate(self, fmt: str, text: str) -> bool:
        key = _fingerprint(text)
        return any(_fingerprint(d.text) == key for d in self.drafts[fmt])

    def vet(self, fmt: str, text: str, source: str, record: bool = True, mended: tuple[str, ...] = ()) -> Draft | None:
        """``text`` as a passing draft (a model draft repaired if need be), or None.

        ``record`` counts the candidate in the statistics; ``mended`` says what was already mended (a line cut
        off at the length cap), which counts as a length failure. Check outcomes count and explain model drafts
        only: a template draft that does not fit (a long title in a 30-character headline) is skipped, never
        mangled, and there is always another template.
        """
        problems = self.checker.check(fmt, text)
        failed = tuple(name for name in self.checker.enforced if problems[name])
        if record:  # every check counts in the statistics, enforced or not (the baseline's meaning checks too)
            every = tuple(name for name in CHECKS if problems[name])
            as_written = tuple(dict.fromkeys((*every, *(["length"] if mended else []))))
            self.attempts.append(Attempt(fmt, source, not as_written, as_written))
            if mended:
                self.outcomes["length"].failed_before_repair += "length" not in failed
                self.outcomes["length"].fixes += [f"{fmt} ({source} draft): {fix}" for fix in mended]
        if not failed:
            return Draft(fmt, text, f"{source}, repaired" if mended else source, mended)
        if source == "template":
            reason = next((f"{name}: {problems[name][0]}" for name in failed if name not in ("length",)), "")
            if reason:
                self.dropped.append((fmt, text, reason))
            return None
        fix = repair(fmt, text, problems, self.checker)
        repaired = fix is not None and self.checker.passes(fmt, fix[0])
        if not repaired:
            self.dropped.append((fmt, text, "; ".join(f"{n}: {problems[n][0]}" for n in failed)))
        for name in failed if record else ():
            self.outcomes[name].failed_before_repair += 1
            self.outcomes[name].fixes += ([f"{fmt} ({source} draft): {done}" for done in fix[1]] if repaired else
                                          [f"{fmt} ({source} draft): set aside ({problems[name][0]}); a template "
                                           "draft takes its place"])
        return Draft(fmt, fix[0], f"{source}, repaired", (*mended, *fix[1])) if repaired else None

    def set_aside(self, fmt: str, reason: str, record: bool) -> None:
        """A model line that is no use as copy (it echoes its instructions or the title)."""
        if record:
            self.attempts.append(Attempt(fmt, "model", False, ("usable",)))
            self.notes.append(f"The model's {fmt.replace('_', ' ')} {reason}; a template draft takes its place.")

    def offer(self, fmt: str, text: str, source: str) -> None:
        if self.full(fmt) or self._duplicate(fmt, text):
            return
        draft = self.vet(fmt, text, source)
        if draft is not None:
            self.accept(draft)

    def accept(self, draft: Draft) -> None:
        if not self.full(draft.format) and not self._duplicate(draft.format, draft.text):
            self.drafts[draft.format].append(draft)

    def finish(self) -> dict[str, CheckOutcome]:
        """Re-check every returned draft: the outcome reports on what is handed back, not on intentions."""
        for fmt, drafts in self.drafts.items():
            for n, draft in enumerate(drafts, start=1):
                for name, problems in self.checker.check(fmt, draft.text).items():
                    self.outcomes[name].checked += 1
                    self.outcomes[name].issues += [f"{fmt} {n}: {p}" for p in problems]
            if len(drafts) < _fewest(fmt, self.wanted[fmt]):
                self.outcomes["length"].issues.append(
                    f"{fmt}: only {len(drafts)} of {self.wanted[fmt]} drafts could be written within the checks")
        for outcome in self.outcomes.values():
            outcome.passed = not outcome.issues
        return self.outcomes


class AdWriter:
    """Writes ad drafts for catalog titles; ``llm=None`` gives template drafts only (instant, deterministic)."""

    def __init__(self, llm: BaseChatModel | None = None, meaning: bool = True):
        """``meaning=False`` is today's baseline: first-listed genre, no audience fit, meaning checks reported
        but not enforced (the benchmark runs it beside the real pipeline)."""
        self.llm = llm
        self.meaning = meaning

    def write(self, title: Title, formats: Iterable[str] | str | None = None, tone: str = "", audience: str = "",
              variants: int = 3, language: str = "English", brief: str = "", notices: Iterable[str] = (),
              leads: Sequence[str] | None = None) -> AdDrafts:
        """Drafts for ``title``; ``leads`` is its cast best known first (default: the record's order)."""
        started = time.perf_counter()
        if not 1 <= int(variants) <= MAX_VARIANTS:
            raise ValueError(f"variants must be between 1 and {MAX_VARIANTS}, got {variants}.")
        fmts = expand_formats(formats)
        warnings: list[str] = []
        if self.meaning:  # user text that reads like instructions never reaches the model or the copy
            tone, audience = clean_field(tone, "tone", warnings), clean_field(audience, "audience", warnings)
        request = clean_request(brief, tone, audience)
        facts = Facts.from_title(title, leads, lead_genre=self.meaning)
        checker = DraftChecker(facts, enforce_meaning=self.meaning)
        fit = (audience_fit(title, checker.lead, request.audience, request.tone) if self.meaning else
               AudienceFit(request.audience, audience_phrase(request.audience)))
        checker.meaning.not_for_children = fit.not_for_children
        warnings += fit.warnings
        if self.meaning and not (title.genres or facts.plot or title.cast or title.directors):
            warnings.append(f"The record of {title.label} has no genres, plot or people: there is nothing true to "
                            "say about it beyond its name, so most formats stay empty. Add its metadata to the "
                            "catalog and draft again.")
        tone_used, tone_note = tone_for(fit.tone_override or request.tone, _tone_genres(title, checker, self.meaning))
        writer = TemplateWriter(facts, tone_used, fit.phrase, elements=checker.elements if self.meaning else None,
                                visual_genre=checker.lead.genre if self.meaning else "")
        session = _Session(checker, fmts, int(variants))
        notes = [*notices, *request.notices, *filter(None, [tone_note])]
        notes += [] if self.meaning else _audience_notes(title, request.audience)
        notes += _language_notes(language)
        fields: dict[str, str] = {}
        if self.llm is not None:
            genres = [g.lower() for g in checker.lead.leads] if self.meaning else None
            messages = build_messages(facts, request.tone or tone_used.name, request.audience, request.text, language,
                                      genres=genres, audience_note=fit.phrase.strip() if self.meaning else "")
            fields, model_note = ask_model(self.llm, messages)
            notes += filter(None, [model_note])
        for draft in _model_drafts(session, writer, fields):
            session.accept(draft)
        notes += session.notes
        for fmt in fmts:
            for text in writer.drafts(fmt):
                if session.full(fmt):
                    break
                session.offer(fmt, text, "template")
        outcomes = session.finish()
        _add_notes(outcomes, facts, session.checker)
        return AdDrafts(title.id, title.label, request.tone or tone_used.name, request.audience, language, fmts,
                        session.drafts, outcomes, notes, session.attempts, bool(fields),
                        time.perf_counter() - started, lead_genre=facts.genre if title.genres else "",
                        lead_genre_reason=checker.lead.reason if self.meaning else "first listed genre",
                        warnings=warnings, dropped=session.dropped[:MAX_DROPPED_LISTED],
                        template_tone=tone_used.name)


def _model_drafts(session: _Session, writer: TemplateWriter, fields: dict[str, str]) -> list[Draft]:
    """The model's lines, vetted, and the formats composed from them (composites are vetted too)."""
    vetted: dict[str, str] = {}
    drafts: list[Draft] = []
    for line in screen(fields, writer.facts):
        fmt, record = FIELD_FORMATS[line.key], FIELD_FORMATS[line.key] in session.wanted
        if line.problem:
            session.set_aside(fmt, line.problem, record)
            continue
        text = line.text
        if line.key == "key_art" and writer.elements is not None and _meta_art(text, session.checker):
            session.set_aside(fmt, "describes the ad, not an image of this title", record)
            continue
        if line.key == "key_art":
            v = writer.values
            what = f" for a {' '.join(filter(None, [v['decade'], v['genre'], v['kind']]))}" if writer.elements else ""
            text = (f"Cinematic key art poster{what}: {text.rstrip(' .')}, {v['palette']} palette, "
                    "dramatic lighting, no text, no logos")
        draft = session.vet(fmt, text, "model", record=record, mended=line.fixes)
        if draft is not None:
            vetted[line.key] = draft.text
            drafts += [draft] if record else []
    for fmt, text in _compose(writer, vetted).items():
        if fmt in session.wanted and text:
            draft = session.vet(fmt, text, "model")
            drafts += [draft] if draft is not None else []
    return drafts


def _compose(writer: TemplateWriter, lines: dict[str, str]) -> dict[str, str]:
    """Formats built from the model's vetted lines and the record's facts."""
    v, f = writer.values, writer.facts
    tagline, hook, logline = lines.get("tagline", ""), lines.get("hook", ""), lines.get("logline", "")
    label = f"{f.name} ({f.year})" if f.year else f.name
    tags = " ".join(filter(None, [v["title_tag"], v["genre_tag"]]))
    out = {
        "x_post": f"{_sentence(tagline)} {label}. {v['cta']}. {tags}" if tagline else "",
        "instagram": f"{_sentence(logline)}\n\n{_sentence(tagline)}\n\n{tags} #movienight" if logline and tagline
        else "",
        "search_headlines": tagline.rstrip(".!") if tagline and len(tagline.rstrip(".!")) <= 30 else "",
        "search_descriptions": _sentence(logline) if logline and len(_sentence(logline)) <= 90 else "",
    }
    if hook and tagline:
        out["spot_15s"] = writer.spot("spot_15s", 0, vo=[_sentence(hook), _sentence(tagline)])
    if hook and logline:
        out["spot_30s"] = writer.spot("spot_30s", 0, vo=[_sentence(hook), _sentence(logline)])
    return out


def _meta_art(text: str, checker: DraftChecker) -> bool:
    """A key-art line about the ad ("a family-friendly movie with a playful theme") rather than an image."""
    return bool(META_ART.search(text)) and not checker.meaning.specific_terms(text)


def _fewest(fmt: str, wanted: int) -> int:
    """Fewer drafts than asked is a problem only below the platform's minimum (three search headlines)."""
    count = LIMITS[fmt].count
    return min(wanted, count[0]) if count else wanted


def _tone_genres(title: Title, checker: DraftChecker, meaning: bool) -> list[str]:
    """The genres whose default tone applies: the lead genres first, or the database order for the baseline."""
    return [*checker.lead.leads, *title.genres] if meaning else title.genres


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?…" else text + "."


def _fingerprint(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _audience_notes(title: Title, audience: str) -> list[str]:
    if audience.lower().strip() in FAMILY_AUDIENCES and title.maturity_rating.upper() in ADULT_RATINGS:
        return [f"{title.label} is rated {title.maturity_rating}; check that a {audience} audience fits the plan."]
    return []


def _language_notes(language: str) -> list[str]:
    if language.lower().strip() in ("english", "en", ""):
        return []
    return [f"Template drafts are in English; the model was asked for {language}, and its drafts are checked with "
            "English word lists, so capitalised words may be set aside as unsupported names."]


def _add_notes(outcomes: dict[str, CheckOutcome], facts: Facts, checker: DraftChecker) -> None:
    outcomes["grounding"].note = ("names and numbers checked against the record's metadata and plot summary"
                                  if facts.plot else "no plot summary: names and numbers checked against metadata")
    if not facts.plot:
        outcomes["spoilers"].note = "no plot summary, so no ending to give away; generic spoiler phrases checked"
    elif not checker.spoilers.active:
        outcomes["spoilers"].note = "the plot summary is too short to hold an ending; generic spoiler phrases checked"
    else:
        outcomes["spoilers"].note = (f"{len(checker.spoilers.terms)} words and {len(checker.spoilers.pairs)} word "
                                     "pairs from the last third of the plot are kept out")
    outcomes["length"].note = "hard limits per format; a spot's voice-over fits its running time"
