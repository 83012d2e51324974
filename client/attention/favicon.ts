/**
 * The tab's icon: the page's favicon.svg, and while messages wait unread the same bubble with a
 * red count. The badge is an SVG data URL built from a number only (never from message text),
 * which the page's CSP allows (`img-src 'self' data:`).
 */

const BUBBLE =
  '<path fill="#0b5cad" d="M6 4h20a4 4 0 0 1 4 4v12a4 4 0 0 1-4 4H14l-7 6v-6H6a4 4 0 0 1-4-4V8a4 4 0 0 1 4-4z"/>';

/** The SVG for a count (1–99, "99+" beyond) over the bubble. */
export function badgeSvg(count: number): string {
  const label = count > 99 ? '99+' : String(Math.max(1, Math.floor(count)));
  const size = label.length > 2 ? 9 : label.length > 1 ? 12 : 15;
  return (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">' +
    BUBBLE +
    '<circle cx="22" cy="10" r="10" fill="#d11a1a"/>' +
    `<text x="22" y="15" font-family="Arial,sans-serif" font-size="${size}" font-weight="700" fill="#fff" text-anchor="middle">${label}</text>` +
    '</svg>'
  );
}

/** Swaps the page's `<link rel="icon">` between the plain icon and one with the unread count. */
export class FaviconBadge {
  private readonly link: HTMLLinkElement | null;
  private readonly plain: string;

  constructor(doc: Document) {
    this.link = doc.querySelector<HTMLLinkElement>('link[rel="icon"]');
    this.plain = this.link?.href ?? '';
  }

  /** Shows `count` on the icon (0: the plain icon). */
  set(count: number): void {
    if (!this.link) return;
    const href = count > 0 ? `data:image/svg+xml,${encodeURIComponent(badgeSvg(count))}` : this.plain;
    if (this.link.href !== href) this.link.href = href;
  }

  /** Puts the plain icon back. */
  destroy(): void {
    this.set(0);
  }
}
