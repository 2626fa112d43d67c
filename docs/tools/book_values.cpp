// book_values: turns the chapter programs' --json output into what the book needs, so that no
// number in the book is typed by hand.
//
//   book_values aliases OUT NAME=FILE.json ...
//       Writes a Doxygen configuration fragment with one alias per value: \NAME_key for every
//       number, string and boolean in FILE.json, the key path joined by '_' (z1[2] of ch02 is
//       \ch02_z1_2; a one-entry array drops its index, so y[0] is \ch02_y). Arrays of more
//       than 9 entries give _first, _last and _count instead. Arrays of objects with a
//       "quantity" or "name" key (the errata, chapter 8's implementations) are keyed by it:
//       \errata_z1_0_printed, \ch08_implementations_eigen_epoch_seconds. Numbers have five
//       significant digits, measurements (keys ending in seconds, _gflops, percent_of_peak,
//       samples_per_second, speedup, _gbytes_per_second) three.
//
//   book_values columns OUT FILE.json POINTER ...
//       Writes whitespace-separated columns for gnuplot, one per JSON pointer to an array
//       (all of one length; a pointer to a single value gives a one-row column, e.g.
//       chapter 8's /peak_gflops). A pointer with a '*' step, such as /benchmarks/*/name, takes
//       that field of every element of the array before it; '#' is the 1-based row number. Strings
//       are written in double quotes.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

using nlohmann::json;

namespace {

constexpr std::size_t max_listed = 9;

json read(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    try {
        return json::parse(in);
    } catch (const json::parse_error& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
}

/// A number as prose shows it: \p digits significant digits, and powers of ten as
/// 10<sup>n</sup> (never `e+05`).
std::string prose(double v, int digits) {
    if (v == 0) return "0";
    // Fixed-point where that needs no more digits than asked for (12345 at five, not 123456).
    if (std::abs(v) >= 1e-4 && std::abs(v) < std::min(1e6, std::pow(10.0, digits)))
        return fmt::format("{:.{}g}", v, digits);
    const int exponent = static_cast<int>(std::floor(std::log10(std::abs(v))));
    const double mantissa = v / std::pow(10.0, exponent);
    return fmt::format("{:.{}g}&times;10<sup>{}</sup>", mantissa, digits, exponent);
}

/// Computed values are quoted to five significant digits. Measurements (times, speeds,
/// fractions of peak, speedups) vary by a few percent from run to run, so the prose quotes
/// them to three: their keys end in one of these.
int significant_digits(const std::string& name) {
    for (const std::string suffix : {"seconds", "_gflops", "percent_of_peak", "samples_per_second",
                                     "speedup", "_gbytes_per_second"})
        if (name.size() >= suffix.size() &&
            name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
            return 3;
    return 5;
}

/// "z1[0]" -> "z1_0", "W1_new[1][2]" -> "W1_new_1_2".
std::string identifier(const std::string& text) {
    std::string id;
    for (char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '_')
            id += c;
        else if (!id.empty() && id.back() != '_')
            id += '_';
    }
    while (!id.empty() && id.back() == '_')
        id.pop_back();
    return id;
}

void flatten(const std::string& name, const json& value, std::map<std::string, std::string>& out) {
    if (value.is_number_integer()) {
        out[name] = value.dump();  // counts print whole
    } else if (value.is_number()) {
        out[name] = prose(value.get<double>(), significant_digits(name));
    } else if (value.is_boolean()) {
        out[name] = value.get<bool>() ? "true" : "false";
    } else if (value.is_string()) {
        out[name] = value.get<std::string>();
    } else if (value.is_object()) {
        for (const auto& [key, item] : value.items())
            flatten(name + "_" + identifier(key), item, out);
    } else if (value.is_array()) {
        // Arrays of objects that name themselves are keyed by that name: the errata's
        // quantities, the calculator's checked entries, anything else's name.
        const auto key = [&]() -> std::string {
            if (value.empty() || !value.front().is_object()) return "";
            for (const char* k : {"quantity", "entry", "name"})
                if (value.front().contains(k)) return k;
            return "";
        }();
        if (!key.empty()) {
            for (const json& item : value)
                flatten(name + "_" + identifier(item[key]), item, out);
        } else if (value.size() == 1) {
            flatten(name, value.front(), out);
        } else if (value.size() <= max_listed) {
            for (std::size_t i = 0; i < value.size(); ++i)
                flatten(name + "_" + std::to_string(i), value[i], out);
        } else {
            flatten(name + "_first", value.front(), out);
            flatten(name + "_last", value.back(), out);
            out[name + "_count"] = std::to_string(value.size());
        }
    }
}

int aliases(const std::vector<std::string>& args) {
    std::map<std::string, std::string> values;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const auto eq = args[i].find('=');
        if (eq == std::string::npos) throw std::runtime_error("expected NAME=FILE, got " + args[i]);
        flatten(args[i].substr(0, eq), read(args[i].substr(eq + 1)), values);
    }
    std::ofstream out(args[0]);
    out << "# Generated by book_values from the chapter programs' --json output.\n";
    for (const auto& [name, text] : values)
        out << "ALIASES += \"" << name << "=" << text << "\"\n";
    return out ? 0 : 1;
}

/// The array \p pointer names; with a '*' step, that field of each element of the array.
json column(const json& document, const std::string& pointer) {
    const auto star = pointer.find("/*/");
    if (star == std::string::npos) return document.at(json::json_pointer(pointer));
    const json& array = document.at(json::json_pointer(pointer.substr(0, star)));
    const json::json_pointer field(pointer.substr(star + 2));
    json values = json::array();
    for (const json& element : array)
        values.push_back(element.at(field));
    return values;
}

std::string cell(const json& value) {
    if (value.is_string()) return "\"" + value.get<std::string>() + "\"";
    return fmt::format("{:.17g}", value.get<double>());
}

int columns(const std::vector<std::string>& args) {
    if (args.size() < 3) throw std::runtime_error("columns: expected OUT FILE POINTER...");
    const json document = read(args[1]);
    std::vector<json> arrays;  // null for the row number
    std::size_t rows = 0;
    for (std::size_t i = 2; i < args.size(); ++i) {
        if (args[i] == "#") {
            arrays.emplace_back(nullptr);
            continue;
        }
        json array = column(document, args[i]);
        if (!array.is_array()) array = json::array({array});  // one value: a one-row column
        if (rows != 0 && rows != array.size())
            throw std::runtime_error(args[i] + " has " + std::to_string(array.size()) +
                                     " entries but the columns before it " + std::to_string(rows));
        rows = array.size();
        arrays.push_back(std::move(array));
    }
    std::ofstream out(args[0]);
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < arrays.size(); ++c)
            out << (c ? " " : "")
                << (arrays[c].is_null() ? std::to_string(r + 1) : cell(arrays[c][r]));
        out << '\n';
    }
    return out ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (args.size() >= 2 && args[0] == "aliases")
            return aliases({args.begin() + 1, args.end()});
        if (args.size() >= 2 && args[0] == "columns")
            return columns({args.begin() + 1, args.end()});
    } catch (const std::exception& e) {
        std::cerr << "book_values: error: " << e.what() << '\n';
        return 1;
    }
    std::cerr << "usage: book_values aliases OUT NAME=FILE.json ...\n"
                 "       book_values columns OUT FILE.json POINTER ...\n";
    return 2;
}
