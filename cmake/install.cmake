# `cmake --install`: faultlab's programs, the public headers, the libraries a
# host and a test link, and a CMake package (find_package(faultlab)) that
# gives the imported targets and faultlab's CMake functions.
#
#   bin/faultlab, bin/faultlab-worker, bin/faultlab-reaper,
#   bin/libfaultlab-inject.so
#       (the supervisor finds the other three next to itself)
#   include/faultlab/*.h                     the SDK and <faultlab/gtest.h>
#   lib/libfaultlab_{message,runtime,host,gtest}.a
#   lib/cmake/faultlab/                      faultlabConfig.cmake and friends
#   share/faultlab/schema/*.json             editor schemas for scenarios
#   share/faultlab/scenarios/                the shipped scenarios, and
#   bin/demo-prefork, bin/demo-threaded      the demo servers two of them
#                                            start as ${bin}/demo-*
include(CMakePackageConfigHelpers)

set(FAULTLAB_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/faultlab" CACHE
    STRING "where the faultlab CMake package is installed")

add_executable(faultlab::faultlab ALIAS faultlab)
set_target_properties(faultlab-worker PROPERTIES EXPORT_NAME worker)
set_target_properties(faultlab-reaper PROPERTIES EXPORT_NAME reaper)

install(TARGETS faultlab faultlab-worker faultlab-reaper
        faultlab_message faultlab_runtime faultlab_host faultlab_gtest
  EXPORT faultlabTargets
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# The demo servers the shipped program scenarios run (`${bin}` is the
# directory faultlab runs from), and those scenarios.
install(TARGETS demo-prefork demo-threaded
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/scenarios/
  DESTINATION ${CMAKE_INSTALL_DATADIR}/faultlab/scenarios)
# The LD_PRELOAD injector for real programs: looked for beside faultlab.
install(TARGETS faultlab-inject LIBRARY DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/workers/include/faultlab
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_SOURCE_DIR}/reports/schema/scenario.schema.json
              ${PROJECT_SOURCE_DIR}/reports/schema/result.schema.json
  DESTINATION ${CMAKE_INSTALL_DATADIR}/faultlab/schema)

install(EXPORT faultlabTargets NAMESPACE faultlab::
  DESTINATION ${FAULTLAB_INSTALL_CMAKEDIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/faultlabConfig.cmake.in
  ${PROJECT_BINARY_DIR}/faultlabConfig.cmake
  INSTALL_DESTINATION ${FAULTLAB_INSTALL_CMAKEDIR}
  PATH_VARS CMAKE_INSTALL_BINDIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/faultlabConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/faultlabConfig.cmake
              ${PROJECT_BINARY_DIR}/faultlabConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/faultlab_functions.cmake
              ${PROJECT_SOURCE_DIR}/cmake/faultlab_discover_scenarios.cmake
  DESTINATION ${FAULTLAB_INSTALL_CMAKEDIR})
