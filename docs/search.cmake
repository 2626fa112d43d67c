# The book's full-text search (included by docs/CMakeLists.txt, after the book's targets).
#
# Doxygen's own search finds only the names of code symbols. The book's search box finds the
# words of its prose ("vanishing", "xor", "saturation"), offline and from file://:
#
#   search/book_search_index.cpp  after doxygen, reads the pages it wrote (with libxml2's
#                                 HTML parser, Debian's libxml2-dev) and writes
#                                 html/book_search_index.js, the text of every section
#   search/book_search.js         the search box every page loads: it builds a lunr index
#                                 (lunr.js, Debian's libjs-lunr) from that text in the browser
#   search/header.html (built)    Doxygen's page header with the script added
#   search/search.doxy (built)    the Doxyfile's settings for it (the Doxyfile includes it)
#
# Without lunr.js or libxml2 the book keeps Doxygen's search of code symbols and says so here.
set(search_dir ${CMAKE_CURRENT_BINARY_DIR}/search)
file(MAKE_DIRECTORY ${search_dir}/default)
find_file(LUNR_JS lunr.min.js PATHS /usr/share/javascript/lunr NO_DEFAULT_PATH)
find_package(LibXml2)

# Writes text to the file at path, only when that changes it, so that an unchanged
# configuration rebuilds nothing. One argument, quoted, keeps the text's semicolons.
function(write_if_changed path text)
    file(WRITE ${path}.new "${text}")
    configure_file(${path}.new ${path} COPYONLY)
    file(REMOVE ${path}.new)
endfunction()

set(missing "")
if(NOT LUNR_JS OR NOT EXISTS "${LUNR_JS}")
    list(APPEND missing "lunr.js (Debian: apt-get install libjs-lunr)")
endif()
if(NOT LibXml2_FOUND)
    list(APPEND missing "libxml2 (Debian: apt-get install libxml2-dev)")
endif()
if(missing)
    list(JOIN missing " and " missing)
    message(STATUS "The book's full-text search is off: it needs ${missing}; the book's "
                   "search box finds only code symbols")
    string(CONCAT doxy
        "# Written by docs/search.cmake: without lunr.js or libxml2, Doxygen's search of code "
        "symbols.\n"
        "SEARCHENGINE = YES\n")
    write_if_changed(${search_dir}/search.doxy "${doxy}")
    set(BACKPROP_BOOK_SEARCH OFF PARENT_SCOPE)
    return()
endif()
set(BACKPROP_BOOK_SEARCH ON PARENT_SCOPE)

# The page header: Doxygen's own, for the installed version, with the search box's script.
execute_process(COMMAND ${DOXYGEN_EXECUTABLE} -w html header.html footer.html stylesheet.css
                WORKING_DIRECTORY ${search_dir}/default RESULT_VARIABLE status
                ERROR_VARIABLE error)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "doxygen -w html could not write its default page header: ${error}")
endif()
file(READ ${search_dir}/default/header.html header)
string(REGEX REPLACE "^<!-- HTML header for doxygen[^\n]*\n" "" header "${header}")
string(REPLACE "</head>"
       "<script type=\"text/javascript\" src=\"$relpath^book_search.js\"></script>\n</head>"
       header "${header}")
write_if_changed(${search_dir}/header.html "${header}")
string(CONCAT doxy
    "# Written by docs/search.cmake: the book's full-text search replaces Doxygen's.\n"
    "SEARCHENGINE     = NO\n"
    "HTML_HEADER      = ${search_dir}/header.html\n"
    "HTML_EXTRA_FILES = ${LUNR_JS} ${CMAKE_CURRENT_SOURCE_DIR}/search/book_search.js\n")
write_if_changed(${search_dir}/search.doxy "${doxy}")

add_executable(book_search_index search/book_search_index.cpp)
target_link_libraries(book_search_index PRIVATE
    backprop::backprop nlohmann_json::nlohmann_json LibXml2::LibXml2 backprop_warnings)

# The index is written into html/ by the same command that builds the book, after doxygen.
add_custom_command(OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/html/index.html APPEND
    COMMAND book_search_index ${CMAKE_CURRENT_BINARY_DIR}/html
            ${CMAKE_CURRENT_BINARY_DIR}/html/book_search_index.js
    DEPENDS book_search_index ${search_dir}/header.html ${search_dir}/search.doxy
            ${CMAKE_CURRENT_SOURCE_DIR}/search/book_search.js ${LUNR_JS})
