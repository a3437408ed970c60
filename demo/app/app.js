// The demo shop: a small single-page app, no framework. Three routes (/, /products, /cart)
// through history.pushState, each rendered from the API on this origin (/api/*, served by the
// edge worker, which calls the upstream). Plume is already running when this runs, started by
// the page: the snippet (snippet.html) or the ESM import (esm.html). The app does nothing for
// Plume: fetches, route changes, errors and Web Vitals are all picked up on their own.

const view = document.getElementById('view');
const statusLine = document.getElementById('status');
const lastTrace = document.getElementById('last-trace');
const loader = document.body.dataset.loader;

// A reload of /products or /cart gets the page the visitor came in through (demo/worker reads it).
document.cookie = `demo-loader=${loader}; path=/; SameSite=Lax`;

/** h('p', { class: 'x', onclick }, 'text', node, [more]) */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  el.append(...children.flat(Infinity).filter((c) => c !== undefined && c !== null && c !== false).map((c) => (c instanceof Node ? c : String(c))));
  return el;
}

const money = (n) => `€${Number(n).toFixed(2)}`;

function setStatus(text, kind = 'info') {
  statusLine.textContent = text;
  statusLine.dataset.kind = kind;
}

// ---- the API

let viewer = '';
fetch('/api/config').then((r) => r.json()).then((c) => { viewer = c.viewer ?? ''; }, () => {});

/** traceparent out of the worker's `Server-Timing: traceparent;desc="00-<trace>-<span>-01"`. */
function showTrace(res, what) {
  const m = /traceparent;desc="?00-([0-9a-f]{32})-/.exec(res.headers.get('server-timing') ?? '');
  if (!m) return;
  lastTrace.replaceChildren(`${what} → trace `, h('code', {}, m[1].slice(0, 12) + '…'),
    ...(viewer ? [' · ', h('a', { href: `${viewer}/#/trace/${m[1]}`, target: '_blank', rel: 'noopener' }, 'open it in the viewer')] : []));
}

async function api(path, init) {
  const res = await fetch(path, init);
  showTrace(res, `${init?.method ?? 'GET'} ${path}`);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error ?? `${path} answered ${res.status}`);
  return body;
}

// ---- the routes

const card = (p, button) => h('article', { class: 'card', 'data-testid': 'product', 'data-id': p.id },
  h('h3', {}, p.name), h('p', { class: 'muted' }, p.description), h('p', { class: 'price' }, money(p.price)), button);

const addButton = (p) => h('button', {
  type: 'button', 'data-testid': 'add-to-cart',
  async onclick(e) {
    const button = e.currentTarget;
    button.disabled = true;
    try {
      const { count } = await api('/api/cart', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: p.id }) });
      document.getElementById('cart-count').textContent = String(count);
      setStatus(`${p.name} is in your cart`);
    } catch (err) {
      setStatus(err.message, 'error');
    } finally {
      button.disabled = false;
    }
  },
}, 'Add to cart');

