# Which CPU the build compiles for, and why that decides whether warnings are errors.
#
# Everything is compiled for portable x86-64, the baseline every x86-64 CPU runs, except the hot
# kernels: the Eigen engine, the activations on many values and the peak loop. BACKPROP_NATIVE
# (on in the release and debug presets) compiles those for the CPU of the machine that builds,
# with BACKPROP_NATIVE_FLAGS, so that the speed a reader measures is their machine's. The
# instrumented builds (asan, fuzz) and the portable preset turn it off: they test correctness,
# and what they compile must not depend on the CPU they happen to run on.
#
# Warnings are errors in code compiled for portable x86-64, and only there. g++ reports some
# warnings after inlining, from inside system headers in spite of -isystem, and which ones
# depends on the CPU: g++ before 12.3 finds false uses of uninitialized values in its own
# AVX-512 intrinsics when Eigen's kernels inline them (GCC bug 105593), as -Wmaybe-uninitialized
# on one CPU and -Wuninitialized on another. So in code compiled for a particular CPU warnings
# are shown but never fail the build: in the hot kernels when BACKPROP_NATIVE is on, and in
# everything when CMAKE_CXX_FLAGS picks a CPU (-march=...). The portable, asan and fuzz builds
# of the test command compile every file for portable x86-64 with every warning an error: our
# code keeps -Werror, its warnings are the same on every machine, and no CPU can fail a build.
#
# Sets:
#   BACKPROP_WERROR          whether warnings are errors in code outside the hot kernels
#   BACKPROP_KERNEL_OPTIONS  compile options of the hot kernels (the CPU, the warnings)
#   BACKPROP_COMPILED_FOR    what the hot kernels are compiled for, in words
#   BACKPROP_NATIVE_BUILD    1 where they are compiled for this CPU (BACKPROP_NATIVE), else 0

option(BACKPROP_NATIVE "Compile the hot kernels for this CPU (BACKPROP_NATIVE_FLAGS)" ON)
set(BACKPROP_NATIVE_FLAGS "-march=native" CACHE STRING
    "The compiler options that select this CPU (another CPU's, to check a build for it)")
mark_as_advanced(BACKPROP_NATIVE_FLAGS)

# backprop_describe_target(FLAGS ARCH VECTORS): the CPU the compiler targets with FLAGS (g++'s
# -march, clang's target CPU; "x86-64" for the portable baseline) and the widest vectors it may
# use there.
function(backprop_describe_target flags arch_var vectors_var)
    execute_process(COMMAND ${CMAKE_CXX_COMPILER} ${flags} -dM -E -x c++ /dev/null
                    OUTPUT_VARIABLE macros ERROR_QUIET)
    if(macros MATCHES "#define __AVX512F__ ")
        set(vectors "AVX-512")
    elseif(macros MATCHES "#define __AVX2__ ")
        set(vectors "AVX2")
    elseif(macros MATCHES "#define __AVX__ ")
        set(vectors "AVX")
    else()
        set(vectors "SSE2")
    endif()
    set(arch "unknown CPU")
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        execute_process(COMMAND ${CMAKE_CXX_COMPILER} ${flags} -Q --help=target
                        OUTPUT_VARIABLE target ERROR_QUIET)
        if(target MATCHES "-march=[ \t]+([^ \t\n]+)")
            set(arch ${CMAKE_MATCH_1})
        endif()
    else()
        execute_process(COMMAND ${CMAKE_CXX_COMPILER} ${flags} "-###" -c -x c++ /dev/null
                        ERROR_VARIABLE target OUTPUT_QUIET)
        if(target MATCHES "\"-target-cpu\" \"([^\"]+)\"")
            set(arch ${CMAKE_MATCH_1})
        endif()
    endif()
    set(${arch_var} ${arch} PARENT_SCOPE)
    set(${vectors_var} ${vectors} PARENT_SCOPE)
endfunction()

# The whole build's target: portable x86-64 unless CMAKE_CXX_FLAGS picks a CPU.
separate_arguments(build_flags UNIX_COMMAND "${CMAKE_CXX_FLAGS}")
backprop_describe_target("${build_flags}" build_arch build_vectors)
if(build_arch STREQUAL "x86-64")
    set(BACKPROP_WERROR ON)
elseif(build_arch STREQUAL "unknown CPU")
    # The compiler did not say: keep warnings errors, and say so, rather than lose -Werror
    # without a word.
    set(BACKPROP_WERROR ON)
    message(WARNING "Could not tell which CPU ${CMAKE_CXX_COMPILER} compiles for with "
                    "CMAKE_CXX_FLAGS \"${CMAKE_CXX_FLAGS}\"; warnings stay errors")
else()
    set(BACKPROP_WERROR OFF)
    message(STATUS "CMAKE_CXX_FLAGS compile everything for ${build_arch}: warnings are not errors "
                   "in this build (they are in the portable preset)")
endif()

# The hot kernels' target.
if(BACKPROP_NATIVE)
    separate_arguments(native_flags UNIX_COMMAND "${BACKPROP_NATIVE_FLAGS}")
    backprop_describe_target("${build_flags};${native_flags}" kernel_arch kernel_vectors)
    if(BACKPROP_NATIVE_FLAGS STREQUAL "-march=native")
        set(BACKPROP_COMPILED_FOR "this CPU (-march=native: ${kernel_arch})")
    else()
        set(BACKPROP_COMPILED_FOR "${BACKPROP_NATIVE_FLAGS} (${kernel_arch})")
    endif()
    set(BACKPROP_NATIVE_BUILD 1)
    set(other "-DBACKPROP_NATIVE=OFF: portable x86-64")
else()
    set(native_flags "")
    set(kernel_arch ${build_arch})
    set(kernel_vectors ${build_vectors})
    if(build_arch STREQUAL "x86-64")
        set(BACKPROP_COMPILED_FOR "portable x86-64")
    else()
        set(BACKPROP_COMPILED_FOR "${build_arch} (CMAKE_CXX_FLAGS)")
    endif()
    set(BACKPROP_NATIVE_BUILD 0)
    set(other "-DBACKPROP_NATIVE=ON: this CPU")
endif()
message(STATUS "Hot kernels compiled for ${BACKPROP_COMPILED_FOR}, widest vectors "
               "${kernel_vectors} (${other})")

set(BACKPROP_KERNEL_OPTIONS ${native_flags})
if(NOT kernel_arch STREQUAL "x86-64")
    # Compiled for a particular CPU: warnings are not errors, and the two that g++ before 12.3
    # prints by the dozen from its AVX-512 intrinsics are not shown (no build depends on that).
    list(APPEND BACKPROP_KERNEL_OPTIONS -Wno-error
        $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,12.3>>:-Wno-uninitialized$<SEMICOLON>-Wno-maybe-uninitialized>)
endif()
