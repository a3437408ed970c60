// The viewer's static files, read on each request so that editing them needs no restart.
import { readFile } from 'node:fs/promises';

const FILES: Record<string, [file: string, type: string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/index.html': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
};

export const VIEWER_PATHS = new Set(Object.keys(FILES));

// Span names, attributes and log bodies are whatever clients sent: the page renders them as
// text only, and the policy makes sure nothing else could run.
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-cache',
};

export async function serveViewer(method: string, path: string): Promise<{ status: number; headers: Record<string, string>; body: Buffer | string }> {
  if (method !== 'GET' && method !== 'HEAD') {
    return { status: 405, headers: { 'Content-Type': 'text/plain', Allow: 'GET, HEAD' }, body: '405 method not allowed\n' };
  }
  const [file, type] = FILES[path];
  const body = await readFile(new URL(`./viewer/${file}`, import.meta.url));
  return { status: 200, headers: { 'Content-Type': type, ...SECURITY_HEADERS }, body };
}
