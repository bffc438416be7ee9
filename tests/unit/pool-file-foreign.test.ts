// Foreign memory files (fixtures written from each format's public documentation) become insights with provenance,
// detected from content and name.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat, readMemoryFile, PoolFileError } from '../../src/core/pool-file';

const dir = join(import.meta.dirname, 'fixtures/foreign');
const read = (name: string) => readFileSync(join(dir, name));

describe('foreign formats', () => {
  it('ReasoningBank markdown: title/description/content, same-line and next-line sections', async () => {
    const batch = await readMemoryFile(read('reasoning-bank.md'), { fileName: 'reasoning-bank.md', domain: 'web' });
    expect(batch.format).toBe('reasoning-bank');
    expect(batch.entries.map((e) => e.memory.title)).toEqual([
      'Verify the page state before acting',
      'Prefer site search over manual browsing',
      'Detect and stop repeated actions',
    ]);
    const second = batch.entries[1];
    expect(second.line).toBe(6);
    expect(second.memory.description).toBe("When looking for a specific product or page, use the site's own search box first.");
    expect(second.memory.content).toMatch(/^Manual category browsing.*\nTyping the distinguishing/s);
    expect(second.memory).toMatchObject({ level: 'insight', domain: 'web', provenance: { file: 'reasoning-bank.md', distiller: 'import' } });
    expect(batch.entries.every((e) => e.flags.length === 0)).toBe(true);
  });

  it('Dynamic Cheatsheet <memory_item>: description → insight, example → content, section and count → tags', async () => {
    const batch = await readMemoryFile(read('dynamic-cheatsheet.txt'), { fileName: 'cheatsheet.txt' });
    expect(batch.format).toBe('dynamic-cheatsheet');
    expect(batch.entries).toHaveLength(2);
    const [game, check] = batch.entries.map((e) => e.memory);
    // Long first sentences are cut at a word boundary to a title-sized 120 characters.
    expect(game.title).toMatch(/^Game of 24: search over all orderings of the four numbers .* check the result with a…$/);
    expect(game.title.length).toBeLessThanOrEqual(120);
    expect(game.description).not.toMatch(/Reference/);
    expect(game.content).toMatch(/^from itertools import permutations/);
    expect(game.tags).toEqual(['dynamic-cheatsheet', 'solutions-implementation-patterns-and-code-snippets', 'count-3']);
    expect(check.title).toMatch(/^Check the answer with code before committing to it: when a problem can be verified mechanically/);
    expect(check.tags).toContain('general-meta-reasoning-strategies');
  });

  it('CLAUDE.md bullets → insights tagged by heading; parent bullets give context to sub-bullets', async () => {
    const batch = await readMemoryFile(read('CLAUDE.md'), { fileName: 'CLAUDE.md', domain: 'swe' });
    expect(batch.format).toBe('claude-md');
    const titles = batch.entries.map((e) => e.memory.title);
    expect(titles).toContain('Use ES modules (import/export), not CommonJS (require)');
    expect(titles).toContain('run the linter');
    expect(titles).not.toContain('Before committing:');
    expect(batch.entries).toHaveLength(9);
    const lint = batch.entries.find((e) => e.memory.title === 'run the linter')!;
    expect(lint.memory.description).toBe('Before committing');
    expect(lint.memory.tags).toEqual(['claude-md', 'workflow']);
    expect(lint.memory.domain).toBe('swe');
  });

  it('.cursor/rules/*.mdc: front matter description as context, continuation lines joined, @file refs ignored', async () => {
    const batch = await readMemoryFile(read('.cursor/rules/rpc-service.mdc'), { fileName: '.cursor/rules/rpc-service.mdc' });
    expect(batch.format).toBe('cursor-rules');
    expect(batch.entries.map((e) => e.memory.content)).toEqual([
      'Use our internal RPC pattern when defining services.',
      'Always use snake_case for service names.',
      'Validate every request payload at the service boundary and return a typed error instead of throwing.',
    ]);
    expect(batch.entries[0].memory.description).toBe('RPC service boilerplate');
    expect(batch.entries[2].line).toBe(9);
  });

  it('flags injected instructions in a foreign file', async () => {
    const batch = await readMemoryFile(read('injected.md'), { fileName: 'injected.md' });
    expect(batch.entries[0].flags).toMatchObject([{ kind: 'instruction-override', field: 'content' }]);
  });

  it('detects formats from content and name; refuses what it does not know', async () => {
    expect(detectFormat('{"format":"insight-pool","version":1}')).toBe('insight-pool');
    expect(detectFormat(new Uint8Array([0x1f, 0x8b, 8]))).toBe('insight-pool');
    expect(detectFormat('x <memory_item> y')).toBe('dynamic-cheatsheet');
    expect(detectFormat('# Memory Item 3\n## Title a')).toBe('reasoning-bank');
    expect(detectFormat('- one rule', 'AGENTS.md')).toBe('claude-md');
    expect(detectFormat('plain words', 'notes.txt')).toBeUndefined();
    await expect(readMemoryFile('plain words', { fileName: 'notes.txt' })).rejects.toThrow(/^notes\.txt: unrecognised file/);
  });

  it('a bad item names the file and line', async () => {
    const md = `# Memory Item 1\n## Title ok\n## Content fine\n\n# Memory Item 2\n## Title ${'x'.repeat(400)}\n## Content\n`;
    const error = await readMemoryFile(md, { fileName: 'rb.md' }).catch((e) => e);
    expect(error).toBeInstanceOf(PoolFileError);
    expect(error.message).toBe('rb.md: line 5: content must not be empty');
  });
});
