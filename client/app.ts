/** Wires the page: its own elements by id, the views over them, the socket and its handlers. */
import { readConfig } from './config';
import { ACK_TIMEOUT_MS, createConnection } from './connection';
import type { ChatContext } from './context';
import { byId } from './dom';
import { listen } from './events';
import { HistoryPager } from './history-pager';
import { Outbox } from './outbox';
import { Session } from './session';
import { ChatFormView } from './views/chat-form';
import { LogView } from './views/log';
import { LoginFormView } from './views/login-form';
import { NicksView } from './views/nicks';
import { OlderButtonView } from './views/older-button';
import { StatusView } from './views/status';

/** Starts the chat on `doc`; returns the function that stops it and removes every listener. */
export function start(doc: Document): () => void {
  const status = new StatusView(byId(doc, 'status', HTMLElement));
  const nicks = new NicksView(byId(doc, 'nicks', HTMLElement));

  // The views and the socket refer to each other; `late` is filled in before anything runs.
  const late: { session?: Session; outbox?: Outbox; pager?: HistoryPager } = {};

  const log = new LogView(byId(doc, 'chat-data', HTMLElement), (cid) => late.outbox?.retry(cid));
  const socket = createConnection(readConfig(doc), doc.location.origin, () => {
    const nick = late.session?.handshakeNick ?? null;
    const lastId = log.lastId;
    return {
      ...(nick !== null ? { nick } : {}),
      ...(lastId !== undefined ? { lastId } : {}),
    };
  });
  const outbox = new Outbox(
    (request, done) => socket.timeout(ACK_TIMEOUT_MS).emit('chat', request, (err, ack) => done(err, ack)),
    log,
  );
  const loginForm = new LoginFormView(
    byId(doc, 'login', HTMLFormElement),
    byId(doc, 'login-input', HTMLInputElement),
    (nick) => late.session?.login(nick),
  );
  const chatForm = new ChatFormView(
    byId(doc, 'chat', HTMLFormElement),
    byId(doc, 'chat-input', HTMLInputElement),
    (text) => {
      const nick = late.session?.nick;
      if (nick) outbox.submit(text, nick);
    },
  );
  const older = new OlderButtonView(byId(doc, 'chat-older', HTMLButtonElement), () => late.pager?.loadOlder());
  const session = new Session({ socket, status, log, nicks, loginForm, chatForm, outbox });
  const pager = new HistoryPager(socket, log, status, older);
  Object.assign(late, { session, outbox, pager });

  const ctx: ChatContext = { socket, status, log, nicks, session, outbox, pager };
  const unlisten = listen(ctx);
  socket.connect();

  return () => {
    unlisten();
    socket.disconnect();
    log.destroy();
    loginForm.destroy();
    chatForm.destroy();
    older.destroy();
  };
}
