/**
 * The moderators' panel: who is muted or kept out and until when (with Unmute and Unban), the
 * recent moderation log, and the reports with a "delete this line" action. Filled from the
 * `moderation` ack each time it opens, and kept current by `moderation` events meanwhile.
 */
import { foldNick } from '../../lib/protocol/nick';
import type { ModerationEntry, ModerationPanel, ModerationUpdate, ReportEntry, SanctionInfo } from '../../lib/protocol/payloads';
import { ACK_TIMEOUT_MS, type ChatSocket } from '../connection';
import { make } from '../dom';
import { dayKey } from '../log/day';
import { strings } from '../strings';
import type { ModerationActions } from './actions';
import { ModalDialog } from './dialog';

// What the server applies when a request names no duration (see SanctionRequest).
const DEFAULT_SECONDS: Readonly<Record<string, number>> = { mute: 300, kick: 60, ban: 86_400 };
// The log shows the newest actions only; the panel is for what happens now.
const LOG_SHOWN = 50;

const clock = new Intl.DateTimeFormat(strings.locale, { hour: 'numeric', minute: '2-digit' });
const dated = new Intl.DateTimeFormat(strings.locale, { weekday: 'short', hour: 'numeric', minute: '2-digit' });

/** "14:05" today, "Sun 14:05" on another day. */
function when(ms: number): string {
  return (dayKey(ms) === dayKey(Date.now()) ? clock : dated).format(new Date(ms));
}

/** The panel behind the side panel's Moderation button. */
export class ModerationPanelView {
  private readonly dialog: ModalDialog;
  private state: ModerationPanel | null = null;

  constructor(
    private readonly doc: Document,
    private readonly socket: ChatSocket,
    private readonly actions: ModerationActions,
    /** The side panel's button; the panel cannot open without one. */
    private readonly button: HTMLButtonElement | null,
  ) {
    this.dialog = new ModalDialog(doc);
    this.dialog.element.classList.add('cb-mod-panel');
    this.dialog.element.id = 'mod-panel';
    if (button) {
      button.textContent = strings.moderation.panelButton;
      button.setAttribute('aria-haspopup', 'dialog');
      button.addEventListener('click', this.open);
    }
  }

  /** Removes the panel and the button's listener. */
  destroy(): void {
    this.button?.removeEventListener('click', this.open);
    this.dialog.destroy();
  }

  /** Shows the button to moderators only; a page that stops moderating forgets the panel. */
  setAdmin(admin: boolean): void {
    if (this.button) this.button.hidden = !admin;
    if (!admin) {
      this.state = null;
      this.dialog.close();
    }
  }

  /** Opens the panel and asks the server for its contents. */
  readonly open = (): void => {
    if (!this.actions.isModerator) return;
    this.dialog.show(strings.moderation.panelTitle, [this.closeRow(), make(this.doc, 'p', 'cb-loading', strings.moderation.loading)]);
    this.socket.timeout(ACK_TIMEOUT_MS).emit('moderation', (err, ack) => {
      if (!this.dialog.isOpen) return;
      if (err) this.fill(make(this.doc, 'p', 'cb-error', strings.noAnswer));
      else if (!ack.ok) this.fill(make(this.doc, 'p', 'cb-error', strings.errorMessage(ack.error)));
      else {
        this.state = { sanctions: [...ack.sanctions], log: [...ack.log], reports: [...ack.reports] };
        this.render();
      }
    });
  };

  /** A moderation action or a report as it happens (`moderation` event). */
  update(update: ModerationUpdate): void {
    const state = this.state;
    if (!state) return;
    const { entry, report } = update;
    if (entry && !state.log.some((known) => known.id === entry.id)) {
      state.log.push(entry);
      state.sanctions = applyEntry(state.sanctions, entry);
    }
    if (report && !state.reports.some((known) => known.id === report.id)) state.reports.push(report);
    if (this.dialog.isOpen) this.render();
  }

  private closeRow(): HTMLElement {
    return this.dialog.buttons([{ text: strings.moderation.close, run: () => this.dialog.close() }]);
  }

