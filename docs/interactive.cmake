# The book's interactive pages (included by docs/CMakeLists.txt, after search.cmake).
#
# Where the calculator is built in WebAssembly (tools/CMakeLists.txt), the pages that hold an
# interactive part (\if interactive ... \endif in docs/pages/) get it, with these files beside
# them:
#
#   backprop_calculator.js     the calculator, compiled to WebAssembly (tools/wasm/)
#   backprop_examples.js       the calculator's example files (interactive/examples.cmake)
#   interactive/interactive.js the widgets: the calculator's editor, the worked example's fields
#
# Elsewhere the pages say that their interactive parts are not built, and why.
set(interactive_dir ${CMAKE_CURRENT_BINARY_DIR}/interactive)
file(MAKE_DIRECTORY ${interactive_dir})
if(NOT BACKPROP_WASM_MODULE)
    write_if_changed(${interactive_dir}/interactive.doxy
        "# Written by docs/interactive.cmake: ${BACKPROP_WASM_SKIP_REASON}.\nENABLED_SECTIONS =\n")
    set(BACKPROP_BOOK_INTERACTIVE OFF PARENT_SCOPE)
    return()
endif()
set(BACKPROP_BOOK_INTERACTIVE ON PARENT_SCOPE)

# The examples the editor offers, the article's first (the worked example's fields start
# from it); the exercises' files are left out, since they hold the answers.
set(interactive_examples)
foreach(name IN ITEMS article two_two_two softmax_batch homework_check)
    list(APPEND interactive_examples ${PROJECT_SOURCE_DIR}/tools/examples/${name}.json)
endforeach()
add_custom_command(OUTPUT ${interactive_dir}/backprop_examples.js
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${interactive_dir}/backprop_examples.js
            "-DEXAMPLES=${interactive_examples}"
            -P ${CMAKE_CURRENT_SOURCE_DIR}/interactive/examples.cmake
    DEPENDS ${interactive_examples} interactive/examples.cmake VERBATIM)

string(CONCAT doxy
    "# Written by docs/interactive.cmake: the pages' interactive parts.\n"
    "ENABLED_SECTIONS  = interactive\n"
    "HTML_EXTRA_FILES += ${BACKPROP_WASM_MODULE} ${interactive_dir}/backprop_examples.js "
    "${CMAKE_CURRENT_SOURCE_DIR}/interactive/interactive.js\n")
write_if_changed(${interactive_dir}/interactive.doxy "${doxy}")
add_custom_command(OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/html/index.html APPEND
    DEPENDS ${BACKPROP_WASM_MODULE} ${interactive_dir}/backprop_examples.js
            ${interactive_dir}/interactive.doxy
            ${CMAKE_CURRENT_SOURCE_DIR}/interactive/interactive.js)
add_dependencies(docs calculator_wasm)
