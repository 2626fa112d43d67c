# Figures of chapter 8 (included by docs/CMakeLists.txt), from the chapter's captured JSON.

# The decision maps: each network's output on the grid, as a matrix file for gnuplot (row r,
# column c: the output at (x_c, y_r)), one file per network. The chapter's JSON holds
# grid[i][j], the output at (x_i, y_j), for its default --grid of 61 points per side; each
# pointer /networks/k/grid/i is one column of the matrix file.
set(ch08_grid_points 61)  # ch08_activations' default --grid
set(ch08_grid_files)
set(ch08_grid_commands)
math(EXPR ch08_last "${ch08_grid_points} - 1")
foreach(network IN ITEMS 0 1 2 3)  # linear, sigmoid, tanh, relu, in the chapter's order
    set(pointers)
    foreach(i RANGE ${ch08_last})
        list(APPEND pointers /networks/${network}/grid/${i})
    endforeach()
    list(APPEND ch08_grid_files ${gen}/ch08_grid_${network}.dat)
    list(APPEND ch08_grid_commands
         COMMAND book_values columns ${gen}/ch08_grid_${network}.dat ${gen}/ch08_activations.json
                 ${pointers})
endforeach()
add_custom_command(OUTPUT ${gen}/figures/ch08_boundaries.png
    ${ch08_grid_commands}
    COMMAND book_values columns ${gen}/ch08_names.dat ${gen}/ch08_activations.json
            /networks/*/name
    COMMAND ${GNUPLOT_EXECUTABLE} -e "LINEAR='${gen}/ch08_grid_0.dat'"
            -e "SIGMOID='${gen}/ch08_grid_1.dat'" -e "TANH='${gen}/ch08_grid_2.dat'"
            -e "RELU='${gen}/ch08_grid_3.dat'" -e "NAMES='${gen}/ch08_names.dat'"
            -e "OUTPUT='${gen}/figures/ch08_boundaries.png'"
            ${CMAKE_CURRENT_SOURCE_DIR}/figures/ch08_boundaries.gp
    BYPRODUCTS ${ch08_grid_files} ${gen}/ch08_names.dat
    DEPENDS book_values ${gen}/ch08_activations.json
            ${CMAKE_CURRENT_SOURCE_DIR}/figures/ch08_boundaries.gp
    VERBATIM)

# The loss of every network before each step.
add_custom_command(OUTPUT ${gen}/figures/ch08_loss.svg
    COMMAND book_values columns ${gen}/ch08_loss.dat ${gen}/ch08_activations.json "#"
            /networks/0/loss /networks/1/loss /networks/2/loss /networks/3/loss
    COMMAND book_values columns ${gen}/ch08_loss_names.dat ${gen}/ch08_activations.json
            /networks/*/name
    COMMAND ${GNUPLOT_EXECUTABLE} -e "DATA='${gen}/ch08_loss.dat'"
            -e "NAMES='${gen}/ch08_loss_names.dat'" -e "OUTPUT='${gen}/figures/ch08_loss.svg'"
            ${CMAKE_CURRENT_SOURCE_DIR}/figures/ch08_loss.gp
    BYPRODUCTS ${gen}/ch08_loss.dat ${gen}/ch08_loss_names.dat
    DEPENDS book_values ${gen}/ch08_activations.json
            ${CMAKE_CURRENT_SOURCE_DIR}/figures/ch08_loss.gp
    VERBATIM)

list(APPEND figures ${gen}/figures/ch08_boundaries.png ${gen}/figures/ch08_loss.svg)
