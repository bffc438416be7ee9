// Parsers for what LLMs actually answer: JSON (fenced or not, with prose around it, trailing commas, smart
// quotes), or labelled markdown ("**Title:** …", "## Description", numbered lists). Strict about content —
// a missing field is an error naming it — tolerant about form.
import { z } from 'zod';
import { CATEGORIES, LIMITS, type Category } from '../memory';
import type { LlmLevel } from './prompts';

export interface InsightAnswer {
  title: string;
  description: string;
  content: string;
  /** Set only when the answer named one of the seven categories (a missing or unknown one is not an error). */
  category?: Category;
}
export interface WorkflowAnswer {
  goal: string;
  steps: string[];
  antiPattern?: string;
}
export interface SummaryAnswer {
  title?: string;
  taskSummary: string;
  experience: string;
}
export interface ParsedAnswers {
  insight: InsightAnswer[];
  workflow: WorkflowAnswer;
  summary: SummaryAnswer;
}

export class AnswerParseError extends Error {
  constructor(
    readonly level: LlmLevel,
    readonly reason: string,
  ) {
    super(`${level} answer: ${reason}`);
    this.name = 'AnswerParseError';
  }
}

type Field = 'title' | 'description' | 'content' | 'category' | 'goal' | 'steps' | 'antiPattern' | 'taskSummary' | 'experience' | 'insights';

/** Label spellings → field, per level (a "summary" label means different things at different levels). */
const SYNONYMS: Record<LlmLevel, Record<string, Field>> = {
  insight: {
    title: 'title', name: 'title', heading: 'title', insighttitle: 'title', insightname: 'title',
    description: 'description', desc: 'description', whentoapply: 'description', when: 'description', applies: 'description', summary: 'description', oneliner: 'description',
    content: 'content', principle: 'content', insight: 'content', lesson: 'content', body: 'content', text: 'content', details: 'content', explanation: 'content', rationale: 'content',
    insights: 'insights', memories: 'insights', items: 'insights', lessons: 'insights',
    category: 'category', type: 'category', kind: 'category', insightcategory: 'category', categorie: 'category',
  },
  workflow: {
    goal: 'goal', objective: 'goal', task: 'goal', aim: 'goal', workflowgoal: 'goal',
    steps: 'steps', workflow: 'steps', commands: 'steps', actions: 'steps', keysteps: 'steps', procedure: 'steps', keyactions: 'steps', stepsthatmattered: 'steps',
    antipattern: 'antiPattern', antipatterntoavoid: 'antiPattern', avoid: 'antiPattern', whattoavoid: 'antiPattern', mistake: 'antiPattern', mistakes: 'antiPattern', pitfall: 'antiPattern',
  },
  summary: {
    title: 'title', name: 'title', heading: 'title',
    tasksummary: 'taskSummary', task: 'taskSummary', summary: 'taskSummary', taskdescription: 'taskSummary', problem: 'taskSummary',
    experience: 'experience', experiencesummary: 'experience', lessons: 'experience', lessonslearned: 'experience', why: 'experience', whyitsucceeded: 'experience', whyitfailed: 'experience', reflection: 'experience', analysis: 'experience', outcome: 'experience',
  },
};

const keyOf = (label: string) => label.toLowerCase().replace(/[^a-z]/g, '');

// ---------- JSON ----------

/** Balanced {...} / [...] substrings, outermost first, honouring strings. */
function jsonCandidates(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/```[\w-]*\s*\n([\s\S]*?)```/g)) out.push(m[1]);
  for (let start = 0; start < text.length && out.length < 12; start++) {
    const open = text[start];
    if (open !== '{' && open !== '[') continue;
    let depth = 0;
    let inString = false;
    let end = -1;
    for (let i = start; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) {
          end = i;
          break;
        }
      }
    }
    if (end > start) {
      out.push(text.slice(start, end + 1));
      start = end;
    }
  }
  return out;
}

function tryJson(candidate: string): unknown {
  const attempts = [
    candidate,
    candidate
      .replace(/[\u201C\u201D]/g, '"')
      .replace(/[\u2018\u2019]/g, "'")
      .replace(/,\s*([}\]])/g, '$1')
      .replace(/\/\/[^\n"]*$/gm, ''),
  ];
  for (const a of attempts) {
    try {
      const v = JSON.parse(a.trim());
      if (v && typeof v === 'object') return v;
    } catch {
      // next attempt
    }
  }
  return undefined;
}

