// @ts-check
// The health strip: small plots of the whole run (the leader and the gaps without one, nodes
// down and links cut, commit index, client operations, commit latency, messages and losses),
// on the scrubber's own scale. Its view (app.health, a wasm HealthView) draws them from the
// engine's record and maps x to time; this module lines the time axis up under the scrubber,
// redraws when the run moves, and turns a click or a drag into travel, as the scrubber does. A
// closed panel costs nothing per frame.
import { app, guard, on } from "./app.js";
import { fit } from "./canvas.js";
import { byId } from "./dom.js";
import { onFrame, pause, travel } from "./player.js";

const strip = { canvas: /** @type {HTMLCanvasElement} */ (/** @type {unknown} */ (null)), context: /** @type {CanvasRenderingContext2D} */ (/** @type {unknown} */ (null)), width: 0, height: 0, ratio: 1 };
/** While playing, the strip is redrawn at most this often: it moves a pixel a few times a
 * second at most. */
const INTERVAL_PLAYING_MS = 100;
/** Half the scrubber thumb's width: where the range input puts its ends. */
const THUMB_HALF_PX = 7;
let dirty = true;
let lastAt = 0;
let dragging = false;

function panel() {
  return /** @type {HTMLDetailsElement} */ (byId("panel-health"));
}

/** The view (made at setup). */
function view() {
  return /** @type {import("../pkg/raftsim_wasm.js").HealthView} */ (app.health);
}

/** Measures where the time axis lies: under the scrubber's track when it is in view. */
function measureAxis() {
  const track = document.querySelector(".scrub-track")?.getBoundingClientRect();
  const box = strip.canvas.getBoundingClientRect();
  if (!track || track.width < 100) view().set_axis(Number.NaN, Number.NaN);
  else view().set_axis(track.left - box.left + THUMB_HALF_PX, track.right - box.left - THUMB_HALF_PX);
}

function draw(now, changed) {
  const sim = app.sim;
  if (!sim || !panel().open) return;
  const resized = fit(strip);
  const throttled = app.playing && now - lastAt < INTERVAL_PLAYING_MS;
  if (!resized && !dirty && (!changed || throttled)) return;
  dirty = false;
  lastAt = now;
  const health = view();
  health.resize(strip.width, strip.ratio);
  measureAxis();
  if (app.spacetimeOpen && app.spacetime) health.shade(app.spacetime);
  else health.unshade();
  health.draw(sim, strip.context);
}

/** @param {PointerEvent} event */
function pointerX(event) {
  return event.clientX - strip.canvas.getBoundingClientRect().left;
}

/** @param {PointerEvent} event */
function showTip(event) {
  const tip = byId("health-tip");
  const sim = app.sim;
  if (!sim) return;
  measureAxis();
  const words = guard(() => view().words_at(sim, pointerX(event)));
  if (!words) {
    tip.hidden = true;
    return;
  }
  tip.textContent = words;
  tip.hidden = false;
  const section = tip.offsetParent?.getBoundingClientRect() ?? strip.canvas.getBoundingClientRect();
  tip.style.left = `${Math.max(4, Math.min(event.clientX - section.left + 14, section.width - tip.offsetWidth - 8))}px`;
  tip.style.top = `${event.clientY - section.top + 16}px`;
}

/** A press or a drag travels to the time under the pointer, as the scrubber does.
 * @param {PointerEvent} event */
function travelTo(event) {
  const sim = app.sim;
  if (!sim) return;
  measureAxis();
  const target = guard(() => view().time_at(sim, pointerX(event)));
  if (target !== undefined) travel(target);
}

export function setupHealth() {
  app.health = new app.wasm.HealthView();
  strip.canvas = /** @type {HTMLCanvasElement} */ (byId("health"));
  strip.context = /** @type {CanvasRenderingContext2D} */ (strip.canvas.getContext("2d"));
  strip.canvas.style.height = `${app.wasm.HealthView.height_px()}px`;
  strip.canvas.addEventListener("pointerdown", (event) => {
    if (!app.sim || event.button !== 0) return;
    strip.canvas.setPointerCapture(event.pointerId);
    dragging = true;
    pause();
    travelTo(event);
  });
  strip.canvas.addEventListener("pointermove", (event) => {
    if (dragging) travelTo(event);
    showTip(event);
  });
  const release = () => { dragging = false; };
  strip.canvas.addEventListener("pointerup", release);
  strip.canvas.addEventListener("pointercancel", release);
  strip.canvas.addEventListener("pointerleave", () => { byId("health-tip").hidden = true; });
  panel().addEventListener("toggle", () => {
    dirty = true;
    app.dirty = true;
  });
  new ResizeObserver(() => { dirty = true; }).observe(strip.canvas);
  for (const topic of /** @type {const} */ (["run", "moved", "acted", "playing"])) on(topic, () => { dirty = true; });
  onFrame(draw);
}
