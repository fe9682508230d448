// SPDX-License-Identifier: MIT
// Heap model of the parsed metadata and the tokenizer (host_memory.h). Each term names the
// container it stands for, so that a change to GgufFile or Tokenizer::Impl shows where to look.
#include "estimate/host_memory.h"

#include <algorithm>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <variant>
#include <vector>

namespace quanta::estimate_detail {

namespace {

// The GGUF reader reserves at most this many array entries up front and lets the vector double
// beyond (gguf_reader.cpp, kMaxReserve), so a long string array has spare capacity.
constexpr uint64_t kReaderMaxReserve = uint64_t{1} << 16;
constexpr uint64_t kStringObjectBytes = sizeof(std::string);
constexpr uint64_t kSsoCapacity = 15; // libstdc++: up to 15 characters need no heap

uint64_t reader_capacity(uint64_t n) {
    uint64_t cap = std::min(n, kReaderMaxReserve);
    while (cap < n)
        cap *= 2;
    return cap;
}

/// std::unordered_map<std::string, int32_t> after reserve(n) and n insertions: one node per entry
/// (next pointer, the pair, the cached hash code) and about one bucket pointer per entry.
uint64_t hash_map_bytes(uint64_t entries, uint64_t key_heap_bytes) {
    if (entries == 0)
        return 0;
    using Node = std::pair<const std::string, int32_t>;
    const uint64_t node = heap_chunk_bytes(sizeof(void*) + sizeof(Node) + sizeof(size_t));
    return entries * node + key_heap_bytes + heap_chunk_bytes(entries * sizeof(void*));
}

/// A merge key is built as left + '\xFF' + right by substr, push_back and append: once past the
/// in-object buffer libstdc++ at least doubles the capacity, so short keys get 30 characters.
uint64_t merge_key_heap_bytes(uint64_t length) {
    if (length <= kSsoCapacity)
        return 0;
    return heap_chunk_bytes(std::max<uint64_t>(length, 2 * kSsoCapacity) + 1);
}

const std::vector<std::string>* string_array(const GgufFile& file, const char* key) {
    const GgufValue* v = file.find(key);
    return v != nullptr ? v->as_string_array() : nullptr;
}

} // namespace

uint64_t heap_chunk_bytes(uint64_t n) { return std::max<uint64_t>(32, (n + 8 + 15) / 16 * 16); }

uint64_t string_heap_bytes(uint64_t length) { return length > kSsoCapacity ? heap_chunk_bytes(length + 1) : 0; }

uint64_t metadata_heap_bytes(const GgufFile& file) {
    const auto& metadata = file.metadata();
    uint64_t bytes = heap_chunk_bytes(metadata.size() * sizeof(GgufKeyValue));
    for (const GgufKeyValue& kv : metadata) {
        bytes += string_heap_bytes(kv.key.size());
        const GgufValue& v = kv.value;
        if (v.type() != GgufType::Array) {
            if (const auto s = v.as_string())
                bytes += string_heap_bytes(s->size());
            continue;
        }
        std::visit(
            [&](const auto& a) {
                using A = std::decay_t<decltype(a)>;
                if constexpr (std::is_same_v<A, std::vector<std::string>>) {
                    bytes += heap_chunk_bytes(reader_capacity(a.size()) * kStringObjectBytes);
                    for (const std::string& s : a)
                        bytes += string_heap_bytes(s.size());
                } else if constexpr (std::is_same_v<A, std::vector<bool>>) {
                    bytes += heap_chunk_bytes((a.size() + 63) / 64 * 8);
                } else if (!a.empty()) {
                    bytes += heap_chunk_bytes(a.size() * sizeof(typename A::value_type));
                }
            },
            v.array());
    }
    const auto& tensors = file.tensors();
    bytes += heap_chunk_bytes(tensors.size() * sizeof(GgufTensorInfo));
    for (const GgufTensorInfo& t : tensors)
        bytes += string_heap_bytes(t.name.size());
    return bytes;
}

uint64_t tokenizer_heap_bytes(const GgufFile& file) {
    const std::vector<std::string>* tokens = string_array(file, "tokenizer.ggml.tokens");
    if (tokens == nullptr)
        return 0;
    const uint64_t n = tokens->size();
    uint64_t token_text = 0;
    for (const std::string& t : *tokens)
        token_text += string_heap_bytes(t.size());
    // TokenizerConfig: tokens (copied at their exact size), types and scores (4 bytes each).
    uint64_t bytes = heap_chunk_bytes(n * kStringObjectBytes) + token_text;
    bytes += 2 * heap_chunk_bytes(n * 4);
    // token_to_id: the same texts once more, as map keys.
    bytes += hash_map_bytes(n, token_text);
    // eog and rstrip: std::vector<bool> by id.
    bytes += 2 * heap_chunk_bytes((n + 63) / 64 * 8);

    // Byte-level BPE only: the merges (copied) and merge_rank (one key per merge).
    const GgufValue* model = file.find("tokenizer.ggml.model");
    const std::vector<std::string>* merges = string_array(file, "tokenizer.ggml.merges");
    if (model != nullptr && model->as_string() == "gpt2" && merges != nullptr) {
        const uint64_t m = merges->size();
        uint64_t merge_text = 0, key_heap = 0;
        for (const std::string& s : *merges) {
            merge_text += string_heap_bytes(s.size());
            key_heap += merge_key_heap_bytes(s.size());
        }
        bytes += heap_chunk_bytes(m * kStringObjectBytes) + merge_text;
        bytes += hash_map_bytes(m, key_heap);
    }
    return bytes;
}

} // namespace quanta::estimate_detail
