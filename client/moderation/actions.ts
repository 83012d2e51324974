/**
 * The actions on a line and on a name: anyone logged in reports someone else's line; moderators
 * also delete it and mute, kick or ban its author (after a confirmation), with an Undo after a
 * mute, kick or ban. The buttons are in the markup of every line and name; CSS shows them by the
 * root's `cb-member` and `cb-moderator` classes, and the menu is built from this page's state
 * when opened, so a non-moderator never gets a moderation control. The server checks every action.
 */
import { foldNick } from '../../lib/protocol/nick';
import { REPORT_REASONS, type ModerationAck, type ReportReason } from '../../lib/protocol/payloads';
import { ACK_TIMEOUT_MS, type ChatSocket } from '../connection';
import { make } from '../dom';
import { strings } from '../strings';
import type { LogView } from '../views/log';
import type { StatusView } from '../views/status';
import { ModalDialog, type DialogButton } from './dialog';

/** A sanction the page offers. */
export type SanctionKind = 'mute' | 'kick' | 'ban';

/** What the actions need from the page. */
export interface ActionsParts {
  doc: Document;
  socket: ChatSocket;
  status: StatusView;
  /** The log on screen, where results and their Undo show as SYSTEM-style notices. */
  currentLog: () => LogView;
  /** Told when this page becomes (or stops being) a moderator's. */
  onAdmin?: (admin: boolean) => void;
}

type AckHandler = (err: Error | null, ack: ModerationAck) => void;

/** The report menu and the moderators' inline actions, with their dialog. */
export class ModerationActions {
  private nick: string | null = null;
  private admin = false;
  readonly dialog: ModalDialog;

  constructor(private readonly parts: ActionsParts) {
    this.dialog = new ModalDialog(parts.doc);
    parts.doc.addEventListener('click', this.handleClick);
  }

  /** Removes the dialog and the listener. */
  destroy(): void {
    this.parts.doc.removeEventListener('click', this.handleClick);
    this.dialog.destroy();
  }

  /** Whether this page is a moderator's (the `session` event's `admin`). */
  get isModerator(): boolean {
    return this.admin;
  }

  /** The name this page is logged in with, or null (logging out also ends moderating). */
  setNick(nick: string | null): void {
    this.nick = nick;
    this.parts.doc.documentElement.classList.toggle('cb-member', nick !== null);
    if (nick === null) this.setAdmin(false);
  }

  /** Whether this page may moderate: shows or hides every moderation control. */
  setAdmin(admin: boolean): void {
    if (this.admin === admin) return;
    this.admin = admin;
    this.parts.doc.documentElement.classList.toggle('cb-moderator', admin);
    if (!admin) this.dialog.close();
    this.parts.onAdmin?.(admin);
  }

  /** Asks for a confirmation, then deletes message `id` (from a line or the panel's reports). */
  confirmDelete(id: number): void {
    if (!this.admin) return;
    this.dialog.show(strings.moderation.confirmDelete, [
      [
        { text: strings.moderation.doDelete, primary: true, run: () => this.remove(id) },
        { text: strings.moderation.cancel, run: () => this.dialog.close() },
      ],
    ]);
  }

  /** Asks for a confirmation (and a duration for a mute or a kick), then sanctions `nick`. */
  confirmSanction(kind: SanctionKind, nick: string): void {
    if (!this.admin) return;
    const doc = this.parts.doc;
    const m = strings.moderation;
    const question = make(doc, 'p', '', kind === 'mute' ? m.confirmMute(nick) : kind === 'kick' ? m.confirmKick(nick) : m.confirmBan(nick));
    const parts: Array<Node | DialogButton[]> = [question];
    let picker: HTMLFieldSetElement | null = null;
    if (kind !== 'ban') {
      picker = make(doc, 'fieldset', 'cb-durations');
      picker.append(make(doc, 'legend', '', m.duration));
      m.durations.forEach((seconds, index) => {
        const label = make(doc, 'label', '');
        const radio = doc.createElement('input');
        radio.type = 'radio';
        radio.name = 'cb-duration';
        radio.value = String(seconds);
        radio.checked = index === 0;
        label.append(radio, ` ${m.span(seconds)}`);
        picker?.append(label);
      });
      parts.push(picker);
    }
    const verb = kind === 'mute' ? m.doMute : kind === 'kick' ? m.doKick : m.doBan;
    parts.push([
      {
        text: verb,
        primary: true,
        run: () => {
          const checked = picker?.querySelector<HTMLInputElement>('input:checked');
          this.sanction(kind, nick, checked ? Number(checked.value) : undefined);
        },
      },
      { text: m.cancel, run: () => this.dialog.close() },
    ]);
    this.dialog.show(nick, parts, picker?.querySelector<HTMLInputElement>('input:checked') ?? undefined);
  }

