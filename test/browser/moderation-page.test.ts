/// <reference lib="dom" />
// (callbacks passed to page.evaluate run in the browser)
/**
 * Moderation in the page, in Chromium: moderators' inline actions on a line and a name (with a
 * confirmation and an Undo), the moderators' panel, and anyone's report of a line.
 *
 * Most tests talk to a stand-in server (a plain Socket.IO server on `/chat` that serves the built
 * page, answers every ack from a table and records what it received), so they pin what the page
 * emits and shows whatever the server does. The last `describe` runs against the real chat.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import type { Page } from 'playwright-core';
import { Server, type Socket as ServerSocket } from 'socket.io';
import type { ModerationPanel, ModerationUpdate, SessionInfo } from '../../lib/protocol/payloads';
import { closeAll, NO_LIMITS, startChat } from '../helpers/chat-server';
import { pageErrors, seriousAxeViolations, useBrowser } from '../helpers/browser';
import { describeWithService } from '../helpers/services';

jest.setTimeout(90_000);

/** A stand-in chat server: what the page sent, and the answers it gets. */
interface FakeChat {
  url: string;
  /** Each event the page emitted, with its first argument, in order (`typing` left out). */
  received: Array<[string, unknown]>;
  /** The ack for an event; `{ ok: true }` when unset. */
  answers: Map<string, unknown>;
  /** Sends `moderation` to every page. */
  push(update: ModerationUpdate): void;
  close(): Promise<void>;
}

const fakes: FakeChat[] = [];

