// @ts-check
// The client-history panel's words: the verdict line for the run's history or the opened
// file, and the operations a counterexample names, each a button that goes to it.
import { app, guard } from "./app.js";
import { byId, h, setText } from "./dom.js";
import { count, time } from "./format.js";
import { runChecking, runVerdict } from "./history-check.js";
import { chosenModel, fileChecking, fileVerdict, openedFile, operationCount } from "./history-file.js";
import { historyView, viewChanged } from "./history-view.js";
import { travel } from "./player.js";

/** The verdict line for a result: [class, long text, short text]. */
function verdictWords(result, ms, stale, file) {
  const budget = result.raised ? " with the larger budget" : "";
  const took = `checked${budget} in ${ms < 10 ? ms.toFixed(1) : count(Math.round(ms))} ms`;
  const operations = operationCount(result.operations);
  const asOf = stale ? " The history has changed since; checking it again…" : "";
  if (result.verdict === "Linearizable") {
    const scope = file ? "Linearizable" : "Linearizable so far";
    return ["ok", `✓ ${scope}: one order of the ${operations}, each taking effect between its call and its answer, explains every result (${took}).${asOf}`, "✓ linearizable"];
  }
  if (result.verdict === "NotLinearizable") return ["bad", `✗ ${result.sentence} (${operations}, ${took}.)${asOf}`, "✗ not linearizable"];
  const ranOut = result.partition_results.some((part) => part.verdict === "out_of_memory") ? "memory" : "model steps";
  const even = result.raised ? " even with the larger budget" : "";
  return ["unknown", `? Unknown${even}: the checker's budget of ${ranOut} ran out before an answer (${operations}, ${count(result.steps)} steps, ${took}). Unknown is not a pass.${asOf}`, "? unknown"];
}

function currentVerdict() {
  const file = openedFile();
  if (file) {
    const checked = fileVerdict();
    if (checked?.result.cancelled) return ["unknown", "The check was cancelled and its worker was stopped: no verdict.", "cancelled"];
    if (checked?.result.refused) return ["refused", `Not checked: ${checked.result.refused}`, "not checked"];
    const raised = fileChecking().raised ? " with the larger budget (this may take minutes; Cancel stops it)" : "";
    if (!checked) return ["wait", `Checking ${operationCount(file.operations())} against the ${chosenModel() === "kv" ? "key-value" : "register"} model${raised} in a worker…`, "checking…"];
    return verdictWords(checked.result, checked.ms, false, file);
  }
  const sim = app.sim;
  const signature = sim ? guard(() => sim.history_signature(), "") : "";
  if (signature.startsWith("0:")) return ["wait", "No client operations yet.", ""];
  const checked = runVerdict();
  if (runChecking().cancelled) {
    const last = checked ? ` The last verdict, for ${operationCount(checked.result.operations)}, was ${verdictWords(checked.result, checked.ms, false, null)[2].slice(2)}.` : "";
    return ["unknown", `The live check was cancelled and its worker was stopped: no verdict for the history as it stands.${last}`, "cancelled"];
  }
  if (!checked) return ["wait", "Checking the history in a worker…", "checking…"];
  if (runChecking().raising) return ["wait", `Checking the ${operationCount(checked.result.operations)} again with the larger budget in a worker (this may take minutes; Cancel stops it)…`, "checking…"];
  return verdictWords(checked.result, checked.ms, checked.signature !== signature, null);
}

/** Writes the verdict line, its short form in the panel's summary, and the culprits. */
export function showVerdict() {
  const line = byId("history-verdict");
  const short = byId("history-verdict-short");
  const [kind, text, brief] = currentVerdict();
  line.className = `verdict ${kind}`;
  setText(line, text);
  setText(short, brief);
  short.className = `summary verdict-short ${kind}`;
  showCulprits();
}

/** The operations a counterexample names, each a button that goes to it. */
function showCulprits() {
  const list = byId("history-culprits");
  const result = openedFile() ? fileVerdict()?.result : runVerdict()?.result;
  const counterexample = result?.counterexample;
  if (!counterexample) {
    list.hidden = true;
    list.replaceChildren();
    return;
  }
  const last = counterexample.longest_prefix.at(-1);
  const items = counterexample.cannot_go_next.map((position) => culprit(position, "cannot go next:"));
  if (last !== undefined) items.unshift(culprit(last, `last of the ${count(counterexample.longest_prefix.length)} ordered:`));
  list.replaceChildren(...items);
  list.hidden = false;
}

function culprit(position, role) {
  const file = openedFile();
  const sim = app.sim;
  const op = guard(() => (file ? file.op(position) : sim?.history_op(position)));
  if (!op) return h("li", {}, h("span", { class: "role" }, role), `operation ${position + 1}`);
  const answered = op.end !== undefined && op.end !== null;
  if (file) {
    const ended = answered ? `answered at line ${op.end}` : "no answer";
    const show = () => {
      historyView().show_around(op.invoke);
      viewChanged();
    };
    return h("li", {}, h("span", { class: "role" }, role), `${op.label} (${op.row}, called at line ${op.invoke}, ${ended}) `, h("button", { type: "button", onclick: show }, "show it"));
  }
  const ended = answered ? `answered ${time(op.end)}` : "no answer";
  return h(
    "li",
    {},
    h("span", { class: "role" }, role),
    `${op.label} (${op.row}, called ${time(op.invoke)}, ${ended}) `,
    h("button", { type: "button", onclick: () => travel(op.invoke) }, "go to its call"),
    answered ? h("button", { type: "button", onclick: () => travel(op.end) }, "go to its answer") : null,
  );
}

/** Shows (or with "" clears) a problem: a file that cannot be read, a check that failed. */
export function showError(message) {
  const error = byId("history-error");
  error.textContent = message ?? "";
  error.hidden = !message;
}

/** The live verdict in a few words for the check board's Linearizability row while it waits
 * for the run's end, or "" when there is none for the history as it stands. */
export function liveVerdictWords(panelOpen) {
  const sim = app.sim;
  const checked = runVerdict();
  if (!sim || openedFile() || !panelOpen || !checked) return "";
  if (checked.signature !== guard(() => sim.history_signature(), "")) return "";
  const operations = operationCount(checked.result.operations);
  return {
    Linearizable: `So far (${operations}, checked live): linearizable.`,
    NotLinearizable: `So far (${operations}, checked live): NOT linearizable; see the client history.`,
    Unknown: `So far (${operations}, checked live): unknown, the budget ran out.`,
  }[checked.result.verdict];
}
