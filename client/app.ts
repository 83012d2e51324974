/** Wires the page: its own elements by id, the views over them, the socket and its handlers. */
import { DesktopAlerts } from './attention/alerts';
import { DirectMessages } from './direct/direct-messages';
import { Attention } from './attention/attention';
import { FaviconBadge } from './attention/favicon';
import { readConfig } from './config';
import { ACK_TIMEOUT_MS, createConnection } from './connection';
import type { ChatContext } from './context';
import { byId } from './dom';
import { listen } from './events';
import { HistoryPager } from './history-pager';
import { ModerationActions } from './moderation/actions';
import { ModerationPanelView } from './moderation/panel';
import { Outbox } from './outbox';
import { DEFAULT_ROOM, Rooms } from './rooms/rooms';
import { startSearch } from './search/start-search';
import { Session } from './session';
import { foldNick } from '../lib/protocol/nick';
import { strings } from './strings';
import { TitleUnread } from './title-unread';
import { ChatFormView } from './views/chat-form';
import { DrawerView } from './views/drawer';
import { FormView } from './views/form';
import { HeaderView } from './views/header';
import { listenForMessageActions } from './message-actions';
import { LogView } from './views/log';
import { LoginFormView } from './views/login-form';
import { MeView } from './views/me';
import { NicksView } from './views/nicks';
import { OlderButtonView } from './views/older-button';
import { RoomListView } from './views/room-list';
import { StatusView } from './views/status';
import { TypingNotifier, TypingView } from './views/typing';

/** What the page in the widget's frame posts to the widget when Escape is pressed. */
export const CLOSE_MESSAGE = 'chatterbox:close';

// Day separators ("Today") are brought up to date this often.
const DAY_REFRESH_MS = 60_000;

