// The page's figures, measured in headless Chromium (puppeteer-core, Debian's browser; nothing
// downloaded). Called by `cargo xtask bench`; prints one JSON object.
//   node tests/bench/page.mjs <web-root> [--memory-only]
// Figures: first frame after navigation; frame work and frame interval while playing 9 nodes
// under heavy traffic at three speeds; JS heap and wasm memory after 100k and 1M events; the
// transfer size of everything the page loads, gzipped; and the time from a step back or a
// scrubber jump on a 1M-event run to the next frame drawn.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { launch, serve } from "../e2e/harness.mjs";

const root = process.argv[2];
// Only the memory after 100k and 1M events (`./dev bench` compares two allocators with it).
const memoryOnly = process.argv[3] === "--memory-only";
const percentile = (values, share) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))];
};
const round = (value) => Math.round(value * 100) / 100;

/** Every file the page loads (pkg's type declarations and package file are never fetched). */
function transferSize(directory) {
  let raw = 0;
  let gzipped = 0;
  const files = [];
  const walk = (path) => {
    for (const name of readdirSync(path)) {
      const file = join(path, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (!/\.d\.ts$|package\.json$|\.gitignore$/.test(name)) {
        const body = readFileSync(file);
        const packed = gzipSync(body, { level: 9 }).length;
        raw += body.length;
        gzipped += packed;
        files.push([relative(directory, file), packed]);
      }
    }
  };
  walk(directory);
  return { raw_bytes: raw, gzipped_bytes: gzipped, files: files.sort((a, b) => b[1] - a[1]).slice(0, 4) };
}

/** 9 nodes, 10 clients, 5% of messages lost, a 1–5 ms network, no random faults, a long run. */
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

async function firstFrame(page, url) {
  const samples = [];
  for (let run = 0; run < 5; run += 1) {
    await page.goto(url);
    await page.waitForFunction(() => document.body.dataset.firstFrame === "drawn");
    samples.push(await page.evaluate(() => window.raftsim.app.metrics.firstFrameMs));
  }
  return { median_ms: round(percentile(samples, 0.5)), worst_ms: round(Math.max(...samples)) };
}

/** Plays at `label` for `seconds` of wall time; frame work and the interval between frames. */
async function frames(page, label, seconds) {
  return page.evaluate(async (wanted, duration) => {
    const input = document.getElementById("speed");
    for (let level = 0; level <= Number(input.max); level += 1) {
      input.value = String(level);
      input.dispatchEvent(new Event("input"));
      if (document.getElementById("speed-label").textContent === wanted) break;
    }
    const metrics = window.raftsim.app.metrics;
    metrics.frameWorkMs = [];
    const intervals = [];
    const startEvents = window.raftsim.app.sim.events();
    document.getElementById("play").click();
    metrics.recording = true;
    let last = performance.now();
    const end = last + duration * 1000;
    await new Promise((done) => {
      const tick = (now) => {
        intervals.push(now - last);
        last = now;
        if (now < end) requestAnimationFrame(tick);
        else done();
      };
      requestAnimationFrame(tick);
    });
    metrics.recording = false;
    document.getElementById("play").click();
    const events = window.raftsim.app.sim.events() - startEvents;
    return { work: metrics.frameWorkMs.slice(), intervals: intervals.slice(1), events };
  }, label, seconds);
}

function summarize({ work, intervals, events }, seconds) {
  return {
    frames: work.length,
    work_median_ms: round(percentile(work, 0.5)),
    work_p95_ms: round(percentile(work, 0.95)),
    interval_median_ms: round(percentile(intervals, 0.5)),
    interval_p95_ms: round(percentile(intervals, 0.95)),
    frames_over_25ms: intervals.filter((interval) => interval > 25).length,
    events_per_second: Math.round(events / seconds),
  };
}

async function memory(page) {
  return page.evaluate(() => ({
    events: window.raftsim.app.sim.events(),
    js_heap_bytes: performance.memory?.usedJSHeapSize ?? null,
    wasm_memory_bytes: window.raftsim.wasmMemoryBytes(),
  }));
}

/** Plays as fast as it goes until `events` have run. */
async function playTo(page, events) {
  await page.evaluate(() => {
    const input = document.getElementById("speed");
    input.value = input.max;
    input.dispatchEvent(new Event("input"));
    if (document.body.dataset.playing !== "true") document.getElementById("play").click();
  });
  await page.waitForFunction((target) => window.raftsim.app.sim.events() >= target, { timeout: 600_000, polling: 200 }, events);
  await page.evaluate(() => document.getElementById("play").click());
}

/** The time a UI action's handler takes (the engine's replay), and from the action to the end
 * of the next frame, which draws its result (the page's frame loop runs before this rAF). */
async function timeToFrame(page, action) {
  return page.evaluate(async (what) => {
    const started = performance.now();
    if (what === "step-back") document.getElementById("step-back").click();
    else {
      const scrubber = document.getElementById("scrubber");
      const run = window.raftsim.app.lastRunView;
      const frontier = run.frontier_us / run.run_us;
      scrubber.value = String(Math.round(Number(scrubber.max) * frontier * Number(what)));
      scrubber.dispatchEvent(new Event("input"));
    }
    const handled = performance.now();
    await new Promise((done) => requestAnimationFrame(done));
    return { handler: handled - started, frame: performance.now() - started };
  }, action);
}

const server = await serve(root);
// Exact heap figures, not Chromium's rounded ones.
const browser = await launch("chromium", ["--enable-precise-memory-info"]);
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 1000 });
  const result = {};
  if (!memoryOnly) {
    result.transfer = transferSize(root);
    result.first_frame = await firstFrame(page, `${server.url}?paused`);
    await page.goto(`${server.url}?paused`);
    await page.waitForFunction(() => document.body.dataset.firstFrame === "drawn");
    await page.evaluate(`window.raftsim.start(${HEAVY})`);
    result.frames = {};
    for (const label of ["1/10 ×", "real time", "as fast as it goes"]) {
      result.frames[label] = summarize(await frames(page, label, 6), 6);
    }
  }
  // Memory and time travel on a fresh run of the same scenario.
  await page.goto(`${server.url}?paused`);
  await page.waitForFunction(() => document.body.dataset.firstFrame === "drawn");
  await page.evaluate(`window.raftsim.start(${HEAVY})`);
  result.memory_start = await memory(page);
  await playTo(page, 100_000);
  result.memory_100k = await memory(page);
  await playTo(page, 1_000_000);
  result.memory_1m = await memory(page);
  if (!memoryOnly) result.time_to_frame_at_1m_events = await jumps(page);
  result.events_at_jumps = result.memory_1m.events;
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await browser.close();
  await server.close();
}

/** The time to the next frame after each step back and scrubber jump, three times each. */
async function jumps(page) {
  const jumps = {};
  const actions = [["step back", "step-back"], ["step back again", "step-back"], ["scrub to 50%", "0.5"], ["scrub to 10%", "0.1"], ["scrub to 95%", "0.95"], ["scrub to 60%", "0.6"]];
  for (const [name, action] of actions) {
    const samples = [];
    for (let repeat = 0; repeat < 3; repeat += 1) samples.push(await timeToFrame(page, action));
    const handlers = samples.map((sample) => sample.handler);
    const frames = samples.map((sample) => sample.frame);
    jumps[name] = {
      handler_median_ms: round(percentile(handlers, 0.5)),
      frame_median_ms: round(percentile(frames, 0.5)),
      frame_worst_ms: round(Math.max(...frames)),
    };
  }
  return jumps;
}
