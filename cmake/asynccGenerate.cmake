# asyncc_generate(<target> SOURCES <file>... [OUT_DIR <dir>] [ARGS <arg>...]
#                 [OUT_VAR <variable>])
#
# Transforms each source with asyncc at build time and compiles the result
# into <target> (as C++17 or later), in the manner of protobuf_generate:
#   - each output is <OUT_DIR>/<the source's path relative to the current
#     source directory> (OUT_DIR defaults to <current binary dir>/<target>.asyncc);
#   - asyncc parses the source with the target's include directories and
#     compile definitions (plus ARGS), and writes a depfile, so editing a
#     header the source includes transforms it again;
#   - OUT_VAR names a variable that receives the list of generated files;
#   - the tool is the target asyncc (from add_subdirectory), else asyncc::asyncc
#     (from find_package(asyncc)), else ASYNCC_EXECUTABLE.
# The sources themselves are not compiled: list them only here.
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

  set(includes $<TARGET_PROPERTY:${target},INCLUDE_DIRECTORIES>)
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
    # Quoted includes are found beside the source, as before.
    get_filename_component(source_dir ${source} DIRECTORY)
    set_source_files_properties(${output} PROPERTIES INCLUDE_DIRECTORIES ${source_dir})
    target_sources(${target} PRIVATE ${output})
    list(APPEND outputs ${output})
  endforeach()
  if(arg_OUT_VAR)
    set(${arg_OUT_VAR} ${outputs} PARENT_SCOPE)
  endif()
  target_compile_features(${target} PRIVATE cxx_std_17)
endfunction()
