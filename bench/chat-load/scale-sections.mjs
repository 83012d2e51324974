/**
 * The big-room sections of the benchmark (issue #15): join storms, memory per idle logged-in
 * connection, and one room of 10,000 connections. Each measurement runs on a fresh server child
 * (presence and the heap start empty) and stops it afterwards, server first, so that closing the
 * clients is no flood of `exit` broadcasts.
 *
 * The runner passes a context: `{ scale, targets, startServer, stopServer, serverMemory,
 * serverCpu, generator, record, recordStorm, notes, log, reps }` (see run.mjs).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { short } from './report.mjs';

/** KB per connection between two memoryUsage() readings; null when one is missing. */
const perConnectionKb = (before, after, field, n) => (before && after ? (after[field] - before[field]) / n / 1024 : null);

/** Nearest-rank quantile of a few numbers (here: one value per message), null if none. */
function quantile(values, q) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * Sizes at which a target's logins did not finish in time, by target key: a presence that is
 * quadratic would take many minutes at any larger size, so those runs are not attempted (and
 * say so) instead of each spending a whole timeout.
 */
const timedOutAt = new Map();

/** Whether `target` should try `clients` logins; records a note when it should not. */
function worthTrying(ctx, target, clients, what) {
  const at = timedOutAt.get(target.key);
  if (at === undefined || clients < at) return true;
  ctx.notes.push(`${target.label}: ${what} of ${clients.toLocaleString('en')} not attempted: logins of ${at.toLocaleString('en')} already timed out`);
  return false;
}

function markTimedOut(target, clients) {
  timedOutAt.set(target.key, Math.min(clients, timedOutAt.get(target.key) ?? Infinity));
}

/** Rotates `list` by `by`: each repetition starts one target further along. */
const rotate = (list, by) => list.map((_, i) => list[(i + by) % list.length]);

/**
 * Runs `body(server)` on a fresh server of `target`, then stops the server and closes the
 * generator's held clients whatever happened. Failures become a note and a log line.
 */
async function onFreshServer(ctx, target, what, body) {
  let server;
  try {
    server = await ctx.startServer(target.server);
    // Let the process finish starting (JIT, lazy requires) before the baseline reading.
    await sleep(200);
    return await body(server);
  } catch (error) {
    ctx.notes.push(`${target.label}: ${what} failed: ${String(error.message).split('\n')[0]}`);
    ctx.log(`  ${target.label} ${what} FAILED: ${String(error.message).split('\n')[0]}`);
    return null;
  } finally {
    if (server) await ctx.stopServer(server);
    await ctx.generator.request({ type: 'close' }).catch(() => undefined);
  }
}

/**
 * One storm (all `clients` at once) or one calm arrival (waves of `concurrency`, each waited
 * for) on a fresh server, with the server's memory after GC before and after.
 */
async function loginAndWeigh(ctx, target, clients, concurrency, timeoutMs) {
  const { scale } = ctx;
  const what = `${concurrency > 0 ? 'calm arrival' : 'join storm'} of ${clients}`;
  const run = await onFreshServer(ctx, target, what, async (server) => {
    if (scale.warmBaseline > 0) {
      // What a process's first logins load once (lazy tables, compiled code) is not per
      // connection: with --warm-baseline a few clients log in and leave before the baseline.
      await ctx.generator.request({
        type: 'storm',
        port: server.port,
        serverPid: server.pid,
        clients: scale.warmBaseline,
        concurrency: 0,
        batch: target.batch,
        readyOn: target.readyOn,
        quietMs: 200,
        timeoutMs: 20_000,
      });
      await ctx.generator.request({ type: 'close' });
      await sleep(1000);
    }
    const before = await ctx.serverMemory(server);
    const result = await ctx.generator.request({
      type: 'storm',
      port: server.port,
      serverPid: server.pid,
      clients,
      concurrency,
      batch: target.batch,
      readyOn: target.readyOn,
      quietMs: 300,
      timeoutMs,
    });
    // A server still busy with a storm may not answer at all: keep the storm's figures anyway.
    const after = await ctx.serverMemory(server).catch((error) => {
      ctx.notes.push(`${target.label}: ${what}: no memory reading after it (${error.message})`);
      return null;
    });
    // Weighed again once the server has been idle a while: V8's memory reducer gives back the young
    // generation a burst of logins grew (about 8-10 s after allocation calms down), which the reading
    // right after the logins still counts; the heap's spaces in the raw output show it.
    let idle = null;
    if (after !== null && scale.idleWeighMs > 0) {
      await sleep(scale.idleWeighMs);
      idle = await ctx.serverMemory(server).catch(() => null);
    }
    return { result, before, after, idle };
  });
  // A failed run at this size (the server did not even answer) says as much as a timeout.
  if (run === null) markTimedOut(target, clients);
  return run;
}