  private readonly handleClick = (event: MouseEvent): void => {
    const target = event.target instanceof Element ? event.target : null;
    const lineButton = target?.closest('button.cb-line-actions');
    if (lineButton) {
      const line = lineButton.closest<HTMLElement>('.message');
      const id = Number(line?.dataset['id']);
      if (line) this.openLine(line.dataset['nick'] ?? '', Number.isInteger(id) ? id : undefined);
      return;
    }
    const nickButton = target?.closest<HTMLElement>('button.cb-nick-actions');
    if (nickButton) this.openNick(nickButton.dataset['nick'] ?? '');
  };

  private isOwn(nick: string): boolean {
    return this.nick !== null && foldNick(nick) === foldNick(this.nick);
  }

  /** A line's menu: its report reasons (not for your own), then the moderator's actions. */
  private openLine(nick: string, id: number | undefined): void {
    if (this.nick === null || id === undefined || nick === '') return;
    const m = strings.moderation;
    const parts: Array<Node | DialogButton[]> = [];
    if (!this.isOwn(nick)) {
      parts.push(make(this.parts.doc, 'p', '', m.reportHeading));
      parts.push(REPORT_REASONS.map((reason) => ({ text: m.reasons[reason], run: () => this.report(id, reason) })));
    }
    if (this.admin) {
      const actions: DialogButton[] = [{ text: m.deleteLine, run: () => this.confirmDelete(id) }];
      if (!this.isOwn(nick)) actions.push(...this.sanctionButtons(nick));
      parts.push(actions);
    }
    if (parts.length === 0) return;
    parts.push([{ text: m.cancel, run: () => this.dialog.close() }]);
    this.dialog.show(m.lineTitle(nick), parts);
  }

  /** A name's menu (moderators only). */
  private openNick(nick: string): void {
    if (!this.admin || nick === '' || this.isOwn(nick)) return;
    this.dialog.show(nick, [this.sanctionButtons(nick), [{ text: strings.moderation.cancel, run: () => this.dialog.close() }]]);
  }

  private sanctionButtons(nick: string): DialogButton[] {
    const m = strings.moderation;
    return [
      { text: m.mute(nick), run: () => this.confirmSanction('mute', nick) },
      { text: m.kick(nick), run: () => this.confirmSanction('kick', nick) },
      { text: m.ban(nick), run: () => this.confirmSanction('ban', nick) },
    ];
  }

  private report(id: number, reason: ReportReason): void {
    this.dialog.close();
    const { socket, status } = this.parts;
    socket.timeout(ACK_TIMEOUT_MS).emit('report', { id, reason }, (err, ack) => {
      if (err) status.error(strings.noAnswer);
      // The friendly words first: "You are sending too fast" says more than a server's message.
      else if (!ack.ok) status.error(strings.errorText(ack.error.code, strings.errorMessage(ack.error)));
      else status.info(strings.moderation.reported);
    });
  }

  private remove(id: number): void {
    this.dialog.close();
    this.parts.socket.timeout(ACK_TIMEOUT_MS).emit('delete', { id }, this.answer(() => this.parts.status.info(strings.moderation.deleted)));
  }

  private sanction(kind: SanctionKind, nick: string, seconds: number | undefined): void {
    this.dialog.close();
    const m = strings.moderation;
    const request = seconds === undefined ? { nick } : { nick, seconds };
    const span = seconds === undefined ? '' : m.span(seconds);
    const text = kind === 'mute' ? m.muted(nick, span) : kind === 'kick' ? m.kicked(nick, span) : m.banned(nick);
    const done = this.answer(() => this.notice(text, kind === 'mute' ? 'unmute' : 'unban', nick));
    this.parts.socket.timeout(ACK_TIMEOUT_MS).emit(kind, request, done);
  }

  /** Lifts a mute or a kick or ban (Undo, or the panel's buttons). */
  lift(action: 'unmute' | 'unban', nick: string, afterwards?: () => void, failed?: () => void): void {
    if (!this.admin) return;
    const m = strings.moderation;
    this.parts.socket.timeout(ACK_TIMEOUT_MS).emit(
      action,
      { nick },
      this.answer(() => {
        this.parts.currentLog().addSystem(action === 'unmute' ? m.unmuted(nick) : m.unbanned(nick));
        afterwards?.();
      }, failed),
    );
  }

  /** A result in the log, SYSTEM-style, with its Undo. */
  private notice(text: string, undo: 'unmute' | 'unban', nick: string): void {
    const line = this.parts.currentLog().addSystem(text);
    const button = make(this.parts.doc, 'button', 'cb-undo cb-quiet', strings.moderation.undo);
    button.type = 'button';
    button.setAttribute('aria-label', strings.moderation.undoLabel(text));
    button.addEventListener('click', () => {
      button.disabled = true;
      this.lift(
        undo,
        nick,
        () => button.remove(),
        () => (button.disabled = false),
      );
    });
    line.append(' ', button);
  }

  private answer(onOk: () => void, onFail?: () => void): AckHandler {
    return (err, ack) => {
      if (!err && ack.ok) {
        onOk();
        return;
      }
      this.parts.status.error(err ? strings.noAnswer : strings.errorMessage(ack.ok ? {} : ack.error));
      onFail?.();
    };
  }
}
