// SPDX-License-Identifier: MIT
// Internal: what GgufFile keeps of an opened file, shared by the reader and the writer (which
// refuses to overwrite the file it copies from).
#pragma once

#include "quanta/gguf.h"
#include "util/mapped_file.h"

namespace quanta {

struct GgufFile::Mapping {
    MappedFile file;
};

} // namespace quanta
