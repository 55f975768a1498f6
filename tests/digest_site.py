"""A small news web for digest tests and bench/digest.py: three feeds (RSS 2.0, Atom, a malformed
RSS) of real article texts, their article pages, conditional GET with 304s, and a fake analyser.

Article texts are the finance dev set and Zyte benchmark bodies from shared/bench (real prose, so
the real cleaner keeps them and no two of them look alike). Also runnable as a script: the
kill-and-resume test starts `python tests/digest_site.py CONFIG CALLS_LOG SECONDS` and kills it.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
LAST_MODIFIED = "Wed, 25 Nov 2026 06:00:00 GMT"


def load_texts(n: int = 30) -> list[dict]:
    """n real articles: the 12 finance dev pages, then Zyte bodies of 1200-3500 characters. Without
    shared/ beside the repo (a plain clone) the tests that serve them skip, saying why."""
    if not (SHARED / "bench/finance-dev/ground-truth.json").is_file():
        import pytest

        pytest.skip(f"the digest site serves shared/bench article texts; {SHARED} is not there")
    texts = []
    finance = json.loads((SHARED / "bench/finance-dev/ground-truth.json").read_text())
    for key in sorted(finance):
        v = finance[key]
        texts.append({"title": v["title"], "body": v["articleBody"], "language": v["language"]})
    zyte = json.loads((SHARED / "bench/zyte/ground-truth.json").read_text())
    for v in sorted(zyte.values(), key=lambda v: v["url"]):
        english = v["articleBody"].count(" the ") >= 8
        if english and 1200 <= len(v["articleBody"]) <= 3500 and len(texts) < n:
            first = v["articleBody"].strip().split("\n")[0]
            title = " ".join(first.split()[:9]).rstrip(".,;:") or v["url"]
            texts.append({"title": title, "body": v["articleBody"], "language": "en"})
    return texts[:n]


def paragraphs(body: str) -> list[str]:
    return [p.strip() for p in body.split("\n") if p.strip()]


def article_page(site: str, title: str, body: str, *, chrome: str = "") -> bytes:
    e = html.escape
    paras = "".join(f"<p>{e(p)}</p>" for p in paragraphs(body))
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{e(title)} | {e(site)}</title></head><body>"
        f"<header><nav><a href='/'>Forside</a> <a href='/markets'>Markets</a> <a href='/login'>Log ind</a></nav>"
        f"</header><main><article><h1>{e(title)}</h1><p class='byline'>By the {e(site)} desk</p>{paras}</article>"
        f"{chrome}</main><aside><h2>Newsletter</h2><p>Sign up for our free morning newsletter.</p></aside>"
        f"<footer><p>© 2026 {e(site)}. All rights reserved.</p></footer></body></html>"
    ).encode()


OEU_CHROME = (
    "<aside class='signup'><h3>Tilmeld dig vores gratis nyhedsbrev</h3><p>Få de vigtigste nyheder om bank, "
    "realkredit, forsikring og pension. Udkommer hver mandag.</p><form><input name='email'></form></aside>"
    "<section class='jobs'><h3>Ledige stillinger</h3><ul><li>Controller, Aarhus</li><li>CFO, København</li></ul>"
    "</section>"
)


def rss(title: str, link: str, items: list[dict], *, broken: bool = False) -> bytes:
    e = html.escape
    out = [f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{e(title)}</title>"
           f"<link>{e(link)}</link><description>{e(title)}</description>"]
    for it in items:
        # an undefined entity makes the XML malformed (feedparser's bozo) but every item still parses
        extra = " &nbsp;&mdash;" if broken else ""
        out.append(f"<item><title>{e(it['title'])}</title><link>{e(it['link'])}</link>"
                   f"<guid isPermaLink='false'>{e(it['guid'])}</guid><pubDate>{it['rfc822']}</pubDate>"
                   f"<description>{e(it['summary'])}{extra}</description></item>")
    out.append("</channel></rss>")
    return "".join(out).encode()


def atom(title: str, link: str, items: list[dict]) -> bytes:
    e = html.escape
    out = [f"<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'><title>{e(title)}"
           f"</title><id>{e(link)}</id><updated>{items[0]['iso']}</updated><link href='{e(link)}'/>"]
    for it in items:
        out.append(f"<entry><title>{e(it['title'])}</title><link href='{e(it['link'])}'/><id>{e(it['guid'])}</id>"
                   f"<updated>{it['iso']}</updated><summary>{e(it['summary'])}</summary>"
                   f"<content type='html'>{e(it['content'])}</content></entry>")
    out.append("</feed>")
    return "".join(out).encode()


class DigestSite:
    """Registers the feeds and pages on a conftest LocalServer and writes configs pointing at them.

    Feeds: A "Nordic Wire" (RSS 2.0, on 127.0.0.1), B "Børsposten" (Atom, on localhost),
    C "Markedsbrevet" (malformed RSS, on 127.0.0.1). Each feed answers a matching If-None-Match or
    If-Modified-Since with 304; `statuses[path]` lists what every request got.
    """

    FEEDS = (("a", "Nordic Wire", "rss", "127.0.0.1"), ("b", "Børsposten", "atom", "localhost"),
             ("c", "Markedsbrevet", "broken", "127.0.0.1"))

    def __init__(self, server, *, per_feed: int = 10, page_delay: float = 0.0) -> None:
        self.server = server
        self.per_feed = per_feed
        self.page_delay = page_delay
        self.statuses: dict[str, list[int]] = {}
        self.in_flight: dict[str, int] = {}
        self.max_in_flight: dict[str, int] = {}
        self.max_total_in_flight = 0
        self._lock = threading.Lock()
        self.items: dict[str, list[dict]] = {}
        self.guids: list[str] = []
        texts = load_texts(per_feed * len(self.FEEDS))
        now = datetime.now(timezone.utc).replace(microsecond=0)
        for f, (key, name, kind, host) in enumerate(self.FEEDS):
            self.items[key] = []
            for i in range(per_feed):
                t = texts[f * per_feed + i]
                self.add_item(key, f"story-{i + 1}", t["title"], t["body"], now - timedelta(hours=f + 2 * i + 1))
            self._publish(key)
        server.route("/not-a-feed.html", self._conditional("/not-a-feed.html",
                     lambda: b"<!doctype html><html><body><p>Welcome to our homepage</p></body></html>",
                     "text/html"))

    def base(self, key: str) -> str:
        host = dict((k, h) for k, _, _, h in self.FEEDS)[key]
        return f"http://{host}:{self.server.port}"

    def feed_path(self, key: str) -> str:
        return f"/{key}/feed.xml"

    def feed_url(self, key: str) -> str:
        return self.base(key) + self.feed_path(key)

    def add_item(self, key: str, slug: str, title: str, body: str, when: datetime, *, chrome: str = "",
                 page_title: str | None = None) -> dict:
        """An article page on feed `key`'s host and an entry for it (call publish(key) after)."""
        name = dict((k, n) for k, n, _, _ in self.FEEDS)[key]
        path = f"/{key}/{slug}.html"
        page = article_page(name, page_title or title, body, chrome=chrome)
        self.server.route(path, self._page(path, page))
        first = paragraphs(body)[0]
        item = {"title": title, "link": self.base(key) + path, "guid": f"tag:newsum.test,2026:{key}-{slug}",
                "rfc822": format_datetime(when, usegmt=True), "iso": when.isoformat().replace("+00:00", "Z"),
                "summary": first[:200], "content": "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs(body)),
                "body": body}
        self.items[key].insert(0, item)
        self.guids.append(item["guid"])
        return item

    def publish(self, key: str) -> None:
        self._publish(key)

    def _publish(self, key: str) -> None:
        _, name, kind, _ = next(f for f in self.FEEDS if f[0] == key)
        items = self.items[key]
        if kind == "atom":
            body = atom(name, self.base(key) + f"/{key}/", items)
            ctype = "application/atom+xml"
        else:
            body = rss(name, self.base(key) + f"/{key}/", items, broken=kind == "broken")
            ctype = "application/rss+xml"
        self.server.route(self.feed_path(key), self._conditional(self.feed_path(key), lambda: body, ctype))

    def _conditional(self, path: str, make_body, ctype: str):
        from conftest import Reply

        def handler(request):
            body = make_body()
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            fresh = request.headers.get("If-None-Match") == etag or (
                request.headers.get("If-None-Match") is None
                and request.headers.get("If-Modified-Since") == LAST_MODIFIED)
            status = 304 if fresh else 200
            self.statuses.setdefault(path, []).append(status)
            headers = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
            if status == 304:
                return Reply(304, b"", headers)
            return Reply(200, body, {**headers, "Content-Type": f"{ctype}; charset=utf-8"})

        return handler

    def _page(self, path: str, page: bytes):
        from conftest import Reply

        def handler(request):
            host = request.headers.get("Host", "").split(":")[0]
            with self._lock:
                self.in_flight[host] = self.in_flight.get(host, 0) + 1
                self.max_in_flight[host] = max(self.max_in_flight.get(host, 0), self.in_flight[host])
                self.max_total_in_flight = max(self.max_total_in_flight, sum(self.in_flight.values()))
            try:
                time.sleep(self.page_delay)
            finally:
                with self._lock:
                    self.in_flight[host] -= 1
            self.statuses.setdefault(path, []).append(200)
            return Reply(200, page, {"Content-Type": "text/html; charset=utf-8"})

        return handler

    def write_config(self, path: Path, *, extra_sources: str = "", content_only: tuple[str, ...] = (),
                     feeds: str = "abc", **digest) -> Path:
        """A config with the feeds named in `feeds` (those in content_only with full_page = false) and
        [digest] options."""
        digest = {"output": str(path.parent / "out"), "database": str(path.parent / "state.sqlite3"),
                  "host_delay": 0, "concurrency": 4, **digest}
        lines = ["[digest]"] + [f"{k} = {json.dumps(v)}" for k, v in digest.items()]
        for key, name, _, _ in (f for f in self.FEEDS if f[0] in feeds):
            lines += ["", "[[sources]]", f"name = {json.dumps(name)}", f"url = {json.dumps(self.feed_url(key))}"]
            if key in content_only:
                lines.append("full_page = false")
        path.write_text("\n".join(lines) + "\n" + extra_sources, encoding="utf-8")
        return path


