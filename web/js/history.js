// @ts-check
// The client-history panel: the run's operations on a timeline (history-view.js), the
// linearizability verdict of the history so far, re-checked in a worker whenever the history
// changes (history-check.js), a Jepsen history file opened here and checked the same way
// (history-file.js), and the words around the verdict and its counterexample
// (history-words.js). This module wires them to the page and tells the tests where it stands.
import { app, guard, on } from "./app.js";
import { byId, setText } from "./dom.js";
import { cancelRunCheck, historyMetrics, maybeCheckRun, raiseRunCheck, resetRunCheck, resumeRunCheck, runChecking, runVerdict } from "./history-check.js";
import { cancelFileCheck, checkFile, fileChecking, fileVerdict, openedFile, setupFiles } from "./history-file.js";
import { setupSave } from "./history-save.js";
import { drawTimeline, historyView, setupHistoryView, showRun, viewChanged } from "./history-view.js";
import { liveVerdictWords as verdictWords, showError, showVerdict } from "./history-words.js";
import { onFrame } from "./player.js";

function panel() {
  return /** @type {HTMLDetailsElement} */ (byId("panel-history"));
}

/** What the timeline shows, as it stands: the file, or the run's history at this moment and
 * the check it is marked with. */
function source() {
  const file = openedFile();
  const sim = app.sim;
  if (file) return `file:${file.name()}:${fileVerdict()?.ms ?? ""}`;
  return sim ? `${sim.history_signature()}:${sim.now_us()}:${runVerdict()?.signature ?? ""}` : "";
}

/** A live check of the run's history shows its Cancel button once it has run this long (most
 * take a few ms, and a button that blinks at every check would be noise). */
const RUN_CANCEL_AFTER_MS = 700;

/** Shows the verdict and the buttons that act on the check: Cancel while one is under way,
 * Check again after the live check was cancelled. */
function showCheck() {
  showVerdict();
  showCheckButtons();
}

function showCheckButtons() {
  const file = openedFile();
  const run = runChecking();
  const checking = file ? fileChecking().checking : run.runningMs !== null;
  const cancel = file ? checking : checking && run.runningMs >= RUN_CANCEL_AFTER_MS;
  const recheck = file ? Boolean(fileVerdict()?.result.cancelled) : run.cancelled;
  const raise = !checking && !run.cancelled && canRaise(file);
  // Each frame calls this: write only what changes.
  /** @type {[string, boolean][]} */
  const shown = [
    ["history-cancel", !cancel],
    ["history-recheck", !recheck],
    ["history-raise", !raise],
    ["history-raise-note", !raise],
    ["history-check-actions", !cancel && !recheck && !raise],
  ];
  for (const [id, hidden] of shown) {
    const element = byId(id);
    if (element.hidden !== hidden) element.hidden = hidden;
  }
  if (raise) setText(byId("history-raise-note"), raisedBudget(file ? "file" : "run").sentence);
}

/** Whether the verdict shown is an unknown that a larger budget might answer: a check with the
 * usual budgets, of the history as it stands. */
function canRaise(file) {
  const checked = file ? fileVerdict() : runVerdict();
  const result = checked?.result;
  if (result?.verdict !== "Unknown" || result.raised) return false;
  if (file) return true;
  const sim = app.sim;
  return Boolean(sim) && runVerdict()?.signature === guard(() => sim.history_signature(), "");
}

/** What a raised check costs, by kind (the engine's figures and words). */
const raisedBudgets = new Map();
function raisedBudget(kind) {
  if (!raisedBudgets.has(kind)) raisedBudgets.set(kind, app.wasm.history_raised_budget(kind));
  return raisedBudgets.get(kind);
}

function raiseCheck() {
  if (openedFile()) checkFile({ raised: true });
  else raiseRunCheck({ changed: showCheck, failed: showError });
  showCheck();
}

function cancelCheck() {
  if (openedFile()) cancelFileCheck();
  else cancelRunCheck();
  showCheck();
}

function newRun() {
  resetRunCheck();
  if (!openedFile()) showRun();
  showCheck();
}

export function setupHistory() {
  setupHistoryView();
  setupFiles({ changed: showCheck, error: showError });
  setupSave(showError);
  byId("history-cancel").addEventListener("click", cancelCheck);
  byId("history-raise").addEventListener("click", raiseCheck);
  byId("history-recheck").addEventListener("click", () => {
    if (openedFile()) checkFile();
    else resumeRunCheck();
    showCheck();
  });
  panel().addEventListener("toggle", () => {
    app.dirty = true;
  });
  on("run", newRun);
  // A log entry clicked: its operation, shown on the run's timeline (the panel opened).
  on("show-operation", (position) => {
    if (openedFile() || !app.sim) return;
    panel().open = true;
    historyOpPoint(position);
    panel().scrollIntoView({ block: "nearest" });
    app.dirty = true;
  });
  onFrame((now, changed) => {
    if (!app.sim || !panel().open) return;
    guard(() => {
      drawTimeline(now, changed, source());
      if (!openedFile()) maybeCheckRun(now, { changed: showCheck, failed: showError });
      if (changed && !openedFile()) showVerdict();
      showCheckButtons();
    });
  });
}

/** The live verdict in a few words for the check board (see history-words.js). */
export function liveVerdictWords() {
  return verdictWords(panel().open);
}

/** For the tests: brings the operation at `position` (of the file, or else the run) into
 * view and returns a point inside its bar in client coordinates, or null. */
export function historyOpPoint(position) {
  const view = historyView();
  const file = openedFile();
  const sim = app.sim;
  const op = file ? file.op(position) : sim?.history_op(position);
  if (!op) return null;
  view.show_around(op.invoke);
  viewChanged();
  const point = file ? view.op_point_file(file, position) : sim ? view.op_point_run(sim, position) : undefined;
  if (!point) return null;
  const box = byId("history").getBoundingClientRect();
  return { x: box.left + point.x, y: box.top + point.y };
}

/** For the tests: the opened file's row names, and each of its operations as the tooltip
 * reads it. */
export function historyRows() {
  return openedFile()?.row_names() ?? [];
}
export function historyFileOps() {
  const file = openedFile();
  if (!file) return [];
  return Array.from({ length: file.operations() }, (_, position) => file.op(position));
}

/** For the tests: the panel's state in words and numbers. */
export function historyState() {
  const view = historyView();
  return {
    file: openedFile()?.name() ?? null,
    verdict: byId("history-verdict").textContent,
    verdictKind: byId("history-verdict").className.replace("verdict ", ""),
    window: { start: view.start, end: view.end },
    follow: view.following,
    runResult: runVerdict()?.result ?? null,
    fileResult: fileVerdict()?.result ?? null,
    metrics: { ...historyMetrics },
    checking: openedFile() ? fileChecking().checking : runChecking().runningMs !== null,
    checkWorkerAlive: openedFile() ? fileChecking().workerAlive : runChecking().workerAlive,
    runCheckCancelled: runChecking().cancelled,
  };
}