/** Serves the built page and greets each connection as `session` says, with bob's line id 7. */
async function startFake(session: SessionInfo): Promise<FakeChat> {
  const app = express();
  app.use(express.static(path.join(__dirname, '..', '..', 'dist-client')));
  const server = http.createServer(app);
  const io = new Server(server);
  const received: FakeChat['received'] = [];
  const answers = new Map<string, unknown>();
  io.of('/chat').on('connection', (socket: ServerSocket) => {
    socket.onAny((event: string, ...args: unknown[]) => {
      const ack = typeof args.at(-1) === 'function' ? (args.pop() as (answer: unknown) => void) : undefined;
      if (event !== 'typing') received.push([event, args[0]]);
      ack?.(answers.get(event) ?? { ok: true });
    });
    socket.emit('history', [{ u: 'bob', m: 'buy cheap watches', id: 7, ts: Date.now() }], {});
    socket.emit('session', session);
    socket.emit('users', ['bob', session.nick ?? 'someone']);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const fake: FakeChat = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    answers,
    push: (update) => io.of('/chat').emit('moderation', update),
    async close() {
      await io.close();
      server.closeAllConnections();
    },
  };
  fakes.push(fake);
  return fake;
}

const MODERATOR: SessionInfo = { nick: 'mod', identified: true, admin: true };
const MEMBER: SessionInfo = { nick: 'alice', identified: true };

/** Opens the page on `fake` and waits for bob's line. */
async function open(page: Page, fake: FakeChat): Promise<void> {
  await page.goto(`${fake.url}/`);
  await page.locator('#chat-data .message[data-id="7"]').waitFor();
  await page.locator('#chat-input').waitFor({ state: 'visible' });
}

/** Waits until the fake received `event`, and returns its payload. */
async function receivedOf(fake: FakeChat, page: Page, event: string): Promise<unknown> {
  for (let i = 0; i < 100; i++) {
    const found = fake.received.find(([name]) => name === event);
    if (found) return found[1];
    await page.waitForTimeout(50);
  }
  throw new Error(`the page never emitted ${event}; it emitted ${JSON.stringify(fake.received)}`);
}

/** Opens bob's line's actions from the keyboard: Tab reaches the button, Enter opens the dialog. */
async function openLineActions(page: Page): Promise<void> {
  const button = page.locator('#chat-data .message[data-id="7"] .cb-line-actions');
  await button.focus();
  // Revealed by keyboard focus, not by hovering only.
  await page.waitForFunction(() => getComputedStyle(document.querySelector('.message[data-id="7"] .cb-line-actions')!).opacity === '1');
  await page.keyboard.press('Enter');
  await page.locator('dialog.cb-dialog[open]').waitFor();
}

function dialog(page: Page) {
  return page.locator('dialog.cb-dialog[open]:not(#mod-panel)');
}

describeWithService('chromium', 'moderation in the page', () => {
  const { newUser } = useBrowser();
  afterEach(async () => {
    await Promise.all(fakes.splice(0).map((fake) => fake.close()));
    await closeAll();
  });
  afterEach(() => expect(pageErrors.splice(0)).toEqual([]));

  describe('who sees what', () => {
    it('shows a moderator the panel button, a line’s actions and each other name’s actions', async () => {
      const fake = await startFake(MODERATOR);
      const { page } = await newUser();
      await open(page, fake);
      expect(await page.locator('#mod-button').isVisible()).toBe(true);
      expect(await page.locator('#nicks li[data-nick="bob"] .cb-nick-actions').isVisible()).toBe(true);
      expect(await page.locator('#nicks li[data-nick="mod"] .cb-nick-actions').count()).toBe(0);
      // The list's text stays the bare names.
      expect(await page.locator('#nicks > li').allTextContents()).toEqual(['bob', 'mod']);
      await openLineActions(page);
      expect(await dialog(page).getByRole('button').allTextContents()).toEqual([
        'Spam',
        'Abuse',
        'Off-topic',
        'Other',
        'Delete this message',
        'Mute bob…',
        'Kick bob…',
        'Ban bob…',
        'Cancel',
      ]);
    });

    it('shows anyone else only Report on others’ lines, and no moderation control anywhere', async () => {
      const fake = await startFake(MEMBER);
      const { page } = await newUser();
      await open(page, fake);
      expect(await page.locator('#mod-button').isHidden()).toBe(true);
      expect(await page.locator('#nicks .cb-nick-actions:visible').count()).toBe(0);
      await openLineActions(page);
      expect(await dialog(page).getByRole('button').allTextContents()).toEqual(['Spam', 'Abuse', 'Off-topic', 'Other', 'Cancel']);
      // A forged click on a name's hidden button opens nothing.
      await page.keyboard.press('Escape');
      await page.evaluate(() => (document.querySelector('#nicks .cb-nick-actions') as HTMLButtonElement).click());
      expect(await page.locator('dialog[open]').count()).toBe(0);
    });

    it('offers nothing on your own line to a non-moderator', async () => {
      const fake = await startFake({ nick: 'bob', identified: true });
      const { page } = await newUser();
      await open(page, fake);
      expect(await page.locator('.message[data-id="7"] .cb-line-actions').isHidden()).toBe(true);
    });
  });

  describe('inline actions', () => {
    it('mutes after a confirmation with the chosen duration, then Undo unmutes', async () => {
      const fake = await startFake(MODERATOR);
      const { page } = await newUser();
      await open(page, fake);
      await openLineActions(page);
      await dialog(page).getByRole('button', { name: 'Mute bob…' }).click();
      expect(await dialog(page).locator('h2').textContent()).toBe('bob');
      // The first duration is chosen and focused; the keyboard picks another.
      expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe('300');
      await page.keyboard.press('ArrowDown');
      await dialog(page).getByRole('button', { name: 'Mute', exact: true }).click();
      expect(await receivedOf(fake, page, 'mute')).toEqual({ nick: 'bob', seconds: 3600 });
      const notice = page.locator('#chat-data .system', { hasText: 'bob is muted for 1 hour.' });
      await notice.waitFor();
      await notice.getByRole('button', { name: 'Undo: bob is muted for 1 hour.' }).click();
      expect(await receivedOf(fake, page, 'unmute')).toEqual({ nick: 'bob' });
      await page.locator('#chat-data .system', { hasText: 'bob may write again.' }).waitFor();
      expect(await notice.locator('button').count()).toBe(0);
    });

    it('kicks from the Online list, and Undo unbans', async () => {
      const fake = await startFake(MODERATOR);
      const { page } = await newUser();
      await open(page, fake);
      await page.click('#nicks li[data-nick="bob"] .cb-nick-actions');
      await dialog(page).getByRole('button', { name: 'Kick bob…' }).click();
      await dialog(page).getByRole('radio', { name: '1 day' }).check();
      await dialog(page).getByRole('button', { name: 'Kick', exact: true }).click();
      expect(await receivedOf(fake, page, 'kick')).toEqual({ nick: 'bob', seconds: 86_400 });
      await page.locator('#chat-data .system', { hasText: 'bob is kicked for 1 day.' }).getByRole('button').click();
      expect(await receivedOf(fake, page, 'unban')).toEqual({ nick: 'bob' });
    });

    it('bans without a duration (the server’s default) and deletes a line by its id', async () => {
      const fake = await startFake(MODERATOR);
      const { page } = await newUser();
      await open(page, fake);
      await openLineActions(page);
      await dialog(page).getByRole('button', { name: 'Ban bob…' }).click();
      expect(await dialog(page).getByRole('radio').count()).toBe(0);
      await dialog(page).getByRole('button', { name: 'Ban', exact: true }).click();
      expect(await receivedOf(fake, page, 'ban')).toEqual({ nick: 'bob' });
      await page.locator('#chat-data .system', { hasText: 'bob is banned.' }).waitFor();

      await openLineActions(page);
      await dialog(page).getByRole('button', { name: 'Delete this message' }).click();
      expect(await dialog(page).locator('h2').textContent()).toBe('Delete this message for everyone?');
      await dialog(page).getByRole('button', { name: 'Delete', exact: true }).click();
      expect(await receivedOf(fake, page, 'delete')).toEqual({ id: 7 });
      await page.locator('#status', { hasText: 'Message deleted.' }).waitFor();
    });

    it('cancels on Escape: nothing is sent and the focus returns to the line’s button', async () => {
      const fake = await startFake(MODERATOR);
      const { page } = await newUser();
      await open(page, fake);
      await openLineActions(page);
      await dialog(page).getByRole('button', { name: 'Kick bob…' }).click();
      await page.keyboard.press('Escape');
      expect(await page.locator('dialog[open]').count()).toBe(0);
      expect(await page.evaluate(() => document.activeElement?.classList.contains('cb-line-actions'))).toBe(true);
      await page.waitForTimeout(200);
      // A signed-in page asks for its conversation list on every session: not a moderation request.
      expect(fake.received.filter(([name]) => name !== 'login' && name !== 'conversations')).toEqual([]);
    });

    it('shows a refusal in the status line', async () => {
      const fake = await startFake(MODERATOR);
      fake.answers.set('mute', { ok: false, error: { code: 'FORBIDDEN', message: '' } });
      const { page } = await newUser();
      await open(page, fake);
      await page.click('#nicks li[data-nick="bob"] .cb-nick-actions');
      await dialog(page).getByRole('button', { name: 'Mute bob…' }).click();
      await dialog(page).getByRole('button', { name: 'Mute', exact: true }).click();
      await page.locator('#status.error', { hasText: 'You are not allowed to do that.' }).waitFor();
      expect(await page.locator('#chat-data .system', { hasText: 'muted' }).count()).toBe(0);
    });
  });

  describe('the moderators’ panel', () => {
    const now = Date.now();
    const PANEL: ModerationPanel = {
      sanctions: [
        { nick: 'carol', kind: 'mute', until: now + 3_600_000 },
        { nick: 'gone', kind: 'ban', until: now - 1000 },
      ],
      log: [{ id: 1, ts: now - 60_000, by: 'mod', action: 'mute', nick: 'carol', seconds: 3600 }],
      reports: [{ id: 2, ts: now - 30_000, by: 'alice', reason: 'spam', message: { id: 7, u: 'bob', m: 'buy cheap watches' } }],
    };

    async function openPanel(page: Page, fake: FakeChat): Promise<void> {
      fake.answers.set('moderation', { ok: true, ...PANEL });
      await open(page, fake);
      await page.click('#mod-button');
      await page.locator('#mod-panel[open] .cb-mod-section').first().waitFor();
    }

    it('lists what the `moderation` ack returns: sanctions in force, the log, the reports', async () => {
      const fake = await startFake(MODERATOR);
      const { page } = await newUser();
      await openPanel(page, fake);
      expect(await receivedOf(fake, page, 'moderation')).toBeUndefined();
      const panel = page.locator('#mod-panel');
      expect(await panel.locator('h2').textContent()).toBe('Moderation');
      expect(await panel.locator('h3').allTextContents()).toEqual(['Muted and banned', 'Recent actions', 'Reports']);
      // The expired ban is left out.
      expect(await panel.locator('.cb-mod-section').nth(0).locator('li .cb-mod-text').allTextContents()).toEqual([
        // Past midnight the time carries its weekday ("Sun 12:06 AM").
        expect.stringMatching(/^carol — muted until (\w{3} )?\d/) as unknown as string,
      ]);
      expect(await panel.locator('.cb-mod-section').nth(1).locator('li').allTextContents()).toEqual([expect.stringMatching(/mod muted carol for 1 hour$/) as unknown as string]);
      expect(await panel.locator('.cb-mod-section').nth(2).locator('li .cb-mod-text').allTextContents()).toEqual(['alice reported bob: “buy cheap watches” (Spam)']);

      await panel.getByRole('button', { name: 'Unmute carol' }).click();
      expect(await receivedOf(fake, page, 'unmute')).toEqual({ nick: 'carol' });
    });

    it('keeps current with `moderation` events, and deletes a reported line after a confirmation', async () => {
      const fake = await startFake(MODERATOR);
      const { page } = await newUser();
      await openPanel(page, fake);
      const panel = page.locator('#mod-panel');
      fake.push({ entry: { id: 3, ts: Date.now(), by: 'mod2', action: 'ban', nick: 'dave', seconds: 86_400 } });
      await panel.getByRole('button', { name: 'Unban dave' }).waitFor();
      await panel.locator('li', { hasText: 'mod2 banned dave for 1 day' }).waitFor();
      fake.push({ entry: { id: 4, ts: Date.now(), by: 'mod', action: 'unmute', nick: 'carol' } });
      await panel.locator('li', { hasText: 'carol — muted' }).waitFor({ state: 'detached' });
      fake.push({ report: { id: 5, ts: Date.now(), by: 'erin', reason: 'abuse', message: { id: 9, u: 'frank', m: 'rude words' } } });
      await panel.locator('li', { hasText: 'erin reported frank: “rude words” (Abuse)' }).waitFor();

      await panel.getByRole('button', { name: 'Delete this message (bob’s, reported)' }).click();
      await dialog(page).getByRole('button', { name: 'Delete', exact: true }).click();
      expect(await receivedOf(fake, page, 'delete')).toEqual({ id: 7 });
      fake.push({ entry: { id: 6, ts: Date.now(), by: 'mod', action: 'delete', messageId: 7 } });
      await panel.locator('li', { hasText: '“buy cheap watches” (Spam) — deleted' }).waitFor();
      // Still open, and Escape closes it back to its button.
      await page.keyboard.press('Escape');
      expect(await page.locator('dialog[open]').count()).toBe(0);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('mod-button');
    });

    it.each(['light', 'dark'] as const)('has no serious or critical axe-core violations with the panel open (%s)', async (colorScheme) => {
      const fake = await startFake(MODERATOR);
      const { page } = await newUser({ colorScheme });
      await openPanel(page, fake);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await page.keyboard.press('Escape');
      // Closing the panel gives the focus back to its button: wait for that, or it may land after
      // the line's actions button took the focus, and take it away again.
      await page.waitForFunction(() => document.activeElement?.id === 'mod-button');
      await openLineActions(page);
      await dialog(page).getByRole('button', { name: 'Mute bob…' }).click();
      expect(await seriousAxeViolations(page)).toEqual([]);
    });
  });

  describe('reports', () => {
    it('reports a line with a reason and thanks the reporter', async () => {
      const fake = await startFake(MEMBER);
      const { page } = await newUser();
      await open(page, fake);
      await openLineActions(page);
      await dialog(page).getByRole('button', { name: 'Abuse' }).click();
      expect(await receivedOf(fake, page, 'report')).toEqual({ id: 7, reason: 'abuse' });
      await page.locator('#status', { hasText: 'Reported — thank you.' }).waitFor();
      expect(await page.locator('dialog[open]').count()).toBe(0);
    });

    it('says RATE_LIMITED plainly', async () => {
      const fake = await startFake(MEMBER);
      fake.answers.set('report', { ok: false, error: { code: 'RATE_LIMITED', message: 'report rate exceeded', retryAfter: 1000 } });
      const { page } = await newUser();
      await open(page, fake);
      await openLineActions(page);
      await dialog(page).getByRole('button', { name: 'Spam' }).click();
      await page.locator('#status.error', { hasText: 'You are sending too fast; wait a moment and try again.' }).waitFor();
    });
  });

  describe('against the real chat', () => {
    // The host signs in whoever carries the `who` cookie; `mod` moderates. Guests may still join.
    const options = {
      ...NO_LIMITS,
      allowAnonymous: true,
      identify: (req: http.IncomingMessage) => {
        const who = /(?:^|;\s*)who=(\w+)/.exec(req.headers.cookie ?? '')?.[1];
        return who ? { nick: who, admin: who === 'mod' } : null;
      },
    };

    it('lets a moderator delete a line and mute its author from the page', async () => {
      const chat = await startChat(options);
      const bob = await chat.login('bob');
      const sent = await bob.emitWithAck('chat', 'spam spam spam');
      if (!sent.ok) throw new Error('bob could not write');
      const { context, page } = await newUser();
      await context.addCookies([{ name: 'who', value: 'mod', url: chat.url }]);
      await page.goto(`${chat.url}/chat/`);
      await page.locator('#mod-button').waitFor();
      const line = page.locator(`#chat-data .message[data-id="${sent.id}"]`);
      const deleted = new Promise((resolve) => bob.once('delete', resolve));
      await line.locator('.cb-line-actions').click();
      await dialog(page).getByRole('button', { name: 'Delete this message' }).click();
      await dialog(page).getByRole('button', { name: 'Delete', exact: true }).click();
      expect(await deleted).toEqual({ id: sent.id, rev: expect.any(Number) });
      await line.waitFor({ state: 'detached' });

      await page.click('#nicks li[data-nick="bob"] .cb-nick-actions');
      await dialog(page).getByRole('button', { name: 'Mute bob…' }).click();
      await dialog(page).getByRole('button', { name: 'Mute', exact: true }).click();
      await page.locator('#chat-data .system', { hasText: 'bob is muted for 5 minutes.' }).waitFor();
      const refused = await bob.emitWithAck('chat', 'still here');
      expect(refused).toMatchObject({ ok: false, error: { code: 'MUTED' } });
    });

    it('brings a report from the page to the moderators panel live, and bans then lifts the ban from it', async () => {
      const chat = await startChat(options);
      const bob = await chat.login('bob');
      const sent = await bob.emitWithAck('chat', 'buy cheap watches');
      if (!sent.ok) throw new Error('bob could not write');
      const moderator = await newUser();
      await moderator.context.addCookies([{ name: 'who', value: 'mod', url: chat.url }]);
      await moderator.page.goto(`${chat.url}/chat/`);
      await moderator.page.click('#mod-button');
      await moderator.page.locator('#mod-panel[open] .cb-mod-section').first().waitFor();
      const reporter = await newUser();
      await reporter.context.addCookies([{ name: 'who', value: 'alice', url: chat.url }]);
      await reporter.page.goto(`${chat.url}/chat/`);
      await reporter.page.locator(`#chat-data .message[data-id="${sent.id}"] .cb-line-actions`).click();
      await dialog(reporter.page).getByRole('button', { name: 'Spam' }).click();
      await reporter.page.locator('#status', { hasText: 'Reported' }).waitFor();
      const panel = moderator.page.locator('#mod-panel');
      await panel.locator('li', { hasText: 'alice reported bob: “buy cheap watches” (Spam)' }).waitFor();

      await moderator.page.keyboard.press('Escape');
      const gone = new Promise((resolve) => bob.once('disconnect', resolve));
      await moderator.page.click('#nicks li[data-nick="bob"] .cb-nick-actions');
      await dialog(moderator.page).getByRole('button', { name: 'Ban bob…' }).click();
      await dialog(moderator.page).getByRole('button', { name: 'Ban', exact: true }).click();
      await gone;
      await moderator.page.click('#mod-button');
      await panel.getByRole('button', { name: 'Unban bob' }).click();
      await panel.getByRole('button', { name: 'Unban bob' }).waitFor({ state: 'detached' });
      const back = await chat.login('bob');
      expect(back.connected).toBe(true);
    });

    it('shows a signed-in non-moderator no moderation control', async () => {
      const chat = await startChat(options);
      const bob = await chat.login('bob');
      await bob.emitWithAck('chat', 'hello');
      const { context, page } = await newUser();
      await context.addCookies([{ name: 'who', value: 'alice', url: chat.url }]);
      await page.goto(`${chat.url}/chat/`);
      await page.locator('#chat-data .message', { hasText: 'hello' }).waitFor();
      await page.locator('#nicks li[data-nick="bob"]').waitFor();
      expect(await page.locator('#mod-button').isHidden()).toBe(true);
      expect(await page.locator('.cb-nick-actions:visible').count()).toBe(0);
      await page.locator('#chat-data .message .cb-line-actions').click();
      expect(await dialog(page).getByRole('button').allTextContents()).toEqual(['Spam', 'Abuse', 'Off-topic', 'Other', 'Cancel']);
    });
  });
});
