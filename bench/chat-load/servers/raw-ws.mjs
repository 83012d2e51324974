/**
 * The reference limit of Node here: a bare `ws` server that speaks just enough Engine.IO v4 /
 * Socket.IO v5 (the open packet, the namespace CONNECT, acks) for the same generator, and
 * rebroadcasts each chat event as one frame encoded once for all sockets.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { Sender, WebSocket, WebSocketServer } from 'ws';
import { exitWithRunner, handleBenchRequest, listenForBench } from './bench-endpoint.mjs';

const CONNECT_PREFIX = '40/chat,';
const EVENT_PREFIX = '42/chat,';
const FRAME_OPTIONS = { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false };

const server = http.createServer((req, res) => {
  if (!handleBenchRequest(req, res)) res.writeHead(404).end();
});
const wss = new WebSocketServer({ server, path: '/socket.io/', perMessageDeflate: false, clientTracking: false });
/** Sockets that joined the namespace, and their nicknames. */
const members = new Map();
let lastId = 0;

wss.on('connection', (ws) => {
  const sid = randomBytes(15).toString('base64url');
  ws.send(`0${JSON.stringify({ sid, upgrades: [], pingInterval: 25000, pingTimeout: 20000, maxPayload: 1000000 })}`);
  ws.on('message', (data) => {
    const text = data.toString();
    if (text.startsWith(EVENT_PREFIX)) onEvent(ws, text);
    else if (text.startsWith(CONNECT_PREFIX) || text === '40/chat') onConnect(ws, text, sid);
  });
  ws.on('close', () => members.delete(ws));
  ws.on('error', () => members.delete(ws));
});

function onConnect(ws, text, sid) {
  let nick = 'anonymous';
  try {
    const auth = JSON.parse(text.slice(CONNECT_PREFIX.length) || '{}');
    if (typeof auth?.nick === 'string') nick = auth.nick;
  } catch {
    // No usable auth: an anonymous reader, as Socket.IO would accept.
  }
  members.set(ws, nick);
  ws.send(`${CONNECT_PREFIX}{"sid":"${sid}"}`);
}

function onEvent(ws, text) {
  let at = EVENT_PREFIX.length;
  while (text.charCodeAt(at) >= 48 && text.charCodeAt(at) <= 57) at++;
  const ackId = text.slice(EVENT_PREFIX.length, at);
  let event;
  try {
    event = JSON.parse(text.slice(at));
  } catch {
    return;
  }
  if (!Array.isArray(event) || event[0] !== 'chat') return;
  const m = typeof event[1] === 'string' ? event[1] : event[1]?.m;
  const id = ++lastId;
  if (ackId !== '') ws.send(`43/chat,${ackId}[{"ok":true,"id":${id}}]`);
  const line = `${EVENT_PREFIX}["chat",${JSON.stringify({ u: members.get(ws) ?? 'anonymous', m, id, ts: Date.now() })}]`;
  const frame = Sender.frame(Buffer.from(line), FRAME_OPTIONS);
  for (const member of members.keys()) {
    if (member.readyState === WebSocket.OPEN) member._sender.sendFrame(frame);
  }
}

listenForBench(server, 'no-storage');
exitWithRunner();
