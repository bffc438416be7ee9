import type { Outcome } from '../memory';
import type { Trajectory } from './types';

/** What a format parser knows; parse.ts adds id fallback, outcome labels and domain. */
export interface ParsedRun extends Omit<Trajectory, 'id' | 'file' | 'outcome' | 'outcomeSource' | 'domain'> {
  /** An instance id the file itself carries; undefined → file stem. */
  id: string | undefined;
  fileOutcome?: Outcome;
}
