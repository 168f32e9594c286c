"""What a user does with Marquee (a chat turn, a search, a storyboard, ad drafts), built the default way from
settings, with the network blocked; used by tests/test_offline.py in-process and in a clean subprocess.

    python -m tests.offline_flows DATA_DIR   # prints a JSON report: what each flow gave, and blocked attempts
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from langchain_core.messages import AIMessage, BaseMessage

from tests.network_guard import NetworkGuard

SMALL_CATALOG = Path(__file__).parent / "data" / "small_catalog.jsonl"
CHAT_MESSAGE = "find me 80s horror movies"


@dataclass
class FlowReport:
    chat_reply: str = ""
    chat_tools: list[str] = field(default_factory=list)
    search_titles: list[str] = field(default_factory=list)
    storyboard_files: list[str] = field(default_factory=list)
    ad_taglines: list[str] = field(default_factory=list)
    attempts: list[str] = field(default_factory=list)


def answer_from_tool_result(messages: list[BaseMessage]) -> str:
    """The scripted model's answer: the first title the search listed (the agent folds it into the prompt)."""
    text = str(messages[-1].content)
    listed = next((line for line in text.splitlines() if line.startswith("1. ")), "")
    return f"You could watch {listed[3:].split(' - ')[0]}." if listed else "Nothing fits."


def scripted_model():
    from assistant.llm import ScriptedChatModel

    search = AIMessage(content="", tool_calls=[{"name": "search_catalog", "args": {"query": CHAT_MESSAGE},
                                                "id": "call_offline_1", "type": "tool_call"}])
    # After the chat turn, the storyboard planner and the ad writer get replies they cannot use, so they fall
    # back to their built-in patterns and templates: the files and checks still run.
    return ScriptedChatModel([search, answer_from_tool_result, *["(no usable reply)"] * 30])


def run_user_flows(settings) -> FlowReport:
    """Every flow through ``Assistant(settings, llm=...)``: the catalog, embedder and index come from settings."""
    from assistant import Assistant

    assistant = Assistant(settings, llm=scripted_model())
    report = FlowReport()
    reply = assistant.chat(CHAT_MESSAGE, "offline")
    report.chat_reply, report.chat_tools = reply.text, [c["name"] for c in reply.tool_calls]
    report.search_titles = [hit.title.label for hit in assistant.search("a French comedy", k=3)]
    board = assistant.storyboard("A detective walks into a rainy alley and finds a letter", shots=3,
                                 out_dir=settings.data_dir / "board")
    report.storyboard_files = sorted(p.name for p in (board.sheet_png, board.sheet_pdf, *board.frames) if p.exists())
    report.ad_taglines = assistant.ad_drafts("Jaws", formats=["tagline"], variants=2).texts("tagline")
    return report


def main(data_dir: str) -> None:
    from knowledge.settings import Settings

    settings = Settings(data_dir=Path(data_dir), catalog_path=SMALL_CATALOG)
    with NetworkGuard() as guard:
        report = run_user_flows(settings)
    report.attempts = [str(a) for a in guard.attempts]
    print("REPORT " + json.dumps(asdict(report)))


if __name__ == "__main__":
    main(sys.argv[1])
