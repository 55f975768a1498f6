"""Model plumbing: joining the packaged GGUF from part packages, spec resolution, `newsum models`,
and (marked `model`) the real default model answering deterministically."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.errors import ModelError
from summarizer.models import load_model, packaged, registry
from summarizer.models.packaged import (
    PackagedGGUF,
    ensure_joined,
    find_parts,
    is_verified,
    joined_path,
)
from summarizer.settings import Settings

PREFIX = "newsumtest_fake_part"


def make_parts(root: Path, chunks: list[bytes], *, sha: str | None = None) -> PackagedGGUF:
    """Fake part packages laid out like the real wheels: <prefix><i>/__init__.py and data/part<ii>.bin."""
    for i, data in enumerate(chunks, 1):
        pkg = root / f"{PREFIX}{i}"
        (pkg / "data").mkdir(parents=True)
        (pkg / "__init__.py").write_text("")
        (pkg / "data" / f"part{i:02d}.bin").write_bytes(data)
    digest = sha or hashlib.sha256(b"".join(chunks)).hexdigest()
    return PackagedGGUF(file_name="fake.gguf", package_prefix=PREFIX, parts=len(chunks), sha256=digest)


# 12 parts so that a lexical sort (part10 before part2) would give a different file.
CHUNKS = [f"chunk-{i}|".encode() * (i + 1) for i in range(1, 13)]


def test_join_follows_part_numbers_and_verifies(tmp_path):
    fake = make_parts(tmp_path / "site", CHUNKS)
    out = tmp_path / "models"
    path = ensure_joined(fake, directory=out, search_path=[str(tmp_path / "site")])
    assert path == out / "fake.gguf"
    assert path.read_bytes() == b"".join(CHUNKS)
    assert is_verified(path, fake)
    assert sorted(p.name for p in out.iterdir()) == ["fake.gguf", "fake.gguf.verified.json"]  # no temp left


def test_wrong_sha_is_an_error_and_leaves_no_file(tmp_path):
    fake = make_parts(tmp_path / "site", CHUNKS, sha="0" * 64)
    out = tmp_path / "models"
    with pytest.raises(ModelError, match="reinstall"):
        ensure_joined(fake, directory=out, search_path=[str(tmp_path / "site")])
    assert list(out.iterdir()) == []


def test_missing_part_names_it_and_the_pip_command(tmp_path):
    fake = make_parts(tmp_path / "site", CHUNKS)
    (tmp_path / "site" / f"{PREFIX}3" / "data" / "part03.bin").unlink()
    for i in (7, 8, 9):
        (tmp_path / "site" / f"{PREFIX}{i}" / "__init__.py").unlink()
        (tmp_path / "site" / f"{PREFIX}{i}" / "data" / f"part{i:02d}.bin").unlink()
    with pytest.raises(ModelError) as err:
        ensure_joined(fake, directory=tmp_path / "models", search_path=[str(tmp_path / "site")])
    msg = str(err.value)
    assert "pip install 'newsum[model]'" in msg
    assert "parts 3, 7-9" in msg


def test_no_parts_at_all(tmp_path):
    fake = PackagedGGUF("fake.gguf", PREFIX, 22, "0" * 64)
    with pytest.raises(ModelError, match=r"all model part packages are missing; run: pip install 'newsum\[model\]'"):
        find_parts(fake, search_path=[str(tmp_path)])


def test_reuse_trusts_the_marker_until_size_or_mtime_change(tmp_path):
    site = tmp_path / "site"
    fake = make_parts(site, CHUNKS)
    out = tmp_path / "models"
    path = ensure_joined(fake, directory=out, search_path=[str(site)])
    st = path.stat()
    # Same size, same mtime, different bytes: a re-hash would notice, the marker check does not.
    tampered = b"X" + path.read_bytes()[1:]
    path.write_bytes(tampered)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert ensure_joined(fake, directory=out, search_path=["/nonexistent"]) == path  # parts not even needed
    assert path.read_bytes() == tampered
    # A changed mtime makes it hash again, find the damage and join afresh.
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert not is_verified(path, fake)
    ensure_joined(fake, directory=out, search_path=[str(site)])
    assert path.read_bytes() == b"".join(CHUNKS)
    assert is_verified(path, fake)


def test_existing_good_file_without_marker_is_hashed_once_and_kept(tmp_path):
    fake = make_parts(tmp_path / "site", CHUNKS)
    out = tmp_path / "models"
    out.mkdir()
    (out / "fake.gguf").write_bytes(b"".join(CHUNKS))
    assert ensure_joined(fake, directory=out, search_path=["/nonexistent"]) == out / "fake.gguf"
    assert is_verified(out / "fake.gguf", fake)


def test_model_dir_env_and_default_cache(tmp_path, monkeypatch):
    monkeypatch.delenv("NEWSUM_MODEL_DIR", raising=False)
    assert joined_path() == tmp_path / "xdg_cache_home" / "newsum" / "models" / packaged.DEFAULT_GGUF.file_name
    monkeypatch.setenv("NEWSUM_MODEL_DIR", str(tmp_path / "elsewhere"))
    assert joined_path() == tmp_path / "elsewhere" / packaged.DEFAULT_GGUF.file_name


# --- spec resolution -------------------------------------------------------------------------------


def test_none_means_config_then_default_preset():
    assert registry.resolve_spec(None).name == registry.DEFAULT_PRESET
    r = registry.resolve_spec(None, {"model": "opus-mt"})
    assert (r.source, r.backend, r.preset.kind) == ("preset", "transformers", "translators")
    assert registry.resolve_spec("opus-mt", {"model": "qwen2.5-coder-1.5b"}).name == "opus-mt"  # --model wins
    with pytest.raises(ModelError, match="must be a string"):
        registry.resolve_spec(None, {"model": 3})


def test_gguf_path_and_folders(tmp_path):
    gguf = tmp_path / "My-Model.Q4.gguf"
    gguf.write_bytes(b"GGUF")
    r = registry.resolve_spec(str(gguf))
    assert (r.source, r.backend, r.path, r.name) == ("gguf", "llama.cpp", gguf, "my-model.q4")
    with pytest.raises(ModelError, match="GGUF model file not found"):
        registry.resolve_spec(str(tmp_path / "missing.gguf"))
    ckpt = tmp_path / "ckpt"
    ckpt.mkdir()
    with pytest.raises(ModelError, match="without config.json"):
        registry.resolve_spec(str(ckpt))
    (ckpt / "config.json").write_text("{}")
    r = registry.resolve_spec(str(ckpt))
    assert (r.source, r.backend, r.path) == ("folder", "transformers", ckpt)
    other = tmp_path / "notes.txt"
    other.write_text("x")
    with pytest.raises(ModelError, match="not a .gguf"):
        registry.resolve_spec(str(other))


def test_unknown_name_lists_presets():
    with pytest.raises(ModelError, match="unknown model 'gpt-99'.*qwen2.5-coder-1.5b"):
        registry.resolve_spec("gpt-99")


def test_hf_id_without_cache_fails_fast_with_the_download_command(tmp_path, monkeypatch):
    pytest.importorskip("huggingface_hub", reason="installed with the [hf] extra (transformers)")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-hf-cache"))
    started = time.monotonic()
    with pytest.raises(ModelError, match=r"hf download Helsinki-NLP/opus-mt-da-en, then rerun"):
        load_model("Helsinki-NLP/opus-mt-da-en")
    with pytest.raises(ModelError, match=r"hf download Helsinki-NLP/opus-mt-da-en"):
        load_model("opus-mt")
    assert time.monotonic() - started < 10


def test_settings_from_defaults_config_and_environment():
    assert Settings.from_config({}, env={}).threads == len(os.sched_getaffinity(0))
    assert Settings.from_config({"threads": 1}, env={}).threads == 1
    assert Settings.from_config({"threads": 1}, env={"NEWSUM_THREADS": "3"}).threads == 3  # the environment wins
    with pytest.raises(ModelError, match="whole number"):
        Settings.from_config({}, env={"NEWSUM_THREADS": "many"})
    with pytest.raises(ModelError, match="n_ctx"):
        Settings.from_config({"n_ctx": -1}, env={})
    plain = Settings.from_config({"n_ctx": 2048, "draft_tokens": 0}, env={"NEWSUM_NO_LLM_CACHE": "1"})
    assert (plain.n_ctx, plain.draft_tokens, plain.llm_cache, plain.kv_files) == (2048, 0, False, True)
    assert plain.but(kv_files=False).kv_files is False and plain.kv_files is True


def test_missing_default_parts_through_load_model(monkeypatch):
    """load_model(None) with no parts installed: the pip hint, not a traceback (fake prefix, real finder)."""
    fake = PackagedGGUF("absent.gguf", PREFIX + "_absent", 22, "0" * 64)
    preset = registry.PRESETS[registry.DEFAULT_PRESET]
    monkeypatch.setitem(registry.PRESETS, registry.DEFAULT_PRESET, registry.Preset(
        preset.name, preset.description, preset.backend, preset.kind, packaged=fake))
    with pytest.raises(ModelError, match=r"pip install 'newsum\[model\]'"):
        load_model(None)


# --- newsum models ---------------------------------------------------------------------------------


def test_models_command_lists_presets_and_marks_default(tmp_path):
    result = CliRunner().invoke(app, ["models"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    default = [ln for ln in lines if ln.startswith("* ")]
    assert len(default) == 1 and "qwen2.5-coder-1.5b" in default[0]
    assert any(ln.startswith("  opus-mt ") for ln in lines)
    assert "Helsinki-NLP/opus-mt-en-da" in result.stdout

    cfg = tmp_path / "c.toml"
    cfg.write_text('model = "opus-mt"\n')
    result = CliRunner().invoke(app, ["models", "--config", str(cfg)])
    assert result.exit_code == 0
    assert [ln for ln in result.stdout.splitlines() if ln.startswith("* ")][0].startswith("* opus-mt ")

    cfg.write_text(f'model = "{tmp_path / "nowhere.gguf"}"\n')
    result = CliRunner().invoke(app, ["models", "--config", str(cfg)])
    assert result.exit_code == 0
    assert "GGUF model file not found" in result.stdout


def test_models_command_bad_config_is_one_line_exit_2(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "summarizer.cli", "models", "--config", str(tmp_path / "missing.toml")],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "config file not found" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("spec, message", [
    ("/nowhere/model.gguf", "GGUF model file not found: /nowhere/model.gguf"),
    ("gpt-99", "unknown model 'gpt-99'"),
])
def test_read_with_a_bad_model_is_exit_5_one_line(tmp_path, spec, message):
    article = tmp_path / "a.txt"
    article.write_text("Aktien steg 4,2 pct. i dag, efter at selskabet hævede forventningerne til hele året.\n")
    proc = subprocess.run(
        [sys.executable, "-m", "summarizer.cli", "read", str(article), "--model", spec],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 5, proc.stderr
    assert proc.stderr.count("\n") == 1 and message in proc.stderr
    assert proc.stdout == ""


def test_listing_and_resolving_import_no_heavy_backend():
    code = (
        "import sys; from summarizer.models import describe_models, registry; describe_models(); "
        "registry.resolve_spec(None); print(sorted({'torch', 'transformers', 'llama_cpp'} & set(sys.modules)))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


# --- the real default model ------------------------------------------------------------------------


@pytest.mark.model
def test_default_model_answers_deterministically(default_model):
    assert default_model.kind == "chat"
    assert default_model.name == "qwen2.5-coder-1.5b-instruct-q4_k_m"
    messages = [{"role": "user", "content": "What is 17 + 25? Answer with the number only."}]
    first = default_model.chat(messages, max_tokens=8)
    second = default_model.chat(messages, max_tokens=8)
    assert "42" in first.text
    assert first.text == second.text
    assert 0 < first.completion_tokens <= 8
    # The chat template wraps the message (system prompt, role markers): more tokens than the text.
    assert first.prompt_tokens > default_model.count_tokens(messages[0]["content"]) + 5
    assert load_model(None) is default_model  # one model per process
    assert load_model(None, config={"threads": 1, "n_ctx": 4096}) is default_model


@pytest.mark.model
def test_default_model_stop_and_context_errors(default_model):
    g = default_model.chat([{"role": "user", "content": "Count from 1 to 10, separated by commas."}],
                           max_tokens=40, stop=["5"])
    assert "5" not in g.text and "4" in g.text
    with pytest.raises(ModelError, match="n_ctx"):
        default_model.chat([{"role": "user", "content": "word " * (default_model.n_ctx + 10)}], max_tokens=4)


def test_prompt_lookup_drafts_what_followed_the_latest_earlier_occurrence():
    from summarizer.models.llama_batch import _draft

    assert _draft([1, 2, 3, 4, 5, 9, 1, 2], 3) == [3, 4, 5]
    assert _draft([1, 2, 3, 1, 2, 7, 8, 1, 2], 3) == [7, 8, 1]  # the latest occurrence wins
    assert _draft([1, 2, 3, 4, 9, 3, 4], 3) == [9, 3, 4]  # may run on into the tokens just generated
    assert _draft([1, 2, 3, 4, 5, 9, 1, 2], 1) == [3] and _draft([1, 2, 3, 1, 2], 0) == []
    assert _draft([5, 6, 7], 3) == [] and _draft([1, 2], 3) == []
