// @ts-check
// How the page writes counts, and the engine's words for times and operations: a time and an
// operation are written by the engine (raftsim_core::words), so they read the same on the page,
// in the feed, in messages and on the command line.
import { app } from "./app.js";

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
 * "67.6000 s", so times line up and compare at a glance. @param {number} us */
export function time(us) {
  return app.wasm.instant_words(us);
}

/** A moment rounded for a glance (axis ends, list entries): "130 s", "1.5 s", "250 ms".
 * @param {number} us */
export function shortTime(us) {
  return app.wasm.instant_rounded_words(us);
}

/** An operation the page sends (`{Put: {key, value}}`) in the engine's short form: "put x 3".
 * @param {import("../pkg/raftsim_wasm.js").Op} value */
export function op(value) {
  return app.wasm.op_words(value);
}

/** A moment without its unit, for the event feed's time column: "12.3456". @param {number} us */
export function shortTimeFine(us) {
  return app.wasm.instant_words(us).replace(/ s$/, "");
}
