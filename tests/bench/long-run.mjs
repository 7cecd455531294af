// A page left playing (issue #27, defect 2), measured in headless Chromium. Called by `./dev
// bench`; prints one JSON object.
//   node tests/bench/long-run.mjs <web-root> [<events>]
// The default preset with 9 nodes and 64 clients and a fault phase long enough never to end,
// played as fast as it goes up to `events` (20M by default; 0 for the load figures only). At every million events it takes
// the wasm memory, then plays 4 s with every panel open and 4 s with every panel closed and
// notes the events per second of each. Also the first frame with the network throttled (10
// Mbit/s, 40 ms round trip, Chromium's emulation over CDP) and what each file costs.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { launch, serve } from "../e2e/harness.mjs";

const root = process.argv[2];
const eventsWanted = Number(process.argv[3] ?? 20_000_000);
const WINDOW_MS = 4_000;
const round = (value) => Math.round(value * 10) / 10;

/** The default preset, 9 nodes, 64 clients, a fault phase of half an hour of simulated time. */
const LONG = `(() => {
  const scenario = window.raftsim.app.wasm.preset("default");
  scenario.name = "bench-long";
  scenario.nodes = 9;
  scenario.workload.clients = 64;
  scenario.phases.safety_us = 3500000000;
  scenario.phases.liveness_us = 10000000;
  return scenario;
})()`;

/** Each file the page loads, gzipped, largest first. */
function transfer(directory) {
  const files = [];
  const walk = (path) => {
    for (const name of readdirSync(path)) {
      const file = join(path, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (!/\.d\.ts$|package\.json$|\.gitignore$/.test(name)) {
        const body = readFileSync(file);
        files.push({ file: relative(directory, file), raw: body.length, gzipped: gzipSync(body, { level: 9 }).length });
      }
    }
  };
  walk(directory);
  return files.sort((a, b) => b.gzipped - a.gzipped);
}

/** First frame after navigation with the network throttled and the cache off: median of 3. */
async function throttledFirstFrame(browser, url) {
  const samples = [];
  for (let run = 0; run < 3; run += 1) {
    const page = await browser.newPage();
    const cdp = await page.createCDPSession();
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    // 10 Mbit/s both ways, 40 ms round trip (CDP's latency is added to each request's RTT).
    const bytesPerSecond = (10 * 1_000_000) / 8;
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 40,
      downloadThroughput: bytesPerSecond,
      uploadThroughput: bytesPerSecond,
    });
    let bytes = 0;
    cdp.on("Network.loadingFinished", (event) => { bytes += event.encodedDataLength; });
    await page.goto(url);
    await page.waitForFunction(() => document.body.dataset.firstFrame === "drawn", { timeout: 60_000 });
    const ms = await page.evaluate(() => window.raftsim.app.metrics.firstFrameMs);
    samples.push({ ms: round(ms), bytes_on_wire: bytes });
    await page.close();
  }
  samples.sort((a, b) => a.ms - b.ms);
  return { median_ms: samples[1].ms, worst_ms: samples[2].ms, bytes_on_wire: samples[1].bytes_on_wire };
}

/** Opens or closes every panel (the collapsible sections and the legend). */
function setPanels(page, open) {
  return page.evaluate((wanted) => {
    for (const panel of document.querySelectorAll("details.panel, details.legend-box")) {
      /** @type {HTMLDetailsElement} */ (panel).open = wanted;
    }
  }, open);
}

/** Events per second and frames per second while playing for `ms`. */
async function rate(page, ms) {
  return page.evaluate(async (duration) => {
    const sim = window.raftsim.app.sim;
    const metrics = window.raftsim.app.metrics;
    const events = sim.events();
    const frames = metrics.frames;
    const started = performance.now();
    await new Promise((done) => setTimeout(done, duration));
    const seconds = (performance.now() - started) / 1000;
    return {
      events_per_second: Math.round((sim.events() - events) / seconds),
      frames_per_second: Math.round(((metrics.frames - frames) / seconds) * 10) / 10,
    };
  }, ms);
}

async function play(page) {
  await page.evaluate(() => {
    const input = /** @type {HTMLInputElement} */ (document.getElementById("speed"));
    input.value = input.max;
    input.dispatchEvent(new Event("input"));
    if (document.body.dataset.playing !== "true") document.getElementById("play").click();
  });
}

const server = await serve(root);
const browser = await launch("chromium", ["--enable-precise-memory-info"]);
try {
  const result = { transfer: transfer(root) };
  // As a static host serves the page (gzip), and uncompressed as the plain server does.
  const zipped = await serve(root, { gzip: true });
  result.first_frame_throttled = await throttledFirstFrame(browser, `${zipped.url}?paused`);
  await zipped.close();
  result.first_frame_throttled_uncompressed = await throttledFirstFrame(browser, `${server.url}?paused`);
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  result.milestones = [];
  await page.goto(`${server.url}?paused`);
  await page.waitForFunction(() => document.body.dataset.firstFrame === "drawn");
  await page.evaluate(`window.raftsim.start(${LONG})`);
  await play(page);
  // The next milestone is the next whole million after the events reached: the rate windows
  // themselves run a few million events at the fastest speed.
  for (let milestone = 1_000_000; milestone <= eventsWanted; ) {
    await setPanels(page, false);
    await page.waitForFunction((target) => window.raftsim.app.sim.events() >= target || window.raftsim.app.sim.finished(), { timeout: 600_000, polling: 250 }, milestone);
    if (await page.evaluate(() => window.raftsim.app.sim.finished())) {
      result.ended_before = milestone;
      break;
    }
    const memory = await page.evaluate(() => ({ events: window.raftsim.app.sim.events(), wasm_memory_bytes: window.raftsim.wasmMemoryBytes() }));
    await setPanels(page, true);
    const open = await rate(page, WINDOW_MS);
    await setPanels(page, false);
    const closed = await rate(page, WINDOW_MS);
    result.milestones.push({ ...memory, open, closed });
    const reached = await page.evaluate(() => window.raftsim.app.sim.events());
    milestone = Math.max(milestone + 1_000_000, Math.ceil(reached / 1_000_000) * 1_000_000);
    process.stderr.write(`${JSON.stringify(result.milestones.at(-1))}\n`);
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await browser.close();
  await server.close();
}
