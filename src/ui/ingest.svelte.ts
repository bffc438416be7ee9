// State of one ingest batch: files → trajectories → the four levels, per trajectory, ready to review and save.
// Kept out of the components so the panel only renders it.
import { parseTrajectories, type Trajectory, type OutcomeLabel } from '../core/trajectory';
import { distillRules, distillWithEngine, memoriesFromAnswer, PROMPT_VERSIONS, buildPrompt, type DistillEngine, type LlmLevel } from '../core/distill';
import { memoryText, scrubFields, shouldWarn, specificity } from '../core/guard';
import type { MemoryInput, Scope } from '../core/memory';
import { earlierNearCopy } from '../core/near-copy';
import { readTextFiles, type PickedFile } from '../adapters/files';
import { loadBrowserEngine } from '../adapters/llm-engine';
import { downloadGenerator, generatorSpec, importGeneratorFolder, installedGenerators, type InstalledGenerator } from '../adapters/llm-library';
import { DEFAULT_HUB } from '../adapters/model-library';

export interface Candidate {
  key: string;
  memory: MemoryInput;
  selected: boolean;
  score: number;
  warning: string | null;
  /** Why saving it would add nothing: its content is already in the pool, or earlier in this batch. */
  repeat: string | null;
  /** Checked for repeats once (its content hash kept); after that the user's tick is left alone. */
  looked: boolean;
  hash?: string;
  /** Not a copy, but a near-copy (core/near-copy.ts: same level, whole text) of a memory in the pool or of an earlier candidate. */
  near: string | null;
  /** Checked for near-copies once. */
  nearLooked: boolean;
  /** Its whole-text vector, once checked: later candidates of its level are compared with it. */
  whole?: Float32Array;
}

/** InsightPool.sameContent: per memory, its content hash and the pool's memory with that content. */
export type SameContent = (inputs: MemoryInput[]) => Promise<{ hash?: string; existing?: { title: string } }[]>;
/** InsightPool.nearContent: per memory, its whole-text vector and the closest pool memory when it is a near-copy. */
export type NearContent = (
  inputs: MemoryInput[],
  onProgress: (p: { done: number; total: number }) => void,
  signal: AbortSignal,
) => Promise<{ whole?: Float32Array; existing?: { title: string }; score?: number }[]>;

export interface Item {
  trajectory: Trajectory;
  levels: { trajectory: Candidate[]; workflow: Candidate[]; summary: Candidate[]; insight: Candidate[] };
  error: string;
}

export interface FileStatus {
  name: string;
  ok: boolean;
  message: string;
}

let counter = 0;

function candidate(memory: MemoryInput): Candidate {
  const m = { level: memory.level ?? 'insight', title: memory.title, description: memory.description ?? '', content: memory.content };
  const warning = shouldWarn(m);
  // Insights go in by default; concrete levels only when the user ticks them, because they transfer badly.
  return { key: `c${counter++}`, memory, selected: m.level === 'insight' && !warning, score: specificity(memoryText(m)).score, warning, repeat: null, looked: false, near: null, nearLooked: false };
}

export class IngestBatch {
  files = $state<FileStatus[]>([]);
  items = $state<Item[]>([]);

  constructor(private readonly pool: { sameContent?: SameContent; nearContent?: NearContent } = {}) {}

  private candidates(): { item: Item; c: Candidate }[] {
    return this.items.flatMap((item) => Object.values(item.levels).flat().map((c) => ({ item, c })));
  }

  /**
   * Unticks new candidates that saving would not store (the rule miner finds the same insight in many runs; a folder
   * ingested again is all known), and says why, so "Save N" counts what will be added. Only candidates not looked at
   * before: a box the user ticks again stays ticked. Without a pool to ask, or when asking fails, nothing changes
   * (saving skips copies anyway).
   */
  async markRepeats(): Promise<void> {
    if (!this.pool.sameContent) return;
    const all = this.candidates();
    // Only new candidates are hashed (a pasted answer or a scrub must not re-hash a thousand runs).
    const fresh = all.filter(({ c }) => !c.looked);
    let answers: Awaited<ReturnType<SameContent>>;
    try {
      answers = await this.pool.sameContent(fresh.map(({ c }) => $state.snapshot(c.memory) as MemoryInput));
    } catch {
      return;
    }
    const inPool = new Map<Candidate, string>();
    fresh.forEach(({ c }, i) => {
      c.hash = answers[i]?.hash;
      const existing = answers[i]?.existing;
      if (existing) inPool.set(c, existing.title);
    });
    const firstFrom = new Map<string, string>();
    for (const { item, c } of all) {
      if (!c.hash) continue;
      const earlier = firstFrom.get(c.hash);
      if (earlier === undefined) firstFrom.set(c.hash, item.trajectory.id);
      if (c.looked) continue;
      c.looked = true;
      const existing = inPool.get(c);
      c.repeat = existing !== undefined ? `already in the pool as "${existing}"` : earlier !== undefined ? `same as the one from ${earlier}` : null;
      if (c.repeat) c.selected = false;
    }
  }

