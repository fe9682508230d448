// SPDX-License-Identifier: MIT
// read_hf_model / convert_hf_model: the plan of hf_model.cpp streamed into a GGUF, tensor by
// tensor and row chunk by row chunk (memory stays a few MiB, never the model), then quantized.
#include "hf_import/hf_internal.h"

#include "quanta/format.h"
#include "quanta/quantize.h"
#include "util/mapped_file.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <atomic>
#include <chrono>
#include <cstring>

namespace quanta {

namespace {

constexpr uint32_t kGgmlF32 = 0, kGgmlF16 = 1, kGgmlBf16 = 30;

uint32_t ggml_type_of(SafetensorsDtype d) {
    return d == SafetensorsDtype::F16 ? kGgmlF16 : d == SafetensorsDtype::BF16 ? kGgmlBf16 : kGgmlF32;
}

float load(const uint8_t* p, SafetensorsDtype d) {
    if (d == SafetensorsDtype::F32) {
        float f;
        std::memcpy(&f, p, 4);
        return f;
    }
    uint16_t h;
    std::memcpy(&h, p, 2);
    return d == SafetensorsDtype::F16 ? fp16_to_f32(h) : bf16_to_f32(h);
}

void store(uint8_t* p, uint32_t type, float f) {
    if (type == kGgmlF32) {
        std::memcpy(p, &f, 4);
        return;
    }
    const uint16_t h = type == kGgmlF16 ? f32_to_fp16(f) : f32_to_bf16(f);
    std::memcpy(p, &h, 2);
}

size_t type_size(uint32_t type) { return type == kGgmlF32 ? 4 : 2; }

class Clock {
public:
    double seconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count(); }

private:
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
};

Error cancelled() { return make_error(ErrorCode::Cancelled, "conversion cancelled"); }

/// Write the plan to `path`: 2-D weights in `weight_type`, or in their source dtype when
/// weight_type is nullopt (the lossless input of the quantizer).
Result<size_t> write_gguf(const hf::Model& model, const std::filesystem::path& path, std::optional<uint32_t> weight_type,
                          const HfConvertOptions& options, const Clock& clock) {
    GgufWriter w;
    for (const GgufKeyValue& kv : model.metadata)
        w.set(kv.key, kv.value);
    std::vector<uint32_t> types;
    uint64_t total = 0;
    size_t n16 = 0, nbf16 = 0;
    for (const hf::PlannedTensor& t : model.plan) {
        const uint32_t type = t.keep_f32 ? kGgmlF32 : weight_type ? *weight_type : ggml_type_of(t.source->dtype);
        n16 += type == kGgmlF16;
        nbf16 += type == kGgmlBf16;
        types.push_back(type);
        total += t.source ? t.source->n_bytes : t.generated.size() * 4;
        QUANTA_TRY(w.add_tensor(t.gguf_name, type, t.ne));
    }
    const uint32_t file_type = weight_type ? (*weight_type == kGgmlF16 ? 1u : *weight_type == kGgmlBf16 ? 32u : 0u)
                                           : (nbf16 > n16 ? 32u : n16 > 0 ? 1u : 0u);
    w.set("general.file_type", GgufValue::u32(file_type));
    w.set("general.quantization_version", GgufValue::u32(2));
    QUANTA_TRY(w.begin(path));

    HfConvertProgress progress;
    progress.tensor_count = model.plan.size();
    progress.bytes_total = total;
    double last_report = -1.0;
    auto report = [&](bool force) {
        if (!options.on_progress)
            return true;
        const double now = clock.seconds();
        if (!force && now - last_report < 0.2)
            return true;
        last_report = now;
        progress.elapsed_s = now;
        return options.on_progress(progress);
    };
    std::vector<uint8_t> buffer;
    for (size_t i = 0; i < model.plan.size(); ++i) {
        const hf::PlannedTensor& t = model.plan[i];
        progress.tensor_index = i;
        progress.name = t.gguf_name;
        if (!report(true))
            return cancelled();
        const uint32_t type = types[i];
        if (!t.source) {
            QUANTA_TRY(w.write_data({reinterpret_cast<const uint8_t*>(t.generated.data()), t.generated.size() * 4}));
            progress.bytes_done += t.generated.size() * 4;
            continue;
        }
        const SafetensorsTensor& s = *t.source;
        const int64_t row = t.ne[0];
        const int64_t rows = row > 0 ? s.n_elements() / row : 0;
        const size_t in_size = safetensors_dtype_size(s.dtype), out_size = type_size(type);
        const size_t in_row = static_cast<size_t>(row) * in_size, out_row = static_cast<size_t>(row) * out_size;
        const int64_t chunk = std::max<int64_t>(1, static_cast<int64_t>((4u << 20) / std::max<size_t>(out_row, 1)));
        for (int64_t r0 = 0; r0 < rows; r0 += chunk) {
            const int64_t n = std::min(chunk, rows - r0);
            buffer.resize(static_cast<size_t>(n) * out_row);
            for (int64_t r = 0; r < n; ++r) {
                const int64_t src = t.permute_heads ? hf::permuted_source_row(r0 + r, rows, t.permute_heads) : r0 + r;
                const uint8_t* in = s.data + static_cast<size_t>(src) * in_row;
                uint8_t* out = buffer.data() + static_cast<size_t>(r) * out_row;
                if (ggml_type_of(s.dtype) == type) {
                    std::memcpy(out, in, in_row);
                } else {
                    for (int64_t k = 0; k < row; ++k)
                        store(out + static_cast<size_t>(k) * out_size, type, load(in + static_cast<size_t>(k) * in_size, s.dtype));
                }
            }
            QUANTA_TRY(w.write_data(buffer));
            progress.bytes_done += static_cast<uint64_t>(n) * in_row;
            if (!report(false))
                return cancelled();
        }
    }
    progress.tensor_index = model.plan.size();
    progress.name = {};
    if (!report(true))
        return cancelled();
    QUANTA_TRY(w.finish());
    return model.plan.size();
}

/// Removes a file when it goes out of scope.
struct RemoveOnExit {
    std::filesystem::path path;
    ~RemoveOnExit() {
        std::error_code ec;
        std::filesystem::remove(path, ec);
    }
};

Result<hf::Model> load_guarded(const std::filesystem::path& dir) {
    try {
        return hf::load_model(dir);
    } catch (const nlohmann::json::exception& e) {
        return make_error(ErrorCode::Corrupt, std::string("config.json: ") + e.what());
    }
}

} // namespace

