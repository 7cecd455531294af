// @ts-check
// The search's failing runs, listed as they are found: each with the check that fired, where
// and why, a button that opens the run at its violating event, and one that shrinks it in a
// Web Worker (the engine's `raftsim shrink`, one rerun at a time, with progress) to the
// smallest run found that fails the same check, which then opens by itself (unless another
// run was opened meanwhile: then its button offers it).
import { guard, on } from "./app.js";
import { byId, h, setText } from "./dom.js";
import * as format from "./format.js";
import { pause } from "./player.js";
import { openLink } from "./run.js";
import { call, isAbort } from "./workers.js";

/** The most failing seeds listed: a bug that fails every seed must not flood the page. */
const LISTED_MAX = 100;

/** The rows listed, by seed: { element, report, shrink }. */
const rows = new Map();

/** How many runs the page has opened: a shrink that ends opens its run only if the person
 * has not opened another since it began (theirs would be taken from under them). */
let runsOpened = 0;
let countingRuns = false;

function countRuns() {
  if (countingRuns) return;
  countingRuns = true;
  on("run", () => {
    runsOpened += 1;
  });
}

/** Opens a run's link on the page (replayed to its moment) and scrolls up to the ring and
 * the violation's notice above it. */
export function openRun(link) {
  pause();
  if (guard(() => openLink(link), false)) window.scrollTo({ top: 0 });
}

/** Empties the list, stopping any shrink still running. */
export function clearFailures() {
  for (const row of rows.values()) row.shrink?.controller.abort();
  rows.clear();
  byId("search-failures").replaceChildren();
}

/** Lists a failing (or panicking) run's report: a seed of a sweep in seed order among
 * those listed, a hunt's run (it has a `key`) in the order found; false if the list is
 * full. */
export function addFailure(report) {
  const key = report.key ?? String(report.seed);
  if (rows.size >= LISTED_MAX || rows.has(key)) return false;
  const row = { report, shrink: null, element: null };
  row.element = report.verdict === "panic" ? panicRow(report) : failureRow(row);
  row.element.dataset.key = key;
  rows.set(key, row);
  const list = byId("search-failures");
  const after = report.key === undefined ? [...list.children].find((item) => Number(/** @type {HTMLElement} */ (item).dataset.seed) > report.seed) : null;
  list.insertBefore(row.element, after ?? null);
  return true;
}

/** Which run failed: its seed, and for a hunt's fork how it came from the seed. */
function runLabel({ seed, forks, run, worker }) {
  if (forks === undefined) return h("span", { class: "failure-seed" }, `seed ${seed}`);
  const origin = forks === 0 ? "fresh" : `forked ${forks === 1 ? "once" : `${forks} times`}`;
  const title = forks === 0
    ? `Run ${run} of worker ${worker}'s hunt: seed ${seed} from its start.`
    : `Run ${run} of worker ${worker}'s hunt: seed ${seed}, cloned ${forks === 1 ? "once" : `${forks} times`} where a run first reached a new state and continued under fresh random choices. The link replays the forks.`;
  return h("span", { class: "failure-seed", title }, `seed ${seed}, ${origin}`);
}

function failureRow(row) {
  const { violation, link } = row.report;
  const shrinkButton = h("button", { type: "button", class: "shrink-button", onclick: () => toggleShrink(row) }, "Shrink");
  row.shrinkButton = shrinkButton;
  row.shrinkBox = h("div", { class: "shrink", hidden: true });
  return h(
    "li",
    { class: "search-failure", dataset: { seed: String(row.report.seed), check: violation.invariant } },
    h(
      "div",
      { class: "failure-head" },
      runLabel(row.report),
      h("span", { class: "failure-check" }, violation.invariant),
      h("span", { class: "failure-where" }, `event ${format.count(violation.event)}, ${format.shortTime(violation.time_us)}`),
      h("span", { class: "failure-actions" },
        h("button", { type: "button", class: "open-button", title: "Open this run at its violating event", onclick: () => openRun(link) }, "Open"),
        shrinkButton),
    ),
    h("p", { class: "failure-why" }, violation.message),
    row.shrinkBox,
  );
}

/** A run in which the engine panicked: a failure, and a bug in raftsim rather than in the
 * protocol. Its link opens the run from its start (or just before the panic, when the engine
 * caught it), and playing it on shows the panic with the run's link. */
