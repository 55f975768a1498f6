"""`newsum digest` end to end against a real local news web (tests/digest_site.py), with a fake
analyser for the plumbing and one run with the real model at the end."""

from __future__ import annotations

import io
import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import REPO, Reply
from digest_site import OEU_CHROME, DigestSite, fake_analyse

from summarizer.cli import TerminalProgress
from summarizer.digest import run as digest
from summarizer.digest.politeness import HostGate
from summarizer.digest.store import Store
from summarizer.errors import DigestError


def run(config: Path, **kw) -> digest.Outcome:
    """One digest run in this process, logging to a buffer (as under cron: no terminal)."""
    options = dict(config_path=config, since=None, out=None, formats=None, group_by=None, dry_run=False,
                   model_spec=None, analyse=fake_analyse, progress=TerminalProgress(io.StringIO()))
    return digest.run_from_config(**{**options, **kw})


def documents(out: Path, ext: str) -> list[Path]:
    return sorted(out.glob(f"digest-*.{ext}"))


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "summarizer.cli", "digest", *args], capture_output=True,
                          text=True, timeout=120, cwd=REPO)


@pytest.fixture
def site(http_server):
    return DigestSite(http_server)


def test_two_runs_process_each_article_once_and_use_304s(site, tmp_path):
    config = site.write_config(tmp_path / "config.toml")
    first = run(config)
    assert (first.processed, first.duplicates, first.failures) == (30, 0, [])
    out = tmp_path / "out"
    assert [p.suffix for p in first.documents] == [".md", ".html", ".json"]
    doc = json.loads(documents(out, "json")[0].read_text(encoding="utf-8"))
    assert sorted(a["guid"] for a in doc["articles"]) == sorted(site.guids)
    assert {a["source"] for a in doc["articles"]} == {"Nordic Wire", "Børsposten", "Markedsbrevet"}
    assert all(a["summary"]["en"] and a["summary"]["da"] for a in doc["articles"])

    second = run(config)
    assert (second.processed, second.documents) == (0, [])
    for key in "abc":
        assert site.statuses[site.feed_path(key)] == [200, 304]
    # every article page was fetched once, in the first run only
    page_hits = [site.server.hits(p) for p in site.statuses if p.endswith(".html")]
    assert page_hits == [1] * 30
    with Store(tmp_path / "state.sqlite3") as store:
        assert store.counts() == {"done": 30}
        assert [json.loads(r["summary"])["in_digest"] for r in store.db.execute("SELECT summary FROM runs")] == [30, 0]


def test_markdown_digest_reads_like_a_newsletter(site, tmp_path):
    run(site.write_config(tmp_path / "config.toml"))
    md = documents(tmp_path / "out", "md")[0].read_text(encoding="utf-8")
    assert md.startswith("# newsum digest")
    assert "## Most mentioned" in md and "`^GSPC` S&P 500" in md
    assert md.index("## Børsposten") < md.index("## Markedsbrevet") < md.index("## Nordic Wire")
    assert "**English:**" in md and "**Dansk:** Kort fortalt:" in md
    assert "> **not grounded" in md  # the fake analyser marks articles on the Russell 2000 as ungrounded
    assert md.count("\n### [") == 30
    # key figures, in both languages, under the articles that state them plainly
    doc = json.loads(documents(tmp_path / "out", "json")[0].read_text(encoding="utf-8"))
    with_facts = [a for a in doc["articles"] if a.get("key_facts")]
    assert with_facts and md.count("**Key figures / Nøgletal:**") == len(with_facts)
    first = with_facts[0]["key_facts"][0]
    assert f"- {first['en']}" in md and f"*{first['da']}*" in md
    html = documents(tmp_path / "out", "html")[0].read_text(encoding="utf-8")
    assert html.count('class="key-facts"') == len(with_facts)


def test_group_by_ticker(site, tmp_path):
    run(site.write_config(tmp_path / "config.toml"), group_by="ticker", formats="json,md")
    assert documents(tmp_path / "out", "html") == []
    md = documents(tmp_path / "out", "md")[0].read_text(encoding="utf-8")
    headings = [line for line in md.splitlines() if line.startswith("## ")]
    assert "## NOVO-B.CO · Novo Nordisk" in headings
    assert headings[-1] == "## Other"  # articles without tickers come last


