"""The llama.cpp decoder (models/llama_batch.py) with the real default model: side-by-side decoding gives
what one-at-a-time decoding gives, a cached prompt prefix is not read again, a full context drops old
cached prompts instead of failing, and a prompt opening saved to disk (kv_files.py) is loaded by a new
context instead of being read again."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.model

QUESTIONS = ["What is 17 + 25? Answer with the number only.",
             "What is the capital of France? Answer with one word.",
             "Write the word 'cat' in capital letters, nothing else."]


def test_side_by_side_answers_equal_one_at_a_time(default_model):
    one_by_one = [default_model.chat([{"role": "user", "content": q}], max_tokens=8).text for q in QUESTIONS]
    together = [g.text for g in default_model.chat_many([[{"role": "user", "content": q}] for q in QUESTIONS],
                                                       max_tokens=[8, 8, 4])]
    assert "42" in one_by_one[0] and "Paris" in one_by_one[1] and "CAT" in one_by_one[2]
    assert together == one_by_one


def test_two_threads_calls_are_merged_and_each_gets_what_it_would_alone(default_model):
    """models/gather.py on the real decoder: two articles in flight, each asks one question with its own
    stop strings; one decode answers both, each stopped where its own stop says."""
    import threading

    alone = [default_model.chat([{"role": "user", "content": q}], max_tokens=8, stop=s).text
             for q, s in ((QUESTIONS[0], ["2"]), (QUESTIONS[1], None))]
    gather = default_model._gather
    answers: dict[int, str] = {}
    barrier = threading.Barrier(2)
    turns = gather.turns

    def article(i, q, stop):
        with default_model.working():
            barrier.wait()
            answers[i] = default_model.chat([{"role": "user", "content": q}], max_tokens=8, stop=stop).text

    threads = [threading.Thread(target=article, args=(0, QUESTIONS[0], ["2"])),
               threading.Thread(target=article, args=(1, QUESTIONS[1], None))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert gather.turns == turns + 1  # one decode for both
    assert [answers[0], answers[1]] == alone
    assert "42" not in answers[0] and "Paris" in answers[1]  # the first stopped at "2", the second did not


def test_a_cached_prefix_is_not_read_again_even_when_prompts_alternate(default_model):
    decoder = default_model._decoder
    prefix_a = default_model._llm.tokenize(("Report A. " + "The index fell. " * 60).encode(), add_bos=False)
    prefix_b = default_model._llm.tokenize(("Report B. " + "The index rose. " * 60).encode(), add_bos=False)
    q1 = default_model._llm.tokenize(" Question one?".encode(), add_bos=False)
    q2 = default_model._llm.tokenize(" Question two?".encode(), add_bos=False)
    first_a = decoder.generate([prefix_a + q1], max_tokens=1, stop=[])[0]
    decoder.generate([prefix_b + q1], max_tokens=1, stop=[])  # another prompt in between
    second_a = decoder.generate([prefix_a + q2], max_tokens=1, stop=[])[0]
    assert first_a.evaluated_prompt_tokens == len(prefix_a + q1)
    assert second_a.evaluated_prompt_tokens <= len(q2) + 1


def test_a_full_context_drops_old_cached_prompts_instead_of_failing(default_model):
    decoder = default_model._decoder
    prompts = [default_model._llm.tokenize((f"Note {i}: " + f"item {i} costs {i} kroner. " * 80).encode(),
                                           add_bos=False) for i in range(12)]
    assert sum(map(len, prompts)) > 2 * decoder.n_ctx  # they cannot all stay cached
    for start in range(0, len(prompts), 3):
        outs = decoder.generate(prompts[start:start + 3], max_tokens=2, stop=[])
        assert all(o.tokens for o in outs)
    assert len({c for slot in decoder._slots for c in slot.cells}) <= decoder.n_ctx


def test_a_prompt_opening_is_saved_and_a_new_context_loads_it_instead_of_reading_it(default_model, tmp_path):
    import llama_cpp

    from summarizer.models.kv_files import KVFiles
    from summarizer.models.llama_batch import BatchDecoder

    system = {"role": "system", "content": "You answer questions about numbers, briefly. " * 8}
    prompt, _ = default_model._prompt_tokens([system, {"role": "user", "content": "What is 17 + 25? Number only."}])
    opening = default_model._llm.tokenize(default_model._opening_template(messages=[system]).prompt.encode(),
                                          add_bos=False, special=True)
    assert prompt[:len(opening)] == opening
    question = prompt[len(opening):]

    def decoder() -> BatchDecoder:
        return BatchDecoder(llama_cpp, default_model._llm.model, n_ctx=512, threads=default_model.threads,
                            kv_files=KVFiles(llama_cpp, tmp_path))

    first = decoder()
    first.remember(opening)
    assert len(list(tmp_path.glob("*.kv"))) == 1
    answer = first.generate([prompt], max_tokens=6, stop=[])[0]
    first.close()

    second = decoder()
    second._prefill = None  # reading the opening again would fail: it must come from the file
    second.remember(opening)
    again = second.generate([prompt], max_tokens=6, stop=[])[0]
    assert again.evaluated_prompt_tokens == len(question)
    assert "42" in again.text and again.text == answer.text
    second.close()

    (file,) = tmp_path.glob("*.kv")
    file.write_bytes(b"not a state file")
    third = decoder()
    third.remember(opening)  # a broken file is read again and replaced, not trusted
    assert third.generate([prompt], max_tokens=6, stop=[])[0].text == answer.text
    assert file.stat().st_size > 1000
    third.close()


def test_a_release_without_the_c_functions_falls_back_to_the_public_api(default_model, monkeypatch):
    """Another llama-cpp-python release that renamed a C function: a warning and the public
    create_chat_completion path, never a crash."""
    import llama_cpp

    from summarizer.models.llama_cpp import LlamaCppChat

    monkeypatch.delattr(llama_cpp, "llama_memory_seq_cp")
    with pytest.warns(RuntimeWarning, match="llama_memory_seq_cp"):
        model = LlamaCppChat(default_model.path, name="fallback", threads=default_model.threads, n_ctx=1024)
    try:
        answers = model.chat_many([[{"role": "user", "content": q}] for q in QUESTIONS[:2]], max_tokens=8)
        assert "42" in answers[0].text and "Paris" in answers[1].text
        assert answers[0].completion_tokens >= 1 and model.count_tokens("Paris") >= 1
    finally:
        model.close()
