//! What a run is made of: a [`Scenario`] (seed, cluster, protocol options, world parameters,
//! workload, phases, scripted faults and user actions), its validation, and the named presets.
//!
//! A scenario is plain data (serde), so the page, the CLI and share links all describe runs the
//! same way. Probabilities are integers in parts per million; times are integer microseconds.

mod faults;
mod fork;
pub mod partitions;
mod presets;
pub mod share;
pub mod tours;

use serde::{Deserialize, Serialize};

use crate::raft::{self, Config, NodeId, Op};
use crate::words;

pub use crate::raft::ProtocolOptions;

pub use faults::{FaultKind, FaultKinds, FaultWeights, FAULT_WEIGHT_MAX};
pub use fork::{Fork, FORKS_MAX};
pub use presets::{
    all_preset_names, any_preset, bug_preset, determinism_corpus, preset, preset_description, BUG_PRESET_PREFIX,
    PRESET_NAMES,
};
pub use share::{RunSpec, UserAction};
pub use tours::{tour, Caption, Tour, Trigger, TOUR_NAMES};

/// The smallest cluster a scenario may describe.
pub const NODES_MIN: u32 = 1;
/// The largest cluster a scenario may describe.
pub const NODES_MAX: u32 = 9;
/// The fewest keys a workload may touch.
pub const KEYS_MIN: u32 = 1;
/// The most clients a scenario may run.
pub const CLIENTS_MAX: u32 = 64;
/// The most keys a workload may touch.
pub const KEYS_MAX: u32 = 64;
/// The longest run, all phases together: one simulated hour.
pub const RUN_US_MAX: u64 = 3_600_000_000;
/// The longest single delay a scenario may name (a latency, a timeout, a downtime): one minute.
pub const DELAY_US_MAX: u64 = 60_000_000;
/// The largest seed: JavaScript numbers hold integers exactly up to here, and the page, links
/// and the CLI must all agree on a seed.
pub const SEED_MAX: u64 = (1 << 53) - 1;
/// The largest clock rate error: 10% fast or slow.
pub const DRIFT_PPM_MAX: u32 = 100_000;
/// A probability's largest value, in parts per million.
pub const PPM_MAX: u32 = 1_000_000;
/// The most scripted actions in one scenario.
pub const SCRIPT_LEN_MAX: usize = 10_000;

/// A whole run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Scenario {
    /// A name for people (a preset's name, or anything).
    pub name: String,
    /// The root seed: every random choice of the run derives from it.
    pub seed: u64,
    /// Cluster size, 1 to [`NODES_MAX`]; nodes are numbered from 1.
    pub nodes: u32,
    /// Protocol options every node runs with.
    pub protocol: ProtocolOptions,
    /// The network between nodes.
    pub network: NetworkOptions,
    /// Each node's disk.
    pub disk: DiskOptions,
    /// Each node's clock.
    pub clock: ClockOptions,
    /// Random faults during the safety phase.
    pub nemesis: NemesisOptions,
    /// The clients and what they ask.
    pub workload: WorkloadOptions,
    /// How long each phase lasts and the liveness bounds.
    pub phases: PhaseOptions,
    /// Faults and user actions at given times, in any order.
    pub script: Vec<Scripted>,
    /// A guided hunt's forks: after each one's event the world's random streams restart from
    /// its seed (`fork.rs`). Empty for every other run, and then not written, so links and
    /// traces of runs without forks are what they were before the field existed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub forks: Vec<Fork>,
    /// Which checks report: all of them, or only those that see damage. Left out of a link
    /// when `full`, so links made before the field existed read and replay as they did.
    #[serde(skip_serializing_if = "Checks::is_full")]
    pub checks: Checks,
}

/// Which checks report a violation. The checks themselves are classified in one place,
/// `check::violation::Invariant::is_rule_check`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Checks {
    /// Every check: the rule checks name the broken rule the moment it breaks.
    #[default]
    Full,
    /// Only the damage checks (the TLA+ safety invariants, state-machine safety, exactly-once,
    /// liveness, linearizability, a runaway): a bug is found by what it breaks, as a bug no
    /// rule check was written for would be.
    Damage,
}

impl Checks {
    /// Every mode, in the order the page and the CLI list them.
    pub const ALL: [Checks; 2] = [Checks::Full, Checks::Damage];

