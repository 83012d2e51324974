/**
 * Whether this page is logged in, and the switch between the login form and the chat form.
 * The nickname is remembered for the tab so every reconnect's handshake logs back in.
 */
import type { ErrorPayload } from '../lib/protocol/payloads';
import { ACK_TIMEOUT_MS, type ChatSocket } from './connection';
import { recallNick, rememberNick } from './nick-store';
import type { Outbox } from './outbox';
import { strings } from './strings';
import type { ChatFormView } from './views/chat-form';
import type { LogView } from './views/log';
import type { LoginFormView } from './views/login-form';
import type { MeView } from './views/me';
import type { NicksView } from './views/nicks';
import type { StatusView } from './views/status';

/** What the session switches between. */
export interface SessionParts {
  socket: ChatSocket;
  status: StatusView;
  log: LogView;
  nicks: NicksView;
  loginForm: LoginFormView;
  chatForm: ChatFormView;
  outbox: Outbox;
  /** Your name and the rename and leave controls, when the page has them. */
  me?: MeView;
  /** The report and moderation controls, told who this page is logged in as. */
  moderation?: { setNick(nick: string | null): void };
  /** The rooms besides the default one, told when the login comes and goes. */
  rooms?: { loggedIn(nick: string): void; left(): void; setOwnNick(nick: string | null): void };
}

/** The page's login state. */
export class Session {
  private current: string | null = null;
  private wanted: string | null = recallNick();
  private loggingIn = false;
  private identified = false;
  private renaming = false;

  constructor(private readonly parts: SessionParts) {
    if (this.wanted !== null) parts.loginForm.showWith(this.wanted);
  }

  /** The nickname the server accepted, or null while logged out. */
  get nick(): string | null {
    return this.current;
  }

  /** The nickname for the next handshake: the current one, else the one remembered. */
  get handshakeNick(): string | null {
    return this.current ?? this.wanted;
  }

  /** Shows the name form again, with the current name, to choose another. */
  startRename(): void {
    if (this.current === null || this.identified) return;
    this.renaming = true;
    this.parts.chatForm.hide();
    this.parts.loginForm.showForRename(this.current);
  }

  /** Closes the rename form without changing anything. */
  cancelRename(): void {
    if (!this.renaming || this.current === null) return;
    this.renaming = false;
    this.parts.loginForm.setInvalid(false);
    this.parts.loginForm.hide();
    this.parts.loginForm.setRenaming(false);
    this.parts.status.clearMessage();
    this.parts.chatForm.show();
    this.parts.chatForm.focus();
  }

  /**
   * Leaves the chat: forgets the name and reconnects without one, so the server drops the login
   * (and tells the others this name left) while the page keeps reading. No `logout` event needed.
   */
  leave(): void {
    const { socket, status } = this.parts;
    this.remember(null);
    this.renaming = false;
    this.loggedOut();
    this.parts.loginForm.clear();
    socket.disconnect();
    socket.connect();
    // After the disconnect's own "Disconnected"; "Connected" replaces it when the socket is back.
    status.info(strings.people.left);
  }

  /** Asks the server for `typed` as nickname (from the login form). */
  login(typed: string): void {
    const { socket, status, loginForm } = this.parts;
    const nick = typed.trim();
    if (nick === '') {
      status.error(strings.emptyNick);
      loginForm.setInvalid(true);
      return;
    }
    if (this.loggingIn) return;
    if (!socket.connected) {
      // The reconnect's handshake carries it; `session` reports the outcome.
      this.remember(nick);
      status.info(strings.loginWhenConnected);
      return;
    }
    this.loggingIn = true;
    loginForm.setBusy(true);
    status.info(strings.loggingIn);
    socket.timeout(ACK_TIMEOUT_MS).emit('login', nick, (err, ack) => {
      this.loggingIn = false;
      loginForm.setBusy(false);
      if (err) {
        status.error(strings.noAnswer);
      } else if (ack.ok) {
        this.loggedIn(ack.nick, true, this.identified);
        this.parts.nicks.replace(ack.users);
      } else {
        this.refused(ack.error);
        loginForm.focusAndSelect();
      }
    });
  }

  /** The server accepted `nick` (`identified`: the host signed them in): show the chat form. */
  loggedIn(nick: string, focusChat: boolean, identified = false): void {
    const { status, log, nicks, loginForm, chatForm, outbox } = this.parts;
    this.current = nick;
    this.identified = identified;
    this.renaming = false;
    loginForm.setRenaming(false);
    this.parts.me?.show(nick, identified);
    this.parts.moderation?.setNick(nick);
    this.remember(nick);
    log.setOwnNick(nick);
    nicks.setOwnNick(nick);
    loginForm.setInvalid(false);
    status.clearMessage();
    const hadFocus = loginForm.hide();
    chatForm.show();
    if (focusChat || hadFocus) chatForm.focus();
    outbox.resume();
    this.parts.rooms?.setOwnNick(nick);
    this.parts.rooms?.loggedIn(nick);
  }

  /** The server holds no login for this socket (`session` with a null nick). */
  loggedOut(error?: ErrorPayload): void {
    const { log, nicks, loginForm, chatForm, outbox } = this.parts;
    const previous = this.current ?? this.wanted;
    this.current = null;
    this.identified = false;
    this.renaming = false;
    loginForm.setRenaming(false);
    this.parts.me?.show(null, false);
    this.parts.moderation?.setNick(null);
    outbox.pause();
    log.setOwnNick(null);
    nicks.clear();
    const hadFocus = chatForm.hide();
    loginForm.showWith(previous);
    if (error) this.refused(error);
    if (hadFocus) loginForm.focusAndSelect();
    this.parts.rooms?.left();
    this.parts.rooms?.setOwnNick(null);
  }

  /** The connection dropped: hold messages; the handshake will log back in. */
  disconnected(): void {
    this.parts.outbox.pause();
    this.parts.nicks.setStale(true);
    this.parts.rooms?.left();
  }

  private refused(error: ErrorPayload): void {
    // Forget a refused nickname, or every reconnect would be refused the same way (a refused
    // rename keeps the name in use).
    this.remember(this.current);
    this.parts.status.error(strings.errorMessage(error));
    this.parts.loginForm.setInvalid(true);
  }

  private remember(nick: string | null): void {
    this.wanted = nick;
    rememberNick(nick);
  }
}
