/**
 * The load generator: a child process (pinned to its own core by the runner) of bare `ws`
 * clients speaking the Socket.IO wire protocol, driven over IPC one command at a time:
 * `fanout` (readers + senders at a fixed rate, then optionally a saturation ramp), `storm`
 * (clients connect and log in at once, or in paced waves; they stay open for a memory reading),
 * `broadcast` (a big room: N logged-in readers, one sender, single messages timed until every
 * reader has them; the clients stay open for memory and idle-CPU readings) and `close`.
 *
 * `readyOn` says when a client counts as logged in: `connect` (the namespace CONNECT), or the
 * name of an event the server sends on login (`session` for Chatterbox, whose `nick: null`
 * means refused; `login` for the Socket.IO chat example).
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { LatencyHistogram } from './latency-histogram.mjs';
import { coreTicks, coreUse, cpuDelta, ownCpuMs, processCpuMs } from './proc-cpu.mjs';
import { readNumber, SEND_TIME_TAG, WireClient, eventName, frameKind, isChatFrame, wireBytes } from './wire-client.mjs';

const OK_TRUE = Buffer.from('"ok":true');
const NICK_NULL = Buffer.from('"nick":null');
const READER = 1;
const SENDER = 2;
const now = () => performance.now();

/** Clients a `storm` leaves open until `close`. */
let heldClients = [];
let runCounter = 0;

// ---------------------------------------------------------------------------------------------
// Shared pieces

/** Resolves when `predicate()` holds or `timeoutMs` has passed; resolves to whether it holds. */
async function until(predicate, timeoutMs, pollMs = 5) {
  const end = now() + timeoutMs;
  while (!predicate()) {
    if (now() >= end) return false;
    await sleep(pollMs);
  }
  return true;
}

/**
 * Waits until every process in `pids` has been nearly idle (under 10 % of a core) for 200 ms,
 * so that one server's backlog never runs into the next measurement. Gives up after `maxMs`.
 */
async function waitIdle(pids, maxMs = 5000) {
  const end = now() + maxMs;
  const total = () => pids.reduce((sum, pid) => {
    const cpu = processCpuMs(pid);
    return cpu === null ? sum : sum + cpu.user + cpu.system;
  }, 0);
  let before = total();
  while (now() < end) {
    await sleep(200);
    const after = total();
    if (after - before <= 20) return true;
    before = after;
  }
  return false;
}

/** True when a login answer says no: only Chatterbox's `session` can (`"nick":null`). */
function isRefusal(readyOn, data) {
  return readyOn === 'session' && data.indexOf(NICK_NULL) >= 0;
}

function cpuPercent(delta, ms) {
  if (delta === null || ms <= 0) return null;
  return { user: (100 * delta.user) / ms, system: (100 * delta.system) / ms, total: (100 * (delta.user + delta.system)) / ms };
}

/** Filler that brings each message to `bytes`, a typical chat line's length. */
function padding(bytes) {
  const tagLength = 't:12345.678:9:3:99999'.length;
  const words = ' the quick brown fox jumps over the lazy dog';
  let pad = '';
  while (pad.length < bytes - tagLength) pad += words;
  return pad.slice(0, Math.max(0, bytes - tagLength));
}

// ---------------------------------------------------------------------------------------------
// Fan-out and saturation

export class FanoutRun {
  constructor(cmd) {
    this.cmd = cmd;
    this.readyOn = cmd.readyOn;
    const maxReaders = Math.max(...cmd.sizes);
    this.S = cmd.senders;
    this.readers = [];
    this.senders = [];
    this.readyCount = 0;
    this.failures = [];
    this.failureCount = 0;
    this.closing = false;
    this.unexpectedCloses = 0;
    this.step = -1;
    this.delivered = 0;
    this.stale = 0;
    this.reordered = 0;
    this.gaps = 0;
    this.lastSeq = new Int32Array(maxReaders * this.S).fill(-1);
    this.nextSeq = new Int32Array(this.S);
    this.hist = new LatencyHistogram();
    this.lastDeliveryAt = 0;
    this.acked = 0;
    this.refused = 0;
    this.refusals = new Map();
    this.nextAckId = 1;
    this.pad = padding(cmd.msgBytes);
    this.run = ++runCounter;
  }

  // -- sink
  event(client, data) {
    if (client.role === READER && isChatFrame(data)) {
      this.onChat(client.index, data);
      return;
    }
    if (!client.ready && this.readyOn !== 'connect' && !isChatFrame(data) && eventName(data) === this.readyOn) {
      if (client.role === SENDER && isRefusal(this.readyOn, data)) this.failed(client, `login refused: ${data.toString()}`);
      else this.markReady(client);
    }
  }

