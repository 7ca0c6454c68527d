# faultlab as a subproject (add_subdirectory; FetchContent does the same), as
# examples/kvstore uses it with -DKVSTORE_FAULTLAB_SOURCE_DIR: configures and
# generates the example against faultlab's sources in a fresh directory and
# checks that
#   - faultlab's functions and targets are there (the example's host, its
#     scenario tests and its gtest file are generated);
#   - faultlab brings only what a user links and runs (its own tests and
#     benchmarks stay out of the user's build and ctest).
# Nothing is compiled: the installed-package test (package_consumer_test)
# builds and runs the same example; building faultlab a second time here
# would double the suite's build.
#
#   cmake -DSOURCE_DIR=... -DWORK_DIR=... -P subproject_consumer_test.cmake
cmake_minimum_required(VERSION 3.25)
foreach(v SOURCE_DIR WORK_DIR)
  if(NOT ${v})
    message(FATAL_ERROR "subproject_consumer_test: -D${v}= is required")
  endif()
endforeach()

set(build "${WORK_DIR}/build")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(failure "")

execute_process(
  COMMAND "${CMAKE_COMMAND}" -S "${SOURCE_DIR}/examples/kvstore" -B "${build}"
          -G "Unix Makefiles" -DCMAKE_BUILD_TYPE=RelWithDebInfo
          "-DKVSTORE_FAULTLAB_SOURCE_DIR=${SOURCE_DIR}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  set(failure "configuring the example with faultlab as a subproject failed "
              "(${rc}):\n${out}")
endif()

if(failure STREQUAL "")
  execute_process(COMMAND "${CMAKE_COMMAND}" --build "${build}" --target help
                  RESULT_VARIABLE rc OUTPUT_VARIABLE targets ERROR_VARIABLE targets)
  foreach(t kvstore_host kvstore_test faultlab faultlab-worker faultlab-reaper
      faultlab-inject)
    if(failure STREQUAL "" AND NOT targets MATCHES "\\.\\.\\. ${t}\n")
      set(failure "the generated build has no target ${t}:\n${targets}")
    endif()
  endforeach()
  # faultlab's own tests and benchmarks are not the user's.
  foreach(t scenario_loader_test e2e_core_test faultlab-bench)
    if(failure STREQUAL "" AND targets MATCHES "\\.\\.\\. ${t}\n")
      set(failure "faultlab's own ${t} is in the user's build")
    endif()
  endforeach()
endif()

file(REMOVE_RECURSE "${WORK_DIR}")
if(NOT failure STREQUAL "")
  message(FATAL_ERROR "${failure}")
endif()
message(STATUS "kvstore configures and generates with faultlab as a subproject")
