// The dev collector's viewer: hash routes over the JSON API, DOM built with textContent only
// (span names and attributes are whatever clients sent), no framework, no build step.

const view = document.getElementById('view');
const stats = document.getElementById('stats');
const REFRESH_MS = 5000;
const SPAN_KIND = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUS = ['unset', 'ok', 'error'];

/** h('tr', { class: 'x', 'data-testid': 'y', onclick }, child, ...) — children are text or nodes. */
function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'style') Object.assign(el.style, value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

async function api(path) {
  const res = await fetch(path, { cache: 'no-store' });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(body.error ?? `${res.status} ${res.statusText}`), { status: res.status });
  return body;
}

// ---------------------------------------------------------------------------------------
// Formatting

function fmtMs(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '–';
  if (ms === 0) return '0 ms';
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** A value in a metric's unit, durations shown in ms whatever they were recorded in. */
function fmtValue(value, unit) {
  if (value === null || value === undefined) return '–';
  if (unit === 's') return fmtMs(value * 1000);
  if (unit === 'ms') return fmtMs(value);
  if (unit === 'us' || unit === 'µs') return fmtMs(value / 1000);
  const text = Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);
  return unit && unit !== '1' ? `${text} ${unit}` : text;
}

function fmtTime(ms) {
  if (!ms) return '–';
  const d = new Date(ms);
  const today = new Date().toDateString() === d.toDateString();
  const time = d.toLocaleTimeString([], { hour12: false }) + `.${String(d.getMilliseconds()).padStart(3, '0')}`;
  return today ? time : `${d.toLocaleDateString()} ${time}`;
}

function nsToMs(ns) {
  return Number(BigInt(ns) / 1000n) / 1000;
}

function fmtAttr(value) {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return JSON.stringify(value);
}

const serviceColors = new Map();
function serviceColor(service) {
  if (!serviceColors.has(service)) {
    let hash = 0;
    for (const ch of service) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
    serviceColors.set(service, `hsl(${hash % 360} 55% 42%)`);
  }
  return serviceColors.get(service);
}

const serviceBadge = (service) => h('span', { class: 'service', style: { background: serviceColor(service) } }, service);

function empty(text, testid = 'empty') {
  return h('p', { class: 'empty', 'data-testid': testid }, text);
}

// ---------------------------------------------------------------------------------------
// Traces

async function renderTraces(params) {
  const query = new URLSearchParams();
  for (const key of ['service', 'name', 'status', 'session']) if (params.get(key)) query.set(key, params.get(key));
  const { traces, services } = await api(`/api/traces?${query}`);

  const field = (label, control) => h('label', {}, label, control);
  const serviceSelect = h('select', { name: 'service', 'data-testid': 'filter-service' },
    h('option', { value: '' }, 'any'),
    services.map((s) => h('option', { value: s, selected: s === params.get('service') }, s)));
  const statusSelect = h('select', { name: 'status', 'data-testid': 'filter-status' },
    ['', 'error', 'ok'].map((s) => h('option', { value: s, selected: s === (params.get('status') ?? '') }, s || 'any')));
  const form = h('form', {
    class: 'filters', 'data-testid': 'trace-filters',
    onsubmit(event) {
      event.preventDefault();
      const next = new URLSearchParams();
      for (const [k, v] of new FormData(form)) if (String(v).trim()) next.set(k, String(v).trim());
      location.hash = `#/traces${next.size ? `?${next}` : ''}`;
    },
  },
  field('Service', serviceSelect),
  field('Span name', h('input', { name: 'name', value: params.get('name') ?? '', placeholder: 'exact name', 'data-testid': 'filter-name' })),
  field('Status', statusSelect),
  field('Session id', h('input', { name: 'session', value: params.get('session') ?? '', placeholder: 'session.id', 'data-testid': 'filter-session' })),
  h('button', { type: 'submit', 'data-testid': 'filter-apply' }, 'Apply'),
  h('button', { type: 'button', onclick: () => { location.hash = '#/traces'; } }, 'Clear'));

  const rows = traces.map((t) => h('tr', {
    class: 'clickable', 'data-testid': 'trace-row', 'data-trace-id': t.traceId, 'data-error': t.error ? 'true' : 'false',
    onclick: () => { location.hash = `#/trace/${t.traceId}`; },
  },
  h('td', { class: 'mono' }, fmtTime(t.startMs)),
  h('td', {}, h('a', { href: `#/trace/${t.traceId}`, 'data-testid': 'trace-root' }, t.rootName || '(no name)')),
  h('td', { 'data-testid': 'trace-services' }, t.services.map((s) => [serviceBadge(s), ' '])),
  h('td', { class: 'num', 'data-testid': 'trace-span-count' }, t.spanCount),
  h('td', { class: 'num', 'data-testid': 'trace-duration', 'data-value': t.durationMs }, fmtMs(t.durationMs)),
  h('td', { 'data-testid': 'trace-error' }, t.error
    ? h('span', { class: 'badge error' }, `error${t.errorCount > 1 ? ` ×${t.errorCount}` : ''}`)
    : h('span', { class: 'badge ok' }, 'ok')),
  h('td', { class: 'mono muted', 'data-testid': 'trace-session' }, t.sessionId)));

  return [
    h('h2', {}, 'Traces'),
    form,
    traces.length === 0
      ? empty(query.size ? 'No trace matches these filters.' : `No traces yet. Send OTLP/HTTP to ${location.origin}/v1/traces.`)
      : h('table', { 'data-testid': 'trace-table' },
        h('thead', {}, h('tr', {}, ['Started', 'Root span', 'Services', 'Spans', 'Duration', 'Status', 'Session']
          .map((c, i) => h('th', { class: i === 3 || i === 4 ? 'num' : undefined }, c)))),
        h('tbody', {}, rows)),
  ];
}

