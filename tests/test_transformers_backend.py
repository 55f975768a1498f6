"""The transformers backend on tiny models built from configs inside the test.

This checks plumbing, not quality: the weights are random, so the outputs are nonsense words. What is
checked is that a causal chat checkpoint and a Marian translator load from a local folder or from the
local Hugging Face cache through `load_model`, use the chat template / the Marian tokenizer, generate
deterministically within the token budget, apply stop strings, and that missing files or devices are
a ModelError rather than a download or a traceback.

torch and transformers are imported unconditionally: the [test] setup installs the [hf] extra, and a
missing install must fail here, not skip.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sentencepiece as spm
import torch
import transformers
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

from summarizer.errors import ModelError
from summarizer.models import Model, Translator, TranslatorPair, load_model

SENTENCES = [
    "Aktien steg 4,2 pct. i dag",
    "The stock rose 4.2% today",
    "Renten faldt en smule",
    "The rate fell a little",
    "Indekset lukkede højere",
    "The index closed higher",
]


def build_tiny_chat(folder: Path) -> Path:
    """A 2-layer Qwen2 with a byte-level BPE tokenizer trained on SENTENCES and a ChatML template.

    Byte-level BPE is what Qwen2's tokenizer class expects (transformers picks that class from config.json).
    """
    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    tok.train_from_iterator(SENTENCES, trainer)
    fast = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok, pad_token="<|endoftext|>", eos_token="<|im_end|>",
        additional_special_tokens=["<|im_start|>"],
    )
    fast.chat_template = (
        "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
        "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
    )
    fast.save_pretrained(folder)
    config = transformers.Qwen2Config(
        vocab_size=len(fast), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128,
        eos_token_id=fast.eos_token_id, pad_token_id=fast.pad_token_id,
    )
    torch.manual_seed(0)
    transformers.Qwen2ForCausalLM(config).save_pretrained(folder)
    return folder


def build_tiny_marian(folder: Path, seed: int = 0) -> Path:
    """A 1+1-layer MarianMTModel with a real MarianTokenizer (sentencepiece models trained on SENTENCES)."""
    folder.mkdir(parents=True)
    corpus = folder / "corpus.txt"
    corpus.write_text("\n".join(SENTENCES * 3))
    spm.SentencePieceTrainer.train(
        input=str(corpus), model_prefix=str(folder / "sp"), vocab_size=40, model_type="word",
        hard_vocab_limit=False, pad_id=0, eos_id=1, unk_id=2, bos_id=-1, minloglevel=2,
    )
    sp = spm.SentencePieceProcessor(model_file=str(folder / "sp.model"))
    names = {0: "<pad>", 1: "</s>", 2: "<unk>"}
    vocab = {names.get(i, sp.id_to_piece(i)): i for i in range(sp.get_piece_size())}
    (folder / "vocab.json").write_text(json.dumps(vocab))
    for side in ("source", "target"):
        shutil.copy(folder / "sp.model", folder / f"{side}.spm")
    for leftover in ("sp.model", "sp.vocab", "corpus.txt"):
        (folder / leftover).unlink()
    transformers.MarianTokenizer(
        str(folder / "source.spm"), str(folder / "target.spm"), str(folder / "vocab.json")
    ).save_pretrained(folder)
    config = transformers.MarianConfig(
        vocab_size=len(vocab), d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=64,
        pad_token_id=0, eos_token_id=1, decoder_start_token_id=0, forced_eos_token_id=1,
    )
    torch.manual_seed(seed)
    transformers.MarianMTModel(config).save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def tiny_chat(tmp_path_factory) -> Path:
    return build_tiny_chat(tmp_path_factory.mktemp("tiny-chat"))


@pytest.fixture(scope="module")
def tiny_marian(tmp_path_factory) -> Path:
    return build_tiny_marian(tmp_path_factory.mktemp("m") / "opus-mt-da-en-tiny")


def test_causal_checkpoint_is_a_chat_model(tiny_chat):
    model = load_model(str(tiny_chat))
    assert isinstance(model, Model) and model.can_chat
    assert model.device == "cpu"  # auto picks CPU here: no GPU on this machine
    messages = [{"role": "user", "content": "Aktien steg 4,2 pct."}]
    first = model.chat(messages, max_tokens=6)
    again = model.chat(messages, max_tokens=6)
    assert again.text == first.text  # greedy: deterministic
    # The prompt went through the chat template: role markers and newlines around the content.
    templated = model.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    assert templated == "<|im_start|>user\nAktien steg 4,2 pct.<|im_end|>\n<|im_start|>assistant\n"
    assert first.prompt_tokens == len(model.tokenizer(templated)["input_ids"])
    assert first.prompt_tokens > len(model.tokenizer(messages[0]["content"])["input_ids"]) + 3
    assert 1 <= first.completion_tokens <= 6
    assert first.text and "<|im_end|>" not in first.text
    cut = first.text.split()[-1]
    assert cut not in model.chat(messages, max_tokens=6, stop=[cut]).text
    assert load_model(str(tiny_chat)) is model  # loaded once per process


def test_marian_checkpoint_is_a_translator(tiny_marian):
    model = load_model(str(tiny_marian))
    assert isinstance(model, Translator) and model.kind == "translator"
    assert (model.source_language, model.target_language) == ("da", "en")
    texts = ["Aktien steg 4,2 pct. i dag", "Renten faldt", ""]
    out = model.translate(texts, max_tokens=5)
    assert len(out) == 3
    assert [g.text for g in out] == [g.text for g in model.translate(texts, max_tokens=5)]
    assert all(g.completion_tokens <= 6 for g in out)  # 5 new tokens (+ end marker)
    assert out[0].prompt_tokens > out[1].prompt_tokens  # each text counted on its own, without padding
    assert model.translate([]) == []


def test_opus_mt_preset_from_the_local_hf_cache(tmp_path, monkeypatch):
    """The preset resolves both ids through the HF cache layout (models--org--name/snapshots/<rev>)."""
    cache = tmp_path / "hub"
    for i, repo in enumerate(("opus-mt-da-en", "opus-mt-en-da")):
        root = cache / f"models--Helsinki-NLP--{repo}"
        build_tiny_marian(root / "snapshots" / "abc123", seed=i)
        (root / "refs").mkdir()
        (root / "refs" / "main").write_text("abc123")
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    pair = load_model(None, config={"model": "opus-mt"})
    assert isinstance(pair, TranslatorPair) and pair.kind == "translators"
    assert (pair.translator("da", "en").source_language, pair.translator("en", "da").source_language) == ("da", "en")
    assert pair.translator("en", "da").name == "opus-mt-en-da"
    with pytest.raises(ModelError):
        pair.translator("da", "de")
    (g,) = pair.translator("en", "da").translate(["The rate fell"], max_tokens=4)
    assert g.completion_tokens >= 1


def test_checkpoint_without_weights_is_a_model_error(tiny_chat, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    for f in tiny_chat.iterdir():
        if not f.name.endswith(".safetensors"):
            shutil.copy(f, broken / f.name)
    with pytest.raises(ModelError, match="could not load the checkpoint"):
        load_model(str(broken))
    (broken / "config.json").write_text("{not json")
    with pytest.raises(ModelError, match="not a usable Hugging Face checkpoint"):
        load_model(str(broken))


def test_cuda_without_gpu_is_a_model_error(tiny_chat):
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(ModelError, match="no CUDA GPU"):
        load_model(str(tiny_chat), config={"device": "cuda"})
