"""Model loading: one call, `load_model(spec, config=...)`, for every backend.

What load_model returns: a base.Model (`can_chat`, `chat`, `chat_many`, `count_tokens`, `remember_prefix`,
`translator(src, tgt)`, `close`), by `.kind`:
- "chat": `chat(messages, max_tokens=, temperature=, stop=, seed=) -> Generation`; llama.cpp decodes
  `chat_many(conversations, ...)` side by side.
  The default (preset "qwen2.5-coder-1.5b", llama.cpp on CPU), any .gguf file, and Hugging Face causal
  chat checkpoints (transformers). Chat models summarize and can translate by prompting.
- "translators": a TranslatorPair (base.py) of two seq2seq Translators, `.translator("da", "en")` and
  `.translator("en", "da")`, each `translate(texts) -> list[Generation]`. Preset "opus-mt". No chat():
  the summary stage selects sentences itself and translates them.
- a single "translator" (a Translator) when the spec is one seq2seq checkpoint (a folder or HF id).

Specs: a preset name, a .gguf path, a checkpoint folder (config.json inside), a Hugging Face id from
the local cache (never downloaded), or the http(s)://.../v1 base URL of an OpenAI-compatible server
(openai_server.py: llama.cpp's server, vLLM, Ollama, LM Studio). None -> config key `model` -> the default preset.
Options come as one settings.Settings (or the parsed config file it is made from): `model`, `threads`,
`n_ctx`, `device`, `draft_tokens`, and whether llama.cpp saves prompt openings (`kv_files`).
Models are loaded once per process and reused (the digest summarizes many articles with one model);
torch/transformers are imported only when a transformers model is loaded.
"""

from __future__ import annotations

import atexit
from pathlib import Path

from summarizer.models.base import Generation, Model, Translator, TranslatorPair
from summarizer.models.packaged import ensure_joined
from summarizer.models.registry import (
    DEFAULT_PRESET,
    PRESETS,
    ResolvedSpec,
    hf_cached_snapshot,
    resolve_spec,
)
from summarizer.settings import Settings

__all__ = [
    "load_model", "describe_models", "loaded_models", "Model", "Translator", "TranslatorPair",
    "Generation", "DEFAULT_PRESET", "PRESETS",
]

_LOADED: dict[tuple, Model] = {}


def load_model(spec: str | None = None, *, config: dict | Settings | None = None) -> Model:
    """Load (or reuse) the model a spec names (None: config key `model`, else the default preset).
    config: the parsed config file, or Settings. Raises ModelError with a fix the user can run."""
    settings = config if isinstance(config, Settings) else Settings.from_config(config)
    resolved = resolve_spec(spec, dict(settings.file) | ({"model": settings.model} if settings.model else {}))
    key = _cache_key(resolved, settings)
    model = _LOADED.get(key)
    if model is None:
        model = _load(resolved, settings)
        _LOADED[key] = model
    return model


def close_all() -> None:
    """Free every loaded model. Registered with atexit: llama-cpp-python's own __del__ runs during
    interpreter teardown, when its C bindings may already be gone, and prints a traceback."""
    for model in _LOADED.values():
        model.close()
    _LOADED.clear()


atexit.register(close_all)


def loaded_models() -> list[Model]:
    return list(_LOADED.values())


def _cache_key(resolved: ResolvedSpec, settings: Settings) -> tuple:
    if resolved.backend == "openai":
        options = (settings.model_name, settings.api_key_env, settings.model_concurrency)
    elif resolved.backend == "llama.cpp":
        # Not threads: a second 1 GB copy for another thread count is never worth it; the first one serves.
        options = (settings.n_ctx, settings.draft_tokens, settings.kv_files)
    else:
        options = (settings.device,)
    return (resolved.source, resolved.name, str(resolved.path), resolved.preset, options)


def _load(resolved: ResolvedSpec, settings: Settings) -> Model:
    if resolved.backend == "openai":
        from summarizer.models.openai_server import ServerModel

        return ServerModel(resolved.name, model_name=settings.model_name, key_env=settings.api_key_env,
                           n_ctx=settings.n_ctx, concurrency=settings.model_concurrency or 4)
    if resolved.backend == "llama.cpp":
        from summarizer.models.llama_cpp import LlamaCppChat

        if resolved.preset is not None and resolved.preset.packaged is not None:
            path = ensure_joined(resolved.preset.packaged)
            name = Path(resolved.preset.packaged.file_name).stem
        else:
            path, name = resolved.path, resolved.name
        return LlamaCppChat(path, name=name, threads=settings.threads, n_ctx=settings.n_ctx,
                            draft_tokens=settings.draft_tokens, kv_files=settings.kv_files)

    from summarizer.models.transformers_backend import load_checkpoint

    device = settings.device
    if resolved.preset is None:
        return load_checkpoint(resolved.path, name=resolved.name, device=device)
    folders = [hf_cached_snapshot(repo_id) for repo_id in resolved.preset.hf_ids]  # a missing one fails before any load
    models = [load_checkpoint(f, name=i.split("/")[-1], device=device) for f, i in zip(folders, resolved.preset.hf_ids)]
    if resolved.preset.kind == "translators":
        by_direction = {(m.source_language, m.target_language): m for m in models}
        return TranslatorPair(resolved.preset.name, da_en=by_direction[("da", "en")], en_da=by_direction[("en", "da")])
    return models[0]


def describe_models(config_path: str | Path | None = None) -> str:
    """The text of `newsum models`: presets, whether each is usable here and where, the default marked."""
    from summarizer.models.describe import describe
    from summarizer.settings import load_config

    return describe(load_config(config_path))
