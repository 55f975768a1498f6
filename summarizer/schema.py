"""The JSON Schema (draft 2020-12) of a Report's JSON, generated from the dataclasses in values.py.

Every output that carries a report uses this one shape: `newsum SOURCE --format json`, the results the
digest stores, and each article of the digest's JSON. `newsum schema` prints it.
"""

from __future__ import annotations

import dataclasses
import types
import typing

from summarizer.values import (
    ARTICLE_KEYS,
    SCHEMA_VERSION,
    SUMMARY_KEYS,
    Article,
    Claim,
    KeyFact,
    Summary,
    TickerHit,
)

_SCALARS = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null"}


def _schema_of(tp) -> dict:
    """The JSON Schema of a Python type hint: scalars, optionals, lists, dicts and dataclasses."""
    if tp in _SCALARS:
        return {"type": _SCALARS[tp]} if tp is not float else {"type": "number"}
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_schema_of(a) for a in typing.get_args(tp)]}
    if origin is list:
        (item,) = typing.get_args(tp)
        return {"type": "array", "items": _schema_of(item)}
    if origin is dict:
        _, value = typing.get_args(tp)
        return {"type": "object", "additionalProperties": _schema_of(value)}
    if dataclasses.is_dataclass(tp):
        return _object(tp, [f.name for f in dataclasses.fields(tp)])
    raise TypeError(f"no JSON Schema for {tp!r}")


def _object(cls, keys) -> dict:
    hints = typing.get_type_hints(cls)
    props = {k: _schema_of(hints[k]) for k in keys if k in hints}
    return {"type": "object", "properties": props, "required": list(props)}


def _ticker_schema() -> dict:
    schema = _schema_of(TickerHit)
    schema["properties"]["role"] = {
        "enum": ["subject", "source"],
        "description": "subject: the article is about it; source: a bank, broker or data provider quoted as analyst "
                       "or publisher (added in 1.1; absent in reports stored before, where every ticker was a subject)",
    }
    schema["required"] = [k for k in schema["required"] if k != "role"]
    return schema


def report_schema() -> dict:
    article = _object(Article, ARTICLE_KEYS)
    article["properties"]["text"] = {"type": "string", "description": "paragraphs joined by blank lines; offsets index it"}
    summary = _object(Summary, SUMMARY_KEYS)
    properties = {
        "schema_version": {"const": SCHEMA_VERSION},
        **article["properties"],
        "summary": {"type": "object", "properties": {"en": {"type": "string"}, "da": {"type": "string"}},
                    "required": ["en", "da"]},
        **summary["properties"],
        "tickers": {"type": "array", "items": _ticker_schema()},
        "claims": {"type": "array", "items": _schema_of(Claim)},
        "key_facts": {"type": "array", "items": _schema_of(KeyFact), "maxItems": 5},
        "notes": {"type": "array", "items": {"type": "string"},
                  "description": "what was left undone, e.g. a stage that ran out of its time budget"},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "newsum report",
        "description": "What newsum says about one article. Keys are added in later versions, never renamed.",
        "type": "object",
        "properties": properties,
        "required": ["schema_version", *ARTICLE_KEYS],
        # a summary comes with all of its keys or none of them
        "dependentRequired": {"summary": list(SUMMARY_KEYS)},
    }


def digest_schema() -> dict:
    """The digest's JSON file: each article is a report (its clean text left in the store) plus where it
    came from and how the run saw it."""
    report = report_schema()
    article = {
        "type": "object",
        "properties": {
            **report["properties"],
            # results stored before the shape was versioned say "0": the same keys, no version field
            "schema_version": {"type": "string"},
            "entry_id": {"type": "integer"},
            "guid": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "source": {"type": "string", "description": "the feed's name in the config"},
            "link": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "flags": {"type": "array", "items": {"enum": ["ungrounded", "paywalled", "truncated", "no-summary"]}},
            "ticker_summary": {"type": "array", "items": {"type": "object", "properties": {
                "symbol": {"type": "string"}, "name": {"type": "string"}, "mentions": {"type": "integer"}},
                "required": ["symbol", "name", "mentions"]}},
            "stage_seconds": {"type": "object", "additionalProperties": {"type": "number"}},
        },
        "required": [k for k in report["required"] if k != "text"] + ["entry_id", "source", "link", "flags"],
        "dependentRequired": report["dependentRequired"],
    }
    ranked = {"type": "object", "properties": {"symbol": {"type": "string"}, "name": {"type": "string"},
                                               "articles": {"type": "integer"}, "mentions": {"type": "integer"}}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "newsum digest",
        "type": "object",
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "generated_at": {"type": "string"},
            "since": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "group_by": {"enum": ["source", "ticker"]},
            "top_tickers": {"type": "array", "items": ranked},
            "articles": {"type": "array", "items": article},
            "failures": {"type": "array", "items": {"type": "object", "properties": {
                "what": {"type": "string"}, "error": {"type": "string"}}, "required": ["what", "error"]}},
        },
        "required": ["schema_version", "generated_at", "group_by", "articles", "failures"],
    }
