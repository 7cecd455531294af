// @ts-check
// Opening runs: from a scenario (the settings), from a share link, or the default one.
import { app, emit, guard } from "./app.js";
import { clearNotice, notice } from "./notices.js";
import { play } from "./player.js";

/** The preset a visitor lands on, and the one a bad link falls back to: the engine's first. */
export function defaultPreset() {
  return app.catalogue.presets[0].name;
}

function install(sim) {
  emit("before-run");
  app.sim?.free();
  app.sim = sim;
  const nodes = sim.run_view().nodes;
  if (app.selected > nodes) app.selected = 0;
  sim.select(app.selected);
  app.travelTo = null;
  app.dirty = true;
  app.safeLink = sim.share_link();
  clearNotice("engine-error");
  clearNotice("violation");
  emit("run", sim);
}

/** Whether a new run may start playing by itself (not for people who asked for less motion). */
export function mayAutoplay() {
  return !window.matchMedia("(prefers-reduced-motion: reduce)").matches && !new URLSearchParams(location.search).has("paused");
}

/**
 * Starts a run of `scenario` (an object as `preset()` returns) and, with `autoplay`, plays it.
 * Returns false if the engine refused it.
 */
export function startScenario(scenario, { autoplay = false } = {}) {
  const started = guard(() => {
    const sim = new app.wasm.Simulation(scenario);
    // The picker follows a run started from anywhere (the console's raftsim.start too) when
    // it names a preset; a scenario of another name leaves the picker where it was.
    const named = presetNamed(sim.given_scenario().name);
    if (named) app.preset = named;
    install(sim);
    return true;
  }, false);
  if (started && autoplay && mayAutoplay()) play();
  return started;
}

/** The preset `name` with `seed`, as a scenario object. */
export function presetScenario(name, seed) {
  const scenario = app.wasm.preset(name);
  scenario.seed = seed;
  return scenario;
}

/** Starts the default run (seed 1 of the default preset). */
export function startDefault() {
  app.preset = defaultPreset();
  return startScenario(presetScenario(defaultPreset(), 1));
}

/**
 * Opens a share link and replays it to the moment it holds. A link the engine refuses gets a
 * message saying why, and the default run instead; a link from another engine version opens
 * with a warning.
 */
export function openLink(link) {
  let sim;
  try {
    sim = app.wasm.Simulation.from_link(link);
  } catch (error) {
    if (app.wasm.last_panic()) return guard(() => { throw error; }, false);
    const reason = /[.!?]$/.test(error.message) ? error.message : `${error.message}.`;
    notice("error", `This link could not be opened: ${reason} Showing the ${defaultPreset()} run instead.`, { id: "link" });
    startDefault();
    return false;
  }
  clearNotice("link");
  app.preset = knownPreset(sim.given_scenario().name);
  install(sim);
  const warning = sim.warning();
  if (warning) notice("warning", warning, { id: "link" });
  return true;
}

/** The preset a scenario came from, if its name is one (bug presets included), edited
 * ("classroom (changed)") or shrunk ("swarm seed 1, shrunk"), else null. */
export function presetNamed(name) {
  const plain = String(name).replace(/ \(changed\)$/, "").replace(/ seed \d+, shrunk$/, "");
  return app.catalogue.presets.some((preset) => preset.name === plain) ? plain : null;
}

/** The preset a scenario came from, or the default one. */
function knownPreset(name) {
  return presetNamed(name) ?? defaultPreset();
}