function findJson(text: string): unknown {
  for (const c of jsonCandidates(text)) {
    const v = tryJson(c);
    if (v !== undefined) return v;
  }
  return undefined;
}

function stringify(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(stringify).filter(Boolean).join(' ');
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const parts = ['step', 'action', 'command', 'description', 'text', 'why', 'reason'].map((k) => stringify(o[k])).filter(Boolean);
    return parts.length ? parts.join(' — ') : undefined;
  }
  return undefined;
}

/** Maps an object's keys onto fields, via the level's synonyms. */
function fieldsFromObject(level: LlmLevel, o: Record<string, unknown>): Partial<Record<Field, unknown>> {
  const out: Partial<Record<Field, unknown>> = {};
  for (const [k, v] of Object.entries(o)) {
    const f = SYNONYMS[level][keyOf(k)];
    if (f && out[f] === undefined) out[f] = v;
  }
  return out;
}

// ---------- labelled text ----------

const LABEL_LINE =
  /^\s*(?:#{1,6}\s*)?(?:[-*+]\s+|\d+[.)]\s+)?(?:\*\*|__|\*)?\s*([A-Za-z][A-Za-z '\-_/]{0,40}?)\s*(?:\*\*|__|\*)?\s*[:：]\s*(?:\*\*|__|\*)?\s*(.*)$/;
const HEADING_LINE = /^\s*#{1,6}\s+(?:\*\*)?([A-Za-z][A-Za-z '\-_/]{0,40}?)(?:\*\*)?\s*$/;
const INSIGHT_SEPARATOR = /^\s*(?:#{1,6}\s*)?(?:[-*+]\s+)?(?:\*\*|__)?\s*insight\s*#?\s*\d+\s*(?:\*\*|__)?\s*[:.)-]?\s*(?:\*\*|__)?\s*(.*?)\s*(?:\*\*|__)?\s*$/i;

type Record_ = Partial<Record<Field, string[]>>;

/** "- x", "* x", "1. x", "2) x", "Step 3: x". */
const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)]|step\s*\d+\s*[:.)-])\s+/i;

function labelledRecords(level: LlmLevel, text: string): Record_[] {
  const records: Record_[] = [{}];
  let field: Field | undefined;
  let afterBlank = false;
  const cur = () => records[records.length - 1];
  const push = (f: Field, value: string) => {
    const r = cur();
    (r[f] ??= []).push(value);
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    if (level === 'insight') {
      const sep = INSIGHT_SEPARATOR.exec(line);
      if (sep) {
        if (Object.keys(cur()).length) records.push({});
        field = undefined;
        const title = sep[1]?.replace(/^\W+|\*+$/g, '').trim();
        if (title) push('title', title);
        continue;
      }
    }
    const heading = HEADING_LINE.exec(line);
    const labelled = heading ? undefined : LABEL_LINE.exec(line);
    const name = heading?.[1] ?? labelled?.[1];
    const f = name ? SYNONYMS[level][keyOf(name)] : undefined;
    if (f) {
      if (level === 'insight' && f === 'title' && cur().title) records.push({});
      field = f === 'insights' ? undefined : f;
      afterBlank = false;
      const value = labelled?.[2]?.trim();
      if (field && value) push(field, value);
      continue;
    }
    if (!field) continue;
    if (!line.trim()) {
      // A blank line ends a paragraph field (prose after it is chatter); a list may have blank lines between items.
      if (cur()[field]?.length) afterBlank = true;
      if (field !== 'steps' && cur()[field]?.length) field = undefined;
      continue;
    }
    if (field === 'steps' && afterBlank && !LIST_ITEM.test(line)) {
      field = undefined;
      continue;
    }
    afterBlank = false;
    push(field, line.trim());
  }
  return records.filter((r) => Object.keys(r).length);
}

