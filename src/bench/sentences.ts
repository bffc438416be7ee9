// Real short sentences for embedding throughput: every sentence of the demo pool (titles,
// descriptions, content), the kind of text the app embeds. Synthetic text would tokenize differently.
import { DEMO_POOL } from '../core/demo-pool';

export function benchSentences(count: number): string[] {
  const all: string[] = [];
  for (const m of DEMO_POOL) {
    all.push(m.title);
    if (m.description) all.push(m.description);
    for (const s of m.content.split(/(?<=[.!?])\s+/)) if (s.trim()) all.push(s.trim());
  }
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) out.push(all[i % all.length]);
  return out;
}
