/**
 * Turns a message's text into DOM nodes with a safe Markdown subset: **bold**, *italic* or
 * _italic_, `inline code`, ``` code blocks ```, > quotes, [links](https://…), bare http(s) links
 * and highlighted mentions of you. Built with DOM APIs only: no string ever becomes markup, and
 * anything that does not match a rule exactly stays the text it was.
 */
import { foldNick } from '../lib/protocol/nick';

// One alternative per inline rule, earliest match wins: code, bold, *italic*, _italic_, a
// Markdown link with an http(s) target, a bare URL, a mention.
const INLINE =
  /`([^`\n]+)`|\*\*(\S(?:[^\n]*?\S)?)\*\*|\*([^\s*](?:[^*\n]*?[^\s*])?)\*|(?<![\p{L}\p{N}_])_([^\s_](?:[^_\n]*?[^\s_])?)_(?![\p{L}\p{N}_])|\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)|\bhttps?:\/\/[^\s<>"'`]+|@[^\s@]+/giu;
// Punctuation that ends a sentence rather than the URL or the nickname.
const TRAILING = /[.,;:!?)\]}'"»”’]+$/;
const FENCE = /^\s*```/;
const QUOTE = /^\s*> ?/;

/** The link for `candidate`, or null unless it parses as an http or https URL. */
export function safeHref(candidate: string): string | null {
  try {
    const url = new URL(candidate);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function link(doc: Document, href: string): HTMLAnchorElement {
  const anchor = doc.createElement('a');
  anchor.href = href;
  anchor.target = '_blank';
  anchor.rel = 'noopener noreferrer';
  return anchor;
}

/** Appends one line-run's inline Markdown; returns whether it mentioned `ownKey`. */
function renderInline(parent: HTMLElement, text: string, ownKey: string | null): boolean {
  const doc = parent.ownerDocument;
  let mentioned = false;
  let last = 0;
  const pattern = new RegExp(INLINE.source, INLINE.flags);
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const start = match.index;
    let length = match[0].length;
    let node: HTMLElement | null = null;
    const [whole, code, bold, star, under, label, target] = match;
    if (code !== undefined) {
      node = doc.createElement('code');
      node.textContent = code;
    } else if (bold !== undefined || star !== undefined || under !== undefined) {
      node = doc.createElement(bold !== undefined ? 'strong' : 'em');
      // The content is shorter than the match, so this recursion always ends.
      mentioned = renderInline(node, bold ?? star ?? under ?? '', ownKey) || mentioned;
    } else if (label !== undefined && target !== undefined) {
      const href = safeHref(target);
      if (href !== null) {
        node = link(doc, href);
        node.textContent = label;
      }
    } else {
      const token = whole.replace(TRAILING, '');
      length = token.length;
      if (token.length > 1 && token.startsWith('@')) {
        if (ownKey !== null && foldNick(token.slice(1)) === ownKey) {
          node = doc.createElement('mark');
          node.className = 'mention';
          node.textContent = token;
          mentioned = true;
        }
      } else if (token.length > 1) {
        const href = safeHref(token);
        if (href !== null) {
          node = link(doc, href);
          node.textContent = token;
        }
      }
      // Resume right after the token: the trimmed punctuation is plain text.
      pattern.lastIndex = start + Math.max(length, 1);
    }
    if (node === null) continue;
    if (start > last) parent.append(text.slice(last, start));
    parent.append(node);
    last = start + length;
  }
  if (last < text.length) parent.append(text.slice(last));
  return mentioned;
}

/**
 * Appends `text` to `parent` as text, Markdown elements, `<a>` links (new tab,
 * `rel="noopener noreferrer"`) and `<mark class="mention">` for `@nick` when it names `ownKey`;
 * returns whether it mentioned you.
 */
export function renderText(parent: HTMLElement, text: string, ownKey: string | null): boolean {
  const doc = parent.ownerDocument;
  const lines = text.split('\n');
  let mentioned = false;
  let plain: string[] = [];
  const flush = (): void => {
    if (plain.length === 0) return;
    mentioned = renderInline(parent, plain.join('\n'), ownKey) || mentioned;
    plain = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (FENCE.test(line)) {
      const end = lines.findIndex((candidate, index) => index > i && FENCE.test(candidate));
      // An unclosed fence is not a block: it stays text, like any other half-written syntax.
      if (end !== -1) {
        flush();
        const pre = doc.createElement('pre');
        const code = doc.createElement('code');
        code.textContent = lines.slice(i + 1, end).join('\n');
        pre.append(code);
        parent.append(pre);
        i = end;
        continue;
      }
    }
    if (QUOTE.test(line)) {
      flush();
      const quoted: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i] ?? '')) quoted.push((lines[i++] ?? '').replace(QUOTE, ''));
      i--;
      const quote = doc.createElement('blockquote');
      mentioned = renderInline(quote, quoted.join('\n'), ownKey) || mentioned;
      parent.append(quote);
      continue;
    }
    plain.push(line);
  }
  flush();
  return mentioned;
}

/** Whether `text` mentions `@nick` for the nickname whose key is `ownKey`. */
export function mentions(text: string, ownKey: string | null): boolean {
  if (ownKey === null) return false;
  for (const [token] of text.matchAll(/@[^\s@]+/gu)) {
    if (foldNick(token.slice(1).replace(TRAILING, '')) === ownKey) return true;
  }
  return false;
}
