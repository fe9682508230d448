// SPDX-License-Identifier: MIT
// Hugging Face import (issue 10): a transformers model folder (config.json, tokenizer.json,
// tokenizer_config.json, generation_config.json, *.safetensors) to a GGUF file that Quanta and
// llama.cpp run, with llama.cpp's metadata keys, tensor names and Q/K RoPE permutation
// (FORMATS.md §3-§6). Architectures: LlamaForCausalLM, MistralForCausalLM (both "llama"),
// Qwen2ForCausalLM ("qwen2"). Details and limits in docs: see convert_hf_model below.
//
// Nothing here trusts its input: a safetensors header is validated (length bounds, JSON, known
// dtype, offsets inside the file and non-overlapping, shape x dtype size == byte length) before a
// byte of tensor data is used, and every tensor's shape is checked against config.json. The
// weights stay memory-mapped and are streamed tensor by tensor into the output, which appears at
// its path only when complete (temporary file + rename; nothing is left behind on error/cancel).
#pragma once

#include "quanta/result.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace quanta {

class MappedFile;

/// The dtypes of the safetensors format. Only F32, F16 and BF16 can be converted.
enum class SafetensorsDtype { F64, F32, F16, BF16, I64, I32, I16, I8, U8, Bool, F8_E4M3, F8_E5M2 };
const char* safetensors_dtype_name(SafetensorsDtype dtype);
size_t safetensors_dtype_size(SafetensorsDtype dtype);

struct SafetensorsTensor {
    std::string name;
    SafetensorsDtype dtype = SafetensorsDtype::F32;
    std::vector<int64_t> shape;        ///< PyTorch order (outermost first); {} for a scalar
    uint64_t offset = 0;               ///< absolute byte offset in the file
    uint64_t n_bytes = 0;
    const uint8_t* data = nullptr;     ///< into the mapping; valid while the SafetensorsFile lives

    int64_t n_elements() const;
};

class SafetensorsFile {
public:
    /// Memory-map and validate a file. Errors: NotFound, Io, and those of parse() with the path
    /// prefixed to the message.
    static Result<SafetensorsFile> open(const std::filesystem::path& path);
    /// Validate a buffer (kept alive by the caller). Errors: Truncated (shorter than the 8-byte
    /// length, or a header length beyond the end), Corrupt (header over 100 MB, not a JSON
    /// object, an entry without dtype/shape/data_offsets, a negative dim, offsets reversed, out
    /// of the data section or overlapping another tensor, a byte length that is not shape x
    /// dtype size), UnknownType (a dtype name that safetensors does not define).
    static Result<SafetensorsFile> parse(std::span<const uint8_t> bytes);

    SafetensorsFile(SafetensorsFile&&) noexcept;
    SafetensorsFile& operator=(SafetensorsFile&&) noexcept;
    ~SafetensorsFile();

    const std::vector<SafetensorsTensor>& tensors() const { return m_tensors; } ///< header order
    const SafetensorsTensor* find(std::string_view name) const;
    const std::filesystem::path& path() const { return m_path; }

private:
    SafetensorsFile();
    std::unique_ptr<MappedFile> m_mapping;
    std::filesystem::path m_path;
    std::vector<SafetensorsTensor> m_tensors;
};

/// One source tensor and where it goes.
struct HfTensorInfo {
    std::string name;                  ///< HF name: "model.layers.0.self_attn.q_proj.weight"
    std::string gguf_name;             ///< "blk.0.attn_q.weight"; "" for a tensor that is skipped
    std::string dtype;                 ///< "BF16", "F16", "F32"
    std::vector<int64_t> shape;        ///< PyTorch order
    std::string file;                  ///< the shard's file name
};

