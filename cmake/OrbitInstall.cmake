# The client SDK as users get it: one static library, the public headers, a CMake package and a
# pkg-config file. Included from the root CMakeLists.txt after src/ (it reads the targets there).
#
# Target `orbit` (alias Orbit::orbit, the same name find_package(Orbit) gives): liborbit.a, the
# objects of orbit_client and of every orbit_* library it links (net, protocol, base), so users
# link one archive. Its interface is the public headers (include/orbit only: src/ stays private)
# and the system libraries those objects need, found by walking the orbit_* link closure; a
# system library not in the table below stops the configure step, so that a new dependency of
# the client cannot ship a broken package.
#
# `cmake --install <build> [--prefix P]` lays out:
#   P/include/orbit/**.h                     public C++ and C (orbit/c/) headers
#   P/<libdir>/liborbit.a
#   P/<libdir>/cmake/Orbit/OrbitConfig.cmake   find_package(Orbit) -> Orbit::orbit, finding
#   P/<libdir>/cmake/Orbit/OrbitConfigVersion.cmake  spdlog, fmt, ZLIB, OpenSSL, Threads and
#                                              (pkg-config) lz4, zstd[, isal] itself
#   P/<libdir>/pkgconfig/orbit.pc              Requires: the same libraries' .pc modules
# Both files locate the prefix relative to themselves, so --prefix at install time works.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# orbit_link_closure(ROOT OUT_LIBS OUT_SYSTEM): the orbit_* static libraries ROOT links,
# transitively (ROOT first), and the other link items they need.
function(orbit_link_closure ROOT OUT_LIBS OUT_SYSTEM)
  set(libs)
  set(system)
  set(queue ${ROOT})
  while(queue)
    list(POP_FRONT queue tgt)
    get_target_property(aliased ${tgt} ALIASED_TARGET)
    if(aliased)
      set(tgt ${aliased})
    endif()
    if(tgt IN_LIST libs)
      continue()
    endif()
    get_target_property(type ${tgt} TYPE)
    if(type STREQUAL "STATIC_LIBRARY")
      list(APPEND libs ${tgt})
    elseif(NOT type STREQUAL "INTERFACE_LIBRARY")
      message(FATAL_ERROR "OrbitInstall: ${tgt} is a ${type}; the SDK links static libraries")
    endif()
    get_target_property(deps ${tgt} INTERFACE_LINK_LIBRARIES)
    foreach(dep IN LISTS deps)
      # PRIVATE dependencies of a static library appear as $<LINK_ONLY:dep>.
      string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" dep "${dep}")
      if(dep MATCHES "^orbit(::|_)")
        list(APPEND queue ${dep})
      elseif(dep AND NOT dep IN_LIST system)
        list(APPEND system ${dep})
      endif()
    endforeach()
  endwhile()
  set(${OUT_LIBS} ${libs} PARENT_SCOPE)
  set(${OUT_SYSTEM} ${system} PARENT_SCOPE)
endfunction()

orbit_link_closure(orbit_client ORBIT_SDK_LIBS ORBIT_SDK_SYSTEM_DEPS)

set(objects)
foreach(lib IN LISTS ORBIT_SDK_LIBS)
  list(APPEND objects $<TARGET_OBJECTS:${lib}>)
