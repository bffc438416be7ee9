// The in-browser LLM engine's generation path, in Node: scripts/make-tiny-generator.mjs writes a tiny GPT-2-layout
// model whose greedy answer depends on the level its prompt asks for and on the KV cache transformers.js feeds back.
// A real pipeline('text-generation') must turn our real prompts into answers our strict parser accepts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env, pipeline } from '@xenova/transformers';
import { buildPrompt, distillWithEngine, parseAnswer, type DistillEngine } from '../../src/core/distill';
import { parseTrajectory } from '../../src/core/trajectory';
import { generateText, GenerationCancelledError, type TextGenerator } from '../../src/adapters/embedding/generate';

const FIXTURE = join(process.cwd(), '..', 'shared', 'fixtures', 'trajectories', 'swe-agent', 'pallets__flask-5063.traj');
const temp = mkdtempSync(join(tmpdir(), 'insight-pool-gen-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function make(id: string): string {
  const out = join(temp, ...id.split('/'));
  execFileSync(process.execPath, ['scripts/make-tiny-generator.mjs', '--out', out]);
  return out;
}

let generator: TextGenerator;
const trajectory = parseTrajectory(readFileSync(FIXTURE, 'utf8'), 'pallets__flask-5063.traj');

beforeAll(async () => {
  make('test-org/tiny-gen');
  env.allowRemoteModels = false;
  env.localModelPath = `${temp}/`;
  generator = (await pipeline('text-generation', 'test-org/tiny-gen', { quantized: false })) as unknown as TextGenerator;
});

describe('tiny generator through pipeline("text-generation")', () => {
  it('answers the real insight prompt for a SWE-agent run with an insight our parser accepts', async () => {
    const prompt = buildPrompt('insight', trajectory);
    const { text, tokens } = await generateText(generator, prompt, { maxNewTokens: 256 });
    const [insight, ...more] = parseAnswer('insight', text);
    expect(more).toHaveLength(0);
    expect(insight.title).toBe('Verify the fix with a test');
    expect(insight.description).toBe('Use this whenever a change is meant to fix a reported problem.');
    expect(insight.content).toMatch(/^Reproduce the problem first/);
    expect(tokens).toBeGreaterThan(20); // one token per scripted piece, plus EOS
  });

  it('as a DistillEngine: each level gets its own answer, all parsed, with distiller llm:<id>', async () => {
    const engine: DistillEngine = {
      distiller: 'llm:test-org/tiny-gen',
      complete: async (prompt) => (await generateText(generator, prompt, { maxNewTokens: 256 })).text,
    };
    const insight = await distillWithEngine('insight', trajectory, engine);
    expect(insight.memories.map((m) => m.title)).toEqual(['Verify the fix with a test']);
    expect(insight.memories[0].provenance?.distiller).toBe('llm:test-org/tiny-gen');
    const workflow = await distillWithEngine('workflow', trajectory, engine);
    expect(workflow.memories[0].content).toContain('Steps:\n1. Reproduce the problem with a small script.');
    const summary = await distillWithEngine('summary', trajectory, engine);
    expect(summary.memories[0].title).toBe('A bug fix checked by a test');
  });

  it('goes through the chat template when the tokenizer has one, and returns only the new text', async () => {
    expect(generator.tokenizer.chat_template).toBeTruthy();
    const { text } = await generateText(generator, 'Write 1 to 3 INSIGHTS about this run.', { maxNewTokens: 256 });
    expect(text.startsWith('Title: Verify the fix with a test\n')).toBe(true);
    expect(text).not.toContain('INSIGHTS');
  });

  it('depends on the fed-back cache: a token budget cuts the answer, and the parser says what is missing', async () => {
    const seen: number[] = [];
    const { text, tokens } = await generateText(generator, buildPrompt('insight', trajectory), {
      maxNewTokens: 6,
      onTokens: (n) => seen.push(n),
    });
    expect(tokens).toBe(6);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    expect(text).toBe('Title: Verify the fix with'); // six distinct pieces in order: the step count came from the cache
    expect(() => parseAnswer('insight', text)).toThrow(/missing "description"/);
  });

  it('streams the text so far and stops when cancelled', async () => {
    const partial: string[] = [];
    let stop = false;
    const run = generateText(generator, buildPrompt('summary', trajectory), {
      maxNewTokens: 256,
      onTokens: (n, text) => {
        partial.push(text);
        if (n === 3) stop = true;
      },
      isCancelled: () => stop,
    });
    await expect(run).rejects.toBeInstanceOf(GenerationCancelledError);
    expect(partial).toEqual(['Title', 'Title:', 'Title: A']);
    // The pipeline still works afterwards (the cancel hook is removed).
    const again = await generateText(generator, buildPrompt('summary', trajectory), { maxNewTokens: 256 });
    expect(parseAnswer('summary', again.text).title).toBe('A bug fix checked by a test');
  });

  it('is byte-for-byte reproducible', () => {
    const again = make('test-org/tiny-gen-again');
    for (const f of ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/decoder_model_merged.onnx']) {
      expect(readFileSync(join(again, f)).equals(readFileSync(join(temp, 'test-org', 'tiny-gen', f))), f).toBe(true);
    }
  });
});