def test_killed_run_then_rerun_processes_every_article_exactly_once(site, tmp_path):
    config = site.write_config(tmp_path / "config.toml", concurrency=2)
    calls = tmp_path / "calls.log"
    db = tmp_path / "state.sqlite3"
    proc = subprocess.Popen([sys.executable, str(REPO / "tests/digest_site.py"), str(config), str(calls), "0.3"],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    committed: list[str] = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and len(committed) < 8:
        time.sleep(0.05)
        try:
            with sqlite3.connect(db) as con:
                committed = [u for (u,) in con.execute(
                    "SELECT e.url FROM results r JOIN entries e ON e.id = r.entry_id")]
        except sqlite3.OperationalError:
            pass  # not created yet
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read()
    assert 8 <= len(committed) < 30
    assert documents(tmp_path / "out", "json") == []  # killed before writing the digest

    resumed = run(config, analyse=lambda a: fake_analyse(a, calls))
    assert resumed.failures == []
    for key in "abc":  # the feeds had not changed: their entries came from the store's queue
        assert site.statuses[site.feed_path(key)][-1] == 304
    with Store(db) as store:
        assert store.counts() == {"done": 30}
        assert len(list(store.iter_results())) == 30
    doc = json.loads(documents(tmp_path / "out", "json")[0].read_text(encoding="utf-8"))
    assert Counter(a["guid"] for a in doc["articles"]) == Counter(site.guids)
    analysed = Counter(calls.read_text(encoding="utf-8").split())
    assert set(analysed) == {a["link"] for a in doc["articles"]}
    assert all(analysed[url] == 1 for url in committed)  # nothing committed was done again
    assert sum(analysed.values()) <= 31  # at most the one article in the model when it was killed


def test_republished_copy_is_recognised_as_a_duplicate(site, tmp_path):
    config = site.write_config(tmp_path / "config.toml")
    run(config)
    original = next(it for it in site.items["a"] if it["guid"].endswith(":a-story-1"))
    # ØU republishes it: another site, URL and headline, a Danish lead-in, and its own page chrome
    site.add_item("c", "us-small-caps-zerohedge", "US: Small caps halter efter S&P 500 (Zerohedge)",
                  "Fra Zerohedge:\n" + original["body"], datetime.now(timezone.utc), chrome=OEU_CHROME)
    site.publish("c")
    again = run(config)
    assert (again.processed, again.duplicates, again.documents) == (0, 1, [])
    with Store(tmp_path / "state.sqlite3") as store:
        row = store.db.execute(
            "SELECT d.guid FROM entries e JOIN entries d ON d.id = e.duplicate_of WHERE e.state = 'duplicate'"
        ).fetchone()
        assert row["guid"] == original["guid"]


def test_failing_feeds_and_pages_are_reported_and_retried(site, tmp_path, http_server):
    http_server.route("/gone.xml", Reply(404, b"gone"))
    site.add_item("a", "deleted", "A story the site deleted", "Short lived.\nIt is gone now.",
                  datetime.now(timezone.utc))
    http_server.route("/a/deleted.html", Reply(404, b"not found"))
    site.publish("a")
    extra = (f'\n[[sources]]\nname = "Homepage"\nurl = "{http_server.url("/not-a-feed.html")}"\n'
             f'\n[[sources]]\nname = "Gone"\nurl = "{http_server.url("/gone.xml")}"\n')
    config = site.write_config(tmp_path / "config.toml", extra_sources=extra)
    with pytest.raises(DigestError, match="3 feed"):
        run(config)
    doc = json.loads(documents(tmp_path / "out", "json")[0].read_text(encoding="utf-8"))
    assert len(doc["articles"]) == 30  # the good ones are in the digest all the same
    failures = {f["what"].split(" (")[0]: f["error"] for f in doc["failures"]}
    assert "not an RSS or Atom feed" in failures["feed Homepage"]
    assert "404" in failures["feed Gone"]
    assert "404" in failures["article A story the site deleted"]
    with pytest.raises(DigestError, match="3 feed"):  # next night: the page is tried again
        run(config)
    assert http_server.hits("/a/deleted.html") == 2


def test_feed_content_sources_do_not_fetch_pages(site, tmp_path):
    first = run(site.write_config(tmp_path / "config.toml", content_only=("b",)))
    assert first.processed == 30
    assert [p for p in site.statuses if p.startswith("/b/") and p.endswith(".html")] == []
    doc = json.loads(documents(tmp_path / "out", "json")[0].read_text(encoding="utf-8"))
    from_b = [a for a in doc["articles"] if a["source"] == "Børsposten"]
    assert len(from_b) == 10 and all(a["summary"]["en"] for a in from_b)


def test_polite_fetching_one_request_per_host_at_a_time(http_server, tmp_path):
    site = DigestSite(http_server, per_feed=4, page_delay=0.15)
    run(site.write_config(tmp_path / "config.toml", concurrency=4))
    assert site.max_in_flight == {"127.0.0.1": 1, "localhost": 1}
    assert site.max_total_in_flight == 2  # but the two hosts were fetched in parallel


def test_host_gate_spaces_requests_to_the_same_host():
    gate = HostGate(0.3)
    start = time.monotonic()
    with gate.slot("http://a.example/1"):
        pass
    with gate.slot("http://b.example/1"):
        pass
    assert time.monotonic() - start < 0.2  # another host does not wait
    with gate.slot("http://a.example/2"):
        assert time.monotonic() - start >= 0.3


def test_since_skips_old_entries(site, tmp_path):
    # entries are 1-19 h old on feed a (odd hours), 2-20 h on b (even), 3-21 h on c (odd)
    assert run(site.write_config(tmp_path / "config.toml"), since="6h").processed == 3 + 2 + 2
    fresh = site.write_config(tmp_path / "all.toml", database=str(tmp_path / "all.sqlite3"))
    assert run(fresh, since="all").processed == 30


def test_dry_run_lists_new_entries_and_writes_nothing(site, tmp_path):
    config = site.write_config(tmp_path / "config.toml")
    result = cli("--config", str(config), "--dry-run")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 30 and all(line.count("\t") == 3 for line in lines)
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "state.sqlite3").exists()


