// @ts-check
// The search panel, "Search for failing runs": a scenario, a range of seeds and bug switches,
// searched in Web Workers (one per core the browser reports, within the engine's bound) by a
// sweep (every seed of the range, search-sweep.js, as `raftsim sweep`) or a hunt (guided by
// coverage, search-hunt.js, as `raftsim hunt`), with progress, runs per second, cancel, and
// each failing run listed as it is found (search-failures.js shrinks and opens them). The
// page only hands out work and counts; the form is judged by the engine too.
import { app, guard, on } from "./app.js";
import { byId, h, setText } from "./dom.js";
import * as format from "./format.js";
import { clearFailures } from "./search-failures.js";
import { startHunt } from "./search-hunt.js";
import { startSweep } from "./search-sweep.js";
import { workerCount } from "./workers.js";

/** The select's value for "the run on screen". */
const CURRENT = "";
/** The figures line is redrawn at most this often while searching. */
const FIGURES_MS = 200;

let defaults = null;
/** The search in progress, or the last one (also `app.search`, for the tests). */
let search = null;
let figuresAt = 0;

function selectedScenario() {
  const name = byId("search-scenario").value;
  if (name === CURRENT) return app.sim ? guard(() => app.sim.given_scenario(), null) : null;
  return guard(() => app.wasm.preset(name), null);
}

/** The form as the engine reads it: the seeds as typed, so it judges the text itself. */
function readRequest() {
  return {
    scenario: selectedScenario(),
    bugs: [...document.querySelectorAll("#search-bugs input:checked")].map((input) => /** @type {HTMLInputElement} */ (input).value),
    checks: byId("search-checks").value,
    first_seed: byId("search-first").value,
    last_seed: byId("search-last").value,
    ...(app.searchPanicAtSeedForTesting === null ? {} : { panic_at_seed_for_testing: app.searchPanicAtSeedForTesting }),
  };
}

/** Shows each problem the engine found next to its field; true if there are none. */
function showProblems(problems) {
  const places = { scenario: "search-scenario-error", "": "search-scenario-error", checks: "search-scenario-error", bugs: "search-bugs-error", first_seed: "search-seeds-error", last_seed: "search-seeds-error" };
  for (const id of new Set(Object.values(places))) {
    byId(id).hidden = true;
    byId(id).textContent = "";
  }
  for (const problem of problems) {
    const element = byId(places[problem.field] ?? "search-scenario-error");
    element.textContent = element.textContent ? `${element.textContent} ${sentence(problem.reason)}` : sentence(problem.reason);
    element.hidden = false;
  }
  byId("search-first").classList.toggle("invalid", problems.some((problem) => problem.field === "first_seed"));
  byId("search-last").classList.toggle("invalid", problems.some((problem) => problem.field === "last_seed"));
  return problems.length === 0;
}

/** "1 seed", "12,000 seeds". */
function seeds(count) {
  return format.counted(count, "seed", "seeds");
}

/** What a search counts: seeds in a sweep of the range, runs (fresh seeds and forks) in a hunt. */
function units(current, count) {
  return current.search === "hunt" ? format.counted(count, "run", "runs") : seeds(count);
}

