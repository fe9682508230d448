// SPDX-License-Identifier: MIT
// The quantizer pipeline (quanta/quantize.h): plan, declare, then per tensor dequantize the
// source rows and quantize them on a few std::threads, streaming each finished tensor to the
// GgufWriter's temporary file.
#include "quantize/quantize_internal.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <future>
#include <new>
#include <system_error>
#include <thread>

namespace quanta {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

template <class T>
std::span<const uint8_t> as_bytes(const std::vector<T>& v) {
    return {reinterpret_cast<const uint8_t*>(v.data()), v.size() * sizeof(T)};
}

/// Reports progress from the calling thread, at most every `interval` seconds unless forced.
class ProgressReporter {
public:
    ProgressReporter(const QuantizeOptions& options, size_t count, uint64_t total)
        : m_callback(options.on_progress), m_count(count), m_total(total), m_start(Clock::now()) {}

    /// Returns false when the caller asked to cancel.
    bool report(size_t index, std::string_view name, uint64_t done, bool force) {
        if (!m_callback)
            return true;
        const double elapsed = seconds_since(m_start);
        if (!force && elapsed - m_last < 0.2)
            return true;
        m_last = elapsed;
        QuantizeProgress p;
        p.tensor_index = index;
        p.tensor_count = m_count;
        p.name = name;
        p.bytes_done = done;
        p.bytes_total = m_total;
        p.elapsed_s = elapsed;
        p.eta_s = done > 0 && done < m_total
                      ? elapsed * static_cast<double>(m_total - done) / static_cast<double>(done)
                      : 0.0;
        return m_callback(p);
    }
    double elapsed() const { return seconds_since(m_start); }

private:
    const std::function<bool(const QuantizeProgress&)>& m_callback;
    size_t m_count;
    uint64_t m_total;
    Clock::time_point m_start;
    double m_last = -1.0;
};

/// The output of one quantized tensor, filled row by row by the workers.
struct TensorOutput {
    Format format = Format::F32;
    std::vector<uint8_t> bytes;      ///< single-part formats
    std::vector<uint8_t> nf4_codes;  ///< NF4
    std::vector<float> nf4_absmax;   ///< NF4: per-block absmax before double quantization
    std::vector<int8_t> int8_codes;  ///< INT8
    std::vector<float> int8_scb;     ///< INT8
};

void quantize_rows(const float* x, int64_t r0, int64_t r1, int64_t ne0, TensorOutput& out) {
    for (int64_t r = r0; r < r1; ++r) {
        const float* row = x + (r - r0) * ne0;
        const auto ur = static_cast<size_t>(r);
        const auto une0 = static_cast<size_t>(ne0);
        switch (out.format) {
        case Format::NF4:
            nf4_quantize_reference(row, ne0, out.nf4_codes.data() + ur * une0 / 2,
                                   out.nf4_absmax.data() + ur * une0 / kNf4BlockSize);
            break;
        case Format::INT8:
            int8_quantize_row_reference(row, ne0, out.int8_codes.data() + ur * une0, &out.int8_scb[ur]);
            break;
        default: {
            const size_t rb = row_bytes(out.format, ne0);
            quantize_row(out.format, row, out.bytes.data() + ur * rb, ne0);
            break;
        }
        }
    }
}

struct Pipeline {
    const QuantizeOptions& options;
    int threads = 1;
    ProgressReporter& progress;

