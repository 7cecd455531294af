// @ts-check
// Share links and the browser's history. The URL fragment holds the whole run (the engine
// writes and reads it); the page only moves it between the engine, the address bar and the
// clipboard. Back and forward move between runs: starting a new run pushes a history entry,
// and the run left behind is saved into its own entry at the moment it was left.
import { app, guard, on } from "./app.js";
import { byId } from "./dom.js";
import { onFrame, pause } from "./player.js";
import { openLink, startDefault } from "./run.js";

function urlOf(link) {
  return `${location.origin}${location.pathname}${location.search}#${link}`;
}

/** The fragment without its `#`. */
function currentFragment() {
  return location.hash.startsWith("#") ? location.hash.slice(1) : location.hash;
}

/** Copies a link to this exact moment, puts it in the address bar, and shows it. */
export async function copyLink() {
  if (!app.sim) return;
  pause();
  const link = guard(() => app.sim.share_link());
  if (!link) return;
  const url = urlOf(link);
  const field = byId("share-link");
  const status = byId("share-status");
  field.value = url;
  const dialog = byId("share");
  if (!dialog.open) dialog.showModal();
  const longest = app.catalogue.limits.share_len_max;
  if (link.length > longest) {
    status.textContent = `This run's link is ${link.length.toLocaleString("en-US")} characters, more than the ${longest.toLocaleString("en-US")} a link may hold, so no page would open it. Shorter request values, or fewer actions, make it fit.`;
    return;
  }
  // What the link holds, read now: a new run may start while the clipboard answers.
  const held = `event ${app.sim.events()} of seed ${app.lastRunView?.seed ?? ""}, trace hash ${app.sim.trace_hash()}`;
  app.loadedHash = link;
  app.safeLink = link;
  history.replaceState(null, "", url);
  document.body.dataset.shareLink = url;
  field.focus();
  field.select();
  try {
    await navigator.clipboard.writeText(url);
    status.textContent = `Copied to the clipboard: ${held}.`;
  } catch {
    status.textContent = `Your browser did not let the page copy (${held}): the link is selected below, copy it with Ctrl+C (⌘C).`;
  }
}

let addressWrittenAt = 0;

/** While paused, keep the address bar a link to what is shown (at most a few times a second),
 * so reloading, or going back to this run and forward again, returns to this very moment. */
function followInAddressBar(now) {
  if (!app.sim || app.playing || app.opening || app.travelTo !== null || app.crashed) return;
  if (now - addressWrittenAt < 400 || app.safeLink === app.loadedHash || app.safeLink === "") return;
  if (app.safeLink.length > app.catalogue.limits.share_len_max) return;
  addressWrittenAt = now;
  app.loadedHash = app.safeLink;
  history.replaceState(null, "", urlOf(app.safeLink));
}

/** Opens whatever the address bar's fragment holds: a run, or the default run if empty. */
export function openFromAddress() {
  const fragment = currentFragment();
  app.loadedHash = fragment;
  app.openingFromAddress = true;
  try {
    if (fragment === "") {
      startDefault();
    } else if (!openLink(fragment)) {
      // A refused link is replaced, so reloading or going back does not show the error again.
      app.loadedHash = "";
      history.replaceState(null, "", `${location.pathname}${location.search}`);
    }
  } finally {
    app.openingFromAddress = false;
  }
}

function onAddressChange() {
  if (currentFragment() === app.loadedHash) return;
  pause();
  openFromAddress();
}

/** Before a new run replaces this one: remember this one, at this moment, in its history entry. */
function rememberLeavingRun() {
  if (!app.sim || app.openingFromAddress) return;
  const link = guard(() => app.sim.share_link());
  if (link) history.replaceState(null, "", urlOf(link));
}

export function setupShare() {
  byId("copy-link").addEventListener("click", copyLink);
  onFrame(followInAddressBar);
  window.addEventListener("hashchange", onAddressChange);
  window.addEventListener("popstate", onAddressChange);
  on("before-run", rememberLeavingRun);
  on("run", (sim) => {
    if (app.openingFromAddress) return;
    const link = guard(() => sim.share_link());
    if (!link) return;
    app.loadedHash = link;
    history.pushState(null, "", urlOf(link));
  });
}
