// Agent rule files — CLAUDE.md / AGENTS.md and Cursor's .cursor/rules/*.mdc (YAML front matter with description,
// globs, alwaysApply; markdown body) — are lists of standing instructions. Each bullet or numbered item becomes an
// insight; the heading it sits under becomes a tag, and a bullet ending in ":" gives context to its sub-bullets.
import { LIMITS } from '../../memory';
import { clip, slug, splitLines, titleFrom, toBatch, type ForeignItem, type ForeignOptions } from './common';

export interface RulesFile {
  frontMatter: Record<string, string>;
  items: ForeignItem[];
}

const BULLET = /^(\s*)(?:[-*+]|\d+[.)])\s+(.*)$/;

export function parseFrontMatter(lines: string[]): { data: Record<string, string>; bodyStart: number } {
  if (lines[0]?.trim() !== '---') return { data: {}, bodyStart: 0 };
  const data: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '---') return { data, bodyStart: i + 1 };
    const m = /^([A-Za-z][\w-]*)\s*:\s*(.*)$/.exec(lines[i]);
    if (m) data[m[1]] = m[2].trim().replace(/^["']|["']$/g, '');
  }
  return { data: {}, bodyStart: 0 };
}

export function parseRulesItems(text: string, kind: 'claude-md' | 'cursor-rules'): RulesFile {
  const lines = splitLines(text);
  const { data, bodyStart } = parseFrontMatter(lines);
  const items: ForeignItem[] = [];
  const headings: string[] = [];
  // Open bullets by indentation, to attach continuation lines and parent context.
  let open: { indent: number; line: number; text: string[]; parents: string[]; hasChildren: boolean } | undefined;
  const stack: { indent: number; text: string }[] = [];
  const flush = () => {
    if (!open) return;
    const body = open.text.join(' ').replace(/\s+/g, ' ').trim();
    const isHeader = body.endsWith(':') && body.length < 120;
    if (body && !(isHeader && open.hasChildren)) {
      const heading = headings.filter(Boolean).pop();
      const tags = [kind === 'cursor-rules' ? 'cursor-rule' : 'claude-md'];
      if (heading && slug(heading)) tags.push(slug(heading));
      const context = [data.description, ...open.parents.map((p) => p.replace(/:$/, ''))].filter(Boolean).join(' — ');
      items.push({
        line: open.line,
        input: { title: titleFrom(body), description: clip(context, LIMITS.description), content: body, tags },
      });
    }
    open = undefined;
  };
  let inFence = false;
  for (let i = bodyStart; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*(```|~~~)/.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence) continue;
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    if (h) {
      flush();
      stack.length = 0;
      headings.length = h[1].length - 1;
      headings[h[1].length - 1] = h[2].replace(/#+\s*$/, '').trim();
      continue;
    }
    const b = BULLET.exec(line);
    if (b) {
      const indent = b[1].replace(/\t/g, '    ').length;
      if (open && indent > open.indent) open.hasChildren = true;
      flush();
      while (stack.length && stack[stack.length - 1].indent >= indent) stack.pop();
      const parents = stack.map((s) => s.text).filter((t) => t.endsWith(':'));
      open = { indent, line: i + 1, text: [b[2]], parents, hasChildren: false };
      stack.push({ indent, text: b[2].trim() });
      continue;
    }
    if (!line.trim()) {
      flush();
      continue;
    }
    // Indented continuation of the open bullet; anything else is prose, not a rule.
    if (open && /^\s+/.test(line)) open.text.push(line.trim());
    else flush();
  }
  flush();
  return { frontMatter: data, items };
}

export function looksLikeRules(fileName: string | undefined, text: string): 'claude-md' | 'cursor-rules' | undefined {
  const name = (fileName ?? '').split(/[\\/]/).pop()!.toLowerCase();
  if (name.endsWith('.mdc') || name === '.cursorrules') return 'cursor-rules';
  if (/^(claude|agents|gemini|copilot-instructions)(\.local)?\.md$/.test(name)) return 'claude-md';
  if (name.endsWith('.md') && BULLET.test(text.split('\n').find((l) => BULLET.test(l)) ?? '')) return 'claude-md';
  return undefined;
}

export async function parseRules(text: string, kind: 'claude-md' | 'cursor-rules', options: ForeignOptions = {}) {
  const { items } = parseRulesItems(text, kind);
  return toBatch(kind, items, options);
}
