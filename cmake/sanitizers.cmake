# Flags of the sanitizer and fuzzing builds, applied per folder.
#
# faultlab_instrument_here() in a folder's CMakeLists.txt instruments every
# target defined there (and below) when FAULTLAB_SANITIZE or FAULTLAB_FUZZ is
# set; faultlab_instrument_target(T) makes T's consumers in other folders
# link the sanitizer runtime too. Only harness/ and reports/ call them: the
# worker host (workers/) must stay uninstrumented, or the sanitizer would
# catch its deliberate faults before faultlab observes them.

set(FAULTLAB_INSTRUMENT_COMPILE "")
set(FAULTLAB_INSTRUMENT_LINK "")
if(FAULTLAB_SANITIZE)
  if(NOT FAULTLAB_SANITIZE MATCHES "^(address,undefined|address|undefined|thread)$")
    message(FATAL_ERROR "FAULTLAB_SANITIZE='${FAULTLAB_SANITIZE}': expected "
                        "address,undefined, address, undefined or thread")
  endif()
  list(APPEND FAULTLAB_INSTRUMENT_COMPILE -fsanitize=${FAULTLAB_SANITIZE}
       -fno-omit-frame-pointer)
  list(APPEND FAULTLAB_INSTRUMENT_LINK -fsanitize=${FAULTLAB_SANITIZE})
  if(FAULTLAB_SANITIZE MATCHES "undefined")
    # A UBSan report fails the test that triggered it, as ASan's do.
    list(APPEND FAULTLAB_INSTRUMENT_COMPILE -fno-sanitize-recover=all)
    list(APPEND FAULTLAB_INSTRUMENT_LINK -fno-sanitize-recover=all)
  endif()
endif()
if(FAULTLAB_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "FAULTLAB_FUZZ needs clang (libFuzzer): "
                        "-DCMAKE_CXX_COMPILER=clang++, or the 'fuzz' preset")
  endif()
  # Coverage feedback for libFuzzer in the code under test.
  list(APPEND FAULTLAB_INSTRUMENT_COMPILE -fsanitize=fuzzer-no-link)
endif()

macro(faultlab_instrument_here)
  # Read by faultlab_test(): in a sanitizer build only these folders' tests
  # are built.
  set(FAULTLAB_INSTRUMENTED_DIR TRUE)
  add_compile_options(${FAULTLAB_INSTRUMENT_COMPILE})
  add_link_options(${FAULTLAB_INSTRUMENT_LINK})
endmacro()

function(faultlab_instrument_target target)
  if(FAULTLAB_INSTRUMENT_LINK)
    target_link_options(${target} INTERFACE ${FAULTLAB_INSTRUMENT_LINK})
  endif()
endfunction()
