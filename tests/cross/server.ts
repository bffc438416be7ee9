// The production build served as a user's static host would: `vite preview` on E2E_PORT (the Playwright tests use
// the same port and server), reused when it is already up.
import { spawn, type ChildProcess } from 'node:child_process';

export const PORT = Number(process.env.E2E_PORT ?? 4174);
export const BASE_URL = `http://127.0.0.1:${PORT}`;

async function up(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

export async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Starts `vite preview` on dist/ unless something already answers on the port. `stop` ends what it started; `owned`
 * says whether it did (only then may a test stop the server to see the app start offline).
 */
export async function servePreview(): Promise<{ stop: () => void; owned: boolean }> {
  if (await up(`${BASE_URL}/`)) return { stop: () => {}, owned: false };
  const child: ChildProcess = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'], {
    stdio: 'ignore',
    detached: true,
  });
  await waitUntil(() => up(`${BASE_URL}/`), `vite preview on port ${PORT}`);
  const stop = () => {
    try {
      process.kill(-child.pid!);
    } catch {
      /* already gone */
    }
  };
  return { stop, owned: true };
}

/** Resolves once nothing answers on the app's port any more. */
export const serverGone = () => waitUntil(async () => !(await up(`${BASE_URL}/`)), 'the server to stop', 10_000);
