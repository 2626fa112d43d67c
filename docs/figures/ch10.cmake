# Figures of chapter 10 (included by docs/CMakeLists.txt): the per-layer gradient norms of the
# four-hidden-layer networks at initialisation, and the first/last ratio over training, from
# the chapter's JSON (networks 2-5 are sigmoid_4, relu_4, relu_batchnorm_4, residual_4).
add_custom_command(OUTPUT ${gen}/figures/vanishing.svg
    COMMAND book_values columns ${gen}/vanishing_init.dat ${gen}/ch10_vanishing_gradients.json
            "#" /networks/2/init_norms /networks/3/init_norms /networks/4/init_norms
            /networks/5/init_norms
    COMMAND book_values columns ${gen}/vanishing_ratios.dat ${gen}/ch10_vanishing_gradients.json
            "#" /networks/2/ratios /networks/3/ratios /networks/4/ratios /networks/5/ratios
    COMMAND ${GNUPLOT_EXECUTABLE} -e "INIT='${gen}/vanishing_init.dat'"
            -e "RATIOS='${gen}/vanishing_ratios.dat'"
            -e "OUTPUT='${gen}/figures/vanishing.svg'"
            ${CMAKE_CURRENT_SOURCE_DIR}/figures/vanishing.gp
    DEPENDS book_values ${gen}/ch10_vanishing_gradients.json figures/vanishing.gp VERBATIM)
list(APPEND figures ${gen}/figures/vanishing.svg)
