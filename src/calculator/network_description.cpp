#include "backprop/calculator/network_description.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <iterator>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "backprop/data/files.hpp"
#include "backprop/nn/worked_example.hpp"

namespace backprop {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& message) {
    throw DescriptionError(message);
}

// ---------------------------------------------------------------------------------------
// Paths, for messages: layers[1].W[0][2]
// ---------------------------------------------------------------------------------------

std::string field_path(const std::string& parent, const std::string& key) {
    return parent.empty() ? key : parent + "." + key;
}

std::string index_path(const std::string& parent, std::size_t i) {
    return fmt::format("{}[{}]", parent, i);
}

/// A JSON value described for a message: `the string "0.3"`, `an array`, `null`.
std::string described(const json& v) {
    switch (v.type()) {
        case json::value_t::null:
            return "null";
        case json::value_t::boolean:
            return "the boolean " + v.dump();
        case json::value_t::string:
            return "the string " + v.dump();
        case json::value_t::object:
            return "an object";
        case json::value_t::array:
            return v.empty() ? "an empty array" : "an array";
        default:
            return "the number " + v.dump();
    }
}

std::string plural(std::size_t n, const std::string& one, const std::string& many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string joined(const std::vector<std::string>& names) {
    std::string text;
    for (const std::string& name : names)
        text += (text.empty() ? "" : ", ") + name;
    return text;
}

// ---------------------------------------------------------------------------------------
// Reading the text: a DOM built from SAX events, so that numbers in "check" keep their text
// ---------------------------------------------------------------------------------------

/// Line and column (both from 1, the column in characters) of the byte at \p offset.
std::pair<std::size_t, std::size_t> line_and_column(std::string_view text, std::size_t offset) {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < std::min(offset, text.size()); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++column;  // a byte that starts a UTF-8 code point
        }
    }
    return {line, column};
}

/// nlohmann's explanation without its prefix: "[json.exception.parse_error.101] parse error at
/// line 1, column 6: syntax error ..." -> "syntax error ...".
std::string explanation(const std::string& what) {
    std::string text = what;
    if (text.rfind("[json.exception.", 0) == 0) {
        const auto bracket = text.find("] ");
        if (bracket != std::string::npos) text = text.substr(bracket + 2);
    }
    const auto at = text.find("parse error at line ");
    if (at == 0) {
        const auto colon = text.find(": ");
        if (colon != std::string::npos) text = text.substr(colon + 2);
    }
    // "; last read: '...'" quotes what the lexer read since its last token, which may span
    // lines (shown as <U+000A>): kept only when it is short and on one line.
    const std::string marker = "; last read: '";
    const auto start = text.find(marker);
    if (start != std::string::npos) {
        auto end = text.find("'; ", start + marker.size());
        if (end == std::string::npos) end = text.size() - 1;
        const std::string read = text.substr(start + marker.size(), end - start - marker.size());
        if (read.find("<U+") != std::string::npos || read.size() > 24)
            text.erase(start, end + 1 - start);
    }
    return text;
}

/// Builds the document from SAX events. Numbers inside the top-level "check" object become
/// strings holding their text as written, so that 0.70 keeps its two decimals; every other
/// number stays a number. Duplicate keys are an error.
class DocumentBuilder : public nlohmann::json_sax<json> {
  public:
    explicit DocumentBuilder(std::string_view text) : text_(text) {}

    json document;      ///< the result
    std::string error;  ///< why parsing stopped, if it did

    bool null() override { return put(nullptr) != nullptr; }
    bool boolean(bool value) override { return put(value) != nullptr; }
    bool number_integer(number_integer_t value) override {
        return (in_check() ? put(std::to_string(value)) : put(value)) != nullptr;
    }
    bool number_unsigned(number_unsigned_t value) override {
        return (in_check() ? put(std::to_string(value)) : put(value)) != nullptr;
    }
    bool number_float(number_float_t value, const string_t& text) override {
        return (in_check() ? put(text) : put(value)) != nullptr;
    }
    bool string(string_t& value) override { return put(value) != nullptr; }
    bool binary(binary_t&) override {
        error = "binary values are not JSON";  // only the binary formats produce them
        return false;
    }
    bool start_object(std::size_t) override { return open(json::object()); }
    bool end_object() override { return close(); }
    bool start_array(std::size_t) override { return open(json::array()); }
    bool end_array() override { return close(); }
    bool key(string_t& key) override {
        Frame& frame = frames_.back();
        if (frame.container->contains(key)) {
            const std::string where = path();
            error = fmt::format("the field '{}' appears twice in {}", key,
                                where.empty() ? "the top-level object" : where);
            return false;
        }
        frame.key = key;
        return true;
    }
    bool parse_error(std::size_t position, const std::string&,
                     const nlohmann::detail::exception& ex) override {
        // position counts the characters read, the offending one included.
        const auto [line, column] = line_and_column(text_, position == 0 ? 0 : position - 1);
        error = fmt::format("invalid JSON at line {}, column {}: {}", line, column,
                            explanation(ex.what()));
        return false;
    }