  ack(_client, data) {
    if (data.indexOf(OK_TRUE) >= 0) {
      this.acked++;
      return;
    }
    this.refused++;
    const text = data.toString();
    const code = /"code":"([A-Z_]+)"/.exec(text)?.[1] ?? text.slice(0, 80);
    this.refusals.set(code, (this.refusals.get(code) ?? 0) + 1);
  }

  connected(client) {
    if (this.readyOn === 'connect') this.markReady(client);
  }

  failed(client, reason) {
    this.failureCount++;
    if (this.failures.length < 5) this.failures.push(`${client.role === READER ? 'reader' : 'sender'} ${client.index}: ${reason}`);
  }

  closed() {
    if (!this.closing) this.unexpectedCloses++;
  }

  markReady(client) {
    client.ready = true;
    this.readyCount++;
  }

  onChat(reader, data) {
    const t = now();
    const S = this.S;
    const cursor = { at: 0 };
    while ((cursor.at = data.indexOf(SEND_TIME_TAG, cursor.at)) !== -1) {
      cursor.at += SEND_TIME_TAG.length;
      // `t:<send time>:<step>:<sender>:<seq>`
      const sentAt = readNumber(data, cursor);
      const step = readNumber(data, cursor);
      const sender = readNumber(data, cursor);
      const seq = readNumber(data, cursor);
      if (sender >= S) continue;
      const key = reader * S + sender;
      const last = this.lastSeq[key];
      if (seq <= last) this.reordered++;
      else {
        if (seq > last + 1) this.gaps += seq - last - 1;
        this.lastSeq[key] = seq;
      }
      if (step !== this.step) {
        this.stale++;
        continue;
      }
      this.delivered++;
      this.lastDeliveryAt = t;
      this.hist.record(t - sentAt);
    }
  }

  // -- phases
  /** Connects clients of `role` until there are `count`, `concurrency` at a time. */
  async open(role, count, auth, concurrency) {
    const list = role === READER ? this.readers : this.senders;
    const opened = now();
    for (let first = list.length; first < count; first += concurrency) {
      const target = this.readyCount + Math.min(concurrency, count - first);
      for (let i = first; i < Math.min(count, first + concurrency); i++) {
        const client = new WireClient(this.cmd.port, auth(i), this, i, this.cmd.handshakeTimeoutMs ? { handshakeTimeout: this.cmd.handshakeTimeoutMs } : undefined);
        client.role = role;
        list.push(client);
      }
      // `openDeadline` (epoch ms, optional) bounds the whole opening, not just one wave.
      const waveMs = Math.min(this.cmd.connectTimeoutMs, (this.cmd.openDeadline ?? Infinity) - Date.now());
      const ok = await until(() => this.readyCount >= target || this.failureCount > 0, Math.max(0, waveMs), 10);
      if (!ok || this.failureCount > 0) {
        throw new Error(
          `${this.readyCount} of ${target} clients ready` +
            (this.failureCount > 0 ? `, ${this.failureCount} failed` : `, timed out after ${Math.round(now() - opened)} ms`) +
            (this.failures.length ? `; ${this.failures.join('; ')}` : ''),
        );
      }
    }
  }

  /** Sends `rate` messages/s round-robin over the senders for `durationMs`, open loop. */
  sendFor(step, rate, durationMs) {
    const total = Math.max(1, Math.round((rate * durationMs) / 1000));
    const t0 = now();
    let sent = 0;
    return new Promise((resolve) => {
      const tick = () => {
        const due = Math.min(total, Math.floor(((now() - t0) * rate) / 1000) + 1);
        while (sent < due) {
          const sender = sent % this.S;
          const seq = this.nextSeq[sender]++;
          const text = `t:${now().toFixed(3)}:${step}:${sender}:${seq}${this.pad}`;
          this.senders[sender].send(`42/chat,${this.nextAckId++}["chat",{"m":"${text}"}]`);
          sent++;
        }
        if (sent >= total) resolve(sent);
        else setTimeout(tick, 1);
      };
      tick();
    });
  }

