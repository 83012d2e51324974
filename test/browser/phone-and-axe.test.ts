/// <reference lib="dom" />
// (callbacks passed to page.evaluate run in the browser)
/** The page on a 360×640 phone, and an axe-core scan of the logged-out and logged-in page. */
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
    await phone.page.setViewportSize({ width: 320, height: 568 });
    expect(await overflowsSideways(phone.page)).toBe(false);
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
    await bob.emitWithAck('chat', 'hello @alice, see https://example.com');
    await send(user.page, 'hi');
    await user.page.locator('#chat-data .message:not(.pending)', { hasText: 'hi' }).waitFor();
    expect(await seriousAxeViolations(user.page)).toEqual([]);
  });
});
