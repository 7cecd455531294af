//! A run a person drives: the world, the timeline of their actions, and checkpoints for
//! time travel. Stepping back replays from the nearest checkpoint, so the past is recomputed,
//! never stored event by event. Acting in the past forks the timeline: the future it replaces
//! is dropped. Checkpoints are thinned as a run grows (at most `CHECKPOINTS_MAX`, evenly
//! spread), so a step back on a run of millions of events replays a bounded stretch, and the
//! session keeps the explored frontier (the furthest event and time reached) for the scrubber.

use crate::scenario::share::{encode, validate, ShareError};
use crate::scenario::{Action, RunSpec, UserAction};

use super::record::Record;
use super::watch::Watch;
use crate::sim::World;

/// How many checkpoints a session keeps; when full, every other one goes and the spacing
/// doubles, so their number stays bounded however long the run: every event stays reachable,
/// and a jump replays at most a 48th of the run. A checkpoint shares the past with the world
/// (`SharedVec`), yet what it holds of its own grows with the run (about 1.5 MB at 20M events
/// at 9 nodes and 64 clients: queue, chunk lists, tails), so their number is most of a long
/// run's memory: 128 of them made 140 of the 231 MB of a session at 8M events (issue #27).
const CHECKPOINTS_MAX: usize = 48;
/// A backward seek keeps one more checkpoint this many events before where it lands, so that
/// stepping back again and again replays at most this many events, not a spacing each time.
const NEARBY_GAP: u64 = 1_024;
/// Events between checkpoints at first.
const SPACING_INITIAL: u64 = 1_024;

/// A driven run.
pub struct Session {
    spec: RunSpec,
    world: World,
    /// Snapshots in event order; the first is the start of the run.
    checkpoints: Vec<World>,
    /// A snapshot a little before where the last backward seek landed (see [`NEARBY_GAP`]).
    nearby: Option<World>,
    spacing: u64,
    /// Every user action of the timeline, applied or still ahead, in order.
    timeline: Vec<UserAction>,
    /// Lines the world's feed keeps (`explore::feed`; 0: no feed).
    feed_capacity: usize,
    /// The furthest this timeline has been run: (events, simulated time). Stepping back keeps
    /// it; acting forks the timeline and moves it to the present.
    frontier: (u64, u64),
    /// The record of the explored run, for a session that keeps one ([`Session::with_record`]):
    /// outside the checkpoints, fed once per event number, truncated at a fork.
    record: Option<Record>,
}

impl Session {
    /// Starts the run `spec` describes, keeping the last `feed_capacity` events in words (the
    /// feed; 0: none, and the world is not watched at all).
    pub fn new(spec: RunSpec, feed_capacity: usize) -> Result<Session, ShareError> {
        Session::open(spec, feed_capacity, false)
    }

    /// As [`Session::new`], also keeping a [`Record`] of the run as it is explored (what the
    /// page's space-time diagram and health plots draw).
    pub fn with_record(spec: RunSpec, feed_capacity: usize) -> Result<Session, ShareError> {
        Session::open(spec, feed_capacity, true)
    }

    fn open(spec: RunSpec, feed_capacity: usize, recorded: bool) -> Result<Session, ShareError> {
        validate(&spec)?;
        let mut world = World::new(spec.scenario.clone()).map_err(|error| ShareError(error.to_string()))?;
        world.keep_feed(feed_capacity);
        let mut record = recorded.then(|| Record::new(&world));
        world.set_recording(recorded);
        // The page shows the signatures the run reached (`coverage.rs`); like the record, it
        // changes nothing the world does.
        world.set_coverage(recorded);
        world.set_pending_actions(spec.actions.clone());
        if let Some(record) = &mut record {
            record.absorb(&mut world);
            record.close_through(world.events());
        }
        let timeline = spec.actions.clone();
        Ok(Session {
            checkpoints: vec![world.clone()],
            nearby: None,
            world,
            spec,
            spacing: SPACING_INITIAL,
            timeline,
            feed_capacity,
            frontier: (0, 0),
            record,
        })
    }

    /// The record of the run as explored, if this session keeps one.
    pub fn record(&self) -> Option<&Record> {
        self.record.as_ref()
    }

    /// The scenario as it was given (under swarm testing the world runs what the seed drew
    /// from it; a share link keeps it as given).
    pub fn scenario_given(&self) -> &crate::scenario::Scenario {
        &self.spec.scenario
    }

