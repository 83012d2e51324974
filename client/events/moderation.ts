/** `moderation`: to moderators only, a moderation action or a report as it happens. */
import type { ModerationUpdate } from '../../lib/protocol/payloads';
import type { ChatContext } from '../context';

/** Keeps the moderators' panel current. */
export function onModeration(ctx: ChatContext, update: ModerationUpdate): void {
  if (typeof update === 'object' && update !== null) ctx.panel.update(update);
}
