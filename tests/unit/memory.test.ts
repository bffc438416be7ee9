import { describe, expect, it } from 'vitest';
import { createMemory, keyText, MemoryValidationError, matchesFilter, contentHash } from '../../src/core/memory';

describe('createMemory', () => {
  it('fills defaults from title and content alone', () => {
    const m = createMemory({ title: 'Reproduce first', content: 'Write a failing test before the fix.' });
    expect(m).toMatchObject({ level: 'insight', outcome: 'unknown', scope: 'task-agnostic', domain: 'general', tags: [] });
    expect(m.id).toMatch(/[0-9a-f-]{36}/);
    expect(new Date(m.createdAt).toString()).not.toBe('Invalid Date');
  });

  it.each([
    [{ title: '   ', content: 'x' }, /title must not be empty/],
    [{ title: 't', content: 'x'.repeat(100_001) }, /content is too long/],
    [{ title: 7, content: 'x' }, /title must be a string/],
    [{ title: 't', content: 'x', level: 'poem' }, /level must be one of/],
    [{ title: 't', content: 'x', tags: 'a,b' }, /tags must be an array/],
    [{ title: 't', content: 'x', colour: 'red' }, /unknown field: colour/],
    ['just a string', /must be an object/],
    [null, /must be an object/],
  ])('rejects %j with a message naming the field', (input, message) => {
    expect(() => createMemory(input)).toThrow(MemoryValidationError);
    expect(() => createMemory(input)).toThrow(message);
  });
});

describe('keyText', () => {
  const m = { title: 'T', description: 'D', content: 'C' };
  it('keys on the title by default, as the paper does, or on more text when asked', () => {
    expect(keyText(m, 'title')).toBe('T');
    expect(keyText(m, 'title+description')).toBe('T. D');
    expect(keyText(m, 'full')).toBe('T\nD\nC');
  });
});

describe('filters and hashes', () => {
  const m = createMemory({ title: 'Run tests after each edit', content: 'Keep the loop short.', domain: 'swe', tags: ['loop'] });
  it('filters by domain exclusion and text', () => {
    expect(matchesFilter(m, { excludeDomains: ['swe'] })).toBe(false);
    expect(matchesFilter(m, { excludeDomains: ['terminal'], text: 'LOOP' })).toBe(true);
  });
  it('hashes what a memory says, not its id', async () => {
    const twin = createMemory({ title: 'Run tests after each edit ', content: 'Keep the loop short.' });
    expect(await contentHash(twin)).toBe(await contentHash(m));
  });
});