endforeach()
add_library(orbit STATIC ${objects})
add_library(Orbit::orbit ALIAS orbit)
set_target_properties(orbit PROPERTIES LINKER_LANGUAGE CXX)
target_include_directories(orbit INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_compile_features(orbit INTERFACE cxx_std_20)

# System libraries: how OrbitConfig.cmake finds each and which pkg-config module provides it.
# find_package targets: <target>|<find_dependency arguments>|<pkg-config module>.
set(ORBIT_FIND_DEPENDENCIES
  "Threads::Threads|Threads|"
  "fmt::fmt|fmt|fmt"
  "spdlog::spdlog|spdlog|spdlog"
  "ZLIB::ZLIB|ZLIB|zlib"
  "OpenSSL::Crypto|OpenSSL COMPONENTS Crypto|libcrypto")
set(config_deps "")
set(config_links)
set(pc_requires)
set(pkg_config_needed FALSE)
foreach(dep IN LISTS ORBIT_SDK_SYSTEM_DEPS)
  if(dep MATCHES "^PkgConfig::(.+)$")
    # pkg_check_modules(<prefix> ... IMPORTED_TARGET <module>) in the root CMakeLists.txt.
    set(prefix ${CMAKE_MATCH_1})
    set(module ${${prefix}_MODULE_NAME})
    if(NOT module)
      message(FATAL_ERROR "OrbitInstall: no pkg-config module recorded for ${dep}")
    endif()
    set(pkg_config_needed TRUE)
    string(APPEND config_deps
      "pkg_check_modules(Orbit_${prefix} REQUIRED QUIET IMPORTED_TARGET ${module})\n")
    list(APPEND config_links "PkgConfig::Orbit_${prefix}")
    list(APPEND pc_requires ${module})
    continue()
  endif()
  set(known FALSE)
  foreach(entry IN LISTS ORBIT_FIND_DEPENDENCIES)
    string(REPLACE "|" ";" fields "${entry}")
    list(GET fields 0 target)
    if(target STREQUAL dep)
      list(GET fields 1 find_args)
      list(GET fields 2 module)
      string(APPEND config_deps "find_dependency(${find_args})\n")
      list(APPEND config_links ${dep})
      if(module)
        list(APPEND pc_requires ${module})
      endif()
      set(known TRUE)
    endif()
  endforeach()
  if(NOT known)
    message(FATAL_ERROR "OrbitInstall: orbit_client links ${dep}: add it to "
                        "ORBIT_FIND_DEPENDENCIES (cmake/OrbitInstall.cmake)")
  endif()
endforeach()
if(pkg_config_needed)
  string(PREPEND config_deps "find_dependency(PkgConfig)\n")
endif()

# Link only, here and in the package: the public headers need none of these to compile.
foreach(dep IN LISTS ORBIT_SDK_SYSTEM_DEPS)
  target_link_libraries(orbit INTERFACE $<LINK_ONLY:${dep}>)
endforeach()
set(ORBIT_CONFIG_LINK)
foreach(dep IN LISTS config_links)
  list(APPEND ORBIT_CONFIG_LINK "$<LINK_ONLY:${dep}>")
endforeach()

# A sanitized build's archive needs the sanitizer runtimes wherever it is linked.
set(ORBIT_LINK_OPTIONS)
if(ORBIT_SANITIZE)
  set(ORBIT_LINK_OPTIONS -fsanitize=address,undefined)
endif()

set(ORBIT_CONFIG_DEPENDENCIES "${config_deps}")
set(ORBIT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Orbit)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/OrbitConfig.cmake.in
  ${PROJECT_BINARY_DIR}/package/OrbitConfig.cmake
  INSTALL_DESTINATION ${ORBIT_CMAKE_DIR}
  PATH_VARS CMAKE_INSTALL_LIBDIR CMAKE_INSTALL_INCLUDEDIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/package/OrbitConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)

# orbit.pc: the prefix is found from the file's own place (${pcfiledir}).
set(ORBIT_PC_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
file(RELATIVE_PATH ORBIT_PC_PREFIX /prefix/${ORBIT_PC_DIR} /prefix)
string(REGEX REPLACE "/$" "" ORBIT_PC_PREFIX "${ORBIT_PC_PREFIX}")
list(JOIN pc_requires " " ORBIT_PC_REQUIRES)
# -lstdc++: a C program linking the archive with the C compiler needs the C++ runtime.
set(ORBIT_PC_LIBS "-pthread -lstdc++")
if(ORBIT_LINK_OPTIONS)
  string(PREPEND ORBIT_PC_LIBS "${ORBIT_LINK_OPTIONS} ")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/orbit.pc.in ${PROJECT_BINARY_DIR}/package/orbit.pc
  @ONLY)

install(TARGETS orbit ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/orbit DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_BINARY_DIR}/package/OrbitConfig.cmake
  ${PROJECT_BINARY_DIR}/package/OrbitConfigVersion.cmake
  DESTINATION ${ORBIT_CMAKE_DIR})
install(FILES ${PROJECT_BINARY_DIR}/package/orbit.pc DESTINATION ${ORBIT_PC_DIR})
