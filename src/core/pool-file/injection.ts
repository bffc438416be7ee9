// Memories end up in agents' system prompts, so a shared pool is an injection channel. Text that reads like
// instructions to an agent, or hides characters from a human reviewer, is flagged on import and shown to the user
// before anything is written. Flagging, not blocking: "ignore the flaky test" is a legitimate lesson.
import type { Memory } from '../memory';

export type InjectionKind = 'instruction-override' | 'role-tag' | 'role-prefix' | 'hidden-unicode' | 'bidi-control' | 'tag-characters';

export interface InjectionFlag {
  kind: InjectionKind;
  /** Field of the memory the text sits in: `title`, `content`, `tags.2`, … */
  field: string;
  /** What was matched, made visible (hidden characters written as U+XXXX). */
  match: string;
  message: string;
}

const OVERRIDE = [
  /\b(ignore|disregard|forget|override|bypass)\s+(all\s+|any\s+|the\s+|your\s+|these\s+|every\s+)*(previous|prior|above|earlier|preceding|system|original|existing)\s+(instructions?|prompts?|rules?|messages?|directions?|guidelines?|context)/i,
  /\byou\s+are\s+now\s+(a|an|in|the)\b/i,
  /\b(new|updated|real)\s+(system\s+)?instructions?\s*:/i,
  /\bdo\s+not\s+(tell|inform|reveal\s+to)\s+the\s+user\b/i,
  /\b(reveal|print|output|repeat|leak)\s+(your|the)\s+(system\s+prompt|hidden\s+instructions|api\s+keys?|secrets?|credentials)/i,
  /\bexfiltrate\b/i,
];

const ROLE_TAGS = [
  /<\|\s*(system|user|assistant|im_start|im_end|endoftext|begin_of_text|start_header_id|end_header_id|eot_id)\s*\|>/i,
  /<\/?\s*(system|system-reminder|system_prompt|instructions?|assistant|human)\s*>/i,
  /\[\/?(INST|SYS)\]|<<\/?SYS>>/,
];

const ROLE_PREFIX = /(^|\n)\s*(system|assistant|developer|human)\s*:/i;

// Zero-width and invisible formatting characters (ZWSP, ZWNJ, ZWJ, word joiner, invisible operators, BOM, soft hyphen,
// Mongolian vowel separator).
const HIDDEN = /[\u200B-\u200D\u2060-\u2064\uFEFF\u00AD\u180E]/g;
// Bidirectional overrides/isolates (Trojan Source) and the implicit marks.
const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;
// Unicode tag characters U+E0000–U+E007F: invisible ASCII look-alikes used to smuggle text.
const TAGS = /[\u{E0000}-\u{E007F}]/gu;

function codepoints(found: string[]): string {
  const uniq = [...new Set(found)];
  return uniq
    .slice(0, 5)
    .map((c) => 'U+' + c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0'))
    .join(' ');
}

function excerpt(text: string, index: number, length: number): string {
  return text.slice(Math.max(0, index), Math.min(text.length, index + Math.min(length, 80)));
}

/** Flags for one piece of text. */
export function scanText(text: string, field: string): InjectionFlag[] {
  const flags: InjectionFlag[] = [];
  for (const re of OVERRIDE) {
    const m = re.exec(text);
    if (m) {
      flags.push({ kind: 'instruction-override', field, match: excerpt(text, m.index, m[0].length), message: `${field} reads like an instruction to the agent` });
      break;
    }
  }
  for (const re of ROLE_TAGS) {
    const m = re.exec(text);
    if (m) {
      flags.push({ kind: 'role-tag', field, match: m[0], message: `${field} contains a chat role tag (${m[0]})` });
      break;
    }
  }
  const prefix = ROLE_PREFIX.exec(text);
  if (prefix) {
    flags.push({ kind: 'role-prefix', field, match: prefix[0].trim(), message: `${field} contains a role prefix ("${prefix[0].trim()}")` });
  }
  const hidden = text.match(HIDDEN);
  if (hidden) {
    flags.push({ kind: 'hidden-unicode', field, match: codepoints(hidden), message: `${field} contains ${hidden.length} invisible character(s) (${codepoints(hidden)})` });
  }
  const bidi = text.match(BIDI);
  if (bidi) {
    flags.push({ kind: 'bidi-control', field, match: codepoints(bidi), message: `${field} contains bidirectional control character(s) (${codepoints(bidi)}) that can reorder what you see` });
  }
  const tags = text.match(TAGS);
  if (tags) {
    flags.push({ kind: 'tag-characters', field, match: codepoints(tags), message: `${field} contains ${tags.length} invisible Unicode tag character(s)` });
  }
  return flags;
}

/** Flags for every text field of a memory. */
export function scanMemory(memory: Pick<Memory, 'title' | 'description' | 'content' | 'domain' | 'tags' | 'sourceModel'>): InjectionFlag[] {
  const flags = [
    ...scanText(memory.title, 'title'),
    ...scanText(memory.description, 'description'),
    ...scanText(memory.content, 'content'),
    ...scanText(memory.domain, 'domain'),
    ...scanText(memory.sourceModel, 'sourceModel'),
  ];
  memory.tags.forEach((t, i) => flags.push(...scanText(t, `tags.${i}`)));
  return flags;
}
