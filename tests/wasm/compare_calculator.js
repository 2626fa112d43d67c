// The calculator compiled to WebAssembly against the native one: the same description must
// give the same step, value for value, and the same error for an invalid one.
//
//     node compare_calculator.js MODULE NATIVE EXAMPLES_DIR
//
// MODULE is the WebAssembly calculator (backprop_calculator.js), NATIVE the native program,
// EXAMPLES_DIR the shipped examples (tools/examples). Every example is compared, its text and
// its JSON, and so are random networks (fixed seed) and invalid descriptions.
//
// Why not bit for bit: the two builds round the same formulas the same way except where a
// value comes from a library function or a fused instruction. The native library evaluates
// exp and tanh with glibc's SIMD functions (libmvec, documented within 4 units in the last
// place) and, on CPUs that have them, its matrix products with fused multiply-adds; the
// WebAssembly one uses musl's scalar exp and tanh (within 1 unit) and rounds after each
// multiplication. An activation is then at most about 4 ε from the other build's, relative to
// its size (σ and tanh pass exp's relative error on, never enlarge it), and every later value
// is a short sum of products of such numbers. The test states the bound as
//
//     |wasm − native| ≤ 16 ε · scale,   ε = 2⁻⁵² ≈ 2.2e-16 (16 ε ≈ 3.6e-15),
//
// where scale is the largest magnitude in the quantity, in its operands (for dJ_dy = y − t
// and J: y and t), and in what the step starts from (x, t, W, b): a difference is measured
// against the numbers it was computed from, not against a small result of a cancellation.
// 16 ε allows 4 ε from each of the two activations of the longest chain, doubled for the
// roundings of the products around them; the worst difference found is printed beside it.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const [modulePath, nativePath, examplesDir] = process.argv.slice(2);
if (!examplesDir) {
    console.error('usage: node compare_calculator.js MODULE NATIVE EXAMPLES_DIR');
    process.exit(2);
}
const epsilon = Math.pow(2, -52);
const bound = 16 * epsilon;

let failures = 0;
function fail(message) {
    console.log('FAIL ' + message);
    ++failures;
}

function runNative(file, extra) {
    const result = spawnSync(nativePath, [file, ...extra], { encoding: 'utf8' });
    return { status: result.status, out: result.stdout, err: result.stderr };
}

