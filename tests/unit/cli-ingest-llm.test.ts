// `insight-pool ingest --distiller llm`: real SWE-agent runs, distilled through a stand-in OpenAI-compatible server
// the test starts on 127.0.0.1 (the CLI reaches it with fetch, as it would reach Ollama or llama.cpp).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPoolFile } from '../../src/core/pool-file';
import { cli, tempDir } from './cli-helpers';

const SWE = fileURLToPath(new URL('../../../shared/fixtures/trajectories/swe-agent/', import.meta.url));
const RUNS = ['django__django-16139.traj', 'pallets__flask-5063.traj'];

/** What the stand-in model answers, per run; the prompt is told apart by a word of the run's task. */
const TASK_WORD: Record<string, string> = { 'django__django-16139': 'UserChangeForm', 'pallets__flask-5063': 'subdomain' };
let answers: Record<string, string> = {};
const requests: { url: string; auth?: string; body: { model: string; messages: { content: string }[] } }[] = [];
let server: Server;
let base: string;

/** Each run's own lessons: titles alike, contents that say different things (so no near-copies of each other). */
const LESSONS: Record<string, [string, string]> = {
  django: ['Run the smallest reproduction and keep it as the check for the fix.', 'Short edit-test loops catch a wrong change while it is still small.'],
  flask: ['Turn the issue text into a failing test before touching any code.', 'Verify each small step on its own; a big rewrite hides which part broke.'],
};

function insightAnswer(id: string): string {
  return JSON.stringify({
    insights: [
      { title: `Reproduce the reported failure first (${id})`, description: 'Use before any fix.', content: LESSONS[id][0] },
      { title: `Re-run the check after every edit (${id})`, description: 'Use while fixing.', content: LESSONS[id][1] },
    ],
  });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const parsed = JSON.parse(body);
      requests.push({ url: req.url ?? '', auth: req.headers.authorization, body: parsed });
      const prompt: string = parsed.messages[0].content;
      const id = Object.keys(answers).find((k) => prompt.includes(TASK_WORD[k]));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: id ? answers[id] : 'no idea' } }] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const runs = RUNS.map((f) => join(SWE, f));
const llmArgs = () => ['--distiller', 'llm', '--endpoint', base, '--llm', 'test-coder:7b'];

