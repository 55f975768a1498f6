"""One HTTP GET with newsum's rules: redirects by hand, retries with backoff, size and time caps.

Split out of fetch.py (which turns any SOURCE into a `Page`) because this is the only part that
talks to the network; fetch.py re-exports the public names (fetch_url, make_client, FetchResult).

One GET, redirects followed by hand (at most MAX_REDIRECTS, loops detected, non-http targets
refused), retries with exponential backoff on 429, 500, 502, 503, 504 and on connection failures
(refused, reset, connect timeout), honouring Retry-After up to MAX_RETRY_WAIT seconds (a longer
demand fails at once rather than stall the run). Read timeouts are not retried: a server too slow
to send the body will most likely be as slow again, and retrying multiplies the user's wait. The whole
fetch (redirects, retries, headers, body) ends within 4x the timeout, so a server dripping its headers
or body a byte at a time cannot hold us (addresses.Deadline). Every hop is checked against an
AddressPolicy before connecting (addresses.py: no third-party links to private or metadata addresses). Everything here is stateless (fetch.py's cache writes atomic files), so threads may share one
httpx.Client and call fetch_url / read_source concurrently.
"""

from __future__ import annotations

import email.utils
import http
import random
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import httpx

from summarizer.errors import FetchError, NoArticleError
from summarizer.fetch.addresses import AddressPolicy, Deadline
from summarizer.fetch.decompress import BoundedDecoder
from summarizer.values import LOGIN_STATUSES
from summarizer.version import __version__

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
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_UNSNIFFED_TYPES = {"", "application/octet-stream", "binary/octet-stream", "application/unknown"}


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


def _scheme(source: str) -> str | None:
    m = _SCHEME.match(source)
    # One letter before the colon is a Windows drive ("C:\\page.html"), not a scheme.
    return m.group(1).lower() if m and len(m.group(1)) > 1 else None


def url_problem(url: str) -> str | None:
    """Why an http(s) URL cannot be fetched as written (None when it can): a bracket left open, an
    empty or over-long host label ("a..b"), a port that is no number."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a bad port)
    except ValueError as exc:
        return str(exc)
    host = parts.hostname or ""
    if not host:
        return "no host"
    if not host.startswith("[") and ":" not in host:
        try:
            host.encode("idna")
        except UnicodeError:
            return "a host name label is empty or too long"
    return None


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


def make_client(timeout: float = DEFAULT_TIMEOUT) -> httpx.Client:
    """A client with newsum's headers and timeouts. Thread-safe; share one across a digest run.
    No kept-alive connections: each fetch opens its own, so its Deadline holds that connection's socket."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout),
        headers={"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate, br"},
        follow_redirects=False,
        limits=httpx.Limits(max_keepalive_connections=0),
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
    policy: AddressPolicy | None = None,
    login_pages: bool = False,
) -> FetchResult:
    """GET url (a conditional GET when etag/last_modified are given) and return the whole body.

    policy: which hosts may be connected to; by default url's own host is trusted (the user typed it)
    and every other host a redirect names must be public. Raises FetchError / NoArticleError as described
    in the module docstring. A 304 answer to a conditional GET is returned with not_modified=True and an
    empty body.
    """
    if _scheme(url) not in ("http", "https"):
        raise FetchError(f"refusing {url!r}: only http:// and https:// URLs are read")
    problem = url_problem(url)
    if problem:
        raise FetchError(f"not a valid URL: {url!r} ({problem})")
    policy = policy if policy is not None else AddressPolicy.typed(url)
    policy.check(url)
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate, br"}
    conditional = bool(etag or last_modified)
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    own_client = client is None
    client = client if client is not None else make_client(timeout)
    deadline = Deadline(timeout * TOTAL_TIME_FACTOR)
    try:
        current = url
        seen = {url}
        for _hop in range(max_redirects + 1):
            response, attempts = _send_with_retries(client, current, headers, timeout=timeout, retries=retries,
                                                    max_retry_wait=max_retry_wait, backoff=backoff,
                                                    deadline=deadline)
            try:
                location = response.headers.get("location")
                if response.status_code in REDIRECT_STATUSES and location:
                    target = urljoin(str(response.url), location.strip())
                    if _scheme(target) not in ("http", "https"):
                        raise FetchError(f"refusing redirect from {current} to {target!r}: not http(s)")
                    if url_problem(target):
                        raise FetchError(f"{current} redirects to an invalid URL {target!r} ({url_problem(target)})")
                    if target in seen:
                        raise FetchError(f"redirect loop: {current} redirects back to {target}")
                    policy.check(target, what=f"redirect from {current} to")
                    seen.add(target)
                    current = target
                    continue
                if response.status_code == 304 and conditional:
                    return FetchResult(url=url, final_url=current, status=304, body=b"",
                                       headers=_lower(response.headers), not_modified=True, attempts=attempts)
                if login_pages and response.status_code in LOGIN_STATUSES and _mime(response.headers.get("content-type", "")) in _HTML_TYPES:
                    # a paywalled article answers 401/402/403 with its login or subscribe page, often with
                    # the teaser: the caller reads it as a paywalled page (read with the same limits)
                    body = _read_body(response, current, max_bytes=max_bytes, timeout=timeout, deadline=deadline)
                    return FetchResult(url=url, final_url=current, status=response.status_code, body=body,
                                       headers=_lower(response.headers), attempts=attempts)
                if not 200 <= response.status_code < 300:
                    raise _status_error(response, current, attempts, max_retry_wait)
                body = _read_body(response, current, max_bytes=max_bytes, timeout=timeout, deadline=deadline)
                return FetchResult(url=url, final_url=current, status=response.status_code, body=body,
                                   headers=_lower(response.headers), attempts=attempts)
            finally:
                response.close()
        raise FetchError(f"too many redirects (more than {max_redirects}) starting at {url}")
    finally:
        deadline.cancel()
        if own_client:
            client.close()


