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
