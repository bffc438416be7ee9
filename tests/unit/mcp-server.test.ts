// `insight-pool mcp` as an agent meets it: the built CLI bundle started over stdio and driven by the MCP SDK's own
// Client, with the embedded default model. Tools listed with schemas; add → retrieve → feedback; bad arguments are
// tool errors and the server stays up; two servers writing one pool keep both's updates; counts survive a restart.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { readPoolFile } from '../../src/core/pool-file';

const root = resolve(import.meta.dirname, '../..');
// Inside the package, so the bundle finds the package root, its public/models and its dependencies.
const outDir = join(root, 'node_modules/.cache/insight-pool-mcp-test');
const work = mkdtempSync(join(tmpdir(), 'insight-pool-mcp-'));
const hasModel = existsSync(join(root, 'public/models/insight-pool/use-lite/onnx/model.onnx'));
const open: Client[] = [];
const protocolErrors: string[] = [];

beforeAll(async () => {
  await build({ configFile: join(root, 'vite.cli.config.ts'), root, logLevel: 'silent', build: { outDir, emptyOutDir: true } });
}, 120_000);
afterAll(async () => {
  await Promise.all(open.map((c) => c.close().catch(() => undefined)));
  rmSync(work, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
});

interface Server {
  client: Client;
  stderr: () => string;
  call: (name: string, args: Record<string, unknown>) => Promise<ToolResult>;
}

interface ToolResult {
  isError?: boolean;
  content: { type: string; text: string }[];
  structuredContent?: Record<string, unknown>;
}

async function serve(pool: string): Promise<Server> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [join(outDir, 'cli.mjs'), 'mcp', '--pool', pool], cwd: work, stderr: 'pipe' });
  let log = '';
  transport.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const client = new Client({ name: 'insight-pool-test', version: '1.0.0' });
  await client.connect(transport);
  // Anything but protocol messages on the server's stdout reaches the client as an error here.
  client.onerror = (error) => protocolErrors.push(`${pool}: ${error.message}`);
  open.push(client);
  return {
    client,
    stderr: () => log,
    call: async (name, args) => (await client.callTool({ name, arguments: args })) as ToolResult,
  };
}

async function fileMemories(pool: string) {
  return (await readPoolFile(readFileSync(pool))).entries.map((e) => e.memory);
}

const LESSONS = [
  { title: 'Reproduce the failure before changing code', content: 'Write a small script or test that shows the bug, run it, and keep it to check the fix.', domain: 'swe' },
  { title: 'Install missing tools with the package manager first', content: 'When a command is not found, install the package that provides it before writing a workaround.', domain: 'terminal' },
  { title: 'Read the whole error message', content: 'The last lines of a stack trace usually name the real cause; read them before guessing.', domain: 'swe' },
];

