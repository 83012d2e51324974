/// <reference lib="dom" />
// (callbacks passed to page.evaluate run in the browser)
/** The widget on a host page with a strict CSP: it mounts, chats in its room, and leaves the host's look alone. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Page } from 'playwright-core';
import { createChatMiddleware, MemoryStore } from 'express-chatterbox';
import { nextEvent, recordingLogger } from '../helpers/chat-server';
import { pageErrors, seriousAxeViolations, useBrowser } from '../helpers/browser';
import { describeWithService } from '../helpers/services';
import { io as connectClient } from 'socket.io-client';

jest.setTimeout(90_000);

/** A strict policy that allows the site's own origin and nothing else, inline code included. */
const HOST_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; frame-src 'self'; base-uri 'none'; object-src 'none'";

const HOST_CSS = 'body { margin: 24px; font-family: Georgia, serif; color: rgb(20, 40, 60); background: rgb(250, 245, 235); } button { border-radius: 0; background: rgb(200, 0, 0); color: white; } p { font-size: 18px; }';

function hostPage(widgetAttributes: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title>
<link rel="stylesheet" href="/host.css">
<script src="/chat/widget.js" defer ${widgetAttributes}></script></head>
<body><main><h1>Host site</h1><p id="para">The host's own text.</p><button type="button" id="host-button">Host button</button></main></body></html>`;
}

const opened: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((close) => close()));
});

async function startHost(widgetAttributes: string): Promise<{ url: string }> {
  const app = express();
  const server = http.createServer(app);
  app.use((_req, res, next) => {
    res.setHeader('Content-Security-Policy', HOST_CSP);
    next();
  });
  app.get('/', (_req, res) => {
    res.type('html').send(hostPage(widgetAttributes));
  });
  app.get('/host.css', (_req, res) => {
    res.type('css').send(HOST_CSS);
  });
  const chat = createChatMiddleware({ server, history: new MemoryStore(), logger: recordingLogger(), rooms: ['support'] });
  app.use('/chat', chat);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  opened.push(async () => {
    await chat.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Records CSP violations on the page, from before its first script runs. */
async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  const console: string[] = [];
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) console.push(message.text());
  });
  await page.addInitScript(() => {
    (window as unknown as { cspViolations: string[] }).cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as unknown as { cspViolations: string[] }).cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return async () => [...console, ...(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations))];
}

/** The computed styles of the host's own elements that a leaking widget stylesheet would change. */
function hostLook(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const look: Record<string, string> = {};
    for (const id of ['para', 'host-button']) {
      const style = getComputedStyle(document.getElementById(id)!);
      for (const property of ['font-family', 'font-size', 'color', 'background-color', 'border-radius', 'margin', 'padding', 'display', 'position']) {
        look[`${id} ${property}`] = style.getPropertyValue(property);
      }
    }
    const body = getComputedStyle(document.body);
    look['body'] = `${body.margin} ${body.fontFamily} ${body.backgroundColor} ${body.overflow}`;
    return look;
  });
}

describeWithService('chromium', 'the widget on a host page with a strict CSP', () => {
  const { newUser } = useBrowser();
  afterEach(() => expect(pageErrors.splice(0)).toEqual([]));

  it('adds a launcher that opens the chat in its room, with no CSP violation and the host’s look unchanged', async () => {
    const host = await startHost('data-room="support" data-position="bottom-left" data-theme="dark"');
    const { page } = await newUser();
    const violations = await watchCsp(page);
    const bare = await newUser();
    await bare.page.route('**/chat/widget.js', (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: '' }));
    await bare.page.goto(host.url);
    const withoutWidget = await hostLook(bare.page);

    await page.goto(host.url);
    const launcher = page.locator('[data-chatterbox-widget] >> css=button.cb-launcher');
    await launcher.waitFor();
    expect(await launcher.textContent()).toBe('Chat');
    expect(await launcher.getAttribute('aria-expanded')).toBe('false');
    expect(await hostLook(page)).toEqual(withoutWidget);
    const box = (await launcher.boundingBox())!;
    expect(box.x).toBeLessThan(100);

    await launcher.click();
    expect(await launcher.getAttribute('aria-expanded')).toBe('true');
    const frame = page.frameLocator('[data-chatterbox-widget] >> css=iframe.cb-frame');
    await frame.locator('#status[data-state="connected"]').waitFor();
    expect(await page.locator('[data-chatterbox-widget] >> css=iframe.cb-frame').getAttribute('src')).toBe(
      `${host.url}/chat/?embed=1&room=support&theme=dark`,
    );
    await frame.locator('#login-input').fill('visitor');
    await frame.locator('#login-input').press('Enter');
    // The panel's header names the chat and the room (the room list is in the narrow page's drawer).
    await frame.locator('#room-name', { hasText: 'support' }).waitFor();
    expect(await frame.locator('#title').isVisible()).toBe(true);
    expect(await frame.locator('#title').textContent()).toBe('Chat');
    await frame.locator('#chat-input').waitFor({ state: 'visible' });

    const agent = connectClient(`${host.url}/chat`, { transports: ['websocket'], forceNew: true, reconnection: false });
    try {
      await nextEvent(agent as never, 'session', 10_000);
      await agent.emitWithAck('login', 'agent');
      await agent.emitWithAck('join', 'support');
      const received = nextEvent<[{ m: string; room: string }]>(agent, 'chat', 10_000);
      await frame.locator('#chat-input').fill('I need help');
      await frame.locator('#chat-input').press('Enter');
      expect((await received)[0]).toMatchObject({ u: 'visitor', m: 'I need help', room: 'support' });
      expect(await hostLook(page)).toEqual(withoutWidget);
      expect(await violations()).toEqual([]);

      await frame.locator('#chat-input').press('Escape');
      expect(await launcher.getAttribute('aria-expanded')).toBe('false');
      // An answer while the panel is closed: a badge on the launcher, gone when it opens.
      const badge = page.locator('[data-chatterbox-widget] >> css=.cb-unread');
      expect(await badge.isHidden()).toBe(true);
      await agent.emitWithAck('chat', { m: 'How can I help?', room: 'support' });
      await badge.waitFor();
      expect(await badge.locator('[aria-hidden="true"]').textContent()).toBe('1');
      expect(await launcher.textContent()).toBe('Chat1, 1 unread message');
      await agent.emitWithAck('chat', { m: 'Still there?', room: 'support' });
      await badge.filter({ hasText: '2' }).waitFor();
      expect(await violations()).toEqual([]);
      // After the CSP checks: axe-core itself adds an inline <style>, which the host's CSP rightly reports.
      expect(await seriousAxeViolations(page)).toEqual([]);
      await launcher.click();
      await badge.waitFor({ state: 'hidden' });
      await frame.locator('#chat-input').press('Escape');
    } finally {
      agent.disconnect();
    }
  });

  it('mounts once even when the script is included twice', async () => {
    const host = await startHost('');
    const { page } = await newUser();
    await page.goto(host.url);
    await page.evaluate(() => {
      const again = document.createElement('script');
      again.src = '/chat/widget.js';
      document.head.append(again);
      return new Promise((resolve) => again.addEventListener('load', resolve));
    });
    expect(await page.locator('[data-chatterbox-widget]').count()).toBe(1);
  });
});
