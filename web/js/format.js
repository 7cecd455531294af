// How the page writes times and counts. Units only: no protocol knowledge.

const numbers = new Intl.NumberFormat("en-US");

/** 12,345 */
export function count(value) {
  return numbers.format(value);
}

/** Simulated microseconds as a person reads them: "0.4 ms", "12.345 ms", "1.2345 s", "2 min 5.1 s". */
export function time(us) {
  if (us < 1_000) return `${us} µs`;
  if (us < 1_000_000) return `${(us / 1_000).toFixed(us < 100_000 ? 3 : 1)} ms`;
  if (us < 60_000_000) return `${(us / 1_000_000).toFixed(4)} s`;
  const minutes = Math.floor(us / 60_000_000);
  return `${minutes} min ${((us - minutes * 60_000_000) / 1_000_000).toFixed(1)} s`;
}

/** A short time for axis ends and marks: "130 s", "1.5 s", "250 ms". */
export function shortTime(us) {
  if (us < 1_000_000) return `${Math.round(us / 1_000)} ms`;
  const seconds = us / 1_000_000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

/** "put x 3" for the ops the page sends (`{Put: {key, value}}`). */
export function op(value) {
  const [[variant, fields]] = Object.entries(value);
  const kind = variant.toLowerCase();
  if (kind === "get") return `get ${fields.key}`;
  if (kind === "cas") return `cas ${fields.key} ${JSON.stringify(fields.from)} → ${fields.to}`;
  return `${kind} ${fields.key} ${fields.value}`;
}

/** Seconds to the millisecond, for the event feed: "12.345 s". */
export function shortTimeFine(us) {
  return `${(us / 1_000_000).toFixed(3)} s`;
}
