// The workerd worker of test/browser/sourcemaps.spec.ts: a site as it deploys with private
// source maps. The minified app comes from one disk service (the public folder), the maps from
// another that nothing routes to (the private folder plume/build wrote), read only by the
// relay's symbolicator; the page exports to relay() on its own origin, which symbolicates its
// stacks and forwards them to the collector.
import { cloudflareClientAddress, createSymbolicator, relay, type Relay } from '../../../src/edge/index.js';

interface Fetcher { fetch(input: string): Promise<Response> }
interface Env { COLLECTOR: string; PUBLIC: Fetcher; MAPS: Fetcher }

const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8' };
let forward: Relay | undefined;

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    forward ??= relay({
      collector: env.COLLECTOR, clientAddress: cloudflareClientAddress, sourceMaps: createSymbolicator({ source: env.MAPS }),
    });
    const relayed = await forward(request);
    if (relayed) return relayed;
    const path = new URL(request.url).pathname === '/' ? '/index.html' : new URL(request.url).pathname;
    const type = TYPES[/\.(\w+)$/.exec(path)?.[1] ?? ''];
    const file = type && !path.includes('..') ? await env.PUBLIC.fetch(`http://site${path}`) : undefined;
    if (!file?.ok) return new Response('not found', { status: 404 });
    return new Response(file.body, { headers: { 'content-type': type } });
  },
};
