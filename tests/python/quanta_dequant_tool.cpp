// SPDX-License-Identifier: MIT
// Test helper for the Python cross-checks in tests/python/ (not installed, not a user tool).
// It runs OUR reference kernels (quanta/format.h) and our GGUF reader/writer (quanta/gguf.h) and
// writes raw little-endian f32, so that a Python script can compare the result with PyPI gguf.
//
//   quanta_dequant_tool raw FORMAT NE0 N_ROWS IN.bin OUT.f32
//       IN.bin holds N_ROWS rows of NE0 weights in FORMAT (any single-part format of
//       formats.def, e.g. Q4_K); OUT.f32 receives NE0 * N_ROWS floats from
//       dequantize_row_reference.
//   quanta_dequant_tool gguf MODEL.gguf LIST.txt
//       Opens MODEL.gguf with GgufFile and dequantizes every tensor in file order, writing the
//       floats of all tensors back to back on stdout. LIST.txt receives one line per tensor,
//       "NAME TYPE_NAME N_ELEMENTS", written before any data.
//   quanta_dequant_tool write-nf4-int8 OUT.gguf OUT.f32
//       Writes a small GGUF v3 file holding NF4 and INT8 weights (docs/formats.md) made with
//       quantize_tensor_reference and GgufWriter, reads it back with GgufFile, and writes to
//       OUT.f32 for each quantized weight (in the order listed on stdout as
//       "NAME FORMAT NE0 N_ROWS") first the original weights, then the weights dequantized
//       from the parts read from the file.
// Exit status: 0 on success, 1 on any error (one line on stderr), 2 for a usage error.
#include "quanta/format.h"
#include "quanta/gguf.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

