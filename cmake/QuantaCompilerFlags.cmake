# SPDX-License-Identifier: MIT
# Warning and sanitizer flags shared by every Quanta target, as an interface library.
add_library(quanta_flags INTERFACE)
target_compile_options(quanta_flags INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                              -Wno-missing-field-initializers)
# GCC 12 reports false -Wrestrict overlaps inside std::string's operator+ at -O3 (GCC bug 105329).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(quanta_flags INTERFACE -Wno-restrict)
endif()
if(QUANTA_WERROR)
    target_compile_options(quanta_flags INTERFACE -Werror)
endif()
if(QUANTA_NATIVE)
    target_compile_options(quanta_flags INTERFACE -march=native)
endif()
if(QUANTA_SANITIZE)
    # Applied globally so that every object (tests, gtest main) shares one runtime.
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
    add_link_options(-fsanitize=address,undefined)
endif()

find_program(QUANTA_CCACHE ccache)
if(QUANTA_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
    set(CMAKE_C_COMPILER_LAUNCHER ${QUANTA_CCACHE})
    set(CMAKE_CXX_COMPILER_LAUNCHER ${QUANTA_CCACHE})
endif()
