// @ts-check
// Guided tours: the caption box between the ring and the transport. The engine pins a tour's
// captions to this run's events (`sim.tour()`); this module shows the caption in force for the
// event on screen, pauses the run at every caption (each is there to be read), and seeks to
// the previous or next caption. Captions are plain text, set with textContent.
import { app, guard, on } from "./app.js";
import { byId, h, setText } from "./dom.js";
import * as format from "./format.js";
import { onFrame, play, seekEvent, setHalt } from "./player.js";

/** The run's tour as the engine pinned it ({preset, title, total, captions}), or null. */
let tour = null;
/** The caption shown (an index into tour.captions), or -1 before the first. */
let shown = -2;
/** A caption picked with previous or next: shown while the run stays at its event, even if a
 * later caption shares that event. */
let picked = null;
/** The event where the person last pressed play or continue: a caption there is read. */
let continuedFrom = -1;
/** A run just opened, in this task: a play now is the page's autoplay, which must stop at the
 * opening caption rather than count as the person reading on. */
let fresh = false;

/** The captions of the run on screen, for tests and the console. */
export function currentTour() {
  return tour;
}

/** The index of the caption in force at `events`: the last pinned at or before it. */
function inForce(events) {
  if (!tour) return -1;
  if (picked !== null && tour.captions[picked]?.event === events) return picked;
  picked = null;
  let found = -1;
  for (let index = 0; index < tour.captions.length && tour.captions[index].event <= events; index += 1) found = index;
  return found;
}

/** Where play must stop: the next caption not yet read ({event, time_us}), or null. */
function haltAt(events) {
  if (!tour) return null;
  const next = tour.captions.find((caption) => caption.event > events || (caption.event === events && events !== continuedFrom));
  return next ? { event: next.event, time_us: next.time_us } : null;
}

/** A tick on the scrubber at each caption's time. */
function markScrubber(sim) {
  document.getElementById("scrub-captions")?.remove();
  if (!tour) return;
  const runUs = guard(() => sim.run_view().run_us, 0);
  if (!runUs) return;
  const ticks = tour.captions.map((caption) => {
    const tick = h("span", { class: "scrub-caption", title: `Caption ${caption.number}` });
    tick.style.left = `${(100 * caption.time_us) / runUs}%`;
    return tick;
  });
  const track = document.querySelector(".scrub-track");
  track.insertBefore(h("div", { id: "scrub-captions", class: "scrub-captions", "aria-hidden": "true" }, ticks), byId("scrubber"));
}

function load(sim) {
  tour = guard(() => sim.tour(), null) ?? null;
  markScrubber(sim);
  shown = -2;
  picked = null;
  const box = byId("tour");
  box.hidden = !tour;
  document.body.dataset.tour = tour ? tour.preset : "";
  if (!tour) return;
  setText(byId("tour-title"), `Guided tour: ${tour.title}`);
  const missing = tour.total - tour.captions.length;
  const note = byId("tour-note");
  note.hidden = missing === 0;
  if (missing > 0) {
    note.textContent = `This run reaches ${tour.captions.length} of the tour's ${tour.total} captions: the rest tell a story it does not show (the tour is written for its preset's seed, without your actions).`;
  }
  app.dirty = true;
}

function show(events) {
  if (!tour) return;
  const index = inForce(events);
  const paused = !app.playing;
  const caption = tour.captions[index];
  // Stopped at a caption's own event (a pause, or Previous and Next caption): Continue the tour runs on.
  const waiting = Boolean(caption && caption.event === events && paused && !app.sim.finished());
  byId("tour-continue").hidden = !waiting;
  document.body.dataset.tourWaiting = waiting ? "true" : "false";
  if (index === shown) return;
  shown = index;
  const box = byId("tour");
  box.dataset.caption = String(index + 1);
  if (!caption) {
    setText(byId("tour-count"), `${tour.captions.length} captions`);
    setText(byId("tour-text"), "The tour's first caption is ahead: press play.");
  } else {
    setText(byId("tour-count"), `${index + 1} of ${tour.total} · event ${format.count(caption.event)} at ${format.time(caption.time_us)}`);
    byId("tour-count").title = `Pinned to ${caption.cue}: the first event, after the previous caption's, where that holds.`;
    byId("tour-text").textContent = caption.text;
  }
  byId("tour-prev").disabled = index <= 0;
  byId("tour-next").disabled = index >= tour.captions.length - 1;
}

/** Goes to the caption `index` of the tour: seeks the run to its event (paused) and shows it
 * at once, so a second press counts from there. */
function goTo(index) {
  if (!tour || !app.sim || index < 0 || index >= tour.captions.length) return;
  picked = index;
  seekEvent(tour.captions[index].event);
  show(app.sim.events());
}

/** The caption in force now (-1 before the first). */
function current() {
  return app.sim ? inForce(app.sim.events()) : -1;
}

export function previousCaption() {
  if (tour) goTo(Math.max(current(), 0) - 1);
}

export function nextCaption() {
  if (tour) goTo(current() + 1);
}

/** Plays on from a caption the run paused at. */
export function continueTour() {
  play();
}

export function setupTours() {
  byId("tour-prev").addEventListener("click", previousCaption);
  byId("tour-next").addEventListener("click", nextCaption);
  byId("tour-continue").addEventListener("click", continueTour);
  setHalt(haltAt);
  on("run", (sim) => {
    // A new run may be played at once by the page (autoplay), in the same task: that play
    // stops at the opening caption. A play the person starts later is theirs.
    fresh = true;
    queueMicrotask(() => { fresh = false; });
    continuedFrom = -1;
    load(sim);
  });
  // Acting forks the run: the captions are pinned again to the run as it now stands.
  on("acted", () => {
    if (tour) load(app.sim);
  });
  on("playing", (playing) => {
    if (!playing || !app.sim) return;
    // The page's autoplay of a new run is not the person asking to read on.
    if (!fresh) continuedFrom = app.sim.events();
    fresh = false;
  });
  onFrame((now, changed) => {
    if (tour && app.sim && (changed || shown === -2)) show(app.sim.events());
  });
}