describe('ingest --distiller llm', () => {
  it("asks the server for each run's insights and stores them with the model as distiller", async () => {
    answers = { 'django__django-16139': insightAnswer('django'), 'pallets__flask-5063': insightAnswer('flask') };
    requests.length = 0;
    const pool = join(tempDir(), 'pool.jsonl');
    process.env.INSIGHT_POOL_API_KEY = 'sk-local';
    const r = await cli(['ingest', ...runs, '--pool', pool, ...llmArgs()]).finally(() => delete process.env.INSIGHT_POOL_API_KEY);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([1, 2].map((n) => `distilled ${n}/2 trajectories with llm:test-coder:7b`));
    expect(requests.map((q) => [q.url, q.body.model, q.auth])).toEqual(RUNS.map(() => ['/v1/chat/completions', 'test-coder:7b', 'Bearer sk-local']));
    // The prompt carries the run itself.
    expect(requests[0].body.messages[0].content).toContain('UserChangeForm');
    const read = await readPoolFile(readFileSync(pool));
    const titles = read.entries.map((e) => e.memory.title).sort();
    expect(titles).toEqual(['django', 'flask'].flatMap((id) => [`Re-run the check after every edit (${id})`, `Reproduce the reported failure first (${id})`]).sort());
    for (const { memory } of read.entries) {
      expect(memory.level).toBe('insight');
      expect(memory.provenance.distiller).toBe('llm:test-coder:7b');
      expect(memory.scope).toBe('task-agnostic');
      expect(memory.embedding?.model).toBe('insight-pool/use-lite');
    }
  });

  it('a run whose answer cannot be used is listed and the rest is written; running again fills the gap', async () => {
    answers = { 'django__django-16139': insightAnswer('django'), 'pallets__flask-5063': 'Sorry, I cannot help with that.' };
    const pool = join(tempDir(), 'pool.jsonl');
    const first = await cli(['ingest', ...runs, '--pool', pool, ...llmArgs()]);
    expect(first.code).toBe(3);
    expect(first.stderr).toMatch(/could not distill pallets__flask-5063\.traj: insight: .+/);
    expect(first.stderr).toMatch(/1 distillations failed \(listed above\); run again to retry them/);
    expect((await readPoolFile(readFileSync(pool))).entries).toHaveLength(2);

    answers['pallets__flask-5063'] = insightAnswer('flask');
    const again = await cli(['ingest', ...runs, '--pool', pool, ...llmArgs()]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/→ 2 new memories \(2 insight; 2 duplicates skipped\)/);
    expect((await readPoolFile(readFileSync(pool))).entries).toHaveLength(4);
  });

  it('nothing usable, or no server: exit 3 and the pool is not touched', async () => {
    answers = {};
    const dir = tempDir();
    const pool = join(dir, 'pool.jsonl');
    const none = await cli(['ingest', ...runs, '--pool', pool, ...llmArgs()]);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/nothing to add: every distillation failed; .*pool\.jsonl is unchanged/);
    expect(existsSync(pool)).toBe(false);

    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const down = await cli(['ingest', ...runs, '--pool', pool, '--distiller', 'llm', '--endpoint', `http://127.0.0.1:${port}/v1`, '--llm', 'm']);
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port}/v1/chat/completions`));
    // Stopped at the first call instead of failing run after run.
    expect(down.stderr).not.toMatch(/could not distill/);
    expect(existsSync(pool)).toBe(false);
  });

  it('leaves out near-copies (of a pool memory, or of an earlier run\'s answer) and lists them; --keep-near stores them', async () => {
    // The test embedder reads only the words: the same words with other punctuation are cosine 1 on the whole text
    // (title, description, content), yet other content.
    const lesson = (title: string, content: string) => JSON.stringify({ insights: [{ title, description: 'Use while fixing.', content }] });
    answers = {
      'django__django-16139': lesson('Re-run the check after every edit', 'Short loops catch a wrong change early.'),
      'pallets__flask-5063': lesson('Re-run the check after every edit!', 'Short loops catch a wrong change, early!'),
    };
    const pool = join(tempDir(), 'pool.jsonl');
    const seeded = await cli(['add', '--pool', pool, '--title', 'Keep interfaces intact while fixing', '--description', 'Use while fixing.', '--content', 'Callers depend on them.']);
    const seededId = seeded.stdout.split(' ')[1];
    const r = await cli(['ingest', ...runs, '--pool', pool, ...llmArgs()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^left out near-copy \(cosine 1\.000\): "Re-run the check after every edit!" ≈ an earlier one in this run "Re-run the check after every edit"$/m);
    expect(r.stdout).toMatch(/→ 1 new memories \(1 insight; 0 duplicates skipped; 1 near-copies left out, --keep-near stores them\)/);
    let read = await readPoolFile(readFileSync(pool));
    expect(read.entries.map((e) => e.memory.content).sort()).toEqual(['Callers depend on them.', 'Short loops catch a wrong change early.']);

    // Against the pool: the first wording is stored now, so the second is close to it.
    answers = { 'django__django-16139': lesson('Keep interfaces intact, while fixing!', 'Callers depend on them!'), 'pallets__flask-5063': lesson('Re-run the check after every edit!', 'Short loops catch a wrong change, early!') };
    const again = await cli(['ingest', ...runs, '--pool', pool, ...llmArgs()]);
    expect(again.stderr).toMatch(new RegExp(`^left out near-copy \\(cosine 1\\.000\\): "Keep interfaces intact, while fixing!" ≈ existing "Keep interfaces intact while fixing" \\(${seededId}\\)$`, 'm'));
    expect(again.stdout).toMatch(/→ 0 new memories .*2 near-copies left out/);
    expect((await readPoolFile(readFileSync(pool))).entries).toHaveLength(2);

    const kept = await cli(['ingest', ...runs, '--pool', pool, ...llmArgs(), '--keep-near']);
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stderr).toMatch(/^near-duplicate \(cosine 1\.000\): "Keep interfaces intact, while fixing!" ≈ existing "Keep interfaces intact while fixing"/m);
    read = await readPoolFile(readFileSync(pool));
    expect(read.entries).toHaveLength(4);
  });

  it('usage errors name the missing or misplaced option', async () => {
    const pool = join(tempDir(), 'pool.jsonl');
    const cases: [string[], RegExp][] = [
      [['--distiller', 'llm', '--llm', 'm'], /--distiller llm needs --endpoint/],
      [['--endpoint', 'http://127.0.0.1:1/v1'], /--endpoint, --llm and --scope go with --distiller llm/],
      [['--scope', 'task-specific'], /--endpoint, --llm and --scope go with --distiller llm/],
      [['--distiller', 'gpt'], /--distiller must be rules or llm, got "gpt"/],
      [['--distiller', 'llm', '--endpoint', 'localhost:11434', '--llm', 'm'], /endpoint URL/],
      [[...llmArgs(), '--scope', 'narrow'], /--scope must be task-agnostic or task-specific, got "narrow"/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(['ingest', runs[0], '--pool', pool, ...args]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(pool)).toBe(false);
  });
});