  /** One measured interval at `rate`: send, wait for every delivery (or `drainMs`), summarise. */
  async measure(rate, durationMs, drainMs) {
    this.step++;
    this.delivered = 0;
    this.hist.reset();
    const gapsBefore = this.gaps;
    const refusedBefore = this.refused;
    const serverPid = this.cmd.serverPid;
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    const gen0 = ownCpuMs();
    const srv0 = processCpuMs(serverPid);
    const cores0 = coreTicks();
    const t0 = now();
    const sent = await this.sendFor(this.step, rate, durationMs);
    const tSent = now();
    const genSent = ownCpuMs();
    const srvSent = processCpuMs(serverPid);
    const coresSent = coreTicks();
    loopDelay.disable();
    const expected = sent * this.readers.length;
    await until(() => this.delivered >= expected, drainMs);
    const tEnd = now();
    const genEnd = ownCpuMs();
    const srvEnd = processCpuMs(serverPid);
    const sendMs = tSent - t0;
    // Deliveries per second over the longer of the time they took and the time the offer spanned.
    const deliveryMs = Math.max(Math.max(this.lastDeliveryAt, tSent) - t0, (1000 * sent) / rate);
    const latency = this.hist.summary();
    const serverAll = cpuDelta(srv0, srvEnd);
    return {
      rate,
      sent,
      expected,
      delivered: this.delivered,
      lost: expected - this.delivered,
      gaps: this.gaps - gapsBefore,
      refused: this.refused - refusedBefore,
      sendMs,
      drainMs: tEnd - tSent,
      deliveredPerSec: this.delivered / (deliveryMs / 1000),
      offeredPerSec: rate * this.readers.length,
      ...latency,
      serverCpu: cpuPercent(cpuDelta(srv0, srvSent), sendMs),
      generatorCpu: cpuPercent(cpuDelta(gen0, genSent), sendMs),
      serverCpuTillDrained: cpuPercent(serverAll, tEnd - t0),
      generatorCpuTillDrained: cpuPercent(cpuDelta(gen0, genEnd), tEnd - t0),
      serverCore: coreUse(cores0, coresSent, this.cmd.serverCore),
      generatorCore: coreUse(cores0, coresSent, this.cmd.generatorCore),
      generatorLoopDelayP99: loopDelay.percentile(99) / 1e6,
      generatorLoopDelayMax: loopDelay.max / 1e6,
      serverUsPerDelivery: serverAll && this.delivered > 0 ? (1000 * (serverAll.user + serverAll.system)) / this.delivered : null,
    };
  }

  /**
   * Raises the rate by `sat.factor` per step until a step fails, then tries once between the
   * best passing rate and the failing one. If the very first step fails, steps down instead.
   */
  async ramp(sat, deadline) {
    const steps = [];
    let rate = sat.startRate;
    let best = null;
    let lowestFail = null;
    let refined = false;
    let stopReason = 'max steps';
    const failReason = (step) =>
      step.lost > 0 ? 'loss' : step.refused > 0 ? 'refused' : step.p99 === null || step.p99 > sat.p99LimitMs ? 'p99' : 'fell behind';
    for (let i = 0; i < sat.maxSteps; i++) {
      if (Date.now() + sat.stepMs + sat.drainMs > deadline) {
        stopReason = 'time budget';
        break;
      }
      // After a passing step everything was delivered; after a failing one the server may still be writing.
      if (steps.length > 0 && !steps[steps.length - 1].pass) await waitIdle(this.cmd.quietPids, 3000);
      const step = await this.measure(rate, sat.stepMs, sat.drainMs);
      // Short steps hide a slowly growing backlog from p99: also require the deliveries to keep pace.
      step.keptUp = step.deliveredPerSec / step.offeredPerSec;
      step.pass =
        step.lost === 0 && step.refused === 0 && step.p99 !== null && step.p99 <= sat.p99LimitMs && step.keptUp >= sat.minKeptUp;
      steps.push(step);
      if (step.pass) {
        if (best === null || step.deliveredPerSec > best.deliveredPerSec) best = step;
      } else if (lowestFail === null || rate < lowestFail.rate) {
        lowestFail = step;
        stopReason = failReason(step);
      }
      if (lowestFail === null) {
        rate = Math.round(rate * sat.factor);
        continue;
      }
      if (best === null) {
        // Not even the first rate held: step down until one does.
        rate = Math.floor(rate / sat.factor);
        if (rate < sat.minRate) break;
        continue;
      }
      const between = Math.round(Math.sqrt(best.rate * lowestFail.rate));
      if (!sat.refine || refined || between <= best.rate || between >= lowestFail.rate) break;
      refined = true;
      rate = between;
    }
    // A failed step can leave the server writing for seconds; let it finish before anyone measures.
    await waitIdle(this.cmd.quietPids, 10_000);
    // Latency under load (issue #15: p99 at half of saturation), one more step at half the best rate.
    let half = null;
    if (best !== null && Date.now() + sat.stepMs + sat.drainMs <= deadline) {
      half = await this.measure(Math.max(1, Math.round(best.rate / 2)), sat.stepMs, sat.drainMs);
      await waitIdle(this.cmd.quietPids, 10_000);
    }
    return { best, steps, stopReason, half };
  }

