import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTrajectories, parseTrajectory, TrajectoryParseError, type Trajectory } from '../../src/core/trajectory';

const SHARED = fileURLToPath(new URL('../../../shared/fixtures/trajectories/', import.meta.url));
const OWN = fileURLToPath(new URL('./fixtures/trajectories/', import.meta.url));

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = `${dir}${dir.endsWith('/') ? '' : '/'}${f}`;
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const outcomes = JSON.parse(readFileSync(`${SHARED}swe-agent/outcomes.json`, 'utf8')) as Record<string, string>;
const sharedFiles = walk(SHARED).filter((p) => !p.endsWith('outcomes.json'));
const read = (p: string) => readFileSync(p, 'utf8');
const name = (p: string) => p.split('/').pop()!;

function expectParseError(fn: () => unknown, ...patterns: RegExp[]): TrajectoryParseError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TrajectoryParseError);
    for (const p of patterns) expect((err as Error).message).toMatch(p);
    return err as TrajectoryParseError;
  }
  throw new Error('expected a TrajectoryParseError');
}

describe('every shared fixture parses', () => {
  it('finds the fixture set', () => {
    expect(sharedFiles.length).toBeGreaterThanOrEqual(18);
  });

  it.each(sharedFiles.map((p) => [name(p), p]))('%s', (_n, path) => {
    const t = parseTrajectory(read(path), name(path), { outcomes });
    expect(t.task.length).toBeGreaterThan(10);
    expect(t.steps.length).toBeGreaterThan(0);
    t.steps.forEach((s, i) => expect(s.index).toBe(i + 1));
    for (const s of t.steps) expect(s.thought || s.action || s.observation).toBeTruthy();
    // Observations are capped (head + tail with a marker), whatever the file held.
    for (const s of t.steps) expect((s.observation ?? '').length).toBeLessThanOrEqual(1_500);
  });
});

describe('SWE-agent .traj', () => {
  const swe = sharedFiles.filter((p) => p.endsWith('.traj'));

  it('reads the issue, not the harness instructions, as the task', () => {
    const t = parseTrajectory(read(swe.find((p) => p.includes('django__django-11999'))!), 'django__django-11999.traj');
    expect(t.task).toMatch(/^Cannot override get_FOO_display\(\) in Django 2\.2\+/);
    expect(t.task).not.toMatch(/INSTRUCTION|submit/);
    expect(t).toMatchObject({ format: 'swe-agent', id: 'django__django-11999', domain: 'swe', agent: 'swe-agent', exitStatus: 'submitted' });
    expect(t.steps[1].action).toBe('create reproduce.py');
  });

  it('"submitted" alone is not success: outcome stays unknown without a label', () => {
    for (const p of swe) expect(parseTrajectory(read(p), name(p)).outcome).toBe('unknown');
  });

  it('applies outcomes.json (resolved/unresolved) by instance id', () => {
    const parsed = swe.map((p) => parseTrajectory(read(p), name(p), { outcomes }));
    for (const t of parsed) {
      expect(t.outcomeSource).toBe('label');
      expect(t.outcome).toBe(outcomes[t.id] === 'resolved' ? 'success' : 'failure');
    }
    expect(parsed.filter((t) => t.outcome === 'success').length).toBe(6);
  });

  it('accepts booleans and success/failure labels too', () => {
    const p = swe[0];
    const id = name(p).replace('.traj', '');
    expect(parseTrajectory(read(p), name(p), { outcomes: { [id]: true } }).outcome).toBe('success');
    expect(parseTrajectory(read(p), name(p), { outcomes: { [id]: 'failure' } }).outcome).toBe('failure');
    expect(parseTrajectory(read(p), name(p), { outcomes: { [id]: 'maybe' } }).outcome).toBe('unknown');
  });

  it('a run that ended without a patch is a failure from the file itself', () => {
    const t = parseTrajectory(
      JSON.stringify({ trajectory: [{ action: 'ls', observation: 'a.py', thought: 'look' }], history: [], info: { exit_status: 'exit_cost', submission: null } }),
      'x.traj',
    );
    expect(t).toMatchObject({ outcome: 'failure', outcomeSource: 'file' });
  });
});

