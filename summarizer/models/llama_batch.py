"""Decoding several prompts at once on one llama.cpp context, with the KV cache of recent prompts kept.

Why not llama-cpp-python's create_chat_completion: it runs one sequence and keeps only the last prompt.
On these 2 CPU cores a generated token costs a pass over the weights (1 thread 5.9 tok/s, 2 threads 10.8:
bound by reading them), so a batch of several sequences costs little more than one: one sequence 10.2
tokens/s, four side by side 22.2 tokens/s in all (`bench/model_speed.py`). And llama.cpp's KV cache holds
many sequences, so each recent prompt stays cached under its own sequence id; a new prompt copies the longest
matching prefix (copies share cells, nothing is duplicated) and pays only for its new tail, even when calls
alternate between a summary prompt and a translation prompt.

Greedy at temperature 0 (what newsum uses: reproducible); plain temperature sampling with a fixed seed otherwise.
Uses llama.cpp's C API through llama-cpp-python's bindings (pinned in pyproject.toml: this API moves).
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field

import numpy as np

from summarizer.errors import ModelError
from summarizer.models.base import budgets as per_prompt

# Sequences decoded side by side (a summary has at most 3 sentences; `translate --lines` hands over 4).
MAX_PARALLEL = 4
# Sequence ids in the context: MAX_PARALLEL working ones plus cached prompts (least recently used go first).
SLOTS = 16


@dataclass
class Output:
    tokens: list[int] = field(default_factory=list)
    text: str = ""
    prompt_tokens: int = 0
    evaluated_prompt_tokens: int = 0  # the prompt's tail that was not in the cache


@dataclass
class _Slot:
    tokens: list[int] = field(default_factory=list)  # what the KV cache holds for this sequence id, in order
    cells: list[int] = field(default_factory=list)  # one id per token: a copied prefix shares its source's
    last_used: int = 0


def _draft(history: list[int], size: int) -> list[int]:
    """Up to size tokens that followed the latest earlier occurrence of history's last two tokens."""
    if len(history) < 3:
        return []
    a, b = history[-2], history[-1]
    for j in range(len(history) - 3, -1, -1):
        if history[j] == a and history[j + 1] == b:
            return history[j + 2:j + 2 + size]
    return []


def _common_prefix(a: list[int], b: list[int]) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


# The llama.cpp C functions this decoder calls. They change between llama-cpp-python releases; when one is
# missing, llama_cpp.py falls back to the public create_chat_completion path instead of crashing.
REQUIRED_SYMBOLS = (
    "llama_batch_init", "llama_batch_free", "llama_context_default_params", "llama_decode", "llama_free",
    "llama_get_logits_ith", "llama_get_memory", "llama_init_from_model", "llama_memory_seq_cp",
    "llama_memory_seq_rm", "llama_model_get_vocab", "llama_n_ctx", "llama_state_seq_load_file",
    "llama_state_seq_save_file", "llama_token_to_piece", "llama_vocab_is_eog", "llama_vocab_n_tokens",
)


def missing_symbols(llama_cpp) -> list[str]:
    """The C functions BatchDecoder needs that this llama_cpp module lacks (empty: the fast path works)."""
    return [name for name in REQUIRED_SYMBOLS if not hasattr(llama_cpp, name)]


