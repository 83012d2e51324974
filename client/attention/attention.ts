/**
 * Where news of unseen messages goes: the tab title's count, the favicon's badge, the reader's
 * desktop and sound alerts, and (inside the widget's frame) the launcher's unread badge.
 */
import type { ChatMessage } from '../../lib/protocol/payloads';
import { mentions } from '../render-text';
import type { TitleUnread } from '../title-unread';
import type { DesktopAlerts } from './alerts';

/** What the page in the widget's frame posts to the widget for each batch of others' messages. */
export const UNREAD_MESSAGE = 'chatterbox:unread';

/** Tells every indicator about messages from other people. */
export class Attention {
  constructor(
    private readonly title: TitleUnread,
    private readonly alerts: DesktopAlerts | null,
    /** The widget's window when the page is embedded, else null. */
    private readonly widget: { win: Window; origin: string } | null,
  ) {}

  /** `count` new messages from others (`messages`) arrived in `room`; `ownKey`: your name's key. */
  note(count: number, messages: readonly ChatMessage[] = [], room = '', ownKey: string | null = null): void {
    this.title.note(count);
    const hidden = this.title.hidden;
    for (const message of messages.slice(-count)) {
      this.alerts?.alert(message.u, message.m, room, mentions(message.m, ownKey), hidden);
    }
    this.widget?.win.postMessage({ type: UNREAD_MESSAGE, count }, this.widget.origin);
  }
}
