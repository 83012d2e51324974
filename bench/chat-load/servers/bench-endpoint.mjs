// What every benchmark server shares: the memory endpoint, listening on loopback, and dying with its parent.
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';

/** The path the runner reads a server's memory from. */
export const MEMORY_PATH = '/__bench/memory';
/** The path the runner reads a server's own CPU time from (idle CPU of a big room). */
export const CPU_PATH = '/__bench/cpu';

/**
 * Answers GET /__bench/memory with process.memoryUsage() taken after full collections (the
 * server runs with --expose-gc), and GET /__bench/cpu with process.cpuUsage() (microseconds, no
 * collection: reading it must not cost CPU); returns false for any other request.
 */
export function handleBenchRequest(req, res) {
  if (req.method !== 'GET' || (req.url !== MEMORY_PATH && req.url !== CPU_PATH)) return false;
  let body;
  if (req.url === CPU_PATH) {
    body = JSON.stringify({ ...process.cpuUsage(), uptimeMs: performance.now() });
  } else {
    // Twice: the first pass can leave finalizer-held objects for the second.
    globalThis.gc?.();
    globalThis.gc?.();
    // The heap's spaces say where RSS beyond the live objects sits: a young generation grown by a
    // burst of allocation (new_space), code compiled for the hot paths (code_space), or old objects.
    const spaces = Object.fromEntries(
      v8.getHeapSpaceStatistics().map((space) => [space.space_name, { size: space.space_size, used: space.space_used_size, physical: space.physical_space_size }]),
    );
    body = JSON.stringify({ ...process.memoryUsage(), spaces, gc: typeof globalThis.gc === 'function', uptimeMs: performance.now() });
  }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
  return true;
}

/**
 * Listens on 127.0.0.1 on a free port with a deep accept queue (a join storm opens thousands of
 * connections at once), then prints `READY <port> <note>` for the runner.
 */
export function listenForBench(server, note = '-') {
  server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, () => {
    process.stdout.write(`READY ${server.address().port} ${note}\n`);
  });
}

/** Exits when the runner goes away (its end of our stdin closes), even if it was killed. */
export function exitWithRunner(onExit = () => {}) {
  const leave = () => {
    try {
      onExit();
    } finally {
      process.exit(0);
    }
  };
  process.stdin.on('end', leave);
  process.stdin.on('close', leave);
  process.stdin.on('error', leave);
  process.stdin.resume();
  process.on('SIGTERM', leave);
  process.on('SIGINT', leave);
}
