// The seed hunt panel: a scenario, a range of seeds and bug switches, judged in Web Workers
// (one per core the browser reports, within the engine's bound), with progress, seeds per
// second, cancel, and each failing seed listed as it is found (hunt-failures.js shrinks and
// opens them). Every seed is judged by the engine exactly as `raftsim sweep` judges it; the
// page only hands out chunks of seeds and counts. The form is judged by the engine too.
import { app, guard, on } from "./app.js";
import { byId, h, setText } from "./dom.js";
import * as format from "./format.js";
import { addFailure, clearFailures } from "./hunt-failures.js";
import { startGuided } from "./hunt-guided.js";
import { EngineWorker, workerCount } from "./workers.js";

/** The select's value for "the run on screen". */
const CURRENT = "";
/** Wall time a chunk of seeds should take in a worker: short enough for fresh progress and a
 * fair share at the end of the range, long enough that messages cost nothing. */
const CHUNK_MS = 150;
const CHUNK_SEEDS_MAX = 256;
/** The figures line is redrawn at most this often while hunting. */
const FIGURES_MS = 200;
/** The seeds with an unanswered linearizability check kept by number (the rest are counted). */
const UNKNOWN_KEPT_MAX = 1_000;

let defaults = null;
/** The hunt in progress, or the last one (also `app.hunt`, for the tests). */
let hunt = null;
let figuresAt = 0;

function selectedScenario() {
  const name = byId("hunt-scenario").value;
  if (name === CURRENT) return app.sim ? guard(() => app.sim.given_scenario(), null) : null;
  return guard(() => app.wasm.preset(name), null);
}

/** The form as the engine reads it: the seeds as typed, so it judges the text itself. */
function readRequest() {
  return {
    scenario: selectedScenario(),
    bugs: [...document.querySelectorAll("#hunt-bugs input:checked")].map((input) => input.value),
    checks: byId("hunt-checks").value,
    first_seed: byId("hunt-first").value,
    last_seed: byId("hunt-last").value,
  };
}

/** Shows each problem the engine found next to its field; true if there are none. */
function showProblems(problems) {
  const places = { scenario: "hunt-scenario-error", "": "hunt-scenario-error", checks: "hunt-scenario-error", bugs: "hunt-bugs-error", first_seed: "hunt-seeds-error", last_seed: "hunt-seeds-error" };
  for (const id of new Set(Object.values(places))) {
    byId(id).hidden = true;
    byId(id).textContent = "";
  }
  for (const problem of problems) {
    const element = byId(places[problem.field] ?? "hunt-scenario-error");
    element.textContent = element.textContent ? `${element.textContent} ${sentence(problem.reason)}` : sentence(problem.reason);
    element.hidden = false;
  }
  byId("hunt-first").classList.toggle("invalid", problems.some((problem) => problem.field === "first_seed"));
  byId("hunt-last").classList.toggle("invalid", problems.some((problem) => problem.field === "last_seed"));
  return problems.length === 0;
}

/** "1 seed", "12,000 seeds". */
function seeds(count) {
  return format.counted(count, "seed", "seeds");
}

/** What a hunt counts: seeds in a sweep of the range, runs (fresh seeds and forks) when guided. */
function units(current, count) {
  return current.search === "guided" ? format.counted(count, "run", "runs") : seeds(count);
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
    : guard(() => app.wasm.validate_hunt(request), null);
  return problems && showProblems(problems) ? request : null;
}

