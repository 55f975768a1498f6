"""The digest store: schema migrations, WAL, canonical URLs, near-duplicate texts, transactions."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import SAMPLES

from summarizer.digest import store as store_mod
from summarizer.digest.fingerprint import (
    DUPLICATE_CONTAINMENT,
    containment,
    fingerprint,
)
from summarizer.digest.store import Store, canonical_url

SEED = (SAMPLES / "oeu-zerohedge-smallcap.txt").read_text(encoding="utf-8")  # the seed page, as bundled
# The Zerohedge article inside ØU's page: what the original site would give after cleaning.
ORIGINAL = SEED.split("Fra Zerohedge:")[1].split("Tilmeld dig")[0].replace(
    "Wall Street Furious Over New Trading Algorithm", "")

OTHER = (
    "Novo Nordisk raised its full-year outlook for the second time this year on Wednesday, saying sales of "
    "the obesity drug Wegovy almost quadrupled in the third quarter. The Danish drugmaker now expects sales "
    "growth of 32 to 38 percent at constant exchange rates, up from 27 to 35 percent, and operating profit "
    "growth of 44 to 50 percent. Chief executive Lars Fruergaard Jørgensen said supply of the lower doses "
    "would still be limited into next year. The shares rose 4.2 percent in Copenhagen."
)


def entry(guid: str, url: str | None = None, **kw) -> dict:
    return {"guid": guid, "url": url, "title": kw.get("title", guid), "published": None, "content": None}


@pytest.fixture
def db(tmp_path):
    with Store(tmp_path / "state.sqlite3") as s:
        yield s


def test_schema_is_versioned_and_in_wal_mode(tmp_path):
    path = tmp_path / "s.sqlite3"
    with Store(path) as s:
        assert s.schema_version == len(store_mod.MIGRATIONS)
        assert s.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with Store(path) as s:  # reopening runs no migration twice
        assert s.schema_version == len(store_mod.MIGRATIONS)


def test_a_newer_migration_is_applied_to_an_old_database(tmp_path, monkeypatch):
    path = tmp_path / "s.sqlite3"
    Store(path).close()
    monkeypatch.setattr(store_mod, "MIGRATIONS", [*store_mod.MIGRATIONS, "ALTER TABLE feeds ADD COLUMN note TEXT;"])
    with Store(path) as s:
        assert s.schema_version == len(store_mod.MIGRATIONS)
        assert "note" in [row[1] for row in s.db.execute("PRAGMA table_info(feeds)")]


def test_default_path_is_under_the_data_dir(tmp_path):
    assert str(store_mod.default_db_path()).startswith(str(tmp_path))  # conftest points XDG_DATA_HOME there


@pytest.mark.parametrize("a, b", [
    ("https://www.example.com/a/story?utm_source=x&utm_medium=rss#top", "https://example.com/a/story"),
    ("http://EXAMPLE.com:80/a/story/", "https://example.com/a/story"),
    ("https://example.com/a?id=2&page=1&fbclid=zz", "https://example.com/a?page=1&id=2"),
])
def test_canonical_url_strips_tracking_and_normalises_host(a, b):
    assert canonical_url(a) == canonical_url(b)


def test_canonical_url_keeps_what_names_the_article():
    assert canonical_url("https://example.com/a?id=1") != canonical_url("https://example.com/a?id=2")
    assert canonical_url("https://example.com:8443/a") != canonical_url("https://example.com/a")


def test_republished_copy_with_chrome_matches_the_original():
    assert containment(fingerprint(SEED), fingerprint(ORIGINAL)) >= DUPLICATE_CONTAINMENT


def test_different_articles_do_not_match():
    assert containment(fingerprint(ORIGINAL), fingerprint(OTHER)) < 0.2


def test_short_texts_get_no_fingerprint():
    assert fingerprint("Read more on our website.") is None


def test_record_feed_queues_new_entries_and_saves_validators_together(db):
    n = db.record_feed(feed_url="http://f/feed", name="F", status="ok", etag='"e1"', last_modified="LM",
                       entries=[entry("1", "http://f/1"), entry("2", "http://f/2?utm_source=rss")])
    assert n == 2
    assert db.validators("http://f/feed") == ('"e1"', "LM")
    # same guid again, and the same article under another feed with tracking params: both known
    n = db.record_feed(feed_url="http://g/feed", name="G", status="ok", etag=None, last_modified=None,
                       entries=[entry("x", "http://www.f/2#comments")])
    assert n == 0
    assert db.record_feed(feed_url="http://f/feed", name="F", status="ok", etag=None, last_modified=None,
                          entries=[entry("1", "http://f/1")]) == 0
    assert db.validators("http://f/feed") == ('"e1"', "LM")  # a 200 without validators keeps the old ones
    assert [e.guid for e in db.pending()] == ["1", "2"]


def test_a_failed_transaction_leaves_nothing_behind(db, monkeypatch):
    bad = [entry("1", "http://f/1"), {"guid": None, "url": "http://f/2"}]  # NOT NULL guid fails mid-way
    with pytest.raises(sqlite3.IntegrityError):
        db.record_feed(feed_url="http://f/feed", name="F", status="ok", etag='"e"', last_modified=None, entries=bad)
    assert db.pending() == []
    assert db.validators("http://f/feed") == (None, None)


def test_results_duplicates_and_retries(db):
    db.record_feed(feed_url="http://f/feed", name="F", status="ok", etag=None, last_modified=None,
                   entries=[entry("1", "http://f/1"), entry("2", "http://f/2"), entry("3", "http://f/3")])
    first, second, third = db.pending()
    db.save_result(first.id, clean_text=ORIGINAL, report={"title": "t"}, model="m", timings={"load": 1.0},
                   run_id=None)
    assert db.find_duplicate(SEED) == first.id
    assert db.find_duplicate(OTHER) is None
    db.mark_duplicate(second.id, first.id)
    for _ in range(store_mod.MAX_ATTEMPTS - 1):
        db.mark_failed(third.id, "HTTP 500")
        assert [e.id for e in db.pending()] == [third.id]  # retried on the next run
    db.mark_failed(third.id, "HTTP 500")
    assert db.pending() == []  # given up after MAX_ATTEMPTS
    assert db.counts() == {"done": 1, "duplicate": 1, "failed": 1}
    with pytest.raises(sqlite3.IntegrityError):  # a second result for the same entry is refused
        db.save_result(first.id, clean_text="x", report={}, model=None, timings={}, run_id=None)


def test_results_stay_undigested_until_a_run_shows_them(db):
    db.record_feed(feed_url="http://f/feed", name="F", status="ok", etag=None, last_modified=None,
                   entries=[entry("1", "http://f/1")])
    (e,) = db.pending()
    db.save_result(e.id, clean_text=OTHER, report={"title": "Novo"}, model="m", timings={}, run_id=None)
    assert [r["report"]["title"] for r in db.undigested()] == ["Novo"]
    run = db.start_run()
    db.finish_run(run, status="ok", summary={}, digested=[e.id])
    assert db.undigested() == []