  /** Replaces the panel's content without moving the focus (unless its button went away). */
  private fill(...content: Node[]): void {
    const focused = this.doc.activeElement;
    const body = this.dialog.element.querySelector('.cb-dialog-body');
    body?.replaceChildren(this.closeRow(), ...content);
    if (focused instanceof HTMLElement && !focused.isConnected) body?.querySelector<HTMLElement>('button')?.focus();
  }

  private render(): void {
    const state = this.state;
    if (!state) return;
    const m = strings.moderation;
    const now = Date.now();
    const sanctions = state.sanctions
      .filter((sanction) => sanction.until > now)
      .map((sanction) => {
        const action = sanction.kind === 'mute' ? 'unmute' : 'unban';
        const word = sanction.kind === 'mute' ? m.unmute : m.unban;
        return this.item(m.sanction(sanction.nick, sanction.kind, when(sanction.until)), word, m.liftLabel(word, sanction.nick), () =>
          this.actions.lift(action, sanction.nick),
        );
      });
    const log = state.log
      .slice(-LOG_SHOWN)
      .reverse()
      .map((entry) => {
        const item = make(this.doc, 'li', '');
        const time = this.doc.createElement('time');
        time.dateTime = new Date(entry.ts).toISOString();
        time.textContent = when(entry.ts);
        const span = entry.action === 'unmute' || entry.action === 'unban' || entry.action === 'delete' || entry.seconds === undefined ? null : m.span(entry.seconds);
        item.append(time, ' ', m.entry(entry.by, entry.action, entry.nick, entry.messageId, span));
        return item;
      });
    const deleted = new Set(state.log.filter((entry) => entry.action === 'delete').map((entry) => entry.messageId));
    const reports = [...state.reports].reverse().map((report: ReportEntry) => {
      const text = m.report(report.by, report.message.u, report.message.m, m.reasons[report.reason] ?? report.reason);
      if (deleted.has(report.message.id)) return this.item(`${text} — ${m.reportDone}`);
      return this.item(text, m.deleteLine, m.deleteReported(report.message.u), () => this.actions.confirmDelete(report.message.id));
    });
    this.fill(
      this.section(m.sanctionsHeading, 'ul', sanctions),
      this.section(m.logHeading, 'ol', log),
      this.section(m.reportsHeading, 'ul', reports),
    );
  }

  private section(title: string, tag: 'ul' | 'ol', items: HTMLElement[]): HTMLElement {
    const section = make(this.doc, 'section', 'cb-mod-section');
    const heading = make(this.doc, 'h3', '', title);
    section.append(heading);
    if (items.length === 0) {
      section.append(make(this.doc, 'p', 'cb-none', strings.moderation.none));
    } else {
      const list = make(this.doc, tag, 'cb-mod-list');
      list.append(...items);
      section.append(list);
    }
    return section;
  }

  private item(text: string, action?: string, label?: string, run?: () => void): HTMLElement {
    const item = make(this.doc, 'li', '');
    item.append(make(this.doc, 'span', 'cb-mod-text', text));
    if (action && run) {
      const button = make(this.doc, 'button', 'cb-quiet', action);
      button.type = 'button';
      if (label) button.setAttribute('aria-label', label);
      button.addEventListener('click', run);
      item.append(' ', button);
    }
    return item;
  }
}

/** The sanctions in force after a log entry: a mute, kick or ban starts one; unmute or unban ends it. */
export function applyEntry(sanctions: readonly SanctionInfo[], entry: ModerationEntry): SanctionInfo[] {
  if (entry.nick === undefined || entry.action === 'delete') return [...sanctions];
  const key = foldNick(entry.nick);
  const kind = entry.action === 'mute' || entry.action === 'unmute' ? 'mute' : 'ban';
  const others = sanctions.filter((sanction) => !(sanction.kind === kind && foldNick(sanction.nick) === key));
  if (entry.action === 'unmute' || entry.action === 'unban') return others;
  const seconds = entry.seconds ?? DEFAULT_SECONDS[entry.action] ?? 0;
  return [...others, { nick: entry.nick, kind, until: entry.ts + seconds * 1000 }];
}
