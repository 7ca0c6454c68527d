# The CMake package as a user meets it (ctest package.kvstore_consumer):
# installs this build to a fresh prefix, copies examples/kvstore elsewhere,
# configures it with CMAKE_PREFIX_PATH alone, builds it, and runs
#   - its ctest: every scenario x placement (faultlab_add_scenarios) and its
#     GoogleTest file (<faultlab/gtest.h>), with --output-junit;
#   - `faultlab run ../scenarios/*.yaml` from its build directory;
#   - two shipped scenarios from the prefix, one with the installed demo
#     server;
#   - a scenario faultlab refuses, which must become one failing test that
#     prints the position.
# WORK_DIR is removed first and last, whatever happens.
#
#   cmake -DSOURCE_DIR=... -DBUILD_DIR=... -DWORK_DIR=... [-DLAUNCHER=ccache]
#         -P package_consumer_test.cmake
cmake_minimum_required(VERSION 3.25)
foreach(v SOURCE_DIR BUILD_DIR WORK_DIR)
  if(NOT ${v})
    message(FATAL_ERROR "package_consumer_test: -D${v}= is required")
  endif()
endforeach()

set(prefix "${WORK_DIR}/prefix")
set(project "${WORK_DIR}/kvstore")
set(build "${project}/build")
set(failure "")

# Runs a command; on failure records why (with its output) and returns.
macro(step what)
  if(failure STREQUAL "")
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                    ERROR_VARIABLE out ${step_options})
    if(NOT rc EQUAL 0)
      set(failure "${what} failed (${rc}):\n${out}")
    endif()
  endif()
endmacro()

macro(fail why)
  if(failure STREQUAL "")
    set(failure "${why}")
  endif()
endmacro()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
file(COPY "${SOURCE_DIR}/examples/kvstore/" DESTINATION "${project}"
     PATTERN build EXCLUDE)

step("cmake --install" "${CMAKE_COMMAND}" --install "${BUILD_DIR}"
     --prefix "${prefix}")
# What the supervisor looks for beside itself at run time.
foreach(f bin/faultlab bin/faultlab-worker bin/faultlab-reaper
    bin/libfaultlab-inject.so bin/demo-prefork bin/demo-threaded
    share/faultlab/scenarios/segfault.yaml include/faultlab/component.h
    include/faultlab/gtest.h lib/cmake/faultlab/faultlabConfig.cmake)
  if(failure STREQUAL "" AND NOT EXISTS "${prefix}/${f}")
    fail("cmake --install left no ${f} in the prefix")
  endif()
endforeach()
set(launcher "")
if(LAUNCHER)
  set(launcher "-DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER}")
endif()
step("configuring the example" "${CMAKE_COMMAND}" -S "${project}"
     -B "${build}" -DCMAKE_BUILD_TYPE=RelWithDebInfo
     "-DCMAKE_PREFIX_PATH=${prefix}" ${launcher})
step("building the example" "${CMAKE_COMMAND}" --build "${build}" -j2)

# Every scenario in every placement it lists, and the gtest file.
step("listing its tests" "${CMAKE_CTEST_COMMAND}" --test-dir "${build}" -N)
set(listed "${out}")
foreach(t kvstore.cache_segfault.thread kvstore.cache_segfault.process
    kvstore.cache_segfault.shared kvstore.cache_segfault.apart
    kvstore.cache_heap_overwrite.thread kvstore.cache_heap_overwrite.process
    kvstore.cache_heap_overwrite.shared kvstore.deadlock.thread
    kvstore.deadlock.process kvstore.deadlock.apart
    KvstoreIsolation.ACacheCrashTakesDownOnlyItsProcessMates
    KvstoreIsolation.AStrayWriteCorruptsTheFrontEndOnlyInItsProcess
    KvstoreIsolation.TheLockOrderDeadlockIsFoundAndNamed)
  string(FIND "${listed}" ": ${t}\n" at)
  if(at EQUAL -1)
    fail("ctest does not list ${t}:\n${listed}")
  endif()
endforeach()
if(NOT listed MATCHES "Total Tests: 13\n")
  fail("expected 13 tests:\n${listed}")
endif()

step("the example's ctest" "${CMAKE_CTEST_COMMAND}" --test-dir "${build}"
     -j2 --output-on-failure --output-junit junit.xml)
if(failure STREQUAL "")
  file(READ "${build}/junit.xml" junit)
  string(REGEX MATCHALL "<testcase " cases "${junit}")
  list(LENGTH cases n)
  if(NOT n EQUAL 13)
    fail("junit.xml holds ${n} testcases, not 13")
  endif()
endif()

# The command the README gives, from the example's build directory.
set(step_options WORKING_DIRECTORY "${build}")
step("faultlab run ../scenarios/*.yaml" sh -c
     "\"${prefix}/bin/faultlab\" run ../scenarios/*.yaml -q")
if(NOT out MATCHES "3 scenario\\(s\\), 10 placement\\(s\\) as expected, 0 not")
  fail("faultlab run ../scenarios/*.yaml said:\n${out}")
endif()
set(step_options "")

# The shipped scenarios from the prefix: a built-in one, and a program one
# that starts the installed demo server as ${bin}/demo-prefork.
step("the installed shipped scenarios" "${prefix}/bin/faultlab" run
     "${prefix}/share/faultlab/scenarios/segfault.yaml"
     "${prefix}/share/faultlab/scenarios/prefork_server_segfault.yaml" -q)
if(NOT out MATCHES "2 scenario\\(s\\), [0-9]+ placement\\(s\\) as expected, 0 not")
  fail("the installed shipped scenarios said:\n${out}")
endif()

# A scenario faultlab refuses is one failing test carrying the position.
file(COPY "${SOURCE_DIR}/tests/data/bad_key.yaml"
     DESTINATION "${project}/scenarios")
if(failure STREQUAL "")
  execute_process(COMMAND "${CMAKE_CTEST_COMMAND}" --test-dir "${build}"
    -R "^kvstore\\.bad_key$" --output-on-failure
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(rc EQUAL 0)
    fail("the refused scenario's test passed:\n${out}")
  elseif(NOT out MATCHES "bad_key.yaml:6:5: error: unknown key")
    fail("the refused scenario's test does not say where:\n${out}")
  endif()
endif()

file(REMOVE_RECURSE "${WORK_DIR}")
if(NOT failure STREQUAL "")
  message(FATAL_ERROR "${failure}")
endif()
message(STATUS "kvstore built against the installed package; 13 tests and "
               "faultlab run ../scenarios/*.yaml passed")