/** Starts the chat on `doc`; returns the function that stops it and removes every listener. */
export function start(doc: Document): () => void {
  const config = readConfig(doc);
  const win: Window & typeof globalThis = doc.defaultView ?? window;
  const params = new URLSearchParams(doc.location.search);
  const embedded = params.get('embed') === '1' && win.parent !== win;
  // The late-bound socket is retried from the status line's button.
  const retry = (): void => {
    socket.disconnect();
    socket.connect();
  };
  const status = new StatusView(byId(doc, 'status', HTMLElement), doc.getElementById('retry') as HTMLButtonElement | null, retry);
  const nicksElement = byId(doc, 'nicks', HTMLElement);
  const nicks = new NicksView(nicksElement, doc.getElementById('online-count'));
  const header = new HeaderView(config, byId(doc, 'title', HTMLElement), byId(doc, 'room-name', HTMLElement), byId(doc, 'room-topic', HTMLElement));
  header.showRoom(strings.rooms.defaultRoom, DEFAULT_ROOM);
  const drawer = new DrawerView(
    doc,
    byId(doc, 'menu-button', HTMLButtonElement),
    byId(doc, 'sidebar', HTMLElement),
    byId(doc, 'menu-close', HTMLButtonElement),
    byId(doc, 'drawer-backdrop', HTMLElement),
  );
  const favicon = new FaviconBadge(doc);
  const alerts = new DesktopAlerts(win, byId(doc, 'notify-button', HTMLButtonElement), byId(doc, 'sound-button', HTMLButtonElement), status);
  const title = new TitleUnread(doc, config.title, (unread) => favicon.set(unread));
  const attention = new Attention(title, alerts, embedded ? { win: win.parent, origin: doc.location.origin } : null);
  const marker = byId(doc, 'chat-new', HTMLButtonElement);
  marker.textContent = strings.newMessages;

  // The views and the socket refer to each other; `late` is filled in before anything runs.
  const late: { session?: Session; outbox?: Outbox; pager?: HistoryPager; rooms?: Rooms; directs?: DirectMessages } = {};

  const log = new LogView(byId(doc, 'chat-data', HTMLElement), (cid) => late.outbox?.retry(cid), marker);
  const socket = createConnection(config, doc.location.origin, () => {
    const nick = late.session?.handshakeNick ?? null;
    const { lastId, lastRev } = log;
    return {
      ...(nick !== null ? { nick } : {}),
      ...(lastId !== undefined ? { lastId } : {}),
      // What changed in the messages this page holds is then replayed after its history.
      ...(lastId !== undefined && lastRev !== undefined ? { lastRev } : {}),
      // This page reads `batch` frames, so a busy room costs the server one write per window.
      batch: true,
      // …and presence digests: a crowd's count and first page, not the whole list and every arrival.
      presence: 'digest',
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
  ).withLabels(
    { label: byId(doc, 'login-label', HTMLElement), submit: byId(doc, 'login-submit', HTMLButtonElement), cancel: byId(doc, 'login-cancel', HTMLButtonElement) },
    () => late.session?.cancelRename(),
  );
  // A customised copy of the original page may still have a one-line input: both work.
  const chatField = doc.getElementById('chat-input');
  if (!(chatField instanceof HTMLTextAreaElement || chatField instanceof HTMLInputElement)) {
    throw new TypeError('index.html must hold a <textarea> or <input> with id="chat-input"');
  }
  const chatInput = chatField;
  applyComposerStrings(doc);
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
  const roomRegion = byId(doc, 'rooms', HTMLElement);
  const roomList = new RoomListView(byId(doc, 'room-list', HTMLElement), (room) => late.rooms?.select(room));
  const rooms = new Rooms({
    doc,
    socket,
    config,
    status,
    typing,
    title: attention,
    onShow: (label, name) => {
      header.showRoom(label, name);
      late.directs?.shown(name);
    },
    list: roomList,
    region: roomRegion,
    defaultRoom: { log, nicks, nicksElement, outbox },
  });
  const roomForm = new FormView(byId(doc, 'room-form', HTMLFormElement), byId(doc, 'room-input', HTMLInputElement), (typed) => {
    rooms.open(typed);
    byId(doc, 'room-input', HTMLInputElement).value = '';
  });
  if (config.allowUserRooms) roomForm.show();
  const me = new MeView(
    byId(doc, 'me', HTMLElement),
    byId(doc, 'me-name', HTMLElement),
    byId(doc, 'rename-button', HTMLButtonElement),
    byId(doc, 'leave-button', HTMLButtonElement),
    () => {
      drawer.close();
      late.session?.startRename();
    },
    () => {
      drawer.close();
      late.session?.leave();
    },
  );
  const moderation = new ModerationActions({
    doc,
    socket,
    status,
    currentLog: () => rooms.currentLog,
    onAdmin: (admin) => panel.setAdmin(admin),
  });
  // A customised copy of the original page may lack the button: moderators still get inline actions.
  const panel = new ModerationPanelView(doc, socket, moderation, doc.getElementById('mod-button') as HTMLButtonElement | null);
  panel.setAdmin(false);
  const directs = new DirectMessages({
    doc,
    socket,
    rooms,
    status,
    region: doc.getElementById('direct'),
    list: doc.getElementById('direct-list'),
    people: nicksElement,
    roomsShown: () => !roomRegion.hidden,
  });
  const session = new Session({ socket, status, log, nicks, loginForm, chatForm, outbox, rooms, me, moderation });
  const pager = new HistoryPager(socket, log, status, older);
  Object.assign(late, { session, outbox, pager, rooms, directs });

  // A widget's iframe asks for a room, a theme and a compact layout in its URL.
  // A room the host did not create is said at once, not after login with a blank panel.
  const wanted = params.get('room');
  if (wanted) {
    const known = config.rooms.some((room) => foldNick(room) === foldNick(wanted));
    if (known || config.allowUserRooms) rooms.select(wanted);
    else log.addSystem(strings.rooms.unknown(wanted));
  }
  applyDisplayParams(doc, params);

  const ctx: ChatContext = { socket, status, log, nicks, session, outbox, pager, rooms, typing, moderation, panel, directs };
  const unlisten = listen(ctx);
  // A customised copy of the original page may lack the button: then the list shows the first page.
  const moreButton = doc.getElementById('nicks-more');
  const stopPaging =
    moreButton instanceof HTMLButtonElement
      ? nicks.pageWith(moreButton, (after, done) => {
          socket.timeout(ACK_TIMEOUT_MS).emit('people', { after }, (err, ack) => done(!err && ack.ok ? ack : undefined));
        })
      : () => undefined;
  // Every room's log lives in the document's body, so one listener serves them all.
  const stopActions = listenForMessageActions(doc.body, socket, () => rooms.current, (text) => log.addSystem(text));
  const stopSearch = startSearch(doc, socket, rooms);
  const timer = setInterval(() => rooms.refresh(), DAY_REFRESH_MS);
  socket.connect();

  return () => {
    unlisten();
    stopPaging();
    stopActions();
    stopSearch();
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
    directs.destroy();
    title.destroy();
    favicon.destroy();
    alerts.destroy();
    drawer.destroy();
    me.destroy();
    panel.destroy();
    moderation.destroy();
    status.destroy();
    typing.clear();
  };
}

/** The composer's words from strings.ts (the markup carries the English defaults). */
function applyComposerStrings(doc: Document): void {
  const input = doc.getElementById('chat-input');
  input?.setAttribute('placeholder', strings.composer.label);
  const hint = doc.getElementById('chat-hint');
  if (hint) hint.textContent = strings.composer.hint;
  const submit = doc.getElementById('chat-submit');
  if (submit) submit.textContent = strings.composer.send;
}

/** `?theme=light|dark` forces the colours; `?embed=1` fits the page to the widget's panel. */
function applyDisplayParams(doc: Document, params: URLSearchParams): void {
  const theme = params.get('theme');
  if (theme === 'light' || theme === 'dark') doc.documentElement.dataset['theme'] = theme;
  if (params.get('embed') === '1') {
    doc.documentElement.classList.add('cb-embedded');
    // Keys pressed in the frame never reach the widget: Escape is passed on so it can close the panel.
    doc.addEventListener('keydown', (event) => {
      // An open dialog (a confirmation, the moderators' panel) takes Escape for itself.
      if (event.key === 'Escape' && doc.defaultView?.parent !== doc.defaultView && !doc.querySelector('dialog[open]')) {
        doc.defaultView?.parent.postMessage({ type: CLOSE_MESSAGE }, doc.location.origin);
      }
    });
  }
}
