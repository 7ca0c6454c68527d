# Included by ctest (through a directory's TEST_INCLUDE_FILES, written by
# faultlab_add_scenarios): asks faultlab which placements each scenario runs
# (`faultlab run FILE --list`, nothing is spawned) and adds one test per
# scenario and placement. A scenario faultlab refuses, or a faultlab that is
# not built, becomes a failing test that prints why; ctest itself never
# stops on it.
#
# Also run as `cmake -D_fl_fail=MESSAGE -P` by such a failing test.
#
# ctest reads CTestTestfile.cmake with old policies; include() gives this
# file a policy scope of its own.
cmake_policy(VERSION 3.25)
if(DEFINED _fl_fail)
  message(NOTICE "${_fl_fail}")  # as is: FATAL_ERROR would re-wrap it
  message(FATAL_ERROR "faultlab_add_scenarios: this test cannot run")
endif()

set(_fl_self "${CMAKE_CURRENT_LIST_FILE}")

function(_faultlab_failing_test name why)
  add_test("${name}" "${_fl_cmake}" "-D_fl_fail=${why}" -P
           "${_fl_self}")
  set_tests_properties("${name}" PROPERTIES LABELS "${_fl_labels}")
endfunction()

function(_faultlab_add_scenario_tests)
  set(files ${_fl_files})
  if(_fl_dir)
    file(GLOB found "${_fl_dir}/*.yaml" "${_fl_dir}/*.yml")
    list(SORT found)
    list(APPEND files ${found})
  endif()
  if(NOT files)
    _faultlab_failing_test("${_fl_prefix}no_scenarios"
      "faultlab_add_scenarios: no *.yaml in ${_fl_dir}")
    return()
  endif()
  if(NOT EXISTS "${_fl_exe}")
    _faultlab_failing_test("${_fl_prefix}faultlab_not_built"
      "faultlab_add_scenarios: ${_fl_exe} does not exist; build first")
    return()
  endif()
  set(seen)
  foreach(file IN LISTS files)
    get_filename_component(stem "${file}" NAME_WE)
    execute_process(COMMAND "${_fl_exe}" run "${file}" --list
      WORKING_DIRECTORY "${_fl_wd}"
      RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
      TIMEOUT 60)
    if(NOT rc EQUAL 0)
      _faultlab_failing_test("${_fl_prefix}${stem}"
        "faultlab run ${file} --list (in ${_fl_wd}) failed (${rc}):\n${err}")
      continue()
    endif()
    string(REPLACE "\n" ";" lines "${out}")
    set(added 0)
    foreach(line IN LISTS lines)
      if(NOT line MATCHES "^([A-Za-z0-9_-]+) \\[([A-Za-z0-9_.-]+)\\]  [0-9]+ trial")
        continue()
      endif()
      set(name "${_fl_prefix}${CMAKE_MATCH_1}.${CMAKE_MATCH_2}")
      set(placement "${CMAKE_MATCH_2}")
      if(name IN_LIST seen)
        _faultlab_failing_test("${name}.duplicate"
          "faultlab_add_scenarios: two scenarios named ${CMAKE_MATCH_1} (one is ${file})")
        continue()
      endif()
      list(APPEND seen "${name}")
      add_test("${name}" "${_fl_exe}" run "${file}" --placement "${placement}"
               -q ${_fl_args})
      set_tests_properties("${name}" PROPERTIES
        WORKING_DIRECTORY "${_fl_wd}" LABELS "${_fl_labels}")
      if(_fl_timeout)
        set_tests_properties("${name}" PROPERTIES TIMEOUT "${_fl_timeout}")
      endif()
      math(EXPR added "${added} + 1")
    endforeach()
    if(added EQUAL 0)
      _faultlab_failing_test("${_fl_prefix}${stem}"
        "faultlab run ${file} --list named no placement:\n${out}")
    endif()
  endforeach()
endfunction()

_faultlab_add_scenario_tests()