function flat(value) {
    return Array.isArray(value) ? value.flatMap(flat) : typeof value === 'number' ? [value] : [];
}
function largest(value) {
    return flat(value).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

let worst = { ratio: 0, where: '' };
// Compares two JSON values; numbers within `bound` of `scale`.
function same(a, b, where, scale) {
    if (typeof a === 'number' && typeof b === 'number') {
        const difference = Math.abs(a - b);
        const ratio = scale > 0 ? difference / (epsilon * scale) : difference > 0 ? Infinity : 0;
        if (ratio > worst.ratio) worst = { ratio, where };
        if (difference > bound * scale) fail(`${where}: ${a} (wasm) against ${b} (native)`);
        return;
    }
    if (Array.isArray(a) !== Array.isArray(b) || typeof a !== typeof b || (a === null) !== (b === null))
        return fail(`${where}: ${JSON.stringify(a)} (wasm) against ${JSON.stringify(b)} (native)`);
    if (Array.isArray(a)) {
        if (a.length !== b.length) return fail(`${where}: ${a.length} entries against ${b.length}`);
        a.forEach((v, i) => same(v, b[i], `${where}[${i}]`, scale));
    } else if (a !== null && typeof a === 'object') {
        const keys = Object.keys(a).sort().join(',');
        if (keys !== Object.keys(b).sort().join(','))
            return fail(`${where}: keys ${keys} against ${Object.keys(b).sort().join(',')}`);
        for (const key of Object.keys(a)) same(a[key], b[key], `${where}.${key}`, scale);
    } else if (a !== b) {
        fail(`${where}: ${JSON.stringify(a)} (wasm) against ${JSON.stringify(b)} (native)`);
    }
}

// The operands of each value, for its scale (see the top of the file).
const operands = { dJ_dy: ['y', 't'], J: ['y', 't'] };
function compareSteps(wasm, native, name) {
    const start = largest([native.x, native.t, ...Object.keys(native)
        .filter((k) => /^(W|b)\d+$/.test(k)).map((k) => native[k])]);
    for (const key of Object.keys(native)) {
        const own = [native[key], ...(operands[key] || []).map((k) => native[k] ?? [])];
        same(wasm[key], native[key], `${name}: ${key}`, Math.max(largest(own), start));
    }
    same(Object.keys(wasm).sort(), Object.keys(native).sort(), `${name}: the quantities`, 0);
}

// A random network description: 1 to 3 layers of 1 to 4 neurons, a batch of 1 to 3 samples.
function mulberry32(seed) {
    return function () {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
const random = mulberry32(20261207);
const uniform = (lo, hi) => lo + (hi - lo) * random();
const integer = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
const pick = (list) => list[integer(0, list.length - 1)];
const matrix = (rows, cols, lo, hi) =>
    Array.from({ length: rows }, () => Array.from({ length: cols }, () => uniform(lo, hi)));

function randomNetwork() {
    const sizes = Array.from({ length: integer(2, 4) }, () => integer(1, 4));
    const loss = pick(['mse', 'cross_entropy']);
    const layers = [];
    for (let l = 1; l < sizes.length; ++l) {
        const last = l === sizes.length - 1;
        let activation = pick(['sigmoid', 'tanh', 'relu', 'identity']);
        if (last && loss === 'cross_entropy') activation = sizes[l] >= 2 ? 'softmax' : 'sigmoid';
        if (activation === 'softmax' && sizes[l] < 2) activation = 'sigmoid';
        layers.push({ activation, W: matrix(sizes[l - 1], sizes[l], -1, 1), b: matrix(1, sizes[l], -0.5, 0.5)[0] });
    }
    const batch = integer(1, 3);
    const outputs = sizes[sizes.length - 1];
    let t = matrix(batch, outputs, 0, 1);
    if (layers[layers.length - 1].activation === 'softmax')
        t = t.map(() => { const k = integer(0, outputs - 1); return Array.from({ length: outputs }, (_, j) => (j === k ? 1 : 0)); });
    return { layers, x: matrix(batch, sizes[0], -2, 2), t, loss, learning_rate: uniform(0, 1) };
}

const invalid = [
    ['not JSON', '{"layers": [}'],
    ['a shape that does not fit', '{"layers": [{"activation": "sigmoid", "W": [[1, 2]]}], "x": [1, 2, 3], "t": [0.5, 0.5], "loss": "mse", "learning_rate": 0.1}'],
    ['an unknown activation', '{"layers": [{"activation": "swish", "W": [[1]]}], "x": [1], "t": [0.5], "loss": "mse", "learning_rate": 0.1}'],
];

require(path.resolve(modulePath))().then((calculator) => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'backprop-wasm-'));
    const calculate = (file, text) => JSON.parse(calculator.calculate(text, path.basename(file), 8));

    const examples = [];
    for (const dir of [examplesDir, path.join(examplesDir, 'exercises')])
        for (const name of fs.readdirSync(dir).sort())
            if (name.endsWith('.json')) examples.push(path.join(dir, name));
    for (const file of examples) {
        const text = fs.readFileSync(file, 'utf8');
        const wasm = calculate(file, text);
        const native = runNative(file, ['--json']);
        const name = path.basename(file);
        if (native.status !== 0 || wasm.error) {
            fail(`${name}: native exit ${native.status} ${native.err}; wasm ${wasm.error}`);
            continue;
        }
        compareSteps(wasm.step, JSON.parse(native.out), name);
        // The text, as people read it (8 decimals): the same characters.
        if (wasm.text !== runNative(file, []).out) fail(`${name}: the text differs`);
    }

    const count = 50;
    for (let i = 0; i < count; ++i) {
        const network = randomNetwork();
        const file = path.join(scratch, `random_${i}.json`);
        const text = JSON.stringify(network);
        fs.writeFileSync(file, text);
        const wasm = calculate(file, text);
        const native = runNative(file, ['--json']);
        if (native.status !== 0 || wasm.error) {
            fail(`random network ${i}: native exit ${native.status} ${native.err}; wasm ${wasm.error}`);
            continue;
        }
        compareSteps(wasm.step, JSON.parse(native.out), `random network ${i}`);
    }

    for (const [what, text] of invalid) {
        const file = path.join(scratch, 'invalid.json');
        fs.writeFileSync(file, text);
        const native = runNative(file, []);
        const message = native.err.split('\n')[0];
        const wasm = JSON.parse(calculator.calculate(text, file, 8));
        if (native.status !== 2) fail(`${what}: the native calculator exited ${native.status}, not 2`);
        if (!wasm.error || !wasm.error.startsWith('backprop_calculator: error: '))
            fail(`${what}: no error from the WebAssembly calculator`);
        else if (wasm.error !== message)
            fail(`${what}: "${wasm.error}" (wasm) against "${message}" (native)`);
    }
    fs.rmSync(scratch, { recursive: true });

    console.log(`${examples.length} examples, ${count} random networks, ${invalid.length} invalid descriptions`);
    console.log(`largest difference: ${worst.ratio.toFixed(2)} ε of its scale (${worst.where}); bound 16 ε`);
    if (failures) {
        console.log(`${failures} failures`);
        process.exit(1);
    }
    console.log('the WebAssembly calculator computes what the native one does');
});
