"""fetch.py against a real HTTP server on 127.0.0.1, real files and a real stdin buffer."""

from __future__ import annotations

import gzip
import io
import os
import socket
import sys
import threading
import time
from email.utils import formatdate

import brotli
import pytest
from conftest import Reply

from summarizer import fetch
from summarizer.errors import FetchError, NoArticleError, UsageError
from summarizer.version import __version__

DANISH = "Nationalbanken hævede renten. “Det er for tidligt”, siger økonom Søren Ørsted fra Århus; €5 mia."
PAGE = f"<!doctype html><html><head><title>Renten</title></head><body><p>{DANISH}</p></body></html>"


def html_reply(body: bytes, charset: str | None = "utf-8", **headers) -> Reply:
    content_type = "text/html" + (f"; charset={charset}" if charset else "")
    return Reply(200, body, {"Content-Type": content_type, **headers})


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def counting(*replies: Reply):
    """A route that answers with replies[0], replies[1], ... (the last one repeats)."""
    calls = []

    def route(handler):
        calls.append(handler.path)
        return replies[min(len(calls), len(replies)) - 1]

    return route


def write_raw(handler, head: bytes) -> None:
    handler.wfile.write(head)
    handler.wfile.flush()


def hung_up_on(reply: Reply):
    """A route sending reply itself, quietly, for tests where the client rightly hangs up mid-body."""

    def route(handler):
        try:
            handler.send_response(reply.status)
            for k, v in {"Content-Length": str(len(reply.body)), **reply.headers}.items():
                handler.send_header(k, v)
            handler.end_headers()
            handler.wfile.write(reply.body)
        except OSError:
            pass

    return route


# --- plain success and HTTP errors ----------------------------------------------------------------


def test_200_html_decoded_with_newsum_user_agent(http_server):
    url = http_server.route("/a", html_reply(PAGE.encode("utf-8")))
    got = fetch.read_source(url)
    assert DANISH in got.text
    assert (got.status, got.url, got.content_type, got.encoding, got.from_cache) == (200, url, "text/html", "utf-8", False)
    sent = http_server.requests[-1][2]
    assert sent["User-Agent"] == f"newsum/{__version__} (+https://github.com/newsum)"
    assert "br" in sent["Accept-Encoding"] and "gzip" in sent["Accept-Encoding"]


@pytest.mark.parametrize("status,reason", [(404, "Not Found"), (410, "Gone")])
def test_missing_page_is_fetch_error_naming_status_and_url(http_server, status, reason):
    url = http_server.route("/gone", Reply(status, b"nope", {"Content-Type": "text/html"}))
    with pytest.raises(FetchError) as err:
        fetch.read_source(url)
    assert str(err.value) == f"HTTP {status} {reason} for {url}"
    assert err.value.exit_code == 3
    assert http_server.hits("/gone") == 1  # client errors are not retried


@pytest.mark.parametrize(("status", "content_type"), [(401, "text/plain"), (402, "application/json"),
                                                    (403, "text/plain"), (451, "text/html")])
def test_blocked_statuses_say_paywalled_or_blocked(http_server, status, content_type):
    url = http_server.route("/paid", Reply(status, b"subscribe", {"Content-Type": content_type}))
    with pytest.raises(FetchError, match=rf"^HTTP {status} .* for {url}: the page is likely paywalled or blocks"):
        fetch.read_source(url)


@pytest.mark.parametrize("status", [401, 402, 403])
def test_a_login_page_answered_with_401_to_403_is_read_not_cached(http_server, status):
    url = http_server.route("/paid", Reply(status, b"<html><body><p>Log ind</p></body></html>",
                                           {"Content-Type": "text/html; charset=utf-8", "ETag": '"v1"'}))
    page = fetch.read_source(url, use_cache=True)
    assert page.status == status and "Log ind" in page.text
    fetch.read_source(url, use_cache=True)
    assert http_server.hits("/paid") == 2  # asked again: a login page is never served from the cache


