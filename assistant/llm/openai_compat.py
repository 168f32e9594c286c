"""A chat model on an OpenAI-compatible server, such as vLLM.

Start vLLM with tool calling on, e.g. ``vllm serve Qwen/Qwen2.5-7B-Instruct --enable-auto-tool-choice
--tool-call-parser hermes``; any server that speaks ``/v1/chat/completions`` with ``tools`` works the same.
"""

from __future__ import annotations

from langchain_openai import ChatOpenAI

SERVER_CHECK_SECONDS = 5.0


def openai_compatible_chat_model(
    base_url: str,
    *,
    api_key: str = "EMPTY",
    model: str = "",
    temperature: float = 0.0,
    timeout: float = 120.0,
    streaming: bool = True,
) -> ChatOpenAI:
    """``ChatOpenAI`` for ``base_url``; an empty ``model`` asks the server what it serves. ``streaming=False``
    asks for whole replies, for servers that cannot stream tool calls."""
    if not base_url.strip():
        raise ValueError("An OpenAI-compatible backend needs a base URL, e.g. http://127.0.0.1:8000/v1.")
    return ChatOpenAI(
        base_url=base_url,
        api_key=api_key or "EMPTY",
        model=model or served_model(base_url, api_key=api_key),
        temperature=temperature,
        timeout=timeout,
        streaming=streaming,
        # Usage numbers in the final streamed chunk; vLLM supports the OpenAI stream_options for it.
        stream_usage=streaming,
    )


def served_model(base_url: str, *, api_key: str = "EMPTY") -> str:
    """The first model the server lists at ``/models`` (vLLM serves exactly one)."""
    from openai import OpenAI, OpenAIError

    client = OpenAI(base_url=base_url, api_key=api_key or "EMPTY", timeout=SERVER_CHECK_SECONDS, max_retries=0)
    try:
        models = [entry.id for entry in client.models.list()]
    except OpenAIError as error:
        raise RuntimeError(
            f"Could not ask {base_url} which model it serves ({error}). Check MARQUEE_LLM_BASE_URL, "
            "or name the model with MARQUEE_LLM_MODEL."
        ) from error
    if not models:
        raise RuntimeError(f"{base_url} serves no model; name one with MARQUEE_LLM_MODEL.")
    return models[0]
