// A diff a reviewer can read: which memories a change adds, removes or edits, by title, with the abstraction guard's
// warning beside any new or rewritten memory too specific to share — the step where a team stops a leaky memory
// before it reaches everyone's agents. And the text `git diff` compares (textconv): one block per memory, titles
// first, vectors never shown.
import { shouldWarn } from '../guard';
import type { Level } from '../memory';
import { byId, stableJson, type JsonObject } from './git-form';
import type { RawPoolFile, RawRecord } from './raw';

export interface ChangedMemory {
  before: RawRecord;
  after: RawRecord;
  /** Fields whose value differs (vectors not counted). */
  fields: string[];
}

export interface PoolDiff {
  added: RawRecord[];
  removed: RawRecord[];
  changed: ChangedMemory[];
}

const IGNORED = new Set(['embedding']);

export function diffPools(before: RawPoolFile | undefined, after: RawPoolFile): PoolDiff {
  const old = new Map((before?.records ?? []).map((r) => [r.id, r]));
  const now = new Map(after.records.map((r) => [r.id, r]));
  const added = after.records.filter((r) => !old.has(r.id)).sort(byId);
  const removed = (before?.records ?? []).filter((r) => !now.has(r.id)).sort(byId);
  const changed: ChangedMemory[] = [];
  for (const r of [...after.records].sort(byId)) {
    const o = old.get(r.id);
    if (!o) continue;
    const fields = [...new Set([...Object.keys(o), ...Object.keys(r)])].filter((k) => !IGNORED.has(k) && stableJson(o[k]) !== stableJson(r[k]));
    if (fields.length) changed.push({ before: o, after: r, fields });
  }
  return { added, removed, changed };
}

/** The guard's warning for a memory of a pool file, or null. */
export function guardWarning(r: RawRecord): string | null {
  return shouldWarn({ level: r.level as Level | undefined, title: String(r.title ?? ''), description: String(r.description ?? ''), content: String(r.content ?? '') });
}

const label = (r: RawRecord) => `"${String(r.title)}" [${String(r.level ?? 'insight')} · ${String(r.domain ?? 'general')}] id ${r.id}`;
const TEXT = ['title', 'description', 'content', 'level'];

/** The review text of `insight-pool diff`: a summary line, then one line per memory, warnings indented below. */
export function formatPoolDiff(diff: PoolDiff): string {
  const out = [`${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed`];
  let warnings = 0;
  const warn = (r: RawRecord) => {
    const w = guardWarning(r);
    if (w) {
      warnings++;
      out.push(`    ⚠ too specific to share: ${w}`);
    }
  };
  for (const r of diff.added) {
    out.push(`+ added   ${label(r)}`);
    warn(r);
  }
  for (const r of diff.removed) out.push(`- removed ${label(r)}`);
  for (const c of diff.changed) {
    const renamed = c.fields.includes('title') ? ` (was "${String(c.before.title)}")` : '';
    out.push(`~ changed ${label(c.after)}${renamed}: ${c.fields.join(', ')}`);
    // An edit can make a shareable memory leaky; one that did not touch the text cannot.
    if (c.fields.some((f) => TEXT.includes(f)) && !guardWarning(c.before)) warn(c.after);
  }
  if (warnings) out.push(`${warnings} memor${warnings === 1 ? 'y is' : 'ies are'} too specific to share: scrub or rewrite ${warnings === 1 ? 'it' : 'them'} before merging.`);
  return out.join('\n');
}

const SHOWN = new Set(['id', 'title', 'description', 'content', 'level', 'domain', 'outcome', 'scope', 'tags', 'sourceModel', 'createdAt', 'embedding']);
const empty = (v: unknown) => v === undefined || (Array.isArray(v) ? v.length === 0 : v !== null && typeof v === 'object' && Object.keys(v).length === 0);

function fieldText(v: unknown): string {
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object')) return v.join(', ');
  if (v !== null && typeof v === 'object') {
    return Object.entries(v as JsonObject)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => `${k} ${typeof x === 'object' ? stableJson(x) : String(x)}`)
      .join(' · ');
  }
  return String(v);
}

/**
 * What `git diff` compares for a pool file (the textconv): a block per memory, sorted by id like the git form,
 * starting with the title so every hunk names its memory, then the facets, the text, other fields (usage, category,
 * provenance …) and the guard's warning. Vectors are never printed.
 */
export function renderPoolText(file: RawPoolFile): string {
  const h = file.header ?? {};
  const model = (h.model as JsonObject | undefined)?.id;
  const out = [`insight-pool file${h.form ? ` (${String(h.form)} form)` : ''} · model ${String(model ?? '?')} · key ${String(h.keyMode ?? '?')}${h.description ? ` · ${String(h.description)}` : ''}`, ''];
  for (const r of [...file.records].sort(byId)) {
    out.push(`## ${String(r.title)}`);
    const tags = Array.isArray(r.tags) && r.tags.length ? ` · tags ${(r.tags as unknown[]).join(', ')}` : '';
    out.push(`${String(r.level ?? 'insight')} · ${String(r.domain ?? 'general')} · ${String(r.outcome ?? 'unknown')} · ${String(r.scope ?? 'task-agnostic')}${tags} · by ${String(r.sourceModel ?? 'unknown')} · ${String(r.createdAt ?? '')} · id ${r.id}`);
    if (r.description) out.push(`description: ${String(r.description)}`);
    out.push(...String(r.content ?? '').split('\n').map((l) => `  ${l}`));
    for (const [k, v] of Object.entries(r)) if (!SHOWN.has(k) && !empty(v)) out.push(`${k}: ${fieldText(v)}`);
    const w = guardWarning(r);
    if (w) out.push(`⚠ too specific to share: ${w}`);
    out.push('');
  }
  return out.join('\n');
}