  private:
    struct Frame {
        json* container;
        std::string key;  // for an object, the key of the value being read
    };

    bool in_check() const {
        return frames_.size() >= 2 && frames_[0].container->is_object() &&
               frames_[0].key == "check";
    }

    /// Where the value being read is, as a path.
    std::string path() const {
        std::string where;
        for (std::size_t i = 0; i + 1 < frames_.size(); ++i) {
            const Frame& frame = frames_[i];
            where = frame.container->is_array() ? index_path(where, frame.container->size() - 1)
                                                : field_path(where, frame.key);
        }
        return where;
    }

    json* put(json value) {
        if (frames_.empty()) {
            document = std::move(value);
            return &document;
        }
        Frame& frame = frames_.back();
        if (frame.container->is_array()) {
            frame.container->push_back(std::move(value));
            return &frame.container->back();
        }
        json& slot = (*frame.container)[frame.key];
        slot = std::move(value);
        return &slot;
    }

    bool open(json container) {
        json* p = put(std::move(container));
        frames_.push_back({p, {}});
        return true;
    }

    bool close() {
        frames_.pop_back();
        return true;
    }

    std::string_view text_;
    std::vector<Frame> frames_;
};

json parse_document(std::string_view text, std::string_view source) {
    DocumentBuilder builder(text);
    const bool ok = json::sax_parse(text.begin(), text.end(), &builder);
    if (!ok) fail(fmt::format("{}: {}", source, builder.error));
    return std::move(builder.document);
}

// ---------------------------------------------------------------------------------------
// Fields
// ---------------------------------------------------------------------------------------

/// Requires \p object (at \p path) to have only the \p known fields.
void require_known_fields(const json& object, const std::string& path,
                          const std::vector<std::string>& known, const std::string& whose) {
    for (const auto& [key, value] : object.items()) {
        if (std::find(known.begin(), known.end(), key) == known.end())
            fail(fmt::format("{}unknown field '{}'; {} fields are: {}",
                             path.empty() ? "" : path + ": ", key, whose, joined(known)));
    }
}

const json& required(const json& object, const std::string& path, const std::string& key,
                     const std::string& what) {
    if (!object.contains(key))
        fail(fmt::format("{}missing field '{}' ({})", path.empty() ? "" : path + ": ", key, what));
    return object.at(key);
}

double number_at(const json& v, const std::string& path) {
    if (!v.is_number()) fail(fmt::format("{} must be a number, but it is {}", path, described(v)));
    const double value = v.get<double>();
    if (!std::isfinite(value)) fail(fmt::format("{} must be a finite number", path));
    return value;
}

/// The rows of an array of equally long arrays of numbers (\p what says what a row is).
Matrix rows_at(const json& v, const std::string& path, const std::string& row_is,
               const std::string& entry_is) {
    if (!v.is_array() || v.empty())
        fail(fmt::format("{} must be an array of rows ({}), but it is {}", path, row_is,
                         described(v)));
    for (std::size_t i = 0; i < v.size(); ++i)
        if (!v[i].is_array())
            fail(
                fmt::format("{} must be an array of rows ({}), like [[1, 2], [3, 4]], but {} is {}",
                            path, row_is, index_path(path, i), described(v[i])));
    const std::size_t cols = v[0].size();
    if (cols == 0) fail(fmt::format("{} is an empty row", index_path(path, 0)));
    for (std::size_t i = 1; i < v.size(); ++i)
        if (v[i].size() != cols)
            fail(
                fmt::format("{} is ragged: row {} has {} but row 0 has {} (every row has one "
                            "entry per {})",
                            path, i, plural(v[i].size(), "entry", "entries"),
                            plural(cols, "entry", "entries"), entry_is));
    Matrix m(v.size(), cols);
    for (std::size_t i = 0; i < m.size1(); ++i)
        for (std::size_t j = 0; j < cols; ++j)
            m(i, j) = number_at(v[i][j], index_path(index_path(path, i), j));
    return m;
}

