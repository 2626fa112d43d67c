#!/usr/bin/env bash
# Backprop, step by verified step.
#
#   ./tutorial.sh          install what is missing, build (Release), run every chapter and
#                          build the book (build/release/docs/html/index.html)
#   ./tutorial.sh test     install what is missing, then run every test: the suite in a Release
#                          build for this CPU, again in a Release build for any x86-64 CPU, again
#                          under AddressSanitizer and UBSan, the fuzzers (45 s each), and static
#                          analysis (clang-tidy, cppcheck); see the README for how long.
#                          `ctest --preset release` reruns just the suite of a built tree.
#
# Packages come from Debian 12 through apt-get, as root or with sudo. Set
# BACKPROP_NO_INSTALL=1 to skip that step and use what is installed.
set -euo pipefail
cd "$(dirname "$0")"

packages=(
    cmake ninja-build g++
    libboost-dev libboost-test-dev   # Boost.uBLAS, Boost.Random, Boost.Test
    libfmt-dev                       # text formatting
    nlohmann-json3-dev               # JSON output
    libcli11-dev                     # command lines
    libbenchmark-dev                 # Google Benchmark (bench/)
    libopenblas-dev libeigen3-dev pkgconf  # the GEMM engines of chapter 8
    zlib1g-dev libstb-dev            # gzip'd data and model checksums; PNG images
    dataset-fashion-mnist            # chapter 9's data
    doxygen graphviz gnuplot-nox     # the book: pages, computation graph, plots
    libjs-mathjax doxygen-awesome-css libjs-lunr libxml2-dev  # the book: math, theme, search
    chromium                         # the book's browser tests
    emscripten                       # the book's interactive pages (the calculator in WebAssembly)
    libopenmpi-dev openmpi-bin       # chapter 12: data-parallel training on MPI
    clang-14 libclang-rt-14-dev      # libFuzzer (the fuzz preset)
    clang-tidy cppcheck clang-format # static analysis, and the one code style
)

install_missing() {
    [[ "${BACKPROP_NO_INSTALL:-0}" == 1 ]] && return
    local missing=()
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
            missing+=("$p")
    done
    ((${#missing[@]} == 0)) && return
    echo "Installing: ${missing[*]}"
    local sudo=()
    if ((EUID != 0)); then sudo=(sudo); fi
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}"
}

run_chapters() {
    # Every chapter program, in chapter order (one per source file, so that a program left in
    # an older build folder under an older name is not run), then the errata table. Chapter 12
    # runs on MPI, with 2 processes (as root too: mpirun refuses root unless told).
    local source program
    for source in chapters/ch[0-9][0-9]_*.cpp chapters/errata.cpp; do
        program=build/release/chapters/$(basename "$source" .cpp)
        if [[ "$program" == */ch12_data_parallel ]]; then
            if [[ ! -x "$program" ]]; then
                printf '\n(chapter 12 is not built: it needs MPI, see the README)\n'
                continue
            fi
            printf '\n\033[1m$ mpirun -n 2 %s\033[0m\n\n' "$program"
            OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun -n 2 "$program"
            continue
        fi
        printf '\n\033[1m$ %s\033[0m\n\n' "$program"
        "$program"
    done
}

# clang-tidy (.clang-tidy) and cppcheck over the library, the chapters and the tools, using the
# portable build's compile_commands.json (what it sees must not depend on this CPU), and
# clang-format (.clang-format) over all C++ sources; any finding fails.
static_analysis() {
    local sources
    mapfile -t sources < <(git ls-files 'src/*.cpp' 'chapters/*.cpp' 'tools/*.cpp' 2>/dev/null ||
        find src chapters tools -name '*.cpp')
    run-clang-tidy -quiet -p build/portable -j "$(nproc)" "${sources[@]}" > build/clang-tidy.log 2>&1 ||
        { grep -E 'warning:|error:' build/clang-tidy.log || tail -n 40 build/clang-tidy.log
          echo "clang-tidy: findings above"; return 1; }
    echo "clang-tidy: ${#sources[@]} files, no findings"
    cppcheck --quiet --error-exitcode=1 --std=c++20 --language=c++ --inline-suppr \
        --enable=warning,performance,portability \
        -I src -j "$(nproc)" src chapters tools
    echo "cppcheck: no findings"
    local cxx
    mapfile -t cxx < <(git ls-files '*.cpp' '*.hpp' 2>/dev/null || find . -name '*.[ch]pp' -not -path './build/*')
    clang-format --dry-run --Werror "${cxx[@]}"
    echo "clang-format: ${#cxx[@]} files, all formatted"
}

install_missing
case "${1:-tutorial}" in
    tutorial)
        cmake --preset release
        cmake --build --preset release
        run_chapters
        printf '\n\033[1m$ %s\033[0m\n\n' "build/release/tools/backprop_calculator tools/examples/two_two_two.json"
        build/release/tools/backprop_calculator tools/examples/two_two_two.json
        printf '\nThe book: %s\n' "file://$PWD/build/release/docs/html/index.html"
        ;;
    test)
        step() { printf '\n\033[1m== %s\033[0m\n\n' "$1"; }
        step "The test suite (Release build, hot kernels compiled for this CPU)"
        cmake --workflow --preset release
        step "The test suite again, built for any x86-64 CPU (portable; the book is not rebuilt)"
        cmake --workflow --preset portable
        step "The test suite again, under AddressSanitizer and UndefinedBehaviorSanitizer"
        cmake --workflow --preset asan
        step "Fuzzing the file readers (libFuzzer)"
        cmake --workflow --preset fuzz
        step "Static analysis and code style: clang-tidy, cppcheck, clang-format"
        static_analysis
        ;;
    *)
        echo "usage: $0 [tutorial|test]" >&2
        exit 2
        ;;
esac
