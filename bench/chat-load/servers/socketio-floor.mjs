// The floor of what Socket.IO costs: a namespace that rebroadcasts every chat event, nothing else.
import http from 'node:http';
import { Server } from 'socket.io';
import { exitWithRunner, handleBenchRequest, listenForBench } from './bench-endpoint.mjs';

const server = http.createServer((req, res) => {
  if (!handleBenchRequest(req, res)) res.writeHead(404).end();
});
const io = new Server(server, { serveClient: false });
const nsp = io.of('/chat');
let lastId = 0;

nsp.on('connection', (socket) => {
  const u = String(socket.handshake.auth?.nick ?? 'anonymous');
  socket.on('chat', (message, ack) => {
    const m = typeof message === 'string' ? message : message?.m;
    const id = ++lastId;
    if (typeof ack === 'function') ack({ ok: true, id });
    nsp.emit('chat', { u, m, id, ts: Date.now() });
  });
});

listenForBench(server, 'no-storage');
exitWithRunner();