const routes = {
  async '/'() {
    const { products } = await api('/api/products?featured=1');
    return [
      h('h1', {}, 'Stationery for observability people'),
      h('p', { class: 'lead' }, 'Every click here is traced by Plume: from this page, through the edge worker, to the upstream, into the dev collector. ',
        'Move between the pages, add something to the cart, press the buttons above, then look at the viewer.'),
      h('h2', {}, 'Featured'),
      h('div', { class: 'grid' }, products.map((p) => card(p, addButton(p)))),
    ];
  },
  async '/products'() {
    const { products } = await api('/api/products');
    return [h('h1', {}, 'Products'), h('div', { class: 'grid' }, products.map((p) => card(p, addButton(p))))];
  },
  async '/cart'() {
    const { items, total } = await api('/api/cart');
    document.getElementById('cart-count').textContent = items.length ? String(items.reduce((a, i) => a + i.qty, 0)) : '';
    if (!items.length) return [h('h1', {}, 'Cart'), h('p', { class: 'muted', 'data-testid': 'cart-empty' }, 'Your cart is empty.')];
    return [
      h('h1', {}, 'Cart'),
      h('table', { class: 'cart', 'data-testid': 'cart' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Item'), h('th', { class: 'num' }, 'Qty'), h('th', { class: 'num' }, 'Price'))),
        h('tbody', {}, items.map((i) => h('tr', { 'data-testid': 'cart-row' }, h('td', {}, i.name), h('td', { class: 'num' }, i.qty), h('td', { class: 'num' }, money(i.qty * i.price))))),
        h('tfoot', {}, h('tr', {}, h('th', {}, 'Total'), h('th', {}), h('th', { class: 'num', 'data-testid': 'cart-total' }, money(total))))),
      h('p', { class: 'muted' }, 'Checking out fails, always: the payment service is down. Try "Reject a promise".'),
    ];
  },
};

// /snippet.html and /esm.html are the home route under another name.
const routeOf = (path) => (Object.hasOwn(routes, path) ? path : '/');

let rendering = 0;
async function render() {
  const route = routeOf(location.pathname);
  const id = ++rendering;
  view.dataset.state = 'loading';
  view.dataset.route = route;
  for (const a of document.querySelectorAll('nav a[data-route]')) a.classList.toggle('active', routeOf(a.pathname) === route);
  try {
    const nodes = await routes[route]();
    if (id !== rendering) return;
    view.replaceChildren(...nodes);
    view.dataset.state = 'ready';
  } catch (err) {
    if (id !== rendering) return;
    view.replaceChildren(h('p', { class: 'error-text' }, `Could not load this page: ${err.message}`));
    view.dataset.state = 'error';
  }
}

function navigate(path) {
  if (path !== location.pathname) history.pushState(null, '', path);
  window.scrollTo(0, 0);
  void render();
}

document.addEventListener('click', (e) => {
  const a = e.target instanceof Element ? e.target.closest('a[data-route]') : null;
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(a.pathname);
});
addEventListener('popstate', () => void render());

// ---- the buttons

const coupons = [];

// An uncaught TypeError thrown from an event handler.
document.getElementById('throw').addEventListener('click', () => {
  setStatus('Applying coupon SPRING…');
  const coupon = coupons.find((c) => c.code === 'SPRING'); // there is none: undefined
  setStatus(`SPRING: ${coupon.percent}% off`);               // TypeError: … reading 'percent'
});

async function checkout() {
  const res = await fetch('/api/checkout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  showTrace(res, 'POST /api/checkout');
  if (!res.ok) throw new Error(`Checkout failed: the payment service answered ${res.status}`);
  setStatus('Paid. (This never happens.)');
}

// An unhandled rejection: nobody catches the failed checkout.
document.getElementById('reject').addEventListener('click', () => {
  setStatus('Checking out…');
  void checkout();
});

document.getElementById('slow').addEventListener('click', async () => {
  setStatus('Asking the slow way…');
  const t0 = performance.now();
  try {
    await api('/api/products?slow=1');
    setStatus(`The slow request took ${((performance.now() - t0) / 1000).toFixed(1)} s`, 'slow');
  } catch (err) {
    setStatus(err.message, 'error');
  }
});

// The app only reports what went wrong; Plume records it (these listeners do not handle anything).
addEventListener('error', (e) => setStatus(`Uncaught ${e.error?.name ?? 'error'}: ${e.message.replace(/^Uncaught \w*:?\s*/, '')}`, 'error'));
addEventListener('unhandledrejection', (e) => setStatus(`Unhandled rejection: ${e.reason?.message ?? e.reason}`, 'error'));

// ---- which Plume this page runs

const other = loader === 'esm' ? ['/snippet.html', 'the script-tag page'] : ['/esm.html', 'the ESM page'];
document.querySelector('.loader').replaceChildren(
  `Plume via ${loader === 'esm' ? 'ESM import' : 'script-tag snippet'} · `, h('a', { href: other[0], 'data-testid': 'switch-loader' }, `switch to ${other[1]}`));

void render();
