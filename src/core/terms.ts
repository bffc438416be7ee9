// What the lexical index treats as a word: lowercased, English stopwords dropped, Porter2-stemmed (so "installed",
// "installing" and "installation"'s stem "instal" meet). Pure, so the app, the CLI and the eval index alike.
import stem from 'wink-porter2-stemmer';

// Function words only: on the dev set, words like "test" or "error" carry the lesson and must stay.
const STOPWORDS = new Set(
  ('a an and are as at be but by for from has have if in into is it its of on or so such that the their then there these ' +
    'they this to was were will with you your we our i my me not no do does did can could should would than too very just ' +
    'also any all each which who what when where why how out up about over after before more most other some only own ' +
    'same both few because while during been being here them those he she his her us am').split(' '),
);

/** The index term for a token, or null to leave it out. */
export function indexTerm(token: string): string | null {
  const t = token.toLowerCase();
  if (t.length < 2 || STOPWORDS.has(t)) return null;
  return stem(t);
}

// MiniSearch's tokenizer (the reference the lexical index scores like): runs of space or punctuation split words.
const SPACE_OR_PUNCTUATION = /[\n\r\p{Z}\p{P}]+/u;

/** The raw tokens of a text, before lowercasing and stemming (BM25's field length counts the distinct ones). */
export function tokens(text: string): string[] {
  return text.split(SPACE_OR_PUNCTUATION);
}

/** A query's terms in order, repeats kept (a word the task says three times weighs three times). */
export function queryTerms(text: string): string[] {
  const out: string[] = [];
  for (const token of tokens(text)) {
    const term = indexTerm(token);
    if (term) out.push(term);
  }
  return out;
}
