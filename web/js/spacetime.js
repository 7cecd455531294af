// @ts-check
// The space-time diagram panel. Its view (app.spacetime, a wasm SpacetimeView) owns the window
// (following the clock or where the person scrolled and zoomed), draws the diagram from the
// engine's record and says what is under the pointer and which time a height stands for; this
// module sizes the canvas, wires the pointer and the buttons, and turns clicks into seeks. A
// closed panel costs nothing per frame.
import { app, guard, on } from "./app.js";
import { fit } from "./canvas.js";
import { byId, setText } from "./dom.js";
import { onFrame, pause, speed, travel } from "./player.js";

const diagram = { canvas: /** @type {HTMLCanvasElement} */ (/** @type {unknown} */ (null)), context: /** @type {CanvasRenderingContext2D} */ (/** @type {unknown} */ (null)), width: 0, height: 0, ratio: 1 };
/** While playing, the diagram is redrawn at most this often. */
const INTERVAL_PLAYING_MS = 40;
let dirty = true;
let lastAt = 0;

function panel() {
  return /** @type {HTMLDetailsElement} */ (byId("panel-spacetime"));
}

/** The view (made at setup). */
function view() {
  return /** @type {import("../pkg/raftsim_wasm.js").SpacetimeView} */ (app.spacetime);
}

/** Simulated seconds per wall second while playing (0 paused or counted in events). */
function playingSpeed() {
  if (!app.playing) return 0;
  const level = speed();
  return level.max ? Infinity : (level.rate ?? 0);
}

function draw(now, changed) {
  const sim = app.sim;
  if (!sim || !panel().open) return;
  const resized = fit(diagram);
  const throttled = app.playing && now - lastAt < INTERVAL_PLAYING_MS;
  if (!resized && !dirty && (!changed || throttled)) return;
  dirty = false;
  lastAt = now;
  const spacetime = view();
  spacetime.resize(diagram.width, diagram.height, diagram.ratio);
  spacetime.set_speed(playingSpeed());
  spacetime.draw(sim, diagram.context);
  setText(byId("spacetime-summary"), spacetime.summary);
  byId("spacetime-follow").setAttribute("aria-pressed", spacetime.following ? "true" : "false");
}

/** @param {PointerEvent | WheelEvent} event */
function pointer(event) {
  const box = diagram.canvas.getBoundingClientRect();
  return { x: event.clientX - box.left, y: event.clientY - box.top };
}

/** The window moved: this panel and the health strip's shading of it are redrawn, and the
 * tooltip, which described the old one, goes. */
function changedView() {
  dirty = true;
  app.dirty = true;
  byId("spacetime-tip").hidden = true;
}

/** @param {PointerEvent} event */
function showTip(event) {
  const tip = byId("spacetime-tip");
  const sim = app.sim;
  if (!sim || view().dragging) {
    tip.hidden = true;
    return;
  }
  const { x, y } = pointer(event);
  const words = guard(() => view().pick(sim, x, y));
  diagram.canvas.classList.toggle("pointing", Boolean(words));
  if (!words) {
    tip.hidden = true;
    return;
  }
  tip.textContent = words;
  tip.hidden = false;
  const section = tip.offsetParent?.getBoundingClientRect() ?? diagram.canvas.getBoundingClientRect();
  tip.style.left = `${Math.max(4, Math.min(event.clientX - section.left + 14, section.width - tip.offsetWidth - 8))}px`;
  tip.style.top = `${event.clientY - section.top + 16}px`;
}

/** @param {PointerEvent} event */
function onPointerDown(event) {
  if (!app.sim || event.button !== 0) return;
  diagram.canvas.setPointerCapture(event.pointerId);
  view().press(pointer(event).y);
}

/** @param {PointerEvent} event */
function onPointerMove(event) {
  if (view().drag_to(pointer(event).y)) changedView();
  showTip(event);
}

/** A click (not a drag) goes to the moment under the pointer. */
function onPointerUp(event) {
  const target = view().release(pointer(event).y);
  if (target === undefined || !app.sim) return;
  changedView();
  pause();
  travel(target);
}

/** @param {WheelEvent} event */
function onWheel(event) {
  const sim = app.sim;
  if (!sim) return;
  event.preventDefault();
  guard(() => view().wheel(sim, pointer(event).y, event.deltaY, event.deltaMode === 1, event.ctrlKey || event.metaKey));
  changedView();
}

/** @param {(view: import("../pkg/raftsim_wasm.js").SpacetimeView, sim: import("../pkg/raftsim_wasm.js").Simulation) => void} change */
function button(change) {
  return () => {
    const sim = app.sim;
    if (!sim) return;
    guard(() => change(view(), sim));
    changedView();
  };
}

export function setupSpacetime() {
  app.spacetime = new app.wasm.SpacetimeView();
  diagram.canvas = /** @type {HTMLCanvasElement} */ (byId("spacetime"));
  diagram.context = /** @type {CanvasRenderingContext2D} */ (diagram.canvas.getContext("2d"));
  diagram.canvas.addEventListener("pointerdown", onPointerDown);
  diagram.canvas.addEventListener("pointermove", onPointerMove);
  diagram.canvas.addEventListener("pointerup", onPointerUp);
  diagram.canvas.addEventListener("pointercancel", () => view().cancel_press());
  diagram.canvas.addEventListener("pointerleave", () => { byId("spacetime-tip").hidden = true; });
  diagram.canvas.addEventListener("wheel", onWheel, { passive: false });
  byId("spacetime-follow").addEventListener("click", button((spacetime) => spacetime.follow_live()));
  byId("spacetime-zoom-in").addEventListener("click", button((spacetime, sim) => spacetime.zoom_in(sim)));
  byId("spacetime-zoom-out").addEventListener("click", button((spacetime, sim) => spacetime.zoom_out(sim)));
  byId("spacetime-whole").addEventListener("click", button((spacetime, sim) => spacetime.show_whole_run(sim)));
  panel().addEventListener("toggle", () => {
    app.spacetimeOpen = panel().open;
    dirty = true;
    app.dirty = true;
  });
  new ResizeObserver(() => { dirty = true; }).observe(diagram.canvas);
  on("run", () => {
    view().follow_live();
    dirty = true;
  });
  on("playing", (playing) => {
    if (playing) view().follow_clock();
    dirty = true;
  });
  on("moved", () => { dirty = true; });
  on("acted", () => { dirty = true; });
  onFrame(draw);
}