/** "1. **Title** — sentence. sentence." lists, for insight answers that ignore the format entirely. */
function boldListInsights(text: string): InsightAnswer[] {
  const out: InsightAnswer[] = [];
  for (const m of text.matchAll(/^\s*(?:\d+[.)]|[-*+])\s+\*\*(.+?)\*\*\s*[:.\-—–]*\s*([\s\S]*?)(?=^\s*(?:\d+[.)]|[-*+])\s+\*\*|$(?![\s\S]))/gm)) {
    const rest = m[2].replace(/\s+/g, ' ').trim();
    const sentences = rest.match(/[^.!?]+[.!?]+(\s|$)/g)?.map((s) => s.trim()) ?? (rest ? [rest] : []);
    if (sentences.length < 2) continue;
    out.push({ title: m[1], description: sentences[0], content: sentences.slice(1, 4).join(' ') });
  }
  return out;
}

// ---------- normalisation ----------

function tidy(s: string): string {
  let t = s
    .replace(LIST_ITEM, '')
    .replace(/\s+/g, ' ')
    .trim();
  // Strip wrappers only when they enclose the whole value ("…", **…**, `…`), so `cmd` inside a step survives.
  for (let guard = 0; guard < 4; guard++) {
    const m = /^(\*\*|__|["'`*_“])([\s\S]*)(\*\*|__|["'`*_”])$/.exec(t);
    if (!m || m[2].includes(m[1] === '“' ? '”' : m[1]) || (m[1] === '“' ? '”' : m[1]) !== m[3]) break;
    t = m[2].trim();
  }
  return t.replace(/^\*\*\s*|\s*\*\*$/g, '').trim();
}

function tidyTitle(s: string): string {
  const t = tidy(s).replace(/[.:;]+$/, '');
  return t.length > 200 ? `${t.slice(0, 199).replace(/\s+\S*$/, '')}…` : t;
}

function need(level: LlmLevel, value: string | undefined, field: string, where = ''): string {
  const v = value?.trim();
  if (!v) throw new AnswerParseError(level, `missing "${field}"${where}`);
  return v;
}

const joined = (v: unknown): string | undefined => {
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? tidy(x) : stringify(x))).filter(Boolean).join(' ');
  return typeof v === 'string' ? v : stringify(v);
};

/** "Test-driven verification", "test_driven_verification", "`iterative-workflow`." → a category, or undefined. */
function toCategory(v: unknown): Category | undefined {
  const s = typeof v === 'string' ? tidy(v).toLowerCase().replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '') : '';
  return (CATEGORIES as readonly string[]).includes(s) ? (s as Category) : undefined;
}

function toInsight(fields: Partial<Record<Field, unknown>>, n: number, total: number): InsightAnswer {
  const where = total > 1 ? ` in insight ${n}` : '';
  const category = toCategory(joined(fields.category));
  return {
    title: tidyTitle(need('insight', joined(fields.title), 'title', where)),
    description: tidy(need('insight', joined(fields.description), 'description', where)).slice(0, LIMITS.description),
    content: tidy(need('insight', joined(fields.content), 'content', where)),
    ...(category ? { category } : {}),
  };
}

function listItems(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? tidy(x) : (stringify(x) ?? ''))).filter(Boolean);
  if (typeof v === 'string') {
    const lines = v.split('\n').map(tidy).filter(Boolean);
    return lines.length > 1 ? lines : v.split(/\s*(?:;|\s(?=\d+[.)]\s))\s*/).map(tidy).filter(Boolean);
  }
  return [];
}

/** Continuation lines join the list item above them. */
function mergeListLines(lines: string[]): string[] {
  const items: string[] = [];
  for (const l of lines) {
    if (LIST_ITEM.test(l) || !items.length) items.push(l);
    else items[items.length - 1] += ` ${l.trim()}`;
  }
  return items;
}

function stripReasoning(text: string): string {
  return text.replace(/<think(?:ing)?>[\s\S]*?<\/think(?:ing)?>/gi, '').replace(/\r\n?/g, '\n').trim();
}

/**
 * Parses one LLM answer for a level. Accepts JSON (anywhere in the text, fenced or not) or labelled markdown.
 * @throws AnswerParseError naming the missing field (e.g. `insight answer: missing "description" in insight 2`).
 */
