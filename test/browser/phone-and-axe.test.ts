/// <reference lib="dom" />
// (callbacks passed to page.evaluate run in the browser)
/**
 * The page on a 360×640 phone (the log takes the screen, rooms and people in a drawer), and an
 * axe-core scan of the logged-out and logged-in page in both colour schemes.
 */
import type { Page } from 'playwright-core';
import { closeAll, startChat } from '../helpers/chat-server';
import { openAndLogIn, pageErrors, send, seriousAxeViolations, useBrowser } from '../helpers/browser';
import { describeWithService } from '../helpers/services';

jest.setTimeout(90_000);

/** Whether the page scrolls sideways (it must not, down to 320 px). */
function overflowsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

describeWithService('chromium', 'the chat page on a phone and under axe-core', () => {
  const { newUser } = useBrowser();
  afterEach(closeAll);
  afterEach(() => expect(pageErrors.splice(0)).toEqual([]));

  it('works on a 360×640 phone: no sideways scrolling, the form and the log on screen', async () => {
    const chat = await startChat({ rooms: ['games'] });
    const phone = await newUser({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    await openAndLogIn(phone.page, `${chat.url}/chat/`, 'phone');
    await send(phone.page, 'a long line that has to wrap on a narrow screen: https://example.com/a/very/long/path/that/does/not/break');
    await phone.page.locator('#chat-data .message:not(.pending)').waitFor();
    expect(await overflowsSideways(phone.page)).toBe(false);
    for (const selector of ['#chat-data', '#chat-input', '#chat button[type="submit"]']) {
      const box = await phone.page.locator(selector).boundingBox();
      expect(box).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(360.5);
      expect(box!.y + box!.height).toBeLessThanOrEqual(640.5);
    }
    // The log takes most of the screen; the composer sits at the bottom.
    const log = (await phone.page.locator('#chat-data').boundingBox())!;
    expect(log.height).toBeGreaterThan(640 * 0.6);
    const composer = (await phone.page.locator('.cb-compose').boundingBox())!;
    expect(composer.y + composer.height).toBeGreaterThan(630);
    await phone.page.setViewportSize({ width: 320, height: 568 });
    expect(await overflowsSideways(phone.page)).toBe(false);
  });

  it('shows a line’s actions on a phone only for the line last tapped', async () => {
    const chat = await startChat();
    const phone = await newUser({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    await openAndLogIn(phone.page, `${chat.url}/chat/`, 'phone');
    const { page } = phone;
    await send(page, 'first');
    await send(page, 'second');
    const lines = page.locator('#chat-data .message:not(.pending)');
    await lines.nth(1).waitFor();
    const actions = (n: number) => lines.nth(n).locator('.actions');
    expect([await actions(0).isVisible(), await actions(1).isVisible()]).toEqual([false, false]);
    await lines.nth(0).locator('.text').tap();
    expect([await actions(0).isVisible(), await actions(1).isVisible()]).toEqual([true, false]);
    await lines.nth(1).locator('.text').tap();
    expect([await actions(0).isVisible(), await actions(1).isVisible()]).toEqual([false, true]);
    // A second tap on the same line puts its actions away.
    await lines.nth(1).locator('.text').tap();
    expect(await actions(1).isVisible()).toBe(false);
  });

  it('keeps rooms and people in a drawer behind the header’s button on a phone', async () => {
    const chat = await startChat({ rooms: ['games'] });
    const phone = await newUser({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    await openAndLogIn(phone.page, `${chat.url}/chat/`, 'phone');
    const { page } = phone;
    const menu = page.locator('#menu-button');
    expect(await menu.isVisible()).toBe(true);
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await page.locator('#nicks').isVisible()).toBe(false);
    expect(await page.locator('#room-list').isVisible()).toBe(false);

    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await page.locator('#nicks > li', { hasText: 'phone' }).waitFor();
    await page.waitForFunction(() => document.getElementById('sidebar')!.getBoundingClientRect().right <= window.innerWidth + 0.5);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('menu-close');
    await page.keyboard.press('Escape');
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('menu-button');
    await page.locator('#nicks').waitFor({ state: 'hidden' });

    // Picking a room closes the drawer and shows that room, named in the header.
    await menu.click();
    await page.click('#room-list button[data-room="games"]');
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    await page.locator('#room-name', { hasText: 'games' }).waitFor();
    await page.locator('.cb-log[data-room="games"]').waitFor();
    expect(await overflowsSideways(page)).toBe(false);

    // On a wide screen the same panel is a column and the button goes away.
    await page.setViewportSize({ width: 1024, height: 700 });
    expect(await menu.isVisible()).toBe(false);
    expect(await page.locator('#room-list').isVisible()).toBe(true);
  });

  it.each([
    ['light', 'light'],
    ['dark', 'dark'],
  ] as const)('has no serious or critical axe-core violations (%s colour scheme)', async (_label, colorScheme) => {
    const chat = await startChat({ rooms: ['games'] });
    const user = await newUser({ colorScheme });
    await user.page.goto(`${chat.url}/chat/`);
    await user.page.locator('#status[data-state="connected"]').waitFor();
    expect(await seriousAxeViolations(user.page)).toEqual([]);
    await openAndLogIn(user.page, `${chat.url}/chat/`, 'alice');
    const bob = await chat.login('bob');
    await chat.login('carol');
    await chat.login('dave');
    await user.page.locator('#chat-data details.presence', { hasText: 'dave' }).waitFor();
    await bob.emitWithAck('chat', 'hello @alice, see https://example.com');
    await bob.emitWithAck('chat', '**bold**, _italic_, `code`\n> a quote\n```\nblock\n```');
    await send(user.page, 'hi');
    await user.page.locator('#chat-data .message:not(.pending)', { hasText: 'hi' }).waitFor();
    expect(await seriousAxeViolations(user.page)).toEqual([]);
    // The rename form, and the phone layout with its drawer open.
    await user.page.click('#rename-button');
    expect(await seriousAxeViolations(user.page)).toEqual([]);
    await user.page.click('#login-cancel');
    await user.page.setViewportSize({ width: 360, height: 640 });
    await user.page.click('#menu-button');
    await user.page.locator('#nicks').waitFor({ state: 'visible' });
    await user.page.waitForTimeout(300);
    expect(await seriousAxeViolations(user.page)).toEqual([]);
  });
});
