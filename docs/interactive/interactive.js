// The book's interactive parts: the calculator's own C++, compiled to WebAssembly
// (tools/wasm), run in the page. Two kinds of element, both hidden until this script shows
// them, so that a reader without JavaScript reads the static text, which is all there:
//
//   <div class="interactive" data-widget="calculator">
//       an editor holding a network description, the shipped examples one click away, a Run
//       button, and the step as the command-line calculator prints it (or its error)
//
//   <div class="interactive" data-widget="worked-example" data-fields="x t W1 W2"
//        data-show="z1 a1 z2 a2">
//       the article's worked example with the named inputs as fields, and the named values
//       of the step recomputed at every keystroke
//
// The examples come from backprop_examples.js (the files of tools/examples, written into the
// book when it is built), the calculator from backprop_calculator.js. Each widget sets
// data-state to "ready" once it has shown its first result, or to "failed" with the reason;
// the book's tests read it.
'use strict';

(function () {
    // Labels of the step's values, as the chapters write them.
    const labels = {
        z1: 'z₁ = x W₁',
        a1: 'a₁ = σ(z₁)',
        z2: 'z₂ = a₁ W₂',
        a2: 'y = σ(z₂)',
        J: 'J = ½ (y − t)²',
        dJ_dy: '∂J/∂y = y − t',
        delta2: 'δ₂ = (y − t) σ′(z₂)',
        delta1: 'δ₁ = δ₂ W₂ᵀ ⊙ σ′(z₁)',
        dJ_dW2: '∂J/∂W₂ = a₁ᵀ δ₂',
        dJ_dW1: '∂J/∂W₁ = xᵀ δ₁',
        W2_new: 'W₂ − α ∂J/∂W₂',
        W1_new: 'W₁ − α ∂J/∂W₁',
    };
    const fieldLabels = { x: 'x', t: 't', W1: 'W₁', W2: 'W₂', learning_rate: 'α' };

    // A number as the book's prose prints it: five significant digits, no trailing zeros.
    const prose = (value) => String(Number(value.toPrecision(5)));

    function element(tag, attributes, ...children) {
        const node = document.createElement(tag);
        for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
        for (const child of children)
            node.append(typeof child === 'string' ? document.createTextNode(child) : child);
        return node;
    }

    function fail(widget, reason) {
        widget.dataset.state = 'failed';
        widget.dataset.reason = reason;
        widget.hidden = false;
        widget.replaceChildren(element('p', { class: 'interactive-error' }, reason));
    }

    // ---- The calculator appendix: an editor and the whole step as text. ----

    function calculatorWidget(widget, calculator, examples) {
        const editor = element('textarea', {
            class: 'interactive-editor', rows: '16', spellcheck: 'false',
            'aria-label': 'The network description (JSON)' });
        const run = element('button', { type: 'button', class: 'interactive-run' }, 'Run');
        const output = element('pre', { class: 'fragment interactive-output' });
        const error = element('p', { class: 'interactive-error', hidden: '' });
        // The source the header names: the example's file, until the text is edited.
        let source = '';

        function calculate() {
            const result = JSON.parse(calculator.calculate(editor.value, source || 'your network', 8));
            error.hidden = !result.error;
            output.hidden = Boolean(result.error);
            if (result.error) error.textContent = result.error;
            else output.textContent = result.text;
            widget.dataset.state = 'ready';
        }
        function load(name) {
            editor.value = examples[name];
            source = name;
            calculate();
        }
        const buttons = element('p', { class: 'interactive-examples' }, 'Examples: ');
        for (const name of Object.keys(examples)) {
            const button = element('button', { type: 'button', 'data-example': name }, name);
            button.addEventListener('click', () => load(name));
            buttons.append(button, ' ');
        }
        editor.addEventListener('input', () => { source = ''; });
        run.addEventListener('click', calculate);
        widget.replaceChildren(buttons, editor, element('p', {}, run), error, output);
        widget.hidden = false;
        load(Object.keys(examples)[0]);
    }

    // ---- Chapters 2 and 4: the worked example's inputs as fields. ----

    // The entries of a field's value: a vector is one row, a matrix a list of rows.
    const rowsOf = (value) => (Array.isArray(value) ? (Array.isArray(value[0]) ? value : [value]) : [[value]]);

    function workedExampleWidget(widget, calculator, examples) {
        const original = JSON.parse(examples['article.json']);
        const fields = widget.dataset.fields.split(' ');
        const shown = widget.dataset.show.split(' ');

        // One text field per number of each input, named by its JSON path: x[1], W1[0][2].
        const valueOf = (description, name) =>
            (/^W\d$/.test(name) ? description.layers[Number(name[1]) - 1].W : description[name]);
        const inputs = [];
        const form = element('div', { class: 'interactive-fields' });
        for (const name of fields) {
            const value = valueOf(original, name);
            const grid = element('span', { class: 'interactive-matrix' });
            rowsOf(value).forEach((row, i) => {
                const line = element('span', { class: 'interactive-row' });
                row.forEach((number, j) => {
                    const path = !Array.isArray(value) ? name
                        : Array.isArray(value[0]) ? `${name}[${i}][${j}]` : `${name}[${j}]`;
                    const input = element('input', {
                        type: 'text', inputmode: 'decimal', size: '5', value: String(number),
                        'data-field': path, 'aria-label': path });
                    input.addEventListener('input', update);
                    inputs.push({ input, name, i, j });
                    line.append(input);
                });
                grid.append(line);
            });
            form.append(element('span', { class: 'interactive-field' },
                element('span', { class: 'interactive-label' }, (fieldLabels[name] || name) + ' = '), grid));
        }
        const reset = element('button', { type: 'button' }, 'Reset to the article\'s values');
        reset.addEventListener('click', () => {
            for (const entry of inputs) entry.input.value = entry.input.defaultValue;
            update();
        });
        form.append(reset);

        const table = element('table', { class: 'markdownTable interactive-values' });
        const cells = {};
        for (const name of shown) {
            cells[name] = element('td', { 'data-name': name });
            table.append(element('tr', {}, element('th', {}, labels[name] || name), cells[name]));
        }
        const error = element('p', { class: 'interactive-error', hidden: '' });

        function update() {
            const description = JSON.parse(JSON.stringify(original));
            for (const { input, name, i, j } of inputs) {
                const text = input.value.trim();
                const value = Number(text);
                if (text === '' || !Number.isFinite(value)) {
                    error.textContent = `${input.dataset.field}: "${input.value}" is not a number`;
                    error.hidden = false;
                    table.classList.add('interactive-stale');
                    return;
                }
                const target = valueOf(description, name);
                if (!Array.isArray(target)) description[name] = value;
                else if (Array.isArray(target[0])) target[i][j] = value;
                else target[j] = value;
            }
            const result = JSON.parse(calculator.calculate(JSON.stringify(description), 'the fields', 8));
            error.hidden = !result.error;
            table.classList.toggle('interactive-stale', Boolean(result.error));
            if (result.error) {
                error.textContent = result.error;
                return;
            }
            for (const name of shown) {
                const value = result.step[name];
                cells[name].dataset.values = JSON.stringify(value);
                cells[name].replaceChildren(...rowsOf(value).map((row) =>
                    element('span', { class: 'interactive-row' }, row.map(prose).join('   '))));
            }
            widget.dataset.state = 'ready';
        }

        widget.replaceChildren(form, error, table);
        widget.hidden = false;
        update();
    }

    const widgets = { calculator: calculatorWidget, 'worked-example': workedExampleWidget };

    function start() {
        const found = document.querySelectorAll('div.interactive[data-widget]');
        if (found.length === 0) return;
        if (typeof createBackpropCalculator !== 'function' || typeof backpropExamples !== 'object') {
            found.forEach((widget) => fail(widget, 'The interactive calculator did not load.'));
            return;
        }
        createBackpropCalculator().then((calculator) => {
            found.forEach((widget) => {
                try {
                    widgets[widget.dataset.widget](widget, calculator, backpropExamples);
                } catch (e) {
                    fail(widget, 'The interactive calculator failed: ' + e);
                }
            });
        }, (reason) => found.forEach((widget) => fail(widget, 'The calculator did not start: ' + reason)));
    }

    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
    else start();
})();
