/// <reference lib="dom" />
// (callbacks passed to page.evaluate run in the browser)
/**
 * The page's search box: results with the query's words marked, "More results", jumping to a
 * result the log does not hold yet, the keyboard alone, hostile text kept inert, axe-core.
 */
import type { Page } from 'playwright-core';
import { MemoryStore } from 'express-chatterbox';
import { closeAll, NO_LIMITS, startChat } from '../helpers/chat-server';
import { openAndLogIn, pageErrors, seriousAxeViolations, useBrowser } from '../helpers/browser';
import { describeWithService } from '../helpers/services';

jest.setTimeout(90_000);

const HOSTILE = '<img src=x onerror="window.pwned=1"> cake **bold** [link](https://example.com) `code`';

/** A store holding the hostile line, then `cakes` lines about cake, then `filler` others. */
async function storeWith(cakes: number, filler: number): Promise<{ store: MemoryStore; hostileId: number; cakeIds: number[] }> {
  const store = new MemoryStore();
  const ts = Date.now() - 3_600_000;
  const hostileId = (await store.append({ room: '', u: 'mallory', m: HOSTILE, ts, authorKey: 'mallory' })).message.id;
  const cakeIds: number[] = [];
  for (let i = 1; i <= cakes; i++) {
    cakeIds.push((await store.append({ room: '', u: 'bob', m: `Cake number ${i}, anyone?`, ts: ts + i, authorKey: 'bob' })).message.id);
  }
  for (let i = 1; i <= filler; i++) await store.append({ room: '', u: 'bob', m: `filler ${i}`, ts: ts + 1000 + i, authorKey: 'bob' });
  return { store, hostileId, cakeIds };
}

/** The texts of the results on screen, in order. */
function resultTexts(page: Page): Promise<string[]> {
  return page.locator('#search-results .cb-search-text').allTextContents();
}

function activeDescription(page: Page): Promise<string> {
  return page.evaluate(() => {
    const active = document.activeElement as HTMLElement | null;
    if (!active) return 'none';
    if (active.id) return `#${active.id}`;
    if (active.dataset['id']) return `message ${active.dataset['id']}`;
    return `${active.tagName.toLowerCase()}: ${active.textContent ?? ''}`;
  });
}