def test_500_then_200_is_retried(http_server):
    route = counting(Reply(500, b"oops"), html_reply(PAGE.encode()))
    url = http_server.route("/flaky", route)
    got = fetch.read_source(url)
    assert DANISH in got.text
    assert http_server.hits("/flaky") == 2


def test_persistent_503_gives_up_after_bounded_retries(http_server):
    url = http_server.route("/down", Reply(503, b"down"))
    start = time.monotonic()
    with pytest.raises(FetchError, match=r"^HTTP 503 Service Unavailable for .* \(after 3 attempts\)$"):
        fetch.fetch_url(url, retries=2, backoff=0.05)
    assert http_server.hits("/down") == 3
    assert time.monotonic() - start < 2


def test_429_waits_for_retry_after_seconds(http_server):
    url = http_server.route("/busy", counting(Reply(429, b"slow down", {"Retry-After": "1"}), html_reply(PAGE.encode())))
    start = time.monotonic()
    got = fetch.read_source(url)
    waited = time.monotonic() - start
    assert DANISH in got.text
    assert http_server.hits("/busy") == 2
    assert 0.9 <= waited < 3


def test_retry_after_as_http_date(http_server):
    when = formatdate(time.time() + 1, usegmt=True)
    url = http_server.route("/date", counting(Reply(503, b"", {"Retry-After": when}), html_reply(PAGE.encode())))
    start = time.monotonic()
    assert fetch.fetch_url(url).status == 200
    assert time.monotonic() - start < 3
    assert http_server.hits("/date") == 2


def test_retry_after_beyond_the_cap_fails_at_once(http_server):
    url = http_server.route("/later", Reply(429, b"", {"Retry-After": "3600"}))
    start = time.monotonic()
    with pytest.raises(FetchError, match=r"HTTP 429 Too Many Requests .*retry after 3600 s; newsum waits at most 30 s"):
        fetch.read_source(url)
    assert time.monotonic() - start < 1
    assert http_server.hits("/later") == 1


def test_dead_host_is_could_not_connect():
    url = f"http://127.0.0.1:{closed_port()}/x"
    with pytest.raises(FetchError, match=r"^could not connect to 127\.0\.0\.1: .*refused"):
        fetch.fetch_url(url, retries=1, backoff=0.01)


# --- redirects ------------------------------------------------------------------------------------


def test_redirect_to_another_path(http_server):
    http_server.route("/old", Reply(301, b"", {"Location": "/new"}))
    target = http_server.route("/new", html_reply(PAGE.encode()))
    got = fetch.read_source(http_server.url("/old"))
    assert got.url == target
    assert DANISH in got.text


def test_redirect_loop_is_fetch_error(http_server):
    http_server.route("/a", Reply(302, b"", {"Location": "/b"}))
    http_server.route("/b", Reply(302, b"", {"Location": "/a"}))
    with pytest.raises(FetchError, match=r"^redirect loop: .*/b redirects back to .*/a$"):
        fetch.read_source(http_server.url("/a"))
    assert http_server.hits("/a") == 1 and http_server.hits("/b") == 1


def test_redirects_are_capped(http_server):
    for i in range(8):
        http_server.route(f"/r{i}", Reply(307, b"", {"Location": f"/r{i + 1}"}))
    http_server.route("/r8", html_reply(PAGE.encode()))
    with pytest.raises(FetchError, match=r"too many redirects \(more than 5\)"):
        fetch.read_source(http_server.url("/r0"))
    assert http_server.hits("/r6") == 0
    assert fetch.fetch_url(http_server.url("/r0"), max_redirects=8).status == 200


def test_redirect_to_file_scheme_is_refused(http_server):
    url = http_server.route("/sneaky", Reply(302, b"", {"Location": "file:///etc/passwd"}))
    with pytest.raises(FetchError, match=r"refusing redirect .* 'file:///etc/passwd'"):
        fetch.read_source(url)


