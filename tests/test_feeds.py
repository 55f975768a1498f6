"""Feeds: config validation, OPML, RSS/Atom normalisation, bozo feeds, conditional GET, selection."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from conftest import Reply

from summarizer.digest.feeds import (
    Entry,
    Source,
    load_opml,
    parse_feed,
    parse_source,
    read_feed,
    select_entries,
)
from summarizer.errors import UsageError

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link>
<item><title>Novo Nordisk raises outlook</title><link>/markets/novo.html</link><guid isPermaLink="false">wire-1</guid>
<pubDate>Wed, 25 Nov 2026 10:00:00 GMT</pubDate><description>&lt;p&gt;Sales up 24 pct.&lt;/p&gt;</description></item>
<item><title>No guid here</title><link>https://wire.example/markets/b.html</link>
<description>Only a link</description></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Posten</title><id>urn:posten</id>
<updated>2026-11-25T08:00:00Z</updated>
<entry><title>M\xc3\xa6rsk skuffer</title><link href="https://posten.example/maersk"/><id>urn:posten:1</id>
<updated>2026-11-25T08:00:00Z</updated><summary>Kort</summary>
<content type="html">&lt;p&gt;Hele artiklen om M\xc3\xa6rsk.&lt;/p&gt;</content></entry>
</feed>"""

SRC = Source(name="Wire", url="https://wire.example/feed.xml")


def test_rss_entries_are_normalised():
    result = parse_feed(RSS, SRC)
    assert result.status == "ok" and result.warning is None
    first, second = result.entries
    assert first == Entry("Wire", SRC.url, "wire-1", "https://wire.example/markets/novo.html",
                          "Novo Nordisk raises outlook", "2026-11-25T10:00:00+00:00", "<p>Sales up 24 pct.</p>")
    assert second.guid == "https://wire.example/markets/b.html"  # no <guid>: the link identifies it
    assert second.published is None


def test_atom_prefers_full_content_over_summary():
    (e,) = parse_feed(ATOM, Source("Posten", "https://posten.example/atom")).entries
    assert (e.guid, e.title, e.content) == ("urn:posten:1", "Mærsk skuffer", "<p>Hele artiklen om Mærsk.</p>")
    assert e.published == "2026-11-25T08:00:00+00:00"


def test_malformed_feed_keeps_what_parsed_with_a_warning():
    broken = RSS.replace(b"Sales up", b"Sales &nbsp; up")  # undefined entity in XML
    result = parse_feed(broken, SRC)
    assert result.status == "ok"
    assert len(result.entries) == 2
    assert "malformed feed" in result.warning


@pytest.mark.parametrize("body", [b"<!doctype html><html><body><p>Our homepage</p></body></html>", b"", b"\x00\x01"])
def test_not_a_feed_is_a_failure_of_that_feed(body):
    result = parse_feed(body, SRC)
    assert result.status == "failed"
    assert "not an RSS or Atom feed" in result.error


def test_conditional_get_sends_validators_and_reads_304(http_server):
    def feed(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return Reply(304, b"", {"ETag": '"v1"'})
        return Reply(200, RSS, {"Content-Type": "application/rss+xml", "ETag": '"v1"',
                                "Last-Modified": "Wed, 25 Nov 2026 10:00:00 GMT"})

    src = Source("Wire", http_server.route("/feed.xml", feed))
    first = read_feed(src)
    assert (first.status, first.etag, first.last_modified) == ("ok", '"v1"', "Wed, 25 Nov 2026 10:00:00 GMT")
    assert len(first.entries) == 2
    second = read_feed(src, etag=first.etag, last_modified=first.last_modified)
    assert second.status == "not_modified" and second.entries == []
    assert http_server.requests[-1][2].get("If-None-Match") == '"v1"'


def test_http_errors_are_a_failed_feed_not_an_exception(http_server):
    src = Source("Gone", http_server.route("/gone.xml", Reply(404, b"no")))
    result = read_feed(src)
    assert result.status == "failed" and "404" in result.error


def test_select_entries_since_keywords_and_limit():
    now = datetime(2026, 11, 26, 6, 0, tzinfo=timezone.utc)

    def e(i, title, hours_ago):
        when = None if hours_ago is None else (now - timedelta(hours=hours_ago)).isoformat()
        return Entry("S", "u", str(i), f"https://s/{i}", title, when, "")

    entries = [e(1, "Novo stiger", 1), e(2, "Mærsk falder", 2), e(3, "Sport: fodbold", 3),
               e(4, "Gammel Novo nyhed", 48), e(5, "Udateret Novo", None)]
    src = Source("S", "https://s/feed", exclude=["sport"])
    assert [x.guid for x in select_entries(entries, src, since=now - timedelta(hours=24))] == ["5", "1", "2"]
    src = Source("S", "https://s/feed", include=["novo"], limit=2)
    assert [x.guid for x in select_entries(entries, src, since=None)] == ["5", "1"]


def test_parse_source_minimal_and_full():
    assert parse_source({"name": "Wire", "url": "https://wire.example/feed"}, "s") == Source(
        "Wire", "https://wire.example/feed")
    full = parse_source({"name": "ØU", "url": "https://oeu.example/rss", "language": "da", "limit": 5,
                         "include": ["Novo", "Mærsk"], "exclude": "sport", "full_page": False}, "s")
    assert (full.language, full.limit, full.include, full.exclude, full.full_page) == (
        "da", 5, ["novo", "mærsk"], ["sport"], False)


@pytest.mark.parametrize("table, key", [
    ({"name": "A", "url": "https://a/f", "lang": "da"}, "lang"),
    ({"name": "A"}, "url"),
    ({"url": "https://a/f"}, "name"),
    ({"name": "A", "url": "file:///etc/passwd"}, "url"),
    ({"name": "A", "url": "https://a/f", "limit": 0}, "limit"),
    ({"name": "A", "url": "https://a/f", "language": "sv"}, "language"),
    ({"name": "A", "url": "https://a/f", "full_page": "yes"}, "full_page"),
    ({"name": "A", "url": "https://a/f", "include": [1]}, "include"),
])
def test_bad_source_keys_are_named(table, key):
    with pytest.raises(UsageError, match=f"'{key}'"):
        parse_source(table, "config [[sources]] #1")


def test_opml_import(tmp_path):
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>'
        '<outline text="Finance"><outline text="Wire" title="Nordic Wire" type="rss" xmlUrl="https://wire.example/rss"/>'
        '<outline text="Posten" xmlUrl="https://posten.example/atom"/></outline></body></opml>', encoding="utf-8")
    assert load_opml(opml) == [Source("Nordic Wire", "https://wire.example/rss"),
                               Source("Posten", "https://posten.example/atom")]


@pytest.mark.parametrize("content, message", [
    (None, "not found"), ("<opml><body>", "could not be read"), ("<opml><body></body></opml>", "lists no feeds"),
])
def test_bad_opml_is_a_usage_error(tmp_path, content, message):
    opml = tmp_path / "feeds.opml"
    if content is not None:
        opml.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        load_opml(opml)
