"""llama.cpp backend (llama-cpp-python) for GGUF chat models: the default, on CPU.

Deterministic by default (temperature 0 is greedy decoding; a fixed seed for anything else). The prompt is
built with the GGUF's own chat template, as llama-cpp-python's create_chat_completion builds it; the
decoding is llama_batch.py's: several conversations side by side (`chat_many`), a KV cache that keeps
recent prompts (a prompt that begins like an earlier one pays only for its new tail), prompt-lookup drafting
for a lone sequence, and `remember_prefix` for a prompt file's fixed opening, saved to disk (kv_files.py).
Several threads may call it: gather.py merges the calls of the articles in flight into one decode.
"""

from __future__ import annotations

import hashlib
import os
import time
import warnings
from pathlib import Path

from summarizer.errors import ModelError
from summarizer.models.base import Generation, Messages, Model, budgets
from summarizer.models.gather import Gatherer
from summarizer.models.packaged import PIP_HINT
from summarizer.settings import DEFAULT_DRAFT_TOKENS, DEFAULT_N_CTX, cache_dir


class LlamaCppChat(Model):
    kind = "chat"

    def __init__(self, path: Path, *, name: str, threads: int, n_ctx: int = DEFAULT_N_CTX,
                 draft_tokens: int = DEFAULT_DRAFT_TOKENS, kv_files: bool = True) -> None:
        # llama.cpp's OpenMP threads spin while waiting. On a 2-core machine shared with other work that
        # collapses generation (measured 0.3-0.7 tok/s busy-waiting vs 2.8-3.0 passive at load average 8);
        # passive waiting costs little when the cores are free. Must be set before libgomp loads; a value
        # the user set wins.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            import llama_cpp
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter
        except ImportError as exc:
            raise ModelError(f"the llama.cpp backend is not installed; run: {PIP_HINT}") from exc
        from summarizer.models.llama_batch import BatchDecoder, missing_symbols

        self.name = name
        self.path = Path(path)
        self.threads = threads
        self._decoder = None
        self._gather = Gatherer(self._decode)
        started = time.perf_counter()
        try:
            missing = missing_symbols(llama_cpp)
            if missing:
                # Another llama-cpp-python release: its public API still works, one conversation at a time.
                warnings.warn(f"llama-cpp-python {llama_cpp.__version__} lacks {', '.join(missing[:3])}: "
                              "decoding without newsum's batched decoder (slower)", RuntimeWarning, stacklevel=2)
                self._llm = llama_cpp.Llama(model_path=str(self.path), n_ctx=n_ctx, n_threads=threads,
                                            n_threads_batch=threads, verbose=False)
            else:
                # The Llama object loads the weights and tokenizes; its own context is never decoded on, so
                # it is kept tiny (its buffers scale with n_ctx and n_batch). BatchDecoder has the real one.
                self._llm = llama_cpp.Llama(
                    model_path=str(self.path), n_ctx=32, n_batch=32, n_threads=threads, n_threads_batch=threads,
                    verbose=False,  # llama.cpp otherwise prints hundreds of load lines to stderr
                )
                self._decoder = BatchDecoder(llama_cpp, self._llm.model, n_ctx=n_ctx, threads=threads,
                                             draft_tokens=draft_tokens,
                                             kv_files=self._kv_files(llama_cpp) if kv_files else None)
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelError(f"llama.cpp could not load {self.path}: {exc}") from exc
        self.load_seconds = time.perf_counter() - started
        self.n_ctx = self._decoder.n_ctx if self._decoder is not None else n_ctx
        template = self._llm.metadata.get("tokenizer.chat_template")
        if not template:
            raise ModelError(f"{self.path} has no chat template (GGUF key tokenizer.chat_template)")
        eos, bos = self._llm.token_eos(), self._llm.token_bos()
        specials = {"template": template, "eos_token": self._llm._model.token_get_text(eos) if eos != -1 else "",
                    "bos_token": self._llm._model.token_get_text(bos) if bos != -1 else "", "stop_token_ids": [eos]}
        self._template = Jinja2ChatFormatter(**specials)
        self._opening_template = Jinja2ChatFormatter(**specials, add_generation_prompt=False)

    def _kv_files(self, llama_cpp):
        """Where prompt openings' KV caches are saved (kv_files.py), per model file and llama.cpp version."""
        from summarizer.models.kv_files import KVFiles
        
        stat = self.path.stat()
        key = f"{self.path.name}|{stat.st_size}|{stat.st_mtime_ns}|{llama_cpp.__version__}"
        return KVFiles(llama_cpp, cache_dir() / "kv" / hashlib.sha256(key.encode()).hexdigest()[:16])

    def remember_prefix(self, messages: list[dict[str, str]]) -> None:
        """Keep the KV cache of these opening messages (a prompt's fixed part), across processes too."""
        if self._decoder is None or not messages:
            return
        tokens = self._tokens(self._opening_template(messages=messages))
        self._gather.exclusive(lambda: self._decoder.remember(tokens))

    def working(self):
        """One article's model work is in flight (gather.py: its calls are decoded with the others')."""
        return self._gather.working()

    def count_tokens(self, text: str) -> int:
        """Tokens in text (no chat template), to budget prompts against n_ctx."""
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def _tokens(self, rendered) -> list[int]:
        """Tokens of a rendered chat template, as create_chat_completion tokenizes it."""
        return self._llm.tokenize(rendered.prompt.encode("utf-8"), add_bos=not rendered.added_special, special=True)

    def _prompt_tokens(self, messages: list[dict[str, str]]) -> tuple[list[int], list[str]]:
        rendered = self._template(messages=messages)
        stop = rendered.stop if isinstance(rendered.stop, list) else [rendered.stop] if rendered.stop else []
        return self._tokens(rendered), stop

    def chat(self, messages: list[dict[str, str]], *, max_tokens: int = 256, temperature: float = 0.0,
             stop: list[str] | None = None, seed: int = 0) -> Generation:
        return self.chat_many([messages], max_tokens=max_tokens, temperature=temperature, stop=stop, seed=seed)[0]

    def chat_many(self, conversations: list[list[dict[str, str]]], *, max_tokens: int | list[int] = 256,
                  temperature: float = 0.0, stop: list[str] | None = None, seed: int = 0) -> list[Generation]:
        """One Generation per conversation, decoded side by side (each gets an equal share of the seconds).
        max_tokens: one budget, or one per conversation."""
        if self._llm is None:
            raise ModelError(f"{self.name} is closed")
        if self._decoder is None:
            return [self._chat_public(m, max_tokens=b, temperature=temperature, stop=stop, seed=seed)
                    for m, b in zip(conversations, budgets(max_tokens, len(conversations)))]
        started = time.perf_counter()
        prompts, template_stops = zip(*(self._prompt_tokens(m) for m in conversations)) if conversations else ((), ())
        stops = list(stop or []) + sorted({s for group in template_stops for s in group})
        try:
            outs = self._gather.run([(p, stops) for p in prompts], budgets(max_tokens, len(prompts)), (temperature, seed))
        except ModelError as exc:
            if "exceed context window" in str(exc):  # shown to users: say what to change
                raise ModelError(f"{self.name}: {exc}; shorten the prompt or raise config key `n_ctx`") from exc
            raise
        share = (time.perf_counter() - started) / max(len(outs), 1)
        return [Generation(text=o.text.strip(), prompt_tokens=o.prompt_tokens, completion_tokens=len(o.tokens),
                           seconds=share) for o in outs]

    def _decode(self, work: list[tuple[list[int], list[str]]], budgets: list[int], key: tuple):
        """The one call that decodes on the context (gather.py calls it, one at a time): work is (prompt
        tokens, stop strings) per conversation, of one article or of several."""
        if self._decoder is None:
            raise ModelError(f"{self.name} is closed")
        temperature, seed = key
        return self._decoder.generate([p for p, _ in work], max_tokens=budgets, stop=[s for _, s in work],
                                      temperature=temperature, seed=seed)

    def _chat_public(self, messages: Messages, *, max_tokens: int, temperature: float, stop, seed: int) -> Generation:
        """llama-cpp-python's public create_chat_completion: the path when the C API has changed."""
        started = time.perf_counter()
        out = self._llm.create_chat_completion(messages=messages, max_tokens=max_tokens, temperature=temperature,
                                               stop=stop, seed=seed)
        usage = out.get("usage") or {}
        return Generation(text=(out["choices"][0]["message"]["content"] or "").strip(),
                          prompt_tokens=usage.get("prompt_tokens", 0), completion_tokens=usage.get("completion_tokens", 0),
                          seconds=time.perf_counter() - started)

    def close(self) -> None:
        decoder, llm = getattr(self, "_decoder", None), getattr(self, "_llm", None)
        self._decoder = self._llm = None
        if decoder is not None:  # the context before the model it uses
            decoder.close()
        if llm is not None:
            llm.close()

    def __repr__(self) -> str:
        return f"LlamaCppChat({self.name!r}, path={str(self.path)!r}, threads={self.threads}, n_ctx={self.n_ctx})"
