//! The kinds of random fault, declared once in the table at the bottom of this file: from it
//! come the [`FaultKind`] enum, the scenario's switches ([`FaultKinds`]) and weights
//! ([`FaultWeights`]), and what the swarm draw, the nemesis, the shrinker, the CLI and the page
//! read. Adding a kind is a row here plus its behaviour in `sim/nemesis.rs` (a ticked kind: the
//! compiler asks for its arm in `choose_fault`) or at the event it aims for (a targeted kind).
//! A new row changes every swarm draw (one more coin per seed), so it comes with a new engine
//! version and a rewritten golden file.

use serde::{Deserialize, Serialize};

/// The largest relative weight of a fault kind.
pub const FAULT_WEIGHT_MAX: u32 = 1_000;

/// Declares the fault kinds: each row is a field name, its enum variant, its documentation, a
/// summary for people, what the shrinker says when it turns the kind off, and whether it is
/// targeted (strikes at the events it aims for, not at the nemesis's ticks, so its weight plays
/// no part). The order of the rows is part of the trace: the swarm draws the switches in it and
/// the nemesis picks a kind by its position.
macro_rules! fault_kinds {
    ($(
        $(#[doc = $doc:literal])*
        $field:ident: $variant:ident {
            summary: $summary:literal,
            shrunk: $shrunk:literal,
            targeted: $targeted:literal $(,)?
        }
    ),* $(,)?) => {
        /// One kind of random fault.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum FaultKind {
            $($(#[doc = $doc])* $variant,)*
        }

        impl FaultKind {
            /// Every kind, in the table's order.
            pub const ALL: [FaultKind; [$(stringify!($field)),*].len()] = [$(FaultKind::$variant),*];

            /// The kind's name: its field in [`FaultKinds`] and [`FaultWeights`].
            pub fn name(self) -> &'static str {
                match self { $(FaultKind::$variant => stringify!($field),)* }
            }

            /// What it does, in a line for the page and the CLI.
            pub fn summary(self) -> &'static str {
                match self { $(FaultKind::$variant => $summary,)* }
            }

            /// How the shrinker describes a run without it.
            pub fn shrunk(self) -> &'static str {
                match self { $(FaultKind::$variant => $shrunk,)* }
            }

            /// Whether it strikes at the events it aims for rather than at the nemesis's ticks
            /// (its weight is then unused).
            pub fn targeted(self) -> bool {
                match self { $(FaultKind::$variant => $targeted,)* }
            }
        }

        /// Which random faults are on.
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields, default)]
        pub struct FaultKinds {
            $($(#[doc = $doc])* pub $field: bool,)*
        }

        impl FaultKinds {
            /// Whether `kind` is on.
            pub fn get(self, kind: FaultKind) -> bool {
                match kind { $(FaultKind::$variant => self.$field,)* }
            }

            /// Turns `kind` on or off.
            pub fn set(&mut self, kind: FaultKind, on: bool) {
                match kind { $(FaultKind::$variant => self.$field = on,)* }
            }
        }

        /// How often the nemesis picks each kind, relative to the others that are on: with
        /// crash 3 and partition 1, three crashes for each partition. Targeted kinds' weights
        /// are not used.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields, default)]
        pub struct FaultWeights {
            $(
                #[doc = concat!("The relative weight of `", stringify!($field), "`.")]
                pub $field: u32,
            )*
        }

        impl Default for FaultWeights {
            /// Every kind equally often.
            fn default() -> Self {
                FaultWeights { $($field: 1,)* }
            }
        }

        impl FaultWeights {
            /// The weight of `kind`.
            pub fn get(self, kind: FaultKind) -> u32 {
                match kind { $(FaultKind::$variant => self.$field,)* }
            }
        }
    };
}

impl FaultKinds {
    /// The kinds that are on, in the table's order.
    pub fn enabled(self) -> impl Iterator<Item = FaultKind> {
        FaultKind::ALL.into_iter().filter(move |&kind| self.get(kind))
    }

    /// How many kinds are on.
    pub fn count(self) -> usize {
        self.enabled().count()
    }

    /// Whether any fault is on.
    pub fn any(self) -> bool {
        self.count() > 0
    }
}

