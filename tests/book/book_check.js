// Injected by test_book into a copy of a book page: once MathJax has typeset the page and
// every image has been loaded, writes what the test checks into <pre id="book-check">.
(function () {
    function loads(src) {
        return new Promise(function (resolve) {
            var image = new Image();
            image.onload = function () { resolve(image.naturalWidth > 0); };
            image.onerror = function () { resolve(false); };
            image.src = src;
        });
    }

    function report() {
        var elements = document.querySelectorAll('div.contents img[src], div.contents object[data]');
        var images = Array.prototype.map.call(elements, function (e) {
            return e.getAttribute('src') || e.getAttribute('data');
        });
        Promise.all(images.map(loads)).then(function (ok) {
            var contents = document.querySelector('div.contents') || document.body;
            var message = document.getElementById('MathJax_Message');
            var result = {
                mathjax: typeof MathJax !== 'undefined' && !!MathJax.Hub,
                formulas: document.querySelectorAll('.MathJax_SVG, .MathJax_SVG_Display').length,
                errors: document.querySelectorAll('.merror, .MathJax_Error, [data-mjx-error]').length,
                message: message ? message.innerText : '',
                images: images,
                broken: images.filter(function (_, i) { return !ok[i]; }),
                text: contents.innerText
            };
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