    /// The name the CLI, the page and links use.
    pub fn name(self) -> &'static str {
        match self {
            Checks::Full => "full",
            Checks::Damage => "damage",
        }
    }

    /// The mode called `name`.
    pub fn named(name: &str) -> Option<Checks> {
        Checks::ALL.into_iter().find(|checks| checks.name() == name)
    }

    /// The mode in a few words, for a menu.
    pub fn label(self) -> &'static str {
        match self {
            Checks::Full => "all checks",
            Checks::Damage => "damage only",
        }
    }

    /// What the mode does, in one sentence for the page.
    pub fn description(self) -> &'static str {
        match self {
            Checks::Full => "Every check, the rule checks included: a bug is named by the rule it breaks.",
            Checks::Damage => {
                "Only the checks that see damage (two leaders, lost or overwritten entries, diverging state machines, liveness, linearizability): rule checks stay silent."
            }
        }
    }

    /// Whether rule checks report.
    pub fn rules(self) -> bool {
        self == Checks::Full
    }

    fn is_full(&self) -> bool {
        *self == Checks::Full
    }
}

/// The network: per directed link, a latency drawn from a range, sometimes a straggler, and
/// drops and duplicates at fixed rates. Reordering follows from the latency spread.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkOptions {
    /// Shortest one-way latency.
    pub latency_us_min: u64,
    /// Longest ordinary one-way latency.
    pub latency_us_max: u64,
    /// Chance a message is a straggler, delayed by up to `straggler_us_max` more.
    pub straggler_ppm: u32,
    /// A straggler's longest extra delay.
    pub straggler_us_max: u64,
    /// Chance a message is lost.
    pub drop_ppm: u32,
    /// Chance a message is delivered twice.
    pub duplicate_ppm: u32,
}

/// The disks: a write is durable only once its fsync completes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DiskOptions {
    /// Shortest fsync.
    pub fsync_us_min: u64,
    /// Longest fsync.
    pub fsync_us_max: u64,
    /// Chance that a crash leaves the last unsynced append half-written; the node's checksum
    /// detects and discards it on restart.
    pub torn_tail_ppm: u32,
}

/// The clocks: each node's rate differs from true time by up to `drift_ppm_max` either way.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClockOptions {
    /// Largest rate error, parts per million.
    pub drift_ppm_max: u32,
}

/// Random faults (the nemesis) during the safety phase.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NemesisOptions {
    /// Swarm testing (TigerBeetle's VOPR): the seed itself draws which faults are on and how
    /// often, and the network, disk and clock rates, overriding the values given here for the
    /// safety phase. The liveness phase turns drops, duplicates and stragglers off and runs on
    /// the scenario's own disks.
    pub swarm: bool,
    /// With `swarm`, the seed also draws the cluster size (1 up to `nodes`) and the protocol
    /// options (PreVote, CheckQuorum, timeouts, batching, window); bug switches are kept.
    pub swarm_cluster: bool,
    /// Faults the nemesis may inject (ignored with `swarm`, which draws its own).
    pub kinds: FaultKinds,
    /// How often each kind is picked, relative to the others that are on (all 1: equally).
    pub weights: FaultWeights,
    /// Shortest time between two random faults.
    pub interval_us_min: u64,
    /// Longest time between two random faults.
    pub interval_us_max: u64,
    /// Shortest time a crashed or paused node stays down, or a partition or hold lasts.
    pub downtime_us_min: u64,
    /// Longest such time.
    pub downtime_us_max: u64,
}

/// The clients (Jepsen-style: one operation outstanding each).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WorkloadOptions {
    /// How many clients.
    pub clients: u32,
    /// How many keys, named "0", "1", ...
    pub keys: u32,
    /// Chance an operation goes to key "0" (the hot key) rather than a uniformly drawn key.
    pub hot_key_ppm: u32,
    /// Relative weights of get, put, append and cas.
    pub mix: [u32; 4],
    /// Shortest pause between an answer and the client's next operation.
    pub think_us_min: u64,
    /// Longest such pause.
    pub think_us_max: u64,
    /// How long a client waits for an answer before retrying elsewhere (same request number).
    pub attempt_timeout_us: u64,
    /// How long a client keeps retrying before it gives up: the outcome is then unknown.
    pub op_timeout_us: u64,
}

