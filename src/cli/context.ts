// What every command gets: output streams, the embedder factory (injectable, so tests run in-process with a test
// embedder and the real CLI loads transformers.js on onnxruntime-node), and the app version for file headers.
import { keyText, type KeyMode, type Memory } from '../core/memory';
import type { Embedder, EmbedProgress } from '../core/embedder';
import { sameModel, type ModelRef } from '../core/pool-file';
import { DEFAULT_MODEL_ID } from '../core/models';

export type CliEmbedder = Embedder & { fingerprint?: string };

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Standard input (for `embed`). */
  stdin?: AsyncIterable<string | Uint8Array> | string;
  /** Loads the embedder for a model id (undefined = the embedded default). */
  createEmbedder?: (model: string | undefined) => Promise<CliEmbedder>;
  appVersion?: string;
}

export class CliContext {
  private embedders = new Map<string, Promise<CliEmbedder>>();

  constructor(readonly io: CliIo) {}

  get appVersion(): string {
    return this.io.appVersion ?? '0.0.0-dev';
  }

  out(text = ''): void {
    this.io.stdout.write(text + '\n');
  }

  note(text: string): void {
    this.io.stderr.write(text + '\n');
  }

  embedder(model: string | undefined): Promise<CliEmbedder> {
    const id = model ?? DEFAULT_MODEL_ID;
    let e = this.embedders.get(id);
    if (!e) {
      if (!this.io.createEmbedder) throw new Error('no embedder available in this environment');
      e = this.io.createEmbedder(model);
      this.embedders.set(id, e);
    }
    return e;
  }

  /** Progress on stderr for long embedding runs (one line per 10%), so a terminal user sees it is working. */
  progress(label: string): (p: EmbedProgress) => void {
    let shown = -1;
    return (p) => {
      if (p.phase !== 'embed' || p.total < 200) return;
      const tenth = Math.floor((10 * p.done) / p.total);
      if (tenth > shown) {
        shown = tenth;
        this.note(`${label}: ${p.done}/${p.total}`);
      }
    };
  }

  async readStdin(): Promise<string> {
    const input = this.io.stdin;
    if (input === undefined) return '';
    if (typeof input === 'string') return input;
    const decoder = new TextDecoder();
    let text = '';
    for await (const chunk of input) text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    return text + decoder.decode();
  }
}

export function modelRef(e: CliEmbedder): ModelRef {
  return { id: e.model, dims: e.dims, fingerprint: e.fingerprint ?? '' };
}

/**
 * Makes every memory carry a vector of `embedder` for the pool's key mode, re-embedding those that do not (new
 * memories, a pool file written with another model, another key mode). Vectors of different models never mix.
 * Returns how many were (re-)embedded.
 */
export async function alignVectors(memories: Memory[], embedder: CliEmbedder, keyMode: KeyMode, fileModel: ModelRef | undefined, ctx: CliContext, what = 'memories'): Promise<number> {
  const target = modelRef(embedder);
  const fileMatches = fileModel === undefined || sameModel(fileModel, target);
  const stale = memories.filter((m) => {
    const e = m.embedding;
    return !fileMatches || !e || e.model !== target.id || e.vector.length !== target.dims || e.key !== keyText(m, keyMode);
  });
  if (!stale.length) return 0;
  const keys = stale.map((m) => keyText(m, keyMode));
  const vectors = await embedder.embed(keys, ctx.progress(`embedding ${what} with ${target.id}`));
  stale.forEach((m, i) => {
    m.embedding = { model: target.id, dims: vectors[i].length, key: keys[i], vector: vectors[i] };
  });
  return stale.length;
}
