// Procedural category of an insight (Memory Transfer Learning's seven). A memory's own `category` is a decision (rule
// miner, LLM answer, user); without one, this offline classifier guesses from the words. Rules over words, not a
// model: they run unchanged in the CLI without vectors, are readable, and on the labelled sample
// (tests/fixtures/categories.json) they did better than a nearest-centroid over the embedded model's vectors
// (docs/pool-insights.md has both numbers).
import { CATEGORIES, type Category, type Memory } from './memory';

/** The seed's shares of insights per category (paper, Figure 3), in percent, for comparison charts. */
export const SEED_SHARES: Record<Category, number> = {
  'iterative-workflow': 25,
  'test-driven-verification': 20,
  'environment-adaptation': 18,
  'interface-compliance': 15,
  'anti-pattern-avoidance': 8,
  'other-procedural': 8,
  'algorithmic-strategy': 5.5,
};

/** The rule miner's patterns (core/distill/miner.ts) and the category each teaches. Also read from old pools' tags. */
export const PATTERN_CATEGORY: Record<string, Category> = {
  'reproduce-first': 'test-driven-verification',
  'edit-check-loop': 'iterative-workflow',
  'verify-after-change': 'test-driven-verification',
  'rerun-after-failure': 'iterative-workflow',
  'install-missing-tool': 'environment-adaptation',
  'preserve-signatures': 'interface-compliance',
  'locate-before-edit': 'other-procedural',
  'submit-without-verification': 'test-driven-verification',
  'repeated-failed-attempts': 'anti-pattern-avoidance',
  'gave-up': 'anti-pattern-avoidance',
  'only-own-check': 'test-driven-verification',
};

// Cue words per category, written from the category definitions. Each distinct cue counts once; a cue in the title
// counts double (the title states the lesson, the content explains it).
const CUES: Record<Category, RegExp[]> = {
  'iterative-workflow': [
    /\biterat\w*/, /\bincremental\w*/, /\bstep by step\b/, /\bone (thing|change|step|setting|\w+) (at a time|per)\b/, /\bsmall (steps?|edits?|changes?|cycles?)\b/,
    /\b(loops?|cycles?)\b/, /\bcheckpoints?\b/, /\brounds?\b/, /\bre-?run\w*/, /\bplan\b/, /\brevis\w*/, /\bstage by stage\b/, /\bbreak \w+ (down|into)\b|\bsplit\b/,
    /\bfeedback\b/, /\bprogress\b/, /\bbatch(ing)? (of )?(edits|changes)\b/, /\bbefore the (full|whole)\b|\btiny run\b|\bscale up\b/, /\brefine\w*/, /\bfirst, then\b/,
  ],
  'test-driven-verification': [
    /\btest(s|ing)?\b/, /\bverif\w*/, /\breproduc\w*/, /\bregression\b/, /\bsample (cases|inputs)\b/, /\bbrute[- ]force\b/, /\bstress[- ]test\w*/, /\bevidence\b/,
    /\bheld[- ]out\b/, /\bvalidat\w*/, /\bconfirm\w*/, /\bcross-checked\b|\bcheck(ed)? (against|it|the result|that)\b/, /\bread (it )?back\b/, /\bdeclar\w* success\b|\bproves?\b/,
  ],
  'environment-adaptation': [
    /\binstall\w*/, /\bpackages?\b/, /\bdependenc\w*/, /\bnot found\b/, /\bversions?\b/, /\binterpreter\b|\bruntime\b/, /\benvironment\b/, /\bvariables?\b/,
    /\bpermissions?\b|\bsudo\b|\broot\b/, /\b[cg]pu\b|\bhardware\b|\baccelerator\b/, /\bmemory\b|\bram\b/, /\bnetwork\b|\boffline\b|\bmirror\b|\bdownloads?\b/,
    /\bshell\b/, /\bsandbox\b|\bresources?\b|\blimits?\b/, /\bvirtual environment\b|\bvenv\b/, /\bbuild setup\b|\bconfigur\w*/, /\bmachine\b|\bdistribution\b|\bos\b/, /\btools?\b/,
  ],
  'interface-compliance': [
    /\bsignatures?\b/, /\binterfaces?\b/, /\bapi\b/, /\bcontract\b/, /\bformat\w*/, /\bschema\b/, /\bbackward\w*[- ]compat\w*|\bcompatib\w*/, /\bpublic\b/,
    /\bexact(ly)?\b|\bprecisely\b|\bto the letter\b/, /\bspecif(ication|ied|ies)\b|\bspec\b/, /\b(names?|renam\w*)\b/, /\barguments?\b|\bparameters?\b/, /\breturn types?\b/,
    /\bcolumns?\b|\bunits\b/, /\bexpected (format|schema|name|path|columns?)\b|\bgraders?\b|\bcheckers?\b/, /\bcallers?\b/, /\bpath\b/,
  ],
  'anti-pattern-avoidance': [
    /\bavoid\w*/, /\bnever\b/, /\bhard-?cod\w*/, /\bgive up\b|\bgiving up\b|\bquit\w*/, /\bsilenc\w*|\bcatch-all\b/, /\bdestructive\b/, /\bleak\w*/,
    /\banti-?patterns?\b|\bpitfalls?\b/, /\bsweeping\b|\bunrelated\b/, /\bhides?\b|\bsilently\b/, /\bforever\b|\bhang\b/, /\bstop\b/, /\bspecial-?cas\w*/, /\bweaken\w*|\bdelet\w*/,
  ],
  'other-procedural': [
    /\bread(ing)?\b/, /\bdocumentation\b|\bdocs\b|\breadme\b/, /\blocat\w*/, /\bsearch\w*/, /\bexplor\w*/, /\binspect\w*/, /\blook at\b/, /\btrac(e|ing)\b/, /\bcall (chain|path)\b|\bcode path\b/,
    /\bunderstand\w*/, /\bnotes?\b|\blog\b/, /\bhistory\b|\bdiff\b|\bversion control\b/, /\bprior work\b|\bapproach(es|ed)\b/, /\bclarif\w*|\bambigu\w*/, /\bexamples?\b/, /\brequirements?\b|\bstatement\b/, /\blayout\b|\bdirectory\b/,
  ],
  'algorithmic-strategy': [
    /\balgorithms?\b/, /\bcomplexity\b/, /\bquadratic\b|\blinear\b|\blogarithmic\b|\bexponential\b|\bpolynomial\b/, /\bdynamic programming\b|\bmemoi[sz]\w*/, /\brecursion\b/,
    /\bmodul(o|ar)\b|\bprime\b|\boverflow\b/, /\bgraph\b|\bbreadth-first\b|\bshortest paths?\b/, /\bbinary search\b/, /\bsort\w*/, /\bsweep\w*/, /\bhash (map|table)\b|\bdictionary\b/,
    /\bdata structures?\b|\bheap\b|\btrees?\b/, /\bgreedy\b/, /\bnumerical\w*|\bstable\b|\bprecision\b/, /\bnormaliz\w*|\bstandardiz\w*/, /\bgradient\b|\boptimi[sz]\w*/, /\bmodels?\b|\bbaseline\b/, /\bfeatures\b/,
  ],
};

