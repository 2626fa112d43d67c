/// \file
/// \brief The machine's peak speed on one core, measured, in double or single precision.
///
/// Peak = the rate of fused multiply-adds (2 floating-point operations each) that one core
/// can retire when nothing else limits it: many independent chains of `a = a * m + c` on the
/// widest vectors the compiler may use. No real program reaches it; the fraction of it a
/// program sustains says how much of the machine the program uses.
#pragma once

#include <string>

#include "backprop/core/matrix.hpp"

namespace backprop {

/// The result of measure_peak().
struct PeakMeasurement {
    double flops_per_second;  ///< floating-point operations per second, in \ref precision
    int vector_bits;          ///< the SIMD width the loop was compiled for (64: scalar)
    std::string instruction;  ///< e.g. "AVX-512 FMA"
    /// What the hot kernels (this loop, the Eigen engine, the activations on many values) were
    /// compiled for: "this CPU (-march=native: znver3)", or "portable x86-64".
    std::string compiled_for;
    bool native;  ///< compiled for the building machine's CPU (the BACKPROP_NATIVE option)
    /// The widest multiply-add this CPU runs, read from the CPU itself (CPUID): what the loop
    /// would use if compiled for it. Differs from \ref instruction in a portable build.
    std::string cpu_instruction;
    Precision precision = Precision::float64;  ///< of the operations counted
};

/// Runs an FMA-throughput loop in \p precision on this thread for about \p seconds and
/// returns the best rate of several repetitions. Built for this CPU (BACKPROP_NATIVE), the
/// loop uses the widest vectors it has; built for portable x86-64, 128-bit SSE2 multiplies
/// and adds.
PeakMeasurement measure_peak(double seconds = 0.2, Precision precision = Precision::float64);

}  // namespace backprop
