// Reading a request body under a size limit that holds on the wire and after decompression.
// Decompression is streamed and stopped as soon as the limit is passed, so a gzip bomb costs
// at most `limit` bytes of memory, never its decompressed size.
import type { IncomingMessage } from 'node:http';
import zlib from 'node:zlib';

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** The client went away before the body arrived: there is nobody to answer. */
export class ClientGone extends Error {}

export type ContentCoding = 'none' | 'gzip' | 'zlib';

/**
 * The Content-Encoding values the OpenTelemetry Collector accepts by default are "", gzip,
 * zstd, zlib, snappy and deflate ("deflate" meaning zlib-wrapped, as in HTTP). Node 20 has no
 * zstd and no snappy, so those are refused like any unknown coding.
 */
export function contentCoding(header: string | undefined): ContentCoding | undefined {
  switch ((header ?? '').trim().toLowerCase()) {
    case '': return 'none';
    case 'gzip': return 'gzip';
    case 'deflate':
    case 'zlib': return 'zlib';
    default: return undefined;
  }
}

export interface BodyStats { wireBytes: number; bodyBytes: number }

/**
 * After a refusal the rest of the body is read and dropped, so the client sees the answer
 * instead of a reset connection; past this much more, the connection is cut instead.
 */
const DRAIN_ALLOWANCE = 64 * 1024 * 1024;

export function readBody(req: IncomingMessage, coding: ContentCoding, limit: number, stats: BodyStats): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let settled = false;
    let drained = 0;

    const inflater = coding === 'gzip' ? zlib.createGunzip() : coding === 'zlib' ? zlib.createInflate() : undefined;

    const settle = (err: Error | undefined) => {
      if (settled) return;
      settled = true;
      if (inflater) {
        inflater.removeAllListeners('data');
        inflater.on('error', () => {});
        inflater.destroy();
      }
      if (err) reject(err);
      else resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, stats.bodyBytes));
    };

    const accept = (chunk: Buffer) => {
      if (settled) return;
      if (stats.bodyBytes + chunk.length > limit) {
        const what = inflater ? 'decompressed body' : 'body';
        return settle(new HttpError(413, `${what} exceeds the limit of ${limit} bytes`));
      }
      stats.bodyBytes += chunk.length;
      chunks.push(chunk);
    };

    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      settle(new HttpError(413, `body of ${declared} bytes exceeds the limit of ${limit} bytes`));
    }

    req.on('data', (chunk: Buffer) => {
      stats.wireBytes += chunk.length;
      if (settled) {
        drained += chunk.length;
        if (drained > DRAIN_ALLOWANCE) req.destroy();
        return;
      }
      if (stats.wireBytes > limit) {
        return settle(new HttpError(413, `body exceeds the limit of ${limit} bytes`));
      }
      if (inflater) inflater.write(chunk);
      else accept(chunk);
    });
    req.on('end', () => {
      if (settled) return;
      if (inflater) inflater.end();
      else settle(undefined);
    });
    req.on('error', () => settle(new ClientGone('request stream failed')));
    req.on('close', () => {
      if (!req.complete) settle(new ClientGone('client closed the connection before the body was complete'));
    });

    if (inflater) {
      inflater.on('data', accept);
      inflater.on('end', () => settle(undefined));
      inflater.on('error', (err: Error) => settle(new HttpError(400, `${coding} body: ${err.message}`)));
    }
  });
}
