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
    -DCMAKE_BUILD_TYPE=Release ${args})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run(${WORK_DIR}/build/consumer)
