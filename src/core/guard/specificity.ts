// The abstraction guard's measure. Memory Transfer Learning found abstract insights transfer across tasks and
// concrete traces mislead; this makes "concrete" countable. Each detector masks what it matched so one token is
// counted once (a path is not also an identifier), except inline code, whose contents are scanned too.
//
// score = 100 × Σ(weight × count) / max(words, 20)
//   i.e. weighted specific tokens per 100 words; 0 = fully abstract. The 20-word floor keeps one name in a short
//   title from reading as extreme. Weights: paths, URLs, repository names, issue ids 3; code fences 4;
//   identifiers 2; versions and inline code 1.5; quoted literals 1.

export interface SpecificityCounts {
  paths: number;
  identifiers: number;
  codeFences: number;
  inlineCode: number;
  urls: number;
  versions: number;
  issueIds: number;
  quotedLiterals: number;
  repoNames: number;
}

export interface Specificity {
  score: number;
  counts: SpecificityCounts;
  words: number;
}

export const SPECIFICITY_WEIGHTS: SpecificityCounts = {
  paths: 3,
  identifiers: 2,
  codeFences: 4,
  inlineCode: 1.5,
  urls: 3,
  versions: 1.5,
  issueIds: 3,
  quotedLiterals: 1,
  repoNames: 3,
};

const FILE_EXT =
  'py|pyi|js|mjs|cjs|ts|tsx|jsx|json|jsonl|md|rst|txt|yml|yaml|toml|cfg|ini|conf|c|h|cc|cpp|hpp|rs|go|java|kt|rb|php|sh|bash|html|css|scss|lock|xml|csv|sql|ipynb|traj|svelte|vue|swift|cs|lua|pl|r|jl|dart|scala|gradle|env|log|patch|diff';

/** Well-known project names (SWE-bench's repositories and common ecosystems): naming one ties a memory to it.
 *  Names that are also English words ("react", "express", "requests") are only counted capitalised, mid-text. */
export const KNOWN_PROJECTS = [
  'django', 'sympy', 'pytest', 'flask', 'sphinx', 'xarray', 'pylint', 'astropy', 'matplotlib', 'seaborn',
  'scikit-learn', 'sklearn', 'numpy', 'pandas', 'scipy', 'werkzeug', 'jinja', 'jinja2', 'pydantic', 'fastapi', 'sqlalchemy',
  'tensorflow', 'pytorch', 'keras', 'angular', 'svelte', 'nextjs', 'webpack', 'laravel', 'kubernetes', 'terraform',
  'openhands', 'swe-agent', 'mini-swe-agent',
] as const;
export const KNOWN_PROJECTS_CAPITALISED = ['React', 'Express', 'Rails', 'Requests', 'Transformers', 'Torch', 'Vue', 'Vite'] as const;

export const KNOWN_PROJECT_RE = new RegExp(String.raw`\b(?:${KNOWN_PROJECTS.map((p) => p.replace(/[-.]/g, '\\$&')).join('|')})\b`, 'gi');
/** Case-sensitive, and not at the start of a sentence or line (where any word is capitalised). */
export const CAPITALISED_PROJECT_RE = new RegExp(String.raw`(?<!^|[.!?:\n]\s*)\b(?:${KNOWN_PROJECTS_CAPITALISED.join('|')})\b`, 'g');

