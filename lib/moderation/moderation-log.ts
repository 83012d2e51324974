/**
 * The moderation log and the reports, kept in the message store itself (in a room no client can
 * name: room names follow the nickname rules, which refuse control characters), so that they
 * survive restarts and, with a shared store, are the same on every node of a cluster.
 */
import type { ChatContext } from '../chat/context';
import type { ModerationEntry, ModerationPanel, ReportEntry, SanctionInfo } from '../protocol/payloads';
import { nickKey } from '../protocol/nick';

/** The store room of the moderation log: U+0001 cannot start a room name a client sends. */
export const MODERATION_ROOM = '\u0001moderation';

/** How many of the newest log lines and reports the panel reads. */
export const PANEL_SIZE = 200;

/** A log line or a report, as stored (the id and time are the store's). */
type Record = { kind: 'action'; entry: Omit<ModerationEntry, 'id' | 'ts'> } | { kind: 'report'; report: Omit<ReportEntry, 'id' | 'ts'> };

/** Appends `record` to the log; resolves with its id and time. */
async function append(context: ChatContext, by: string, record: Record): Promise<{ id: number; ts: number }> {
  const ts = Date.now();
  const { message } = await context.store.append({ room: MODERATION_ROOM, u: by, m: JSON.stringify(record), ts });
  return { id: message.id, ts: message.ts };
}

/** Records a moderation action and tells the moderators; resolves with the entry. */
export async function recordAction(context: ChatContext, entry: Omit<ModerationEntry, 'id' | 'ts'>): Promise<ModerationEntry> {
  const { id, ts } = await append(context, entry.by, { kind: 'action', entry });
  const stored: ModerationEntry = { id, ts, ...entry };
  context.broadcaster.moderators({ entry: stored });
  return stored;
}

/** Records a report and tells the moderators; resolves with it. */
export async function recordReport(context: ChatContext, report: Omit<ReportEntry, 'id' | 'ts'>): Promise<ReportEntry> {
  const { id, ts } = await append(context, report.by, { kind: 'report', report });
  const stored: ReportEntry = { id, ts, ...report };
  context.broadcaster.moderators({ report: stored });
  return stored;
}

/** The moderators' panel: the newest log lines and reports, and the sanctions in force they imply. */
export async function readPanel(context: ChatContext, now: number = Date.now()): Promise<ModerationPanel> {
  const rows = await context.store.latest(MODERATION_ROOM, PANEL_SIZE);
  const log: ModerationEntry[] = [];
  const reports: ReportEntry[] = [];
  for (const row of rows) {
    const record = parse(row.m);
    if (record?.kind === 'action') log.push({ id: row.id, ts: row.ts, ...record.entry });
    else if (record?.kind === 'report') reports.push({ id: row.id, ts: row.ts, ...record.report });
  }
  return { sanctions: sanctionsInForce(log, now), log, reports };
}

/** Replays the log: each nickname's latest mute and ban that nothing lifted and that has not run out. */
function sanctionsInForce(log: readonly ModerationEntry[], now: number): SanctionInfo[] {
  const byNick = new Map<string, { nick: string; mute?: number; ban?: number }>();
  for (const entry of log) {
    if (entry.nick === undefined) continue;
    const key = nickKey(entry.nick);
    const state = byNick.get(key) ?? { nick: entry.nick };
    const until = entry.ts + (entry.seconds ?? 0) * 1000;
    if (entry.action === 'mute') state.mute = until;
    else if (entry.action === 'kick' || entry.action === 'ban') state.ban = until;
    else if (entry.action === 'unmute') delete state.mute;
    else if (entry.action === 'unban') delete state.ban;
    byNick.set(key, state);
  }
  const sanctions: SanctionInfo[] = [];
  for (const { nick, mute, ban } of byNick.values()) {
    if (mute !== undefined && mute > now) sanctions.push({ nick, kind: 'mute', until: mute });
    if (ban !== undefined && ban > now) sanctions.push({ nick, kind: 'ban', until: ban });
  }
  return sanctions;
}

function parse(text: string): Record | undefined {
  try {
    const value = JSON.parse(text) as Record | null;
    return value !== null && typeof value === 'object' ? value : undefined;
  } catch {
    // Written only by recordAction/recordReport; anything else in the room is skipped.
    return undefined;
  }
}
