// The client-history panel: the run's operations on a timeline (the engine draws it), the
// linearizability verdict of the history so far, re-checked in a worker whenever the history
// changes, and its counterexample; or a Jepsen history file opened here and checked the same
// way. JS keeps the view (which stretch of time, following "now" or not), the workers and the
// words around the verdict; the engine reads, checks, explains and draws.
import { app, guard, on } from "./app.js";
import { byId, h, setText } from "./dom.js";
import { count, counted, time } from "./format.js";
import { onFrame, travel } from "./player.js";
import { EngineWorker } from "./workers.js";

/** How much simulated time the timeline shows at first, following "now". */
const SPAN_US_DEFAULT = 4_000_000;
/** The narrowest view: a millisecond of a run, a few lines of a log. */
const SPAN_MIN = { run: 1_000, file: 4 };
/** While playing, the timeline is redrawn at most this often. */
const DRAW_INTERVAL_PLAYING_MS = 50;
/** A run's history is sent for a new check at most this often. */
const CHECK_INTERVAL_MS = 250;

const view = { canvas: null, context: null, width: 0, height: 0, ratio: 1, span: SPAN_US_DEFAULT, start: 0, follow: true };
const state = {
  panel: null,
  /** The opened file (a wasm HistoryFile), or null: the run's history is shown. */
  file: null,
  fileText: "",
  /** The counterexample to paint on the run's timeline (a wasm HistoryMarks). */
  marks: null,
  drawnKey: "",
  drawnAt: 0,
  drag: null,
};
/** The run's checks: what was last sent and what came back, per run. */
const runCheck = { generation: 0, sentSignature: "", sentAt: 0, inFlight: false, result: null, signature: "", ms: 0, operations: 0 };
const fileCheck = { id: 0, startedAt: 0, result: null, ms: 0 };
const workers = { run: null, file: null };
let nextId = 1;

/** Figures the tests and the benchmark read: the last check of each kind and its time. */
export const historyMetrics = { runChecks: 0, fileChecks: 0, lastRunCheckMs: null, lastFileCheckMs: null };

function isOpen() {
  return state.panel.open;
}

// ---- the view: which stretch of history is drawn ----

function bounds() {
  if (state.file) return { lo: state.file.start(), hi: state.file.end(), now: null };
  const now = app.sim.now_us();
  return { lo: 0, hi: Math.max(now, app.runEndUs ?? now), now };
}

/** The stretch in view: following, the present sits near the right edge. */
function windowNow() {
  const { now } = bounds();
  if (view.follow && now !== null) {
    const end = Math.max(view.span, now + view.span * 0.08);
    return { start: end - view.span, end };
  }
  return { start: view.start, end: view.start + view.span };
}

function setWindow(start, span, follow) {
  const { lo, hi } = bounds();
  const kind = state.file ? "file" : "run";
  view.span = Math.max(SPAN_MIN[kind], Math.min(span, (hi - lo) * 1.1 + SPAN_MIN[kind]));
  view.start = Math.max(lo - view.span * 0.05, Math.min(start, hi - view.span * 0.5));
  view.follow = follow && !state.file;
  byId("history-follow").setAttribute("aria-pressed", String(view.follow));
  app.dirty = true;
}

function showWhole() {
  const { lo, hi } = bounds();
  const span = Math.max(hi - lo, SPAN_MIN[state.file ? "file" : "run"]) * 1.04;
  setWindow(lo - span * 0.02, span, false);
}

/** The time under canvas x (CSS px), from the engine's own mapping of the current view. */
function timeAt(x) {
  const { start, end } = windowNow();
  const ratio = app.wasm.history_time_fraction(x, view.canvas.getBoundingClientRect().width);
  return start + ratio * (end - start);
}

function zoom(event) {
  event.preventDefault();
  const box = view.canvas.getBoundingClientRect();
  const x = event.clientX - box.left;
  const { start, end } = windowNow();
  const at = timeAt(x);
  const factor = Math.exp(Math.sign(event.deltaY) * Math.min(Math.abs(event.deltaY), 200) / 300);
  const span = (end - start) * factor;
  const fraction = (at - start) / (end - start);
  setWindow(at - fraction * span, span, view.follow && fraction > 0.85);
}

// ---- drawing ----

function fitCanvas() {
  const rows = state.file ? state.file.rows() : app.sim.history_rows();
  const height = app.wasm.history_timeline_height(rows);
  if (view.canvas.style.height !== `${height}px`) view.canvas.style.height = `${height}px`;
  const box = view.canvas.getBoundingClientRect();
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(box.width));
  if (width === view.width && height === view.height && ratio === view.ratio) return false;
  Object.assign(view, { width, height, ratio });
  view.canvas.width = Math.round(width * ratio);
  view.canvas.height = Math.round(height * ratio);
  return true;
}