# --- timeouts and size caps -----------------------------------------------------------------------


def test_slow_drip_past_the_read_timeout(http_server):
    def drip(handler):
        try:
            write_raw(handler, b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n<html>")
            time.sleep(1.5)  # longer than the client's 0.4 s read timeout
            write_raw(handler, b"<p>too late</p>")
        except OSError:
            pass  # the client hung up, as it should

    url = http_server.route("/drip", drip)
    start = time.monotonic()
    with pytest.raises(FetchError, match=r"^timed out reading .*/drip: no data for 0.4 s$"):
        fetch.read_source(url, timeout=0.4)
    assert time.monotonic() - start < 1.4
    assert http_server.hits("/drip") == 1  # read timeouts are not retried


def test_steady_drip_is_cut_off_by_the_total_time_limit(http_server):
    def trickle(handler):
        try:
            write_raw(handler, b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n")
            for _ in range(100):  # each byte arrives well within the read timeout; the whole never does
                write_raw(handler, b"x")
                time.sleep(0.05)
        except OSError:
            pass

    url = http_server.route("/trickle", trickle)
    start = time.monotonic()
    with pytest.raises(FetchError, match=r"took longer than 1\.2 s in total"):
        fetch.read_source(url, timeout=0.3)
    assert time.monotonic() - start < 2.5


def test_endless_body_is_cut_off_while_streaming(http_server):
    sent = []

    def endless(handler):  # no Content-Length: only the streaming cap can stop this
        try:
            write_raw(handler, b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n")
            for _ in range(10_000):
                write_raw(handler, b"<p>" + b"a" * 8192 + b"</p>")
                sent.append(1)
        except OSError:
            pass

    url = http_server.route("/endless", endless)
    with pytest.raises(FetchError, match=r"larger than the 100,000-byte limit \(--max-bytes\); stopped reading"):
        fetch.read_source(url, max_bytes=100_000)
    time.sleep(0.2)
    assert len(sent) < 1_000  # the server was cut off long before it could send 80 MB


def test_content_length_over_the_cap_is_refused_before_reading(http_server):
    url = http_server.route("/big", hung_up_on(html_reply(b"<p>" + b"a" * 200_000 + b"</p>")))
    with pytest.raises(FetchError, match=r"is 200,007 bytes, over the 100,000-byte limit"):
        fetch.read_source(url, max_bytes=100_000)


def test_gzip_bomb_is_capped_on_decompressed_size(http_server):
    bomb = gzip.compress(b"<p>" + b"a" * 3_000_000)
    url = http_server.route("/bomb", hung_up_on(html_reply(bomb, **{"Content-Encoding": "gzip"})))
    assert len(bomb) < 100_000
    with pytest.raises(FetchError, match="stopped reading"):
        fetch.read_source(url, max_bytes=1_000_000)


# --- content encodings and charsets ---------------------------------------------------------------


def test_gzip_encoded_body(http_server):
    url = http_server.route("/gz", html_reply(gzip.compress(PAGE.encode()), **{"Content-Encoding": "gzip"}))
    assert DANISH in fetch.read_source(url).text


def test_brotli_encoded_body(http_server):
    url = http_server.route("/br", html_reply(brotli.compress(PAGE.encode()), **{"Content-Encoding": "br"}))
    assert DANISH in fetch.read_source(url).text


def test_iso_8859_1_page_with_header_charset(http_server):
    text = "Aktierne i Ørsted faldt på børsen i Århus: æøå ÆØÅ."
    body = f"<html><body><p>{text}</p></body></html>".encode("iso-8859-1")
    url = http_server.route("/latin1", html_reply(body, charset="ISO-8859-1"))
    got = fetch.read_source(url)
    assert text in got.text
    assert got.encoding == "cp1252"  # read as windows-1252, the way browsers read latin-1 labels


def test_windows_1252_page_with_only_a_meta_charset(http_server):
    body = f'<html><head><meta charset="windows-1252"><title>x</title></head><body><p>{DANISH}</p></body></html>'
    url = http_server.route("/cp1252", html_reply(body.encode("cp1252"), charset=None))
    got = fetch.read_source(url)
    assert DANISH in got.text  # æøå, curly quotes and € all survive


def test_meta_http_equiv_charset(http_server):
    body = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
            "</head><body><p>Blåbærgrød på Ærø</p></body></html>")
    url = http_server.route("/equiv", html_reply(body.encode("latin-1"), charset=None))
    assert "Blåbærgrød på Ærø" in fetch.read_source(url).text


def test_header_says_utf8_but_bytes_are_latin1(http_server):
    body = f'<html><head><meta charset="utf-8"></head><body><p>{DANISH}</p></body></html>'.encode("cp1252")
    url = http_server.route("/liar", html_reply(body, charset="utf-8"))
    got = fetch.read_source(url)
    assert DANISH in got.text
    assert "\ufffd" not in got.text


def test_header_says_latin1_but_bytes_are_utf8(http_server):
    url = http_server.route("/liar2", html_reply(PAGE.encode("utf-8"), charset="iso-8859-1"))
    got = fetch.read_source(url)
    assert DANISH in got.text and got.encoding == "utf-8"


def test_utf16_with_bom_is_text_not_binary(http_server):
    url = http_server.route("/u16", html_reply(PAGE.encode("utf-16"), charset=None))
    assert DANISH in fetch.read_source(url).text


@pytest.mark.parametrize("content_type", ["application/octet-stream", "text/html"])
def test_binary_body_is_no_article(http_server, content_type):
    url = http_server.route("/bin", Reply(200, os.urandom(50_000), {"Content-Type": content_type}))
    with pytest.raises(NoArticleError, match=r"is binary data, not a web page or text$"):
        fetch.read_source(url)


@pytest.mark.parametrize("content_type", ["image/png", "application/pdf"])
def test_non_text_content_type_is_no_article(http_server, content_type):
    url = http_server.route("/file", Reply(200, b"%PDF-1.7 whatever", {"Content-Type": content_type}))
    with pytest.raises(NoArticleError, match=rf"is {content_type}, not a web page or text$"):
        fetch.read_source(url)


def test_empty_body_is_no_article(http_server):
    url = http_server.route("/empty", html_reply(b"  \n"))
    with pytest.raises(NoArticleError, match=r"is empty$") as err:
        fetch.read_source(url)
    assert err.value.exit_code == 4


def test_missing_content_type_is_sniffed(http_server):
    url = http_server.route("/plain", Reply(200, "Bare tekst med æøå.\n".encode("utf-8"), {}))
    got = fetch.read_source(url)
    assert (got.text, got.content_type) == ("Bare tekst med æøå.\n", "text/plain")


# --- sources other than http ----------------------------------------------------------------------


@pytest.mark.parametrize("source", ["file:///etc/passwd", "ftp://example.com/a.html", "javascript:alert(1)",
                                    "data:text/html,<p>hi</p>"])
def test_other_schemes_are_refused(source):
    with pytest.raises(FetchError, match=r"^refusing .*: only http:// and https:// URLs are read"):
        fetch.read_source(source)


def test_local_html_gz_file(tmp_path):
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress(PAGE.encode("utf-8")))
    got = fetch.read_source(str(path))
    assert DANISH in got.text
    assert (got.content_type, got.url, got.status, got.source) == ("text/html", None, None, str(path))


def test_local_files_by_extension_and_sniffing(tmp_path):
    (tmp_path / "a.htm").write_bytes(PAGE.encode("cp1252").replace(b"<head>", b'<head><meta charset="cp1252">'))
    (tmp_path / "b.txt").write_text("<p> is just text here", encoding="utf-8")
    (tmp_path / "c.page").write_text(PAGE, encoding="utf-8")
    (tmp_path / "d").write_text("Plain words æøå", encoding="utf-8")
    assert DANISH in fetch.read_source(str(tmp_path / "a.htm")).text
    kinds = [fetch.read_source(str(tmp_path / n)).content_type for n in ("a.htm", "b.txt", "c.page", "d")]
    assert kinds == ["text/html", "text/plain", "text/html", "text/plain"]


def test_local_file_errors(tmp_path):
    with pytest.raises(FetchError, match=r"^no such file: .*missing\.html$"):
        fetch.read_source(str(tmp_path / "missing.html"))
    with pytest.raises(FetchError, match="give the full URL"):
        fetch.read_source("example.com/news/story")
    with pytest.raises(FetchError, match="is a directory"):
        fetch.read_source(str(tmp_path))
    (tmp_path / "empty.html").write_bytes(b"")
    with pytest.raises(NoArticleError, match="is empty"):
        fetch.read_source(str(tmp_path / "empty.html"))
    (tmp_path / "big.txt").write_bytes(b"a" * 2_000)
    with pytest.raises(FetchError, match="larger than the 1,000-byte limit"):
        fetch.read_source(str(tmp_path / "big.txt"), max_bytes=1_000)
    (tmp_path / "bad.html.gz").write_bytes(b"\x1f\x8b" + b"garbage" * 10)
    with pytest.raises(FetchError, match="not a valid gzip file"):
        fetch.read_source(str(tmp_path / "bad.html.gz"))


def test_large_random_binary_file_is_no_article_not_too_large(tmp_path):
    path = tmp_path / "random.html"
    path.write_bytes(os.urandom(10_000_000))
    with pytest.raises(NoArticleError, match=r"random\.html is a binary file, not a web page or text"):
        fetch.read_source(str(path))


def test_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(PAGE.encode("cp1252").replace(
        b"<head>", b"<head><meta charset=iso-8859-1>"))))
    got = fetch.read_source("-")
    assert DANISH in got.text
    assert (got.source, got.url, got.content_type) == ("-", None, "text/html")


