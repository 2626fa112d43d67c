# Figures of chapter 7 (included by docs/CMakeLists.txt), from the chapter's captured JSON. The
# chapter's default sweep has six learning rates; the pointers /runs/0 ... /runs/5 below are
# those runs.
set(ch07_json ${gen}/ch07_learning_rate.json)
set(ch07_excess)
set(ch07_paths)
foreach(run RANGE 5)
    list(APPEND ch07_excess /runs/${run}/excess)
    list(APPEND ch07_paths /runs/${run}/w1 /runs/${run}/w2)
endforeach()

# One row per run: label, αλ_max, 1 − αλ_min, 1 − αλ_max, contraction, tolerance.
add_custom_command(OUTPUT ${gen}/ch07_runs.dat
    COMMAND book_values columns ${gen}/ch07_runs.dat ${ch07_json} /runs/*/label
            /runs/*/lr_times_lambda_max /runs/*/factor_min /runs/*/factor_max
            /runs/*/contraction /runs/*/tolerance
    DEPENDS book_values ${ch07_json} VERBATIM)

# The loss curves, (J − J*)/(J₀ − J*) per step, on a logarithmic axis.
add_custom_command(OUTPUT ${gen}/figures/ch07_loss.svg
    COMMAND book_values columns ${gen}/ch07_loss.dat ${ch07_json} "#" ${ch07_excess}
    COMMAND ${GNUPLOT_EXECUTABLE} -e "DATA='${gen}/ch07_loss.dat'"
            -e "RUNS='${gen}/ch07_runs.dat'" -e "OUTPUT='${gen}/figures/ch07_loss.svg'"
            ${CMAKE_CURRENT_SOURCE_DIR}/figures/ch07_loss.gp
    BYPRODUCTS ${gen}/ch07_loss.dat
    DEPENDS book_values ${ch07_json} ${gen}/ch07_runs.dat
            ${CMAKE_CURRENT_SOURCE_DIR}/figures/ch07_loss.gp
    VERBATIM)

# The paths of the weights over the loss's contours, one panel per run.
add_custom_command(OUTPUT ${gen}/figures/ch07_paths.svg
    COMMAND book_values columns ${gen}/ch07_paths.dat ${ch07_json} ${ch07_paths}
    COMMAND book_values columns ${gen}/ch07_params.dat ${ch07_json} /H/0 /H/1 /w_star
    COMMAND ${GNUPLOT_EXECUTABLE} -e "DATA='${gen}/ch07_paths.dat'"
            -e "RUNS='${gen}/ch07_runs.dat'" -e "PARAMS='${gen}/ch07_params.dat'"
            -e "OUTPUT='${gen}/figures/ch07_paths.svg'"
            ${CMAKE_CURRENT_SOURCE_DIR}/figures/ch07_paths.gp
    BYPRODUCTS ${gen}/ch07_paths.dat ${gen}/ch07_params.dat
    DEPENDS book_values ${ch07_json} ${gen}/ch07_runs.dat
            ${CMAKE_CURRENT_SOURCE_DIR}/figures/ch07_paths.gp
    VERBATIM)

# The contraction per step against the learning rate, with the sweep's rates marked.
add_custom_command(OUTPUT ${gen}/figures/ch07_factor.svg
    COMMAND ${GNUPLOT_EXECUTABLE} -e "RUNS='${gen}/ch07_runs.dat'"
            -e "OUTPUT='${gen}/figures/ch07_factor.svg'"
            ${CMAKE_CURRENT_SOURCE_DIR}/figures/ch07_factor.gp
    DEPENDS ${gen}/ch07_runs.dat ${CMAKE_CURRENT_SOURCE_DIR}/figures/ch07_factor.gp
    VERBATIM)

list(APPEND figures ${gen}/figures/ch07_loss.svg ${gen}/figures/ch07_paths.svg
     ${gen}/figures/ch07_factor.svg)
