// Seeded, made-up test sentences for the model tests (unit and e2e): prose, code-ish text, punctuation, long texts,
// odd whitespace and non-ASCII. Deterministic, so a failure names a sentence that can be reproduced.
import { mulberry32 } from '../../src/bench/synthetic';

const WORDS = (
  'the a of to and in is it that for on with as was be by this are from at or an not have but what all were when we ' +
  'there can use each which she do how their if will up other about out many then them these so some her would make ' +
  'like him into time has look two more write go see number no way could people my than first water been call who ' +
  'test tests bug fix error crash config file cache retry timeout query index vector memory agent task tool deploy ' +
  'build compile parser token model network offline browser server client request response database schema migration ' +
  'reproduce failing check before changing code lesson insight workflow trajectory summary domain outcome success'
).split(' ');
const IDENTS = ['getUserById', 'parse_config', 'MAX_RETRIES', 'useEffect', 'np.array', 'std::vector<int>', 'ctx.req.body', 'i++', '__init__', 'x_1'];
const PUNCT = ['.', ',', '!', '?', ';', ':', '...', ' —', ' -', ' (see above)', ' "quoted"', " 'single'", ' [1]', ' {x}', ' #42', ' @user', ' 100%', ' $5.00', ' :)', ' e.g.'];
const UNICODE = [
  'café', 'naïve', 'façade', 'Ünïcödé', 'straße', '日本語のテキスト', '中文句子', '한국어', 'Привет мир', 'Γειά σου', 'مرحبا',
  'ﬁle', 'Ｆｕｌｌ ｗｉｄｔｈ', '①②③', '½ cup', '™', 'emoji 🙂', '🚀 launch', '👩‍💻', 'x²', 'ℌello', '…', '“smart quotes”', '\u00a0nbsp',
];
const CODE = [
  'const x = foo(bar) => { return 42; }',
  'if (err != nil) { return err }',
  'SELECT * FROM users WHERE id = 7;',
  'git commit -m "fix: handle ENOENT"',
  'https://example.com:8080/path?q=1&lang=en#top',
  '/usr/local/bin/node --max-old-space-size=4096',
  'npm ERR! code ERESOLVE',
  'TypeError: Cannot read properties of undefined (reading \'map\')',
  'def f(x): return x ** 2  # square',
  '<div class="card">{title}</div>',
  'C:\\Users\\dev\\project\\src\\main.rs',
  '{"key": [1, 2.5, null, true]}',
];

export function makeSentences(count: number, seed = 1): string[] {
  const rand = mulberry32(seed);
  const pick = <T>(list: T[]): T => list[Math.floor(rand() * list.length)];
  const words = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ');
  const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  const kinds: Array<() => string> = [
    () => `${capital(words(3 + Math.floor(rand() * 12)))}${pick(PUNCT)}`,
    () => `${capital(words(2 + Math.floor(rand() * 6)))} ${pick(IDENTS)} ${words(1 + Math.floor(rand() * 5))}${pick(PUNCT)}`,
    () => pick(CODE),
    () => `${capital(words(2 + Math.floor(rand() * 5)))}: ${pick(CODE)}`,
    () => `${capital(words(2 + Math.floor(rand() * 6)))} ${pick(UNICODE)} ${words(1 + Math.floor(rand() * 4))}${pick(PUNCT)}`,
    () => `${pick(UNICODE)} ${pick(UNICODE)}`,
    // Long: well past the 128-token limit the model clips at.
    () => Array.from({ length: 6 + Math.floor(rand() * 20) }, () => `${capital(words(6 + Math.floor(rand() * 10)))}${pick(PUNCT)}`).join(' '),
    // Odd whitespace the tokenizer must treat like the reference: leading, doubled, tabs, newlines.
    () => ` ${words(3)}  ${words(2)}\t${words(2)}\n${words(2)} `,
    () => `${words(1 + Math.floor(rand() * 2))}`.toUpperCase(),
    () => `${Math.floor(rand() * 100000)} ${words(2)} v${Math.floor(rand() * 10)}.${Math.floor(rand() * 30)}.${Math.floor(rand() * 9)}`,
  ];
  return Array.from({ length: count }, (_, i) => kinds[i % kinds.length]());
}