// ---------------------------------------------------------------------------------------
// Trace waterfall

/** Spans in tree order (parents before children, siblings by start), each with its depth. */
function spanTree(spans) {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const children = new Map();
  const roots = [];
  for (const s of spans) {
    if (s.parentSpanId && byId.has(s.parentSpanId) && s.parentSpanId !== s.spanId) {
      if (!children.has(s.parentSpanId)) children.set(s.parentSpanId, []);
      children.get(s.parentSpanId).push(s);
    } else {
      roots.push(s);
    }
  }
  const byStart = (a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1);
  const out = [];
  const seen = new Set();
  const walk = (span, depth) => {
    if (seen.has(span.spanId)) return;
    seen.add(span.spanId);
    out.push({ span, depth });
    for (const child of (children.get(span.spanId) ?? []).sort(byStart)) walk(child, depth + 1);
  };
  for (const root of roots.sort(byStart)) walk(root, 0);
  // Whatever a parent cycle kept unreachable still gets shown.
  for (const s of spans) if (!seen.has(s.spanId)) walk(s, 0);
  return out;
}

function kvTable(obj, testid) {
  const entries = Object.entries(obj ?? {});
  if (entries.length === 0) return h('p', { class: 'muted', 'data-testid': testid }, 'none');
  return h('table', { 'data-testid': testid }, h('tbody', {}, entries.map(([k, v]) => h('tr', { 'data-testid': 'attribute-row', 'data-key': k },
    h('td', { class: 'mono' }, k), h('td', { class: 'mono' }, fmtAttr(v))))));
}

function isException(event) {
  return event.name === 'exception' || 'exception.type' in event.attributes || 'exception.message' in event.attributes;
}

