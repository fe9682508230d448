// SPDX-License-Identifier: MIT
// fits(): an estimate against a device's memory, with the reason in words.
#include "quanta/estimate.h"

#include "quanta/model_info.h"

namespace quanta {

FitVerdict fits(const MemoryEstimate& estimate, const backend::DeviceInfo& device) {
    FitVerdict v;
    v.needed = estimate.total_bytes();
    v.available = device.free_memory;
    const std::string needs = "needs " + format_byte_size(v.needed);
    if (device.total_memory == 0 && device.free_memory == 0) {
        v.reason = needs + ", but " + device.name + " reports no memory figures";
        return v;
    }
    if (device.total_memory != 0 && v.needed > device.total_memory) {
        // More than the device has at all: closing other programs would not help.
        v.reason = needs + ", more than the " + format_byte_size(device.total_memory) + " " + device.name +
                   " has in total";
        return v;
    }
    if (v.needed > v.available) {
        v.reason = needs + ", " + format_byte_size(v.needed - v.available) + " more than the " +
                   format_byte_size(v.available) + " free";
        return v;
    }
    v.fits = true;
    v.reason = needs + " of the " + format_byte_size(v.available) + " free";
    return v;
}

} // namespace quanta
