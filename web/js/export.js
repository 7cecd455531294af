// @ts-check
// Export the run on screen: the `raftsim replay` command that replays it to this moment (and
// prints the trace hash the page shows), and a Rust test for core/tests/integration/ that runs it to its
// end and asserts how it ends. The engine writes both texts; the test needs the run judged to
// its end, which a Web Worker does so the page never waits.
import { app, guard } from "./app.js";
import { byId, setText } from "./dom.js";
import * as format from "./format.js";
import { pause } from "./player.js";
import { call, isAbort } from "./workers.js";

/** Cancels the judging of the run for the test (its worker stops), while the dialog is open. */
let judge = new AbortController();

function stopJudge() {
  judge.abort();
}

async function copyFrom(fieldId, statusId) {
  const field = byId(fieldId);
  field.focus();
  field.select();
  try {
    await navigator.clipboard.writeText(field.value);
    setText(byId(statusId), "Copied to the clipboard.");
  } catch {
    setText(byId(statusId), "Your browser did not let the page copy: the text is selected, copy it with Ctrl+C (⌘C).");
  }
}

/** Opens the dialog for the run on screen, at the moment shown. */
export function openExport() {
  if (!app.sim || app.crashed) return;
  pause();
  const sim = app.sim;
  const link = guard(() => sim.share_link());
  if (!link) return;
  const view = app.lastRunView;
  const held = `seed ${view?.seed ?? ""} of ${view?.name ?? "this scenario"} at event ${format.count(sim.events())}`;
  const dialog = byId("export");
  stopJudge();
  byId("export-copy-status").textContent = "";
  byId("export-test-copy-status").textContent = "";
  const longest = app.catalogue.limits.share_len_max;
  if (link.length > longest) {
    byId("export-command").value = "";
    byId("export-test").value = "";
    setText(byId("export-command-note"), `This run's link is ${format.count(link.length)} characters, more than the ${format.count(longest)} a link may hold, so neither the command line nor a test could read it.`);
    setText(byId("export-test-note"), "");
    if (!dialog.open) dialog.showModal();
    return;
  }
  byId("export-command").value = guard(() => app.wasm.replay_command(link), "");
  setText(byId("export-command-note"), `Replays ${held} and prints the events before it, the violation if there is one, and the trace hash there: ${sim.trace_hash()}, as on this page.`);
  byId("export-test").value = "";
  setText(byId("export-test-note"), "Running the run from its start to its end in a worker, to see what the test should assert…");
  dialog.dataset.state = "judging";
  if (!dialog.open) dialog.showModal();
  judgeForTest(link);
}

function judgeForTest(link) {
  const controller = new AbortController();
  judge = controller;
  call("rust-test", { link }, { signal: controller.signal }).then(
    (exported) => {
      if (judge === controller) showTest(exported);
    },
    (error) => {
      if (judge === controller && !isAbort(error)) setText(byId("export-test-note"), `The run could not be judged: ${error.message}`);
    },
  );
}

function showTest(exported) {
  byId("export-test").value = exported.text;
  const violation = exported.violation;
  const asserted = violation
    ? `it fails ${violation.invariant} at event ${format.count(violation.event)} (${format.time(violation.time_us)})`
    : `it passes every check to its end (${format.count(exported.events)} events)`;
  setText(byId("export-test-note"), `The test runs the scenario from its start and asserts that ${asserted}. Save it as core/tests/integration/NAME.rs and add mod NAME; to main.rs there.`);
  byId("export").dataset.state = "ready";
}

export function setupExport() {
  byId("export-run").addEventListener("click", openExport);
  byId("export").addEventListener("close", stopJudge);
  byId("export-copy").addEventListener("click", () => copyFrom("export-command", "export-copy-status"));
  byId("export-test-copy").addEventListener("click", () => copyFrom("export-test", "export-test-copy-status"));
}
