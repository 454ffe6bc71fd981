# Builds and runs a tiny outside project that uses foliorc, as a consumer would. Its build gets
# none of foliorc's development flags: what it sees is what consumers get.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}")
  endif()
endfunction()

if(MODE STREQUAL "find_package")
  run(${CMAKE_COMMAND} --install ${FOLIORC_BINARY_DIR} --prefix ${WORK_DIR}/prefix)
  set(args -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix)
  set(project ${CMAKE_CURRENT_LIST_DIR}/find_package)
else()
  set(args -DFOLIORC_SOURCE_DIR=${FOLIORC_SOURCE_DIR})
  set(project ${CMAKE_CURRENT_LIST_DIR}/subdirectory)
endif()
run(${CMAKE_COMMAND} -S ${project} -B ${WORK_DIR}/build -G Ninja -DCMAKE_CXX_COMPILER=${CXX}
    -DCMAKE_BUILD_TYPE=Release -DFOLIORC_EXPECTED_VERSION=${VERSION} ${args})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run(${WORK_DIR}/build/consumer)

# pkg-config against the same install: the version it reports, and a program built with nothing
# but `c++ -std=c++20 $(pkg-config --cflags foliorc)` (the .pc adds no -std: foliorc.pc.in).
if(MODE STREQUAL "find_package")
  if(NOT PKG_CONFIG)
    message(FATAL_ERROR "pkg-config not found (Debian package pkg-config)")
  endif()
  set(ENV{PKG_CONFIG_PATH} ${WORK_DIR}/prefix/share/pkgconfig)
  function(pkg_config out)
    execute_process(COMMAND ${PKG_CONFIG} ${ARGN} foliorc RESULT_VARIABLE rc
      OUTPUT_VARIABLE value OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "failed (${rc}): pkg-config ${ARGN} foliorc")
    endif()
    set(${out} "${value}" PARENT_SCOPE)
  endfunction()
  pkg_config(modversion --modversion)
  if(NOT modversion STREQUAL VERSION)
    message(FATAL_ERROR "pkg-config --modversion foliorc says '${modversion}', expected ${VERSION}")
  endif()
  pkg_config(libs --libs)
  if(NOT libs STREQUAL "")
    message(FATAL_ERROR "pkg-config --libs foliorc says '${libs}': header-only, expected nothing")
  endif()
  # One -I, to <prefix>/include however the .pc spells it (relative to its own place), nothing else.
  pkg_config(cflags --cflags)
  string(REGEX MATCH "^-I([^ ]+)$" matched "${cflags}")
  if(matched)
    file(REAL_PATH "${CMAKE_MATCH_1}" include_dir)
    file(REAL_PATH "${WORK_DIR}/prefix/include" expected_dir)
  endif()
  if(NOT matched OR NOT include_dir STREQUAL expected_dir)
    message(FATAL_ERROR "pkg-config --cflags foliorc says '${cflags}', expected "
                        "-I${WORK_DIR}/prefix/include only")
  endif()
  separate_arguments(cflags UNIX_COMMAND "${cflags}")
  run(${CXX} -std=c++20 ${cflags} -DFOLIORC_EXPECTED_VERSION="${VERSION}"
      ${CMAKE_CURRENT_LIST_DIR}/consumer.cpp -o ${WORK_DIR}/consumer-pkg-config)
  run(${WORK_DIR}/consumer-pkg-config)
endif()
