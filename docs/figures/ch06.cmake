# Figures of chapter 6 (included by docs/CMakeLists.txt), from the chapter's captured JSON.

# The decision maps: each network's output on the grid, as a matrix file for gnuplot (row r,
# column c: the output at (x_c, y_r)), one file per network. The chapter's JSON holds
# grid[i][j], the output at (x_i, y_j), for its default --grid of 61 points per side; each
# pointer /networks/k/grid/i is one column of the matrix file.
set(ch06_grid_points 61)  # ch06_activations' default --grid
set(ch06_grid_files)
set(ch06_grid_commands)
math(EXPR ch06_last "${ch06_grid_points} - 1")
foreach(network IN ITEMS 0 1 2 3)  # linear, sigmoid, tanh, relu, in the chapter's order
    set(pointers)
    foreach(i RANGE ${ch06_last})
        list(APPEND pointers /networks/${network}/grid/${i})
    endforeach()
    list(APPEND ch06_grid_files ${gen}/ch06_grid_${network}.dat)
    list(APPEND ch06_grid_commands
         COMMAND book_values columns ${gen}/ch06_grid_${network}.dat ${gen}/ch06_activations.json
                 ${pointers})
endforeach()
add_custom_command(OUTPUT ${gen}/figures/ch06_boundaries.png
    ${ch06_grid_commands}
    COMMAND book_values columns ${gen}/ch06_names.dat ${gen}/ch06_activations.json
            /networks/*/name
    COMMAND ${GNUPLOT_EXECUTABLE} -e "LINEAR='${gen}/ch06_grid_0.dat'"
            -e "SIGMOID='${gen}/ch06_grid_1.dat'" -e "TANH='${gen}/ch06_grid_2.dat'"
            -e "RELU='${gen}/ch06_grid_3.dat'" -e "NAMES='${gen}/ch06_names.dat'"
            -e "OUTPUT='${gen}/figures/ch06_boundaries.png'"
            ${CMAKE_CURRENT_SOURCE_DIR}/figures/ch06_boundaries.gp
    BYPRODUCTS ${ch06_grid_files} ${gen}/ch06_names.dat
    DEPENDS book_values ${gen}/ch06_activations.json
            ${CMAKE_CURRENT_SOURCE_DIR}/figures/ch06_boundaries.gp
    VERBATIM)

# The loss of every network before each step.
add_custom_command(OUTPUT ${gen}/figures/ch06_loss.svg
    COMMAND book_values columns ${gen}/ch06_loss.dat ${gen}/ch06_activations.json "#"
            /networks/0/loss /networks/1/loss /networks/2/loss /networks/3/loss
    COMMAND book_values columns ${gen}/ch06_loss_names.dat ${gen}/ch06_activations.json
            /networks/*/name
    COMMAND ${GNUPLOT_EXECUTABLE} -e "DATA='${gen}/ch06_loss.dat'"
            -e "NAMES='${gen}/ch06_loss_names.dat'" -e "OUTPUT='${gen}/figures/ch06_loss.svg'"
            ${CMAKE_CURRENT_SOURCE_DIR}/figures/ch06_loss.gp
    BYPRODUCTS ${gen}/ch06_loss.dat ${gen}/ch06_loss_names.dat
    DEPENDS book_values ${gen}/ch06_activations.json
            ${CMAKE_CURRENT_SOURCE_DIR}/figures/ch06_loss.gp
    VERBATIM)

list(APPEND figures ${gen}/figures/ch06_boundaries.png ${gen}/figures/ch06_loss.svg)
