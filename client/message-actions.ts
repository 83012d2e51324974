/**
 * What the line actions do: reply, react with 👍, edit and delete one's own. Minimal on purpose:
 * the browser's own prompt and confirm dialogs, which every keyboard and screen reader knows.
 */
import type { ChatSocket } from './connection';
import type { ErrorAck } from '../lib/protocol/payloads';
import { DEFAULT_ROOM } from '../lib/protocol/payloads';
import { MESSAGE_ACTION_EVENT, type MessageActionDetail } from './log/extras';
import { strings } from './strings';

/** Listens for the log's action events under `root`; returns the function that stops. */
export function listenForMessageActions(
  root: HTMLElement,
  socket: ChatSocket,
  currentRoom: () => string,
  showError: (text: string) => void,
): () => void {
  const win = root.ownerDocument.defaultView;
  const refused = (ack: { ok: true } | ErrorAck): void => {
    if (!ack.ok) showError(strings.errorMessage(ack.error));
  };
  const handle = (event: Event): void => {
    const detail = (event as CustomEvent<MessageActionDetail>).detail;
    if (!win || !Number.isSafeInteger(detail.id)) return;
    const { id } = detail;
    switch (detail.action) {
      case 'react':
        socket.emit('react', { id, emoji: '👍' }, refused);
        break;
      case 'reply': {
        const text = win.prompt(strings.conversation.replyPrompt(detail.nick));
        if (text === null || text.trim() === '') return;
        const room = currentRoom();
        socket.emit('chat', room === DEFAULT_ROOM ? { m: text, replyTo: id } : { m: text, replyTo: id, room }, refused);
        break;
      }
      case 'edit': {
        const text = win.prompt(strings.conversation.editPrompt, detail.text);
        if (text === null || text === detail.text || text.trim() === '') return;
        socket.emit('edit', { id, m: text }, refused);
        break;
      }
      case 'delete':
        if (win.confirm(strings.conversation.deleteConfirm)) socket.emit('delete', { id }, refused);
        break;
    }
  };
  root.addEventListener(MESSAGE_ACTION_EVENT, handle);
  return () => root.removeEventListener(MESSAGE_ACTION_EVENT, handle);
}
