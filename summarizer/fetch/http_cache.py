"""A small on-disk HTTP cache keyed by URL: the body plus the validators needed to revalidate it.

Only responses carrying an ETag or Last-Modified are stored: without a validator the next run
cannot ask "has it changed?", so there is nothing to gain. One file per URL, named by the
SHA-256 of the URL: a line of JSON (metadata) followed by the raw body bytes. Files are written
to a temporary name and renamed into place, so concurrent readers (the digest fetches in threads)
see either the old entry or the new one, never half of one.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class CacheEntry:
    url: str  # the URL asked for (the key)
    final_url: str  # where redirects ended
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    stored_at: float = 0.0
    body: bytes = b""


class HttpCache:
    """Entries under one directory. Safe to share between threads and processes."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def _path(self, url: str) -> Path:
        return self.directory / (hashlib.sha256(url.encode("utf-8")).hexdigest() + ".entry")

    def get(self, url: str) -> CacheEntry | None:
        """The stored entry for url, or None if there is none or it is unreadable (a cache never fails a run)."""
        try:
            raw = self._path(url).read_bytes()
            meta_line, body = raw.split(b"\n", 1)
            meta = json.loads(meta_line)
            if meta.get("url") != url:  # a hash collision, or a foreign file
                return None
            return CacheEntry(**meta, body=body)
        except (OSError, ValueError, TypeError):
            return None

    def put(self, entry: CacheEntry) -> None:
        """Store entry (only when it has a validator). Write errors are ignored: the cache is an optimisation."""
        if not (entry.etag or entry.last_modified):
            return
        meta = asdict(entry)
        body = meta.pop("body")
        meta["stored_at"] = meta["stored_at"] or time.time()
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as fh:
                    # json.dumps escapes newlines inside strings, so the first b"\n" ends the metadata.
                    fh.write(json.dumps(meta, ensure_ascii=True).encode("ascii") + b"\n")
                    fh.write(body)
                os.replace(tmp, self._path(entry.url))
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            pass
