// @ts-check
// The client-history timeline: its view (app.history, a wasm HistoryView) owns which stretch is
// shown (following "now" or not, zoomed, scrolled, bounded by the history) and draws the run's
// history or an opened file's; this module sizes the canvas, redraws when what it shows
// changes, and wires the pointer: a tooltip, a click goes to the operation's call or answer,
// a drag scrolls, the wheel zooms.
import { app, guard } from "./app.js";
import { byId, h } from "./dom.js";
import { count, time } from "./format.js";
import { travel } from "./player.js";

/** While playing, the timeline is redrawn at most this often. */
const DRAW_INTERVAL_PLAYING_MS = 50;

const canvas = { element: /** @type {HTMLCanvasElement} */ (/** @type {unknown} */ (null)), context: /** @type {CanvasRenderingContext2D} */ (/** @type {unknown} */ (null)), width: 0, height: 0, ratio: 1 };
const drawn = { key: "", at: 0 };
/** The file shown instead of the run's history, or null. */
/** @type {import("../pkg/raftsim_wasm.js").HistoryFile | null} */
let file = null;

/** The view (made at setup). */
export function historyView() {
  return /** @type {import("../pkg/raftsim_wasm.js").HistoryView} */ (app.history);
}

/** Shows the run's history, following "now", with no counterexample marked. */
export function showRun() {
  file = null;
  drawn.key = "";
  if (app.sim) historyView().show_run(app.sim);
  showFollow();
}

/** Shows an opened file, whole. @param {import("../pkg/raftsim_wasm.js").HistoryFile} opened */
export function showFile(opened) {
  file = opened;
  drawn.key = "";
  historyView().show_file(opened);
  showFollow();
}

/** The view changed: redraw, and say whether it follows. */
export function viewChanged() {
  drawn.key = "";
  app.dirty = true;
  showFollow();
}

function showFollow() {
  byId("history-follow").setAttribute("aria-pressed", String(historyView().following));
}

function fitCanvas(sim) {
  const height = file ? app.wasm.HistoryView.height_px_file(file) : app.wasm.HistoryView.height_px_run(sim);
  if (canvas.element.style.height !== `${height}px`) canvas.element.style.height = `${height}px`;
  const box = canvas.element.getBoundingClientRect();
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(box.width));
  if (width === canvas.width && height === canvas.height && ratio === canvas.ratio) return false;
  Object.assign(canvas, { width, height, ratio });
  canvas.element.width = Math.round(width * ratio);
  canvas.element.height = Math.round(height * ratio);
  historyView().resize(width, ratio);
  return true;
}

/**
 * Draws the timeline when what it shows changed. `source` names the history as it stands (a
 * file, or the run's signature and time) and `marks` the counterexample marked.
 * @param {number} now @param {boolean} changed @param {string} source
 */
export function drawTimeline(now, changed, source) {
  const sim = app.sim;
  if (!sim) return;
  const resized = fitCanvas(sim);
  if (app.playing && !resized && now - drawn.at < DRAW_INTERVAL_PLAYING_MS) return;
  const view = historyView();
  const key = `${source}|${view.start}|${view.end}|${canvas.width}|${canvas.ratio}`;
  if (!resized && !changed && key === drawn.key) return;
  if (file) view.draw_file(file, canvas.context);
  else view.draw_run(sim, canvas.context);
  drawn.key = `${source}|${view.start}|${view.end}|${canvas.width}|${canvas.ratio}`;
  drawn.at = now;
  canvas.element.dataset.window = `${Math.round(view.start)}-${Math.round(view.end)}`;
}

/** The operation under the pointer, or null. @param {PointerEvent} event */
function pointAt(event) {
  const box = canvas.element.getBoundingClientRect();
  const x = event.clientX - box.left;
  const y = event.clientY - box.top;
  const sim = app.sim;
  const view = historyView();
  if (file) {
    const opened = file;
    return guard(() => view.op_at_file(opened, x, y)) ?? null;
  }
  return sim ? guard(() => view.op_at_run(sim, x, y)) ?? null : null;
}