function panicRow(report) {
  const { seed, message, link } = report;
  return h(
    "li",
    { class: "search-failure panicked", dataset: { seed: String(seed), check: "Panic" } },
    h("div", { class: "failure-head" },
      runLabel(report),
      h("span", { class: "failure-check" }, "Panic"),
      h("span", { class: "failure-actions" }, link ? h("button", { type: "button", class: "open-button", title: "Open this run", onclick: () => openRun(link) }, "Open") : null)),
    h("p", { class: "failure-why" }, `The engine panicked: a bug in raftsim, not in the protocol; please report it with this run's link. ${message}`),
  );
}

function toggleShrink(row) {
  if (row.shrink?.running) {
    row.shrink.controller.abort();
    row.shrink.running = false;
    row.shrinkButton.textContent = "Shrink";
    setText(row.shrinkBox.querySelector(".shrink-status"), "Shrink cancelled.");
    row.element.dataset.shrink = "cancelled";
    return;
  }
  startShrink(row);
}

function startShrink(row) {
  row.shrink?.controller.abort();
  const status = h("p", { class: "shrink-status" }, "Starting a worker…");
  const progress = h("progress", { class: "shrink-progress", max: "1", value: "0" });
  row.shrinkBox.replaceChildren(progress, status);
  row.shrinkBox.hidden = false;
  row.shrinkButton.textContent = "Cancel shrink";
  row.element.dataset.shrink = "running";
  countRuns();
  const shrink = { running: true, startedAt: performance.now(), controller: new AbortController(), progress, status, ms: 0, runsAtStart: runsOpened };
  row.shrink = shrink;
  const onProgress = (report) => {
    if (shrink.running) showProgress(shrink, report);
  };
  call("shrink", { link: row.report.link }, { signal: shrink.controller.signal, onProgress }).then(
    ({ result, ms }) => {
      if (shrink.running) showShrunk(row, shrink, result, ms);
    },
    (error) => {
      if (shrink.running && !isAbort(error)) ended(row, shrink, `The shrink stopped: ${error.message}`);
    },
  );
}

function showProgress(shrink, progress) {
  shrink.progress.max = Math.max(1, progress.variants);
  shrink.progress.value = progress.variants_tried;
  const kept = progress.kept.length === 1 ? "1 simplification kept" : `${progress.kept.length} simplifications kept`;
  const next = progress.next ? `; trying: ${progress.next} (${progress.variants_tried + 1} of ${progress.variants} this round)` : "";
  setText(shrink.status, `Rerun ${format.count(progress.runs)} (at most ${format.count(progress.runs_max)}), ${kept}${next}. Smallest so far: ${progress.smallest}.`);
}

function ended(row, shrink, text) {
  shrink.running = false;
  row.shrinkButton.textContent = "Shrink";
  setText(shrink.status, text);
  row.element.dataset.shrink = "failed";
}

function showShrunk(row, shrink, result, ms) {
  shrink.running = false;
  shrink.ms = ms;
  row.shrinkButton.textContent = "Shrink again";
  row.element.dataset.shrink = "done";
  row.element.dataset.shrunkLink = result.link;
  shrink.progress.max = 1;
  shrink.progress.value = 1;
  const same = result.steps.length === 0 ? " Nothing simpler fails the same check: this run is already the smallest found." : "";
  const openNow = runsOpened === shrink.runsAtStart;
  const where = openNow ? " It is open above." : " You opened another run meanwhile: open this one with the button below.";
  setText(shrink.status, `Shrunk in ${format.counted(result.runs, "rerun", "reruns")} (${(ms / 1000).toFixed(1)} s).${same}${where}`);
  const kept = h("details", { class: "shrink-kept" },
    h("summary", {}, `${result.steps.length} ${result.steps.length === 1 ? "simplification" : "simplifications"} kept`),
    h("ol", {}, result.steps.map((step) => h("li", {}, step))));
  const sizes = h("dl", { class: "shrink-sizes" },
    h("dt", {}, "Found"), h("dd", {}, result.size_before),
    h("dt", {}, "Smallest"), h("dd", {}, result.size_after));
  const open = h("button", { type: "button", class: "primary open-shrunk", title: "Open the smallest run at its violation; Export… then writes it as a command or a Rust test", onclick: () => openRun(result.link) }, "Open the shrunk run");
  row.shrinkBox.replaceChildren(shrink.progress, shrink.status, sizes, result.steps.length > 0 ? kept : null, h("p", { class: "shrink-why" }, result.violation.message), open);
  row.element.dataset.shrunkOpened = String(openNow);
  if (openNow) openRun(result.link);
  else open.focus({ preventScroll: true });
}
