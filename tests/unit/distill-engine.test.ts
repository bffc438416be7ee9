// The OpenAI-compatible engine against a real HTTP server the test starts on 127.0.0.1 (the core itself never
// imports node:http; it only uses fetch).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatCompletionsUrl, createOpenAIEngine, distillWithEngine, EngineError } from '../../src/core/distill';
import { parseTrajectory } from '../../src/core/trajectory';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let handler: Handler = () => {};
const requests: { url: string; headers: IncomingMessage['headers']; body: string }[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push({ url: req.url ?? '', headers: req.headers, body });
      handler(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};
const completion = (content: string) => ({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] });

async function engineError(p: Promise<unknown>): Promise<EngineError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(EngineError);
    return err as EngineError;
  }
  throw new Error('expected an EngineError');
}

describe('createOpenAIEngine', () => {
  it('POSTs the prompt to {baseUrl}/chat/completions and returns the message content', async () => {
    handler = (_req, _body, res) => json(res, 200, completion('hello back'));
    const engine = createOpenAIEngine({ baseUrl: `${base}/`, model: 'qwen2.5-coder:1.5b', apiKey: 'k-123' });
    expect(engine.distiller).toBe('llm:qwen2.5-coder:1.5b');
    await expect(engine.complete('hello')).resolves.toBe('hello back');
    const last = requests[requests.length - 1];
    expect(last.url).toBe('/v1/chat/completions');
    expect(last.headers.authorization).toBe('Bearer k-123');
    expect(JSON.parse(last.body)).toMatchObject({ model: 'qwen2.5-coder:1.5b', messages: [{ role: 'user', content: 'hello' }], stream: false });
  });

  it('non-200 answers name the status and the server message, with a hint for 404', async () => {
    handler = (_req, _body, res) => json(res, 404, { error: { message: 'model "nope" not found' } });
    const e = await engineError(createOpenAIEngine({ baseUrl: base, model: 'nope' }).complete('x'));
    expect(e.kind).toBe('http');
    expect(e.status).toBe(404);
    expect(e.message).toMatch(/answered 404 Not Found: model "nope" not found \(check the base URL/);
    handler = (_req, _body, res) => {
      res.writeHead(500);
      res.end('upstream crashed');
    };
    expect((await engineError(createOpenAIEngine({ baseUrl: base, model: 'm' }).complete('x'))).message).toMatch(/500 Internal Server Error: upstream crashed/);
  });

  it('a body that is not JSON, or JSON without content, is a bad-response error', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>LM Studio</html>');
    };
    const e = await engineError(createOpenAIEngine({ baseUrl: base, model: 'm' }).complete('x'));
    expect(e.kind).toBe('bad-response');
    expect(e.message).toMatch(/did not answer with JSON: <html>LM Studio<\/html>/);
    handler = (_req, _body, res) => json(res, 200, { choices: [] });
    expect((await engineError(createOpenAIEngine({ baseUrl: base, model: 'm' }).complete('x'))).message).toMatch(/without choices\[0\]\.message\.content/);
  });

  it('connection refused says so and names the URL', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const e = await engineError(createOpenAIEngine({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm' }).complete('x'));
    expect(e.kind).toBe('connection');
    expect(e.message).toBe(`cannot reach http://127.0.0.1:${port}/v1/chat/completions: connection refused: is the server running and listening on that port?`);
  });

  it('cancelling aborts the request', async () => {
    handler = (_req, _body, res) => setTimeout(() => json(res, 200, completion('late')), 2_000);
    const ac = new AbortController();
    const p = createOpenAIEngine({ baseUrl: base, model: 'm' }).complete('x', { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    expect((await engineError(p)).kind).toBe('aborted');
  });

  it('bad configuration fails before any request', () => {
    expect(() => createOpenAIEngine({ baseUrl: 'localhost:11434', model: 'm' })).toThrow(/endpoint URL must be http\(s\)|invalid endpoint URL/);
    expect(() => createOpenAIEngine({ baseUrl: base, model: ' ' })).toThrow(/no model name/);
    expect(chatCompletionsUrl('http://127.0.0.1:8080/v1/chat/completions')).toBe('http://127.0.0.1:8080/v1/chat/completions');
  });
});

describe('distillWithEngine', () => {
  const SHARED = fileURLToPath(new URL('../../../shared/fixtures/trajectories/', import.meta.url));
  const t = parseTrajectory(readFileSync(`${SHARED}swe-agent/django__django-16139.traj`, 'utf8'), 'django__django-16139.traj', {
    outcomes: { 'django__django-16139': 'resolved' },
  });

  it('prompt → server → parsed insight memories with llm provenance', async () => {
    const answer = readFileSync(fileURLToPath(new URL('./fixtures/answers/insight-02-fenced-with-prose.txt', import.meta.url)), 'utf8');
    handler = (_req, _body, res) => json(res, 200, completion(answer));
    const r = await distillWithEngine('insight', t, createOpenAIEngine({ baseUrl: base, model: 'llama3.2:3b' }));
    expect(JSON.parse(requests[requests.length - 1].body).messages[0].content).toBe(r.prompt);
    expect(r.prompt).toMatch(/SUCCEEDED/);
    expect(r.memories.map((m) => m.title)).toEqual(['Locate the code path that produces the behaviour', 'Verify with the reproduction after the fix']);
    expect(r.memories[0].provenance).toEqual({ file: 'django__django-16139.traj', trajectoryId: 'django__django-16139', distiller: 'llm:llama3.2:3b', promptVersion: 'insight-v2' });
  });

  it('a model answer missing a field surfaces as an AnswerParseError naming it', async () => {
    handler = (_req, _body, res) => json(res, 200, completion('{"goal": "fix it"}'));
    await expect(distillWithEngine('workflow', t, createOpenAIEngine({ baseUrl: base, model: 'm' }))).rejects.toThrow('workflow answer: missing "steps"');
  });
});
