// Headless Chromium for the book's tests: where it is, and a page's DOM after its scripts ran.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "run_program.hpp"

namespace browser {

/// The browser: $BACKPROP_CHROMIUM, or the first of the usual names on the PATH; empty if none.
inline std::string find_chromium() {
    if (const char* chosen = std::getenv("BACKPROP_CHROMIUM")) return chosen;
    const char* path = std::getenv("PATH");
    std::stringstream folders(path ? path : "");
    for (std::string folder; std::getline(folders, folder, ':');)
        for (const char* name : {"chromium", "chromium-browser", "google-chrome"})
            if (std::filesystem::exists(std::filesystem::path(folder) / name))
                return (std::filesystem::path(folder) / name).string();
    return {};
}

/// The exit status that tells ctest a test was skipped (SKIP_RETURN_CODE).
inline constexpr int skipped = 77;

/// find_chromium(), or, where there is none, empty after saying so and how to get one (the
/// test then returns `skipped`).
inline std::string chromium_or_skip() {
    std::string chromium = find_chromium();
    if (chromium.empty())
        std::cout << "SKIPPED: no Chromium found (install Debian's chromium, or set "
                     "BACKPROP_CHROMIUM to a Chromium or Chrome binary)\n";
    return chromium;
}

/// The whole of the file at \p path.
inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Opens the file \p page in headless \p chromium, offline: no host name resolves (so any
/// address a page tried to reach would fail), no background service starts, and the page is a
/// file. Uses a profile in \p profile and a window of \p window_size ("W,H"), gives the page up
/// to 20 s of its own time for its scripts, and returns the DOM then.
inline ProgramResult dump_dom(const std::string& chromium, const std::filesystem::path& page,
                              const std::filesystem::path& profile,
                              const std::string& window_size = "1280,1000") {
    return run_program(
        chromium,
        {"--headless", "--no-sandbox", "--host-resolver-rules=MAP * ~NOTFOUND", "--disable-gpu",
         "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile.string(),
         "--window-size=" + window_size, "--virtual-time-budget=20000", "--dump-dom",
         "file://" + page.string()});
}

/// The text of the element `<pre id="ID">` in \p dom, its HTML entities decoded; empty if the
/// page has none. (Plain searches, not std::regex: libstdc++'s regex recurses per character and
/// overflows the stack on a long page.)
inline std::string pre_text(const std::string& dom, const std::string& id) {
    const std::string open = "<pre id=\"" + id + "\">";
    const auto begin = dom.find(open);
    const auto end = dom.find("</pre>", begin);
    if (begin == std::string::npos || end == std::string::npos) return {};
    std::string text = dom.substr(begin + open.size(), end - begin - open.size());
    for (const auto& [entity, character] :
         {std::pair{"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}})
        for (auto at = text.find(entity); at != std::string::npos; at = text.find(entity, at))
            text.replace(at, std::string(entity).size(), character);
    return text;
}

}  // namespace browser