/** @param {PointerEvent} event @param {import("../pkg/raftsim_wasm.js").PickedOperation | null} op */
function showTip(event, op) {
  const tip = byId("history-tip");
  canvas.element.classList.toggle("pointing", Boolean(op) && !file);
  if (!op) {
    tip.hidden = true;
    return;
  }
  const at = (value) => (file ? `line ${value}` : time(value));
  const ended = op.end === undefined || op.end === null ? "no answer yet" : `${op.kind === "unknown" ? "gave up at" : "answered at"} ${at(op.end)}`;
  // replaceChildren would write a null as the text "null": only the lines there are.
  const lines = [
    h("strong", {}, op.label),
    h("span", {}, `${op.row ? `${op.row} · ` : ""}called at ${at(op.invoke)} · ${ended}`),
    orderLine(op.order),
    file ? null : logLine(op.position),
    file ? null : h("span", { class: "muted" }, `click to go to its ${op.near_end && op.end != null ? "answer" : "call"}`),
  ];
  tip.replaceChildren(...lines.filter((line) => line !== null));
  tip.hidden = false;
  // The tip lives outside the scrolling box (inside it, it could add a scrollbar and narrow the
  // canvas under the pointer), placed against the panel.
  const box = byId("panel-history").getBoundingClientRect();
  tip.style.left = `${Math.min(event.clientX - box.left + 14, box.width - tip.offsetWidth - 8)}px`;
  tip.style.top = `${event.clientY - box.top + 14}px`;
}

/** For an operation of the run: where its command is in the logs (the engine walks the logs,
 * so the answer is kept for this operation at this moment). */
const logPlaces = { key: "", line: /** @type {HTMLElement | null} */ (null) };
function logLine(position) {
  const sim = app.sim;
  if (!sim) return null;
  const key = `${position}:${sim.events()}`;
  if (logPlaces.key !== key) {
    const place = guard(() => sim.history_log_place(position));
    const text = place
      ? `In the logs: S${place.node}'s entry ${count(place.index)} (term ${place.term}), ${place.committed ? "committed" : "not committed yet"}.`
      : "In no log (yet): no node has appended its command.";
    Object.assign(logPlaces, { key, line: h("span", { class: "tip-log" }, text) });
  }
  return logPlaces.line;
}

/** For an operation of a counterexample's longest order: its place in it and the state there. */
function orderLine(order) {
  if (!order) return null;
  const state = order.state ? `; once it has taken effect, ${order.state}` : "";
  return h("span", { class: "tip-order" }, `${ordinal(order.place)} of the ${count(order.of)} in the longest order found${state}.`);
}

/** "1st", "2nd", "3rd", "11th", "22nd". */
function ordinal(number) {
  const teen = Math.floor(number / 10) % 10 === 1;
  const suffix = teen ? "th" : ({ 1: "st", 2: "nd", 3: "rd" }[number % 10] ?? "th");
  return `${count(number)}${suffix}`;
}

/** A click on an operation of the run goes to its call, or its answer when nearer that. */
function goToOp(op) {
  if (!op || file) return;
  travel(op.near_end && op.end !== undefined && op.end !== null ? op.end : op.invoke);
}

/** @param {PointerEvent | WheelEvent} event */
function canvasX(event) {
  return event.clientX - canvas.element.getBoundingClientRect().left;
}

function setupPointer() {
  const element = canvas.element;
  element.addEventListener("wheel", (event) => {
    event.preventDefault();
    historyView().wheel(canvasX(event), event.deltaY);
    viewChanged();
  }, { passive: false });
  element.addEventListener("pointerdown", (event) => {
    historyView().press(canvasX(event));
    element.setPointerCapture?.(event.pointerId);
  });
  element.addEventListener("pointermove", (event) => {
    if (historyView().drag_to(canvasX(event))) {
      if (historyView().dragging) {
        element.classList.add("dragging");
        viewChanged();
      }
      return;
    }
    showTip(event, pointAt(event));
  });
  element.addEventListener("pointerup", (event) => {
    element.classList.remove("dragging");
    if (historyView().release()) goToOp(pointAt(event));
  });
  element.addEventListener("pointerleave", () => {
    byId("history-tip").hidden = true;
  });
}

export function setupHistoryView() {
  app.history = new app.wasm.HistoryView();
  canvas.element = /** @type {HTMLCanvasElement} */ (byId("history"));
  canvas.context = /** @type {CanvasRenderingContext2D} */ (canvas.element.getContext("2d"));
  byId("history-follow").addEventListener("click", () => {
    historyView().toggle_follow();
    viewChanged();
  });
  byId("history-whole").addEventListener("click", () => {
    historyView().show_whole();
    viewChanged();
  });
  setupPointer();
}
