// One table for both runtimes: rows measuring the same thing in Node and Chromium sit on one line,
// with the ratios the issue asks for; then every target, met or missed, with its number.

const ORDER = ['query.top3', 'query.hybrid', 'lexical.build', 'index.load', 'edit', 'embed', 'embed.raw', 'embed.app', 'simd.peak', 'simd.gemm', 'import', 'export', 'coldstart', 'pwa', 'map', 'bundle'];
const TFJS = 'tfjs:use-lite (@energetic-ai)';

const fmt = (x, d = 3) => (x === undefined || x === null ? '' : typeof x === 'number' ? String(+x.toFixed(d)) : String(x));
const mb = (b) => (b === undefined ? '' : b >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : `${(b / 1e3).toFixed(1)} kB`);

const pair = (r) => (r?.p50_ms === undefined ? '' : r.p95_ms === undefined || r.p95_ms === r.p50_ms ? fmt(r.p50_ms) : `${fmt(r.p50_ms)} / ${fmt(r.p95_ms)}`);

/** What a line measures: the index, or for embedding the model and its weights file (float and int8 weights are
 *  different models as far as speed and vectors go). */
function whatOf(r) {
  if (!r.name.startsWith('embed')) return r.index;
  return r.weights ? `${r.model} ${r.weights.replace(/^onnx\//, '')}` : r.model;
}

function keyOf(r) {
  return [r.name, r.data ?? '', r.name === 'embed.raw' ? '' : r.n ?? '', r.dims ?? '', whatOf(r) ?? '', r.batch ?? '', r.name.startsWith('embed') ? '' : r.via ?? ''].join('|');
}

function find(rows, pred) {
  return rows.find((r) => !r.skipped && !r.error && pred(r));
}

/** Groups rows into lines: one per measurement, with chromium and node side by side. */
export function lines(rows) {
  const map = new Map();
  for (const r of rows) {
    const k = keyOf(r);
    if (!map.has(k)) map.set(k, { key: k, name: r.name, data: r.data, n: r.n, dims: r.dims, what: whatOf(r), batch: r.batch, via: r.via });
    map.get(k)[r.runtime] = r;
  }
  const out = [...map.values()];
  out.sort((a, b) => ORDER.indexOf(a.name) - ORDER.indexOf(b.name));
  for (const l of out) l.ratio = ratio(l, rows);
  return out;
}

function ratio(l, rows) {
  const c = l.chromium;
  const nd = l.node;
  const parts = [];
  if (l.name === 'query.top3') {
    const voyOf = (runtime) => find(rows, (r) => r.name === 'query.top3' && r.runtime === runtime && r.index === 'voy' && r.n === l.n && r.dims === l.dims && (r.data ?? '') === (l.data ?? ''));
    const voy = voyOf('chromium');
    if (c && voy && l.what !== 'voy' && c.p50_ms) parts.push(`${fmt(voy.p50_ms / c.p50_ms, 1)}× faster than voy`);
    if (c?.p50_ms && nd?.p50_ms) parts.push(`chromium/node ${fmt(c.p50_ms / nd.p50_ms, 2)}`);
  } else if (l.name === 'embed' && l.what !== TFJS) {
    const tfjs = find(rows, (r) => r.name === 'embed' && r.model === TFJS && r.batch === l.batch);
    if (nd?.per_s && tfjs?.per_s) parts.push(`port/tfjs ${fmt(nd.per_s / tfjs.per_s, 2)}×`);
    if (c?.per_s && nd?.per_s) parts.push(`browser/node ${fmt(c.per_s / nd.per_s, 2)}×`);
    if (c?.per_s && !nd?.per_s && tfjs?.per_s) parts.push(`browser/tfjs ${fmt(c.per_s / tfjs.per_s, 2)}×`);
  } else if (l.name === 'embed.raw' && c?.per_s && nd?.per_s) {
    parts.push(`browser/node ${fmt(c.per_s / nd.per_s, 2)}×`);
  } else if (l.name === 'index.load' && c?.p50_ms && nd?.p50_ms) {
    parts.push(`chromium/node ${fmt(c.p50_ms / nd.p50_ms, 2)}`);
  }
  return parts.join('; ');
}

