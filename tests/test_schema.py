"""One versioned JSON shape: generated from values.py, valid for real outputs, in sync with the README."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
from conftest import REPO, SAMPLES
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.schema import digest_schema, report_schema
from summarizer.values import SCHEMA_VERSION

PAGES = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".html", ".txt"))


def validator(schema: dict) -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_newsum_schema_prints_the_generated_schema():
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0 and json.loads(result.stdout) == report_schema()
    result = CliRunner().invoke(app, ["schema", "--digest"])
    assert result.exit_code == 0 and json.loads(result.stdout) == digest_schema()


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_sample_json_validates(page):
    result = CliRunner().invoke(app, [str(page), "--clean-only", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    validator(report_schema()).validate(data)
    assert data["schema_version"] == SCHEMA_VERSION


def test_report_with_summary_tickers_and_claims_validates_and_a_broken_one_does_not():
    from summarizer.models.fake import FakeModel
    from summarizer.pipeline import analyse, load_article

    article = load_article(str(SAMPLES / "northgate-en.html"))
    model = FakeModel(respond=lambda messages: "Northgate's shares rose.", name="fake")
    data = analyse(article, model=model).to_dict()
    assert data["summary"] and data["tickers"] is not None and data["claims"]
    check = validator(report_schema())
    check.validate(data)
    broken = {**data, "claims": [{**data["claims"][0], "start": "0"}]}
    assert not check.is_valid(broken)  # offsets are integers
    assert not check.is_valid({k: v for k, v in data.items() if k != "grounded"})  # a summary comes whole


def test_readme_lists_every_key_of_the_schema():
    """The README's --format json paragraph names each top-level key and each ticker and claim field."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("`--format json`"):readme.index("### Exit codes")]
    named = {word for span in re.findall(r"`([^`]+)`", section) for word in re.findall(r"\w+", span)}
    named -= {"format", "json", "newsum", "schema", "digest", "summarizer", "values", "py"}  # the commands and file named there
    schema = report_schema()
    expected = set(schema["properties"])
    expected |= set(schema["properties"]["tickers"]["items"]["properties"])
    expected |= set(schema["properties"]["claims"]["items"]["properties"])
    expected |= set(schema["properties"]["claims"]["items"]["properties"]["numbers"]["items"]["properties"])
    expected |= set(schema["properties"]["key_facts"]["items"]["properties"])
    assert sorted(expected - named) == []
    assert sorted(named - expected - {"en", "da", "text"}) == []
