// SPDX-License-Identifier: MIT
// Helpers shared by the tokenizer tests: the reference JSON files of
// scripts/tokenizer_reference.py and their comparison with a Tokenizer.
#pragma once

#include "quanta/tokenizer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace quanta::test {

using nlohmann::json;

inline std::string from_hex(const std::string& hex) {
    std::string out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return out;
}

/// A byte string stored as `key` (UTF-8 text) or `key_hex` (anything else).
inline std::string bytes_field(const json& obj, const std::string& key) {
    if (obj.contains(key))
        return obj.at(key).get<std::string>();
    return from_hex(obj.at(key + "_hex").get<std::string>());
}

inline json load_json(const std::string& name) {
    const std::filesystem::path path = std::filesystem::path(QUANTA_TEST_DATA_DIR) / "tokenizer" / name;
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in) << "cannot open " << path;
    std::stringstream ss;
    ss << in.rdbuf();
    return json::parse(ss.str());
}

/// Case name -> text, from smollm2_expected.json (the other files refer to its cases by name).
inline std::map<std::string, std::string> corpus_texts() {
    std::map<std::string, std::string> out;
    const json data = load_json("smollm2_expected.json");
    for (const json& c : data.at("cases"))
        out[c.at("name").get<std::string>()] = bytes_field(c, "text");
    return out;
}

inline std::string show_ids(const std::vector<int32_t>& ids) {
    std::string s = "[";
    for (size_t i = 0; i < ids.size(); ++i)
        s += (i ? ", " : "") + std::to_string(ids[i]);
    return s + "]";
}

/// What llama.cpp made of the metadata (the "facts" of a reference file): vocabulary size,
/// BOS/EOS ids and flags, and which tokens are end-of-generation and control tokens. (llama.cpp
/// also guesses an EOT id from token texts in hash-map order; Tokenizer::eot_id() is only the
/// metadata's, so it is not compared.)
inline void check_facts(const Tokenizer& tok, const json& facts, const std::string& label) {
    EXPECT_EQ(tok.vocab_size(), facts.at("n_tokens").get<int32_t>()) << label;
    EXPECT_EQ(tok.bos_id(), facts.at("bos").get<int32_t>()) << label;
    EXPECT_EQ(tok.eos_id(), facts.at("eos").get<int32_t>()) << label;
    EXPECT_EQ(tok.pad_id(), facts.at("pad").get<int32_t>()) << label;
    EXPECT_EQ(tok.add_bos(), facts.at("add_bos").get<bool>()) << label;
    EXPECT_EQ(tok.add_eos(), facts.at("add_eos").get<bool>()) << label;
    std::vector<int32_t> eog, control;
    for (int32_t id = 0; id < tok.vocab_size(); ++id) {
        if (tok.is_eog(id))
            eog.push_back(id);
        if (tok.token_type(id) == TokenType::Control)
            control.push_back(id);
    }
    EXPECT_EQ(eog, facts.at("eog_ids").get<std::vector<int32_t>>()) << label;
    EXPECT_EQ(control, facts.at("control_ids").get<std::vector<int32_t>>()) << label;
}

/// Encodes every case and flag combination of `cases` and compares with llama.cpp's ids; where
/// the file has them, also llama.cpp's decodings of those ids: the concatenated
/// llama_token_to_piece pieces and llama_detokenize without / with rendering control tokens.
/// Returns (identical id lists, id lists).
inline std::pair<int, int> check_cases(const Tokenizer& tok, const json& cases,
                                       const std::map<std::string, std::string>& texts, const std::string& label) {
    int ok = 0, total = 0;
    for (const json& c : cases) {
        const std::string name = c.at("name").get<std::string>();
        const std::string& text = texts.at(name);
        for (const json& v : c.at("variants")) {
            EncodeOptions opt;
            opt.add_special = v.at("add_special").get<bool>();
            opt.parse_special = v.at("parse_special").get<bool>();
            const auto expected = v.at("ids").get<std::vector<int32_t>>();
            const std::vector<int32_t> ids = tok.encode(text, opt);
            ++total;
            const std::string where = label + " case " + name + " (add_special=" + (opt.add_special ? "1" : "0") +
                                      ", parse_special=" + (opt.parse_special ? "1" : "0") + ")";
            if (ids == expected)
                ++ok;
            else
                ADD_FAILURE() << where << "\n  expected " << show_ids(expected) << "\n  actual   " << show_ids(ids);
            if (v.contains("pieces") || v.contains("pieces_hex")) {
                std::string pieces;
                for (const int32_t id : expected)
                    pieces += tok.token_to_piece(id);
                EXPECT_EQ(pieces, bytes_field(v, "pieces")) << where;
            }
            if (!v.contains("detokenized") && !v.contains("detokenized_hex"))
                continue;
            EXPECT_EQ(tok.decode(expected), bytes_field(v, "detokenized")) << where;
            DecodeOptions special;
            special.render_special = true;
            EXPECT_EQ(tok.decode(expected, special), bytes_field(v, "detokenized_special")) << where;
        }
    }
    return {ok, total};
}

} // namespace quanta::test
