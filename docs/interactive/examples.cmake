# Writes the calculator's example files into one script for the book's pages, which cannot
# read files when opened from file://: backpropExamples maps each file's name to its text.
#   cmake -DOUTPUT=backprop_examples.js "-DEXAMPLES=a.json;b.json" -P examples.cmake
set(script "// Written when the book is built: the calculator's examples (tools/examples).\n")
string(APPEND script "var backpropExamples = {\n")
foreach(file IN LISTS EXAMPLES)
    file(READ "${file}" text)
    string(REPLACE "\\" "\\\\" text "${text}")
    string(REPLACE "\"" "\\\"" text "${text}")
    string(REPLACE "\n" "\\n" text "${text}")
    string(REPLACE "\t" "\\t" text "${text}")
    get_filename_component(name "${file}" NAME)
    string(APPEND script "    \"${name}\": \"${text}\",\n")
endforeach()
string(APPEND script "};\n")
file(WRITE "${OUTPUT}" "${script}")