fault_kinds! {
    /// Crash a node, restart it after a downtime.
    crash: Crash {
        summary: "crash a node, restart it after a downtime",
        shrunk: "no random crashes",
        targeted: false,
    },
    /// Pause a node (a long GC pause), resume it after a downtime.
    pause: Pause {
        summary: "pause a node (a long GC pause), resume it after a downtime",
        shrunk: "no random pauses",
        targeted: false,
    },
    /// Partition the network (symmetric, one-way, majority/minority or bridge), then heal.
    partition: Partition {
        summary: "partition the network (symmetric, one-way, majority/minority or bridge), then heal",
        shrunk: "no random partitions",
        targeted: false,
    },
    /// Hold a link's messages, then release them all at once.
    hold: Hold {
        summary: "hold a link's messages, then release them all at once",
        shrunk: "no held links",
        targeted: false,
    },
    /// Step a node's clock forward or back.
    clock_jump: ClockJump {
        summary: "step a node's clock forward or back",
        shrunk: "no clock jumps",
        targeted: false,
    },
    /// Crash whichever node leads (Jepsen's kill-the-primary), restart it after a downtime.
    crash_leader: CrashLeader {
        summary: "crash whichever node leads, restart it after a downtime",
        shrunk: "no leader crashes",
        targeted: false,
    },
    /// Crash a node within a round trip of its winning an election, restart it after a
    /// downtime: leaders that die young leave the partly replicated tails that Figure 8 needs.
    crash_new_leader: CrashNewLeader {
        summary: "crash a node just after it wins an election",
        shrunk: "no crashes of new leaders",
        targeted: true,
    },
    /// Crash a node while an fsync it issued is in flight (power lost mid-write), restart it
    /// after a downtime: what it sent before its writes were durable is then all that remains.
    crash_during_fsync: CrashDuringFsync {
        summary: "crash a node while its fsync is in flight",
        shrunk: "no crashes during fsync",
        targeted: true,
    },
    /// Restart a node at once with the other PreVote setting than the run started with: one
    /// step of a rolling upgrade, which leaves the cluster running mixed settings for a while.
    upgrade: Upgrade {
        summary: "restart nodes one by one with the other PreVote setting (a rolling upgrade)",
        shrunk: "no rolling upgrade",
        targeted: false,
    },
    /// Cut a leader off from the others right after it wins or appends a client's command,
    /// while its entry is on its way (messages still flying are lost), and let it rejoin after
    /// a downtime (MIT 6.824's "Figure 8 (unreliable)" test, at a term's start as in Drăgoi et
    /// al.'s phase-aligned faults): partly replicated entries of several terms pile up.
    cut_leader: CutLeader {
        summary: "cut a leader off just after it wins or appends, before a majority has its entry",
        shrunk: "no leaders cut off",
        targeted: true,
    },
    /// Crash a leader right after its commit index moves, before its followers learn it: the
    /// next leader must hold what was committed, and a bug that committed too much shows.
    crash_after_commit: CrashAfterCommit {
        summary: "crash a leader just after it commits",
        shrunk: "no crashes after commits",
        targeted: true,
    },
    /// Crash a node right after it grants a vote, before its vote can be on disk, and restart
    /// it soon: a vote a crash erased would be cast again in the same term.
    crash_after_vote: CrashAfterVote {
        summary: "crash a node just after it grants a vote",
        shrunk: "no crashes after votes",
        targeted: true,
    },
    /// Make a node that has not heard of a new candidate's term campaign too, the moment the
    /// candidate starts: elections collide (split votes on demand), so a leader that won
    /// without a real quorum of its term meets one that has it.
    rival_candidate: RivalCandidate {
        summary: "make a node still in an older term campaign as another starts to",
        shrunk: "no rival candidates",
        targeted: true,
    },
    /// Hold a vote's answer back until the candidate starts a campaign in a later term, then
    /// release it into that campaign: old-term answers reach a new campaign, as in DEMi's
    /// stale-vote bug in akka-raft.
    stale_votes: StaleVotes {
        summary: "delay answers to votes until the candidate has moved to a new term",
        shrunk: "no delayed vote answers",
        targeted: true,
    },
    /// Hold a leader's AppendEntries back and release them once a leader of a later term has
    /// committed: a deposed leader's appends reach followers of the new term, which must refuse
    /// them (§5.1).
    stale_appends: StaleAppends {
        summary: "hold a leader's appends until a later leader commits, then deliver them",
        shrunk: "no delayed appends",
        targeted: true,
    },
    /// When a leader commits while a node's log is longer than another's but ends in an older
    /// term, cut the leader off and make that node campaign: only the up-to-date check's
    /// comparing terms first keeps it from winning (§5.4.1).
    longer_older_candidate: LongerOlderCandidate {
        summary: "make a node whose log is longer but of an older last term campaign",
        shrunk: "no longer-but-older candidates",
        targeted: true,
    },
    /// Hold a leader's AppendEntries to a follower whose log conflicts with the leader's at or
    /// below its commit index until a heartbeat has reached it: the heartbeat's commit index
    /// must not let the follower commit its own conflicting entries.
    heartbeat_first: HeartbeatFirst {
        summary: "let heartbeats reach a follower whose log conflicts with the commit before the appends that repair it",
        shrunk: "no heartbeats ahead of repairs",
        targeted: true,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switches_and_weights_serialize_with_one_field_per_kind_in_order() {
        let mut every_kind = FaultKinds::default();
        for kind in FaultKind::ALL {
            every_kind.set(kind, true);
            assert!(every_kind.get(kind));
        }
        assert_eq!(every_kind.count(), FaultKind::ALL.len());
        let names: Vec<&str> = FaultKind::ALL.iter().map(|kind| kind.name()).collect();
        for value in [serde_json::to_value(every_kind), serde_json::to_value(FaultWeights::default())] {
            let serde_json::Value::Object(fields) = value.expect("serializes") else { panic!("an object") };
            let mut field_names: Vec<&str> = fields.keys().map(String::as_str).collect();
            let mut sorted = names.clone();
            field_names.sort_unstable();
            sorted.sort_unstable();
            assert_eq!(field_names, sorted);
        }
        let kind: FaultKind = serde_json::from_str("\"crash_during_fsync\"").expect("parses by name");
        assert_eq!(kind, FaultKind::CrashDuringFsync);
    }
}
