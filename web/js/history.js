// @ts-check
// The client-history panel: the run's operations on a timeline (history-view.js), the
// linearizability verdict of the history so far, re-checked in a worker whenever the history
// changes (history-check.js), a Jepsen history file opened here and checked the same way
// (history-file.js), and the words around the verdict and its counterexample
// (history-words.js). This module wires them to the page and tells the tests where it stands.
import { app, guard, on } from "./app.js";
import { byId } from "./dom.js";
import { historyMetrics, maybeCheckRun, resetRunCheck, runVerdict } from "./history-check.js";
import { fileVerdict, openedFile, setupFiles } from "./history-file.js";
import { drawTimeline, historyView, setupHistoryView, showRun } from "./history-view.js";
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

function newRun() {
  resetRunCheck();
  if (!openedFile()) showRun();
  showVerdict();
}

export function setupHistory() {
  setupHistoryView();
  setupFiles({ changed: showVerdict, error: showError });
  panel().addEventListener("toggle", () => {
    app.dirty = true;
  });
  on("run", newRun);
  onFrame((now, changed) => {
    if (!app.sim || !panel().open) return;
    guard(() => {
      drawTimeline(now, changed, source());
      if (!openedFile()) maybeCheckRun(now, { changed: showVerdict, failed: showError });
      if (changed && !openedFile()) showVerdict();
    });
  });
}

/** The live verdict in a few words for the check board (see history-words.js). */
export function liveVerdictWords() {
  return verdictWords(panel().open);
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
  };
}