    /// The world as it is now.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// Processes one event; `false` once the run has finished.
    pub fn step(&mut self) -> bool {
        let recording = self.before_step();
        let ran = self.world.step();
        if recording {
            self.after_step();
        }
        if ran && self.world.events() % self.spacing == 0 {
            self.checkpoint();
        }
        self.extend_frontier();
        ran
    }

    /// Records the next event only if the record does not hold it yet, and takes the samples
    /// due before it; returns whether it records it.
    fn before_step(&mut self) -> bool {
        let Some(record) = &mut self.record else { return false };
        let fresh = record.accepts(self.world.events() + 1);
        self.world.set_recording(fresh);
        let running = self.world.phase() != crate::sim::Phase::Finished;
        if let Some(next_us) = self.world.next_event_time_us().filter(|_| fresh && running) {
            record.sample_before(next_us, &self.world);
        }
        fresh
    }

    /// Takes what the event just recorded did into the record.
    fn after_step(&mut self) {
        let record = self.record.as_mut().expect("a session that records has a record");
        record.absorb(&mut self.world);
        record.close_through(self.world.events());
    }

    fn extend_frontier(&mut self) {
        let here = (self.world.events(), self.world.now_us());
        self.frontier = (self.frontier.0.max(here.0), self.frontier.1.max(here.1));
    }

    /// The furthest this timeline has been run: events processed and simulated time.
    pub fn frontier(&self) -> (u64, u64) {
        self.frontier
    }

    /// Runs the events due by `time_us`, at most `events_max` of them, and moves the clock to
    /// `time_us` once none is left before it. Returns how many ran. The page calls this once a
    /// frame, so no frame waits on more than `events_max` events however far `time_us` is.
    pub fn advance(&mut self, time_us: u64, events_max: u64) -> u64 {
        let mut ran = 0;
        while ran < events_max {
            let due = self.world.next_event_time_us().is_some_and(|next| next <= time_us);
            if !due || !self.step() {
                break;
            }
            ran += 1;
        }
        let all_due_ran = self.world.next_event_time_us().is_none_or(|next| next > time_us);
        if all_due_ran {
            self.world.run_until(time_us);
            self.extend_frontier();
        }
        ran
    }

    /// Processes up to `count` events; returns how many ran.
    pub fn run_events(&mut self, count: u64) -> u64 {
        let mut ran = 0;
        while ran < count && self.step() {
            ran += 1;
        }
        ran
    }

    /// Runs every event up to simulated time `time_us`, and moves the clock there.
    pub fn run_until(&mut self, time_us: u64) {
        while self.world.next_event_time_us().is_some_and(|next| next <= time_us) && self.step() {}
        self.world.run_until(time_us);
        self.extend_frontier();
    }

    /// Applies a user action now. Any future the timeline held past this point is dropped,
    /// from the record too.
    pub fn act(&mut self, action: Action) -> UserAction {
        let now = self.world.events();
        self.frontier = (now, self.world.now_us());
        self.checkpoints.retain(|checkpoint| checkpoint.events() <= now);
        self.nearby = self.nearby.take().filter(|nearby| nearby.events() <= now);
        self.world.set_pending_actions(Vec::new());
        if let Some(record) = &mut self.record {
            record.truncate(&self.world);
            self.world.set_recording(true);
        }
        let user_action = self.world.act_now(action);
        if let Some(record) = &mut self.record {
            record.absorb(&mut self.world);
            record.close_through(now);
        }
        self.timeline = self.world.actions_applied().to_vec();
        user_action
    }

    /// Goes to the state right after event `event` (or the end, if the run stops earlier),
    /// replaying from the nearest checkpoint at or before it.
    pub fn seek(&mut self, event: u64) {
        let ahead = self.latest(|checkpoint| checkpoint.events() <= event);
        let from_ahead = ahead.is_some_and(|checkpoint| checkpoint.events() > self.world.events());
        if event < self.world.events() || from_ahead {
            self.restore(|checkpoint| checkpoint.events() <= event);
            let before = event.saturating_sub(NEARBY_GAP);
            if before > self.world.events() + NEARBY_GAP {
                self.world.keep_feed(0);
                self.run_events(before - self.world.events());
                self.world.keep_feed(self.feed_capacity);
                self.nearby = Some(self.world.clone());
            }
        }
        // Only the last events are kept in words: replay the rest without writing them.
        let missing = event - self.world.events();
        let unrecorded = missing.saturating_sub(self.feed_capacity as u64);
        if unrecorded > 0 {
            self.world.keep_feed(0);
            self.run_events(unrecorded);
            self.world.keep_feed(self.feed_capacity);
        }
        self.run_events(missing - unrecorded);
    }