function start(event) {
  event.preventDefault();
  if (hunt?.running) return;
  const request = validate();
  if (!request) return;
  const range = guard(() => {
    const probe = new app.wasm.Hunt(request);
    const bounds = { first: probe.first_seed(), last: probe.last_seed() };
    probe.free();
    return bounds;
  });
  if (!range) return;
  clearFailures();
  const search = byId("hunt-search").value;
  hunt = {
    request, search, first: range.first, last: range.last, next: range.first, retry: [], done: 0, events: 0,
    failing: 0, checks: new Map(), listed: [], unknown: [], unknownCount: 0, crashed: [], msPerSeed: null, workers: [],
    running: true, cancelled: false, problem: null, startedAt: performance.now(), finishedAt: null,
  };
  app.hunt = hunt;
  const count = Math.min(workerCount(defaults.workers_max), range.last - range.first + 1);
  hunt.workersUsed = count;
  if (search === "guided") startGuided(hunt, count, { changed: () => showFigures(false), stop });
  else for (let started = 0; started < count; started += 1) startWorker(hunt);
  showState();
}

function startWorker(current) {
  const entry = { engine: null, chunk: null };
  entry.engine = new EngineWorker((message) => heard(current, entry, message));
  current.workers.push(entry);
  entry.engine.ready.then(() => {
    if (!current.running) return;
    entry.engine.post({ type: "hunt", request: current.request });
    handOut(current, entry);
  }, (error) => stop(current, `A worker could not start: ${error.message}`));
}

/** Seeds for one chunk: about CHUNK_MS of work, and a fair share of what is left. */
function chunkSize(current) {
  const left = current.last - current.next + 1;
  const perWorker = Math.ceil(left / Math.max(1, current.workers.length));
  const byTime = current.msPerSeed ? Math.floor(CHUNK_MS / Math.max(current.msPerSeed, 0.01)) : 1;
  return Math.max(1, Math.min(byTime, CHUNK_SEEDS_MAX, perWorker, left));
}

function handOut(current, entry) {
  if (!current.running) return;
  if (current.retry.length > 0) {
    entry.chunk = { first: current.retry.shift(), count: 1 };
  } else if (current.next <= current.last) {
    entry.chunk = { first: current.next, count: chunkSize(current) };
    current.next += entry.chunk.count;
  } else {
    retire(current, entry);
    return;
  }
  entry.engine.post({ type: "seeds", ...entry.chunk });
}

/** A worker with nothing left to do is stopped (its engine's memory goes back). */
function retire(current, entry) {
  entry.engine.terminate();
  current.workers = current.workers.filter((other) => other !== entry);
  if (current.workers.length === 0) stop(current, null);
}

function heard(current, entry, message) {
  if (!current.running) return;
  if (message.type === "seeds") {
    record(current, message);
    handOut(current, entry);
  } else if (message.type === "crashed") {
    crashed(current, entry, message.message);
  } else if (message.type === "failed") {
    stop(current, `The hunt stopped: ${message.message}`);
  }
}

function record(current, { reports, ms, count }) {
  current.done += reports.length;
  const perSeed = ms / count;
  current.msPerSeed = current.msPerSeed === null ? perSeed : 0.7 * current.msPerSeed + 0.3 * perSeed;
  for (const report of reports) {
    current.events += report.events;
    if (report.verdict === "fails") {
      current.failing += 1;
      const check = report.violation.invariant;
      current.checks.set(check, (current.checks.get(check) ?? 0) + 1);
      if (addFailure(report)) current.listed.push(report);
    } else if (report.verdict === "unknown") {
      current.unknownCount += 1;
      if (current.unknown.length < UNKNOWN_KEPT_MAX) current.unknown.push(report.seed);
    }
  }
  showFigures(false);
}

/** The engine panicked in a worker (a bug in raftsim): a chunk's seeds are run again one at a
 * time in a new worker, so the seed that crashes it is named, with a link to its run. */
function crashed(current, entry, message) {
  const chunk = entry.chunk;
  current.workers = current.workers.filter((other) => other !== entry);
  entry.engine.terminate();
  if (chunk.count === 1) {
    const link = guard(() => {
      const probe = new app.wasm.Hunt(current.request);
      const seedLink = probe.seed_link(chunk.first);
      probe.free();
      return seedLink;
    }, "");
    current.done += 1;
    const report = { seed: chunk.first, verdict: "crashed", message, link };
    current.crashed.push(report);
    if (addFailure(report)) current.listed.push(report);
  } else {
    for (let seed = chunk.first; seed < chunk.first + chunk.count; seed += 1) current.retry.push(seed);
  }
  startWorker(current);
}

