// @ts-check
// The run panel's coverage line: how many abstract states (signatures) the run on screen has
// reached. The engine counts them and says it in words; this reads the count on each frame in
// which the run moved (playing, travelling or a jump: one call into the engine) and rewrites
// the line only when the count changed.
import { app, guard, on } from "./app.js";
import { byId, setText } from "./dom.js";
import { onFrame } from "./player.js";

/** The count the line shows (-1: none yet). */
let shownCount = -1;

function refresh() {
  if (!app.sim) return;
  const count = guard(() => app.sim.coverage_count());
  if (count === undefined || count === shownCount) return;
  shownCount = count;
  setText(byId("run-coverage"), guard(() => app.sim.coverage_text(), "—"));
}

export function setupCoverage() {
  const line = byId("run-coverage");
  line.title = guard(() => app.wasm.coverage_explained(), "");
  on("run", () => {
    shownCount = -1;
    refresh();
  });
  onFrame((now, changed) => {
    if (changed) refresh();
  });
  on("acted", refresh);
}
