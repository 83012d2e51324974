/** The page survives a server restart (same port, same SQLite file): it shows reconnecting, recovers, and shows every line once. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startChildServer, stopAllChildServers } from '../helpers/child-server';
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
