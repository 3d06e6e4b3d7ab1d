// Date and time values of the app's forms (pure: no DOM, no clock of its own).

/** A `datetime-local` input's value for `date`, in the device's time zone. */
export function localInputValue(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A `datetime-local` input's value (the device's time) as ISO 8601 UTC, without milliseconds; "" for "". */
export function instant(value) {
  return value ? new Date(value).toISOString().replace(/\.\d{3}Z$/, "Z") : "";
}

/** A new Idempotency-Key: one per filled-in form, so a retry after a lost answer creates nothing twice. */
export function newKey() {
  return globalThis.crypto?.randomUUID ? globalThis.crypto.randomUUID() : String(Math.random()).slice(2);
}