/** Ends a hunt: finished (problem null), failed or cancelled. Its workers stop at once. */
function stop(current, problem) {
  if (!current.running) return;
  current.running = false;
  current.problem = problem;
  current.finishedAt = performance.now();
  for (const entry of current.workers) entry.engine.terminate();
  current.workers = [];
  if (current === hunt) showState();
}

function cancelHunt() {
  if (!hunt?.running) return;
  hunt.cancelled = true;
  stop(hunt, null);
}

function showState() {
  const running = Boolean(hunt?.running);
  byId("hunt-start").disabled = running;
  byId("hunt-cancel").disabled = !running;
  byId("hunt-status").hidden = hunt === null;
  document.body.dataset.hunt = hunt === null ? "idle" : running ? "running" : hunt.cancelled ? "cancelled" : "done";
  showFigures(true);
}

/** The progress bar and the figures line (at most every FIGURES_MS while hunting). */
function showFigures(now) {
  const current = hunt;
  const clock = performance.now();
  if (!current || (!now && clock - figuresAt < FIGURES_MS)) return;
  figuresAt = clock;
  const total = current.last - current.first + 1;
  const progress = byId("hunt-progress");
  progress.max = total;
  progress.value = current.done;
  const seconds = ((current.finishedAt ?? clock) - current.startedAt) / 1000;
  const perSecond = seconds > 0 ? current.done / seconds : 0;
  const guided = current.search === "guided";
  const figures = [
    `${format.count(current.done)} of ${units(current, total)}`,
    ...(guided ? [`${format.count(current.forked)} of them forks`, `${format.count(current.signatures.size)} abstract states reached`] : []),
    `${format.count(Math.round(perSecond))} ${guided ? "runs" : "seeds"}/s`,
    `${format.count(Math.round(seconds > 0 ? current.events / seconds : 0))} events/s`,
    `${current.workersUsed} ${current.workersUsed === 1 ? "worker" : "workers"}`,
  ];
  setText(byId("hunt-figures"), figures.join(" · "));
  setText(byId("hunt-verdict"), verdict(current, seconds));
  byId("hunt-verdict").className = `hunt-verdict ${current.failing + current.crashed.length > 0 ? "bad" : current.running ? "" : "ok"}`;
  showUnknown(current);
}

function verdict(current, seconds) {
  const checks = [...current.checks].sort((a, b) => b[1] - a[1]).map(([check, count]) => `${check} on ${units(current, count)}`);
  const failing = current.failing > 0 ? `${format.count(current.failing)} failing (${checks.join(", ")}).` : "";
  const crashes = current.crashed.length > 0 ? ` ${current.crashed.length} crashed the engine: a bug in raftsim, please report it.` : "";
  const listed = current.listed.length;
  const more = current.failing + current.crashed.length > listed ? ` The first ${listed} found are listed.` : "";
  if (current.running) return `${failing || "None failing so far."}${crashes}${more}`;
  if (current.problem) return `${current.problem} ${failing}${crashes}`;
  const guided = current.search === "guided";
  const reach = guided ? `, ${format.count(current.forked)} of them forks, reaching ${format.count(current.signatures.size)} abstract states` : "";
  const when = `${current.cancelled ? "Cancelled after" : "Done:"} ${units(current, current.done)}${reach} in ${seconds.toFixed(1)} s.`;
  const unit = guided ? "run" : "seed";
  if (current.failing === 0 && current.crashed.length === 0) {
    const unknown = current.unknownCount > 0 ? ", but linearizability went unanswered on some (not a pass)" : "";
    const judged = current.request.checks === "damage"
      ? `no ${unit} showed damage (only the damage checks were on: a rule broken without visible harm goes unreported; try more ${unit}s, or every check)`
      : `every check held on every ${unit} judged`;
    return `${when} No ${unit} failed: ${judged}${unknown}.`;
  }
  return `${when} ${failing}${crashes}${more}`;
}