/// A flat array of numbers (or one number) as a vector.
Vector vector_at(const json& v, const std::string& path, const std::string& entry_is) {
    if (v.is_number()) return Vector(1, number_at(v, path));
    if (!v.is_array() || v.empty())
        fail(fmt::format("{} must be a flat array of numbers, one per {}, but it is {}", path,
                         entry_is, described(v)));
    Vector out(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i].is_array())
            fail(fmt::format("{} must be a flat array of numbers, one per {}, but {} is an array",
                             path, entry_is, index_path(path, i)));
        out(i) = number_at(v[i], index_path(path, i));
    }
    return out;
}

/// Samples as rows: a number (one sample, one value), a flat array (one sample) or an array
/// of rows (a batch). \p flat says whether it was written flat (or as a number).
Matrix samples_at(const json& v, const std::string& path, const std::string& entry_is, bool& flat) {
    flat = !(v.is_array() && !v.empty() && v[0].is_array());
    if (!flat) return rows_at(v, path, "one per sample", entry_is);
    return as_row(vector_at(v, path, entry_is));
}

/// How an entry of samples is named: t[1] for one sample written flat, t[0][1] for rows.
std::string sample_entry(const std::string& name, std::size_t i, std::size_t j, bool flat) {
    return flat ? index_path(name, j) : index_path(index_path(name, i), j);
}

std::string string_at(const json& v, const std::string& path, const std::string& what) {
    if (!v.is_string())
        fail(fmt::format("{} must be a string ({}), but it is {}", path, what, described(v)));
    return v.get<std::string>();
}

/// Free text: a string, or an array of strings (lines, joined with spaces), since a JSON
/// string cannot span lines.
std::string text_at(const json& v, const std::string& path) {
    if (v.is_string()) return v.get<std::string>();
    if (!v.is_array())
        fail(fmt::format("{} must be a string or an array of strings (free text), but it is {}",
                         path, described(v)));
    std::string text;
    for (std::size_t i = 0; i < v.size(); ++i)
        text += (i == 0 ? "" : " ") + string_at(v[i], index_path(path, i), "a line of text");
    return text;
}

// ---------------------------------------------------------------------------------------
// The parts of a description
// ---------------------------------------------------------------------------------------

const std::string activation_names = [] {
    std::vector<std::string> names(std::begin(described_activations),
                                   std::end(described_activations));
    return joined(names);
}();

LayerDescription layer_at(const json& v, const std::string& path) {
    if (!v.is_object())
        fail(
            fmt::format("{} must be an object with an activation, W and optionally b, but it is {}",
                        path, described(v)));
    require_known_fields(v, path, {"activation", "W", "b", "description"}, "a layer's");
    if (v.contains("description")) text_at(v["description"], field_path(path, "description"));
    LayerDescription layer;
    const std::string activation_path = field_path(path, "activation");
    layer.activation = string_at(required(v, path, "activation", "one of: " + activation_names),
                                 activation_path, "one of: " + activation_names);
    if (std::find(std::begin(described_activations), std::end(described_activations),
                  layer.activation) == std::end(described_activations))
        fail(fmt::format("{}: unknown activation '{}'; valid names are: {}", activation_path,
                         layer.activation, activation_names));
    layer.W = rows_at(required(v, path, "W",
                               "the weights, an array of rows: one per input, one "
                               "entry per neuron"),
                      field_path(path, "W"), "one per input", "neuron");
    if (v.contains("b")) {
        const std::string b_path = field_path(path, "b");
        layer.b = vector_at(v["b"], b_path, "neuron");
    } else {
        layer.b = Vector(layer.W.size2(), 0.0);
        layer.bias_given = false;
    }
    return layer;
}

