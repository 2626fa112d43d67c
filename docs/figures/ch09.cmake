# Figures of chapter 9 (included by docs/CMakeLists.txt), from the chapter's captured JSON. The
# chapter's default sweep has six learning rates; the pointers /runs/0 ... /runs/5 below are
# those runs.
set(ch09_json ${gen}/ch09_learning_rate.json)
set(ch09_excess)
set(ch09_paths)
foreach(run RANGE 5)
    list(APPEND ch09_excess /runs/${run}/excess)
    list(APPEND ch09_paths /runs/${run}/w1 /runs/${run}/w2)
endforeach()

# One row per run: label, αλ_max, 1 − αλ_min, 1 − αλ_max, contraction, tolerance.
add_custom_command(OUTPUT ${gen}/ch09_runs.dat
    COMMAND book_values columns ${gen}/ch09_runs.dat ${ch09_json} /runs/*/label
            /runs/*/lr_times_lambda_max /runs/*/factor_min /runs/*/factor_max
            /runs/*/contraction /runs/*/tolerance
    DEPENDS book_values ${ch09_json} VERBATIM)

# The loss curves, (J − J*)/(J₀ − J*) per step, on a logarithmic axis.
add_custom_command(OUTPUT ${gen}/figures/ch09_loss.svg
    COMMAND book_values columns ${gen}/ch09_loss.dat ${ch09_json} "#" ${ch09_excess}
    COMMAND ${GNUPLOT_EXECUTABLE} -e "DATA='${gen}/ch09_loss.dat'"
            -e "RUNS='${gen}/ch09_runs.dat'" -e "OUTPUT='${gen}/figures/ch09_loss.svg'"
            ${CMAKE_CURRENT_SOURCE_DIR}/figures/ch09_loss.gp
    BYPRODUCTS ${gen}/ch09_loss.dat
    DEPENDS book_values ${ch09_json} ${gen}/ch09_runs.dat
            ${CMAKE_CURRENT_SOURCE_DIR}/figures/ch09_loss.gp
    VERBATIM)

# The paths of the weights over the loss's contours, one panel per run.
add_custom_command(OUTPUT ${gen}/figures/ch09_paths.svg
    COMMAND book_values columns ${gen}/ch09_paths.dat ${ch09_json} ${ch09_paths}
    COMMAND book_values columns ${gen}/ch09_params.dat ${ch09_json} /H/0 /H/1 /w_star
    COMMAND ${GNUPLOT_EXECUTABLE} -e "DATA='${gen}/ch09_paths.dat'"
            -e "RUNS='${gen}/ch09_runs.dat'" -e "PARAMS='${gen}/ch09_params.dat'"
            -e "OUTPUT='${gen}/figures/ch09_paths.svg'"
            ${CMAKE_CURRENT_SOURCE_DIR}/figures/ch09_paths.gp
    BYPRODUCTS ${gen}/ch09_paths.dat ${gen}/ch09_params.dat
    DEPENDS book_values ${ch09_json} ${gen}/ch09_runs.dat
            ${CMAKE_CURRENT_SOURCE_DIR}/figures/ch09_paths.gp
    VERBATIM)

# The contraction per step against the learning rate, with the sweep's rates marked.
add_custom_command(OUTPUT ${gen}/figures/ch09_factor.svg
    COMMAND ${GNUPLOT_EXECUTABLE} -e "RUNS='${gen}/ch09_runs.dat'"
            -e "OUTPUT='${gen}/figures/ch09_factor.svg'"
            ${CMAKE_CURRENT_SOURCE_DIR}/figures/ch09_factor.gp
    DEPENDS ${gen}/ch09_runs.dat ${CMAKE_CURRENT_SOURCE_DIR}/figures/ch09_factor.gp
    VERBATIM)

list(APPEND figures ${gen}/figures/ch09_loss.svg ${gen}/figures/ch09_paths.svg
     ${gen}/figures/ch09_factor.svg)