def test_stdin_over_the_cap(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"a" * 5000)))
    with pytest.raises(FetchError, match="standard input is larger than"):
        fetch.read_source("-", max_bytes=1000)


# --- cache and conditional GET --------------------------------------------------------------------


def test_cache_revalidates_with_etag_and_serves_304_from_disk(http_server, tmp_path):
    seen = []

    def etagged(handler):
        seen.append(handler.headers.get("If-None-Match"))
        if handler.headers.get("If-None-Match") == '"v1"':
            return Reply(304, b"", {"ETag": '"v1"'})
        return html_reply(PAGE.encode(), ETag='"v1"')

    url = http_server.route("/cached", etagged)
    first = fetch.read_source(url, use_cache=True)
    second = fetch.read_source(url, use_cache=True)
    assert seen == [None, '"v1"']
    assert (first.from_cache, second.from_cache) == (False, True)
    assert second.text == first.text and DANISH in second.text
    # the default cache lives in the (per-test) platformdirs cache dir
    assert any((tmp_path / "xdg_cache_home" / "newsum" / "http").iterdir())
    # without use_cache no validator is sent and nothing is read from disk
    assert fetch.read_source(url).from_cache is False
    assert seen[-1] is None


def test_cache_revalidates_with_last_modified(http_server, tmp_path):
    stamp = "Tue, 14 Mar 2017 08:00:00 GMT"

    def dated(handler):
        if handler.headers.get("If-Modified-Since") == stamp:
            return Reply(304, b"")
        return html_reply(PAGE.encode(), **{"Last-Modified": stamp})

    url = http_server.route("/dated", dated)
    assert fetch.read_source(url, use_cache=True, cache_dir=tmp_path / "c").from_cache is False
    assert fetch.read_source(url, use_cache=True, cache_dir=tmp_path / "c").from_cache is True


