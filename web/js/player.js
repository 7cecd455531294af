// @ts-check
// Time: the frame loop, play and pause, stepping, travelling with the scrubber, speed. One
// requestAnimationFrame loop maps wall time to simulated time through the speed, runs the
// engine up to there within a budget, and draws; when paused and nothing changed it draws
// nothing (RaftScope's loop).
import { app, emit, guard, on } from "./app.js";

/**
 * The speed levels, slowest first: a log scale from one event a second, through fractions of
 * real time (where messages can be followed by eye), to as fast as the engine goes.
 */
export const SPEEDS = [
  { label: "1 event / s", eventsPerSecond: 1 },
  { label: "5 events / s", eventsPerSecond: 5 },
  { label: "1/1000 ×", rate: 1 / 1000 },
  { label: "1/300 ×", rate: 1 / 300 },
  { label: "1/100 ×", rate: 1 / 100 },
  { label: "1/30 ×", rate: 1 / 30 },
  { label: "1/10 ×", rate: 1 / 10 },
  { label: "1/3 ×", rate: 1 / 3 },
  { label: "real time", rate: 1 },
  { label: "3 ×", rate: 3 },
  { label: "10 ×", rate: 10 },
  { label: "30 ×", rate: 30 },
  { label: "as fast as it goes", max: true },
];
export const DEFAULT_SPEED = SPEEDS.findIndex((level) => level.rate === 1 / 10);

/** Events one frame may run while playing at a time-based speed, so a frame never stalls. */
const EVENTS_PER_FRAME_MAX = 20_000;
/** Wall time one frame may spend running events at the fastest speed or when travelling: the
 * rest of a 16.7 ms frame is for drawing and the panels. */
const FRAME_WORK_MS = 6;
/** The wall time one chunk of events should take. */
const CHUNK_MS = 1.5;
/** At the fastest speed the engine gets at least this share of the wall time, whatever the
 * open panels cost to draw: with a fixed FRAME_WORK_MS a frame, every panel open made a long
 * run play 5 to 20 times slower than with them closed (issue #27). The panels then redraw
 * less often instead. */
const ENGINE_SHARE_FASTEST = 0.6;
// So the budget is 1.5 times the rest of the frame, between FRAME_WORK_MS and FRAME_WORK_MS_MAX.
/** The most wall time one frame spends on events, so a click still answers within a frame. */
const FRAME_WORK_MS_MAX = 150;
/** The wall time between one frame's events and the next's (the panels' drawing, the
 * browser's layout and paint, and any wait for the screen), smoothed over the last frames. */
let otherMsSmoothed = 0;
/** When the last frame's events ended. */
let engineEndedAt = 0;

let speedIndex = DEFAULT_SPEED;
/** Where play must stop, given the event now: `{event, time_us}` (a guided tour's next pausing
 * caption, which tours.js sets), or null. */
/** @type {(event: number) => ({event: number, time_us: number} | null)} */
let haltAt = () => null;
let eventDebtMs = 0;
let chunk = 500;

/** Sets where play stops: `halt(events)` gives the event not to play past and its time, or
 * null. */
export function setHalt(halt) {
  haltAt = halt;
}

export function speed() {
  return SPEEDS[speedIndex];
}

export function setSpeed(index) {
  speedIndex = Math.max(0, Math.min(SPEEDS.length - 1, index));
  eventDebtMs = 0;
  emit("speed", speedIndex);
}

export function speedLevel() {
  return speedIndex;
}

export function play() {
  if (!app.sim || app.crashed) return;
  stopOpening();
  if (guard(() => app.sim.finished(), true)) {
    emit("finished");
    return;
  }
  app.playing = true;
  app.travelTo = null;
  eventDebtMs = 0;
  emit("playing", true);
}

export function pause() {
  stopOpening();
  app.playing = false;
  app.travelTo = null;
  emit("playing", false);
}

export function togglePlay() {
  if (app.playing) pause();
  else play();
}

/** One event forward. */
export function stepForward() {
  pause();
  guard(() => app.sim.step());
  moved(false);
}

/** One event back, by replay from a checkpoint. */
export function stepBack() {
  pause();
  guard(() => app.sim.step_back());
  moved(true);
}

/** Back to the start of the run. */
export function toStart() {
  pause();
  guard(() => app.sim.seek(0));
  moved(true);
}

/** Goes to event `event` (the feed's links). */
export function seekEvent(event) {
  pause();
  guard(() => app.sim.seek(event));
  moved(true);
}

/**
 * Goes to simulated time `time_us`: at once within the part of the run already explored (by
 * replay from the nearest checkpoint), frame by frame beyond it so the page stays responsive.
 */
export function travel(time_us) {
  if (!app.sim) return;
  const view = guard(() => app.sim.run_view());
  if (!view) return;
  const target = Math.max(0, Math.min(Math.round(time_us), view.run_us));
  stopOpening();
  app.playing = false;
  emit("playing", false);
  if (target <= view.frontier_us || target <= view.time_us) {
    app.travelTo = null;
    guard(() => app.sim.seek_time(target));
    moved(true);
  } else {
    app.travelTo = target;
    app.dirty = true;
  }
}

function moved(jumped) {
  app.dirty = true;
  emit("moved", { jumped });
}

/** Runs the engine for one frame of `elapsedMs` wall time at the current speed, stopping at
 * the event `haltAt` names. */
