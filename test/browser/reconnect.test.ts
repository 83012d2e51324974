/** The page survives a server restart (same port, same SQLite file): it shows reconnecting, recovers, and shows every line once. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io as connectClient } from 'socket.io-client';
import { SqliteStore } from '../../lib/history/sqlite-store';
import { startChildServer, stopAllChildServers } from '../helpers/child-server';
import type { TestSocket } from '../helpers/chat-server';
import { messageTexts, openAndLogIn, pageErrors, send, useBrowser } from '../helpers/browser';
import { describeWithService } from '../helpers/services';

jest.setTimeout(120_000);

describeWithService('chromium', 'the chat page across a server restart', () => {
  const { newUser } = useBrowser();
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatterbox-reconnect-'));
  });
  afterEach(async () => {
    await stopAllChildServers();
    fs.rmSync(dir, { recursive: true, force: true });
    expect(pageErrors.splice(0)).toEqual([]);
  });

  it('shows the reconnecting state, logs back in, and shows no line twice', async () => {
    const options = { history: { sqlite: path.join(dir, 'chat.sqlite') }, rooms: ['games'] };
    const first = await startChildServer(options);
    const alice = await newUser();
    const bob = await newUser();
    await openAndLogIn(alice.page, `${first.url}/chat/`, 'alice');
    await openAndLogIn(bob.page, `${first.url}/chat/`, 'bob');
    await send(alice.page, 'before the restart');
    await bob.page.locator('#chat-data .message', { hasText: 'before the restart' }).waitFor();
    for (const { page } of [alice, bob]) await page.click('#room-list button[data-room="games"]');
    await bob.page.locator('.cb-nicks[data-room="games"] > li', { hasText: 'alice' }).waitFor();
    await send(alice.page, 'games before');
    await bob.page.locator('.cb-log[data-room="games"] .message', { hasText: 'games before' }).waitFor();
    for (const { page } of [alice, bob]) await page.click('#room-list button[data-room=""]');

    await first.stop('SIGKILL');
    await alice.page.locator('#status[data-state="reconnecting"], #status[data-state="disconnected"]').waitFor();
    // Written while the server is down: held, then sent once after the reconnect.
    await send(alice.page, 'while it was down');
    await startChildServer(options, { PORT: String(first.port) });

    await alice.page.locator('#status[data-state="connected"]').waitFor({ timeout: 30_000 });
    await bob.page.locator('#status[data-state="connected"]').waitFor({ timeout: 30_000 });
    await bob.page.locator('#chat-data .message', { hasText: 'while it was down' }).waitFor({ timeout: 30_000 });
    await send(bob.page, 'after the restart');
    await alice.page.locator('#chat-data .message:not(.pending)', { hasText: 'after the restart' }).waitFor();
    await alice.page.waitForTimeout(500);
    const expected = ['before the restart', 'while it was down', 'after the restart'];
    expect(await messageTexts(alice.page)).toEqual(expected);
    expect(await messageTexts(bob.page)).toEqual(expected);
    expect(await alice.page.locator('#chat-input').isVisible()).toBe(true);

    // The rooms were joined again, from the greatest id each log held.
    await bob.page.click('#room-list button[data-room="games"]');
    await send(bob.page, 'games after');
    await alice.page.locator('#room-list button[data-room="games"] .cb-badge', { hasText: '1' }).waitFor();
    await alice.page.click('#room-list button[data-room="games"]');
    expect(await messageTexts(alice.page, '.cb-log[data-room="games"]')).toEqual(['games before', 'games after']);
  });

  it('shows after a restart the edits, reactions and deletes made while it was away (lastRev), without reloading', async () => {
    const file = path.join(dir, 'chat.sqlite');
    const first = await startChildServer({ history: { sqlite: file } });
    const { page } = await newUser();
    await openAndLogIn(page, `${first.url}/chat/`, 'alice');
    for (const text of ['fix me', 'like me', 'drop me']) await send(page, text);
    await page.locator('#chat-data .message:not(.pending)', { hasText: 'drop me' }).waitFor();
    const ids = await page.locator('#chat-data .message').evaluateAll((lines) => lines.map((line) => Number((line as HTMLElement).dataset['id'])));
    const [fix, like, drop] = ids as [number, number, number];
    // One change seen live (rev 1): the page then reconnects with lastRev 1.
    const bob: TestSocket = connectClient(`${first.url}/chat`, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { nick: 'bob' } });
    await new Promise((resolve) => bob.once('session', resolve));
    expect(await bob.emitWithAck('react', { id: like, emoji: '👍' })).toMatchObject({ ok: true });
    bob.disconnect();
    await page.locator(`#chat-data .message[data-id="${like}"] .reactions .reaction`, { hasText: '👍 1' }).waitFor();
    // A mark on the page's window: still there at the end, so the page was never reloaded.
    await page.evaluate(() => {
      (window as unknown as { stayed: boolean }).stayed = true;
    });

    await first.stop('SIGKILL');
    await page.locator('#status[data-state="reconnecting"], #status[data-state="disconnected"], #status[data-state="unreachable"]').waitFor();
    // While it is down, the same file changes (as another node of a cluster would change it).
    const store = new SqliteStore({ file });
    await store.open();
    expect(await store.edit(fix, 'fixed while away', Date.now())).toMatchObject({ rev: 2 });
    expect(await store.react(like, 'carol', '👍', 20)).toMatchObject({ rev: 3 });
    expect(await store.delete(drop)).toMatchObject({ rev: 4 });
    await store.close();
    await startChildServer({ history: { sqlite: file } }, { PORT: String(first.port) });

    await page.locator('#status[data-state="connected"]').waitFor({ timeout: 30_000 });
    const fixed = page.locator(`#chat-data .message[data-id="${fix}"]`);
    await fixed.locator('.text', { hasText: 'fixed while away' }).waitFor();
    expect(await fixed.locator('.edited').count()).toBe(1);
    await page.locator(`#chat-data .message[data-id="${like}"] .reactions .reaction`, { hasText: '👍 2' }).waitFor();
    await page.locator(`#chat-data .message[data-id="${drop}"]`).waitFor({ state: 'detached' });
    expect(await messageTexts(page)).toEqual(['fixed while away', 'like me']);
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  });

  it('says the chat cannot be reached in plain words, counts down to the next try, and Retry now reconnects at once', async () => {
    const options = { history: { sqlite: path.join(dir, 'chat.sqlite') } };
    const first = await startChildServer(options);
    const { page } = await newUser();
    await openAndLogIn(page, `${first.url}/chat/`, 'alice');
    await first.stop('SIGKILL');
    const status = page.locator('#status[data-state="unreachable"]');
    await status.waitFor({ timeout: 30_000 });
    expect(await status.textContent()).toMatch(/^Can’t reach the chat — retrying (in \d s|…)$/);
    expect(await page.locator('#retry').isVisible()).toBe(true);
    // The backoff reaches its longest wait: "retrying in 5 s".
    await page.locator('#status', { hasText: 'retrying in 5 s' }).waitFor({ timeout: 30_000 });
    await startChildServer(options, { PORT: String(first.port) });
    await page.click('#retry');
    await page.locator('#status[data-state="connected"]').waitFor({ timeout: 3_000 });
    expect(await page.locator('#retry').isHidden()).toBe(true);
    await page.locator('#chat-input').waitFor({ state: 'visible' });
  });
});
