"""newsum against a hostile web: one test per attack of issue 15's catalogue, each on a real server on
127.0.0.1, asserting the exit code, the one-line message, bounded time and memory, and that nothing
stored is lost. Bombs are built once per session (1 GiB of zeros behind a few hundred KB)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zlib
from dataclasses import dataclass

import brotli
import pytest
from conftest import REPO, Reply

GIB = 1 << 30


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float


# Runs the command and reports that child's own peak RSS (wait4), not the maximum over every child so far.
_PEAK = ("import os, subprocess, sys; p = subprocess.Popen(sys.argv[1:]); _, status, use = os.wait4(p.pid, 0); "
         "sys.stderr.write(f'\\nPEAK_KB {use.ru_maxrss}\\n'); sys.exit(os.waitstatus_to_exitcode(status))")


def newsum(*args: str, stdin: bytes | None = None, timeout: float = 90, env: dict | None = None) -> Outcome:
    """Run the CLI in a child process; its peak RSS as measured by wait4."""
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", _PEAK, sys.executable, "-m", "summarizer.cli", *args], cwd=REPO,
                          env={**os.environ, **(env or {})}, input=stdin, capture_output=True, timeout=timeout,
                          **({} if stdin is not None else {"stdin": subprocess.DEVNULL}))
    err = proc.stderr.decode("utf-8", "replace")
    err, _, peak = err.rpartition("\nPEAK_KB ")
    return Outcome(proc.returncode, proc.stdout.decode("utf-8", "replace"), err.strip("\n") + ("\n" if err else ""),
                   time.monotonic() - started, int(peak) / 1024)


def one_line_error(o: Outcome, code: int, contains: str) -> None:
    assert o.code == code, (o.code, o.stderr)
    lines = o.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsum: error: ") and contains in lines[0], o.stderr
    assert "Traceback" not in o.stderr


def _zeros_compressed(compressor) -> bytes:
    chunk = bytes(64 << 20)
    return b"".join(compressor(chunk, last=i == 15) for i in range(16))


@pytest.fixture(scope="session")
def bombs() -> dict[str, bytes]:
    br = brotli.Compressor(quality=1)
    gz = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    de = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS)
    return {
        "br": _zeros_compressed(lambda c, last: br.process(c) + (br.finish() if last else b"")),
        "gzip": _zeros_compressed(lambda c, last: gz.compress(c) + (gz.flush() if last else b"")),
        "deflate": _zeros_compressed(lambda c, last: de.compress(c) + (de.flush() if last else b"")),
    }


# --- 1. decompression bombs ------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["br", "gzip", "deflate"])
def test_a_gibibyte_bomb_ends_in_exit_3_quickly_and_in_little_memory(http_server, bombs, encoding):
    body = bombs[encoding]
    assert len(body) < 2_000_000  # 1 GiB of zeros behind it
    url = http_server.route(f"/bomb-{encoding}", Reply(200, body, {"Content-Type": "text/html",
                                                                  "Content-Encoding": encoding}))
    o = newsum(url, "--clean-only")
    one_line_error(o, 3, "limit (--max-bytes)")
    assert o.seconds < 30 and o.peak_mb < 300, (o.seconds, o.peak_mb)


# --- 5. header drip --------------------------------------------------------------------------------


def test_headers_dripped_a_byte_at_a_time_cannot_hold_newsum_past_its_deadline(http_server):
    from summarizer import fetch
    from summarizer.errors import FetchError

    def drip(handler):
        try:
            for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Slow: " + b"a" * 200:
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                time.sleep(0.05)  # well within the 0.3 s read timeout, every time
        except OSError:
            pass  # newsum hung up, as it should

    url = http_server.route("/drip", drip)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"took longer than 1\.2 s in total"):
        fetch.read_source(url, timeout=0.3)
    assert time.monotonic() - started < 2.0


# --- 3. SSRF: third-party links to private and metadata addresses ------------------------------------


def redirect(to: str) -> Reply:
    return Reply(302, b"", {"Location": to})


@pytest.mark.parametrize("target", [
    "http://127.0.0.2:{port}/secret",  # another loopback host
    "http://2130706434:{port}/secret",  # 127.0.0.2 written as one decimal number
    "http://0x7f000002:{port}/secret",  # ... and in hex
    "http://[::1]:{port}/secret",  # IPv6 loopback
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
])
def test_a_redirect_to_a_private_address_is_refused_before_connecting(http_server, other_host, target):
    other_host.route("/secret", Reply(200, b"<p>internal</p>", {"Content-Type": "text/html"}))
    url = http_server.route("/r", redirect(target.format(port=other_host.port)))
    o = newsum(url, "--clean-only")
    one_line_error(o, 3, "refusing redirect from")
    assert "metadata" in o.stderr or "loopback" in o.stderr
    assert other_host.requests == []  # nothing was connected to


def test_the_typed_host_may_redirect_to_itself_and_a_typed_private_url_is_read(http_server, other_host):
    page = b"<html><body><article><p>" + b"Aktien steg 4,2 pct. i dag efter et st\xc3\xa6rkt regnskab. " * 4 + b"</p></article></body></html>"
    http_server.route("/page", Reply(200, page, {"Content-Type": "text/html; charset=utf-8"}))
    url = http_server.route("/moved", redirect("/page"))
    assert newsum(url, "--clean-only").code == 0  # same host: trusted like the URL the user typed
    other_host.route("/page", Reply(200, page, {"Content-Type": "text/html; charset=utf-8"}))
    assert newsum(other_host.url("/page"), "--clean-only").code == 0  # typed: trusted


def test_the_metadata_address_is_refused_even_when_typed():
    o = newsum("http://169.254.169.254/latest/meta-data/", "--clean-only", timeout=30)
    one_line_error(o, 3, "cloud metadata address")
    assert o.seconds < 10


ARTICLE = ("<html><head><title>Aktier</title></head><body><article><h1>Aktier stiger</h1>"
           + "<p>Aktien i Novo Nordisk steg 4,2 pct. tirsdag, efter at selskabet hævede forventningerne til året.</p>" * 3
           + "</article></body></html>").encode()


def rss(*links: str) -> bytes:
    items = "".join(f"<item><title>Nyhed {i}</title><link>{link}</link><guid>{link}</guid></item>"
                    for i, link in enumerate(links))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


def digest_config(tmp_path, feed_url: str, extra: str = "") -> str:
    config = tmp_path / "config.toml"
    config.write_text(f'[digest]\noutput = "{tmp_path / "out"}"\ndatabase = "{tmp_path / "state.sqlite3"}"\n'
                      f'host_delay = 0\n{extra}\n[[sources]]\nname = "Feed"\nurl = "{feed_url}"\n', encoding="utf-8")
    return str(config)


class Log:
    """A digest Progress that keeps its lines."""

    def __init__(self) -> None:
        from summarizer.digest import Progress

        self.lines: list[str] = []
        self.progress = type("Recording", (Progress,), {"log": lambda _, m: self.lines.append(m)})()


def run_digest(config: str, log: Log | None = None):
    from digest_site import fake_analyse

    from summarizer.digest import run_from_config
    from summarizer.errors import DigestError

    log = log or Log()
    try:
        return run_from_config(config_path=config, since="all", out=None, formats="json", group_by=None,
                               dry_run=False, model_spec=None, analyse=fake_analyse, progress=log.progress)
    except DigestError as exc:
        return exc


def test_feed_entry_links_to_another_private_host_are_refused_unless_allowed(http_server, other_host, tmp_path):
    other_host.route("/internal", Reply(200, ARTICLE, {"Content-Type": "text/html; charset=utf-8"}))
    http_server.route("/own", Reply(200, ARTICLE, {"Content-Type": "text/html; charset=utf-8"}))
    feed = http_server.route("/feed", Reply(200, rss(http_server.url("/own"), other_host.url("/internal")),
                                            {"Content-Type": "application/rss+xml"}))
    log = Log()
    outcome = run_digest(digest_config(tmp_path, feed), log)
    assert isinstance(outcome, Exception)  # exit 6: the digest was written, one article failed
    assert any("refusing link" in line and "loopback" in line for line in log.lines), log.lines
    assert other_host.requests == [] and http_server.hits("/own") == 1  # the feed's own host is trusted

    (tmp_path / "second").mkdir()
    allowed = run_digest(digest_config(tmp_path / "second", feed, "allow_private_links = true"))
    assert not isinstance(allowed, Exception) and allowed.processed == 2 and other_host.hits("/internal") == 1


# --- 9. a polite crawler --------------------------------------------------------------------------


def test_robots_txt_is_honoured_for_article_pages_and_crawl_delay_spaces_requests(http_server, tmp_path):
    http_server.route("/robots.txt", Reply(200, b"User-agent: *\nDisallow: /private/\n\n"
                                                b"User-agent: newsum\nDisallow: /members/\nCrawl-delay: 1\n",
                                           {"Content-Type": "text/plain"}))
    times: list[float] = []

    def page(handler):
        times.append(time.monotonic())
        return Reply(200, ARTICLE, {"Content-Type": "text/html; charset=utf-8"})

    for path in ("/open/1", "/open/2", "/members/3"):
        http_server.route(path, page)
    items = "".join(f"<item><title>Nyhed {p}</title><link>{http_server.url(p)}</link><guid>{p}</guid>"
                    + (f"<description>{'Aktien i Vestas steg 3 pct. efter regnskabet. ' * 3}</description>" if p == "/members/3" else "")
                    + "</item>" for p in ("/open/1", "/open/2", "/members/3", "/members/4"))
    feed = http_server.route("/feed", Reply(200, f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}'
                                                 f"</channel></rss>".encode(), {"Content-Type": "application/rss+xml"}))
    http_server.route("/members/4", page)
    log = Log()
    outcome = run_digest(digest_config(tmp_path, feed), log)
    assert http_server.hits("/members/3") == 0 and http_server.hits("/members/4") == 0  # never fetched
    assert http_server.hits("/robots.txt") == 1  # read once per run
    assert any("robots.txt" in line and "/members/4" in line for line in log.lines), log.lines  # no feed text: failed
    assert isinstance(outcome, Exception)  # exit 6 for that one; /members/3 used the feed's own text
    assert len(times) == 2 and times[1] - times[0] >= 0.95  # Crawl-delay: 1 (host_delay is 0)


# --- 4 and 7. terminal control sequences and URL credentials never reach an output ---------------------

HOSTILE_TITLE = "Aktier \x1b]52;c;ZXZpbA==\x07stiger\x1b[2J \x9b31m"


def test_control_sequences_in_a_plain_text_source_never_reach_the_terminal(tmp_path):
    source = tmp_path / "page.txt"
    source.write_text(f"{HOSTILE_TITLE}\n\n" + "Aktien i Novo Nordisk steg 4,2 pct. tirsdag \x1b[31mi dag\x1b[0m, efter regnskabet. " * 3,
                      encoding="utf-8")
    for fmt in ("text", "markdown", "html"):
        o = newsum(str(source), "--clean-only", "--format", fmt)
        assert o.code == 0 and "stiger" in o.stdout
        assert not any(c in o.stdout for c in "\x1b\x07\x9b"), fmt
    o = newsum(str(source), "--clean-only", "--format", "json")
    assert "\\u001b" in o.stdout and "\x1b" not in o.stdout and "\x9b" not in o.stdout


def test_feed_titles_and_url_passwords_never_reach_the_digest_files_or_the_log(http_server, tmp_path):
    page = http_server.route("/a", Reply(200, ARTICLE, {"Content-Type": "text/html; charset=utf-8"}))
    secret_link = page.replace("http://", "http://reader:hunter2@")
    items = (f"<item><title>{HOSTILE_TITLE}</title><link>{secret_link}</link><guid>g1</guid></item>")
    http_server.route("/feed", Reply(200, f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}'
                                          "</channel></rss>".encode(), {"Content-Type": "application/rss+xml"}))
    feed = http_server.url("/feed").replace("http://", "http://me:s3cret@")
    import io

    from digest_site import fake_analyse

    from summarizer.cli import TerminalProgress
    from summarizer.digest import run_from_config

    log = io.StringIO()
    run_from_config(config_path=digest_config(tmp_path, feed), since="all", out=None, formats="md,html,json",
                    group_by=None, dry_run=False, model_spec=None, analyse=fake_analyse,
                    progress=TerminalProgress(log))
    documents = list((tmp_path / "out").glob("digest-*"))
    assert len(documents) == 3
    written = log.getvalue() + "".join(f.read_text(encoding="utf-8") for f in documents)
    assert "Aktier" in written and not any(c in written for c in "\x1b\x07\x9b")
    stored = (tmp_path / "state.sqlite3").read_bytes()
    assert b"s3cret" not in written.encode() + stored and b"hunter2" not in written.encode() + stored


# --- 6. known causes, known exit codes ---------------------------------------------------------------


def config_with(tmp_path, **digest) -> str:
    lines = ["[digest]"] + [f"{k} = {v!r}".replace("'", '"') for k, v in digest.items()]
    lines += ["[[sources]]", 'name = "a"', 'url = "http://127.0.0.1:9/feed"']
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("args,code,says", [
    (["http://a..b/", "--clean-only"], 2, "not a valid URL"),
    (["http://[::1/", "--clean-only"], 2, "not a valid URL"),
    ([str(REPO / "samples/northgate-en.html"), "--max-bytes", "9" * 25], 2, "--max-bytes must be"),
    (["digest", "--config", "{tmp}"], 2, "is a directory"),
    (["digest", "--config", "{tmp}/latin1.toml"], 2, "is not UTF-8 text"),
    (["digest", "--config", "{config}", "--since", "9" * 20 + "d"], 2, "more than 100 years"),
])
def test_bad_input_names_its_cause_with_its_exit_code(tmp_path, args, code, says):
    (tmp_path / "latin1.toml").write_bytes(b"# K\xf8benhavn\n[digest]\n")
    config = config_with(tmp_path)
    o = newsum(*(a.format(tmp=tmp_path, config=config) for a in args))
    one_line_error(o, code, says)


@pytest.mark.parametrize("database,says", [
    ("{tmp}/not-sqlite.db", "is not a newsum SQLite file"),
    ("{tmp}", "is a directory"),
    ("/proc/newsum/state.sqlite3", "cannot create the state database"),  # not writable, even for root
])
def test_an_unusable_state_database_is_exit_8_with_the_cause(tmp_path, database, says):
    (tmp_path / "not-sqlite.db").write_text("these are my notes, not a database\n")
    o = newsum("digest", "--config", config_with(tmp_path, database=database.format(tmp=tmp_path)))
    one_line_error(o, 8, says)
    assert (tmp_path / "not-sqlite.db").read_text() == "these are my notes, not a database\n"  # untouched


def test_a_full_disk_says_so_and_keeps_what_was_stored(tmp_path):
    from summarizer.digest.store import Store
    from summarizer.errors import StateError

    path = tmp_path / "state.sqlite3"
    with Store(path) as store:
        store.record_feed(feed_url="http://x/feed", name="x", status="ok", etag=None, last_modified=None,
                          entries=[{"guid": "kept", "url": "http://x/1", "title": "kept", "content": "x"}])
        pages = store.db.execute("PRAGMA page_count").fetchone()[0]
        store.db.execute(f"PRAGMA max_page_count = {pages + 1}")  # the disk is full from here on
        big = [{"guid": f"g{i}", "url": f"http://x/{i}", "title": "t", "content": "x" * 5000} for i in range(50)]
        with pytest.raises(StateError, match="database or disk is full.*nothing stored was lost"):
            store.record_feed(feed_url="http://x/feed", name="x", status="ok", etag=None, last_modified=None,
                              entries=big)
    with Store(path) as store:
        assert [e.guid for e in store.pending()] == ["kept"]


# --- 2. bounded work ---------------------------------------------------------------------------------


def test_claims_stop_at_their_budget_with_a_partial_result_said_in_every_format():
    sys.path.insert(0, str(REPO / "bench"))
    from scaling import paragraphs

    from summarizer.facts import find_facts
    from summarizer.pipeline import analyse
    from summarizer.render import render
    from summarizer.values import Article

    text = "\n\n".join(paragraphs(3000))
    whole = find_facts(text)
    assert len(whole.claims) == 3000 and whole.notes == []
    cut = find_facts(text, budget_seconds=0.0)
    assert len(cut.claims) < 3000 and "claims: stopped after 0 s" in cut.notes[0]
    report = analyse(Article(paragraphs=paragraphs(300), title="t"), summarize=False, facts_budget=0.0)
    for fmt in ("text", "markdown", "html", "json"):
        assert "claims: stopped after 0 s" in render(report, fmt), fmt


def test_the_facts_budget_is_a_config_key(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("facts_budget_seconds = 0.001\n", encoding="utf-8")
    page = str(REPO / "samples/northgate-en.html")
    o = newsum(page, "--no-summary", "--format", "json", "--config", str(config))
    assert o.code == 0 and "claims: stopped after 0.001 s" in o.stdout
    assert '"notes"' not in newsum(page, "--no-summary", "--format", "json").stdout
    config.write_text("facts_budget_seconds = -1\n", encoding="utf-8")
    one_line_error(newsum(page, "--no-summary", "--config", str(config)), 2, "facts_budget_seconds")


def test_no_summary_gives_tickers_and_claims_of_a_big_page_without_any_model(tmp_path):
    sys.path.insert(0, str(REPO / "bench"))
    from scaling import paragraphs

    page = tmp_path / "wrap.html"
    page.write_text("<html><body><article><h1>Markedet</h1>" + "".join(f"<p>{p}</p>" for p in paragraphs(8000))
                    + "</article></body></html>", encoding="utf-8")
    o = newsum(str(page), "--no-summary", "--format", "json", env={"NEWSUM_MODEL_DIR": str(tmp_path / "no-model")})
    assert o.code == 0, o.stderr
    import json

    data = json.loads(o.stdout)
    assert "summary" not in data and len(data["claims"]) == 8000 and data["tickers"]
    assert o.seconds < 60 and o.peak_mb < 600