function spanDetail(span, t0) {
  const started = Number(BigInt(span.startTimeUnixNano) - t0) / 1e6;
  const events = span.events.map((e) => {
    const at = fmtMs(Number(BigInt(e.timeUnixNano) - BigInt(span.startTimeUnixNano)) / 1e6);
    if (isException(e)) {
      const { 'exception.type': type, 'exception.message': message, 'exception.stacktrace': stack, ...rest } = e.attributes;
      return h('div', { class: 'exception', 'data-testid': 'exception' },
        h('div', {}, h('span', { class: 'type', 'data-testid': 'exception-type' }, type ?? 'exception'), ' ',
          h('span', { 'data-testid': 'exception-message' }, message ?? ''), h('span', { class: 'muted' }, ` at +${at}`)),
        stack ? h('pre', { 'data-testid': 'exception-stacktrace' }, stack) : null,
        Object.keys(rest).length ? kvTable(rest, 'event-attributes') : null);
    }
    return h('div', { class: 'event', 'data-testid': 'span-event' },
      h('strong', {}, e.name), h('span', { class: 'muted' }, ` at +${at}`),
      Object.keys(e.attributes).length ? kvTable(e.attributes, 'event-attributes') : null);
  });
  return h('aside', { class: 'detail', id: 'span-detail', 'data-testid': 'span-detail', 'data-span-id': span.spanId },
    h('h3', {}, span.name || '(no name)'),
    h('table', {}, h('tbody', {},
      [['service', serviceBadge(span.service)],
        ['span id', span.spanId], ['parent', span.parentSpanId || '(root)'],
        ['kind', SPAN_KIND[span.kind] ?? span.kind],
        ['status', h('span', { 'data-testid': 'span-status', class: span.statusCode === 2 ? 'error-text' : '' },
          `${STATUS[span.statusCode] ?? span.statusCode}${span.statusMessage ? `: ${span.statusMessage}` : ''}`)],
        ['start', `+${fmtMs(started)}`], ['duration', fmtMs(span.durationMs)],
        ['scope', `${span.scope}${span.scopeVersion ? ` ${span.scopeVersion}` : ''}`],
        ...(span.traceState ? [['trace state', span.traceState]] : [])]
        .map(([k, v]) => h('tr', {}, h('td', {}, k), h('td', { class: 'mono' }, v))))),
    h('section', {}, h('h3', {}, 'Attributes'), kvTable(span.attributes, 'span-attributes')),
    h('section', {}, h('h3', {}, `Events (${span.events.length})`), events.length ? events : h('p', { class: 'muted' }, 'none')),
    h('section', {}, h('h3', {}, `Links (${span.links.length})`), span.links.length
      ? h('ul', {}, span.links.map((l) => h('li', {},
        h('a', { href: `#/trace/${l.traceId}?span=${l.spanId}`, 'data-testid': 'span-link', class: 'mono' }, `${l.traceId} / ${l.spanId}`),
        Object.keys(l.attributes).length ? kvTable(l.attributes, 'link-attributes') : null)))
      : h('p', { class: 'muted' }, 'none')),
    h('section', {}, h('h3', {}, 'Resource'), kvTable(span.resource, 'span-resource')));
}

/** Right of the bar when there is room, else left of it, so it never sits on the bar. */
function durationLabel(left, width, ms) {
  const end = left + width;
  const style = end < 85 ? { left: `${end}%` } : left > 15 ? { right: `${100 - left}%` } : { left: `${left}%`, color: '#fff' };
  return h('span', { class: `wf-duration${end < 85 ? '' : ' before'}`, style }, fmtMs(ms));
}

