// Small text helpers shared by the parsers. Observations can be megabytes (file dumps, test logs):
// the head says what ran, the tail says how it ended, the middle is rarely worth keeping.

export const LIMITS = {
  task: 6_000,
  thought: 2_000,
  action: 2_000,
  observation: 1_500,
} as const;

export function truncateMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = (n: number) => `\n[… ${n} characters omitted …]\n`;
  const budget = Math.max(0, max - marker(text.length).length);
  const head = Math.ceil(budget * 0.6);
  const tail = budget - head;
  const omitted = text.length - head - tail;
  return text.slice(0, head) + marker(omitted) + (tail > 0 ? text.slice(text.length - tail) : '');
}

/** Trims, collapses runs of blank lines (terminal screens pad with dozens) and caps the length. */
export function clean(text: string | undefined | null, max: number): string | undefined {
  if (text == null) return undefined;
  const t = String(text)
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return t ? truncateMiddle(t, max) : undefined;
}

/** Text of a chat `content` that may be a string, a list of parts ({type:'text', text}) or null. */
export function contentText(content: unknown): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map(contentText).filter(Boolean).join('\n');
  if (typeof content === 'object') {
    const o = content as Record<string, unknown>;
    if (typeof o.text === 'string') return o.text;
    if (typeof o.content === 'string' || Array.isArray(o.content)) return contentText(o.content);
    return '';
  }
  return String(content);
}

/** File name without directories and without trajectory-ish extensions: the fallback trajectory id. */
export function fileStem(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const stem = base.replace(/(\.(traj|trajectory|json|jsonl|ndjson|md|markdown|txt|log))+$/i, '');
  return stem || base || 'trajectory';
}

const BASH_NAMES = /^(bash|sh|shell|execute_bash|run|run_command|bash_command|terminal|exec|execute_command|cmd)$/i;

/** One readable line for a tool call, whatever the harness: shell tools show the command itself. */
export function formatToolCall(name: string, args: unknown): string {
  let a: unknown = args;
  if (typeof a === 'string') {
    try {
      a = JSON.parse(a);
    } catch {
      return `${name} ${a}`.trim();
    }
  }
  if (a && typeof a === 'object' && !Array.isArray(a)) {
    const o = a as Record<string, unknown>;
    if (typeof o.keystrokes === 'string') return o.keystrokes.trim();
    if (typeof o.command === 'string' && (BASH_NAMES.test(name) || !o.path)) {
      return BASH_NAMES.test(name) ? o.command.trim() : `${name} ${o.command}`.trim();
    }
    if (typeof o.path === 'string') {
      const verb = typeof o.command === 'string' ? ` ${o.command}` : '';
      const body = ['file_text', 'new_str', 'content'].map((k) => o[k]).find((v) => typeof v === 'string') as string | undefined;
      return `${name}${verb} ${o.path}${body ? `\n${body}` : ''}`;
    }
    const keys = Object.keys(o);
    if (keys.length === 0) return name;
    return `${name} ${JSON.stringify(o)}`;
  }
  return a == null ? name : `${name} ${String(a)}`;
}
