# The book's full-text search (included by docs/CMakeLists.txt).
