# install_test (ctest, label integration): the SDK installed and used from outside the tree.
#   cmake -DBUILD_DIR=.. -DWORK_DIR=.. -DSOURCE_DIR=.. -DCONSUMER_DIR=.. -DGENERATOR=..
#         -DCXX=.. -DCC=.. -DPKG_CONFIG=.. -P install_test.cmake
# 1. cmake --install BUILD_DIR --prefix WORK_DIR/prefix
# 2. the prefix holds public headers only (include/orbit/**, no include of src/ headers)
# 3. consumer_project/ (find_package(Orbit)) builds sync_producer.cc and c/producer.c
# 4. the same two programs build with the flags of `pkg-config --cflags --libs orbit`
# Each built program must at least start (-h); sending is covered by examples_test.

cmake_minimum_required(VERSION 3.22)

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "install_test: ${what} failed (${rc}):\n${out}\n${err}")
  endif()
  message(STATUS "install_test: ${what}: ok")
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
run("cmake --install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})

# 2. Public headers only, and they include nothing but standard and orbit/ headers.
file(GLOB_RECURSE headers RELATIVE ${prefix}/include ${prefix}/include/*)
foreach(required orbit/producer.h orbit/status.h orbit/c/producer.h)
  if(NOT required IN_LIST headers)
    message(FATAL_ERROR "install_test: ${required} was not installed")
  endif()
endforeach()
foreach(h IN LISTS headers)
  if(NOT h MATCHES "^orbit/")
    message(FATAL_ERROR "install_test: ${h} installed outside include/orbit")
  endif()
  file(STRINGS ${prefix}/include/${h} quoted REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
  foreach(line IN LISTS quoted)
    if(NOT line MATCHES "\"orbit/")
      message(FATAL_ERROR "install_test: ${h} includes a private header: ${line}")
    endif()
  endforeach()
endforeach()
file(GLOB_RECURSE archives ${prefix}/*.a)
list(LENGTH archives n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "install_test: expected liborbit.a only, found: ${archives}")
endif()

# 3. find_package(Orbit).
set(consumer ${WORK_DIR}/consumer)
run("configure consumer_project" ${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${consumer}
  -G ${GENERATOR} -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=${prefix}
  -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_C_COMPILER=${CC}
  -DORBIT_EXAMPLES_DIR=${SOURCE_DIR}/examples)
run("build consumer_project" ${CMAKE_COMMAND} --build ${consumer})
run("consumer_project sync_producer -h" ${consumer}/sync_producer -h)
run("consumer_project c_producer -h" ${consumer}/c_producer -h)

# 4. pkg-config, as a Makefile would use it.
file(GLOB_RECURSE pc_files ${prefix}/*/orbit.pc)
if(NOT pc_files)
  message(FATAL_ERROR "install_test: orbit.pc was not installed")
endif()
list(GET pc_files 0 pc_file)
get_filename_component(pc_dir ${pc_file} DIRECTORY)
set(ENV{PKG_CONFIG_PATH} ${pc_dir})
run("pkg-config orbit" ${PKG_CONFIG} --exists --print-errors orbit)
set(examples ${SOURCE_DIR}/examples)
set(pc "$(\"${PKG_CONFIG}\" --cflags --libs orbit)")
run("c++ sync_producer.cc $(pkg-config --cflags --libs orbit)" sh -c
  "\"${CXX}\" -std=c++20 -I\"${examples}\" \"${examples}/sync_producer.cc\" ${pc} -o \"${WORK_DIR}/sync_producer_pc\"")
run("pkg-config sync_producer -h" ${WORK_DIR}/sync_producer_pc -h)
# The C program: compiled as C99; linked by the C compiler (orbit.pc names the C++ runtime),
# or, in a sanitized build, by the C++ driver, which alone brings the C++ sanitizer runtimes.
set(c_linker ${CC})
execute_process(COMMAND ${PKG_CONFIG} --libs orbit OUTPUT_VARIABLE libs)
if(libs MATCHES "-fsanitize")
  set(c_linker ${CXX})
endif()
run("cc -std=c99 c/producer.c $(pkg-config --cflags --libs orbit)" sh -c
  "\"${CC}\" -std=c99 -c \"${examples}/c/producer.c\" $(\"${PKG_CONFIG}\" --cflags orbit) -o \"${WORK_DIR}/producer.o\" && \"${c_linker}\" \"${WORK_DIR}/producer.o\" $(\"${PKG_CONFIG}\" --libs orbit) -o \"${WORK_DIR}/c_producer_pc\"")
run("pkg-config c_producer -h" ${WORK_DIR}/c_producer_pc -h)