/** Join storms: every size, every target, `ctx.reps` times, alternating the targets. */
export async function runStorms(ctx) {
  const { scale } = ctx;
  for (let rep = 0; rep < ctx.reps; rep++) {
    for (const clients of scale.stormSizes) {
      for (const target of rotate(ctx.targets, rep)) {
        if (!worthTrying(ctx, target, clients, 'join storm') || !ctx.fits(`storm-${target.key}-${clients}`)) continue;
        const run = await ctx.timed(`storm-${target.key}-${clients}`, () => loginAndWeigh(ctx, target, clients, 0, scale.stormTimeoutMs));
        if (run === null) continue;
        const { result, before, after, idle } = run;
        if (result.timedOut) markTimedOut(target, clients);
        ctx.raw.push({ rep, target: target.key, scenario: 'storm', clients, result, memory: { before, after, idle } });
        ctx.recordStorm(target, clients, result, before, after, scale.stormTimeoutMs, idle);
        ctx.log(
          `[${rep + 1}/${ctx.reps}] ${target.label.padEnd(24)} join storm ${String(clients).padStart(5)}: ` +
            (result.timedOut ? `TIMED OUT with ${result.ready} acked` : `all acked in ${short(result.allReadyMs)} ms`) +
            (result.failed || result.unexpectedCloses ? ` (${result.failed} failed, ${result.unexpectedCloses} closed by the server)` : '') +
            `, ${short(result.frames)} frames ${short(result.bytes / 1e6)} MB, server CPU ${short(result.serverCpuMs ? result.serverCpuMs.user + result.serverCpuMs.system : null)} ms; ` +
            `RSS +${short(perConnectionKb(before, after, 'rss', clients))} KB/conn (idle ${short(perConnectionKb(before, idle, 'rss', clients))}) heap +${short(perConnectionKb(before, after, 'heapUsed', clients))} KB/conn`,
        );
      }
    }
  }
}

/**
 * Memory per idle logged-in connection, on a fresh process: clients arrive in calm waves
 * (`scale.memoryWave` at a time, each wave acked before the next), then the server is weighed
 * after GC. "After a storm" comes from the storm section for its sizes; sizes it did not run
 * get a storm of their own here.
 */
export async function runMemory(ctx, stormRan) {
  const { scale } = ctx;
  for (let rep = 0; rep < scale.memoryReps; rep++) {
    for (const clients of scale.memorySizes) {
      for (const target of rotate(ctx.targets, rep)) {
        const kinds = [['fresh', scale.memoryWave]];
        if (!stormRan || !scale.stormSizes.includes(clients)) kinds.push(['storm', 0]);
        for (const [kind, concurrency] of kinds) {
          const key = `memory-${kind}-${target.key}-${clients}`;
          if (!worthTrying(ctx, target, clients, kind === 'fresh' ? 'calm arrival' : 'join storm') || !ctx.fits(key)) continue;
          const run = await ctx.timed(key, () => loginAndWeigh(ctx, target, clients, concurrency, scale.memoryTimeoutMs));
          if (run === null) continue;
          const { result, before, after, idle } = run;
          if (result.timedOut) markTimedOut(target, clients);
          ctx.raw.push({ rep, target: target.key, scenario: `memory-${kind}`, clients, result, memory: { before, after, idle } });
          if (kind === 'storm') ctx.recordStorm(target, clients, result, before, after, scale.memoryTimeoutMs, idle);
          else if (after === null) {
            // Noted by loginAndWeigh.
          } else if (result.unexpectedCloses > 0) {
            ctx.notes.push(`${target.label}: calm arrival of ${clients}: ${result.unexpectedCloses} connections closed by the server: no memory figure`);
          } else if (!result.timedOut && result.failed === 0) {
            ctx.record(`mem.fresh.${clients}.heap`, target.key, perConnectionKb(before, after, 'heapUsed', clients));
            ctx.record(`mem.fresh.${clients}.rss`, target.key, perConnectionKb(before, after, 'rss', clients));
            ctx.record(`mem.fresh.${clients}.rssIdle`, target.key, perConnectionKb(before, idle, 'rss', clients));
            ctx.record(`mem.base.rss`, target.key, before.rss / 2 ** 20);
          } else {
            ctx.notes.push(
              `${target.label}: calm arrival of ${clients} not complete within ${scale.memoryTimeoutMs / 1000} s ` +
                `(${result.ready} logged in${result.failed ? `, ${result.failed} failed ${result.failures.join('; ')}` : ''}): no memory figure`,
            );
          }
          ctx.log(
            `[${rep + 1}/${scale.memoryReps}] ${target.label.padEnd(24)} memory ${kind.padEnd(5)} ${String(clients).padStart(5)}: ` +
              `${result.timedOut ? `TIMED OUT with ${result.ready} logged in; ` : `all in ${short(result.allReadyMs)} ms; `}` +
              (result.failed || result.unexpectedCloses ? `${result.failed} failed, ${result.unexpectedCloses} closed by the server; ` : '') +
              `RSS +${short(perConnectionKb(before, after, 'rss', clients))} KB/conn (idle ${short(perConnectionKb(before, idle, 'rss', clients))}) heap +${short(perConnectionKb(before, after, 'heapUsed', clients))} KB/conn`,
          );
        }
      }
    }
  }
}

