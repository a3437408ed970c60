import { checkout } from './cart.js';

export function run(items) {
  return checkout({ items }); // CALL checkout
}

export function runBroken() {
  return run([{ sku: 'tea', price: 3, qty: 1 }, { sku: 'cake', qty: 2 }]); // CALL run
}
