"""Read a SOURCE into a `Fetched` value: an http(s) URL, a local file, or "-" for standard input.

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

Decoding precedence, and why:
1. A byte-order mark. It cannot appear by accident and browsers let it override everything.
2. The declared charset: the HTTP Content-Type header, then <meta charset>, <meta http-equiv> or
   <?xml encoding?>. A declaration is used only if the bytes decode strictly with it: a page whose
   header says utf-8 but whose bytes are latin-1 is common (a CMS template with the wrong header),
   and honouring it would turn every æøå into U+FFFD. ISO-8859-1 and ASCII labels are read as
   windows-1252, as browsers do (WHATWG Encoding), so curly quotes and € survive. A declared
   Western single-byte charset also loses to UTF-8 when the bytes are valid UTF-8 with non-ASCII
   in them: that happens by accident essentially never, while "server default latin-1 header on a
   UTF-8 page" happens all the time.
3. Nothing usable declared: strict UTF-8, else charset-normalizer. Its best guess on short Danish
   text is often a DOS or Baltic code page (cp775, cp850) that turns æøå into other letters, so a
   Western code page (windows-1252, latin-1, iso-8859-15) nearly as good as its best guess wins.
4. Last resort: windows-1252 with replacement characters.

HTTP: one GET, redirects followed by hand (at most MAX_REDIRECTS, loops detected, non-http targets
refused), retries with exponential backoff on 429, 500, 502, 503, 504 and on connection failures
(refused, reset, connect timeout), honouring Retry-After up to MAX_RETRY_WAIT seconds (a longer
demand fails at once rather than stall the run). Read timeouts are not retried: a server too slow
to send the body will most likely be as slow again, and retrying multiplies the user's wait. A body
must also arrive within 4x the timeout in total, so a server dripping a byte at a time cannot hold
us. Everything here is stateless apart from the cache (atomic files), so threads may share one
httpx.Client and call fetch_url / read_source concurrently.
"""

from __future__ import annotations

import codecs
import email.utils
import gzip
import http
import io
import random
import re
import sys
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import charset_normalizer
from charset_normalizer.md import mess_ratio
import httpx

from . import __version__
from .article import Fetched
from .errors import FetchError, NoArticleError, UsageError
from .httpcache import CacheEntry, HttpCache

DEFAULT_MAX_BYTES = 5_000_000
DEFAULT_TIMEOUT = 15.0
MAX_REDIRECTS = 5
MAX_RETRY_WAIT = 30.0  # seconds; a Retry-After longer than this fails instead of waiting
BACKOFF_BASE = 0.5  # seconds; waits 0.5, 1, 2, ... (plus up to 25% jitter) between attempts
TOTAL_TIME_FACTOR = 4  # a body must arrive within this many timeouts in total
USER_AGENT = f"newsum/{__version__} (+https://github.com/newsum)"
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
BLOCKED_STATUSES = frozenset({401, 402, 403, 451})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
SNIFF_BYTES = 8192

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
_TEXT_SUFFIXES = {".txt", ".text"}
_UNSNIFFED_TYPES = {"", "application/octet-stream", "binary/octet-stream", "application/unknown"}
_LATIN1_LABELS = {"iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819", "ibm819",
                  "us-ascii", "ascii", "windows-1252", "cp1252", "x-cp1252"}
