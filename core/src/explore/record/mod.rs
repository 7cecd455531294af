//! The record of a run a person explores, for the page's space-time diagram and health plots:
//! every message from send to arrival, every change of a node's state, the leader over time,
//! every fault and action, and samples of the world's counters.
//!
//! It is built from what the world reports (`sim::observe`), gathered while recording as
//! [`Observation`]s by an [`Observations`] buffer that watches the world (reports change
//! nothing the world does: no trace, no decision reads them). A
//! [`Session`](super::session::Session) keeps the record outside its checkpoints and feeds it
//! once per event number: replaying events already recorded (stepping back replays from a
//! checkpoint) adds nothing, and acting in the past truncates it to the fork before the new
//! future is recorded. Every part is bounded, so
//! a run of millions of events keeps at most [`Record::BYTES_MAX`] bytes: arrows and marks let
//! their older half go when full, samples merge pairs of intervals.

mod arrows;
mod samples;

pub use arrows::{Arrow, Arrows, Duplicate, Fate, Look, ARROWS_MAX, HELD_END_US, UNSETTLED};
pub use samples::{latency_bucket_floor_us, Interval, Sample, Samples, LATENCY_BUCKETS, SAMPLES_MAX};

use crate::raft::{NodeId, Role, Term};
use crate::scenario::Action;
use crate::sim::observe::{NodeChange, Observer, Report, SentRoute};
use crate::sim::{LossCause, Server, World};

use super::watch::Watch;

/// Marks kept per node at most (a node that campaigns without end, three marks every 300 ms,
/// fills it in seven minutes; then its older half goes).
pub const MARKS_PER_NODE_MAX: usize = 1 << 12;
/// Leader changes kept at most.
pub const LEADER_SPANS_MAX: usize = 1 << 14;
/// Faults and actions kept at most.
pub const ACTIONS_MAX: usize = 1 << 12;

/// One thing the world did, reported while it is observed.
#[derive(Clone, Debug)]
pub struct Observation {
    /// The event it happened in (0: before the first, as a user action at the start).
    pub event: u64,
    /// When.
    pub time_us: u64,
    /// What.
    pub what: Observed,
}

/// What the world reports.
#[derive(Clone, Debug)]
pub enum Observed {
    /// Message number `id` was sent.
    Sent {
        /// Its number in the run.
        id: u64,
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
        /// The sender's term.
        term: Term,
        /// Its glyph.
        look: Look,
        /// What the network did with it.
        route: SentRoute,
    },
    /// Message `id` (or its duplicated copy) reached its receiver: delivered, or lost.
    Arrived {
        /// Its number.
        id: u64,
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
    /// A node changed state.
    Node {
        /// The node.
        node: NodeId,
        /// How.
        change: Change,
        /// Its state after.
        state: NodeState,
    },
    /// A fault or user action was applied.
    Action {
        /// The action (boxed: actions are rare, and the other reports stay small).
        action: Box<Action>,
        /// Directed links cut after it.
        cut_links: u32,
    },
    /// A leader committed an entry it appended `latency_us` ago.
    Committed {
        /// From append to commit.
        latency_us: u64,
    },
}

/// How a node changed (the world's [`NodeChange`], less what it changed from).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// Its role or term changed.
    Role,
    /// It crashed.
    Crashed,
    /// It started again from its disk.
    Restarted,
    /// It was paused.
    Paused,
    /// It was resumed.
    Resumed,
}

impl From<NodeChange> for Change {
    fn from(change: NodeChange) -> Change {
        match change {
            NodeChange::Role { .. } => Change::Role,
            NodeChange::Crashed => Change::Crashed,
            NodeChange::Restarted => Change::Restarted,
            NodeChange::Paused => Change::Paused,
            NodeChange::Resumed => Change::Resumed,
        }
    }
}

/// What the world did, gathered from its reports while recording is on (off by default; a
/// session turns it on only for events its record does not hold yet) until the record takes
/// it in ([`Record::absorb`]). It watches the world, so it is in every checkpoint, empty:
/// the record takes everything in after each event.
#[derive(Clone, Debug, Default)]
pub struct Observations {
    recording: bool,
    list: Vec<Observation>,
}