Result<HfModelInfo> read_hf_model(const std::filesystem::path& dir) {
    QUANTA_TRY_ASSIGN(hf::Model model, load_guarded(dir));
    return std::move(model.info);
}

Result<HfConvertReport> convert_hf_model(const std::filesystem::path& dir, const std::filesystem::path& out,
                                         const HfConvertOptions& options) {
    const Clock clock;
    std::optional<uint32_t> direct;
    std::optional<QuantizeType> quantized;
    std::string type_upper = options.type;
    for (char& c : type_upper)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (type_upper == "F16" || type_upper == "F32" || type_upper == "BF16")
        direct = type_upper == "F16" ? kGgmlF16 : type_upper == "F32" ? kGgmlF32 : kGgmlBf16;
    else if (!(quantized = quantize_type_from_name(options.type)))
        return make_error(ErrorCode::InvalidArgument, "unknown output type '" + options.type + "'");
    std::error_code ec;
    if (out.empty() || std::filesystem::is_directory(out, ec))
        return make_error(ErrorCode::InvalidArgument, out.string() + ": the output must be a file path, not a folder");

    QUANTA_TRY_ASSIGN(hf::Model model, load_guarded(dir));
    if (const auto target = file_id(out)) {
        for (const SafetensorsFile& shard : model.checkpoint.shards) {
            if (file_id(shard.path()) == target)
                return make_error(ErrorCode::InvalidArgument, out.string() + ": the output would overwrite the input");
        }
    }
    HfConvertReport report;
    report.type = direct ? type_upper : std::string(quantize_type_name(*quantized));
    if (direct) {
        QUANTA_TRY_ASSIGN(report.tensor_count, write_gguf(model, out, direct, options, clock));
    } else {
        static std::atomic<unsigned> counter{0};
        const std::filesystem::path temp = out.parent_path() / (out.filename().string() + ".convert-" + std::to_string(getpid()) +
                                                                 "-" + std::to_string(counter++) + ".tmp.gguf");
        RemoveOnExit guard{temp};
        QUANTA_TRY(write_gguf(model, temp, std::nullopt, options, clock));
        QuantizeOptions q;
        q.type = std::string(quantize_type_name(*quantized));
        q.threads = options.threads;
        if (options.on_progress) {
            q.on_progress = [&](const QuantizeProgress& p) {
                HfConvertProgress h;
                h.stage = HfConvertProgress::Stage::Quantizing;
                h.tensor_index = p.tensor_index;
                h.tensor_count = p.tensor_count;
                h.name = p.name;
                h.bytes_done = p.bytes_done;
                h.bytes_total = p.bytes_total;
                h.elapsed_s = clock.seconds();
                return options.on_progress(h);
            };
        }
        QUANTA_TRY_ASSIGN(QuantizeReport qr, quantize_model(temp, out, q));
        report.tensor_count = qr.tensors.size();
    }
    report.output_file_bytes = std::filesystem::file_size(out, ec);
    report.model = std::move(model.info);
    report.seconds = clock.seconds();
    return report;
}

} // namespace quanta
