# Chapter 12's runs for the book (included by docs/CMakeLists.txt, before the aliases): the
# chapter under mpiexec on Fashion-MNIST, one epoch each.
#
#   ch12_serial   1 process, saving its model: the reference
#   ch12          2 processes (the chapter's output in the book), against the reference
#   ch12p4        4 processes, ordered sum, against the reference: identical
#   ch12allreduce 4 processes, MPI_Allreduce, against the reference: the drift
#
# mpirun refuses to run as root unless told; more processes than cores need oversubscription.
set(mpi_environment OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    OMPI_MCA_rmaps_base_oversubscribe=1)
set(ch12_reference ${gen}/ch12_serial.bpmlp)
function(capture_mpi)
    cmake_parse_arguments(ARG "" "OUTPUT;JSON;PROCESSES" "ARGS;ALSO;DEPENDS" ${ARGN})
    add_custom_command(OUTPUT ${ARG_OUTPUT} ${ARG_JSON} ${ARG_ALSO}
        COMMAND ${CMAKE_COMMAND} -E env ${mpi_environment}
                ${CMAKE_COMMAND} -DOUTPUT=${ARG_OUTPUT} -P ${run_to_file}
                ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${ARG_PROCESSES}
                $<TARGET_FILE:ch12_data_parallel> --json-file ${ARG_JSON} ${ARG_ARGS}
        DEPENDS ch12_data_parallel ${run_to_file} ${ARG_DEPENDS}
        JOB_POOL timing
        COMMENT "Capturing ch12_data_parallel on ${ARG_PROCESSES} processes ${ARG_ARGS}"
        VERBATIM)
endfunction()
capture_mpi(OUTPUT ${gen}/ch12_serial.txt JSON ${gen}/ch12_serial.json PROCESSES 1
            ARGS --save ${ch12_reference} ALSO ${ch12_reference})
capture_mpi(OUTPUT ${gen}/ch12_data_parallel.txt JSON ${gen}/ch12_data_parallel.json PROCESSES 2
            ARGS --compare ${ch12_reference} DEPENDS ${ch12_reference})
capture_mpi(OUTPUT ${gen}/ch12_p4.txt JSON ${gen}/ch12_p4.json PROCESSES 4
            ARGS --compare ${ch12_reference} DEPENDS ${ch12_reference})
capture_mpi(OUTPUT ${gen}/ch12_allreduce.txt JSON ${gen}/ch12_allreduce.json PROCESSES 4
            ARGS --reduction allreduce --compare ${ch12_reference} DEPENDS ${ch12_reference})
foreach(name_and_short IN ITEMS ch12_serial:ch12serial ch12_data_parallel:ch12 ch12_p4:ch12p4
                                ch12_allreduce:ch12allreduce)
    string(REPLACE ":" ";" name_and_short ${name_and_short})
    list(GET name_and_short 0 name)
    list(GET name_and_short 1 short)
    list(APPEND captured ${gen}/${name}.txt ${gen}/${name}.json)
    list(APPEND alias_sources ${short}=${gen}/${name}.json)
endforeach()
