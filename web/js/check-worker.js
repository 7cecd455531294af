// The linearizability checker's worker: the page hands it a run's history (JSON, as the engine
// wrote it) or a history file's text, and it answers with the engine's verdict. A check can take
// seconds; here it never stalls the frame loop, and cancelling is terminating this worker. It
// loads the same wasm module as the page, so the answer is the engine's own.
import init, { check_history_file, check_run_history, last_panic } from "../pkg/raftsim_wasm.js";

const ready = init();

self.onmessage = async ({ data }) => {
  await ready;
  const started = performance.now();
  try {
    const result = data.kind === "run" ? check_run_history(data.operations) : check_history_file(data.text, data.model);
    self.postMessage({ id: data.id, ok: true, result, ms: performance.now() - started });
  } catch (error) {
    const panic = last_panic();
    const message = panic ? `the checker crashed (a bug in raftsim): ${panic}` : String(error?.message ?? error);
    self.postMessage({ id: data.id, ok: false, error: message, panic: Boolean(panic), ms: performance.now() - started });
  }
};
