import { test, expect } from '@playwright/test';
import { askFromKeyboard, launchPersistent, openApp, recordRequests, BASE_URL } from './helpers';

test.describe('Insight Pool in a real browser', () => {
  test('first start shows the demo pool, retrieves top-3 with scores and a prompt block to copy', async ({ page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await openApp(page);
    expect(await page.evaluate(() => window.insightPool.count())).toBeGreaterThan(10);
    const results = await askFromKeyboard(page, 'The solution times out on large inputs');
    await expect(results).toHaveCount(3);
    const scores = await page.getByTestId('score').allTextContents();
    const numbers = scores.map(Number);
    expect(numbers.every((n) => n > 0 && n <= 1)).toBe(true);
    expect([...numbers].sort((a, b) => b - a)).toEqual(numbers);
    // The top-3 is what an agent gets: the right lesson must be in it (hybrid ranking may put a
    // neighbouring testing lesson first for this short query).
    await expect(results.filter({ hasText: 'Estimate complexity from the input limits first' })).toHaveCount(1);
    // One search per request: the panel settles instead of searching again and again.
    const states: string[] = [];
    for (let i = 0; i < 10; i++) {
      states.push((await page.getByRole('button', { name: /Retrieve|Searching/ }).textContent()) ?? '');
      await page.waitForTimeout(100);
    }
    expect(states.every((s) => s === 'Retrieve')).toBe(true);
    const block = await page.getByTestId('prompt-block').textContent();
    expect(block).toContain('<memories>');
    await page.getByRole('button', { name: 'Copy prompt block' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(block);
  });

  test('memories added through the UI and the JS API survive reload and a browser restart, with the same top-3 and scores', async () => {
    const first = await launchPersistent();
    const page = await first.context.newPage();
    await openApp(page);

    await page.getByRole('tab', { name: 'Memories' }).click();
    const form = page.getByRole('form', { name: 'Add memory' });
    await form.getByLabel('Title').fill('Bisect a regression between two known versions');
    await form.getByLabel('Content').fill('When something used to work, binary-search the history for the change that broke it.');
    await form.getByLabel('Domain').fill('swe');
    await form.getByRole('button', { name: 'Add memory' }).click();
    await expect(page.getByTestId('memory').filter({ hasText: 'Bisect a regression' })).toHaveCount(1);
    // The same memory again is refused in words, and the form keeps it.
    await form.getByLabel('Title').fill('Bisect a regression between two known versions');
    await form.getByLabel('Content').fill('When something used to work, binary-search the history for the change that broke it.');
    await form.getByRole('button', { name: 'Add memory' }).click();
    await expect(form.getByRole('alert')).toHaveText(/^Already in the pool/);
    await expect(form.getByLabel('Title')).toHaveValue('Bisect a regression between two known versions');
    await expect(page.getByTestId('memory').filter({ hasText: 'Bisect a regression' })).toHaveCount(1);

    const added = await page.evaluate(() =>
      window.insightPool.add([
        { title: 'Pin dependency versions before debugging flaky builds', content: 'Rule out moving dependencies first.', domain: 'terminal' },
        { title: 'Profile before optimizing', content: 'Measure where time goes before changing code.', domain: 'ml-research' },
      ]),
    );
    expect(added).toHaveLength(2);

    const query = 'a regression appeared in a recent release; find which change broke it';
    const snapshot = () =>
      page.evaluate(async (q) => (await window.insightPool.retrieve(q)).map((r) => ({ id: r.memory.id, title: r.memory.title, score: r.score })), query);
    const before = await snapshot();
    expect(before).toHaveLength(3);
    expect(before[0].title).toBe('Bisect a regression between two known versions');
    const count = await page.evaluate(() => window.insightPool.count());

    await page.reload();
    await openApp(page);
    expect(await snapshot()).toEqual(before);

    await first.context.close();
    const second = await launchPersistent(first.userDataDir);
    const page2 = await second.context.newPage();
    await openApp(page2);
    expect(await page2.evaluate(() => window.insightPool.count())).toBe(count);
    const after = await page2.evaluate(async (q) => (await window.insightPool.retrieve(q)).map((r) => ({ id: r.memory.id, title: r.memory.title, score: r.score })), query);
    expect(after).toEqual(before);
    // The UI shows the same ranking the API returned.
    await page2.getByLabel('Task description').fill(query);
    await page2.getByRole('button', { name: 'Retrieve' }).click();
    await expect(page2.getByTestId('result').first()).toContainText('Bisect a regression');
    await expect(page2.getByTestId('score').first()).toHaveText(before[0].score.toFixed(3));
    await second.context.close();
  });

  test('no request leaves the origin, including the worker loading the model', async ({ browser }) => {
    const context = await browser.newContext();
    const urls = recordRequests(context);
    const page = await context.newPage();
    await openApp(page);
    await page.evaluate(() => window.insightPool.retrieve('set up the environment'));
    await page.evaluate(() => window.insightPool.add({ title: 'Offline check', content: 'Nothing leaves the machine.' }));
    // The model is fetched by the worker: seeing it proves worker requests are recorded too.
    expect(urls.some((u) => u.includes('/models/') && u.endsWith('.onnx'))).toBe(true);
    const offOrigin = urls.filter((u) => !u.startsWith(BASE_URL + '/') && !u.startsWith('blob:') && !u.startsWith('data:'));
    expect(offOrigin).toEqual([]);
    await context.close();
  });

  test('bad input gets a clear error and leaves the store unchanged', async ({ page }) => {
    await openApp(page);
    const count = await page.evaluate(() => window.insightPool.count());
    const errors = await page.evaluate(async () => {
      const attempts: unknown[] = [
        { title: '', content: 'no title' },
        { title: 'long', content: 'x'.repeat(200_000) },
        { title: 42, content: 'wrong type' },
        [{ title: 'good one', content: 'fine' }, { title: 'bad level', content: 'x', level: 'poem' }],
        'not an object',
      ];
      const messages: string[] = [];
      for (const a of attempts) {
        try {
          await window.insightPool.add(a as never);
          messages.push('accepted');
        } catch (e) {
          messages.push((e as Error).message);
        }
      }
      for (const call of [() => window.insightPool.retrieve(7 as never), () => window.insightPool.retrieve('x', { k: -1 }), () => window.insightPool.remove(5 as never)]) {
        try {
          await call();
          messages.push('accepted');
        } catch (e) {
          messages.push((e as Error).message);
        }
      }
      return messages;
    });
    expect(errors[0]).toMatch(/title must not be empty/);
    expect(errors[1]).toMatch(/content is too long/);
    expect(errors[2]).toMatch(/title must be a string/);
    expect(errors[3]).toMatch(/memory #2: .*level must be one of/);
    expect(errors[4]).toMatch(/must be an object/);
    expect(errors[5]).toMatch(/query must be a string/);
    expect(errors[6]).toMatch(/k must be at least 1/);
    expect(errors[7]).toMatch(/id must be a non-empty string/);
    expect(await page.evaluate(() => window.insightPool.count())).toBe(count);

    await page.getByRole('tab', { name: 'Memories' }).click();
    const form = page.getByRole('form', { name: 'Add memory' });
    await form.getByLabel('Content').fill('A principle without a title');
    await form.getByRole('button', { name: 'Add memory' }).click();
    await expect(form.getByRole('alert')).toContainText('title must not be empty');
    expect(await page.evaluate(() => window.insightPool.count())).toBe(count);
  });

  test('an agent can ask whether a memory it is about to add is a near-copy, without storing anything', async ({ page }) => {
    await openApp(page);
    const count = await page.evaluate(() => window.insightPool.count());
    const answers = await page.evaluate(() =>
      window.insightPool.near([
        // A demo memory reworded a little: same level, whole text within cosine 0.95.
        {
          title: 'Reproduce the bug before changing code',
          description: 'Write a minimal script or test that shows the failure before you edit anything.',
          content: 'A reproduction turns a vague report into a check you can re-run. Fix only once it fails for the reported reason; then keep it as the regression test.',
        },
        // Its title over other words (the pool's key is the title), and its very text at another level: not near-copies.
        { title: 'Reproduce the bug before changing code', content: 'A failing check first tells you when you are done.' },
        {
          level: 'summary',
          title: 'Reproduce the bug before changing code',
          description: 'Write a minimal script or test that shows the failure before editing anything.',
          content: 'A reproduction turns a vague report into a check you can re-run. Fix only once it fails for the reported reason, then keep it as the regression test.',
        },
        { title: 'Cache compiled regular expressions in hot loops', content: 'Compile once, reuse the object.' },
      ]),
    );
    expect(answers[0]?.memory.title).toBe('Reproduce the bug before changing code');
    expect(answers[0]?.score).toBeGreaterThan(0.95);
    expect(answers.slice(1)).toEqual([null, null, null]);
    const error = await page.evaluate(() => window.insightPool.near([{ title: 'fine', content: 'ok' }, { title: 'no content' } as never]).then(() => 'accepted', (e: Error) => e.message));
    expect(error).toMatch(/memory #2: .*content/);
    expect(await page.evaluate(() => window.insightPool.count())).toBe(count);
  });

  test('edit and delete from the list, with keyboard-reachable controls', async ({ page }) => {
    await openApp(page);
    const [m] = await page.evaluate(() => window.insightPool.add({ title: 'Temporary memory to edit', content: 'Before.' }));
    await page.getByRole('tab', { name: 'Memories' }).click();
    await page.getByLabel('filter text').fill('Temporary memory');
    await page.getByRole('button', { name: 'Edit Temporary memory to edit' }).click();
    const form = page.getByRole('form', { name: 'Edit memory' });
    await form.getByLabel('Content').fill('After the edit.');
    await form.getByRole('button', { name: 'Save changes' }).click();
    // Saving re-embeds and writes in the background: the form closes when it is done.
    await expect(form).toBeHidden();
    expect((await page.evaluate((id) => window.insightPool.get(id), m.id))?.content).toBe('After the edit.');
    await page.getByRole('button', { name: 'Delete Temporary memory to edit' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await expect(page.getByTestId('empty-list')).toBeVisible();
    expect(await page.evaluate((id) => window.insightPool.get(id), m.id)).toBeUndefined();
  });

  test('the Voy index returns the same top-3 as the exact flat scan in the browser', async ({ page }) => {
    await openApp(page, '/?index=flat');
    const queries = ['tests keep failing after my change', 'the dataset labels look wrong', 'install a missing compiler'];
    const flat = await page.evaluate(async (qs) => Promise.all(qs.map(async (q) => (await window.insightPool.retrieve(q)).map((r) => r.memory.id))), queries);
    await openApp(page, '/?index=voy');
    expect((await page.evaluate(() => window.insightPool.info())).index).toBe('voy');
    const voy = await page.evaluate(async (qs) => Promise.all(qs.map(async (q) => (await window.insightPool.retrieve(q)).map((r) => r.memory.id))), queries);
    expect(voy).toEqual(flat);
  });
});

test('an emptied pool explains what to do next', async ({ page }) => {
  await openApp(page);
  const ids = await page.evaluate(async () => (await window.insightPool.list()).map((m) => m.id));
  await page.evaluate((all) => window.insightPool.remove(all), ids);
  await expect(page.getByTestId('empty-state')).toContainText('Your pool is empty');
  await page.getByRole('button', { name: 'Add a memory' }).click();
  await expect(page.getByRole('form', { name: 'Add memory' })).toBeVisible();
  await page.reload();
  await openApp(page);
  // The demo pool is not forced back on a user who cleared it.
  expect(await page.evaluate(() => window.insightPool.count())).toBe(0);
});

test('settings say whether the browser may clear the pool, how much room it uses, and ask it to keep the pool', async () => {
  // A profile on disk, as a user has (an in-memory profile can never be kept).
  const { context } = await launchPersistent();
  try {
    const page = await context.newPage();
    await openApp(page);
    await page.getByRole('tab', { name: 'Settings' }).click();
    // A fresh profile: storage is best-effort and Chrome turns the request down.
    expect(await page.evaluate(() => navigator.storage.persisted())).toBe(false);
    await expect(page.getByTestId('storage-state')).toContainText('Best-effort');
    await expect(page.getByTestId('storage-usage')).toHaveText(/^This site uses [\d.]+ (bytes|KiB|MiB) of the [\d.]+ (MiB|GiB) the browser allows it\.$/);
    await page.getByTestId('keep-storage').click();
    await expect(page.getByTestId('keep-answer')).toContainText('The browser said no');
    await expect(page.getByTestId('storage-state')).toContainText('Best-effort');
    // Once the browser would grant it (as for an installed or bookmarked site), asking again keeps the pool.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Browser.grantPermissions', { permissions: ['durableStorage'], origin: new URL(page.url()).origin });
    await page.getByTestId('keep-storage').click();
    await expect(page.getByTestId('keep-answer')).toHaveText('The browser will keep the pool.');
    await expect(page.getByTestId('storage-state')).toContainText('Kept: the browser will not clear the pool');
    await expect(page.getByTestId('keep-storage')).toHaveCount(0);
    expect(await page.evaluate(() => navigator.storage.persisted())).toBe(true);
  } finally {
    await context.close();
  }
});

test('the first change a user makes asks the browser to keep the pool, once', async ({ page }) => {
  // Count the app's requests (Chrome's answer depends on how the site is used, not on the app).
  await page.addInitScript(() => {
    const persist = navigator.storage.persist.bind(navigator.storage);
    (window as unknown as { asked: number }).asked = 0;
    navigator.storage.persist = () => ((window as unknown as { asked: number }).asked++, persist());
  });
  await openApp(page);
  const asked = () => page.evaluate(() => (window as unknown as { asked: number }).asked);
  await page.evaluate(() => window.insightPool.retrieve('a task'));
  await page.evaluate(() => window.insightPool.list());
  expect(await asked()).toBe(0);
  await page.evaluate(() => window.insightPool.add({ title: 'Keep interfaces intact while fixing', content: 'Callers depend on them.' }));
  await expect.poll(asked).toBe(1);
  await page.evaluate(() => window.insightPool.add({ title: 'Pin the tool version that worked', content: 'Record it.' }));
  await page.evaluate(() => window.insightPool.list());
  expect(await asked()).toBe(1);
});
