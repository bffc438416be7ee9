// The lexical index: BM25 over title, description, content and tags, the half of hybrid retrieval that catches a
// task's own words ("flaky", "overflow", "migration") where the small embedded model blurs them. Derived data like
// the vector index: built from the store's memories, never the only copy.
//
// Why our own and not MiniSearch (which chose the scoring and is kept as the reference in the tests): at 100k
// memories MiniSearch took 10.9 s to build (the app would wait that long after every reload; target 3 s) and
// 0.35–0.8 s per long query (target: hybrid top-3 in 10 ms), because it keeps a radix tree of Maps and returns
// every matching document as an object before sorting. This index scores exactly as MiniSearch does (BM25+ with
// k 1.2, b 0.7, d 0.5, per-field document frequency and length, each repeated query word counted again, the sum
// multiplied by the number of distinct query words matched) over flat typed-array postings, and keeps only the
// best n. One difference, only where a long query meets a large pool: it scores a bounded number of postings
// (POSTINGS_BUDGET). Its speed is in `npm run bench` (`query.hybrid`, `lexical.build`); MiniSearch's numbers above
// were measured once in Node (docs/retrieval.md).
import type { Memory } from '../../core/memory';
import { indexTerm, queryTerms, tokens } from '../../core/terms';
import { TopK } from './topk';

export type LexicalDoc = Pick<Memory, 'id' | 'title' | 'content' | 'tags'> & { description?: string };
type Doc = LexicalDoc;

const FIELDS = ['title', 'description', 'content', 'tags'] as const;
// Title and description say what the lesson is about in few words: a match there counts more than one in the
// content (dev set: 0.38 recall@3 with these weights, 0.37 with all at 1, 0.33 with title 3 / description 2).
const BOOST = [2, 1.5, 1, 1.5];
const K = 1.2;
const B = 0.7;
const D = 0.5;
const F = FIELDS.length;
/**
 * Postings one query may score (pairs of memory-field and frequency). A long task text in a large pool would otherwise
 * walk every posting of every common word it contains: the bench's issue-sized queries over 100k memories touch ~570k.
 * Past this budget the query's most common words are left out, rarest kept first, as in bounded-accumulator BM25
 * (Moffat & Zobel 1996): those words carry the least weight and cost the most. Below it the ranking is exact, which is
 * every query on pools up to some thousands of memories (the dev set's 80, and its copies in the tests). Bench, 100k
 * memories, three A/B pairs: hybrid p50 9.5–10.0 → 6.9–7.9 ms, BM25 alone 4.0–4.2 → 2.2–2.3 ms. Quality: the dev
 * tasks over the dev memories plus the bench's 100k, BM25 recall@3 0.35 / 0.33 exact, 0.33 / 0.33 within budget.
 */
export const POSTINGS_BUDGET = 250_000;

function fieldText(doc: Doc, f: number): string {
  return f === 3 ? doc.tags.join(' ') : (doc[FIELDS[f] as 'title' | 'description' | 'content'] ?? '');
}

/** A posting list: (slot·4 + field, term frequency) pairs in a typed array that doubles as it grows. */
class Postings {
  data: Int32Array<ArrayBuffer> = new Int32Array(8);
  length = 0;
  push(key: number, tf: number): void {
    if (this.length + 2 > this.data.length) this.data = grow(this.data, this.length + 2);
    this.data[this.length++] = key;
    this.data[this.length++] = tf;
  }
}

export class LexicalIndex {
  /** `postingsBudget`: see POSTINGS_BUDGET (tests set a small one to see the pruning on a small pool). */
  constructor(private readonly postingsBudget = POSTINGS_BUDGET) {}

  private terms = new Map<string, number>();
  // Indexing is mostly tokenizing and stemming: a pool repeats a few thousand words, so each raw token is stemmed
  // once and known by a number (its term's, or -1 for a stopword): 100k memories index in ~1 s in Chromium.
  private tokenIds = new Map<string, number>();
  private tokenTerm = new Int32Array(1024);
  private tokenSeen = new Int32Array(1024);
  private termCount = new Int32Array(1024);
  private stamp = 0;
  private postings: Postings[] = [];
  /**
   * Per term and field: how many memories hold it (BM25's document frequency), counted as they come. Removals only
   * mark it stale (a memory's terms are not kept: 100k small arrays cost ~20% of indexing time); a query then counts
   * the live ones of its own terms, until compaction counts again.
   */
  private df = new Int32Array(64);
  private dfStale = false;
  private slots = new Map<string, number>();
  private ids: string[] = [];
  private alive = new Uint8Array(0);
  /** Per slot and field: the number of distinct tokens (MiniSearch's field length). */
  private lengths = new Uint16Array(0);
  private totalLength = new Float64Array(F);
  private live = 0;
  private dead = 0;
  // Scratch space for queries, grown with the slots and reused.
  private scores = new Float64Array(0);
  private matched = new Uint16Array(0);

