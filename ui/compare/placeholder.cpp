// SPDX-License-Identifier: MIT
// Placeholder so that the library has a source until the first widget lands; remove then.
namespace quanta::ui::compare_placeholder {}
