// SPDX-License-Identifier: MIT
// Errors as values. Every fallible operation in core/ and backends/ returns Result<T>; nothing
// throws across the public API and nothing aborts on bad input. Only programmer errors (broken
// invariants) reach QUANTA_ASSERT, which is always on.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <variant>

namespace quanta {

/// Coarse error categories; the message carries the detail (field name, byte offset, path).
enum class ErrorCode {
    InvalidArgument,    ///< the caller passed something meaningless (bad option, bad shape)
    NotFound,           ///< a file, key, tensor or conversation does not exist
    Io,                 ///< the operating system refused (open, read, write, rename, disk full)
    Truncated,          ///< a file ends before a field it declares
    BadMagic,           ///< not a GGUF file
    UnsupportedVersion, ///< a GGUF version we do not read (1, or > 3, or big-endian)
    Corrupt,            ///< counts, lengths, offsets or shapes that cannot be right
    UnknownType,        ///< an unknown metadata value type or tensor type id
    Unsupported,        ///< valid input that this build cannot handle (architecture, format)
    OutOfMemory,        ///< an allocation or a device buffer could not be made
    Cancelled,          ///< the caller's cancel token fired
    ContextFull,        ///< the KV cache has no room for more tokens
    Internal,           ///< a bug: should never be seen by a user
};

const char* error_code_name(ErrorCode code);

struct Error {
    ErrorCode code = ErrorCode::Internal;
    std::string message; ///< one line, for a human: what failed, where, why
};

/// A value or an Error. `[[nodiscard]]` so that an ignored failure is a compiler warning.
template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}          // NOLINT: implicit by design
    Result(Error error) : m_v(std::in_place_index<1>, std::move(error)) {}      // NOLINT: implicit by design

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(m_v); }
    const T& value() const& { return std::get<0>(m_v); }
    T&& value() && { return std::get<0>(std::move(m_v)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const { return std::get<1>(m_v); }
    Error&& take_error() { return std::get<1>(std::move(m_v)); }

private:
    std::variant<T, Error> m_v;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_ok(false) {}             // NOLINT: implicit by design

    bool ok() const { return m_ok; }
    explicit operator bool() const { return ok(); }
    const Error& error() const { return m_error; }
    Error&& take_error() { return std::move(m_error); }

private:
    Error m_error;
    bool m_ok = true;
};

inline Error make_error(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

[[noreturn]] inline void assert_fail(const char* expr, const char* file, int line) {
    std::fprintf(stderr, "quanta: internal error: %s (%s:%d)\n", expr, file, line);
    std::abort();
}

} // namespace quanta

/// Invariant check, always on. Never use it for conditions that bad input can cause.
#define QUANTA_ASSERT(cond) ((cond) ? (void)0 : ::quanta::assert_fail(#cond, __FILE__, __LINE__))

/// Evaluate a Result-returning expression; return its Error from the enclosing function on failure.
#define QUANTA_TRY(expr)                                 \
    do {                                                 \
        auto quanta_try_result_ = (expr);                \
        if (!quanta_try_result_.ok())                    \
            return quanta_try_result_.take_error();      \
    } while (0)

#define QUANTA_CONCAT_INNER_(a, b) a##b
#define QUANTA_CONCAT_(a, b) QUANTA_CONCAT_INNER_(a, b)
#define QUANTA_TRY_ASSIGN_IMPL_(tmp, lhs, expr)  \
    auto tmp = (expr);                           \
    if (!tmp.ok())                               \
        return tmp.take_error();                 \
    lhs = std::move(tmp).value()

/// `QUANTA_TRY_ASSIGN(auto x, f());` / `QUANTA_TRY_ASSIGN(x, f());`: assign the value of a Result
/// or return its Error from the enclosing function.
#define QUANTA_TRY_ASSIGN(lhs, expr) QUANTA_TRY_ASSIGN_IMPL_(QUANTA_CONCAT_(quanta_try_value_, __LINE__), lhs, expr)
