// The space-time diagram panel. The engine draws it from its record of the run and says what
// is under the pointer and which time a height stands for; this module sizes the canvas,
// keeps the window the person scrolled or zoomed to (or follows the clock), and turns clicks
// into seeks. A closed panel costs nothing per frame.
import { app, guard, on } from "./app.js";
import { fit } from "./canvas.js";
import { byId, setText } from "./dom.js";
import * as format from "./format.js";
import { onFrame, pause, speed, travel } from "./player.js";

const diagram = { canvas: null, context: null, width: 0, height: 0, ratio: 1 };
/** The window asked for; the engine fits it to the run (and places it while following). */
const view = { startUs: 0, spanUs: 0, follow: true, auto: true };
/** Pixels a pointer may move between press and release and still be a click, not a drag. */
const CLICK_SLOP_PX = 4;
const ZOOM_STEP = 2;
const WHEEL_ZOOM_STEP = 1.25;
/** While playing, the diagram is redrawn at most this often. */
const INTERVAL_PLAYING_MS = 40;
/** While playing, the window chosen by itself spans at least this much wall time at the speed
 * played, so that an arrow stays in view long enough to be seen. */
const WALL_SPAN_PLAYING_US = 2_000_000;
/** The window while playing as fast as it goes (the clock races: any window flashes by). */
const SPAN_FASTEST_US = 5_000_000;
let dirty = true;
let lastAt = 0;
let press = null;

/** What the last drawing showed (the page's tests read it through window.raftsim.app). */
app.spacetime = { view, drawn: null, open: true };

function panel() {
  return byId("panel-spacetime");
}

/** The least span the window chosen by itself may have: some wall time at the speed played. */
function spanPlaying() {
  if (!app.playing) return 0;
  const level = speed();
  if (level.max) return SPAN_FASTEST_US;
  return level.rate ? level.rate * WALL_SPAN_PLAYING_US : 0;
}

function draw(now, changed) {
  if (!app.sim || !panel().open) return;
  const resized = fit(diagram);
  const throttled = app.playing && now - lastAt < INTERVAL_PLAYING_MS;
  if (!resized && !dirty && (!changed || throttled)) return;
  dirty = false;
  lastAt = now;
  if (view.auto) view.spanUs = app.sim.spacetime_span_auto(spanPlaying());
  const drawn = app.sim.draw_spacetime(diagram.context, diagram.width, diagram.height, diagram.ratio, view.startUs, view.spanUs, view.follow);
  const [startUs, spanUs, arrows, marks, inView, crowded] = drawn;
  view.startUs = startUs;
  view.spanUs = spanUs;
  app.spacetime.drawn = { start_us: startUs, span_us: spanUs, end_us: startUs + spanUs, arrows, marks, in_view: inView, crowded: crowded === 1, now_us: app.sim.now_us(), width: diagram.width, height: diagram.height };
  const what = !crowded ? format.counted(arrows, "message", "messages") : arrows > 0 ? `${format.count(inView)} messages, elections only drawn` : `${format.count(inView)} messages, too many to draw`;
  setText(byId("spacetime-summary"), `${format.time(startUs)} to ${format.time(startUs + spanUs)} · ${what}`);
  byId("spacetime-follow").setAttribute("aria-pressed", view.follow ? "true" : "false");
}

function pointer(event) {
  const box = diagram.canvas.getBoundingClientRect();
  return { x: event.clientX - box.left, y: event.clientY - box.top };
}

function timeAt(y, startUs = view.startUs) {
  return app.sim.spacetime_time_at(y, diagram.height, startUs, view.spanUs);
}

/** Moves the window (no longer following the clock). */
function scrollTo(startUs) {
  view.follow = false;
  view.startUs = Math.max(0, startUs);
  changedView();
}

/** The window moved: this panel and the health strip's shading of it are redrawn, and the
 * tooltip, which described the old one, goes. */
function changedView() {
  dirty = true;
  app.dirty = true;
  byId("spacetime-tip").hidden = true;
}

