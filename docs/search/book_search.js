// The book's search box: full-text search of every page, offline, from file:// too.
//
// Every page loads this script (the page header). It puts a search box at the top of the
// sidebar. On first use it loads lunr.js and the index the build made from the pages
// (book_search_index.js, which defines `bookSearchDocuments`: one entry per section), builds
// the lunr index in the browser, and from then on lists, as the reader types, the sections
// that match best, each linked to its page and heading, with the words found marked.
// Scripts, not fetched files: a page opened from file:// may load a script but not fetch a file.
(function () {
    'use strict';

    var self = document.currentScript;
    var base = self ? self.src.replace(/[^\/]*$/, '') : '';
    var documents = null;
    var index = null;
    var loading = null;
    var shown = 30;  // the most results listed

    function load(file) {
        return new Promise(function (resolve, reject) {
            var script = document.createElement('script');
            script.src = base + file;
            script.onload = resolve;
            script.onerror = function () { reject(new Error('cannot load ' + file)); };
            document.head.appendChild(script);
        });
    }

    // Words are runs of letters, digits and '_': "mse_gradient" is one word, and
    // "backprop::Linear" is found as "Linear". lunr then drops stop words and stems the rest.
    function setSeparator() {
        lunr.tokenizer.separator = /[^\p{L}\p{N}_]+/u;
    }

    function ready() {
        if (!loading) {
            loading = load('lunr.min.js').then(function () {
                return load('book_search_index.js');
            }).then(function () {
                setSeparator();
                documents = window.bookSearchDocuments;
                index = lunr(function () {
                    this.ref('id');
                    this.field('section', { boost: 8 });
                    this.field('page', { boost: 4 });
                    this.field('text');
                    this.field('code', { boost: 0.5 });
                    this.metadataWhitelist = ['position'];
                    documents.forEach(function (d, i) {
                        this.add({ id: String(i), section: d.section, page: d.page,
                                   text: d.text, code: d.code });
                    }, this);
                });
            });
        }
        return loading;
    }

    // The words of a query, as lunr reads the pages' words: lower case, stop words ("the",
    // "of") left out, stemmed ("saturation" and "saturated" are "satur").
    function words(query) {
        return lunr.tokenizer(query).map(function (token) {
            token = lunr.stopWordFilter(lunr.trimmer(token));
            return token ? lunr.stemmer(token).toString() : '';
        }).filter(function (word) { return word.length > 0; });
    }

    // Sections that have every word of the query, as a word or the start of one (so that a
    // word half typed finds something), best first; where none has them all, those with any.
    function search(query) {
        var terms = words(query);
        function run(presence) {
            return index.query(function (q) {
                terms.forEach(function (term) {
                    q.term(term, { usePipeline: false, wildcard: lunr.Query.wildcard.TRAILING,
                                   presence: presence });
                    q.term(term, { usePipeline: false, boost: 10 });  // whole words first
                });
            });
        }
        if (terms.length === 0) return [];
        var all = run(lunr.Query.presence.REQUIRED);
        return all.length > 0 || terms.length === 1 ? all : run(lunr.Query.presence.OPTIONAL);
    }

    // Where in a section's text the result's words are: [start, length] pairs.
    function positions(result, field) {
        var found = [];
        Object.keys(result.matchData.metadata).forEach(function (term) {
            var fields = result.matchData.metadata[term];
            if (fields[field] && fields[field].position) found = found.concat(fields[field].position);
        });
        return found.sort(function (a, b) { return a[0] - b[0]; });
    }

    // A few dozen words of the text around its first match, the matches marked.
    function snippet(text, found) {
        var span = document.createElement('span');
        span.className = 'book-search-snippet';
        var start = found.length > 0 ? Math.max(0, found[0][0] - 60) : 0;
        var end = Math.min(text.length, start + 200);
        if (start > 0) start = text.indexOf(' ', start) + 1;
        if (end < text.length) end = Math.max(text.lastIndexOf(' ', end), start);
        var at = start;
        span.appendChild(document.createTextNode(start > 0 ? '… ' : ''));
        found.forEach(function (p) {
            if (p[0] < at || p[0] + p[1] > end) return;
            span.appendChild(document.createTextNode(text.slice(at, p[0])));
            var mark = document.createElement('mark');
            mark.textContent = text.slice(p[0], p[0] + p[1]);
            span.appendChild(mark);
            at = p[0] + p[1];
        });
        span.appendChild(document.createTextNode(text.slice(at, end) + (end < text.length ? ' …' : '')));
        return span;
    }

    function render(box, list, query) {
        var results = query.trim() ? search(query) : [];
        list.textContent = '';
        var summary = document.createElement('div');
        summary.className = 'book-search-summary';
        summary.textContent = results.length === 0 ? 'No section mentions \u201c' + query.trim() + '\u201d.'
            : results.length === 1 ? '1 section'
            : results.length <= shown ? results.length + ' sections'
            : results.length + ' sections; the first ' + shown + ':';
        list.appendChild(summary);
        results.slice(0, shown).forEach(function (result) {
            var d = documents[Number(result.ref)];
            var link = document.createElement('a');
            link.className = 'book-search-result';
            link.href = base + d.url;
            var where = document.createElement('span');
            where.className = 'book-search-where';
            where.textContent = d.section ? d.page + ' \u203a ' + d.section : d.page;
            link.appendChild(where);
            var inText = positions(result, 'text');
            if (inText.length > 0 || positions(result, 'code').length === 0) {
                link.appendChild(snippet(d.text, inText));
            } else {
                link.appendChild(snippet(d.code, positions(result, 'code')));
            }
            list.appendChild(link);
        });
        list.setAttribute('data-query', query);
        list.setAttribute('data-results', String(results.length));
        place(box, list);
        list.hidden = query.trim() === '';
    }

    // The list hangs under the box, as wide as the window allows.
    function place(box, list) {
        var rect = box.getBoundingClientRect();
        var margin = 8;
        var width = Math.min(560, window.innerWidth - 2 * margin);
        list.style.top = (rect.bottom + 4) + 'px';
        list.style.left = Math.max(margin, Math.min(rect.left, window.innerWidth - width - margin)) + 'px';
        list.style.width = width + 'px';
    }

    function install() {
        var box = document.createElement('div');
        box.id = 'book-search';
        var input = document.createElement('input');
        input.type = 'search';
        input.id = 'book-search-input';
        input.placeholder = 'Search the book';
        input.setAttribute('aria-label', 'Search the book');
        input.autocomplete = 'off';
        box.appendChild(input);
        var list = document.createElement('div');
        list.id = 'book-search-results';
        list.hidden = true;
        (document.getElementById('titlearea') || document.getElementById('top') ||
         document.body).appendChild(box);
        document.body.appendChild(list);

        function update() {
            ready().then(function () { render(box, list, input.value); }, function (error) {
                list.textContent = 'The search is not available: ' + error.message + '.';
                list.hidden = false;
            });
        }
        input.addEventListener('focus', function () { ready(); if (input.value) update(); });
        input.addEventListener('input', update);
        input.addEventListener('keydown', function (event) {
            var first = list.querySelector('a');
            if (event.key === 'Enter' && first) {
                window.location.href = first.href;
                list.hidden = true;
            } else if (event.key === 'ArrowDown' && first) {
                event.preventDefault();
                first.focus();
            } else if (event.key === 'Escape') {
                list.hidden = true;
            }
        });
        list.addEventListener('keydown', function (event) {
            var links = Array.prototype.slice.call(list.querySelectorAll('a'));
            var at = links.indexOf(document.activeElement);
            if (event.key === 'ArrowDown' && at + 1 < links.length) {
                event.preventDefault();
                links[at + 1].focus();
            } else if (event.key === 'ArrowUp') {
                event.preventDefault();
                (at > 0 ? links[at - 1] : input).focus();
            } else if (event.key === 'Escape') {
                list.hidden = true;
                input.focus();
            }
        });
        list.addEventListener('click', function (event) {
            if (event.target.closest('a')) list.hidden = true;
        });
        document.addEventListener('click', function (event) {
            if (!box.contains(event.target) && !list.contains(event.target)) list.hidden = true;
        });
        window.addEventListener('resize', function () { place(box, list); });
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', install);
    } else {
        install();
    }
})();