/**
 * One room of `scale.bigRoom` logged-in connections on one process: the time until every
 * reader has a message (p50/p99 over `scale.bigRoomMessages` single messages), per-delivery
 * latency, the server's memory, and its idle CPU over `scale.idleCpuMs` (heartbeats only).
 */
export async function runBigRoom(ctx) {
  const { scale } = ctx;
  const n = scale.bigRoom;
  for (let rep = 0; rep < scale.bigRoomReps; rep++) {
    for (const target of rotate(ctx.targets, rep)) {
      const key = `bigroom-${target.key}`;
      // Chatterbox's rows are what this section is for (issue #15): always attempted, within
      // `bigRoomConnectTimeoutMs`, so that the report says how far its logins got.
      if (!target.server.startsWith('chatterbox') && !worthTrying(ctx, target, n, 'room')) continue;
      if (!ctx.fits(key)) continue;
      await ctx.timed(key, () =>
        onFreshServer(ctx, target, `room of ${n}`, async (server) => {
          const before = await ctx.serverMemory(server);
          const result = await ctx.generator.request({
            type: 'broadcast',
            port: server.port,
            serverPid: server.pid,
            readers: n,
            batch: target.batch,
            readyOn: target.readyOn,
            msgBytes: scale.msgBytes,
            connectConcurrency: scale.memoryWave,
            connectTimeoutMs: 60_000,
            openDeadline: Date.now() + scale.bigRoomConnectTimeoutMs,
            handshakeTimeoutMs: scale.bigRoomConnectTimeoutMs,
            settleMs: 30_000,
            messages: scale.bigRoomMessages,
            messageTimeoutMs: 10_000,
            gapMs: scale.bigRoomGapMs,
          });
          const after = await ctx.serverMemory(server);
          // Idle: nothing is sent; only Engine.IO heartbeats (and the server's own timers) run.
          const cpu0 = await ctx.serverCpu(server);
          await sleep(scale.idleCpuMs);
          const cpu1 = await ctx.serverCpu(server);
          const idleCpu = (100 * (cpu1.user - cpu0.user + cpu1.system - cpu0.system)) / 1000 / (cpu1.uptimeMs - cpu0.uptimeMs);
          ctx.raw.push({ rep, target: target.key, scenario: 'bigroom', readers: n, result, memory: { before, after }, cpu: { cpu0, cpu1 } });
          const allMs = result.perMessage.map((m) => m.allMs);
          const missed = result.perMessage.filter((m) => m.allMs === null).length;
          if (missed > 0) ctx.notes.push(`${target.label}: room of ${n}: ${missed} of ${result.perMessage.length} messages did not reach every reader within 10 s`);
          if (result.unexpectedCloses > 0) ctx.notes.push(`${target.label}: room of ${n}: ${result.unexpectedCloses} connections closed by the server`);
          if (!result.settled) ctx.notes.push(`${target.label}: room of ${n}: the server was still busy 30 s after the last login`);
          const row = (name) => `big.${name}`;
          ctx.record(row('connect'), target.key, result.connectMs / 1000);
          ctx.record(row('allP50'), target.key, quantile(allMs, 0.5));
          ctx.record(row('allP99'), target.key, quantile(allMs, 0.99));
          ctx.record(row('delP50'), target.key, result.deliveries.p50);
          ctx.record(row('delP99'), target.key, result.deliveries.p99);
          ctx.record(row('rss'), target.key, after.rss / 2 ** 20);
          ctx.record(row('heap'), target.key, after.heapUsed / 2 ** 20);
          ctx.record(row('rssPerConn'), target.key, perConnectionKb(before, after, 'rss', n + 1));
          ctx.record(row('idleCpu'), target.key, idleCpu);
          ctx.log(
            `[${rep + 1}/${scale.bigRoomReps}] ${target.label.padEnd(24)} room of ${n}: logged in in ${short(result.connectMs / 1000)} s, ` +
              `all have a message p50 ${short(quantile(allMs, 0.5))} p99 ${short(quantile(allMs, 0.99))} ms, ` +
              `RSS ${short(after.rss / 2 ** 20)} MB, idle CPU ${short(idleCpu)} %`,
          );
        }),
      );
    }
  }
}

