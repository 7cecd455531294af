//! What goes into a node and what comes out: the contract between the protocol and whatever
//! drives it (the simulator, a test harness, or one day a real network and disk).
//!
//! Ordering contract for the driver, per call of [`Node::step`](super::Node::step):
//! 1. Start every write in `writes`, in order. Writes complete in order; when write `w` is
//!    durable, report `Input::Persisted(w)` (reporting only the last of several is enough).
//! 2. Send every message in `messages`. The node has already held back any message that depends
//!    on a write not yet durable, so the driver may send at once.
//! 3. Apply the timer commands in order: at most one timer of each kind is pending; arming one
//!    replaces the pending one.
//! 4. `applied` and `replies` are facts for observers and clients; they need no answer.

use serde::{Deserialize, Serialize};

use crate::shared_vec::SharedVec;

use super::kv::{Command, KvStore, OpResult};
use super::log::Entry;
use super::message::Message;
use super::types::{slot, ClientId, HardState, Index, NodeId, RequestSeq, Term, WriteId};

/// One thing that happens to a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// A message arrived.
    Message(Message),
    /// A timer the node armed has fired.
    TimerFired(Timer),
    /// A client asks this node to run a command.
    ClientRequest(Command),
    /// Every write up to and including this id is now durable.
    Persisted(WriteId),
}

/// The node's timers. The driver keeps at most one pending per kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Timer {
    /// A follower or candidate's election timeout (§5.2).
    Election,
    /// A leader's heartbeat period (§5.2).
    Heartbeat,
    /// A leader's check that a quorum answered during the last election timeout (§6.2).
    CheckQuorum,
    /// A follower's leader lease, with CheckQuorum or PreVote: the minimum election timeout
    /// from the last time it heard from its leader. While it runs the follower refuses pre-votes
    /// (thesis §9.6) and, with CheckQuorum, ignores vote requests of higher terms (thesis
    /// §4.2.3); the election timer, drawn up to the maximum, may run longer.
    Lease,
}

impl Timer {
    /// Every timer kind, in declaration order (so `ALL[timer.slot()] == timer`).
    pub const ALL: [Timer; 4] = [Timer::Election, Timer::Heartbeat, Timer::CheckQuorum, Timer::Lease];

    /// The timer's position in [`Timer::ALL`], for per-kind arrays.
    pub fn slot(self) -> usize {
        self as usize
    }
}

/// What the node asks of its timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimerCommand {
    /// Fire `timer` after a delay the driver draws from `after_us_min..=after_us_max` (equal
    /// bounds give a fixed delay), replacing any pending one.
    Arm {
        /// Which timer.
        timer: Timer,
        /// The shortest delay.
        after_us_min: u64,
        /// The longest delay.
        after_us_max: u64,
    },
    /// Forget the pending `timer`, if any.
    Cancel(Timer),
}

/// One durable write, to be applied to the node's [`DurableState`] in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Write {
    /// Record the term and vote.
    HardState(HardState),
    /// Remove every log entry at index `from` and after.
    Truncate {
        /// The first index removed.
        from: Index,
    },
    /// Add entries at the end of the log (they follow its last entry).
    Append(Vec<Entry>),
    /// Replace the stored snapshot (Raft §7). No message waits for it: a snapshot promises
    /// nothing to another node, it only spares a restarted node re-applying its log.
    Snapshot(std::sync::Arc<Snapshot>),
}

/// The state machine as it stood after applying every entry up to `last_index` (Raft §7: "the
/// last included index and term" and the state), client sessions included, so a retried
/// request is still applied once after a restart that restores it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The last entry the state includes.
    pub last_index: Index,
    /// That entry's term.
    pub last_term: Term,
    /// The store and its sessions after applying entries `1..=last_index`.
    pub store: KvStore,
}

/// A write and the id the node will wait for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteRequest {
    /// Reported back in [`Input::Persisted`] once durable.
    pub id: WriteId,
    /// What to write.
    pub write: Write,
}

/// An entry the node applied to its state machine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applied {
    /// The entry's index.
    pub index: Index,
    /// The entry's term.
    pub term: Term,
    /// The command, or `None` for a leader's no-op (shared with the log entry).
    pub command: Option<std::sync::Arc<Command>>,
    /// The command's result, or `None` for a no-op.
    pub result: Option<OpResult>,
    /// `false` when the command was a retry the session table had already applied.
    pub effective: bool,
}

/// A node's answer to a client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientReply {
    /// The client answered.
    pub client: ClientId,
    /// The request answered.
    pub seq: RequestSeq,
    /// The answer.
    pub outcome: ReplyOutcome,
}

/// The answer a client gets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReplyOutcome {
    /// The command was committed and applied, with this result.
    Ok(OpResult),
    /// This node is not the leader; try `leader_hint` if known. The command was not appended.
    NotLeader {
        /// The leader this node last heard from in its current term.
        leader_hint: Option<NodeId>,
    },
}

/// Everything one step produced. See the module doc for the order the driver must follow.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outputs {
    /// Writes to make durable, in order.
    pub writes: Vec<WriteRequest>,
    /// Messages to send now.
    pub messages: Vec<Message>,
    /// Timer commands, in order.
    pub timers: Vec<TimerCommand>,
    /// Entries applied to the state machine, in index order.
    pub applied: Vec<Applied>,
    /// Answers to clients.
    pub replies: Vec<ClientReply>,
}

impl Outputs {
    /// Whether the step produced nothing at all.
    pub fn is_empty(&self) -> bool {
        self.writes.is_empty()
            && self.messages.is_empty()
            && self.timers.is_empty()
            && self.applied.is_empty()
            && self.replies.is_empty()
    }
}

/// What a node's disk holds: all a node keeps across a crash (Figure 2's persistent state,
/// and the last snapshot written, §7).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DurableState {
    /// The last term and vote written.
    pub hard_state: HardState,
    /// The log as written, dense from index 1 (shared with checkpoints: see [`SharedVec`]).
    /// Never compacted: a snapshot only spares re-applying it.
    pub entries: SharedVec<Entry>,
    /// The last snapshot written, if any (shared with checkpoints).
    pub snapshot: Option<std::sync::Arc<Snapshot>>,
}

impl DurableState {
    /// Applies one completed write: the one meaning of a [`Write`], shared by every driver.
    pub fn apply(&mut self, write: &Write) {
        match write {
            Write::HardState(hard_state) => {
                assert!(hard_state.term >= self.hard_state.term, "a durable term never decreases");
                self.hard_state = *hard_state;
            }
            Write::Truncate { from } => {
                assert!(*from >= 1, "index 0 is never truncated");
                self.entries.truncate(slot(*from));
            }
            Write::Append(entries) => {
                for entry in entries {
                    assert_eq!(entry.index, self.entries.len() as Index + 1, "durable log stays dense");
                    self.entries.push(entry.clone());
                }
            }
            Write::Snapshot(snapshot) => self.snapshot = Some(std::sync::Arc::clone(snapshot)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::MessageKind;

    #[test]
    fn slots_index_the_all_lists() {
        for (slot, timer) in Timer::ALL.into_iter().enumerate() {
            assert_eq!(timer.slot(), slot);
        }
        for (slot, kind) in MessageKind::ALL.into_iter().enumerate() {
            assert_eq!(kind.slot(), slot);
        }
    }
}
