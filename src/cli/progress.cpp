#include "backprop/cli/progress.hpp"

#include <algorithm>
#include <unistd.h>
#include <utility>

#include <fmt/format.h>

namespace backprop {

ProgressBar::ProgressBar(std::string label, std::size_t total, std::FILE* stream)
    : label_(std::move(label)),
      total_(total),
      stream_(stream),
      enabled_(stream != nullptr && isatty(fileno(stream)) == 1) {}

void ProgressBar::update(std::size_t done, double loss, double rate) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (done < total_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    constexpr std::size_t width = 20;
    const double fraction = total_ == 0 ? 1.0 : std::min(1.0, double(done) / double(total_));
    const auto filled = static_cast<std::size_t>(fraction * width);
    fmt::print(stream_, "\r{} [{}{}] {:3.0f}%  loss {:.4f}  {:.0f}k samples/s ", label_,
               std::string(filled, '#'), std::string(width - filled, '.'), 100 * fraction, loss,
               rate / 1000);
    std::fflush(stream_);
}

void ProgressBar::finish() {
    if (!enabled_) return;
    fmt::print(stream_, "\r{}\r", std::string(label_.size() + 70, ' '));
    std::fflush(stream_);
}

}  // namespace backprop
