//! What a failed check reports.

use serde::{Deserialize, Serialize};

use crate::raft::{Index, NodeId, Term};

/// Every property raftsim checks. Safety invariants carry the names of etcd-raft's TLA+ spec
/// (`tla/etcdraft.tla`) where they come from there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Invariant {
    /// Committed prefixes of any two nodes agree (one is a prefix of the other), and no node
    /// ever removes an entry it has counted as committed.
    LogInv,
    /// At most one leader per term (checked across all time: the history of leaders).
    MoreThanOneLeaderInv,
    /// A leader holds the highest index of any entry of its term.
    ElectionSafetyInv,
    /// Two logs with an entry of the same index and term agree on everything before it.
    LogMatchingInv,
    /// Every committed entry is in the log of a node of every quorum.
    QuorumLogInv,
    /// A log at least as up-to-date as another's holds the other's committed entries.
    MoreUpToDateCorrectInv,
    /// Every committed entry is in the log of every leader of a later term.
    LeaderCompletenessInv,
    /// A leader's commit index never exceeds its durable log.
    CommittedIsDurableInv,
    /// A leader advances its commit index only to an entry of its own term (§5.4.2, Figure 8).
    LeaderCommitsOwnTermInv,
    /// A leader of a term was granted votes of that term by a quorum, itself included (§5.2).
    LeaderVotesInv,
    /// A granted vote is on the voter's disk before the grant is sent (Figure 2).
    VoteDurableInv,
    /// No two nodes apply different commands at the same index (§5.4.3).
    StateMachineSafety,
    /// A node's term never decreases.
    MonotonicTerm,
    /// A running node's commit index never decreases.
    MonotonicCommit,
    /// A running node applies entries in index order, one after the other.
    MonotonicApplied,
    /// A node never changes its vote within a term.
    MonotonicVote,
    /// Each client request takes effect at most once on each node's state machine.
    ExactlyOnceApply,
    /// After the heal, a leader commits an entry of its term within the bound.
    LeaderLiveness,
    /// After the heal, client operations complete within the bound.
    ClientLiveness,
    /// The client history has a linearization (checked at the end of the run).
    Linearizability,
}

impl Invariant {
    /// The name, as the spec and the page show it.
    pub fn name(self) -> &'static str {
        match self {
            Invariant::LogInv => "LogInv",
            Invariant::MoreThanOneLeaderInv => "MoreThanOneLeaderInv",
            Invariant::ElectionSafetyInv => "ElectionSafetyInv",
            Invariant::LogMatchingInv => "LogMatchingInv",
            Invariant::QuorumLogInv => "QuorumLogInv",
            Invariant::MoreUpToDateCorrectInv => "MoreUpToDateCorrectInv",
            Invariant::LeaderCompletenessInv => "LeaderCompletenessInv",
            Invariant::CommittedIsDurableInv => "CommittedIsDurableInv",
            Invariant::LeaderCommitsOwnTermInv => "LeaderCommitsOwnTermInv",
            Invariant::LeaderVotesInv => "LeaderVotesInv",
            Invariant::VoteDurableInv => "VoteDurableInv",
            Invariant::StateMachineSafety => "StateMachineSafety",
            Invariant::MonotonicTerm => "MonotonicTerm",
            Invariant::MonotonicCommit => "MonotonicCommit",
            Invariant::MonotonicApplied => "MonotonicApplied",
            Invariant::MonotonicVote => "MonotonicVote",
            Invariant::ExactlyOnceApply => "ExactlyOnceApply",
            Invariant::LeaderLiveness => "LeaderLiveness",
            Invariant::ClientLiveness => "ClientLiveness",
            Invariant::Linearizability => "Linearizability",
        }
    }

    /// Every safety invariant, checked after every event.
    pub const SAFETY: [Invariant; 17] = [
        Invariant::LogInv,
        Invariant::MoreThanOneLeaderInv,
        Invariant::ElectionSafetyInv,
        Invariant::LogMatchingInv,
        Invariant::QuorumLogInv,
        Invariant::MoreUpToDateCorrectInv,
        Invariant::LeaderCompletenessInv,
        Invariant::CommittedIsDurableInv,
        Invariant::LeaderCommitsOwnTermInv,
        Invariant::LeaderVotesInv,
        Invariant::VoteDurableInv,
        Invariant::StateMachineSafety,
        Invariant::MonotonicTerm,
        Invariant::MonotonicCommit,
        Invariant::MonotonicApplied,
        Invariant::MonotonicVote,
        Invariant::ExactlyOnceApply,
    ];
}

/// A failed check: what, where, when, and a sentence a person understands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// The property that failed.
    pub invariant: Invariant,
    /// The number of the event after which it failed (events count from 1).
    pub event: u64,
    /// Simulated time of that event.
    pub time_us: u64,
    /// The nodes involved.
    pub nodes: Vec<NodeId>,
    /// The terms involved.
    pub terms: Vec<Term>,
    /// The log indexes involved.
    pub indexes: Vec<Index>,
    /// What happened, in words.
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            formatter,
            "{} violated at event {} ({} us): {}",
            self.invariant.name(),
            self.event,
            self.time_us,
            self.message
        )
    }
}
