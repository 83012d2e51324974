/// <reference lib="dom" />
// (callbacks passed to page.evaluate and addInitScript run in the browser)
/**
 * Who you are and what tells you about new messages, in Chromium: the guest's "Choose a name"
 * form, changing name, leaving, a signed-in account without a form; opt-in desktop notifications
 * (granted and denied) and the tab title's count.
 */
import type { Page } from 'playwright-core';
import { closeAll, NO_LIMITS, startChat } from '../helpers/chat-server';
import { openAndLogIn, pageErrors, useBrowser, userList } from '../helpers/browser';
import { rawRequest } from '../helpers/raw-http';
import { describeWithService } from '../helpers/services';

jest.setTimeout(90_000);

/** Notifications the page created, recorded by the stand-in installed by {@link stubNotifications}. */
interface Shown {
  title: string;
  body: string | undefined;
}

/**
 * Replaces `Notification` before the page's script runs: `permission` is the real one unless
 * `forced` says otherwise, `requestPermission` answers `answer`, and each notification is recorded.
 */
async function stubNotifications(page: Page, forced: NotificationPermission | null, answer: NotificationPermission): Promise<void> {
  await page.addInitScript(
    ({ forced, answer }) => {
      const Real = window.Notification;
      const shown: Array<{ title: string; body: string | undefined }> = [];
      let current: NotificationPermission | null = forced;
      class Recorded {
        onclick: (() => void) | null = null;
        constructor(title: string, options?: NotificationOptions) {
          shown.push({ title, body: options?.body });
        }
        static get permission(): NotificationPermission {
          return current ?? Real.permission;
        }
        static requestPermission(): Promise<NotificationPermission> {
          current = answer;
          return Promise.resolve(answer);
        }
        close(): void {}
      }
      Object.assign(window, { Notification: Recorded, shownNotifications: shown });
    },
    { forced, answer },
  );
}

function shownNotifications(page: Page): Promise<Shown[]> {
  return page.evaluate(() => (window as unknown as { shownNotifications: Shown[] }).shownNotifications);
}

