// @ts-check
// Configuring a run: the scenario menu and seed in the top bar, and the settings dialog with
// every field a person would tune. Fields hold people's units (ms, %, s) and are converted to
// the engine's (µs, parts per million) here; every bound comes from the engine's `limits()`,
// and the engine's own validation judges the result, its message shown next to the field.
import { app, guard, on } from "./app.js";
import { byId, h } from "./dom.js";
import { pause } from "./player.js";
import { presetScenario, startScenario } from "./run.js";

/** People's units: how a field's value converts to the engine's integer. */
const UNITS = {
  count: { label: "", factor: 1, step: "1" },
  ms: { label: "ms", factor: 1_000, step: "any" },
  s: { label: "s", factor: 1_000_000, step: "any" },
  percent: { label: "%", factor: 10_000, step: "any" },
};

/** The fields of the dialog, grouped; `max` names a limit of `limits()` in engine units. */
function fieldList(catalogue) {
  const limits = catalogue.limits;
  const delay = { max: limits.delay_us_max };
  const ppm = { max: limits.ppm_max };
  return [
    ["Cluster", [
      {
        path: "nodes", label: "Nodes", unit: "count", min: limits.nodes_min, max: limits.nodes_max,
        hint: "When the seed draws the cluster size (under Random faults), this is the most it may draw.",
      },
      {
        path: "protocol.prevote", label: "PreVote: ask before raising the term", type: "bool",
        hint: "Not in the paper's Figure 2 (Ongaro's thesis, §9.6): a node whose election timer runs out first becomes a pre-candidate and asks whether it could win, without raising its term, so a node that was cut off cannot depose a working leader when it rejoins.",
      },
      {
        path: "protocol.check_quorum", label: "CheckQuorum: a leader without a quorum steps down", type: "bool",
        hint: "Not in the paper's Figure 2 (thesis §6.2 and §4.2.3): a leader that has not heard from a majority for an election timeout steps down, and followers that hear from a live leader ignore vote requests.",
      },
      { path: "protocol.election_timeout_us_min", label: "Election timeout, shortest", unit: "ms", ...delay },
      { path: "protocol.election_timeout_us_max", label: "Election timeout, longest", unit: "ms", ...delay },
      { path: "protocol.heartbeat_interval_us", label: "Heartbeat interval", unit: "ms", ...delay },
    ]],
    ["Network", [
      { path: "network.latency_us_min", label: "Latency, shortest", unit: "ms", ...delay },
      { path: "network.latency_us_max", label: "Latency, longest", unit: "ms", ...delay },
      { path: "network.drop_ppm", label: "Messages lost", unit: "percent", ...ppm },
      { path: "network.duplicate_ppm", label: "Messages duplicated", unit: "percent", ...ppm },
      { path: "network.straggler_ppm", label: "Stragglers (long delays)", unit: "percent", ...ppm },
      { path: "network.straggler_us_max", label: "Straggler delay, longest", unit: "ms", ...delay },
    ]],
    ["Random faults", [
      { path: "nemesis.swarm", label: "Let the seed choose the faults and their rates (swarm testing)", type: "bool" },
      { path: "nemesis.swarm_cluster", label: "…and the cluster size, PreVote, CheckQuorum and timeouts", type: "bool" },
      ...catalogue.faultKinds.map((kind) => ({
        path: `nemesis.kinds.${kind.name}`,
        label: sentence(kind.description),
        type: "bool",
        weight: kind.weighted ? { path: `nemesis.weights.${kind.name}`, max: limits.fault_weight_max } : null,
        hint: kind.weighted ? null : "Aimed: it strikes at its own moment (when the protocol reaches it), so it has no weight.",
      })),
      { path: "nemesis.interval_us_min", label: "Time between faults, shortest", unit: "ms", ...delay },
      { path: "nemesis.interval_us_max", label: "Time between faults, longest", unit: "ms", ...delay },
      { path: "nemesis.downtime_us_min", label: "Downtime, shortest", unit: "ms", ...delay },
      { path: "nemesis.downtime_us_max", label: "Downtime, longest", unit: "ms", ...delay },
      { path: "clock.drift_ppm_max", label: "Clock drift, largest", unit: "percent", max: limits.drift_ppm_max },
      { path: "disk.fsync_us_min", label: "fsync, shortest", unit: "ms", ...delay },
      { path: "disk.fsync_us_max", label: "fsync, longest", unit: "ms", ...delay },
      { path: "disk.torn_tail_ppm", label: "Crash tears the last unsynced write", unit: "percent", ...ppm },
    ]],
    ["Clients and phases", [
      { path: "workload.clients", label: "Clients", unit: "count", max: limits.clients_max },
      { path: "workload.keys", label: "Keys", unit: "count", min: limits.keys_min, max: limits.keys_max },
      { path: "phases.safety_us", label: "Fault phase (then everything heals)", unit: "s", max: limits.run_us_max },
      {
        path: "phases.liveness_us", label: "Recovery phase", unit: "s", max: limits.run_us_max,
        hint: "After the heal, nothing breaks by chance: a leader must emerge and the clients' requests complete (liveness).",
      },
    ]],
    ["Known bugs (off is the correct protocol)", catalogue.bugs.map((bug) => ({
      path: `protocol.bugs.${bug.name}`, label: `${bug.name}: ${bug.effect}`, hint: `From ${bug.origin}.`, type: "bool",
    }))],
  ];
}

