# SPDX-License-Identifier: MIT
# Fails when the .ts file TS lacks a translation for a string of the sources: the strings are
# extracted again with LUPDATE, exactly as the update_translations target does (the lupdate
# project PROJECT_IN that qt_add_translations wrote, turned into JSON by Qt's PROJECT_GENERATOR),
# into a copy of TS in WORK; the copy must have no unfinished entry. The first few are named.
cmake_policy(SET CMP0007 NEW)
file(MAKE_DIRECTORY "${WORK}")
execute_process(COMMAND "${CMAKE_COMMAND}" -DIN_FILE=${PROJECT_IN} -DOUT_FILE=${WORK}/project.json
                        -P "${PROJECT_GENERATOR}"
                RESULT_VARIABLE status ERROR_VARIABLE err)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "could not make the lupdate project: ${err}")
endif()
get_filename_component(name "${TS}" NAME)
set(copy "${WORK}/${name}")
file(COPY_FILE "${TS}" "${copy}")
execute_process(COMMAND "${LUPDATE}" -project "${WORK}/project.json" -ts "${copy}" -no-obsolete -locations none
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "lupdate failed (${status}): ${out}${err}")
endif()
file(READ "${copy}" content)
string(REGEX MATCHALL "type=\"unfinished\"" unfinished "${content}")
string(REGEX MATCHALL "<message[ >]" messages "${content}")
list(LENGTH unfinished count)
list(LENGTH messages total)
if(count GREATER 0)
    string(REGEX MATCHALL "<source>[^<]*</source>[^<]*(<comment>[^<]*</comment>[^<]*)?<translation type=\"unfinished\""
           examples "${content}")
    string(SUBSTRING "${examples}" 0 600 examples)
    message(FATAL_ERROR "${TS}: ${count} of the sources' ${total} strings are not translated "
                        "(run the update_translations target, then translate), e.g.:\n${examples}")
endif()
if(total LESS 100)
    message(FATAL_ERROR "${TS}: only ${total} strings found: is this the right file?")
endif()
message(STATUS "${TS}: all ${total} strings of the sources are translated")
