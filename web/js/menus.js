// @ts-check
// Breaking things: the menu of a node (crash, restart, pause, resume, force a timeout, send a
// client request), the menu of a link (cut or heal each direction), the named partitions and
// "heal all". Every action goes through `act`, which says when it forked the run.
import { app, emit, guard, on } from "./app.js";
import { nodeClientPoint, onRingClick } from "./canvas.js";
import { byId, h } from "./dom.js";
import * as format from "./format.js";
import { onNodeListClick } from "./panels.js";
import { stopOpening } from "./player.js";

let valueCounter = 0;

/**
 * Applies an action through `work` (an engine call that returns the events it dropped) and
 * tells the user when acting in the past forked the run.
 */
export function act(description, work) {
  stopOpening();
  const before = app.sim?.events();
  const dropped = guard(work, null);
  if (dropped === null || dropped === undefined) return false;
  const note = byId("fork-note");
  if (dropped > 0) {
    const seen = dropped === 1 ? "the 1 event" : `the ${format.count(dropped)} events`;
    note.textContent = `You acted in the past, at event ${format.count(before)}: the run forks from there, and ${seen} you had seen after it are dropped (${description}).`;
    note.hidden = false;
  } else {
    note.hidden = true;
  }
  app.dirty = true;
  app.safeLink = app.sim.share_link();
  emit("acted", description);
  return true;
}

export function select(node) {
  app.selected = node;
  guard(() => app.sim.select(node));
  app.dirty = true;
  emit("selected", node);
}

export function closeMenu() {
  const menu = byId("menu");
  menu.hidden = true;
  menu.replaceChildren();
}

function placeMenu(x, y) {
  const menu = byId("menu");
  menu.hidden = false;
  const box = menu.getBoundingClientRect();
  const left = Math.min(Math.max(8, x + 12), window.innerWidth - box.width - 8);
  const top = Math.min(Math.max(8, y + 12), window.innerHeight - box.height - 8);
  menu.style.left = `${left}px`;
  menu.style.top = `${top}px`;
  menu.querySelector("button")?.focus({ preventScroll: true });
}

function button(label, key, onclick, extra = {}) {
  const children = key ? [label, " ", h("kbd", {}, key)] : [label];
  return h("button", { type: "button", ...extra, onclick: () => { onclick(); closeMenu(); } }, ...children);
}

/** The node menu, next to (`x`, `y`) in the viewport. */
export function openNodeMenu(node, x, y) {
  const detail = guard(() => app.sim.node_detail(node));
  if (!detail) return;
  select(node);
  const actions = detail.running
    ? [
        button("Crash", "c", () => act(`crash S${node}`, () => app.sim.crash(node)), { class: "danger" }),
        detail.paused
          ? button("Resume", "p", () => act(`resume S${node}`, () => app.sim.resume(node)))
          : button("Pause", "p", () => act(`pause S${node}`, () => app.sim.pause(node))),
        button("Force an election timeout", "t", () => act(`time out S${node}`, () => app.sim.force_timeout(node)), { class: "wide" }),
      ]
    : [button("Restart from its disk", "r", () => act(`restart S${node}`, () => app.sim.restart(node)), { class: "wide" })];
  const menu = byId("menu");
  menu.setAttribute("aria-label", `S${node} actions`);
  menu.replaceChildren(
    h("h3", {}, `S${node}`),
    h("p", { class: "sub" }, `${detail.role_words}, term ${detail.term}`),
    h("div", { class: "actions" }, actions),
    requestForm(node),
  );
  placeMenu(x, y);
}

/** A client request to send to `node`: get, put, append or cas on a key. */
function requestForm(node) {
  const kind = h("select", { "aria-label": "Operation" },
    ["put", "get", "append", "cas"].map((name) => h("option", { value: name }, name)));
  const key = h("input", { type: "text", value: "x", maxlength: "16", "aria-label": "Key", size: "6" });
  const value = h("input", { type: "text", value: `v${valueCounter + 1}`, maxlength: "32", "aria-label": "Value", size: "8" });
  const from = h("input", { type: "text", value: "", maxlength: "32", "aria-label": "Expected value (cas)", size: "8" });
  const valueLabel = h("span", {}, "value");
  const fromRow = [h("span", {}, "if it holds"), from];
  const sync = () => {
    value.disabled = kind.value === "get";
    for (const element of fromRow) element.hidden = kind.value !== "cas";
    valueLabel.textContent = kind.value === "cas" ? "set to" : "value";
  };
  kind.addEventListener("change", sync);
  const send = h("button", { type: "submit", class: "primary" }, "Send request");
  const form = h("form", { class: "request" },
    h("span", {}, "op"), kind, h("span", {}, "key"), key, ...fromRow, valueLabel, value, send);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const op = buildOp(kind.value, key.value, value.value, from.value);
    if (op.Put || op.Append || op.Cas) valueCounter += 1;
    act(`${format.op(op)} to S${node}`, () => app.sim.client_request(node, op));
    closeMenu();
  });
  sync();
  return h("fieldset", {}, h("legend", {}, "Send a client request"), form);
}

