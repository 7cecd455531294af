// How the page writes times and counts. Units only: no protocol knowledge.

const numbers = new Intl.NumberFormat("en-US");

/** 12,345 */
export function count(value) {
  return numbers.format(value);
}

/** "1 entry", "3 entries": a count with its noun, singular or plural as given. */
export function counted(value, one, many) {
  return `${count(value)} ${value === 1 ? one : many}`;
}

/** A moment of simulated time, always in seconds to a tenth of a millisecond: "0.8372 s",
 * "67.6000 s", so times line up and compare at a glance. */
export function time(us) {
  return `${(us / 1_000_000).toFixed(4)} s`;
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

/** Seconds to a tenth of a millisecond, for the event feed: "12.3456". */
export function shortTimeFine(us) {
  return (us / 1_000_000).toFixed(4);
}
