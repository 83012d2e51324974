/// <reference lib="dom" />
// (callbacks passed to page.evaluate run in the browser)
/** The page's direct messages: the side panel's conversations with unread badges, opened and read from the keyboard. */
import type http from 'node:http';
import { MemoryStore } from 'express-chatterbox';
import { directRoom } from '../../lib/protocol/direct-room';
import { nickKey } from '../../lib/protocol/nick';
import { closeAll, emitAnyWithAck, nextEvent, NO_LIMITS, startChat } from '../helpers/chat-server';
import { messageTexts, pageErrors, send, seriousAxeViolations, useBrowser } from '../helpers/browser';
import { signedIn } from '../helpers/moderated-chat';
import { describeWithService } from '../helpers/services';

jest.setTimeout(90_000);

// The host signs in whoever carries the `who` cookie (the page) or `?user=` (test sockets); guests may still join.
const options = {
  ...NO_LIMITS,
  allowAnonymous: true,
  history: new MemoryStore(),
  identify: (req: http.IncomingMessage) => {
    const who = /(?:^|;\s*)who=(\w+)/.exec(req.headers.cookie ?? '')?.[1] ?? new URL(req.url ?? '/', 'http://x').searchParams.get('user');
    return who ? { nick: who } : null;
  },
};

// Rooms are named for nickname keys, which fold look-alikes: alice's key is `allce`.
const ROOM = directRoom(nickKey('alice'), nickKey('bob'));

