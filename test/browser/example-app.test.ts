/// <reference lib="dom" />
// (callbacks passed to page.evaluate run in the browser)
/** The example app's home page shows the widget, and two people chat across its rooms through it. */
import type { AddressInfo } from 'node:net';
import { MemoryStore } from 'express-chatterbox';
import { createExampleApp } from '../../example-app/src/app';
import { recordingLogger } from '../helpers/chat-server';
import { pageErrors, useBrowser } from '../helpers/browser';
import { describeWithService } from '../helpers/services';

jest.setTimeout(90_000);

describeWithService('chromium', 'the example app in Chromium', () => {
  const { newUser } = useBrowser();
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
    expect(pageErrors.splice(0)).toEqual([]);
  });

  it('shows the widget on its home page; two people chat in a room through it, one on a phone', async () => {
    const { server, chat } = createExampleApp({ history: new MemoryStore(), logger: recordingLogger() });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    close = async () => {
      await chat.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    };
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const desktop = await newUser();
    const phone = await newUser({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true });
    for (const [{ page }, nick] of [[desktop, 'alice'], [phone, 'bob']] as const) {
      await page.goto(url);
      await page.locator('[data-chatterbox-widget] >> css=button.cb-launcher').click();
      const frame = page.frameLocator('[data-chatterbox-widget] >> css=iframe.cb-frame');
      await frame.locator('#status[data-state="connected"]').waitFor();
      await frame.locator('#login-input').fill(nick);
      await frame.locator('#login-input').press('Enter');
      await frame.locator('#chat-input').waitFor({ state: 'visible' });
      // The widget's panel is narrow: rooms and people are in the drawer behind the menu button.
      await frame.locator('#menu-button').click();
      await frame.locator('#room-list button[data-room="games"]').click();
      await frame.locator('#room-name', { hasText: 'games' }).waitFor();
      await frame.locator('.cb-nicks[data-room="games"] > li', { hasText: nick }).waitFor({ state: 'attached' });
    }
    const aliceFrame = desktop.page.frameLocator('[data-chatterbox-widget] >> css=iframe.cb-frame');
    const bobFrame = phone.page.frameLocator('[data-chatterbox-widget] >> css=iframe.cb-frame');
    await aliceFrame.locator('#chat-input').fill('anyone for chess?');
    await aliceFrame.locator('#chat-input').press('Enter');
    await bobFrame.locator('.cb-log[data-room="games"] .message', { hasText: 'anyone for chess?' }).waitFor();
    await bobFrame.locator('#chat-input').fill('me!');
    await bobFrame.locator('#chat-input').press('Enter');
    await aliceFrame.locator('.cb-log[data-room="games"] .message', { hasText: 'me!' }).waitFor();
    const panel = await phone.page.locator('[data-chatterbox-widget] >> css=.cb-panel').boundingBox();
    expect(panel!.x).toBeGreaterThanOrEqual(0);
    expect(panel!.x + panel!.width).toBeLessThanOrEqual(360.5);
  });
});