function draw(now, changed) {
  if (!app.sim || !isOpen()) return;
  const resized = fitCanvas();
  if (app.playing && !resized && now - state.drawnAt < DRAW_INTERVAL_PLAYING_MS) return;
  const { start, end } = windowNow();
  const source = state.file ? `file:${fileCheck.id}` : `${app.sim.history_signature()}:${app.sim.now_us()}`;
  const key = `${source}|${start}|${end}|${view.width}|${view.ratio}|${runCheck.signature}`;
  if (!resized && !changed && key === state.drawnKey) return;
  if (state.file) state.file.draw(view.context, view.width, view.ratio, start, end);
  else app.sim.draw_history(view.context, view.width, view.ratio, start, end, state.marks);
  state.drawnKey = key;
  state.drawnAt = now;
  view.canvas.dataset.window = `${Math.round(start)}-${Math.round(end)}`;
}

// ---- checking: the run's history in one worker, files in another ----

/** The worker for `kind` ("run" or "file"), started on first use. */
function worker(kind) {
  if (!workers[kind]) {
    const engine = new EngineWorker((message) => answered(kind, message));
    engine.ready.catch((error) => answered(kind, { type: "failed", id: currentId(kind), message: error.message }));
    workers[kind] = engine;
  }
  return workers[kind];
}

/** Sends `message` to the worker for `kind` once its engine has loaded. */
function send(kind, message) {
  const engine = worker(kind);
  engine.ready.then(() => engine.post(message), () => {});
}

function currentId(kind) {
  return kind === "run" ? runCheck.generation : fileCheck.id;
}

/** A worker's answer, in the form the panel reads: `{id, ok, result | error, ms, panic}`. */
function answered(kind, { type, id, result, message, ms }) {
  if (!["checked", "failed", "crashed"].includes(type)) return;
  const answer = { id, ok: type === "checked", result, error: message, ms: ms ?? 0, panic: type === "crashed" };
  if (kind === "run") runAnswered(answer);
  else fileAnswered(answer);
}

function dropWorker(kind) {
  workers[kind]?.terminate();
  workers[kind] = null;
}

/** Sends the run's history for a check when it changed and no check is under way. */
function maybeCheckRun(now) {
  if (!app.sim || state.file || !isOpen() || runCheck.inFlight) return;
  if (now - runCheck.sentAt < CHECK_INTERVAL_MS) return;
  const signature = guard(() => app.sim.history_signature());
  if (!signature || signature === runCheck.sentSignature || signature.startsWith("0:")) return;
  const started = performance.now();
  const operations = guard(() => app.sim.history_for_check());
  if (operations === undefined) return;
  // Writing out a long history costs the frame loop: wait in proportion before the next one,
  // so the live check takes at most about 2% of the page's time.
  const spentMs = performance.now() - started;
  Object.assign(runCheck, { sentSignature: signature, sentAt: now + 50 * spentMs, inFlight: true });
  send("run", { type: "check", id: runCheck.generation, operations });
}

function runAnswered({ id, ok, result, error, ms, panic }) {
  if (id !== runCheck.generation) return;
  runCheck.inFlight = false;
  if (panic) dropWorker("run");
  historyMetrics.runChecks += 1;
  historyMetrics.lastRunCheckMs = ms;
  if (!ok) {
    showError(error);
    return;
  }
  Object.assign(runCheck, { result, signature: runCheck.sentSignature, ms, operations: result.operations });
  state.marks?.free();
  state.marks = guard(() => new app.wasm.HistoryMarks(result.counterexample ? result : null)) ?? null;
  app.dirty = true;
  showVerdict();
}

function checkFile() {
  dropWorker("file");
  fileCheck.id = nextId++;
  fileCheck.result = null;
  fileCheck.startedAt = performance.now();
  byId("history-cancel").hidden = false;
  send("file", { type: "check", id: fileCheck.id, text: state.fileText, model: byId("history-model").value });
  showVerdict();
}

function fileAnswered({ id, ok, result, error, ms, panic }) {
  if (id !== fileCheck.id || !state.file) return;
  byId("history-cancel").hidden = true;
  if (panic) dropWorker("file");
  historyMetrics.fileChecks += 1;
  historyMetrics.lastFileCheckMs = ms;
  if (!ok) {
    showError(error);
    fileCheck.result = null;
    showVerdict();
    return;
  }
  Object.assign(fileCheck, { result, ms });
  guard(() => state.file.set_result(result.counterexample ? result : null));
  if (result.counterexample) showCounterexample(result.counterexample);
  state.drawnKey = "";
  app.dirty = true;
  showVerdict();
}

