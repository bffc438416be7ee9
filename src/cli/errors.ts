// Exit codes are part of the CLI's contract: scripts and agents branch on them.
export const EXIT = { ok: 0, usage: 1, badInput: 2, failure: 3 } as const;

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