/// What read_hf_model found: enough for a GUI to accept a folder and describe it.
struct HfModelInfo {
    std::string hf_architecture;       ///< "LlamaForCausalLM"
    std::string architecture;          ///< GGUF general.architecture: "llama" or "qwen2"
    std::string name;                  ///< general.name (the folder's name)
    int64_t n_vocab = 0;
    int64_t n_embd = 0;
    int64_t n_layer = 0;
    int64_t n_ff = 0;
    int64_t n_head = 0;
    int64_t n_head_kv = 0;
    int64_t head_dim = 0;
    int64_t n_ctx_train = 0;
    double rope_freq_base = 10000.0;
    double rms_eps = 1e-5;
    std::string rope_scaling = "none"; ///< "none", "linear" or "llama3" (written as rope_freqs.weight)
    double rope_scaling_factor = 1.0;
    bool tied_embeddings = false;      ///< no output.weight: the engine reuses token_embd
    bool attention_bias = false;       ///< q/k/v biases (qwen2)
    std::string tokenizer_model;       ///< tokenizer.ggml.model: "gpt2" or "llama"
    std::string tokenizer_pre;         ///< tokenizer.ggml.pre ("gpt2" only): "llama-bpe", "qwen2", ...
    size_t tokenizer_tokens = 0;       ///< entries in tokenizer.json (padded to n_vocab on output)
    bool has_chat_template = false;
    std::vector<HfTensorInfo> tensors; ///< every tensor of the checkpoint, shard by shard
    std::vector<std::string> shards;   ///< safetensors file names
    uint64_t parameter_count = 0;      ///< elements of the converted tensors
    uint64_t source_bytes = 0;         ///< bytes of the converted tensors in the checkpoint
};

/// Read and validate a folder without converting: config.json (architecture and sizes), the
/// safetensors headers (single file or sharded with model.safetensors.index.json), every tensor's
/// name and shape, and the tokenizer files. Errors: NotFound (no folder, no config.json, no
/// tokenizer.json, no safetensors, a tensor the model needs), Unsupported (an architecture other
/// than the three, naming it; a dtype other than F32/F16/BF16; rope scaling other than linear and
/// llama3; a pre-tokenizer that is not recognized), Corrupt (bad JSON, a missing or invalid
/// config value, a tensor whose shape disagrees with config.json, naming it), and those of
/// SafetensorsFile::open.
Result<HfModelInfo> read_hf_model(const std::filesystem::path& dir);

struct HfConvertProgress {
    enum class Stage { Converting, Quantizing };
    Stage stage = Stage::Converting;
    size_t tensor_index = 0;           ///< 0-based; == tensor_count at the end of a stage
    size_t tensor_count = 0;
    std::string_view name;             ///< GGUF name of the tensor being written
    uint64_t bytes_done = 0;           ///< source bytes processed in this stage
    uint64_t bytes_total = 0;
    double elapsed_s = 0.0;            ///< since convert_hf_model started
};

struct HfConvertOptions {
    /// "F16" (default), "BF16", "F32" (2-D weights in that type; norms, biases and rope_freqs
    /// are always F32, as llama.cpp's converter), or any quantize_type_names() entry ("Q8_0",
    /// "Q4_K_M", ...): the weights are first written losslessly in their source dtype to a
    /// temporary GGUF next to `out`, which quantize_model turns into `out`; the temporary file
    /// is removed in every case.
    std::string type = "F16";
    int threads = 0;                   ///< quantization threads; <= 0: all cores
    /// Called on the calling thread at each tensor and a few times inside a large one; returning
    /// false cancels (Cancelled, nothing is left at `out` nor next to it).
    std::function<bool(const HfConvertProgress&)> on_progress;
};

struct HfConvertReport {
    HfModelInfo model;
    std::string type;                  ///< canonical name of what was written ("F16", "Q4_K_M")
    size_t tensor_count = 0;           ///< tensors in the output
    uint64_t output_file_bytes = 0;
    double seconds = 0.0;
};

/// Convert the folder `dir` to `out` (see HfConvertOptions::type). Errors: those of
/// read_hf_model; InvalidArgument (unknown type, `out` is a folder); Io (cannot write);
/// Cancelled. On error nothing is written at `out` (an existing file is left as it was).
Result<HfConvertReport> convert_hf_model(const std::filesystem::path& dir, const std::filesystem::path& out,
                                         const HfConvertOptions& options = {});

} // namespace quanta
