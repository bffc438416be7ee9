// Exit codes are part of the CLI's contract: scripts and agents branch on them.
/** conflict: the merge driver left conflicts in the file (git only needs non-zero; a distinct code helps scripts). */
export const EXIT = { ok: 0, usage: 1, badInput: 2, failure: 3, conflict: 4 } as const;

/** The command line itself is wrong (unknown command/option, missing argument). Exit 1. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** An input file or value is wrong; the message names the file (and line/field when known). Exit 2. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