function sentence(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function getPath(object, path) {
  return path.split(".").reduce((value, key) => value?.[key], object);
}

function setPath(object, path, value) {
  const keys = path.split(".");
  const last = keys.pop();
  let target = object;
  for (const key of keys) target = target[key];
  target[last] = value;
}

let fields = [];
let base = null;

function buildForm() {
  const container = byId("settings-fields");
  container.replaceChildren();
  fields = [];
  for (const [title, list] of fieldList(app.catalogue)) {
    const group = h("fieldset", {}, h("legend", {}, title));
    if (title === "Random faults") group.append(h("p", { class: "swarm-note", id: "swarm-note" }, "The seed draws the greyed settings while swarm testing is on; untick it to set them yourself."));
    for (const spec of list) {
      const field = buildField(spec);
      fields.push(field);
      group.append(field.row);
      if (spec.weight) fields.push(buildWeight(spec, field.row));
    }
    container.append(group);
  }
  fieldByPath("nemesis.swarm").input.addEventListener("change", syncSwarm);
  fieldByPath("nemesis.swarm_cluster").input.addEventListener("change", syncSwarm);
}

function buildField(spec) {
  const id = `setting-${spec.path.replaceAll(".", "-")}`;
  const error = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
  if (spec.type === "bool") {
    const input = h("input", { type: "checkbox", id, dataset: { path: spec.path } });
    const row = h("div", { class: "setting check" }, input, h("label", { for: id }, spec.label), spec.hint ? h("span", { class: "hint" }, spec.hint) : null, error);
    return { spec, input, row, error };
  }
  const unit = UNITS[spec.unit];
  const min = spec.min ?? 0;
  const input = h("input", { type: "number", id, step: unit.step, min: String(min), dataset: { path: spec.path }, "aria-describedby": `${id}-error` });
  if (spec.max !== undefined) input.max = String(spec.max / unit.factor);
  const label = h("label", { for: id }, unit.label ? `${spec.label} (${unit.label})` : spec.label);
  const hint = spec.hint ? h("span", { class: "hint" }, spec.hint) : null;
  const row = h("div", { class: "setting" }, label, input, hint, error);
  return { spec, input, row, error };
}

/** A fault kind's weight: how often the nemesis picks it, relative to the other kinds on. */
function buildWeight(spec, row) {
  const id = `setting-${spec.weight.path.replaceAll(".", "-")}`;
  const error = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
  const input = h("input", { type: "number", id, class: "weight", step: "1", min: "0", max: String(spec.weight.max), dataset: { path: spec.weight.path }, "aria-describedby": `${id}-error` });
  row.append(h("label", { class: "weight-label", for: id, title: "How often this kind is picked, relative to the other kinds that are on" }, "weight", input), error);
  return { spec: { path: spec.weight.path, unit: "count", max: spec.weight.max }, input, row, error };
}

function fieldByPath(path) {
  return fields.find((field) => field.spec.path === path);
}

/** Whether `path` is one of `listed`, or under one of them. */
function covered(path, listed) {
  return listed.some((prefix) => path === prefix || path.startsWith(`${prefix}.`));
}

/** Greys out what the seed draws under swarm testing (the engine says which fields). */
function syncSwarm() {
  const swarm = fieldByPath("nemesis.swarm").input.checked;
  const cluster = swarm && fieldByPath("nemesis.swarm_cluster").input.checked;
  fieldByPath("nemesis.swarm_cluster").input.disabled = !swarm;
  byId("swarm-note").hidden = !swarm;
  const drawn = app.catalogue.swarmDrawn;
  for (const field of fields) {
    const isDrawn = (swarm && covered(field.spec.path, drawn.swarm)) || (cluster && covered(field.spec.path, drawn.cluster));
    field.input.disabled = isDrawn;
    field.row.classList.toggle("drawn", isDrawn);
  }
}

/** Fills the form from a scenario object. */
function fill(scenario) {
  base = structuredClone(scenario);
  for (const field of fields) {
    const value = getPath(scenario, field.spec.path);
    if (field.spec.type === "bool") field.input.checked = Boolean(value);
    else field.input.value = String(value / UNITS[field.spec.unit].factor);
  }
  clearErrors();
  syncSwarm();
  showTimingWarning();
}

function clearErrors() {
  for (const field of fields) {
    field.error.hidden = true;
    field.error.classList.remove("field-warning");
    field.row.classList.remove("invalid");
  }
  byId("settings-error").hidden = true;
}

/** Says beside its field what a valid scenario may still get wrong (the engine's words: Raft's
 * timing requirement); the run starts all the same. */
function showWarning(path, reason) {
  const field = fields.find((candidate) => candidate.spec.path === path);
  if (!field) return;
  field.error.textContent = `Warning: ${reason}.`;
  field.error.classList.add("field-warning");
  field.error.hidden = false;
}

function showError(path, reason) {
  const field = fields.find((candidate) => candidate.spec.path === path) ?? fields.find((candidate) => path && candidate.spec.path.startsWith(`${path}`));
  if (field) {
    field.error.textContent = reason;
    field.error.hidden = false;
    field.row.classList.add("invalid");
    field.input.focus();
  } else {
    const general = byId("settings-error");
    general.textContent = path ? `${path}: ${reason}` : reason;
    general.hidden = false;
  }
}

/** The scenario the form describes, or null after showing what is wrong. */
function readForm() {
  clearErrors();
  const scenario = formFields(showError);
  if (!scenario) return null;
  scenario.seed = readSeed();
  if (scenario.seed === null) return null;
  const problem = app.wasm.validate_scenario(scenario);
  if (problem) return showError(problem.field, problem.reason), null;
  showTimingWarning(scenario);
  return scenario;
}

/** The scenario the form's fields describe (the seed aside), or null after `refuse`
 * (path, reason) said which field is wrong. */
function formFields(refuse) {
  const scenario = structuredClone(base);
  for (const field of fields) {
    if (field.spec.type === "bool") {
      setPath(scenario, field.spec.path, field.input.checked);
      continue;
    }
    const text = field.input.value.trim();
    const number = Number(text);
    const unit = UNITS[field.spec.unit];
    if (text === "" || !Number.isFinite(number)) return refuse(field.spec.path, "Enter a number."), null;
    if (number < (field.spec.min ?? 0)) return refuse(field.spec.path, `Must be at least ${field.spec.min ?? 0}.`), null;
    if (field.spec.max !== undefined && number * unit.factor > field.spec.max) {
      return refuse(field.spec.path, `Must be at most ${field.spec.max / unit.factor}${unit.label ? ` ${unit.label}` : ""}.`), null;
    }
    if (unit.factor === 1 && !Number.isInteger(number)) return refuse(field.spec.path, "Must be a whole number."), null;
    setPath(scenario, field.spec.path, Math.round(number * unit.factor));
  }
  return scenario;
}

/** Says beside its field whether the scenario breaks Raft's timing requirement (the engine
 * judges; a valid scenario only): as the fields are typed in and when the form is filled, so
 * it shows while the dialog is open. `scenario` defaults to what the fields hold now. */
function showTimingWarning(scenario = formFields(() => {})) {
  for (const field of fields) {
    if (!field.error.classList.contains("field-warning")) continue;
    field.error.classList.remove("field-warning");
    field.error.hidden = true;
  }
  if (!scenario || guard(() => app.wasm.validate_scenario(scenario), true)) return;
  const warning = guard(() => app.wasm.scenario_warning(scenario), null);
  if (warning) showWarning(warning.field, warning.reason);
}

/** The seed box's value, or null (with a message) if it is not a seed. */
function readSeed() {
  const input = byId("seed");
  const seed = Number(input.value);
  const max = app.catalogue.limits.seed_max;
  if (!Number.isInteger(seed) || seed < 0 || seed > max) {
    input.setCustomValidity(`A seed is a whole number from 0 to ${max}.`);
    input.reportValidity();
    return null;
  }
  input.setCustomValidity("");
  return seed;
}

function buildPresetMenu() {
  const select = byId("preset");
  const groups = {
    scenarios: h("optgroup", { label: "Scenarios" }),
    tours: h("optgroup", { label: "Guided tours" }),
    bugs: h("optgroup", { label: "Known bugs, guided: watch a check fail" }),
  };
  for (const preset of app.catalogue.presets) {
    groups[preset.group].append(h("option", { value: preset.name, dataset: { tour: preset.tour ? "true" : "false" } }, preset.label));
  }
  select.replaceChildren(groups.scenarios, groups.tours, groups.bugs);
}

/** The preset's description under the picker; when the run on screen (named `runName`) is not
 * the preset as described (its settings edited, or a run shrunk from it), says so first. */
function describePreset(name, runName = name) {
  const preset = app.catalogue.presets.find((entry) => entry.name === name);
  const box = byId("preset-description");
  box.dataset.edited = String(Boolean(preset) && runName !== name);
  if (!preset || runName === name) {
    box.textContent = preset ? preset.description : "";
    return;
  }
  const derived = runName.startsWith(name);
  const how = !derived
    ? `This run, “${runName}”, is not one of the presets; the picker shows “${preset.label}”.`
    : / seed \d+, shrunk$/.test(runName)
      ? `This run was shrunk from one of “${preset.label}”: fewer nodes, clients and faults than described.`
      : `This run's settings were edited from “${preset.label}”, so it may not be what the preset describes.`;
  box.textContent = `${how} The preset: ${preset.description}`;
}

/** Starts the preset chosen in the menu with the seed in the box. */
function startPreset() {
  const seed = readSeed();
  if (seed === null) return;
  app.preset = byId("preset").value;
  describePreset(app.preset);
  fill(presetScenario(app.preset, seed));
  startScenario(readForm() ?? presetScenario(app.preset, seed), { autoplay: true });
}

/** Starts a run from the settings (the dialog's fields), or says what is wrong. */
export function startFromSettings() {
  const scenario = readForm();
  if (!scenario) {
    const dialog = byId("settings");
    if (!dialog.open) dialog.showModal();
    return false;
  }
  const preset = presetScenario(app.preset, scenario.seed);
  const plain = (value) => JSON.stringify({ ...value, name: "" });
  scenario.name = plain(scenario) === plain(preset) ? preset.name : `${preset.name} (changed)`;
  startScenario(scenario, { autoplay: true });
  return true;
}

export function openSettings() {
  pause();
  byId("settings").showModal();
}

export function randomSeed() {
  byId("seed").value = String(Math.floor(Math.random() * 2 ** 32));
  startFromSettings();
}

export function setupSettings() {
  buildPresetMenu();
  buildForm();
  byId("preset").addEventListener("change", startPreset);
  byId("new-run").addEventListener("click", () => startFromSettings());
  byId("random-seed").addEventListener("click", randomSeed);
  byId("open-settings").addEventListener("click", openSettings);
  byId("seed").max = String(app.catalogue.limits.seed_max);
  byId("seed").addEventListener("change", () => startFromSettings());
  byId("settings-form").addEventListener("submit", (event) => {
    event.preventDefault();
    if (startFromSettings()) byId("settings").close();
  });
  byId("settings-form").addEventListener("input", () => showTimingWarning());
  byId("settings-reset").addEventListener("click", () => fill(presetScenario(app.preset, readSeed() ?? 1)));
  on("run", (sim) => {
    // The form follows the run on screen (a link, a preset, a new seed), so "New run" restarts it.
    const given = sim.given_scenario();
    fill(given);
    byId("preset").value = app.preset;
    byId("seed").value = String(given.seed);
    describePreset(app.preset, given.name);
  });
}
