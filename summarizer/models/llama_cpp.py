"""llama.cpp backend (llama-cpp-python) for GGUF chat models: the default, on CPU.

Deterministic by default (temperature 0 is greedy decoding; a fixed seed for anything else). The prompt
is built with the GGUF's own chat template (create_chat_completion). llama-cpp-python keeps the KV cache
of the previous call and re-evaluates only the tokens after the longest common prefix, so consecutive
calls that share a few-shot prefix pay for it once: order calls so that prompts sharing a prefix follow
each other. A LlamaRAMCache (config `prompt_cache_mb`) also keeps earlier prefixes when calls alternate
between prompts; it is off by default because each saved state holds the full logits buffer (measured:
repeated ~400-token prefixes 12-17 s -> 1-2 s per call, but peak RSS 1.9 -> 3.4 GB with 2048 MB).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ..errors import ModelError
from .base import Generation
from .packaged import PIP_HINT

DEFAULT_N_CTX = 4096


class LlamaCppChat:
    kind = "chat"

    def __init__(
        self,
        path: Path,
        *,
        name: str,
        threads: int,
        n_ctx: int = DEFAULT_N_CTX,
        seed: int = 0,
        prompt_cache_mb: int = 0,
    ) -> None:
        # llama.cpp's OpenMP threads spin while waiting. On a 2-core machine shared with other work that
        # collapses generation (measured 0.3-0.7 tok/s busy-waiting vs 2.8-3.0 passive at load average 8);
        # passive waiting costs little when the cores are free. Must be set before libgomp loads; a value
        # the user set wins.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            import llama_cpp
        except ImportError as exc:
            raise ModelError(f"the llama.cpp backend is not installed; run: {PIP_HINT}") from exc
        self.name = name
        self.path = Path(path)
        self.threads = threads
        started = time.perf_counter()
        try:
            self._llm = llama_cpp.Llama(
                model_path=str(self.path),
                n_ctx=n_ctx,
                n_threads=threads,
                n_threads_batch=threads,
                seed=seed,
                verbose=False,  # llama.cpp otherwise prints hundreds of load lines to stderr
            )
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelError(f"llama.cpp could not load {self.path}: {exc}") from exc
        self.load_seconds = time.perf_counter() - started
        self.n_ctx = self._llm.n_ctx()
        if prompt_cache_mb > 0:
            self._llm.set_cache(llama_cpp.LlamaRAMCache(capacity_bytes=prompt_cache_mb << 20))

    def count_tokens(self, text: str) -> int:
        """Tokens in text (no chat template), to budget prompts against n_ctx."""
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def chat(
        self,
        messages: list[dict[str, str]],
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: list[str] | None = None,
        seed: int = 0,
    ) -> Generation:
        started = time.perf_counter()
        try:
            result = self._llm.create_chat_completion(
                messages=messages,
                max_tokens=max_tokens,
                temperature=temperature,
                stop=stop or [],
                seed=seed,
            )
        except ValueError as exc:  # "Requested tokens (N) exceed context window of M"
            raise ModelError(f"{self.name}: {exc}; shorten the prompt or raise config key `n_ctx`") from exc
        usage = result.get("usage") or {}
        return Generation(
            text=(result["choices"][0]["message"].get("content") or "").strip(),
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            seconds=time.perf_counter() - started,
        )

    def close(self) -> None:
        llm = getattr(self, "_llm", None)
        if llm is not None:
            llm.close()
            self._llm = None

    def __repr__(self) -> str:
        return f"LlamaCppChat({self.name!r}, path={str(self.path)!r}, threads={self.threads}, n_ctx={self.n_ctx})"
