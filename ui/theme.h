// SPDX-License-Identifier: MIT
// The app's light and dark themes: Qt's Fusion style with a light or a dark palette, or the
// platform's own look ("system"). Widgets draw with palette roles, so a theme change repaints all.
#pragma once

#include <QString>

namespace quanta::ui {

/// `theme`: "system", "light" or "dark" (AppSettings::theme); anything else is "system".
void applyTheme(const QString& theme);

} // namespace quanta::ui
