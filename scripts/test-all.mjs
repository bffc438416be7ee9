#!/usr/bin/env node
// `npm test`: build, unit tests (vitest), e2e (Playwright in Chromium on the production build; the shared scenario in
// Firefox and WebKit, tests/cross), the benchmark in --quick mode, and one closing line summed from every runner's
// JSON report, because CI reads only that line and the exit code.
//   node scripts/test-all.mjs [--unit-only] [--no-bench]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const unitOnly = process.argv.includes('--unit-only');
mkdirSync('reports', { recursive: true });
/** The engines of the shared scenario besides Chromium: one vitest run and one JSON report each. */
const CROSS = ['firefox', 'webkit'];
const crossReport = (engine) => `reports/cross-${engine}.json`;
for (const f of ['reports/vitest.json', 'reports/playwright.json', ...CROSS.map(crossReport)]) rmSync(f, { force: true });

function run(cmd, args) {
  console.log(`\n$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  return r.status ?? 1;
}

const steps = [];
// `npm run build` first: its prebuild makes the embedded model and the CLI bundle, which unit tests use too.
const build = run('npm', ['run', 'build']);
steps.push(build);
steps.push(run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=reports/vitest.json']));
if (!unitOnly && build === 0) steps.push(run('npx', ['playwright', 'test']));
for (const engine of CROSS) {
  if (unitOnly || build !== 0) break;
  steps.push(run('npx', ['vitest', 'run', '--config', 'vitest.cross.config.ts', `tests/cross/${engine}.cross.ts`, '--reporter=default', '--reporter=json', `--outputFile.json=${crossReport(engine)}`]));
}
// The benchmark in its short mode, so it cannot rot: it fails only when a measurement cannot run, never on a number.
if (!unitOnly && build === 0 && !process.argv.includes('--no-bench')) steps.push(run('node', ['scripts/bench.mjs', '--quick']));

let passed = 0;
let failed = 0;
const missing = [];
/** Adds one vitest JSON report to the sums. */
function countVitest(file, name) {
  if (!existsSync(file)) return missing.push(name);
  const v = JSON.parse(readFileSync(file, 'utf8'));
  passed += v.numPassedTests;
  failed += v.numFailedTests;
  // A file that fails to load has no tests but is a failure all the same.
  failed += (v.testResults ?? []).filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
}
countVitest('reports/vitest.json', 'vitest');
if (!unitOnly) for (const engine of CROSS) countVitest(crossReport(engine), `e2e in ${engine}`);
if (!unitOnly) {
  if (existsSync('reports/playwright.json')) {
    const p = JSON.parse(readFileSync('reports/playwright.json', 'utf8'));
    passed += (p.stats?.expected ?? 0) + (p.stats?.flaky ?? 0);
    failed += p.stats?.unexpected ?? 0;
    failed += (p.errors ?? []).length;
  } else missing.push('playwright');
}
if (missing.length) {
  console.log(`\nno report from: ${missing.join(', ')}`);
  failed += missing.length;
}
const stepFailed = steps.some((s) => s !== 0);
if (stepFailed && failed === 0) failed = 1;
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 || stepFailed ? 1 : 0);