/// The two phases (TigerBeetle's VOPR): faults, then heal and check that the cluster recovers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PhaseOptions {
    /// Length of the safety phase, with faults.
    pub safety_us: u64,
    /// Length of the liveness phase, after every fault is healed.
    pub liveness_us: u64,
    /// After the heal, a leader must commit an entry of its term within this time.
    pub leader_bound_us: u64,
    /// Operations invoked once that leader bound has passed must complete within this time.
    pub op_bound_us: u64,
}

/// One scripted action and when it happens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scripted {
    /// Simulated time of the action.
    pub at_us: u64,
    /// What happens.
    pub action: Action,
}

/// A fault or user action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum Action {
    /// Stop a node: volatile state and unsynced writes are lost, messages to it are dropped.
    Crash {
        /// The node.
        node: NodeId,
    },
    /// Crash whichever node leads at that moment (none: nothing happens), and restart it
    /// after `downtime_us`.
    CrashLeader {
        /// How long the crashed leader stays down.
        downtime_us: u64,
    },
    /// Start a crashed node again from its disk.
    Restart {
        /// The node.
        node: NodeId,
    },
    /// Restart a node at once (crash, then boot from its disk) with PreVote on or off: one step
    /// of a rolling upgrade. A crashed node boots with the setting when it next restarts.
    Upgrade {
        /// The node.
        node: NodeId,
        /// PreVote from now on.
        prevote: bool,
    },
    /// Freeze a node: it does nothing; what arrives for it waits.
    Pause {
        /// The node.
        node: NodeId,
    },
    /// Unfreeze a node: it handles what waited, in order.
    Resume {
        /// The node.
        node: NodeId,
    },
    /// Nodes in different groups cannot reach each other (both directions).
    Partition {
        /// Disjoint groups; nodes in no group are cut off from everyone.
        groups: Vec<Vec<NodeId>>,
    },
    /// Messages from `from` to `to` are lost; the other direction works.
    OneWay {
        /// Senders cut off.
        from: Vec<NodeId>,
        /// Receivers they cannot reach.
        to: Vec<NodeId>,
    },
    /// Messages from `from` to `to` get through again; the other direction is left as it is.
    HealOneWay {
        /// Senders reconnected.
        from: Vec<NodeId>,
        /// Receivers they reach again.
        to: Vec<NodeId>,
    },
    /// `left` and `right` cannot reach each other, but `bridge` reaches both.
    Bridge {
        /// The node in touch with both sides.
        bridge: NodeId,
        /// One side.
        left: Vec<NodeId>,
        /// The other side.
        right: Vec<NodeId>,
    },
    /// Cut the link between two nodes, both directions.
    CutLink {
        /// One end.
        a: NodeId,
        /// The other end.
        b: NodeId,
    },
    /// Restore the link between two nodes, both directions.
    HealLink {
        /// One end.
        a: NodeId,
        /// The other end.
        b: NodeId,
    },
    /// Cut one node off from all others.
    Isolate {
        /// The node.
        node: NodeId,
    },
    /// Remove every partition and cut link (holds stay until released).
    Heal,
    /// Hold every message on the link from `from` to `to` until released.
    Hold {
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
    },
    /// Deliver everything the link held, at once.
    Release {
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
    },
    /// Step a node's clock by `by_us` (negative steps it back).
    ClockJump {
        /// The node.
        node: NodeId,
        /// The step.
        by_us: i64,
    },
    /// Fire a node's election timer now.
    ForceTimeout {
        /// The node.
        node: NodeId,
    },
    /// A one-off client request sent to a node (outside the workload's clients).
    ClientRequest {
        /// The node asked.
        node: NodeId,
        /// The operation.
        op: Op,
    },
}

/// Why a scenario was refused: the field and the reason, for a person to fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// The offending field, as a path (`network.latency_us_max`, `script[3].action`).
    pub field: String,
    /// What is wrong with it.
    pub reason: String,
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{}: {}", self.field, self.reason)
    }
}