impl Observations {
    /// Gathers what the world does from now on, or stops.
    pub fn set_recording(&mut self, recording: bool) {
        self.recording = recording;
    }

    /// Whether it gathers what the world does.
    pub fn recording(&self) -> bool {
        self.recording
    }
}

impl Observer for Observations {
    // Not inlined into `Watchers::observe`, which most reports pass through in a few
    // instructions: its conversions would make each of them save registers for nothing.
    #[inline(never)]
    fn observe(&mut self, world: &World, report: &Report<'_>) {
        if !self.recording {
            return;
        }
        let what = match *report {
            Report::Sent { id, message, route } => {
                let (from, to, term, look) = (message.from, message.to, message.term, Look::of(&message.body));
                Observed::Sent { id, from, to, term, look, route }
            }
            Report::Arrived { id, copy, lost, .. } => Observed::Arrived { id, copy, lost },
            Report::Released { id, arrive_us } => Observed::Released { id, arrive_us },
            Report::Node { node, change } => {
                Observed::Node { node, change: change.into(), state: state_of(world.server(node)) }
            }
            Report::Action(action) => {
                let cut_links = u32::try_from(world.network().cut_links().len()).expect("at most 72 directed links");
                Observed::Action { action: Box::new(action.clone()), cut_links }
            }
            Report::Committed { latency_us } => Observed::Committed { latency_us },
            Report::Event { .. } | Report::UserAction(_) | Report::Settled => return,
        };
        self.list.push(Observation { event: world.events(), time_us: world.now_us(), what });
    }

    fn wants_details(&self) -> bool {
        self.recording
    }
}

/// A node's state, as the diagram draws its line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeState {
    /// It runs (not crashed).
    pub running: bool,
    /// It is paused.
    pub paused: bool,
    /// Its role (a crashed node's is follower).
    pub role: Role,
    /// Its term (a crashed node's: the one on its disk).
    pub term: Term,
}

/// A change of a node's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    /// When.
    pub time_us: u64,
    /// The event.
    pub event: u64,
    /// What changed.
    pub change: Change,
    /// The state after.
    pub state: NodeState,
}

/// From `from_us` on, the cluster's leader (the running leader of the highest term) was this.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeaderSpan {
    /// From when.
    pub from_us: u64,
    /// The event it changed in.
    pub event: u64,
    /// The leader and its term, or none.
    pub leader: Option<(NodeId, Term)>,
}

/// A fault or action applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionMark {
    /// When.
    pub time_us: u64,
    /// The event it was applied in (or after, for a user action).
    pub event: u64,
    /// The action.
    pub action: Action,
    /// Directed links cut after it.
    pub cut_links: u32,
}

/// One node's marks, with its state before the first one kept.
#[derive(Clone, Debug)]
struct NodeMarks {
    before: NodeState,
    list: Vec<Mark>,
}

/// Lets the older half of `list` go when it holds `max`; returns the last to go.
fn bound<T: Clone>(list: &mut Vec<T>, max: usize) -> Option<T> {
    if list.len() < max {
        return None;
    }
    let gone = list.len() / 2;
    let last_gone = list[gone - 1].clone();
    list.drain(..gone);
    Some(last_gone)
}

// The bound ARCHITECTURE.md states (31 MB) holds.
const _: () = assert!(Record::BYTES_MAX <= 31 << 20, "the record's bound grew past what the docs say");

/// The record of an explored run.
#[derive(Clone, Debug)]
pub struct Record {
    /// Observations of events before this one are already recorded: replays add nothing.
    accept_from: u64,
    arrows: Arrows,
    nodes: Vec<NodeMarks>,
    leaders: Vec<LeaderSpan>,
    actions: Vec<ActionMark>,
    samples: Samples,
    /// The observations being taken in (empty between events; kept so that none allocates).
    taking: Vec<Observation>,
}

impl Record {
    /// The most memory a record holds, whatever the run's length: its bounded parts at their
    /// bounds (arrows, 9 nodes' marks, leader changes, actions with a partition each,
    /// samples), each counted at its in-memory size.
    pub const BYTES_MAX: usize = ARROWS_MAX * Arrows::BYTES_PER_ARROW_MAX
        + 9 * MARKS_PER_NODE_MAX * std::mem::size_of::<Mark>()
        + LEADER_SPANS_MAX * std::mem::size_of::<LeaderSpan>()
        + ACTIONS_MAX * (std::mem::size_of::<ActionMark>() + 64)
        + SAMPLES_MAX * std::mem::size_of::<Sample>();