namespace {

using namespace quanta;

int fail(const std::string& message) {
    std::cerr << "quanta_dequant_tool: " << message << "\n";
    return 1;
}

int usage() {
    std::cerr << "usage: quanta_dequant_tool raw FORMAT NE0 N_ROWS IN.bin OUT.f32\n"
                 "       quanta_dequant_tool gguf MODEL.gguf LIST.txt\n"
                 "       quanta_dequant_tool write-nf4-int8 OUT.gguf OUT.f32\n";
    return 2;
}

bool parse_positive(const char* text, int64_t& out) {
    char* end = nullptr;
    const long long v = std::strtoll(text, &end, 10);
    if (end == text || *end != '\0' || v <= 0)
        return false;
    out = v;
    return true;
}

bool write_floats(std::ostream& out, const std::vector<float>& y) {
    out.write(reinterpret_cast<const char*>(y.data()), static_cast<std::streamsize>(y.size() * sizeof(float)));
    return static_cast<bool>(out);
}

int cmd_raw(char** argv) {
    const auto format = format_from_name(argv[0]);
    if (!format)
        return fail(std::string("unknown format '") + argv[0] + "'");
    const FormatTraits& t = format_traits(*format);
    if (t.multi_part())
        return fail(std::string(t.name) + " is a multi-part format; use write-nf4-int8");
    int64_t ne0 = 0, rows = 0;
    if (!parse_positive(argv[1], ne0) || !parse_positive(argv[2], rows) || ne0 % t.block_elements != 0)
        return fail(std::string("bad sizes ") + argv[1] + " x " + argv[2] + " for " + std::string(t.name));
    std::ifstream in(argv[3], std::ios::binary);
    if (!in)
        return fail(std::string("cannot open ") + argv[3]);
    const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const size_t rb = row_bytes(*format, ne0);
    if (bytes.size() != rb * static_cast<size_t>(rows))
        return fail(std::string(argv[3]) + ": " + std::to_string(bytes.size()) + " bytes, expected " +
                    std::to_string(rb * static_cast<size_t>(rows)));
    std::vector<float> y(static_cast<size_t>(ne0 * rows));
    for (int64_t r = 0; r < rows; ++r)
        dequantize_row_reference(*format, bytes.data() + static_cast<size_t>(r) * rb, y.data() + r * ne0, ne0);
    std::ofstream out(argv[4], std::ios::binary);
    if (!write_floats(out, y))
        return fail(std::string("cannot write ") + argv[4]);
    return 0;
}

int cmd_gguf(char** argv) {
    auto file = GgufFile::open(argv[0]);
    if (!file)
        return fail(file.error().message);
    std::ofstream list(argv[1]);
    for (const GgufTensorInfo& info : file->tensors()) {
        const char* type = ggml_type_name(info.ggml_type);
        list << info.name << ' ' << (type ? type : "?") << ' ' << info.n_elements() << '\n';
    }
    list.close();
    if (!list)
        return fail(std::string("cannot write ") + argv[1]);

    std::vector<float> y;
    for (const GgufTensorInfo& info : file->tensors()) {
        const auto format = format_from_ggml_type(info.ggml_type);
        if (!format || format_traits(*format).multi_part())
            return fail("tensor '" + info.name + "': GGUF type " + std::to_string(info.ggml_type) +
                        " has no reference dequantizer");
        const int64_t ne0 = info.ne[0], rows = info.n_rows();
        const size_t rb = row_bytes(*format, ne0);
        if (info.n_bytes != rb * static_cast<uint64_t>(rows))
            return fail("tensor '" + info.name + "': size disagrees with its shape");
        y.resize(static_cast<size_t>(ne0 * rows));
        for (int64_t r = 0; r < rows; ++r)
            dequantize_row_reference(*format, info.data + static_cast<size_t>(r) * rb, y.data() + r * ne0, ne0);
        if (!write_floats(std::cout, y))
            return fail("cannot write to stdout");
    }
    std::cout.flush();
    return std::cout ? 0 : fail("cannot write to stdout");
}

// Deterministic test weights: Gaussian (sigma 0.02) from a 64-bit LCG through a Box-Muller
// transform, with one all-zero stretch so that NF4's all-zero blocks occur.
std::vector<float> make_weights(int64_t ne0, int64_t rows, uint64_t seed) {
    std::vector<float> w(static_cast<size_t>(ne0 * rows));
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
    auto uniform = [&s]() {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        return (static_cast<double>(s >> 11) + 0.5) / 9007199254740992.0;
    };
    for (size_t i = 0; i < w.size(); ++i) {
        const double g = std::sqrt(-2.0 * std::log(uniform())) * std::cos(6.283185307179586 * uniform());
        w[i] = static_cast<float>(0.02 * g);
    }
    for (size_t i = 128; i < 256 && i < w.size(); ++i)
        w[i] = 0.0f; // NF4 blocks 2 and 3 are all zero
    return w;
}

int cmd_write_nf4_int8(char** argv) {
    struct Weight {
        std::string name;
        Format format;
        int64_t ne0, rows;
    };
    // 320 x 64 NF4 = 320 absmax blocks = 2 nested blocks (256 + 64).
    const std::vector<Weight> weights{
        {"blk.0.attn_q.weight", Format::NF4, 320, 64},
        {"blk.0.ffn_down.weight", Format::INT8, 96, 40},
    };

    GgufWriter writer;
    writer.set("general.architecture", GgufValue::string("llama"));
    writer.set("general.name", GgufValue::string("quanta nf4/int8 sample"));
    writer.set(std::string(kQuantaFormatVersionKey), GgufValue::u32(kQuantaFormatVersion));
    writer.set(std::string(kQuantaInt8ThresholdKey), GgufValue::f32(6.0f));

    std::vector<std::vector<float>> originals;
    std::vector<std::vector<uint8_t>> data;
    // A plain F32 tensor before and after the multi-part weights.
    auto add_plain = [&](const std::string& name, int64_t n, float base) -> bool {
        const int64_t ne[1] = {n};
        if (!writer.add_tensor(name, kGgmlTypeF32, ne).ok())
            return false;
        std::vector<float> v(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i)
            v[static_cast<size_t>(i)] = base + 0.25f * static_cast<float>(i);
        data.emplace_back(reinterpret_cast<const uint8_t*>(v.data()),
                          reinterpret_cast<const uint8_t*>(v.data() + v.size()));
        return true;
    };
    if (!add_plain("blk.0.attn_norm.weight", 320, 1.0f))
        return fail("cannot add blk.0.attn_norm.weight");
    uint64_t seed = 1;
    for (const Weight& w : weights) {
        originals.push_back(make_weights(w.ne0, w.rows, seed++));
        auto parts = quantize_tensor_reference(w.format, originals.back().data(), w.ne0, w.rows);
        if (!parts)
            return fail(w.name + ": " + parts.error().message);
        for (QuantizedPart& p : *parts) {
            auto added = writer.add_tensor(w.name + p.suffix, p.ggml_type, p.ne);
            if (!added)
                return fail(w.name + p.suffix + ": " + added.error().message);
            data.push_back(std::move(p.bytes));
        }
    }
    if (!add_plain("output_norm.weight", 96, -2.0f))
        return fail("cannot add output_norm.weight");
    const std::vector<std::span<const uint8_t>> spans(data.begin(), data.end());
    auto written = writer.write_file(argv[0], spans);
    if (!written)
        return fail(written.error().message);

    // Read back through our reader and dequantize from the mapped parts.
    auto file = GgufFile::open(argv[0]);
    if (!file)
        return fail(file.error().message);
    std::ofstream out(argv[1], std::ios::binary);
    for (size_t k = 0; k < weights.size(); ++k) {
        const Weight& w = weights[k];
        std::vector<PartView> views;
        for (const GgufTensorInfo& info : file->tensors()) {
            if (info.name.size() <= w.name.size() || info.name.compare(0, w.name.size(), w.name) != 0 ||
                info.name[w.name.size()] != '.')
                continue;
            PartView v;
            v.suffix = std::string_view(info.name).substr(w.name.size());
            v.ggml_type = info.ggml_type;
            v.ne = std::span<const int64_t>(info.ne.data(), info.n_dims);
            v.bytes = info.bytes();
            views.push_back(v);
        }
        std::vector<float> y(static_cast<size_t>(w.ne0 * w.rows));
        auto done = dequantize_tensor_reference(w.format, views, w.ne0, w.rows, y.data());
        if (!done)
            return fail(w.name + ": " + done.error().message);
        if (!write_floats(out, originals[k]) || !write_floats(out, y))
            return fail(std::string("cannot write ") + argv[1]);
        std::cout << w.name << ' ' << format_name(w.format) << ' ' << w.ne0 << ' ' << w.rows << '\n';
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2)
        return usage();
    const std::string cmd = argv[1];
    if (cmd == "raw" && argc == 7)
        return cmd_raw(argv + 2);
    if (cmd == "gguf" && argc == 4)
        return cmd_gguf(argv + 2);
    if (cmd == "write-nf4-int8" && argc == 4)
        return cmd_write_nf4_int8(argv + 2);
    return usage();
}
