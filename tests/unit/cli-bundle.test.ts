// The CLI as shipped: vite.cli.config.ts bundles src/cli/main.ts, and the bundle runs in a real Node process with
// the embedded default model (transformers.js on onnxruntime-node, loaded from public/models, no network).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import { readPoolFile } from '../../src/core/pool-file';

const root = resolve(import.meta.dirname, '../..');
// Inside the package (under node_modules/.cache) so the bundle finds the package root, its public/models and deps.
const outDir = join(root, 'node_modules/.cache/insight-pool-cli-test');
const work = mkdtempSync(join(tmpdir(), 'insight-pool-bundle-'));
const hasModel = existsSync(join(root, 'public/models/insight-pool/use-lite/onnx/model.onnx'));

beforeAll(async () => {
  await build({ configFile: join(root, 'vite.cli.config.ts'), root, logLevel: 'silent', build: { outDir, emptyOutDir: true } });
}, 120_000);
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
});

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [join(outDir, 'cli.mjs'), ...args], { cwd: work, input, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('built CLI bundle', () => {
  it('prints its version and usage with the right exit codes', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(run(['--version'])).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    expect(run(['--help']).stdout).toMatch(/usage: insight-pool <command>/);
    expect(run(['nope']).code).toBe(1);
    expect(run(['stats', '--pool', 'missing.jsonl'])).toMatchObject({ code: 2, stderr: 'insight-pool stats: missing.jsonl: no such pool file\n' });
  });

  it.skipIf(!hasModel)('ingest → query → embed with the embedded default model', () => {
    writeFileSync(
      join(work, 'run-1.md'),
      'Task: Fix the crash when the config file is missing.\n\n$ python repro.py\nFileNotFoundError: config.yaml\n\n$ sed -i s/a/b/ app/config.py\n\n$ python repro.py\nok\n\n$ pytest tests\n5 passed\n\nOutcome: success\n',
    );
    const ingest = run(['ingest', 'run-1.md', '--pool', 'pool.jsonl.gz', '--domain', 'swe']);
    expect(ingest.stderr).toBe('');
    expect(ingest.code).toBe(0);
    const q = run(['query', '--pool', 'pool.jsonl.gz', 'the program crashes when a file is missing', '-k', '2', '--json']);
    expect(q.code).toBe(0);
    const out = JSON.parse(q.stdout);
    expect(out.model).toBe('insight-pool/use-lite');
    expect(out.results).toHaveLength(2);
    expect(out.results[0].score).toBeGreaterThanOrEqual(out.results[1].score);
    const e = run(['embed', '--json'], 'first text\nsecond text\n');
    expect(e.code).toBe(0);
    const vectors = JSON.parse(e.stdout) as number[][];
    expect(vectors.map((v) => v.length)).toEqual([512, 512]);
    expect(Math.hypot(...vectors[0])).toBeCloseTo(1, 4);
  });

  it.skipIf(!hasModel)('writes the model fingerprint into the pool file header', async () => {
    const read = await readPoolFile(readFileSync(join(work, 'pool.jsonl.gz')));
    const recorded = JSON.parse(readFileSync(join(root, 'public/models/insight-pool/use-lite/fingerprint.json'), 'utf8')).fingerprint;
    expect(read.header.model).toEqual({ id: 'insight-pool/use-lite', dims: 512, fingerprint: recorded });
  });
});
