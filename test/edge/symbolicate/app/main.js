import { checkout } from './cart.js';

// No call on the way to the throw is in tail position (a minifier would not keep it out of
// one by itself): JavaScriptCore drops the frames of strict-mode tail calls.
export function run(items) {
  const receipt = checkout({ items }); // CALL checkout
  return { items, receipt };
}

export function runBroken() {
  const order = run([{ sku: 'tea', price: 3, qty: 1 }, { sku: 'cake', qty: 2 }]); // CALL run
  return order.receipt;
}
