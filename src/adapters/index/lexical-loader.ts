// The lexical index as the app holds it: rebuilt after every reload in slices that yield to the page, so a large
// pool opens (lists, filters, edits) as soon as its vector index is ready, and BM25 fills in behind it (~1 s of work for
// 100k memories; a pool under one slice is complete at once). Searches wait for the build they need.
import { LexicalIndex, type LexicalDoc } from './lexical';

/** Memories indexed per slice: 50–100 ms of work (bench: 100k in 0.9–1.35 s), so the page stays responsive. */
const SLICE = 5000;

const yieldToPage = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export class LexicalLoader {
  private index = new LexicalIndex();
  private build: Promise<void> = Promise.resolve();
  private generation = 0;
  /** Edits made while a build runs, replayed on the new index in order (the build holds older copies). */
  private edits: ((index: LexicalIndex) => void)[] | undefined;

  get size(): number {
    return this.index.size;
  }

  /** Starts over from these memories; the previous build, if any, is abandoned. */
  rebuild(memories: readonly LexicalDoc[]): void {
    const generation = ++this.generation;
    const next = new LexicalIndex();
    this.edits = [];
    this.build = (async () => {
      for (let i = 0; i < memories.length; i += SLICE) {
        if (i > 0) await yieldToPage();
        if (generation !== this.generation) return;
        next.add(memories.slice(i, i + SLICE));
      }
      if (generation !== this.generation) return;
      for (const edit of this.edits ?? []) edit(next);
      this.edits = undefined;
      this.index = next;
    })();
  }

  add(memories: readonly LexicalDoc[]): void {
    this.apply((index) => index.add(memories));
  }

  remove(ids: readonly string[]): void {
    this.apply((index) => index.remove(ids));
  }

  /** Resolves when the latest build is complete. */
  async ready(): Promise<void> {
    let build: Promise<void>;
    do {
      build = this.build;
      await build;
    } while (build !== this.build);
  }

  /**
   * BM25 matches from the last complete index (see LexicalIndex.query). Callers wait for `ready()` first; one that
   * races a rebuild begun meanwhile (another tab wrote) gets the previous complete index, not an error.
   */
  query(text: string, n: number, accept?: (id: string) => boolean): { id: string; score: number }[] {
    return this.index.query(text, n, accept);
  }

  private apply(edit: (index: LexicalIndex) => void): void {
    if (this.edits) this.edits.push(edit);
    else edit(this.index);
  }
}