class BatchDecoder:
    def __init__(self, llama_cpp, model, *, n_ctx: int, threads: int, n_batch: int = 512, kv_files=None,
                 draft_tokens: int = 3) -> None:
        # Guessed tokens checked per step of a lone sequence (_step_with_draft): 3 guesses + the token = a
        # batch of 4; 0 gives plain greedy steps.
        self.draft_tokens = draft_tokens
        self._L = llama_cpp
        self._files = kv_files  # a kv_files.KVFiles: remember() saves and loads prompt openings there
        params = llama_cpp.llama_context_default_params()
        params.n_ctx = n_ctx
        params.n_batch = params.n_ubatch = n_batch
        params.n_seq_max = SLOTS
        params.kv_unified = True  # one pool of n_ctx cells for all sequences: copied prefixes share cells
        params.n_threads = params.n_threads_batch = threads
        params.no_perf = True
        self._ctx = llama_cpp.llama_init_from_model(model, params)
        if not self._ctx:
            raise ModelError("llama.cpp could not create a context (out of memory?); lower config key `n_ctx`")
        self.n_ctx = llama_cpp.llama_n_ctx(self._ctx)
        self._n_batch = n_batch
        self._mem = llama_cpp.llama_get_memory(self._ctx)
        self._vocab = llama_cpp.llama_model_get_vocab(model)
        self._n_vocab = llama_cpp.llama_vocab_n_tokens(self._vocab)
        self._batch = llama_cpp.llama_batch_init(n_batch, 0, 1)
        self._slots = [_Slot() for _ in range(SLOTS)]
        self._clock = 0
        self._next_cell = 0
        self._pieces: dict[int, bytes] = {}

    # -- public -------------------------------------------------------------------------------------

    def generate(self, prompts: list[list[int]], *, max_tokens: int | list[int], stop: list[str] | list[list[str]],
                 temperature: float = 0.0, seed: int = 0) -> list[Output]:
        """One Output per prompt, in order; at most MAX_PARALLEL are decoded side by side at a time.
        max_tokens: one budget for all, or one per prompt; stop: one list of stop strings for all, or one
        list per prompt (calls of several articles merged by gather.py stop differently)."""
        budgets = per_prompt(max_tokens, len(prompts))
        stops = [list(s) for s in stop] if stop and not isinstance(stop[0], str) else [list(stop)] * len(prompts)
        for p, budget in zip(prompts, budgets):
            if not p:
                raise ModelError("empty prompt")
            if len(p) + budget > self.n_ctx:
                raise ModelError(f"Requested tokens ({len(p) + budget}) exceed context window of {self.n_ctx}")
        outputs: list[Output] = []
        rng = np.random.default_rng(seed)
        group: list[int] = []
        for i in range(len(prompts) + 1):
            # A group is at most MAX_PARALLEL prompts whose tokens and budgets fit in the context together.
            fits = i < len(prompts) and len(group) < MAX_PARALLEL and \
                sum(len(prompts[j]) + budgets[j] for j in group + [i]) <= self.n_ctx
            if group and not fits:
                outputs += self._generate_group([prompts[j] for j in group], [budgets[j] for j in group],
                                                [stops[j] for j in group], temperature, rng)
                group = []
            if i < len(prompts):
                group.append(i)
        return outputs

    def remember(self, tokens: list[int]) -> None:
        """Make sure the KV cache holds tokens (a prompt's fixed opening): already cached, loaded from the
        saved file, or read now and saved for the next process."""
        if len(tokens) < 2 or any(_common_prefix(slot.tokens, tokens) == len(tokens) for slot in self._slots):
            return
        (seq,) = self._place([tokens + [-1]])  # -1: a stand-in last token, so _place may reuse all of tokens
        if self._files is not None and len(self._slots[seq].tokens) < len(tokens):
            self._drop(seq)
            self._make_room(len(tokens), [seq])
            if self._files.load(self._ctx, seq, tokens):
                for tok in tokens:
                    self._append(seq, tok)
                return
        self._prefill(tokens, seq)
        if self._files is not None:
            self._files.save(self._ctx, seq, tokens)

    def close(self) -> None:
        if self._ctx:
            self._L.llama_batch_free(self._batch)
            self._L.llama_free(self._ctx)
            self._ctx = None

    # -- one group of sequences --------------------------------------------------------------------

    def _generate_group(self, prompts, budgets, stops, temperature, rng) -> list[Output]:
        if len(prompts) > 1:  # read their shared beginning (system message, fixed examples) once, not per prompt
            shared = prompts[0][:min(_common_prefix(prompts[0], p) for p in prompts[1:])]
            self._prefill(shared[:min(map(len, prompts)) - 1])
        seqs = self._place(prompts)
        self._make_room(sum(len(p) - len(self._slots[s].tokens) for s, p in zip(seqs, prompts)) + sum(budgets)
                        + self.draft_tokens, seqs)
        outs = [Output(prompt_tokens=len(p)) for p in prompts]
        pending: list[int | None] = [None] * len(prompts)  # each sequence's sampled, not yet decoded token

        # The prompts' uncached tails, several sequences per batch; logits only at each prompt's last token.
        work = []
        for i, (seq, prompt) in enumerate(zip(seqs, prompts)):
            have = len(self._slots[seq].tokens)
            outs[i].evaluated_prompt_tokens = len(prompt) - have
            work += [(tok, pos, seq, i if pos == len(prompt) - 1 else None) for pos, tok in enumerate(prompt) if pos >= have]
        for start in range(0, len(work), self._n_batch):
            chunk = work[start:start + self._n_batch]
            self._decode([(tok, pos, seq, want is not None) for tok, pos, seq, want in chunk], keep=seqs)
            for j, (tok, _pos, seq, want) in enumerate(chunk):
                self._append(seq, tok)
                if want is not None:
                    pending[want] = self._sample(j, temperature, rng)

        # Generation: one token per live sequence per step.
        live = set(range(len(prompts)))
        while True:
            for i in sorted(live):
                if self._finish(outs[i], pending[i], budgets[i], stops[i]):
                    live.discard(i)
            if not live:
                break
            order = sorted(live)
            if len(order) == 1 and temperature <= 0:
                i = order[0]
                pending[i] = self._step_with_draft(seqs[i], prompts[i], outs[i], pending[i], budgets[i], stops[i])
                if pending[i] is None:
                    live.discard(i)
                continue
            self._decode([(pending[i], len(self._slots[seqs[i]].tokens), seqs[i], True) for i in order], keep=seqs)
            for j, i in enumerate(order):
                self._append(seqs[i], pending[i])
                pending[i] = self._sample(j, temperature, rng)
        return outs

    def _step_with_draft(self, seq: int, prompt: list[int], out: Output, token: int, budget: int,
                         stop: list[str]) -> int | None:
        """One greedy step of a lone sequence, with prompt-lookup drafting: when the last tokens occurred
        before (a summary copies phrases of its article), the tokens that followed them are decoded in the
        same batch and kept as far as the model agrees: the result is what plain greedy decoding gives, in
        less time (`bench/summaries.py` against `--no-draft`). Returns the next token, None when out finished."""
        position = len(self._slots[seq].tokens)
        # No guesses past the budget or the context: they could never be kept.
        draft = _draft(prompt + out.tokens, self.draft_tokens)[:max(0, min(budget - len(out.tokens), self.n_ctx - position - 1))]
        self._decode([(t, position + k, seq, True) for k, t in enumerate([token] + draft)], keep=[seq])
        self._append(seq, token)
        nxt = self._sample(0, 0.0, None)
        for k, guess in enumerate(draft, 1):
            if nxt != guess:
                break
            if self._finish(out, nxt, budget, stop):
                nxt = None
                break
            self._append(seq, guess)
            nxt = self._sample(k, 0.0, None)
        self._L.llama_memory_seq_rm(self._mem, seq, len(self._slots[seq].tokens), -1)  # the refused guesses
        return nxt

    def _prefill(self, tokens: list[int], seq: int | None = None) -> None:
        """Put tokens in the cache as a prompt of their own (no logits), unless most of them already are;
        in sequence seq when given (it holds a prefix of tokens)."""
        if seq is None:
            if len(tokens) - max(_common_prefix(slot.tokens, tokens) for slot in self._slots) < 8:
                return
            (seq,) = self._place([tokens + [-1]])  # -1: a stand-in last token, so _place may reuse all of tokens
        have = len(self._slots[seq].tokens)
        self._make_room(len(tokens) - have, [seq])
        for start in range(have, len(tokens), self._n_batch):
            chunk = tokens[start:start + self._n_batch]
            self._decode([(tok, start + k, seq, False) for k, tok in enumerate(chunk)], keep=[seq])
            for tok in chunk:
                self._append(seq, tok)

    def _finish(self, out: Output, token: int, max_tokens: int, stop: list[str]) -> bool:
        """Take the sampled token into out; True when the sequence is done (the token then is not kept)."""
        if self._L.llama_vocab_is_eog(self._vocab, token):
            return True
        out.tokens.append(token)
        text = b"".join(self._piece(t) for t in out.tokens).decode("utf-8", errors="ignore")
        cut = min((k for k in (text.find(s) for s in stop if s) if k >= 0), default=-1)
        if cut >= 0:
            out.text = text[:cut]
            return True
        out.text = text
        return len(out.tokens) >= max_tokens

    # -- the KV cache ------------------------------------------------------------------------------

    def _place(self, prompts: list[list[int]]) -> list[int]:
        """A sequence id for each prompt, holding the longest cached prefix of it (at most len - 1 tokens:
        the last prompt token is always evaluated, for its logits). Cached sequences used as sources stay."""
        self._clock += 1
        matches = []
        for p in prompts:
            best, n = max(((s, _common_prefix(slot.tokens, p)) for s, slot in enumerate(self._slots)),
                          key=lambda x: x[1])
            matches.append((best, min(n, len(p) - 1)))
        sources = {s for s, n in matches if n}
        free = sorted((s for s in range(SLOTS) if s not in sources), key=lambda s: self._slots[s].last_used)
        seqs = []
        for best, n in matches:
            target = free.pop(0)
            self._drop(target)
            if n:
                self._L.llama_memory_seq_cp(self._mem, best, target, 0, n)
                self._slots[best].last_used = self._clock
            source = self._slots[best]
            self._slots[target] = _Slot(tokens=source.tokens[:n], cells=source.cells[:n], last_used=self._clock)
            seqs.append(target)
        return seqs

    def _append(self, seq: int, token: int) -> None:
        slot = self._slots[seq]
        slot.tokens.append(token)
        slot.cells.append(self._next_cell)
        self._next_cell += 1

    def _make_room(self, need: int, keep: list[int]) -> None:
        """Drop least recently used cached prompts (never those in keep) until need more cells fit."""
        def used() -> int:
            return len({c for slot in self._slots for c in slot.cells})

        idle = sorted((s for s in range(SLOTS) if s not in keep and self._slots[s].tokens),
                      key=lambda s: self._slots[s].last_used)
        while idle and used() + need > self.n_ctx:
            self._drop(idle.pop(0))

    def _drop(self, seq: int) -> None:
        self._L.llama_memory_seq_rm(self._mem, seq, -1, -1)
        self._slots[seq] = _Slot()

    def _decode(self, items: list[tuple[int, int, int, bool]], *, keep: list[int]) -> None:
        """llama_decode one batch of (token, position, sequence, want logits). When the KV cells run out,
        the cached prompts not in use (not in keep) are dropped and the batch is tried once more."""
        b = self._batch
        b.n_tokens = len(items)
        for k, (tok, pos, seq, logits) in enumerate(items):
            b.token[k], b.pos[k], b.n_seq_id[k], b.logits[k] = tok, pos, 1, logits
            b.seq_id[k][0] = seq
        rc = self._L.llama_decode(self._ctx, b)
        if rc == 1:  # _make_room's count was off (should not happen): drop every cached prompt not in use
            for s, slot in enumerate(self._slots):
                if s not in keep and slot.tokens:
                    self._drop(s)
            rc = self._L.llama_decode(self._ctx, b)
        if rc != 0:
            raise ModelError(f"llama.cpp decode failed (code {rc}); the context is full: raise config key `n_ctx`"
                             if rc == 1 else f"llama.cpp decode failed (code {rc})")

    # -- tokens ------------------------------------------------------------------------------------

    def _sample(self, index: int, temperature: float, rng) -> int:
        logits = np.ctypeslib.as_array(self._L.llama_get_logits_ith(self._ctx, index), shape=(self._n_vocab,))
        if temperature <= 0:
            return int(np.argmax(logits))
        top = np.argpartition(logits, -40)[-40:]  # top-k 40, like llama.cpp's default sampler chain
        weights = np.exp((logits[top] - logits[top].max()) / temperature)
        return int(rng.choice(top, p=weights / weights.sum()))

    def _piece(self, token: int) -> bytes:
        piece = self._pieces.get(token)
        if piece is None:
            buf = ctypes.create_string_buffer(64)
            n = self._L.llama_token_to_piece(self._vocab, token, buf, len(buf), 0, False)
            if n < 0:
                buf = ctypes.create_string_buffer(-n)
                n = self._L.llama_token_to_piece(self._vocab, token, buf, len(buf), 0, False)
            piece = self._pieces[token] = buf.raw[:n]
        return piece
