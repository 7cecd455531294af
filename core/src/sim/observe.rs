//! The world's one hook for whatever watches it: the world reports what it does, as it does it,
//! to at most one [`Observer`] ([`World::set_observer`]). The tools that watch (the page's
//! feed, a session's record, coverage) are observers in `explore`; the world knows none of
//! them, only this module's words.
//!
//! Why one hook: the world has one place to pay for being watched. Unwatched (sweeps, the CLI,
//! shrinking, the golden runs), every report point costs one test; watched, a report is a value
//! of borrowed parts, built only then. An observer that wants only an event's beginning and end
//! (coverage, in a hunt) says so ([`Observer::wants_details`]), and the reports of what happens
//! within an event cost it one test each too. Observing changes nothing the world does: an
//! observer gets the world read-only, and no decision and no trace reads it.

use std::any::Any;

use crate::raft::{Message, NodeId, Role, Term};
use crate::scenario::{Action, UserAction};

use super::{Event, LossCause, World};

/// What the world reports, in its own words: at the report, [`World::events`] and
/// [`World::now_us`] say when (for a person's action, the event it follows).
#[derive(Clone, Copy, Debug)]
pub enum Report<'a> {
    /// The event just taken from the queue is about to be handled. `takes_effect`: for a timer,
    /// whether its deadline has come (a wake-up for a re-armed timer is ignored); for a
    /// targeted crash, whether it strikes (after the heal it is called off); else true.
    Event {
        /// The event.
        event: &'a Event,
        /// Whether it takes effect.
        takes_effect: bool,
    },
    /// A person's action is about to be applied, after event `after_event`.
    UserAction(&'a UserAction),
    /// A fault or action was applied: scripted, random, a person's, a targeted crash that
    /// struck, the heal.
    Action(&'a Action),
    /// Message number `id` was sent, and the network did `route` with it.
    Sent {
        /// Its number in the run ([`World::messages_sent`] counts them).
        id: u64,
        /// The message.
        message: &'a Message,
        /// What the network did with it.
        route: SentRoute,
    },
    /// Message number `id` (its duplicated copy, if `copy`) reached its receiver: delivered,
    /// or lost for `lost`.
    Arrived {
        /// Its number.
        id: u64,
        /// The message.
        message: &'a Message,
        /// When it was sent.
        sent_us: u64,
        /// The duplicated copy, not the original.
        copy: bool,
        /// Why it was lost, if it was.
        lost: Option<LossCause>,
    },
    /// Held message `id` was released and arrives at `arrive_us`.
    Released {
        /// Its number.
        id: u64,
        /// When it arrives.
        arrive_us: u64,
    },
    /// Node `node` changed (its state after is the world's now).
    Node {
        /// The node.
        node: NodeId,
        /// How.
        change: NodeChange,
    },
    /// A leader committed an entry it appended `latency_us` ago.
    Committed {
        /// From append to commit.
        latency_us: u64,
    },
    /// The world is at rest: an event was handled (after each user action due after it, and
    /// again once the event's due actions and fork are applied), or a person's action applied.
    Settled,
}

impl Report<'_> {
    /// Whether the report tells what happens within an event (a message, a node, an action, a
    /// commit), which an observer may not want ([`Observer::wants_details`]), rather than an
    /// event's beginning, a person's action or the world at rest, which every observer gets.
    pub fn is_detail(&self) -> bool {
        !matches!(self, Report::Event { .. } | Report::UserAction(_) | Report::Settled)
    }
}

/// What the network did with a message sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SentRoute {
    /// Dropped at once.
    Dropped,
    /// Kept on a held link.
    Held,
    /// On its way: arrives at `arrive_us`, and a duplicated copy at `copy_arrive_us`.
    Flying {
        /// When it arrives.
        arrive_us: u64,
        /// When its copy arrives, if the network duplicated it.
        copy_arrive_us: Option<u64>,
    },
}