/** Zooms a file's timeline onto its counterexample: the last ordered operation and those that
 * cannot go next, with some of what surrounds them. */
function showCounterexample(counterexample) {
  const positions = [counterexample.longest_prefix.at(-1), ...counterexample.cannot_go_next].filter((position) => position !== undefined);
  const ops = positions.map((position) => guard(() => state.file.op(position))).filter(Boolean);
  if (!ops.length) return;
  const first = Math.min(...ops.map((op) => op.invoke));
  const last = Math.max(...ops.map((op) => op.end ?? op.invoke));
  const span = Math.max((last - first) * 3, 30);
  setWindow(first - (span - (last - first)) / 2, span, false);
}

function cancelFileCheck() {
  dropWorker("file");
  fileCheck.id = nextId++;
  byId("history-cancel").hidden = true;
  fileCheck.result = { cancelled: true };
  showVerdict();
}

// ---- words: the verdict, the counterexample's operations ----

/** "1 operation", "43 operations". */
function operationCount(number) {
  return counted(number, "operation", "operations");
}

/** The verdict line for a result: [class, long text, short text]. */
function verdictWords(result, ms, stale) {
  const took = `checked in ${ms < 10 ? ms.toFixed(1) : count(Math.round(ms))} ms`;
  const operations = operationCount(result.operations);
  const asOf = stale ? " The history has changed since; checking it again…" : "";
  if (result.verdict === "Linearizable") {
    const scope = state.file ? "Linearizable" : "Linearizable so far";
    return ["ok", `✓ ${scope}: one order of the ${operations}, each taking effect between its call and its answer, explains every result (${took}).${asOf}`, "✓ linearizable"];
  }
  if (result.verdict === "NotLinearizable") return ["bad", `✗ ${result.sentence} (${operations}, ${took}.)${asOf}`, "✗ not linearizable"];
  const ranOut = result.partition_results.some((part) => part.verdict === "out_of_memory") ? "memory" : "model steps";
  return ["unknown", `? Unknown: the checker's budget of ${ranOut} ran out before an answer (${operations}, ${count(result.steps)} steps, ${took}). Unknown is not a pass.${asOf}`, "? unknown"];
}

function showVerdict() {
  const line = byId("history-verdict");
  const short = byId("history-verdict-short");
  const [kind, text, brief] = currentVerdict();
  line.className = `verdict ${kind}`;
  setText(line, text);
  setText(short, brief);
  short.className = `summary verdict-short ${kind}`;
  showCulprits();
}

function currentVerdict() {
  if (state.file) {
    if (fileCheck.result?.cancelled) return ["unknown", "The check was cancelled: no verdict.", "cancelled"];
    if (!fileCheck.result) return ["wait", `Checking ${operationCount(state.file.operations())} against the ${modelName()} model in a worker…`, "checking…"];
    return verdictWords(fileCheck.result, fileCheck.ms, false);
  }
  const signature = app.sim ? guard(() => app.sim.history_signature(), "") : "";
  if (signature.startsWith("0:")) return ["wait", "No client operations yet.", ""];
  if (!runCheck.result) return ["wait", "Checking the history in a worker…", "checking…"];
  return verdictWords(runCheck.result, runCheck.ms, runCheck.signature !== signature);
}

function modelName() {
  const chosen = byId("history-model").value || state.file?.default_model();
  return chosen === "kv" ? "key-value" : "register";
}

/** The operations a counterexample names, each a button that goes to it in the run. */
function showCulprits() {
  const list = byId("history-culprits");
  const result = state.file ? fileCheck.result : runCheck.result;
  const counterexample = result?.counterexample;
  if (!counterexample) {
    list.hidden = true;
    list.replaceChildren();
    return;
  }
  const last = counterexample.longest_prefix.at(-1);
  const items = counterexample.cannot_go_next.map((position) => culprit(position, "cannot go next:"));
  if (last !== undefined) items.unshift(culprit(last, `last of the ${count(counterexample.longest_prefix.length)} ordered:`));
  list.replaceChildren(...items);
  list.hidden = false;
}

