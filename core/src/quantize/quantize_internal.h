// SPDX-License-Identifier: MIT
// Shared between the recipe (recipe.cpp) and the pipeline (quantize.cpp).
#pragma once

#include "quanta/quantize.h"

#include <string>
#include <vector>

namespace quanta::detail {

/// One logical tensor of the input: a plain GGUF tensor, or the parts of an NF4/INT8 weight
/// (main part first, then the others in docs/formats.md order).
struct SourceTensor {
    std::string name;
    std::vector<const GgufTensorInfo*> parts;
    std::vector<int64_t> shape;    ///< logical, as stored (n_dims entries)
    int64_t ne0 = 0;
    int64_t n_rows = 0;
    int n_dims_trimmed = 1;        ///< ggml_n_dims: trailing 1s do not count
    std::optional<Format> format;  ///< nullopt: not dequantizable by Quanta
    std::string format_name;
    uint64_t bytes = 0;
};

/// Every logical tensor of `file` in llama.cpp's quantization order (non-`blk.` tensors first,
/// then by layer number, then by name). Errors: Corrupt (a multi-part weight missing a part).
Result<std::vector<SourceTensor>> collect_sources(const GgufFile& file);

/// Plan rows for `sources` (same order).
Result<std::vector<TensorPlan>> plan_sources(const GgufFile& file, const std::vector<SourceTensor>& sources,
                                             QuantizeType type);

/// Declare on `w` everything quantize_model writes before the tensor data: the input's metadata
/// with general.file_type, general.quantization_version and the quanta.* keys set as for `type`,
/// then every output tensor (each NF4/INT8 part) in `plans` order. The one place that decides the
/// output layout: the writer streams from it and plan_quantized_file measures it.
Result<void> declare_output(GgufWriter& w, const GgufFile& input, const std::vector<SourceTensor>& sources,
                            const std::vector<TensorPlan>& plans, QuantizeType type, float int8_threshold);

} // namespace quanta::detail
