// Injected by test_interactive into a copy of each interactive page of the book: waits for
// the page's widgets (docs/interactive/interactive.js) to show their first result, then uses
// them as a reader would, and reports what they showed as JSON in <pre id="interactive-check">.
//
//   worked example: the values shown; then W1[0][0] set to 0.15 (typed, an input event) and
//                   the values shown; then "abc" typed instead, and the error shown
//   calculator:     the text shown for the first example; the text shown after the button of
//                   two_two_two.json; the error shown after Run on a description that is not
//                   JSON, and whether the output was hidden
'use strict';
(function () {
    function report(result) {
        const pre = document.createElement('pre');
        pre.id = 'interactive-check';
        pre.textContent = JSON.stringify(result);
        document.body.appendChild(pre);
    }
    function type(input, text) {
        input.value = text;
        input.dispatchEvent(new Event('input', { bubbles: true }));
    }
    function values(widget) {
        const shown = {};
        widget.querySelectorAll('td[data-name]').forEach((cell) => {
            shown[cell.dataset.name] = JSON.parse(cell.dataset.values);
        });
        return shown;
    }
    function visibleError(widget) {
        const error = widget.querySelector('.interactive-error');
        return error && !error.hidden ? error.textContent : '';
    }
    function check(widget) {
        const result = { widget: widget.dataset.widget, state: widget.dataset.state || '',
                         reason: widget.dataset.reason || '', hidden: widget.hidden };
        if (result.state !== 'ready') return result;
        if (result.widget === 'worked-example') {
            result.before = values(widget);
            const field = widget.querySelector('input[data-field="W1[0][0]"]');
            type(field, '0.15');
            result.after = values(widget);
            result.error_after = visibleError(widget);
            type(field, 'abc');
            result.invalid_error = visibleError(widget);
            result.stale = widget.querySelector('table').classList.contains('interactive-stale');
        } else {
            const output = widget.querySelector('.interactive-output');
            result.first_text = output.textContent;
            widget.querySelector('button[data-example="two_two_two.json"]').click();
            result.example_text = output.textContent;
            const editor = widget.querySelector('textarea');
            type(editor, '{"layers": [}');
            widget.querySelector('button.interactive-run').click();
            result.invalid_error = visibleError(widget);
            result.output_hidden = output.hidden;
        }
        return result;
    }
    const started = Date.now();
    (function poll() {
        const widgets = Array.from(document.querySelectorAll('div.interactive[data-widget]'));
        const settled = widgets.every((w) => w.dataset.state === 'ready' || w.dataset.state === 'failed');
        if (widgets.length > 0 && settled) return report({ widgets: widgets.map(check) });
        if (Date.now() - started > 15000)
            return report({ widgets: widgets.map((w) => ({ widget: w.dataset.widget, state: w.dataset.state || 'never started' })) });
        setTimeout(poll, 50);
    })();
})();
