"""Saved KV caches of prompts' fixed openings, on disk, so a new process does not read them again.

A prompt file's leading messages without placeholders (the system message, fixed examples) are the same
for every article; llama.cpp's KV cache of them is saved once per model under the cache directory
(<cache>/kv/<model id>/<hash of the tokens>.kv, ~28 KB a token for the default model) and loaded by the
next `newsum` run: ~2-3 s of prompt reading saved per run on 2 cores (BENCHMARKS.md). A file that does not
load, or holds other tokens, is deleted and the prefix is read again.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
from pathlib import Path

MAX_FILES = 32  # old prompt versions' files are pruned, oldest first


class KVFiles:
    def __init__(self, llama_cpp, directory: Path) -> None:
        self._L = llama_cpp
        self.directory = directory

    def _path(self, tokens: list[int]) -> Path:
        digest = hashlib.sha256(b"".join(t.to_bytes(4, "little") for t in tokens)).hexdigest()[:32]
        return self.directory / f"{digest}.kv"

    def load(self, ctx, seq: int, tokens: list[int]) -> bool:
        """Load the saved KV of tokens into sequence seq (empty before); False when there is none."""
        path = self._path(tokens)
        if not path.is_file():
            return False
        buf = (self._L.llama_token * (len(tokens) + 1))()
        count = ctypes.c_size_t(0)
        read = self._L.llama_state_seq_load_file(ctx, str(path).encode(), seq, buf, len(buf), ctypes.byref(count))
        if read and list(buf[:count.value]) == list(tokens):
            os.utime(path)  # recently used: kept by _prune
            return True
        self._L.llama_memory_seq_rm(self._L.llama_get_memory(ctx), seq, -1, -1)
        path.unlink(missing_ok=True)
        return False

    def save(self, ctx, seq: int, tokens: list[int]) -> None:
        """Save sequence seq's KV (which holds exactly tokens). A cache dir that cannot be written is skipped."""
        path = self._path(tokens)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            arr = (self._L.llama_token * len(tokens))(*tokens)
            if self._L.llama_state_seq_save_file(ctx, str(tmp).encode(), seq, arr, len(tokens)):
                os.replace(tmp, path)
            tmp.unlink(missing_ok=True)
            self._prune()
        except OSError:
            pass

    def _prune(self) -> None:
        files = sorted(self.directory.glob("*.kv"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[MAX_FILES:]:
            old.unlink(missing_ok=True)
