"""The `newsum models` listing: each preset, whether it can run here, where its files are, the default.

It only looks (find_spec, stat, the HF cache): it never joins, loads or downloads anything.
"""

from __future__ import annotations

from summarizer.errors import ModelError
from summarizer.models.packaged import (
    PIP_HINT,
    find_parts,
    is_verified,
    joined_path,
    model_dir,
)
from summarizer.models.registry import (
    HF_PIP_HINT,
    PRESETS,
    Preset,
    chosen_spec,
    download_command,
    hf_cached_snapshot,
    is_server_url,
    module_available,
    resolve_spec,
)
from summarizer.settings import Settings


def describe(config: dict) -> str:
    try:
        default = chosen_spec(None, config)
    except ModelError as exc:
        default = ""
        bad_config = str(exc)
    else:
        bad_config = ""
    lines = ["Models (* = default; choose with --model NAME|FILE.gguf|FOLDER|ORG/NAME or `model = ...` in config.toml):", ""]
    for preset in PRESETS.values():
        mark = "*" if preset.name == default else " "
        status, where = _preset_status(preset)
        lines.append(f"{mark} {preset.name:<24} {preset.backend:<12} {preset.kind:<11} {status}")
        lines.append(f"    {preset.description}")
        lines.extend(f"    {w}" for w in where)
    if is_server_url(default):
        lines.append(f"* {default}  (a model server, from the config file)")
        lines.extend(f"    {line}" for line in _server_lines(default, config))
    elif default and default not in PRESETS:
        lines.append(f"* {default}  (from the config file)")
        try:
            r = resolve_spec(default, config)
            lines.append(f"    {r.source}, {r.backend}: {r.path}")
        except ModelError as exc:
            lines.append(f"    not usable: {exc}")
    if bad_config:
        lines.append(f"config error: {bad_config}")
    lines += ["", _settings(config)]
    return "\n".join(lines)


def _server_lines(url: str, config: dict) -> list[str]:
    """What a configured server serves (it is asked; the key, if any, is sent, never shown)."""
    from summarizer.models.openai_server import ServerModel

    try:
        settings = Settings.from_config(config)
        model = ServerModel(url, model_name=settings.model_name, key_env=settings.api_key_env, n_ctx=settings.n_ctx)
    except ModelError as exc:
        return [f"not usable: {exc}"]
    try:
        served = ", ".join(model.served)
        return [f"serves: {served}", f"uses: {model.model_name} (context {model.n_ctx or 'unknown'} tokens, "
                f"{settings.model_concurrency or 4} conversations at once; key from ${settings.api_key_env} if set)"]
    finally:
        model.close()


def _settings(config: dict) -> str:
    try:
        settings = Settings.from_config(config)
    except ModelError as exc:
        return f"settings: invalid ({exc}); joined models in {model_dir()}"
    return (
        f"llama.cpp: threads {settings.threads} (config `threads` or NEWSUM_THREADS), "
        f"n_ctx {settings.n_ctx}; transformers: device {settings.device}; "
        f"joined models in {model_dir()}"
    )


def _preset_status(preset: Preset) -> tuple[str, list[str]]:
    """(one-word-ish status, detail lines)."""
    if preset.packaged is not None:
        backend_ok = module_available("llama_cpp")
        target = joined_path(preset.packaged)
        if target.is_file() and is_verified(target, preset.packaged):
            state, where = "available", [f"file: {target}"]
        else:
            try:
                find_parts(preset.packaged)
                state, where = "available", [f"parts installed; joined into {target} on first use"]
            except ModelError:
                state, where = "not installed", [f"run: {PIP_HINT}"]
        if not backend_ok:
            state, where = "not installed", where + [f"llama-cpp-python missing; run: {PIP_HINT}"]
        return state, where
    if not (module_available("transformers") and module_available("torch")):
        return "not installed", [f"needs transformers and torch; run: {HF_PIP_HINT}"]
    where, missing = [], []
    for repo_id in preset.hf_ids:
        try:
            where.append(f"{repo_id}: {hf_cached_snapshot(repo_id)}")
        except ModelError:
            missing.append(repo_id)
            where.append(f"{repo_id}: not downloaded; run: {download_command(repo_id)}")
    return ("not downloaded" if missing else "available"), where
