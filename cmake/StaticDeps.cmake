# SHARDPLAN_STATIC_DEPS (the `dist` preset): a release binary that needs nothing but glibc.
# Debian ships no static simdjson, fmt or toml++ archives, so each comes in another way while
# keeping the target names the rest of the build links:
#   simdjson  compiled from its single-file amalgamation (simdjson.h + simdjson.cpp), which
#             Debian's libsimdjson-dev does not ship (its simdjson.h only declares most of
#             what libsimdjson.so implements)
#   fmt       Debian's libfmt-dev headers, fmt's compiled part built from them once
#   toml++    Debian's headers in header-only mode (TOML_HEADER_ONLY=1)
#   expat     Debian's libexpat.a
# CLI11 and nlohmann/json are header-only anyway.
# The npm registry's `simdjson` package bundles the amalgamation (simdjson 0.9.1, whose error
# texts are the ones Debian's 3.0.1 prints, so both builds report broken JSON alike). It is
# fetched at configure time into the build folder, never into the source tree.
set(SHARDPLAN_SIMDJSON_NPM "simdjson@0.9.2" CACHE STRING "npm package holding the amalgamation")
set(SHARDPLAN_SIMDJSON_AMALGAMATION "" CACHE PATH
    "Folder holding simdjson.h and simdjson.cpp (empty: fetch SHARDPLAN_SIMDJSON_NPM with npm)")
set(_amalgamation "${SHARDPLAN_SIMDJSON_AMALGAMATION}")
if(NOT _amalgamation)
  set(_fetched "${CMAKE_BINARY_DIR}/_deps/${SHARDPLAN_SIMDJSON_NPM}")
  set(_amalgamation "${_fetched}/package/simdjson/src")
  if(NOT EXISTS "${_amalgamation}/simdjson.cpp")
    find_program(NPM npm)
    if(NOT NPM)
      message(FATAL_ERROR "SHARDPLAN_STATIC_DEPS fetches simdjson's amalgamation with npm, which "
                          "is not on PATH: run scripts/setup.sh, or set "
                          "SHARDPLAN_SIMDJSON_AMALGAMATION to a folder holding simdjson.h/.cpp")
    endif()
    file(MAKE_DIRECTORY "${_fetched}")
    execute_process(
      COMMAND "${NPM}" pack --silent "${SHARDPLAN_SIMDJSON_NPM}" --pack-destination "${_fetched}"
      OUTPUT_VARIABLE _tarball OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE _failed)
    if(_failed)
      message(FATAL_ERROR "npm pack ${SHARDPLAN_SIMDJSON_NPM} failed (exit ${_failed})")
    endif()
    file(ARCHIVE_EXTRACT INPUT "${_fetched}/${_tarball}" DESTINATION "${_fetched}"
         PATTERNS "package/simdjson/src/*" package/LICENSE)
  endif()
endif()
if(NOT EXISTS "${_amalgamation}/simdjson.cpp" OR NOT EXISTS "${_amalgamation}/simdjson.h")
  message(FATAL_ERROR "no simdjson.h and simdjson.cpp in '${_amalgamation}'")
endif()
message(STATUS "simdjson amalgamation: ${_amalgamation}")
add_library(shardplan_simdjson STATIC "${_amalgamation}/simdjson.cpp")
# SYSTEM: third-party code, kept out of our warnings.
target_include_directories(shardplan_simdjson SYSTEM PUBLIC "${_amalgamation}")
add_library(simdjson::simdjson ALIAS shardplan_simdjson)

# fmt: Debian's headers, its compiled part built once here (cmake/static_fmt.cc) rather than
# fmt::fmt-header-only, which would compile it again in every source file that formats.
find_path(SHARDPLAN_FMT_INCLUDE fmt/format-inl.h REQUIRED)
add_library(shardplan_fmt STATIC ${CMAKE_CURRENT_LIST_DIR}/static_fmt.cc)
target_include_directories(shardplan_fmt SYSTEM PUBLIC "${SHARDPLAN_FMT_INCLUDE}")
set(SHARDPLAN_FMT_TARGET shardplan_fmt)

add_library(shardplan_tomlplusplus INTERFACE)
find_path(SHARDPLAN_TOML_INCLUDE toml++/toml.h REQUIRED)
target_include_directories(shardplan_tomlplusplus SYSTEM INTERFACE "${SHARDPLAN_TOML_INCLUDE}")
target_compile_definitions(shardplan_tomlplusplus INTERFACE TOML_HEADER_ONLY=1)
add_library(tomlplusplus::tomlplusplus ALIAS shardplan_tomlplusplus)

find_library(EXPAT_LIBRARY NAMES libexpat.a REQUIRED)
find_package(EXPAT REQUIRED)

# Applied to the shardplan executable once it exists: the C++ runtime linked in, symbols
# stripped (a release artifact; debug builds keep theirs).
function(shardplan_static_executable target)
  target_link_options(${target} PRIVATE -static-libstdc++ -static-libgcc -s)
endfunction()
