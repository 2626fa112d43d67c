# Figures of chapter 11 (included by docs/CMakeLists.txt): the scalar computation graph of the
# worked example, all 36 nodes, each with its value and its gradient, each arrow with its local
# derivative. The chapter program writes the graph itself (--dot, in the same run that the book
# captures); Graphviz lays it out top to bottom (the program's file says left to right, which
# is twice as wide as a page), leaves at the top and J at the bottom.
add_custom_command(OUTPUT ${gen}/figures/ch11_graph.svg
    COMMAND ${DOT_EXECUTABLE} -Grankdir=TB -Tsvg ${gen}/ch11_graph.dot
            -o ${gen}/figures/ch11_graph.svg
    DEPENDS ${gen}/ch11_graph.dot VERBATIM)
list(APPEND figures ${gen}/figures/ch11_graph.svg)
