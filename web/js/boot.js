// @ts-check
// Boot: load the wasm engine, ask it what it offers, build the page from that, open the run the
// address holds (or the default one) and start the frame loop. Holds no protocol logic
// (ARCHITECTURE.md): every rule, constant and drawing comes from the engine.
import init, * as wasm from "../pkg/raftsim_wasm.js";
import { app, guard } from "./app.js";
import { nodeClientPoint, setupCanvases } from "./canvas.js";
import { setupControls } from "./controls.js";
import { setupCoverage } from "./coverage.js";
import { byId } from "./dom.js";
import { historyFileOps, historyOpPoint, historyRows, historyState, setupHistory } from "./history.js";
import { setupExport } from "./export.js";
import { setupKeys } from "./keys.js";
import { setupSearch } from "./search.js";
import { setupHealth } from "./health.js";
import { setupLegend } from "./legend.js";
import { setupMenus } from "./menus.js";
import { panelsRefreshed, setupPanels } from "./panels.js";
import { DEFAULT_SPEED, play, setSpeed, startLoop } from "./player.js";
import { setupSettings } from "./settings.js";
import { setupSpacetime } from "./spacetime.js";
import { mayAutoplay, startScenario } from "./run.js";
import { setupGreeting } from "./greeting.js";
import { openFromAddress, setupShare } from "./share.js";
import { currentTour, setupTours } from "./tours.js";

const status = byId("engine-status");

function readCatalogue() {
  return {
    presets: wasm.presets(),
    limits: wasm.limits(),
    checks: wasm.checks(),
    faultKinds: wasm.fault_kinds(),
    bugs: wasm.bugs(),
    partitions: wasm.partitions(),
    legend: wasm.legend(),
    feedKinds: wasm.feed_kinds(),
    swarmDrawn: wasm.swarm_drawn(),
  };
}

/** For the console, the page's tests and its benchmark: the state, where a node is on screen, a
 * way to start any scenario object, and the wasm memory's size. */
function exposeHandle() {
  /** @type {any} */ (window).raftsim = {
    app,
    nodeCenter: (node) => nodeClientPoint(node),
    start: (scenario) => startScenario(scenario),
    panelsRefreshed,
    history: historyState,
    historyOpPoint,
    historyRows,
    historyFileOps,
    tour: () => currentTour(),
    wasmMemoryBytes: () => app.memory.buffer.byteLength,
  };
}

async function boot() {
  const instance = await init();
  app.wasm = wasm;
  app.memory = instance.memory;
  const version = wasm.engine_version();
  byId("engine-version").textContent = `engine ${version}`;
  document.body.dataset.engineVersion = version;
  app.catalogue = readCatalogue();
  setupCanvases();
  setupPanels();
  setupControls();
  setupMenus();
  setupSettings();
  setupShare();
  setupExport();
  setupSearch();
  setupKeys();
  setupLegend();
  setupHistory();
  setupTours();
  setupSpacetime();
  setupHealth();
  setupCoverage();
  exposeHandle();
  setSpeed(DEFAULT_SPEED);
  const fromLink = location.hash.length > 1;
  guard(openFromAddress);
  status.className = "ready";
  status.textContent = "";
  document.body.dataset.ready = "true";
  startLoop();
  if (!fromLink && mayAutoplay()) {
    setupGreeting(true);
    play();
  }
}

try {
  await boot();
} catch (error) {
  status.textContent =
    `The WebAssembly engine did not load (${error.message}). ` +
    "If you serve the page yourself, build it first with ./dev serve; otherwise try a current browser.";
  status.className = "error";
  document.body.dataset.ready = "failed";
  console.error(error);
}
