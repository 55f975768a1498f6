"""Several articles' model calls, from several threads, decoded together on one llama.cpp context.

Why: a generated token costs a pass over the weights, and a batch of sequences can cost less than the same
sequences one after another (llama_batch.py). One article gives the decoder one summary at a time and a few
sentences to translate; two articles in flight give it twice the sequences per pass. The digest runs
`model_concurrency` articles in threads; each thread's `chat_many` lands here. On 2 CPU cores it measured
slower (a lone sequence gets prompt-lookup drafting, merged ones do not; BENCHMARKS.md "Session 8: digest
speed"), so the digest asks for it only when the config does; it also makes the model safe to share.

How: a call joins a queue. When no decode is running, the caller leads: it waits (at most WAIT seconds) until
every article in flight (`working()`) has a call queued, takes the queued calls that decode alike (same
temperature and seed), runs them as one decode and hands each caller its outputs. A caller whose
call was taken by another leader just waits. One article alone (the CLI) never waits: it is the only one in
flight. Exclusive work on the context (reading a prompt opening into the cache) takes the same turn.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

# At most this long a leader waits for the other articles' calls: an article between two calls is running
# the checks (tens of milliseconds) or its key facts (up to a few hundred); one that is not back by then
# decodes in the next turn.
WAIT = 0.5


@dataclass(eq=False)
class _Call:
    prompts: list[Any]
    budgets: list[int]
    key: tuple  # calls decode together only when these agree (temperature, seed)
    outputs: list[Any] | None = None
    error: BaseException | None = None
    done: bool = False  # read and set under the Gatherer's condition

    def result(self) -> list[Any]:
        if self.error is not None:
            raise self.error
        return self.outputs


class Gatherer:
    """decode(prompts, budgets, key) -> outputs, one per prompt in order: the one function that touches the
    context; Gatherer makes it safe and shared across threads."""

    def __init__(self, decode: Callable[[list[Any], list[int], tuple], list[Any]], *, wait: float = WAIT) -> None:
        self._decode = decode
        self._wait = wait
        self._cond = threading.Condition()
        self._queue: list[_Call] = []
        self._busy = False
        self._in_flight = 0
        self.turns = 0  # decodes run (for the bench: calls / turns is how much was merged)
        self.calls = 0

    @contextmanager
    def working(self) -> Iterator[None]:
        """One article's model work is in flight: leaders wait for its calls (released when it is done)."""
        with self._cond:
            self._in_flight += 1
        try:
            yield
        finally:
            with self._cond:
                self._in_flight -= 1
                self._cond.notify_all()  # a leader waiting for this article's next call stops waiting

    def run(self, prompts: list[Any], budgets: list[int], key: tuple) -> list[Any]:
        call = _Call(prompts, budgets, key)
        with self._cond:
            self._queue.append(call)
            self.calls += 1
            self._cond.notify_all()
            while not call.done and self._busy:
                self._cond.wait()
            if call.done:
                return call.result()
            self._busy = True  # this caller leads the next decode
            deadline = time.monotonic() + self._wait
            while len(self._queue) < self._in_flight and (left := deadline - time.monotonic()) > 0:
                self._cond.wait(left)
            batch = [c for c in self._queue if c.key == call.key]
            self._queue = [c for c in self._queue if c.key != call.key]
            self.turns += 1
        try:
            outputs = self._decode([p for c in batch for p in c.prompts], [b for c in batch for b in c.budgets], key)
            start = 0
            for c in batch:
                c.outputs = outputs[start:start + len(c.prompts)]
                start += len(c.prompts)
        except BaseException as exc:  # every caller of this decode gets the error, in its own thread
            for c in batch:
                c.error = exc
        finally:
            with self._cond:
                for c in batch:
                    c.done = True
                self._busy = False
                self._cond.notify_all()
        return call.result()

    def exclusive(self, work: Callable[[], Any]) -> Any:
        """Run work alone on the context, between two decodes."""
        with self._cond:
            while self._busy:
                self._cond.wait()
            self._busy = True
        try:
            return work()
        finally:
            with self._cond:
                self._busy = False
                self._cond.notify_all()
