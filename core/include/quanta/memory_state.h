// SPDX-License-Identifier: MIT
// The running summary of a conversation's beginning: written by the memory strategies
// (quanta/memory.h) and kept with the conversation by the store (quanta/conversation_store.h).
// Its own header so that neither module depends on the other.
#pragma once

#include <cstdint>
#include <string>

namespace quanta {

struct MemoryState {
    std::string summary; ///< "" until something was summarized
    int64_t covered = 0; ///< history messages [0, covered) the summary stands for (system prompt excluded)
    bool operator==(const MemoryState&) const = default;
};

} // namespace quanta