    /// Quantizes `s` into `out`. `dequantized`: the whole tensor in f32 when the source is
    /// multi-part, else empty (rows are dequantized on the fly). Errors: Cancelled.
    Result<void> run(const detail::SourceTensor& s, const std::vector<float>& dequantized, TensorOutput& out,
                     size_t index, uint64_t bytes_before) {
        const int64_t n_rows = s.n_rows;
        const int64_t ne0 = s.ne0;
        // Enough chunks for balance, each at least ~16K weights so that the bookkeeping is free.
        const int64_t min_rows = std::max<int64_t>(1, 16384 / ne0);
        const int64_t rows_per_chunk = std::max(min_rows, n_rows / (static_cast<int64_t>(threads) * 8));
        const int64_t n_chunks = (n_rows + rows_per_chunk - 1) / rows_per_chunk;
        const Format src = *s.format;
        const uint8_t* src_data = s.parts[0]->data;
        const size_t src_rb = dequantized.empty() ? row_bytes(src, ne0) : 0;

        std::atomic<int64_t> next{0};
        std::atomic<int64_t> rows_done{0};
        std::atomic<bool> stop{false};
        auto work = [&](bool reporter) -> bool {
            std::vector<float> scratch;
            if (dequantized.empty())
                scratch.resize(static_cast<size_t>(rows_per_chunk * ne0));
            for (;;) {
                if (stop.load(std::memory_order_relaxed))
                    return true;
                const int64_t c = next.fetch_add(1);
                if (c >= n_chunks)
                    return true;
                const int64_t r0 = c * rows_per_chunk;
                const int64_t r1 = std::min(n_rows, r0 + rows_per_chunk);
                const float* x;
                if (dequantized.empty()) {
                    for (int64_t r = r0; r < r1; ++r)
                        dequantize_row(src, src_data + static_cast<size_t>(r) * src_rb,
                                                 scratch.data() + (r - r0) * ne0, ne0);
                    x = scratch.data();
                } else {
                    x = dequantized.data() + r0 * ne0;
                }
                quantize_rows(x, r0, r1, ne0, out);
                const int64_t done = rows_done.fetch_add(r1 - r0) + (r1 - r0);
                if (reporter) {
                    const uint64_t part = static_cast<uint64_t>(static_cast<double>(s.bytes) *
                                                                static_cast<double>(done) / static_cast<double>(n_rows));
                    if (!progress.report(index, s.name, bytes_before + part, false)) {
                        stop = true;
                        return false;
                    }
                }
            }
        };

        const int n_workers = static_cast<int>(std::min<int64_t>(threads, n_chunks));
        std::vector<std::thread> workers;
        bool cancelled = false;
        try {
            for (int t = 1; t < n_workers; ++t)
                workers.emplace_back([&] { work(false); });
        } catch (const std::system_error&) {
            // Fewer threads than asked for: the others (and this one) do the work.
        }
        cancelled = !work(true);
        for (auto& w : workers)
            w.join();
        if (cancelled)
            return make_error(ErrorCode::Cancelled, "quantization cancelled");
        return {};
    }
};

Result<void> declare(GgufWriter& w, const detail::SourceTensor& s, const TensorPlan& p) {
    if (!p.quantize) {
        for (const GgufTensorInfo* part : s.parts) {
            auto r = w.add_tensor(part->name, part->ggml_type, std::span<const int64_t>(part->ne.data(), part->n_dims));
            if (!r)
                return r;
        }
        return {};
    }
    const Format f = *p.target;
    const int64_t n = s.ne0 * s.n_rows;
    if (f == Format::NF4) {
        const int64_t n_blocks = n / kNf4BlockSize;
        const int64_t n_nested = (n_blocks + kNf4NestedBlockSize - 1) / kNf4NestedBlockSize;
        const std::vector<std::pair<std::string_view, std::vector<int64_t>>> parts{
            {kNf4CodesSuffix, {s.ne0 / 2, s.n_rows}}, {kNf4AbsmaxSuffix, {n_blocks}},
            {kNf4NestedAbsmaxSuffix, {n_nested}},    {kNf4NestedOffsetSuffix, {1}},
            {kNf4NestedMapSuffix, {256}}};
        for (size_t i = 0; i < parts.size(); ++i) {
            auto r = w.add_tensor(s.name + std::string(parts[i].first), i < 2 ? kGgmlTypeI8 : kGgmlTypeF32,
                                  parts[i].second);
            if (!r)
                return r;
        }
        return {};
    }
    if (f == Format::INT8) {
        const std::vector<int64_t> codes{s.ne0, s.n_rows}, scb{s.n_rows};
        auto r = w.add_tensor(s.name + std::string(kInt8CodesSuffix), kGgmlTypeI8, codes);
        if (!r)
            return r;
        return w.add_tensor(s.name + std::string(kInt8ScaleSuffix), kGgmlTypeF32, scb);
    }
    return w.add_tensor(s.name, static_cast<uint32_t>(format_traits(f).ggml_type), s.shape);
}

Result<void> write_output(GgufWriter& w, TensorOutput& out) {
    if (out.format == Format::NF4) {
        Nf4DoubleQuant dq = nf4_double_quantize(out.nf4_absmax);
        for (std::span<const uint8_t> part :
             {std::span<const uint8_t>(out.nf4_codes), std::span<const uint8_t>(dq.qabsmax),
              as_bytes(dq.nested_absmax),
              std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(&dq.nested_offset), sizeof(float)),
              as_bytes(dq.nested_map)}) {
            auto r = w.write_data(part);
            if (!r)
                return r;
        }
        return {};
    }
    if (out.format == Format::INT8) {
        auto r = w.write_data(as_bytes(out.int8_codes));
        if (!r)
            return r;
        return w.write_data(as_bytes(out.int8_scb));
    }
    return w.write_data(out.bytes);
}

} // namespace

