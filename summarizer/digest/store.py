"""The digest's memory: feeds and their validators, entries seen, results, and digest runs (SQLite).

One file, WAL mode, a versioned schema (PRAGMA user_version) migrated forward on open. Every change
that matters is its own short transaction, so a run killed at any moment loses nothing it had
committed, and the next run picks up the entries still `pending`.

An entry is the same article as one already seen when it has the same (feed, guid), the same
canonical URL, or a near-identical text (MinHash over word 4-gram shingles, with LSH bands stored in
SQLite so a republished copy on another site is found without comparing against every article).
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from summarizer.digest.fingerprint import (
    DUPLICATE_CONTAINMENT,
    Fingerprint,
    containment,
    fingerprint,
    lsh_bands,
    pack_signature,
    unpack_signature,
)
from summarizer.errors import StateError
from summarizer.settings import data_dir
from summarizer.text import without_credentials

# Query parameters that only track the reader; dropping them makes the same article's URLs equal.
TRACKING_PARAMS = {"fbclid", "gclid", "dclid", "mc_cid", "mc_eid", "igshid", "ref_src", "_hsenc", "_hsmi"}

MAX_ATTEMPTS = 3  # a failing entry is retried on this many runs, then left as failed

MIGRATIONS: list[str] = [
    # version 1
    """
    CREATE TABLE feeds (
        url TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        last_status TEXT,
        last_checked TEXT
    );
    CREATE TABLE entries (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        feed_url TEXT NOT NULL,
        guid TEXT NOT NULL,
        url TEXT,
        canonical_url TEXT,
        title TEXT,
        published TEXT,
        feed_content TEXT,
        state TEXT NOT NULL DEFAULT 'pending',  -- pending | done | duplicate | failed
        attempts INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        duplicate_of INTEGER REFERENCES entries(id),
        signature BLOB,
        shingles INTEGER,  -- size of the text's shingle set, to turn Jaccard into containment
        first_seen TEXT NOT NULL,
        updated TEXT,
        UNIQUE (feed_url, guid)
    );
    CREATE INDEX entries_canonical_url ON entries(canonical_url);
    CREATE INDEX entries_state ON entries(state);
    CREATE TABLE lsh_bands (
        band INTEGER NOT NULL,
        hash INTEGER NOT NULL,
        entry_id INTEGER NOT NULL REFERENCES entries(id),
        PRIMARY KEY (band, hash, entry_id)
    ) WITHOUT ROWID;
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL DEFAULT 'running',  -- running | ok | failures
        summary TEXT  -- JSON: counts, failures, documents written
    );
    CREATE TABLE results (
        entry_id INTEGER PRIMARY KEY REFERENCES entries(id),
        clean_text TEXT NOT NULL,
        report TEXT NOT NULL,  -- Report.to_dict() as JSON (summaries, tickers, claims)
        model TEXT,
        timings TEXT NOT NULL,  -- JSON: seconds per stage
        processed_at TEXT NOT NULL,
        run_id INTEGER REFERENCES runs(id),
        digested_in INTEGER REFERENCES runs(id)  -- NULL until a digest document included it
    );
    CREATE INDEX results_digested_in ON results(digested_in);
    """,
]


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def default_db_path() -> Path:
    return data_dir() / "digest.sqlite3"


def canonical_url(url: str | None) -> str | None:
    """The article's URL with reader-tracking removed: lower-case host without www., no default port,
    no fragment, no utm_* parameters, sorted query, no trailing slash, and http == https."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https"):
        return url.strip()
    host = (parts.hostname or "").lower().rstrip(".")
    host = host.removeprefix("www.")
    port = parts.port
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS
    )
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("https", host, path, urlencode(query), ""))


# --- the store ---------------------------------------------------------------------------------


@dataclass
class StoredEntry:
    """An entry waiting to be processed, as the feed gave it."""

    id: int
    source: str
    feed_url: str
    guid: str
    url: str | None
    title: str | None
    published: str | None
    feed_content: str | None
    attempts: int


