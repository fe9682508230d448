#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Tokenize a corpus with llama.cpp (PyPI llama-cpp-python, loaded with vocab_only=True) and write
the token ids that Quanta's tokenizer must reproduce (tests/core/tokenizer/ compares them).

Outputs (tests/data/tokenizer/):
  smollm2_expected.json   the default model (models/SmolLM2-135M-Instruct.Q4_1.gguf, pre "smollm")
  pre_variants_expected.json
                          the same vocabulary with tokenizer.ggml.pre rewritten to each of the
                          other pre-tokenizers Quanta implements, so that every regex list is
                          checked against llama.cpp with a real vocabulary; and again with the
                          merges of augmentation() appended. The C++ test makes the same
                          rewrite in memory. Cases refer to smollm2_expected.json by name.
  spm_expected.json       a made-up SentencePiece ("llama") vocabulary (spm_vocab(), stored in
                          the file) under three sets of metadata (SPM_VARIANTS).

Each case is tokenized four ways: add_special (BOS/EOS as the vocabulary says) on/off x
parse_special (control tokens recognised in the text) on/off (two ways, add_special on, where
run_corpus's detail is not "full"). For each id list the files also have llama.cpp's
detokenization: whole-string llama_detokenize (remove_special=false, unparse_special=false/true)
and the concatenated per-token pieces of llama_token_to_piece; and per vocabulary, "facts": what
llama.cpp made of the metadata (special ids, add flags, end-of-generation and control tokens).
Texts that are not valid UTF-8 are stored as "text_hex" instead of "text"; byte strings that are
not valid UTF-8 are stored as "..._hex".

Run from the repository root: .venv/bin/python scripts/tokenizer_reference.py [--check]
(--check: regenerate in memory and fail if the files on disk differ). Needs only the model file
and the gguf package (in .venv with llama-cpp-python); never used at run time. Takes ~15 s.
"""
import ctypes
import json
import os
import struct
import sys
import tempfile

import llama_cpp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, "models", "SmolLM2-135M-Instruct.Q4_1.gguf")
OUT_DIR = os.path.join(ROOT, "tests", "data", "tokenizer")

# Pre-tokenizer names written into the rewritten copies (one per regex list Quanta implements;
# "smollm" is the default model's own).
PRE_VARIANTS = ["gpt-2", "llama-bpe", "qwen2", "default"]


def augmentation():
    """Merges appended (lowest priority) to the vocabulary for the "augmented" variants, so that the
    pre-tokenizers' differences show in the ids: SmolLM2's vocabulary has no multi-digit tokens and
    none that cross the piece boundaries where R_GPT2 and R_LLAMA3 disagree. Each merge "A B" adds
    the token "AB" (type normal) after the last one. tests/core/tokenizer/ builds the same list."""
    digits = "0123456789"
    merges = [f"{a} {b}" for a in digits for b in digits]                       # "12"
    merges += [f"{a}{b} {c}" for a in digits for b in digits for c in digits]   # "123"
    merges += [f"\u0120 {d}" for d in digits]                                   # " 1" (Ġ1)
    merges += ["' S", "' T", "' M", "' D", "( hello", ". \u010a"]               # 'S, (hello, ".\n"
    return merges

PYTHON_CODE = '''def fibonacci(n: int) -> list[int]:
    """Return the first n Fibonacci numbers."""
    result = [0, 1]
    while len(result) < n:
        result.append(result[-1] + result[-2])
    return result[:n]


if __name__ == "__main__":
    print(fibonacci(10))  # [0, 1, 1, 2, 3, 5, 8, 13, 21, 34]
'''

CPP_CODE = '''#include <iostream>
#include <vector>

template <typename T>
T sum(const std::vector<T>& v) {
\tT total{};
\tfor (const auto& x : v) {
\t\ttotal += x;   // accumulate
\t}
\treturn total;
}

int main() { std::cout << sum<int>({1, 2, 3}) << "\\n"; return 0; }
'''

# (name, text). Text is str, or bytes for input that is not valid UTF-8.
CORPUS = [
    # English
    ("en_hello", "Hello world"),
    ("en_sentence", "Hello, world! How are you today?"),
    ("en_leading_space", " Hello world"),
    ("en_pangram", "The quick brown fox jumps over the lazy dog."),
    ("en_paragraph", "Large language models are trained on enormous amounts of text. They predict the "
                     "next token, one at a time; sampling turns those predictions into prose, code, or "
                     "poetry. Tokenization must match the training exactly, or quality drops."),
    ("en_caps", "ALL CAPS SENTENCE WITH SHOUTING"),
    ("en_identifiers", "camelCaseIdentifier and snake_case_identifier and SCREAMING_CASE"),
    ("en_url", "See https://example.com/path/to/page?query=1&x=y#frag for details."),
    ("en_email", "Contact: first.last+tag@example.co.uk"),
    ("en_accents", "naïve café résumé Größe Über straße"),
    # Contractions
    ("contractions_lower", "don't can't won't it's I'm you're we've they'll he'd"),
    ("contractions_upper", "I'M DON'T YOU'RE WE'VE THEY'LL HE'D IT'S"),
    ("contractions_bare", "'s 't 're 've 'm 'll 'd"),
    ("apostrophes", "rock 'n' roll, ''quoted'', the 90's"),
    ("curly_quotes", "\u2018curly\u2019 quotes \u201clike\u201d this, and it\u2019s fine"),
    # Korean, Chinese, Japanese
    ("ko_greeting", "안녕하세요, 세계! 한국어 토크나이저 테스트입니다."),
    ("ko_sentence", "대한민국의 수도는 서울이다. 오늘 날씨가 정말 좋네요 :)"),
    ("zh_greeting", "你好,世界!今天天气很好。"),
    ("zh_sentence", "机器学习是人工智能的一个分支,深度学习又是机器学习的一个分支。"),
    ("ja_greeting", "こんにちは、世界!カタカナとひらがなと漢字。"),
    ("ja_sentence", "東京は日本の首都です。ｶﾀｶﾅ (半角) もあります。"),
    ("cjk_mixed", "Hello 世界 안녕 こんにちは 123 テスト"),
    # Other scripts
    ("ru", "Привет, мир! Как дела?"),
    ("ar", "مرحبا بالعالم"),
    ("hi_marks", "नमस्ते दुनिया"),
    ("th_marks", "สวัสดีครับ"),
    ("vi_combining", "Tie\u0302\u0301ng Vie\u0323\u0302t và e\u0301"),
    ("el", "Γειά σου Κόσμε"),
    # Emoji
    ("emoji_faces", "😀😃😄😁"),
    ("emoji_skin_tone", "👍🏽 thumbs up"),
    ("emoji_zwj_family", "👨\u200d👩\u200d👧\u200d👦 family"),
    ("emoji_rainbow_flag", "🏳\ufe0f\u200d🌈"),
    ("emoji_flags", "🇰🇷🇺🇸🇯🇵"),
    ("emoji_heart_vs", "I \u2764\ufe0f you"),
    ("emoji_keycaps", "1\ufe0f\u20e3 #\ufe0f\u20e3"),
    ("emoji_in_text", "Great job!🎉🎉 Let's go 🚀"),
    # Code
    ("code_python", PYTHON_CODE),
    ("code_cpp", CPP_CODE),
    ("code_json", '{"name": "Quanta", "version": [0, 1], "ok": true, "nested": {"a": null}}'),
    ("code_shell", "$ cmake -S . -B build -G Ninja && ninja -C build -j2 2>&1 | tee log.txt"),
    ("code_html", "<div class=\"x\">&nbsp;<a href='/a'>link</a></div>"),
    ("code_operators", "a+=b; c<<=2; d!=e && f>=g || h->i; j::k; l**m //n"),
    # Numbers
    ("num_1", "1"),
    ("num_12", "12"),
    ("num_123", "123"),
    ("num_1234567", "1234567"),
    ("num_pi", "3.14"),
    ("num_exp", "1e-5"),
    ("num_list", "1, 12, 123, 1234, 12345, 1234567, 3.14, 1e-5, -42, +7"),
    ("num_thousands", "1,000,000 and 2026-11-23 at 13:45:00"),
    ("num_hex", "0x1F 0xDEADBEEF 0b1010"),
    ("num_unicode", "١٢٣ ٤٥ ½ ² Ⅻ ①"),
    ("num_version", "version 1.2.3-rc4"),
    # Whitespace
    ("ws_single_space", " "),
    ("ws_two_spaces", "  "),
    ("ws_three_spaces", "   "),
    ("ws_spaces_between", "a   b"),
    ("ws_many_spaces", "x" + " " * 17 + "y"),
    ("ws_tab", "a\tb"),
    ("ws_tabs_leading", "\t\t\tx"),
    ("ws_newline", "\n"),
    ("ws_newlines3", "\n\n\n"),
    ("ws_crlf", "line1\r\nline2\r\n"),
    ("ws_trailing", "trailing spaces   "),
    ("ws_leading", "  leading"),
    ("ws_mixed", "mixed \t \n whitespace \n\n  \t end"),
    ("ws_nbsp", "\u00a0nbsp and\u00a0more"),
    ("ws_ideographic", "\u3000全角スペース\u3000"),
    ("ws_space_newline_space", "x \n y"),
    ("ws_paragraphs", "First paragraph.\n\nSecond paragraph.\n\n\n\nThird."),
    # Special tokens
    ("special_im", "<|im_start|>user\nhi<|im_end|>"),
    ("special_chat", "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n"
                     "What is 2+2?<|im_end|>\n<|im_start|>assistant\n"),
    ("special_endoftext", "<|endoftext|>"),
    ("special_adjacent", "<|im_start|><|im_end|><|endoftext|>"),
    ("special_partial", "<|im_start user <|im_end| |im_end|>"),
    ("special_spaces", "text <|endoftext|> more text"),
    ("special_repo", "<repo_name>quanta<file_sep>main.cpp<gh_stars>100"),
    ("special_repeated", "<|im_end|>x<|im_end|>"),
    ("special_spm_texts", "<s> and </s> and <unk> and <tool>x</tool>"),
    ("special_newlines", "<|im_start|>\n\n<|im_end|>\n \n"),
    # Mixed
    ("mixed_price", "Price: $19.99 (was €25) — 20% off!!!"),
    ("mixed_world", "Hello 世界 🌍 123 안녕!"),
    ("mixed_markdown", "| a | b |\n|---|---|\n| **1** | _2_ |\n\n- item\n  - nested"),
    ("mixed_punct", "... !!! ??? --- a.b.c «guillemets» (parens) [brackets] {braces}"),
    ("mixed_math", "∑ x² + ∫ f(x) dx ≈ π ≠ ∞"),
    # llama_detokenize's clean_spaces (gpt-2, llama3 and default vocabularies) changes these
    ("clean_spaces", "Hello , world ! Is it ? Yes . I ' m here , he 's , they 've , we 're , x 't 'd 'll ' y ' ' z ."),
    ("repeat_a", "a" * 50),
    ("repeat_eq", "=" * 40),
    # Edge cases
    ("edge_empty", ""),
    ("edge_a", "a"),
    ("edge_dot", "."),
    ("edge_nul", "a\u0000b"),
    ("edge_controls", "\u0001\u0007\u001b[0m\u007f"),
    ("edge_zero_width", "zero\u200bwidth\u200cnon\u200djoiner"),
    ("edge_bom", "\ufeffBOM at start"),
    ("edge_replacement", "\ufffd replacement"),
    ("edge_soft_hyphen", "soft\u00adhyphen"),
    ("edge_private_use", "\ue000\uf8ff private"),
    ("edge_astral", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛 \U0001F9EC"),
    ("edge_unassigned", "\u0378\u0379 x"),
    # Unicode version: llama.cpp's tables are Unicode 15.1 (U+1E4F3 is a digit since 15.0,
    # U+2EBF0 a letter since 15.1; U+16D70 is a digit and U+1C89 a letter only since 16.0).
    ("edge_unicode_15", "a  \U0001E4F3 b  \U0002EBF0! \U0002EBF0\U0001E4F3"),
    ("edge_unicode_16", "a  \U00016D70 b  \u1C89! \u1C89\U00016D70"),
    # Not valid UTF-8 (llama.cpp turns each bad byte into U+FFFD)
    ("invalid_lone_continuation", b"ab\x80cd"),
    ("invalid_truncated", b"\xe4\xbd hello"),
    ("invalid_latin1", b"caf\xe9 cr\xe8me"),
]


# Pieces of the random cases: the characters and strings where tokenizers disagree most.
FUZZ_ATOMS = list("aZé日本한 '\"'sStTmMlLdDrReEvV\t\n\r.,;:!?()[]{}<>|/\\-_=+*&^%$#@~`0123456789") + [
    "  ", "   ", "\u00a0", "\u3000", "\u2003", "\r\n", "\n\n", "'s", "'LL", "'re", "n't", "e\u0301",
    "\u0915\u094d", "😀", "👍🏽", "👨\u200d👩", "🇰🇷", "\ufe0f", "\u200b", "½", "١", "Ⅻ", "𝟙", "\u0378",
    "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<|im_", "|>", "<s>", "</s>", "<unk>", "<tool>", "\x00",
    "hello", "Hello", "world", "the", "token", "1234", "3.14", "http://", "\ufffd", "\U0001F9EC", "\u00ad"]


def fuzz_corpus(n=120, seed=20261123):
    """Random strings over an alphabet of the characters where tokenizers disagree most."""
    import random
    rng = random.Random(seed)
    atoms = FUZZ_ATOMS
    out = []
    for i in range(n):
        k = rng.randint(1, 24)
        out.append((f"fuzz_{i:03d}", "".join(rng.choice(atoms) for _ in range(k))))
    return out


def text_of(case):
    return case.encode("utf-8") if isinstance(case, str) else case


def put_bytes(obj, key, data):
    try:
        obj[key] = data.decode("utf-8")
    except UnicodeDecodeError:
        obj[key + "_hex"] = data.hex()


class Vocab:
    def __init__(self, path):
        self.llm = llama_cpp.Llama(model_path=path, vocab_only=True, verbose=False)
        self.vocab = llama_cpp.llama_model_get_vocab(self.llm.model)

    def tokenize(self, data, add_special, parse_special):
        n_max = len(data) + 16
        buf = (llama_cpp.llama_token * n_max)()
        n = llama_cpp.llama_tokenize(self.vocab, data, len(data), buf, n_max, add_special, parse_special)
        if n < 0:
            raise RuntimeError(f"llama_tokenize failed: {n}")
        return list(buf[:n])

    def detokenize(self, ids, unparse_special):
        arr = (llama_cpp.llama_token * max(1, len(ids)))(*ids)
        cap = 64 + 64 * len(ids)
        buf = ctypes.create_string_buffer(cap)
        n = llama_cpp.llama_detokenize(self.vocab, arr, len(ids), buf, cap, False, unparse_special)
        if n < 0:
            raise RuntimeError(f"llama_detokenize failed: {n}")
        return buf.raw[:n]

    def facts(self):
        """What llama.cpp made of the metadata: special ids (-1 = none), add flags, and the
        end-of-generation and control tokens."""
        v = self.vocab
        n = llama_cpp.llama_vocab_n_tokens(v)
        return {
            "n_tokens": n, "bos": llama_cpp.llama_vocab_bos(v), "eos": llama_cpp.llama_vocab_eos(v),
            "eot": llama_cpp.llama_vocab_eot(v), "pad": llama_cpp.llama_vocab_pad(v),
            "add_bos": bool(llama_cpp.llama_vocab_get_add_bos(v)), "add_eos": bool(llama_cpp.llama_vocab_get_add_eos(v)),
            "eog_ids": [i for i in range(n) if llama_cpp.llama_vocab_is_eog(v, i)],
            "control_ids": [i for i in range(n) if llama_cpp.llama_vocab_is_control(v, i)],
        }

    def piece(self, token, special):
        buf = ctypes.create_string_buffer(256)
        n = llama_cpp.llama_token_to_piece(self.vocab, token, buf, 256, 0, special)
        if n < 0:
            raise RuntimeError(f"llama_token_to_piece failed: {n}")
        return buf.raw[:n]


def run_corpus(vocab, corpus, detail="full"):
    """detail "full": 4 flag combinations, ids, detokenizations and pieces; "decode" and "ids":
    only add_special=True (the BPE variants' vocabulary adds no BOS/EOS, so add_special changes
    nothing), with the two detokenizations or with the ids alone."""
    cases = []
    for name, text in corpus:
        data = text_of(text)
        case = {"name": name}
        put_bytes(case, "text", data)
        variants = []
        for add_special in ((True, False) if detail == "full" else (True,)):
            for parse_special in (True, False):
                ids = vocab.tokenize(data, add_special, parse_special)
                v = {"add_special": add_special, "parse_special": parse_special, "ids": ids}
                if detail != "ids":
                    put_bytes(v, "detokenized", vocab.detokenize(ids, False))
                    put_bytes(v, "detokenized_special", vocab.detokenize(ids, True))
                if detail == "full":
                    put_bytes(v, "pieces", b"".join(vocab.piece(t, False) for t in ids))
                variants.append(v)
        case["variants"] = variants
        cases.append(case)
    return cases


def full_corpus():
    corpus = list(CORPUS) + fuzz_corpus()
    # One long case made of every valid one, to check a bigger input end to end.
    corpus.append(("all_concatenated", "\n".join(t for _, t in CORPUS if isinstance(t, str))))
    return corpus


# --- Rewriting tokenizer.ggml.pre in a copy of the model's metadata (no tensors needed with
# vocab_only). A tiny GGUF v3 writer for the value types the metadata uses.

GGUF_STRING, GGUF_ARRAY = 8, 9
SCALAR_FORMATS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}


def encode_value(vtype, value, out):
    if vtype == GGUF_STRING:
        out += struct.pack("<Q", len(value)) + value
    elif vtype == GGUF_ARRAY:
        etype, items = value
        out += struct.pack("<IQ", etype, len(items))
        for item in items:
            encode_value(etype, item, out)
    else:
        out += struct.pack(SCALAR_FORMATS[vtype], value)


def read_metadata(path):
    from gguf import GGUFReader
    reader = GGUFReader(path)
    kvs = []
    for key, field in reader.fields.items():
        if key.startswith("GGUF."):
            continue
        vtype = int(field.types[0])
        if vtype == GGUF_STRING:
            value = bytes(field.parts[field.data[0]])
        elif vtype == GGUF_ARRAY:
            etype = int(field.types[1])
            if etype == GGUF_STRING:
                items = [bytes(field.parts[i]) for i in field.data]
            else:
                items = [field.parts[i][0].item() for i in field.data]
            value = (etype, items)
        else:
            value = field.parts[field.data[0]][0].item()
        kvs.append((key, vtype, value))
    return kvs


def augment(kvs):
    """The metadata with augmentation() applied (see there)."""
    kvs = list(kvs)
    index = {k: i for i, (k, _, _) in enumerate(kvs)}
    _, ttok, (etok, tokens) = kvs[index["tokenizer.ggml.tokens"]]
    _, ttype, (etype, types) = kvs[index["tokenizer.ggml.token_type"]]
    _, tmerge, (emerge, merges) = kvs[index["tokenizer.ggml.merges"]]
    existing = set(tokens)
    tokens, types, merges = list(tokens), list(types), list(merges)
    for m in augmentation():
        new = m.replace(" ", "").encode()
        assert new not in existing, new
        merges.append(m.encode())
        tokens.append(new)
        types.append(1)
    kvs[index["tokenizer.ggml.tokens"]] = ("tokenizer.ggml.tokens", ttok, (etok, tokens))
    kvs[index["tokenizer.ggml.token_type"]] = ("tokenizer.ggml.token_type", ttype, (etype, types))
    kvs[index["tokenizer.ggml.merges"]] = ("tokenizer.ggml.merges", tmerge, (emerge, merges))
    return kvs


# --- A small SentencePiece-style ("llama") vocabulary, made up here (the default model is BPE):
# <unk> <s> </s>, the 256 byte-fallback tokens <0x00>..<0xFF>, two control tokens, one
# user-defined token, the characters of a few scripts, and every substring of some words (with and
# without the ▁ prefix) so that merges chain (no duplicate texts: llama.cpp asserts on them).
# Scores are small random integers, so that equal scores (ties -> leftmost) are common. The vocabulary itself is written into spm_expected.json;
# the C++ test builds its GGUF from there.

SPM_WORDS = ["the", "hello", "world", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "how", "are",
             "you", "today", "token", "model", "language", "large", "text", "code", "return", "def", "for",
             "int", "is", "and", "of", "to", "it", "don't", "Hello", "The", "World", "include", "main", "print",
             "세계", "안녕하세요", "世界", "你好", "こんにちは", "123", "3.14"]


def spm_vocab():
    import random
    rng = random.Random(7)
    tokens = [("<unk>", 2, 0.0), ("<s>", 3, 0.0), ("</s>", 3, 0.0)]
    tokens += [(f"<0x{b:02X}>", 6, 0.0) for b in range(256)]
    tokens += [("<|im_start|>", 3, 0.0), ("<|im_end|>", 3, 0.0), ("<tool>", 4, 0.0), ("<|endoftext|>", 3, 0.0)]
    seen = {t for t, _, _ in tokens}
    chars = sorted(set("\u2581abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?'\"()-:;"
                       "세계안녕하요你好世界こんにちは"))
    pieces = []
    for w in SPM_WORDS:
        for word in (w, "\u2581" + w):
            for i in range(len(word)):
                for j in range(i + 2, len(word) + 1):
                    pieces.append(word[i:j])
    pieces += ["\u2581\u2581", "\u2581\u2581\u2581\u2581", "\u2581\u2581\u2581\u2581\u2581\u2581\u2581\u2581"]
    for c in chars:
        if c not in seen:
            seen.add(c)
            tokens.append((c, 1, float(-rng.randint(50, 60))))
    for piece in pieces:
        if piece not in seen:
            seen.add(piece)
            tokens.append((piece, 1, float(-rng.randint(0, 12))))
    return tokens


SPM_VARIANTS = [
    # name, extra metadata (key, type, value): defaults as llama.cpp (bos 1, eos 2, unk 0,
    # add_bos true, add_space_prefix true) when absent
    ("spm_defaults", []),
    ("spm_no_prefix", [("tokenizer.ggml.add_space_prefix", 7, False), ("tokenizer.ggml.add_bos_token", 7, False),
                       ("tokenizer.ggml.add_eos_token", 7, True)]),
    # llama.cpp strips the whitespace after special tokens of models named Phi-3
    ("spm_phi3", [("general.name", GGUF_STRING, b"Phi-3 Mini Test")]),
]


def spm_metadata(kvs, vocab, extra):
    replaced = {k for k, _, _ in extra}
    out = [(k, t, v) for k, t, v in kvs if not k.startswith("tokenizer.") and k not in replaced]
    out.append(("tokenizer.ggml.model", GGUF_STRING, b"llama"))
    out.append(("tokenizer.ggml.tokens", GGUF_ARRAY, (GGUF_STRING, [t.encode() for t, _, _ in vocab])))
    out.append(("tokenizer.ggml.scores", GGUF_ARRAY, (6, [s for _, _, s in vocab])))
    out.append(("tokenizer.ggml.token_type", GGUF_ARRAY, (5, [ty for _, ty, _ in vocab])))
    out += extra
    return out


def write_metadata_only(path, kvs):
    out = bytearray(b"GGUF" + struct.pack("<IQQ", 3, 0, len(kvs)))
    for key, vtype, value in kvs:
        k = key.encode()
        out += struct.pack("<Q", len(k)) + k + struct.pack("<I", vtype)
        encode_value(vtype, value, out)
    with open(path, "wb") as f:
        f.write(out)


def dump(obj):
    """JSON with one case per line (readable diffs, small files)."""
    def value(v, indent):
        if isinstance(v, dict) and "cases" in v:
            pad = " " * (indent + 1)
            items = []
            for k, x in v.items():
                items.append(f"{pad}{json.dumps(k)}: {value(x, indent + 1)}")
            return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
        if isinstance(v, list) and v and isinstance(v[0], dict):
            pad = " " * (indent + 1)
            return "[\n" + ",\n".join(pad + value(x, indent + 1) for x in v) + "\n" + " " * indent + "]"
        if isinstance(v, dict) and ("variants" in v or "generator" in v or "augmented" in v or "metadata" in v):
            pad = " " * (indent + 1)
            items = [f"{pad}{json.dumps(k)}: {value(x, indent + 1)}" for k, x in v.items()]
            return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
        return json.dumps(v, ensure_ascii=False)
    return value(obj, 0) + "\n"


def main():
    check = "--check" in sys.argv[1:]
    if not os.path.exists(MODEL):
        sys.exit(f"{MODEL} not found (scripts/fetch-model.sh downloads it)")
    corpus = full_corpus()
    outputs = {}
    outputs["smollm2_expected.json"] = {
        "generator": "scripts/tokenizer_reference.py",
        "llama_cpp_python": llama_cpp.__version__,
        "model": "models/SmolLM2-135M-Instruct.Q4_1.gguf",
        "facts": Vocab(MODEL).facts(),
        "cases": run_corpus(Vocab(MODEL), corpus),
    }

    kvs = read_metadata(MODEL)
    variants = []
    with tempfile.TemporaryDirectory() as tmp:
        for augmented in (False, True):
            for pre in PRE_VARIANTS + (["smollm"] if augmented else []):
                path = os.path.join(tmp, f"vocab-{pre}-{augmented}.gguf")
                base = augment(kvs) if augmented else kvs
                write_metadata_only(path, [(k, t, pre.encode() if k == "tokenizer.ggml.pre" else v) for k, t, v in base])
                cases = run_corpus(Vocab(path), corpus, detail="ids" if augmented else "decode")
                for c in cases:  # the texts are those of smollm2_expected.json (same names)
                    c.pop("text", None)
                    c.pop("text_hex", None)
                variants.append({"pre": pre, "augmented": augmented, "cases": cases})
    outputs["pre_variants_expected.json"] = {
        "generator": "scripts/tokenizer_reference.py",
        "llama_cpp_python": llama_cpp.__version__,
        "model": "models/SmolLM2-135M-Instruct.Q4_1.gguf with tokenizer.ggml.pre rewritten "
                 "(and, where augmented, the merges of augmentation() appended)",
        "variants": variants,
    }

    vocab = spm_vocab()
    spm = {
        "generator": "scripts/tokenizer_reference.py",
        "llama_cpp_python": llama_cpp.__version__,
        "model": "made-up SentencePiece vocabulary (tokens/types/scores below) with the default "
                 "model's other metadata; see spm_vocab() in the script",
        "vocab": {"tokens": [t for t, _, _ in vocab], "types": [ty for _, ty, _ in vocab],
                  "scores": [s for _, _, s in vocab]},
        "variants": [],
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name, extra in SPM_VARIANTS:
            path = os.path.join(tmp, f"{name}.gguf")
            write_metadata_only(path, spm_metadata(kvs, vocab, extra))
            facts = Vocab(path).facts()
            cases = run_corpus(Vocab(path), corpus, detail="decode" if name == "spm_phi3" else "full")
            for c in cases:
                c.pop("text", None)
                c.pop("text_hex", None)
            metadata = {k: (v.decode() if isinstance(v, bytes) else v) for k, _, v in extra}
            spm["variants"].append({"name": name, "metadata": metadata, "facts": facts,
                                    "cases": cases})
    outputs["spm_expected.json"] = spm

    failed = False
    for name, obj in outputs.items():
        path = os.path.join(OUT_DIR, name)
        text = dump(obj)
        if check:
            with open(path, encoding="utf-8") as f:
                if f.read() != text:
                    print(f"{path} is out of date")
                    failed = True
        else:
            os.makedirs(OUT_DIR, exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            print(f"wrote {path}")
    n = len(corpus)
    print(f"{n} cases x 4 flag combinations; {len(variants)} pre-tokenizer variants")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