async function renderTrace(traceId, params) {
  let data;
  try {
    data = await api(`/api/trace/${encodeURIComponent(traceId)}`);
  } catch (err) {
    return [h('h2', {}, `Trace ${traceId}`), h('p', { class: 'error-text', 'data-testid': 'trace-missing' }, err.message)];
  }
  const { spans, logs } = data;
  let t0 = BigInt(spans[0].startTimeUnixNano);
  let t1 = BigInt(spans[0].endTimeUnixNano);
  for (const s of spans) {
    const start = BigInt(s.startTimeUnixNano);
    const end = BigInt(s.endTimeUnixNano);
    if (start < t0) t0 = start;
    if (end > t1) t1 = end;
  }
  const total = Math.max(Number(t1 - t0) / 1e6, 0.001);
  const services = [...new Set(spans.map((s) => s.service))];
  const errors = spans.filter((s) => s.statusCode === 2).length;

  const layout = h('div', { class: 'trace-layout' });
  const list = h('div', { class: 'waterfall', 'data-testid': 'waterfall' });
  let selectedRow = null;
  const select = (span, row) => {
    selectedRow?.classList.remove('selected');
    selectedRow = row;
    row.classList.add('selected');
    layout.querySelector('.detail')?.remove();
    layout.classList.add('with-detail');
    layout.append(spanDetail(span, t0));
  };

  list.append(h('div', { class: 'wf-axis' }, h('div', { class: 'wf-label' }, 'span'),
    h('div', { class: 'wf-track' }, [0, 0.25, 0.5, 0.75, 1].map((f) =>
      h('span', { class: 'wf-tick', style: { left: `${f * 100}%` } }, fmtMs(total * f))))));
  let preselected = null;
  for (const { span, depth } of spanTree(spans)) {
    const offset = Number(BigInt(span.startTimeUnixNano) - t0) / 1e6;
    const width = Math.max(0, span.durationMs);
    const left = (offset / total) * 100;
    const row = h('div', {
      class: `wf-row${span.statusCode === 2 ? ' error' : ''}`, 'data-testid': 'waterfall-span',
      'data-span-id': span.spanId, 'data-parent-span-id': span.parentSpanId, 'data-depth': depth,
      'data-service': span.service, 'data-status': STATUS[span.statusCode] ?? String(span.statusCode),
      'data-kind': SPAN_KIND[span.kind] ?? String(span.kind),
    },
    h('div', { class: 'wf-label', style: { paddingLeft: `${0.5 + depth * 1.1}rem` }, title: span.name },
      serviceBadge(span.service), h('span', { class: 'wf-name', 'data-testid': 'waterfall-name' }, span.name || '(no name)'),
      h('span', { class: 'wf-kind' }, SPAN_KIND[span.kind] ?? span.kind)),
    h('div', { class: 'wf-track' },
      h('div', { class: 'wf-bar', style: { left: `${left}%`, width: `${(width / total) * 100}%`, background: serviceColor(span.service) } }),
      durationLabel(left, (width / total) * 100, span.durationMs)));
    row.addEventListener('click', () => select(span, row));
    list.append(row);
    if (params.get('span') === span.spanId) preselected = [span, row];
  }
  layout.append(list);
  if (preselected) select(...preselected);

  return [
    h('div', { class: 'trace-head' },
      h('h2', { 'data-testid': 'trace-id', class: 'mono' }, `Trace ${traceId}`),
      h('span', { 'data-testid': 'trace-summary' }, `${spans.length} spans · ${fmtMs(total)} · `, services.map((s) => [serviceBadge(s), ' '])),
      errors ? h('span', { class: 'badge error' }, `${errors} error${errors > 1 ? 's' : ''}`) : null,
      h('a', { href: '#/traces' }, '← all traces')),
    layout,
    logs.length ? h('section', {}, h('h3', {}, `Logs in this trace (${logs.length})`),
      h('table', {}, h('tbody', {}, logs.map((l) => h('tr', { 'data-testid': 'trace-log' },
        h('td', { class: 'mono' }, fmtTime(nsToMs(l.timeUnixNano !== '0' ? l.timeUnixNano : l.observedTimeUnixNano))),
        h('td', {}, l.severityText || l.severityNumber), h('td', { class: 'mono' }, fmtAttr(l.body)),
        h('td', { class: 'mono muted' }, l.spanId)))))) : null,
  ];
}

// ---------------------------------------------------------------------------------------
// Web Vitals

function histogramBars(buckets, unit, mini) {
  const shown = buckets.slice(0, 40);
  const max = Math.max(1, ...shown.map((b) => b.count));
  const bars = h('div', { class: `histogram${mini ? ' mini' : ''}`, 'data-testid': mini ? 'vital-histogram-mini' : 'vital-histogram' },
    shown.map((b) => h('div', {
      class: 'bar', 'data-testid': mini ? undefined : 'vital-bar', 'data-count': b.count,
      title: `${fmtValue(b.lo, unit)} – ${fmtValue(b.hi, unit)}: ${b.count}`,
      style: { height: `${(b.count / max) * 100}%` },
    })));
  if (mini || shown.length === 0) return bars;
  return h('div', {}, bars, h('div', { class: 'axis muted' },
    h('span', {}, fmtValue(shown[0].lo, unit)), h('span', {}, fmtValue(shown[shown.length - 1].hi, unit))));
}

const RATING_ORDER = ['good', 'needs-improvement', 'poor'];
function ratingChips(ratings) {
  const keys = Object.keys(ratings).sort((a, b) => (RATING_ORDER.indexOf(a) + 1 || 9) - (RATING_ORDER.indexOf(b) + 1 || 9));
  return h('div', { class: 'chips' }, keys.map((r) =>
    h('span', { class: `rating-${r}`, 'data-testid': `vital-rating-${r}`, 'data-value': ratings[r] }, `${r} ${ratings[r]}`)));
}

