// Dynamic Cheatsheet (Suzgun et al. 2025): the curated cheatsheet holds `<memory_item>` blocks, each with a
// `<description>` (problem context and solution idea, often with "(Reference: Q1, Q4)") and an `<example>`
// (code or worked strategy), followed by a `** Count: N` usage line. The description becomes the insight; the
// example becomes its content.
import { LIMITS } from '../../memory';
import { clip, slug, titleFrom, toBatch, type ForeignItem, type ForeignOptions } from './common';

export function looksLikeDynamicCheatsheet(text: string): boolean {
  return /<memory_item>/i.test(text);
}

const BLOCK = /<memory_item>([\s\S]*?)(<\/memory_item>|(?=<memory_item>)|$)/gi;

function tag(block: string, name: string): string {
  const m = new RegExp(`<${name}>([\\s\\S]*?)(</${name}>|$)`, 'i').exec(block);
  return m ? m[1].trim() : '';
}

export function parseDynamicCheatsheetItems(text: string): ForeignItem[] {
  const items: ForeignItem[] = [];
  let section = '';
  const sections = [...text.matchAll(/^#{1,3}\s+(.+)$/gm)].map((m) => ({ index: m.index!, title: m[1].trim() }));
  for (const m of text.matchAll(BLOCK)) {
    const start = m.index!;
    section = sections.filter((s) => s.index < start).pop()?.title ?? '';
    const line = text.slice(0, start).split('\n').length;
    const rawDescription = tag(m[1], 'description');
    const example = tag(m[1], 'example');
    const after = text.slice(start + m[0].length, start + m[0].length + 200);
    const count = /^\s*\*\*\s*Count:\s*(\d+)/i.exec(after)?.[1];
    const description = rawDescription.replace(/\(\s*References?:[^)]*\)/gi, '').replace(/\s+/g, ' ').trim();
    if (!description && !example) continue;
    const tags = ['dynamic-cheatsheet'];
    if (section && slug(section)) tags.push(slug(section));
    if (count) tags.push(`count-${count}`);
    items.push({
      line,
      input: {
        title: titleFrom(description || example),
        description: clip(description, LIMITS.description),
        content: example || description,
        tags,
      },
    });
  }
  return items;
}

export function parseDynamicCheatsheet(text: string, options: ForeignOptions = {}) {
  return toBatch('dynamic-cheatsheet', parseDynamicCheatsheetItems(text), options);
}
