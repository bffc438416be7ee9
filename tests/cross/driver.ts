// What the shared cross-engine scenario (scenario.ts) needs from a browser driver. Each engine is reached through a
// different client (Firefox: puppeteer-core over WebDriver BiDi; WebKit: webdriverio over WebKitWebDriver), so the
// scenario talks to this small interface only and stays one file for every engine.

export interface CrossDriver {
  /** Engine name as the report shows it. */
  readonly engine: string;
  goto(path: string): Promise<void>;
  reload(): Promise<void>;
  /**
   * Runs `body` as the body of an async function of `arg` in the page and returns its JSON result. A string, not a
   * function: the two clients serialize functions differently, and the page's code must not be transpiled by Node.
   */
  run<T>(body: string, arg?: unknown): Promise<T>;
  /** Selectors are CSS, or XPath when they start with `//`. Real pointer clicks and key presses, not JS events. */
  click(selector: string): Promise<void>;
  type(selector: string, text: string): Promise<void>;
  /** Hands a file to an `<input type="file">` the way a user's pick does. */
  setFile(selector: string, path: string): Promise<void>;
  /** Every URL the page and its workers requested, where the client can see requests; undefined where it cannot. */
  requests(): string[] | undefined;
  close(): Promise<void>;
  /** Quits the browser and starts it again on the same profile, where the client can keep a profile on disk. */
  restart?(): Promise<void>;
}
