// The page's state, in one object, and the guard every call into the engine goes through.
// Modules talk through `emit` / `on` rather than importing each other's internals.

export const app = {
  /** The wasm module's exports (functions and the Simulation class). */
  wasm: null,
  /** The wasm instance's memory, for the memory figures. */
  memory: null,
  /** What the engine says about itself: presets, limits, checks, kinds, bugs, partitions, legend. */
  catalogue: null,
  /** The run on screen (a wasm Simulation), or null before the first. */
  sim: null,
  /** The preset the settings start from (set from the engine's catalogue on boot). */
  preset: "",
  /** The node the inspector shows (0: none). */
  selected: 0,
  playing: false,
  /** A time the run is travelling to, frame by frame, or null. */
  travelTo: null,
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
  metrics: { firstFrameMs: null, frameWorkMs: [], frames: 0 },
};

const listeners = new Map();

/** Calls every listener of `topic` with `detail`. Topics: run, moved, acted, selected, violation. */
export function emit(topic, detail) {
  for (const listener of listeners.get(topic) ?? []) listener(detail);
}

export function on(topic, listener) {
  if (!listeners.has(topic)) listeners.set(topic, []);
  listeners.get(topic).push(listener);
}

let panicHandler = () => {};
let errorHandler = () => {};

/** Where a panic and an ordinary engine error are reported (set by notices.js). */
export function setErrorHandlers(onPanic, onError) {
  panicHandler = onPanic;
  errorHandler = onError;
}

/**
 * Runs `work`, which calls the engine. An engine error (bad input) is reported and `fallback`
 * returned; a panic (a bug) stops the page's use of the engine and opens the panic report.
 */
export function guard(work, fallback = undefined) {
  if (app.crashed) return fallback;
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
    return fallback;
  }
}
