#!/usr/bin/env node
// Launcher for `npx insight-pool …`: runs the pre-built CLI bundle (npm run build:cli → dist-cli/cli.mjs).
import { existsSync } from 'node:fs';

const bundle = new URL('../dist-cli/cli.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('insight-pool: the CLI is not built yet; run `npm run build:cli` in the package folder\n');
  process.exit(3);
}
await import(bundle.href);
