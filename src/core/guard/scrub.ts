// Scrub: replace specific tokens with neutral words so a memory keeps its procedure and loses its particulars.
// Deterministic and lossy by design; the user sees the result before saving it.
import { CAPITALISED_PROJECT_RE, KNOWN_PROJECT_RE, PATTERNS } from './specificity';

function identifierWord(id: string): string {
  if (/\(\)$/.test(id) || /^(def|function|fn)\b/.test(id)) return 'a function';
  if (/^__\w+__$/.test(id)) return 'a special method';
  if (/^[A-Z][A-Z0-9_]+$/.test(id)) return 'a constant';
  if (/^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+$/.test(id)) return 'a class';
  if (id.includes('.')) return 'a qualified name';
  return 'an identifier';
}

function inlineWord(code: string): string {
  const c = code.trim();
  if (/\s/.test(c) && !/^[\w.]+\(.*\)$/.test(c)) return 'a command';
  if (new RegExp(PATTERNS.path.source, 'i').test(c)) return 'a file';
  if (/^[\w.]+\(.*\)$/.test(c)) return 'a function call';
  return identifierWord(c);
}

const NOT_IDENTIFIERS = /^(e\.g|i\.e|a\.k\.a|JavaScript|TypeScript|GitHub|GitLab|WebAssembly|IndexedDB|OpenAI|PowerShell|macOS)$/;

/** Replaces paths, identifiers, code, URLs, versions, issue ids, quoted literals and project names with neutral words. */
export function scrub(text: string): string {
  let t = text;
  t = t.replace(PATTERNS.codeFence, 'a code snippet');
  t = t.replace(PATTERNS.url, 'a URL');
  t = t.replace(PATTERNS.inlineCode, (_m, code: string) => inlineWord(code));
  t = t.replace(PATTERNS.repoId, 'a repository');
  t = t.replace(PATTERNS.path, (m) => (m.endsWith('/') ? 'a directory' : 'a file'));
  t = t.replace(KNOWN_PROJECT_RE, 'the project').replace(CAPITALISED_PROJECT_RE, 'the project');
  t = t.replace(PATTERNS.issueId, (m) => `${/^[\s(]/.test(m) ? m[0] : ''}an issue`);
  t = t.replace(/\b(?:version|release|v)\s+\d+(?:\.\d+)+\S*/gi, 'a specific version');
  t = t.replace(PATTERNS.version, 'a specific version');
  t = t.replace(PATTERNS.quoted, 'a literal value');
  t = t.replace(PATTERNS.identifier, (m) => (NOT_IDENTIFIERS.test(m) ? m : identifierWord(m)));
  // Tidy the grammar the substitutions leave behind: "the a file", "a a function", "an a class".
  t = t.replace(/\b(the|a|an|this|that|its|their|our|your)\s+(a|an)\s+/gi, (_m, _det: string, art: string) => `${art} `);
  t = t.replace(/\b(a file)(?:,?\s+a file)+/g, 'files').replace(/\b(an identifier)(?:,?\s+(?:and\s+)?an identifier)+/g, 'several identifiers');
  return t.replace(/[ \t]{2,}/g, ' ');
}

/** The three text fields of a memory (or a draft) scrubbed, ready to merge back into it. */
export function scrubFields(m: { title: string; description?: string; content: string }): { title: string; description: string; content: string } {
  return { title: scrub(m.title), description: scrub(m.description ?? ''), content: scrub(m.content) };
}
