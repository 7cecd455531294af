// Web Workers that each run their own instance of the engine (engine-worker.js), for work that
// takes longer than a frame: hunting seeds, shrinking a failing run, judging a run to its end
// for an export. The module is compiled once here and handed to every worker, which only
// instantiates it. Cancelling a job terminates its worker: the engine needs no cooperation.

/** The engine's compiled module, shared by every worker (compiled on first use). */
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

/** How many workers a hunt may run: one per core the browser reports, at most `max`. */
export function workerCount(max) {
  const cores = Number(navigator.hardwareConcurrency) || 1;
  return Math.max(1, Math.min(cores, max));
}

/**
 * One worker with its engine. `onMessage(message)` hears what the worker posts (`seeds`,
 * `shrink-progress`, `shrunk`, `rust-test`, `checked`, `failed`, `crashed`); `ready` settles once the engine
 * has loaded.
 */
export class EngineWorker {
  constructor(onMessage) {
    this.alive = true;
    this.loaded = false;
    this.worker = new Worker(new URL("./engine-worker.js", import.meta.url), { type: "module" });
    let loaded;
    let refused;
    this.ready = new Promise((resolve, reject) => {
      loaded = resolve;
      refused = reject;
    });
    this.ready.catch(() => {});
    this.worker.onmessage = ({ data }) => {
      if (this.loaded) {
        onMessage(data);
      } else if (data.type === "ready") {
        this.loaded = true;
        loaded();
      } else {
        refused(new Error(data.message));
      }
    };
    this.worker.onerror = (event) => {
      event.preventDefault();
      const message = event.message || "the worker stopped";
      if (this.loaded) onMessage({ type: "failed", message });
      else refused(new Error(message));
    };
    compiledEngine().then(
      (module) => this.post({ type: "init", module }),
      (error) => refused(new Error(`the engine did not load: ${error.message}`)),
    );
  }

  /** Sends the worker a job (`hunt`, `seeds`, `shrink`, `rust-test`, `check`). */
  post(message) {
    if (this.alive) this.worker.postMessage(message);
  }

  /** Stops the worker at once, whatever it is doing. */
  terminate() {
    this.alive = false;
    this.worker.terminate();
  }
}