/** The table rows of these sections, for report.mjs's renderTable. */
export function scaleRows(scale, sections) {
  const rows = [];
  if (sections.has('storm') || sections.has('memory')) {
    const sizes = [...new Set([...(sections.has('storm') ? scale.stormSizes : []), ...(sections.has('memory') ? scale.memorySizes : [])])].sort((a, b) => a - b);
    for (const n of sizes) {
      const section = `Join storm, ${n.toLocaleString('en')} clients connect and log in at once (fresh server)`;
      rows.push(
        { section, key: `storm.${n}.ready`, label: 'until all acked (session / login / connect) ms' },
        { section, key: `storm.${n}.frames`, label: 'frames received, all clients' },
        { section, key: `storm.${n}.bytes`, label: 'MB received, all clients' },
        { section, key: `storm.${n}.presenceFrames`, label: 'presence frames (enter/users/exit, user joined/left)', ratio: false },
        { section, key: `storm.${n}.presenceBytes`, label: 'presence MB', ratio: false },
        { section, key: `storm.${n}.srvCpu`, label: 'server CPU ms' },
        { section, key: `storm.${n}.genCpu`, label: 'generator CPU ms' },
      );
    }
    for (const n of sizes) {
      const section = `Memory per idle logged-in connection, ${n.toLocaleString('en')} clients (after GC, minus the empty server)`;
      rows.push(
        { section, key: `mem.fresh.${n}.rss`, label: `RSS KB, calm arrival (waves of ${scale.memoryWave})` },
        { section, key: `mem.fresh.${n}.heap`, label: 'heap KB, calm arrival' },
        { section, key: `mem.fresh.${n}.rssIdle`, label: `… RSS KB once idle (${scale.idleWeighMs / 1000} s later)` },
        { section, key: `mem.storm.${n}.rss`, label: 'RSS KB, after a join storm' },
        { section, key: `mem.storm.${n}.heap`, label: 'heap KB, after a join storm' },
        { section, key: `mem.storm.${n}.rssIdle`, label: `… RSS KB once idle (${scale.idleWeighMs / 1000} s later)` },
      );
    }
    rows.push({ section: 'Empty server', key: 'mem.base.rss', label: 'RSS MB before any client' });
  }
  if (sections.has('fanout10k')) {
    const section = `One room of ${scale.bigRoom.toLocaleString('en')} logged-in connections on one process`;
    rows.push(
      { section, key: 'big.connect', label: `connect and log in all (waves of ${scale.memoryWave}) s` },
      { section, key: 'big.allP50', label: `one message until every reader has it, p50 ms (${scale.bigRoomMessages} messages)` },
      { section, key: 'big.allP99', label: '… p99 ms' },
      { section, key: 'big.delP50', label: 'per-delivery latency p50 ms' },
      { section, key: 'big.delP99', label: 'per-delivery latency p99 ms' },
      { section, key: 'big.rss', label: 'server RSS MB' },
      { section, key: 'big.heap', label: 'server heap used MB' },
      { section, key: 'big.rssPerConn', label: 'RSS KB per connection' },
      { section, key: 'big.idleCpu', label: `idle CPU % of a core (${scale.idleCpuMs / 1000} s, heartbeats only)` },
    );
  }
  return rows;
}