  /**
   * Embeds the ticked candidates not checked yet and unticks the near-copies (core/near-copy.ts: same level, whole text
   * within DEFAULT_NEAR_THRESHOLD cosine) of a memory in the pool, or of a candidate before them (an LLM words the same
   * lesson a little differently for every run). They would take a second slot in an agent's top-3 for one lesson. A
   * run's trajectory, workflow and summary share its title but are never copies of each other. The user can tick them
   * back.
   */
  async markNear(signal: AbortSignal, progress: (p: { done: number; total: number }) => void): Promise<void> {
    const todo = this.candidates().filter(({ c }) => c.selected && !c.repeat && !c.nearLooked);
    if (!this.pool.nearContent || todo.length === 0) return;
    const answers = await this.pool.nearContent(todo.map(({ c }) => $state.snapshot(c.memory) as MemoryInput), progress, signal);
    // Candidates checked before (another pasted answer, another distill run) count as earlier ones.
    const kept = this.candidates()
      .filter(({ c }) => c.whole && c.selected && !c.near && !c.repeat)
      .map(({ item, c }) => ({ level: c.memory.level ?? 'insight', whole: c.whole!, title: c.memory.title, from: item.trajectory.id }));
    todo.forEach(({ item, c }, i) => {
      const { whole, existing, score } = answers[i] ?? {};
      c.nearLooked = true;
      if (!whole) return;
      c.whole = whole;
      const level = c.memory.level ?? 'insight';
      if (existing) {
        c.near = `close to "${existing.title}" in the pool (cosine ${(score ?? 1).toFixed(2)})`;
      } else {
        const earlier = earlierNearCopy(kept, (k) => k, { level, whole });
        if (earlier) c.near = `close to "${earlier.entry.title}" from ${earlier.entry.from} (cosine ${earlier.score.toFixed(2)})`;
        else kept.push({ level, whole, title: c.memory.title, from: item.trajectory.id });
      }
      if (c.near) c.selected = false;
    });
  }

  async load(
    picked: PickedFile[],
    options: { domain?: string; sourceModel?: string; outcomes?: Record<string, OutcomeLabel | string> },
    signal: AbortSignal,
    progress: (p: { done: number; total: number }) => void,
  ): Promise<void> {
    const read = await readTextFiles(picked, { signal, onProgress: (done, total) => progress({ done, total }) });
    const readable = read.filter((r) => r.text !== undefined).map((r) => ({ name: r.name, text: r.text! }));
    const { ok, errors } = parseTrajectories(readable, {
      domain: options.domain || undefined,
      sourceModel: options.sourceModel || undefined,
      outcomes: options.outcomes,
    });
    const parsedFiles = new Set(ok.map((t) => t.file));
    this.files = [
      ...read.filter((r) => r.error).map((r) => ({ name: r.name, ok: false, message: r.error! })),
      ...errors.map((e) => ({ name: e.file, ok: false, message: e.message })),
      ...readable.filter((r) => parsedFiles.has(r.name)).map((r) => {
        const t = ok.find((x) => x.file === r.name)!;
        return { name: r.name, ok: true, message: `${t.format}, ${t.steps.length} steps, ${t.outcome}` };
      }),
    ];
    this.items = ok.map((t) => {
      const rules = distillRules(t);
      return {
        trajectory: t,
        levels: {
          trajectory: [candidate(rules.trajectory)],
          workflow: [candidate(rules.workflow)],
          summary: [candidate(rules.summary)],
          insight: rules.insights.map(candidate),
        },
        error: '',
      };
    });
    await this.markRepeats();
  }

  /** The exact prompt for one level, for any LLM the user runs elsewhere. */
  prompt(item: Item, level: LlmLevel, variant: Scope): string {
    return buildPrompt(level, item.trajectory, { variant });
  }

  /** A pasted answer replaces the level's rule-based draft; a parse error names the missing field. */
  async usePastedAnswer(item: Item, level: LlmLevel, answer: string, variant: Scope): Promise<void> {
    item.error = '';
    try {
      const memories = memoriesFromAnswer(level, answer, item.trajectory, { distiller: 'paste', variant, promptVersion: PROMPT_VERSIONS[level] });
      item.levels[level] = memories.map(candidate);
    } catch (error) {
      item.error = `${level}: ${(error as Error).message}`;
    }
    await this.markRepeats();
  }

