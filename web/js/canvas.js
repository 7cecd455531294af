// @ts-check
// The two canvases the engine draws: the ring and the log strips. JS sizes them to their CSS
// box and the device pixel ratio, says when to draw, and turns pointer events into picks
// (the engine says what is under the pointer: JS holds no geometry).
import { app, emit, guard, on } from "./app.js";
import { byId, h } from "./dom.js";
import { time } from "./format.js";
import { onFrame } from "./player.js";

const ring = { canvas: null, context: null, width: 0, height: 0, ratio: 1 };
const logs = { canvas: null, context: null, width: 0, height: 0, ratio: 1 };
let lastLogsSignature = "";
let lastLogsAt = 0;
/** While playing, the log strips are redrawn at most this often (at speed they change every
 * frame, faster than anyone reads them). */
const LOGS_INTERVAL_PLAYING_MS = 100;
/** @type {(pick: import("../pkg/raftsim_wasm.js").RingPick | null, clientX: number, clientY: number) => void} */
let clickListener = () => {};

/** Where a click on the ring goes: `listener(pick, clientX, clientY)`. */
export function onRingClick(listener) {
  clickListener = listener;
}

/** The ring's size in CSS pixels, for picks and node positions. */
export function ringSize() {
  return { width: ring.width, height: ring.height };
}

/** A node's centre in viewport coordinates (for anchoring its menu, and for the tests). */
export function nodeClientPoint(node) {
  const { x, y } = app.sim.node_center(node, ring.width, ring.height);
  const box = ring.canvas.getBoundingClientRect();
  return { x: box.left + x, y: box.top + y };
}

/** Sizes `target.canvas` to its CSS box and the device pixel ratio; true if that changed. */
export function fit(target) {
  const box = target.canvas.getBoundingClientRect();
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(box.width));
  const height = Math.max(1, Math.round(box.height));
  if (width === target.width && height === target.height && ratio === target.ratio) return false;
  Object.assign(target, { width, height, ratio });
  target.canvas.width = Math.round(width * ratio);
  target.canvas.height = Math.round(height * ratio);
  return true;
}

function sizeLogs() {
  const height = app.wasm.log_strip_height(app.sim.run_view().nodes);
  logs.canvas.style.height = `${height}px`;
  app.dirty = true;
}

function draw(now, changed) {
  if (!app.sim) return;
  const resized = fit(ring);
  if (changed || resized) {
    app.sim.draw(ring.context, ring.width, ring.height, ring.ratio);
    if (app.metrics.firstFrameMs === null) {
      app.metrics.firstFrameMs = performance.now();
      document.body.dataset.firstFrame = "drawn";
    }
  }
  const logsResized = fit(logs);
  const throttled = app.playing && now - lastLogsAt < LOGS_INTERVAL_PLAYING_MS;
  if (throttled && !logsResized) return;
  const signature = changed || logsResized ? app.sim.logs_signature() : lastLogsSignature;
  if (logsResized || signature !== lastLogsSignature) {
    app.sim.draw_logs(logs.context, logs.width, logs.ratio);
    lastLogsSignature = signature;
    lastLogsAt = now;
  }
}

function pointer(event) {
  const box = ring.canvas.getBoundingClientRect();
  return { x: event.clientX - box.left, y: event.clientY - box.top };
}

/** The tooltip over the log strips: what the entry under the pointer carries. */
function showEntry(event) {
  const tip = byId("log-tip");
  if (!app.sim) return;
  const box = logs.canvas.getBoundingClientRect();
  const entry = guard(() => app.sim.log_entry_at(event.clientX - box.left, event.clientY - box.top, logs.width));
  if (!entry) {
    tip.hidden = true;
    return;
  }
  const state = [entry.committed ? "committed" : "not committed", entry.applied ? "applied" : null, entry.durable ? "on disk" : "not yet on disk"];
  const operation = entry.operation == null ? null : guard(() => app.sim?.history_op(entry.operation));
  const lines = [
    h("strong", {}, `S${entry.node}, index ${entry.index}, term ${entry.term}`),
    h("span", {}, entry.text),
    h("span", { class: "muted" }, state.filter(Boolean).join(" · ")),
    operation ? h("span", {}, `In the client history: ${operation.label}, called at ${time(operation.invoke)}; click to show it there.`) : null,
  ];
  tip.replaceChildren(...lines.filter((line) => line !== null));
  logs.canvas.classList.toggle("pointing", Boolean(operation));
  tip.hidden = false;
  const section = tip.offsetParent?.getBoundingClientRect() ?? box;
  tip.style.left = `${Math.min(event.clientX - section.left + 14, section.width - tip.offsetWidth - 8)}px`;
  tip.style.top = `${event.clientY - section.top + 14}px`;
}

export function setupCanvases() {
  ring.canvas = byId("ring");
  ring.context = ring.canvas.getContext("2d");
  logs.canvas = byId("logs");
  logs.context = logs.canvas.getContext("2d");
  ring.canvas.addEventListener("pointermove", (event) => {
    if (!app.sim) return;
    const { x, y } = pointer(event);
    const pick = guard(() => app.sim.hover(x, y, ring.width, ring.height));
    ring.canvas.classList.toggle("pointing", Boolean(pick));
    app.dirty = true;
  });
  ring.canvas.addEventListener("pointerleave", () => {
    if (!app.sim) return;
    guard(() => app.sim.hover(-100, -100, ring.width, ring.height));
    ring.canvas.classList.remove("pointing");
    app.dirty = true;
  });
  ring.canvas.addEventListener("click", (event) => {
    if (!app.sim) return;
    const { x, y } = pointer(event);
    const pick = guard(() => app.sim.pick(x, y, ring.width, ring.height));
    clickListener(pick ?? null, event.clientX, event.clientY);
  });
  logs.canvas.addEventListener("pointermove", (event) => showEntry(event));
  logs.canvas.addEventListener("click", (event) => {
    if (!app.sim) return;
    const box = logs.canvas.getBoundingClientRect();
    const entry = guard(() => app.sim?.log_entry_at(event.clientX - box.left, event.clientY - box.top, logs.width));
    if (entry?.operation != null) emit("show-operation", entry.operation);
  });
  logs.canvas.addEventListener("pointerleave", () => {
    byId("log-tip").hidden = true;
  });
  new ResizeObserver(() => {
    app.dirty = true;
  }).observe(ring.canvas);
  on("run", () => {
    lastLogsSignature = "";
    sizeLogs();
  });
  onFrame(draw);
}
