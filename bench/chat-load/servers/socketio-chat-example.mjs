/**
 * A peer that behaves like Socket.IO's own `examples/chat` (written here from its documented
 * behaviour, not copied): what people would otherwise run for a quick group chat.
 *
 * - A user logs in with `add user` (the example's event) or, so that the same generator clients
 *   can drive it, with `auth.nick` in the namespace handshake; either way once per socket.
 * - The newcomer gets `login { numUsers }`; everyone else gets `user joined { username, numUsers }`
 *   (every login announced to every socket: presence is quadratic, as in the example).
 * - `new message` is broadcast to everyone else as `{ username, message }`; `chat` is the same
 *   with the generator's payload (`{ m }` → `{ u, m, id, ts }`) and an ack, so that fan-out can be
 *   measured with the same tags as for the other servers.
 * - A logged-in user leaving is announced with `user left { username, numUsers }`.
 *
 * The typing indicators of the example are left out: the generator never sends them.
 */
import http from 'node:http';
import { Server } from 'socket.io';
import { exitWithRunner, handleBenchRequest, listenForBench } from './bench-endpoint.mjs';

const server = http.createServer((req, res) => {
  if (!handleBenchRequest(req, res)) res.writeHead(404).end();
});
const io = new Server(server, { serveClient: false });
const nsp = io.of('/chat');
let numUsers = 0;
let lastId = 0;

nsp.on('connection', (socket) => {
  const nick = socket.handshake.auth?.nick;
  if (typeof nick === 'string') addUser(socket, nick);
  socket.on('add user', (username) => addUser(socket, String(username)));

  socket.on('new message', (message) => {
    if (socket.data.username === undefined) return;
    socket.broadcast.emit('new message', { username: socket.data.username, message });
  });

  socket.on('chat', (message, ack) => {
    const m = typeof message === 'string' ? message : message?.m;
    const id = ++lastId;
    if (typeof ack === 'function') ack({ ok: true, id });
    socket.broadcast.emit('chat', { u: socket.data.username ?? 'anonymous', m, id, ts: Date.now() });
  });

  socket.on('disconnect', () => {
    if (socket.data.username === undefined) return;
    numUsers--;
    socket.broadcast.emit('user left', { username: socket.data.username, numUsers });
  });
});

/** Logs `socket` in once: the count to the newcomer, the newcomer to everyone else. */
function addUser(socket, username) {
  if (socket.data.username !== undefined) return;
  socket.data.username = username;
  numUsers++;
  socket.emit('login', { numUsers });
  socket.broadcast.emit('user joined', { username, numUsers });
}

listenForBench(server, 'no-storage');
exitWithRunner();
