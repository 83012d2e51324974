/**
 * Several chats on one HTTP server: one Socket.IO server (so one Engine.IO) per (HTTP server,
 * path), shared by the chats on that path, and one owner per namespace. Each namespace gets one
 * permanent middleware and one `connection` listener that delegate to whichever chat is bound
 * now, so a closed chat's namespace can be bound again without touching Socket.IO's internals.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { ServerOptions } from 'socket.io';
import { ChatOptionError } from './options';
import type { ChatNamespace, ChatServer, ChatSocket } from './chat/socket-types';

type AllowRequest = (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => void;
type AdapterConstructor = NonNullable<ServerOptions['adapter']>;

/** What one chat puts on a namespace while it is bound. */
export interface NamespaceBinding {
  /** The chat's namespace middleware, run for every connection. */
  use: (socket: ChatSocket, next: (err?: Error) => void) => void;
  /** The chat's `connection` handler. */
  connection: (socket: ChatSocket) => void;
  /** The adapter the namespace must use; the server's when undefined. */
  adapter?: AdapterConstructor | undefined;
}

interface NamespaceSlot {
  nsp: ChatNamespace;
  current: NamespaceBinding | undefined;
}

const slotsByServer = new WeakMap<ChatServer, Map<string, NamespaceSlot>>();

/**
 * Makes `binding` the owner of namespace `name` on `io`; returns the namespace and a function that
 * unbinds it. Throws `CHATTERBOX_DUPLICATE_NAMESPACE` when a chat (or the host's own handlers) has it.
 */
export function bindNamespace(io: ChatServer, name: string, binding: NamespaceBinding): { nsp: ChatNamespace; unbind: () => void } {
  let slots = slotsByServer.get(io);
  if (slots === undefined) {
    slots = new Map();
    slotsByServer.set(io, slots);
  }
  let slot = slots.get(name);
  if (slot?.current !== undefined) throw duplicate(name, 'another chat on the same Socket.IO path');
  const fresh = slot === undefined;
  if (slot === undefined) {
    const nsp = io.of(name);
    if (nsp.listenerCount('connection') > 0) throw duplicate(name, "the host's own connection handlers");
    const created: NamespaceSlot = { nsp, current: undefined };
    nsp.use((socket, next) => {
      if (created.current === undefined) next(new Error('Invalid namespace'));
      else created.current.use(socket, next);
    });
    nsp.on('connection', (socket) => created.current?.connection(socket));
    slots.set(name, created);
    slot = created;
  }
  const { nsp } = slot;
  // A namespace bound before had its adapter closed with its chat; one needing another adapter
  // than the server's (a cluster on a shared path) gets its own.
  const wanted = binding.adapter ?? io.adapter();
  if (wanted !== undefined && (!fresh || wanted !== io.adapter())) {
    const previous = nsp.adapter;
    // The option may be a class or a plain function; Socket.IO itself calls it with `new`.
    nsp.adapter = new (wanted as new (namespace: ChatNamespace) => ChatNamespace['adapter'])(nsp);
    if (fresh) void Promise.resolve(previous.close()).catch(() => undefined);
    void Promise.resolve(nsp.adapter.init()).catch(() => undefined);
  }
  slot.current = binding;
  const bound = slot;
  return {
    nsp,
    unbind: () => {
      if (bound.current === binding) bound.current = undefined;
    },
  };
}

function duplicate(name: string, holder: string): ChatOptionError {
  return new ChatOptionError(
    'CHATTERBOX_DUPLICATE_NAMESPACE',
    `express-chatterbox: the namespace "${name}" is already taken by ${holder}; give each chat its own \`namespace\``,
  );
}

/** What one chat contributes to a Socket.IO server Chatterbox created. */
export interface EngineUser {
  /** Its handshake check (origin, per-address cap); a request is admitted when one chat admits it. */
  allowRequest: AllowRequest;
  /**
   * The largest packet it accepts. Chats sharing an engine share one limit, the largest (each
   * chat still checks its own message length); WebSocket keeps the first chat's.
   */
  maxHttpBufferSize: number;
}

interface SharedEngine {
  io: ChatServer;
  users: EngineUser[];
  detach(): void;
}

const enginesByServer = new WeakMap<HttpServer | HttpsServer, Map<string, SharedEngine>>();

/** A chat's hold on a shared Socket.IO server: `release()` when the chat closes. */
export interface EngineLease {
  io: ChatServer;
  /** True while another chat uses the same engine (the chat then re-checks the origin itself). */
  shared(): boolean;
  /** Gives the engine up; the last chat on it closes the engine and detaches it from the server. */
  release(): void;
}

/**
 * The Socket.IO server for `path` on `server`: the existing one, or one made by `create` (given
 * the engine's shared `allowRequest`) and undone by the `detach` it returns.
 */
export function leaseEngine(
  server: HttpServer | HttpsServer,
  path: string,
  user: EngineUser,
  create: (allowRequest: AllowRequest) => { io: ChatServer; detach(): void },
): EngineLease {
  let engines = enginesByServer.get(server);
  if (engines === undefined) {
    engines = new Map();
    enginesByServer.set(server, engines);
  }
  let engine = engines.get(path);
  if (engine === undefined) {
    const users: EngineUser[] = [];
    const made = create((req, callback) => admit(users, req, callback, 0, undefined));
    engine = { io: made.io, users, detach: () => made.detach() };
    engines.set(path, engine);
  }
  const shared = engine;
  shared.users.push(user);
  const opts = shared.io.engine.opts;
  opts.maxHttpBufferSize = Math.max(opts.maxHttpBufferSize ?? 0, user.maxHttpBufferSize);
  let released = false;
  return {
    io: shared.io,
    shared: () => shared.users.length > 1,
    release: () => {
      if (released) return;
      released = true;
      shared.users.splice(shared.users.indexOf(user), 1);
      if (shared.users.length > 0) return;
      engines.delete(path);
      for (const nsp of slotsOf(shared.io)) void Promise.resolve(nsp.adapter.close()).catch(() => undefined);
      shared.io.engine.close();
      shared.detach();
    },
  };
}

/** Asks each chat in turn; the first refusal's reason is the one given when none admits it. */
function admit(users: readonly EngineUser[], req: IncomingMessage, callback: Parameters<AllowRequest>[1], index: number, firstRefusal: string | null | undefined): void {
  const user = users[index];
  if (user === undefined) {
    callback(firstRefusal ?? 'No chat on this path', false);
    return;
  }
  user.allowRequest(req, (err, success) => {
    if (success) callback(null, true);
    else admit(users, req, callback, index + 1, firstRefusal ?? err);
  });
}

function slotsOf(io: ChatServer): ChatNamespace[] {
  return [...(slotsByServer.get(io)?.values() ?? [])].map((slot) => slot.nsp);
}
