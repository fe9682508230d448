// SPDX-License-Identifier: MIT
#include "quanta/result.h"

namespace quanta {

const char* error_code_name(ErrorCode code) {
    switch (code) {
    case ErrorCode::InvalidArgument: return "invalid argument";
    case ErrorCode::NotFound: return "not found";
    case ErrorCode::Io: return "I/O error";
    case ErrorCode::Truncated: return "truncated file";
    case ErrorCode::BadMagic: return "bad magic";
    case ErrorCode::UnsupportedVersion: return "unsupported version";
    case ErrorCode::Corrupt: return "corrupt file";
    case ErrorCode::UnknownType: return "unknown type";
    case ErrorCode::Unsupported: return "unsupported";
    case ErrorCode::OutOfMemory: return "out of memory";
    case ErrorCode::Cancelled: return "cancelled";
    case ErrorCode::ContextFull: return "context full";
    case ErrorCode::Internal: return "internal error";
    }
    return "unknown error";
}

} // namespace quanta
