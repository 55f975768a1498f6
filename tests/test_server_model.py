"""Models on a server: the OpenAI-compatible backend against a stub on 127.0.0.1 (busy answers, a refused
key, a missing model) and against a real llama.cpp server serving the packaged GGUF (marked `model`)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from conftest import REPO, SAMPLES, Reply
from test_hostile import newsum, one_line_error

from summarizer.errors import ModelError
from summarizer.models import load_model
from summarizer.models.openai_server import ServerModel

KEY = "sk-test-6f1d2c3b4a5e-never-shown"


def _models(*ids: str, **extra) -> Reply:
    return Reply(200, json.dumps({"object": "list", "data": [{"id": i, "object": "model", **extra} for i in ids]}).encode(),
                 {"Content-Type": "application/json"})


def _completion(text: str) -> Reply:
    body = {"choices": [{"message": {"role": "assistant", "content": text}}],
            "usage": {"prompt_tokens": 12, "completion_tokens": 5}}
    return Reply(200, json.dumps(body).encode(), {"Content-Type": "application/json"})


def test_chat_sends_the_key_in_the_header_only_and_reads_the_answer(http_server, monkeypatch):
    monkeypatch.setenv("NEWSUM_API_KEY", KEY)
    http_server.route("/v1/models", _models("qwen", max_model_len=8192))
    http_server.route("/v1/chat/completions", _completion("Aktien steg 2 pct."))
    model = ServerModel(http_server.url("/v1"))
    out = model.chat([{"role": "user", "content": "Oversæt: The shares rose 2%."}], max_tokens=20)
    assert out.text == "Aktien steg 2 pct." and out.prompt_tokens == 12 and out.completion_tokens == 5
    assert model.n_ctx == 8192 and model.model_name == "qwen"
    sent = json.loads(http_server.bodies[-1])
    assert sent["model"] == "qwen" and sent["max_tokens"] == 20 and sent["stream"] is False
    method, path, headers = http_server.requests[-1]
    assert (method, path) == ("POST", "/v1/chat/completions") and headers["Authorization"] == f"Bearer {KEY}"
    assert KEY not in model.name and KEY not in json.dumps(sent)


def test_busy_answers_are_retried_honouring_retry_after(http_server):
    http_server.route("/v1/models", _models("qwen"))
    answers = [Reply(429, b'{"error": "busy"}', {"Retry-After": "0.2"}), Reply(503, b"", {"Retry-After": "0"}),
               _completion("ok")]

    def completions(handler):
        return answers.pop(0)

    http_server.route("/v1/chat/completions", completions)
    model = ServerModel(http_server.url("/v1"))
    began = time.monotonic()
    assert model.chat([{"role": "user", "content": "hi"}]).text == "ok"
    assert time.monotonic() - began >= 0.2 and http_server.hits("/v1/chat/completions") == 3


def test_chat_many_sends_conversations_side_by_side(http_server):
    http_server.route("/v1/models", _models("qwen"))

    def slow(handler):
        time.sleep(0.5)
        return _completion("ok")

    http_server.route("/v1/chat/completions", slow)
    model = ServerModel(http_server.url("/v1"), concurrency=4)
    began = time.monotonic()
    out = model.chat_many([[{"role": "user", "content": str(i)}] for i in range(4)], max_tokens=[5, 6, 7, 8])
    assert [g.text for g in out] == ["ok"] * 4
    assert time.monotonic() - began < 1.5  # four half-second answers at once, not one after another
    assert sorted(json.loads(b)["max_tokens"] for b in http_server.bodies) == [5, 6, 7, 8]


@pytest.mark.parametrize(
    "routes, spec_name, message",
    [
        ({"/v1/models": Reply(401, b'{"error": "bad key"}')}, None, "refused the API key (HTTP 401)"),
        ({"/v1/models": _models("qwen", "llama")}, None, "serves 2 models (qwen, llama)"),
        ({"/v1/models": _models("qwen")}, "gpt-9", "has no model 'gpt-9'; it serves: qwen"),
    ],
)
def test_a_server_that_refuses_fails_with_a_model_error(http_server, monkeypatch, routes, spec_name, message):
    monkeypatch.setenv("NEWSUM_API_KEY", KEY)
    for path, reply in routes.items():
        http_server.route(path, reply)
    with pytest.raises(ModelError) as err:
        ServerModel(http_server.url("/v1"), model_name=spec_name)
    assert message in str(err.value) and KEY not in str(err.value)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_server_down_exits_5_with_one_line_within_seconds():
    url = f"http://127.0.0.1:{_free_port()}/v1"  # nothing listens there
    o = newsum(str(SAMPLES / "oeu-zerohedge-smallcap.html"), "--model", url, timeout=30)
    one_line_error(o, 5, "cannot reach the model server at http://127.0.0.1")
    assert o.seconds < 10 and o.stdout == ""


def test_the_key_never_reaches_output_logs_or_cache(http_server, tmp_path):
    http_server.route("/v1/models", _models("qwen"))
    http_server.route("/v1/chat/completions", _completion("The Russell 2000 has lagged the S&P 500."))
    cache = tmp_path / "cache"
    env = {"NEWSUM_API_KEY": KEY, "XDG_CACHE_HOME": str(cache)}
    o = newsum(str(SAMPLES / "oeu-zerohedge-smallcap.html"), "--model", http_server.url("/v1"), "--format", "json",
               env=env, timeout=120)
    assert o.code == 0, o.stderr
    assert http_server.requests[-1][2]["Authorization"] == f"Bearer {KEY}"  # it was used
    cached = [p for p in cache.rglob("*") if p.is_file()]
    assert cached  # the model's answers were cached, so the search below searched something
    for path in cached:
        assert KEY.encode() not in path.read_bytes(), path
    assert KEY not in o.stdout + o.stderr
    # a refused key: the one-line error names the variable, never the key (also with --debug)
    http_server.route("/v1/models", Reply(401, b"{}"))
    o = newsum(str(SAMPLES / "oeu-zerohedge-smallcap.html"), "--model", http_server.url("/v1"), "--debug", env=env)
    assert o.code == 5 and KEY not in o.stdout + o.stderr


def test_config_names_the_server_model_and_the_key_variable(http_server, monkeypatch):
    monkeypatch.setenv("MY_SERVER_KEY", KEY)
    http_server.route("/v1/models", _models("qwen", "llama"))
    model = load_model(None, config={"model": http_server.url("/v1"), "model_name": "llama", "api_key_env": "MY_SERVER_KEY",
                                     "model_concurrency": 2})
    assert model.model_name == "llama" and model.concurrency == 2
    assert http_server.requests[-1][2]["Authorization"] == f"Bearer {KEY}"


# ------------------------------------------------------------------ a real llama.cpp server


@pytest.fixture(scope="module")
def llama_server(joined_model_dir):
    """`python -m llama_cpp.server` serving the packaged GGUF on 127.0.0.1, started and stopped here."""
    pytest.importorskip("llama_cpp.server", reason="pip install 'llama-cpp-python[server]' (in the [test] extra)")
    gguf = next(Path(joined_model_dir).glob("*.gguf"))
    port = _free_port()
    log = open(Path(joined_model_dir).parent / f"llama-server-{port}.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--model_alias", "qwen2.5-coder-1.5b",
         "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--n_threads", str(os.cpu_count() or 2)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"llama_cpp.server exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("llama_cpp.server did not answer in 120 s")
    yield url, proc
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


@pytest.mark.model
def test_the_sample_through_a_real_llama_cpp_server(llama_server):
    url, _ = llama_server
    o = newsum(str(SAMPLES / "oeu-zerohedge-smallcap.html"), "--model", url, "--format", "json", timeout=600)
    assert o.code == 0, o.stderr
    data = json.loads(o.stdout)
    assert data["model"] == f"qwen2.5-coder-1.5b@{url.rsplit('/v1', 1)[0]}"
    assert data["summary"]["en"] and data["summary"]["da"] and isinstance(data["grounded"], bool)
    assert data["grounded"] or data["grounding_issues"]  # grounded, or flagged with its reasons
    # the same JSON shape as the in-process model's
    from summarizer.schema import report_schema

    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(data, report_schema())


@pytest.mark.model
def test_a_wrong_model_name_on_the_real_server_exits_5(llama_server):
    url, _ = llama_server
    o = newsum(str(SAMPLES / "oeu-zerohedge-smallcap.html"), "--model", url, "--model-name", "gpt-9", timeout=60)
    one_line_error(o, 5, "has no model 'gpt-9'; it serves: qwen2.5-coder-1.5b")


@pytest.mark.model
def test_a_server_killed_mid_run_exits_5_and_writes_nothing(llama_server, tmp_path):
    url, proc = llama_server
    child = subprocess.Popen([sys.executable, "-m", "summarizer.cli", str(SAMPLES / "northgate-en.html"), "--model", url,
                              "--format", "json"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env={**os.environ, "NEWSUM_NO_LLM_CACHE": "1"})
    time.sleep(8)  # the model is generating by now
    proc.kill()
    proc.wait(timeout=30)
    out, err = child.communicate(timeout=120)
    assert child.returncode == 5 and out == b"", err
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsum: error: ") and "model server" in lines[0]


def test_models_lists_a_configured_server_and_what_it_serves(http_server, tmp_path):
    http_server.route("/v1/models", _models("qwen", "llama"))
    config = tmp_path / "config.toml"
    config.write_text(f'model = "{http_server.url("/v1")}"\nmodel_name = "llama"\n', encoding="utf-8")
    o = newsum("models", "--config", str(config), env={"NEWSUM_API_KEY": KEY})
    assert o.code == 0, o.stderr
    assert "serves: qwen, llama" in o.stdout and "uses: llama" in o.stdout and KEY not in o.stdout
