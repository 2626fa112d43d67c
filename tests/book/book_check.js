// Injected by test_book into a copy of a book page: once MathJax has typeset the page and
// every image has been loaded, measures the page and, if the test set `bookCheckSearches`,
// types each of those words into the search box; then writes what the test checks into
// <pre id="book-check">.
(function () {
    function loads(src) {
        return new Promise(function (resolve) {
            var image = new Image();
            image.onload = function () { resolve(image.naturalWidth > 0); };
            image.onerror = function () { resolve(false); };
            image.src = src;
        });
    }

    function shorten(text) {
        text = text.replace(/\s+/g, ' ').trim();
        return text.length > 80 ? text.slice(0, 77) + '...' : text;
    }

    // Where an element is, for a message: the heading above it and the text just before it.
    function whereIs(element) {
        var headings = document.querySelectorAll('div.contents h1, div.contents h2, ' +
                                                 'div.contents h3, div.contents h4');
        var heading = null;
        Array.prototype.forEach.call(headings, function (h) {
            if (h.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING) heading = h;
        });
        var before = element.previousElementSibling;
        before = before ? shorten(before.textContent) : '';
        return 'under "' + (heading ? shorten(heading.textContent) : '(the top of the page)') +
            '"' + (before ? ', after "' + before + '"' : '');
    }

    // Code and output blocks with nothing in them (a \snippet whose tags enclose no line, a
    // \verbinclude of an empty file): Doxygen renders them as empty boxes.
    function emptyBlocks() {
        var blocks = document.querySelectorAll('div.contents div.fragment, div.contents pre');
        return Array.prototype.filter.call(blocks, function (block) {
            var copy = block.cloneNode(true);  // without line numbers and hidden tooltips
            Array.prototype.forEach.call(copy.querySelectorAll('.lineno, .ttc'), function (e) {
                e.remove();
            });
            return copy.textContent.trim() === '';
        }).map(function (block) {
            return block.tagName.toLowerCase() + '.' + block.className + ' ' + whereIs(block);
        });
    }

    // Whether an element is inside a box that scrolls or clips sideways by design (an
    // equation, a code block, a table), other than the page's own scrolling area.
    function insideScroller(element) {
        for (var e = element.parentElement; e && e !== document.body; e = e.parentElement) {
            if (e.id === 'doc-content') return false;
            var overflow = getComputedStyle(e).overflowX;
            if (overflow === 'auto' || overflow === 'scroll' || overflow === 'hidden') return true;
        }
        return false;
    }

    // How far the page is wider than the window: the document, and the scrolling area that
    // holds the page's contents, neither of which may scroll sideways; and the outermost
    // elements that stick out past the right edge of the window or of that area.
    function width() {
        var content = document.getElementById('doc-content');
        var edge = content ? content.getBoundingClientRect().left + content.clientWidth
                           : window.innerWidth;
        var wide = [];
        Array.prototype.forEach.call(document.querySelectorAll('body *'), function (e) {
            var rect = e.getBoundingClientRect();
            var limit = content && content.contains(e) ? edge : window.innerWidth;
            if (e === content || rect.width === 0 || rect.right <= limit + 1 ||
                insideScroller(e)) return;
            var parent = e.parentElement.getBoundingClientRect();
            if (parent.right > limit + 1 && e.parentElement !== document.body) return;
            wide.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                      (e.className && typeof e.className === 'string' ? '.' + e.className : '') +
                      ' ' + Math.round(rect.right) + ' px ' + whereIs(e));
        });
        return {
            viewport: window.innerWidth,
            document: document.documentElement.scrollWidth,
            contents: content ? content.scrollWidth - content.clientWidth : 0,
            wide: wide.slice(0, 10)
        };
    }

    function wait(condition, milliseconds) {
        return new Promise(function (resolve) {
            var waited = 0;
            (function poll() {
                if (condition() || waited >= milliseconds) return resolve(condition());
                waited += 50;
                setTimeout(poll, 50);
            })();
        });
    }

    // Types each word into the search box and collects the links it lists, relative to the
    // page's folder.
    function searches(words) {
        var input = document.getElementById('book-search-input');
        var list = document.getElementById('book-search-results');
        var result = {
            box: !!input && input.getBoundingClientRect().width > 0,
            found: {}
        };
        if (!input || !list) return Promise.resolve(result);
        var folder = location.href.replace(/[^\/]*$/, '');
        return words.reduce(function (previous, word) {
            return previous.then(function () {
                input.focus();
                input.value = word;
                input.dispatchEvent(new Event('input'));
                return wait(function () { return list.getAttribute('data-query') === word; }, 10000);
            }).then(function (answered) {
                var links = Array.prototype.map.call(list.querySelectorAll('a'), function (a) {
                    return decodeURI(a.href).replace(folder, '');
                });
                result.found[word] = answered ? links : null;
            });
        }, Promise.resolve()).then(function () { return result; });
    }

    function report() {
        var elements = document.querySelectorAll('div.contents img[src], div.contents object[data]');
        var images = Array.prototype.map.call(elements, function (e) {
            return e.getAttribute('src') || e.getAttribute('data');
        });
        var result = {};
        // The exercises' answers are measured open, as a reader opens them.
        Array.prototype.forEach.call(document.querySelectorAll('details'), function (d) {
            d.open = true;
        });
        Promise.all(images.map(loads)).then(function (ok) {
            var contents = document.querySelector('div.contents') || document.body;
            var message = document.getElementById('MathJax_Message');
            result = {
                mathjax: typeof MathJax !== 'undefined' && !!MathJax.Hub,
                formulas: document.querySelectorAll('.MathJax_SVG, .MathJax_SVG_Display').length,
                errors: document.querySelectorAll('.merror, .MathJax_Error, [data-mjx-error]').length,
                message: message ? message.innerText : '',
                images: images,
                broken: images.filter(function (_, i) { return !ok[i]; }),
                text: contents.innerText,
                empty: emptyBlocks(),
                width: width()
            };
            return searches(window.bookCheckSearches || []);
        }).then(function (search) {
            result.search = search;
            result.widthSearching = width();  // with the list of results open
            // A page checked inside a frame (a phone's width) reports to the frame's page.
            if (window.parent !== window) return window.parent.postMessage(JSON.stringify(result), '*');
            var pre = document.createElement('pre');
            pre.id = 'book-check';
            pre.textContent = JSON.stringify(result);
            document.body.appendChild(pre);
        });
    }

    window.addEventListener('load', function () {
        if (typeof MathJax !== 'undefined' && MathJax.Hub) {
            MathJax.Hub.Register.StartupHook('End', function () { MathJax.Hub.Queue(report); });
        } else {
            report();
        }
    });
})();
