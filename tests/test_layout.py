"""The house rules of the layout: stage packages with one entry point each, no import cycle (lazy
imports included), no module over 400 lines, only the CLI prints, a public API."""

from __future__ import annotations

import ast
import re

import pytest
from conftest import REPO

import summarizer

PACKAGE = REPO / "summarizer"
STAGES = {"fetch": "read_source", "clean": "clean", "facts": "find_facts", "summary": "summarize",
          "models": "load_model", "digest": "run_from_config"}


def modules() -> dict[str, object]:
    out = {}
    for f in PACKAGE.rglob("*.py"):
        parts = f.relative_to(REPO).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = f
    return out


def import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports anywhere in its body (a lazy import inside a function
    counts: it runs sooner or later)."""
    mods = modules()
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base for a in node.names]
            else:
                continue
            for target in targets:
                while target and target not in mods:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt, path + [nxt])
                if found:
                    return found
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node, [node])
            if found:
                return found
    return None


def test_no_import_cycle_lazy_imports_included():
    assert find_cycle(import_graph()) is None


def test_the_cycle_finder_finds_a_planted_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}
    assert find_cycle(graph) == ["a", "b", "c", "a"]


def test_no_module_over_400_lines():
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in modules().items()}
    assert {n: s for n, s in sizes.items() if s > 400} == {}


def test_only_the_cli_prints():
    printing = re.compile(r"(?<![\w.])print\(|typer\.echo|sys\.std(?:out|err)\.write|console\.print")
    offenders = [n for n, p in modules().items() if n != "summarizer.cli" and printing.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_no_module_is_named_after_a_stdlib_module():
    import sys

    leaves = {name.rpartition(".")[2] for name in modules()}
    assert sorted(leaves & set(sys.stdlib_module_names)) == []


@pytest.mark.parametrize("stage,entry", sorted(STAGES.items()))
def test_every_stage_is_a_package_exposing_its_entry_point(stage, entry):
    import importlib

    package = importlib.import_module(f"summarizer.{stage}")
    assert (PACKAGE / stage / "__init__.py").is_file()
    assert callable(getattr(package, entry)) and entry in package.__all__
    assert not [n for n in package.__all__ if n.startswith("_")]  # no private names re-exported


def test_public_api():
    for name in ("read", "clean_html", "extract_text", "analyse", "analyse_html", "load_model"):
        assert callable(getattr(summarizer, name))
    article = summarizer.clean_html((REPO / "samples/northgate-en.html").read_text(encoding="utf-8"))
    assert article.paragraphs and summarizer.extract_text((REPO / "samples/northgate-en.html").read_bytes())
    report = summarizer.analyse(article, summarize=False)
    assert report.summary is None and report.tickers is not None and '"schema_version"' in report.to_json()