const COLS = [
  ['name', (l) => l.name],
  ['data', (l) => (l.data && l.data !== 'clustered' ? l.data : '')],
  ['n', (l) => fmt(l.n)],
  ['dims', (l) => fmt(l.dims)],
  ['index/model', (l) => l.what ?? ''],
  ['batch', (l) => fmt(l.batch)],
  ['via', (l) => l.via ?? (l.chromium ?? l.node)?.via ?? ''],
  ['chromium ms p50/p95', (l) => pair(l.chromium)],
  ['node ms p50/p95', (l) => pair(l.node)],
  ['recall@3', (l) => fmt(l.chromium?.recall_at_3 ?? l.node?.recall_at_3, 4)],
  ['chromium /s', (l) => fmt(l.chromium?.per_s, 1)],
  ['node /s', (l) => fmt(l.node?.per_s, 1)],
  // The other engines (scripts/bench/engines.mjs): the app's embedding rate beside Chromium's, same run.
  ['firefox /s', (l) => fmt(l.firefox?.per_s, 1)],
  ['webkit /s', (l) => fmt(l.webkit?.per_s, 1)],
  ['GFLOP/s chromium / node', (l) => [l.chromium?.gflops, l.node?.gflops].some((g) => g !== undefined) ? [l.chromium?.gflops, l.node?.gflops].map((g) => fmt(g, 1) || '–').join(' / ') : ''],
  ['bytes', (l) => mb(l.chromium?.bytes ?? l.node?.bytes)],
  ['ratio', (l) => l.ratio],
  ['note', (l) => [l.chromium, l.node, l.firefox, l.webkit].filter(Boolean).map((r) => r.skipped ? `${r.runtime} skipped: ${r.skipped}` : r.error ? `${r.runtime} ERROR: ${r.error}` : r.caveat ?? '').filter(Boolean).join('; ')],
];

