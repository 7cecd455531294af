// Guided tours on the page, in Chromium and Firefox: the caption box follows the run through
// its pinned events, pauses where a caption asks, seeks with Previous and Next (and the keys),
// follows the scrubber back; a bug tour ends at its violation naming the check; tours have
// their group in the picker, survive a share link, a fork and a narrow window. Screenshots
// 60-69 under target/e2e/<browser>/.
import assert from "node:assert/strict";
import { join } from "node:path";
import { SHOTS, WAIT_MS, runCases } from "./cases.mjs";

/** Picks preset `name` in the menu and waits for its run. */
async function pick(page, name) {
  await page.select("#preset", name);
  await page.waitForFunction((wanted) => window.raftsim.app.lastRunView?.name === wanted && document.body.dataset.tour === wanted, { timeout: WAIT_MS }, name);
}

/** What the caption box shows now. */
async function box(page) {
  return page.evaluate(() => ({
    hidden: document.getElementById("tour").hidden,
    caption: Number(document.getElementById("tour").dataset.caption),
    title: document.getElementById("tour-title").textContent,
    count: document.getElementById("tour-count").textContent,
    text: document.getElementById("tour-text").textContent,
    waiting: !document.getElementById("tour-continue").hidden,
    note: document.getElementById("tour-note").hidden ? "" : document.getElementById("tour-note").textContent,
    events: window.raftsim.app.sim.events(),
    now_us: window.raftsim.app.sim.now_us(),
    playing: window.raftsim.app.playing,
  }));
}

/** Presses Continue and waits until the run stops again (at the next pausing caption). */
async function continueTour(page) {
  await page.evaluate(() => document.getElementById("tour-continue").click());
  await page.waitForFunction(() => !window.raftsim.app.playing && !document.getElementById("tour-continue").hidden, { timeout: WAIT_MS });
}

/** Starts recording every caption text the box shows, in order. */
async function recordCaptions(page) {
  await page.evaluate(() => {
    window.captionsSeen = [];
    const text = document.getElementById("tour-text");
    new MutationObserver(() => window.captionsSeen.push(text.textContent)).observe(text, { childList: true, characterData: true, subtree: true });
  });
}