def _lower(headers: httpx.Headers) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


def _send_with_retries(client: httpx.Client, url: str, headers: dict[str, str], *, timeout: float,
                       retries: int, max_retry_wait: float, backoff: float,
                       deadline: Deadline) -> tuple[httpx.Response, int]:
    """Send one GET (streamed), retrying transient failures. Returns the response and the attempts made."""
    host = urlsplit(url).hostname or url
    attempt = 0
    while True:
        attempt += 1
        wait: float | None = None
        try:
            request = client.build_request("GET", url, headers=headers, timeout=timeout,
                                           extensions={"trace": deadline.trace})
            response = client.send(request, stream=True, follow_redirects=False)
        except httpx.HTTPError as exc:
            if deadline.expired:
                raise _out_of_time(url, deadline) from exc
            if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError)):
                if attempt > retries or "CERTIFICATE" in str(exc):  # a bad certificate stays bad
                    raise _connection_error(exc, host, url, timeout, attempt) from exc
            elif isinstance(exc, httpx.TimeoutException):
                raise FetchError(f"timed out after {timeout:g} s waiting for {url}") from exc
            elif isinstance(exc, httpx.InvalidURL):
                raise FetchError(f"not a valid URL: {url!r} ({exc})") from exc
            else:
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
        if wait >= deadline.left():
            raise _out_of_time(url, deadline)
        time.sleep(wait)


def _out_of_time(url: str, deadline: Deadline) -> FetchError:
    return FetchError(f"{url} took longer than {deadline.seconds:g} s in total (headers and body); gave up")


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


def _read_body(response: httpx.Response, url: str, *, max_bytes: int, timeout: float, deadline: Deadline) -> bytes:
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
    # Raw bytes, decoded here under the cap: httpx's own decoders would expand a whole chunk first.
    decoder = BoundedDecoder(response.headers.get("content-encoding", ""), max_bytes, url=url)
    raw_total = 0
    try:
        for chunk in response.iter_raw():
            raw_total += len(chunk)
            if raw_total > max_bytes:
                raise FetchError(f"{url} is larger than the {max_bytes:,}-byte limit (--max-bytes); stopped reading")
            body += decoder.feed(chunk)
            if len(body) > max_bytes:
                raise FetchError(f"{url} is larger than the {max_bytes:,}-byte limit (--max-bytes); stopped reading")
            if time.monotonic() - started > total_limit:
                raise FetchError(f"{url} took longer than {total_limit:g} s to download; gave up")
    except httpx.TransportError as exc:
        if deadline.expired:
            raise _out_of_time(url, deadline) from exc
        if isinstance(exc, httpx.ReadTimeout):
            raise FetchError(f"timed out reading {url}: no data for {timeout:g} s") from exc
        raise FetchError(f"the connection broke while reading {url}: {exc or type(exc).__name__}") from exc
    return bytes(body)