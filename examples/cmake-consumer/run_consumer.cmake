# cmake -DMODE=installed|subdirectory -DASYNCC_SOURCE_DIR=... -DASYNCC_BUILD_DIR=...
#       -DWORK_DIR=... -P run_consumer.cmake
# Builds examples/cmake-consumer against asyncc (installed from ASYNCC_BUILD_DIR
# into a prefix, or added with add_subdirectory), runs it, then edits the
# header main.cpp includes and checks the rebuild transforms main.cpp again.
foreach(var MODE ASYNCC_SOURCE_DIR ASYNCC_BUILD_DIR WORK_DIR)
  if(NOT ${var})
    message(FATAL_ERROR "run_consumer.cmake: ${var} is not set")
  endif()
endforeach()

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "failed (${status}): ${ARGN}\n${out}")
  endif()
  set(output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
file(COPY ${ASYNCC_SOURCE_DIR}/examples/cmake-consumer/ DESTINATION ${WORK_DIR}/src)
if(MODE STREQUAL "installed")
  run(${CMAKE_COMMAND} --install ${ASYNCC_BUILD_DIR} --prefix ${WORK_DIR}/prefix)
  set(configure -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix)
else()
  # The tool of the enclosing build, to keep the test short: the runtime and
  # asyncc_generate() come from the source tree.
  set(configure -DASYNCC_SOURCE_DIR=${ASYNCC_SOURCE_DIR} -DASYNCC_BUILD_TOOL=OFF
                -DASYNCC_EXECUTABLE=${ASYNCC_BUILD_DIR}/bin/asyncc)
endif()
run(${CMAKE_COMMAND} -S ${WORK_DIR}/src -B ${WORK_DIR}/build -G Ninja ${configure})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run(${WORK_DIR}/build/consumer)
message(STATUS "${output}")
if(NOT output MATCHES "consumer: 3 steps")
  message(FATAL_ERROR "unexpected output: ${output}")
endif()

# The depfile: a change to the header transforms main.cpp again.
file(WRITE ${WORK_DIR}/src/include/consumer.h "#pragma once\nconstexpr int consumer_steps = 4;\n")
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
if(NOT output MATCHES "asyncc: transforming main.cpp")
  message(FATAL_ERROR "editing consumer.h did not transform main.cpp again:\n${output}")
endif()
run(${WORK_DIR}/build/consumer)
if(NOT output MATCHES "consumer: 4 steps")
  message(FATAL_ERROR "unexpected output after the edit: ${output}")
endif()
file(REMOVE_RECURSE ${WORK_DIR})
