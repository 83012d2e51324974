// Takes the README's screenshots with Chromium: the page on a desktop (light and dark) and on a
// phone while people chat, and the widget on the example app's home page. Run after `npm run build`:
// `node scripts/screenshots.mjs` (CHROMIUM_PATH overrides /usr/bin/chromium). Writes docs/*.png.
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const { createExampleApp } = require(`${root}example-app/dist/app.js`);
const { MemoryStore } = require(`${root}dist/index.js`);

const quiet = { warn: () => {}, error: (...args) => console.error(...args) };
const { server, chat } = createExampleApp({ history: new MemoryStore(), logger: quiet });
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
});

async function person(nick, options, url = `${base}/chat/`) {
  const context = await browser.newContext({ colorScheme: 'light', ...options });
  const page = await context.newPage();
  await page.goto(url);
  await page.locator('#status[data-state="connected"]').waitFor();
  await page.fill('#login-input', nick);
  await page.press('#login-input', 'Enter');
  await page.locator('#chat-input').waitFor({ state: 'visible' });
  return page;
}

async function say(page, text) {
  await page.fill('#chat-input', text);
  await page.press('#chat-input', 'Enter');
  const last = text.split('\n').at(-1).replace(/[*_`>]/g, '').trim();
  await page.locator('.cb-log:not([hidden]) .message:not(.pending)', { hasText: last }).last().waitFor();
}

/** Picks a room, through the drawer when the page is narrow. */
async function pick(page, room) {
  if (await page.locator('#menu-button').isVisible()) await page.click('#menu-button');
  await page.click(`#room-list button[data-room="${room}"]`);
}

try {
  await mkdir(`${root}docs`, { recursive: true });
  const alice = await person('alice', { viewport: { width: 1200, height: 720 } });
  const bob = await person('bob', { viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const carol = await person('carol', { viewport: { width: 1200, height: 720 } });
  await say(alice, 'Morning! The **release notes** are up: https://example.com/releases/2.0');
  await say(alice, 'The migration is one command: `npx chatterbox migrate`');
  await say(bob, 'Thanks @alice, reading them now.');
  await say(carol, '> one command\nDoes it keep the old rooms?');
  await say(alice, 'It does — every room and its history.\nShout if anything is unclear, I am around all day.');
  // A line in another room, so the desktop shot shows an unread count.
  await pick(alice, 'games');
  await alice.locator('.cb-nicks[data-room="games"] > li', { hasText: 'alice' }).waitFor({ state: 'attached' });
  await pick(alice, '');
  await pick(bob, 'games');
  await bob.locator('.cb-nicks[data-room="games"] > li', { hasText: 'bob' }).waitFor({ state: 'attached' });
  await say(bob, 'Anyone up for chess later?');
  await pick(bob, '');
  await alice.locator('#room-list button[data-room="games"] .cb-badge').waitFor();
  await bob.type('#chat-input', 'Looks g');
  await alice.locator('#typing', { hasText: 'bob is typing' }).waitFor();
  await alice.screenshot({ path: `${root}docs/screenshot-desktop.png` });
  await bob.fill('#chat-input', '');
  await bob.screenshot({ path: `${root}docs/screenshot-phone.png` });
  await bob.click('#menu-button');
  await bob.locator('#nicks').waitFor({ state: 'visible' });
  await bob.waitForTimeout(400);
  await bob.screenshot({ path: `${root}docs/screenshot-phone-drawer.png` });
  await carol.emulateMedia({ colorScheme: 'dark' });
  await carol.screenshot({ path: `${root}docs/screenshot-dark.png` });

  const visitorContext = await browser.newContext({ colorScheme: 'light', viewport: { width: 1200, height: 720 } });
  const home = await visitorContext.newPage();
  await home.goto(`${base}/`);
  await home.locator('[data-chatterbox-widget] >> css=button.cb-launcher').click();
  const frame = home.frameLocator('[data-chatterbox-widget] >> css=iframe.cb-frame');
  await frame.locator('#status[data-state="connected"]').waitFor();
  await frame.locator('#login-input').fill('visitor');
  await frame.locator('#login-input').press('Enter');
  await frame.locator('#chat-input').waitFor({ state: 'visible' });
  await frame.locator('#chat-input').fill('Hi! Is this the place to ask about orders?');
  await frame.locator('#chat-input').press('Enter');
  await frame.locator('.message:not(.pending)', { hasText: 'orders' }).waitFor();
  await say(alice, 'Welcome! Ask away, we answer here.');
  await home.screenshot({ path: `${root}docs/screenshot-widget.png` });
  // Closed, with an answer waiting: the launcher's unread badge.
  await frame.locator('#chat-input').press('Escape');
  await say(alice, 'Your order shipped this morning.');
  await home.locator('[data-chatterbox-widget] >> css=.cb-unread').waitFor();
  await home.screenshot({ path: `${root}docs/screenshot-widget-closed.png`, clip: { x: 900, y: 560, width: 300, height: 160 } });
  console.log('screenshots: docs/screenshot-{desktop,dark,phone,phone-drawer,widget,widget-closed}.png');
} finally {
  await browser.close();
  await chat.close();
  server.closeAllConnections();
  server.close();
}