describeWithService('chromium', 'the search box on the page', () => {
  const { newUser } = useBrowser();
  afterEach(closeAll);
  afterEach(() => expect(pageErrors.splice(0)).toEqual([]));

  it('finds messages with the words marked, pages with "More results", keeps hostile text inert and jumps to an old result', async () => {
    const { store, hostileId, cakeIds } = await storeWith(25, 10);
    const chat = await startChat({ ...NO_LIMITS, history: store, historyLimit: 5 });
    const { page } = await newUser();
    await openAndLogIn(page, `${chat.url}/chat/`, 'ann');
    await page.locator('#chat-data .message', { hasText: 'filler 10' }).waitFor();
    expect(await page.locator('#chat-data .message').count()).toBe(5);

    await page.fill('#search-input', 'cak');
    await page.press('#search-input', 'Enter');
    await page.locator('#search-status', { hasText: '20 messages found; there may be more.' }).waitFor();
    const first = await resultTexts(page);
    expect(first).toHaveLength(20);
    expect(first[0]).toBe('Cake number 25, anyone?');
    expect(first[19]).toBe('Cake number 6, anyone?');
    // The word the query starts is marked, and nothing else.
    expect(await page.locator('#search-results li').first().locator('mark').allTextContents()).toEqual(['Cake']);
    expect(await page.locator('#search-results li').first().locator('.cb-search-meta').innerText()).toMatch(/^bob\b/);
    expect(await page.locator('#search-results .cb-search-room').count()).toBe(0);

    // From the keyboard: the first new result takes the focus from the button that goes away.
    await page.focus('#search-more');
    await page.keyboard.press('Enter');
    await page.locator('#search-status', { hasText: '26 messages found.' }).waitFor();
    expect(await activeDescription(page)).toMatch(/^button: bob.*Cake number 5, anyone\?$/);
    const all = await resultTexts(page);
    expect(all).toHaveLength(26);
    expect(all.slice(20, 25)).toEqual([5, 4, 3, 2, 1].map((n) => `Cake number ${n}, anyone?`));
    expect(await page.locator('#search-more').isHidden()).toBe(true);

    // The hostile line: its markup and Markdown are text, only the query's word is marked.
    const hostile = page.locator('#search-results li').last();
    expect(await hostile.locator('.cb-search-text').textContent()).toBe(HOSTILE);
    expect(await hostile.locator('img, strong, a, code').count()).toBe(0);
    expect(await hostile.locator('mark').allTextContents()).toEqual(['cake']);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await seriousAxeViolations(page)).toEqual([]);

    // Cake number 1 is far older than the log's five lines: the page pages back to it.
    const oldest = cakeIds[0]!;
    await page.locator('#search-results button', { hasText: 'Cake number 1,' }).click();
    const line = page.locator(`#chat-data .message[data-id="${oldest}"]`);
    await line.waitFor();
    await page.locator('#search-panel').waitFor({ state: 'hidden' });
    expect(await line.getAttribute('class')).toContain('cb-found');
    expect(await activeDescription(page)).toBe(`message ${oldest}`);
    const [lineBox, logBox] = [await line.boundingBox(), await page.locator('#chat-data').boundingBox()];
    expect(lineBox!.y).toBeGreaterThanOrEqual(logBox!.y - 1);
    expect(lineBox!.y + lineBox!.height).toBeLessThanOrEqual(logBox!.y + logBox!.height + 1);
    // The log holds the messages between, once each, in order.
    expect(await page.locator(`#chat-data .message[data-id="${hostileId}"]`).count()).toBe(1);
    const ids = await page.locator('#chat-data .message').evaluateAll((lines) => lines.map((l) => Number((l as HTMLElement).dataset['id'])));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    await page.waitForFunction((id) => !document.querySelector(`.message[data-id="${id}"]`)?.classList.contains('cb-found'), oldest);
  });

  it('works from the keyboard alone: the shortcut, arrows, Tab, Enter into another room, Escape', async () => {
    const store = new MemoryStore();
    const ts = Date.now() - 60_000;
    await store.append({ room: '', u: 'bob', m: 'lemon tart here', ts, authorKey: 'bob' });
    const inGames = (await store.append({ room: 'games', u: 'bob', m: 'lemon cake in games', ts: ts + 1, authorKey: 'bob' })).message.id;
    const chat = await startChat({ ...NO_LIMITS, history: store, rooms: ['games'] });
    const { page } = await newUser();
    await openAndLogIn(page, `${chat.url}/chat/`, 'ann');
    // Join games (search covers the rooms this page is in), then come back to General.
    await page.click('#room-list button[data-room="games"]');
    await page.locator('.cb-log[data-room="games"] .message', { hasText: 'lemon cake' }).waitFor();
    await page.click('#room-list button[data-room=""]');

    // "/" types a slash in the composer, and focuses the search box anywhere else.
    await page.focus('#chat-input');
    await page.keyboard.press('/');
    expect(await page.inputValue('#chat-input')).toBe('/');
    await page.fill('#chat-input', '');
    await page.focus('#chat-data');
    await page.keyboard.press('/');
    expect(await activeDescription(page)).toBe('#search-input');
    await page.keyboard.type('lemon');
    await page.keyboard.press('Enter');
    await page.locator('#search-status', { hasText: '2 messages found.' }).waitFor();
    expect(await page.locator('#search-results .cb-search-room').allTextContents()).toEqual(['in games']);

    await page.keyboard.press('ArrowDown');
    expect(await activeDescription(page)).toMatch(/^button: bob.*lemon cake in games$/);
    await page.keyboard.press('ArrowDown');
    expect(await activeDescription(page)).toMatch(/^button: bob.*lemon tart here$/);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    expect(await activeDescription(page)).toBe('#search-input');
    await page.keyboard.press('Tab');
    expect(await activeDescription(page)).toMatch(/lemon cake in games$/);
    // Shift+Tab back into the box keeps the results; tabbing past the last one closes them.
    await page.keyboard.press('Shift+Tab');
    expect(await activeDescription(page)).toBe('#search-input');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.locator('#search-panel').waitFor({ state: 'hidden' });
    await page.focus('#search-input');
    await page.keyboard.press('Enter');
    await page.locator('#search-status', { hasText: '2 messages found.' }).waitFor();
    await page.keyboard.press('ArrowDown');

    // Escape closes the results and gives the box the focus back.
    await page.keyboard.press('Escape');
    await page.locator('#search-panel').waitFor({ state: 'hidden' });
    expect(await activeDescription(page)).toBe('#search-input');

    // Ctrl+K works from the composer too; Enter on a result opens its room at the message.
    await page.focus('#chat-input');
    await page.keyboard.press('Control+k');
    expect(await activeDescription(page)).toBe('#search-input');
    await page.keyboard.press('Enter');
    await page.locator('#search-status', { hasText: '2 messages found.' }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.locator('#room-list button[data-room="games"][aria-current="true"]').waitFor();
    await page.locator('#search-panel').waitFor({ state: 'hidden' });
    expect(await activeDescription(page)).toBe(`message ${inGames}`);
    expect(await page.locator('#room-name').textContent()).toBe('games');
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('says when nothing matches, when a query has no words, when a result was deleted, and when the server fails', async () => {
    const { store, cakeIds } = await storeWith(2, 10);
    const chat = await startChat({ ...NO_LIMITS, history: store, historyLimit: 5 });
    const { page } = await newUser();
    await openAndLogIn(page, `${chat.url}/chat/`, 'ann');

    await page.fill('#search-input', 'zebra');
    await page.press('#search-input', 'Enter');
    await page.locator('#search-status', { hasText: 'No messages match “zebra”.' }).waitFor();
    expect(await page.locator('#search-results li').count()).toBe(0);

    await page.fill('#search-input', '*** !!');
    await page.press('#search-input', 'Enter');
    await page.locator('#search-status', { hasText: 'Type a word to search for.' }).waitFor();

    await page.fill('#search-input', 'cake');
    await page.press('#search-input', 'Enter');
    // Two about cake, and the hostile line, which mentions it too.
    await page.locator('#search-status', { hasText: '3 messages found.' }).waitFor();
    await chat.chat.deleteMessage(cakeIds[0]!);
    const gone = page.locator('#search-results button', { hasText: 'Cake number 1,' });
    await gone.click();
    await page.locator('#search-status.error', { hasText: 'That message is no longer there.' }).waitFor();
    // The focus stays on the result, the panel open, the room's log unchanged but for the page loaded.
    expect(await activeDescription(page)).toMatch(/Cake number 1, anyone\?$/);
    expect(await page.locator(`#chat-data .message[data-id="${cakeIds[1]}"]`).count()).toBe(1);

    // A store that fails: the page shows the refusal's words, never the internal error.
    store.search = () => Promise.reject(new Error('disk on fire'));
    await page.fill('#search-input', 'cake');
    await page.press('#search-input', 'Enter');
    const status = page.locator('#search-status.error');
    await status.waitFor();
    expect(await status.textContent()).not.toContain('disk on fire');
    expect((await status.textContent())!.length).toBeGreaterThan(0);

    // A press outside the search closes the results, which cover part of the log.
    await page.click('#chat-data');
    await page.locator('#search-panel').waitFor({ state: 'hidden' });
  });
});
