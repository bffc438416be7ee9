// Malformed input must never escape as anything but TrajectoryParseError (and a batch must never throw), because
// the UI and CLI feed user files straight into the parser.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTrajectories, parseTrajectory, TrajectoryParseError } from '../../src/core/trajectory';

const SHARED = fileURLToPath(new URL('../../../shared/fixtures/trajectories/', import.meta.url));
const OWN = fileURLToPath(new URL('./fixtures/trajectories/', import.meta.url));

// Small and medium real files of every format (the large SWE-agent ones only cost time, not coverage).
const SEEDS = [
  `${SHARED}atif/hello-world-timeout.trajectory.json`,
  `${SHARED}atif/hello-world.trajectory.json`,
  `${SHARED}atif/mini-swe-agent-trajectory.json`,
  `${SHARED}atif/openhands_trajectory.json`,
  `${SHARED}atif/gemini-cli-trajectory.json`,
  `${SHARED}swe-agent/django__django-16139.traj`,
  `${OWN}cli-config.traj.json`,
  `${OWN}csv-export.chat.json`,
  `${OWN}csv-export.chat.jsonl`,
  `${OWN}port-check.md`,
  `${OWN}labelled-log.txt`,
].map((p) => ({ name: p.split('/').pop()!, text: readFileSync(p, 'utf8') }));

/** Parses; returns 'ok' or 'error', rethrowing anything that is not a TrajectoryParseError. */
function outcome(text: string, name: string): 'ok' | 'error' {
  try {
    const t = parseTrajectory(text, name);
    // A successful parse is a well-formed trajectory.
    expect(typeof t.task).toBe('string');
    t.steps.forEach((s, i) => expect(s.index).toBe(i + 1));
    return 'ok';
  } catch (err) {
    if (err instanceof TrajectoryParseError) {
      expect(err.message.startsWith(`${name}: `)).toBe(true);
      return 'error';
    }
    throw err;
  }
}

const seed = fc.constantFrom(...SEEDS);

describe('parser fuzzing', () => {
  it('random truncations of real files', () => {
    fc.assert(
      fc.property(seed, fc.double({ min: 0, max: 1, noNaN: true }), (f, frac) => {
        outcome(f.text.slice(0, Math.floor(f.text.length * frac)), f.name);
      }),
      { numRuns: 300 },
    );
  });

  it('random in-place mutations: flipped characters, deleted and inserted spans', () => {
    const mutation = fc.record({
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      del: fc.nat({ max: 40 }),
      ins: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('"', '{', '}', '[', ']', ',', ':', 'null', '\\', '\u0000', '\n', '```')),
    });
    fc.assert(
      fc.property(seed, fc.array(mutation, { minLength: 1, maxLength: 4 }), (f, muts) => {
        let text = f.text;
        for (const m of muts) {
          const i = Math.floor(text.length * m.at);
          text = text.slice(0, i) + m.ins + text.slice(i + m.del);
        }
        outcome(text, f.name);
      }),
      { numRuns: 400 },
    );
  });

  it('structural mutations: fields removed or replaced by wrong types in the parsed JSON', () => {
    const jsonSeeds = SEEDS.filter((s) => /\.(json|traj)$/.test(s.name));
    const wrong = fc.oneof(fc.constant(null), fc.integer(), fc.string({ maxLength: 5 }), fc.constant([]), fc.constant({}), fc.boolean());
    fc.assert(
      fc.property(fc.constantFrom(...jsonSeeds), fc.array(fc.tuple(fc.nat(), wrong), { minLength: 1, maxLength: 5 }), (f, edits) => {
        const data = JSON.parse(f.text);
        for (const [pick, value] of edits) {
          // Walk to a random nested object or array and clobber one of its entries.
          let node: unknown = data;
          let p = pick;
          for (let depth = 0; depth < 4 && node && typeof node === 'object'; depth++) {
            const keys = Object.keys(node as object);
            if (!keys.length) break;
            const k = keys[p % keys.length];
            p = Math.floor(p / 3) + 7;
            const child = (node as Record<string, unknown>)[k];
            if (depth === 3 || !child || typeof child !== 'object') {
              if (value === undefined || p % 5 === 0) delete (node as Record<string, unknown>)[k];
              else (node as Record<string, unknown>)[k] = value;
              break;
            }
            node = child;
          }
        }
        outcome(JSON.stringify(data), f.name);
      }),
      { numRuns: 300 },
    );
  });

  it('random bytes and random JSON values', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.constantFrom('x.json', 'x.traj', 'x.md', 'x.bin'), (bytes, name) => {
        outcome(new TextDecoder().decode(bytes), name);
        outcome(String.fromCharCode(...bytes), name);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), fc.constantFrom('x.json', 'x.jsonl', 'x.txt'), (json, name) => {
        outcome(json, name);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 500, unit: 'grapheme' }), (text) => {
        outcome(text, 'notes.md');
      }),
      { numRuns: 300 },
    );
  });

  it('batches never throw and account for every file', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(seed, fc.double({ min: 0, max: 1, noNaN: true })), { maxLength: 6 }), (picks) => {
        const files = picks.map(([f, frac], i) => ({ name: `${i}-${f.name}`, text: f.text.slice(0, Math.floor(f.text.length * frac)) }));
        const r = parseTrajectories(files);
        expect(r.ok.length + r.errors.length).toBe(files.length);
      }),
      { numRuns: 100 },
    );
  });

  it('the whole seed files still parse (the fuzz starts from valid input)', () => {
    for (const f of SEEDS) expect(outcome(f.text, f.name)).toBe('ok');
  });
});
