// Run by shutdown-retries.test.ts in a child process: a core whose collector is down,
// one span, await shutdown(), then nothing. The process should exit on its own.
import { nodeCore } from '../../helpers/core.js';

console.warn = () => {};
const core = nodeCore({ endpoint: `http://127.0.0.1:${process.argv[2]}`, serviceName: 'child' });
core.tracer.startSpan('s').end();
await core.shutdown();
console.log(`shutdown resolved at ${Date.now()}`);