function culprit(position, role) {
  const op = guard(() => (state.file ? state.file.op(position) : app.sim.history_op(position)));
  if (!op) return h("li", {}, h("span", { class: "role" }, role), `operation ${position + 1}`);
  if (state.file) {
    const ended = op.end === undefined || op.end === null ? "no answer" : `answered at line ${op.end}`;
    const show = () => setWindow(op.invoke - view.span / 2, view.span, false);
    return h("li", {}, h("span", { class: "role" }, role), `${op.label} (${op.row}, called at line ${op.invoke}, ${ended}) `, h("button", { type: "button", onclick: show }, "show it"));
  }
  const ended = op.end === undefined || op.end === null ? "no answer" : `answered ${time(op.end)}`;
  return h(
    "li",
    {},
    h("span", { class: "role" }, role),
    `${op.label} (${op.row}, called ${time(op.invoke)}, ${ended}) `,
    h("button", { type: "button", onclick: () => travel(op.invoke) }, "go to its call"),
    op.end === undefined || op.end === null ? null : h("button", { type: "button", onclick: () => travel(op.end) }, "go to its answer"),
  );
}

function showError(message) {
  const error = byId("history-error");
  error.textContent = message ?? "";
  error.hidden = !message;
}

// ---- files ----

async function openFile(file) {
  showError("");
  const limit = app.wasm.history_file_bytes_max();
  if (file.size > limit) {
    showError(`${file.name}: ${count(file.size)} bytes; the page reads history files of at most ${count(limit)} bytes.`);
    return;
  }
  const text = await file.text();
  const opened = readFile(file.name, text);
  if (!opened) return;
  closeFile();
  Object.assign(state, { file: opened, fileText: text, drawnKey: "" });
  byId("history-source").textContent = `${file.name}: ${operationCount(opened.operations())}, ${opened.format() === "log" ? "a Jepsen log" : "an EDN history"}`;
  byId("history-file-bar").hidden = false;
  byId("history-back").hidden = false;
  byId("history-follow").hidden = true;
  showWhole();
  checkFile();
}

/** The engine's reading of a file, or null after showing why it cannot be read (the reader's
 * line and reason); a panic still goes to the panic report. */
function readFile(name, text) {
  try {
    return new app.wasm.HistoryFile(name, text);
  } catch (error) {
    if (app.wasm.last_panic()) guard(() => { throw error; });
    else refuseFile(error);
    return null;
  }
}

function closeFile() {
  dropWorker("file");
  state.file?.free();
  Object.assign(state, { file: null, fileText: "", drawnKey: "" });
  fileCheck.result = null;
  byId("history-source").textContent = "This run's clients";
  byId("history-file-bar").hidden = true;
  byId("history-back").hidden = true;
  byId("history-cancel").hidden = true;
  byId("history-follow").hidden = false;
  setWindow(0, SPAN_US_DEFAULT, true);
  showVerdict();
}

/** Where a file's error is shown: the reader's own message (line and what was wrong). */
function refuseFile(error) {
  showError(`That file is not a history raftsim can read: ${error.message ?? error}`);
}

function setupFiles() {
  const input = byId("history-file");
  byId("history-open").addEventListener("click", () => input.click());
  input.addEventListener("change", () => {
    const [file] = input.files;
    input.value = "";
    if (file) openFile(file).catch(refuseFile);
  });
  const drop = byId("panel-history");
  drop.addEventListener("dragover", (event) => {
    event.preventDefault();
    byId("history-drop").classList.add("dropping");
  });
  drop.addEventListener("dragleave", () => byId("history-drop").classList.remove("dropping"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    byId("history-drop").classList.remove("dropping");
    const [file] = event.dataTransfer?.files ?? [];
    if (file) openFile(file).catch(refuseFile);
  });
  byId("history-back").addEventListener("click", closeFile);
  byId("history-cancel").addEventListener("click", cancelFileCheck);
  byId("history-model").addEventListener("change", () => state.file && checkFile());
}

// ---- pointing: a tooltip, a click goes to the operation's call or answer, drag scrolls ----

function pointAt(event) {
  const box = view.canvas.getBoundingClientRect();
  const { start, end } = windowNow();
  const x = event.clientX - box.left;
  const y = event.clientY - box.top;
  const source = state.file ?? app.sim;
  // The canvas's width now, not at its last drawing: a layout change redraws it next frame.
  const width = box.width;
  const picked = state.file ? guard(() => source.op_at(x, y, width, start, end)) : guard(() => source.history_op_at(x, y, width, start, end));
  return picked ?? null;
}