    /// Goes to simulated time `time_us`: the state after every event due by then (or the end,
    /// if the run stops earlier), replaying from the nearest checkpoint when it is in the past.
    pub fn seek_time(&mut self, time_us: u64) {
        let ahead = self.latest(|checkpoint| checkpoint.now_us() <= time_us);
        let from_ahead = ahead.is_some_and(|checkpoint| checkpoint.events() > self.world.events());
        if time_us < self.world.now_us() || from_ahead {
            self.restore(|checkpoint| checkpoint.now_us() <= time_us);
        }
        self.run_until(time_us);
    }

    /// Replaces the world with the latest checkpoint that `fits`, with the timeline's actions
    /// still ahead of it pending. The first checkpoint, the start, fits every seek.
    fn restore(&mut self, fits: impl Fn(&World) -> bool) {
        let checkpoint = self.latest(fits);
        let mut restored = checkpoint.expect("the first checkpoint is the start").clone();
        restored.keep_feed(self.feed_capacity);
        // The record holds what the replay redoes: nothing is reported until new events.
        restored.set_recording(false);
        let applied = restored.actions_applied().len();
        assert!(applied <= self.timeline.len(), "a checkpoint is on the timeline");
        restored.set_pending_actions(self.timeline[applied..].to_vec());
        self.world = restored;
    }

    /// The latest snapshot (a checkpoint, or the one near the last backward seek) that `fits`.
    fn latest(&self, fits: impl Fn(&World) -> bool) -> Option<&World> {
        let checkpoint = self.checkpoints.iter().rev().find(|checkpoint| fits(checkpoint));
        let nearby = self.nearby.as_ref().filter(|nearby| fits(nearby));
        match (checkpoint, nearby) {
            (Some(checkpoint), Some(nearby)) if nearby.events() > checkpoint.events() => Some(nearby),
            (checkpoint, nearby) => checkpoint.or(nearby),
        }
    }

    /// Goes back one event; `false` at the start.
    pub fn step_back(&mut self) -> bool {
        let events = self.world.events();
        if events == 0 {
            return false;
        }
        self.seek(events - 1);
        true
    }

    fn checkpoint(&mut self) {
        // A replay in the past passes the checkpoints it was made from: only new ground gets
        // one, so they stay in event order.
        if self.checkpoints.last().is_some_and(|last| last.events() >= self.world.events()) {
            return;
        }
        if self.checkpoints.len() == CHECKPOINTS_MAX {
            self.spacing *= 2;
            let spacing = self.spacing;
            let mut position = 0;
            self.checkpoints.retain(|checkpoint| {
                position += 1;
                position == 1 || checkpoint.events() % spacing == 0
            });
        }
        self.world.share_chunks();
        self.checkpoints.push(self.world.clone());
    }

    /// The run as it stands: scenario, every action of the timeline, and the current event.
    pub fn spec(&self) -> RunSpec {
        RunSpec {
            scenario: self.spec.scenario.clone(),
            actions: self.timeline.clone(),
            stop_at_event: Some(self.world.events()),
            stop_at_us: Some(self.world.now_us()),
        }
    }

    /// Opens the moment a link holds: the event it stopped at, then its clock, which the page
    /// may have moved past that event (no event is due in between, so none runs).
    pub fn seek_link(&mut self, stop_at_event: u64, stop_at_us: Option<u64>) {
        self.seek(stop_at_event);
        self.set_clock_shown(stop_at_us);
    }

    /// Runs at most `events_max` events toward event `event` (words written only for the last
    /// events the feed keeps); `true` once there or once the run has ended. A page reaches a
    /// link's moment this way, a frame at a time, so no link can freeze it.
    pub fn approach(&mut self, event: u64, events_max: u64) -> bool {
        let now = self.world.events();
        if now >= event {
            return true;
        }
        let missing = event - now;
        let recorded_from = event.saturating_sub(self.feed_capacity as u64);
        let batch = missing.min(events_max);
        let quiet = if now < recorded_from { batch.min(recorded_from - now) } else { 0 };
        if quiet > 0 {
            self.world.keep_feed(0);
            let ran = self.run_events(quiet);
            self.world.keep_feed(self.feed_capacity);
            if ran < quiet {
                return true;
            }
        }
        let ran = self.run_events(batch - quiet);
        ran < batch - quiet || self.world.events() >= event
    }

    /// Moves the clock to `time_us`, a link's moment after its last event, if no event is due
    /// before it.
    pub fn set_clock_shown(&mut self, time_us: Option<u64>) {
        let Some(time_us) = time_us else { return };
        let next_due_us = self.world.next_event_time_us();
        if time_us > self.world.now_us() && next_due_us.is_none_or(|next| next > time_us) {
            self.world.run_until(time_us);
        }
    }

