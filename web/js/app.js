// @ts-check
// The page's state, in one object, and the guard every call into the engine goes through.
// Modules talk through `emit` / `on` rather than importing each other's internals. Every field
// the page keeps here and every topic it emits is declared below: a module adds no field of its
// own (the object is sealed), and emitting or hearing a topic not in TOPICS throws.

/** @typedef {import("../pkg/raftsim_wasm.js")} Engine */

/**
 * A search in progress, or the last one (search.js; the page's tests read it). Besides these,
 * it holds what its sweep or hunt keeps (search-sweep.js, search-hunt.js).
 * @typedef {SearchFigures & Record<string, any>} SearchState
 */
/**
 * @typedef {object} SearchFigures
 * @property {string} search "sweep" or "hunt"
 * @property {number} first
 * @property {number} last
 * @property {number} done seeds judged (a sweep) or runs taken (a hunt)
 * @property {number} events
 * @property {number} failing
 * @property {boolean} running
 * @property {boolean} cancelled
 * @property {string | null} problem why it stopped, or null
 * @property {number} workersUsed
 */

export const app = Object.seal({
  /** The wasm module's exports (functions and classes). */
  wasm: /** @type {Engine} */ (/** @type {unknown} */ (null)),
  /** The wasm instance's memory, for the memory figures. */
  memory: /** @type {WebAssembly.Memory | null} */ (null),
  /** What the engine says about itself: presets, limits, checks, kinds, bugs, partitions, legend. */
  catalogue: /** @type {any} */ (null),
  /** The run on screen, or null before the first. */
  sim: /** @type {import("../pkg/raftsim_wasm.js").Simulation | null} */ (null),
  /** The run panel's view of the run on screen, as last read (panels.js, controls.js). */
  lastRunView: /** @type {import("../pkg/raftsim_wasm.js").RunView | null} */ (null),
  /** When the run on screen ends, µs (player.js, from its run view). */
  runEndUs: 0,
  /** The space-time diagram's view (spacetime.js). */
  spacetime: /** @type {import("../pkg/raftsim_wasm.js").SpacetimeView | null} */ (null),
  /** Whether the space-time diagram's panel is open (spacetime.js). */
  spacetimeOpen: true,
  /** The health strip's view (health.js). */
  health: /** @type {import("../pkg/raftsim_wasm.js").HealthView | null} */ (null),
  /** The client-history timeline's view (history-view.js). */
  history: /** @type {import("../pkg/raftsim_wasm.js").HistoryView | null} */ (null),
  /** The search in progress, or the last one (search.js). */
  search: /** @type {SearchState | null} */ (null),
  /** The page's tests: a seed the search's engine is to panic in (its workers die there, as
   * they would on a bug), or null. */
  searchPanicAtSeedForTesting: /** @type {number | null} */ (null),
  /** The preset the settings start from (set from the engine's catalogue on boot). */
  preset: "",
  /** The node the inspector shows (0: none). */
  selected: 0,
  playing: false,
  /** A time the run is travelling to, frame by frame, or null. */
  travelTo: /** @type {number | null} */ (null),
  /** An opened link's moment is being reached, frame by frame. */
  opening: false,
  /** Set when the canvases must be redrawn even if paused. */
  dirty: true,
  /** The link of the run as it was at the last moment known to be healthy (for a panic report). */
  safeLink: "",
  /** The fragment the page last loaded or wrote, to tell our own hash changes from the user's. */
  loadedHash: "",
  /** A run is being opened from the address bar (no new history entry for it). */
  openingFromAddress: false,
  /** The engine panicked: nothing may call it again. */
  crashed: false,
  /** Figures the benchmark reads. */
  metrics: { firstFrameMs: /** @type {number | null} */ (null), frameWorkMs: /** @type {number[]} */ ([]), frames: 0 },
});

/** Every topic the page emits, with what it carries. */
export const TOPICS = Object.freeze({
  /** A run is about to replace the one on screen (share.js keeps the old one's link). */
  "before-run": "nothing",
  /** A new run is on screen. */
  run: "nothing",
  /** The run moved in time (a step, a seek, travel, a frame of play). */
  moved: "nothing",
  /** The person acted on the run (a crash, a cut, a request...). */
  acted: "nothing",
  /** The inspector's node changed: the node (0: none). */
  selected: "the node",
  /** A check failed: the violation. */
  violation: "the violation",
  /** Play started or stopped: whether it plays. */
  playing: "whether it plays",
  /** The speed changed: its level. */
  speed: "the level",
  /** The run reached its end while playing, or play was asked of a finished run. */
  finished: "nothing",
  /** Play stopped where a tour pauses: the event it stopped after. */
  halted: "the event",
  /** An opened link's moment is being reached (`{event, target}`), or no longer (null). */
  opening: "where it is, or null",
  /** A log entry was clicked: the client history's operation whose command it carries. */
  "show-operation": "its position in the history",
});

/** @typedef {keyof typeof TOPICS} Topic */

/** @type {Map<Topic, ((detail: any) => void)[]>} */
const listeners = new Map();

/** @param {string} topic @returns {Topic} */
function known(topic) {
  if (!Object.hasOwn(TOPICS, topic)) throw new Error(`no topic "${topic}": the topics are ${Object.keys(TOPICS).join(", ")}`);
  return /** @type {Topic} */ (topic);
}

/** Calls every listener of `topic` with `detail`. @param {Topic} topic @param {any} [detail] */
export function emit(topic, detail) {
  for (const listener of listeners.get(known(topic)) ?? []) listener(detail);
}

/** @param {Topic} topic @param {(detail: any) => void} listener */
export function on(topic, listener) {
  const name = known(topic);
  if (!listeners.has(name)) listeners.set(name, []);
  listeners.get(name)?.push(listener);
}

/** @type {(panic: string) => void} */
let panicHandler = () => {};
/** @type {(error: unknown) => void} */
let errorHandler = () => {};

/** Where a panic and an ordinary engine error are reported (set by notices.js). */
export function setErrorHandlers(onPanic, onError) {
  panicHandler = onPanic;
  errorHandler = onError;
}

/**
 * Runs `work`, which calls the engine. An engine error (bad input) is reported and `fallback`
 * returned; a panic (a bug) stops the page's use of the engine and opens the panic report.
 * @template T, F
 * @param {() => T} work
 * @param {F} [fallback]
 * @returns {T | F}
 */
export function guard(work, fallback = undefined) {
  if (app.crashed) return /** @type {F} */ (fallback);
  try {
    return work();
  } catch (error) {
    const panic = app.wasm?.last_panic?.();
    if (panic) {
      app.crashed = true;
      app.playing = false;
      emit("playing", false);
      panicHandler(panic);
    } else {
      errorHandler(error);
    }
    return /** @type {F} */ (fallback);
  }
}
