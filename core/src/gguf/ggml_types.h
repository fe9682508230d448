// SPDX-License-Identifier: MIT
// Internal: the table of every ggml tensor type id (FORMATS.md §2.6).
#pragma once

#include <cstdint>

namespace quanta {

struct GgmlTypeTraits {
    const char* name = nullptr;
    uint32_t block_elements = 0;   ///< 0 for removed ids (never valid in a file)
    uint32_t block_bytes = 0;
};

/// Traits of a type id: nullptr when the id was never assigned; block_elements == 0 when the id
/// existed once but was removed (its name is still given, for error messages).
const GgmlTypeTraits* ggml_type_traits(uint32_t ggml_type);

} // namespace quanta