impl std::error::Error for ScenarioError {}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            name: "default".into(),
            seed: 1,
            nodes: 5,
            protocol: ProtocolOptions::default(),
            network: NetworkOptions::default(),
            disk: DiskOptions::default(),
            clock: ClockOptions::default(),
            nemesis: NemesisOptions::default(),
            workload: WorkloadOptions::default(),
            phases: PhaseOptions::default(),
            script: Vec::new(),
            forks: Vec::new(),
            checks: Checks::Full,
        }
    }
}

impl Default for NetworkOptions {
    fn default() -> Self {
        NetworkOptions {
            latency_us_min: 1_000,
            latency_us_max: 5_000,
            straggler_ppm: 1_000,
            straggler_us_max: 100_000,
            drop_ppm: 0,
            duplicate_ppm: 0,
        }
    }
}

impl Default for DiskOptions {
    fn default() -> Self {
        DiskOptions { fsync_us_min: 200, fsync_us_max: 2_000, torn_tail_ppm: 0 }
    }
}

impl Default for NemesisOptions {
    fn default() -> Self {
        NemesisOptions {
            swarm: true,
            swarm_cluster: false,
            kinds: FaultKinds::default(),
            weights: FaultWeights::default(),
            interval_us_min: 200_000,
            interval_us_max: 2_000_000,
            downtime_us_min: 100_000,
            downtime_us_max: 2_000_000,
        }
    }
}

impl Default for WorkloadOptions {
    fn default() -> Self {
        WorkloadOptions {
            clients: 3,
            keys: 3,
            hot_key_ppm: 500_000,
            mix: [4, 2, 2, 2],
            think_us_min: 0,
            think_us_max: 20_000,
            attempt_timeout_us: 500_000,
            op_timeout_us: 3_000_000,
        }
    }
}

impl Default for PhaseOptions {
    fn default() -> Self {
        PhaseOptions {
            safety_us: 5_000_000,
            liveness_us: 5_000_000,
            leader_bound_us: 2_000_000,
            op_bound_us: 1_000_000,
        }
    }
}

impl Scenario {
    /// The node ids, 1 to `nodes`.
    pub fn node_ids(&self) -> Vec<NodeId> {
        (1..=self.nodes).collect()
    }

    /// The protocol configuration of node `id`.
    pub fn node_config(&self, id: NodeId) -> Config {
        Config { id, voters: self.node_ids(), protocol: self.protocol.clone() }
    }

    /// The end of the run: both phases.
    pub fn run_us(&self) -> u64 {
        self.phases.safety_us + self.phases.liveness_us
    }

