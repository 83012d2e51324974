/** Wires the page: its own elements by id, the views over them, the socket and its handlers. */
import { readConfig } from './config';
import { ACK_TIMEOUT_MS, createConnection } from './connection';
import type { ChatContext } from './context';
import { byId } from './dom';
import { listen } from './events';
import { refreshTimes } from './format-time';
import { HistoryPager } from './history-pager';
import { Outbox } from './outbox';
import { DEFAULT_ROOM, Rooms } from './rooms/rooms';
import { Session } from './session';
import { strings } from './strings';
import { TitleUnread } from './title-unread';
import { ChatFormView } from './views/chat-form';
import { FormView } from './views/form';
import { LogView } from './views/log';
import { LoginFormView } from './views/login-form';
import { NicksView } from './views/nicks';
import { OlderButtonView } from './views/older-button';
import { RoomListView } from './views/room-list';
import { StatusView } from './views/status';
import { TypingNotifier, TypingView } from './views/typing';

/** What the page in the widget's frame posts to the widget when Escape is pressed. */
export const CLOSE_MESSAGE = 'chatterbox:close';

// Relative times ("3 min ago") are brought up to date this often.
const TIME_REFRESH_MS = 30_000;

/** Starts the chat on `doc`; returns the function that stops it and removes every listener. */
export function start(doc: Document): () => void {
  const config = readConfig(doc);
  const status = new StatusView(byId(doc, 'status', HTMLElement));
  const nicksElement = byId(doc, 'nicks', HTMLElement);
  const nicks = new NicksView(nicksElement);
  const marker = byId(doc, 'chat-new', HTMLButtonElement);
  marker.textContent = strings.newMessages;

  // The views and the socket refer to each other; `late` is filled in before anything runs.
  const late: { session?: Session; outbox?: Outbox; pager?: HistoryPager; rooms?: Rooms } = {};

  const log = new LogView(byId(doc, 'chat-data', HTMLElement), (cid) => late.outbox?.retry(cid), marker);
  const socket = createConnection(config, doc.location.origin, () => {
    const nick = late.session?.handshakeNick ?? null;
    const lastId = log.lastId;
    return {
      ...(nick !== null ? { nick } : {}),
      ...(lastId !== undefined ? { lastId } : {}),
      // This page reads `batch` frames, so a busy room costs the server one write per window.
      batch: true,
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
  const chatInput = byId(doc, 'chat-input', HTMLInputElement);
  const chatForm = new ChatFormView(byId(doc, 'chat', HTMLFormElement), chatInput, (text) => {
    const nick = late.session?.nick;
    if (!nick) return;
    const room = late.rooms?.current ?? DEFAULT_ROOM;
    notifier.reset(room);
    if (late.rooms) late.rooms.submit(text, nick);
    else outbox.submit(text, nick);
  });
  const notifier = new TypingNotifier(
    chatInput,
    () => (late.session?.nick && socket.connected ? (late.rooms?.current ?? DEFAULT_ROOM) : null),
    (room) => socket.emit('typing', room === DEFAULT_ROOM ? {} : { room }),
  );
  const older = new OlderButtonView(byId(doc, 'chat-older', HTMLButtonElement), () => late.pager?.loadOlder());
  const typing = new TypingView(byId(doc, 'typing', HTMLElement));
  const title = new TitleUnread(doc);
  const roomRegion = byId(doc, 'rooms', HTMLElement);
  const roomList = new RoomListView(byId(doc, 'room-list', HTMLElement), (room) => late.rooms?.select(room));
  const rooms = new Rooms({
    doc,
    socket,
    config,
    status,
    typing,
    title,
    list: roomList,
    region: roomRegion,
    defaultRoom: { log, nicks, nicksElement, outbox },
  });
  const roomForm = new FormView(byId(doc, 'room-form', HTMLFormElement), byId(doc, 'room-input', HTMLInputElement), (typed) => {
    rooms.open(typed);
    byId(doc, 'room-input', HTMLInputElement).value = '';
  });
  if (config.allowUserRooms) roomForm.show();
  const session = new Session({ socket, status, log, nicks, loginForm, chatForm, outbox, rooms });
  const pager = new HistoryPager(socket, log, status, older);
  Object.assign(late, { session, outbox, pager, rooms });

  // A widget's iframe asks for a room, a theme and a compact layout in its URL.
  const params = new URLSearchParams(doc.location.search);
  const wanted = params.get('room');
  if (wanted) rooms.select(wanted);
  applyDisplayParams(doc, params);

  const ctx: ChatContext = { socket, status, log, nicks, session, outbox, pager, rooms, typing };
  const unlisten = listen(ctx);
  const timer = setInterval(() => refreshTimes(doc.body), TIME_REFRESH_MS);
  socket.connect();

  return () => {
    unlisten();
    clearInterval(timer);
    socket.disconnect();
    log.destroy();
    loginForm.destroy();
    chatForm.destroy();
    older.destroy();
    notifier.destroy();
    roomList.destroy();
    roomForm.destroy();
    rooms.destroy();
    title.destroy();
    typing.clear();
  };
}

/** `?theme=light|dark` forces the colours; `?embed=1` drops the page's title (the widget has its own frame). */
function applyDisplayParams(doc: Document, params: URLSearchParams): void {
  const theme = params.get('theme');
  if (theme === 'light' || theme === 'dark') doc.documentElement.dataset['theme'] = theme;
  if (params.get('embed') === '1') {
    doc.documentElement.classList.add('cb-embedded');
    // Keys pressed in the frame never reach the widget: Escape is passed on so it can close the panel.
    doc.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && doc.defaultView?.parent !== doc.defaultView) {
        doc.defaultView?.parent.postMessage({ type: CLOSE_MESSAGE }, doc.location.origin);
      }
    });
  }
}