void check_cross_entropy_targets(const Matrix& T, bool flat) {
    for (std::size_t i = 0; i < T.size1(); ++i)
        for (std::size_t j = 0; j < T.size2(); ++j)
            if (!(T(i, j) >= 0 && T(i, j) <= 1))
                fail(
                    fmt::format("loss cross_entropy needs every target between 0 and 1 (a "
                                "probability), but {} is {}",
                                sample_entry("t", i, j, flat), T(i, j)));
}

/// Requires one step of \p network to stay small (max_step_values): B samples times the
/// neurons of every layer. Each W, x and t is bounded by the size of the file, but the
/// values of a hidden layer are not: 50 000 samples of one input, a hidden layer of 50 000
/// neurons and one output take under 1 MiB of JSON, and z1 would have 2.5 billion entries.
void check_size(const NetworkDescription& network, std::string_view source) {
    std::size_t neurons = 0;
    for (const LayerDescription& layer : network.layers)
        neurons += layer.W.size2();
    const std::size_t B = network.batch_size();
    // B and the neurons are each at most the number of values in the file: no overflow.
    if (B * neurons > max_step_values)
        fail(
            fmt::format("{}: the network is too large for the calculator: {} × {} = {} values "
                        "per computed quantity (z, a, delta of every layer), more than its "
                        "limit of {} (it is for small networks, checked by hand)",
                        source, plural(B, "sample", "samples"),
                        plural(neurons, "neuron", "neurons"), B * neurons, max_step_values));
}

/// Refuses a softmax over a single neuron: its output is always exactly 1, whatever z, so
/// the loss does not depend on anything before it (with cross-entropy, J = 0) and no
/// gradient passes it.
void check_softmax_layers(const NetworkDescription& network) {
    for (std::size_t l = 0; l < network.layers.size(); ++l)
        if (network.layers[l].softmax() && network.layers[l].W.size2() == 1)
            fail(fmt::format(
                "layers[{}]: a softmax over 1 neuron is always exactly 1 (e^z / e^z), so J "
                "does not depend on it{} and no gradient passes it; give the softmax 2 or "
                "more neurons, or use a sigmoid for a single output",
                l,
                network.loss == LossName::cross_entropy && l + 1 == network.layers.size()
                    ? " (with cross_entropy J = −t ln 1 = 0)"
                    : ""));
}

/// Binary cross-entropy takes ln y and ln(1 − y), so it needs outputs in (0, 1): a sigmoid
/// output layer. Decided by the description, not by whether this step's outputs happen to
/// lie in (0, 1).
void check_cross_entropy_output(const NetworkDescription& network) {
    const std::string& activation = network.layers.back().activation;
    if (activation == "softmax" || activation == "sigmoid") return;
    fail(fmt::format(
        "layers[{}]: loss cross_entropy after a {} output layer: the binary cross-entropy "
        "−Σ [t ln y + (1 − t) ln(1 − y)] needs outputs between 0 and 1, which a {} output does "
        "not guarantee; use a sigmoid output layer (binary) or a softmax (categorical), or the "
        "loss mse",
        network.layers.size() - 1, activation, activation));
}

/// A learner's value for one name: a number or string (or null), a flat array of them, or
/// an array of rows.
HandValue hand_value_at(const std::string& name, const json& v, const std::string& path) {
    const auto entry = [&](const json& e,
                           const std::string& where) -> std::optional<WrittenNumber> {
        if (e.is_null()) return std::nullopt;
        // Numbers arrive here as strings of their text (see DocumentBuilder).
        if (!e.is_string())
            fail(
                fmt::format("{} must be a number (or a string such as \"0.70\", or null for "
                            "an entry not given), but it is {}",
                            where, described(e)));
        try {
            return WrittenNumber(e.get<std::string>());
        } catch (const std::invalid_argument& error) {
            fail(fmt::format("{}: {}", where, error.what()));
        }
    };
    HandValue hand;
    hand.name = name;
    if (!v.is_array()) {
        hand.form = HandValue::Form::number;
        hand.rows = {{entry(v, path)}};
        return hand;
    }
    if (v.empty()) fail(fmt::format("{} is an empty array", path));
    if (!v[0].is_array()) {
        hand.form = HandValue::Form::flat;
        hand.rows.emplace_back();
        for (std::size_t j = 0; j < v.size(); ++j) {
            if (v[j].is_array())
                fail(fmt::format("{} mixes numbers and rows: {} is a number but {} is an array",
                                 path, index_path(path, 0), index_path(path, j)));
            hand.rows[0].push_back(entry(v[j], index_path(path, j)));
        }
        return hand;
    }
    hand.form = HandValue::Form::rows;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const std::string row_path = index_path(path, i);
        if (!v[i].is_array())
            fail(fmt::format("{} mixes rows and numbers: {} is an array but {} is {}", path,
                             index_path(path, 0), row_path, described(v[i])));
        if (v[i].size() != v[0].size())
            fail(fmt::format("{} is ragged: row {} has {} but row 0 has {}", path, i,
                             plural(v[i].size(), "entry", "entries"),
                             plural(v[0].size(), "entry", "entries")));
        if (v[i].empty()) fail(fmt::format("{} is an empty row", row_path));
        hand.rows.emplace_back();
        for (std::size_t j = 0; j < v[i].size(); ++j)
            hand.rows.back().push_back(entry(v[i][j], index_path(row_path, j)));
    }
    return hand;
}

}  // namespace

