"""The digest's options: the config's [[sources]] (and OPML) and [digest] table, overridden by the
command line, checked and turned into one DigestOptions value."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from summarizer.digest.feeds import Source, load_opml, parse_source
from summarizer.digest.store import default_db_path
from summarizer.errors import UsageError
from summarizer.settings import data_dir

SERVER_CONCURRENCY = 4
# In-process llama.cpp: 1. Two articles merged measured slower on 2 cores (BENCHMARKS.md "Session 8:
# digest speed"): a lone sequence gets prompt-lookup drafting, merged ones do not. The config may say 2.
IN_PROCESS_CONCURRENCY = 1

DIGEST_KEYS = {"model", "output", "formats", "concurrency", "since", "group_by", "opml", "database", "host_delay",
               "allow_private_links"}
FORMATS = ("md", "html", "json")
MAX_SINCE = timedelta(days=36525)
GROUPINGS = ("source", "ticker")


@dataclass
class DigestOptions:
    sources: list[Source]
    output: Path
    formats: list[str]
    since: timedelta | None
    since_text: str | None = None  # as written, for the digest's heading
    group_by: str = "source"
    concurrency: int = 4
    host_delay: float = 1.0  # seconds between two requests to the same host
    model: str | None = None
    database: Path = field(default_factory=default_db_path)
    # articles whose model work runs at once: the top-level `model_concurrency`, else SERVER_CONCURRENCY
    # for a model server (it batches what arrives together), IN_PROCESS_CONCURRENCY for llama.cpp in
    # this process (models/gather.py merges their calls), 1 for transformers
    model_concurrency: int = 1


def parse_since(text: str | None) -> timedelta | None:
    """'24h', '3d', '90m', '2w' -> timedelta; 'all' or '' -> None (no cut-off)."""
    if text is None or text.strip().lower() in ("", "all"):
        return None
    m = re.fullmatch(r"\s*(\d+)\s*([mhdw])\s*", text.lower())
    if not m or int(m.group(1)) == 0:
        raise UsageError(f"--since must look like 90m, 24h, 3d or 2w (or 'all'), got {text!r}")
    unit = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}[m.group(2)]
    try:
        delta = timedelta(**{unit: int(m.group(1))})
    except OverflowError:
        delta = timedelta.max
    if delta > MAX_SINCE:
        raise UsageError(f"--since {text} reaches back more than 100 years; use 'all' for everything")
    return delta


def parse_formats(value: object) -> list[str]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise UsageError(f"formats must be a list such as md,html,json, got {value!r}")
    out = []
    for item in items:
        name = str(item).strip().lower()
        name = {"markdown": "md"}.get(name, name)
        if name not in FORMATS:
            raise UsageError(f"unknown digest format {item!r} (choose from {', '.join(FORMATS)})")
        if name not in out:
            out.append(name)
    return out


def load_options(cfg: dict, *, config_path: Path, since: str | None = None, out: Path | None = None,
                  formats: str | None = None, group_by: str | None = None, model: str | None = None) -> DigestOptions:
    """The config's [digest] table and [[sources]], overridden by command-line options."""
    digest_cfg = cfg.get("digest", {})
    if not isinstance(digest_cfg, dict):
        raise UsageError("config: [digest] must be a table")
    unknown = sorted(set(digest_cfg) - DIGEST_KEYS)
    if unknown:
        raise UsageError(f"config [digest]: unknown key '{unknown[0]}' (known: {', '.join(sorted(DIGEST_KEYS))})")
    base = config_path.parent

    def path_of(key: str) -> Path | None:
        value = digest_cfg.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value:
            raise UsageError(f"config [digest]: '{key}' must be a path, got {value!r}")
        return base / Path(value).expanduser()

    raw_sources = cfg.get("sources", [])
    if not isinstance(raw_sources, list):
        raise UsageError("config: sources must be written as [[sources]] tables")
    sources = [parse_source(t, f"config [[sources]] #{i}") for i, t in enumerate(raw_sources, start=1)]
    opml = path_of("opml")
    if opml is not None:
        sources += load_opml(opml)
    allow_private = digest_cfg.get("allow_private_links", False)
    if not isinstance(allow_private, bool):
        raise UsageError(f"config [digest]: 'allow_private_links' must be true or false, got {allow_private!r}")
    if allow_private:  # the run-wide default; a source's own key cannot be told from an absent one here
        for s in sources:
            s.allow_private_links = True
    if not sources:
        raise UsageError(f"no feeds configured: add [[sources]] tables with name and url to {config_path}")
    seen: set[str] = set()
    for s in sources:
        if s.url in seen:
            raise UsageError(f"config: feed {s.url} is listed twice")
        seen.add(s.url)

    concurrency = digest_cfg.get("concurrency", 4)
    if not isinstance(concurrency, int) or isinstance(concurrency, bool) or not 1 <= concurrency <= 32:
        raise UsageError(f"config [digest]: 'concurrency' must be a whole number from 1 to 32, got {concurrency!r}")
    host_delay = digest_cfg.get("host_delay", 1.0)
    if not isinstance(host_delay, (int, float)) or isinstance(host_delay, bool) or not 0 <= host_delay <= 60:
        raise UsageError(f"config [digest]: 'host_delay' must be seconds from 0 to 60, got {host_delay!r}")
    group = group_by or digest_cfg.get("group_by", "source")
    if group not in GROUPINGS:
        raise UsageError(f"--group-by must be source or ticker, got {group!r}")
    model_spec = model or digest_cfg.get("model")
    if model_spec is not None and not isinstance(model_spec, str):
        raise UsageError(f"config [digest]: 'model' must be a string, got {model_spec!r}")
    since_text = since if since is not None else digest_cfg.get("since", "24h")
    if not isinstance(since_text, str):
        raise UsageError(f"config [digest]: 'since' must be text such as \"24h\" or \"3d\", got {since_text!r}")
    since_delta = parse_since(since_text)
    return DigestOptions(
        sources=sources,
        output=out or path_of("output") or data_dir() / "digests",
        formats=parse_formats(formats or digest_cfg.get("formats", list(FORMATS))),
        since=since_delta,
        since_text=since_text if since_delta else None,
        group_by=group,
        concurrency=concurrency,
        host_delay=float(host_delay),
        model=model_spec,
        database=path_of("database") or default_db_path(),
        model_concurrency=_model_concurrency(cfg, model_spec),
    )


def _model_concurrency(cfg: dict, model_spec: str | None) -> int:
    """Articles at once in the model. A server takes several (4 unless the config says); the in-process
    llama.cpp model merges the calls of the articles in flight into one decode when the config asks for
    more than IN_PROCESS_CONCURRENCY (models/gather.py); a transformers model takes one at a time whatever the
    config says (its generate() is neither shared nor merged)."""
    from summarizer.errors import ModelError
    from summarizer.models.registry import is_server_url, resolve_spec
    from summarizer.settings import Settings

    chosen = Settings.from_config(cfg).model_concurrency
    if is_server_url(model_spec or cfg.get("model")):
        return chosen or SERVER_CONCURRENCY
    try:
        backend = resolve_spec(model_spec, cfg).backend
    except ModelError:  # an unknown model: the run says so when it first needs it
        return 1
    return (chosen or IN_PROCESS_CONCURRENCY) if backend == "llama.cpp" else 1
