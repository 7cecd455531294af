// @ts-check
// The side panels: the run panel, the check board, the node list, the inspector and the event
// feed. They read small views from the engine a few times a second (the canvases are drawn
// every frame by the engine itself).
import { app, emit, guard, on } from "./app.js";
import { byId, h, setText } from "./dom.js";
import * as format from "./format.js";
import { liveVerdictWords } from "./history.js";
import { notice, clearNotice } from "./notices.js";
import { onFrame, pause, seekEvent } from "./player.js";

/** Panels refresh at most this often while the run plays. */
const PANEL_INTERVAL_MS = 120;
/** Rows the event feed keeps. */
const FEED_ROWS_MAX = 150;
/** Rows one refresh adds while the run plays: nobody reads faster, and DOM rows are costly. */
const FEED_ROWS_PLAYING = 30;

let lastPanelsAt = 0;
/** The feed kinds shown: a mask of the engine's FeedKind bits. */
let feedMask = 0;
/** The engine changed since the panels were last brought up to date. */
let stale = true;
let feedCursor = 0;
let checkRows = new Map();
let violationShown = false;
/** @type {(node: number) => void} */
let nodeMenuOpener = () => {};
let refreshWaiters = [];

/** What a click on a node in the node list does (menus.js opens the node's menu). */
export function onNodeListClick(listener) {
  nodeMenuOpener = listener;
}

export function refreshPanels() {
  stale = true;
  lastPanelsAt = 0;
}

/** Resolves once the panels have been brought up to date with the engine (for tests). */
export function panelsRefreshed() {
  refreshPanels();
  app.dirty = true;
  return new Promise((resolve) => refreshWaiters.push(resolve));
}

function tick(now, changed) {
  if (!app.sim) return;
  updateClock();
  // A change inside the throttle window is kept as `stale` and shown a few frames later, so
  // the last change of a run (a violation, the end) is never lost.
  if (changed) stale = true;
  if (!stale || (lastPanelsAt !== 0 && now - lastPanelsAt < PANEL_INTERVAL_MS)) return;
  stale = false;
  lastPanelsAt = now;
  const view = app.sim.run_view();
  app.lastRunView = view;
  updateRun(view);
  updateChecks();
  updateNodes();
  updateInspector();
  updateFeed();
  if (view.violation && !violationShown) announceViolation(view.violation);
  app.safeLink = app.sim.share_link();
  const waiters = refreshWaiters;
  refreshWaiters = [];
  for (const resolve of waiters) resolve();
}

/** The numbers that move every frame: time and event. */
function updateClock() {
  setText(byId("run-time"), format.time(app.sim.now_us()));
  setText(byId("run-event"), format.count(app.sim.events()));
}

/** The end of a run in words: a check that ran out of budget is unknown, never a pass. */
function finishedWords(view) {
  if (view.violation) return "stopped at a violation";
  if (view.linearizability === "unknown") {
    return "finished, but linearizability is unknown: the checker's budget ran out before an answer";
  }
  return "finished: every check passed";
}

/** The recovery phase in words: the heal undid every fault, but the user may have broken
 * something since, which the liveness checks then judge too. */
function recoveryWords(view) {
  const since = [];
  if (view.down_nodes) since.push(`${view.down_nodes} ${view.down_nodes === 1 ? "server" : "servers"} down`);
  if (view.cut_pairs) since.push(`${view.cut_pairs} ${view.cut_pairs === 1 ? "link" : "links"} cut`);
  const after = `recovery: every fault was healed at ${format.shortTime(view.heal_us)}; liveness is being checked`;
  return since.length ? `${after}, though you have since left ${since.join(" and ")}` : after;
}

/** The seed, and where a hunt's forks re-seeded the run: without them the seed alone
 * would not replay what is on screen. */
function seedWords({ seed, forks }) {
  const reseeds = forks.map(({ at_event, seed: fork_seed }) => `with ${fork_seed} after event ${format.count(at_event)}`);
  return reseeds.length ? `${seed}, re-seeded ${reseeds.join(" and ")}` : String(seed);
}

