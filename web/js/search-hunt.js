// @ts-check
// The search panel's hunt: `raftsim hunt` in Web Workers. The engine splits the seed range
// into one part per worker, and each worker runs a whole hunt on its part, a round at a time
// (a wasm Hunt: fresh seeds, and forks of worlds where a run first reached a new abstract
// state). This module starts the parts, hands out rounds, lists what they find and unions
// their coverage; search.js draws the figures and the verdict.
import { guard } from "./app.js";
import { addFailure } from "./search-failures.js";
import { EngineWorker, isAbort } from "./workers.js";

/**
 * Starts a hunt of `current.request` over `parts` workers. `changed()` is called when the
 * figures moved, `stop(current, problem)` when the hunt must end (problem null: finished).
 */
export function startHunt(current, parts, hooks) {
  current.parts = [];
  current.signatures = new Set();
  current.forked = 0;
  current.stoppedParts = 0;
  for (let index = 0; index < parts; index += 1) startPart(current, index, parts, hooks);
}

function startPart(current, index, count, hooks) {
  const part = { index, engine: new EngineWorker(), shard: null, runs: 0, forked: 0, events: 0, signatures: 0, finished: false };
  current.parts.push(part);
  current.workers.push(part);
  const { signal } = current.controller;
  part.engine.call("hunt", { request: current.request, shard: index, shards: count }, { signal }).then(
    (shard) => {
      part.shard = shard;
      nextRound(current, part, hooks);
    },
    (error) => {
      if (!isAbort(error)) hooks.stop(current, `A worker could not start: ${error.message}`);
    },
  );
}

function nextRound(current, part, hooks) {
  if (!current.running) return;
  part.engine.call("round", {}, { signal: current.controller.signal }).then(
    (round) => {
      if (!current.running) return;
      record(current, part, round);
      hooks.changed();
      if (part.finished) retire(current, part, hooks);
      else nextRound(current, part, hooks);
    },
    (error) => {
      if (!current.running || isAbort(error)) return;
      if (error.panic) panicked(current, part, error, hooks);
      else hooks.stop(current, `The search stopped: ${error.message}`);
    },
  );
}

/** Takes in a round's report: the part's figures, its failures, the states it reached first. */
function record(current, part, { report, signatures }) {
  part.runs = report.runs;
  part.forked = report.forked_runs;
  part.events = report.events;
  part.signatures = report.signatures;
  part.finished = report.finished;
  for (const signature of signatures) current.signatures.add(signature);
  current.done = sum(current.parts, "runs");
  current.forked = sum(current.parts, "forked");
  current.events = sum(current.parts, "events");
  for (const found of report.found) {
    const key = `${part.index}-${found.run}`;
    if (found.panic) {
      // Natively the engine catches a panic; on wasm it kills the worker (see `panicked`).
      listPanic(current, { ...found, verdict: "panic", message: found.panic.message, key, worker: part.index + 1 });
      continue;
    }
    current.failing += 1;
    const check = found.violation.invariant;
    current.checks.set(check, (current.checks.get(check) ?? 0) + 1);
    const listed = { ...found, verdict: "fails", key, worker: part.index + 1 };
    if (guard(() => addFailure(listed), false)) current.listed.push(listed);
  }
}

/** The engine panicked in a part's worker (a bug in raftsim), which kills it: the run it was
 * on is listed as a panic with its link, and the hunt carries on with the other parts (this
 * part's runs after it are not taken: a new worker would replay its hunt to the same panic). */
function panicked(current, part, error, hooks) {
  const run = error.running;
  const message = `${error.message} (in ${describePart(part)})`;
  if (run) listPanic(current, { ...run, verdict: "panic", message, key: `${part.index}-${run.run}`, worker: part.index + 1 });
  else listPanic(current, { seed: part.shard?.seeds_from ?? current.first, verdict: "panic", message, link: null, key: `${part.index}-panic`, worker: part.index + 1 });
  current.stoppedParts += 1;
  retire(current, part, hooks);
}

function listPanic(current, report) {
  current.panicked.push(report);
  if (guard(() => addFailure(report), false)) current.listed.push(report);
}

/** A part as the `raftsim hunt` arguments that repeat it (the form gives the rest). */
function describePart(part) {
  if (!part.shard) return `part ${part.index + 1}`;
  const { seeds_from: from, runs, round, hunt_seed: seed } = part.shard;
  return `raftsim hunt --seeds-from ${from} --runs ${runs} --round ${round} --hunt-seed ${seed}, after ${part.runs} runs`;
}

function sum(parts, field) {
  return parts.reduce((total, part) => total + part[field], 0);
}

/** A part that has taken its runs stops (its engine's memory, forks and all, goes back). */
function retire(current, part, hooks) {
  part.engine.terminate();
  current.workers = current.workers.filter((other) => other !== part);
  if (current.workers.length === 0) hooks.stop(current, null);
}
