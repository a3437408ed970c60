// A small app to minify: three nested calls, the innermost throws (line numbers are checked
// by the tests against the markers in the comments, so keep the markers on their lines).
export function checkout(cart) {
  const total = totalOf(cart.items); // CALL totalOf
  return formatTotal(total);
}

function totalOf(items) {
  let sum = 0;
  for (const item of items) sum += priceOf(item); // CALL priceOf
  return sum;
}

function priceOf(item) {
  if (typeof item.price !== 'number') {
    throw new TypeError(`no price for ${item.sku}`); // THROW
  }
  return item.price * item.qty;
}

function formatTotal(n) {
  return `${n.toFixed(2)} EUR`;
}
