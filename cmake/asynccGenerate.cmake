# asyncc_generate(<target> SOURCES <file>... [OUT_DIR <dir>] [ARGS <arg>...]
#                 [OUT_VAR <variable>])
#
# Transforms each source with asyncc at build time and compiles the result
# into <target> (as C++17 or later), in the manner of protobuf_generate:
#   - each output is <OUT_DIR>/<the source's path relative to the current
#     source directory> (OUT_DIR defaults to <current binary dir>/<target>.asyncc);
#   - SOURCES may list headers (.h, .hh, .hpp, .hxx) with ASYNC functions, as
#     a target's sources do: they are transformed too, and the target includes
#     the transformed header, never the original (see below);
#   - asyncc parses the source with the target's include directories and
#     compile definitions (plus ARGS), and writes a depfile, so editing a
#     header the source includes transforms it again;
#   - OUT_VAR names a variable that receives the list of generated files;
#   - the tool is the target asyncc (from add_subdirectory), else asyncc::asyncc
#     (from find_package(asyncc)), else ASYNCC_EXECUTABLE.
# The sources themselves are not compiled: list them only here.
#
# Where a transformed header is found: the OUT_DIR counterpart of its
# directory, and of each directory above it up to the current source
# directory, comes first on the target's include path, so
# `#include "lib/x.hpp"` or `<lib/x.hpp>` through an include directory of the
# project finds the transformed header. A generated source is compiled from
# OUT_DIR, so a header beside it is found beside it first, transformed; its
# own directory follows (for the headers that are not transformed). A source
# that is not generated but sits beside an original header would find that
# header first: list it in SOURCES too (without ASYNC functions it is copied
# unchanged). asyncc itself always reads the original headers.
function(asyncc_generate target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "OUT_DIR;OUT_VAR" "SOURCES;ARGS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "asyncc_generate: unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "asyncc_generate: no SOURCES given")
  endif()
  if(NOT arg_OUT_DIR)
    set(arg_OUT_DIR ${CMAKE_CURRENT_BINARY_DIR}/${target}.asyncc)
  endif()
  get_filename_component(arg_OUT_DIR ${arg_OUT_DIR} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_BINARY_DIR})
  if(TARGET asyncc)
    set(tool $<TARGET_FILE:asyncc>)
    set(tool_target asyncc)
  elseif(TARGET asyncc::asyncc)
    set(tool $<TARGET_FILE:asyncc::asyncc>)
    set(tool_target asyncc::asyncc)
  else()
    find_program(ASYNCC_EXECUTABLE asyncc REQUIRED)
    set(tool ${ASYNCC_EXECUTABLE})
    set(tool_target ${ASYNCC_EXECUTABLE})
  endif()

  # The transformed headers' directories (below) are left out of what asyncc
  # reads: it parses the originals.
  set(mirrors)
  set(mirror_pattern "^($<JOIN:$<TARGET_PROPERTY:${target},ASYNCC_HEADER_DIRECTORY_PATTERNS>,|>)$")
  set(includes "$<FILTER:$<TARGET_PROPERTY:${target},INCLUDE_DIRECTORIES>,EXCLUDE,${mirror_pattern}>")
  set(defines $<TARGET_PROPERTY:${target},COMPILE_DEFINITIONS>)
  set(outputs)
  foreach(source IN LISTS arg_SOURCES)
    get_filename_component(source ${source} ABSOLUTE)
    file(RELATIVE_PATH relative ${CMAKE_CURRENT_SOURCE_DIR} ${source})
    if(relative MATCHES "^\\.\\./")
      get_filename_component(relative ${source} NAME)
    endif()
    set(output ${arg_OUT_DIR}/${relative})
    get_filename_component(output_dir ${output} DIRECTORY)
    file(MAKE_DIRECTORY ${output_dir})
    add_custom_command(OUTPUT ${output}
      COMMAND ${tool} ${source} -o ${output} --depfile ${output}.d --
              "$<$<BOOL:${includes}>:-I$<JOIN:${includes},;-I>>"
              "$<$<BOOL:${defines}>:-D$<JOIN:${defines},;-D>>" ${arg_ARGS}
      DEPENDS ${source} ${tool_target}
      DEPFILE ${output}.d
      COMMENT "asyncc: transforming ${relative}"
      COMMAND_EXPAND_LISTS VERBATIM)
    if(source MATCHES "\\.(h|hh|hpp|hxx)$")
      get_filename_component(dir ${relative} DIRECTORY)
      while(TRUE)
        if(dir STREQUAL "")
          list(APPEND mirrors ${arg_OUT_DIR})
          break()
        endif()
        list(APPEND mirrors ${arg_OUT_DIR}/${dir})
        get_filename_component(dir ${dir} DIRECTORY)
      endwhile()
    else()
      # Quoted includes are found beside the output first, then beside the
      # source, as before.
      get_filename_component(source_dir ${source} DIRECTORY)
      set_source_files_properties(${output} PROPERTIES INCLUDE_DIRECTORIES "${output_dir};${source_dir}")
    endif()
    target_sources(${target} PRIVATE ${output})
    list(APPEND outputs ${output})
  endforeach()

  get_target_property(known ${target} ASYNCC_HEADER_DIRECTORIES)
  if(NOT known)
    set(known)
  endif()
  list(REMOVE_DUPLICATES mirrors)
  if(known)
    list(REMOVE_ITEM mirrors ${known})
  endif()
  if(mirrors)
    target_include_directories(${target} BEFORE PRIVATE ${mirrors})
    foreach(dir IN LISTS mirrors)
      string(REGEX REPLACE "([][^$.()*+?|\\\\])" "\\\\\\1" pattern "${dir}")
      set_property(TARGET ${target} APPEND PROPERTY ASYNCC_HEADER_DIRECTORY_PATTERNS "${pattern}")
    endforeach()
    set_property(TARGET ${target} APPEND PROPERTY ASYNCC_HEADER_DIRECTORIES ${mirrors})
  endif()
  if(arg_OUT_VAR)
    set(${arg_OUT_VAR} ${outputs} PARENT_SCOPE)
  endif()
  target_compile_features(${target} PRIVATE cxx_std_17)
endfunction()
