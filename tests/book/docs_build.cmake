# ctest docs_build: runs doxygen afresh into a scratch folder with the book's Doxyfile, so that
# an up-to-date docs target proves nothing by itself. Fails on any warning (a renamed snippet
# tag, a missing file, image or \ref), and checks that the output is reproducible: byte for
# byte the same as the book the build made in another folder, with no build path in it.
# What the docs target adds after doxygen is made here too (the search index, by the program
# SEARCH_INDEX, where the book has its search) and compared like the rest; the one thing the
# build adds that this run does not, the copy of MathJax (mathjax/), is left out of the
# comparison. Any other file of the built book that this run did not make fails the test.
#   cmake -DDOXYGEN=... -DDOXYFILE=... -DBOOK=<built html> -DWORK=<scratch> -DSOURCE_DIR=...
#         -DBINARY_DIR=... [-DSEARCH_INDEX=<book_search_index>] -P docs_build.cmake
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
file(WRITE "${WORK}/Doxyfile" "@INCLUDE = ${DOXYFILE}\nOUTPUT_DIRECTORY = ${WORK}\n"
                              "WARN_LOGFILE = ${WORK}/warnings.log\n")
execute_process(COMMAND "${DOXYGEN}" "${WORK}/Doxyfile" RESULT_VARIABLE status
                OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(warnings "")
if(EXISTS "${WORK}/warnings.log")
    file(READ "${WORK}/warnings.log" warnings)
endif()
if(NOT status EQUAL 0 OR NOT warnings STREQUAL "")
    message(FATAL_ERROR "doxygen failed (exit status ${status}):\n${warnings}\n${err}")
endif()

if(SEARCH_INDEX)
    execute_process(COMMAND "${SEARCH_INDEX}" "${WORK}/html" "${WORK}/html/book_search_index.js"
                    RESULT_VARIABLE status OUTPUT_QUIET ERROR_VARIABLE err)
    if(NOT status EQUAL 0)
        message(FATAL_ERROR "the search index could not be made (exit status ${status}):\n${err}")
    endif()
endif()

file(GLOB_RECURSE fresh RELATIVE "${WORK}/html" "${WORK}/html/*")
list(LENGTH fresh count)
if(count LESS 20)
    message(FATAL_ERROR "doxygen wrote only ${count} files")
endif()
set(differ "")
set(leaks "")
foreach(file IN LISTS fresh)
    file(SHA256 "${WORK}/html/${file}" a)
    if(NOT EXISTS "${BOOK}/${file}")
        list(APPEND differ "${file} (not in the built book)")
        continue()
    endif()
    file(SHA256 "${BOOK}/${file}" b)
    if(NOT a STREQUAL b)
        list(APPEND differ "${file}")
    endif()
    if(file MATCHES "\\.(html|js)$")
        file(STRINGS "${WORK}/html/${file}" paths REGEX "${SOURCE_DIR}|${BINARY_DIR}|${WORK}")
        if(paths)
            list(APPEND leaks "${file}")
        endif()
    endif()
endforeach()
file(GLOB_RECURSE built RELATIVE "${BOOK}" "${BOOK}/*")
foreach(file IN LISTS built)
    if(NOT file MATCHES "^mathjax/" AND NOT EXISTS "${WORK}/html/${file}")
        list(APPEND differ "${file} (only in the built book)")
    endif()
endforeach()
if(differ)
    list(JOIN differ "\n  " differ)
    message(FATAL_ERROR "not reproducible: these differ from the built book:\n  ${differ}")
endif()
if(leaks)
    list(JOIN leaks "\n  " leaks)
    message(FATAL_ERROR "build paths in the output:\n  ${leaks}")
endif()
message(STATUS "doxygen: no warnings; ${count} files, identical to the built book, no build paths")