def test_rejected_bodies_are_not_cached(http_server, tmp_path):
    url = http_server.route("/binary", Reply(200, os.urandom(5000), {"Content-Type": "application/octet-stream",
                                                                      "ETag": '"b1"'}))
    for _ in range(2):
        with pytest.raises(NoArticleError):
            fetch.read_source(url, use_cache=True, cache_dir=tmp_path / "c")
    assert not (tmp_path / "c").exists()
    assert [h.get("If-None-Match") for _, p, h in http_server.requests if p == "/binary"] == [None, None]


def test_non_positive_max_bytes_is_usage_error():
    with pytest.raises(UsageError, match="--max-bytes must be a number of bytes from 1"):
        fetch.read_source("x.html", max_bytes=0)


def test_fetch_url_conditional_get_for_feeds(http_server):
    def feed(handler):
        if handler.headers.get("If-None-Match") == '"f1"':
            return Reply(304, b"")
        return Reply(200, b"<rss/>", {"Content-Type": "application/rss+xml", "ETag": '"f1"'})

    url = http_server.route("/feed", feed)
    first = fetch.fetch_url(url)
    assert (first.status, first.body, first.etag, first.content_type, first.not_modified) == (
        200, b"<rss/>", '"f1"', "application/rss+xml", False)
    again = fetch.fetch_url(url, etag=first.etag)
    assert (again.status, again.body, again.not_modified) == (304, b"", True)


