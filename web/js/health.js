// The health strip: small plots of the whole run (the leader and the gaps without one, nodes
// down and links cut, commit index, client operations, commit latency, messages and losses),
// on the scrubber's own scale. The engine draws them from its record's samples; this module
// lines the time axis up under the scrubber, redraws when the run moves, and turns a click or
// a drag into travel, as the scrubber does. A closed panel costs nothing per frame.
import { app, guard, on } from "./app.js";
import { fit } from "./canvas.js";
import { byId } from "./dom.js";
import { onFrame, pause, travel } from "./player.js";

const strip = { canvas: null, context: null, width: 0, height: 0, ratio: 1 };
/** While playing, the strip is redrawn at most this often: it moves a pixel a few times a
 * second at most. */
const INTERVAL_PLAYING_MS = 100;
/** Half the scrubber thumb's width: where the range input puts its ends. */
const THUMB_HALF_PX = 7;
let dirty = true;
let lastAt = 0;
let dragging = false;

/** What the last drawing showed (the page's tests read it through window.raftsim.app). */
app.health = { drawn: null };

function panel() {
  return byId("panel-health");
}

/** The time axis's ends on the canvas: under the scrubber's track when it is in view. */
function axis() {
  const track = document.querySelector(".scrub-track")?.getBoundingClientRect();
  const box = strip.canvas.getBoundingClientRect();
  if (!track || track.width < 100) return [Number.NaN, Number.NaN];
  return [track.left - box.left + THUMB_HALF_PX, track.right - box.left - THUMB_HALF_PX];
}

function draw(now, changed) {
  if (!app.sim || !panel().open) return;
  const resized = fit(strip);
  const throttled = app.playing && now - lastAt < INTERVAL_PLAYING_MS;
  if (!resized && !dirty && (!changed || throttled)) return;
  dirty = false;
  lastAt = now;
  const [left, right] = axis();
  const window = app.spacetime?.open && app.spacetime.drawn ? app.spacetime.drawn : null;
  const drawn = app.sim.draw_health(strip.context, strip.width, strip.ratio, left, right, window?.start_us ?? Number.NaN, window?.span_us ?? Number.NaN);
  const [bins, leaderSpans, leaderlessUs] = drawn;
  app.health.drawn = { bins, leader_spans: leaderSpans, leaderless_us: leaderlessUs, left, right };
}

function pointerX(event) {
  return event.clientX - strip.canvas.getBoundingClientRect().left;
}

function timeAt(event) {
  const [left, right] = axis();
  return app.sim.health_time_at(pointerX(event), strip.width, left, right);
}

function showTip(event) {
  const tip = byId("health-tip");
  if (!app.sim) return;
  const [left, right] = axis();
  const words = guard(() => app.sim.health_words_at(pointerX(event), strip.width, left, right));
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

/** A press or a drag travels to the time under the pointer, as the scrubber does. */
function travelTo(event) {
  const target = guard(() => timeAt(event));
  if (target !== undefined) travel(target);
}

export function setupHealth() {
  strip.canvas = byId("health");
  strip.context = strip.canvas.getContext("2d");
  strip.canvas.style.height = `${app.wasm.health_height()}px`;
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
  for (const topic of ["run", "moved", "acted", "playing"]) on(topic, () => { dirty = true; });
  onFrame(draw);
}
