"""Read a SOURCE into a `Page` value: an http(s) URL, a local file, or "-" for standard input.

Which error, which exit code (see errors.py):
- FetchError (exit 3): the bytes could not be obtained. A refused scheme (file:, ftp:, javascript:,
  anything but http/https; local files are given as plain paths), a missing or unreadable file,
  DNS or connection failure, a timeout, an HTTP error status, a redirect loop or more than
  MAX_REDIRECTS redirects, a body over max_bytes (checked on Content-Length and again while
  streaming), a corrupt gzip file.
- NoArticleError (exit 4): the bytes were obtained but hold no text: empty (or only whitespace),
  binary (NUL bytes or many control characters in the first 8 KB), or served with a non-text
  Content-Type (image/png, application/pdf, ...). "Binary" is decided on the first 8 KB before
  the size cap is applied, so a 10 MB binary file is reported as binary (4), not as too large:
  "this is not text" is the more useful thing to tell the user.

Decoding (BOM, then declared charset, then detection; the precedence and its reasons) is in
charset.py; the HTTP GET (redirects, retries, caps, thread safety) is in http_get.py.
"""

from __future__ import annotations

import gzip
import io
import re
import sys
import zlib
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from summarizer.errors import FetchError, NoArticleError, UsageError
from summarizer.fetch.addresses import AddressPolicy
from summarizer.fetch.charset import _BOMS, SNIFF_BYTES, decode
from summarizer.fetch.http_cache import CacheEntry, HttpCache
from summarizer.fetch.http_get import (
    _UNSNIFFED_TYPES,
    DEFAULT_MAX_BYTES,
    DEFAULT_TIMEOUT,
    _header_charset,
    _is_textual,
    _mime,
    _scheme,
    fetch_url,
    url_problem,
)
from summarizer.text import looks_like_html, without_credentials
from summarizer.values import Page

MAX_MAX_BYTES = 1 << 40  # 1 TiB: past any page; larger numbers overflow the decoders' sizes
_HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
_TEXT_SUFFIXES = {".txt", ".text"}
# Control bytes that do not occur in text (tab, LF, FF, CR and ESC do).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


# ---------------------------------------------------------------------------------------------
# SOURCE -> Page


def read_source(
    source: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    use_cache: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = 3,
    client: httpx.Client | None = None,
    cache_dir: Path | None = None,
    policy: AddressPolicy | None = None,
) -> Page:
    """Read SOURCE (http(s) URL, local file path, or "-" for stdin) and decode it to text. policy: which
    hosts may be connected to (default: SOURCE's host, as the user typed it, and public addresses)."""
    if not 0 < max_bytes <= MAX_MAX_BYTES:
        raise UsageError(f"--max-bytes must be a number of bytes from 1 to {MAX_MAX_BYTES:,}, not {max_bytes}")
    if source == "-":
        return _read_stdin(max_bytes)
    scheme = _scheme(source)
    if scheme in ("http", "https"):
        problem = url_problem(source)
        if problem:
            raise UsageError(f"not a valid URL: {source!r} ({problem})")
        return _read_url(source, max_bytes=max_bytes, use_cache=use_cache, timeout=timeout,
                         retries=retries, client=client, cache_dir=cache_dir, policy=policy)
    if scheme is not None:
        hint = f" (give a local file as a plain path, e.g. {urlsplit(source).path})" if scheme == "file" else ""
        raise FetchError(f"refusing {source!r}: only http:// and https:// URLs are read{hint}")
    return _read_file(Path(source), max_bytes)


def _read_url(source: str, *, max_bytes, use_cache, timeout, retries, client, cache_dir, policy) -> Page:
    cache = None
    entry = None
    if use_cache:
        from summarizer.settings import cache_dir as default_cache_dir

        cache = HttpCache(cache_dir if cache_dir is not None else default_cache_dir() / "http")
        entry = cache.get(source)
    result = fetch_url(
        source,
        etag=entry.etag if entry else None,
        last_modified=entry.last_modified if entry else None,
        max_bytes=max_bytes, timeout=timeout, retries=retries, client=client, policy=policy, login_pages=True,
    )
    if result.not_modified and entry is not None:
        return _to_fetched(source, entry.final_url, entry.body, entry.headers, status=entry.status,
                           from_cache=True, where=source)
    fetched = _to_fetched(source, result.final_url, result.body, result.headers, status=result.status,
                          where=source)
    # only after _to_fetched accepted the body: never cache a binary or empty page, nor a login page
    if cache is not None and 200 <= result.status < 300:
        cache.put(CacheEntry(url=without_credentials(source), final_url=without_credentials(result.final_url),
                             status=result.status,
                             headers=result.headers, etag=result.etag,
                             last_modified=result.last_modified, body=result.body))
    return fetched