# --- a fast fake analyser (no model): same Report shape as pipeline.analyse ---------------------

FAKE_TICKERS = {"Novo Nordisk": ("NOVO-B.CO", "Novo Nordisk"), "Russell 2000": ("^RUT", "Russell 2000"),
                "S&P 500": ("^GSPC", "S&P 500"), "Mærsk": ("MAERSK-B.CO", "A.P. Møller-Mærsk"),
                "Vestas": ("VWS.CO", "Vestas Wind Systems"), "Danske Bank": ("DANSKE.CO", "Danske Bank"),
                "Carlsberg": ("CARL-B.CO", "Carlsberg"), "DSV": ("DSV.CO", "DSV"), "Boeing": ("BA", "Boeing")}


def fake_analyse(article, calls_log: Path | None = None, seconds: float = 0.0):
    """A Report with a made-up bilingual summary, dictionary tickers and numeric claims."""
    from summarizer.values import Claim, Report, Summary, TickerHit

    if calls_log is not None:
        with calls_log.open("a", encoding="utf-8") as fh:
            fh.write(f"{article.url}\n")
    time.sleep(seconds)
    text = article.text
    first = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0][:300]
    tickers = []
    for words, (symbol, name) in FAKE_TICKERS.items():
        for m in re.finditer(re.escape(words), text):
            tickers.append(TickerHit(symbol, name, None, m.group(0), m.start(), m.end(), 0.9))
    claims = []
    for m in re.finditer(r"[^.\n]*\d+(?:[.,]\d+)?\s?(?:%|pct\.?|procent|percent)[^.\n]*\.", text):
        claims.append(Claim(m.group(0).strip(), m.start(), m.end()))
        if len(claims) == 3:
            break
    summary = Summary(en=f"{first}", da=f"Kort fortalt: {first}", source_language=article.language or "en",
                      model="fake", grounded="Russell" not in text[:400])
    from summarizer.facts import find_facts
    from summarizer.facts.key_facts import find_key_facts

    real = find_facts(text)  # key facts are made without a model: the real ones
    key_facts = find_key_facts(text, article.title, real.claims, real.tickers)
    return Report(article=article, summary=summary, tickers=tickers, claims=claims, key_facts=key_facts)


def _main(argv: list[str]) -> int:
    """Run `newsum digest --config CONFIG` with the fake analyser, slowed to SECONDS per article."""
    from summarizer.digest import run as digest
    from summarizer.errors import NewsumError

    config, calls_log, seconds = Path(argv[0]), Path(argv[1]), float(argv[2])
    try:
        digest.run_from_config(config_path=config, since=None, out=None, formats=None, group_by=None,
                                  dry_run=False, model_spec=None,
                                  analyse=lambda a: fake_analyse(a, calls_log, seconds))
    except NewsumError as exc:
        print(f"newsum: error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.exit(_main(sys.argv[1:]))
