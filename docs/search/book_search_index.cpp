// book_search_index: the book's full-text search index, made from the HTML that doxygen wrote.
//
//   book_search_index HTML_DIR OUT.js
//
// Reads the book's pages (those written from docs/pages) and the reference pages of the
// library (classes, structs, namespaces, files), but not the listings (source code, member
// lists, alphabetical indexes). Each page is split at its headings into sections, and each
// section becomes one document:
//
//   {"url": "chapter_loss.html#ch03_softmax", "page": "Chapter 3: The loss",
//    "section": "Softmax and cross-entropy", "text": "...", "code": "..."}
//
// "text" is the prose (inline formulas in plain text, display formulas left out), "code" the
// code and program output shown in the section. OUT.js defines `var bookSearchDocuments`, an
// array of these in a fixed order; the browser builds the search index from it
// (book_search.js). A script, not a JSON file, because a page opened from file:// may load a
// script but may not fetch a file.
//
// libxml2's HTML parser reads the pages: it decodes the character references and gives the
// text in UTF-8; this program walks the tree it builds.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <nlohmann/json.hpp>

#include "backprop/data/files.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

bool blank(std::string_view text) {
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

/// \p text with every run of whitespace made one space, and none at the ends.
std::string squeeze(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (std::isspace(static_cast<unsigned char>(c))) {
            if (!out.empty() && out.back() != ' ') out += ' ';
        } else {
            out += c;
        }
    }
    if (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

/// An inline formula's TeX as plain text, for the snippets under a search result: commands
/// for Greek letters and a few operators become their characters, function names (ln, max)
/// stay, other commands (\frac, \hat, \left) and the braces, sub- and superscript marks go:
/// "\partial J/\partial z_2" reads "∂J/∂z2".
std::string plain_formula(std::string_view tex) {
    static const std::vector<std::pair<std::string_view, std::string_view>> symbols{
        {"alpha", "α"},   {"beta", "β"},   {"gamma", "γ"},  {"delta", "δ"}, {"epsilon", "ε"},
        {"eta", "η"},     {"theta", "θ"},  {"lambda", "λ"}, {"mu", "μ"},    {"sigma", "σ"},
        {"tau", "τ"},     {"phi", "φ"},    {"Delta", "Δ"},  {"Sigma", "Σ"}, {"partial", "∂"},
        {"nabla", "∇"},   {"cdot", "·"},   {"times", "×"},  {"odot", "⊙"},  {"sum", "Σ"},
        {"to", "→"},      {"approx", "≈"}, {"le", "≤"},     {"ge", "≥"},    {"ne", "≠"},
        {"ln", "ln"},     {"log", "log"},  {"exp", "exp"},  {"max", "max"}, {"min", "min"},
        {"tanh", "tanh"}, {"dots", "…"},   {"ldots", "…"}};
    std::string out;
    for (std::size_t i = 0; i < tex.size();) {
        if (tex[i] == '\\' && i + 1 < tex.size() &&
            std::isalpha(static_cast<unsigned char>(tex[i + 1]))) {
            std::size_t end = i + 1;
            while (end < tex.size() && std::isalpha(static_cast<unsigned char>(tex[end])))
                ++end;
            const std::string_view command = tex.substr(i + 1, end - i - 1);
            for (const auto& [name, text] : symbols)
                if (name == command) out += text;
            i = end;
        } else if (tex[i] == '\\') {
            i += 2;  // \, \; \{ ...: spacing and escaped braces
            out += ' ';
        } else {
            if (std::string_view("{}_^").find(tex[i]) == std::string_view::npos) out += tex[i];
            ++i;
        }
    }
    return out;
}

/// \p text with its inline formulas, \( ... \), in plain text (plain_formula) and its
/// display formulas, \[ ... \] and \begin{...} ... \end{...}, left out.
std::string plain_formulas(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        std::string close;
        if (text.compare(i, 2, "\\(") == 0) close = "\\)";
        if (text.compare(i, 2, "\\[") == 0) close = "\\]";
        if (text.compare(i, 7, "\\begin{") == 0) {
            const std::size_t name_end = text.find('}', i);
            if (name_end != std::string::npos)
                close = "\\end{" + text.substr(i + 7, name_end - i - 7) + "}";
        }
        const std::size_t end = close.empty() ? std::string::npos : text.find(close, i);
        if (end == std::string::npos) {
            out += text[i++];
            continue;
        }
        if (close == "\\)") out += plain_formula(std::string_view(text).substr(i + 2, end - i - 2));
        i = end + close.size();
    }
    return out;
}

/// A string libxml2 allocated, freed here, as text in which a no-break space is a space.
std::string take(xmlChar* owned) {
    std::string text = owned ? reinterpret_cast<const char*>(owned) : "";
    xmlFree(owned);
    for (std::size_t at = text.find("\u00A0"); at != std::string::npos; at = text.find("\u00A0"))
        text.replace(at, 2, " ");
    return text;
}

std::string attribute(const xmlNode* node, const char* name) {
    return take(xmlGetProp(node, reinterpret_cast<const xmlChar*>(name)));
}

/// The first node that \p match accepts, in document order, among \p node, its next siblings
/// and their descendants; or null.
const xmlNode* find(const xmlNode* node, const std::function<bool(const xmlNode*)>& match) {
    for (; node != nullptr; node = node->next) {
        if (match(node)) return node;
        if (const xmlNode* found = find(node->children, match)) return found;
    }
    return nullptr;
}

/// The first element \p name whose class is \p class_name, or null.
const xmlNode* find_element(const xmlNode* root, std::string_view name,
                            std::string_view class_name) {
    return find(root, [&](const xmlNode* node) {
        return node->type == XML_ELEMENT_NODE &&
               reinterpret_cast<const char*>(node->name) == name &&
               attribute(node, "class") == class_name;
    });
}

/// One section of a page: what a search result links to.
struct Section {
    std::string anchor, heading, text, code;
};

/// Reads a page's contents into sections, one more at each heading (h1 to h4).
struct SectionReader {
    std::vector<Section> sections{1};
    bool in_heading = false;
    bool in_code = false;        // in a code block (div or pre "fragment")
    std::string pending_anchor;  // the id of the last link since the last text

    /// Where the text being read goes.
    std::string& out() {
        Section& section = sections.back();
        return in_heading ? section.heading : in_code ? section.code : section.text;
    }

    void read(const xmlNode* node) {
        for (; node != nullptr; node = node->next) {
            if (node->type == XML_ELEMENT_NODE) {
                element(node);
            } else if (node->type == XML_TEXT_NODE) {
                const std::string text = take(xmlNodeGetContent(node));
                if (!blank(text)) pending_anchor.clear();
                out() += text;
            }
        }
    }

    void element(const xmlNode* node) {
        const std::string name = reinterpret_cast<const char*>(node->name);
        const std::string class_name = attribute(node, "class");
        // Left out: tooltips, line numbers, permalinks, the "More..." links of the reference
        // pages, display formulas.
        if ((name == "div" && class_name == "ttc") ||
            (name == "span" && (class_name == "lineno" || class_name == "permalink")) ||
            (name == "a" && attribute(node, "href").ends_with("#details")) ||
            (name == "p" && class_name == "formulaDsp") || name == "script")
            return;
        const bool heading = name.size() == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '4';
        const bool code = !in_code && (name == "div" || name == "pre") && class_name == "fragment";
        // Block elements and line breaks separate words; inline ones (b, code, a) do not.
        static const std::vector<std::string_view> blocks{
            "p",   "div", "br", "li", "ul", "ol", "table", "tr", "td",        "th",
            "pre", "dl",  "dt", "dd", "h1", "h2", "h3",    "h4", "blockquote"};
        const bool block = std::find(blocks.begin(), blocks.end(), name) != blocks.end();

        if (heading) {
            sections.push_back({pending_anchor, "", "", ""});
            in_heading = true;
        }
        in_code = in_code || code;
        if (name == "a") {
            const std::string id = attribute(node, "id");
            if (!id.empty() && in_heading && blank(sections.back().heading))
                sections.back().anchor = id;
            if (!id.empty() && !in_heading) pending_anchor = id;
        }
        if (block) out() += '\n';
        read(node->children);
        if (heading) in_heading = false;
        if (code) in_code = false;
        if (block) out() += '\n';
    }
};

/// Splits the contents of a page into sections at its headings. A heading's anchor is the id
/// of a link inside it or, in the reference pages, just before it.
std::vector<Section> sections(const xmlNode* contents) {
    SectionReader reader;
    reader.read(contents->children);
    for (Section& section : reader.sections) {
        section.heading = squeeze(section.heading);
        section.text = squeeze(plain_formulas(section.text));
        section.code = squeeze(section.code);
    }
    return std::move(reader.sections);
}

/// Whether a page is indexed: one of the book's pages, or the reference page of a class,
/// struct, namespace or file (not of a directory, not a member list or index).
bool indexed(const xmlNode* root, std::string_view title) {
    const auto page_doc = [](const xmlNode* node) {
        return node->type == XML_COMMENT_NODE &&
               std::string_view(reinterpret_cast<const char*>(node->content)) == " PageDoc ";
    };
    if (find(root, page_doc) != nullptr) return true;
    for (std::string_view kind : {" Class Reference", " Struct Reference", " Union Reference",
                                  " Namespace Reference", " File Reference"})
        if (title.size() > kind.size() && title.ends_with(kind)) return true;
    return false;
}

int write_index(const fs::path& html_dir, const fs::path& out) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(html_dir))
        if (entry.is_regular_file() && entry.path().extension() == ".html")
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());

    std::string script =
        "// The book's full-text search: one entry per section of every page, made from the\n"
        "// pages' HTML when the book was built. The search box (book_search.js) indexes it.\n"
        "var bookSearchDocuments = [\n";
    int pages = 0, documents = 0;
    for (const fs::path& file : files) {
        const std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(
            htmlReadFile(file.c_str(), "UTF-8",
                         HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET),
            &xmlFreeDoc);
        if (!doc) throw std::runtime_error("cannot read " + file.string());
        const xmlNode* root = xmlDocGetRootElement(doc.get());
        const xmlNode* title_element = find_element(root, "div", "title");
        const std::string title =
            title_element ? squeeze(take(xmlNodeGetContent(title_element))) : "";
        if (!indexed(root, title)) continue;
        const xmlNode* contents = find_element(root, "div", "contents");
        if (contents == nullptr) throw std::runtime_error(file.string() + ": no contents");
        ++pages;
        for (const Section& section : sections(contents)) {
            if (section.text.empty() && section.code.empty()) continue;
            const std::string page = file.filename().string();
            const json document{
                {"url", section.anchor.empty() ? page : page + "#" + section.anchor},
                {"page", title},
                {"section", section.heading},
                {"text", section.text},
                {"code", section.code}};
            script += document.dump(-1, ' ', true) + ",\n";
            ++documents;
        }
    }
    if (pages == 0) throw std::runtime_error("no page of the book in " + html_dir.string());
    script += "];\n";
    backprop::write_file(out, script);
    std::cout << "book_search_index: " << documents << " sections of " << pages << " pages\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: book_search_index HTML_DIR OUT.js\n";
        return 2;
    }
    try {
        return write_index(argv[1], argv[2]);
    } catch (const std::exception& e) {
        std::cerr << "book_search_index: error: " << e.what() << '\n';
        return 1;
    }
}
