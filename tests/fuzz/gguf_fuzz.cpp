// SPDX-License-Identifier: MIT
// libFuzzer target for the GGUF reader: parse arbitrary bytes, then touch everything a caller can
// reach. Properties checked (a violation traps, so the fuzzer records the input):
//   - a failure carries a non-empty one-line message;
//   - every tensor's bytes lie inside the input (ASan checks the reads), its size matches
//     ggml_tensor_bytes, and find()/find_tensor() return the entries themselves;
//   - the writer accepts every file the reader accepted, its output parses, and writing that
//     again gives the same bytes (the writer's output is a fixed point).
#include "quanta/gguf.h"

#include <cstddef>
#include <cstdint>
#include <vector>

using namespace quanta;

namespace {

void check(bool ok) {
    if (!ok)
        __builtin_trap();
}

uint64_t touch_value(const GgufValue& v) {
    uint64_t h = static_cast<uint64_t>(v.type()) + v.array_size();
    h += v.as_uint().value_or(0) + static_cast<uint64_t>(v.as_int().value_or(0));
    h += v.as_float().has_value() + v.as_bool().value_or(false);
    if (auto s = v.as_string())
        for (char c : *s)
            h += static_cast<unsigned char>(c);
    if (const auto* strings = v.as_string_array())
        for (const std::string& s : *strings)
            h += s.size();
    if (auto ints = v.as_int_array())
        h += ints->size();
    if (auto floats = v.as_float_array())
        h += floats->size();
    const std::string summary = v.summary(40);
    check(summary.size() <= 40 || v.type() == GgufType::Array);
    check(summary.find('\n') == std::string::npos || v.type() == GgufType::String);
    return h + summary.size();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto file = GgufFile::parse({data, size});
    if (!file.ok()) {
        const std::string& message = file.error().message;
        check(!message.empty());
        return 0;
    }
    volatile uint64_t sink = 0;
    for (const GgufKeyValue& kv : file->metadata()) {
        check(!kv.key.empty());
        check(file->find(kv.key) == &kv.value);
        sink = sink + touch_value(kv.value);
    }
    GgufWriter writer;
    writer.copy_metadata(*file);
    std::vector<std::span<const uint8_t>> pieces;
    for (const GgufTensorInfo& t : file->tensors()) {
        check(file->find_tensor(t.name) == &t);
        check(t.n_dims >= 1 && t.n_dims <= 4);
        const auto bytes = ggml_tensor_bytes(t.ggml_type, std::span(t.ne.data(), t.n_dims));
        check(bytes && *bytes == t.n_bytes);
        check(ggml_type_name(t.ggml_type) != nullptr);
        check(t.data >= data && t.n_bytes <= static_cast<uint64_t>(data + size - t.data));
        uint64_t sum = 0;
        for (uint8_t b : t.bytes())
            sum += b;
        sink = sink + sum + static_cast<uint64_t>(t.n_elements()) + static_cast<uint64_t>(t.n_rows());
        check(writer.add_tensor(t.name, t.ggml_type, std::span(t.ne.data(), t.n_dims)).ok());
        pieces.push_back(t.bytes());
    }
    check(file->data_offset() <= file->file_size());

    // A valid file may ask for a huge alignment (any uint32 power of two) and may declare many
    // overlapping tensors; the writer then faithfully emits that much padding. Keep the
    // in-memory round trip to outputs of a few MiB so that it stays cheap.
    uint64_t padded = 0;
    for (const GgufTensorInfo& t : file->tensors())
        padded += (t.n_bytes + file->alignment() - 1) / file->alignment() * file->alignment();
    if (file->alignment() > 4096 || padded > (uint64_t{4} << 20))
        return 0;

    auto first = writer.serialize(pieces);
    check(first.ok());
    auto reread = GgufFile::parse(*first);
    check(reread.ok());
    check(reread->metadata().size() == file->metadata().size());
    check(reread->tensors().size() == file->tensors().size());
    GgufWriter again;
    again.copy_metadata(*reread);
    pieces.clear();
    for (const GgufTensorInfo& t : reread->tensors()) {
        check(again.add_tensor(t.name, t.ggml_type, std::span(t.ne.data(), t.n_dims)).ok());
        pieces.push_back(t.bytes());
    }
    auto second = again.serialize(pieces);
    check(second.ok() && *second == *first);
    return 0;
}