def test_cli_exit_code_6_and_failure_summary_without_traceback(site, tmp_path, http_server):
    extra = f'\n[[sources]]\nname = "Homepage"\nurl = "{http_server.url("/not-a-feed.html")}"\n'
    result = cli("--config", str(site.write_config(tmp_path / "config.toml", extra_sources=extra)), "--dry-run")
    assert result.returncode == 6
    assert "Traceback" not in result.stderr
    assert "feed Homepage" in result.stderr and "not an RSS or Atom feed" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("newsum: error: 1 feed(s)/article(s) failed")


@pytest.mark.parametrize("config_text, args, named", [
    ('[[sources]]\nname = "A"\nurl = "https://a.example/f"\nlang = "da"\n', [], "'lang'"),
    ('[[sources]]\nname = "A"\n', [], "missing 'url'"),
    ('[digest]\nconcurency = 2\n[[sources]]\nname = "A"\nurl = "https://a.example/f"\n', [], "'concurency'"),
    ('[digest]\nopml = "missing.opml"\n', [], "OPML file not found"),
    ('[digest]\nformats = ["md", "pdf"]\n[[sources]]\nname = "A"\nurl = "https://a.example/f"\n', [], "'pdf'"),
    ('[[sources]]\nname = "A"\nurl = "https://a.example/f"\n', ["--since", "5x"], "--since"),
    ('[[sources]]\nname = "A"\nurl = "https://a.example/f"\n', ["--group-by", "colour"], "--group-by"),
    ("", [], "no feeds configured"),
])
def test_bad_config_is_one_line_with_exit_2(tmp_path, config_text, args, named):
    config = tmp_path / "config.toml"
    config.write_text(config_text, encoding="utf-8")
    result = cli("--config", str(config), *args)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert named in result.stderr and "Traceback" not in result.stderr