describe.skipIf(!hasModel)('insight-pool mcp (stdio, SDK client)', () => {
  it('lists the four tools with descriptions and JSON schemas', async () => {
    const { client } = await serve(join(work, 'list.jsonl'));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['add_memory', 'list_memories', 'record_feedback', 'retrieve_memories']);
    for (const t of tools) {
      expect(t.description!.length).toBeGreaterThan(80);
      expect(t.inputSchema.type).toBe('object');
    }
    const retrieve = tools.find((t) => t.name === 'retrieve_memories')!;
    expect(retrieve.inputSchema.required).toEqual(['task']);
    expect(Object.keys(retrieve.inputSchema.properties!).sort()).toEqual(['exclude_domain', 'exclude_harmful', 'k', 'levels', 'task']);
    const feedback = tools.find((t) => t.name === 'record_feedback')!;
    expect(feedback.inputSchema.required).toEqual(['ids', 'helped']);
    expect(client.getInstructions()).toMatch(/retrieve_memories/);
  });

  it('add → retrieve → feedback, with counts in the pool file', { timeout: 60_000 }, async () => {
    const pool = join(work, 'flow.jsonl');
    const s = await serve(pool);
    const ids: string[] = [];
    for (const lesson of LESSONS) {
      const r = await s.call('add_memory', lesson);
      expect(r.isError).toBeFalsy();
      expect(r.structuredContent).toMatchObject({ added: true, warning: null });
      ids.push(r.structuredContent!.id as string);
    }
    // Same content again: not stored twice, the existing id comes back.
    const again = await s.call('add_memory', LESSONS[0]);
    expect(again.structuredContent).toMatchObject({ id: ids[0], added: false });
    // Concrete text gets the abstraction guard's warning, as `insight-pool add` prints it.
    const concrete = await s.call('add_memory', { title: 'Fix /home/dev/app/config.py line 42', content: 'Run `sed -i s/x/y/ /home/dev/app/config.py` then `pytest tests/test_config.py::test_load -k 42`.' });
    expect(concrete.structuredContent!.warning).toMatch(/specific/i);

    const r = await s.call('retrieve_memories', { task: 'The deploy script fails: command not found: jq', k: 2 });
    expect(r.isError).toBeFalsy();
    const results = r.structuredContent!.results as { id: string; score: number; cosine: number; lexical: number; usage: { retrieved: number } }[];
    expect(results).toHaveLength(2);
    expect(results[0].id).toBe(ids[1]);
    for (const m of results) {
      expect(m.score).toBeGreaterThan(0);
      expect(m.cosine).toBeGreaterThan(-1);
      expect(typeof m.lexical).toBe('number');
      expect(m.usage.retrieved).toBe(1);
    }
    expect(r.content[0].text).toContain('<memories>');
    expect(r.content[0].text).toContain(ids[1]);

    const f = await s.call('record_feedback', { ids: [ids[1]], helped: true, note: 'installed jq first' });
    expect(f.structuredContent).toEqual({ updated: [expect.objectContaining({ id: ids[1], usage: expect.objectContaining({ retrieved: 1, helped: 1, hurt: 0 }), harmful: false })] });
    await s.call('record_feedback', { ids: [results[1].id], helped: false });
    const onDisk = new Map((await fileMemories(pool)).map((m) => [m.id, m.usage]));
    expect(onDisk.get(ids[1])).toMatchObject({ retrieved: 1, helped: 1, hurt: 0 });
    expect(onDisk.get(results[1].id)).toMatchObject({ retrieved: 1, helped: 0, hurt: 1 });
    expect(s.stderr()).toContain('installed jq first');
    expect(s.stderr()).toMatch(/insight-pool mcp: retrieve_memories: 2 of 4/);
    expect(protocolErrors).toEqual([]);

    // The harmful one is marked, and left out on request.
    const listed = await s.call('list_memories', { text: results[1].id === ids[0] ? 'Reproduce' : 'error message' });
    expect((listed.structuredContent!.memories as { harmful: boolean }[])[0].harmful).toBe(true);
    const safe = await s.call('retrieve_memories', { task: 'The deploy script fails: command not found: jq', k: 2, exclude_harmful: true });
    expect((safe.structuredContent!.results as { id: string }[]).map((m) => m.id)).not.toContain(results[1].id);
  });

  it('ranks as `insight-pool query` does, also after the pool changed between calls', { timeout: 60_000 }, async () => {
    const pool = join(work, 'same.jsonl');
    const s = await serve(pool);
    for (const lesson of LESSONS) await s.call('add_memory', lesson);
    const task = 'a command is missing: read the error and install the tool';
    const ranked = async () => ((await s.call('retrieve_memories', { task, k: 3 })).structuredContent!.results as { id: string; score: number }[]).map((r) => [r.id, r.score]);
    const query = () => {
      const r = spawnSync(process.execPath, [join(outDir, 'cli.mjs'), 'query', '--pool', pool, task, '-k', '3', '--json'], { cwd: work, encoding: 'utf8' });
      return (JSON.parse(r.stdout).results as { id: string; score: number }[]).map((m) => [m.id, m.score]);
    };
    expect(await ranked()).toEqual(query());
    // A new memory that fits the task better: the server's kept BM25 index must not hide it.
    const added = await s.call('add_memory', { title: 'Install a missing command before anything else', content: 'When the error says a command is missing, install the tool that provides it, then rerun.' });
    const after = await ranked();
    expect(after[0][0]).toBe(added.structuredContent!.id);
    await s.call('list_memories', {}); // waits for the retrieval counts
    expect(after).toEqual(query());
  });

  it('bad arguments are tool errors naming the field, and the server stays up', { timeout: 60_000 }, async () => {
    const pool = join(work, 'bad.jsonl');
    const s = await serve(pool);
    const added = await s.call('add_memory', LESSONS[0]);
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['retrieve_memories', {}, /task/],
      ['retrieve_memories', { task: 42 }, /task must be a string/],
      ['retrieve_memories', { task: 'x', k: 0 }, /k must be at least 1/],
      ['retrieve_memories', { task: 'x', levels: ['wisdom'] }, /levels/],
      ['add_memory', { title: '', content: 'c' }, /title must not be empty/],
      ['add_memory', { title: 't' }, /content/],
      ['add_memory', { title: 't', content: 'c', outcome: 'great' }, /outcome must be one of/],
      ['record_feedback', { ids: [], helped: true }, /ids must name at least one memory/],
      ['record_feedback', { ids: ['a'], helped: 'yes' }, /helped must be true or false/],
      ['record_feedback', { ids: ['no-such-id'], helped: true }, /no memory with id "no-such-id"; nothing recorded/],
      ['list_memories', { limit: 'ten' }, /limit must be a number/],
    ];
    for (const [name, args, message] of cases) {
      const r = await s.call(name, args);
      expect(r.isError, `${name} ${JSON.stringify(args)}`).toBe(true);
      expect(r.content[0].text).toMatch(message);
    }
    // Still serving, and nothing was half-written.
    const listed = await s.call('list_memories', {});
    expect(listed.structuredContent).toMatchObject({ total: 1 });
    expect((await fileMemories(pool)).map((m) => m.id)).toEqual([added.structuredContent!.id]);
    expect((await fileMemories(pool))[0].usage).toBeUndefined();
  });

  it('two servers writing one pool at once keep both updates', { timeout: 120_000 }, async () => {
    const pool = join(work, 'shared.jsonl');
    const [a, b] = await Promise.all([serve(pool), serve(pool)]);
    const first = await a.call('add_memory', LESSONS[0]);
    const id = first.structuredContent!.id as string;
    // Adds and feedback from both at once: each write re-reads the file under the lock.
    const calls = [
      a.call('add_memory', LESSONS[1]),
      b.call('add_memory', LESSONS[2]),
      ...Array.from({ length: 3 }, () => a.call('record_feedback', { ids: [id], helped: true })),
      ...Array.from({ length: 3 }, () => b.call('record_feedback', { ids: [id], helped: false })),
      b.call('add_memory', { title: 'Check the exit code, not only the output', content: 'A command can print nothing alarming and still fail: look at its exit status.' }),
    ];
    const answers = await Promise.all(calls);
    expect(answers.filter((r) => r.isError)).toEqual([]);
    const memories = await fileMemories(pool);
    expect(memories).toHaveLength(4);
    expect(memories.find((m) => m.id === id)!.usage).toMatchObject({ helped: 3, hurt: 3 });
    // Each server sees the other's writes.
    expect((await a.call('list_memories', {})).structuredContent).toMatchObject({ total: 4 });
  });

  it('a restarted server keeps the counts', { timeout: 60_000 }, async () => {
    const pool = join(work, 'restart.jsonl');
    const s = await serve(pool);
    const id = (await s.call('add_memory', LESSONS[2])).structuredContent!.id as string;
    // Retrievals at once: counted together or one by one, each counts.
    await Promise.all([1, 2, 3].map(() => s.call('retrieve_memories', { task: 'a stack trace I do not understand' })));
    await s.call('record_feedback', { ids: [id], helped: true });
    await s.client.close();
    const again = await serve(pool);
    const listed = await again.call('list_memories', {});
    expect((listed.structuredContent!.memories as { id: string; usage: object }[])[0]).toMatchObject({ id, usage: { retrieved: 3, helped: 1, hurt: 0 } });
    await again.call('record_feedback', { ids: [id], helped: true });
    expect((await fileMemories(pool))[0].usage).toMatchObject({ retrieved: 3, helped: 2, hurt: 0 });
  });
});