_WESTERN_CODECS = ("cp1252", "latin_1", "iso8859_15")
_BOMS = (  # UTF-32 before UTF-16: the UTF-32-LE BOM starts with the UTF-16-LE one
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_LOOKS_HTML = re.compile(r"<!doctype html|<(html|head|body|p|div|article|meta|title)[\s>/]", re.I)
# Control bytes that do not occur in text (tab, LF, FF, CR and ESC do).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


@dataclass
class FetchResult:
    """One HTTP GET after redirects and retries. body is decompressed; headers have lower-case names."""

    url: str  # as asked for
    final_url: str  # after redirects
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    not_modified: bool = False  # 304 to a conditional GET: body is empty, use your stored copy
    attempts: int = 1

    @property
    def content_type(self) -> str:
        """The MIME type without parameters, lower case ("" when the server sent none)."""
        return _mime(self.headers.get("content-type", ""))

    @property
    def charset(self) -> str | None:
        return _header_charset(self.headers.get("content-type", ""))

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


# ---------------------------------------------------------------------------------------------
# SOURCE -> Fetched


def read_source(
    source: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    use_cache: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = 3,
    client: httpx.Client | None = None,
    cache_dir: Path | None = None,
) -> Fetched:
    """Read SOURCE (http(s) URL, local file path, or "-" for stdin) and decode it to text."""
    if max_bytes <= 0:
        raise UsageError(f"--max-bytes must be a positive number of bytes, not {max_bytes}")
    if source == "-":
        return _read_stdin(max_bytes)
    scheme = _scheme(source)
    if scheme in ("http", "https"):
        return _read_url(source, max_bytes=max_bytes, use_cache=use_cache, timeout=timeout,
                         retries=retries, client=client, cache_dir=cache_dir)
    if scheme is not None:
        hint = f" (give a local file as a plain path, e.g. {urlsplit(source).path})" if scheme == "file" else ""
        raise FetchError(f"refusing {source!r}: only http:// and https:// URLs are read{hint}")
    return _read_file(Path(source), max_bytes)


def _scheme(source: str) -> str | None:
    m = _SCHEME.match(source)
    # One letter before the colon is a Windows drive ("C:\\page.html"), not a scheme.
    return m.group(1).lower() if m and len(m.group(1)) > 1 else None


def _read_url(source: str, *, max_bytes, use_cache, timeout, retries, client, cache_dir) -> Fetched:
    cache = None
    entry = None
    if use_cache:
        from .config import cache_dir as default_cache_dir

        cache = HttpCache(cache_dir if cache_dir is not None else default_cache_dir() / "http")
        entry = cache.get(source)
    result = fetch_url(
        source,
        etag=entry.etag if entry else None,
        last_modified=entry.last_modified if entry else None,
        max_bytes=max_bytes, timeout=timeout, retries=retries, client=client,
    )
    if result.not_modified and entry is not None:
        return _to_fetched(source, entry.final_url, entry.body, entry.headers, status=entry.status,
                           from_cache=True, where=source)
    fetched = _to_fetched(source, result.final_url, result.body, result.headers, status=result.status,
                          where=source)
    if cache is not None:  # only after _to_fetched accepted the body: never cache a binary or empty page
        cache.put(CacheEntry(url=source, final_url=result.final_url, status=result.status,
                             headers=result.headers, etag=result.etag,
                             last_modified=result.last_modified, body=result.body))
    return fetched


def _read_stdin(max_bytes: int) -> Fetched:
    stream = sys.stdin
    if stream is None:
        raise FetchError("standard input is closed; nothing to read for '-'")
    buffer = getattr(stream, "buffer", None)
    data = buffer.read(max_bytes + 1) if buffer is not None else stream.read(max_bytes + 1).encode("utf-8")
    if len(data) > max_bytes:
        raise FetchError(f"standard input is larger than the {max_bytes:,}-byte limit (--max-bytes)")
    data = _maybe_gunzip(data, max_bytes, "standard input")
    return _to_fetched("-", None, data, {}, where="standard input", name="")


def _read_file(path: Path, max_bytes: int) -> Fetched:
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
                status: int | None = None, from_cache: bool = False, name: str = "") -> Fetched:
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
    return Fetched(source=source, url=url, text=text, content_type=_content_type(mime, name, text),
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
    return "text/html" if _LOOKS_HTML.search(text[:4096]) else "text/plain"


def _mime(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _header_charset(content_type: str) -> str | None:
    m = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", content_type, re.I)
    return m.group(1) if m else None


def _is_textual(mime: str) -> bool:
    return (
        mime.startswith("text/")
        or mime.endswith("+xml")
        or mime.endswith("+json")
        or mime in ("application/xml", "application/json", "application/javascript")
        or mime in _UNSNIFFED_TYPES  # misconfigured servers: sniff the bytes instead
    )


def _looks_binary(sample: bytes) -> bool:
    if not sample or any(sample.startswith(bom) for bom, _ in _BOMS):
        return False
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > len(sample) * 0.05


# ---------------------------------------------------------------------------------------------
# Bytes -> text (precedence explained in the module docstring)


def decode(body: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode body; return (text, codec name). declared is the HTTP header's charset, if any."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(codec, errors="replace"), codec
    for label in (declared, _meta_charset(body)):
        codec = _codec(label)
        if codec is None:
            continue
        text = _strict(body, codec)
        if text is None:
            continue
        if codec in _WESTERN_CODECS and not body.isascii():
            utf8 = _strict(body, "utf-8")
            if utf8 is not None:
                return utf8, "utf-8"
        return text, codec
    return _detect(body)


def _meta_charset(body: bytes) -> str | None:
    head = body[:SNIFF_BYTES]
    m = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return m.group(1).decode("ascii", errors="replace") if m else None


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _LATIN1_LABELS:
        return "cp1252"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "utf-8" if name == "utf-8" else name


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except UnicodeDecodeError:
        if codec == "cp1252":
            # Five bytes are undefined in windows-1252; a page declared latin-1 may use them as C1.
            return body.decode("latin-1")
        return None
    except LookupError:
        return None


def _detect(body: bytes) -> tuple[str, str]:
    utf8 = _strict(body, "utf-8")
    if utf8 is not None:
        return utf8, "utf-8"
    matches = charset_normalizer.from_bytes(body)
    best = matches.best()
    if best is None:
        return body.decode("cp1252", errors="replace"), "cp1252"
    codec = best.encoding
    western = [m.encoding for m in matches if m.encoding in _WESTERN_CODECS and m.chaos <= best.chaos + 0.1]
    if western:
        codec = western[0]
    elif codec not in _WESTERN_CODECS:
        # charset-normalizer may not even try windows-1252 on short text; judge it by the same measure.
        try:
            if mess_ratio(body.decode("cp1252")) <= best.chaos + 0.1:
                codec = "cp1252"
        except UnicodeDecodeError:
            pass
    return body.decode(codec, errors="replace"), codec


# ---------------------------------------------------------------------------------------------
# HTTP


def make_client(timeout: float = DEFAULT_TIMEOUT) -> httpx.Client:
    """A client with newsum's headers and timeouts. Thread-safe; share one across a digest run."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout),
        headers={"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate, br"},
        follow_redirects=False,
    )


def fetch_url(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = 3,
    client: httpx.Client | None = None,
    max_redirects: int = MAX_REDIRECTS,
    max_retry_wait: float = MAX_RETRY_WAIT,
    backoff: float = BACKOFF_BASE,
) -> FetchResult:
    """GET url (a conditional GET when etag/last_modified are given) and return the whole body.

    Raises FetchError / NoArticleError as described in the module docstring. A 304 answer to a
    conditional GET is returned with not_modified=True and an empty body.
    """
    if _scheme(url) not in ("http", "https"):
        raise FetchError(f"refusing {url!r}: only http:// and https:// URLs are read")
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate, br"}
    conditional = bool(etag or last_modified)
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    own_client = client is None
    client = client if client is not None else make_client(timeout)
    try:
        current = url
        seen = {url}
        for _hop in range(max_redirects + 1):
            response, attempts = _send_with_retries(client, current, headers, timeout=timeout, retries=retries,
                                                    max_retry_wait=max_retry_wait, backoff=backoff)
            try:
                location = response.headers.get("location")
                if response.status_code in REDIRECT_STATUSES and location:
                    target = urljoin(str(response.url), location.strip())
                    if _scheme(target) not in ("http", "https"):
                        raise FetchError(f"refusing redirect from {current} to {target!r}: not http(s)")
                    if target in seen:
                        raise FetchError(f"redirect loop: {current} redirects back to {target}")
                    seen.add(target)
                    current = target
                    continue
                if response.status_code == 304 and conditional:
                    return FetchResult(url=url, final_url=current, status=304, body=b"",
                                       headers=_lower(response.headers), not_modified=True, attempts=attempts)
                if not 200 <= response.status_code < 300:
                    raise _status_error(response, current, attempts, max_retry_wait)
                body = _read_body(response, current, max_bytes=max_bytes, timeout=timeout)
                return FetchResult(url=url, final_url=current, status=response.status_code, body=body,
                                   headers=_lower(response.headers), attempts=attempts)
            finally:
                response.close()
        raise FetchError(f"too many redirects (more than {max_redirects}) starting at {url}")
    finally:
        if own_client:
            client.close()


def _lower(headers: httpx.Headers) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


def _send_with_retries(client: httpx.Client, url: str, headers: dict[str, str], *, timeout: float,
                       retries: int, max_retry_wait: float, backoff: float) -> tuple[httpx.Response, int]:
    """Send one GET (streamed), retrying transient failures. Returns the response and the attempts made."""
    host = urlsplit(url).hostname or url
    attempt = 0
    while True:
        attempt += 1
        wait: float | None = None
        try:
            request = client.build_request("GET", url, headers=headers, timeout=timeout)
            response = client.send(request, stream=True, follow_redirects=False)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError) as exc:
            if attempt > retries or "CERTIFICATE" in str(exc):  # a bad certificate stays bad
                raise _connection_error(exc, host, url, timeout, attempt) from exc
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out after {timeout:g} s waiting for {url}") from exc
        except httpx.InvalidURL as exc:
            raise FetchError(f"not a valid URL: {url!r} ({exc})") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"could not fetch {url}: {exc or type(exc).__name__}") from exc
        else:
            if response.status_code not in RETRY_STATUSES or attempt > retries:
                return response, attempt
            wait = _retry_after_seconds(response.headers.get("retry-after"))
            if wait is not None and wait > max_retry_wait:
                return response, attempt  # the caller reports the status and the demanded wait
            response.close()
        if wait is None:
            wait = backoff * 2 ** (attempt - 1) * (1 + random.random() * 0.25)
        time.sleep(wait)


def _connection_error(exc: Exception, host: str, url: str, timeout: float, attempts: int) -> FetchError:
    tries = f" (after {attempts} attempts)" if attempts > 1 else ""
    if isinstance(exc, httpx.ConnectTimeout):
        return FetchError(f"timed out connecting to {host} after {timeout:g} s{tries}")
    if isinstance(exc, httpx.RemoteProtocolError):
        return FetchError(f"{host} closed the connection without answering {url}{tries}")
    reason = re.sub(r"^\[Errno -?\d+\]\s*", "", str(exc)) or type(exc).__name__
    return FetchError(f"could not connect to {host}: {reason}{tries}")


def _status_error(response: httpx.Response, url: str, attempts: int, max_retry_wait: float) -> FetchError:
    status = response.status_code
    try:
        reason = http.HTTPStatus(status).phrase
    except ValueError:
        reason = response.reason_phrase or "error"
    message = f"HTTP {status} {reason} for {url}"
    if status in BLOCKED_STATUSES:
        message += ": the page is likely paywalled or blocks automated readers"
    elif status in RETRY_STATUSES:
        wait = _retry_after_seconds(response.headers.get("retry-after"))
        if wait is not None and wait > max_retry_wait:
            message += f" (server asks to retry after {wait:.0f} s; newsum waits at most {max_retry_wait:g} s)"
        elif attempts > 1:
            message += f" (after {attempts} attempts)"
    return FetchError(message)


def _retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds from now: either delta-seconds or an HTTP date. None if absent or garbled."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _read_body(response: httpx.Response, url: str, *, max_bytes: int, timeout: float) -> bytes:
    """The decompressed body, refusing (early, or while streaming) anything over max_bytes."""
    mime = _mime(response.headers.get("content-type", ""))
    if mime and not _is_textual(mime):
        raise NoArticleError(f"{url} is {mime}, not a web page or text")
    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"{url} is {int(declared):,} bytes, over the {max_bytes:,}-byte limit (--max-bytes)")
    total_limit = timeout * TOTAL_TIME_FACTOR
    started = time.monotonic()
    body = bytearray()
    try:
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > max_bytes:
                raise FetchError(f"{url} is larger than the {max_bytes:,}-byte limit (--max-bytes); stopped reading")
            if time.monotonic() - started > total_limit:
                raise FetchError(f"{url} took longer than {total_limit:g} s to download; gave up")
    except httpx.ReadTimeout as exc:
        raise FetchError(f"timed out reading {url}: no data for {timeout:g} s") from exc
    except httpx.DecodingError as exc:
        encoding = response.headers.get("content-encoding", "?")
        raise FetchError(f"{url} sent a body that could not be decompressed ({encoding})") from exc
    except httpx.TransportError as exc:
        raise FetchError(f"the connection broke while reading {url}: {exc or type(exc).__name__}") from exc
    return bytes(body)
