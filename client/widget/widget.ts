/**
 * The embeddable widget: `<script src="/chat/widget.js" defer></script>` adds a launcher button
 * and a panel holding the chat page in an iframe. Everything it adds lives in one shadow root
 * styled by widget.css (a file, not inline style, so a strict host CSP allowing 'self' accepts it),
 * so it never restyles the host page, and the host's styles never reach it.
 */
import { strings } from '../strings';

/** What the chat page in the frame posts when Escape is pressed there (see app.ts). */
const CLOSE_MESSAGE = 'chatterbox:close';
/** What it posts when others' messages arrive (see attention/attention.ts). */
const UNREAD_MESSAGE = 'chatterbox:unread';

/** Where the launcher sits. */
export type WidgetPosition = 'bottom-right' | 'bottom-left';
/** The chat's colours: the reader's preference, or forced. */
export type WidgetTheme = 'auto' | 'light' | 'dark';

/** The widget's settings, read from its script element's `data-*` attributes. */
export interface WidgetSettings {
  /** `data-room`: the room the panel opens in. Defaults to the default room. */
  room: string;
  /** `data-position`. Defaults to `bottom-right`. */
  position: WidgetPosition;
  /** `data-theme`. Defaults to `auto`. */
  theme: WidgetTheme;
  /** `data-label`: the launcher's text. Defaults to `strings.widget.open`. */
  label: string;
}

/** Reads the settings from the script element (unknown values fall back to the defaults). */
export function readSettings(script: HTMLScriptElement): WidgetSettings {
  const position = script.dataset['position'];
  const theme = script.dataset['theme'];
  return {
    room: (script.dataset['room'] ?? '').trim(),
    position: position === 'bottom-left' ? 'bottom-left' : 'bottom-right',
    theme: theme === 'light' || theme === 'dark' ? theme : 'auto',
    label: script.dataset['label']?.trim() || strings.widget.open,
  };
}

/** The chat page's URL for the iframe: next to widget.js, with the room and theme. */
export function pageUrl(scriptSrc: string, settings: WidgetSettings): string {
  const url = new URL('./', scriptSrc);
  url.searchParams.set('embed', '1');
  if (settings.room !== '') url.searchParams.set('room', settings.room);
  if (settings.theme !== 'auto') url.searchParams.set('theme', settings.theme);
  return url.href;
}

/** Adds the widget to `doc`; returns the function that removes it and every listener it added. */
export function mountWidget(doc: Document, script: HTMLScriptElement): () => void {
  const settings = readSettings(script);
  const host = doc.createElement('div');
  host.setAttribute('data-chatterbox-widget', '');
  const root = host.attachShadow({ mode: 'open' });

  const stylesheet = doc.createElement('link');
  stylesheet.rel = 'stylesheet';
  stylesheet.href = new URL('./widget.css', script.src).href;

  const wrapper = doc.createElement('div');
  wrapper.className = `cb-widget ${settings.position} theme-${settings.theme}`;

  const panel = doc.createElement('div');
  panel.className = 'cb-panel';
  panel.id = 'cb-panel';
  panel.hidden = true;
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', strings.widget.panelLabel);

  const close = doc.createElement('button');
  close.type = 'button';
  close.className = 'cb-close';
  close.textContent = '×';
  close.setAttribute('aria-label', strings.widget.close);

  const launcher = doc.createElement('button');
  launcher.type = 'button';
  launcher.className = 'cb-launcher';
  launcher.setAttribute('aria-expanded', 'false');
  launcher.setAttribute('aria-controls', panel.id);
  launcher.textContent = settings.label;
  // The count of messages that arrived while the panel was closed (once the frame is loaded).
  const badge = doc.createElement('span');
  badge.className = 'cb-unread';
  badge.hidden = true;
  const badgeCount = doc.createElement('span');
  badgeCount.setAttribute('aria-hidden', 'true');
  const badgeText = doc.createElement('span');
  badgeText.className = 'cb-visually-hidden';
  badge.append(badgeCount, badgeText);
  launcher.append(badge);
  let unread = 0;
  const setUnread = (count: number): void => {
    unread = count;
    badge.hidden = count === 0;
    badgeCount.textContent = count > 99 ? '99+' : String(count);
    badgeText.textContent = count === 0 ? '' : `, ${strings.widget.unread(count)}`;
  };

  panel.append(close);
  wrapper.append(panel, launcher);
  root.append(stylesheet, wrapper);

  let frame: HTMLIFrameElement | null = null;
  const setOpen = (open: boolean): void => {
    if (open && frame === null) {
      // Loaded on first open: a closed widget costs the host page one small script and nothing else.
      frame = doc.createElement('iframe');
      frame.className = 'cb-frame';
      frame.title = strings.widget.frameTitle;
      frame.src = pageUrl(script.src, settings);
      panel.append(frame);
    }
    panel.hidden = !open;
    if (open) setUnread(0);
    launcher.setAttribute('aria-expanded', String(open));
    if (open) frame?.focus();
    else launcher.focus();
  };
  const toggle = (): void => setOpen(panel.hidden);
  const closePanel = (): void => setOpen(false);
  const onKey = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' && !panel.hidden) closePanel();
  };
  const onMessage = (event: MessageEvent): void => {
    // Only the chat page in this widget's own frame may close it.
    if (frame === null || event.source !== frame.contentWindow || event.origin !== new URL(frame.src).origin) return;
    const data = event.data as { type?: unknown; count?: unknown } | null;
    if (data?.type === CLOSE_MESSAGE && !panel.hidden) closePanel();
    if (data?.type === UNREAD_MESSAGE && panel.hidden && typeof data.count === 'number' && data.count > 0) {
      setUnread(unread + Math.floor(data.count));
    }
  };
  launcher.addEventListener('click', toggle);
  close.addEventListener('click', closePanel);
  panel.addEventListener('keydown', onKey);
  doc.defaultView?.addEventListener('message', onMessage);
  doc.body.append(host);

  return () => {
    launcher.removeEventListener('click', toggle);
    close.removeEventListener('click', closePanel);
    panel.removeEventListener('keydown', onKey);
    doc.defaultView?.removeEventListener('message', onMessage);
    host.remove();
  };
}
