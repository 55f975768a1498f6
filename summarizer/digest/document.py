"""The digest as one document: the stored results not yet in a digest -> data -> Markdown, HTML and JSON
files, each written under a temporary name and renamed into place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from summarizer.digest.options import FORMATS
from summarizer.digest.render import RENDERERS, article_tickers, top_tickers
from summarizer.errors import UsageError
from summarizer.values import SCHEMA_VERSION


@dataclass
class Failure:
    what: str  # "feed Name (url)" or "article Title (url)"
    error: str


def build_document(results: list[dict], *, now: datetime, since: str | None, group_by: str,
                   failures: list[Failure]) -> dict:
    """The digest as data: what the three renderers (and the JSON file) show."""
    articles = []
    for r in results:
        rep = dict(r["report"])
        rep.setdefault("schema_version", "0")  # stored before reports carried their version
        rep.pop("text", None)  # the clean text stays in the store; the digest shows summaries
        summary = rep.get("summary")
        flags = [flag for flag, on in (
            ("ungrounded", summary is not None and rep.get("grounded") is False),
            ("paywalled", bool(rep.get("paywalled"))),
            ("truncated", bool(rep.get("truncated"))),
            ("no-summary", summary is None),
        ) if on]
        articles.append({
            **rep,
            "entry_id": r["entry_id"],
            "guid": r["guid"],
            "source": r["source"],
            "link": rep.get("url") or r["link"],
            "title": rep.get("title") or r["feed_title"],
            "published": r["feed_published"] or rep.get("published"),  # the feed's date is the publisher's
            "language": rep.get("language") or rep.get("source_language"),
            "flags": flags,
            "ticker_summary": article_tickers(rep),
            "stage_seconds": r["timings"],  # load (fetch+clean) and analyse, as this run measured them
        })
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": now.isoformat(timespec="seconds"),
        "since": since,
        "group_by": group_by,
        "top_tickers": top_tickers(articles),
        "articles": articles,
        "failures": [{"what": f.what, "error": f.error} for f in failures],
    }


def write_documents(doc: dict, out_dir: Path, formats: list[str], now: datetime) -> list[Path]:
    """digest-YYYY-MM-DD-HHMM.{md,html,json}, each written to a temp name and renamed into place."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create output folder {out_dir}: {exc.strerror}") from None
    written = []
    stem = f"digest-{now:%Y-%m-%d-%H%M}"
    n = 1
    while any((out_dir / f"{stem}.{fmt}").exists() for fmt in FORMATS):  # two runs in one minute
        n += 1
        stem = f"digest-{now:%Y-%m-%d-%H%M}-{n}"
    for fmt in formats:
        path = out_dir / f"{stem}.{fmt}"
        tmp = path.with_name(path.name + ".part")
        tmp.write_text(RENDERERS[fmt](doc), encoding="utf-8")
        tmp.replace(path)
        written.append(path)
    return written