    /// A record of `world` from where it is now (its start).
    pub fn new(world: &World) -> Record {
        let nodes = world.servers().iter().map(|server| NodeMarks { before: state_of(server), list: Vec::new() });
        Record {
            accept_from: world.events(),
            arrows: Arrows::default(),
            nodes: nodes.collect(),
            leaders: vec![LeaderSpan { from_us: 0, event: 0, leader: leader_of(world) }],
            actions: Vec::new(),
            samples: Samples::default(),
            taking: Vec::new(),
        }
    }

    /// Whether observations of event `event` would be recorded (it is not recorded yet).
    pub fn accepts(&self, event: u64) -> bool {
        event >= self.accept_from
    }

    /// Takes in what `world`'s [`Observations`] gathered (and empties them); observations of
    /// events already recorded are dropped.
    pub fn absorb(&mut self, world: &mut World) {
        let mut observed = std::mem::take(&mut self.taking);
        std::mem::swap(&mut observed, &mut world.watchers_mut().observations_mut().list);
        let mut node_changed: Option<(u64, u64)> = None;
        for observation in observed.drain(..) {
            if observation.event < self.accept_from {
                continue;
            }
            if matches!(observation.what, Observed::Node { .. }) {
                node_changed = Some((observation.event, observation.time_us));
            }
            self.take(observation);
        }
        self.taking = observed;
        if let Some((event, time_us)) = node_changed {
            self.note_leader(leader_of(world), event, time_us);
        }
    }

    /// Every observation of events up to `event` is in: later replays of them add nothing.
    pub fn close_through(&mut self, event: u64) {
        self.accept_from = self.accept_from.max(event + 1);
    }

    fn take(&mut self, observation: Observation) {
        let Observation { event, time_us, what } = observation;
        match what {
            Observed::Sent { id, from, to, term, look, route } => {
                let (end_us, fate, settled_event, copy_end_us) = match route {
                    SentRoute::Dropped => (time_us, Fate::Lost(LossCause::Network), event, None),
                    SentRoute::Held => (HELD_END_US, Fate::Held, UNSETTLED, None),
                    SentRoute::Flying { arrive_us, copy_arrive_us } => {
                        (arrive_us, Fate::Flying, UNSETTLED, copy_arrive_us)
                    }
                };
                let (from, to) = (node_byte(from), node_byte(to));
                let duplicated = copy_end_us.is_some();
                let arrow = Arrow {
                    sent_us: time_us,
                    end_us,
                    sent_event: event,
                    settled_event,
                    term,
                    from,
                    to,
                    look,
                    fate,
                    duplicated,
                };
                self.arrows.push(id, arrow, copy_end_us);
            }
            Observed::Arrived { id, copy, lost } => self.arrows.settle(id, copy, event, time_us, lost),
            Observed::Released { id, arrive_us } => self.arrows.release(id, event, arrive_us),
            Observed::Node { node, change, state } => {
                let marks = &mut self.nodes[crate::raft::position_of(node)];
                if let Some(gone) = bound(&mut marks.list, MARKS_PER_NODE_MAX) {
                    marks.before = gone.state;
                }
                marks.list.push(Mark { time_us, event, change, state });
            }
            Observed::Action { action, cut_links } => {
                bound(&mut self.actions, ACTIONS_MAX);
                self.actions.push(ActionMark { time_us, event, action: *action, cut_links });
            }
            Observed::Committed { latency_us } => self.samples.count_latency(latency_us),
        }
    }

    fn note_leader(&mut self, leader: Option<(NodeId, Term)>, event: u64, time_us: u64) {
        if self.leaders.last().is_some_and(|last| last.leader == leader) {
            return;
        }
        bound(&mut self.leaders, LEADER_SPANS_MAX);
        self.leaders.push(LeaderSpan { from_us: time_us, event, leader });
    }