/** The fault phase of a run without random faults: its script's, or only the person's. */
function scriptedWords(view) {
  if (!view.scripted_actions) return "no random faults (break it yourself)";
  const actions = format.counted(view.scripted_actions, "scripted action", "scripted actions");
  return `no random faults: the scenario's script (${actions}), and whatever you break`;
}

function updateRun(view) {
  setText(byId("run-scenario"), view.damage_only ? `${view.name} (damage checks only: rule checks silent)` : view.name);
  setText(byId("run-seed"), seedWords(view));
  byId("run-seed").title = view.forks.length
    ? "A hunt's run: at each fork its random choices restart from another seed. The seed alone does not replay it; its link does."
    : "";
  const phase = {
    faults: view.random_faults
      ? `random faults strike until ${format.shortTime(view.heal_us)}, when the heal undoes every fault and liveness starts to be judged`
      : `${scriptedWords(view)}; at ${format.shortTime(view.heal_us)} the heal undoes every fault and liveness starts to be judged`,
    recovery: recoveryWords(view),
    finished: finishedWords(view),
  }[view.phase];
  setText(byId("run-phase"), phase);
  const leader = view.leader ? `S${view.leader} (term ${view.leader_term})` : "none";
  setText(byId("run-leader"), leader);
  const pending = view.ops_pending ? `, ${format.count(view.ops_pending)} waiting` : "";
  const refused = view.ops_failed ? `, ${format.count(view.ops_failed)} cas refused (value differed)` : "";
  const unknown = view.ops_unknown ? `, ${format.count(view.ops_unknown)} unknown (client gave up)` : "";
  setText(byId("run-ops"), `${format.count(view.ops_ok)} done${refused}${unknown}${pending}`);
  const healAll = /** @type {HTMLButtonElement | null} */ (document.querySelector('[data-partition="heal"]'));
  if (healAll) healAll.disabled = view.cut_links === 0 && view.held_messages === 0;
  setText(byId("run-hash"), app.sim.trace_hash());
  document.body.dataset.events = String(view.events);
  document.body.dataset.leader = String(view.leader ?? 0);
}

// ---- the check board ----

function buildChecks() {
  const list = byId("checks");
  list.replaceChildren();
  checkRows = new Map();
  for (const check of app.catalogue.checks) {
    const mark = h("span", { class: "mark", "aria-hidden": "true" });
    const why = h("span", { class: "why" }, check.description);
    // Beside etcd's TLA+ name, the property of the paper's Figure 3 it guards (or what else).
    const guards = h("span", { class: check.guards.paper ? "guards paper" : "guards" }, check.guards.name);
    guards.title = check.guards.paper
      ? `Guards ${check.guards.name} (Raft paper, Figure 3): ${check.guards.words}`
      : `Guards ${check.guards.name}: ${check.guards.words}`;
    const name = h("span", { class: "name" }, check.name, h("span", { class: "gloss" }, check.gloss), guards);
    const row = h("li", { class: "check", dataset: { check: check.name, guards: check.guards.name } }, mark, name, why);
    row.title = `${check.description}\n${guards.title}`;
    checkRows.set(check.name, { row, mark, why, check });
    list.append(row);
  }
}

/** The mark shown for each state the engine reports. */
const MARKS = { holds: "✓", failed: "✕", waiting: "…", not_judged: "–", unknown: "?" };

function updateChecks() {
  const tally = { holds: 0, failed: 0, waiting: 0, not_judged: 0, unknown: 0 };
  for (const { name, state, sentence } of app.sim.check_states()) {
    const { row, mark, why } = checkRows.get(name);
    row.className = `check ${state}`;
    setText(mark, MARKS[state] ?? "?");
    const live = name === "Linearizability" && state === "waiting" ? liveVerdictWords() : "";
    const words = live ? `${sentence} ${live}` : sentence;
    setText(why, words);
    why.hidden = words === "";
    tally[state] = (tally[state] ?? 0) + 1;
  }
  const summary = byId("checks-summary");
  const tone = tally.failed ? "bad" : tally.holds === checkRows.size ? "ok" : "pending";
  summary.className = `summary ${tone}`;
  setText(summary, checksSummary(tally, checkRows.size));
  summary.title = tally.failed ? "The checker stops at the first check that fails: the others were not judged at that event." : "";
  document.body.dataset.checks = tally.failed ? "failed" : "holding";
}

