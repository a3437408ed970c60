// A static file server on 127.0.0.1 for browser tests: serves the repository's files with
// the right MIME types, plus per-path extra headers (CSP) and generated pages.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css',
};

export interface Page { body: string; headers?: Record<string, string> }
export type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;
export interface StaticServer { url: string; close(): Promise<void> }

export async function startStaticServer(pages: Record<string, Page> = {}, handlers: Record<string, Handler> = {}): Promise<StaticServer> {
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const handler = handlers[path];
    if (handler) {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      handler(req, res, Buffer.concat(chunks));
      return;
    }
    const page = pages[path];
    if (page) {
      res.writeHead(200, { 'content-type': TYPES['.html'], ...page.headers }).end(page.body);
      return;
    }
    const file = normalize(join(ROOT, path));
    if (!file.startsWith(ROOT) || file.includes('node_modules')) return void res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
