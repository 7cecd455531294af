//! Known real Raft bugs as switches, off by default, so people can watch the checks catch them.
//! Each switch is read at the one line where its bug lives (search for `bugs.<name>`).

use serde::{Deserialize, Serialize};

/// One catalogued bug: its switch, where it came from, what it breaks and the checks expected to
/// catch it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct BugInfo {
    /// The switch's name (a field of [`Bugs`]); its preset is `bug-<name>`.
    pub name: &'static str,
    /// Where the bug was found.
    pub origin: &'static str,
    /// What goes wrong.
    pub effect: &'static str,
    /// The checks that may fire first when it strikes, by name (`check::violation::Invariant`
    /// names; a test resolves each): in its preset and in a random sweep.
    pub fires: &'static [&'static str],
}

/// Declares the bug catalogue: each row is a switch (a field of [`Bugs`], with its
/// documentation) and its [`BugInfo`]. Adding a bug is a row here, the line where the switch is
/// read, and the scenario that shows it (`BUG_PRESETS` in `scenario/presets.rs`, which a test
/// holds to this table).
macro_rules! bug_catalogue {
    ($(
        $(#[doc = $doc:literal])*
        $field:ident { origin: $origin:literal, effect: $effect:literal, fires: [$($fires:literal),+ $(,)?] $(,)? }
    ),* $(,)?) => {
        /// The bug switches. All off is the correct protocol.
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(deny_unknown_fields, default)]
        pub struct Bugs {
            $($(#[doc = $doc])* pub $field: bool,)*
        }

        /// Every catalogued bug, in the order of the brief.
        pub const BUG_CATALOGUE: [BugInfo; [$(stringify!($field)),*].len()] = [$(
            BugInfo { name: stringify!($field), origin: $origin, effect: $effect, fires: &[$($fires),+] },
        )*];

        impl Bugs {
            /// The switch called `name`.
            pub fn switch(&mut self, name: &str) -> Option<&mut bool> {
                match name {
                    $(stringify!($field) => Some(&mut self.$field),)*
                    _ => None,
                }
            }
        }
    };
}

bug_catalogue! {
    /// Figure 8 of the Raft paper: a leader commits an entry of an earlier term by counting
    /// replicas. A later leader can then overwrite a committed entry (§5.4.2).
    figure8_commit {
        origin: "the Raft paper, Figure 8 (§5.4.2)",
        effect: "a committed entry is overwritten by a later leader",
        fires: ["LeaderCommitsOwnTermInv"],
    },
    /// A candidate counts vote responses left over from an earlier campaign (the liferaft
    /// bug): grants for an old term make it leader of the new one without a quorum.
    stale_vote_counted {
        origin: "liferaft",
        effect: "a candidate wins with votes from an earlier campaign: two leaders in one term",
        fires: ["LeaderVotesInv", "MoreThanOneLeaderInv"],
    },
    /// A lone voter never re-elects itself after a restart (raft.cr): on restart it believes
    /// its old vote still stands and never counts a vote for itself again.
    lone_voter_no_reelect {
        origin: "raft.cr",
        effect: "a one-node cluster never has a leader again after a restart",
        fires: ["LeaderLiveness", "ClientLiveness"],
    },
    /// A vote is sent before it is durable: a crash can erase it, and the restarted node votes
    /// again in the same term (two leaders).
    vote_before_durable {
        origin: "persist-before-send, Figure 2",
        effect: "a node votes twice in one term across a crash: two leaders",
        fires: ["VoteDurableInv"],
    },
    /// A follower truncates everything after a stale AppendEntries' entries, even where they
    /// matched, dropping entries it acknowledged and that may be committed.
    stale_append_truncates {
        origin: "§5.3, receiver step 3 misread",
        effect: "a follower drops acknowledged, committed entries",
        fires: ["OwnTermKeptInv", "AckDurableInv", "QuorumLogInv", "LogInv", "LeaderCompletenessInv", "ClientLiveness"],
    },
    /// A leader counts its own entry toward commitment before its write is durable (etcd
    /// #14370): a crash can lose an entry already answered as committed.
    leader_counts_unsynced_self {
        origin: "etcd #14370",
        effect: "a leader commits past its own durable log",
        fires: ["CommittedIsDurableInv"],
    },
    /// PreVote without etcd's answer to a lower-term pre-vote (etcd #8243): a node stuck at a
    /// higher term with a stale log never learns it is behind, and the cluster can deadlock.
    prevote_low_term_deadlock {
        origin: "etcd #8243 and #8501 (a rolling upgrade to PreVote)",
        effect: "a cluster with PreVote never elects a leader again",
        fires: ["LeaderLiveness"],
    },
    /// A node counts an append as durable once it has written it, before its fsync completes:
    /// its own bookkeeping says its whole log is on disk, and as leader it counts its unsynced
    /// entries toward commitment. Unlike `leader_counts_unsynced_self`, the node's account of
    /// its disk is wrong, so only a check that reads the disk sees it.
    claims_durable {
        origin: "a write counted as durable once submitted, not once synced (as in c5 #263)",
        effect: "a leader commits entries its disk does not hold: a crash can lose them",
        fires: ["CommittedIsDurableInv"],
    },
    /// A follower acknowledges AppendEntries before the entries are on its disk: a crash can
    /// take entries the leader counted toward commitment off a quorum of disks.
    ack_before_durable {
        origin: "c5 #263 (followers answered before their log writes completed); etcd #8144 asks the same of etcd",
        effect: "a committed entry is on fewer disks than a quorum",
        fires: ["AckDurableInv"],
    },
}

impl Bugs {
    /// The switches with only the bug `name` on; `None` for an unknown name.
    pub fn only(name: &str) -> Option<Bugs> {
        let mut bugs = Bugs::default();
        *bugs.switch(name)? = true;
        Some(bugs)
    }

    /// Whether any bug is on.
    pub fn any(&self) -> bool {
        *self != Bugs::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogued_bug_has_a_switch() {
        for bug in BUG_CATALOGUE {
            let bugs = Bugs::only(bug.name).unwrap_or_else(|| panic!("{} has no switch", bug.name));
            assert!(bugs.any());
        }
        assert!(Bugs::only("no_such_bug").is_none());
        assert!(!Bugs::default().any());
    }
}
