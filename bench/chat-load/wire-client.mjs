/**
 * A bare `ws` client speaking Engine.IO v4 / Socket.IO v5 frames by hand for the `/chat`
 * namespace: cheaper than socket.io-client, so that thousands of them fit on one core beside
 * nothing else. Frames are inspected as bytes; only rare ones are decoded to text.
 */
import { WebSocket } from 'ws';

const WS_OPTIONS = { perMessageDeflate: false, skipUTF8Validation: true, handshakeTimeout: 30_000 };
const PONG = '3';
const CHAR_0 = 0x30;
const CHAR_2 = 0x32;
const CHAR_3 = 0x33;
const CHAR_4 = 0x34;
/** `42/chat,["` : the bytes before an event's name. */
const EVENT_NAME_AT = 10;
const EVENT_HEAD = Buffer.from('42/chat,["');

/** The URL of a server's Engine.IO endpoint, WebSocket transport straight away. */
export function engineUrl(port) {
  return `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`;
}

/** Bytes a WebSocket frame of `length` payload bytes takes on the wire, unmasked (server to client). */
export function wireBytes(length) {
  return length + (length < 126 ? 2 : length < 65536 ? 4 : 10);
}

const BATCH_HEAD = Buffer.from('42/chat,["batch"');

/** What every benchmark message's text starts with (`t:<send time>:…`), found by a byte scan. */
export const SEND_TIME_TAG = Buffer.from('"m":"t:');

/**
 * Reads the unsigned number (`123` or `123.456`) at `cursor.at` in a frame's bytes and moves
 * `cursor.at` past the byte that ended it: how the generators take a message's send time and
 * counters from a frame without decoding it.
 */
export function readNumber(data, cursor) {
  let at = cursor.at;
  let c;
  let whole = 0;
  while ((c = data[at++]) >= 48 && c <= 57) whole = whole * 10 + c - 48;
  let fraction = 0;
  let scale = 1;
  if (c === 46) {
    while ((c = data[at++]) >= 48 && c <= 57) {
      fraction = fraction * 10 + c - 48;
      scale *= 10;
    }
  }
  cursor.at = at;
  return whole + fraction / scale;
}

/**
 * True when `frame` may carry chat messages: a `chat` or `chat:batch` event, or Chatterbox's
 * `batch` of events (`42/chat,["batch",[["chat",{…}],…]]`), whose messages the tag scan finds.
 */
export function isChatFrame(frame) {
  if (frame.length > 16 && frame[10] === 0x62 && frame.compare(BATCH_HEAD, 0, 16, 0, 16) === 0) return true;
  return (
    frame.length > 15 &&
    frame[10] === 0x63 && // c
    frame[11] === 0x68 && // h
    frame[12] === 0x61 && // a
    frame[13] === 0x74 && // t
    (frame[14] === 0x22 || frame[14] === 0x3a) && // " or :
    frame[1] === CHAR_2 &&
    frame[0] === CHAR_4 &&
    frame.compare(EVENT_HEAD, 0, 10, 0, 10) === 0
  );
}

/** The name of a `42/chat,["name",…]` event frame, decoded. */
export function eventName(frame) {
  const end = frame.indexOf(0x22, EVENT_NAME_AT);
  return end < 0 ? '?' : frame.toString('latin1', EVENT_NAME_AT, end);
}

/** What a frame is, for counting: `open`, `ping`, `connect`, `ack`, `connect_error`, or the event's name. */
export function frameKind(frame) {
  const b0 = frame[0];
  if (b0 === CHAR_4) {
    const b1 = frame[1];
    if (b1 === CHAR_2) return eventName(frame);
    if (b1 === CHAR_0) return 'connect';
    if (b1 === CHAR_3) return 'ack';
    if (b1 === CHAR_4) return 'connect_error';
    return 'other';
  }
  if (b0 === CHAR_2) return 'ping';
  if (b0 === CHAR_0) return 'open';
  return 'other';
}

/**
 * One connection. `sink` receives `frame(client, data)` for every frame when it has that method,
 * `event(client, data)` for events, `ack(client, data)`, `connected(client)`,
 * `failed(client, reason)` and `closed(client)`.
 */
export class WireClient {
  /** `wsOptions` override the `ws` options, e.g. a `handshakeTimeout` as long as a storm may take. */
  constructor(port, auth, sink, index, wsOptions = undefined) {
    this.index = index;
    this.sink = sink;
    this.connectPacket = `40/chat,${JSON.stringify(auth)}`;
    this.connected = false;
    this.ready = false;
    this.closed = false;
    this.ws = new WebSocket(engineUrl(port), wsOptions === undefined ? WS_OPTIONS : { ...WS_OPTIONS, ...wsOptions });
    this.ws.on('message', (data) => this.onFrame(data));
    this.ws.on('error', (error) => {
      if (!this.ready) sink.failed(this, error.message);
    });
    this.ws.on('close', () => {
      this.closed = true;
      sink.closed(this);
    });
  }

  onFrame(data) {
    const sink = this.sink;
    if (sink.frame !== undefined) sink.frame(this, data);
    const b0 = data[0];
    if (b0 === CHAR_4) {
      const b1 = data[1];
      if (b1 === CHAR_2) sink.event(this, data);
      else if (b1 === CHAR_3) sink.ack(this, data);
      else if (b1 === CHAR_0) {
        this.connected = true;
        sink.connected(this);
      } else if (b1 === CHAR_4) sink.failed(this, `connect_error ${data.toString()}`);
    } else if (b0 === CHAR_2) {
      this.ws.send(PONG);
    } else if (b0 === CHAR_0) {
      this.ws.send(this.connectPacket);
    }
  }

  /** Sends a text frame as given. */
  send(text) {
    this.ws.send(text);
  }

  /** Drops the connection without a closing handshake. */
  terminate() {
    this.ws.terminate();
  }
}