std::vector<std::size_t> NetworkDescription::sizes() const {
    std::vector<std::size_t> n{X.size2()};
    for (const LayerDescription& layer : layers)
        n.push_back(layer.W.size2());
    return n;
}

std::string_view to_string(LossName loss) {
    return loss == LossName::mse ? "mse" : "cross_entropy";
}

NetworkDescription parse_network_description(std::string_view text, std::string_view source) {
    const json document = parse_document(text, source);
    if (!document.is_object())
        fail(
            fmt::format("{}: the network description must be a JSON object {{\"layers\": ..., "
                        "\"x\": ..., ...}}, but it is {}",
                        source, described(document)));
    require_known_fields(
        document, "", {"description", "layers", "x", "t", "loss", "learning_rate", "check"}, "the");

    NetworkDescription network;
    if (document.contains("description"))
        network.description = text_at(document["description"], "description");

    // The layers, each consistent in itself.
    const json& layers = required(document, "", "layers",
                                  "an array of layers, each with activation, W and optionally b");
    if (!layers.is_array() || layers.empty())
        fail(
            "layers must be a non-empty array of layers (objects with activation, W and "
            "optionally b), but it is " +
            described(layers));
    for (std::size_t l = 0; l < layers.size(); ++l)
        network.layers.push_back(layer_at(layers[l], index_path("layers", l)));

    // The inputs and targets.
    bool x_flat = false, t_flat = false;
    network.X = samples_at(required(document, "", "x",
                                    "the input: one sample as a flat array [x1, x2, ...], or a "
                                    "batch as an array of rows"),
                           "x", "input", x_flat);
    network.T = samples_at(required(document, "", "t", "the targets, one per output neuron"), "t",
                           "output neuron", t_flat);

    // The loss and the learning rate.
    const std::string loss = string_at(required(document, "", "loss", "mse or cross_entropy"),
                                       "loss", "mse or cross_entropy");
    if (loss == "mse")
        network.loss = LossName::mse;
    else if (loss == "cross_entropy")
        network.loss = LossName::cross_entropy;
    else
        fail(fmt::format("loss: unknown loss '{}'; valid names are: mse, cross_entropy", loss));
    const json& rate =
        required(document, "", "learning_rate", "the learning rate α, a number ≥ 0 such as 0.1");
    const std::string rate_rule =
        "learning_rate must be a finite number ≥ 0 (0 shows the gradients without an update)";
    if (!rate.is_number()) fail(rate_rule + ", but it is " + described(rate));
    network.learning_rate = rate.get<double>();
    if (!(std::isfinite(network.learning_rate) && network.learning_rate >= 0))
        fail(rate_rule + ", but it is " + rate.dump());
    network.learning_rate += 0.0;  // -0 is 0

    // Shapes: each layer's bias against its weights, each layer's inputs against the one
    // before, the input against the first layer and the targets against the last.
    for (std::size_t l = 0; l < network.layers.size(); ++l) {
        const LayerDescription& layer = network.layers[l];
        if (layer.b.size() != layer.W.size2())
            fail(
                fmt::format("layer {}: b has {} but W is {}, so it must have {} (one per neuron, "
                            "that is per column of W)",
                            l + 1, plural(layer.b.size(), "entry", "entries"),
                            to_string(shape_of(layer.W)), layer.W.size2()));
        if (l > 0) {
            const Matrix& before = network.layers[l - 1].W;
            if (layer.W.size1() != before.size2())
                fail(fmt::format(
                    "layer {}: W is {} but must be {}x{} (one row per input: layer "
                    "{} has {}; one column per neuron of layer {})",
                    l + 1, to_string(shape_of(layer.W)), before.size2(), layer.W.size2(), l,
                    plural(before.size2(), "neuron", "neurons"), l + 1));
        }
    }
    const std::size_t inputs = network.layers.front().W.size1();
    if (network.X.size2() != inputs)
        fail(fmt::format(
            "x has {} per sample but layer 1's W is {}: one row per input, so x "
            "must have {}{}",
            plural(network.X.size2(), "entry", "entries"),
            to_string(shape_of(network.layers.front().W)), plural(inputs, "entry", "entries"),
            x_flat && network.X.size2() % inputs == 0
                ? " (a batch is an array of rows, one per sample)"
                : ""));
    const Matrix& W_last = network.layers.back().W;
    const std::size_t L = network.layers.size();
    if (network.T.size2() != W_last.size2())
        fail(
            fmt::format("t has {} per sample but the output layer (layer {}) has {} (W{} is {}): "
                        "one target per output neuron{}",
                        plural(network.T.size2(), "entry", "entries"), L,
                        plural(W_last.size2(), "neuron", "neurons"), L, to_string(shape_of(W_last)),
                        t_flat && network.T.size2() % W_last.size2() == 0
                            ? " (a batch is an array of rows, one per sample)"
                            : ""));
    if (network.T.size1() != network.X.size1())
        fail(fmt::format("x holds {} but t holds {}: give one row of targets per sample",
                         plural(network.X.size1(), "sample", "samples"),
                         plural(network.T.size1(), "sample", "samples")));
    check_size(network, source);
    check_softmax_layers(network);
    if (network.loss == LossName::cross_entropy) {
        check_cross_entropy_output(network);
        check_cross_entropy_targets(network.T, t_flat);
    }

    // The learner's own values (their names and shapes are checked against the step).
    if (document.contains("check")) {
        const json& check = document["check"];
        if (!check.is_object())
            fail(
                "check must be an object mapping output names (z1, a1, J, dJ_dW1, ...) to your "
                "own values, but it is " +
                described(check));
        for (const auto& [name, value] : check.items())
            network.check.push_back(hand_value_at(name, value, field_path("check", name)));
    }
    return network;
}

