//! What each check guards, in the Raft paper's words: one of the five properties of its Figure 3
//! ("Raft guarantees that each of these properties is true at all times"), or, for a check that
//! guards none of them, what it guards instead (durability, liveness, ...).
//!
//! The checks keep etcd-raft's TLA+ names (`ElectionSafetyInv`, ...), which do not always mean
//! what the paper's names do: etcd's ElectionSafetyInv says a leader holds every entry of its
//! term, while the paper's Election Safety is one leader per term (MoreThanOneLeaderInv). So the
//! page shows beside each name the property it guards, as the paper states it.

use serde::Serialize;

use super::violation::Invariant;

/// A property of the paper's Figure 3.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum PaperProperty {
    /// One leader per term.
    ElectionSafety,
    /// A leader only appends to its log.
    LeaderAppendOnly,
    /// Logs that agree at an entry agree before it.
    LogMatching,
    /// Every later leader holds a committed entry.
    LeaderCompleteness,
    /// No two servers apply different entries at one index.
    StateMachineSafety,
}

impl PaperProperty {
    /// The five, in Figure 3's order.
    pub const ALL: [PaperProperty; 5] = [
        PaperProperty::ElectionSafety,
        PaperProperty::LeaderAppendOnly,
        PaperProperty::LogMatching,
        PaperProperty::LeaderCompleteness,
        PaperProperty::StateMachineSafety,
    ];

    /// Its name, as the paper writes it.
    pub fn name(self) -> &'static str {
        match self {
            PaperProperty::ElectionSafety => "Election Safety",
            PaperProperty::LeaderAppendOnly => "Leader Append-Only",
            PaperProperty::LogMatching => "Log Matching",
            PaperProperty::LeaderCompleteness => "Leader Completeness",
            PaperProperty::StateMachineSafety => "State Machine Safety",
        }
    }

    /// What it says, in Figure 3's words, with the section that proves it.
    pub fn words(self) -> &'static str {
        match self {
            PaperProperty::ElectionSafety => "at most one leader can be elected in a given term. §5.2",
            PaperProperty::LeaderAppendOnly => {
                "a leader never overwrites or deletes entries in its log; it only appends new entries. §5.3"
            }
            PaperProperty::LogMatching => {
                "if two logs contain an entry with the same index and term, then the logs are identical in all entries up through the given index. §5.3"
            }
            PaperProperty::LeaderCompleteness => {
                "if a log entry is committed in a given term, then that entry will be present in the logs of the leaders for all higher-numbered terms. §5.4"
            }
            PaperProperty::StateMachineSafety => {
                "if a server has applied a log entry at a given index to its state machine, no other server will ever apply a different log entry for the same index. §5.4.3"
            }
        }
    }
}

/// What a check guards that is none of Figure 3's five.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum OtherProperty {
    /// What a server has promised survives its crash.
    Durability,
    /// A client's command takes effect once.
    ExactlyOnce,
    /// The cluster makes progress.
    Liveness,
    /// The clients see one order of their operations.
    Linearizability,
    /// The simulation itself stays bounded.
    BoundedRun,
}

impl OtherProperty {
    /// Its name, in lower case: it is not one of the paper's named properties.
    pub fn name(self) -> &'static str {
        match self {
            OtherProperty::Durability => "durability",
            OtherProperty::ExactlyOnce => "exactly-once",
            OtherProperty::Liveness => "liveness",
            OtherProperty::Linearizability => "linearizability",
            OtherProperty::BoundedRun => "a bounded run",
        }
    }

    /// What it says, and where the paper asks for it.
    pub fn words(self) -> &'static str {
        match self {
            OtherProperty::Durability => {
                "what a server has said or counted survives its crash: Figure 2 keeps currentTerm, votedFor and log[] on stable storage, updated before responding to RPCs. Not one of Figure 3's five: they assume it."
            }
            OtherProperty::ExactlyOnce => {
                "a client's command is executed only once, even when retried: the state machine tracks each client's latest serial number (§8). Not one of Figure 3's five."
            }
            OtherProperty::Liveness => {
                "the cluster goes on electing leaders and committing once a majority can talk; availability may depend on timing, safety must not (§5.6). Not one of Figure 3's five, which are all safety."
            }
            OtherProperty::Linearizability => {
                "each operation appears to execute instantaneously, exactly once, at some point between its invocation and its response (§8). Not one of Figure 3's five: what clients see."
            }
            OtherProperty::BoundedRun => {
                "the simulation itself: a run that floods the world is stopped and reported. Not a property of Raft, nor one of Figure 3's five."
            }
        }
    }
}

/// What a check guards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Guards {
    /// One of the paper's five properties.
    Paper(PaperProperty),
    /// Something else.
    Other(OtherProperty),
}

