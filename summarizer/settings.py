"""The user's config file (TOML): default model, digest sources and options.

Location: platformdirs' user config dir (e.g. ~/.config/newsum/config.toml), or --config.
Each stage reads the keys it owns; this module only finds and parses the file.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import platformdirs

from summarizer.errors import UsageError

APP = "newsum"


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP)) / "config.toml"


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP))


def load_config(path: str | Path | None = None) -> dict:
    """Parse the config file. A missing default file is an empty config; a missing --config file is an error."""
    explicit = path is not None
    p = Path(path) if explicit else default_config_path()
    if not p.exists():
        if explicit:
            raise UsageError(f"config file not found: {p}")
        return {}
    try:
        with p.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"config file {p} is not valid TOML: {exc}") from exc
