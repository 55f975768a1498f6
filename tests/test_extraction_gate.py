"""Extraction quality gate (like trafilatura's evaluation in CI): finance-dev may not get worse.

The recorded baseline is bench/baseline.json, written by `python bench/extraction.py --write-baseline`.
Only finance-dev runs here (12 pages, about a second); the Zyte figures are in BENCHMARKS.md.
The golden sample outputs are checked in tests/test_clean.py.
"""

from __future__ import annotations

import importlib.util
import json

import pytest
from conftest import REPO, SHARED

FINANCE_DEV = SHARED / "bench" / "finance-dev"
pytestmark = pytest.mark.skipif(
    not (FINANCE_DEV / "ground-truth.json").exists() or not (SHARED / "bench" / "score_extraction.py").exists(),
    reason=f"shared benchmark data not found at {SHARED}/bench (CI clones the repo next to a copy of shared/)",
)


def _bench():
    spec = importlib.util.spec_from_file_location("newsum_bench_extraction", REPO / "bench" / "extraction.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_finance_dev_does_not_fall_below_the_baseline():
    bench = _bench()
    baseline = json.loads((REPO / "bench" / "baseline.json").read_text("utf-8"))["finance-dev"]
    result = bench.score(bench.load_scorer(), "finance-dev", bench.EXTRACTORS["newsum"], "newsum")
    assert result["errors"] == 0 and result["empty"] == 0
    assert result["without_leaked"] <= baseline["without_leaked"], "boilerplate leaks rose above the recorded baseline"
    assert result["with_found"] >= baseline["with_found"], "must-keep snippets lost against the recorded baseline"
    assert result["f1"] >= baseline["f1"] - 0.005


def test_the_gate_can_fail():
    """The scorer sees leaks: an extractor that keeps everything leaks on finance-dev."""
    bench = _bench()
    result = bench.score(bench.load_scorer(), "finance-dev", "extraction:trafilatura_default", "trafilatura")
    baseline = json.loads((REPO / "bench" / "baseline.json").read_text("utf-8"))["finance-dev"]
    assert result["without_leaked"] > baseline["without_leaked"]
