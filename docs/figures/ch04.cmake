# Figures of chapter 4 (included by docs/CMakeLists.txt).