async function renderVitals() {
  const { vitals, overall } = await api('/api/vitals');
  if (overall.length === 0) {
    return [h('h2', {}, 'Web Vitals'), empty('No browser.web_vital.* histograms yet.')];
  }
  const cards = overall.map((v) => h('section', { class: 'card', 'data-testid': 'vital-card', 'data-vital': v.vital },
    h('h3', {}, v.vital.toUpperCase(), h('span', { class: 'muted' }, ` p75 · ${v.count} samples`)),
    h('div', { class: `big rating-${v.rating}`, 'data-testid': 'vital-p75-overall', 'data-value': v.p75 ?? '' }, fmtValue(v.p75, v.unit)),
    ratingChips(v.ratings),
    histogramBars(v.histogram, v.unit, false)));
  const rows = vitals.map((v) => h('tr', { 'data-testid': 'vital-row', 'data-vital': v.vital, 'data-route': v.route },
    h('td', {}, v.vital.toUpperCase()),
    h('td', { class: 'mono', 'data-testid': 'vital-route' }, v.route),
    h('td', { class: `num rating-${v.rating}`, 'data-testid': 'vital-p75', 'data-value': v.p75 ?? '' }, fmtValue(v.p75, v.unit)),
    h('td', { 'data-testid': 'vital-rating' }, v.rating),
    h('td', { class: 'num', 'data-testid': 'vital-count' }, v.count),
    h('td', {}, ratingChips(v.ratings)),
    h('td', {}, histogramBars(v.histogram, v.unit, true))));
  return [
    h('h2', {}, 'Web Vitals (p75, estimated from histogram buckets)'),
    h('div', { class: 'cards' }, cards),
    h('table', { 'data-testid': 'vital-table' },
      h('thead', {}, h('tr', {}, ['Vital', 'Route', 'p75', 'Rating', 'Samples', 'Ratings', 'Distribution']
        .map((c, i) => h('th', { class: i === 2 || i === 4 ? 'num' : undefined }, c)))),
      h('tbody', {}, rows)),
  ];
}

// ---------------------------------------------------------------------------------------
// Errors

/** Original frames (symbolicated with --source-maps): each with a few lines of its source, the frame's line marked. */
function originalFrames(frames) {
  return h('ol', { class: 'frames', 'data-testid': 'original-frames' }, frames.map((f) => h('li', {
    class: f.mapped ? 'frame' : 'frame unmapped', 'data-testid': 'original-frame', 'data-mapped': String(f.mapped),
    'data-fn': f.fn, 'data-file': f.file, 'data-line': f.line, 'data-column': f.column,
  },
  h('div', { class: 'mono' }, h('strong', {}, f.fn || '<anonymous>'), ' ', h('span', { class: 'muted' }, `${f.file}:${f.line}:${f.column}`)),
  f.context ? h('pre', { class: 'context', 'data-testid': 'frame-context' }, f.context.lines.map((line, i) => {
    const n = f.context.first + i;
    return h('div', { class: n === f.line ? 'here' : undefined, 'data-line': n },
      h('span', { class: 'ln' }, String(n).padStart(4, ' ')), ' ', line);
  })) : null)));
}

async function renderErrors() {
  const { groups } = await api('/api/errors');
  if (groups.length === 0) return [h('h2', {}, 'Errors'), empty('No exceptions yet (span events or logs with exception.type / exception.message).')];
  const rows = groups.map((g) => [
    h('tr', { 'data-testid': 'error-group', 'data-type': g.type, 'data-count': g.count, 'data-top-frame': g.topFrame },
      h('td', { class: 'mono error-text', 'data-testid': 'error-type' }, g.type || '(no type)'),
      h('td', { 'data-testid': 'error-message' }, g.message,
        g.topFrame ? h('div', { class: 'mono muted', 'data-testid': 'error-top-frame' }, `at ${g.topFrame}`) : null),
      h('td', { class: 'num', 'data-testid': 'error-count' }, g.count),
      h('td', { class: 'mono', 'data-testid': 'error-last-seen' }, fmtTime(g.lastSeenMs)),
      h('td', {}, g.services.map((s) => [serviceBadge(s), ' '])),
      h('td', {}, g.traceId
        ? h('a', { href: `#/trace/${g.traceId}${g.spanId ? `?span=${g.spanId}` : ''}`, 'data-testid': 'error-trace-link' }, 'trace')
        : h('span', { class: 'muted' }, 'no trace'))),
    g.frames ? h('tr', { class: 'stack' }, h('td', { colspan: 6 }, originalFrames(g.frames),
      h('details', {}, h('summary', { class: 'muted' }, 'stack trace as it arrived (minified)'),
        h('pre', { 'data-testid': 'error-minified-stacktrace' }, g.minifiedStacktrace)))) : null,
    g.stacktrace && !g.frames ? h('tr', { class: 'stack' }, h('td', { colspan: 6 },
      h('details', {}, h('summary', { class: 'muted' }, 'stack trace'), h('pre', { 'data-testid': 'error-stacktrace' }, g.stacktrace)))) : null,
  ]);
  return [
    h('h2', {}, 'Errors'),
    h('table', { 'data-testid': 'error-table' },
      h('thead', {}, h('tr', {}, ['Type', 'Message', 'Count', 'Last seen', 'Services', ''].map((c, i) => h('th', { class: i === 2 ? 'num' : undefined }, c)))),
      h('tbody', {}, rows)),
  ];
}