def _read_stdin(max_bytes: int) -> Page:
    stream = sys.stdin
    if stream is None:
        raise FetchError("standard input is closed; nothing to read for '-'")
    buffer = getattr(stream, "buffer", None)
    data = buffer.read(max_bytes + 1) if buffer is not None else stream.read(max_bytes + 1).encode("utf-8")
    if len(data) > max_bytes:
        raise FetchError(f"standard input is larger than the {max_bytes:,}-byte limit (--max-bytes)")
    data = _maybe_gunzip(data, max_bytes, "standard input")
    return _to_fetched("-", None, data, {}, where="standard input", name="")


def _read_file(path: Path, max_bytes: int) -> Page:
    try:
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
            if not _is_gzip(head) and _looks_binary(head):
                raise NoArticleError(f"{path} is a binary file, not a web page or text")
            data = head + fh.read(max(0, max_bytes + 1 - len(head)))
    except FileNotFoundError:
        hint = ""
        if re.match(r"^(www\.|[\w-]+(\.[\w-]+)+/)", str(path)):
            hint = " (for a web page, give the full URL starting with https://)"
        raise FetchError(f"no such file: {path}{hint}") from None
    except IsADirectoryError:
        raise FetchError(f"{path} is a directory, not a file") from None
    except PermissionError:
        raise FetchError(f"permission denied reading {path}") from None
    except OSError as exc:
        raise FetchError(f"could not read {path}: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise FetchError(f"{path} is larger than the {max_bytes:,}-byte limit (--max-bytes)")
    data = _maybe_gunzip(data, max_bytes, str(path))
    name = path.name[:-3] if path.name.lower().endswith(".gz") else path.name
    return _to_fetched(str(path), None, data, {}, where=str(path), name=name)


def _is_gzip(data: bytes) -> bool:
    return data[:2] == b"\x1f\x8b"


def _maybe_gunzip(data: bytes, max_bytes: int, where: str) -> bytes:
    """Decompress gzip data (recognised by its magic bytes, whatever the name), capped at max_bytes."""
    if not _is_gzip(data):
        return data
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
            out = gz.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise FetchError(f"{where} is not a valid gzip file: {exc}") from None
    if len(out) > max_bytes:
        raise FetchError(f"{where} decompresses to more than the {max_bytes:,}-byte limit (--max-bytes)")
    return out


def _to_fetched(source: str, url: str | None, body: bytes, headers: dict[str, str], *, where: str,
                status: int | None = None, from_cache: bool = False, name: str = "") -> Page:
    """Check the bytes are text, decode them, and decide text/html vs text/plain."""
    content_type_header = headers.get("content-type", "")
    mime = _mime(content_type_header)
    if mime and not _is_textual(mime):
        raise NoArticleError(f"{where} is {mime}, not a web page or text")
    if not body.strip():
        raise NoArticleError(f"{where} is empty")
    if _looks_binary(body[:SNIFF_BYTES]):
        raise NoArticleError(f"{where} is binary data, not a web page or text")
    text, encoding = decode(body, _header_charset(content_type_header))
    if not text.strip():
        raise NoArticleError(f"{where} is empty")
    # the URL goes into the Article and every output: without user:password@ (only the request had it)
    return Page(source=source, url=url and without_credentials(url), text=text, content_type=_content_type(mime, name, text),
                   encoding=encoding, status=status, headers=dict(headers), from_cache=from_cache)


def _content_type(mime: str, name: str, text: str) -> str:
    if mime in ("text/html", "application/xhtml+xml"):
        return "text/html"
    if mime not in _UNSNIFFED_TYPES:
        return mime
    suffix = Path(name).suffix.lower() if name else ""
    if suffix in _HTML_SUFFIXES:
        return "text/html"
    if suffix in _TEXT_SUFFIXES:
        return "text/plain"
    return "text/html" if looks_like_html(text) else "text/plain"




def _looks_binary(sample: bytes) -> bool:
    if not sample or any(sample.startswith(bom) for bom, _ in _BOMS):
        return False
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > len(sample) * 0.05
