//! A node's protocol options.

use serde::{Deserialize, Serialize};

use super::bugs::Bugs;
use super::types::NodeId;

/// The protocol options one node runs with: its identity and the cluster's options.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// This node's id; must be one of `voters`.
    pub id: NodeId,
    /// Every voting member, this node included, sorted by id without repeats.
    pub voters: Vec<NodeId>,
    /// The options every voter runs with (a scenario sets them for the whole cluster).
    pub protocol: ProtocolOptions,
}

/// The protocol options every voter of a cluster runs with: the one definition that a node's
/// [`Config`], a scenario and a share link all use.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProtocolOptions {
    /// Run a PreVote round before raising the term (thesis §9.6).
    pub prevote: bool,
    /// A leader steps down without a quorum heard from per election timeout, and followers in
    /// contact with a leader ignore vote requests (thesis §6.2 and §4.2.3).
    pub check_quorum: bool,
    /// The shortest election timeout (§5.2); also the CheckQuorum period.
    pub election_timeout_us_min: u64,
    /// The longest election timeout: the driver draws each timeout from
    /// `election_timeout_us_min..election_timeout_us_max` with its own RNG.
    pub election_timeout_us_max: u64,
    /// How often a leader sends heartbeats; must be well under the election timeout (§5.6).
    pub heartbeat_interval_us: u64,
    /// AppendEntries a leader keeps in flight to one follower while replicating (pipelining).
    pub inflight_appends_max: u32,
    /// Entries carried by one AppendEntries at most.
    pub entries_per_append_max: u32,
    /// Known bugs to switch on (all off: the correct protocol; see [`super::BUG_CATALOGUE`]).
    pub bugs: Bugs,
}

impl Default for ProtocolOptions {
    /// A 150–300 ms election timeout and 50 ms heartbeats, as in the Raft paper's evaluation
    /// (§9.3), PreVote and CheckQuorum on, eight appends in flight of up to 64 entries.
    fn default() -> Self {
        ProtocolOptions {
            prevote: true,
            check_quorum: true,
            election_timeout_us_min: 150_000,
            election_timeout_us_max: 300_000,
            heartbeat_interval_us: 50_000,
            inflight_appends_max: 8,
            entries_per_append_max: 64,
            bugs: Bugs::default(),
        }
    }
}

/// A node snapshots its state machine every this many applied entries (Raft §7), at the index
/// that completes the interval, so that a restart restores it and applies only what follows
/// instead of the whole log. Small enough that a restart re-applies little, large enough that
/// the copies (a clone of the store, which shares its values) cost nothing per entry.
pub const SNAPSHOT_INTERVAL: super::types::Index = 64;

/// How many of `voters` make a majority: the votes that win an election and the copies that
/// commit an entry (§5.2, §5.3). Any two majorities share a voter, which is what makes one leader
/// per term and committed entries surviving a change of leader possible.
pub fn quorum(voters: usize) -> usize {
    assert!(voters >= 1, "a cluster needs at least one voter");
    voters / 2 + 1
}

/// An election round at its slowest, with no straggler: the candidate's fsync of its term and
/// vote, the vote request, the voter's fsync of its vote and the answer, as a message waits for
/// exactly the writes it depends on. Raft needs it well under the election timeout (§5.6,
/// `broadcastTime ≪ electionTimeout`): the scenario warns when it is not under it at all, and
/// LeaderAvailability judges only where it is under half of it.
pub fn election_round_us(fsync_us_max: u64, latency_us_max: u64) -> u64 {
    fsync_us_max.saturating_add(latency_us_max).saturating_mul(2)
}

/// Why a [`Config`] was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Node `id` of `voters` with the default [`ProtocolOptions`].
    pub fn new(id: NodeId, voters: Vec<NodeId>) -> Self {
        Config { id, voters, protocol: ProtocolOptions::default() }
    }

    /// The same node with its protocol options changed by `change` (for tests and tools).
    pub fn with(mut self, change: impl FnOnce(&mut ProtocolOptions)) -> Self {
        change(&mut self.protocol);
        self
    }

    /// Checks the options a node relies on; the error says which one and why.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let fail = |text: String| Err(ConfigError(text));
        let protocol = &self.protocol;
        if self.voters.is_empty() {
            return fail("voters: a cluster needs at least one voter".into());
        }
        if self.voters.windows(2).any(|pair| pair[0] >= pair[1]) {
            return fail(format!("voters: must be sorted without repeats, got {:?}", self.voters));
        }
        if !self.voters.contains(&self.id) {
            return fail(format!("id: node {} is not among the voters {:?}", self.id, self.voters));
        }
        if protocol.election_timeout_us_min == 0 {
            return fail("election_timeout_us_min: must be above zero".into());
        }
        if protocol.election_timeout_us_max <= protocol.election_timeout_us_min {
            return fail(
                "election_timeout_us_max: must exceed election_timeout_us_min so that timeouts are randomized (§5.2)"
                    .into(),
            );
        }
        if protocol.heartbeat_interval_us == 0 || protocol.heartbeat_interval_us >= protocol.election_timeout_us_min {
            return fail("heartbeat_interval_us: must be above zero and below election_timeout_us_min".into());
        }
        if protocol.inflight_appends_max == 0 || protocol.entries_per_append_max == 0 {
            return fail("inflight_appends_max and entries_per_append_max: must be at least 1".into());
        }
        Ok(())
    }

    /// The other voters, in id order.
    pub fn peers(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.voters.iter().copied().filter(move |&voter| voter != self.id)
    }
}
