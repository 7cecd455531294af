// The run panel's coverage line, in Chromium and Firefox: how many abstract states
// (signatures) the run on screen reached, growing as the run advances and following the run
// back when it travels; a tooltip says what a signature is; a hunt's link (a scenario
// with forks) opens, plays and reaches the events and signatures `raftsim sweep --coverage`
// reports of it (the debug build, RAFTSIM_CLI). Screenshots 93-94 under target/e2e/<browser>/.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, link, runCases } from "./cases.mjs";
import { scratchDirectory } from "./harness.mjs";

/** What `raftsim sweep --coverage` reports of `scenario` run natively to its end, alone. */
function nativeCoverage(scenario) {
  const directory = scratchDirectory("raftsim-coverage-");
  const [file, json] = [join(directory, "scenario.json"), join(directory, "sweep.json")];
  writeFileSync(file, JSON.stringify(scenario));
  cli(["sweep", "--file", file, "--seeds", `${scenario.seed}..${scenario.seed}`, "--coverage", "--quiet", "--json", json]);
  const report = JSON.parse(readFileSync(json, "utf8"));
  return { events: report.events, signatures: report.coverage.signatures };
}

/** The line as shown, and the engine's count beside it. */
async function coverage(page) {
  return page.evaluate(() => ({
    text: document.getElementById("run-coverage").textContent,
    title: document.getElementById("run-coverage").title,
    count: window.raftsim.app.sim.coverage_count(),
  }));
}

/** The number the line starts with. */
function shownCount(text) {
  const match = /^(\d+) abstract states? reached/.exec(text);
  assert.ok(match, `the line counts abstract states: ${text}`);
  return Number(match[1]);
}

const CASES = [
  ["the coverage line grows as the run advances and follows it back", async ({ open, shot, state, runTo, settle, clickNode, clickMenuButton, assertNoErrors }) => {
    const page = await open();
    await settle(page);
    let now = await coverage(page);
    assert.equal(now.text, "1 abstract state reached", "at boot the run holds one state");
    assert.match(now.title, /signature sums up the whole cluster/, "the tooltip says what a signature is");
    assert.match(await page.$eval("#run-seed", (element) => element.textContent), /^\d+$/, "a run without forks shows its seed alone");
    await runTo(page, 2);
    const atTwo = shownCount((await coverage(page)).text);
    await runTo(page, 3);
    now = await coverage(page);
    const early = shownCount(now.text);
    assert.equal(early, now.count, "the line shows the engine's count");
    assert.ok(early > 1, `the run reached several states by 3 s: ${now.text}`);
    assert.match(now.text, /; the latest new one at event [\d,]+$/);
    await shot(page, "93-coverage-line");
    // The calm default run settles into states it has seen; crashing the leader leads it to new
    // ones (a node down, an election without it).
    const { leader } = await state(page);
    assert.ok(leader > 0, "a leader by 3 s");
    await clickNode(page, leader);
    await clickMenuButton(page, "Crash");
    await runTo(page, 6);
    now = await coverage(page);
    const later = shownCount(now.text);
    assert.ok(later > early, `more states by 6 s after a crash (${later}) than by 3 s (${early})`);
    await shot(page, "93-coverage-line-after-crash");
    await runTo(page, 2);
    now = await coverage(page);
    assert.equal(shownCount(now.text), atTwo, "travelling back shows what the run had reached then");
    assert.ok(atTwo <= early);
    assertNoErrors(page);
    await page.close();
  }],

  ["the coverage line follows the run while it plays", async ({ open, setSpeed, settle, assertNoErrors }) => {
    const page = await open();
    await setSpeed(page, "real time");
    await page.click("#play");
    await page.waitForFunction(() => window.raftsim.app.sim.coverage_count() > 3, { timeout: 60_000 });
    // Still playing: the line has followed within a frame or two, without any seek.
    await page.waitForFunction(() => {
      const match = /^(\d+) abstract/.exec(document.getElementById("run-coverage").textContent);
      return match && Number(match[1]) > 3;
    }, { timeout: 10_000 });
    await page.click("#play");
    await settle(page);
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    const now = await coverage(page);
    assert.equal(shownCount(now.text), now.count, "after a pause the line shows the engine's count");
    assertNoErrors(page);
    await page.close();
  }],

  ["a hunt's link, forks included, opens, plays past its fork and reaches what the command line reaches", async ({ open, shot, runTo, settle, assertNoErrors }) => {
    const scenario = { name: "swarm", seed: 4, forks: [{ at_event: 40, seed: 77 }] };
    const forked = nativeCoverage(scenario);
    const unforked = nativeCoverage({ ...scenario, forks: [] });
    assert.notDeepEqual(forked, unforked, "the fork changes the run natively");
    const page = await open(`?paused#${link({ scenario, actions: [], stop_at_event: 120 })}`);
    const events = await page.evaluate(() => window.raftsim.app.sim.events());
    assert.equal(events, 120, "the link's moment is reached");
    await settle(page);
    const seed = await page.$eval("#run-seed", (element) => ({ text: element.textContent, title: element.title }));
    assert.equal(seed.text, "4, re-seeded with 77 after event 40", "the run panel says where the fork left the seed's course");
    assert.match(seed.title, /seed alone does not replay it/);
    await runTo(page, 2);
    const early = shownCount((await coverage(page)).text);
    assert.ok(early > 1, `several states by 2 s: ${early}`);
    await shot(page, "94-coverage-forked-link");
    // The rest of the run: the page's run is the command line's, fork included, event for event
    // and signature for signature.
    await runTo(page, 1e6);
    await settle(page);
    const end = await page.evaluate(() => ({ finished: window.raftsim.app.sim.finished(), events: window.raftsim.app.sim.events() }));
    assert.ok(end.finished, "the run ended");
    const now = await coverage(page);
    assert.deepEqual({ events: end.events, signatures: shownCount(now.text) }, forked, "what raftsim sweep --coverage reports of the forked scenario");
    assert.ok(forked.signatures > early);
    assertNoErrors(page);
    await page.close();
  }],
];

runCases("coverage line", CASES);
