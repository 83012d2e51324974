/// <reference lib="dom" />
// (callbacks passed to page.evaluate run in the browser)
/** Rooms in the page: switching, unread counts, typing hints, links and mentions, the title count and the new-messages marker. */
import { closeAll, NO_LIMITS, settle, startChat } from '../helpers/chat-server';
import { messageTexts, openAndLogIn, pageErrors, send, useBrowser } from '../helpers/browser';
import { describeWithService } from '../helpers/services';

jest.setTimeout(90_000);

describeWithService('chromium', 'rooms and page features in Chromium', () => {
  const { newUser } = useBrowser();
  afterEach(closeAll);
  afterEach(() => expect(pageErrors.splice(0)).toEqual([]));

  it('lets two people chat across rooms, with unread counts per room and no cross-talk', async () => {
    const chat = await startChat({ ...NO_LIMITS, rooms: ['games', 'help'] });
    const alice = await newUser();
    const bob = await newUser();
    await openAndLogIn(alice.page, `${chat.url}/chat/`, 'alice');
    await openAndLogIn(bob.page, `${chat.url}/chat/`, 'bob');
    expect(await alice.page.locator('#room-list button').allTextContents()).toEqual(['General', 'games', 'help']);

    await alice.page.click('#room-list button[data-room="games"]');
    await alice.page.locator('#room-list button[data-room="games"][aria-current="true"]').waitFor();
    await alice.page.locator('.cb-log[data-room="games"]').waitFor();
    await bob.page.click('#room-list button[data-room="games"]');
    await bob.page.locator('.cb-nicks[data-room="games"] > li', { hasText: 'alice' }).waitFor();
    await alice.page.locator('.cb-nicks[data-room="games"] > li', { hasText: 'bob' }).waitFor();
    // Bob goes back to General; Alice's lines in games are unread for him.
    await bob.page.click('#room-list button[data-room=""]');
    await send(alice.page, 'in games 1');
    await send(alice.page, 'in games 2');
    await bob.page.locator('#room-list button[data-room="games"] .cb-badge', { hasText: '2' }).waitFor();
    expect(await bob.page.locator('#room-list button[data-room="games"]').innerText()).toMatch(/^games\s+2/);
    expect(await messageTexts(bob.page, '#chat-data')).toEqual([]);

    await bob.page.click('#room-list button[data-room="games"]');
    expect(await bob.page.locator('#room-list .cb-badge').count()).toBe(0);
    expect(await messageTexts(bob.page, '.cb-log[data-room="games"]')).toEqual(['in games 1', 'in games 2']);
    await send(bob.page, 'reply in games');
    await alice.page.locator('.cb-log[data-room="games"] .message:not(.pending)', { hasText: 'reply in games' }).waitFor();
    expect(await messageTexts(alice.page, '.cb-log[data-room="games"]')).toEqual(['in games 1', 'in games 2', 'reply in games']);
    expect(await messageTexts(alice.page, '#chat-data')).toEqual([]);
  });

  it('joins the room given in ?room= (as the widget does)', async () => {
    const chat = await startChat({ ...NO_LIMITS, rooms: ['games'] });
    const alice = await newUser();
    await openAndLogIn(alice.page, `${chat.url}/chat/?room=games`, 'alice');
    await alice.page.locator('#room-list button[data-room="games"][aria-current="true"]').waitFor();
    await send(alice.page, 'hello games');
    const bob = await chat.login('bob');
    const ack = await bob.emitWithAck('join', 'games');
    expect(ack).toEqual({ ok: true, room: 'games', users: ['alice', 'bob'] });
  });

  it('says at once, before any login, that a ?room= the host did not create does not exist', async () => {
    const chat = await startChat({ ...NO_LIMITS, rooms: ['games'] });
    const alice = await newUser();
    await alice.page.goto(`${chat.url}/chat/?room=nope`);
    await alice.page.locator('#chat-data', { hasText: 'There is no room called nope; showing General instead.' }).waitFor();
    expect(await alice.page.locator('#room-list button[aria-current="true"]').getAttribute('data-room')).toBe('');
  });

  it('shows "alice is typing…" to the others, and it expires', async () => {
    const chat = await startChat(NO_LIMITS);
    const alice = await newUser();
    const bob = await newUser();
    await openAndLogIn(alice.page, `${chat.url}/chat/`, 'alice');
    await openAndLogIn(bob.page, `${chat.url}/chat/`, 'bob');
    await alice.page.type('#chat-input', 'hel');
    await bob.page.locator('#typing', { hasText: 'alice is typing…' }).waitFor();
    expect(await alice.page.locator('#typing').textContent()).toBe('');
    await bob.page.locator('#typing:empty').waitFor({ timeout: 10_000 });
  });

  it('makes http(s) links clickable safely, and highlights mentions of you', async () => {
    const chat = await startChat(NO_LIMITS);
    const alice = await newUser();
    await openAndLogIn(alice.page, `${chat.url}/chat/`, 'alice');
    const bob = await chat.login('bob');
    await bob.emitWithAck('chat', 'hey @Alice, see https://example.com/a?b=1. Not javascript:alert(1) nor <a href=x>x</a>');
    const line = alice.page.locator('#chat-data .message', { hasText: 'hey' });
    await line.waitFor();
    const links = await line.locator('a').evaluateAll((anchors) =>
      anchors.map((a) => ({ href: a.getAttribute('href'), rel: a.getAttribute('rel'), target: a.getAttribute('target'), text: a.textContent })),
    );
    expect(links).toEqual([{ href: 'https://example.com/a?b=1', rel: 'noopener noreferrer', target: '_blank', text: 'https://example.com/a?b=1' }]);
    expect(await line.locator('mark.mention').allTextContents()).toEqual(['@Alice']);
    expect(await line.getAttribute('class')).toContain('mentions-me');
    expect(await line.locator('.text').textContent()).toBe('hey @Alice, see https://example.com/a?b=1. Not javascript:alert(1) nor <a href=x>x</a>');
    const time = line.locator('time');
    // The clock time shows; the exact date and time are its tooltip and its datetime.
    expect(await time.textContent()).toMatch(/^\d{1,2}:\d{2}/);
    expect(await time.getAttribute('datetime')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(await time.getAttribute('title')).toMatch(/\d{1,2}:\d{2}:\d{2}/);
  });

  it('counts unread messages in the title while the tab is hidden', async () => {
    const chat = await startChat(NO_LIMITS);
    const alice = await newUser();
    await openAndLogIn(alice.page, `${chat.url}/chat/`, 'alice');
    await alice.page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    const bob = await chat.login('bob');
    await bob.emitWithAck('chat', 'one');
    await bob.emitWithAck('chat', 'two');
    await alice.page.waitForFunction(() => document.title === '(2) Chat');
    await alice.page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    // The title without a count is the host's title (`config.title`, "Chat" by default).
    expect(await alice.page.title()).toBe('Chat');
  });

  it('offers "New messages" while scrolled up, which scrolls to the newest line', async () => {
    const chat = await startChat(NO_LIMITS);
    const reader = await newUser({ viewport: { width: 800, height: 400 } });
    await openAndLogIn(reader.page, `${chat.url}/chat/`, 'reader');
    const writer = await chat.login('writer');
    for (let i = 1; i <= 30; i++) await writer.emitWithAck('chat', `line ${i}`);
    await reader.page.locator('#chat-data .message', { hasText: 'line 30' }).waitFor();
    await settle(100);
    expect(await reader.page.locator('#chat-new').isVisible()).toBe(false);
    await reader.page.$eval('#chat-data', (log) => {
      log.scrollTop = 0;
    });
    await writer.emitWithAck('chat', 'line 31');
    await reader.page.locator('#chat-new', { hasText: 'New messages' }).waitFor();
    await reader.page.click('#chat-new');
    await reader.page.locator('#chat-new').waitFor({ state: 'hidden' });
    expect(await reader.page.$eval('#chat-data', (log) => log.scrollHeight - log.scrollTop - log.clientHeight)).toBeLessThanOrEqual(4);
  });
});
