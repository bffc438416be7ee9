// Firefox (Debian's firefox-esr) through puppeteer-core over WebDriver BiDi: no browser download, the apt binary.
import puppeteer, { type Page } from 'puppeteer-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CrossDriver } from './driver';
import { BASE_URL } from './server';

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

const pageFunction = (body: string, arg: unknown) => `(async (arg) => { ${body} })(${JSON.stringify(arg ?? null)})`;

// Element handles, not puppeteer's locators: a locator's actionability checks run code that Firefox ESR 140 refuses
// under the app's CSP ("call to Function() blocked by CSP"), so every locator action timed out there; 153 allowed it.
async function handle(page: Page, selector: string) {
  const element = await page.waitForSelector(selector.startsWith('//') ? `::-p-xpath(${selector})` : selector, { visible: true });
  if (!element) throw new Error(`no element for ${selector}`);
  return element;
}

/** `base`: where the app is served (the bench passes its own server). */
export async function openFirefox(base = BASE_URL): Promise<CrossDriver> {
  // A profile on disk, so the browser can be quit and started again on the same data.
  const userDataDir = mkdtempSync(join(tmpdir(), 'insight-pool-firefox-'));
  const urls: string[] = [];
  const launch = async () => {
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX_PATH,
      headless: true,
      userDataDir,
      // A closed network: no update checks or captive-portal probes to wait on.
      extraPrefsFirefox: { 'network.captive-portal-service.enabled': false, 'app.update.enabled': false, 'browser.safebrowsing.malware.enabled': false },
    });
    const page = await browser.newPage();
    page.on('request', (r) => urls.push(r.url()));
    // The page's warnings and errors go to the test's output: the only trace of why an app did not start.
    page.on('console', (m) => ['error', 'warn', 'warning'].includes(m.type()) && console.warn(`[firefox ${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => console.warn(`[firefox page error] ${e instanceof Error ? e.message : String(e)}`));
    return { browser, page };
  };
  let { browser, page } = await launch();
  return {
    engine: 'firefox',
    async goto(path) {
      await page.goto(new URL(path, base).href);
    },
    async reload() {
      await page.reload();
    },
    run: <T>(body: string, arg?: unknown) => page.evaluate(pageFunction(body, arg)) as Promise<T>,
    async click(selector) {
      await (await handle(page, selector)).click();
    },
    async type(selector, text) {
      // As a user replaces a field's text: select what is there, then type over it.
      const element = await handle(page, selector);
      await element.click({ count: 3 });
      await page.keyboard.press('Backspace');
      await element.type(text);
    },
    async setFile(selector, path) {
      const input = await page.waitForSelector(selector);
      await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(path);
    },
    requests: () => urls,
    close: () => browser.close(),
    async restart() {
      await browser.close();
      ({ browser, page } = await launch());
    },
  };
}
