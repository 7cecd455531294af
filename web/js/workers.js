// @ts-check
// Web Workers that each run their own instance of the engine (engine-worker.js), for work that
// takes longer than a frame: sweeping and hunting seeds, shrinking a failing run, judging a run
// to its end for an export, checking a history's linearizability. The module is compiled once
// here and handed to every worker, which only instantiates it.
//
// One way to use a worker: `call(job, args, options)` → a promise of the job's result, as
// comlink offers. A worker that keeps state between jobs (a sweep's scenario, a hunt's rounds)
// is an `EngineWorker` whose `call`s run in order; a one-off job is `call` itself, which starts
// a worker for it and stops it after. Aborting the options' `signal` terminates the worker at
// once (the engine needs no cooperation) and rejects its calls with an `AbortError`.

/** The engine's compiled module, shared by every worker (compiled on first use). */
/** @type {Promise<WebAssembly.Module> | null} */
let compiled = null;

function compiledEngine() {
  if (!compiled) {
    const url = new URL("../pkg/raftsim_wasm_bg.wasm", import.meta.url);
    compiled = WebAssembly.compileStreaming(fetch(url)).catch(async () => {
      // A server that does not send application/wasm: compile from the bytes instead.
      const response = await fetch(url);
      return WebAssembly.compile(await response.arrayBuffer());
    });
    compiled.catch(() => { compiled = null; });
  }
  return compiled;
}

/** How many workers a search may run: one per core the browser reports, at most `max`. */
export function workerCount(max) {
  const cores = Number(navigator.hardwareConcurrency) || 1;
  return Math.max(1, Math.min(cores, max));
}

/**
 * A job that failed in a worker: `panic` when the engine panicked (a bug in raftsim; that
 * instance cannot be used again, so its worker is stopped), and then `running`, what the job
 * said it was running when it panicked (a hunt's run), if it said.
 */
export class JobError extends Error {
  /** @param {string} message @param {boolean} panic @param {any} [running] */
  constructor(message, panic, running = null) {
    super(message);
    this.name = "JobError";
    this.panic = panic;
    this.running = running;
  }
}

/**
 * @typedef {object} CallOptions
 * @property {AbortSignal} [signal] aborting it terminates the worker and rejects the call
 * @property {(progress: any) => void} [onProgress] hears the job's progress reports
 */

/** One worker with its engine; its calls run one after the other. */
export class EngineWorker {
  constructor() {
    /** @type {Map<number, {resolve: (value: any) => void, reject: (error: Error) => void, onProgress?: (progress: any) => void, settled: () => void}>} */
    this.pending = new Map();
    this.nextCall = 1;
    this.alive = true;
    this.worker = new Worker(new URL("./engine-worker.js", import.meta.url), { type: "module" });
    this.worker.onmessage = ({ data }) => this.heard(data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.stop(new JobError(event.message || "the worker stopped", false));
    };
    this.ready = compiledEngine().then((module) => this.send("init", { module }, {}), (error) => {
      throw new JobError(`the engine did not load: ${error.message}`, false);
    });
    this.ready.catch((error) => this.stop(error));
  }

  /**
   * Runs `job` with `args` in this worker once its engine has loaded; resolves with its result.
   * @param {string} job @param {object} args @param {CallOptions} [options]
   */
  call(job, args, options = {}) {
    // An abort while the engine still loads stops the worker then too, not once it has loaded.
    const { signal } = options;
    const early = () => this.terminate();
    signal?.addEventListener("abort", early, { once: true });
    return this.ready.then(
      () => {
        signal?.removeEventListener("abort", early);
        return this.send(job, args, options);
      },
      (error) => {
        signal?.removeEventListener("abort", early);
        throw signal?.aborted ? abortError() : error;
      },
    );
  }

  /** @param {string} job @param {object} args @param {CallOptions} options */
  send(job, args, { signal, onProgress }) {
    if (!this.alive) return Promise.reject(new JobError("the worker has been stopped", false));
    if (signal?.aborted) {
      this.terminate();
      return Promise.reject(abortError());
    }
    const id = this.nextCall++;
    const aborted = () => this.terminate();
    // A worker's signal outlives its calls (a sweep's chunks share one): each call takes its
    // listener off again when it settles.
    const settled = () => signal?.removeEventListener("abort", aborted);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress, settled });
      signal?.addEventListener("abort", aborted, { once: true });
      this.worker.postMessage({ id, job, args });
    });
  }

  /** A message from the worker: a call's progress, result or failure. */
  heard({ id, type, result, progress, message, panic, running }) {
    const call = this.pending.get(id);
    if (!call) return;
    if (type === "progress") {
      call.onProgress?.(progress);
      return;
    }
    this.pending.delete(id);
    call.settled();
    if (type === "result") call.resolve(result);
    else call.reject(new JobError(message, panic, running));
    if (panic) this.stop(new JobError(message, true));
  }

  /** Stops the worker at once, whatever it is doing; its calls reject with an AbortError. */
  terminate() {
    this.stop(abortError());
  }

  /** @param {Error} error */
  stop(error) {
    if (!this.alive) return;
    this.alive = false;
    this.worker.terminate();
    for (const call of this.pending.values()) {
      call.settled();
      call.reject(error);
    }
    this.pending.clear();
  }
}

/**
 * Runs one job in a worker of its own, stopped once the job is done.
 * @param {string} job @param {object} args @param {CallOptions} [options]
 */
export async function call(job, args, options = {}) {
  const engine = new EngineWorker();
  try {
    return await engine.call(job, args, options);
  } finally {
    engine.stop(abortError());
  }
}

/** Whether `error` is the rejection of an aborted call. */
export function isAbort(error) {
  return error?.name === "AbortError";
}

function abortError() {
  return new DOMException("the job was cancelled", "AbortError");
}
