/**
 * The chat page's router: the page with its settings, its assets through serve-static, and an
 * error handler that never shows a stack trace or a file-system path.
 */
import { STATUS_CODES } from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import express, { type ErrorRequestHandler, type Request, type Response, type Router } from 'express';
import serveStatic from 'serve-static';
import type { ResolvedOptions } from './options';
import type { ChatLogger } from './options/logger';

/** The settings the page needs to find its namespace, whatever path it is mounted at. */
export interface PageConfig {
  namespace: string;
  path: string;
  /** The host's rooms besides the default one (the `rooms` option). */
  rooms?: string[];
  /** Whether the page may offer to create rooms (the `allowUserRooms` option). */
  allowUserRooms?: boolean;
  /** The header's title (the `title` option, else the host app's `app.get('title')`); left out, the page says "Chat". */
  title?: string;
  /** Topics by room name, `''` for the default room (the `topic` and `rooms` options). */
  topics?: Record<string, string>;
}

/** The page's settings from the options: each left out at its default, so older pages see no change. */
export function pageConfigOf(
  options: Pick<ResolvedOptions, 'namespace' | 'path' | 'io' | 'rooms' | 'allowUserRooms' | 'title' | 'topics'>,
): PageConfig {
  return {
    namespace: options.namespace,
    path: options.io?.path() ?? options.path,
    ...(options.rooms.length > 0 ? { rooms: [...options.rooms] } : {}),
    ...(options.allowUserRooms ? { allowUserRooms: true } : {}),
    ...(options.title !== undefined ? { title: options.title } : {}),
    ...(Object.keys(options.topics).length > 0 ? { topics: { ...options.topics } } : {}),
  };
}

/** Where the bundled page lives: built next to `dist/` (and `lib/` when running from source). */
export const BUNDLED_PAGE_ROOT = path.resolve(__dirname, '..', 'dist-client');

// The bundled page loads only its own scripts, styles and socket; the widget frames it from the host.
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "frame-ancestors 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');

/** Options of {@link createPageRouter}. */
export interface PageRouterOptions {
  /** The folder to serve; the bundled page when undefined. */
  staticRoot: string | undefined;
  config: PageConfig;
  logger: ChatLogger;
}

/** Builds the router that serves the page, `config.json` and the assets. */
export function createPageRouter({ staticRoot, config, logger }: PageRouterOptions): Router {
  const root = staticRoot ?? BUNDLED_PAGE_ROOT;
  const isBundledPage = staticRoot === undefined;
  // Without a `title` option the page takes the host app's (`app.set('title', …)`), read per request.
  const configFor = (req: Request): PageConfig => {
    if (config.title !== undefined) return config;
    const hostTitle: unknown = req.app.get('title');
    // Neither: left out, and the page shows its own default ("Chat").
    return typeof hostTitle === 'string' && hostTitle.trim() !== '' ? { ...config, title: hostTitle.trim() } : config;
  };
  let page: Promise<string | undefined> | undefined;
  const loadPage = (): Promise<string | undefined> => {
    page ??= fs.readFile(path.join(root, 'index.html'), 'utf8').then(
      (html) => html,
      (error: NodeJS.ErrnoException) => {
        page = undefined;
        logger.error(`the chat page cannot be read (${error.code ?? 'error'}); run "npm run build" or check staticRoot`);
        return undefined;
      },
    );
    return page;
  };

  const router = express.Router({ strict: true });
  router.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });

  const sendPage = async (req: Request, res: Response): Promise<void> => {
    const template = await loadPage();
    if (template === undefined) {
      res.status(500).type('text/plain').send(STATUS_CODES[500]);
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    if (isBundledPage) res.setHeader('Content-Security-Policy', PAGE_CSP);
    // `<` escaped so that no value can close the script element it travels in.
    const configScript = `<script type="application/json" id="chatterbox-config">${JSON.stringify(configFor(req)).replace(/</g, '\\u003c')}</script>`;
    const html = template.includes('</head>') ? template.replace('</head>', () => `${configScript}\n</head>`) : template;
    res.type('html').send(html);
  };

  router.get(['/', '/index.html'], (req, res, next) => {
    // Mounted at /chat, a request for /chat arrives as "/": relative asset URLs need /chat/.
    const pathname = req.originalUrl.split('?')[0] ?? '';
    if (req.path === '/' && !pathname.endsWith('/')) {
      const query = req.originalUrl.slice(pathname.length);
      res.redirect(301, `${pathname}/${query}`);
      return;
    }
    sendPage(req, res).catch(next);
  });

  router.get('/config.json', (req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.type('json').send(JSON.stringify(configFor(req)));
  });

  router.use(
    serveStatic(root, {
      index: false,
      redirect: false,
      dotfiles: 'ignore',
      // Missing files and bad paths become errors for the handler below, not the host's routes.
      fallthrough: false,
    }),
  );

  router.use(pageErrorHandler);
  return router;
}

/** Answers with the status and its standard text only: no stack, no path, whatever NODE_ENV says. */
const pageErrorHandler: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  const candidate = (error as { status?: unknown; statusCode?: unknown } | null) ?? {};
  const status = Number(candidate.status ?? candidate.statusCode);
  const code = Number.isInteger(status) && status >= 400 && status < 600 ? status : 500;
  res.status(code).type('text/plain').send(STATUS_CODES[code] ?? 'Error');
};
