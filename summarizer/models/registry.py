"""Model presets and what a `--model` spec means.

A spec is, in this order: an http(s) base URL of an OpenAI-compatible server, a preset name (see PRESETS), a path to a .gguf file, a local checkpoint folder
(one with config.json), or a Hugging Face id (org/name) that must already be in the local HF cache:
newsum never downloads. None means the config file's `model` key, else DEFAULT_PRESET.
Nothing here imports llama.cpp, torch or transformers.
"""

from __future__ import annotations

import importlib.util
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from summarizer.errors import ModelError
from summarizer.models.packaged import DEFAULT_GGUF, PIP_HINT, PackagedGGUF

DEFAULT_PRESET = "qwen2.5-coder-1.5b"
HF_PIP_HINT = "pip install 'newsum[hf]'"
_HF_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    backend: str  # "llama.cpp" or "transformers"
    kind: str  # "chat" or "translators"
    packaged: PackagedGGUF | None = None  # llama.cpp presets shipped as chunk wheels
    hf_ids: tuple[str, ...] = ()  # transformers presets: ids looked up in the local HF cache


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            DEFAULT_PRESET,
            "Qwen2.5-Coder-1.5B-Instruct Q4_K_M, shipped as PyPI wheels; CPU, offline",
            "llama.cpp", "chat", packaged=DEFAULT_GGUF,
        ),
        Preset(
            "opus-mt",
            "Marian opus-mt da->en and en->da translators (translation only, no summaries of their own)",
            "transformers", "translators", hf_ids=("Helsinki-NLP/opus-mt-da-en", "Helsinki-NLP/opus-mt-en-da"),
        ),
        Preset(
            "qwen2.5-1.5b-instruct",
            "Qwen2.5-1.5B-Instruct (general, better Danish than the coder model); CPU or GPU",
            "transformers", "chat", hf_ids=("Qwen/Qwen2.5-1.5B-Instruct",),
        ),
        Preset(
            "qwen2.5-7b-instruct",
            "Qwen2.5-7B-Instruct, much stronger; wants a GPU",
            "transformers", "chat", hf_ids=("Qwen/Qwen2.5-7B-Instruct",),
        ),
    )
}


@dataclass(frozen=True)
class ResolvedSpec:
    """What a spec points at. `source` is "preset", "gguf", "folder" or "hf-id"."""

    source: str
    name: str  # display name and cache key part
    backend: str
    preset: Preset | None = None
    path: Path | None = None  # gguf file or checkpoint folder; None for presets until loaded
    hf_ids: tuple[str, ...] = field(default=())


def is_server_url(spec: object) -> bool:
    """A spec naming an OpenAI-compatible server (http(s)://.../v1) rather than a local model."""
    return isinstance(spec, str) and spec.strip().lower().startswith(("http://", "https://"))


def chosen_spec(spec: str | None, config: dict | None) -> str:
    if spec:
        return spec
    configured = (config or {}).get("model")
    if configured is not None and not isinstance(configured, str):
        raise ModelError(f"config key `model` must be a string (a preset, .gguf path, folder or HF id), not {configured!r}")
    return configured or DEFAULT_PRESET


def resolve_spec(spec: str | None, config: dict | None = None) -> ResolvedSpec:
    """Decide what kind of model a spec names, without loading it (HF ids: checks the local cache)."""
    text = chosen_spec(spec, config).strip()
    if is_server_url(text):
        return ResolvedSpec("server", text.rstrip("/"), "openai")
    if text in PRESETS:
        p = PRESETS[text]
        return ResolvedSpec("preset", p.name, p.backend, preset=p, hf_ids=p.hf_ids)
    path = Path(text).expanduser()
    if path.is_file():
        if path.suffix.lower() != ".gguf":
            raise ModelError(f"{path} is a file but not a .gguf model; give a .gguf file, a checkpoint folder or a preset")
        return ResolvedSpec("gguf", path.stem.lower(), "llama.cpp", path=path)
    if path.is_dir():
        if (path / "config.json").is_file():
            return ResolvedSpec("folder", path.name, "transformers", path=path)
        ggufs = sorted(path.glob("*.gguf"))
        if len(ggufs) == 1:
            return ResolvedSpec("gguf", ggufs[0].stem.lower(), "llama.cpp", path=ggufs[0])
        raise ModelError(f"{path} is a folder without config.json (not a Hugging Face checkpoint) and without one .gguf file")
    if path.suffix.lower() == ".gguf":
        raise ModelError(f"GGUF model file not found: {path}")
    if _HF_ID.match(text) and not text.startswith((".", "~")):
        return ResolvedSpec("hf-id", text.split("/")[-1], "transformers", path=hf_cached_snapshot(text), hf_ids=(text,))
    presets = ", ".join(PRESETS)
    raise ModelError(
        f"unknown model {text!r}: use a preset ({presets}), a .gguf file, a checkpoint folder or a "
        "Hugging Face id (org/name) already downloaded; see `newsum models`"
    )


def hf_cached_snapshot(repo_id: str) -> Path:
    """The local snapshot folder of a Hugging Face model, from the cache only (never the network)."""
    try:
        from huggingface_hub import snapshot_download
        from huggingface_hub.errors import LocalEntryNotFoundError
    except ImportError as exc:
        raise ModelError(f"Hugging Face model {repo_id} needs the transformers backend; run: {HF_PIP_HINT}") from exc
    try:
        # huggingface_hub reads HF_HUB_CACHE once at import; read it per call so a changed env is honoured.
        folder = snapshot_download(repo_id, local_files_only=True, cache_dir=os.environ.get("HF_HUB_CACHE") or None)
    except LocalEntryNotFoundError as exc:
        raise ModelError(
            f"Hugging Face model {repo_id} is not in the local cache and newsum never downloads; "
            f"run: {download_command(repo_id)}, then rerun"
        ) from exc
    except Exception as exc:  # malformed id, unreadable cache
        raise ModelError(f"cannot use Hugging Face model {repo_id} from the local cache: {exc}") from exc
    return Path(folder)


def download_command(repo_id: str) -> str:
    """The command that fills the local HF cache (`hf` since huggingface_hub 1.0, `huggingface-cli` before)."""
    return f"hf download {repo_id}"


def module_available(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


__all__ = ["DEFAULT_PRESET", "PIP_HINT", "HF_PIP_HINT", "PRESETS", "Preset", "ResolvedSpec", "resolve_spec",
           "chosen_spec", "is_server_url", "hf_cached_snapshot", "download_command", "module_available"]