/** Zooms by `factor` (>1: out) keeping the time at height `y` where it is. */
function zoom(factor, y = diagram.height / 2) {
  if (!app.sim) return;
  const anchorUs = timeAt(y);
  const share = (anchorUs - view.startUs) / view.spanUs;
  const [, spanUs] = app.sim.spacetime_window(view.startUs, view.spanUs * factor, false);
  view.spanUs = spanUs;
  view.auto = false;
  if (!view.follow) view.startUs = Math.max(0, anchorUs - share * spanUs);
  changedView();
}

function wholeRun() {
  if (!app.sim) return;
  view.follow = false;
  view.auto = false;
  view.startUs = 0;
  view.spanUs = app.lastRunView?.run_us ?? app.sim.run_view().run_us;
  changedView();
}

/** Back to the live view: following the clock at the span the engine picks for the traffic. */
function follow() {
  view.follow = true;
  view.auto = true;
  changedView();
}

function showTip(event) {
  const tip = byId("spacetime-tip");
  if (!app.sim || press?.dragging) {
    tip.hidden = true;
    return;
  }
  const { x, y } = pointer(event);
  const words = guard(() => app.sim.spacetime_pick(x, y, diagram.width, diagram.height, view.startUs, view.spanUs));
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

function onPointerDown(event) {
  if (!app.sim || event.button !== 0) return;
  diagram.canvas.setPointerCapture(event.pointerId);
  press = { y: pointer(event).y, startUs: view.startUs, dragging: false };
}

function onPointerMove(event) {
  if (press && Math.abs(pointer(event).y - press.y) > CLICK_SLOP_PX) {
    press.dragging = true;
    const { y } = pointer(event);
    guard(() => scrollTo(press.startUs + timeAt(press.y, press.startUs) - timeAt(y, press.startUs)));
  }
  showTip(event);
}

/** A click (not a drag) goes to the moment under the pointer. */
function onPointerUp(event) {
  const pressed = press;
  press = null;
  if (!pressed || pressed.dragging || !app.sim) return;
  const target = guard(() => timeAt(pointer(event).y));
  if (target === undefined) return;
  view.follow = false;
  pause();
  travel(target);
}

function onWheel(event) {
  if (!app.sim) return;
  event.preventDefault();
  const { y } = pointer(event);
  if (event.ctrlKey || event.metaKey) {
    guard(() => zoom(event.deltaY > 0 ? WHEEL_ZOOM_STEP : 1 / WHEEL_ZOOM_STEP, y));
    return;
  }
  const pixels = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaY;
  guard(() => scrollTo(view.startUs + (timeAt(diagram.height / 2 + pixels) - timeAt(diagram.height / 2))));
}

export function setupSpacetime() {
  diagram.canvas = byId("spacetime");
  diagram.context = diagram.canvas.getContext("2d");
  diagram.canvas.addEventListener("pointerdown", onPointerDown);
  diagram.canvas.addEventListener("pointermove", onPointerMove);
  diagram.canvas.addEventListener("pointerup", onPointerUp);
  diagram.canvas.addEventListener("pointercancel", () => { press = null; });
  diagram.canvas.addEventListener("pointerleave", () => { byId("spacetime-tip").hidden = true; });
  diagram.canvas.addEventListener("wheel", onWheel, { passive: false });
  byId("spacetime-follow").addEventListener("click", follow);
  byId("spacetime-zoom-in").addEventListener("click", () => guard(() => zoom(1 / ZOOM_STEP)));
  byId("spacetime-zoom-out").addEventListener("click", () => guard(() => zoom(ZOOM_STEP)));
  byId("spacetime-whole").addEventListener("click", () => guard(wholeRun));
  panel().addEventListener("toggle", () => {
    app.spacetime.open = panel().open;
    dirty = true;
    app.dirty = true;
  });
  new ResizeObserver(() => { dirty = true; }).observe(diagram.canvas);
  on("run", () => {
    view.follow = true;
    view.auto = true;
    dirty = true;
  });
  on("playing", (playing) => {
    if (playing) view.follow = true;
    dirty = true;
  });
  on("moved", () => { dirty = true; });
  on("acted", () => { dirty = true; });
  onFrame(draw);
}