  async close() {
    this.closing = true;
    for (const client of [...this.readers, ...this.senders]) client.terminate();
    await until(() => [...this.readers, ...this.senders].every((client) => client.closed), 5000, 20);
  }
}

async function fanout(cmd) {
  const run = new FanoutRun(cmd);
  // Batch clients are the bundled page's kind: they take presence digests too (issue #15).
  const batch = cmd.batch ? { batch: true, presence: 'digest' } : {};
  const readerAuth = (i) => (cmd.readersLogIn ? { nick: `r${run.run}x${i}`, ...batch } : { ...batch });
  const sizes = [];
  try {
    await run.open(SENDER, cmd.senders, (i) => ({ nick: `s${run.run}x${i}`, ...batch }), cmd.senders);
    // One pool of readers grows from size to size: connecting is the slow part, so it is done once.
    for (const readers of cmd.sizes) {
      if (Date.now() > cmd.deadline) break;
      const t0 = now();
      await run.open(READER, readers, readerAuth, cmd.connectConcurrency);
      const connectMs = now() - t0;
      await waitIdle(cmd.quietPids, 5000);
      // Warm-up at the measured rate: JIT, buffers, and the first history rows are not measured.
      await run.measure(cmd.rate, cmd.warmupMs, cmd.drainMs);
      const fixed = await run.measure(cmd.rate, cmd.windowMs, cmd.drainMs);
      const saturation = cmd.saturation && readers === cmd.saturation.readers ? await run.ramp(cmd.saturation, cmd.deadline) : null;
      sizes.push({ readers, connectMs, fixed, saturation });
    }
    return {
      sizes,
      acked: run.acked,
      refused: run.refused,
      refusals: Object.fromEntries(run.refusals),
      reordered: run.reordered,
      unexpectedCloses: run.unexpectedCloses,
    };
  } finally {
    await run.close();
    globalThis.gc?.();
  }
}

// ---------------------------------------------------------------------------------------------
// Join storm

class StormRun {
  constructor(cmd) {
    this.cmd = cmd;
    this.readyOn = cmd.readyOn;
    this.readyCount = 0;
    this.lastReadyAt = 0;
    this.failures = [];
    this.failureCount = 0;
    this.frames = 0;
    this.bytes = 0;
    this.kinds = new Map();
    this.lastFrameAt = 0;
    this.closing = false;
    this.unexpectedCloses = 0;
  }

  frame(_client, data) {
    const bytes = wireBytes(data.length);
    this.frames++;
    this.bytes += bytes;
    const kind = frameKind(data);
    const entry = this.kinds.get(kind);
    if (entry === undefined) this.kinds.set(kind, { frames: 1, bytes });
    else {
      entry.frames++;
      entry.bytes += bytes;
    }
    this.lastFrameAt = now();
  }

  event(client, data) {
    if (client.ready || this.readyOn === 'connect' || eventName(data) !== this.readyOn) return;
    if (isRefusal(this.readyOn, data)) this.failed(client, `login refused: ${data.toString()}`);
    else this.markReady(client);
  }

  ack() {}

  connected(client) {
    if (this.readyOn === 'connect') this.markReady(client);
  }

  failed(client, reason) {
    this.failureCount++;
    if (this.failures.length < 5) this.failures.push(`client ${client.index}: ${reason}`);
  }

  closed() {
    if (!this.closing) this.unexpectedCloses++;
  }

  markReady(client) {
    client.ready = true;
    this.readyCount++;
    this.lastReadyAt = now();
  }
}

