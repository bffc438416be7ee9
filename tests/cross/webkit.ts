// WebKit (Safari's engine): WebKitGTK's MiniBrowser driven by WebKitWebDriver (Debian's webkit2gtk-driver) through
// webdriverio, under a virtual X display (xvfb-run). Classic WebDriver: the client cannot see network requests.
import { spawn } from 'node:child_process';
import { remote } from 'webdriverio';
import type { CrossDriver } from './driver';
import { BASE_URL, PORT, waitUntil } from './server';

export const MINIBROWSER = process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
/** The driver listens next to the app's port (E2E_PORT + 10), so parallel worktrees do not collide. */
const DRIVER_PORT = Number(process.env.WEBDRIVER_PORT ?? PORT + 10);

/** The async body as a classic-WebDriver script: its last argument is the callback. */
const script = (body: string) =>
  `const done = arguments[arguments.length - 1];
   (async (arg) => { ${body} })(arguments[0]).then((value) => done({ value }), (e) => done({ error: String(e && e.stack || e) }));`;

/** `base`: where the app is served (the bench passes its own server). */
export async function openWebKit(base = BASE_URL): Promise<CrossDriver> {
  const driver = spawn('xvfb-run', ['-a', 'WebKitWebDriver', `--port=${DRIVER_PORT}`], { stdio: 'ignore', detached: true });
  const stopDriver = () => {
    try {
      process.kill(-driver.pid!);
    } catch {
      /* already gone */
    }
  };
  try {
    await waitUntil(async () => (await fetch(`http://127.0.0.1:${DRIVER_PORT}/status`).catch(() => undefined))?.ok ?? false, 'WebKitWebDriver');
    const browser = await remote({
      hostname: '127.0.0.1',
      port: DRIVER_PORT,
      path: '/',
      logLevel: 'warn',
      // A failed script must not run again: scenario steps add and remove memories.
      connectionRetryCount: 0,
      capabilities: {
        browserName: 'MiniBrowser',
        'wdio:enforceWebDriverClassic': true,
        'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
      } as WebdriverIO.Capabilities,
    });
    await browser.setTimeout({ script: 120_000 });
    const el = (selector: string) => browser.$(selector);
    return {
      engine: 'webkit',
      goto: async (path) => void (await browser.url(new URL(path, base).href)),
      reload: () => browser.refresh(),
      async run<T>(body: string, arg?: unknown) {
        const out = (await browser.executeAsync(script(body) as never, arg ?? null)) as { value?: T; error?: string };
        if (out.error !== undefined) throw new Error(`in WebKit: ${out.error}`);
        return out.value as T;
      },
      click: async (selector) => (await el(selector)).click(),
      async type(selector, text) {
        await (await el(selector)).setValue(text);
      },
      // Element Send Keys with a local path: WebDriver's way to pick a file (the driver runs on this machine).
      setFile: async (selector, path) => (await el(selector)).addValue(path),
      requests: () => undefined,
      async close() {
        await browser.deleteSession().catch(() => undefined);
        stopDriver();
      },
    };
  } catch (error) {
    stopDriver();
    throw error;
  }
}