    /// Takes the samples due before an event at `next_event_us` runs.
    pub fn sample_before(&mut self, next_event_us: u64, world: &World) {
        self.samples.take_before(next_event_us, world);
    }

    /// Forgets everything after event `event` (the run forks there) of `world`, which
    /// is there now; event `event` itself takes observations again (the action that forks).
    pub fn truncate(&mut self, world: &World) {
        let (event, now_us) = (world.events(), world.now_us());
        self.arrows.truncate(event, now_us, world.messages_sent());
        for marks in &mut self.nodes {
            let kept = marks.list.partition_point(|mark| mark.event <= event);
            marks.list.truncate(kept);
        }
        let kept = self.leaders.partition_point(|span| span.event <= event).max(1);
        self.leaders.truncate(kept);
        let kept = self.actions.partition_point(|action| action.event <= event);
        self.actions.truncate(kept);
        self.samples.truncate(now_us, &world.telemetry().commit_latency_us);
        self.accept_from = event;
    }

    // ---- what the page reads ----

    /// The messages.
    pub fn arrows(&self) -> &Arrows {
        &self.arrows
    }

    /// The nodes recorded.
    pub fn nodes(&self) -> u32 {
        u32::try_from(self.nodes.len()).expect("node ids are small")
    }

    /// Node `node`'s marks from `from_us` to `to_us`, in order.
    pub fn marks_in(&self, node: NodeId, from_us: u64, to_us: u64) -> &[Mark] {
        let list = &self.nodes[crate::raft::position_of(node)].list;
        let first = list.partition_point(|mark| mark.time_us < from_us);
        let last = list.partition_point(|mark| mark.time_us <= to_us).max(first);
        &list[first..last]
    }

    /// Node `node`'s state just before `time_us` (after every mark earlier than it).
    pub fn state_before(&self, node: NodeId, time_us: u64) -> NodeState {
        let marks = &self.nodes[crate::raft::position_of(node)];
        let earlier = marks.list.partition_point(|mark| mark.time_us < time_us);
        earlier.checked_sub(1).map_or(marks.before, |last| marks.list[last].state)
    }

    /// The leader changes that concern `from_us..=to_us`: the one in force at `from_us`, then
    /// each change until `to_us`.
    pub fn leaders_in(&self, from_us: u64, to_us: u64) -> &[LeaderSpan] {
        let first = self.leaders.partition_point(|span| span.from_us <= from_us).saturating_sub(1);
        let last = self.leaders.partition_point(|span| span.from_us <= to_us).max(first + 1);
        &self.leaders[first..last.min(self.leaders.len())]
    }

    /// The faults and actions from `from_us` to `to_us`, in order.
    pub fn actions_in(&self, from_us: u64, to_us: u64) -> &[ActionMark] {
        let first = self.actions.partition_point(|action| action.time_us < from_us);
        let last = self.actions.partition_point(|action| action.time_us <= to_us).max(first);
        &self.actions[first..last]
    }

    /// The samples.
    pub fn samples(&self) -> &Samples {
        &self.samples
    }

    /// An upper bound of the memory held now, in bytes (at most [`Record::BYTES_MAX`]).
    pub fn bytes(&self) -> usize {
        let marks: usize = self.nodes.iter().map(|marks| marks.list.capacity()).sum();
        self.arrows.bytes()
            + marks * std::mem::size_of::<Mark>()
            + self.leaders.capacity() * std::mem::size_of::<LeaderSpan>()
            + self.actions.capacity() * (std::mem::size_of::<ActionMark>() + 64)
            + std::mem::size_of_val(self.samples.list())
    }
}

fn node_byte(node: NodeId) -> u8 {
    u8::try_from(node).expect("node ids fit a byte (at most nine nodes)")
}

/// The state of `server`'s node.
fn state_of(server: &Server) -> NodeState {
    match &server.node {
        Some(node) => NodeState { running: true, paused: server.paused, role: node.role(), term: node.term() },
        None => NodeState {
            running: false,
            paused: false,
            role: Role::Follower,
            term: server.disk.durable().hard_state.term,
        },
    }
}

fn leader_of(world: &World) -> Option<(NodeId, Term)> {
    world.current_leader().map(|node| (node.id(), node.term()))
}
