// ReasoningBank-style memory items (Ouyang et al. 2025): markdown with one `# Memory Item` per item and
// `## Title` / `## Description` / `## Content` sections; the text may follow the heading on the same line.
import { LIMITS } from '../../memory';
import { clip, splitLines, toBatch, type ForeignItem, type ForeignOptions } from './common';

const ITEM = /^#\s*Memory\s+Item\b.*$/i;
const FIELD = /^##\s*(Title|Description|Content)\b\s*:?\s*(.*)$/i;

export function looksLikeReasoningBank(text: string): boolean {
  return /^#\s*Memory\s+Item\b/im.test(text) || (/^##\s*Title\b/im.test(text) && /^##\s*Content\b/im.test(text));
}

export function parseReasoningBankItems(text: string): ForeignItem[] {
  const items: { line: number; fields: Record<string, string[]> }[] = [];
  let current: { line: number; fields: Record<string, string[]> } | undefined;
  let field: string | undefined;
  let inFence = false;
  splitLines(text).forEach((raw, i) => {
    const line = raw.trimEnd();
    if (/^\s*```/.test(line)) {
      // Items are often pasted inside a code fence from an LLM answer; a fence inside Content is kept.
      if (field === 'content' && current?.fields.content?.length) current.fields.content.push(line);
      inFence = !inFence;
      return;
    }
    if (ITEM.test(line)) {
      current = { line: i + 1, fields: {} };
      items.push(current);
      field = undefined;
      return;
    }
    const f = FIELD.exec(line);
    if (f) {
      const name = f[1].toLowerCase();
      // Files without `# Memory Item` headings: a new Title starts a new item.
      if (!current || (name === 'title' && current.fields.title)) {
        current = { line: i + 1, fields: {} };
        items.push(current);
      }
      field = name;
      current.fields[name] = f[2] ? [f[2]] : [];
      return;
    }
    if (current && field) current.fields[field].push(line);
  });
  void inFence;
  return items
    .filter((it) => it.fields.title || it.fields.content)
    .map((it) => {
      const get = (k: string) => (it.fields[k] ?? []).join('\n').trim();
      const title = get('title').replace(/\s+/g, ' ');
      return {
        line: it.line,
        input: {
          title: clip(title, LIMITS.title),
          description: clip(get('description').replace(/\s+/g, ' '), LIMITS.description),
          content: get('content'),
          tags: ['reasoning-bank'],
        },
      };
    });
}

export function parseReasoningBank(text: string, options: ForeignOptions = {}) {
  return toBatch('reasoning-bank', parseReasoningBankItems(text), options);
}
