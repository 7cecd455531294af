//! The page's event feed: the most recent events in words, and the most recent lost messages
//! (which the page draws fading out). An observer of the world ([`Feed`]), kept by a
//! [`Watchers`](super::watch::Watchers) and read through [`Watch`](super::watch::Watch).

use std::collections::VecDeque;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::raft::{Message, NodeId};
use crate::sim::observe::{NodeChange, Observer, Report, SentRoute};
use crate::sim::{LossCause, World};

use super::describe::{self, FeedKind};

/// One line of the page's event feed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedLine {
    /// The line's place among all lines written (from 1): several lines can share an event
    /// number (a role change, a user action), so the feed's cursor counts lines.
    pub seq: u64,
    /// The event's number (from 1), or the number of the event a user action followed.
    pub number: u64,
    /// Simulated time.
    pub time_us: u64,
    /// What the line is about.
    pub kind: FeedKind,
    /// What happened, in words.
    pub text: String,
}

/// A message that was lost, as the page draws it fading out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loss {
    /// The message.
    pub message: Message,
    /// When it was sent.
    pub sent_us: u64,
    /// When it was lost.
    pub lost_us: u64,
    /// Why.
    pub cause: LossCause,
}

/// Lost messages kept for the page while the feed is on: enough for the ones fading out at
/// once in a busy 9-node cluster.
const LOSSES_MAX: usize = 128;

/// The last events in words and the last lost messages, while its capacity is not zero (off,
/// the default, it writes nothing).
#[derive(Clone, Debug, Default)]
pub struct Feed {
    /// The most recent lines, each behind an `Arc`, so a checkpoint copies pointers, not
    /// sentences.
    lines: VecDeque<Arc<FeedLine>>,
    capacity: usize,
    /// Lines written so far (the last line's `seq`).
    written: u64,
    /// The most recent lost messages, oldest first.
    losses: VecDeque<Loss>,
}

impl Feed {
    /// Keeps the last `capacity` lines (0: none, and no losses either, until it is set again).
    pub fn set_capacity(&mut self, capacity: usize) {
        self.capacity = capacity;
        while self.lines.len() > capacity {
            self.lines.pop_front();
        }
    }

    /// How many lines it keeps (0: off).
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The lines after line `cursor` (a `seq`), oldest first (at most the capacity).
    pub fn since(&self, cursor: u64) -> Vec<FeedLine> {
        let start = self.lines.partition_point(|line| line.seq <= cursor);
        self.lines.range(start..).map(|line| FeedLine::clone(line)).collect()
    }

    /// The most recent lost messages, oldest first.
    pub fn losses(&self) -> impl Iterator<Item = &Loss> {
        self.losses.iter()
    }

    fn write(&mut self, number: u64, time_us: u64, kind: FeedKind, text: String) {
        if self.lines.len() == self.capacity {
            self.lines.pop_front();
        }
        self.written += 1;
        let line = FeedLine { seq: self.written, number, time_us, kind, text };
        self.lines.push_back(Arc::new(line));
    }

    fn lose(&mut self, message: &Message, sent_us: u64, lost_us: u64, cause: LossCause) {
        if self.losses.len() == LOSSES_MAX {
            self.losses.pop_front();
        }
        self.losses.push_back(Loss { message: message.clone(), sent_us, lost_us, cause });
    }

    /// The line a node's change gets, if any: a restart (after the start of the run) and a
    /// change of role or term do.
    fn node_line(world: &World, id: NodeId, change: NodeChange) -> Option<String> {
        let node = world.server(id).node.as_ref()?;
        match change {
            NodeChange::Restarted if world.events() > 0 => {
                Some(describe::restart(id, node.term(), node.log().last_index(), node.applied_index()))
            }
            NodeChange::Role { role_before, term_before } => {
                describe::role_change(id, (role_before, term_before), (node.role(), node.term()))
            }
            _ => None,
        }
    }
}

impl Observer for Feed {
    // Not inlined into `Watchers::observe` (see `Observations`'s).
    #[inline(never)]
    fn observe(&mut self, world: &World, report: &Report<'_>) {
        if self.capacity == 0 {
            return;
        }
        let (number, now_us) = (world.events(), world.now_us());
        match *report {
            Report::Event { event, takes_effect } => {
                let (kind, text) = describe::event(event, takes_effect);
                self.write(number, now_us, kind, text);
            }
            Report::UserAction(user_action) => {
                let text = format!("you: {}", describe::action(&user_action.action));
                self.write(user_action.after_event, now_us, FeedKind::User, text);
            }
            Report::Node { node, change } => {
                if let Some(text) = Feed::node_line(world, node, change) {
                    self.write(number, now_us, FeedKind::Role, text);
                }
            }
            Report::Sent { message, route: SentRoute::Dropped, .. } => {
                self.lose(message, now_us, now_us, LossCause::Network);
            }
            Report::Arrived { message, sent_us, lost: Some(cause), .. } => self.lose(message, sent_us, now_us, cause),
            Report::Sent { .. }
            | Report::Arrived { .. }
            | Report::Action(_)
            | Report::Released { .. }
            | Report::Committed { .. }
            | Report::Settled => {}
        }
    }

    fn wants_details(&self) -> bool {
        self.capacity > 0
    }
}