export const PATTERNS = {
  codeFence: /```[\s\S]*?(```|$)|~~~[\s\S]*?(~~~|$)/g,
  url: /\b(?:https?|ftp|file):\/\/[^\s)>\]"'`]+|\bwww\.[a-z0-9-]+\.[a-z]{2,}[^\s)>\]"'`]*/gi,
  inlineCode: /`([^`\n]+)`/g,
  /** SWE-bench style instance ids (owner__repo-123) and owner/repo slugs on code hosts. */
  repoId: /\b[\w.-]+__[\w.-]+-\d+\b|\b(?:github|gitlab|bitbucket)(?:\.com|\.org)?[:/][\w.-]+\/[\w.-]+/gi,
  path: new RegExp(
    String.raw`(?:~|\.{1,2})?(?:\/[\w.@+-]+){2,}\/?|\b[\w.@+-]+(?:\/[\w.@+-]+)+\.(?:${FILE_EXT})\b|\b[\w@+-]+(?:\/[\w.@+-]+){2,}|\b[\w-][\w.-]*\.(?:${FILE_EXT})\b`,
    'gi',
  ),
  issueId: /(?:^|[\s(])#\d{2,}\b|\b(?:GH|PR)-?\s?#?\d+\b|\b(?!(?:UTF|SHA|ISO|AES|RSA|HTTP|TLS|SSL|IPV|ES|ECMA|X)-)[A-Z][A-Z0-9]{1,9}-\d{2,}\b|\bissue\s+#?\d{2,}\b|\bpull request\s+#?\d+\b/g,
  version: /\b[vV]?\d+\.\d+(?:\.\d+)*(?:[-+.]?(?:a|b|rc|dev|post|alpha|beta)\d*)?\b\+?/g,
  quoted: /"[^"\n]{1,80}"|“[^”\n]{1,80}”|(?<![\w'])'[^'\n]{1,60}'(?![\w'])/g,
  // Identifiers: snake_case (incl. dunders), camelCase, PascalCase with two humps, dotted names, calls like f().
  identifier:
    /\b_*[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+_*\b|\b__\w+__\b|\b[a-z]+[A-Z][A-Za-z0-9]*\b|\b[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+\b|\b[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+\b|\b[A-Za-z_]\w*\(\)/g,
} as const;

const NOT_IDENTIFIERS = new Set(['e.g', 'i.e', 'etc', 'vs', 'a.k.a', 'JavaScript', 'TypeScript', 'GitHub', 'GitLab', 'YouTube', 'PowerShell', 'WebAssembly', 'IndexedDB', 'OpenAI', 'LaTeX', 'macOS', 'iOS', 'PyPI', 'DevOps', 'McDonald']);


function countAndMask(text: string, re: RegExp, keep?: (m: string) => boolean): [number, string] {
  let n = 0;
  const masked = text.replace(re, (m) => {
    if (keep && !keep(m)) return m;
    n++;
    return ' '.repeat(m.length);
  });
  return [n, masked];
}

export function wordCount(text: string): number {
  return text.split(/\s+/).filter((w) => /[A-Za-z0-9]/.test(w)).length;
}

/** Counts the specific tokens of a text and scores them (see the formula at the top of this file). */
export function specificity(text: string): Specificity {
  const words = wordCount(text);
  let t = text;
  const counts: SpecificityCounts = { paths: 0, identifiers: 0, codeFences: 0, inlineCode: 0, urls: 0, versions: 0, issueIds: 0, quotedLiterals: 0, repoNames: 0 };
  [counts.codeFences, t] = countAndMask(t, PATTERNS.codeFence);
  [counts.urls, t] = countAndMask(t, PATTERNS.url);
  counts.inlineCode = [...t.matchAll(PATTERNS.inlineCode)].length;
  t = t.replace(/`/g, ' ');
  let repoIds: number;
  [repoIds, t] = countAndMask(t, PATTERNS.repoId);
  [counts.paths, t] = countAndMask(t, PATTERNS.path);
  let projects: number;
  [projects, t] = countAndMask(t, KNOWN_PROJECT_RE);
  let capitalised: number;
  [capitalised, t] = countAndMask(t, CAPITALISED_PROJECT_RE);
  projects += capitalised;
  counts.repoNames = repoIds + projects;
  [counts.issueIds, t] = countAndMask(t, PATTERNS.issueId);
  [counts.versions, t] = countAndMask(t, PATTERNS.version);
  [counts.quotedLiterals, t] = countAndMask(t, PATTERNS.quoted);
  [counts.identifiers, t] = countAndMask(t, PATTERNS.identifier, (m) => !NOT_IDENTIFIERS.has(m.replace(/\.$/, '')) && !/^[A-Z]\.[A-Z]/.test(m));
  let weighted = 0;
  for (const k of Object.keys(counts) as (keyof SpecificityCounts)[]) weighted += counts[k] * SPECIFICITY_WEIGHTS[k];
  const score = Math.round(((100 * weighted) / Math.max(words, 20)) * 10) / 10;
  return { score, counts, words };
}

/** The text of a memory the guard looks at. */
export function memoryText(m: { title: string; description?: string; content: string }): string {
  return [m.title, m.description ?? '', m.content].filter(Boolean).join('\n');
}
