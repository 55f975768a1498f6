"""The HTML digest in headless Chromium: it renders, hostile article text stays text, and the page
makes no request of its own. Leaves a screenshot in test-artifacts/ for a human to look at."""

from __future__ import annotations

import html
import io
import os
import re
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import REPO, Reply
from digest_site import DigestSite, fake_analyse

from summarizer.cli import TerminalProgress
from summarizer.digest import run as digest
from summarizer.digest.render import render_html

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts"
HOSTILE_TITLE = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\"> Novo jumps"


@pytest.fixture(scope="module", autouse=True)
def need_chromium():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing (.ci/run installs it)")
        pytest.skip("needs Debian's chromium: apt-get install -y chromium")


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'chromium-profile'}", *args],
        capture_output=True, text=True, timeout=120,
    )


@pytest.fixture
def hostile_digest(http_server, tmp_path) -> Path:
    """A digest of a small site plus one article whose title and text try to run and fetch things."""
    site = DigestSite(http_server, per_feed=3)
    tracker = http_server.url("/tracker.png")
    body = (f'Markets <img src="{tracker}"> <script src="{http_server.url("/evil.js")}"></script> '
            "opened higher as Novo Nordisk shares rose 5 percent on Tuesday after the company raised its "
            "guidance for the year.\n" + site.items["a"][0]["body"])
    site.add_item("a", "hostile", HOSTILE_TITLE, body, datetime.now(timezone.utc))
    site.publish("a")
    config = site.write_config(tmp_path / "config.toml")
    outcome = digest.run_from_config(config_path=config, since=None, out=None, formats="html,md",
                                        group_by=None, dry_run=False, model_spec=None, analyse=fake_analyse,
                                        progress=TerminalProgress(io.StringIO()))
    (page,) = [p for p in outcome.documents if p.suffix == ".html"]
    return page


def test_hostile_title_is_text_and_no_script_runs(hostile_digest, tmp_path):
    result = chromium(tmp_path, "--dump-dom", hostile_digest.as_uri())
    dom = result.stdout
    assert "<main>" in dom, result.stderr[-2000:]
    title = re.search(r"<title>(.*?)</title>", dom, re.S).group(1)
    assert title.startswith("newsum digest") and "pwned" not in title
    # the markup shows as text, escaped, in the article heading and the summaries
    assert html.escape("<script>document.title='pwned'</script>", quote=False) in dom
    assert "&lt;img src=\"" in dom or "&lt;img src=" in dom
    assert not re.search(r"<(script|img|iframe|object|embed)\b", dom, re.I)


def test_no_outside_requests(hostile_digest, tmp_path, http_server):
    page = hostile_digest.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    # no resource the browser would load from anywhere: only <a href> may point to the web
    for tag in re.findall(r"<(?!a\s)[a-z]+\b[^>]*\b(?:src|href|srcset|action|data)\s*=[^>]*>", page, re.I):
        assert re.search(r"""=\s*["']?data:""", tag), tag
    assert not re.search(r"url\(", page)  # no CSS fetches either
    # served over HTTP, the page is the only thing the browser asks for
    http_server.route("/digest.html", Reply(200, page.encode(), {"Content-Type": "text/html; charset=utf-8"}))
    before = len(http_server.requests)
    result = chromium(tmp_path, "--dump-dom", http_server.url("/digest.html"))
    assert "<main>" in result.stdout
    assert [path for _, path, _ in http_server.requests[before:]] == ["/digest.html"]
    assert http_server.hits("/tracker.png") == 0 and http_server.hits("/evil.js") == 0


def test_screenshot_reads_like_a_newsletter(hostile_digest, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "digest.png"
    shot.unlink(missing_ok=True)
    result = chromium(tmp_path, "--hide-scrollbars", "--window-size=1280,3200", f"--screenshot={shot}",
                      hostile_digest.as_uri())
    assert shot.exists() and shot.stat().st_size > 20_000, result.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_only_http_links_are_clickable():
    doc = {"generated_at": "2026-11-26T05:30:00+00:00", "since": "24h", "group_by": "source", "top_tickers": [],
           "failures": [{"what": "feed <b>x</b>", "error": "<script>alert(1)</script>"}],
           "articles": [
               {"entry_id": 1, "source": "S", "title": "evil", "link": "javascript:alert(1)", "flags": [],
                "ticker_summary": [], "summary": None},
               {"entry_id": 2, "source": "S", "title": "quoted", "link": 'https://x.example/"onmouseover="alert(1)',
                "flags": ["paywalled"], "ticker_summary": [], "summary": None},
               {"entry_id": 3, "source": "S", "title": "fine", "link": "https://x.example/a?b=1&c=2", "flags": [],
                "ticker_summary": [], "summary": None},
           ]}
    page = render_html(doc)
    hrefs = re.findall(r'<a href="([^"]*)"', page)
    assert [h for h in hrefs if not h.startswith("#")] == ["https://x.example/a?b=1&amp;c=2"]
    assert "javascript:alert(1)" in page  # still shown, as text
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
