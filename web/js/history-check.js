// @ts-check
// The live verdict of the run's history: whenever the history changes, it is sent to a worker
// for the linearizability check the run's own end would do, at most every CHECK_INTERVAL_MS and
// one check at a time; the answer is kept with the history it judged, and the timeline marks
// its counterexample.
import { app, guard } from "./app.js";
import { historyView } from "./history-view.js";
import { EngineWorker, isAbort } from "./workers.js";

/** A run's history is sent for a new check at most this often. */
const CHECK_INTERVAL_MS = 250;

/**
 * The run's checks: what was last sent and what came back. A new run aborts the one under
 * way (its worker stops) and starts afresh.
 */
const runCheck = {
  sentSignature: "",
  sentAt: 0,
  inFlight: false,
  /** When (performance.now()) the check under way was sent. */
  inFlightSince: 0,
  /** The user cancelled the live check: none is sent until they ask again. */
  cancelled: false,
  /** The check under way is one with the raised budgets. */
  raising: false,
  /** @type {any} */
  result: null,
  /** The history signature the result judged. */
  signature: "",
  ms: 0,
  /** @type {AbortController} */
  controller: new AbortController(),
  /** @type {EngineWorker | null} */
  worker: null,
};

/** Figures the tests and the benchmark read: the last check of each kind and its time. */
export const historyMetrics = { runChecks: 0, fileChecks: 0, lastRunCheckMs: /** @type {number | null} */ (null), lastFileCheckMs: /** @type {number | null} */ (null) };

/** The last answer for the run's history and the signature it judged, or null. */
export function runVerdict() {
  return runCheck.result ? { result: runCheck.result, ms: runCheck.ms, signature: runCheck.signature } : null;
}

/** Forgets the run's checks (a new run is on screen); the one under way is cancelled. */
export function resetRunCheck() {
  runCheck.controller.abort();
  runCheck.worker = null;
  Object.assign(runCheck, { sentSignature: "", sentAt: 0, inFlight: false, cancelled: false, raising: false, result: null, signature: "", controller: new AbortController() });
  guard(() => historyView().set_counterexample(null));
}

/** The worker that checks the run's history, started on first use. */
function worker() {
  if (!runCheck.worker?.alive) runCheck.worker = new EngineWorker();
  return runCheck.worker;
}

/**
 * Sends the run's history for a check when it changed and no check is under way; `changed()`
 * is called when an answer arrives, `failed(message)` when a check fails.
 * @param {number} now @param {{changed: () => void, failed: (message: string) => void}} hooks
 */
export function maybeCheckRun(now, hooks) {
  const sim = app.sim;
  if (!sim || runCheck.inFlight || runCheck.cancelled || now - runCheck.sentAt < CHECK_INTERVAL_MS) return;
  const signature = guard(() => sim.history_signature());
  if (!signature || signature === runCheck.sentSignature || signature.startsWith("0:")) return;
  const started = performance.now();
  const operations = guard(() => sim.history_for_check());
  if (operations === undefined) return;
  // Writing out a long history costs the frame loop: wait in proportion before the next one,
  // so the live check takes at most about 2% of the page's time.
  const spentMs = performance.now() - started;
  Object.assign(runCheck, { sentSignature: signature, sentAt: now + 50 * spentMs, inFlight: true, inFlightSince: performance.now() });
  const { signal } = runCheck.controller;
  worker().call("check-run", { operations }, { signal }).then(
    ({ result, ms }) => answered(signal, signature, result, ms, hooks),
    (error) => refused(signal, error, hooks),
  );
}

/** The live check under way: how long it has run, in ms, or null when none is; and whether
 * the user cancelled the live check (with its worker alive or not). */
export function runChecking() {
  return {
    runningMs: runCheck.inFlight ? performance.now() - runCheck.inFlightSince : null,
    cancelled: runCheck.cancelled,
    raising: runCheck.raising,
    workerAlive: Boolean(runCheck.worker?.alive),
  };
}

/**
 * Checks the run's history as it stands once with the raised budgets, in a worker of its own
 * (its memory is given back when it ends); the live check waits until it has answered.
 * @param {{changed: () => void, failed: (message: string) => void}} hooks
 */
export function raiseRunCheck(hooks) {
  const sim = app.sim;
  if (!sim) return;
  runCheck.controller.abort();
  const controller = new AbortController();
  const signature = guard(() => sim.history_signature());
  const operations = guard(() => sim.history_for_check());
  if (signature === undefined || operations === undefined) return;
  const engine = new EngineWorker();
  Object.assign(runCheck, { controller, worker: engine, sentSignature: signature, inFlight: true, inFlightSince: performance.now(), cancelled: false, raising: true });
  const { signal } = controller;
  engine.call("check-run", { operations, raised: true }, { signal }).then(
    ({ result, ms }) => {
      engine.terminate();
      answered(signal, signature, result, ms, hooks);
    },
    (error) => {
      engine.terminate();
      refused(signal, error, hooks);
    },
  );
}

/** Cancels the live check: its worker is terminated at once, and no check is sent until
 * `resumeRunCheck`. */
export function cancelRunCheck() {
  runCheck.controller.abort();
  runCheck.worker?.terminate();
  Object.assign(runCheck, { inFlight: false, cancelled: true, raising: false, sentSignature: "", controller: new AbortController() });
}

/** Lets the live check run again after a cancel. */
export function resumeRunCheck() {
  runCheck.cancelled = false;
}

function answered(signal, signature, result, ms, hooks) {
  if (signal.aborted) return;
  runCheck.inFlight = false;
  runCheck.raising = false;
  historyMetrics.runChecks += 1;
  historyMetrics.lastRunCheckMs = ms;
  Object.assign(runCheck, { result, signature, ms });
  guard(() => historyView().set_counterexample(result.counterexample ? result : null));
  app.dirty = true;
  hooks.changed();
}

function refused(signal, error, hooks) {
  if (signal.aborted || isAbort(error)) return;
  runCheck.inFlight = false;
  runCheck.raising = false;
  historyMetrics.runChecks += 1;
  hooks.failed(error.message);
}