const CASES = [
  ["a tour reaches its captions as the run passes them, pauses at each, and Previous and Next seek", async ({ open, shot, setSpeed, settle, assertNoErrors }) => {
    const page = await open();
    await pick(page, "tour-figure8");
    const tour = await page.evaluate(() => window.raftsim.tour());
    assert.equal(tour.total, 12);
    assert.equal(tour.captions.length, 12, "seed 1 reaches every caption");
    let now = await box(page);
    assert.equal(now.hidden, false);
    assert.match(now.title, /Guided tour: Figure 8/);
    assert.equal(now.caption, 1);
    assert.equal(now.text, tour.captions[0].text);
    assert.match(now.count, /^1 of 12 · event 0 at 0\.0000 s$/);
    await settle(page);
    await shot(page, "60-tour-intro");
    await setSpeed(page, "real time");
    await recordCaptions(page);
    // Play from the opening caption: the run stops at caption 2, and at every caption after
    // it: each is there to be read.
    for (const expected of [2, 3, 4, 5, 6, 7]) {
      await continueTour(page);
      now = await box(page);
      assert.equal(now.caption, expected);
      assert.equal(now.events, tour.captions[expected - 1].event, `the run stops exactly at caption ${expected}'s event`);
      assert.equal(now.now_us, tour.captions[expected - 1].time_us, "and its clock at that event's time");
      assert.equal(now.text, tour.captions[expected - 1].text);
      assert.equal(now.waiting, true, `caption ${expected} waits for Continue`);
    }
    const seen = await page.evaluate(() => window.captionsSeen);
    assert.deepEqual(seen.filter((text, position) => text !== seen[position - 1]), tour.captions.slice(1, 7).map((caption) => caption.text), "the box showed captions 2 to 7 in turn");
    assert.match(now.text, /Yet S1's commit index stays at 0/);
    await settle(page);
    await shot(page, "61-tour-paused-at-caption");
    // Previous seeks back to caption 6's event; Next forward to 7 and 8.
    await page.click("#tour-prev");
    now = await box(page);
    assert.deepEqual([now.caption, now.events, now.playing], [6, tour.captions[5].event, false]);
    assert.equal(now.text, tour.captions[5].text);
    await page.click("#tour-next");
    await page.click("#tour-next");
    now = await box(page);
    assert.deepEqual([now.caption, now.events], [8, tour.captions[7].event]);
    // The keys do the same: b back, f forward.
    await page.keyboard.press("b");
    assert.equal((await box(page)).caption, 7);
    await page.keyboard.press("f");
    await page.keyboard.press("f");
    now = await box(page);
    assert.deepEqual([now.caption, now.events], [9, tour.captions[8].event]);
    await settle(page);
    await shot(page, "62-tour-next");
    assertNoErrors(page);
    await page.close();
  }],

  ["the caption in force follows the scrubber back and forth", async ({ open, shot, settle, assertNoErrors }) => {
    const page = await open();
    await pick(page, "tour-figure8");
    const tour = await page.evaluate(() => window.raftsim.tour());
    const scrubTo = async (time_us) => {
      await page.evaluate((time) => {
        const scrubber = document.getElementById("scrubber");
        scrubber.value = String(Math.round((time / window.raftsim.app.lastRunView.run_us) * Number(scrubber.max)));
        scrubber.dispatchEvent(new Event("input"));
      }, time_us);
      await page.waitForFunction(() => window.raftsim.app.travelTo === null, { timeout: WAIT_MS });
      await settle(page);
    };
    // Forward past caption 10 (0.4270 s), then back before caption 3 (0.1200 s).
    await scrubTo(0.45e6);
    let now = await box(page);
    const inForce = (events) => tour.captions.filter((caption) => caption.event <= events).length;
    assert.equal(now.caption, inForce(now.events));
    assert.ok(now.caption >= 10, `caption ${now.caption} at event ${now.events}`);
    await scrubTo(0.06e6);
    now = await box(page);
    assert.equal(now.caption, 2, "seeking back shows the earlier caption");
    assert.equal(now.text, tour.captions[1].text);
    // The scrubber carries a tick at each caption.
    const ticks = await page.$$eval("#scrub-captions .scrub-caption", (elements) => elements.length);
    assert.equal(ticks, tour.total);
    await shot(page, "63-tour-scrubbed-back");
    assertNoErrors(page);
    await page.close();
  }],

  ["a bug tour pauses at every caption, so none flashes past", async ({ open, shot, setSpeed, settle, assertNoErrors }) => {
    const page = await open();
    await pick(page, "bug-figure8_commit");
    const tour = await page.evaluate(() => window.raftsim.tour());
    assert.equal(tour.captions.length, tour.total, "seed 1 reaches every caption");
    await setSpeed(page, "real time");
    await recordCaptions(page);
    for (let expected = 2; expected <= tour.total; expected += 1) {
      if (expected < tour.total) {
        await continueTour(page);
      } else {
        // The last caption is the violation, where the run ends: nothing to continue.
        await page.evaluate(() => document.getElementById("tour-continue").click());
        await page.waitForFunction(() => document.body.dataset.checks === "failed" && !window.raftsim.app.playing, { timeout: WAIT_MS });
        await settle(page);
      }
      const now = await box(page);
      assert.equal(now.caption, expected, `Continue stops at caption ${expected}, not past it`);
      assert.equal(now.events, tour.captions[expected - 1].event);
      assert.equal(now.text, tour.captions[expected - 1].text);
      if (expected < tour.total) assert.equal(now.waiting, true, `caption ${expected} waits for Continue`);
      if (expected === 2) {
        await settle(page);
        await shot(page, "69-bug-tour-paused");
      }
    }
    const seen = await page.evaluate(() => window.captionsSeen);
    assert.deepEqual(seen.filter((text, position) => text !== seen[position - 1]), tour.captions.slice(1).map((caption) => caption.text), "each caption showed once, in turn");
    assertNoErrors(page);
    await page.close();
  }],

  ["a bug tour ends at its violation, the caption naming the check that fired", async ({ open, shot, setSpeed, settle, assertNoErrors }) => {
    for (const [name, check] of [["bug-vote_before_durable", "VoteDurableInv"], ["bug-stale_vote_counted", "LeaderVotesInv"]]) {
      const page = await open();
      await pick(page, name);
      const tour = await page.evaluate(() => window.raftsim.tour());
      await setSpeed(page, "real time");
      await page.waitForFunction(() => {
        if (document.body.dataset.checks === "failed") return true;
        if (!window.raftsim.app.playing) document.getElementById("tour-continue").click();
        return false;
      }, { timeout: WAIT_MS, polling: 100 });
      await settle(page);
      const now = await box(page);
      assert.equal(now.caption, tour.total, `${name} ends at its last caption`);
      assert.ok(now.text.startsWith(`${check} fires`), now.text);
      const violation = await page.evaluate(() => window.raftsim.app.sim.violation());
      assert.equal(violation.invariant, check);
      assert.equal(violation.event, now.events);
      const failed = await page.$$eval(".check.failed", (rows) => rows.map((row) => row.dataset.check));
      assert.deepEqual(failed, [check]);
      assert.equal(now.waiting, false, "nothing to continue after the end");
      assert.match(tour.captions[0].text, /core\/src\/raft\/node\/\w+\.rs/, "the opening caption says where the bug lives");
      await shot(page, `64-bug-tour-${check}`);
      assertNoErrors(page);
      await page.close();
    }
  }],

  ["the picker groups the tours, and a tour's link opens with its captions", async ({ open, shot, settle, browser, browserName, assertNoErrors }) => {
    const page = await open();
    const groups = await page.$$eval("#preset optgroup", (elements) => elements.map((group) => ({ label: group.label, options: [...group.querySelectorAll("option")].map((option) => option.value) })));
    const tours = groups.find((group) => group.label === "Guided tours");
    assert.deepEqual(tours.options, ["tour-election", "tour-replication", "tour-partition", "tour-figure8"]);
    assert.ok(groups.find((group) => /Known bugs, guided/.test(group.label)).options.every((name) => name.startsWith("bug-")));
    await pick(page, "tour-election");
    const tour = await page.evaluate(() => window.raftsim.tour());
    for (let step = 0; step < 4; step += 1) await page.click("#tour-next");
    const here = await box(page);
    assert.equal(here.caption, 5);
    const link = await page.evaluate(() => window.raftsim.app.sim.share_link());
    const context = await browser.createBrowserContext();
    const fresh = await context.newPage();
    await fresh.setViewport({ width: 1400, height: 1000 });
    await fresh.goto(`${page.url().split("#")[0]}#${link}`);
    await fresh.waitForFunction(() => document.body.dataset.ready === "true" && document.body.dataset.opening === "done" && document.body.dataset.tour === "tour-election", { timeout: WAIT_MS });
    await fresh.evaluate(() => window.raftsim.panelsRefreshed());
    const opened = await box(fresh);
    assert.deepEqual([opened.caption, opened.events, opened.text], [5, here.events, tour.captions[4].text], "the link opens at the same caption");
    assert.equal(await fresh.$eval("#preset", (select) => select.value), "tour-election");
    await fresh.screenshot({ path: join(SHOTS, browserName, "65-tour-link.png") });
    await context.close();
    await settle(page);
    await shot(page, "65-tour-election-leader");
    assertNoErrors(page);
    await page.close();
  }],

  ["a new tour stops at its opening caption; in a narrow window the box sits between the ring and the transport", async ({ open, shot, settle, assertNoErrors }) => {
    const page = await open("", { width: 600, height: 1000 });
    await pick(page, "tour-partition");
    await page.waitForFunction(() => !window.raftsim.app.playing && !document.getElementById("tour-continue").hidden, { timeout: WAIT_MS });
    const now = await box(page);
    assert.deepEqual([now.caption, now.events, now.playing], [1, 0, false], "the page's autoplay stops at the introduction");
    const boxes = await page.evaluate(() => Object.fromEntries(["ring", "tour", "scrubber"].map((id) => {
      const rect = document.getElementById(id).getBoundingClientRect();
      return [id, { top: rect.top, bottom: rect.bottom, left: rect.left, right: rect.right }];
    })));
    assert.ok(boxes.ring.bottom <= boxes.tour.top, "the caption box hides no node: it is below the ring");
    assert.ok(boxes.tour.bottom <= boxes.scrubber.top, "and above the transport");
    assert.ok(boxes.tour.right <= 600, "it fits the window");
    await continueTour(page);
    await settle(page);
    await shot(page, "66-tour-narrow");
    assertNoErrors(page);
    await page.close();
  }],

  ["acting in a tour pins its captions again to the forked run", async ({ open, shot, settle, clickNode, clickMenuButton, assertNoErrors }) => {
    const page = await open();
    await pick(page, "tour-election");
    for (const node of [2, 3, 4, 5]) {
      await clickNode(page, node);
      await clickMenuButton(page, "Crash");
    }
    await page.waitForFunction(() => window.raftsim.tour().captions.length < window.raftsim.tour().total, { timeout: WAIT_MS });
    const now = await box(page);
    assert.match(now.note, /This run reaches \d+ of the tour's 13 captions/);
    assert.equal(now.caption, 1);
    await settle(page);
    await shot(page, "67-tour-forked");
    assertNoErrors(page);
    await page.close();
  }],

  ["the help lists the tour keys", async ({ open, shot, assertNoErrors }) => {
    const page = await open();
    await page.keyboard.press("?");
    const rows = await page.$$eval("#shortcuts tr", (elements) => elements.map((row) => row.textContent));
    assert.ok(rows.some((row) => /f or PageDown.*guided tour: next caption/.test(row)), rows.join("\n"));
    assert.ok(rows.some((row) => /b or PageUp.*guided tour: previous caption/.test(row)));
    await shot(page, "68-help-tour-keys");
    assertNoErrors(page);
    await page.close();
  }],
];

runCases("guided tours", CASES);
