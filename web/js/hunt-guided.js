// The hunt panel's guided search: `raftsim hunt` in Web Workers. The engine splits the seed
// range into one part per worker, and each worker runs a whole guided hunt on its part, a
// round at a time (GuidedSearch: fresh seeds, and forks of worlds where a run first reached a
// new abstract state). This module starts the parts, hands out rounds, lists what they find
// and unions their coverage; hunt.js draws the figures and the verdict.
import { guard } from "./app.js";
import { addFailure } from "./hunt-failures.js";
import { EngineWorker } from "./workers.js";

/**
 * Starts a guided hunt of `current.request` over `parts` workers. `changed()` is called when
 * the figures moved, `stop(current, problem)` when the hunt must end (problem null: finished).
 */
export function startGuided(current, parts, { changed, stop }) {
  current.parts = [];
  current.signatures = new Set();
  current.forked = 0;
  for (let index = 0; index < parts; index += 1) startPart(current, index, parts, { changed, stop });
}

function startPart(current, index, count, hooks) {
  const part = { index, engine: null, shard: null, runs: 0, forked: 0, events: 0, signatures: 0, finished: false };
  part.engine = new EngineWorker((message) => heard(current, part, message, hooks));
  current.parts.push(part);
  current.workers.push(part);
  part.engine.ready.then(() => {
    if (!current.running) return;
    part.engine.post({ type: "guided", request: current.request, shard: index, shards: count });
    part.engine.post({ type: "round" });
  }, (error) => hooks.stop(current, `A worker could not start: ${error.message}`));
}

function heard(current, part, message, hooks) {
  if (!current.running) return;
  if (message.type === "guided") {
    part.shard = message.shard;
  } else if (message.type === "round") {
    record(current, part, message);
    hooks.changed();
    if (part.finished) retire(current, part, hooks);
    else part.engine.post({ type: "round" });
  } else if (message.type === "crashed") {
    hooks.stop(current, `The engine crashed in worker ${part.index + 1}'s hunt, a bug in raftsim: please report it with the hunt's form and this part (${describePart(part)}). ${message.message}`);
  } else if (message.type === "failed") {
    hooks.stop(current, `The hunt stopped: ${message.message}`);
  }
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
    current.failing += 1;
    const check = found.violation.invariant;
    current.checks.set(check, (current.checks.get(check) ?? 0) + 1);
    const listed = { ...found, verdict: "fails", key: `${part.index}-${found.run}`, worker: part.index + 1 };
    if (guard(() => addFailure(listed), false)) current.listed.push(listed);
  }
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
