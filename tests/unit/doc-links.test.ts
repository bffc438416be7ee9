// A newcomer follows the README into docs/: every relative link there must lead to a file that exists, and a link to a
// heading (`file.md#anchor`, `#anchor`) to a heading that exists, slugged as GitHub renders it. Parsed with marked, so
// links inside code blocks are not links and links inside tables are.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Lexer, marked, type Token, type Tokens } from 'marked';
import GithubSlugger from 'github-slugger';

const root = resolve(import.meta.dirname, '../..');
const docs = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(root, 'docs', f));
const files = [join(root, 'README.md'), ...docs];

function tokensOf(path: string): Token[] {
  return Lexer.lex(readFileSync(path, 'utf8'));
}

/** The heading's text as rendered (no backticks, emphasis or link syntax), which is what GitHub slugs. */
function plain(tokens: Token[] | undefined): string {
  return (tokens ?? []).map((t) => ('tokens' in t && t.tokens ? plain(t.tokens) : 'text' in t ? String(t.text) : '')).join('');
}

function anchorsOf(path: string): Set<string> {
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  marked.walkTokens(tokensOf(path), (t) => {
    if (t.type === 'heading') anchors.add(slugger.slug(plain((t as Tokens.Heading).tokens)));
  });
  return anchors;
}

function linksOf(path: string): string[] {
  const hrefs: string[] = [];
  marked.walkTokens(tokensOf(path), (t) => {
    if (t.type === 'link' || t.type === 'image') hrefs.push((t as Tokens.Link).href);
  });
  return hrefs;
}

/** What is wrong with one link from `from`, or undefined when it resolves. External links are not fetched. */
function problem(from: string, href: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href)) return undefined;
  const [pathPart, anchor] = href.split('#', 2);
  const target = pathPart ? resolve(dirname(from), decodeURIComponent(pathPart)) : from;
  if (target !== root && !target.startsWith(root + sep)) return `${href}: points outside the repository`;
  if (!existsSync(target)) return `${href}: no such file ${relative(root, target)}`;
  if (anchor !== undefined && anchor !== '') {
    if (!target.endsWith('.md') || statSync(target).isDirectory()) return `${href}: an anchor into a file that has no headings`;
    if (!anchorsOf(target).has(anchor)) return `${href}: ${relative(root, target)} has no heading #${anchor}`;
  }
  return undefined;
}

describe('links in README.md and docs/', () => {
  it('finds the documents and their links (the checker sees what a reader clicks)', () => {
    expect(docs.map((d) => relative(root, d))).toEqual(expect.arrayContaining(['docs/architecture.md', 'docs/benchmarks.md', 'docs/engine.md', 'docs/pool-format.md']));
    expect(linksOf(join(root, 'README.md'))).toEqual(expect.arrayContaining(['docs/screenshot.png', 'docs/pool-format.md']));
  });

  it.each(files.map((f) => [relative(root, f), f]))('every relative link in %s resolves, anchors included', (_name, file) => {
    const broken = linksOf(file).map((href) => problem(file, href)).filter(Boolean);
    expect(broken).toEqual([]);
  });

  it('reports a missing file, a missing heading and a link outside the repository', () => {
    const readme = join(root, 'README.md');
    expect(problem(readme, 'docs/nope.md')).toMatch(/no such file docs\/nope\.md/);
    expect(problem(readme, 'docs/engine.md#no-such-heading')).toMatch(/has no heading #no-such-heading/);
    expect(problem(readme, '../outside.md')).toMatch(/outside the repository/);
    expect(problem(readme, 'docs/engine.md#the-port-tfjs-to-onnx')).toBeUndefined();
    expect(problem(readme, 'https://example.org/x')).toBeUndefined();
  });
});
