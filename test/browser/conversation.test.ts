/// <reference lib="dom" />
// (callbacks passed to page.evaluate run in the browser)
/** The page shows what the conversation events carry: reply quotes, the edited marker, reaction chips, deletes. */
import { MemoryStore } from 'express-chatterbox';
import { closeAll, NO_LIMITS, startChat } from '../helpers/chat-server';
import { openAndLogIn, pageErrors, seriousAxeViolations, useBrowser } from '../helpers/browser';
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
});