describeWithService('chromium', 'direct messages on the page', () => {
  const { newUser } = useBrowser();
  afterEach(closeAll);
  afterEach(() => expect(pageErrors.splice(0)).toEqual([]));

  it('shows a DM that arrives in the main room as a badge, opens it from the keyboard and clears it, axe-clean', async () => {
    const chat = await startChat({ ...options, history: new MemoryStore() });
    const alice = await signedIn(chat, 'alice');
    const { context, page } = await newUser();
    await context.addCookies([{ name: 'who', value: 'bob', url: chat.url }]);
    await page.goto(`${chat.url}/chat/`);
    await page.locator('#chat-input').waitFor({ state: 'visible' });
    await page.locator('#direct').waitFor();

    await emitAnyWithAck(alice, 'chat', { m: 'psst, bob', to: 'bob' });
    await emitAnyWithAck(alice, 'chat', { m: 'are you there?', to: 'bob' });
    const entry = page.locator('#direct-list button', { hasText: 'alice' });
    await page.getByRole('button', { name: 'alice, 2 unread' }).waitFor();
    expect(await entry.locator('.cb-badge').textContent()).toBe('2');
    // The main room's log is still the one on screen, untouched by the conversation.
    expect(await messageTexts(page)).toEqual([]);
    expect(await page.locator('#nicks li[data-nick="alice"] .cb-dm-action').getAttribute('aria-label')).toBe('Message alice');
    expect(await seriousAxeViolations(page)).toEqual([]);

    // Another device of bob's hears the page's read.
    const bobPhone = await signedIn(chat, 'bob');
    const firstRead = nextEvent<[{ room: string; id: number }]>(bobPhone, 'read', 10_000);
    await entry.focus();
    await page.keyboard.press('Enter');
    const room = ROOM;
    const log = `.cb-log[data-room="${room}"]`;
    await page.locator(log, { hasText: 'are you there?' }).waitFor();
    expect(await messageTexts(page, log)).toEqual(['psst, bob', 'are you there?']);
    await page.getByRole('button', { name: 'alice', exact: true }).waitFor();
    expect(await entry.getAttribute('aria-current')).toBe('true');
    expect(await entry.locator('.cb-badge').count()).toBe(0);
    expect((await firstRead)[0]).toMatchObject({ room });
    expect(await bobPhone.emitWithAck('conversations')).toMatchObject({ ok: true, conversations: [{ room, unread: 0 }] });

    // While it is open and visible, a new message is read at once; the page's reply goes to alice only.
    const nextRead = nextEvent<[{ room: string; id: number }]>(bobPhone, 'read', 10_000);
    const great = (await emitAnyWithAck(alice, 'chat', { m: 'great', to: 'bob' })) as { id: number };
    await page.locator(log, { hasText: 'great' }).waitFor();
    expect((await nextRead)[0]).toEqual({ room, id: great.id });
    expect(await page.locator('#direct-list .cb-badge').count()).toBe(0);
    const answered = new Promise((resolve) => alice.once('chat', resolve));
    await send(page, 'hi alice');
    expect(await answered).toMatchObject({ u: 'bob', m: 'hi alice', room });
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it("starts a conversation from the Online list's Message button, then opens it there", async () => {
    const chat = await startChat({ ...options, history: new MemoryStore() });
    const carol = await signedIn(chat, 'carol');
    const { context, page } = await newUser();
    await context.addCookies([{ name: 'who', value: 'bob', url: chat.url }]);
    await page.goto(`${chat.url}/chat/`);
    await page.locator('#direct').waitFor();
    const message = page.getByRole('button', { name: 'Message carol' });
    await message.waitFor();
    const received = new Promise((resolve) => carol.once('chat', resolve));
    page.once('dialog', (dialog) => void dialog.accept('hello carol'));
    await message.focus();
    await page.keyboard.press('Enter');
    const room = directRoom(nickKey('bob'), nickKey('carol'));
    expect(await received).toMatchObject({ u: 'bob', m: 'hello carol', room });
    await page.locator(`.cb-log[data-room="${room}"]`, { hasText: 'hello carol' }).waitFor();
    expect(await page.locator('#direct-list button[aria-current="true"]').getAttribute('aria-label')).toBe('carol');
    // The section leads back to the main room (this chat has no room list).
    await page.getByRole('button', { name: 'General' }).click();
    await page.locator('#chat-data').waitFor({ state: 'visible' });
    // Once the conversation exists, the button opens it without asking again.
    await message.click();
    await page.locator(`.cb-log[data-room="${room}"]`).waitFor({ state: 'visible' });
  });

  it('lists the conversations again after a reconnect', async () => {
    const history = new MemoryStore();
    const chat = await startChat({ ...options, history });
    const { context, page } = await newUser();
    await context.addCookies([{ name: 'who', value: 'bob', url: chat.url }]);
    await page.goto(`${chat.url}/chat/`);
    await page.locator('#direct').waitFor();
    expect(await page.locator('#direct-list button').count()).toBe(0);
    // Stored behind the page's back (no live event reaches it): only the list read on reconnect shows it.
    await history.append({ room: ROOM, u: 'alice', m: 'while you were away', ts: Date.now(), authorKey: nickKey('alice') });
    // Cut the page's transport (not a server-side disconnect, which a client does not retry).
    for (const socket of chat.chat.namespace?.sockets.values() ?? []) socket.conn.close();
    await page.getByRole('button', { name: 'alice, 1 unread' }).waitFor();
    // The badge and the Message buttons read well in the dark theme too.
    await page.evaluate(() => {
      document.documentElement.dataset['theme'] = 'dark';
    });
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('shows no section to guests, and clears a badge when another tab reads the conversation', async () => {
    const chat = await startChat({ ...options, history: new MemoryStore() });
    const guest = await newUser();
    await guest.page.goto(`${chat.url}/chat/`);
    await guest.page.fill('#login-input', 'visitor');
    await guest.page.press('#login-input', 'Enter');
    await guest.page.locator('#chat-input').waitFor({ state: 'visible' });

    const alice = await signedIn(chat, 'alice');
    const bobTab = await signedIn(chat, 'bob');
    const { context, page } = await newUser();
    await context.addCookies([{ name: 'who', value: 'bob', url: chat.url }]);
    await page.goto(`${chat.url}/chat/`);
    await page.locator('#direct').waitFor();
    const sent = (await emitAnyWithAck(alice, 'chat', { m: 'hello', to: 'bob' })) as { id: number };
    await page.getByRole('button', { name: 'alice, 1 unread' }).waitFor();
    expect(await bobTab.emitWithAck('read', { room: ROOM, id: sent.id })).toEqual({ ok: true, room: ROOM, id: sent.id });
    await page.getByRole('button', { name: 'alice', exact: true }).waitFor();

    expect(await guest.page.locator('#direct').isHidden()).toBe(true);
    expect(await guest.page.locator('.cb-dm-action').count()).toBe(0);
  });
});
