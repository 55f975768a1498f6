"""Being a polite crawler: one request at a time per host with a pause between two (Crawl-delay when a
site asks for longer), and robots.txt honoured for article pages (protego, the parser Scrapy uses), read
once per host and run with the User-Agent newsum sends."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Iterator
from urllib.parse import urlsplit

from protego import Protego

from summarizer.digest.store import StoredEntry
from summarizer.errors import NewsumError
from summarizer.fetch import fetch_url
from summarizer.fetch.http_get import USER_AGENT

ROBOTS_MAX_BYTES = 500_000  # Google reads the first 500 KiB of a robots.txt
ROBOT_NAME = "newsum"  # the product token of USER_AGENT, which robots.txt groups name


class Robots:
    """robots.txt per host (scheme and port included), fetched once per run. A missing or unreadable
    robots.txt allows everything; the rules are honoured for newsum's User-Agent."""

    def __init__(self, timeout: float = 10.0) -> None:
        self.timeout = timeout
        self._parsed: dict[str, Protego | None] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _rules(self, url: str) -> Protego | None:
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        with self._guard:
            lock = self._locks.setdefault(site, threading.Lock())
        with lock:
            if site not in self._parsed:
                try:
                    body = fetch_url(site + "/robots.txt", max_bytes=ROBOTS_MAX_BYTES, timeout=self.timeout,
                                     retries=1).body
                    self._parsed[site] = Protego.parse(body.decode("utf-8", "replace"))
                except NewsumError:  # 404, 5xx, unreachable, too large: no rules to honour
                    self._parsed[site] = None
            return self._parsed[site]

    def allowed(self, url: str) -> bool:
        rules = self._rules(url)
        return rules is None or rules.can_fetch(url, USER_AGENT)

    def crawl_delay(self, url: str) -> float:
        rules = self._rules(url)
        delay = rules.crawl_delay(ROBOT_NAME) if rules is not None else None
        return float(delay or 0.0)


class HostGate:
    """At most one request in flight per host, and `delay` seconds between two requests to it (longer
    when the host's robots.txt asks for a longer Crawl-delay)."""

    def __init__(self, delay: float, robots: Robots | None = None) -> None:
        self.delay = delay
        self.robots = robots
        self._locks: dict[str, threading.Lock] = {}
        self._last: dict[str, float] = {}
        self._guard = threading.Lock()

    @contextmanager
    def slot(self, url: str | None) -> Iterator[None]:
        host = (urlsplit(url or "").hostname or "").lower()
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:
            delay = max(self.delay, self.robots.crawl_delay(url) if self.robots and url else 0.0)
            wait = self._last.get(host, float("-inf")) + delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                self._last[host] = time.monotonic()


def _interleave_hosts(entries: list[StoredEntry]) -> list[StoredEntry]:
    """Round-robin over hosts, so workers are not all queued behind one host's gate."""
    by_host: dict[str, list[StoredEntry]] = {}
    for e in entries:
        by_host.setdefault(urlsplit(e.url or "").hostname or "", []).append(e)
    queues = list(by_host.values())
    out = []
    while queues:
        out += [q.pop(0) for q in queues]
        queues = [q for q in queues if q]
    return out
