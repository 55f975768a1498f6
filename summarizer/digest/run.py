"""`newsum digest`: read every configured feed, process only what is new, write one digest.

1. settings: [[sources]] (and an optional OPML file) plus the [digest] table of the config;
2. feeds: fetched concurrently with their ETag/Last-Modified, new entries queued in the store
   (together with the feed's validators, in one transaction);
3. articles: every pending entry (new, or left by a killed run) is fetched and cleaned concurrently,
   at most one request in flight per host with a pause between requests; a text already seen on
   another site is marked duplicate; the rest go through the model (one at a time in-process,
   `model_concurrency` at once to a model server), each result committed on its own;
4. documents (document.py): every result not yet in a digest is written as Markdown, HTML and JSON.

The per-article steps are parameters (`load`, `analyse`), so tests can run the orchestration with
a fast fake analyser.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import urlsplit

from summarizer.digest.feeds import (
    FeedResult,
    Source,
    read_feed,
    select_entries,
)
from summarizer.digest.document import Failure, build_document, write_documents
from summarizer.digest.options import DigestOptions, load_options
from summarizer.digest.politeness import HostGate, Robots, _interleave_hosts
from summarizer.digest.store import Store, StoredEntry
from summarizer.errors import (
    DigestError,
    FetchError,
    ModelError,
    NewsumError,
    StateError,
    UsageError,
)
from summarizer.fetch.addresses import AddressPolicy
from summarizer.settings import Settings, default_config_path, load_config
from summarizer.text import has_markup, without_credentials
from summarizer.values import Article, Report

TRUNCATION_MARKS = ("…", "...", "[…]", "[...]", "read more", "læs mere", "continue reading")

Loader = Callable[[StoredEntry, Source], Article]
Analyser = Callable[[Article], Report]


@dataclass
class Outcome:
    feeds: list[FeedResult] = field(default_factory=list)
    new: list[StoredEntry] = field(default_factory=list)  # dry run: what would be processed
    processed: int = 0
    duplicates: int = 0
    failures: list[Failure] = field(default_factory=list)
    documents: list[Path] = field(default_factory=list)


# --- politeness and progress ------------------------------------------------------------------


class Progress:
    """Where a run reports what it does: this one is silent; the CLI passes one that prints."""

    def log(self, message: str) -> None:
        pass

    @contextmanager
    def articles(self, total: int) -> Iterator[Callable[[str], None]]:
        yield self.log


# --- the run ------------------------------------------------------------------------------------


def _is_truncated(article: Article, entry: StoredEntry, source: Source) -> bool:
    """A feed excerpt ending in '…' or 'Read more' is only the start of the article."""
    if source.full_page:
        return False
    tail = article.text.rstrip().lower()[-40:]
    return any(tail.endswith(mark) for mark in TRUNCATION_MARKS)


def load_entry(entry: StoredEntry, source: Source) -> Article:
    """The entry's article: the page, fetched and cleaned like `newsum URL`, or the feed's own text."""
    from summarizer import pipeline
    from summarizer.clean import cleaner as clean

    if source.full_page:
        if not entry.url or urlsplit(entry.url).scheme not in ("http", "https"):
            raise UsageError(f"entry has no http(s) link to fetch: {entry.url!r}")
        # the entry's link came from the feed: a third party's address, checked before connecting
        policy = AddressPolicy.typed(source.url, allow_private=source.allow_private_links)
        article = pipeline.load_article(entry.url, policy=policy)
    else:
        content = entry.feed_content or ""
        article = clean.clean_html(content, entry.url) if has_markup(content) else clean.clean_text(content, entry.url)
    # The feed's headline is the editor's; a page <title> often carries the site name too.
    article.title = entry.title or article.title
    article.url = article.url or entry.url
    article.language = article.language or source.language
    return article


def pipeline_analyser(model_spec: str | None, cfg: dict) -> Analyser:
    """The single-article analysis; the model is loaded once, and only when an article needs it."""
    from summarizer import pipeline
    from summarizer.models import load_model

    model = None
    budget = Settings.from_config(cfg).facts_budget
    loading = threading.Lock()  # articles in flight side by side load one model, not one each

    def analyse(article: Article) -> Report:
        nonlocal model
        with loading:
            if model is None:
                model = load_model(model_spec, config=cfg)
        return pipeline.analyse(article, model=model, summarize=True, facts_budget=budget)

    return analyse


def _read_feeds(settings: DigestOptions, store: Store, pool: ThreadPoolExecutor, gate: HostGate) -> list[FeedResult]:
    def one(source: Source) -> FeedResult:
        etag, last_modified = store_validators[source.url]
        with gate.slot(source.url):
            try:
                return read_feed(source, etag=etag, last_modified=last_modified)
            except Exception as exc:  # one bad feed must not stop the others
                return FeedResult(source, "failed", error=f"{type(exc).__name__}: {exc}")

    # sqlite connections stay on this thread: look the validators up before fanning out
    store_validators = {s.url: store.validators(s.url) for s in settings.sources}
    return list(pool.map(one, settings.sources))


def run_digest(settings: DigestOptions, store: Store, *, load: Loader = load_entry, analyse: Analyser,
               dry_run: bool = False, progress: Progress | None = None,
               now: datetime | None = None, run_id: int | None = None) -> Outcome:
    progress = progress or Progress()
    now = now or datetime.now(timezone.utc)
    cutoff = now - settings.since if settings.since else None
    outcome = Outcome()
    robots = Robots()
    gate = HostGate(settings.host_delay, robots)
    by_url = {without_credentials(s.url): s for s in settings.sources}  # as the store keeps them

    with ThreadPoolExecutor(max_workers=settings.concurrency, thread_name_prefix="digest") as pool:
        outcome.feeds = _read_feeds(settings, store, pool, gate)
        for result in outcome.feeds:
            src = result.source
            if result.status == "failed":
                outcome.failures.append(Failure(f"feed {src.name} ({without_credentials(src.url)})",
                                                result.error or "failed"))
                progress.log(f"feed {src.name}: FAILED: {result.error}")
                continue
            if result.warning:
                progress.log(f"feed {src.name}: warning: {result.warning}")
            wanted = select_entries(result.entries, src, since=cutoff)
            if dry_run:
                fresh = [e for e in wanted if not store.entry_known(e.feed_url, e.guid, e.link)]
                outcome.new += [StoredEntry(0, e.source, e.feed_url, e.guid, e.link, e.title, e.published,
                                            e.content, 0) for e in fresh]
                progress.log(f"feed {src.name}: {result.status}, {len(fresh)} new")
                continue
            queued = store.record_feed(feed_url=src.url, name=src.name, status=result.status, etag=result.etag,
                                       last_modified=result.last_modified, entries=[e.as_row() for e in wanted])
            note = "304 not modified" if result.status == "not_modified" else f"{len(result.entries)} entries"
            progress.log(f"feed {src.name}: {note}, {queued} new")

        pending = store.pending(list(by_url))
        if dry_run:
            outcome.new = pending + outcome.new
            return outcome
        if not pending:
            return outcome

        def fetch_and_clean(entry: StoredEntry) -> tuple[Article, float]:
            start = time.perf_counter()
            source = by_url[entry.feed_url]
            if source.full_page and entry.url:
                # the link is the feed's, not the user's: its address is checked before robots.txt is read
                AddressPolicy.typed(source.url, allow_private=source.allow_private_links).check(entry.url)
            if source.full_page and entry.url and not robots.allowed(entry.url):
                if not entry.feed_content:
                    raise FetchError(f"robots.txt of {urlsplit(entry.url).hostname} disallows {entry.url} "
                                     "and the feed carries no text of it")
                source = replace(source, full_page=False)  # the site asks robots not to fetch: the feed's text
            with gate.slot(entry.url) if source.full_page else nullcontext():  # feed text: no request
                article = load(entry, source)
            return article, time.perf_counter() - start

        futures: dict[Future, StoredEntry] = {pool.submit(fetch_and_clean, e): e for e in _interleave_hosts(pending)}
        try:
            with progress.articles(len(futures)) as step, \
                    ThreadPoolExecutor(max_workers=settings.model_concurrency, thread_name_prefix="model") as model_pool:
                in_model: dict[Future, tuple[StoredEntry, Article, float]] = {}
                for fut in as_completed(futures):
                    entry = futures[fut]
                    loaded = _load_fresh(entry, fut, store, outcome, step)
                    if loaded is None:
                        continue
                    article, load_seconds = loaded
                    in_model[model_pool.submit(_timed, analyse, article)] = (entry, article, load_seconds)
                    # with one model worker, wait: the next article's model work starts after this one's
                    # commit, as before; with several, commit whatever has finished and go on feeding
                    done = list(in_model) if settings.model_concurrency == 1 else [f for f in in_model if f.done()]
                    for f in done:
                        _commit(*in_model.pop(f), f, by_url, store, outcome, step, run_id)
                for f in as_completed(list(in_model)):
                    _commit(*in_model.pop(f), f, by_url, store, outcome, step, run_id)
        except BaseException:
            for f in futures:
                f.cancel()
            raise
    return outcome


def _timed(analyse: Analyser, article: Article) -> tuple[Report, float]:
    start = time.perf_counter()
    return analyse(article), time.perf_counter() - start


def _load_fresh(entry: StoredEntry, fut: Future, store: Store, outcome: Outcome,
                step: Callable[[str], None]) -> tuple[Article, float] | None:
    """The loaded article, or None when loading failed or it repeats one already stored (both recorded)."""
    label = entry.title or entry.url or entry.guid
    try:
        article, load_seconds = fut.result()
    except Exception as exc:
        _fail(entry, exc, store, outcome, step)
        return None
    duplicate_of = store.find_duplicate(article.text)
    if duplicate_of is not None:
        store.mark_duplicate(entry.id, duplicate_of)
        outcome.duplicates += 1
        step(f"duplicate: {label} (same text as entry {duplicate_of})")
        return None
    return article, load_seconds


def _fail(entry: StoredEntry, exc: Exception, store: Store, outcome: Outcome, step: Callable[[str], None]) -> None:
    if isinstance(exc, ModelError):
        raise exc  # no model: every article would fail the same way; stop with the model's message
    label = entry.title or entry.url or entry.guid
    message = str(exc) if isinstance(exc, NewsumError) else f"{type(exc).__name__}: {exc}"
    store.mark_failed(entry.id, message)
    outcome.failures.append(Failure(f"article {label} ({entry.url})", message))
    step(f"FAILED: {label}: {message}")


def _commit(entry: StoredEntry, article: Article, load_seconds: float, analysed: Future, by_url: dict[str, Source],
            store: Store, outcome: Outcome, step: Callable[[str], None], run_id: int | None) -> None:
    """Store one analysed article (on the main thread: SQLite stays on one thread)."""
    label = entry.title or entry.url or entry.guid
    try:
        report, analyse_seconds = analysed.result()
    except Exception as exc:
        _fail(entry, exc, store, outcome, step)
        return
    # two copies of one story analysed side by side: the second to finish is the duplicate
    duplicate_of = store.find_duplicate(article.text)
    if duplicate_of is not None:
        store.mark_duplicate(entry.id, duplicate_of)
        outcome.duplicates += 1
        step(f"duplicate: {label} (same text as entry {duplicate_of})")
        return
    data = report.to_dict()
    data["truncated"] = bool(data.get("truncated")) or _is_truncated(article, entry, by_url[entry.feed_url])
    timings = {"load": round(load_seconds, 4), "analyse": round(analyse_seconds, 4)}
    store.save_result(entry.id, clean_text=article.text, report=data,
                      model=report.summary.model if report.summary else None, timings=timings, run_id=run_id)
    outcome.processed += 1
    step(f"done: {label} ({load_seconds + analyse_seconds:.1f}s)")


def run_from_config(*, config_path: Path | None, since: str | None, out: Path | None, formats: str | None,
                       group_by: str | None, dry_run: bool, model_spec: str | None, model_name: str | None = None,
                       analyse: Analyser | None = None, load: Loader = load_entry,
                       progress: Progress | None = None,
                       list_new: Callable[[StoredEntry], None] | None = None) -> Outcome:
    """`newsum digest`: the whole run from the config file. A dry run hands each new entry to list_new."""
    cfg = load_config(config_path)
    if model_name:  # --model-name: which of a server's models
        cfg = {**cfg, "model_name": model_name}
    settings = load_options(cfg, config_path=Path(config_path) if config_path else default_config_path(),
                             since=since, out=out, formats=formats, group_by=group_by, model=model_spec)
    progress = progress or Progress()
    analyse = analyse or pipeline_analyser(settings.model, cfg)
    # a dry run against a fresh setup must not even create the database
    db_path = ":memory:" if dry_run and not settings.database.exists() else settings.database
    with _single_run(settings.database, dry_run), Store(db_path) as store:
        now = datetime.now(timezone.utc)
        if dry_run:
            outcome = run_digest(settings, store, load=load, analyse=analyse, dry_run=True, progress=progress,
                                 now=now)
            for e in outcome.new:
                if list_new is not None:
                    list_new(e)
            progress.log(f"dry run: {len(outcome.new)} new entries; nothing written")
            _raise_for_failures(outcome, progress)
            return outcome
        run_id = store.start_run()
        outcome = run_digest(settings, store, load=load, analyse=analyse, progress=progress, now=now,
                             run_id=run_id)
        results = store.undigested()
        if results:
            doc = build_document(results, now=now, since=settings.since_text, group_by=settings.group_by,
                                 failures=outcome.failures)
            outcome.documents = write_documents(doc, settings.output, settings.formats, now)
        summary = {"processed": outcome.processed, "duplicates": outcome.duplicates, "in_digest": len(results),
                   "failures": [f.__dict__ for f in outcome.failures],
                   "documents": [str(p) for p in outcome.documents],
                   "feeds": {without_credentials(r.source.url): r.status for r in outcome.feeds}}
        store.finish_run(run_id, status="failures" if outcome.failures else "ok", summary=summary,
                         digested=[r["entry_id"] for r in results])
    not_modified = sum(r.status == "not_modified" for r in outcome.feeds)
    wrote = ", ".join(str(p) for p in outcome.documents) if outcome.documents else "no digest (nothing new)"
    progress.log(f"{outcome.processed} processed, {outcome.duplicates} duplicates, {len(outcome.failures)} failed, "
                 f"{not_modified} feeds not modified; {wrote}")
    _raise_for_failures(outcome, progress)
    return outcome


@contextmanager
def _single_run(database: Path, dry_run: bool) -> Iterator[None]:
    """One digest run per database at a time (cron may start tonight's while last night's still runs)."""
    if dry_run:
        yield
        return
    import fcntl

    lock_path = database.with_name(database.name + ".lock")
    try:
        database.parent.mkdir(parents=True, exist_ok=True)
        lock = lock_path.open("a+")
    except OSError as exc:
        raise StateError(f"cannot create the state database's lock {lock_path}: {exc.strerror or exc}") from exc
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "an unknown time"
            raise DigestError(f"another newsum digest is still running on {database} (started {holder}; "
                              f"lock: {lock_path})") from None
        lock.seek(0)
        lock.truncate()
        lock.write(f"{datetime.now(timezone.utc).isoformat(timespec='seconds')} by process {os.getpid()}\n")
        lock.flush()
        yield  # the lock goes with the file when it is closed, or when the process dies


def _raise_for_failures(outcome: Outcome, progress: Progress) -> None:
    if not outcome.failures:
        return
    progress.log(f"{len(outcome.failures)} failure(s):")
    for f in outcome.failures:
        progress.log(f"  {f.what}: {f.error}")
    raise DigestError(f"{len(outcome.failures)} feed(s)/article(s) failed (listed above)")