  /**
   * Runs the engine for the levels (default workflow, summary and insight) of every trajectory; a failure marks that
   * item only. `maxTrajectoryChars` shortens the record in the prompt, for models with a small context or a slow CPU.
   */
  async distillAll(
    engine: DistillEngine,
    variant: Scope,
    signal: AbortSignal,
    progress: (p: { done: number; total: number }) => void,
    options: { levels?: LlmLevel[]; maxTrajectoryChars?: number } = {},
  ) {
    const levels: LlmLevel[] = options.levels ?? ['workflow', 'summary', 'insight'];
    const total = this.items.length * levels.length;
    let done = 0;
    for (const item of this.items) {
      item.error = '';
      for (const level of levels) {
        if (signal.aborted) throw new DOMException('cancelled', 'AbortError');
        try {
          const { memories } = await distillWithEngine(level, item.trajectory, engine, { variant, signal, maxTrajectoryChars: options.maxTrajectoryChars });
          item.levels[level] = memories.map(candidate);
        } catch (error) {
          if (signal.aborted) throw error;
          item.error = `${level}: ${(error as Error).message}`;
        }
        progress({ done: ++done, total });
      }
    }
    await this.markRepeats();
  }

  /** Scrubs one candidate in place (neutral words for paths, identifiers, versions…) and re-scores it. */
  async scrub(item: Item, level: keyof Item['levels'], key: string): Promise<void> {
    const list = item.levels[level];
    const i = list.findIndex((c) => c.key === key);
    if (i < 0) return;
    const m = list[i].memory;
    const next = candidate({ ...m, ...scrubFields(m) });
    list[i] = { ...next, selected: list[i].selected };
    await this.markRepeats();
  }

  selected(): MemoryInput[] {
    return this.items.flatMap((i) => Object.values(i.levels).flat().filter((c) => c.selected).map((c) => c.memory));
  }

  selectedWarnings(): number {
    return this.items.flatMap((i) => Object.values(i.levels).flat().filter((c) => c.selected && c.warning)).length;
  }

  clear(): void {
    this.files = [];
    this.items = [];
  }
}

type Progress = (p: { done: number; total: number }) => void;

/**
 * The in-browser model choice for the "browser" engine: which generator, where a download may come from (only with
 * consent), and the answer streaming in while it is written.
 */
export class BrowserLlm {
  installed = $state<InstalledGenerator[]>(installedGenerators());
  modelId = $state(installedGenerators().at(-1)?.id ?? '');
  host = $state(DEFAULT_HUB);
  consent = $state(false);
  maxNewTokens = $state(768);
  /** Small models on a CPU: a shorter record keeps the prompt inside their context and the answer in minutes. */
  maxTrajectoryChars = $state(6000);
  /** Insights are what transfers; the concrete levels cost two more answers per run. */
  allLevels = $state(false);
  /** The answer being generated, as it comes. */
  stream = $state('');

  get current(): InstalledGenerator | undefined {
    const id = this.modelId.trim();
    return this.installed.find((g) => g.id === id);
  }

  /** Only with consent: the download is the one request that leaves the machine. */
  async download(signal: AbortSignal, progress: Progress): Promise<void> {
    if (!this.consent) throw new Error('tick the download consent first: nothing is downloaded without it');
    const model = await downloadGenerator({ id: this.modelId, host: this.host }, progress, signal);
    this.installed = installedGenerators();
    this.modelId = model.id;
    this.consent = false;
  }

  async importFolder(files: PickedFile[], progress: Progress): Promise<void> {
    const picked = files.map((f) => ({ path: f.path, file: f.file }));
    const model = await importGeneratorFolder(picked, {}, progress);
    this.installed = installedGenerators();
    this.modelId = model.id;
  }

  get options(): { levels: LlmLevel[]; maxTrajectoryChars: number } {
    return { levels: this.allLevels ? ['workflow', 'summary', 'insight'] : ['insight'], maxTrajectoryChars: this.maxTrajectoryChars };
  }

  /** An engine on the chosen model, from the browser cache; its answers stream into `stream`. */
  async engine(): Promise<DistillEngine> {
    const model = this.current;
    if (!model) throw new Error(`"${this.modelId}" is not in this browser yet: download it or import its folder first`);
    this.stream = '';
    return loadBrowserEngine(
      generatorSpec(model),
      (p) => {
        if (p.phase === 'generate') this.stream = p.text ?? '';
      },
      { maxNewTokens: this.maxNewTokens },
    );
  }
}
