import fs from 'node:fs';
import path from 'node:path';
import send from 'koa-send';
import type { AppMiddleware } from './context.js';

export interface StaticApp {
  /** URL prefix: `/designer` or `/`. */
  mount: string;
  /** The app's Vite build output folder (holds index.html). */
  root: string;
}

/**
 * Serves the built single-page apps. Files that exist are sent (hashed assets cached
 * for a year); any other GET under the mount that looks like a page gets the app's
 * index.html, so client-side routes survive a reload. API and probe paths are never
 * answered here.
 */
export function staticApps(apps: StaticApp[]): AppMiddleware {
  const sorted = [...apps]
    .filter((app) => fs.existsSync(path.join(app.root, 'index.html')))
    .sort((a, b) => b.mount.length - a.mount.length);
  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || isReserved(ctx.path)) return await next();
    const app = sorted.find((a) => a.mount === '/' || ctx.path === a.mount || ctx.path.startsWith(`${a.mount}/`));
    if (!app) return await next();
    const relative = app.mount === '/' ? ctx.path : ctx.path.slice(app.mount.length) || '/';
    if (relative === '/' && app.mount !== '/' && !ctx.path.endsWith('/')) {
      ctx.redirect(`${app.mount}/`);
      return;
    }
    const immutable = relative.startsWith('/assets/');
    const file = relative === '/' ? '/index.html' : relative;
    try {
      await send(ctx, file, {
        root: app.root,
        immutable,
        maxage: immutable ? 365 * 24 * 3600 * 1000 : 0,
        setHeaders: (res, filePath) => {
          if (filePath.endsWith('index.html')) res.setHeader('Cache-Control', 'no-cache');
        },
      });
      return;
    } catch (err) {
      if ((err as { status?: number }).status !== 404) throw err;
    }
    if (path.extname(relative) !== '' || !ctx.accepts('html')) return await next();
    await send(ctx, '/index.html', {
      root: app.root,
      setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
    });
  };
}

function isReserved(p: string): boolean {
  return p.startsWith('/api/') || p === '/api' || p === '/healthz' || p === '/readyz' || p === '/metrics';
}