  get size(): number {
    return this.live;
  }

  build(memories: Iterable<Doc>): void {
    this.terms.clear();
    this.tokenIds.clear();
    this.postings = [];
    this.df = new Int32Array(64);
    this.dfStale = false;
    this.slots.clear();
    this.ids = [];
    this.alive = new Uint8Array(0);
    this.lengths = new Uint16Array(0);
    this.totalLength.fill(0);
    this.live = 0;
    this.dead = 0;
    this.add(memories);
  }

  add(memories: Iterable<Doc>): void {
    for (const m of memories) {
      // An edit arrives as add after remove; a repeated id would otherwise count its words twice.
      if (this.slots.has(m.id)) this.remove([m.id]);
      this.insert(m);
    }
  }

  remove(ids: Iterable<string>): void {
    for (const id of ids) {
      const slot = this.slots.get(id);
      if (slot === undefined) continue;
      this.slots.delete(id);
      this.alive[slot] = 0;
      this.dfStale = true;
      for (let f = 0; f < F; f++) this.totalLength[f] -= this.lengths[slot * F + f];
      this.live--;
      this.dead++;
    }
    // Postings of removed memories are skipped at query time; past a quarter of them, start over without them.
    if (this.dead > 1000 && this.dead > this.live / 3) this.compact();
  }

