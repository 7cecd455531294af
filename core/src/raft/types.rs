//! The small value types every part of the protocol shares.

use serde::{Deserialize, Serialize};

/// A server's identity. Ids are small and dense (1..=9 in the simulator); ordering by id is how
/// every loop over peers stays deterministic.
pub type NodeId = u32;

/// Where node `id` sits in a list of a cluster's nodes in id order (ids count from 1).
pub fn position_of(id: NodeId) -> usize {
    assert!(id >= 1, "node ids count from 1");
    id as usize - 1
}

/// The id of the node at `position` in a list of a cluster's nodes in id order: the inverse of
/// [`position_of`].
pub fn id_at(position: usize) -> NodeId {
    NodeId::try_from(position + 1).expect("node ids are small")
}

/// A Raft term (§5.1 of the paper). Term 0 is the term before any election.
pub type Term = u64;

/// A log position. Index 0 is the empty prefix: it always matches with term 0.
pub type Index = u64;

/// Where the entry at `index` sits in a vector of a log's entries, from the first (index 1) at
/// slot 0: the one conversion of a log index to a position, in the protocol, the checks and the
/// world. Checked: a `usize` has 32 bits in wasm32, where a plain cast would wrap an index from
/// 2³² on to another entry; no log in memory is that long, so it panics rather than wraps.
pub fn slot(index: Index) -> usize {
    let position = index.checked_sub(1).expect("index 0 is the empty prefix: no entry sits there");
    usize::try_from(position).expect("a log index within memory's reach")
}

/// Identifies one durable write a node asked for, in the order it asked. Writes complete in
/// order, so "write `w` is durable" means every write up to `w` is durable too.
pub type WriteId = u64;

/// A client of the key-value service, as named in its requests.
pub type ClientId = u64;

/// A client's request number: one client has one request outstanding at a time and numbers them
/// 1, 2, 3...; a retry reuses the number so that the state machine applies it at most once.
pub type RequestSeq = u64;

/// The role a node plays (§5.1), plus the pre-candidate of PreVote (thesis §9.6).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Follows a leader, or waits for one.
    #[default]
    Follower,
    /// Asks for pre-votes without changing its term (thesis §9.6).
    PreCandidate,
    /// Has started an election in its current term.
    Candidate,
    /// Won an election; the only role that appends client commands.
    Leader,
}

impl Role {
    /// A short name for traces and the page.
    pub fn name(self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::PreCandidate => "precandidate",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
        }
    }
}

/// The state a node must make durable before it answers a vote or changes term (Figure 2,
/// "Persistent state on all servers").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HardState {
    /// The latest term this node has seen.
    pub term: Term,
    /// Whom this node voted for in `term`, if anyone.
    pub voted_for: Option<NodeId>,
}
