# Runs policy_report --json with 1, 2 and 3 threads, with and without its reduction, and --flat
# (every interleaving set up and run alone, without the prefix tree's kernel copies), on the
# default scenario and on a larger one (4 CPUs), and fails unless every report agrees once the
# timing fields and the reduction's own description and counts are removed.
foreach(args "" "--cpus;4;--ops;2")
  set(first "")
  foreach(run "1" "2" "3" "1;--no-reduce" "2;--no-reduce" "2;--flat")
    execute_process(COMMAND ${EXE} --json ${args} --threads ${run}
                    OUTPUT_VARIABLE out RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "policy_report ${args} --threads ${run} failed: ${rc}")
    endif()
    string(REGEX REPLACE "\"reduction\":\"[a-z_]+\",\"executed_per_policy\":[0-9]+,\"operations_per_policy\":[0-9]+,\"threads\":[0-9]+,\"seconds\":[0-9.]+,\"interleavings_per_s\":[0-9.]+,\"pairs_per_s\":[0-9.]+,"
           "" out "${out}")
    if(first STREQUAL "")
      set(first "${out}")
    elseif(NOT out STREQUAL first)
      message(FATAL_ERROR "policy_report ${args}: --threads ${run} differs from --threads 1:\n${out}\n${first}")
    endif()
  endforeach()
  message(STATUS "policy_report ${args}: 1, 2 and 3 threads, with and without the reduction, agree")
endforeach()
