// The space-time diagram and the health strip, end to end in Chromium and Firefox: tied to the
// scrubber, seeking on a click, marking crashes, forgetting a dropped future, showing a
// leaderless gap, zooming and scrolling, and costing nothing when closed. Every case saves
// screenshots (prefix 40–49) under target/e2e/<browser>/.
import assert from "node:assert/strict";
import { join } from "node:path";
import { SHOTS, WAIT_MS, runCases } from "./cases.mjs";

/** Starts `preset` with the fields of `patch` changed, and waits for the panels. */
async function start(page, settle, preset, patch = {}) {
  await page.evaluate((name, changes) => {
    const scenario = window.raftsim.app.wasm.preset(name);
    Object.assign(scenario, changes);
    window.raftsim.start(scenario);
  }, preset, patch);
  await settle(page);
}

/** What the diagram drew in the next frame (two frames later, so that it has drawn). */
async function drawn(page) {
  return page.evaluate(() => new Promise((done) => {
    window.raftsim.app.dirty = true;
    requestAnimationFrame(() => requestAnimationFrame(() => {
      const view = window.raftsim.app.spacetime;
      const { start_us, span_us, end_us, arrows, marks, in_view, crowded, now_us, width, height } = view;
      done({ start_us, span_us, end_us, arrows, marks, in_view, crowded, now_us, width, height });
    }));
  }));
}

async function healthDrawn(page) {
  return page.evaluate(() => new Promise((done) => {
    window.raftsim.app.dirty = true;
    requestAnimationFrame(() => requestAnimationFrame(() => {
      const view = window.raftsim.app.health;
      done({ bins: view.bins, leader_spans: view.leader_spans, leaderless_us: view.leaderless_us, left: view.axis_left, right: view.axis_right });
    }));
  }));
}

/** The messages the record holds in `from_us..=to_us`. */
async function arrows(page, fromUs, toUs) {
  return page.evaluate((from, to) => window.raftsim.app.sim.spacetime_arrows(from, to), fromUs, toUs);
}

async function nowUs(page) {
  return page.evaluate(() => window.raftsim.app.sim.now_us());
}

/** Waits until no travel is under way. */
async function arrived(page) {
  await page.waitForFunction(() => window.raftsim.app.travelTo === null, { timeout: WAIT_MS });
}

/** A screenshot of one panel, scrolled into view. */
async function panelShot(page, browserName, selector, name) {
  const element = await page.$(selector);
  await element.evaluate((panel) => panel.scrollIntoView({ block: "center" }));
  await element.screenshot({ path: join(SHOTS, browserName, `${name}.png`) });
}

async function clickButton(page, id) {
  await page.evaluate((button) => document.getElementById(button).click(), id);
}