describe('ATIF and the other shared formats', () => {
  const byName = (n: string) => parseTrajectory(read(sharedFiles.find((p) => name(p) === n)!), n);

  it('ATIF: agent, model, task from the user step, tool calls as actions with observations', () => {
    const t = byName('hello-world-timeout.trajectory.json');
    expect(t).toMatchObject({ format: 'atif', agent: 'terminus-2', model: 'openai/gpt-4o', domain: 'terminal', outcome: 'unknown' });
    expect(t.task).toBe('Create a file called hello.txt with "Hello, world!" as the content.');
    expect(t.steps.map((s) => s.action)).toEqual(["echo 'Hello, world!'", 'sleep 50', 'sleep 50']);
    expect(t.steps[0].observation).toContain('Hello, world!');
    expect(t.steps[0].observation).not.toMatch(/\n{3,}/);
  });

  it('the "invalid JSON" ATIF fixture is valid JSON whose agent emitted malformed JSON: it parses, error kept as an observation', () => {
    const t = byName('hello-world-invalid-json.trajectory.json');
    expect(t.format).toBe('atif');
    expect(t.steps[0].observation).toMatch(/Missing required fields: analysis, plan/);
    expect(t.steps[1].action).toContain("printf 'Hello, world!\\n' > hello.txt");
  });

  it('OpenHands ATIF: str_replace_editor calls keep the path', () => {
    const t = byName('hello-world.trajectory.json');
    expect(t.agent).toBe('openhands');
    expect(t.steps.some((s) => s.action?.startsWith('str_replace_editor create /app/hello.txt'))).toBe(true);
  });

  it('mini-swe-agent, OpenHands events and Gemini CLI sessions are detected', () => {
    expect(byName('mini-swe-agent-trajectory.json')).toMatchObject({
      format: 'mini-swe-agent',
      model: 'anthropic/claude-3-5-sonnet-20241022',
      task: 'Create a file called hello.txt with "Hello, world!" as the content.',
    });
    const oh = byName('openhands_trajectory.json');
    expect(oh).toMatchObject({ format: 'openhands', model: 'gpt-5-2025-08-07' });
    expect(oh.steps[0].action).toMatch(/^printf 'Hello, world!\\n' > hello.txt/);
    expect(oh.steps[0].observation).toContain('Size: 14 bytes');
    expect(byName('gemini-cli-trajectory.json')).toMatchObject({ format: 'gemini-cli', model: 'gemini-2.0-flash' });
  });
});

