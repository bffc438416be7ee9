// Process entry of the CLI (bundled to dist-cli/cli.mjs; bin/insight-pool.js runs it). Loads the real embedder —
// transformers.js on onnxruntime-node, models from the package's public/models, never the network — on demand.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './run';

/** The package root: the nearest folder above this file with the insight-pool package.json. */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'insight-pool') return dir;
      } catch {
        /* keep looking */
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

async function main(): Promise<void> {
  const root = packageRoot();
  const appVersion = root ? (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string) : undefined;
  const modelsDir = process.env.INSIGHT_POOL_MODELS ?? (root ? join(root, 'public', 'models') : undefined);
  const code = await runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    appVersion,
    async createEmbedder(model) {
      const { createNodeEmbedder } = await import('../adapters/embedding/node-embedder');
      return createNodeEmbedder({ model, ...(modelsDir ? { modelsDir } : {}) });
    },
  });
  process.exitCode = code;
}

void main();