/// How a node changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeChange {
    /// Its role or term changed, from these.
    Role {
        /// Its role before.
        role_before: Role,
        /// Its term before.
        term_before: Term,
    },
    /// It crashed.
    Crashed,
    /// It started again from its disk (at the start of the run too, before any observer).
    Restarted,
    /// It was paused.
    Paused,
    /// It was resumed.
    Resumed,
}

/// A watcher of the world. It is part of the world's state: cloning the world (a checkpoint)
/// clones it, so what it holds travels with the world; what must outlive a replay from a
/// checkpoint (a session's record) lives outside and takes what the observer gathered.
/// Implement [`Observer::observe`]; [`ObserverBox`] comes with `Clone`.
pub trait Observer: ObserverBox + Any + Send {
    /// Takes in `report` of `world`, which is as the report says (read it, never change it).
    fn observe(&mut self, world: &World, report: &Report<'_>);

    /// Whether it wants the details of the next event ([`Report::is_detail`]): the world asks
    /// before each event and each person's action, and when it is put in.
    fn wants_details(&self) -> bool {
        true
    }
}

/// What the world needs of a boxed observer beyond [`Observer::observe`]: to clone it with
/// itself, and to hand it back to whoever installed it, as its own type.
pub trait ObserverBox {
    /// A boxed copy.
    fn clone_box(&self) -> Box<dyn Observer>;
    /// Itself, to downcast.
    fn as_any(&self) -> &dyn Any;
    /// Itself, to downcast and change.
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<T: Observer + Clone> ObserverBox for T {
    fn clone_box(&self) -> Box<dyn Observer> {
        Box::new(self.clone())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

impl Clone for Box<dyn Observer> {
    fn clone(&self) -> Box<dyn Observer> {
        self.clone_box()
    }
}

/// The world's end of the hook: its observer, if any, and whether that observer wants the
/// details of the event being handled.
#[derive(Clone, Default)]
pub(super) struct Hook {
    observer: Option<Box<dyn Observer>>,
    /// Asked before each event and each person's action: an observer changes only between
    /// them.
    wants_details: bool,
}

impl World {
    /// Puts `observer` in (or, with `None`, takes the observer out): from now on the world
    /// reports to it. Returns the observer it replaces.
    pub fn set_observer(&mut self, observer: Option<Box<dyn Observer>>) -> Option<Box<dyn Observer>> {
        let replaced = std::mem::replace(&mut self.hook.observer, observer);
        self.ask_observer();
        replaced
    }

    /// The observer, as its own type `T`, if one of that type watches.
    pub fn observer<T: Observer>(&self) -> Option<&T> {
        self.hook.observer.as_deref()?.as_any().downcast_ref()
    }

    /// The observer, as its own type `T` and to change, if one of that type watches.
    pub fn observer_mut<T: Observer>(&mut self) -> Option<&mut T> {
        self.hook.observer.as_deref_mut()?.as_any_mut().downcast_mut()
    }

    /// Whether an observer watches (reports are built only then).
    pub fn is_observed(&self) -> bool {
        self.hook.observer.is_some()
    }

    /// Asks the observer, if any, whether it wants details (before an event or a person's
    /// action: an observer changes only between them).
    pub(super) fn ask_observer(&mut self) {
        self.hook.wants_details = self.hook.observer.as_ref().is_some_and(|observer| observer.wants_details());
    }

    /// Whether the details of what happens now are reported.
    pub(super) fn observer_wants_details(&self) -> bool {
        self.hook.wants_details
    }

    /// Hands `report` to the observer, if one watches and wants it: one test (`is_detail` is
    /// known where the report is built).
    #[inline]
    pub(super) fn report(&mut self, report: Report<'_>) {
        let wanted = if report.is_detail() { self.hook.wants_details } else { self.hook.observer.is_some() };
        if wanted {
            self.hand_over(report);
        }
    }

    /// Lends the world to its observer (taken out meanwhile, so it can read all of it).
    fn hand_over(&mut self, report: Report<'_>) {
        let mut observer = self.hook.observer.take().expect("an observer watches");
        observer.observe(self, &report);
        self.hook.observer = Some(observer);
    }
}
