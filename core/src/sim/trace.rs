//! The trace hash: the canonical encoding of every event of a run into a [`Fingerprint`].
//!
//! An event contributes, in order: its number, its simulated time, its [`EventTag`] as one word,
//! then its fields in the order below (the values' own encodings are in `fingerprint.rs`). A user
//! action applied between events contributes its tag, the event it followed, its time and its
//! text. The run's trace hash is the fingerprint after its last event: the golden file
//! (`tests/golden/trace_hashes.json`) pins it natively and in both browsers, so any change here is a change
//! of engine version.

use crate::fingerprint::Fingerprint;
use crate::raft::ReplyOutcome;
use crate::scenario::UserAction;

use super::Event;

/// The word naming each kind of event in the trace. The numbers are part of the trace format:
/// never reuse or renumber one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum EventTag {
    /// A message arrives: the receiver's incarnation, then the message.
    Deliver = 1,
    /// A timer fires: node, timer slot, generation.
    Timer = 2,
    /// An fsync completes: node, incarnation, write id.
    Synced = 3,
    /// A client request arrives: node, incarnation, command.
    Request = 4,
    /// A reply reaches a client: client, request number, whether it succeeded.
    Reply = 5,
    /// A client starts an operation: client.
    ClientIssue = 6,
    /// A client attempt times out: client, attempt.
    ClientTimeout = 7,
    /// A scripted or random fault: the action's debug text.
    Act = 8,
    /// The nemesis ticks.
    NemesisTick = 9,
    /// The heal.
    Heal = 10,
    /// The leader deadline after the heal.
    LeaderDeadline = 11,
    /// A telemetry sample.
    Sample = 12,
    /// The end of the run.
    End = 13,
    /// A user action, applied after an event (not an event itself).
    UserAction = 14,
    /// A targeted crash comes due: node, downtime.
    TargetedCrash = 15,
    /// A fork re-seeds the random streams after an event (not an event itself).
    Fork = 16,
}

impl EventTag {
    /// The tag of an event.
    pub fn of(event: &Event) -> EventTag {
        match event {
            Event::Deliver { .. } => EventTag::Deliver,
            Event::Timer { .. } => EventTag::Timer,
            Event::Synced { .. } => EventTag::Synced,
            Event::Request { .. } => EventTag::Request,
            Event::Reply { .. } => EventTag::Reply,
            Event::ClientIssue { .. } => EventTag::ClientIssue,
            Event::ClientTimeout { .. } => EventTag::ClientTimeout,
            Event::Act(_) => EventTag::Act,
            Event::TargetedCrash { .. } => EventTag::TargetedCrash,
            Event::NemesisTick => EventTag::NemesisTick,
            Event::Heal => EventTag::Heal,
            Event::LeaderDeadline => EventTag::LeaderDeadline,
            Event::Sample => EventTag::Sample,
            Event::End => EventTag::End,
        }
    }
}

/// Absorbs event number `number`, at `time_us`, into the trace.
pub fn hash_event(trace: &mut Fingerprint, number: u64, time_us: u64, event: &Event) {
    trace.word(number);
    trace.word(time_us);
    trace.word(EventTag::of(event) as u64);
    match event {
        Event::Deliver { message, incarnation, .. } => {
            trace.word(u64::from(*incarnation));
            trace.message(message);
        }
        Event::Timer { node, timer, generation } => {
            trace.word(u64::from(*node));
            trace.word(timer.slot() as u64);
            trace.word(*generation);
        }
        Event::Synced { node, incarnation, write_id } => {
            trace.word(u64::from(*node));
            trace.word(u64::from(*incarnation));
            trace.word(*write_id);
        }
        Event::Request { node, incarnation, command } => {
            trace.word(u64::from(*node));
            trace.word(u64::from(*incarnation));
            trace.command(command);
        }
        Event::Reply { client, reply } => {
            trace.word(u64::from(*client));
            trace.word(reply.seq);
            trace.flag(matches!(reply.outcome, ReplyOutcome::Ok(_)));
        }
        Event::ClientIssue { client } => trace.word(u64::from(*client)),
        Event::ClientTimeout { client, attempt } => {
            trace.word(u64::from(*client));
            trace.word(u64::from(*attempt));
        }
        Event::Act(action) => trace.text(&format!("{action:?}")),
        Event::TargetedCrash { node, downtime_us } => {
            trace.word(u64::from(*node));
            trace.word(*downtime_us);
        }
        Event::NemesisTick | Event::Heal | Event::LeaderDeadline | Event::Sample | Event::End => {}
    }
}

/// Absorbs a user action applied after event `user_action.after_event`.
pub fn hash_user_action(trace: &mut Fingerprint, user_action: &UserAction) {
    trace.word(EventTag::UserAction as u64);
    trace.word(user_action.after_event);
    trace.word(user_action.at_us);
    trace.text(&format!("{:?}", user_action.action));
}

/// Absorbs a fork applied after event `fork.at_event` (runs without forks never call this).
pub fn hash_fork(trace: &mut Fingerprint, fork: &crate::scenario::Fork) {
    trace.word(EventTag::Fork as u64);
    trace.word(fork.at_event);
    trace.word(fork.seed);
}