def test_opml_sources(site, tmp_path):
    opml = tmp_path / "feeds.opml"
    outlines = "".join(f'<outline text="{n}" xmlUrl="{site.feed_url(k)}"/>' for k, n, _, _ in site.FEEDS)
    opml.write_text(f'<opml version="2.0"><body>{outlines}</body></opml>', encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text('[digest]\nopml = "feeds.opml"\nhost_delay = 0\noutput = "out"\n', encoding="utf-8")
    assert run(config).processed == 30
    assert (tmp_path / "out").is_dir()


@pytest.mark.model
def test_real_pipeline_and_model(http_server, tmp_path):
    """Two real articles (English, Danish) through fetch, clean, tickers, claims and the default model."""
    site = DigestSite(http_server, per_feed=1)
    outcome = run(site.write_config(tmp_path / "config.toml", feeds="ab"), analyse=None)
    assert outcome.processed == 2 and outcome.failures == []
    doc = json.loads(outcome.documents[-1].read_text(encoding="utf-8"))
    for a in doc["articles"]:
        assert a["summary"]["en"].strip() and a["summary"]["da"].strip()
        assert a["model"] and a["model"] != "fake"
        assert isinstance(a["tickers"], list) and isinstance(a["claims"], list)


def test_a_second_run_at_the_same_time_is_refused(site, tmp_path):
    import fcntl

    config = site.write_config(tmp_path / "config.toml")
    with open(tmp_path / "state.sqlite3.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.write("2026-12-01T05:30:00+00:00 by process 4242\n")
        held.flush()
        with pytest.raises(DigestError, match=r"still running .*started 2026-12-01T05:30:00\+00:00 by process 4242"):
            run(config)
    assert run(config).processed == 30  # the lock went with the other run
    assert "by process" in (tmp_path / "state.sqlite3.lock").read_text()  # this run said when it started


def test_progress_bar_on_a_terminal_plain_lines_otherwise():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    for stream in (io.StringIO(), Terminal()):
        progress = TerminalProgress(stream)
        with progress.articles(2) as step:
            step("done: first")
            step("done: second")
        out = stream.getvalue()
        assert "done: second" in out
        if isinstance(stream, Terminal):
            assert "2/2" in out  # rich's bar, counting
        else:
            assert out.splitlines() == ["newsum digest: done: first", "newsum digest: done: second"]


def test_a_second_digest_in_the_same_minute_does_not_overwrite_the_first(tmp_path):
    now = datetime(2026, 11, 26, 5, 30, tzinfo=timezone.utc)
    doc = digest.build_document([], now=now, since="24h", group_by="source", failures=[])
    first = digest.write_documents(doc, tmp_path, ["md", "json"], now)
    second = digest.write_documents(doc, tmp_path, ["md", "json"], now)
    assert [p.name for p in first] == ["digest-2026-11-26-0530.md", "digest-2026-11-26-0530.json"]
    assert [p.name for p in second] == ["digest-2026-11-26-0530-2.md", "digest-2026-11-26-0530-2.json"]
    assert not list(tmp_path.glob("*.part"))


def test_model_concurrency_analyses_articles_side_by_side_and_still_finds_copies(site, tmp_path):
    from functools import partial

    original = next(it for it in site.items["a"] if it["guid"].endswith(":a-story-1"))
    site.add_item("c", "us-small-caps-zerohedge", "US: Small caps halter efter S&P 500 (Zerohedge)",
                  "Fra Zerohedge:\n" + original["body"], datetime.now(timezone.utc), chrome=OEU_CHROME)
    site.publish("c")
    config = site.write_config(tmp_path / "config.toml")
    # a model server (never called: the fake analyser stands in for it) takes four articles at once
    config.write_text('model = "http://127.0.0.1:9/v1"\n' + config.read_text(encoding="utf-8"), encoding="utf-8")
    import threading

    running, most, lock = 0, 0, threading.Lock()
    slow = partial(fake_analyse, seconds=0.3)

    def analyse(article):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            return slow(article)
        finally:
            with lock:
                running -= 1

    outcome = run(config, analyse=analyse)
    # 31 articles, one a copy: 30 stored (the copy, when analysed beside its original, is found at commit)
    assert (outcome.processed, outcome.duplicates, outcome.failures) == (30, 1, [])
    assert most == 4
    with Store(tmp_path / "state.sqlite3") as store:
        assert store.counts() == {"done": 30, "duplicate": 1}


def test_model_concurrency_is_4_for_a_server_1_in_process_and_always_1_for_transformers(tmp_path):
    from summarizer.digest.options import load_options

    base = {"sources": [{"name": "a", "url": "https://example.com/feed"}]}
    options = load_options(base, config_path=tmp_path / "c.toml")
    assert options.model_concurrency == 1
    # the in-process llama.cpp model merges the calls of the articles in flight when asked (models/gather.py)
    assert load_options({**base, "model_concurrency": 3}, config_path=tmp_path / "c.toml").model_concurrency == 3
    # a transformers model's generate() is neither shared nor merged: one article at a time whatever is asked
    assert load_options({**base, "model_concurrency": 3}, config_path=tmp_path / "c.toml",
                        model="qwen2.5-7b-instruct").model_concurrency == 1
    assert load_options(base, config_path=tmp_path / "c.toml", model="http://127.0.0.1:8080/v1").model_concurrency == 4
    assert load_options({**base, "model_concurrency": 2}, config_path=tmp_path / "c.toml",
                        model="http://127.0.0.1:8080/v1").model_concurrency == 2