/** A title that forbids ("Do not …", "Avoid …", "Never …") teaches what to avoid. */
const PROHIBITION = /^(do not|don't|never|avoid|stop)\b/i;

export interface CategoryGuess {
  category: Category;
  /** Per category: cue score (title cues count double). */
  scores: Record<Category, number>;
}

/** The offline classifier: the category whose cues the text matches most; `other-procedural` when none match. */
export function classifyCategory(m: Pick<Memory, 'title' | 'description' | 'content'>): CategoryGuess {
  const title = m.title.toLowerCase();
  const body = `${m.description}\n${m.content}`.toLowerCase();
  const scores = {} as Record<Category, number>;
  for (const c of CATEGORIES) {
    let s = 0;
    for (const cue of CUES[c]) s += cue.test(title) ? 2 : cue.test(body) ? 1 : 0;
    scores[c] = s;
  }
  if (PROHIBITION.test(m.title.trim())) scores['anti-pattern-avoidance'] += 3;
  let best: Category = 'other-procedural';
  let bestScore = 0;
  // Ties go to the earlier category in CATEGORIES (the seed's order, most common first).
  for (const c of CATEGORIES) if (scores[c] > bestScore) [best, bestScore] = [c, scores[c]];
  return { category: best, scores };
}

/** A memory's category: its own when decided, the rule miner's from a pattern tag, else the classifier's guess. */
export function categoryOf(m: Pick<Memory, 'title' | 'description' | 'content' | 'tags' | 'category'>): { category: Category; guessed: boolean } {
  if (m.category) return { category: m.category, guessed: false };
  for (const t of m.tags) if (PATTERN_CATEGORY[t]) return { category: PATTERN_CATEGORY[t], guessed: false };
  return { category: classifyCategory(m).category, guessed: true };
}

/** Insights per category (every category listed, in the seed's order). */
export function categoryCounts(memories: readonly Memory[]): Record<Category, number> {
  const out = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  for (const m of memories) if (m.level === 'insight') out[categoryOf(m).category]++;
  return out;
}

export interface LabelledInsight {
  title: string;
  description: string;
  content: string;
  category: Category;
}

/** Share of labelled insights the classifier puts in their labelled category, and the confusion counts. */
export function classifierAccuracy(sample: readonly LabelledInsight[]): { accuracy: number; n: number; confusion: Record<string, Record<string, number>> } {
  const confusion: Record<string, Record<string, number>> = {};
  let right = 0;
  for (const s of sample) {
    const got = classifyCategory(s).category;
    if (got === s.category) right++;
    (confusion[s.category] ??= {})[got] = (confusion[s.category]?.[got] ?? 0) + 1;
  }
  return { accuracy: sample.length ? right / sample.length : 0, n: sample.length, confusion };
}