namespace detail {

Result<void> declare_output(GgufWriter& w, const GgufFile& input, const std::vector<SourceTensor>& sources,
                            const std::vector<TensorPlan>& plans, QuantizeType type, float int8_threshold) {
    w.copy_metadata(input);
    // As llama.cpp (gguf_set_val_* removes a key and appends it): these two keys move to the end,
    // which makes the whole file byte-identical to llama-quantize's.
    w.remove("general.quantization_version");
    w.set("general.quantization_version", GgufValue::u32(2));
    w.remove("general.file_type"); // NF4/INT8 have no llama_ftype; a copied one would be wrong
    if (const auto file_type = quantize_type_file_type(type))
        w.set("general.file_type", GgufValue::u32(*file_type));
    bool multi_part = false, int8 = false;
    for (const TensorPlan& p : plans) {
        multi_part |= p.target == Format::NF4 || p.target == Format::INT8;
        int8 |= p.target == Format::INT8;
    }
    if (multi_part) {
        w.set(std::string(kQuantaFormatVersionKey), GgufValue::u32(kQuantaFormatVersion));
        w.set(std::string(kQuantaQuantizeTypeKey), GgufValue::string(std::string(quantize_type_name(type))));
    } else {
        w.remove(kQuantaFormatVersionKey);
        w.remove(kQuantaQuantizeTypeKey);
    }
    if (int8)
        w.set(std::string(kQuantaInt8ThresholdKey), GgufValue::f32(int8_threshold));
    else
        w.remove(kQuantaInt8ThresholdKey);
    for (size_t i = 0; i < plans.size(); ++i)
        QUANTA_TRY(declare(w, sources[i], plans[i]));
    return {};
}

} // namespace detail

