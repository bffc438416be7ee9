// Drives the CLI in-process: argv in, exit code + captured stdout/stderr out, with an injectable embedder.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliEmbedder } from '../../src/cli/run';
import { wordEmbedder } from './helpers/word-embedder';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'insight-pool-cli-'));
}

export function cli(
  argv: string[],
  options: { stdin?: string; embedders?: Record<string, CliEmbedder>; createEmbedder?: (model: string | undefined) => Promise<CliEmbedder> } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const embedders: Record<string, CliEmbedder> = options.embedders ?? { default: wordEmbedder(32, 'insight-pool/use-lite') };
  const loaded: string[] = [];
  return runCli(argv, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    stdin: options.stdin,
    appVersion: '9.9.9-test',
    createEmbedder:
      options.createEmbedder ??
      (async (model) => {
        loaded.push(model ?? 'default');
        const e = embedders[model ?? 'default'] ?? (model === 'insight-pool/use-lite' ? embedders.default : undefined);
        if (!e) throw new Error(`model "${model}" is not available offline`);
        return e;
      }),
  }).then((code) => ({ code, stdout, stderr }));
}
