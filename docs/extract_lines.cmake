# Copies the lines of INPUT that match REGEX to OUTPUT, for a page that shows part of a program's
# output (\verbinclude of the result): chapter 9's key to its misclassified images.
#   cmake -DINPUT=file -DOUTPUT=file -DREGEX=regex -P extract_lines.cmake
file(STRINGS "${INPUT}" lines REGEX "${REGEX}" ENCODING UTF-8)
if(NOT lines)
    message(FATAL_ERROR "${INPUT}: no line matches '${REGEX}'")
endif()
list(JOIN lines "\n" text)
file(WRITE "${OUTPUT}" "${text}\n")
