# Figure of chapter 12 (included by docs/CMakeLists.txt): the α-β model of a ring all-reduce of
# the gradient on a cluster, as the per-machine batch at which computing it takes as long as
# the all-reduce, from the chapter's JSON (2 processes).
add_custom_command(OUTPUT ${gen}/figures/parallel_cost.svg
    COMMAND book_values columns ${gen}/parallel_cost.dat ${gen}/ch12_data_parallel.json
            /communication/cluster/*/machines /communication/cluster/*/allreduce_seconds
            /communication/cluster/*/balanced_batch_per_machine
    COMMAND ${GNUPLOT_EXECUTABLE} -e "DATA='${gen}/parallel_cost.dat'"
            -e "OUTPUT='${gen}/figures/parallel_cost.svg'"
            ${CMAKE_CURRENT_SOURCE_DIR}/figures/parallel_cost.gp
    DEPENDS book_values ${gen}/ch12_data_parallel.json figures/parallel_cost.gp VERBATIM)
list(APPEND figures ${gen}/figures/parallel_cost.svg)
