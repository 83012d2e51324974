/// <reference lib="dom" />
// (callbacks passed to page.evaluate run in the browser)
/**
 * Drives Chromium for the browser suites: one browser per test file (launched in beforeAll,
 * closed in afterAll), a fresh context per user, and helpers that act on the page as a person would.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { chromiumExecutable } from './services';

/** Generous: the test machine has two cores shared with other test runs. */
export const BROWSER_TIMEOUT_MS = 20_000;

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

/**
 * Launches Chromium once for the file; returns a getter for it. Every context opened through
 * {@link newUser} is closed after each test, and the browser after the file.
 */
export function useBrowser(): { browser(): Browser; newUser(options?: Parameters<Browser['newContext']>[0]): Promise<{ context: BrowserContext; page: Page }> } {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: chromiumExecutable(), headless: true, args: ARGS, timeout: 60_000 });
  }, 90_000);
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close().catch(() => undefined)));
  });
  afterAll(async () => {
    await browser?.close();
  });
  const get = (): Browser => {
    if (!browser) throw new Error('the browser is not launched yet');
    return browser;
  };
  return {
    browser: get,
    async newUser(options = {}) {
      const context = await get().newContext({ viewport: { width: 1024, height: 700 }, ...options });
      context.setDefaultTimeout(BROWSER_TIMEOUT_MS);
      contexts.push(context);
      const page = await context.newPage();
      // Any script error on the page fails the test that caused it.
      page.on('pageerror', (error) => {
        pageErrors.push(error);
      });
      return { context, page };
    },
  };
}

/** Uncaught errors thrown by pages' scripts; suites assert it stays empty. */
export const pageErrors: Error[] = [];

/** Opens the chat page at `url` and logs in as `nick`; resolves once the chat form shows. */
export async function openAndLogIn(page: Page, url: string, nick: string): Promise<void> {
  await page.goto(url);
  await page.locator('#status[data-state="connected"]').waitFor();
  await page.fill('#login-input', nick);
  await page.press('#login-input', 'Enter');
  await page.locator('#chat-input').waitFor({ state: 'visible' });
}

/** Sends a message through the form, as a person would. */
export async function send(page: Page, text: string): Promise<void> {
  await page.fill('#chat-input', text);
  await page.press('#chat-input', 'Enter');
}

/** The texts of the messages in the visible log, in order. */
export function messageTexts(page: Page, log = '#chat-data'): Promise<string[]> {
  return page.locator(`${log} .message .text`).allTextContents();
}

/** The names in the user list. */
export function userList(page: Page): Promise<string[]> {
  return page.locator('#nicks > li').allTextContents();
}

/**
 * Injects axe-core (the installed package, no CDN) and returns its violations of serious or
 * critical impact. Evaluated through the DevTools protocol rather than a script tag, which the
 * page's own strict CSP would (rightly) block.
 */
export async function seriousAxeViolations(page: Page): Promise<Array<{ id: string; impact: string; nodes: string[] }>> {
  await page.evaluate(fs.readFileSync(path.join(path.dirname(require.resolve('axe-core')), 'axe.min.js'), 'utf8'));
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const { violations } = await axe.run(document, { resultTypes: ['violations'] });
    return violations.map((v) => ({ id: v.id, impact: v.impact ?? 'minor', nodes: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
  return results.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
