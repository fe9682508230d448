// SPDX-License-Identifier: MIT
// The CPU implementation of the backend interface (quanta/backend/backend.h).
#pragma once

#include "quanta/backend/backend.h"

#include <memory>

namespace quanta::cpu {

/// Hardware threads of this machine (at least 1).
int default_thread_count();

/// A backend with one device, "cpu", running `threads` workers (<= 0: default_thread_count()).
std::unique_ptr<backend::Backend> create_cpu_backend(int threads);

} // namespace quanta::cpu
