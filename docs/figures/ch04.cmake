# Figures of chapter 4 (included by docs/CMakeLists.txt): the backward pass of the worked
# example, the computation graph of chapter 2 (network.dot) with every arrow reversed and
# every node showing its derivative. The chapter program writes the graph itself (--dot, in
# the same run that the book captures), so that its numbers are the ones the chapter
# computes; Graphviz lays it out.
add_custom_command(OUTPUT ${gen}/figures/ch04_backward.svg
    COMMAND ${DOT_EXECUTABLE} -Tsvg ${gen}/ch04_backward.dot -o ${gen}/figures/ch04_backward.svg
    DEPENDS ${gen}/ch04_backward.dot VERBATIM)
list(APPEND figures ${gen}/figures/ch04_backward.svg)