function showUnknown(current) {
  const element = byId("hunt-unknown");
  element.hidden = current.unknownCount === 0;
  if (element.hidden) return;
  const unknown = [...current.unknown].sort((a, b) => a - b);
  const shown = unknown.slice(0, 30).join(", ") + (current.unknownCount > 30 ? ", …" : "");
  setText(element, `Linearizability unknown (the checker's budget ran out: neither a pass nor a failure) on ${seeds(current.unknownCount)}: ${shown}.`);
}

function buildScenarioMenu() {
  const select = byId("hunt-scenario");
  select.append(h("option", { value: CURRENT }, "The run on screen (its settings, not your actions)"));
  for (const [group, label] of [["scenarios", "Scenarios"], ["bugs", "A bug's scenario"]]) {
    const options = app.catalogue.presets.filter((preset) => preset.group === group).map((preset) => h("option", { value: preset.name }, preset.label));
    select.append(h("optgroup", { label }, options));
  }
  select.value = defaults.scenario;
}

function buildBugs() {
  const box = byId("hunt-bugs");
  for (const bug of app.catalogue.bugs) {
    const id = `hunt-bug-${bug.name}`;
    box.append(h("label", { class: "hunt-bug", for: id, title: `${bug.effect} (from ${bug.origin})` }, h("input", { type: "checkbox", id, value: bug.name }), bug.name));
  }
}

/** The ways to search the engine offers: every seed of the range, or guided. */
function buildSearches() {
  const select = byId("hunt-search");
  for (const search of defaults.searches) select.append(h("option", { value: search.name }, search.label));
  select.value = defaults.searches[0].name;
  describeSearch();
}

/** Says in words what the chosen search does (a tooltip alone is easily missed). */
function describeSearch() {
  const chosen = defaults.searches.find((search) => search.name === byId("hunt-search").value) ?? defaults.searches[0];
  setText(byId("hunt-search-about"), chosen.description);
}

/** The check modes the engine offers: every check, or only those that see damage. */
function buildChecks() {
  const select = byId("hunt-checks");
  for (const mode of defaults.checks) select.append(h("option", { value: mode.name, title: mode.description }, mode.label));
  select.value = defaults.checks[0].name;
}

/** Ticks the bug switches the chosen scenario has on, and picks its check mode. */
function syncBugs() {
  const scenario = selectedScenario();
  const bugs = scenario?.protocol?.bugs ?? {};
  for (const input of byId("hunt-bugs").querySelectorAll("input")) input.checked = Boolean(bugs[input.value]);
  byId("hunt-checks").value = scenario?.checks ?? defaults.checks[0].name;
}

export function setupHunt() {
  defaults = app.wasm.hunt_defaults();
  buildScenarioMenu();
  buildBugs();
  buildChecks();
  buildSearches();
  byId("hunt-search").addEventListener("change", describeSearch);
  byId("hunt-first").value = String(defaults.first_seed);
  byId("hunt-last").value = String(defaults.last_seed);
  const workers = workerCount(defaults.workers_max);
  setText(byId("hunt-workers"), `${workers} ${workers === 1 ? "worker" : "workers"}: one per core the browser reports (${navigator.hardwareConcurrency || 1}), at most ${defaults.workers_max}`);
  byId("hunt-scenario").addEventListener("change", () => {
    syncBugs();
    validate();
  });
  byId("hunt-form").addEventListener("input", () => validate());
  byId("hunt-form").addEventListener("submit", start);
  byId("hunt-cancel").addEventListener("click", cancelHunt);
  on("run", () => {
    if (byId("hunt-scenario").value === CURRENT && !hunt?.running) validate();
  });
  syncBugs();
  showState();
}
