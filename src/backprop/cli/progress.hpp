/// \file
/// \brief A one-line progress bar for a training epoch, on a terminal only.
///
///     epoch  3/20 [##########..........]  52%  loss 0.3121  118k samples/s
///
/// It redraws its line in place (carriage return) at most ten times a second. When the
/// stream is not a terminal (a log, a pipe, the book's captured output) it prints nothing,
/// so that captured output holds only the per-epoch summary lines. (No packaged C++ progress
/// library shows custom fields such as the loss; Boost's progress_display draws only a bar.)
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>

namespace backprop {

/// Draws and redraws one progress line on \p stream (stderr by default).
class ProgressBar {
  public:
    /// \param label shown before the bar, e.g. `"epoch  3/20"`.
    /// \param total the amount of work, e.g. the samples of an epoch.
    /// \param stream where to draw; nothing is drawn unless it is a terminal.
    ProgressBar(std::string label, std::size_t total, std::FILE* stream = stderr);

    /// Redraws with \p done of the total finished, the running \p loss and \p rate (per second).
    void update(std::size_t done, double loss, double rate);
    /// Clears the line, so that the epoch's summary can be printed in its place.
    void finish();

  private:
    std::string label_;
    std::size_t total_;
    std::FILE* stream_;
    bool enabled_;
    std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace backprop