NetworkDescription read_network_description(const std::string& path) {
    std::string text;
    try {
        // A regular file only: a FIFO would block, a device such as /dev/urandom never ends.
        const RegularFile file(path);
        const auto too_large = [&](const std::string& size) {
            return fmt::format(
                "{}: is {}, more than the calculator reads: a description is at most {} bytes "
                "(1 MiB) of JSON, as the calculator is for small networks",
                path, size, max_description_bytes);
        };
        if (file.size() > max_description_bytes)
            fail(too_large(fmt::format("{} bytes", file.size())));
        // Read at most one byte beyond the limit: the file may have grown since it was opened.
        text.resize(max_description_bytes + 1);
        std::size_t filled = 0;
        while (filled < text.size()) {
            const ssize_t n = ::read(file.descriptor(), text.data() + filled, text.size() - filled);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) fail(fmt::format("{}: cannot read: {}", path, errno_text(errno)));
            if (n == 0) break;
            filled += static_cast<std::size_t>(n);
        }
        if (filled > max_description_bytes)
            fail(too_large(fmt::format("more than {} bytes", max_description_bytes)));
        text.resize(filled);
    } catch (const FileError& error) {
        fail(error.what());
    }
    return parse_network_description(text, path);
}

NetworkDescription article_example() {
    NetworkDescription network;
    network.description =
        "The article's worked example: a 2-3-1 sigmoid network without biases, one sample, "
        "the squared error.";
    network.layers = {{"sigmoid", worked_example::W1(), Vector(3, 0.0), false},
                      {"sigmoid", worked_example::W2(), Vector(1, 0.0), false}};
    network.X = worked_example::x();
    network.T = worked_example::t();
    network.loss = LossName::mse;
    network.learning_rate = worked_example::alpha;
    return network;
}

}  // namespace backprop