  /** The `n` best matches that `accept` lets through, BM25 score first. */
  query(text: string, n: number, accept?: (id: string) => boolean): { id: string; score: number }[] {
    if (this.live === 0 || n <= 0) return [];
    const counts = new Map<number, number>();
    for (const term of queryTerms(text)) {
      const t = this.terms.get(term);
      if (t !== undefined) counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    this.withinBudget(counts);
    const { scores, matched, alive } = this.scratch();
    const lengths = this.lengths;
    const touched: number[] = [];
    // BM25+'s length norm, k·(1 − b + b·len/avg), as k(1 − b) + len·(k·b/avg): no division per posting.
    const kbAvg = Float64Array.from(this.totalLength, (total) => (K * B) / (total / this.live));
    const k1b = K * (1 - B);
    const weight = new Float64Array(F);
    const anyDead = this.dead > 0;
    for (const [t, repeat] of counts) {
      const { data, length } = this.postings[t];
      if (this.dfStale) {
        this.df.fill(0, t * 4, t * 4 + 4);
        for (let i = 0; i < length; i += 2) if (alive[data[i] >> 2]) this.df[t * 4 + (data[i] & 3)]++;
      }
      for (let f = 0; f < F; f++) {
        const df = this.df[t * 4 + f];
        weight[f] = repeat * BOOST[f] * Math.log(1 + (this.live - df + 0.5) / (df + 0.5));
      }
      // A memory's postings for one term are adjacent (its fields are indexed one after another), so a slot
      // different from the previous posting's is this term's first hit there: counted once in `matched`.
      let previous = -1;
      for (let i = 0; i < length; i += 2) {
        const key = data[i];
        const slot = key >> 2;
        if (anyDead && !alive[slot]) continue;
        const f = key & 3;
        const tf = data[i + 1];
        scores[slot] += weight[f] * (D + (tf * (K + 1)) / (tf + k1b + kbAvg[f] * lengths[slot * F + f]));
        if (slot !== previous) {
          if (matched[slot]++ === 0) touched.push(slot);
          previous = slot;
        }
      }
    }
    try {
      // The same bounded top-k as the vector indexes (`accept` runs only for memories that would enter).
      const top = new TopK(Math.min(n, touched.length));
      for (const slot of touched) {
        const score = scores[slot] * matched[slot];
        if (score > top.worst && (!accept || accept(this.ids[slot]))) top.push(slot, score);
      }
      return Array.from(top.slots.subarray(0, top.count), (slot, i) => ({ id: this.ids[slot], score: top.scores[i] }));
    } finally {
      // The scratch arrays are shared by every query: clean, even when `accept` threw.
      for (const slot of touched) {
        scores[slot] = 0;
        matched[slot] = 0;
      }
    }
  }

  /** Leaves out the query's most common terms past the postings budget; the rarest term always stays. */
  private withinBudget(counts: Map<number, number>): void {
    let total = 0;
    for (const t of counts.keys()) total += this.postings[t].length / 2;
    if (total <= this.postingsBudget) return;
    const byRarity = [...counts.keys()].sort((a, b) => this.postings[a].length - this.postings[b].length || a - b);
    let kept = 0;
    for (const [i, t] of byRarity.entries()) {
      kept += this.postings[t].length / 2;
      if (i > 0 && kept > this.postingsBudget) counts.delete(t);
    }
  }

  private insert(m: Doc): void {
    const slot = this.ids.length;
    this.ids.push(m.id);
    this.slots.set(m.id, slot);
    this.ensureCapacity(slot + 1);
    this.alive[slot] = 1;
    this.live++;
    const found: number[] = [];
    for (let f = 0; f < F; f++) {
      const stamp = ++this.stamp;
      let length = 0;
      for (const token of tokens(fieldText(m, f))) {
        const id = this.tokenId(token);
        if (this.tokenSeen[id] !== stamp) {
          this.tokenSeen[id] = stamp;
          length++;
        }
        const t = this.tokenTerm[id];
        if (t < 0) continue;
        if (this.termCount[t]++ === 0) found.push(t);
      }
      // Distinct tokens per field, kept in 16 bits (a 100k pool's lengths in 0.8 MB, not 3.2: the scoring loop reads one per posting).
      this.lengths[slot * F + f] = Math.min(length, 0xffff);
      this.totalLength[f] += this.lengths[slot * F + f];
      for (const t of found) {
        this.postings[t].push(slot * 4 + f, this.termCount[t]);
        this.termCount[t] = 0;
        this.df[t * 4 + f]++;
      }
      found.length = 0;
    }
  }

  /** The number of a raw token, first seen now or before; its term made (and stemmed) once. */
  private tokenId(token: string): number {
    let id = this.tokenIds.get(token);
    if (id !== undefined) return id;
    id = this.tokenIds.size;
    this.tokenIds.set(token, id);
    if (id >= this.tokenTerm.length) {
      this.tokenTerm = grow(this.tokenTerm, id + 1);
      this.tokenSeen = grow(this.tokenSeen, id + 1);
    }
    const term = indexTerm(token);
    if (term === null) {
      this.tokenTerm[id] = -1;
      return id;
    }
    let t = this.terms.get(term);
    if (t === undefined) {
      t = this.postings.length;
      this.terms.set(term, t);
      this.postings.push(new Postings());
      if (this.df.length < (t + 1) * 4) this.df = grow(this.df, (t + 1) * 4);
      if (this.termCount.length <= t) this.termCount = grow(this.termCount, t + 1);
    }
    this.tokenTerm[id] = t;
    return id;
  }

  private ensureCapacity(slots: number): void {
    if (slots <= this.alive.length) return;
    const cap = Math.max(slots, this.alive.length * 2, 64);
    const alive = new Uint8Array(cap);
    alive.set(this.alive);
    this.alive = alive;
    const lengths = new Uint16Array(cap * F);
    lengths.set(this.lengths);
    this.lengths = lengths;
  }

  private scratch() {
    if (this.scores.length < this.alive.length) {
      this.scores = new Float64Array(this.alive.length);
      this.matched = new Uint16Array(this.alive.length);
    }
    return { scores: this.scores, matched: this.matched, alive: this.alive };
  }

  /** Renumbers the live memories' postings without the removed ones (terms stay; an empty list costs nothing). */
  private compact(): void {
    const remap = new Int32Array(this.ids.length).fill(-1);
    const ids: string[] = [];
    for (let slot = 0; slot < this.ids.length; slot++) {
      if (!this.alive[slot]) continue;
      remap[slot] = ids.length;
      ids.push(this.ids[slot]);
    }
    const lengths = new Uint16Array(Math.max(ids.length, 64) * F);
    for (let slot = 0; slot < this.ids.length; slot++) {
      const to = remap[slot];
      if (to >= 0) lengths.set(this.lengths.subarray(slot * F, slot * F + F), to * F);
    }
    this.df.fill(0);
    for (let t = 0; t < this.postings.length; t++) {
      const p = this.postings[t];
      let w = 0;
      for (let i = 0; i < p.length; i += 2) {
        const to = remap[p.data[i] >> 2];
        if (to < 0) continue;
        this.df[t * 4 + (p.data[i] & 3)]++;
        p.data[w++] = to * 4 + (p.data[i] & 3);
        p.data[w++] = p.data[i + 1];
      }
      p.length = w;
    }
    this.ids = ids;
    this.slots = new Map(ids.map((id, slot) => [id, slot]));
    this.alive = new Uint8Array(Math.max(ids.length, 64)).fill(1, 0, ids.length);
    this.lengths = lengths;
    this.dead = 0;
    this.dfStale = false;
  }
}

function grow(a: Int32Array, min: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(Math.max(min, a.length * 2));
  next.set(a);
  return next;
}
