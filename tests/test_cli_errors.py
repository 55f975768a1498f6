"""Bad input on the command line: the exact exit code, and one line on stderr with no traceback.

Every case runs twice: through typer's CliRunner on the app object, and as a real subprocess
(`python -m summarizer.cli`), because the runner cannot show what a user's terminal would.
--clean-only keeps the model out of it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import dataclass

import pytest
from conftest import REPO, Reply
from typer.testing import CliRunner

from summarizer.cli import app


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str


def run_in_process(args: list[str], stdin: bytes | None = None) -> Run:
    result = CliRunner().invoke(app, args, input=stdin)
    return Run(result.exit_code, result.stdout, result.stderr)


def run_subprocess(args: list[str], stdin: bytes | None = None) -> Run:
    proc = subprocess.run([sys.executable, "-m", "summarizer.cli", *args], input=stdin, capture_output=True,
                          cwd=REPO, env=os.environ.copy(), timeout=120)
    return Run(proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"))


RUNNERS = [pytest.param(run_in_process, id="runner"), pytest.param(run_subprocess, id="subprocess")]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def assert_one_line_error(run: Run, exit_code: int, *, contains: str) -> None:
    assert run.exit_code == exit_code, (run.exit_code, run.stderr)
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("newsum: error: "), lines[0]
    assert contains in lines[0], lines[0]
    assert run.stdout == ""


@pytest.mark.parametrize("run", RUNNERS)
def test_dead_url_is_exit_3(run):
    port = closed_port()
    got = run([f"http://127.0.0.1:{port}/story.html", "--clean-only"])
    assert_one_line_error(got, 3, contains="could not connect to 127.0.0.1")


@pytest.mark.parametrize("run", RUNNERS)
def test_404_is_exit_3(run, http_server):
    url = http_server.route("/missing-story", Reply(404, b"<h1>Not here</h1>", {"Content-Type": "text/html"}))
    got = run([url, "--clean-only", "--format", "json"])
    assert_one_line_error(got, 3, contains=f"HTTP 404 Not Found for {url}")


@pytest.mark.parametrize("run", RUNNERS)
def test_file_url_is_refused(run):
    got = run(["file:///etc/passwd", "--clean-only"])
    assert_one_line_error(got, 3, contains="refusing 'file:///etc/passwd': only http:// and https:// URLs are read")


@pytest.mark.parametrize("run", RUNNERS)
def test_missing_file_is_exit_3(run, tmp_path):
    got = run([str(tmp_path / "no-such-page.html"), "--clean-only"])
    assert_one_line_error(got, 3, contains="no such file:")


@pytest.fixture(scope="module")
def ten_mb_binary(tmp_path_factory):
    path = tmp_path_factory.mktemp("bin") / "download.html"
    path.write_bytes(os.urandom(10_000_000))
    return path


@pytest.mark.parametrize("run", RUNNERS)
def test_ten_mb_binary_file_is_exit_4(run, ten_mb_binary):
    # Documented in fetch.py: binary is reported as such (4), before the size cap (3) applies.
    got = run([str(ten_mb_binary), "--clean-only"])
    assert_one_line_error(got, 4, contains="is a binary file, not a web page or text")


@pytest.mark.parametrize("run", RUNNERS)
def test_empty_file_is_exit_4(run, tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    got = run([str(empty), "--clean-only"])
    assert_one_line_error(got, 4, contains="is empty")


@pytest.mark.parametrize("run", RUNNERS)
def test_empty_stdin_is_exit_4(run):
    got = run(["-", "--clean-only"], stdin=b"")
    assert_one_line_error(got, 4, contains="standard input is empty")


@pytest.mark.parametrize("run", RUNNERS)
def test_unknown_option_is_usage_error_exit_2(run, tmp_path):
    got = run(["page.html", "--no-such-option"])
    assert got.exit_code == 2
    assert "No such option" in got.stderr and "--no-such-option" in got.stderr
    assert "Traceback" not in got.stderr


@pytest.mark.parametrize("run", RUNNERS)
def test_debug_shows_the_traceback(run):
    got = run(["file:///etc/passwd", "--clean-only", "--debug"])
    assert got.exit_code == 3
    assert "Traceback (most recent call last)" in got.stderr
    assert "FetchError" in got.stderr
    assert got.stderr.rstrip().splitlines()[-1].startswith("newsum: error: refusing")


def test_llm_extract_with_a_translator_only_model_is_a_model_error(monkeypatch):
    """`--model opus-mt --llm-extract`: the claims pass needs a chat model; exit 5 with one line."""
    import summarizer.models
    from summarizer.models.base import Generation, Translator, TranslatorPair

    class Echo(Translator):
        def __init__(self, src, tgt):
            self.name, self.source_language, self.target_language = f"echo-{src}-{tgt}", src, tgt

        def translate(self, texts, *, max_tokens=256):
            return [Generation(t, 1, 1, 0.0) for t in texts]

    pair = TranslatorPair("opus-mt", da_en=Echo("da", "en"), en_da=Echo("en", "da"))
    monkeypatch.setattr(summarizer.models, "load_model", lambda spec, config=None: pair)
    run = run_in_process([str(REPO / "samples/northgate-en.html"), "--model", "opus-mt", "--llm-extract"])
    assert_one_line_error(run, 5, contains="--llm-extract needs a chat model")
    # without --llm-extract the same model summarizes (extractive summary, translated)
    ok = run_in_process([str(REPO / "samples/northgate-en.html"), "--model", "opus-mt", "--format", "json"])
    assert ok.exit_code == 0 and '"model": "opus-mt"' in ok.stdout
