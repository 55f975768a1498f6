"""models/gather.py: calls from articles in flight side by side are decoded together, each caller gets
its own outputs, an error reaches every caller of that decode, and a lone article never waits."""

from __future__ import annotations

import threading
import time

import pytest

from summarizer.models.gather import Gatherer


class RecordingDecode:
    def __init__(self, fail: bool = False, seconds: float = 0.0) -> None:
        self.batches: list[list[str]] = []
        self.fail = fail
        self.seconds = seconds
        self.active = 0
        self.overlapped = False

    def __call__(self, prompts, budgets, key):
        self.active += 1
        self.overlapped |= self.active > 1
        try:
            time.sleep(self.seconds)
            self.batches.append(list(prompts))
            if self.fail:
                raise RuntimeError("decode failed")
            return [f"{p}:{b}:{key[0]}" for p, b in zip(prompts, budgets)]
        finally:
            self.active -= 1


def _in_threads(gather: Gatherer, jobs):
    """Run each job (a list of (prompts, budgets, key) calls) in its own thread inside working()."""
    results: dict[int, list] = {}
    errors: dict[int, BaseException] = {}
    barrier = threading.Barrier(len(jobs))

    def worker(i, calls):
        with gather.working():
            barrier.wait()
            out = []
            try:
                for prompts, budgets, key in calls:
                    out.append(gather.run(prompts, budgets, key))
            except BaseException as exc:  # noqa: BLE001 - recorded for the test
                errors[i] = exc
            results[i] = out

    threads = [threading.Thread(target=worker, args=(i, calls)) for i, calls in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return results, errors


def test_two_articles_calls_are_decoded_together_and_split_back():
    decode = RecordingDecode()
    gather = Gatherer(decode, wait=5.0)
    results, errors = _in_threads(gather, [
        [(["a1", "a2"], [10, 11], ("x",))],
        [(["b1"], [20], ("x",))],
    ])
    assert not errors
    assert len(decode.batches) == 1 and sorted(decode.batches[0]) == ["a1", "a2", "b1"]
    assert results[0] == [["a1:10:x", "a2:11:x"]]
    assert results[1] == [["b1:20:x"]]
    assert (gather.calls, gather.turns) == (2, 1)


def test_calls_that_decode_differently_are_not_merged():
    decode = RecordingDecode()
    gather = Gatherer(decode, wait=5.0)
    results, errors = _in_threads(gather, [[(["a"], [1], ("x",))], [(["b"], [2], ("y",))]])
    assert not errors and not decode.overlapped
    assert sorted(map(tuple, decode.batches)) == [("a",), ("b",)]
    assert results == {0: [["a:1:x"]], 1: [["b:2:y"]]}


def test_an_error_reaches_every_caller_of_that_decode():
    gather = Gatherer(RecordingDecode(fail=True), wait=5.0)
    results, errors = _in_threads(gather, [[(["a"], [1], ("x",))], [(["b"], [2], ("x",))]])
    assert set(errors) == {0, 1} and all(str(e) == "decode failed" for e in errors.values())


def test_a_lone_article_never_waits_for_others():
    gather = Gatherer(RecordingDecode(), wait=5.0)
    started = time.monotonic()
    with gather.working():
        assert gather.run(["a"], [3], ("x",)) == ["a:3:x"]
    assert gather.run(["b"], [4], ("x",)) == ["b:4:x"]  # a caller outside working() (newsum translate)
    assert time.monotonic() - started < 1.0


def test_a_leader_stops_waiting_when_the_other_article_finishes():
    decode = RecordingDecode()
    gather = Gatherer(decode, wait=5.0)
    other_done = threading.Event()

    def other():
        with gather.working():
            other_done.wait(5)

    t = threading.Thread(target=other)
    t.start()
    time.sleep(0.05)
    threading.Timer(0.2, other_done.set).start()
    started = time.monotonic()
    with gather.working():
        assert gather.run(["a"], [1], ("x",)) == ["a:1:x"]
    t.join(5)
    assert 0.1 < time.monotonic() - started < 2.0  # waited for the other article, not the full 5 s


def test_decodes_never_overlap_and_exclusive_work_takes_a_turn():
    decode = RecordingDecode(seconds=0.05)
    gather = Gatherer(decode, wait=0.01)
    order: list[str] = []

    def exclusive():
        assert decode.active == 0
        order.append("remember")

    jobs = [[([f"{i}-{k}"], [1], ("x",)) for k in range(3)] for i in range(3)]
    runner = threading.Thread(target=lambda: [gather.exclusive(exclusive) for _ in range(5)])
    runner.start()
    results, errors = _in_threads(gather, jobs)
    runner.join(5)
    assert not errors and not decode.overlapped and order == ["remember"] * 5
    assert results == {i: [[f"{i}-{k}:1:x"] for k in range(3)] for i in range(3)}


@pytest.mark.parametrize("wait", [0.0, 0.2])
def test_every_call_is_answered_once(wait):
    decode = RecordingDecode()
    gather = Gatherer(decode, wait=wait)
    jobs = [[([f"{i}-{k}", f"{i}-{k}b"], [k, k], ("x",)) for k in range(5)] for i in range(4)]
    results, errors = _in_threads(gather, jobs)
    assert not errors
    decoded = sorted(p for batch in decode.batches for p in batch)
    assert decoded == sorted(f"{i}-{k}{s}" for i in range(4) for k in range(5) for s in ("", "b"))
    assert gather.turns < gather.calls  # some calls were merged
