// What the API's types refuse, Plume's refuse too: each line must be an error.
import { init, SpanStatusCode } from 'plume';

const plume = init({ endpoint: 'https://collector.example.com:4318' });
const span = plume.tracer.startSpan('x');

// @ts-expect-error: span kind 9 is no SpanKind
plume.tracer.startSpan('x', { kind: 9 });
// @ts-expect-error: status code 7 is no SpanStatusCode
span.setStatus({ code: 7 });
// @ts-expect-error: startActiveSpan without a function
plume.tracer.startActiveSpan('x');
// @ts-expect-error: startActiveSpan with options but no function
plume.tracer.startActiveSpan('x', { kind: 1 });
// @ts-expect-error: a string is no end time
span.end('2024-01-01T00:00:00Z');
// @ts-expect-error: a string is no event time either
span.addEvent('e', {}, 'yesterday');
// @ts-expect-error: severity 25 does not exist
plume.logger.emit({ severityNumber: 25 });
// @ts-expect-error: baggage metadata is made by baggageEntryMetadataFromString, not a string
plume.propagation.createBaggage({ k: { value: 'v', metadata: 'p=1' } });
// @ts-expect-error: the status code is SpanStatusCode's
span.setStatus({ code: SpanStatusCode.ERROR, message: 42 });

init({
  endpoint: 'https://collector.example.com:4318',
  beforeSend: (s) => {
    // @ts-expect-error: a finished span's kind is what happened, read-only
    s.kind = 2;
    // @ts-expect-error: and so are its times
    s.endTime = 0;
    return s;
  },
  // @ts-expect-error: registerGlobals is a boolean
  registerGlobals: 'yes',
});
