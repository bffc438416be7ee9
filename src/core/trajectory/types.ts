// The one normalized shape every trajectory format is parsed into. Distillers, the rules miner and the
// guard only ever see this, so adding a format never touches them.
import type { Outcome } from '../memory';

export const TRAJECTORY_FORMATS = [
  'atif',
  'swe-agent',
  'mini-swe-agent',
  'openai-chat',
  'openhands',
  'gemini-cli',
  'text',
] as const;
export type TrajectoryFormat = (typeof TRAJECTORY_FORMATS)[number];

export interface Step {
  /** 1-based, in order: the number a person (and the miner's evidence) refers to. */
  index: number;
  /** What the agent said or reasoned before acting. */
  thought?: string;
  /** The command / tool call it issued, as one line-ish string. */
  action?: string;
  /** What came back, truncated head+tail (see truncateMiddle). */
  observation?: string;
}

export interface Trajectory {
  /** Instance id when the file has one (SWE-bench id, ...), else the file name without extensions. */
  id: string;
  /** The file it was parsed from, as given. */
  file: string;
  format: TrajectoryFormat;
  /** The task the agent was given, without the harness boilerplate around it when we can tell. */
  task: string;
  steps: Step[];
  outcome: Outcome;
  /** Where the outcome came from: the file itself, the caller's label map, or nowhere. */
  outcomeSource: 'file' | 'label' | 'none';
  agent?: string;
  /** The model that produced the run (becomes a memory's sourceModel). */
  model?: string;
  domain: string;
  /** How the run ended according to the harness (SWE-agent `submitted`, ...). Not an outcome by itself. */
  exitStatus?: string;
  /** The session id the file carries, when it differs from `id`. */
  sessionId?: string;
}

/** Outcome labels a caller may supply per trajectory id (e.g. outcomes.json: resolved / unresolved). */
export type OutcomeLabel = boolean | Outcome | 'resolved' | 'unresolved' | 'pass' | 'fail' | 'passed' | 'failed';

export interface ParseOptions {
  /** Map from trajectory id (or file name without extension) to its verdict. Overrides what the file says. */
  outcomes?: Record<string, OutcomeLabel | string>;
  /** Forces the domain instead of the guess. */
  domain?: string;
  /** The model that produced the runs; overrides what a file says (the user chose it for the batch). */
  sourceModel?: string;
}

/** Bad input: the message always starts with the file name and says what is wrong. */
export class TrajectoryParseError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'TrajectoryParseError';
  }
}
