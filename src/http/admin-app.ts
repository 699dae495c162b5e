// /admin: the built admin web app (admin/, built into admin/dist by scripts/build-admin.js at install and start).
// Hashed assets are cached for a year (their names change with their content); index.html is revalidated on every
// load so a new build is picked up at once. Every other /admin path is the app's own route: it gets index.html.
// `/` is a small page that points a browser to /admin and /docs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router } from 'express';
import { routeNotFound } from './errors/error-handler.ts';
import { packageRootOf } from '../package-root.ts';

export const ADMIN_DIST = join(packageRootOf(import.meta.url), 'admin', 'dist');

const HOME = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>persona-resolver</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; margin: 2rem; color: #1a1a1a">
<h1>persona-resolver</h1>
<ul><li><a href="/admin/">Admin app</a>: people, merges, imports</li><li><a href="/docs">API reference</a> (<a href="/openapi.json">OpenAPI</a>)</li></ul>
</body></html>`;

const NOT_BUILT = 'The admin app is not built: run `npm run build:admin` (npm install and npm start build it).';

export function adminRouter(distDir = ADMIN_DIST): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.type('html').send(HOME);
  });
  router.use('/admin/assets', express.static(join(distDir, 'assets'), { index: false, immutable: true, maxAge: '365d' }));
  // A missing asset is a 404 of the API's shape, not the app page.
  router.use('/admin/assets', routeNotFound);
  router.get(['/admin', '/admin/{*path}'], (_req, res) => {
    const index = join(distDir, 'index.html');
    if (!existsSync(index)) {
      res.status(503).type('text').send(NOT_BUILT);
      return;
    }
    res.set('Cache-Control', 'no-cache').sendFile(index);
  });
  return router;
}