describe('own fixtures: formats the shared set lacks', () => {
  const own = (n: string, opts = {}) => parseTrajectory(read(OWN + n), n, opts);

  it('mini-swe-agent .traj.json: thought/command split, <returncode> observations, non-Submitted exit = failure', () => {
    const t = own('cli-config.traj.json');
    expect(t).toMatchObject({ format: 'mini-swe-agent', model: 'ollama/qwen2.5-coder:7b', outcome: 'failure', outcomeSource: 'file', id: 'cli-config' });
    expect(t.task).toMatch(/^Consider the following PR description:/);
    expect(t.steps[0]).toMatchObject({ thought: 'Let me find where loadConfig is defined.', action: 'grep -rn "def loadConfig" src/' });
    expect(t.steps[2].observation).toMatch(/^exit code 1\n.*Traceback/s);
    expect(t.steps).toHaveLength(6);
  });

  it('OpenAI chat as JSON and as JSONL give the same trajectory', () => {
    const a = own('csv-export.chat.json');
    const b = own('csv-export.chat.jsonl');
    expect(a.format).toBe('openai-chat');
    expect(b.steps).toEqual(a.steps);
    expect(a.task).toMatch(/^Add a --csv flag/);
    expect(a.steps.map((s) => s.action)).toEqual([
      "grep -rn 'def report' cli/",
      'str_replace_editor str_replace cli/commands.py\ndef report(args, csv=False):',
      'pytest tests/test_cli.py -q',
      "str_replace_editor insert cli/parser.py\nreport.add_argument('--csv', action='store_true')",
      'pytest tests/test_cli.py -q',
      undefined,
    ]);
    expect(a.steps[2].observation).toMatch(/1 failed/);
    expect(a.domain).toBe('unknown');
  });

  it('{model, messages} wrapper gives the model', () => {
    expect(own('wrapped-chat.json')).toMatchObject({ format: 'openai-chat', model: 'llama3.1:8b' });
  });

  it('markdown: heading task, outcome line, bash fences, output fences, console blocks', () => {
    const t = own('port-check.md');
    expect(t).toMatchObject({ format: 'text', task: 'make the health check fail fast when the port is already in use', outcome: 'success' });
    expect(t.steps.map((s) => s.action)).toEqual([
      'ss -ltnp | grep 8080',
      "sed -i 's/server.listen(port)/await listenOrThrow(server, port)/' src/server.js",
      'npm test',
    ]);
    expect(t.steps[0].observation).toContain('LISTEN');
    expect(t.steps[2].observation).toContain('3 tests');
    expect(t.steps[1].thought).toMatch(/swallows EADDRINUSE/);
  });

  it('plain text: Thought/Action/Observation labels and $ lines', () => {
    const t = own('labelled-log.txt', { domain: 'ops', sourceModel: 'gpt-4o-mini' });
    expect(t).toMatchObject({ task: expect.stringMatching(/^The nightly backup script/), outcome: 'success', domain: 'ops', model: 'gpt-4o-mini' });
    expect(t.steps.map((s) => s.action)).toEqual(['cat scripts/backup.sh', "sed -i '1a set -e' scripts/backup.sh", 'sh scripts/backup.sh', undefined]);
    expect(t.steps[0].observation).toContain('rsync -a /data /backup');
    expect(t.steps[2].observation).toContain('exit code 23');
  });

  it('a pasted chat with User/Assistant/Tool turns', () => {
    const t = parseTrajectory(
      'System: you are a coding agent\n\nUser: The date parser rejects ISO week dates. Fix it.\n\nAssistant: Let me run the failing test.\n```bash\npytest tests/test_dates.py -q\n```\n\nTool: 1 failed\n\nAssistant: I will add week-date support.\n```bash\nsed -i \'s/A/B/\' dates.py\n```\n\nUser: ok, done?\n\nAssistant: Yes, the tests pass now.',
      'chat.txt',
    );
    expect(t.task).toBe('The date parser rejects ISO week dates. Fix it.');
    expect(t.steps.map((s) => [s.thought, s.action, s.observation])).toEqual([
      ['Let me run the failing test.', 'pytest tests/test_dates.py -q', '1 failed'],
      ['I will add week-date support.', "sed -i 's/A/B/' dates.py", 'ok, done?'],
      ['Yes, the tests pass now.', undefined, undefined],
    ]);
  });

  it('a caller label overrides what the file says', () => {
    expect(own('labelled-log.txt', { outcomes: { 'labelled-log': 'unresolved' } })).toMatchObject({ outcome: 'failure', outcomeSource: 'label' });
  });
});

