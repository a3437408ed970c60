// Endpoint URLs with a query or a fragment.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/sdk/config.js';
import { createCore } from '../../../src/sdk/index.js';
import { encoderLoader } from '../../../src/encode/loader.js';
import { encodeRecords } from '../../../src/encode/twin.js';
import { traceIdRatio } from '../../../src/sdk/sampler.js';

async function urlFor(endpoint: string): Promise<string> {
  const urls: string[] = [];
  const config = resolveConfig({ endpoint, transport: (_b: Uint8Array, _s: string, info: { url: string }) => { urls.push(info.url); } }, undefined);
  const core = createCore(config, { detectedResource: {}, sampleRoot: traceIdRatio(1), encoder: encoderLoader({ mode: 'js', twin: () => encodeRecords }) });
  core.tracer.startSpan('s').end();
  await core.flush();
  return urls[0];
}

describe('endpoint', () => {
  it('an endpoint with a query string keeps it and appends /v1/traces to the path', async () => {
    const u = new URL(await urlFor('https://ingest.example.com/otlp?api-key=abc'));
    // Received: https://ingest.example.com/otlp?api-key=abc/v1/traces (path /otlp, key "abc/v1/traces")
    expect(u.pathname).toBe('/otlp/v1/traces');
  });

  it('an endpoint with a fragment does not send to the base path', async () => {
    const u = new URL(await urlFor('https://ingest.example.com/otlp#x'));
    // Received: https://ingest.example.com/otlp#x/v1/traces, i.e. a POST to /otlp
    expect(u.pathname).toBe('/otlp/v1/traces');
  });
});