class Store:
    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        try:
            if str(self.path) != ":memory:":
                if self.path.is_dir():
                    raise StateError(f"state database {self.path} is a directory; set `database` to a file path")
                self.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: we open transactions ourselves, one per unit of work.
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")  # in WAL: a killed process keeps every commit
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except OSError as exc:
            raise StateError(f"cannot create the state database {self.path}: {exc.strerror or exc}") from exc
        except sqlite3.Error as exc:
            raise self._state_error(exc) from exc

    def _state_error(self, exc: sqlite3.Error) -> StateError:
        """The cause in words a user can act on (SQLite's own words are kept)."""
        text = str(exc)
        if "not a database" in text:
            return StateError(f"state database {self.path} is not a newsum SQLite file ({text}); "
                              "point `database` at another path")
        if "unable to open" in text or "readonly" in text:
            return StateError(f"cannot write the state database {self.path} ({text}); is its folder read-only?")
        if "disk is full" in text or "disk I/O" in text:
            return StateError(f"state database {self.path}: {text}; free some space (nothing stored was lost)")
        return StateError(f"state database {self.path}: {text}")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        version = self.schema_version
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            # executescript commits first; wrap the step and its version bump in one transaction
            self.db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")

    @contextmanager
    def _tx(self) -> Iterator[None]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception (KeyboardInterrupt too)."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                try:
                    self.db.execute("ROLLBACK")
                except sqlite3.OperationalError:
                    pass  # SQLite rolled back already (a full disk does): the cause is the first error
                raise
            self.db.execute("COMMIT")
        except sqlite3.IntegrityError:
            raise  # a broken constraint is newsum's bug, not the state's: it stays what it is
        except sqlite3.Error as exc:
            raise self._state_error(exc) from exc

    # feeds
    # URLs are stored without user:password@ (the config keeps the credentials; requests use them from there)
    def validators(self, feed_url: str) -> tuple[str | None, str | None]:
        feed_url = without_credentials(feed_url)
        row = self.db.execute("SELECT etag, last_modified FROM feeds WHERE url = ?", (feed_url,)).fetchone()
        return (row["etag"], row["last_modified"]) if row else (None, None)

    def entry_known(self, feed_url: str, guid: str, url: str | None) -> bool:
        """Seen before: the same guid in this feed, or the same article URL from any feed."""
        feed_url, guid, url = without_credentials(feed_url), guid and without_credentials(guid), url and without_credentials(url)
        if self.db.execute("SELECT 1 FROM entries WHERE feed_url = ? AND guid = ?", (feed_url, guid)).fetchone():
            return True
        canon = canonical_url(url)
        return bool(canon and self.db.execute("SELECT 1 FROM entries WHERE canonical_url = ?", (canon,)).fetchone())

    def record_feed(self, *, feed_url: str, name: str, status: str, etag: str | None,
                    last_modified: str | None, entries: list[dict]) -> int:
        """In one transaction: queue the feed's new entries as pending and remember its validators.

        Both or neither: validators saved without their entries would make the next run's 304 hide them.
        Returns how many entries were queued.
        """
        queued = 0
        feed_url = without_credentials(feed_url)
        with self._tx():
            for e in entries:
                if self.entry_known(feed_url, e["guid"], e.get("url")):
                    continue
                self.db.execute(
                    "INSERT INTO entries (source, feed_url, guid, url, canonical_url, title, published,"
                    " feed_content, first_seen) VALUES (?,?,?,?,?,?,?,?,?)",
                    (name, feed_url, e["guid"] and without_credentials(e["guid"]), e.get("url") and without_credentials(e["url"]),
                     canonical_url(e.get("url") and without_credentials(e["url"])), e.get("title"),
                     e.get("published"), e.get("content"), now_iso()),
                )
                queued += 1
            self.db.execute(
                "INSERT INTO feeds (url, name, etag, last_modified, last_status, last_checked)"
                " VALUES (?,?,?,?,?,?) ON CONFLICT(url) DO UPDATE SET name=excluded.name,"
                " etag=COALESCE(excluded.etag, feeds.etag),"
                " last_modified=COALESCE(excluded.last_modified, feeds.last_modified),"
                " last_status=excluded.last_status, last_checked=excluded.last_checked",
                (feed_url, name, etag, last_modified, status, now_iso()),
            )
        return queued

    # entries
    def pending(self, feed_urls: list[str] | None = None) -> list[StoredEntry]:
        """Entries still to process (new ones, those a killed run left, and failures worth a retry)."""
        rows = self.db.execute(
            "SELECT * FROM entries WHERE (state = 'pending' OR (state = 'failed' AND attempts < ?))"
            " ORDER BY id",
            (MAX_ATTEMPTS,),
        ).fetchall()
        wanted = {without_credentials(u) for u in feed_urls} if feed_urls is not None else None
        return [
            StoredEntry(r["id"], r["source"], r["feed_url"], r["guid"], r["url"], r["title"], r["published"],
                        r["feed_content"], r["attempts"])
            for r in rows
            if wanted is None or r["feed_url"] in wanted
        ]

    def find_duplicate(self, text: str) -> int | None:
        """The id of a processed entry whose text is (nearly) the same as this text, or None."""
        fp = fingerprint(text)
        if fp is None:
            return None
        candidates: set[int] = set()
        for band, h in lsh_bands(fp.signature):
            rows = self.db.execute("SELECT entry_id FROM lsh_bands WHERE band = ? AND hash = ?", (band, h))
            candidates.update(entry_id for (entry_id,) in rows)
        best: tuple[float, int] | None = None
        for entry_id in sorted(candidates):
            row = self.db.execute("SELECT signature, shingles FROM entries WHERE id = ?", (entry_id,)).fetchone()
            score = containment(fp, Fingerprint(unpack_signature(row["signature"]), row["shingles"]))
            if score >= DUPLICATE_CONTAINMENT and (best is None or score > best[0]):
                best = (score, entry_id)
        return best[1] if best else None

    def mark_duplicate(self, entry_id: int, duplicate_of: int) -> None:
        with self._tx():
            self.db.execute(
                "UPDATE entries SET state='duplicate', duplicate_of=?, updated=? WHERE id=?",
                (duplicate_of, now_iso(), entry_id),
            )

    def mark_failed(self, entry_id: int, error: str) -> None:
        with self._tx():
            self.db.execute(
                "UPDATE entries SET state='failed', attempts=attempts+1, error=?, updated=? WHERE id=?",
                (error, now_iso(), entry_id),
            )

    def save_result(self, entry_id: int, *, clean_text: str, report: dict, model: str | None,
                    timings: dict[str, float], run_id: int | None) -> None:
        """The article's result, its fingerprint and its 'done' state: one transaction."""
        fp = fingerprint(clean_text)
        with self._tx():
            self.db.execute(
                "INSERT INTO results (entry_id, clean_text, report, model, timings, processed_at, run_id)"
                " VALUES (?,?,?,?,?,?,?)",
                (entry_id, clean_text, json.dumps(report, ensure_ascii=False), model, json.dumps(timings),
                 now_iso(), run_id),
            )
            self.db.execute(
                "UPDATE entries SET state='done', error=NULL, signature=?, shingles=?, updated=? WHERE id=?",
                (pack_signature(fp.signature) if fp else None, fp.size if fp else None, now_iso(), entry_id),
            )
            if fp:
                self.db.executemany(
                    "INSERT OR IGNORE INTO lsh_bands (band, hash, entry_id) VALUES (?,?,?)",
                    [(band, h, entry_id) for band, h in lsh_bands(fp.signature)],
                )

    # results and runs
    def undigested(self) -> list[dict]:
        """Processed results no digest document has shown yet (this run's and a killed run's)."""
        rows = self.db.execute(
            "SELECT r.entry_id, r.report, r.model, r.timings, r.processed_at, e.source, e.url, e.title,"
            " e.published, e.guid FROM results r JOIN entries e ON e.id = r.entry_id"
            " WHERE r.digested_in IS NULL ORDER BY e.source, e.published DESC, e.id"
        ).fetchall()
        return [
            {
                "entry_id": r["entry_id"], "source": r["source"], "link": r["url"], "feed_title": r["title"],
                "feed_published": r["published"], "guid": r["guid"], "processed_at": r["processed_at"],
                "timings": json.loads(r["timings"]), "report": json.loads(r["report"]),
            }
            for r in rows
        ]

    def start_run(self) -> int:
        with self._tx():
            return self.db.execute("INSERT INTO runs (started_at) VALUES (?)", (now_iso(),)).lastrowid

    def finish_run(self, run_id: int, *, status: str, summary: dict, digested: list[int]) -> None:
        with self._tx():
            self.db.execute(
                "UPDATE runs SET finished_at=?, status=?, summary=? WHERE id=?",
                (now_iso(), status, json.dumps(summary, ensure_ascii=False), run_id),
            )
            self.db.executemany(
                "UPDATE results SET digested_in=? WHERE entry_id=?", [(run_id, i) for i in digested]
            )

    def counts(self) -> dict[str, int]:
        return {row[0]: row[1] for row in self.db.execute("SELECT state, COUNT(*) FROM entries GROUP BY state")}

    def iter_results(self) -> Iterator[sqlite3.Row]:
        yield from self.db.execute("SELECT * FROM results ORDER BY entry_id")

