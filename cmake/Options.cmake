# INTERFACE targets that carry warnings and sanitizers; link them, never set global flags.
add_library(shardplan_warnings INTERFACE)
target_compile_options(shardplan_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion)
if(SHARDPLAN_WERROR)
  target_compile_options(shardplan_warnings INTERFACE -Werror)
endif()

add_library(shardplan_sanitizers INTERFACE)
if(SHARDPLAN_SANITIZE)
  target_compile_options(shardplan_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(shardplan_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