describeWithService('chromium', 'people and alerts on the chat page', () => {
  const { newUser } = useBrowser();
  afterEach(closeAll);
  afterEach(() => expect(pageErrors.splice(0)).toEqual([]));

  describe('names', () => {
    it('asks a guest to "Choose a name", never to log in', async () => {
      const chat = await startChat(NO_LIMITS);
      const { page } = await newUser();
      await page.goto(`${chat.url}/chat/`);
      await page.locator('#status[data-state="connected"]').waitFor();
      expect(await page.locator('#login label').textContent()).toBe('Choose a name');
      expect(await page.locator('#login button[type="submit"]').textContent()).toBe('Join the chat');
      expect(await page.locator('body').innerText()).not.toMatch(/log ?in/i);
      expect(await page.locator('#me').isHidden()).toBe(true);
    });

    it('changes name from the side panel: the others see the new name, the page shows it', async () => {
      const chat = await startChat(NO_LIMITS);
      const alice = await newUser();
      const bob = await newUser();
      await openAndLogIn(alice.page, `${chat.url}/chat/`, 'alice');
      await openAndLogIn(bob.page, `${chat.url}/chat/`, 'bob');
      expect(await alice.page.locator('#me-name').textContent()).toBe('You are alice');
      await alice.page.click('#rename-button');
      expect(await alice.page.locator('#chat').isHidden()).toBe(true);
      expect(await alice.page.locator('#login-input').inputValue()).toBe('alice');
      expect(await alice.page.locator('#login button[type="submit"]').textContent()).toBe('Save name');
      // Cancel puts everything back.
      await alice.page.click('#login-cancel');
      await alice.page.locator('#chat-input').waitFor({ state: 'visible' });
      await alice.page.click('#rename-button');
      await alice.page.fill('#login-input', 'alicia');
      await alice.page.press('#login-input', 'Enter');
      await alice.page.locator('#chat-input').waitFor({ state: 'visible' });
      expect(await alice.page.locator('#me-name').textContent()).toBe('You are alicia');
      await bob.page.locator('#nicks > li', { hasText: 'alicia' }).waitFor();
      expect(await userList(bob.page)).toEqual(['alicia', 'bob']);
    });

    it('leaves: the name is given up and forgotten, the page keeps reading', async () => {
      const chat = await startChat(NO_LIMITS);
      const alice = await newUser();
      const bob = await newUser();
      await openAndLogIn(alice.page, `${chat.url}/chat/`, 'alice');
      await openAndLogIn(bob.page, `${chat.url}/chat/`, 'bob');
      await alice.page.click('#leave-button');
      await alice.page.locator('#login-input').waitFor({ state: 'visible' });
      expect(await alice.page.locator('#chat').isHidden()).toBe(true);
      expect(await alice.page.locator('#me').isHidden()).toBe(true);
      expect(await alice.page.locator('#login-input').inputValue()).toBe('');
      await bob.page.locator('#nicks > li', { hasText: 'alice' }).waitFor({ state: 'detached' });
      expect(await userList(bob.page)).toEqual(['bob']);
      // Still reading the room.
      const writer = await chat.login('carol');
      await writer.emitWithAck('chat', 'still there?');
      await alice.page.locator('#chat-data .message', { hasText: 'still there?' }).waitFor();
      // A reload does not take the name back.
      await alice.page.reload();
      await alice.page.locator('#status[data-state="connected"]').waitFor();
      await alice.page.waitForTimeout(300);
      expect(await alice.page.locator('#chat').isHidden()).toBe(true);
      expect(await alice.page.locator('#login-input').inputValue()).toBe('');
    });

    it('shows the count and the first page of a crowd, and "Show more" pages the rest from the keyboard', async () => {
      const chat = await startChat({ ...NO_LIMITS, presenceWindowMs: 200 });
      for (let i = 0; i < 60; i++) await chat.connect({ auth: { nick: `guest${String(i).padStart(2, '0')}` } });
      // The crowd's own window passes first: its digest (too many arrivals to name, so the page
      // would reload its first page) must not land after "Show more" and fold the list back.
      await new Promise((resolve) => setTimeout(resolve, 400));
      const { page } = await newUser();
      await openAndLogIn(page, `${chat.url}/chat/`, 'zoe');
      await page.locator('#online-count', { hasText: '61' }).waitFor();
      // The digest's first page: the 50 who came first; zoe, the 61st, is added once her login's window passes.
      await page.locator('#nicks > li', { hasText: 'zoe' }).waitFor();
      expect((await userList(page)).length).toBe(51);
      await page.locator('#nicks-more').waitFor({ state: 'visible' });
      await page.locator('#nicks-more').focus();
      await page.keyboard.press('Enter');
      await page.locator('#nicks-more').waitFor({ state: 'hidden' });
      expect((await userList(page)).length).toBe(61);
      expect(await page.locator('#online-count').textContent()).toBe('61');
    });

    it('shows a signed-in account’s name, with no name form and no rename or leave', async () => {
      const chat = await startChat({ ...NO_LIMITS, identify: () => ({ nick: 'Dana' }) });
      const { page } = await newUser();
      await page.goto(`${chat.url}/chat/`);
      await page.locator('#chat-input').waitFor({ state: 'visible' });
      expect(await page.locator('#me-name').textContent()).toBe('Signed in as Dana');
      expect(await page.locator('#login').isHidden()).toBe(true);
      expect(await page.locator('#rename-button').isHidden()).toBe(true);
      expect(await page.locator('#leave-button').isHidden()).toBe(true);
    });
  });

  describe('notifications', () => {
    it('asks permission on "Notify me", and once granted notifies a mention', async () => {
      const chat = await startChat(NO_LIMITS);
      const { page } = await newUser();
      await stubNotifications(page, 'default', 'granted');
      await openAndLogIn(page, `${chat.url}/chat/`, 'alice');
      const toggle = page.locator('#notify-button');
      expect(await toggle.getAttribute('aria-pressed')).toBe('false');
      await toggle.click();
      await page.locator('#notify-button[aria-pressed="true"]').waitFor();
      const bob = await chat.login('bob');
      await bob.emitWithAck('chat', 'no mention, tab visible');
      await bob.emitWithAck('chat', 'hey @alice, look');
      await page.locator('#chat-data .message.mentions-me').waitFor();
      await page.waitForFunction(() => (window as unknown as { shownNotifications: unknown[] }).shownNotifications.length > 0);
      expect(await shownNotifications(page)).toEqual([{ title: 'bob in General', body: 'hey @alice, look' }]);
      // Turning it off again needs no permission.
      await toggle.click();
      expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    });

    it('uses a permission granted through the browser, and notifies while the tab is hidden; the title counts', async () => {
      const chat = await startChat(NO_LIMITS);
      const { context, page } = await newUser();
      await context.grantPermissions(['notifications'], { origin: chat.url });
      await stubNotifications(page, null, 'denied');
      await openAndLogIn(page, `${chat.url}/chat/`, 'alice');
      await page.click('#notify-button');
      await page.locator('#notify-button[aria-pressed="true"]').waitFor();
      // The tab goes to the background.
      await page.evaluate(() => {
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
        document.dispatchEvent(new Event('visibilitychange'));
      });
      const bob = await chat.login('bob');
      await bob.emitWithAck('chat', 'while you were away');
      await page.waitForFunction(() => document.title === '(1) Chat');
      expect(await shownNotifications(page)).toEqual([{ title: 'bob in General', body: 'while you were away' }]);
      expect(await page.locator('link[rel="icon"]').getAttribute('href')).toMatch(/^data:image\/svg\+xml,/);
      await page.evaluate(() => {
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
        document.dispatchEvent(new Event('visibilitychange'));
      });
      await page.waitForFunction(() => document.title === 'Chat');
      expect(await page.locator('link[rel="icon"]').getAttribute('href')).toMatch(/favicon\.svg$/);
    });

    it.each([
      ['refused at the prompt', 'default'],
      ['blocked in the browser', 'denied'],
    ] as const)('explains, and stays off, when permission is %s', async (_label, initial) => {
      const chat = await startChat(NO_LIMITS);
      const { page } = await newUser();
      await stubNotifications(page, initial, 'denied');
      await openAndLogIn(page, `${chat.url}/chat/`, 'alice');
      await page.click('#notify-button');
      await page.locator('#status', { hasText: 'Notifications are blocked' }).waitFor();
      expect(await page.locator('#notify-button').getAttribute('aria-pressed')).toBe('false');
      const bob = await chat.login('bob');
      await bob.emitWithAck('chat', '@alice are you there?');
      await page.locator('#chat-data .message.mentions-me').waitFor();
      expect(await shownNotifications(page)).toEqual([]);
    });
  });

  describe('the header and the icon', () => {
    it('shows the title, the room and its topic from the page config, with "Chat" and no topic by default', async () => {
      const chat = await startChat({ ...NO_LIMITS, rooms: ['games'] });
      const plain = await newUser();
      const failed: string[] = [];
      plain.page.on('response', (response) => {
        if (response.status() >= 400) failed.push(response.url());
      });
      await plain.page.goto(`${chat.url}/chat/`);
      await plain.page.locator('#status[data-state="connected"]').waitFor();
      expect(await plain.page.locator('#title').textContent()).toBe('Chat');
      expect(await plain.page.title()).toBe('Chat');
      expect(await plain.page.locator('#room-name').textContent()).toBe('General');
      expect(await plain.page.locator('#room-topic').isHidden()).toBe(true);
      // The favicon is served with the page: no 404 on any load.
      expect(await plain.page.locator('link[rel="icon"]').getAttribute('href')).toBe('./favicon.svg');
      expect(await plain.page.evaluate(async () => (await fetch('./favicon.svg')).headers.get('content-type'))).toMatch(/^image\/svg\+xml/);
      expect(failed).toEqual([]);

      // The server's future `title` and room topics, injected the way the router injects config.
      const configured = await newUser();
      // Fetched over a plain socket that closes: a keep-alive client would outlive the test.
      const original = await rawRequest(chat.port, '/chat/');
      const csp = original.headers['content-security-policy'] ?? '';
      const html = Buffer.from(original.body, 'latin1').toString('utf8').replace(
        /(<script type="application\/json" id="chatterbox-config">)(.*?)(<\/script>)/,
        (_match, open: string, json: string, close: string) => {
          const config = { ...JSON.parse(json), title: 'Acme <b>Support</b>', topics: { '': 'Ask us anything', games: 'Chess at 8' } };
          return `${open}${JSON.stringify(config).replace(/</g, '\\u003c')}${close}`;
        },
      );
      await configured.page.route(`${chat.url}/chat/`, (route) =>
        route.fulfill({ status: 200, contentType: 'text/html', headers: { 'content-security-policy': csp }, body: html }),
      );
      await openAndLogIn(configured.page, `${chat.url}/chat/`, 'alice');
      expect(await configured.page.locator('#title').textContent()).toBe('Acme <b>Support</b>');
      expect(await configured.page.title()).toBe('Acme <b>Support</b>');
      expect(await configured.page.locator('#room-topic').textContent()).toBe('Ask us anything');
      await configured.page.click('#room-list button[data-room="games"]');
      await configured.page.locator('#room-name', { hasText: 'games' }).waitFor();
      expect(await configured.page.locator('#room-topic').textContent()).toBe('Chess at 8');
      expect(await configured.page.locator('#title b').count()).toBe(0);
    });
  });
});