namespace {

Result<QuantizeReport> quantize_impl(const std::filesystem::path& in, const std::filesystem::path& out,
                                     const QuantizeOptions& options) {
    const auto type = quantize_type_from_name(options.type);
    if (!type) {
        std::string names;
        for (std::string_view n : quantize_type_names())
            names += (names.empty() ? "" : " ") + std::string(n);
        return make_error(ErrorCode::InvalidArgument, "unknown type '" + options.type + "' (one of: " + names + ")");
    }
    std::error_code ec;
    if (std::filesystem::equivalent(in, out, ec) && !ec)
        return make_error(ErrorCode::InvalidArgument,
                          "refusing to overwrite the input file " + out.string() + " (choose another output)");

    auto file = GgufFile::open(in);
    if (!file)
        return file.take_error();
    auto sources = detail::collect_sources(*file);
    if (!sources)
        return sources.take_error();
    auto plans = detail::plan_sources(*file, *sources, *type);
    if (!plans)
        return plans.take_error();

    QuantizeReport report;
    report.type = std::string(quantize_type_name(*type));
    report.file_type = quantize_type_file_type(*type);
    report.input_file_bytes = file->file_size();
    int threads = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
    report.threads = std::clamp(threads, 1, 1024);

    GgufWriter w;
    if (auto r = detail::declare_output(w, *file, *sources, *plans, *type, options.int8_threshold); !r)
        return r.take_error();
    uint64_t total = 0;
    for (const TensorPlan& p : *plans)
        total += p.source_bytes;
    if (auto r = w.begin(out); !r)
        return r.take_error();

    ProgressReporter progress(options, plans->size(), total);
    Pipeline pipeline{options, report.threads, progress};
    // Tensor i is written while tensor i + 1 is quantized (declared after w: destroyed, and so
    // waited for, before it).
    std::future<Result<void>> pending_write;
    auto finish_pending_write = [&]() -> Result<void> {
        return pending_write.valid() ? pending_write.get() : Result<void>{};
    };
    uint64_t done = 0;
    for (size_t i = 0; i < plans->size(); ++i) {
        const detail::SourceTensor& s = (*sources)[i];
        const TensorPlan& p = (*plans)[i];
        if (!progress.report(i, s.name, done, true))
            return make_error(ErrorCode::Cancelled, "quantization cancelled");
        if (!p.quantize) {
            if (auto r = finish_pending_write(); !r)
                return r.take_error();
            for (const GgufTensorInfo* part : s.parts)
                if (auto r = w.write_data(part->bytes()); !r)
                    return r.take_error();
        } else {
            TensorOutput o;
            o.format = *p.target;
            std::vector<float> dequantized;
            const auto n = static_cast<size_t>(s.ne0 * s.n_rows);
            if (o.format == Format::NF4) {
                o.nf4_codes.resize(n / 2);
                o.nf4_absmax.resize(n / kNf4BlockSize);
            } else if (o.format == Format::INT8) {
                o.int8_codes.resize(n);
                o.int8_scb.resize(static_cast<size_t>(s.n_rows));
            } else {
                o.bytes.resize(row_bytes(o.format, s.ne0) * static_cast<size_t>(s.n_rows));
            }
            if (format_traits(*s.format).multi_part()) {
                dequantized.resize(n);
                std::vector<PartView> views;
                for (const GgufTensorInfo* part : s.parts)
                    views.push_back(PartView{std::string_view(part->name).substr(s.name.size()), part->ggml_type,
                                             std::span<const int64_t>(part->ne.data(), part->n_dims), part->bytes()});
                if (auto r = dequantize_tensor_reference(*s.format, views, s.ne0, s.n_rows, dequantized.data()); !r)
                    return make_error(r.error().code, "tensor '" + s.name + "': " + r.error().message);
            }
            if (auto r = pipeline.run(s, dequantized, o, i, done); !r)
                return r.take_error();
            if (auto r = finish_pending_write(); !r)
                return r.take_error();
            pending_write = std::async(std::launch::async,
                                       [&w, out_tensor = std::move(o)]() mutable { return write_output(w, out_tensor); });
        }
        done += p.source_bytes;

        QuantizedTensorReport t;
        t.name = p.name;
        t.shape = p.shape;
        t.source_format = p.source_format;
        t.format = p.target_format;
        t.quantized = p.quantize;
        t.fallback = p.fallback;
        t.source_bytes = p.source_bytes;
        t.bytes = p.target_bytes;
        report.quantized_count += p.quantize ? 1 : 0;
        report.copied_count += p.quantize ? 0 : 1;
        report.fallback_count += p.fallback ? 1 : 0;
        int64_t elements = 1;
        for (int64_t d : p.shape)
            elements *= d;
        report.elements += elements;
        report.source_tensor_bytes += p.source_bytes;
        report.tensor_bytes += p.target_bytes;
        report.tensors.push_back(std::move(t));
    }
    if (auto r = finish_pending_write(); !r)
        return r.take_error();
    if (!progress.report(plans->size(), "", done, true))
        return make_error(ErrorCode::Cancelled, "quantization cancelled");
    if (auto r = w.finish(); !r)
        return r.take_error();
    report.output_file_bytes = std::filesystem::file_size(out, ec);
    report.seconds = progress.elapsed();
    return report;
}

} // namespace

Result<QuantizedFilePlan> plan_quantized_file(const GgufFile& input, QuantizeType type, float int8_threshold) {
    try {
        auto sources = detail::collect_sources(input);
        if (!sources)
            return sources.take_error();
        auto plans = detail::plan_sources(input, *sources, type);
        if (!plans)
            return plans.take_error();
        // The very declaration quantize_model makes, measured instead of written.
        GgufWriter w;
        QUANTA_TRY(detail::declare_output(w, input, *sources, *plans, type, int8_threshold));
        QuantizedFilePlan result;
        QUANTA_TRY_ASSIGN(result.file_bytes, w.file_size());
        for (const TensorPlan& p : *plans)
            result.tensor_bytes += p.target_bytes;
        result.tensors = std::move(*plans);
        return result;
    } catch (const std::bad_alloc&) {
        return make_error(ErrorCode::OutOfMemory, "out of memory while planning the quantization");
    }
}

Result<QuantizeReport> quantize_model(const std::filesystem::path& in, const std::filesystem::path& out,
                                      const QuantizeOptions& options) {
    try {
        return quantize_impl(in, out, options);
    } catch (const std::bad_alloc&) {
        return make_error(ErrorCode::OutOfMemory, "out of memory while quantizing " + in.string());
    }
}

} // namespace quanta
