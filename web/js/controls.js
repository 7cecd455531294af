// @ts-check
// The transport: play, step, back, speed, run to a time, and the scrubber over the whole run.
import { app, guard, on } from "./app.js";
import { byId, h, setText } from "./dom.js";
import * as format from "./format.js";
import { clearNotice, notice } from "./notices.js";
import { onFrame, pause, SPEEDS, setSpeed, speed, speedLevel, stepBack, stepForward, stopOpening, toStart, togglePlay, travel } from "./player.js";

/** Scrubber positions across the run. */
const SCRUB_STEPS = 1_000;
let scrubbing = false;

function showSpeed() {
  byId("speed").value = String(speedLevel());
  setText(byId("speed-label"), speed().label);
}

function showPlaying(playing) {
  const button = byId("play");
  button.textContent = playing ? "Pause" : "Play";
  button.setAttribute("aria-pressed", playing ? "true" : "false");
  document.body.dataset.playing = playing ? "true" : "false";
}

function updateTransport() {
  if (!app.sim) return;
  const view = app.lastRunView;
  if (!view) return;
  const now = app.sim.now_us();
  const runUs = view.run_us;
  const scrubber = byId("scrubber");
  if (!scrubbing) scrubber.value = String(Math.round((now / runUs) * SCRUB_STEPS));
  const frontier = Math.max(view.frontier_us, now);
  byId("scrub-explored").style.width = `${(100 * frontier) / runUs}%`;
  const travelling = app.travelTo !== null ? ` → ${format.shortTime(app.travelTo)}…` : "";
  setText(byId("time-now"), `${format.time(now)}${travelling}`);
  const finished = app.sim.finished();
  byId("play").disabled = finished;
  byId("step").disabled = finished;
}

function updateMarks(view) {
  byId("scrub-heal").style.left = `${(100 * view.heal_us) / view.run_us}%`;
  setText(byId("time-end"), format.shortTime(view.run_us));
  const mark = byId("scrub-violation");
  mark.hidden = !view.violation;
  if (view.violation) {
    mark.style.left = `${(100 * view.violation.time_us) / view.run_us}%`;
    mark.title = `${view.violation.invariant} failed here`;
  }
}

let openingShownAt = 0;

/** While a link opens: how far the replay has got, and a way to stop it. */
function showOpening(progress) {
  if (progress === null) {
    clearNotice("opening");
    return;
  }
  const now = performance.now();
  if (now - openingShownAt < 200) return;
  openingShownAt = now;
  const share = progress.target > 0 ? Math.floor((100 * progress.event) / progress.target) : 100;
  const text = `Opening the link: replaying the run to event ${format.count(progress.target)}, at ${format.count(progress.event)} (${share}%). Press Stop, or any control, to look at the run from here instead.`;
  const element = notice("info", text, { id: "opening" });
  element.insertBefore(h("button", { type: "button", onclick: stopOpening }, "Stop"), element.lastChild);
}

export function setupControls() {
  const speedInput = byId("speed");
  speedInput.max = String(SPEEDS.length - 1);
  speedInput.addEventListener("input", () => setSpeed(Number(speedInput.value)));
  byId("play").addEventListener("click", togglePlay);
  byId("step").addEventListener("click", stepForward);
  byId("step-back").addEventListener("click", stepBack);
  byId("to-start").addEventListener("click", toStart);
  const scrubber = byId("scrubber");
  scrubber.max = String(SCRUB_STEPS);
  scrubber.addEventListener("pointerdown", () => { scrubbing = true; pause(); });
  scrubber.addEventListener("input", () => {
    const view = app.lastRunView;
    if (view) travel((Number(scrubber.value) / SCRUB_STEPS) * view.run_us);
  });
  scrubber.addEventListener("change", () => { scrubbing = false; });
  byId("run-to").addEventListener("submit", (event) => {
    event.preventDefault();
    const seconds = Number(byId("run-to-time").value);
    const view = app.lastRunView;
    if (!Number.isFinite(seconds) || seconds < 0 || !view) {
      notice("error", "Run to: enter a time in seconds, 0 or more.", { id: "run-to", timeoutMs: 6_000 });
      return;
    }
    travel(Math.min(seconds * 1_000_000, view.run_us));
  });
  // A time typed for one run means nothing in the next one.
  on("run", () => { byId("run-to-time").value = ""; });
  on("speed", showSpeed);
  on("playing", showPlaying);
  on("finished", () => {
    const view = guard(() => app.sim.run_view());
    if (view && !view.violation) notice("info", `The run ended at ${format.shortTime(view.run_us)} with every check holding. Step back or drag the scrubber to look again, or start a new run.`, { id: "finished", timeoutMs: 15_000 });
  });
  on("run", (sim) => {
    const view = sim.run_view();
    app.lastRunView = view;
    updateMarks(view);
    showPlaying(false);
  });
  on("opening", showOpening);
  on("violation", () => updateMarks(app.sim.run_view()));
  on("moved", () => updateMarks(app.sim.run_view()));
  onFrame(updateTransport);
  showSpeed();
  showPlaying(false);
}