async function storm(cmd) {
  await closeHeld();
  const run = new StormRun(cmd);
  const tag = ++runCounter;
  // Batch clients are the bundled page's kind: they also take presence digests (issue #15).
  const batch = cmd.batch ? { batch: true, presence: 'digest' } : {};
  const gen0 = ownCpuMs();
  const srv0 = processCpuMs(cmd.serverPid);
  const t0 = now();
  // All at once (a storm), or in waves of `concurrency` each waited for (a calm arrival).
  const wave = cmd.concurrency > 0 ? cmd.concurrency : cmd.clients;
  // A busy server upgrades late: the WebSocket handshake may take as long as the whole storm
  // (ws's own 30 s would turn a slow storm into failed clients instead of a long time).
  const wsOptions = { handshakeTimeout: cmd.timeoutMs };
  let allReady = true;
  let createdMs = 0;
  for (let first = 0; first < cmd.clients && allReady; first += wave) {
    const last = Math.min(cmd.clients, first + wave);
    for (let i = first; i < last; i++) {
      heldClients.push(new WireClient(cmd.port, { nick: `j${tag}x${i}`, ...batch }, run, i, wsOptions));
    }
    createdMs = now() - t0;
    const remaining = Math.max(0, t0 + cmd.timeoutMs - now());
    allReady = await until(() => run.readyCount + run.failureCount >= last, remaining, 10);
  }
  // Presence keeps flowing after the last `session`: wait until nothing has arrived for quietMs.
  await until(() => now() - run.lastFrameAt >= cmd.quietMs, Math.max(0, t0 + cmd.timeoutMs - now()), 20);
  const tQuiet = now();
  const genCpu = cpuDelta(gen0, ownCpuMs());
  const srvCpu = cpuDelta(srv0, processCpuMs(cmd.serverPid));
  run.closing = true;
  return {
    clients: cmd.clients,
    ready: run.readyCount,
    failed: run.failureCount,
    failures: run.failures,
    timedOut: !allReady,
    createdMs,
    allReadyMs: run.lastReadyAt - t0,
    quietMs: run.lastFrameAt - t0,
    frames: run.frames,
    bytes: run.bytes,
    kinds: Object.fromEntries(run.kinds),
    serverCpuMs: srvCpu,
    generatorCpuMs: genCpu,
    elapsedMs: tQuiet - t0,
    unexpectedCloses: run.unexpectedCloses,
  };
}

// ---------------------------------------------------------------------------------------------
// A big room: one message at a time to N logged-in readers

/**
 * Opens one sender and `readers` readers, all logged in (waves of `connectConcurrency`), waits
 * until the server is idle (presence has settled), then sends `messages` single messages
 * `gapMs` apart and times each until every reader has it. The clients stay in `heldClients`
 * for the runner's memory and idle-CPU readings until `close`.
 */
async function broadcast(cmd) {
  await closeHeld();
  const run = new FanoutRun({ ...cmd, sizes: [cmd.readers], senders: 1 });
  // As in the storm: batch clients are the page's kind, with presence digests.
  const batch = cmd.batch ? { batch: true, presence: 'digest' } : {};
  const t0 = now();
  try {
    await run.open(SENDER, 1, () => ({ nick: `b${run.run}s`, ...batch }), 1);
    await run.open(READER, cmd.readers, (i) => ({ nick: `b${run.run}x${i}`, ...batch }), cmd.connectConcurrency);
  } finally {
    heldClients.push(...run.senders, ...run.readers);
  }
  const connectMs = now() - t0;
  const settled = await waitIdle([cmd.serverPid], cmd.settleMs);
  const settleMs = now() - t0 - connectMs;
  const perMessage = [];
  // One histogram over every delivery of every message; measure() is not used, so it is never reset.
  run.hist.reset();
  for (let k = 0; k < cmd.messages; k++) {
    run.step++;
    run.delivered = 0;
    const sentAt = now();
    const text = `t:${sentAt.toFixed(3)}:${run.step}:0:${run.nextSeq[0]++}${run.pad}`;
    run.senders[0].send(`42/chat,${run.nextAckId++}["chat",{"m":"${text}"}]`);
    const all = await until(() => run.delivered >= cmd.readers, cmd.messageTimeoutMs, 1);
    perMessage.push({ allMs: all ? run.lastDeliveryAt - sentAt : null, delivered: run.delivered });
    await sleep(cmd.gapMs);
  }
  run.closing = true;
  return {
    readers: cmd.readers,
    connectMs,
    settled,
    settleMs,
    perMessage,
    deliveries: run.hist.summary(),
    refused: run.refused,
    refusals: Object.fromEntries(run.refusals),
    unexpectedCloses: run.unexpectedCloses,
  };
}

async function closeHeld() {
  const clients = heldClients;
  heldClients = [];
  for (const client of clients) client.terminate();
  await until(() => clients.every((client) => client.closed), 5000, 20);
  globalThis.gc?.();
}

// ---------------------------------------------------------------------------------------------
// IPC

const commands = { fanout, storm, broadcast, close: closeHeld };

// Imported rather than forked (a test of the frame parsing): no IPC to serve.
if (process.send !== undefined) {
  process.on('message', (message) => {
    const command = commands[message.type];
    Promise.resolve()
      .then(() => (command ? command(message) : Promise.reject(new Error(`unknown command ${message.type}`))))
      .then(
        (result) => process.send({ id: message.id, ok: true, result: result ?? null }),
        (error) => process.send({ id: message.id, ok: false, error: String(error?.stack ?? error) }),
      );
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ ready: true, pid: process.pid });
}
