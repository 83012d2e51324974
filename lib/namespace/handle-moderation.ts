/** `moderation(ack)`: the moderators' panel — sanctions in force, the moderation log and reports. */
import { assertModerator } from '../moderation/moderation';
import { readPanel } from '../moderation/moderation-log';
import type { EventHandler } from './handler-context';

/** Handles the `moderation` event. */
export const handleModeration: EventHandler<'moderation'> = async (context, socket, _args, reply) => {
  assertModerator(socket);
  reply({ ok: true, ...(await readPanel(context)) });
};