def test_shared_client_from_many_threads(http_server):
    for i in range(8):
        http_server.route(f"/t{i}", html_reply(f"<p>page {i} æøå</p>".encode()))
    results: dict[int, str] = {}
    with fetch.make_client(timeout=5) as client:
        def work(i: int) -> None:
            results[i] = fetch.read_source(http_server.url(f"/t{i}"), client=client).text

        threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert results == {i: f"<p>page {i} æøå</p>" for i in range(8)}


def test_decode_precedence_units():
    assert fetch.decode("æøå".encode("utf-8-sig"), "iso-8859-1") == ("æøå", "utf-8")  # BOM beats header
    assert fetch.decode(b"caf\xe9", "x-no-such-charset")[0] == "café"  # unknown label ignored
    assert fetch.decode(b"<?xml version='1.0' encoding='iso-8859-1'?><rss>\xe6</rss>")[0].endswith("<rss>æ</rss>")


# --- end to end through the CLI (needs the cleaner) -----------------------------------------------

ARTICLE_DA = [
    "Nationalbanken hævede torsdag renten med 0,25 procentpoint, oplyser banken i en meddelelse til Børsen.",
    "«Vi ser en stigende inflation i både Århus og København», siger cheføkonom Søren Ørsted.",
    "Aktierne på børsen faldt efterfølgende med 1,2 procent i løbet af eftermiddagen, mens kronen styrkedes.",
]
ARTICLE_PAGE = ("<html><head><title>Renten stiger</title></head><body><article><h1>Renten stiger</h1>"
                + "".join(f"<p>{p}</p>" for p in ARTICLE_DA) + "</article></body></html>")


def test_cli_reads_a_latin1_url_and_gzipped_stdin(http_server):
    import json

    from typer.testing import CliRunner

    from summarizer.cli import app

    url = http_server.route("/da", html_reply(ARTICLE_PAGE.encode("iso-8859-1"), charset="iso-8859-1"))
    result = CliRunner().invoke(app, [url, "--clean-only", "--format", "json"])
    assert (result.exit_code, result.stderr) == (0, "")
    out = json.loads(result.stdout)
    assert out["text"] == "\n\n".join(ARTICLE_DA)
    assert out["url"] == url

    piped = CliRunner().invoke(app, ["-", "--clean-only", "--format", "json"],
                               input=gzip.compress(ARTICLE_PAGE.encode("cp1252").replace(
                                   b"<head>", b'<head><meta charset="windows-1252">')))
    assert (piped.exit_code, piped.stderr) == (0, "")
    assert json.loads(piped.stdout)["text"] == "\n\n".join(ARTICLE_DA)
