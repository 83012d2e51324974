// Chatterbox as the example app configures it (an Express app, a SQLite history), for the benchmark.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { createChatMiddleware } from '../../../dist/index.js';
import { exitWithRunner, handleBenchRequest, listenForBench } from './bench-endpoint.mjs';
import { BENCH_RATE_LIMIT_OPTIONS } from '../bench-limits.mjs';

const extraOptions = JSON.parse(process.env.BENCH_CHAT_OPTIONS || '{}');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'chatterbox-bench-'));
const sqliteFile = path.join(dataDir, 'bench.sqlite');
process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));

const app = express();
const server = http.createServer(app);
app.get(['/__bench/memory', '/__bench/cpu'], (req, res) => {
  handleBenchRequest(req, res);
});

/** Creates the chat with `history`, or returns the reason it cannot be used. */
async function tryChat(history) {
  let chat;
  try {
    chat = createChatMiddleware({ server, history, ...BENCH_RATE_LIMIT_OPTIONS, ...extraOptions });
    await chat.ready;
    return { chat };
  } catch (error) {
    if (chat) await chat.close().catch(() => undefined);
    return { error };
  }
}

let historyNote = 'sqlite';
let attempt = await tryChat({ sqlite: sqliteFile });
// A mistake in --chat-options must stop the run, not silently change the store being measured.
const historyIsTheProblem = (error) => error?.code === undefined || /history|sqlite/i.test(String(error?.message));
if (attempt.error && !historyIsTheProblem(attempt.error)) throw attempt.error;
if (attempt.error) {
  // SQLite may not be wired yet: measure the memory store and say so in the report.
  const reason = String(attempt.error.message ?? attempt.error).replace(/\s+/g, '_');
  historyNote = `memory(sqlite_unavailable:${reason})`;
  attempt = await tryChat({ memory: true });
  if (attempt.error) throw attempt.error;
}
const { chat } = attempt;
app.use('/chat', chat);
listenForBench(server, historyNote);

exitWithRunner();
