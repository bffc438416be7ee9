// Builders shared by the pool-file tests: real memories (through createMemory) with vectors from a test embedder.
import { createMemory, keyText, type KeyMode, type Memory, type MemoryInput } from '../../src/core/memory';
import type { Embedder } from '../../src/core/embedder';
import type { ExportOptions } from '../../src/core/pool-file';

export async function embedded(inputs: MemoryInput[], embedder: Embedder, keyMode: KeyMode = 'title'): Promise<Memory[]> {
  const drafts = inputs.map((i) => createMemory(i, new Date('2026-01-02T03:04:05.000Z')));
  const keys = drafts.map((m) => keyText(m, keyMode));
  const vectors = await embedder.embed(keys);
  return drafts.map((m, i) => ({ ...m, embedding: { model: embedder.model, dims: embedder.dims, key: keys[i], vector: vectors[i] } }));
}

export function exportOptions(embedder: Embedder, extra: Partial<ExportOptions> = {}): ExportOptions {
  return { model: { id: embedder.model, dims: embedder.dims, fingerprint: '' }, keyMode: 'title', appVersion: '0.1.0-test', levels: 'all', now: new Date('2026-11-26T00:00:00.000Z'), ...extra };
}

export const SAMPLE: MemoryInput[] = [
  { title: 'Reproduce the bug before changing code', description: 'Write a failing check first.', content: 'A reproduction turns a vague report into a check you can re-run.', domain: 'swe', outcome: 'success', tags: ['testing'] },
  { title: 'Read the error message to the end', content: 'The last frame of a stack trace usually names the real cause.', domain: 'terminal', level: 'insight' },
  { title: 'Pin the toolchain version', content: 'Builds drift when the compiler updates underneath you.', domain: 'ml-research', level: 'summary', provenance: { distiller: 'rules', trajectoryId: 'run-7', evidence: [1, 4] } },
  { title: 'Plan, edit, test, submit', content: '1. locate 2. edit 3. run tests 4. submit', domain: 'swe', level: 'workflow', outcome: 'failure', scope: 'task-specific' },
];
