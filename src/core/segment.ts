// Long task texts, cut into pieces the embedded model reads whole. USE-lite reads 128 tokens, so a GitHub issue or an
// agent's plan embedded as one text is judged by its first paragraph. Each sentence (or plan step) is embedded on its
// own and the vectors are averaged: on the labelled dev set this lifted dense recall@3 on transfer tasks from 0.19 to
// 0.25 and hybrid from 0.36 to 0.44 (docs/retrieval.md). Windows of 30/60/90 words and sentence packs measured
// within noise of sentences; pooling the per-sentence *scores* (max, top-2, log-sum-exp) measured worse than averaging
// the vectors, and so did segmenting the (short) memories.

/** Sentences and list items of a text, whitespace collapsed; a text with no break is one segment. */
export function segments(text: string): string[] {
  const out: string[] = [];
  // Paragraphs, and list items (a plan's "1." / "2)" / "- " steps) even when they follow each other line by line.
  for (const block of text.split(/\n\s*\n|\n(?=\s*(?:\d+[.)]|[-*•])\s)/)) {
    const paragraph = block.replace(/\s+/g, ' ').trim();
    if (!paragraph) continue;
    // A sentence ends at . ! ? ; : followed by space and something that starts a new one.
    for (const sentence of paragraph.split(/(?<=[.!?;:])\s+(?=[A-Z0-9`'"(])/)) {
      const s = sentence.trim();
      if (s.length > 2) out.push(s);
    }
  }
  return out.length ? out : [text.trim()];
}

/** The normalized mean of normalized vectors: one query vector for a segmented text. */
export function meanVector(vectors: readonly Float32Array[]): Float32Array {
  if (vectors.length === 0) throw new Error('meanVector needs at least one vector');
  if (vectors.length === 1) return vectors[0];
  const out = new Float32Array(vectors[0].length);
  for (const v of vectors) for (let i = 0; i < out.length; i++) out[i] += v[i];
  let norm = 0;
  for (let i = 0; i < out.length; i++) norm += out[i] * out[i];
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < out.length; i++) out[i] /= norm;
  return out;
}
