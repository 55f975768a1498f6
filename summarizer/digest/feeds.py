"""Feeds: the digest's sources from the config (and OPML), and reading RSS/Atom with conditional GET.

A feed is fetched with the ETag/Last-Modified it sent last time; a 304 means nothing new. A feed
with XML errors (feedparser's "bozo") still gives whatever entries parsed, with a warning; a URL
that is not a feed at all is a failure of that feed, reported in the run summary.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser

from summarizer.errors import NewsumError, UsageError

SOURCE_KEYS = {"name", "url", "language", "limit", "include", "exclude", "full_page", "allow_private_links"}
DEFAULT_LIMIT = 50  # newest entries looked at per feed and run: a 10,000-entry feed cannot queue 10,000 model runs
LANGUAGES = {"da", "en"}


@dataclass
class Source:
    """One configured feed."""

    name: str
    url: str
    language: str | None = None  # hint when detection is unsure: "da" or "en"
    limit: int = DEFAULT_LIMIT  # look at the feed's `limit` newest (matching) entries only
    include: list[str] = field(default_factory=list)  # keep only entries mentioning one of these
    exclude: list[str] = field(default_factory=list)  # drop entries mentioning any of these
    full_page: bool = True  # fetch the article page; False: use the text the feed carries
    # entry links on another host than the feed's may point at private addresses (self-hosted setups)
    allow_private_links: bool = False


@dataclass
class Entry:
    """A feed item, normalised."""

    source: str
    feed_url: str
    guid: str
    link: str | None
    title: str | None
    published: str | None  # ISO 8601, UTC
    content: str | None  # HTML or text the feed carries (summary or full content)

    def as_row(self) -> dict:
        return {"guid": self.guid, "url": self.link, "title": self.title, "published": self.published,
                "content": self.content}


@dataclass
class FeedResult:
    source: Source
    status: str  # "ok" | "not_modified" | "failed"
    entries: list[Entry] = field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None
    warning: str | None = None  # malformed but usable
    error: str | None = None  # status == "failed"


# --- configuration ------------------------------------------------------------------------------


def _http_url(value: object, where: str) -> str:
    if not isinstance(value, str) or urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).netloc:
        raise UsageError(f"{where}: 'url' must be an http(s) feed URL, got {value!r}")
    return value


def _keywords(value: object, where: str, key: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise UsageError(f"{where}: '{key}' must be a list of words, got {value!r}")
    return [v.strip().lower() for v in value]


def parse_source(table: object, where: str) -> Source:
    """One [[sources]] table -> Source, or a UsageError that names the bad key."""
    if not isinstance(table, dict):
        raise UsageError(f"{where} must be a table with 'name' and 'url'")
    unknown = sorted(set(table) - SOURCE_KEYS)
    if unknown:
        raise UsageError(f"{where}: unknown key '{unknown[0]}' (known: {', '.join(sorted(SOURCE_KEYS))})")
    for key in ("name", "url"):
        if key not in table:
            raise UsageError(f"{where}: missing '{key}'")
    name = table["name"]
    if not isinstance(name, str) or not name.strip():
        raise UsageError(f"{where}: 'name' must be a non-empty string")
    where = f"{where} ({name})"
    source = Source(name=name.strip(), url=_http_url(table["url"], where))
    if "language" in table:
        if table["language"] not in LANGUAGES:
            raise UsageError(f"{where}: 'language' must be one of da, en; got {table['language']!r}")
        source.language = table["language"]
    if "limit" in table:
        limit = table["limit"]
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise UsageError(f"{where}: 'limit' must be a whole number >= 1, got {limit!r}")
        source.limit = limit
    for key in ("include", "exclude"):
        if key in table:
            setattr(source, key, _keywords(table[key], where, key))
    for key in ("full_page", "allow_private_links"):
        if key in table:
            if not isinstance(table[key], bool):
                raise UsageError(f"{where}: '{key}' must be true or false, got {table[key]!r}")
            setattr(source, key, table[key])
    return source


def load_opml(path: Path) -> list[Source]:
    """Every <outline xmlUrl=...> of an OPML file (a feed reader's export) as a Source."""
    try:
        root = ET.parse(path).getroot()
    except FileNotFoundError:
        raise UsageError(f"OPML file not found: {path}") from None
    except (ET.ParseError, OSError) as exc:
        raise UsageError(f"OPML file {path} could not be read: {exc}") from None
    sources = []
    for outline in root.iter("outline"):
        url = outline.get("xmlUrl")
        if not url:
            continue
        name = outline.get("title") or outline.get("text") or urlsplit(url).netloc
        sources.append(Source(name=name.strip(), url=_http_url(url, f"OPML {path}: outline {name!r}")))
    if not sources:
        raise UsageError(f"OPML file {path} lists no feeds (no <outline xmlUrl=...>)")
    return sources


# --- reading a feed ----------------------------------------------------------------------------


def _iso(parsed_time) -> str | None:
    if not parsed_time:
        return None
    return datetime(*parsed_time[:6], tzinfo=timezone.utc).isoformat(timespec="seconds")


def _normalise(raw, source: Source) -> Entry | None:
    link = raw.get("link")
    link = urljoin(source.url, link) if link else None
    title = (raw.get("title") or "").strip() or None
    content = None
    if raw.get("content"):
        content = max((c.get("value") or "" for c in raw["content"]), key=len) or None
    content = content or raw.get("summary") or None
    published = _iso(raw.get("published_parsed") or raw.get("updated_parsed"))
    guid = raw.get("id") or link
    if not guid:
        if not (title or content):
            return None  # an empty <item>: nothing to read
        guid = "sha1:" + hashlib.sha1(f"{title}\n{content}".encode()).hexdigest()
    return Entry(source.name, source.url, guid, link, title, published, content)


def parse_feed(body: bytes | str, source: Source, headers: dict[str, str] | None = None) -> FeedResult:
    """Parse a feed document (never lets feedparser fetch anything itself)."""
    parsed = feedparser.parse(body, response_headers={"content-location": source.url, **(headers or {})})
    # A feed served as text/html or without a Content-Type still parses; that alone is not "malformed".
    malformed = parsed.bozo and not isinstance(parsed.get("bozo_exception"), feedparser.NonXMLContentType)
    entries = [e for e in (_normalise(raw, source) for raw in parsed.entries) if e is not None]
    if not parsed.get("version") and not entries:
        reason = f" ({parsed.bozo_exception})" if parsed.bozo else ""
        return FeedResult(source, "failed", error=f"not an RSS or Atom feed{reason}")
    warning = None
    if malformed:
        warning = f"malformed feed, kept the {len(entries)} entries that parsed ({parsed.bozo_exception})"
    return FeedResult(source, "ok", entries=entries, warning=warning)


def read_feed(source: Source, *, etag: str | None = None, last_modified: str | None = None) -> FeedResult:
    """GET the feed with its validators; a 304 is 'not_modified', an HTTP or network error 'failed'.

    The validators are only sent back as they were given: the caller stores new ones together with
    the entries they cover (see Store.record_feed)."""
    from summarizer.fetch import source as fetch

    try:
        got = fetch.fetch_url(source.url, etag=etag, last_modified=last_modified)
    except NewsumError as exc:
        return FeedResult(source, "failed", error=str(exc))
    if got.not_modified:
        return FeedResult(source, "not_modified", etag=etag, last_modified=last_modified)
    result = parse_feed(got.body, source, {"content-type": got.headers.get("content-type", "")})
    result.etag = got.etag
    result.last_modified = got.last_modified
    return result


def select_entries(entries: list[Entry], source: Source, *, since: datetime | None) -> list[Entry]:
    """The entries this source wants: newer than `since` (undated ones count as new), matching
    include/exclude keywords in title or content, newest first, at most `limit`."""
    kept = []
    for e in entries:
        if since and e.published and datetime.fromisoformat(e.published) < since:
            continue
        haystack = f"{e.title or ''} {e.content or ''}".lower()
        if source.include and not any(k in haystack for k in source.include):
            continue
        if any(k in haystack for k in source.exclude):
            continue
        kept.append(e)
    kept.sort(key=lambda e: e.published or "9999", reverse=True)
    return kept[: source.limit] if source.limit else kept

