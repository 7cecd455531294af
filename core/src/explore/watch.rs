//! What the tools watch on a world, through its one observer hook (`sim::observe`):
//! [`Watchers`] holds the page's feed, a session's observation buffer and coverage, each off
//! until asked for, and [`Watch`] reaches them on a [`World`] by name (`world.coverage()`,
//! `world.feed_since(cursor)`), installing them the first time one is turned on. A world no
//! tool watches has no observer at all, and each report point costs it one test.

use crate::sim::observe::{Observer, Report};
use crate::sim::World;

use super::coverage::Coverage;
use super::feed::{Feed, FeedLine, Loss};
use super::record::Observations;

/// Every watcher a tool may put on a world, in one observer: each sees every report, in this
/// order, and does nothing while off.
#[derive(Clone, Debug, Default)]
pub struct Watchers {
    feed: Feed,
    observations: Observations,
    /// Boxed: a plain run never holds one, and a world moves often.
    coverage: Option<Box<Coverage>>,
    /// Unit tests' way to make a run panic when it reaches this event (as an engine bug
    /// would): how a panicking run is judged and reported is tested with it. Never built
    /// outside `cargo test` of this crate.
    #[cfg(test)]
    pub(crate) panic_at_event: Option<u64>,
}

impl Watchers {
    /// The event feed (capacity 0 while off).
    pub fn feed(&self) -> &Feed {
        &self.feed
    }

    /// The event feed, to set its capacity.
    pub fn feed_mut(&mut self) -> &mut Feed {
        &mut self.feed
    }

    /// What a session's record has not taken in yet.
    pub fn observations(&self) -> &Observations {
        &self.observations
    }

    /// What a session's record has not taken in yet, to turn recording on or off, or take it.
    pub fn observations_mut(&mut self) -> &mut Observations {
        &mut self.observations
    }

    /// The signatures reached, while coverage is on.
    pub fn coverage(&self) -> Option<&Coverage> {
        self.coverage.as_deref()
    }
}

impl Observer for Watchers {
    fn observe(&mut self, world: &World, report: &Report<'_>) {
        #[cfg(test)]
        if matches!(report, Report::Event { .. }) && self.panic_at_event == Some(world.events()) {
            panic!("a test's panic at event {}", world.events());
        }
        if self.feed.capacity() > 0 {
            self.feed.observe(world, report);
        }
        if self.observations.recording() {
            self.observations.observe(world, report);
        }
        if let Some(coverage) = &mut self.coverage {
            coverage.observe(world, report);
        }
    }

    fn wants_details(&self) -> bool {
        self.feed.capacity() > 0 || self.observations.recording()
    }
}

/// The tools' watchers on a world, by name. None of them changes what the world does.
pub trait Watch {
    /// The watchers, if a tool put them on this world.
    fn watchers(&self) -> Option<&Watchers>;

    /// The watchers, put on (all off) if none were; panics if another observer watches.
    fn watchers_mut(&mut self) -> &mut Watchers;

    /// Keeps the last `capacity` events in words for [`Watch::feed_since`], and the last lost
    /// messages (0: none, the default; a world without watchers stays without).
    fn keep_feed(&mut self, capacity: usize);

    /// The feed's lines after line `cursor` (a `seq`), oldest first.
    fn feed_since(&self, cursor: u64) -> Vec<FeedLine>;

    /// The most recent lost messages, oldest first (kept while the feed is on).
    fn recent_losses(&self) -> impl Iterator<Item = &Loss>;

    /// Starts (or stops) recording which signatures the run reaches. Starting takes the
    /// signature of the state now; coverage already recorded is kept when it is started again.
    fn set_coverage(&mut self, on: bool);

    /// The signatures reached so far, while coverage is on.
    fn coverage(&self) -> Option<&Coverage>;

    /// Gathers what the world does for a session's record ([`Observations`]), or stops.
    fn set_recording(&mut self, on: bool);

    /// Whether what the world does is gathered for a record.
    fn recording(&self) -> bool;
}

impl Watch for World {
    fn watchers(&self) -> Option<&Watchers> {
        self.observer::<Watchers>()
    }

    fn watchers_mut(&mut self) -> &mut Watchers {
        if !self.is_observed() {
            self.set_observer(Some(Box::<Watchers>::default()));
        }
        self.observer_mut::<Watchers>().expect("the tools' watchers are the world's observer")
    }

    fn keep_feed(&mut self, capacity: usize) {
        match self.observer_mut::<Watchers>() {
            Some(watchers) => watchers.feed.set_capacity(capacity),
            None if capacity > 0 => self.watchers_mut().feed.set_capacity(capacity),
            None => {}
        }
    }

    fn feed_since(&self, cursor: u64) -> Vec<FeedLine> {
        self.watchers().map_or_else(Vec::new, |watchers| watchers.feed.since(cursor))
    }

    fn recent_losses(&self) -> impl Iterator<Item = &Loss> {
        self.watchers().into_iter().flat_map(|watchers| watchers.feed.losses())
    }

    fn set_coverage(&mut self, on: bool) {
        if !on {
            if let Some(watchers) = self.observer_mut::<Watchers>() {
                watchers.coverage = None;
            }
            return;
        }
        if self.coverage().is_none() {
            let coverage = Box::new(Coverage::of(self));
            self.watchers_mut().coverage = Some(coverage);
        }
    }

    fn coverage(&self) -> Option<&Coverage> {
        self.watchers()?.coverage()
    }

    fn set_recording(&mut self, on: bool) {
        match self.observer_mut::<Watchers>() {
            Some(watchers) => watchers.observations.set_recording(on),
            None if on => self.watchers_mut().observations.set_recording(on),
            None => {}
        }
    }

    fn recording(&self) -> bool {
        self.watchers().is_some_and(|watchers| watchers.observations.recording())
    }
}