impl Guards {
    /// Its name: the paper's (`Election Safety`) or a plain one (`durability`).
    pub fn name(self) -> &'static str {
        match self {
            Guards::Paper(property) => property.name(),
            Guards::Other(property) => property.name(),
        }
    }

    /// What it says (see [`PaperProperty::words`], [`OtherProperty::words`]).
    pub fn words(self) -> &'static str {
        match self {
            Guards::Paper(property) => property.words(),
            Guards::Other(property) => property.words(),
        }
    }

    /// Whether it is one of Figure 3's five.
    pub fn is_paper(self) -> bool {
        matches!(self, Guards::Paper(_))
    }
}

/// The property `invariant` guards: the one its failure breaks first. This match is the one
/// place that declares it.
///
/// Decisions for the borderline ones:
/// - etcd's `ElectionSafetyInv` (a leader holds every entry of its term) guards Leader
///   Append-Only: only the leader writes entries of its term, so a leader missing one has
///   deleted it (or shares its term with another leader, which MoreThanOneLeaderInv sees).
/// - The checks that judge disks against what was said (`VoteDurableInv`, `AckDurableInv`,
///   `TermDurableInv`, `CommittedIsDurableInv`, `DiskTermInv`, `QuorumLogInv`) guard
///   durability: Figure 3's proofs assume persistent state survives a crash, and these judge
///   exactly that assumption.
/// - `MonotonicTerm` and `MonotonicVote` guard Election Safety (a term or vote taken back lets a
///   server vote twice in a term); `MonotonicCommit` and `MonotonicApplied`, like `LogInv`,
///   State Machine Safety (what was committed, and so applied, never changes).
/// - `OwnTermKeptInv` and `LeaderCommitsOwnTermInv` guard Leader Completeness: each lets an
///   entry counted as committed vanish from the next leader's log (Figure 8).
pub fn guards(invariant: Invariant) -> Guards {
    use OtherProperty as Other;
    use PaperProperty as Paper;
    let paper = |property: PaperProperty| Guards::Paper(property);
    let other = |property: OtherProperty| Guards::Other(property);
    match invariant {
        Invariant::MoreThanOneLeaderInv
        | Invariant::LeaderVotesInv
        | Invariant::VoteOnceInv
        | Invariant::MonotonicTerm
        | Invariant::MonotonicVote => paper(Paper::ElectionSafety),
        Invariant::ElectionSafetyInv => paper(Paper::LeaderAppendOnly),
        Invariant::LogMatchingInv => paper(Paper::LogMatching),
        Invariant::LeaderCompletenessInv
        | Invariant::MoreUpToDateCorrectInv
        | Invariant::LeaderCommitsOwnTermInv
        | Invariant::OwnTermKeptInv => paper(Paper::LeaderCompleteness),
        Invariant::LogInv
        | Invariant::StateMachineSafety
        | Invariant::MonotonicCommit
        | Invariant::MonotonicApplied => paper(Paper::StateMachineSafety),
        Invariant::QuorumLogInv
        | Invariant::DiskTermInv
        | Invariant::CommittedIsDurableInv
        | Invariant::VoteDurableInv
        | Invariant::AckDurableInv
        | Invariant::TermDurableInv => other(Other::Durability),
        Invariant::ExactlyOnceApply => other(Other::ExactlyOnce),
        Invariant::LeaderAvailability | Invariant::LeaderLiveness | Invariant::ClientLiveness => other(Other::Liveness),
        Invariant::Linearizability => other(Other::Linearizability),
        Invariant::Runaway => other(Other::BoundedRun),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_property_of_figure_3_is_guarded_by_a_check() {
        for property in PaperProperty::ALL {
            let guarding: Vec<&str> = Invariant::ALL
                .into_iter()
                .filter(|&invariant| guards(invariant) == Guards::Paper(property))
                .map(Invariant::name)
                .collect();
            assert!(!guarding.is_empty(), "no check guards {}", property.name());
        }
    }

    /// The paper's Election Safety is one leader per term: etcd's ElectionSafetyInv is not it.
    #[test]
    fn election_safety_is_one_leader_per_term() {
        assert_eq!(guards(Invariant::MoreThanOneLeaderInv), Guards::Paper(PaperProperty::ElectionSafety));
        assert_ne!(guards(Invariant::ElectionSafetyInv), Guards::Paper(PaperProperty::ElectionSafety));
        assert_eq!(PaperProperty::ElectionSafety.words(), "at most one leader can be elected in a given term. §5.2");
    }

    #[test]
    fn a_check_outside_figure_3_says_so() {
        for invariant in Invariant::ALL {
            let guarded = guards(invariant);
            assert_eq!(guarded.is_paper(), !guarded.words().contains("Figure 3's five"), "{}", invariant.name());
            assert!(guarded.words().contains('§') || !guarded.is_paper(), "{} cites its section", invariant.name());
        }
        assert!(!guards(Invariant::LeaderLiveness).is_paper());
        assert_eq!(guards(Invariant::LeaderLiveness).name(), "liveness");
    }
}