function sentence(text) {
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** Judges the form with the engine and shows what it refused; the request if it is valid. */
function validate() {
  const request = readRequest();
  const problems = request.scenario === null
    ? [{ field: "scenario", reason: "there is no run on screen to take the scenario from" }]
    : guard(() => app.wasm.validate_search(request), null);
  return problems && showProblems(problems) ? request : null;
}

function start(event) {
  event.preventDefault();
  if (search?.running) return;
  const request = validate();
  if (!request) return;
  const range = guard(() => {
    const probe = new app.wasm.Sweep(request);
    const bounds = { first: probe.first_seed(), last: probe.last_seed() };
    probe.free();
    return bounds;
  });
  if (!range) return;
  clearFailures();
  const kind = byId("search-kind").value;
  search = {
    request, search: kind, first: range.first, last: range.last, done: 0, events: 0, failing: 0, checks: new Map(),
    listed: [], unknown: [], unknownCount: 0, panicked: [], workers: [], controller: new AbortController(),
    running: true, cancelled: false, problem: null, startedAt: performance.now(), finishedAt: null, workersUsed: 0,
  };
  app.search = search;
  const count = Math.min(workerCount(defaults.workers_max), range.last - range.first + 1);
  search.workersUsed = count;
  const hooks = { changed: () => showFigures(false), stop };
  if (kind === "hunt") startHunt(search, count, hooks);
  else startSweep(search, count, hooks);
  showState();
}

/** Ends a search: finished (problem null), failed or cancelled. Its workers stop at once. */
function stop(current, problem) {
  if (!current.running) return;
  current.running = false;
  current.problem = problem;
  current.finishedAt = performance.now();
  current.controller.abort();
  current.workers = [];
  if (current === search) showState();
}

function cancelSearch() {
  if (!search?.running) return;
  search.cancelled = true;
  stop(search, null);
}

function showState() {
  const running = Boolean(search?.running);
  byId("search-start").disabled = running;
  byId("search-cancel").disabled = !running;
  byId("search-status").hidden = search === null;
  document.body.dataset.search = search === null ? "idle" : running ? "running" : search.cancelled ? "cancelled" : "done";
  showFigures(true);
}

/** The progress bar and the figures line (at most every FIGURES_MS while searching). */
function showFigures(now) {
  const current = search;
  const clock = performance.now();
  if (!current || (!now && clock - figuresAt < FIGURES_MS)) return;
  figuresAt = clock;
  const total = current.last - current.first + 1;
  const progress = byId("search-progress");
  progress.max = total;
  progress.value = current.done;
  const seconds = ((current.finishedAt ?? clock) - current.startedAt) / 1000;
  const perSecond = seconds > 0 ? current.done / seconds : 0;
  const hunting = current.search === "hunt";
  const figures = [
    `${format.count(current.done)} of ${units(current, total)}`,
    ...(hunting ? [`${format.count(current.forked)} of them forks`, `${format.count(current.signatures.size)} abstract states reached`] : []),
    `${format.count(Math.round(perSecond))} ${hunting ? "runs" : "seeds"}/s`,
    `${format.count(Math.round(seconds > 0 ? current.events / seconds : 0))} events/s`,
    `${current.workersUsed} ${current.workersUsed === 1 ? "worker" : "workers"}`,
  ];
  setText(byId("search-figures"), figures.join(" · "));
  setText(byId("search-verdict"), verdict(current, seconds));
  byId("search-verdict").className = `search-verdict ${current.failing + current.panicked.length > 0 ? "bad" : current.running ? "" : "ok"}`;
  showUnknown(current);
}

function verdict(current, seconds) {
  const checks = [...current.checks].sort((a, b) => b[1] - a[1]).map(([check, count]) => `${check} on ${units(current, count)}`);
  const failing = current.failing > 0 ? `${format.count(current.failing)} failing (${checks.join(", ")}).` : "";
  const stopped = current.stoppedParts > 0 ? ` ${current.stoppedParts === 1 ? "One worker's part" : `${current.stoppedParts} workers' parts`} stopped there; the others went on.` : "";
  const crashes = current.panicked.length > 0 ? ` ${current.panicked.length} panicked (the engine panicked: a bug in raftsim, please report it; a failure, not a pass).${stopped}` : "";
  const listed = current.listed.length;
  const more = current.failing + current.panicked.length > listed ? ` The first ${listed} found are listed.` : "";
  if (current.running) return `${failing || "None failing so far."}${crashes}${more}`;
  if (current.problem) return `${current.problem} ${failing}${crashes}`;
  const hunting = current.search === "hunt";
  const reach = hunting ? `, ${format.count(current.forked)} of them forks, reaching ${format.count(current.signatures.size)} abstract states` : "";
  const when = `${current.cancelled ? "Cancelled after" : "Done:"} ${units(current, current.done)}${reach} in ${seconds.toFixed(1)} s.`;
  const unit = hunting ? "run" : "seed";
  if (current.failing === 0 && current.panicked.length === 0) {
    const unknown = current.unknownCount > 0 ? ", but linearizability went unanswered on some (not a pass)" : "";
    const judged = current.request.checks === "damage"
      ? `no ${unit} showed damage (only the damage checks were on: a rule broken without visible harm goes unreported; try more ${unit}s, or every check)`
      : `every check held on every ${unit} judged`;
    return `${when} No ${unit} failed: ${judged}${unknown}.`;
  }
  return `${when} ${failing}${crashes}${more}`;
}

function showUnknown(current) {
  const element = byId("search-unknown");
  element.hidden = current.unknownCount === 0;
  if (element.hidden) return;
  const unknown = [...current.unknown].sort((a, b) => a - b);
  const shown = unknown.slice(0, 30).join(", ") + (current.unknownCount > 30 ? ", …" : "");
  setText(element, `Linearizability unknown (the checker's budget ran out: neither a pass nor a failure) on ${seeds(current.unknownCount)}: ${shown}.`);
}

function buildScenarioMenu() {
  const select = byId("search-scenario");
  select.append(h("option", { value: CURRENT }, "The run on screen (its settings, not your actions)"));
  for (const [group, label] of [["scenarios", "Scenarios"], ["bugs", "A bug's scenario"]]) {
    const options = app.catalogue.presets.filter((preset) => preset.group === group).map((preset) => h("option", { value: preset.name }, preset.label));
    select.append(h("optgroup", { label }, options));
  }
  select.value = defaults.scenario;
}

function buildBugs() {
  const box = byId("search-bugs");
  for (const bug of app.catalogue.bugs) {
    const id = `search-bug-${bug.name}`;
    box.append(h("label", { class: "search-bug", for: id, title: `${bug.effect} (from ${bug.origin})` }, h("input", { type: "checkbox", id, value: bug.name }), bug.name));
  }
}

/** The ways to search the engine offers: a sweep of every seed of the range, or a hunt. */
function buildSearches() {
  const select = byId("search-kind");
  for (const search of defaults.searches) select.append(h("option", { value: search.name }, search.label));
  select.value = defaults.searches[0].name;
  describeSearch();
}

/** Says in words what the chosen search does (a tooltip alone is easily missed). */
function describeSearch() {
  const chosen = defaults.searches.find((search) => search.name === byId("search-kind").value) ?? defaults.searches[0];
  setText(byId("search-kind-about"), chosen.description);
}

/** The check modes the engine offers: every check, or only those that see damage. */
function buildChecks() {
  const select = byId("search-checks");
  for (const mode of defaults.checks) select.append(h("option", { value: mode.name, title: mode.description }, mode.label));
  select.value = defaults.checks[0].name;
}

/** Ticks the bug switches the chosen scenario has on, and picks its check mode. */
function syncBugs() {
  const scenario = selectedScenario();
  const bugs = scenario?.protocol?.bugs ?? {};
  for (const input of byId("search-bugs").querySelectorAll("input")) input.checked = Boolean(bugs[input.value]);
  byId("search-checks").value = scenario?.checks ?? defaults.checks[0].name;
}

export function setupSearch() {
  defaults = app.wasm.search_defaults();
  buildScenarioMenu();
  buildBugs();
  buildChecks();
  buildSearches();
  byId("search-kind").addEventListener("change", describeSearch);
  byId("search-first").value = String(defaults.first_seed);
  byId("search-last").value = String(defaults.last_seed);
  const workers = workerCount(defaults.workers_max);
  setText(byId("search-workers"), `${workers} ${workers === 1 ? "worker" : "workers"}: one per core the browser reports (${navigator.hardwareConcurrency || 1}), at most ${defaults.workers_max}`);
  byId("search-scenario").addEventListener("change", () => {
    syncBugs();
    validate();
  });
  byId("search-form").addEventListener("input", () => validate());
  byId("search-form").addEventListener("submit", start);
  byId("search-cancel").addEventListener("click", cancelSearch);
  on("run", () => {
    if (byId("search-scenario").value === CURRENT && !search?.running) validate();
  });
  syncBugs();
  showState();
}