/** The board's summary in words: green only when every check holds; what is pending, not
 * judged or unknown is said, never counted as holding. */
function checksSummary(tally, total) {
  const also = [];
  if (tally.waiting) also.push(`${tally.waiting} judged later`);
  if (tally.not_judged) also.push(`${tally.not_judged} not judged`);
  if (tally.unknown) also.push(`${tally.unknown} unknown`);
  const rest = also.length ? `; ${also.join(", ")}` : "";
  if (tally.failed) return `${tally.failed} failed${rest}`;
  if (tally.holds === total) return app.sim.finished() ? `all ${total} held` : `all ${total} hold so far`;
  return `${tally.holds} of ${total} hold so far${rest}`;
}

function announceViolation(violation) {
  violationShown = true;
  pause();
  const sentence = /[.!?]$/.test(violation.message) ? violation.message : `${violation.message}.`;
  const text = `${violation.invariant} failed at event ${format.count(violation.event)} (${format.time(violation.time_us)}): ${sentence} The run stops here; the nodes and entries it names are circled in red. Step back to see how it came about.`;
  notice("violation", text, { id: "violation" });
  checkRows.get(violation.invariant)?.row.scrollIntoView({ block: "nearest" });
  emit("violation", violation);
}

// ---- nodes ----

function updateNodes() {
  const list = byId("node-list");
  const lines = app.sim.node_lines();
  if (list.children.length !== lines.length) {
    list.replaceChildren(...lines.map((line) => h("li", { dataset: { node: line.id } }, h("button", { type: "button", onclick: () => nodeMenuOpener(line.id) }))));
  }
  lines.forEach((line, position) => {
    const item = /** @type {HTMLElement} */ (list.children[position]);
    item.classList.toggle("selected", app.selected === line.id);
    item.dataset.role = line.running ? line.role : "down";
    item.dataset.term = String(line.term);
    const leads = line.role === "leader" || !line.running ? "" : line.leader ? ` of S${line.leader}` : "";
    const text = `S${line.id} ${line.role_words}${leads} · term ${line.term} · log ${line.last_index} · commit ${line.commit_index}`;
    setText(item.firstChild, text);
  });
}

function updateInspector() {
  const box = byId("inspector");
  byId("inspector-empty").hidden = app.selected !== 0;
  if (!app.selected) {
    box.replaceChildren();
    return;
  }
  const detail = app.sim.node_detail(app.selected);
  const rows = [
    ["Role", detail.role_words],
    ["Term", detail.term],
    ["Voted for", detail.voted_for ? `S${detail.voted_for}` : "nobody this term"],
    ["Leader", detail.leader ? `S${detail.leader}` : "unknown"],
    ["Log", detail.last_index ? `${format.counted(detail.last_index, "entry", "entries")}, the last of term ${detail.last_term}` : "empty"],
    ["Commit", detail.commit_index],
    ["Applied", detail.applied_index],
    ["Durable", `up to index ${detail.durable_index}${detail.unsynced_writes ? `, ${detail.unsynced_writes} write(s) not yet fsynced` : ""}`],
    ["Election timer", detail.election_timer_us === null ? "not armed" : `fires in ${format.time(detail.election_timer_us)}`],
    ["Clock", clockWords(detail)],
    ["Options", `PreVote ${detail.prevote ? "on" : "off"}, CheckQuorum ${detail.check_quorum ? "on" : "off"}`],
  ];
  if (detail.held_messages) rows.push(["Waiting to send", `${detail.held_messages} message(s), until their writes are durable`]);
  const table = h("table", {}, h("tbody", {}, rows.map(([name, value]) => h("tr", {}, h("th", {}, name), h("td", {}, String(value))))));
  const parts = [h("p", { class: "node-title" }, `S${detail.id}`), table];
  if (detail.votes.length) parts.push(h("h3", {}, "Votes this campaign"), h("p", {}, detail.votes.map(([peer, granted]) => `S${peer} ${granted ? "granted" : "refused"}`).join(", ")));
  if (detail.progress.length) parts.push(h("h3", {}, "Followers (matchIndex, nextIndex)"), progressTable(detail.progress));
  if (detail.client_ops.length) parts.push(h("h3", {}, "Client requests waiting here"), h("ul", {}, detail.client_ops.map((text) => h("li", {}, text))));
  box.replaceChildren(...parts);
}

