// One error type for every way a pool file can be refused. `code` lets callers (UI, CLI, tests) tell the
// cases apart without parsing text; `message` is what a user reads and always names the line (and field) when known.

export type PoolFileErrorCode =
  | 'empty'
  | 'not-a-pool-file'
  | 'version'
  | 'header'
  | 'json'
  | 'record'
  | 'dims'
  | 'duplicate-id'
  | 'truncated'
  | 'checksum'
  | 'counts'
  | 'encoding'
  | 'too-large'
  | 'too-many-records'
  | 'line-too-long'
  | 'gzip'
  | 'aborted'
  | 'foreign'
  | 'conflict';

export class PoolFileError extends Error {
  constructor(
    readonly code: PoolFileErrorCode,
    message: string,
    /** 1-based line of the (decompressed) file, when the problem sits on one line. */
    readonly line?: number,
    /** Dotted path of the bad field, e.g. `record.title`. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'PoolFileError';
  }
}

export function lineError(code: PoolFileErrorCode, line: number, field: string | undefined, problem: string): PoolFileError {
  const where = field ? `line ${line}: ${field}: ` : `line ${line}: `;
  return new PoolFileError(code, where + problem, line, field);
}
