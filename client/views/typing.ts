/**
 * "alice is typing…": who is typing in each room (each hint expires after a few seconds, or when
 * their message arrives), shown for the room on screen; and the notifier that tells the server,
 * throttled, while you type.
 */
import { foldNick } from '../../lib/protocol/nick';
import { strings } from '../strings';

/** How long a hint lasts without a new one (the server relays at most one a second). */
export const TYPING_EXPIRY_MS = 4000;
/** How often the page tells the server you are still typing. */
export const TYPING_SEND_INTERVAL_MS = 2000;

/** The `#typing` line. */
export class TypingView {
  private readonly typists = new Map<string, Map<string, { nick: string; timer: ReturnType<typeof setTimeout> }>>();
  private active = '';

  constructor(private readonly element: HTMLElement) {}

  /** `nick` is typing in `room`. */
  add(room: string, nick: string): void {
    let inRoom = this.typists.get(room);
    if (inRoom === undefined) {
      inRoom = new Map();
      this.typists.set(room, inRoom);
    }
    const key = foldNick(nick);
    const previous = inRoom.get(key);
    if (previous) clearTimeout(previous.timer);
    inRoom.set(key, { nick, timer: setTimeout(() => this.remove(room, nick), TYPING_EXPIRY_MS) });
    if (room === this.active) this.render();
  }

  /** `nick` stopped typing in `room` (their message arrived, they left). */
  remove(room: string, nick: string): void {
    const inRoom = this.typists.get(room);
    const entry = inRoom?.get(foldNick(nick));
    if (!inRoom || !entry) return;
    clearTimeout(entry.timer);
    inRoom.delete(foldNick(nick));
    if (room === this.active) this.render();
  }

  /** Shows the hints of `room`. */
  show(room: string): void {
    this.active = room;
    this.render();
  }

  /** Forgets every hint (disconnected). */
  clear(): void {
    for (const inRoom of this.typists.values()) for (const { timer } of inRoom.values()) clearTimeout(timer);
    this.typists.clear();
    this.render();
  }

  private render(): void {
    const nicks = [...(this.typists.get(this.active)?.values() ?? [])].map((entry) => entry.nick);
    this.element.textContent = strings.typing(nicks);
  }
}

/** Tells the server "typing" while the chat input changes, at most once per interval and room. */
export class TypingNotifier {
  private readonly lastSent = new Map<string, number>();

  constructor(
    private readonly input: HTMLInputElement | HTMLTextAreaElement,
    private readonly room: () => string | null,
    private readonly send: (room: string) => void,
  ) {
    input.addEventListener('input', this.handleInput);
  }

  /** Removes the listener this notifier added. */
  destroy(): void {
    this.input.removeEventListener('input', this.handleInput);
  }

  /** A message was sent: the next keystroke is news again. */
  reset(room: string): void {
    this.lastSent.delete(room);
  }

  private readonly handleInput = (): void => {
    const room = this.room();
    if (room === null || this.input.value.trim() === '') return;
    const now = Date.now();
    if (now - (this.lastSent.get(room) ?? 0) < TYPING_SEND_INTERVAL_MS) return;
    this.lastSent.set(room, now);
    this.send(room);
  };
}
