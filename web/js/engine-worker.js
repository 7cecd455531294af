// @ts-check
// A Web Worker with its own instance of the engine (a module worker of the page's own origin,
// as the Content-Security-Policy's worker-src asks). It runs the jobs workers.js's `call`
// hands it, one at a time, and posts each one's result, progress or failure under the call's
// id. The work itself is the engine's: a Sweep judges seeds as `raftsim sweep` does, a Hunt is
// `raftsim hunt` a round at a time, a ShrinkJob is `raftsim shrink` one rerun at a time,
// rust_test writes what `raftsim replay --rust-test` prints, and a check is the
// linearizability checker on a run's history or a Jepsen file, off the frame loop.
import init, { Hunt, ShrinkJob, Sweep, check_history_file, check_run_history, last_panic, rust_test } from "../pkg/raftsim_wasm.js";

/** How often a shrink reports its progress, at most. */
const SHRINK_PROGRESS_MS = 100;

/** This worker's sweep, if it runs one (its scenario and range, handed chunks of seeds). */
/** @type {Sweep | null} */
let sweep = null;
/** This worker's part of a hunt, if it runs one. */
/** @type {Hunt | null} */
let hunt = null;
/** The hunt's run being run, named before it starts: if the engine panics in it (on wasm a
 * panic kills the instance), the failure names the run. */
/** @type {import("../pkg/raftsim_wasm.js").HuntPlannedRun | null} */
let running = null;

/** The jobs, by name: each takes its arguments and a way to report progress, and returns its
 * result. */
const JOBS = {
  async init({ module }) {
    await init({ module_or_path: module });
    return null;
  },
  sweep({ request }) {
    sweep?.free();
    sweep = new Sweep(request);
    return { first: sweep.first_seed(), last: sweep.last_seed() };
  },
  seeds({ first, count }) {
    const started = performance.now();
    const reports = sweep.run_seeds(first, count);
    return { reports, ms: performance.now() - started };
  },
  hunt({ request, shard, shards }) {
    hunt?.free();
    hunt = new Hunt(request, shard, shards);
    return hunt.shard();
  },
  round() {
    const started = performance.now();
    for (const run of hunt.plan_round()) {
      running = run;
      hunt.run_planned();
    }
    running = null;
    const report = hunt.finish_round();
    const signatures = hunt.take_signatures();
    return { report, signatures, ms: performance.now() - started };
  },
  shrink: runShrink,
  "rust-test": ({ link }) => rust_test(link),
  "check-run": ({ operations, raised = false }) => timed(() => check_run_history(operations, raised)),
  "check-file": ({ text, model, raised = false }) => timed(() => check_history_file(text, model, raised)),
};

/** A check's result and the time it took. */
function timed(check) {
  const started = performance.now();
  const result = check();
  return { result, ms: performance.now() - started };
}

function runShrink({ link }, progress) {
  const started = performance.now();
  const job = new ShrinkJob(link);
  progress(job.progress());
  let reportedAt = performance.now();
  while (job.step()) {
    const now = performance.now();
    if (now - reportedAt >= SHRINK_PROGRESS_MS) {
      progress(job.progress());
      reportedAt = now;
    }
  }
  progress(job.progress());
  const result = job.finish();
  job.free();
  return { result, ms: performance.now() - started };
}

/** The buffers of a result's typed arrays, moved rather than copied. */
function buffers(result) {
  if (!result || typeof result !== "object") return [];
  return Object.values(result).filter((value) => ArrayBuffer.isView(value)).map((view) => view.buffer);
}

self.onmessage = async ({ data: { id, job, args } }) => {
  running = null;
  try {
    const progress = (report) => self.postMessage({ id, type: "progress", progress: report });
    const result = await JOBS[job](args, progress);
    self.postMessage({ id, type: "result", result }, { transfer: buffers(result) });
  } catch (error) {
    // A panic is a bug in the engine, and this instance cannot be used after it.
    const panic = typeof last_panic === "function" ? safely(last_panic) : null;
    self.postMessage({ id, type: "error", message: panic ?? String(error?.message ?? error), panic: Boolean(panic), running: panic ? running : null });
  }
};

function safely(read) {
  try {
    return read() ?? null;
  } catch {
    return null;
  }
}
