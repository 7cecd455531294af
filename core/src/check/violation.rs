//! What a failed check reports.

use serde::{Deserialize, Serialize};

use crate::raft::{BugInfo, Index, NodeId, Term};

/// Every property raftsim checks. Safety invariants carry the names of etcd-raft's TLA+ spec
/// (`tla/etcdraft.tla`) where they come from there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Invariant {
    /// Committed prefixes of any two nodes agree (one is a prefix of the other), and no node
    /// ever removes an entry it has counted as committed.
    LogInv,
    /// At most one leader per term (checked across all time: the history of leaders), a
    /// leader being a node in one incarnation: leading a term again after a crash is a second.
    MoreThanOneLeaderInv,
    /// A leader holds the highest index of any entry of its term (etcd's name; the paper's
    /// Election Safety, one leader per term, is `MoreThanOneLeaderInv`).
    ElectionSafetyInv,
    /// Two logs with an entry of the same index and term agree on everything before it.
    LogMatchingInv,
    /// Every committed entry is on the disks of at least a quorum, so every quorum holds it.
    QuorumLogInv,
    /// A disk's term is at least the term of every entry on it (judged at each fsync and
    /// crash): otherwise a restart resumes in a term below the node's own log.
    DiskTermInv,
    /// A log at least as up-to-date as another's holds the other's committed entries.
    MoreUpToDateCorrectInv,
    /// Every committed entry is in the log of every leader of a later term.
    LeaderCompletenessInv,
    /// A leader's commit index never passes what its own disk holds.
    CommittedIsDurableInv,
    /// A leader advances its commit index only to an entry of its own term (§5.4.2, Figure 8).
    LeaderCommitsOwnTermInv,
    /// A leader of a term was granted votes of that term by a quorum, itself included (§5.2).
    LeaderVotesInv,
    /// A node votes for one candidate per term, across crashes too (§5.2).
    VoteOnceInv,
    /// A vote is on the voter's disk before it is sent, and a leader's vote for itself before it
    /// takes office (Figure 2).
    VoteDurableInv,
    /// A follower acknowledges only entries its disk holds (Figure 2).
    AckDurableInv,
    /// A message (PreVote aside) carries only a term its sender's disk holds.
    TermDurableInv,
    /// A node never removes an entry of its own current term: in a term only its leader writes
    /// entries, and a follower that takes them back obeys another (Figure 2, receiver step 3).
    OwnTermKeptInv,
    /// Every node applies at each index the entry committed there, with the same result (§5.4.3).
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
    /// During the faults, a quorum that has been up and connected both ways, with no fault on
    /// its links, for longer than the leader bound has a leader that commits new entries.
    LeaderAvailability,
    /// After the heal, a leader commits an entry of its term within the bound.
    LeaderLiveness,
    /// After the heal, client operations complete within the bound.
    ClientLiveness,
    /// The client history has a linearization (checked at the end of the run).
    Linearizability,
    /// The run stays within its event budget (a protocol that floods the world is stopped and
    /// reported rather than left to hang or exhaust memory).
    Runaway,
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
            Invariant::DiskTermInv => "DiskTermInv",
            Invariant::MoreUpToDateCorrectInv => "MoreUpToDateCorrectInv",
            Invariant::LeaderCompletenessInv => "LeaderCompletenessInv",
            Invariant::CommittedIsDurableInv => "CommittedIsDurableInv",
            Invariant::LeaderCommitsOwnTermInv => "LeaderCommitsOwnTermInv",
            Invariant::LeaderVotesInv => "LeaderVotesInv",
            Invariant::VoteOnceInv => "VoteOnceInv",
            Invariant::VoteDurableInv => "VoteDurableInv",
            Invariant::AckDurableInv => "AckDurableInv",
            Invariant::TermDurableInv => "TermDurableInv",
            Invariant::OwnTermKeptInv => "OwnTermKeptInv",
            Invariant::StateMachineSafety => "StateMachineSafety",
            Invariant::MonotonicTerm => "MonotonicTerm",
            Invariant::MonotonicCommit => "MonotonicCommit",
            Invariant::MonotonicApplied => "MonotonicApplied",
            Invariant::MonotonicVote => "MonotonicVote",
            Invariant::ExactlyOnceApply => "ExactlyOnceApply",
            Invariant::LeaderAvailability => "LeaderAvailability",
            Invariant::LeaderLiveness => "LeaderLiveness",
            Invariant::ClientLiveness => "ClientLiveness",
            Invariant::Linearizability => "Linearizability",
            Invariant::Runaway => "Runaway",
        }
    }

    /// What the property says, in one sentence for the page's board.
    pub fn description(self) -> &'static str {
        match self {
            Invariant::LogInv => {
                "Committed prefixes of any two nodes agree, and no node removes an entry it counted as committed."
            }
            Invariant::MoreThanOneLeaderInv => {
                "At most one leader per term, across all time and crashes: a node that leads a term again after a crash is a second leader."
            }
            Invariant::ElectionSafetyInv => {
                "A leader holds the highest index of any entry of its term. etcd's spec calls this ElectionSafetyInv; the paper's Election Safety, one leader per term, is MoreThanOneLeaderInv."
            }
            Invariant::LogMatchingInv => {
                "Two logs with an entry of the same index and term agree on everything before it."
            }
            Invariant::QuorumLogInv => "Every committed entry is on the disks of at least a quorum of nodes.",
            Invariant::DiskTermInv => {
                "A node's disk holds a term at least that of every entry on it, so a restart never resumes in a term below its own log."
            }
            Invariant::MoreUpToDateCorrectInv => {
                "A log at least as up-to-date as another holds the other's committed entries."
            }
            Invariant::LeaderCompletenessInv => "Every committed entry is in the log of every leader of a later term.",
            Invariant::CommittedIsDurableInv => "A leader counts as committed only entries on its own disk.",
            Invariant::LeaderCommitsOwnTermInv => {
                "A leader commits by counting replicas only entries of its own term (Figure 8)."
            }
            Invariant::LeaderVotesInv => "A leader was granted votes of its term by a quorum, itself included.",
            Invariant::VoteOnceInv => "A node votes for at most one candidate in each term, even across a crash.",
            Invariant::VoteDurableInv => {
                "A vote is on the voter's disk before it is sent, and a new leader's own vote before it leads."
            }
            Invariant::AckDurableInv => "A follower acknowledges entries only once they are on its disk.",
            Invariant::TermDurableInv => {
                "A node speaks in a term only once that term is on its disk (PreVote aside), so a crash cannot make it forget the term."
            }
            Invariant::OwnTermKeptInv => {
                "A node never removes an entry of its own current term: only entries of an older term conflict with its leader's."
            }
            Invariant::StateMachineSafety => {
                "Every node applies at each index the entry committed there, and gets the same result."
            }
            Invariant::MonotonicTerm => "A node's term never decreases, across crashes too.",
            Invariant::MonotonicCommit => "A running node's commit index never decreases.",
            Invariant::MonotonicApplied => "A node applies entries in index order, one after the other.",
            Invariant::MonotonicVote => "A node never changes its vote within a term.",
            Invariant::ExactlyOnceApply => {
                "Each client request takes effect at most once on each state machine: a retry gets the first answer."
            }
            Invariant::LeaderAvailability => {
                "During the faults, when a quorum has been up and connected both ways with no fault on its links for longer than the leader bound, a leader commits a new entry."
            }
            Invariant::LeaderLiveness => {
                "After the heal, a leader with a quorum commits an entry of its term within the bound."
            }
            Invariant::ClientLiveness => "After the heal, client operations complete within the bound.",
            Invariant::Linearizability => "The clients' history has a linearization (checked at the end of the run).",
            Invariant::Runaway => {
                "The run stays within its event budget: traffic that grows without bound is stopped and reported."
            }
        }
    }

    /// When the property is judged: after every event, after the heal, or at the end of the run.
    pub fn when_checked(self) -> CheckedWhen {
        match self {
            Invariant::LeaderLiveness | Invariant::ClientLiveness => CheckedWhen::AfterHeal,
            Invariant::LeaderAvailability => CheckedWhen::DuringFaults,
            Invariant::Linearizability => CheckedWhen::AtEnd,
            _ => CheckedWhen::EveryEvent,
        }
    }

    /// The property called `name` (as [`Invariant::name`] spells it).
    pub fn named(name: &str) -> Option<Invariant> {
        Invariant::ALL.into_iter().find(|invariant| invariant.name() == name)
    }

    /// The checks expected to catch a catalogued bug first (its `fires` names, resolved).
    pub fn catching(bug: &BugInfo) -> Vec<Invariant> {
        let resolve = |name: &&str| Invariant::named(name).unwrap_or_else(|| panic!("{}: no check {name}", bug.name));
        bug.fires.iter().map(resolve).collect()
    }

    /// Whether this is a *rule* check: one that restates a rule of the protocol (Figure 2, §5.2,
    /// §5.4.2, persist-before-send) and fires the moment a node breaks it, before any harm is
    /// visible. The others are *damage* checks: what a user of the cluster would see go wrong
    /// (the TLA+ safety invariants about logs and leaders, state-machine safety, exactly-once,
    /// liveness, linearizability, a runaway). In damage-only mode ([`Invariant::reported`] with
    /// `rules: false`) the rule checks are silent, so a search must find a bug by its damage,
    /// as it must for a bug nobody wrote a rule check for. This match is the one place that
    /// declares the classification.
    ///
    /// Decisions for the borderline ones:
    /// - `VoteOnceInv`, `VoteDurableInv`, `AckDurableInv`, `TermDurableInv`: rules. Each restates
    ///   a rule of Figure 2 (one vote per term; persistent state on disk before answering); the
    ///   harm they lead to is two leaders in a term (MoreThanOneLeaderInv) or a committed entry
    ///   off a quorum of disks (QuorumLogInv), which damage checks see.
    /// - `DiskTermInv`: damage. It judges no message or step of a node but the state its disk is
    ///   in, which the correct protocol never reaches and a crash hands to the next incarnation
    ///   (as QuorumLogInv judges the disks); a term adopted but never written shows here, by
    ///   the entries written after it, even when no message of that term went out.
    /// - `CommittedIsDurableInv`: a rule. Though etcd's TLA+ spec names it, it states the local
    ///   rule "count only your durable log" (etcd #14370); the harm, a committed entry a crash
    ///   can take, is QuorumLogInv's.
    /// - `LeaderCommitsOwnTermInv`, `LeaderVotesInv`: rules (§5.4.2 and §5.2 restated); the harm
    ///   is an overwritten committed entry (LogInv, StateMachineSafety) or two leaders.
    /// - `OwnTermKeptInv`: a rule (Figure 2's receiver steps, restated on the node's own log);
    ///   the harm, a removed entry that was committed, is LogInv's or QuorumLogInv's.
    /// - `MonotonicTerm`, `MonotonicCommit`, `MonotonicApplied`, `MonotonicVote`: rules. They
    ///   judge one node's own bookkeeping against Figure 2 (persisted term and vote, a commit
    ///   index and applied index that only grow); what harm follows shows in the logs and state
    ///   machines (LogInv, StateMachineSafety, ExactlyOnceApply) or in two leaders.
    pub fn is_rule_check(self) -> bool {
        match self {
            Invariant::CommittedIsDurableInv
            | Invariant::LeaderCommitsOwnTermInv
            | Invariant::LeaderVotesInv
            | Invariant::VoteOnceInv
            | Invariant::VoteDurableInv
            | Invariant::AckDurableInv
            | Invariant::TermDurableInv
            | Invariant::OwnTermKeptInv
            | Invariant::MonotonicTerm
            | Invariant::MonotonicCommit
            | Invariant::MonotonicApplied
            | Invariant::MonotonicVote => true,
            Invariant::LogInv
            | Invariant::MoreThanOneLeaderInv
            | Invariant::ElectionSafetyInv
            | Invariant::LogMatchingInv
            | Invariant::QuorumLogInv
            | Invariant::DiskTermInv
            | Invariant::MoreUpToDateCorrectInv
            | Invariant::LeaderCompletenessInv
            | Invariant::StateMachineSafety
            | Invariant::ExactlyOnceApply
            | Invariant::LeaderAvailability
            | Invariant::LeaderLiveness
            | Invariant::ClientLiveness
            | Invariant::Linearizability
            | Invariant::Runaway => false,
        }
    }

    /// Whether a violation of this property is reported when rule checks are on (`rules`) or
    /// off (damage-only mode): damage checks always are.
    pub fn reported(self, rules: bool) -> bool {
        rules || !self.is_rule_check()
    }

    /// Every property, safety first, in the order the page lists them.
    pub const ALL: [Invariant; 27] = [
        Invariant::LogInv,
        Invariant::MoreThanOneLeaderInv,
        Invariant::ElectionSafetyInv,
        Invariant::LogMatchingInv,
        Invariant::QuorumLogInv,
        Invariant::DiskTermInv,
        Invariant::MoreUpToDateCorrectInv,
        Invariant::LeaderCompletenessInv,
        Invariant::CommittedIsDurableInv,
        Invariant::LeaderCommitsOwnTermInv,
        Invariant::LeaderVotesInv,
        Invariant::VoteOnceInv,
        Invariant::VoteDurableInv,
        Invariant::AckDurableInv,
        Invariant::TermDurableInv,
        Invariant::OwnTermKeptInv,
        Invariant::StateMachineSafety,
        Invariant::MonotonicTerm,
        Invariant::MonotonicCommit,
        Invariant::MonotonicApplied,
        Invariant::MonotonicVote,
        Invariant::ExactlyOnceApply,
        Invariant::LeaderAvailability,
        Invariant::LeaderLiveness,
        Invariant::ClientLiveness,
        Invariant::Linearizability,
        Invariant::Runaway,
    ];

    /// Every safety invariant, checked after every event: the first of [`Invariant::ALL`].
    pub const SAFETY: &[Invariant] = Invariant::ALL.split_at(22).0;
}

