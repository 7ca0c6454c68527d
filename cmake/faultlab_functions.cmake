# faultlab's CMake functions, the same in faultlab's own tree, in a project
# that has faultlab as a subproject (add_subdirectory, FetchContent) and in
# one that uses the installed package (find_package(faultlab)).
#
#   faultlab_add_host(NAME SOURCES src... [LIBS lib...])
#   faultlab_add_scenarios(DIR dir | FILES f... [HOST target]
#                          [WORKING_DIRECTORY dir] [LABELS l...]
#                          [TIMEOUT seconds] [NAME_PREFIX p] [ARGS a...])
include_guard(GLOBAL)

set_property(GLOBAL PROPERTY _FAULTLAB_CMAKE_DIR "${CMAKE_CURRENT_LIST_DIR}")

# A worker host holding your components (<faultlab/component.h>): your
# sources, faultlab's worker runtime and its main(). A scenario names it with
# `host:`. Keep FAULTLAB_COMPONENT registrations in SOURCES (or an OBJECT
# library): from a static library the linker drops them.
function(faultlab_add_host name)
  cmake_parse_arguments(PARSE_ARGV 1 H "" "" "SOURCES;LIBS")
  if(H_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR
      "faultlab_add_host(${name}): unknown arguments ${H_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT H_SOURCES)
    message(FATAL_ERROR "faultlab_add_host(${name}): SOURCES is required")
  endif()
  add_executable(${name} ${H_SOURCES})
  target_link_libraries(${name} PRIVATE faultlab::host ${H_LIBS})
endfunction()

# Registers one ctest test per scenario and placement, named
# `<NAME_PREFIX><scenario name>.<placement>`, each running
# `faultlab run FILE --placement P -q [ARGS]`. The placements are read when
# ctest starts (`faultlab run FILE --list`), so a scenario's placements can
# change without a re-configure; a scenario faultlab refuses becomes one
# failing test named after its file, carrying faultlab's message.
#
# DIR: a directory whose *.yaml (and *.yml) are the scenarios; FILES: more
# files. HOST: the target of your faultlab_add_host(): the tests run in its
# output directory, so a scenario's `host: <name>` finds it there (otherwise
# WORKING_DIRECTORY, default the current binary directory). Every test has
# the label `faultlab` besides LABELS.
function(faultlab_add_scenarios)
  cmake_parse_arguments(PARSE_ARGV 0 S ""
    "DIR;HOST;WORKING_DIRECTORY;TIMEOUT;NAME_PREFIX" "FILES;LABELS;ARGS")
  if(S_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR
      "faultlab_add_scenarios: unknown arguments ${S_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT S_DIR AND NOT S_FILES)
    message(FATAL_ERROR "faultlab_add_scenarios: give DIR or FILES")
  endif()
  if(NOT TARGET faultlab::faultlab)
    message(FATAL_ERROR "faultlab_add_scenarios: no target faultlab::faultlab"
      " (find_package(faultlab) or add_subdirectory(faultlab) first)")
  endif()
  if(S_DIR)
    cmake_path(ABSOLUTE_PATH S_DIR BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}")
    if(NOT IS_DIRECTORY "${S_DIR}")
      message(FATAL_ERROR "faultlab_add_scenarios: DIR ${S_DIR} is no directory")
    endif()
  endif()
  set(files)
  foreach(f IN LISTS S_FILES)
    cmake_path(ABSOLUTE_PATH f BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND files "${f}")
  endforeach()
  if(S_HOST)
    if(NOT TARGET ${S_HOST})
      message(FATAL_ERROR "faultlab_add_scenarios: HOST ${S_HOST} is no target")
    endif()
    set(wd "$<TARGET_FILE_DIR:${S_HOST}>")
  elseif(S_WORKING_DIRECTORY)
    set(wd "${S_WORKING_DIRECTORY}")
  else()
    set(wd "${CMAKE_CURRENT_BINARY_DIR}")
  endif()
  if(S_TIMEOUT AND NOT S_TIMEOUT MATCHES "^[0-9]+$")
    message(FATAL_ERROR "faultlab_add_scenarios: TIMEOUT must be whole seconds")
  endif()

  # One file per call, holding the resolved values; ctest includes it.
  get_property(_FAULTLAB_CMAKE_DIR GLOBAL PROPERTY _FAULTLAB_CMAKE_DIR)
  get_property(n GLOBAL PROPERTY _FAULTLAB_SCENARIO_SETS)
  if(NOT n)
    set(n 0)
  endif()
  math(EXPR n "${n} + 1")
  set_property(GLOBAL PROPERTY _FAULTLAB_SCENARIO_SETS ${n})
  set(base "${CMAKE_CURRENT_BINARY_DIR}/faultlab_scenarios_${n}")
  string(JOIN "\n" content
    "set(_fl_cmake [==[${CMAKE_COMMAND}]==])"
    "set(_fl_exe [==[$<TARGET_FILE:faultlab::faultlab>]==])"
    "set(_fl_dir [==[${S_DIR}]==])"
    "set(_fl_files [==[${files}]==])"
    "set(_fl_wd [==[${wd}]==])"
    "set(_fl_labels [==[faultlab;${S_LABELS}]==])"
    "set(_fl_timeout [==[${S_TIMEOUT}]==])"
    "set(_fl_prefix [==[${S_NAME_PREFIX}]==])"
    "set(_fl_args [==[${S_ARGS}]==])"
    "include([==[${_FAULTLAB_CMAKE_DIR}/faultlab_discover_scenarios.cmake]==])"
    "")
  get_property(multi GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
  if(NOT multi)
    file(GENERATE OUTPUT "${base}.cmake" CONTENT "${content}")
  else()
    # One file per configuration; ctest -C picks it.
    file(GENERATE OUTPUT "${base}_$<CONFIG>.cmake" CONTENT "${content}")
    string(JOIN "\n" pick
      "if(EXISTS \"${base}_\${CTEST_CONFIGURATION_TYPE}.cmake\")"
      "  include(\"${base}_\${CTEST_CONFIGURATION_TYPE}.cmake\")"
      "else()"
      "  add_test([==[${S_NAME_PREFIX}scenarios_need_a_configuration]==]"
      "    [==[${CMAKE_COMMAND}]==]"
      "    [==[-D_fl_fail=faultlab_add_scenarios: run ctest -C <configuration>]==]"
      "    -P [==[${_FAULTLAB_CMAKE_DIR}/faultlab_discover_scenarios.cmake]==])"
      "endif()"
      "")
    file(WRITE "${base}.cmake" "${pick}")
  endif()
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${base}.cmake")
endfunction()
