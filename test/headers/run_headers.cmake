# cmake -DASYNCC_SOURCE_DIR=... -DASYNCC_EXECUTABLE=... -DCXX=... -DWORK_DIR=...
#       -P run_headers.cmake
# Builds program/ (ASYNC functions in headers included by several files) with
# the compiler CXX, natively (C++20) and transformed by asyncc_generate
# (C++17): both must link and print the same. Then edits the header and
# checks that the rebuild transforms it and the files that include it again.
foreach(var ASYNCC_SOURCE_DIR ASYNCC_EXECUTABLE CXX WORK_DIR)
  if(NOT ${var})
    message(FATAL_ERROR "run_headers.cmake: ${var} is not set")
  endif()
endforeach()

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "failed (${status}): ${ARGN}\n${out}${err}")
  endif()
  set(output "${out}" PARENT_SCOPE)
endfunction()

# Both programs, built; their outputs in native_output and transformed_output.
function(build_and_run)
  run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
  set(build_output "${output}" PARENT_SCOPE)
  run(${WORK_DIR}/build/native)
  set(native_output "${output}")
  set(native_output "${output}" PARENT_SCOPE)
  run(${WORK_DIR}/build/transformed)
  set(transformed_output "${output}" PARENT_SCOPE)
  if(NOT output STREQUAL native_output)
    message(FATAL_ERROR "native and transformed differ:\n-- native:\n${native_output}-- transformed:\n${output}")
  endif()
  message(STATUS "${output}")
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
file(COPY ${ASYNCC_SOURCE_DIR}/test/headers/program/ DESTINATION ${WORK_DIR}/src)
run(${CMAKE_COMMAND} -S ${WORK_DIR}/src -B ${WORK_DIR}/build -G Ninja -DCMAKE_BUILD_TYPE=Debug
    -DCMAKE_CXX_COMPILER=${CXX} -DASYNCC_SOURCE_DIR=${ASYNCC_SOURCE_DIR} -DASYNCC_BUILD_TOOL=OFF
    -DASYNCC_EXECUTABLE=${ASYNCC_EXECUTABLE})
build_and_run()
set(expected "version 1
a: hello a (1), total 11
b: hello bee (3), total 33
main: 7
")
if(NOT native_output STREQUAL expected)
  message(FATAL_ERROR "unexpected output:\n${native_output}-- expected:\n${expected}")
endif()

# The transformed program includes the transformed headers only.
set(generated ${WORK_DIR}/build/transformed.asyncc)
foreach(file include/async_lib.hpp src/detail.hpp src/a.cpp src/b.cpp)
  if(NOT EXISTS ${generated}/${file})
    message(FATAL_ERROR "not generated: ${generated}/${file}")
  endif()
endforeach()
find_program(NINJA ninja REQUIRED)
run(${NINJA} -C ${WORK_DIR}/build -t deps)
string(REPLACE "\n" ";" lines "${output}")
set(object)
set(objects)
foreach(line IN LISTS lines)
  if(line MATCHES "^([^ ].*): #deps")
    set(object ${CMAKE_MATCH_1})
    if(object MATCHES "^CMakeFiles/transformed.dir/")
      list(APPEND objects ${object})
    endif()
  elseif(object MATCHES "^CMakeFiles/transformed.dir/" AND line MATCHES "/src/(include/async_lib|src/detail).hpp$")
    message(FATAL_ERROR "${object} includes the original ${line}")
  endif()
endforeach()
list(LENGTH objects count)
if(NOT count EQUAL 3)
  message(FATAL_ERROR "expected the dependencies of 3 objects of the transformed program, got: ${objects}")
endif()

# Editing the header transforms it, and the files that include it, again.
file(READ ${WORK_DIR}/src/include/async_lib.hpp header)
string(REPLACE "constexpr int version = 1;" "constexpr int version = 2;" header "${header}")
file(WRITE ${WORK_DIR}/src/include/async_lib.hpp "${header}")
build_and_run()
foreach(file include/async_lib.hpp src/detail.hpp src/a.cpp src/b.cpp)
  if(NOT build_output MATCHES "asyncc: transforming ${file}")
    message(FATAL_ERROR "editing async_lib.hpp did not transform ${file} again:\n${build_output}")
  endif()
endforeach()
# asyncc read the original headers, although the transformed ones existed.
foreach(file src/a.cpp src/b.cpp src/detail.hpp)
  file(READ ${generated}/${file}.d rule)
  string(FIND "${rule}" ": " colon)
  string(SUBSTRING "${rule}" ${colon} -1 deps)
  foreach(header include/async_lib.hpp src/detail.hpp)
    string(FIND "${deps}" "${generated}/${header}" at)
    if(NOT at EQUAL -1)
      message(FATAL_ERROR "asyncc read the transformed ${header} for ${file}:\n${deps}")
    endif()
  endforeach()
endforeach()
if(NOT native_output MATCHES "^version 2\na: hello a \\(1\\), total 12\nb: hello bee \\(3\\), total 63\nmain: 14\n$")
  message(FATAL_ERROR "unexpected output after the edit:\n${native_output}")
endif()
file(REMOVE_RECURSE ${WORK_DIR})
