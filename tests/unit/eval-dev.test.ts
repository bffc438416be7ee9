// The retrieval quality the README and docs/retrieval.md state, measured again on the shared dev set with the real
// embedded model: the documented numbers cannot drift from what `insight-pool eval` measures, and the default must
// stay at or above BM25 alone (the floor) whatever changes in ranking.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeEmbedder } from '../../src/adapters/embedding/node-embedder';
import { readEvalSet } from '../../src/core/eval-set';
import { DEFAULT_MODEL_ID } from '../../src/core/models';
import { evalTable, runEval, type EvalResult, type EvalRow } from '../../src/cli/commands/eval';

const root = join(__dirname, '..', '..');
const set = readEvalSet(JSON.parse(readFileSync(join(root, '..', 'shared', 'fixtures', 'retrieval', 'dev.json'), 'utf8')));
let result: EvalResult;
let rows: EvalRow[];

beforeAll(async () => {
  result = await runEval(set, await createNodeEmbedder({ model: DEFAULT_MODEL_ID }));
  rows = result.rows;
}, 120_000);

const f = (x: number) => x.toFixed(2);

describe('retrieval quality on the dev set', () => {
  it('ranks by the default at least as well as BM25 alone, on the whole pool and on transfer tasks', () => {
    const byDefault = rows.find((r) => r.default)!;
    const bm25 = rows.find((r) => r.config.mode === 'lexical')!;
    for (const protocol of ['whole', 'transfer'] as const) {
      expect(byDefault[protocol].all.recall3).toBeGreaterThanOrEqual(bm25[protocol].all.recall3);
      expect(byDefault[protocol].all.mrr).toBeGreaterThanOrEqual(bm25[protocol].all.mrr);
    }
  });

  it('matches the table in docs/retrieval.md, row for row', () => {
    const doc = readFileSync(join(root, 'docs', 'retrieval.md'), 'utf8');
    for (const line of evalTable(result).split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| configuration'))) {
      expect(doc).toContain(line);
    }
  });

  it('states the best-of-both-lists ceiling the README and docs quote, at or above each list and the default', () => {
    const { ceiling } = result;
    const dense = rows.find((r) => r.config.mode === 'dense' && r.config.key === 'full' && r.config.segment)!;
    const bm25 = rows.find((r) => r.config.mode === 'lexical')!;
    const byDefault = rows.find((r) => r.default)!;
    for (const protocol of ['whole', 'transfer'] as const) {
      const best = ceiling![protocol].all.recall3;
      expect(best).toBeGreaterThanOrEqual(Math.max(dense[protocol].all.recall3, bm25[protocol].all.recall3, byDefault[protocol].all.recall3));
    }
    const quoted = `${f(ceiling!.whole.all.recall3)} / ${f(ceiling!.transfer.all.recall3)}`;
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain(`reaches only ${quoted}`);
    expect(readFileSync(join(root, 'docs', 'retrieval.md'), 'utf8')).toContain(`recall@3 ${quoted}`);
  });

  it('matches the README: the default row and the paper and BM25 baselines', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const cells = (r: EvalRow) => [f(r.whole.all.recall3), f(r.whole.all.mrr), f(r.transfer.all.recall3), f(r.transfer.all.mrr)];
    const byDefault = rows.find((r) => r.default)!;
    const [w, wm, t, tm] = cells(byDefault);
    expect(readme).toContain(`| **${byDefault.config.name} (default)** | **${w}** | ${wm} | **${t}** | ${tm} |`);
    for (const r of rows.filter((r) => r.config.name.includes('the paper') || r.config.mode === 'lexical')) {
      expect(readme).toContain(`| ${r.config.name} | ${cells(r).join(' | ')} |`);
    }
  });
});