    /// Checks every field a run relies on; the error names the first bad field and why.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        let fail = |field: &str, reason: String| Err(ScenarioError { field: field.into(), reason });
        if self.seed > SEED_MAX {
            return fail("seed", format!("must be at most {SEED_MAX} (the largest integer JavaScript holds exactly)"));
        }
        if !(NODES_MIN..=NODES_MAX).contains(&self.nodes) {
            return fail("nodes", format!("must be {NODES_MIN} to {NODES_MAX}, not {}", self.nodes));
        }
        if let Err(error) = self.node_config(1).validate() {
            let field = error.0.split(':').next().unwrap_or("").to_string();
            return fail(&format!("protocol.{field}"), error.0.clone());
        }
        check_delay("protocol.election_timeout_us_max", self.protocol.election_timeout_us_max)?;
        check_range("network.latency_us", self.network.latency_us_min, self.network.latency_us_max)?;
        check_delay("network.straggler_us_max", self.network.straggler_us_max)?;
        check_ppm("network.straggler_ppm", self.network.straggler_ppm)?;
        check_ppm("network.drop_ppm", self.network.drop_ppm)?;
        check_ppm("network.duplicate_ppm", self.network.duplicate_ppm)?;
        check_range("disk.fsync_us", self.disk.fsync_us_min, self.disk.fsync_us_max)?;
        check_ppm("disk.torn_tail_ppm", self.disk.torn_tail_ppm)?;
        if self.clock.drift_ppm_max > DRIFT_PPM_MAX {
            return fail("clock.drift_ppm_max", format!("must be at most {DRIFT_PPM_MAX} (10%)"));
        }
        self.validate_nemesis()?;
        self.validate_workload()?;
        self.validate_phases()?;
        self.validate_script()?;
        fork::validate_forks(&self.forks)
    }

    /// Raft's timing requirement (§5.6), `broadcastTime ≪ electionTimeout`, judged on the
    /// scenario's disks and network: what a valid scenario may still get wrong, said as a
    /// warning on the field to change (`disk.fsync_us_max` or `network.latency_us_max`).
    ///
    /// When an election's round at its slowest ([`raft::election_round_us`]) is not shorter than the
    /// shortest election timeout, a candidate's or a voter's timer can fire before the round
    /// ends: elections split and churn, and the cluster may not elect a leader within the
    /// liveness bound. The run is still valid and every safety property must hold; a liveness
    /// failure in it says the requirement was not met.
    pub fn timing_warning(&self) -> Option<ScenarioError> {
        let fsync_us = self.disk.fsync_us_max;
        let latency_us = self.network.latency_us_max;
        let round_us = raft::election_round_us(fsync_us, latency_us);
        let timeout_us = self.protocol.election_timeout_us_min;
        if round_us < timeout_us {
            return None;
        }
        let field = if fsync_us >= latency_us { "disk.fsync_us_max" } else { "network.latency_us_max" };
        let reason = format!(
            "an election round takes up to {} here (the candidate's fsync, the vote request, the voter's fsync and \
             the answer: 2 × ({} + {})), not less than the shortest election timeout ({}): Raft needs broadcast \
             time ≪ election timeout (§5.6), so elections may split and churn and a leader may not be elected in time",
            words::duration(round_us),
            words::duration(fsync_us),
            words::duration(latency_us),
            words::duration(timeout_us),
        );
        Some(ScenarioError { field: field.into(), reason })
    }

    fn validate_nemesis(&self) -> Result<(), ScenarioError> {
        let nemesis = &self.nemesis;
        if let Some(kind) = FaultKind::ALL.into_iter().find(|&kind| nemesis.weights.get(kind) > FAULT_WEIGHT_MAX) {
            let reason = format!("must be at most {FAULT_WEIGHT_MAX}, not {}", nemesis.weights.get(kind));
            return Err(error(&format!("nemesis.weights.{}", kind.name()), &reason));
        }
        check_range("nemesis.interval_us", nemesis.interval_us_min, nemesis.interval_us_max)?;
        if nemesis.interval_us_min == 0 {
            return Err(error("nemesis.interval_us_min", "must be above zero"));
        }
        check_range("nemesis.downtime_us", nemesis.downtime_us_min, nemesis.downtime_us_max)
    }

    fn validate_workload(&self) -> Result<(), ScenarioError> {
        let workload = &self.workload;
        if workload.clients > CLIENTS_MAX {
            return Err(error("workload.clients", &format!("must be at most {CLIENTS_MAX}")));
        }
        if !(KEYS_MIN..=KEYS_MAX).contains(&workload.keys) {
            return Err(error("workload.keys", &format!("must be {KEYS_MIN} to {KEYS_MAX}")));
        }
        check_ppm("workload.hot_key_ppm", workload.hot_key_ppm)?;
        if workload.mix.iter().all(|&weight| weight == 0) || workload.mix.iter().any(|&weight| weight > 1_000_000) {
            return Err(error("workload.mix", "weights of get, put, append, cas: not all zero, each at most 1000000"));
        }
        check_range("workload.think_us", workload.think_us_min, workload.think_us_max)?;
        check_delay("workload.attempt_timeout_us", workload.attempt_timeout_us)?;
        check_delay("workload.op_timeout_us", workload.op_timeout_us)?;
        if workload.attempt_timeout_us == 0 || workload.op_timeout_us < workload.attempt_timeout_us {
            return Err(error(
                "workload.op_timeout_us",
                "must be at least attempt_timeout_us, which must be above zero",
            ));
        }
        Ok(())
    }

    fn validate_phases(&self) -> Result<(), ScenarioError> {
        let phases = &self.phases;
        if phases.safety_us.saturating_add(phases.liveness_us) > RUN_US_MAX {
            return Err(error("phases", &format!("safety_us + liveness_us must be at most {RUN_US_MAX} (one hour)")));
        }
        check_delay("phases.leader_bound_us", phases.leader_bound_us)?;
        check_delay("phases.op_bound_us", phases.op_bound_us)?;
        if phases.leader_bound_us == 0 || phases.op_bound_us == 0 {
            return Err(error("phases", "leader_bound_us and op_bound_us must be above zero"));
        }
        Ok(())
    }

    fn validate_script(&self) -> Result<(), ScenarioError> {
        if self.script.len() > SCRIPT_LEN_MAX {
            return Err(error("script", &format!("at most {SCRIPT_LEN_MAX} actions")));
        }
        for (position, scripted) in self.script.iter().enumerate() {
            let field = format!("script[{position}]");
            if scripted.at_us > self.run_us() {
                return Err(error(&format!("{field}.at_us"), "is after the end of the run"));
            }
            for node in scripted.action.nodes() {
                if !(1..=self.nodes).contains(&node) {
                    let reason = format!("names node {node}, but the cluster has nodes 1 to {}", self.nodes);
                    return Err(error(&format!("{field}.action"), &reason));
                }
            }
            match scripted.action {
                Action::ClockJump { by_us, .. } if by_us.unsigned_abs() > DELAY_US_MAX => {
                    return Err(error(&format!("{field}.action.by_us"), "must be within one minute either way"));
                }
                Action::CrashLeader { downtime_us } => {
                    check_delay(&format!("{field}.action.downtime_us"), downtime_us)?
                }
                _ => {}
            }
        }
        Ok(())
    }
}

