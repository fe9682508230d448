// SPDX-License-Identifier: MIT
// The host heap that a loaded model's metadata and tokenizer occupy, modelled from the containers
// that hold them (GgufFile's parsed metadata, Tokenizer::Impl) and the allocator's chunk sizes.
// Counting entries and string lengths instead of multiplying by one average keeps the estimate
// right for vocabularies of very different shapes (SentencePiece without merges, Llama 3's 128K
// tokens and 280K merges). docs/estimate.md compares it with measured resident memory.
#pragma once

#include "quanta/gguf.h"

#include <cstdint>

namespace quanta::estimate_detail {

/// Bytes glibc's malloc (64-bit) takes from the heap for a request of `n` bytes: an 8-byte size
/// header, 16-byte alignment, 32 bytes at least.
uint64_t heap_chunk_bytes(uint64_t n);

/// Heap bytes of a libstdc++ std::string of `length` characters built at its exact size (strings
/// of up to 15 characters live inside the object).
uint64_t string_heap_bytes(uint64_t length);

/// GgufFile's parsed metadata and tensor table (the mapping itself is counted with the file).
uint64_t metadata_heap_bytes(const GgufFile& file);

/// A Tokenizer built from `file` (Tokenizer::from_gguf): its copies of the vocabulary and merges,
/// the token and merge hash maps, and the per-token vectors. 0 without tokenizer.ggml.tokens.
uint64_t tokenizer_heap_bytes(const GgufFile& file);

} // namespace quanta::estimate_detail