function playFrame(elapsedMs) {
  const sim = app.sim;
  const level = speed();
  const halt = haltAt(sim.events());
  /** At most `count` events, and none past the halt. */
  const allowed = (count) => (halt === null ? count : Math.max(0, Math.min(count, halt.event - sim.events())));
  /** Time runs no further than the halt's event, so the clock stops at it too. */
  const until = (time_us) => (halt === null ? time_us : Math.min(time_us, halt.time_us));
  if (allowed(1) === 0) {
    halted();
    return;
  }
  if (level.eventsPerSecond) {
    eventDebtMs += elapsedMs;
    const interval = 1_000 / level.eventsPerSecond;
    while (eventDebtMs >= interval && allowed(1) > 0) {
      eventDebtMs -= interval;
      if (!sim.step()) break;
    }
  } else if (level.max) {
    const share = ENGINE_SHARE_FASTEST / (1 - ENGINE_SHARE_FASTEST);
    const budgetMs = Math.min(FRAME_WORK_MS_MAX, Math.max(FRAME_WORK_MS, otherMsSmoothed * share));
    runForWallTime(sim, until(app.runEndUs), allowed, budgetMs);
  } else {
    const target = until(Math.min(sim.now_us() + Math.round(elapsedMs * 1_000 * level.rate), app.runEndUs));
    sim.advance(target, allowed(EVENTS_PER_FRAME_MAX));
  }
  if (sim.finished()) {
    pause();
    emit("finished");
  } else if (allowed(1) === 0) {
    halted();
  }
}

/** Play reached the event it must stop at. */
function halted() {
  pause();
  app.dirty = true;
  emit("halted", app.sim.events());
}

/** Runs events toward `target_us` for at most FRAME_WORK_MS of wall time, at most
 * `allowed(n)` of each chunk of n; true once there (or once nothing more is allowed). */
function runForWallTime(sim, target_us, allowed = (count) => count, budgetMs = FRAME_WORK_MS) {
  return withinFrameBudget((events) => {
    const count = allowed(events);
    return count === 0 || sim.advance(target_us, count) < count;
  }, budgetMs);
}

/**
 * Calls `work(events)` (which runs at most that many events and says whether it is done)
 * until it is done or `budgetMs` (FRAME_WORK_MS) of wall time is spent; true once done. Events run in
 * chunks sized to take about CHUNK_MS each, so the budget holds to within one chunk however
 * fast or slow events are at the moment.
 */
function withinFrameBudget(work, budgetMs = FRAME_WORK_MS) {
  const started = performance.now();
  for (;;) {
    const before = performance.now();
    const done = work(chunk);
    const after = performance.now();
    if (done) return true;
    const chunkMs = Math.max(after - before, 0.05);
    chunk = Math.max(50, Math.min(50_000, Math.round((chunk + (chunk * CHUNK_MS) / chunkMs) / 2)));
    if (after - started + CHUNK_MS > budgetMs) return false;
  }
}

/** A frame of opening a link: replays toward its moment; says how far it got. */
function openingFrame() {
  const sim = app.sim;
  if (withinFrameBudget((events) => sim.approach_link(events))) {
    finishOpening();
    return;
  }
  emit("opening", { event: sim.events(), target: sim.link_target_event() });
}

function finishOpening() {
  app.opening = false;
  document.body.dataset.opening = "done";
  app.dirty = true;
  emit("opening", null);
  emit("moved", { jumped: true });
}

/** Stops replaying toward an opened link's moment: the run stays where it got to. */
export function stopOpening() {
  if (!app.opening) return;
  guard(() => app.sim.abandon_link());
  finishOpening();
}

function travelFrame() {
  const sim = app.sim;
  const arrived = runForWallTime(sim, app.travelTo) || sim.finished() || sim.now_us() >= app.travelTo;
  if (arrived) {
    app.travelTo = null;
    emit("moved", { jumped: true });
  }
}

let drawHooks = [];

/** Adds work to do after the engine moved, each frame: `hook(now, changed)`. */
export function onFrame(hook) {
  drawHooks.push(hook);
}

/** Starts the frame loop. */
export function startLoop() {
  let last = performance.now();
  let lastEvents = -1;
  function frame(now) {
    if (app.crashed) return;
    // A frame's timestamp can precede the performance.now() of the frame before it.
    const elapsedMs = Math.max(0, Math.min(now - last, 250));
    last = Math.max(last, now);
    const started = performance.now();
    if (engineEndedAt !== 0) otherMsSmoothed = 0.7 * otherMsSmoothed + 0.3 * Math.min(started - engineEndedAt, 1_000);
    guard(() => {
      if (!app.sim) return;
      if (app.opening) openingFrame();
      else if (app.travelTo !== null) travelFrame();
      else if (app.playing) playFrame(elapsedMs);
      engineEndedAt = performance.now();
      const events = app.sim.events();
      const changed = events !== lastEvents || app.playing || app.travelTo !== null || app.opening || app.dirty;
      lastEvents = events;
      for (const hook of drawHooks) hook(now, changed);
      app.dirty = false;
    });
    recordFrame(started);
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);
}

function recordFrame(started) {
  const metrics = app.metrics;
  metrics.frames += 1;
  if (metrics.recording) metrics.frameWorkMs.push(performance.now() - started);
}

on("run", (sim) => {
  app.runEndUs = sim.run_view().run_us;
  app.playing = false;
  app.opening = sim.link_target_event() !== undefined;
  document.body.dataset.opening = app.opening ? "busy" : "done";
});
