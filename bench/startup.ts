// npm run bench, part 3 — page start-up cost in Chromium: main-thread script time (CDP
// Performance.getMetrics ScriptDuration) of a page that loads Plume with every
// instrumentation on, the OpenTelemetry web quick start (fetch + document-load, no zone,
// OTLP/protobuf exporter), and no SDK at all; median of 20 cold loads each (a new browser
// context per load: no cache), in the same run.
//
// Start-up is measured to load + 600 ms. Neither SDK exports in that window (both batch for
// 5 s by default), and Plume leaves more to its first export than OTel does (the session
// read, the wasm compile, the page-load spans), so a second figure runs both with a 1 s batch
// delay to load + 2 s: start-up and the first export together. plume.iife.js starts with
// V8's explicit compile hint (rollup.config.js); OTel's bundle is measured as its quick
// start ships, and once more with the same hint. A third figure is Plume on the second page of
// the origin in a tab (after a page without any SDK): there it looks into storage at the first
// idle moment after load for what an earlier page persisted (nothing, here).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS } from '../playwright.config.js';

const LOADS = Number(process.env.STARTUP_LOADS ?? 20);
const root = new URL('..', import.meta.url).pathname;

const otelEntry = `
import { WebTracerProvider } from '@opentelemetry/sdk-trace-web';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';
import { DocumentLoadInstrumentation } from '@opentelemetry/instrumentation-document-load';
const delay = window.batchDelay;
const provider = new WebTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: location.origin + '/v1/traces' }), delay ? { scheduledDelayMillis: delay } : {})] });
provider.register();
registerInstrumentations({ instrumentations: [new FetchInstrumentation(), new DocumentLoadInstrumentation()] });
`;
const otel = (await build({ stdin: { contents: otelEntry, resolveDir: root }, bundle: true, minify: true, format: 'iife', write: false, logLevel: 'silent' })).outputFiles[0].contents;
const files: Record<string, { type: string; body: Uint8Array | string }> = {
  '/otel.js': { type: 'text/javascript', body: otel },
  // plume.iife.js starts with V8's compile hint; the same hint on OTel's bundle says how much
  // of the difference is the hint and how much is what each SDK runs.
  '/otel-hint.js': { type: 'text/javascript', body: Buffer.concat([Buffer.from('//# allFunctionsCalledOnLoad\n'), Buffer.from(otel)]) },
  '/plume.iife.js': { type: 'text/javascript', body: readFileSync(`${root}dist/plume.iife.js`) },
  '/plume.wasm': { type: 'application/wasm', body: readFileSync(`${root}dist/plume.wasm`) },
};
const page = (head: string) => `<!doctype html><meta charset="utf-8"><title>shop</title>${head}<h1>Shop</h1><p>${'text '.repeat(200)}</p>`;
const pages: Record<string, string> = {
  '/none': page(''),
  '/otel': page('<script src="/otel.js"></script>'),
  '/plume': page(`<script>window.plumeConfig = { endpoint: location.origin, serviceName: 'shop' };</script><script src="/plume.iife.js"></script>`),
  '/otel-hint': page('<script src="/otel-hint.js"></script>'),
  '/otel-export': page('<script>window.batchDelay = 1000;</script><script src="/otel.js"></script>'),
  '/plume-export': page(`<script>window.plumeConfig = { endpoint: location.origin, serviceName: 'shop', batch: { scheduledDelayMillis: 1000 } };</script><script src="/plume.iife.js"></script>`),
};
const server = createServer((req, res) => {
  const path = new URL(req.url!, 'http://x').pathname;
  if (pages[path]) return void res.writeHead(200, { 'content-type': 'text/html' }).end(pages[path]);
  const f = files[path];
  if (f) return void res.writeHead(200, { 'content-type': f.type }).end(f.body);
  // The OTLP endpoint for both SDKs: accept and forget.
  res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const browser = await chromium.launch({ executablePath: process.env.PLUME_CHROMIUM ?? '/usr/bin/chromium', args: [...CHROMIUM_FLAGS, '--headless'] });
async function scriptMs(path: string, windowMs = 600): Promise<number> {
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  const cdp = await ctx.newCDPSession(p);
  await cdp.send('Performance.enable');
  const script = async () => ((await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] })
    .metrics.find((m) => m.name === 'ScriptDuration')!.value * 1000;
  // '/second/x': x loaded after /none in the same tab; only x's script time is counted.
  const second = path.startsWith('/second/');
  let before = 0;
  if (second) {
    await p.goto(origin + '/none', { waitUntil: 'load' });
    await p.waitForTimeout(windowMs);
    before = await script();
  }
  await p.goto(origin + (second ? path.slice('/second'.length) : path), { waitUntil: 'load' });
  // Let deferred work (idle callbacks, wasm compile) run: it counts too.
  await p.waitForTimeout(windowMs);
  const ms = (await script()) - before;
  await ctx.close();
  return ms;
}
const median = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
const results: Record<string, number[]> = {
  '/none': [], '/otel': [], '/plume': [], '/otel-hint': [], '/otel-export': [], '/plume-export': [],
  '/second/none': [], '/second/plume': [],
};
for (let k = 0; k < LOADS; k++) for (const path of Object.keys(results)) results[path].push(await scriptMs(path, path.endsWith('-export') ? 2000 : 600));
await browser.close();
server.close();

const base = median(results['/none']);
const o = median(results['/otel']) - base, pl = median(results['/plume']) - base;
console.log(`\npage start-up, main-thread script time (median of ${LOADS} cold loads, Chromium, minus a page without SDK: ${base.toFixed(2)} ms)`);
console.log(`  OTel web quick start (fetch + document-load, no zone)  ${o.toFixed(2)} ms   (${(otel.length / 1024).toFixed(1)} KB minified)`);
console.log(`  Plume, every instrumentation on (plume.iife.js)        ${pl.toFixed(2)} ms   (target <= 2 ms)`);
console.log(`  Plume / OTel                                           ${(pl / o).toFixed(2)}x   (target 2 ms where OTel costs 9.6 ms: <= 0.21x)`);
const oh = median(results['/otel-hint']) - base;
console.log(`  OTel with the same compile hint as plume.iife.js       ${oh.toFixed(2)} ms   (Plume / that: ${(pl / oh).toFixed(2)}x)`);
const oe = median(results['/otel-export']) - base, pe = median(results['/plume-export']) - base;
console.log(`\nstart-up and the first export (both SDKs with a 1 s batch delay, load + 2 s)`);
console.log(`  OTel web quick start                                   ${oe.toFixed(2)} ms`);
console.log(`  Plume                                                  ${pe.toFixed(2)} ms   (${(pe / oe).toFixed(2)}x)`);
const sb = median(results['/second/none']), sp = median(results['/second/plume']) - sb;
console.log(`\nthe second page of the origin in a tab (after a page without SDK; minus the same without SDK: ${sb.toFixed(2)} ms)`);
console.log(`  Plume, with its look for what earlier pages persisted  ${sp.toFixed(2)} ms   (${(sp / o).toFixed(2)}x OTel's start-up`
  + ' above)');