/// Nodes as the page and the paper name them: `S2`, `S1 and S3`, `S1, S2 and S5`.
pub fn node_names(nodes: &[NodeId]) -> String {
    let names: Vec<String> = nodes.iter().map(|node| format!("S{node}")).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// When a property is judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckedWhen {
    /// After every event (the safety invariants).
    EveryEvent,
    /// After every event of the fault phase, where the run's world makes Raft promise it.
    DuringFaults,
    /// In the liveness phase, once every fault is healed.
    AfterHeal,
    /// Once, when the run ends.
    AtEnd,
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

impl Violation {
    /// A violation of `invariant` found after event `event` at `time_us`, naming no nodes,
    /// terms or indexes (see [`Violation::naming`]).
    pub fn new(invariant: Invariant, event: u64, time_us: u64, message: String) -> Violation {
        assert!(!message.is_empty(), "a violation says what happened");
        Violation { invariant, event, time_us, nodes: Vec::new(), terms: Vec::new(), indexes: Vec::new(), message }
    }

    /// The same violation, naming the nodes, terms and log indexes involved (the page
    /// highlights them).
    pub fn naming(self, nodes: Vec<NodeId>, terms: Vec<Term>, indexes: Vec<Index>) -> Violation {
        Violation { nodes, terms, indexes, ..self }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::BUG_CATALOGUE;

    #[test]
    fn every_catalogued_bug_names_checks_that_exist() {
        for bug in BUG_CATALOGUE {
            assert!(!Invariant::catching(&bug).is_empty(), "{}", bug.name);
        }
        assert_eq!(Invariant::named("LogInv"), Some(Invariant::LogInv));
        assert_eq!(Invariant::named("NoSuchInv"), None);
    }

    #[test]
    fn nodes_read_as_names() {
        assert_eq!(node_names(&[2]), "S2");
        assert_eq!(node_names(&[1, 3]), "S1 and S3");
        assert_eq!(node_names(&[1, 2, 5]), "S1, S2 and S5");
    }

    #[test]
    fn every_property_is_listed_once_with_a_description() {
        let mut names: Vec<&str> = Invariant::ALL.iter().map(|invariant| invariant.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Invariant::ALL.len());
        let (safety, rest) = Invariant::ALL.split_at(Invariant::SAFETY.len());
        assert!(safety.iter().all(|invariant| invariant.when_checked() == CheckedWhen::EveryEvent));
        // Runaway is judged after every event too, but bounds the world rather than the protocol.
        assert!(
            rest.iter().all(
                |&invariant| invariant.when_checked() != CheckedWhen::EveryEvent || invariant == Invariant::Runaway
            ),
            "SAFETY is all of them"
        );
        assert!(Invariant::ALL.iter().all(|invariant| invariant.description().ends_with('.')));
    }
}