function showTip(event, op) {
  const tip = byId("history-tip");
  view.canvas.classList.toggle("pointing", Boolean(op) && !state.file);
  if (!op) {
    tip.hidden = true;
    return;
  }
  const at = (value) => (state.file ? `line ${value}` : time(value));
  const ended = op.end === undefined || op.end === null ? "no answer yet" : `${op.kind === "unknown" ? "gave up at" : "answered at"} ${at(op.end)}`;
  tip.replaceChildren(
    h("strong", {}, op.label),
    h("span", {}, `${op.row ? `${op.row} · ` : ""}called at ${at(op.invoke)} · ${ended}`),
    state.file ? null : h("span", { class: "muted" }, `click to go to its ${op.near_end && op.end != null ? "answer" : "call"}`),
  );
  tip.hidden = false;
  // The tip lives outside the scrolling box (inside it, it could add a scrollbar and narrow the
  // canvas under the pointer), placed against the panel.
  const box = state.panel.getBoundingClientRect();
  tip.style.left = `${Math.min(event.clientX - box.left + 14, box.width - tip.offsetWidth - 8)}px`;
  tip.style.top = `${event.clientY - box.top + 14}px`;
}

function setupPointer() {
  const canvas = view.canvas;
  canvas.addEventListener("wheel", zoom, { passive: false });
  canvas.addEventListener("pointerdown", (event) => {
    state.drag = { x: event.clientX, start: windowNow().start, moved: false };
    canvas.setPointerCapture?.(event.pointerId);
  });
  canvas.addEventListener("pointermove", (event) => {
    if (state.drag) {
      const dx = event.clientX - state.drag.x;
      if (Math.abs(dx) > 3) state.drag.moved = true;
      if (state.drag.moved) {
        canvas.classList.add("dragging");
        const perPx = timeAt(1) - timeAt(0);
        setWindow(state.drag.start - dx * perPx, view.span, false);
      }
      return;
    }
    showTip(event, pointAt(event));
  });
  canvas.addEventListener("pointerup", (event) => {
    const drag = state.drag;
    state.drag = null;
    canvas.classList.remove("dragging");
    if (drag && !drag.moved) goToOp(pointAt(event));
  });
  canvas.addEventListener("pointerleave", () => {
    byId("history-tip").hidden = true;
  });
}

function goToOp(op) {
  if (!op || state.file) return;
  const target = op.near_end && op.end !== undefined && op.end !== null ? op.end : op.invoke;
  travel(target);
}

// ---- wiring ----

function newRun() {
  runCheck.generation += 1;
  Object.assign(runCheck, { sentSignature: "", sentAt: 0, inFlight: false, result: null, signature: "" });
  state.marks?.free();
  state.marks = guard(() => new app.wasm.HistoryMarks(null)) ?? null;
  state.drawnKey = "";
  if (!state.file) setWindow(0, SPAN_US_DEFAULT, true);
  showVerdict();
}

export function setupHistory() {
  state.panel = byId("panel-history");
  view.canvas = byId("history");
  view.context = view.canvas.getContext("2d");
  byId("history-follow").addEventListener("click", () => {
    const { start } = windowNow();
    setWindow(start, view.span, !view.follow);
  });
  byId("history-whole").addEventListener("click", showWhole);
  state.panel.addEventListener("toggle", () => {
    state.drawnKey = "";
    app.dirty = true;
  });
  setupFiles();
  setupPointer();
  on("run", newRun);
  onFrame((now, changed) => {
    guard(() => {
      draw(now, changed);
      maybeCheckRun(now);
      if (changed && isOpen() && !state.file) showVerdict();
    });
  });
}

/** The live verdict in a few words for the check board's Linearizability row while it waits
 * for the run's end, or "" when there is none for the history as it stands. */
export function liveVerdictWords() {
  if (!app.sim || state.file || !isOpen() || !runCheck.result) return "";
  if (runCheck.signature !== guard(() => app.sim.history_signature(), "")) return "";
  const operations = operationCount(runCheck.result.operations);
  return {
    Linearizable: `So far (${operations}, checked live): linearizable.`,
    NotLinearizable: `So far (${operations}, checked live): NOT linearizable; see the client history.`,
    Unknown: `So far (${operations}, checked live): unknown, the budget ran out.`,
  }[runCheck.result.verdict];
}

/** For the tests: the panel's state in words and numbers. */
export function historyState() {
  return {
    file: state.file ? state.file.name() : null,
    verdict: byId("history-verdict").textContent,
    verdictKind: byId("history-verdict").className.replace("verdict ", ""),
    window: windowNow(),
    follow: view.follow,
    runResult: runCheck.result,
    fileResult: fileCheck.result,
    metrics: { ...historyMetrics },
  };
}
