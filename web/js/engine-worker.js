// A Web Worker with its own instance of the engine (a module worker of the page's own origin,
// as the Content-Security-Policy's worker-src asks). It runs what the page hands it and posts
// the results; workers.js starts and stops it. The work itself is the engine's: a Hunt judges
// seeds as `raftsim sweep` does, a ShrinkJob is `raftsim shrink` one rerun at a time,
// rust_test writes what `raftsim replay --rust-test` prints, and a check is the
// linearizability checker on a run's history or a Jepsen file, off the frame loop.
import init, { GuidedSearch, Hunt, ShrinkJob, check_history_file, check_run_history, last_panic, rust_test } from "../pkg/raftsim_wasm.js";

/** How often a shrink reports its progress, at most. */
const SHRINK_PROGRESS_MS = 100;

let hunt = null;
/** This worker's part of a guided hunt (GuidedSearch), if it runs one. */
let guided = null;

function post(message, transfer = []) {
  self.postMessage(message, transfer);
}

/** One round of this worker's guided hunt: its report, and the signatures it reached first. */
function runRound() {
  const started = performance.now();
  const report = guided.round();
  const signatures = guided.take_signatures();
  post({ type: "round", report, signatures, ms: performance.now() - started }, [signatures.buffer]);
}

function runSeeds({ first, count }) {
  const started = performance.now();
  const reports = hunt.run_seeds(first, count);
  post({ type: "seeds", first, count, reports, ms: performance.now() - started });
}

function runShrink({ link }) {
  const started = performance.now();
  const job = new ShrinkJob(link);
  post({ type: "shrink-progress", progress: job.progress() });
  let postedAt = performance.now();
  while (job.step()) {
    const now = performance.now();
    if (now - postedAt >= SHRINK_PROGRESS_MS) {
      post({ type: "shrink-progress", progress: job.progress() });
      postedAt = now;
    }
  }
  post({ type: "shrink-progress", progress: job.progress() });
  const result = job.finish();
  job.free();
  post({ type: "shrunk", result, ms: performance.now() - started });
}

const JOBS = {
  async init({ module }) {
    await init({ module_or_path: module });
    post({ type: "ready" });
  },
  hunt({ request }) {
    hunt?.free();
    hunt = new Hunt(request);
  },
  seeds: runSeeds,
  guided({ request, shard, shards }) {
    guided?.free();
    guided = new GuidedSearch(request, shard, shards);
    post({ type: "guided", shard: guided.shard() });
  },
  round: runRound,
  shrink: runShrink,
  "rust-test": ({ link }) => post({ type: "rust-test", exported: rust_test(link) }),
  check: runCheck,
};

/** A linearizability check: of a run's history (JSON, as the engine wrote it) or of a history
 * file's text against a model. */
function runCheck({ id, operations, text, model }) {
  const started = performance.now();
  const result = operations !== undefined ? check_run_history(operations) : check_history_file(text, model);
  post({ type: "checked", id, result, ms: performance.now() - started });
}

self.onmessage = async ({ data }) => {
  try {
    await JOBS[data.type](data);
  } catch (error) {
    // A panic is a bug in the engine, and this instance cannot be used after it.
    const panic = typeof last_panic === "function" ? safely(last_panic) : null;
    post({ type: panic ? "crashed" : "failed", message: panic ?? String(error?.message ?? error), job: data.type, first: data.first, id: data.id });
  }
};

function safely(read) {
  try {
    return read() ?? null;
  } catch {
    return null;
  }
}