const CASES = [
  ["the diagram follows the scrubber", async ({ open, runTo, settle, browserName, assertNoErrors }) => {
    const page = await open();
    await start(page, settle, "leader-crash");
    await runTo(page, 4);
    const atFour = await drawn(page);
    assert.equal(atFour.now_us, 4_000_000);
    assert.ok(atFour.start_us < 4_000_000 && 4_000_000 < atFour.end_us, "the time shown is in the window");
    assert.ok(!atFour.crowded && atFour.arrows > 20, `the window shows messages one by one (${atFour.arrows})`);
    const recorded = await arrows(page, atFour.start_us, atFour.end_us);
    assert.equal(atFour.arrows, recorded.length, "every message the record holds in the window is drawn");
    await panelShot(page, browserName, "#panel-spacetime", "40-following-at-4s");
    const runUs = await page.evaluate(() => window.raftsim.app.lastRunView.run_us);
    await page.evaluate(() => {
      const scrubber = document.getElementById("scrubber");
      scrubber.value = "250";
      scrubber.dispatchEvent(new Event("input"));
    });
    await arrived(page);
    await settle(page);
    const scrubbed = await drawn(page);
    const now = await nowUs(page);
    assert.equal(now, Math.round(runUs / 4), "the scrubber went a quarter of the way");
    assert.equal(scrubbed.now_us, now, "the diagram's line is at the scrubber's time");
    assert.ok(scrubbed.start_us <= now && now <= scrubbed.end_us, "and its window moved there");
    assert.ok(scrubbed.end_us < atFour.start_us, "back, before the window it showed at 4 s");
    assert.equal(scrubbed.arrows, (await arrows(page, scrubbed.start_us, scrubbed.end_us)).length);
    const future = (await arrows(page, now + 1, scrubbed.end_us)).filter((arrow) => arrow.sent_us > now);
    assert.ok(future.length > 0, "the run explored past this moment is drawn (pale) below the line");
    const health = await healthDrawn(page);
    assert.ok(health.bins > 10 && health.leader_spans >= 3, "the health strip has the run so far");
    await panelShot(page, browserName, "#panel-spacetime", "40-scrubbed-back");
    await panelShot(page, browserName, "#panel-health", "40-health-scrubbed-back");
    assertNoErrors(page);
    await page.close();
  }],

  ["clicking on the diagram goes to that moment, and hovering tells what is there", async ({ open, runTo, settle, browserName, assertNoErrors }) => {
    const page = await open();
    await start(page, settle, "calm-election");
    await runTo(page, 3);
    const before = await drawn(page);
    const box = { width: before.width, height: before.height };
    await page.$eval("#spacetime", (canvas) => canvas.scrollIntoView({ block: "center" }));
    const placed = await page.$eval("#spacetime", (canvas) => {
      const rect = canvas.getBoundingClientRect();
      return { left: rect.left, top: rect.top };
    });
    const y = Math.round(box.height * 0.4);
    const expected = await page.evaluate((at) => window.raftsim.app.spacetime.time_at(at), y);
    assert.ok(expected > before.start_us && expected < 3_000_000, "a moment already run");
    await page.mouse.click(placed.left + box.width * 0.93, placed.top + y);
    await arrived(page);
    await settle(page);
    assert.equal(await nowUs(page), expected, "the run went to the moment clicked");
    const after = await drawn(page);
    assert.equal(after.start_us, before.start_us, "the window stays where it was clicked");
    assert.equal(after.now_us, expected, "the line moved to the click");
    // Find a message or a mark under some point (and under its neighbours, so that the
    // mouse's rounding cannot miss it), then hover there with the mouse.
    const spot = await page.evaluate((width, height) => {
      const { sim, spacetime } = window.raftsim.app;
      const pick = (x, y) => spacetime.pick(sim, x, y);
      for (let py = 60; py < height - 8; py += 3) {
        for (let px = 70; px < width - 20; px += 3) {
          const words = pick(px, py);
          const steady = words && [[-1, -1], [1, 1], [-1, 1], [1, -1]].every(([dx, dy]) => pick(px + dx, py + dy) === words);
          if (steady) return { px, py, words };
        }
      }
      return null;
    }, box.width, box.height);
    assert.ok(spot, "something in the window can be picked");
    await page.mouse.move(placed.left + spot.px, placed.top + spot.py);
    await page.waitForFunction(() => !document.getElementById("spacetime-tip").hidden);
    const tip = await page.$eval("#spacetime-tip", (element) => element.textContent);
    assert.equal(tip, spot.words);
    assert.match(tip, /S\d/);
    await panelShot(page, browserName, "#panel-spacetime", "41-clicked-and-hovered");
    assertNoErrors(page);
    await page.close();
  }],

  ["a crash shows as a mark on the node's line", async ({ open, runTo, settle, state, clickNode, clickMenuButton, browserName, assertNoErrors }) => {
    const page = await open();
    await start(page, settle, "leader-crash");
    await runTo(page, 2);
    const scripted = await page.evaluate(() => window.raftsim.app.sim.spacetime_marks(1_500_000, 1_500_000));
    assert.ok(scripted.some((mark) => mark.change === "crashed" && !mark.running), `the scripted crash at 1.5 s: ${JSON.stringify(scripted)}`);
    const elected = await page.evaluate(() => window.raftsim.app.sim.spacetime_marks(1_500_001, 2_000_000));
    assert.ok(elected.some((mark) => mark.role === "leader"), "the new leader's election is marked");
    const leader = (await state(page)).leader;
    await clickNode(page, leader);
    await clickMenuButton(page, "Crash");
    await settle(page);
    const now = await nowUs(page);
    const marks = await page.evaluate((at) => window.raftsim.app.sim.spacetime_marks(at, at), now);
    assert.deepEqual(marks.filter((mark) => mark.change === "crashed").map((mark) => mark.node), [leader], "our crash, at once");
    const shown = await drawn(page);
    assert.ok(shown.marks >= 1 && shown.start_us <= now && now <= shown.end_us, "drawn in the window");
    await runTo(page, 2.6);
    const before = await drawn(page);
    await clickButton(page, "spacetime-zoom-out");
    await clickButton(page, "spacetime-zoom-out");
    await clickButton(page, "spacetime-zoom-out");
    const zoomed = await drawn(page);
    assert.equal(zoomed.span_us, before.span_us * 8, "three zooms out, each twice the time");
    await panelShot(page, browserName, "#panel-spacetime", "42-crash-marks");
    assertNoErrors(page);
    await page.close();
  }],

  ["after acting in the past, no arrow of the dropped future remains", async ({ open, runTo, settle, clickNode, clickMenuButton, browserName, assertNoErrors }) => {
    const page = await open();
    await start(page, settle, "calm-election");
    await runTo(page, 4);
    await runTo(page, 2);
    const now = await nowUs(page);
    assert.equal(now, 2_000_000, "back to 2 s");
    const explored = (await arrows(page, now, 4_000_000)).filter((arrow) => arrow.sent_us > now);
    assert.ok(explored.length > 100, "the future already run is in the record");
    const beforeFork = await drawn(page);
    assert.ok(beforeFork.arrows > 0);
    await panelShot(page, browserName, "#panel-spacetime", "43-before-the-fork");
    await page.evaluate(() => window.scrollTo(0, 0));
    await clickNode(page, 3);
    await clickMenuButton(page, "Crash");
    await settle(page);
    const all = await arrows(page, 0, 60_000_000);
    assert.deepEqual(all.filter((arrow) => arrow.sent_us > now), [], "nothing sent after the fork");
    const arrivedLater = all.filter((arrow) => arrow.end_us > now && !["flying", "held"].includes(arrow.fate));
    assert.deepEqual(arrivedLater, [], "what was on its way at the fork is on its way again");
    const afterFork = await drawn(page);
    assert.equal(afterFork.arrows, (await arrows(page, afterFork.start_us, afterFork.end_us)).length);
    assert.ok(afterFork.arrows < beforeFork.arrows, `fewer arrows: the dropped future's are gone (${beforeFork.arrows} → ${afterFork.arrows})`);
    await runTo(page, 2.5);
    const toCrashed = (await arrows(page, now + 1, 2_500_000)).filter((arrow) => arrow.to === 3 && arrow.sent_us > now);
    assert.ok(toCrashed.length > 0 && toCrashed.every((arrow) => arrow.fate !== "delivered"), "the new future: nothing reaches the crashed S3");
    await panelShot(page, browserName, "#panel-spacetime", "43-after-the-fork");
    assertNoErrors(page);
    await page.close();
  }],

  ["the health strip shows a leaderless gap when the leader crashes", async ({ open, runTo, settle, state, clickNode, clickMenuButton, browserName, assertNoErrors }) => {
    const page = await open();
    await start(page, settle, "calm-election");
    await runTo(page, 3);
    const leader = (await state(page)).leader;
    assert.ok(leader > 0);
    await clickNode(page, leader);
    await clickMenuButton(page, "Crash");
    await settle(page);
    const crashUs = await nowUs(page);
    await runTo(page, 6);
    const view = await page.evaluate(() => window.raftsim.app.sim.health_rows());
    const gap = view.leaders.findIndex((span) => span.leader === 0 && span.from_us >= crashUs);
    assert.ok(gap > 0, `a span without a leader after the crash: ${JSON.stringify(view.leaders)}`);
    const [was, none, next] = [view.leaders[gap - 1], view.leaders[gap], view.leaders[gap + 1]];
    assert.equal(was.leader, leader);
    assert.equal(none.from_us, crashUs, "the gap starts at the crash");
    assert.ok(next && next.leader !== 0 && next.leader !== leader && next.term > was.term, "then another node leads a later term");
    assert.ok(none.to_us - none.from_us >= 50_000, "an election takes at least a timeout");
    const lostAfter = view.bins.filter((bin) => bin.to_us > crashUs && bin.from_us < crashUs + 1_000_000).reduce((sum, bin) => sum + bin.lost, 0);
    assert.ok(lostAfter > 0, "messages to the crashed leader are lost");
    assert.ok(view.samples > 100 && view.period_us >= 10_000);
    const health = await healthDrawn(page);
    assert.ok(health.leaderless_us >= none.to_us - none.from_us, "the strip draws the gap");
    assert.ok(Number.isFinite(health.left) && health.left > 40, "the time axis lines up under the scrubber");
    const scrubTrack = await page.$eval(".scrub-track", (track) => track.getBoundingClientRect().left);
    const healthCanvas = await page.$eval("#health", (canvas) => canvas.getBoundingClientRect().left);
    assert.ok(Math.abs(healthCanvas + health.left - scrubTrack - 7) < 1, "the strip's zero is under the scrubber's");
    await panelShot(page, browserName, "#panel-health", "44-leaderless-gap");
    // A click on the strip goes to the time under it, as the scrubber does.
    const strip = await page.$eval("#health", (canvas) => {
      const rect = canvas.getBoundingClientRect();
      return { left: rect.left, top: rect.top, width: rect.width };
    });
    const x = Math.round(health.left + (health.right - health.left) * 0.25);
    const expected = await page.evaluate((at) => window.raftsim.app.health.time_at(window.raftsim.app.sim, at), x);
    await page.mouse.click(strip.left + x, strip.top + 60);
    await arrived(page);
    assert.equal(await nowUs(page), expected, "a click on the strip travels there");
    assert.ok(Math.abs(expected - 0.25 * (await page.evaluate(() => window.raftsim.app.lastRunView.run_us))) < 100_000);
    assertNoErrors(page);
    await page.close();
  }],

  ["zooms, scrolls, shows the whole run, follows again, and costs nothing closed", async ({ open, runTo, settle, browserName, assertNoErrors }) => {
    const page = await open();
    await start(page, settle, "leader-crash");
    await runTo(page, 3);
    const live = await drawn(page);
    await page.$eval("#spacetime", (canvas) => canvas.scrollIntoView({ block: "center" }));
    const box = await page.$eval("#spacetime", (canvas) => {
      const rect = canvas.getBoundingClientRect();
      return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
    });
    await page.mouse.move(box.x, box.y);
    await page.mouse.wheel({ deltaY: -200 });
    const scrolled = await drawn(page);
    assert.ok(scrolled.start_us < live.start_us, "scrolling up goes back in time");
    assert.equal(await page.$eval("#spacetime-follow", (button) => button.getAttribute("aria-pressed")), "false");
    await clickButton(page, "spacetime-whole");
    const whole = await drawn(page);
    const runUs = await page.evaluate(() => window.raftsim.app.lastRunView.run_us);
    assert.deepEqual([whole.start_us, whole.span_us], [0, runUs]);
    assert.ok(whole.crowded && whole.in_view > 1_500, "too many messages to draw them all");
    assert.ok(whole.arrows > 0 && whole.arrows < 200, `the elections' messages only: ${whole.arrows}`);
    await panelShot(page, browserName, "#panel-spacetime", "48-whole-run");
    await clickButton(page, "spacetime-follow");
    const following = await drawn(page);
    assert.ok(following.start_us <= 3_000_000 && 3_000_000 <= following.end_us && following.span_us === live.span_us, "back to the live view");
    await page.evaluate(() => { document.querySelector("#panel-spacetime > summary").click(); });
    assert.equal(await page.evaluate(() => window.raftsim.app.spacetimeOpen), false);
    await runTo(page, 3.5);
    assert.equal((await drawn(page)).now_us, 3_000_000, "a closed diagram is not drawn");
    await page.evaluate(() => { document.querySelector("#panel-spacetime > summary").click(); });
    assert.equal((await drawn(page)).now_us, 3_500_000, "reopened, it is drawn again");
    assertNoErrors(page);
    await page.close();
  }],

  ["reads at nine nodes, through a partition, on flaky links and in a narrow window", async ({ open, runTo, settle, browserName, assertNoErrors }) => {
    const wide = await open();
    await start(wide, settle, "calm-election", { nodes: 9 });
    await runTo(wide, 3);
    const nine = await drawn(wide);
    assert.ok(nine.arrows > 0 && !nine.crowded);
    await panelShot(wide, browserName, "#panel-spacetime", "45-nine-nodes");
    await panelShot(wide, browserName, "#panel-health", "45-health-nine-nodes");
    await start(wide, settle, "minority-partition");
    await runTo(wide, 2.2);
    const cut = await drawn(wide);
    const lost = (await arrows(wide, cut.start_us, cut.end_us)).filter((arrow) => arrow.fate === "lost_cut");
    assert.ok(lost.length > 0, "messages across the cut are lost, with a cross");
    await panelShot(wide, browserName, "#panel-spacetime", "46-partition");
    await runTo(wide, 5);
    await panelShot(wide, browserName, "#panel-health", "46-health-partition-healed");
    await start(wide, settle, "flaky-network");
    await runTo(wide, 2);
    await wide.evaluate(() => {
      window.raftsim.app.spacetime.show_window(1_900_000, 60_000);
    });
    const flaky = await drawn(wide);
    const fates = new Set((await arrows(wide, flaky.start_us, flaky.end_us)).map((arrow) => arrow.fate));
    assert.ok(fates.has("delivered") && fates.has("dropped"), `drops on flaky links: ${[...fates]}`);
    await panelShot(wide, browserName, "#panel-spacetime", "49-flaky-network");
    assertNoErrors(wide);
    await wide.close();

    const narrow = await open("?paused", { width: 600, height: 900 });
    await start(narrow, settle, "leader-crash", { nodes: 9 });
    await runTo(narrow, 2);
    const small = await drawn(narrow);
    assert.ok(small.arrows > 0);
    assert.ok(await narrow.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), "nothing wider than the window");
    await panelShot(narrow, browserName, "#panel-spacetime", "47-narrow");
    await panelShot(narrow, browserName, "#panel-health", "47-health-narrow");
    assertNoErrors(narrow);
    await narrow.close();
  }],
];

runCases("the space-time diagram and the health strip", CASES);
