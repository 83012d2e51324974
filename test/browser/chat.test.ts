/// <reference lib="dom" />
// (callbacks passed to page.evaluate run in the browser)
/** The page in a real browser: two people chat, the user list follows, and hostile text stays text. */
import { closeAll, NO_LIMITS, startChat } from '../helpers/chat-server';
import { messageTexts, openAndLogIn, pageErrors, send, useBrowser, userList } from '../helpers/browser';
import { describeWithService } from '../helpers/services';

jest.setTimeout(90_000);

describeWithService('chromium', 'the chat page in Chromium', () => {
  const { newUser } = useBrowser();
  afterEach(closeAll);
  afterEach(() => expect(pageErrors.splice(0)).toEqual([]));

  it('lets two people log in and chat, each seeing both lines once, in order', async () => {
    const chat = await startChat(NO_LIMITS);
    const alice = await newUser();
    const bob = await newUser();
    await openAndLogIn(alice.page, `${chat.url}/chat/`, 'alice');
    await openAndLogIn(bob.page, `${chat.url}/chat/`, 'bob');
    await send(alice.page, 'hello bob');
    await bob.page.locator('#chat-data .message', { hasText: 'hello bob' }).waitFor();
    await send(bob.page, 'hi alice');
    for (const { page } of [alice, bob]) {
      await page.locator('#chat-data .message:not(.pending)', { hasText: 'hi alice' }).waitFor();
      expect(await messageTexts(page)).toEqual(['hello bob', 'hi alice']);
    }
  });

  it('updates the user list on enter and exit, with notices in the log (three in a row fold into one summary)', async () => {
    const chat = await startChat(NO_LIMITS);
    const alice = await newUser();
    await openAndLogIn(alice.page, `${chat.url}/chat/`, 'alice');
    expect(await userList(alice.page)).toEqual(['alice']);
    const bob = await newUser();
    await openAndLogIn(bob.page, `${chat.url}/chat/`, 'bob');
    await alice.page.locator('#nicks > li', { hasText: 'bob' }).waitFor();
    expect(await userList(alice.page)).toEqual(['alice', 'bob']);
    expect(await userList(bob.page)).toEqual(['alice', 'bob']);
    await alice.page.locator('#chat-data .notice.enter', { hasText: 'bob' }).waitFor();
    await bob.context.close();
    await alice.page.locator('#chat-data .notice.exit', { hasText: 'bob' }).waitFor({ state: 'attached' });
    expect(await userList(alice.page)).toEqual(['alice']);
    expect(await alice.page.locator('#chat-data details.presence > summary').textContent()).toBe('alice and bob joined, bob left');
  });

  it('shows <img src=x onerror=alert(1)> as text and runs nothing', async () => {
    const chat = await startChat(NO_LIMITS);
    const alice = await newUser();
    const bob = await newUser();
    const dialogs: string[] = [];
    for (const { page } of [alice, bob]) {
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
    }
    const hostile = '<img src=x onerror=alert(1)>';
    await openAndLogIn(alice.page, `${chat.url}/chat/`, hostile.slice(0, 20));
    await openAndLogIn(bob.page, `${chat.url}/chat/`, 'bob');
    await send(alice.page, hostile);
    await bob.page.locator('#chat-data .message .text', { hasText: hostile }).waitFor();
    await bob.page.waitForTimeout(500);
    expect(await messageTexts(bob.page)).toEqual([hostile]);
    expect(await bob.page.locator('#chat-data img').count()).toBe(0);
    expect(await bob.page.locator('#nicks > li').allTextContents()).toContain(hostile.slice(0, 20));
    expect(dialogs).toEqual([]);
  });

  it('stays at the bottom while the reader is there, and keeps their place when scrolled up', async () => {
    const chat = await startChat(NO_LIMITS);
    const reader = await newUser({ viewport: { width: 800, height: 400 } });
    await openAndLogIn(reader.page, `${chat.url}/chat/`, 'reader');
    const writer = await chat.login('writer');
    for (let i = 1; i <= 40; i++) await writer.emitWithAck('chat', `line ${i}`);
    await reader.page.locator('#chat-data .message', { hasText: 'line 40' }).waitFor();
    await reader.page.waitForFunction(() => {
      const log = document.getElementById('chat-data');
      return log !== null && log.scrollHeight > log.clientHeight && log.scrollHeight - log.scrollTop - log.clientHeight <= 4;
    });

    await reader.page.$eval('#chat-data', (log) => {
      log.scrollTop = 0;
    });
    const firstVisible = () =>
      reader.page.$eval('#chat-data', (log) => {
        const top = log.getBoundingClientRect().top;
        return Array.from(log.children).find((line) => line.getBoundingClientRect().bottom > top)?.textContent ?? '';
      });
    const before = await firstVisible();
    await writer.emitWithAck('chat', 'line 41');
    await reader.page.locator('#chat-data .message', { hasText: 'line 41' }).waitFor();
    expect(await reader.page.$eval('#chat-data', (log) => log.scrollTop)).toBe(0);
    expect(await firstVisible()).toBe(before);
  });
});