impl Action {
    /// Every node the action names.
    pub fn nodes(&self) -> Vec<NodeId> {
        match self {
            Action::Crash { node }
            | Action::Restart { node }
            | Action::Upgrade { node, .. }
            | Action::Pause { node }
            | Action::Resume { node }
            | Action::Isolate { node }
            | Action::ClockJump { node, .. }
            | Action::ForceTimeout { node }
            | Action::ClientRequest { node, .. } => vec![*node],
            Action::Partition { groups } => groups.iter().flatten().copied().collect(),
            Action::OneWay { from, to } | Action::HealOneWay { from, to } => from.iter().chain(to).copied().collect(),
            Action::Bridge { bridge, left, right } => {
                std::iter::once(*bridge).chain(left.iter().copied()).chain(right.iter().copied()).collect()
            }
            Action::Hold { from, to } | Action::Release { from, to } => vec![*from, *to],
            Action::CutLink { a, b } | Action::HealLink { a, b } => vec![*a, *b],
            Action::Heal | Action::CrashLeader { .. } => Vec::new(),
        }
    }

    /// Whether the action breaks something (a node, a link, a clock), as the nemesis's random
    /// faults do, rather than undo a fault (restart, resume, heal, release), nudge the protocol
    /// (a forced timeout) or ask something of it (a client request). Reports count a script's
    /// faults by it.
    pub fn is_fault(&self) -> bool {
        match self {
            Action::Crash { .. }
            | Action::CrashLeader { .. }
            | Action::Upgrade { .. }
            | Action::Pause { .. }
            | Action::Partition { .. }
            | Action::OneWay { .. }
            | Action::Bridge { .. }
            | Action::CutLink { .. }
            | Action::Isolate { .. }
            | Action::Hold { .. }
            | Action::ClockJump { .. } => true,
            Action::Restart { .. }
            | Action::Resume { .. }
            | Action::HealOneWay { .. }
            | Action::HealLink { .. }
            | Action::Heal
            | Action::Release { .. }
            | Action::ForceTimeout { .. }
            | Action::ClientRequest { .. } => false,
        }
    }
}

fn error(field: &str, reason: &str) -> ScenarioError {
    ScenarioError { field: field.into(), reason: reason.into() }
}

fn check_ppm(field: &str, ppm: u32) -> Result<(), ScenarioError> {
    if ppm > PPM_MAX {
        return Err(error(field, &format!("is a probability in parts per million: at most {PPM_MAX}, not {ppm}")));
    }
    Ok(())
}

fn check_delay(field: &str, delay_us: u64) -> Result<(), ScenarioError> {
    if delay_us > DELAY_US_MAX {
        return Err(error(field, &format!("must be at most {DELAY_US_MAX} us (one minute), not {delay_us}")));
    }
    Ok(())
}

fn check_range(field: &str, min_us: u64, max_us: u64) -> Result<(), ScenarioError> {
    check_delay(&format!("{field}_max"), max_us)?;
    if min_us > max_us {
        return Err(error(&format!("{field}_min"), &format!("{min_us} is above {field}_max ({max_us})")));
    }
    Ok(())
}