// ---------------------------------------------------------------------------------------
// Request durations

async function renderDurations() {
  const { rows } = await api('/api/durations');
  if (rows.length === 0) {
    return [h('h2', {}, 'Request durations'), empty('No http.client.request.duration or http.server.request.duration histograms yet.')];
  }
  const cell = (row, q) => h('td', { class: 'num', 'data-testid': `duration-${q}`, 'data-value': row[q] ?? '' }, fmtValue(row[q], row.unit));
  return [
    h('h2', {}, 'Request durations'),
    h('table', { 'data-testid': 'duration-table' },
      h('thead', {}, h('tr', {}, ['', 'Service', 'Method', 'Target', 'Requests', 'p50', 'p75', 'p95']
        .map((c, i) => h('th', { class: i >= 4 ? 'num' : undefined }, c)))),
      h('tbody', {}, rows.map((r) => h('tr', {
        'data-testid': 'duration-row', 'data-metric': r.metric, 'data-method': r.method, 'data-target': r.target,
      },
      h('td', {}, h('span', { class: 'badge' }, r.kind)), h('td', {}, serviceBadge(r.service)),
      h('td', { class: 'mono' }, r.method || '–'), h('td', { class: 'mono', 'data-testid': 'duration-target' }, r.target || '–'),
      h('td', { class: 'num', 'data-testid': 'duration-count' }, r.count),
      cell(r, 'p50'), cell(r, 'p75'), cell(r, 'p95'))))),
  ];
}

// ---------------------------------------------------------------------------------------
// Routing and refresh

let renderSeq = 0;
let refreshTimer;

function route() {
  const hash = location.hash.replace(/^#/, '') || '/traces';
  const [path, search = ''] = hash.split('?');
  const params = new URLSearchParams(search);
  const trace = /^\/trace\/([0-9a-fA-F]+)$/.exec(path);
  if (trace) return { name: 'trace', render: () => renderTrace(trace[1], params), refresh: false };
  const name = path.replace(/^\//, '');
  const views = { traces: () => renderTraces(params), vitals: renderVitals, errors: renderErrors, durations: renderDurations };
  return { name: views[name] ? name : 'traces', render: views[name] ?? views.traces, refresh: true };
}

async function render({ background = false } = {}) {
  const seq = ++renderSeq;
  const current = route();
  for (const a of document.querySelectorAll('.top nav a')) {
    a.classList.toggle('active', a.dataset.view === current.name || (current.name === 'trace' && a.dataset.view === 'traces'));
  }
  document.body.dataset.view = current.name;
  let content;
  try {
    content = await current.render();
  } catch (err) {
    content = [h('p', { class: 'error-text', 'data-testid': 'view-error' }, `Cannot load: ${err.message}`)];
  }
  if (seq !== renderSeq) return;
  if (current.refresh) scheduleRefresh();
  else clearTimeout(refreshTimer);
  // A background refresh must not wipe what the user is typing into a filter.
  if (background && view.contains(document.activeElement) && document.activeElement.matches('input, select')) return;
  view.replaceChildren(...[content].flat().filter(Boolean));
  view.dataset.loaded = String(Date.now());
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => (document.hidden ? scheduleRefresh() : render({ background: true })), REFRESH_MS);
}

async function updateStats() {
  try {
    const { stored } = await api('/api/stats');
    stats.textContent = `${stored.spans} spans · ${stored.points} metric points · ${stored.records} log records`;
  } catch {
    stats.textContent = 'collector unreachable';
  }
}

window.addEventListener('hashchange', () => render());
render();
updateStats();
setInterval(() => { if (!document.hidden) updateStats(); }, REFRESH_MS);
