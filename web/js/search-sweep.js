// @ts-check
// The search panel's sweep: every seed of the range judged in Web Workers, as `raftsim sweep`
// judges it. Each worker holds the sweep's scenario and range (a wasm Sweep) and is handed
// chunks of seeds sized to take about CHUNK_MS; a chunk in which the engine panics (on wasm a
// panic kills the worker) is run again a seed at a time in a new worker, so the seed that
// panics is named, and the sweep carries on with the rest of the range. search.js draws the
// figures and the verdict.
import { app, guard } from "./app.js";
import { addFailure } from "./search-failures.js";
import { EngineWorker, isAbort } from "./workers.js";

/** Wall time a chunk of seeds should take in a worker: short enough for fresh progress and a
 * fair share at the end of the range, long enough that messages cost nothing. */
const CHUNK_MS = 150;
const CHUNK_SEEDS_MAX = 256;
/** The seeds with an unanswered linearizability check kept by number (the rest are counted). */
const UNKNOWN_KEPT_MAX = 1_000;

/**
 * Starts a sweep of `current.request` over `count` workers. `changed()` is called when the
 * figures moved, `stop(current, problem)` when the sweep must end (problem null: finished).
 */
export function startSweep(current, count, hooks) {
  Object.assign(current, { next: current.first, retry: [], msPerSeed: null, unknown: [], unknownCount: 0 });
  for (let started = 0; started < count; started += 1) startWorker(current, hooks);
}

function startWorker(current, hooks) {
  const entry = { engine: new EngineWorker(), chunk: null };
  current.workers.push(entry);
  entry.engine.call("sweep", { request: current.request }, { signal: current.controller.signal }).then(
    () => handOut(current, entry, hooks),
    (error) => {
      if (!isAbort(error)) hooks.stop(current, `A worker could not start: ${error.message}`);
    },
  );
}

/** Seeds for one chunk: about CHUNK_MS of work, and a fair share of what is left. */
function chunkSize(current) {
  const left = current.last - current.next + 1;
  const perWorker = Math.ceil(left / Math.max(1, current.workers.length));
  const byTime = current.msPerSeed ? Math.floor(CHUNK_MS / Math.max(current.msPerSeed, 0.01)) : 1;
  return Math.max(1, Math.min(byTime, CHUNK_SEEDS_MAX, perWorker, left));
}

function handOut(current, entry, hooks) {
  if (!current.running) return;
  if (current.retry.length > 0) {
    entry.chunk = { first: current.retry.shift(), count: 1 };
  } else if (current.next <= current.last) {
    entry.chunk = { first: current.next, count: chunkSize(current) };
    current.next += entry.chunk.count;
  } else {
    retire(current, entry, hooks);
    return;
  }
  const chunk = entry.chunk;
  entry.engine.call("seeds", chunk, { signal: current.controller.signal }).then(
    ({ reports, ms }) => {
      if (!current.running) return;
      record(current, reports, ms / chunk.count);
      hooks.changed();
      handOut(current, entry, hooks);
    },
    (error) => {
      if (!current.running || isAbort(error)) return;
      if (error.panic) crashed(current, entry, error.message, hooks);
      else hooks.stop(current, `The search stopped: ${error.message}`);
    },
  );
}

/** A worker with nothing left to do is stopped (its engine's memory goes back). */
function retire(current, entry, hooks) {
  entry.engine.terminate();
  current.workers = current.workers.filter((other) => other !== entry);
  if (current.workers.length === 0) hooks.stop(current, null);
}

function record(current, reports, msPerSeed) {
  current.done += reports.length;
  current.msPerSeed = current.msPerSeed === null ? msPerSeed : 0.7 * current.msPerSeed + 0.3 * msPerSeed;
  for (const report of reports) {
    current.events += report.events;
    if (report.verdict === "fails") {
      current.failing += 1;
      const check = report.violation.invariant;
      current.checks.set(check, (current.checks.get(check) ?? 0) + 1);
      if (addFailure(report)) current.listed.push(report);
    } else if (report.verdict === "panic") {
      // Natively the engine catches a panic; on wasm the worker dies instead (see `crashed`).
      const listed = { ...report, message: report.panic.message };
      current.panicked.push(listed);
      if (addFailure(listed)) current.listed.push(listed);
    } else if (report.verdict === "unknown") {
      current.unknownCount += 1;
      if (current.unknown.length < UNKNOWN_KEPT_MAX) current.unknown.push(report.seed);
    }
  }
}

/** The engine panicked in a worker (a bug in raftsim), which kills it: a chunk's seeds are run
 * again one at a time in a new worker, so the seed that panics is named, with a link to its
 * run. */
function crashed(current, entry, message, hooks) {
  const chunk = entry.chunk;
  current.workers = current.workers.filter((other) => other !== entry);
  entry.engine.terminate();
  if (chunk.count === 1) {
    const link = guard(() => {
      const probe = new app.wasm.Sweep(current.request);
      const seedLink = probe.seed_link(chunk.first);
      probe.free();
      return seedLink;
    }, "");
    current.done += 1;
    const report = { seed: chunk.first, verdict: "panic", message, link };
    current.panicked.push(report);
    if (addFailure(report)) current.listed.push(report);
  } else {
    for (let seed = chunk.first; seed < chunk.first + chunk.count; seed += 1) current.retry.push(seed);
  }
  startWorker(current, hooks);
}
