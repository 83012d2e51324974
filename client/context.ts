/** The parts of the running page that the incoming-event handlers act on. */
import type { ChatSocket } from './connection';
import type { DirectMessages } from './direct/direct-messages';
import type { HistoryPager } from './history-pager';
import type { ModerationActions } from './moderation/actions';
import type { ModerationPanelView } from './moderation/panel';
import type { Outbox } from './outbox';
import type { Rooms } from './rooms/rooms';
import type { Session } from './session';
import type { TypingView } from './views/typing';
import type { LogView } from './views/log';
import type { NicksView } from './views/nicks';
import type { StatusView } from './views/status';

/** Everything an event handler may touch. */
export interface ChatContext {
  readonly socket: ChatSocket;
  readonly status: StatusView;
  readonly log: LogView;
  readonly nicks: NicksView;
  readonly session: Session;
  readonly outbox: Outbox;
  readonly pager: HistoryPager;
  readonly rooms: Rooms;
  readonly typing: TypingView;
  readonly moderation: ModerationActions;
  readonly panel: ModerationPanelView;
  readonly directs: DirectMessages;
}