/** Every target of the issue with its measured number (or why it has none). */
export function checkTargets(rows, quick) {
  const t = [];
  const q = (n, dims, index) => find(rows, (r) => r.name === 'query.top3' && r.runtime === 'chromium' && r.n === n && r.dims === dims && r.index === index && (r.data ?? 'clustered') === 'clustered');
  const add = (target, row, value, ok, detail = '') =>
    t.push({ target, status: row === undefined ? (quick ? 'not measured (--quick)' : 'not measured') : ok ? 'MET' : 'MISSED', value: row === undefined ? '' : value, detail });
  for (const [n, limit] of [[100000, 5], [10000, 0.5]]) {
    for (const dims of [384, 512]) {
      for (const index of ['int8', 'flat', 'voy']) {
        const r = q(n, dims, index);
        add(`chromium top-3 over ${n / 1000}k×${dims} (${index}): p50 ≤ ${limit} ms${n === 100000 ? ', recall@3 ≥ 0.99' : ''}`, r, r && `p50 ${r.p50_ms} ms, recall@3 ${r.recall_at_3}`, r && r.p50_ms <= limit && r.recall_at_3 >= 0.99);
      }
    }
  }
  const hybrid = find(rows, (r) => r.name === 'query.hybrid' && r.runtime === 'chromium' && r.n === 100000 && r.index !== 'lexical');
  add('chromium hybrid top-3 over 100k×512 (dense + BM25 + fusion, embedding excluded): p50 ≤ 10 ms', hybrid, hybrid && `p50 ${hybrid.p50_ms} ms, p95 ${hybrid.p95_ms} ms (${hybrid.index})`, hybrid && hybrid.p50_ms <= 10);
  const load = find(rows, (r) => r.name === 'index.load' && r.via === 'indexeddb' && r.n === 100000);
  add('index ready after reload of a 100k pool ≤ 3 s (chromium, IndexedDB)', load, load && `${load.p50_ms} ms (${load.index})`, load && load.p50_ms <= 3000);
  // The lexical index fills in behind ready() (the pool lists and edits meanwhile); retrieval waits for it.
  add('lexical index ready after reload of a 100k pool ≤ 3 s (chromium)', load?.searchable_ms === undefined ? undefined : load, load && `${load.searchable_ms} ms (its build alone: ${load.lexical_ms} ms)`, load && load.searchable_ms <= 3000);
  // The real import path only: not the experiments or the insert-only comparison rows.
  const imp = find(rows, (r) => r.name === 'import' && r.n === 10000 && String(r.via).startsWith('pool file'));
  add('import 10k memories with vectors ≤ 2 s (chromium)', imp, imp && `${imp.p50_ms} ms via ${imp.via}`, imp && imp.p50_ms <= 2000);
  // The embedded model as the app loads it: the float weights.
  const appModel = (r) => r.model === 'insight-pool/use-lite' && (r.weights ?? 'onnx/model.onnx') === 'onnx/model.onnx';
  const app = (r) => r.name === 'embed' && appModel(r) && r.batch === 64;
  const port = find(rows, (r) => app(r) && r.runtime === 'node');
  const tfjs = find(rows, (r) => r.name === 'embed' && r.model === TFJS && r.batch === 64);
  const browser = find(rows, (r) => app(r) && r.runtime === 'chromium');
  const why = (r, runtime) => rows.find((x) => app(x) && x.runtime === runtime)?.skipped ?? '';
  add('embedded model ≥ 3× TF.js reference sentences/s (node, batch 64)', port && tfjs ? port : undefined, port && tfjs && `${port.per_s} vs ${tfjs.per_s} /s = ${fmt(port.per_s / tfjs.per_s, 2)}×`, port && tfjs && port.per_s >= 3 * tfjs.per_s, why(port, 'node'));
  // The same two sessions with nothing around them: how much of the gap is the runtime's.
  const raw = (runtime) => find(rows, (r) => r.name === 'embed.raw' && r.runtime === runtime && appModel(r));
  const [rawBrowser, rawNode] = [raw('chromium'), raw('node')];
  const runtimeGap = rawBrowser && rawNode ? `the runtimes alone (chromium: ${rawBrowser.via}; node: ${rawNode.via}): ${rawBrowser.per_s} vs ${rawNode.per_s} /s = node/browser ${fmt(rawNode.per_s / rawBrowser.per_s, 2)}×` : '';
  // The arithmetic rates beside what wasm SIMD can do at all on the threads the browser used.
  const peak = find(rows, (r) => r.name === 'simd.peak' && r.runtime === 'chromium' && r.threads === (rawBrowser?.threads ?? 1));
  const pct = (x) => `${Math.round(x * 100)}%`;
  const ceiling = peak?.gflops && rawNode?.gflops && rawBrowser?.gflops
    ? `; in the graph's FLOPs per second: node ${rawNode.gflops}, chromium ${rawBrowser.gflops} GFLOP/s = ${pct(rawBrowser.gflops / peak.gflops)} of the wasm SIMD peak on ${peak.threads} thread(s) (${peak.gflops})`
    : '';
  const onePeak = find(rows, (r) => r.name === 'simd.peak' && r.runtime === 'chromium' && r.threads === 1);
  const gemm = find(rows, (r) => r.name === 'simd.gemm' && r.runtime === 'chromium');
  const kernel = ceiling && gemm?.gflops && onePeak?.gflops ? `; a plain 6×8 wasm GEMM kernel reaches ${gemm.gflops} GFLOP/s (${pct(gemm.gflops / onePeak.gflops)} of the 1-thread peak) on the model's largest product` : '';
  add('browser worker within 1.5× of onnxruntime-node (batch 64)', port && browser ? port : undefined, port && browser && `${browser.per_s} vs ${port.per_s} /s = node/browser ${fmt(port.per_s / browser.per_s, 2)}×`, port && browser && port.per_s <= 1.5 * browser.per_s, why(browser, 'chromium') || why(port, 'node') || runtimeGap + ceiling + kernel);
  return t;
}

function table(header, body, sep = '  ') {
  const width = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (vals) => vals.map((v, i) => v.padEnd(width[i])).join(sep).trimEnd();
  return [line(header), line(width.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

function markdownTable(header, body) {
  const esc = (s) => s.replace(/\|/g, '\\|');
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...body.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

export function formatReport(rows, targets, meta) {
  const ls = lines(rows);
  // Drop columns that are empty everywhere (e.g. no embed rows in a node-only run).
  const used = COLS.filter(([, f]) => ls.some((l) => f(l) !== ''));
  const header = used.map(([h]) => h);
  const body = ls.map((l) => used.map(([, f]) => f(l)));
  const tHeader = ['target', 'status', 'measured', 'detail'];
  const tBody = targets.map((x) => [x.target, x.status, x.value || '', x.detail || '']);
  const machine = Object.entries(meta).map(([k, v]) => `${k}=${v}`).join(', ');
  const text = `${table(header, body)}\n\nTargets\n${table(tHeader, tBody)}\n\n(${machine})`;
  const markdown = `${markdownTable(header, body)}\n\n${markdownTable(tHeader, tBody)}\n\n${machine}\n`;
  return { text, markdown };
}
