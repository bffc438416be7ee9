// Firefox (Debian's firefox-esr) through puppeteer-core over WebDriver BiDi: no browser download, the apt binary.
import puppeteer, { type Page } from 'puppeteer-core';
import type { CrossDriver } from './driver';
import { BASE_URL } from './server';

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

const pageFunction = (body: string, arg: unknown) => `(async (arg) => { ${body} })(${JSON.stringify(arg ?? null)})`;

function handle(page: Page, selector: string) {
  return page.locator(selector.startsWith('//') ? `::-p-xpath(${selector})` : selector);
}

export async function openFirefox(): Promise<CrossDriver> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    // A closed network: no update checks or telemetry pings to wait on.
    extraPrefsFirefox: { 'network.captive-portal-service.enabled': false, 'app.update.enabled': false, 'browser.safebrowsing.malware.enabled': false },
  });
  const page = await browser.newPage();
  const urls: string[] = [];
  page.on('request', (r) => urls.push(r.url()));
  return {
    engine: 'firefox',
    async goto(path) {
      await page.goto(new URL(path, BASE_URL).href);
    },
    async reload() {
      await page.reload();
    },
    run: <T>(body: string, arg?: unknown) => page.evaluate(pageFunction(body, arg)) as Promise<T>,
    click: (selector) => handle(page, selector).click(),
    async type(selector, text) {
      await handle(page, selector).fill(text);
    },
    async setFile(selector, path) {
      const input = await page.waitForSelector(selector);
      await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(path);
    },
    requests: () => urls,
    close: () => browser.close(),
  };
}
