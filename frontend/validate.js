// validate.js: the order request rules of POST /create_order (docs/EVENTS.md), checked
// in the browser before anything is sent, with the API's own error messages (in English;
// in the page's language when it is another, from i18n.js). Mirrors
// lab::OrderRequest::fromJson (shared/lab/contract/events.cpp) so a form that passes here is
// never answered 400 by the service.

import { t } from './i18n.js';

export const MAX_ORDER_ID = 9007199254740991n; // 2^53 - 1, the largest exact JSON integer
export const MAX_ITEM_LENGTH = 200;              // UTF-16 code units after trimming, like QString::size()
export const MAX_QUANTITY = 1000000;

// QString::trimmed() removes what QChar::isSpace() calls space: ASCII \t..\r and space,
// U+0085, U+00A0 and every Unicode separator (Zs, Zl, Zp). JavaScript's trim() differs
// (it also removes U+FEFF and keeps U+0085), hence our own.
const SPACE = '[\\t\\n\\v\\f\\r \\u0085\\p{Zs}\\p{Zl}\\p{Zp}]';
const LEADING = new RegExp(`^${SPACE}+`, 'u');
const TRAILING = new RegExp(`${SPACE}+$`, 'u');
// Other_Control (C0/C1) or an unpaired surrogate, as hasControlOrBrokenText().
const CONTROL_OR_BROKEN = /[\p{Cc}\p{Cs}]/u;

export function qtTrim(text) {
  return String(text).replace(LEADING, '').replace(TRAILING, '');
}

/** Parses the order id field; {value: Number} or {error}. */
export function parseOrderId(raw) {
  const error = t('validate.idRange', { max: MAX_ORDER_ID });
  const text = qtTrim(raw ?? '');
  if (text === '') return { error: t('validate.idRequired') };
  if (!/^[0-9]+$/.test(text)) return { error };
  const big = BigInt(text);
  if (big < 1n || big > MAX_ORDER_ID) return { error };
  return { value: Number(big) };
}

/** Parses the item field; {value: trimmed string} or {error}. */
export function parseItem(raw) {
  const text = qtTrim(raw ?? '');
  if (text === '') return { error: t('validate.itemEmpty') };
  if (text.length > MAX_ITEM_LENGTH) return { error: t('validate.itemLength', { max: MAX_ITEM_LENGTH }) };
  if (CONTROL_OR_BROKEN.test(text)) return { error: t('validate.itemControl') };
  return { value: text };
}

/** Parses the quantity field; {value: Number} or {error}. */
export function parseQuantity(raw) {
  const error = t('validate.quantityRange', { max: MAX_QUANTITY });
  const text = qtTrim(raw ?? '');
  if (text === '') return { error: t('validate.quantityRequired') };
  if (!/^[0-9]+$/.test(text)) return { error };
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_QUANTITY) return { error };
  return { value: n };
}

/**
 * Validates the three form fields. Returns {order, errors} where order is the request
 * body to send (only when errors is empty) and errors maps a field name to its message.
 */
export function validateOrder({ order_id, item, quantity }) {
  const fields = {
    order_id: parseOrderId(order_id),
    item: parseItem(item),
    quantity: parseQuantity(quantity),
  };
  const errors = {};
  for (const [name, result] of Object.entries(fields)) {
    if (result.error) errors[name] = result.error;
  }
  if (Object.keys(errors).length) return { order: null, errors };
  return {
    order: { order_id: fields.order_id.value, item: fields.item.value, quantity: fields.quantity.value },
    errors,
  };
}

/**
 * A fresh order id that is unlikely to have been used: tenths of a second since 2025
 * times 100, plus a random part (about 12 digits, readable in the feed).
 */
export function suggestOrderId(now = Date.now(), random = Math.random()) {
  const tenths = Math.max(0, Math.floor((now - Date.UTC(2025, 0, 1)) / 100));
  return tenths * 100 + Math.floor(random * 100) + 1;
}