    /// The share link of the run as it stands.
    pub fn share_link(&self) -> String {
        encode(&self.spec())
    }

    /// Checkpoints held now.
    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{preset, Scenario};

    fn spec(seed: u64) -> RunSpec {
        RunSpec {
            scenario: Scenario { seed, ..preset("calm-election").unwrap() },
            actions: vec![],
            stop_at_event: None,
            stop_at_us: None,
        }
    }

    #[test]
    fn stepping_back_and_forward_again_gives_the_same_world() {
        let mut session = Session::new(spec(3), 0).unwrap();
        session.run_events(5_000);
        let hash_at_5000 = session.world().trace_hash();
        session.run_events(10);
        session.step_back();
        assert_eq!(session.world().events(), 5_009);
        session.seek(5_000);
        assert_eq!(session.world().trace_hash(), hash_at_5000);
        session.run_events(1_000);
        let mut straight = Session::new(spec(3), 0).unwrap();
        straight.run_events(6_000);
        assert_eq!(session.world().trace_hash(), straight.world().trace_hash());
    }

    #[test]
    fn a_user_action_replays_at_the_same_point_from_the_link() {
        let mut session = Session::new(spec(5), 0).unwrap();
        session.run_events(3_000);
        session.run_until(session.world().now_us() + 777);
        session.act(Action::Crash { node: 2 });
        session.run_events(4_000);
        session.run_until(session.world().now_us() + 300);
        let link = session.share_link();
        let decoded = crate::scenario::share::decode(&link).unwrap();
        let mut replay = Session::new(decoded.spec.clone(), 0).unwrap();
        replay.seek_link(decoded.spec.stop_at_event.unwrap(), decoded.spec.stop_at_us);
        assert_eq!(replay.world().trace_hash(), session.world().trace_hash());
        assert_eq!(replay.world().now_us(), session.world().now_us(), "the link keeps the clock shown");
        assert_eq!(replay.world().events(), session.world().events());
        assert!(replay.world().servers()[1].node.is_none() || replay.world().actions_applied().len() == 1);
    }

    #[test]
    fn acting_in_the_past_forks_the_timeline() {
        let mut session = Session::new(spec(6), 0).unwrap();
        session.run_events(2_000);
        session.act(Action::Crash { node: 1 });
        session.run_events(2_000);
        session.seek(1_000);
        session.act(Action::Crash { node: 3 });
        assert_eq!(session.spec().actions.len(), 1, "the later crash of node 1 belongs to a dropped future");
        assert_eq!(session.spec().actions[0].action, Action::Crash { node: 3 });
    }

    #[test]
    fn approaching_a_link_in_slices_gives_the_same_world_as_seeking() {
        let mut sliced = Session::new(spec(12), 40).unwrap();
        while !sliced.approach(6_543, 500) {}
        let mut straight = Session::new(spec(12), 40).unwrap();
        straight.seek(6_543);
        assert_eq!(sliced.world().events(), 6_543);
        assert_eq!(sliced.world().trace_hash(), straight.world().trace_hash());
        let shown = |session: &Session| -> Vec<String> {
            session.world().feed_since(0).into_iter().map(|record| record.text).collect()
        };
        assert_eq!(shown(&sliced), shown(&straight), "the feed holds the same last lines");
        let mut short = Session::new(spec(12), 40).unwrap();
        assert!(short.approach(u64::MAX, u64::MAX), "a run that ends first is reached at its end");
        assert_eq!(short.world().phase(), crate::sim::Phase::Finished);
    }

    #[test]
    fn seeking_by_time_lands_after_the_events_due_by_then() {
        let mut session = Session::new(spec(8), 0).unwrap();
        session.run_events(3_000);
        let (events_far, time_far_us) = (session.world().events(), session.world().now_us());
        session.seek_time(time_far_us / 2);
        assert_eq!(session.world().now_us(), time_far_us / 2);
        assert!(session.world().events() < events_far);
        assert_eq!(session.frontier(), (events_far, time_far_us), "going back keeps the frontier");
        let mut straight = Session::new(spec(8), 0).unwrap();
        straight.run_until(time_far_us / 2);
        assert_eq!(session.world().events(), straight.world().events());
        assert_eq!(session.world().trace_hash(), straight.world().trace_hash());
    }

