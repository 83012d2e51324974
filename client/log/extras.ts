/**
 * What a message may carry besides its text: the quote of the message it answers, an "edited"
 * marker and its reaction counts. Built with textContent only, like every line of the log.
 */
import type { ReactionCounts, ReplyRef } from '../../lib/protocol/payloads';
import { make } from '../dom';
import { strings } from '../strings';

/** The quote shown above a reply: who, and what they said (or that it was deleted). */
export function makeReplyQuote(doc: Document, reply: ReplyRef): HTMLElement {
  const quote = make(doc, 'blockquote', 'reply-quote');
  quote.dataset['replyTo'] = String(reply.id);
  if ('deleted' in reply) {
    quote.textContent = strings.conversation.replyToDeleted;
    quote.classList.add('deleted');
  } else {
    // A button, so the original is one press away by keyboard too (the page jumps to it, fetching
    // older history when its log no longer holds it).
    const jump = make(doc, 'button', 'reply-jump');
    jump.type = 'button';
    jump.title = strings.conversation.showOriginal;
    jump.append(make(doc, 'span', 'nick', reply.u), make(doc, 'span', 'cb-visually-hidden', strings.nickSeparator), reply.m);
    quote.append(jump);
  }
  return quote;
}

/** The event a reply quote's button sends up the log: show message `detail.id` of the log's room. */
export const REPLY_JUMP_EVENT = 'cb-reply-jump';

/** Marks a line's body as edited (once), with the time in its title. */
export function markEdited(doc: Document, body: HTMLElement, editedTs: number): void {
  let marker = body.querySelector<HTMLElement>(':scope > .meta > .edited');
  if (!marker) {
    marker = make(doc, 'span', 'edited', strings.conversation.edited);
    body.querySelector(':scope > .meta')?.append(' ', marker);
  }
  if (Number.isFinite(editedTs)) marker.title = new Date(editedTs).toLocaleString(strings.locale);
}

/** Shows a line's reaction counts as a list of chips (removed when none are left). */
export function showReactions(doc: Document, body: HTMLElement, counts: ReactionCounts): void {
  body.querySelector(':scope > .reactions')?.remove();
  const entries = Object.entries(counts).filter(([, count]) => typeof count === 'number' && count > 0);
  if (entries.length === 0) return;
  const list = make(doc, 'ul', 'reactions');
  list.setAttribute('aria-label', strings.conversation.reactionsLabel);
  for (const [emoji, count] of entries) {
    const chip = make(doc, 'li', 'reaction', `${emoji} ${count}`);
    chip.setAttribute('aria-label', strings.conversation.reactionLabel(emoji, count));
    list.append(chip);
  }
  body.append(list);
}

/** The actions a message line offers: what `cb-message-action` events name. */
export type MessageAction = 'reply' | 'react' | 'edit' | 'delete';

/** What the log dispatches (bubbling, on its element) when an action button is pressed. */
export interface MessageActionDetail {
  action: MessageAction;
  id: number;
  /** The line's author and text as shown, for prompts. */
  nick: string;
  text: string;
}

/** The event name of {@link MessageActionDetail}. */
export const MESSAGE_ACTION_EVENT = 'cb-message-action';

/**
 * A line's action buttons: reply and a quick 👍 for every line, edit and delete for one's own
 * (the stylesheet hides those on others' lines). Real buttons, so the keyboard reaches them.
 */
export function makeActions(doc: Document): HTMLElement {
  const group = make(doc, 'div', 'actions');
  group.setAttribute('role', 'group');
  group.setAttribute('aria-label', strings.conversation.actionsLabel);
  const actions: Array<[MessageAction, string, string]> = [
    ['reply', strings.conversation.reply, ''],
    ['react', strings.conversation.react, ''],
    ['edit', strings.conversation.edit, 'own-only'],
    ['delete', strings.conversation.delete, 'own-only'],
  ];
  for (const [action, label, extra] of actions) {
    const button = make(doc, 'button', extra === '' ? 'action' : `action ${extra}`, label);
    button.type = 'button';
    button.dataset['action'] = action;
    group.append(button);
  }
  return group;
}
