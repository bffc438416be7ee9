#!/usr/bin/env node
// `npm test`: build, unit tests (vitest), e2e (Playwright on the production build), the benchmark in --quick mode,
// and one closing line summed from both runners' JSON reports, because CI reads only that line and the exit code.
//   node scripts/test-all.mjs [--unit-only] [--no-bench]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const unitOnly = process.argv.includes('--unit-only');
mkdirSync('reports', { recursive: true });
for (const f of ['reports/vitest.json', 'reports/playwright.json']) rmSync(f, { force: true });

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
// The benchmark in its short mode, so it cannot rot: it fails only when a measurement cannot run, never on a number.
if (!unitOnly && build === 0 && !process.argv.includes('--no-bench')) steps.push(run('node', ['scripts/bench.mjs', '--quick']));

let passed = 0;
let failed = 0;
const missing = [];
if (existsSync('reports/vitest.json')) {
  const v = JSON.parse(readFileSync('reports/vitest.json', 'utf8'));
  passed += v.numPassedTests;
  failed += v.numFailedTests;
  // A file that fails to load has no tests but is a failure all the same.
  failed += (v.testResults ?? []).filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
} else missing.push('vitest');
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
