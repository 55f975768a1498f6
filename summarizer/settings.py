"""newsum's settings: the config file (TOML) plus the environment, read into one Settings value.

The file: platformdirs' user config dir (e.g. ~/.config/newsum/config.toml), or --config. Its top-level
keys are run-wide (model, model_name, api_key_env, model_concurrency, threads, n_ctx, device, draft_tokens,
facts_budget_seconds); tables belong to a stage ([digest] and
[[sources]] to the digest, which reads them from `Settings.file`). Environment variables win over the
file: NEWSUM_THREADS, NEWSUM_NO_LLM_CACHE=1, NEWSUM_NO_KV_FILES=1. Nothing else reads the environment
for these, and nothing overwrites module globals to change them: a bench script builds another Settings.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import platformdirs

from summarizer.errors import ModelError, UsageError

APP = "newsum"
DEFAULT_N_CTX = 4096  # llama.cpp KV cells, shared by the prompts decoded side by side and the cached ones
DEFAULT_DRAFT_TOKENS = 3  # prompt-lookup guesses checked per step of a lone sequence (0: plain steps)


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP)) / "config.toml"


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP))


def available_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@dataclass(frozen=True)
class Settings:
    model: str | None = None  # a preset, .gguf path, checkpoint folder, HF id or server URL; None: the default preset
    model_name: str | None = None  # which of a server's models (None: the only one it serves)
    api_key_env: str = "NEWSUM_API_KEY"  # the environment variable holding a server's API key (never the key itself)
    model_concurrency: int | None = None  # articles at once in the digest; None: 4 for a server, 1 in-process
    threads: int = field(default_factory=available_cores)  # llama.cpp threads
    n_ctx: int = DEFAULT_N_CTX
    device: str = "auto"  # transformers: auto, cpu, cuda
    draft_tokens: int = DEFAULT_DRAFT_TOKENS
    llm_cache: bool = True  # reuse model outputs from <cache dir>/llm
    kv_files: bool = True  # save and load prompt openings' KV caches under <cache dir>/kv
    facts_budget: float = 60.0  # seconds the claims of one article may take before they stop, flagged
    file: Mapping = field(default_factory=dict)  # the whole parsed config, for the stages' own tables

    @classmethod
    def from_config(cls, config: Mapping | None = None, env: Mapping[str, str] | None = None) -> Settings:
        """Defaults, then the config's top-level keys, then the environment; wrong values are refused."""
        config = config or {}
        env = os.environ if env is None else env
        threads = env.get("NEWSUM_THREADS") or config.get("threads")
        return cls(
            model=config.get("model") or None,
            model_name=_text(config.get("model_name"), "model_name"),
            api_key_env=_text(config.get("api_key_env"), "api_key_env") or "NEWSUM_API_KEY",
            model_concurrency=None if config.get("model_concurrency") is None
            else _whole(config.get("model_concurrency"), "model_concurrency", minimum=1),
            threads=available_cores() if threads in (None, "", 0, "0") else _whole(threads, "threads", minimum=1),
            n_ctx=_whole(config.get("n_ctx", DEFAULT_N_CTX), "n_ctx"),
            device=str(config.get("device") or "auto"),
            draft_tokens=_whole(config.get("draft_tokens", DEFAULT_DRAFT_TOKENS), "draft_tokens"),
            facts_budget=_seconds(config.get("facts_budget_seconds", 60.0), "facts_budget_seconds"),
            llm_cache=env.get("NEWSUM_NO_LLM_CACHE") != "1",
            kv_files=env.get("NEWSUM_NO_KV_FILES") != "1",
            file=config,
        )

    def but(self, **changes) -> Settings:
        """A copy with some fields changed (what a bench script does instead of patching globals)."""
        return replace(self, **changes)


def _text(value, key: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise UsageError(f"config key `{key}` must be a string, not {value!r}")
    return value


def _whole(value, key: str, minimum: int = 0) -> int:
    """A whole number >= minimum; the message names the config key (or NEWSUM_THREADS)."""
    if isinstance(value, bool):
        value = None
    try:
        number = int(value)
        if str(number) != str(value).strip():
            raise ValueError
    except (TypeError, ValueError):
        raise ModelError(f"config key `{key}` must be a whole number >= {minimum}, not {value!r}"
                         + (" (or NEWSUM_THREADS)" if key == "threads" else "")) from None
    if number < minimum:
        raise ModelError(f"config key `{key}` must be a whole number >= {minimum}, not {number}")
    return number


def _seconds(value, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 86400:
        raise UsageError(f"config key `{key}` must be seconds from 1 to 86400, not {value!r}")
    return float(value)


def load_config(path: str | Path | None = None) -> dict:
    """Parse the config file. A missing default file is an empty config; a missing --config file is an error."""
    explicit = path is not None
    p = Path(path) if explicit else default_config_path()
    if not p.exists():
        if explicit:
            raise UsageError(f"config file not found: {p}")
        return {}
    if p.is_dir():
        raise UsageError(f"config file {p} is a directory; give the path of a .toml file")
    try:
        with p.open("rb") as fh:
            return tomllib.load(fh)
    except UnicodeDecodeError as exc:
        raise UsageError(f"config file {p} is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"config file {p} is not valid TOML: {exc}") from exc
    except OSError as exc:
        raise UsageError(f"cannot read config file {p}: {exc.strerror or exc}") from exc


def load_settings(path: str | Path | None = None) -> Settings:
    return Settings.from_config(load_config(path))
