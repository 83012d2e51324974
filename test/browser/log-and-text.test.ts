/// <reference lib="dom" />
// (callbacks passed to page.evaluate run in the browser)
/**
 * The log in Chromium: lines grouped by author, day separators, joins and leaves folded, the
 * Markdown subset rendered while hostile input stays text, and the multi-line composer.
 */
import { MemoryStore } from 'express-chatterbox';
import { closeAll, NO_LIMITS, startChat } from '../helpers/chat-server';
import { messageTexts, openAndLogIn, pageErrors, send, useBrowser } from '../helpers/browser';
import { describeWithService } from '../helpers/services';

jest.setTimeout(90_000);

const DAY = 24 * 60 * 60_000;

describeWithService('chromium', 'the chat log in Chromium', () => {
  const { newUser } = useBrowser();
  afterEach(closeAll);
  afterEach(() => expect(pageErrors.splice(0)).toEqual([]));

  describe('grouping and days', () => {
    it('groups one author’s lines within five minutes under one name, and starts a new group for another author or a later line', async () => {
      const history = new MemoryStore();
      const now = Date.now();
      await history.append({ room: '', u: 'ann', m: 'first', ts: now - 20 * 60_000 });
      await history.append({ room: '', u: 'ann', m: 'second, a minute later', ts: now - 19 * 60_000 });
      await history.append({ room: '', u: 'bob', m: 'bob answers', ts: now - 18 * 60_000 });
      await history.append({ room: '', u: 'bob', m: 'bob, ten minutes on', ts: now - 8 * 60_000 });
      const chat = await startChat({ ...NO_LIMITS, history });
      const { page } = await newUser();
      await page.goto(`${chat.url}/chat/`);
      await page.locator('#chat-data .message', { hasText: 'ten minutes on' }).waitFor();
      const lines = await page.$$eval('#chat-data .message', (nodes) =>
        nodes.map((node) => ({ text: node.querySelector('.text')?.textContent, grouped: node.classList.contains('grouped') })),
      );
      expect(lines).toEqual([
        { text: 'first', grouped: false },
        { text: 'second, a minute later', grouped: true },
        { text: 'bob answers', grouped: false },
        { text: 'bob, ten minutes on', grouped: false },
      ]);
      // A grouped line keeps its author's name for screen readers, and its exact time.
      const second = page.locator('#chat-data .message.grouped');
      expect(await second.locator('.nick').textContent()).toBe('ann');
      expect(await second.locator('time').getAttribute('datetime')).toBe(new Date(now - 19 * 60_000).toISOString());
      expect(await second.locator('time').getAttribute('title')).toMatch(/\d/);
      // Few lines sit at the bottom of the log, next to the composer, not at its top.
      const gap = await page.$eval('#chat-data', (log) => log.getBoundingClientRect().bottom - log.lastElementChild!.getBoundingClientRect().bottom);
      expect(gap).toBeLessThan(40);
      // Every group has an avatar with the author's initial.
      expect(await page.locator('#chat-data .message:not(.grouped) .avatar').allTextContents()).toEqual(['A', 'B', 'B']);
    });

    it('puts "Yesterday", "Today" and an older date between the days', async () => {
      const history = new MemoryStore();
      const now = Date.now();
      await history.append({ room: '', u: 'ann', m: 'long ago', ts: now - 5 * DAY });
      await history.append({ room: '', u: 'ann', m: 'yesterday line', ts: now - DAY });
      await history.append({ room: '', u: 'ann', m: 'today line', ts: now });
      const chat = await startChat({ ...NO_LIMITS, history });
      const { page } = await newUser();
      await page.goto(`${chat.url}/chat/`);
      await page.locator('#chat-data .message', { hasText: 'today line' }).waitFor();
      const separators = await page.locator('#chat-data .day').allTextContents();
      expect(separators).toHaveLength(3);
      expect(separators.slice(1)).toEqual(['Yesterday', 'Today']);
      expect(separators[0]).not.toMatch(/Today|Yesterday/);
      // Each separator stands right before the first line of its day.
      const order = await page.$$eval('#chat-data > *', (nodes) => nodes.map((node) => (node.classList.contains('day') ? '|' : (node.querySelector('.text')?.textContent ?? ''))));
      expect(order).toEqual(['|', 'long ago', '|', 'yesterday line', '|', 'today line']);
      expect(await page.locator('#chat-data .day').first().getAttribute('role')).toBe('separator');
    });

    it('folds a run of joins and leaves into one summary line that opens to show each', async () => {
      const chat = await startChat(NO_LIMITS);
      const reader = await newUser();
      await openAndLogIn(reader.page, `${chat.url}/chat/`, 'reader');
      const a = await chat.login('ann');
      await chat.login('bea');
      const summary = reader.page.locator('#chat-data details.presence > summary');
      // The page takes presence digests, one per window: someone who came and went within one
      // window is never shown, so ann leaves once her arrival is on the page.
      await summary.filter({ hasText: 'bea joined' }).waitFor();
      a.disconnect();
      await summary.filter({ hasText: 'ann left' }).waitFor();
      expect(await summary.textContent()).toBe('reader, ann and bea joined, ann left');
      expect(await reader.page.locator('#chat-data details.presence .notice').count()).toBe(4);
      // The folded notices' day separator went with them: one "Today" above the summary.
      expect(await reader.page.locator('#chat-data .day').allTextContents()).toEqual(['Today']);
      expect(await reader.page.locator('#chat-data details.presence .notice').first().isVisible()).toBe(false);
      await summary.click();
      expect(await reader.page.locator('#chat-data details.presence .notice').first().isVisible()).toBe(true);
    });
  });

  describe('Markdown', () => {
    it('renders bold, italic, code, a code block, a quote and a safe link with DOM elements', async () => {
      const chat = await startChat(NO_LIMITS);
      const writer = await chat.login('writer');
      const { page } = await newUser();
      await page.goto(`${chat.url}/chat/`);
      await writer.emitWithAck('chat', '**bold** and *it* and _also_ and `x < y`\n> quoted\n```\nif (a < b) {}\n```\n[docs](https://example.com/docs)');
      const text = page.locator('#chat-data .message .text').last();
      await text.locator('a').waitFor();
      expect(await text.locator('strong').textContent()).toBe('bold');
      expect(await text.locator('em').allTextContents()).toEqual(['it', 'also']);
      expect(await text.locator(':scope > code').textContent()).toBe('x < y');
      expect(await text.locator('blockquote').textContent()).toBe('quoted');
      expect(await text.locator('pre > code').textContent()).toBe('if (a < b) {}');
      expect(await text.locator('a').getAttribute('href')).toBe('https://example.com/docs');
      expect(await text.locator('a').getAttribute('rel')).toBe('noopener noreferrer');
    });

    it.each([
      ['[click](javascript:alert(1))'],
      ['[click](data:text/html,<script>alert(1)</script>)'],
      ['**<img src=x onerror=alert(1)>**'],
      ['`<script>alert(1)</script>`'],
      ['```\n<iframe src="javascript:alert(1)"></iframe>\n```'],
      ['> <svg onload=alert(1)>'],
      ['[x](https://example.com" onmouseover="alert(1))'],
    ])('keeps %j as text: no element from it, nothing runs', async (hostile) => {
      const chat = await startChat(NO_LIMITS);
      const writer = await chat.login('writer');
      const { page } = await newUser();
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await page.goto(`${chat.url}/chat/`);
      await writer.emitWithAck('chat', hostile);
      const text = page.locator('#chat-data .message .text').last();
      await text.waitFor();
      await page.waitForTimeout(200);
      expect(await page.locator('#chat-data :is(img, script, iframe, svg)').count()).toBe(0);
      expect(await page.locator('#chat-data a[href^="javascript:"], #chat-data a[href^="data:"], #chat-data [onmouseover], #chat-data [onerror]').count()).toBe(0);
      // Whatever the markup took, every character of the payload is still on the page as text.
      const shown = (await text.textContent()) ?? '';
      for (const part of hostile.replace(/```|\*\*|`|^> /gm, '').split('\n').filter(Boolean)) expect(shown).toContain(part);
      expect(dialogs).toEqual([]);
    });
  });

  describe('the composer', () => {
    it('sends on Enter, adds a line on Shift+Enter, and grows up to about five lines', async () => {
      const chat = await startChat(NO_LIMITS);
      const alice = await newUser();
      const bob = await newUser();
      await openAndLogIn(alice.page, `${chat.url}/chat/`, 'alice');
      await openAndLogIn(bob.page, `${chat.url}/chat/`, 'bob');
      const input = alice.page.locator('#chat-input');
      expect(await input.evaluate((node) => node.tagName)).toBe('TEXTAREA');
      const oneLine = (await input.boundingBox())!.height;
      await input.click();
      await alice.page.keyboard.type('first line');
      await alice.page.keyboard.press('Shift+Enter');
      await alice.page.keyboard.type('second line');
      expect(await input.inputValue()).toBe('first line\nsecond line');
      expect((await input.boundingBox())!.height).toBeGreaterThan(oneLine);
      for (let i = 3; i <= 12; i++) {
        await alice.page.keyboard.press('Shift+Enter');
        await alice.page.keyboard.type(`line ${i}`);
      }
      const tall = (await input.boundingBox())!.height;
      expect(tall).toBeLessThan(oneLine * 6);
      expect(await input.evaluate((node) => node.scrollHeight > node.clientHeight)).toBe(true);
      await alice.page.keyboard.press('Enter');
      await bob.page.locator('#chat-data .message', { hasText: 'line 12' }).waitFor();
      expect((await messageTexts(bob.page))[0]).toBe(['first line', 'second line', ...Array.from({ length: 10 }, (_, i) => `line ${i + 3}`)].join('\n'));
      expect(await input.inputValue()).toBe('');
      expect((await input.boundingBox())!.height).toBeLessThanOrEqual(oneLine + 1);
      // Bob's own line under Alice's stays plain text with its line breaks.
      await send(bob.page, 'ok');
      await alice.page.locator('#chat-data .message:not(.pending)', { hasText: 'ok' }).waitFor();
    });
  });
});