function clockWords(detail) {
  if (!detail.clock_drift_ppm && !detail.clock_offset_us) return "true time";
  const drift = detail.clock_drift_ppm ? `${(detail.clock_drift_ppm / 10_000).toFixed(2)}% ${detail.clock_drift_ppm > 0 ? "fast" : "slow"}` : "";
  const offset = detail.clock_offset_us ? `stepped ${format.time(Math.abs(detail.clock_offset_us))} ${detail.clock_offset_us > 0 ? "ahead" : "back"}` : "";
  return [drift, offset].filter(Boolean).join(", ");
}

function progressTable(progress) {
  const head = h("tr", {}, h("th", {}, "Peer"), h("th", {}, "match"), h("th", {}, "next"), h("th", {}, "mode"));
  const rows = progress.map((peer) => h("tr", {}, h("td", {}, `S${peer.peer}`), h("td", {}, String(peer.match_index)), h("td", {}, String(peer.next_index)), h("td", {}, peer.mode)));
  return h("table", {}, h("thead", {}, head), h("tbody", {}, rows));
}

// ---- the event feed ----

function resetFeed() {
  byId("feed").replaceChildren();
  feedCursor = 0;
}

function buildFeedFilter() {
  const box = byId("feed-kinds");
  feedMask = 0;
  const boxes = app.catalogue.feedKinds.map((kind) => {
    if (kind.shown_by_default) feedMask |= kind.bit;
    const input = h("input", { type: "checkbox", checked: kind.shown_by_default, dataset: { kind: kind.name } });
    input.addEventListener("change", () => {
      feedMask = input.checked ? feedMask | kind.bit : feedMask & ~kind.bit;
      resetFeed();
      refreshPanels();
    });
    return h("label", { class: "feed-kind" }, input, kind.label);
  });
  box.replaceChildren(...boxes);
}

function updateFeed() {
  const feed = byId("feed");
  const records = app.sim.feed_since(feedCursor, app.playing ? FEED_ROWS_PLAYING : FEED_ROWS_MAX, feedMask);
  if (app.playing || records.length === 0) feedCursor = Math.max(feedCursor, app.sim.feed_seq());
  if (records.length === 0) return;
  const stick = feed.scrollTop + feed.clientHeight >= feed.scrollHeight - 8;
  const rows = document.createDocumentFragment();
  for (const record of records) {
    const row = h("li", { class: `kind-${record.kind}`, dataset: { event: record.number, kind: record.kind }, title: `event ${record.number}: click to go there` },
      h("span", { class: "time" }, format.shortTimeFine(record.time_us)),
      h("span", { class: "text" }, record.text));
    row.addEventListener("click", () => seekEvent(record.number));
    rows.append(row);
    feedCursor = Math.max(feedCursor, record.seq);
  }
  feed.append(rows);
  while (feed.children.length > FEED_ROWS_MAX) feed.firstChild.remove();
  if (stick) feed.scrollTop = feed.scrollHeight;
}

export function setupPanels() {
  buildFeedFilter();
  on("run", () => {
    buildChecks();
    violationShown = false;
    resetFeed();
    refreshPanels();
  });
  on("moved", ({ jumped }) => {
    if (jumped) {
      resetFeed();
      const view = guard(() => app.sim.run_view());
      if (view && !view.violation) {
        violationShown = false;
        clearNotice("violation");
      }
    }
    refreshPanels();
  });
  on("acted", () => refreshPanels());
  on("selected", () => refreshPanels());
  onFrame(tick);
}