describe('bad files give an error naming the file and the problem', () => {
  const atif = read(sharedFiles.find((p) => name(p) === 'hello-world-timeout.trajectory.json')!);

  it('truncated JSON says it is truncated and where it ends', () => {
    expectParseError(() => parseTrajectory(atif.slice(0, 5000), 'run.json'), /^run\.json: /, /truncated/, /character 5000/);
  });

  it('a syntax error gives line and column', () => {
    const broken = atif.replace('"source": "agent"', '"source" "agent"');
    expectParseError(() => parseTrajectory(broken, 'run.json'), /^run\.json: invalid JSON at line \d+, column \d+/);
  });

  it('a bad line of a JSONL file is named', () => {
    const lines = read(OWN + 'csv-export.chat.jsonl').split('\n');
    lines[3] = lines[3].slice(0, 20);
    expectParseError(() => parseTrajectory(lines.join('\n'), 'chat.jsonl'), /^chat\.jsonl: /, /line 4 of the JSON Lines file/);
  });

  it('wrong shape names the missing field', () => {
    const data = JSON.parse(atif);
    delete data.steps;
    expectParseError(() => parseTrajectory(JSON.stringify(data), 'a.json'), /^a\.json: not a valid ATIF trajectory: missing field steps/);
    const d2 = JSON.parse(atif);
    delete d2.steps[1].source;
    expectParseError(() => parseTrajectory(JSON.stringify(d2), 'a.json'), /missing field steps\[1\]\.source/);
    expectParseError(() => parseTrajectory('{"trajectory": 5, "info": {}}', 'b.traj'), /SWE-agent trajectory: trajectory should be array, got number/);
    expectParseError(() => parseTrajectory('{"foo": 1, "bar": []}', 'c.json'), /unrecognized JSON trajectory \(top-level keys: foo, bar\)/);
    expectParseError(() => parseTrajectory('[1, 2, 3]', 'd.json'), /unrecognized JSON array/);
    expectParseError(() => parseTrajectory('42', 'e.json'), /JSON value is number/);
  });

  it('binary content and empty files are rejected', () => {
    const png = String.fromCharCode(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13) + 'IHDR'.repeat(20);
    expectParseError(() => parseTrajectory(png, 'shot.png'), /^shot\.png: binary content/);
    expectParseError(() => parseTrajectory('  \n\n ', 'empty.md'), /^empty\.md: the file is empty/);
  });

  it('a batch reports bad files and keeps the good ones', () => {
    const files = [
      { name: 'good.json', text: atif },
      { name: 'cut.json', text: atif.slice(0, 100) },
      { name: 'notes.md', text: '# Fix the flaky test\n\n$ npm test\n1 failed' },
      { name: 'bin.dat', text: '\u0000\u0001\u0002' },
    ];
    const r = parseTrajectories(files);
    expect(r.ok.map((t: Trajectory) => t.file)).toEqual(['good.json', 'notes.md']);
    expect(r.errors.map((e) => e.file)).toEqual(['cut.json', 'bin.dat']);
    expect(r.errors[0].message).toMatch(/^cut\.json: invalid JSON.*truncated/);
  });
});

describe('normalization details', () => {
  it('long observations keep head and tail around a marker', () => {
    const big = `START\n${'x'.repeat(50_000)}\nEND`;
    const t = parseTrajectory(JSON.stringify([{ role: 'user', content: 'do it' }, { role: 'assistant', content: '```bash\nmake\n```' }, { role: 'user', content: big }]), 'c.json');
    const obs = t.steps[0].observation!;
    expect(obs.length).toBeLessThanOrEqual(1_500);
    expect(obs.startsWith('START')).toBe(true);
    expect(obs.endsWith('END')).toBe(true);
    expect(obs).toMatch(/\[… \d+ characters omitted …\]/);
  });

  it('a log that starts with a bracket or brace is still read as text', () => {
    expect(parseTrajectory('[12:00:01] build started\n$ make\nok', 'build.log').format).toBe('text');
    expect(parseTrajectory('{draft} notes on the fix\n\n$ npm test\n3 passed', 'notes.md').steps[0].action).toBe('npm test');
    expect(() => parseTrajectory('{draft} notes', 'notes.json')).toThrow(TrajectoryParseError);
  });

  it('SWE-bench ids give the swe domain whatever the format; the caller can force a domain', () => {
    const chat = JSON.stringify([{ role: 'user', content: 'fix it' }, { role: 'assistant', content: 'ok' }]);
    expect(parseTrajectory(chat, 'astropy__astropy-12907.json').domain).toBe('swe');
    expect(parseTrajectory(chat, 'x.json', { domain: 'data' }).domain).toBe('data');
  });
});
