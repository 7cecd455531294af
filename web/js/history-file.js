// @ts-check
// A Jepsen history file opened in the client-history panel: read by the engine (a bad file is
// refused with its line and reason), shown on the timeline in place of the run's history and
// checked in a worker of its own against the model its format implies or the one chosen;
// cancelling stops the worker.
import { app, guard } from "./app.js";
import { byId } from "./dom.js";
import { count } from "./format.js";
import { historyMetrics } from "./history-check.js";
import { historyView, showFile, showRun, viewChanged } from "./history-view.js";
import { EngineWorker, isAbort } from "./workers.js";

const opened = {
  /** @type {import("../pkg/raftsim_wasm.js").HistoryFile | null} */
  file: null,
  text: "",
  /** @type {any} */
  result: null,
  ms: 0,
  /** @type {AbortController | null} */
  controller: null,
  /** The worker of the check under way or last made (stopped once it ends). */
  /** @type {EngineWorker | null} */
  worker: null,
  /** The check under way or last made has the raised budgets. */
  raised: false,
};

/** The hooks history.js gives: `changed()` when the verdict may read differently, `error(text)`
 * to show (or with "" clear) a problem. */
let hooks = { changed: () => {}, error: (_text) => {} };

/** The opened file, or null (the run's history is shown). */
export function openedFile() {
  return opened.file;
}

/** The opened file's check: its result (`{cancelled: true}` when cancelled) and time, or null
 * while it runs. */
export function fileVerdict() {
  return opened.result ? { result: opened.result, ms: opened.ms } : null;
}

/** "1 operation", "43 operations". */
export function operationCount(number) {
  return `${count(number)} ${number === 1 ? "operation" : "operations"}`;
}

/** @param {File} file */
async function openFile(file) {
  hooks.error("");
  const limit = app.wasm.history_file_bytes_max();
  if (file.size > limit) {
    hooks.error(`${file.name}: ${count(file.size)} bytes; the page reads history files of at most ${count(limit)} bytes.`);
    return;
  }
  const text = await file.text();
  const read = readFile(file.name, text);
  if (!read) return;
  closeFile();
  Object.assign(opened, { file: read, text });
  // A new file starts from the model its format implies, whatever the last one was checked with.
  /** @type {HTMLSelectElement} */ (byId("history-model")).value = "";
  byId("history-source").textContent = `${file.name}: ${operationCount(read.operations())}, ${read.format() === "log" ? "a Jepsen log" : "an EDN history"}`;
  byId("history-file-bar").hidden = false;
  byId("history-back").hidden = false;
  byId("history-follow").hidden = true;
  byId("history-save-edn").hidden = true;
  byId("history-save-log").hidden = true;
  showFile(read);
  checkFile();
}

/** The engine's reading of a file, or null after showing why it cannot be read (the reader's
 * line and reason); a panic still goes to the panic report. */
function readFile(name, text) {
  try {
    return new app.wasm.HistoryFile(name, text);
  } catch (error) {
    if (app.wasm.last_panic()) guard(() => { throw error; });
    else refuseFile(error);
    return null;
  }
}

/** Back to the run's history. */
export function closeFile() {
  opened.controller?.abort();
  opened.file?.free();
  Object.assign(opened, { file: null, text: "", result: null, controller: null });
  byId("history-source").textContent = "This run's clients";
  byId("history-file-bar").hidden = true;
  byId("history-back").hidden = true;
  byId("history-follow").hidden = false;
  byId("history-save-edn").hidden = false;
  byId("history-save-log").hidden = false;
  showRun();
  hooks.changed();
}

/** Where a file's error is shown: the reader's own message (line and what was wrong). */
function refuseFile(error) {
  hooks.error(`That file is not a history raftsim can read: ${error.message ?? error}`);
}

/** The model chosen, or the one the file's format implies: "register" or "kv". */
export function chosenModel() {
  return /** @type {HTMLSelectElement} */ (byId("history-model")).value || opened.file?.default_model() || "register";
}

/** Checks the opened file in a worker of its own, stopped when the check ends or is cancelled:
 * it ends with a verdict, a refusal (the model cannot judge an operation) or a failure, never
 * by waiting on. */
export function checkFile({ raised = false } = {}) {
  opened.controller?.abort();
  const controller = new AbortController();
  const worker = new EngineWorker();
  Object.assign(opened, { controller, worker, raised, result: null });
  const model = /** @type {HTMLSelectElement} */ (byId("history-model")).value;
  worker.call("check-file", { text: opened.text, model, raised }, { signal: controller.signal }).then(
    ({ result, ms }) => {
      worker.terminate();
      if (controller === opened.controller) fileChecked(result, ms);
    },
    (error) => {
      worker.terminate();
      if (controller !== opened.controller || isAbort(error)) return;
      historyMetrics.fileChecks += 1;
      // A refusal is the engine's sentence; a panic is a bug in raftsim, said as such.
      opened.result = { refused: error.panic ? `the checker failed (a bug in raftsim): ${error.message}` : error.message };
      opened.controller = null;
      hooks.changed();
    },
  );
  hooks.changed();
}

/** Whether the opened file's check is under way, and whether its worker is still running. */
export function fileChecking() {
  return { checking: Boolean(opened.file && opened.controller && !opened.result), raised: opened.raised, workerAlive: Boolean(opened.worker?.alive) };
}

function fileChecked(result, ms) {
  const file = opened.file;
  if (!file) return;
  opened.controller = null;
  historyMetrics.fileChecks += 1;
  historyMetrics.lastFileCheckMs = ms;
  Object.assign(opened, { result, ms });
  guard(() => file.set_result(result.counterexample ? result : null));
  if (result.counterexample) showCounterexample(file, result.counterexample);
  viewChanged();
  hooks.changed();
}

/** Zooms a file's timeline onto its counterexample: the last ordered operation and those that
 * cannot go next, with some of what surrounds them. */
function showCounterexample(file, counterexample) {
  const positions = [counterexample.longest_prefix.at(-1), ...counterexample.cannot_go_next].filter((position) => position !== undefined);
  const ops = positions.map((position) => guard(() => file.op(position))).filter(Boolean);
  if (!ops.length) return;
  const first = Math.min(...ops.map((op) => op.invoke));
  const last = Math.max(...ops.map((op) => op.end ?? op.invoke));
  historyView().show_between(first, last);
}

/** Stops the opened file's check: its worker is terminated at once. */
export function cancelFileCheck() {
  opened.controller?.abort();
  opened.controller = null;
  opened.result = { cancelled: true };
  hooks.changed();
}

/** @param {{changed: () => void, error: (text: string) => void}} given */
export function setupFiles(given) {
  hooks = given;
  const input = /** @type {HTMLInputElement} */ (byId("history-file"));
  byId("history-open").addEventListener("click", () => input.click());
  input.addEventListener("change", () => {
    const [file] = input.files ?? [];
    input.value = "";
    if (file) openFile(file).catch(refuseFile);
  });
  const drop = byId("panel-history");
  drop.addEventListener("dragover", (event) => {
    event.preventDefault();
    byId("history-drop").classList.add("dropping");
  });
  drop.addEventListener("dragleave", () => byId("history-drop").classList.remove("dropping"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    byId("history-drop").classList.remove("dropping");
    const [file] = event.dataTransfer?.files ?? [];
    if (file) openFile(file).catch(refuseFile);
  });
  byId("history-back").addEventListener("click", closeFile);
  byId("history-model").addEventListener("change", () => opened.file && checkFile());
}
