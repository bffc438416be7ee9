// Outcome and domain: a harness saying "submitted" is not a verdict, so a caller's label map (the benchmark's
// real result, e.g. SWE-bench resolved/unresolved) wins over anything read from the file.
import type { Outcome } from '../memory';
import { fileStem } from './text';
import type { ParseOptions, TrajectoryFormat } from './types';

const SUCCESS = new Set(['success', 'succeeded', 'resolved', 'pass', 'passed', 'true', 'solved', 'ok', '1']);
const FAILURE = new Set(['failure', 'failed', 'fail', 'unresolved', 'false', 'unsolved', 'error', '0']);

/** Reads one label (bool, 1/0, success/failure, resolved/unresolved, pass/fail, ...); undefined if unknown. */
export function outcomeFromLabel(label: unknown): Outcome | undefined {
  if (typeof label === 'boolean') return label ? 'success' : 'failure';
  if (typeof label === 'number') return label > 0 ? 'success' : 'failure';
  if (typeof label !== 'string') return undefined;
  const l = label.trim().toLowerCase();
  if (SUCCESS.has(l)) return 'success';
  if (FAILURE.has(l)) return 'failure';
  if (l === 'unknown') return 'unknown';
  return undefined;
}

/** Looks the trajectory up by id, then by file stem, in the caller's map. */
export function labelledOutcome(options: ParseOptions | undefined, id: string, file: string): Outcome | undefined {
  const map = options?.outcomes;
  if (!map) return undefined;
  for (const key of [id, fileStem(file)]) {
    if (Object.prototype.hasOwnProperty.call(map, key)) {
      const o = outcomeFromLabel(map[key]);
      if (o) return o;
    }
  }
  return undefined;
}

/** SWE-bench instance ids look like `owner__repo-1234`. */
export const SWE_BENCH_ID = /^[A-Za-z0-9_.-]+__[A-Za-z0-9_.-]+-\d+$/;

export function guessDomain(format: TrajectoryFormat, id: string, options?: ParseOptions): string {
  const forced = options?.domain?.trim();
  if (forced) return forced;
  if (format === 'swe-agent' || SWE_BENCH_ID.test(id)) return 'swe';
  // ATIF (Harbor / Terminal-Bench), OpenHands, Gemini CLI and mini-swe-agent runs outside SWE-bench are shell tasks.
  if (format === 'atif' || format === 'openhands' || format === 'gemini-cli' || format === 'mini-swe-agent') return 'terminal';
  return 'unknown';
}
