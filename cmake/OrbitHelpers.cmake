# orbit_cc_library(NAME SRCS ... DEPS ...) creates target orbit_<NAME> and alias orbit::<NAME>.
# orbit_cc_test(NAME SRCS ... DEPS ... LABELS ...) creates a GoogleTest binary registered with CTest.
# The module layering (which orbit:: target may link which) is declared by the DEPS lists and
# checked again at source level by scripts/check-sources.sh.

function(orbit_cc_library NAME)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_library(orbit_${NAME} STATIC ${ARG_SRCS})
  add_library(orbit::${NAME} ALIAS orbit_${NAME})
  target_include_directories(orbit_${NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src
                                                  ${PROJECT_SOURCE_DIR}/include)
  target_link_libraries(orbit_${NAME} PUBLIC ${ARG_DEPS})
  target_compile_options(orbit_${NAME} PRIVATE ${ORBIT_WARNINGS})
endfunction()

function(orbit_cc_test NAME)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SRCS;DEPS;LABELS" ${ARGN})
  if(NOT ORBIT_BUILD_TESTS)
    return()
  endif()
  add_executable(${NAME} ${ARG_SRCS})
  target_link_libraries(${NAME} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_options(${NAME} PRIVATE ${ORBIT_WARNINGS})
  target_compile_definitions(${NAME} PRIVATE
    ORBIT_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data")
  add_test(NAME ${NAME} COMMAND ${NAME})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set_tests_properties(${NAME} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT})
endfunction()

function(orbit_cc_bench NAME)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  if(NOT ORBIT_BUILD_BENCH)
    return()
  endif()
  add_executable(${NAME} ${ARG_SRCS})
  target_link_libraries(${NAME} PRIVATE ${ARG_DEPS} benchmark::benchmark)
  target_compile_options(${NAME} PRIVATE ${ORBIT_WARNINGS})
  target_compile_definitions(${NAME} PRIVATE
    ORBIT_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data")
endfunction()

# libFuzzer target; only built with clang and ORBIT_FUZZ=ON.
function(orbit_cc_fuzz NAME)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  if(NOT ORBIT_FUZZ)
    return()
  endif()
  add_executable(${NAME} ${ARG_SRCS})
  target_link_libraries(${NAME} PRIVATE ${ARG_DEPS})
  target_compile_options(${NAME} PRIVATE ${ORBIT_WARNINGS} -fsanitize=fuzzer)
  target_link_options(${NAME} PRIVATE -fsanitize=fuzzer)
endfunction()

# The allocator of Orbit's programs (see ORBIT_TCMALLOC in the top CMakeLists.txt).
function(orbit_program_allocator TARGET)
  if(ORBIT_TCMALLOC_LIB)
    target_link_libraries(${TARGET} PRIVATE ${ORBIT_TCMALLOC_LIB})
  endif()
endfunction()