export function parseAnswer<L extends LlmLevel>(level: L, text: string): ParsedAnswers[L] {
  if (typeof text !== 'string' || !text.trim()) throw new AnswerParseError(level, 'the answer is empty');
  const body = stripReasoning(text);
  if (!body) throw new AnswerParseError(level, 'the answer contains only reasoning, no result');
  const json = findJson(body);
  try {
    return (level === 'insight' ? parseInsights(body, json) : level === 'workflow' ? parseWorkflow(body, json) : parseSummary(body, json)) as ParsedAnswers[L];
  } catch (err) {
    if (err instanceof AnswerParseError && json === undefined && looksCutOff(body)) {
      throw new AnswerParseError(level, `${err.reason}; the answer looks like JSON cut off before its end (did the model hit its token limit?)`);
    }
    throw err;
  }
}

/** An opening brace that never closes: the usual sign of a max-tokens stop. */
function looksCutOff(text: string): boolean {
  const start = text.search(/[{[]\s*"/);
  if (start < 0) return false;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return depth > 0;
}

function parseInsights(body: string, json: unknown): InsightAnswer[] {
  let items: Partial<Record<Field, unknown>>[] | undefined;
  if (Array.isArray(json)) items = json.filter((x) => x && typeof x === 'object').map((x) => fieldsFromObject('insight', x as Record<string, unknown>));
  else if (json && typeof json === 'object') {
    const top = fieldsFromObject('insight', json as Record<string, unknown>);
    if (Array.isArray(top.insights)) items = top.insights.filter((x) => x && typeof x === 'object').map((x) => fieldsFromObject('insight', x as Record<string, unknown>));
    else if (top.title || top.content || top.description) items = [top];
  }
  if (!items?.length) {
    const records = labelledRecords('insight', body);
    if (records.some((r) => r.title || r.content)) items = records;
  }
  if (!items?.length) {
    const bold = boldListInsights(body);
    if (bold.length) return bold.map((b) => ({ title: tidyTitle(b.title), description: tidy(b.description), content: tidy(b.content) }));
  }
  if (!items?.length) throw new AnswerParseError('insight', 'no insight found: expected JSON {"insights":[{"title","description","content"}]} or "Title:/Description:/Content:" lines');
  return items.slice(0, 5).map((f, i, all) => toInsight(f, i + 1, all.length));
}

const workflowSchema = z.object({ goal: z.string(), steps: z.array(z.string()).min(1), antiPattern: z.string().optional() });

function parseWorkflow(body: string, json: unknown): WorkflowAnswer {
  let fields: Partial<Record<Field, unknown>> =
    json && typeof json === 'object' && !Array.isArray(json) ? fieldsFromObject('workflow', json as Record<string, unknown>) : {};
  if (!fields.goal && !fields.steps) {
    const r = labelledRecords('workflow', body)[0] ?? {};
    fields = { goal: r.goal?.join(' '), steps: r.steps && mergeListLines(r.steps), antiPattern: r.antiPattern?.join(' ') };
    if (!fields.steps && fields.goal) {
      // Goal line, then a bare numbered list.
      const list = [...body.matchAll(/^\s*\d+[.)]\s+(.+)$/gm)].map((m) => tidy(m[1]));
      if (list.length) fields.steps = list;
    }
  }
  const goal = tidy(need('workflow', joined(fields.goal), 'goal'));
  const steps = listItems(fields.steps);
  if (!steps.length) throw new AnswerParseError('workflow', 'missing "steps" (expected a list of actions)');
  const anti = joined(fields.antiPattern);
  return workflowSchema.parse({ goal, steps, antiPattern: anti ? tidy(anti) : undefined });
}

function parseSummary(body: string, json: unknown): SummaryAnswer {
  let fields: Partial<Record<Field, unknown>> =
    json && typeof json === 'object' && !Array.isArray(json) ? fieldsFromObject('summary', json as Record<string, unknown>) : {};
  if (!fields.taskSummary && !fields.experience) {
    const r = labelledRecords('summary', body)[0] ?? {};
    fields = { title: r.title?.join(' '), taskSummary: r.taskSummary?.join(' '), experience: r.experience?.join(' ') };
  }
  const title = joined(fields.title);
  return {
    title: title ? tidyTitle(title) : undefined,
    taskSummary: tidy(need('summary', joined(fields.taskSummary), 'task_summary')),
    experience: tidy(need('summary', joined(fields.experience), 'experience')),
  };
}
