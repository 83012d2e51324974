/// <reference lib="dom" />
// (callbacks passed to page.evaluate run in the browser)
/** The page shows what the conversation events carry: reply quotes, the edited marker, reaction chips, deletes. */
import { MemoryStore } from 'express-chatterbox';
import { closeAll, NO_LIMITS, startChat } from '../helpers/chat-server';
import { openAndLogIn, pageErrors, send, seriousAxeViolations, useBrowser } from '../helpers/browser';
import { describeWithService } from '../helpers/services';

jest.setTimeout(90_000);

describeWithService('chromium', 'conversation features on the page', () => {
  const { newUser } = useBrowser();
  afterEach(closeAll);
  afterEach(() => expect(pageErrors.splice(0)).toEqual([]));

  it('shows a reply’s quote, then a live edit, reactions and the quote of a deleted message, axe-clean', async () => {
    const history = new MemoryStore();
    const now = Date.now();
    const question = (await history.append({ room: '', u: 'ann', m: 'who brings <b>cake</b>?', ts: now, authorKey: 'ann' })).message;
    const chat = await startChat({ ...NO_LIMITS, history });
    const bob = await chat.login('bob');
    const { page } = await newUser();
    await openAndLogIn(page, `${chat.url}/chat/`, 'ann');
    const answer = await bob.emitWithAck('chat', { m: 'me!', replyTo: question.id });
    if (!answer.ok) throw new Error('not sent');
    const line = page.locator(`#chat-data .message[data-id="${answer.id}"]`);
    await line.locator('.reply-quote').waitFor();
    expect(await line.locator('.reply-quote').textContent()).toBe('ann: who brings <b>cake</b>?');
    expect(await line.locator('.reply-quote b').count()).toBe(0);

    expect(await bob.emitWithAck('edit', { id: answer.id, m: 'me, with candles' })).toMatchObject({ ok: true });
    await line.locator('.text', { hasText: 'me, with candles' }).waitFor();
    expect(await line.locator('.edited').count()).toBe(1);
    expect(await bob.emitWithAck('edit', { id: answer.id, m: 'me, with two candles' })).toMatchObject({ ok: true });
    await line.locator('.text', { hasText: 'two candles' }).waitFor();
    expect(await line.locator('.edited').count()).toBe(1);

    expect(await bob.emitWithAck('react', { id: answer.id, emoji: '🎂' })).toMatchObject({ ok: true });
    await line.locator('.reactions .reaction').waitFor();
    expect(await line.locator('.reactions .reaction').allTextContents()).toEqual(['🎂 1']);
    expect(await line.locator('.reactions .reaction').getAttribute('aria-label')).toBe('🎂: 1 person');
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(await bob.emitWithAck('react', { id: answer.id, emoji: '🎂' })).toMatchObject({ ok: true, counts: {} });
    await line.locator('.reactions').waitFor({ state: 'detached' });

    await chat.chat.deleteMessage(question.id);
    await line.locator('.reply-quote.deleted').waitFor();
    expect(await line.locator('.reply-quote').textContent()).toBe('Reply to a deleted message');
    expect(await page.locator(`#chat-data .message[data-id="${question.id}"]`).count()).toBe(0);
  });

  it('takes the reader from a reply’s quote to the message it answers, fetching it when the log no longer holds it', async () => {
    const history = new MemoryStore();
    const now = Date.now();
    const question = (await history.append({ room: '', u: 'ann', m: 'who brings cake?', ts: now, authorKey: 'ann' })).message;
    for (let i = 0; i < 8; i++) await history.append({ room: '', u: 'cy', m: `filler ${i}`, ts: now + i + 1, authorKey: 'cy' });
    const chat = await startChat({ ...NO_LIMITS, history, historyLimit: 5 });
    const bob = await chat.login('bob');
    const { page } = await newUser();
    await openAndLogIn(page, `${chat.url}/chat/`, 'ann');
    const original = page.locator(`#chat-data .message[data-id="${question.id}"]`);
    expect(await original.count()).toBe(0);
    const answer = await bob.emitWithAck('chat', { m: 'me!', replyTo: question.id });
    if (!answer.ok) throw new Error('not sent');
    const quote = page.locator(`#chat-data .message[data-id="${answer.id}"] .reply-quote button.reply-jump`);
    await quote.waitFor();
    // From the keyboard: the quote is a button.
    await quote.focus();
    await page.keyboard.press('Enter');
    await original.waitFor();
    expect(await original.getAttribute('class')).toContain('cb-found');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-id'))).toBe(String(question.id));
    expect(await page.locator('#chat-data .message[data-id]').evaluateAll((lines) => lines.map((line) => Number(line.getAttribute('data-id'))))).toEqual(
      [...Array(10).keys()].map((i) => i + question.id),
    );
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('offers reply, 👍, edit and delete from the keyboard: edit and delete on one’s own lines only', async () => {
    const chat = await startChat({ ...NO_LIMITS, history: new MemoryStore() });
    const bob = await chat.login('bob');
    const { page } = await newUser();
    await openAndLogIn(page, `${chat.url}/chat/`, 'ann');
    const fromBob = await bob.emitWithAck('chat', 'from bob');
    if (!fromBob.ok) throw new Error('not sent');
    const bobLine = page.locator(`#chat-data .message[data-id="${fromBob.id}"]`);
    await bobLine.waitFor();
    expect(await bobLine.locator('.actions button:visible').allTextContents()).toEqual(['Reply', '👍']);

    // 👍 with the keyboard.
    await bobLine.getByRole('button', { name: '👍' }).focus();
    await page.keyboard.press('Enter');
    await bobLine.locator('.reactions .reaction', { hasText: '👍 1' }).waitFor();

    // Reply through the prompt.
    page.once('dialog', (dialog) => void dialog.accept('answering bob'));
    await bobLine.getByRole('button', { name: 'Reply' }).focus();
    await page.keyboard.press('Enter');
    const reply = page.locator('#chat-data .message', { hasText: 'answering bob' });
    await reply.locator('.reply-quote', { hasText: 'from bob' }).waitFor();

    // One's own line: edit, then delete.
    await send(page, 'my typo');
    const own = page.locator('#chat-data .message.own', { hasText: 'my typo' });
    await own.locator('.actions button', { hasText: 'Edit' }).waitFor();
    page.once('dialog', (dialog) => void dialog.accept('my fix'));
    await own.getByRole('button', { name: 'Edit' }).focus();
    await page.keyboard.press('Enter');
    const fixed = page.locator('#chat-data .message.own', { hasText: 'my fix' });
    await fixed.locator('.edited').waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await fixed.getByRole('button', { name: 'Delete' }).focus();
    await page.keyboard.press('Enter');
    await fixed.waitFor({ state: 'detached' });
    expect(await seriousAxeViolations(page)).toEqual([]);
  });
});