function buildOp(kind, key, value, from) {
  const cleanKey = key.trim() || "x";
  switch (kind) {
    case "get": return { Get: { key: cleanKey } };
    case "append": return { Append: { key: cleanKey, value } };
    case "cas": return { Cas: { key: cleanKey, from, to: value } };
    default: return { Put: { key: cleanKey, value } };
  }
}

/** Sends a put of a fresh value on key x to `node` (the `w` key). */
export function quickPut(node) {
  valueCounter += 1;
  const op = { Put: { key: "x", value: `v${valueCounter}` } };
  act(`${format.op(op)} to S${node}`, () => app.sim.client_request(node, op));
}

/** The link menu: each direction's state, and buttons to cut or heal each on its own. */
export function openLinkMenu(a, b, x, y) {
  const cutAB = guard(() => app.sim.is_cut(a, b), false);
  const cutBA = guard(() => app.sim.is_cut(b, a), false);
  const state = (cut) => (cut ? "cut" : "open");
  const way = (from, to, cut) => cut
    ? button(`Heal S${from} → S${to}`, null, () => act(`heal S${from} → S${to}`, () => app.sim.heal_one_way(from, to)))
    : button(`Cut S${from} → S${to} only`, null, () => act(`cut S${from} → S${to}`, () => app.sim.cut_one_way(from, to)));
  const both = cutAB || cutBA
    ? button("Heal both ways", null, () => act(`heal S${a} — S${b}`, () => app.sim.heal_link(a, b)), { class: "wide" })
    : button("Cut both ways", null, () => act(`cut S${a} — S${b}`, () => app.sim.cut_link(a, b)), { class: "wide danger" });
  const menu = byId("menu");
  menu.setAttribute("aria-label", `Link S${a} — S${b}`);
  menu.replaceChildren(
    h("h3", {}, `Link S${a} — S${b}`),
    h("p", { class: "sub" }, `S${a} → S${b}: ${state(cutAB)}; S${b} → S${a}: ${state(cutBA)}`),
    h("div", { class: "actions" }, both, way(a, b, cutAB), way(b, a, cutBA)),
  );
  placeMenu(x, y);
}

function buildPartitions() {
  const row = byId("partitions");
  const buttons = app.catalogue.partitions.map((partition) =>
    h("button", { type: "button", title: partition.description, dataset: { partition: partition.name },
      onclick: () => act(partition.label.toLowerCase(), () => app.sim.partition(partition.name)) }, partition.label));
  const heal = h("button", { type: "button", title: "Reconnect every partition and cut link (h). Crashed or paused servers stay as they are: restart or resume them from their menu.", dataset: { partition: "heal" },
    onclick: () => act("heal the network", () => app.sim.heal()) }, "Heal the network");
  row.replaceChildren(...buttons, heal);
}

export function setupMenus() {
  buildPartitions();
  onRingClick((pick, x, y) => {
    if (!pick) {
      closeMenu();
      return;
    }
    if (pick.node) openNodeMenu(pick.node.node, x, y);
    else if (pick.link) openLinkMenu(pick.link.a, pick.link.b, x, y);
  });
  onNodeListClick((node) => {
    const point = nodeClientPoint(node);
    openNodeMenu(node, point.x, point.y);
  });
  document.addEventListener("pointerdown", (event) => {
    const menu = byId("menu");
    if (!menu.hidden && !menu.contains(/** @type {Node} */ (event.target)) && event.target !== byId("ring")) closeMenu();
  });
  on("run", () => {
    closeMenu();
    byId("fork-note").hidden = true;
  });
}
