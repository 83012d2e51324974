/**
 * An author's avatar: the image the host gave for them (a hook for `identify`'s avatar URL, once
 * the server sends one), else their initials on a colour derived from the name. The colour is
 * only a hue: style.css picks lightness per theme so the initials keep their contrast.
 */
import { safeHref } from '../render-text';

/** Up to two letters standing for `nick`: "Ada Lovelace" → "AL", "bob" → "B". */
export function initials(nick: string): string {
  const words = nick.trim().split(/[\s._-]+/u).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[1]] : [words[0] ?? '?'];
  return letters
    .map((word) => Array.from(word ?? '')[0] ?? '')
    .join('')
    .toLocaleUpperCase();
}

/** A stable hue (0–359) for a name: the same person gets the same colour on every page. */
export function hueOf(key: string): number {
  let hash = 0;
  for (const char of key) hash = (Math.imul(hash, 31) + (char.codePointAt(0) ?? 0)) | 0;
  return Math.abs(hash) % 360;
}

/**
 * The avatar element for `nick` (compared by `key`). Decorative: the name is always written next
 * to it, so it is hidden from screen readers.
 */
export function makeAvatar(doc: Document, nick: string, key: string, imageUrl?: unknown): HTMLElement {
  const avatar = doc.createElement('span');
  avatar.className = 'avatar';
  avatar.setAttribute('aria-hidden', 'true');
  const href = typeof imageUrl === 'string' ? safeHref(imageUrl) : null;
  if (href !== null) {
    const image = doc.createElement('img');
    image.src = href;
    image.alt = '';
    image.loading = 'lazy';
    avatar.append(image);
  } else {
    avatar.textContent = initials(nick);
    // CSSOM, not a style attribute: the page's CSP allows no inline styles.
    avatar.style.setProperty('--cb-hue', String(hueOf(key)));
  }
  return avatar;
}
