/**
 * Turns a message's text into DOM nodes: plain text, clickable http(s) links and highlighted
 * mentions of you. Built with DOM APIs only: no string ever becomes markup.
 */
import { foldNick } from '../lib/protocol/nick';

// A URL ends at whitespace or at characters that cannot be part of one in running text.
const URL_OR_MENTION = /\bhttps?:\/\/[^\s<>"'`]+|@[^\s@]+/gi;
// Punctuation that ends a sentence rather than the URL or the nickname.
const TRAILING = /[.,;:!?)\]}'"»”’]+$/;

/** The link for `candidate`, or null unless it parses as an http or https URL. */
export function safeHref(candidate: string): string | null {
  try {
    const url = new URL(candidate);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * Appends `text` to `parent` as text nodes, `<a>` links (new tab, `rel="noopener noreferrer"`)
 * and `<mark class="mention">` for `@nick` when it names `ownKey`; returns whether it mentioned you.
 */
export function renderText(parent: HTMLElement, text: string, ownKey: string | null): boolean {
  const doc = parent.ownerDocument;
  let mentioned = false;
  let last = 0;
  for (const match of text.matchAll(URL_OR_MENTION)) {
    const start = match.index;
    const token = match[0].replace(TRAILING, '');
    if (token.length <= 1) continue;
    let node: HTMLElement | null = null;
    if (token.startsWith('@')) {
      if (ownKey !== null && foldNick(token.slice(1)) === ownKey) {
        node = doc.createElement('mark');
        node.className = 'mention';
        mentioned = true;
      }
    } else {
      const href = safeHref(token);
      if (href !== null) {
        const link = doc.createElement('a');
        link.href = href;
        link.target = '_blank';
        link.rel = 'noopener noreferrer';
        node = link;
      }
    }
    if (node === null) continue;
    node.textContent = token;
    if (start > last) parent.append(text.slice(last, start));
    parent.append(node);
    last = start + token.length;
  }
  if (last < text.length) parent.append(text.slice(last));
  return mentioned;
}
