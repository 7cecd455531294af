// @ts-check
// Keyboard shortcuts: one table, read both by the key handler and by the help overlay.
import { app } from "./app.js";
import { byId, h } from "./dom.js";
import { act, closeMenu, openNodeMenu, quickPut, select } from "./menus.js";
import { nodeClientPoint } from "./canvas.js";
import { pause, setSpeed, speedLevel, stepBack, stepForward, toStart, togglePlay } from "./player.js";
import { copyLink } from "./share.js";
import { openSettings, startFromSettings } from "./settings.js";
import { nextCaption, previousCaption } from "./tours.js";

/** Acts on the selected node, or says how to select one. */
function onSelected(work) {
  return () => {
    if (app.selected) work(app.selected);
    else flashHint("Select a node first: click it, or press its number (1–9).");
  };
}

function flashHint(text) {
  const hint = byId("stage-hint");
  hint.textContent = text;
  hint.classList.add("flash");
  setTimeout(() => {
    hint.textContent = "Click a node to crash, pause or send it a request; click a link to cut it.";
    hint.classList.remove("flash");
  }, 3_000);
}

/** Every shortcut: the keys (KeyboardEvent.key values), how the help writes them, what they do. */
export const SHORTCUTS = [
  { keys: [" ", "k"], shown: "Space or k", label: "play / pause", run: togglePlay },
  { keys: ["ArrowRight", "."], shown: "→ or .", label: "one event forward", run: stepForward },
  { keys: ["ArrowLeft", ","], shown: "← or ,", label: "one event back", run: stepBack },
  { keys: ["Home"], shown: "Home", label: "back to the start", run: toStart },
  { keys: ["f", "PageDown"], shown: "f or PageDown", label: "guided tour: next caption", run: nextCaption },
  { keys: ["b", "PageUp"], shown: "b or PageUp", label: "guided tour: previous caption", run: previousCaption },
  { keys: ["]", "+"], shown: "] or +", label: "faster", run: () => setSpeed(speedLevel() + 1) },
  { keys: ["[", "-"], shown: "[ or -", label: "slower", run: () => setSpeed(speedLevel() - 1) },
  { keys: ["1", "2", "3", "4", "5", "6", "7", "8", "9"], shown: "1 – 9", label: "select that node (again: open its menu)", run: null },
  { keys: ["Escape"], shown: "Esc", label: "close menus; deselect", run: () => { closeMenu(); select(0); } },
  { keys: ["c"], shown: "c", label: "crash the selected node", run: onSelected((node) => act(`crash S${node}`, () => app.sim.crash(node))) },
  { keys: ["r"], shown: "r", label: "restart the selected node", run: onSelected((node) => act(`restart S${node}`, () => app.sim.restart(node))) },
  { keys: ["p"], shown: "p", label: "pause / resume the selected node", run: onSelected(togglePauseNode) },
  { keys: ["t"], shown: "t", label: "force an election timeout on the selected node", run: onSelected((node) => act(`time out S${node}`, () => app.sim.force_timeout(node))) },
  { keys: ["w"], shown: "w", label: "send a put to the selected node", run: onSelected(quickPut) },
  { keys: ["i"], shown: "i", label: "isolate the leader", run: () => act("isolate the leader", () => app.sim.partition("isolate-leader")) },
  { keys: ["h"], shown: "h", label: "heal every partition", run: () => act("heal all", () => app.sim.heal()) },
  { keys: ["n"], shown: "n", label: "new run with the current settings", run: () => startFromSettings() },
  { keys: ["s"], shown: "s", label: "settings", run: openSettings },
  { keys: ["l"], shown: "l", label: "copy a link to this moment", run: copyLink },
  { keys: ["?"], shown: "?", label: "this help", run: openHelp },
];

function openHelp() {
  pause();
  byId("help").showModal();
}

function togglePauseNode(node) {
  const detail = app.sim.node_detail(node);
  if (detail.paused) act(`resume S${node}`, () => app.sim.resume(node));
  else act(`pause S${node}`, () => app.sim.pause(node));
}

function selectByNumber(key) {
  const node = Number(key);
  if (!app.sim || node > app.lastRunView?.nodes) return;
  if (app.selected === node) {
    const point = nodeClientPoint(node);
    openNodeMenu(node, point.x, point.y);
  } else {
    select(node);
  }
}

function typing(target) {
  return target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement;
}

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey || !app.sim || app.crashed) return;
  if (document.querySelector("dialog[open]")) return;
  if (typing(event.target) && event.key !== "Escape") return;
  if (event.target instanceof HTMLButtonElement && (event.key === " " || event.key === "Enter")) return;
  const shortcut = SHORTCUTS.find((entry) => entry.keys.includes(event.key));
  if (!shortcut) return;
  event.preventDefault();
  if (shortcut.run) shortcut.run();
  else selectByNumber(event.key);
}

export function setupKeys() {
  const table = byId("shortcuts");
  table.replaceChildren(h("tbody", {}, SHORTCUTS.map((entry) => h("tr", {}, h("td", {}, h("kbd", {}, entry.shown)), h("td", {}, entry.label)))));
  document.addEventListener("keydown", onKey);
  byId("open-help").addEventListener("click", openHelp);
  for (const dialog of document.querySelectorAll("dialog")) {
    for (const close of dialog.querySelectorAll("[data-close]")) close.addEventListener("click", () => dialog.close());
  }
}
