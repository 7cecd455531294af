// Frame work with the space-time diagram and the health strip open, then closed, then open and
// closed again, at 9 nodes: under heavy traffic (tests/bench/page.mjs's HEAVY scenario) or a
// preset's own, at a given speed. Prints one JSON line per pass. Build web/pkg first.
//   node tests/bench/diagrams.mjs [chromium|firefox] ["real time"] [seconds] [heavy|PRESET]
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, serve } from "../e2e/harness.mjs";

const WEB = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "web");
const browserName = process.argv[2] ?? "chromium";
const label = process.argv[3] ?? "real time";
const seconds = Number(process.argv[4] ?? 6);
const which = process.argv[5] ?? "heavy";
const HEAVY = `(() => {
  const scenario = window.raftsim.app.wasm.preset("calm-election");
  scenario.name = "bench-heavy";
  scenario.nodes = 9;
  scenario.workload.clients = 10;
  scenario.network.drop_ppm = 50000;
  scenario.phases.safety_us = 1800000000;
  scenario.phases.liveness_us = 10000000;
  return scenario;
})()`;
const percentile = (values, share) => { const s = [...values].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(share * s.length))]; };
const round = (v) => Math.round(v * 100) / 100;
const server = await serve(WEB);
const browser = await launch(browserName);
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 1000 });
  for (const open of [true, false, true, false]) {
    await page.goto(`${server.url}?paused`);
    await page.waitForFunction(() => document.body.dataset.firstFrame === "drawn", { timeout: 60000 });
    await page.evaluate(which === "heavy" ? `window.raftsim.start(${HEAVY})` : `(() => { const s = window.raftsim.app.wasm.preset("${which}"); s.nodes = 9; window.raftsim.start(s); })()`);
    await page.evaluate((open) => { for (const id of ["panel-spacetime", "panel-health"]) document.getElementById(id).open = open; }, open);
    // Scroll so that the panels are on screen (drawing off-screen canvases can be cheaper).
    await page.evaluate(() => document.getElementById("panel-spacetime").scrollIntoView({ block: "start" }));
    const result = await page.evaluate(async (wanted, duration) => {
      const input = document.getElementById("speed");
      for (let level = 0; level <= Number(input.max); level += 1) {
        input.value = String(level); input.dispatchEvent(new Event("input"));
        if (document.getElementById("speed-label").textContent === wanted) break;
      }
      const metrics = window.raftsim.app.metrics;
      metrics.frameWorkMs = [];
      const intervals = [];
      const startEvents = window.raftsim.app.sim.events();
      document.getElementById("play").click();
      await new Promise((r) => setTimeout(r, 500));
      metrics.frameWorkMs = [];
      metrics.recording = true;
      let last = performance.now();
      const end = last + duration * 1000;
      await new Promise((done) => { const tick = (now) => { intervals.push(now - last); last = now; if (now < end) requestAnimationFrame(tick); else done(); }; requestAnimationFrame(tick); });
      metrics.recording = false;
      document.getElementById("play").click();
      return { work: metrics.frameWorkMs.slice(), intervals: intervals.slice(1), events: window.raftsim.app.sim.events() - startEvents, drawn: { in_view: window.raftsim.app.spacetime.in_view, arrows: window.raftsim.app.spacetime.arrows, crowded: window.raftsim.app.spacetime.crowded, span_us: window.raftsim.app.spacetime.span_us } };
    }, label, seconds);
    console.log(JSON.stringify({ scenario: which, browser: browserName, speed: label, panels_open: open, frames: result.work.length, work_median_ms: round(percentile(result.work, 0.5)), work_p95_ms: round(percentile(result.work, 0.95)), work_max_ms: round(Math.max(...result.work)), interval_median_ms: round(percentile(result.intervals, 0.5)), interval_p95_ms: round(percentile(result.intervals, 0.95)), events: result.events, arrows_drawn_last: open ? result.drawn?.arrows : null }));
  }
} finally { await browser.close(); await server.close(); }
