"""On-disk cache of model outputs, so a rerun on the same article is instant.

Keyed by (hash of the exact input text, model name, prompt version, generation settings): a new
prompt version or another model never sees stale outputs. One small JSON file per entry under
<cache dir>/llm/, written atomically; unreadable entries count as misses. NEWSUM_NO_LLM_CACHE=1
turns it off (benchmarks of generation speed).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from summarizer.models.base import Generation, Model, budgets
from summarizer.settings import Settings, cache_dir


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class LLMCache:
    def __init__(self, directory: Path | None = None, enabled: bool | None = None) -> None:
        self.directory = directory or (cache_dir() / "llm")
        self.enabled = Settings.from_config().llm_cache if enabled is None else enabled
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(*, text: str, model: str, prompt_version: str, settings: str = "") -> str:
        raw = json.dumps([text_hash(text), model, prompt_version, settings])
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> Generation | None:
        if not self.enabled:
            return None
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            gen = Generation(data["text"], data["prompt_tokens"], data["completion_tokens"], data["seconds"])
        except (OSError, ValueError, KeyError, TypeError):
            self.misses += 1
            return None
        self.hits += 1
        return gen

    def put(self, key: str, gen: Generation) -> None:
        if not self.enabled:
            return
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            data = {"text": gen.text, "prompt_tokens": gen.prompt_tokens,
                    "completion_tokens": gen.completion_tokens, "seconds": gen.seconds}
            with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False)
            os.replace(fh.name, path)
        except OSError:
            pass  # a read-only or full cache dir must not break a summary


def cached_chat(
    model: Model,
    messages: list[dict[str, str]],
    *,
    prompt_version: str,
    max_tokens: int,
    stop: list[str] | None = None,
    cache: LLMCache | None = None,
    opening: int = 0,
) -> tuple[Generation, bool]:
    """model.chat at temperature 0 through the cache. Returns (generation, came_from_cache)."""
    return cached_chat_many(model, [messages], prompt_version=prompt_version, max_tokens=max_tokens, stop=stop,
                            cache=cache, opening=opening)[0]


def cached_chat_many(
    model: Model,
    conversations: list[list[dict[str, str]]],
    *,
    prompt_version: str,
    max_tokens: int | list[int],
    stop: list[str] | None = None,
    cache: LLMCache | None = None,
    opening: int = 0,
) -> list[tuple[Generation, bool]]:
    """cached_chat for several conversations; the ones not in the cache are decoded side by side when the
    backend can (Model.chat_many). max_tokens: one budget, or one per conversation. opening: how many
    leading messages are the prompt file's fixed part (Prompt.opening), which llama.cpp keeps cached."""
    cache = cache or LLMCache()
    each = budgets(max_tokens, len(conversations))
    keys = [cache.key(text=json.dumps(messages, ensure_ascii=False), model=model.name, prompt_version=prompt_version,
                      settings=json.dumps([budget, stop])) for messages, budget in zip(conversations, each)]
    results: list[tuple[Generation, bool] | None] = []
    for key in keys:
        hit = cache.get(key)
        results.append((hit, True) if hit is not None else None)
    missing = [i for i, r in enumerate(results) if r is None]
    if missing:
        if opening:
            model.remember_prefix(conversations[missing[0]][:opening])
        gens = model.chat_many([conversations[i] for i in missing], max_tokens=[each[i] for i in missing],
                         temperature=0.0, stop=stop, seed=0)
        for i, gen in zip(missing, gens):
            cache.put(keys[i], gen)
            results[i] = (gen, False)
    return results  # type: ignore[return-value]