    #[test]
    fn advance_never_runs_more_than_its_budget() {
        let mut session = Session::new(spec(9), 0).unwrap();
        let ran = session.advance(2_000_000, 100);
        assert_eq!(ran, 100);
        assert!(session.world().now_us() < 2_000_000, "the clock waits for the events left");
        while session.advance(2_000_000, 100) == 100 {}
        assert_eq!(session.world().now_us(), 2_000_000);
        let mut straight = Session::new(spec(9), 0).unwrap();
        straight.run_until(2_000_000);
        assert_eq!(session.world().trace_hash(), straight.world().trace_hash());
    }

    #[test]
    fn seeking_forward_within_the_explored_run_gives_the_same_world() {
        let mut session = Session::new(spec(11), 50).unwrap();
        session.run_events(9_000);
        let shown = |session: &Session| -> Vec<(u64, String)> {
            session.world().feed_since(0).into_iter().map(|record| (record.number, record.text)).collect()
        };
        let (hash_far, feed_far) = (session.world().trace_hash(), shown(&session));
        session.seek(100);
        session.seek(9_000);
        assert_eq!(session.world().trace_hash(), hash_far);
        assert_eq!(shown(&session), feed_far, "the feed holds the same last lines");
        assert_eq!(feed_far.len(), 50);
        let time_far_us = session.world().now_us();
        session.seek_time(1);
        session.seek_time(time_far_us);
        assert_eq!(session.world().events(), 9_000);
    }

    #[test]
    fn acting_moves_the_frontier_to_the_present() {
        let mut session = Session::new(spec(10), 0).unwrap();
        session.run_events(2_000);
        session.seek(500);
        assert_eq!(session.frontier().0, 2_000);
        session.act(Action::Crash { node: 2 });
        assert_eq!(session.frontier().0, 500);
    }

    #[test]
    fn checkpoints_share_the_logs_past_and_change_nothing() {
        let mut nine = spec(4);
        nine.scenario.nodes = 9;
        nine.scenario.workload.clients = 16;
        let mut session = Session::new(nine.clone(), 0).unwrap();
        session.run_events(60_000);
        let mut bare = World::new(nine.scenario).unwrap();
        while bare.events() < 60_000 && bare.step() {}
        assert_eq!(session.world().trace_hash(), bare.trace_hash(), "sharing memory changes no event");
        let logs: Vec<&crate::shared_vec::SharedVec<crate::raft::Entry>> = session
            .world()
            .servers()
            .iter()
            .filter_map(|server| server.node.as_ref())
            .map(|node| node.log().entries())
            .collect();
        assert!(logs[0].len() > 4 * crate::shared_vec::CHUNK, "the run is long enough to fill chunks");
        assert!(
            logs.iter().all(|log| log.shares_chunk_with(logs[0], 0)),
            "the nodes hold one copy of their common past"
        );
        let apart: Vec<_> =
            bare.servers().iter().filter_map(|server| server.node.as_ref()).map(|node| node.log().entries()).collect();
        assert!(!apart[1].shares_chunk_with(apart[0], 0), "without a session each node keeps its own copy");
    }

    #[test]
    fn stepping_back_again_and_again_replays_from_near_by() {
        let mut long = spec(13);
        long.scenario.phases.safety_us = 60_000_000;
        let mut session = Session::new(long.clone(), 0).unwrap();
        session.run_events(150_000);
        let (frontier, checkpoints) = (session.world().events(), session.checkpoint_count());
        session.step_back();
        let nearby = session.nearby.as_ref().map(World::events);
        assert_eq!(nearby, Some(frontier - 1 - NEARBY_GAP), "a step back keeps a snapshot just behind it");
        for _ in 0..10 {
            session.step_back();
        }
        let mut straight = Session::new(long, 0).unwrap();
        straight.run_events(frontier - 11);
        assert_eq!(session.world().trace_hash(), straight.world().trace_hash());
        assert_eq!(session.checkpoint_count(), checkpoints, "replays in the past add no checkpoint");
        let events: Vec<u64> = session.checkpoints.iter().map(World::events).collect();
        assert!(events.windows(2).all(|pair| pair[0] < pair[1]), "checkpoints stay in event order: {events:?}");
    }

    #[test]
    fn checkpoints_stay_bounded_on_long_runs() {
        let mut long = spec(7);
        long.scenario.phases.safety_us = 60_000_000;
        long.scenario.phases.liveness_us = 60_000_000;
        let mut session = Session::new(long, 0).unwrap();
        session.run_events(200_000);
        assert!(session.checkpoint_count() <= CHECKPOINTS_MAX);
        session.seek(150_000);
        assert_eq!(session.world().events(), 150_000);
    }
}
