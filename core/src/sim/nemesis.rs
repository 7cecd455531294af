//! Random faults. With swarm testing (TigerBeetle's VOPR), each seed first draws its own mix:
//! which fault kinds are on, how often they strike, and the network, disk and clock rates. Every
//! drawn parameter is kept in [`WorldParameters`] so that a run can print what it ran with.
//! One seed in four is *deep* and one in eight an *upgrade* seed ([`WorldParameters::drawn`]).
//!
//! Beside the faults ticked here, the nemesis aims at protocol moments, reading the nodes
//! through the world after each step (`nodes.rs`, `aim_at`; the protocol stays pure):
//! `cut_leader` cuts a leader off just after it wins or appends (MIT 6.824's "Figure 8
//! (unreliable)"), sometimes one way only and for longer than LeaderAvailability's bound (the
//! leader is heard but hears nothing: CheckQuorum's case), `crash_after_commit` crashes a leader after it commits and, when a log that
//! could still win contradicts what it committed, makes that rival campaign (Figure 8's last
//! step), `crash_after_vote` crashes a voter before its vote is on disk, `rival_candidate` makes
//! a node of an older term campaign as another starts, `stale_votes` holds answers to votes
//! until their candidate campaigns again, `stale_appends` holds a leader's appends until a
//! later leader has committed, `longer_older_candidate` makes a node with a longer log of an
//! older last term campaign, and `heartbeat_first` lets heartbeats reach a follower whose log
//! conflicts with the leader's commit before the appends that repair it. Their draws come from their own stream
//! (`Stream::Aim`), so runs without them draw as before.

use serde::{Deserialize, Serialize};

use crate::raft::NodeId;
use crate::scenario::partitions;
use crate::scenario::{
    Action, ClockOptions, DiskOptions, FaultKind, FaultKinds, NemesisOptions, NetworkOptions, ProtocolOptions, Scenario,
};

use super::rng::Rng;

/// The world one run runs in: the scenario's own options under a fixed mix, else what the seed
/// drew for itself under swarm testing. The same option types as the scenario's, so a draw can
/// be written back into a scenario (the shrinker does) and printed as one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorldParameters {
    /// The random faults in force: kinds, weights (the scenario's, never drawn), intervals and
    /// downtimes. Its `swarm` switches are the scenario's.
    pub nemesis: NemesisOptions,
    /// The network in force during the safety phase.
    pub network: NetworkOptions,
    /// The disks: fsync latency and torn tails.
    pub disk: DiskOptions,
    /// The clocks' largest rate error.
    pub clock: ClockOptions,
    /// The cluster size in force.
    pub nodes: u32,
    /// The protocol options in force.
    pub protocol: ProtocolOptions,
}

/// The scenario's fields (as paths; a path covers everything under it) that a seed draws for
/// itself under swarm testing, overriding what the scenario gives: the page greys them out.
pub const SWARM_DRAWN: [&str; 12] = [
    "nemesis.kinds",
    "nemesis.interval_us_min",
    "nemesis.interval_us_max",
    "nemesis.downtime_us_min",
    "nemesis.downtime_us_max",
    "network.latency_us_max",
    "network.straggler_ppm",
    "network.straggler_us_max",
    "network.drop_ppm",
    "network.duplicate_ppm",
    "disk",
    "clock.drift_ppm_max",
];

/// What a seed draws as well with `swarm_cluster` (the cluster size too, up to the scenario's).
pub const SWARM_CLUSTER_DRAWN: [&str; 7] = [
    "protocol.prevote",
    "protocol.check_quorum",
    "protocol.election_timeout_us_min",
    "protocol.election_timeout_us_max",
    "protocol.heartbeat_interval_us",
    "protocol.inflight_appends_max",
    "protocol.entries_per_append_max",
];

impl WorldParameters {
    /// The scenario's parameters as given, drawing nothing.
    pub fn given(scenario: &Scenario) -> Self {
        WorldParameters {
            nemesis: scenario.nemesis.clone(),
            network: scenario.network.clone(),
            disk: scenario.disk.clone(),
            clock: scenario.clock.clone(),
            nodes: scenario.nodes,
            protocol: scenario.protocol.clone(),
        }
    }

    /// Writes this world into `scenario` as a fixed mix, with no swarm draw left: the scenario
    /// then runs the same world without drawing it.
    pub fn fix_into(self, scenario: &mut Scenario) {
        scenario.nemesis = NemesisOptions { swarm: false, swarm_cluster: false, ..self.nemesis };
        scenario.network = self.network;
        scenario.disk = self.disk;
        scenario.clock = self.clock;
        scenario.nodes = self.nodes;
        scenario.protocol = self.protocol;
    }

    /// Draws a seed's own mix: each fault kind on with probability one half, rates anywhere from
    /// calm to harsh, so that a sweep covers quiet runs, busy runs and everything between.
    /// Downtimes span a supervisor's instant restart (1 ms) to seconds, and disks a fast SSD to
    /// a loaded cloud volume: the short windows (a vote sent before its fsync, a leader's
    /// unsynced entry) are where durability bugs hide.
    pub fn drawn(rng: &mut Rng, scenario: &Scenario) -> Self {
        let coin = |rng: &mut Rng| rng.chance(500_000);
        let mut kinds = FaultKinds::default();
        for kind in FaultKind::ALL {
            kinds.set(kind, coin(rng));
        }
        let interval_us_min = rng.between(50_000, 500_000);
        let interval_us_max = interval_us_min * rng.between(2, 8);
        let downtime_us_min = rng.pick(&[1_000, 10_000, 50_000, 200_000]);
        let downtime_us_max = downtime_us_min * rng.between(2, 10);
        let rate = |rng: &mut Rng, max_ppm: u32| if coin(rng) { rng.between_u32(0, max_ppm) } else { 0 };
        let network = NetworkOptions {
            latency_us_min: scenario.network.latency_us_min,
            latency_us_max: rng.between(scenario.network.latency_us_min, 20_000),
            straggler_ppm: rate(rng, 20_000),
            straggler_us_max: rng.between(10_000, 300_000),
            drop_ppm: rate(rng, 100_000),
            duplicate_ppm: rate(rng, 50_000),
        };
        // A local SSD, a network volume, or a disk loaded enough that each fsync takes tens of
        // milliseconds (etcd warns above 10 ms).
        let fsync_us_min = rng.pick(&[100, 1_000, 20_000]);
        let disk = DiskOptions {
            fsync_us_min,
            fsync_us_max: fsync_us_min * rng.between(2, 5),
            torn_tail_ppm: rate(rng, 1_000_000),
        };
        let drift_ppm_max = rate(rng, 2_000);
        let (nodes, protocol) = if scenario.nemesis.swarm_cluster {
            (rng.between_u32(1, scenario.nodes), draw_protocol(rng, &scenario.protocol))
        } else {
            (scenario.nodes, scenario.protocol.clone())
        };
        assert!(interval_us_min <= interval_us_max && downtime_us_min <= downtime_us_max, "ranges are ordered");
        assert!(network.latency_us_min <= network.latency_us_max, "latencies are ordered");
        let nemesis = NemesisOptions {
            kinds,
            interval_us_min,
            interval_us_max,
            downtime_us_min,
            downtime_us_max,
            ..scenario.nemesis.clone()
        };
        let mut parameters =
            WorldParameters { nemesis, network, disk, clock: ClockOptions { drift_ppm_max }, nodes, protocol };
        if rng.chance(DEEP_SEED_PPM) {
            parameters.deepen(rng, scenario);
        }
        if scenario.nemesis.swarm_cluster && rng.chance(UPGRADE_SEED_PPM) {
            parameters.upgrade(rng, scenario);
        }
        parameters
    }

    /// A deep seed (one in four): the faults aimed at protocol moments all on, and a world
    /// that lets commits happen (no drops, no torn tails, one entry per append, an odd
    /// cluster of three or five), since drops and lost writes suppress the partly
    /// replicated, multi-term states deep bugs need.
    fn deepen(&mut self, rng: &mut Rng, scenario: &Scenario) {
        let aimed = [
            FaultKind::CutLeader,
            FaultKind::CrashAfterCommit,
            FaultKind::CrashAfterVote,
            FaultKind::RivalCandidate,
            FaultKind::StaleVotes,
            FaultKind::StaleAppends,
            FaultKind::LongerOlderCandidate,
            FaultKind::HeartbeatFirst,
        ];
        for kind in aimed {
            self.nemesis.kinds.set(kind, true);
        }
        self.network.drop_ppm = 0;
        self.disk.torn_tail_ppm = 0;
        if scenario.nemesis.swarm_cluster {
            self.protocol.entries_per_append_max = 1;
            self.nodes = if rng.chance(500_000) { 3 } else { 5 }.min(scenario.nodes);
        }
    }

    /// An upgrade seed (one in eight): a rolling upgrade to PreVote in an even cluster of two
    /// or four nodes whose leader is cut off now and then (etcd #8501's setting: nodes without
    /// PreVote raise their terms while cut off, then restart with it).
    fn upgrade(&mut self, rng: &mut Rng, scenario: &Scenario) {
        for kind in [FaultKind::Upgrade, FaultKind::CutLeader, FaultKind::Partition] {
            self.nemesis.kinds.set(kind, true);
        }
        self.network.drop_ppm = 0;
        self.protocol.prevote = false;
        self.nodes = if rng.chance(500_000) { 2 } else { 4 }.min(scenario.nodes);
    }
}

/// Protocol options drawn for one seed: PreVote and CheckQuorum on or off, timeouts from short
/// to long, batches of one entry to many, windows of one append to many. Bug switches are kept.
fn draw_protocol(rng: &mut Rng, base: &ProtocolOptions) -> ProtocolOptions {
    let election_timeout_us_min = rng.between(50_000, 300_000);
    let protocol = ProtocolOptions {
        prevote: rng.chance(500_000),
        check_quorum: rng.chance(500_000),
        election_timeout_us_min,
        election_timeout_us_max: election_timeout_us_min * rng.between(2, 4),
        heartbeat_interval_us: election_timeout_us_min / rng.between(3, 10),
        inflight_appends_max: rng.between_u32(1, 8),
        entries_per_append_max: rng.pick(&[1, 2, 4, 64]),
        bugs: base.bugs,
    };
    assert!(protocol.heartbeat_interval_us < protocol.election_timeout_us_min, "heartbeats beat elections");
    assert!(protocol.election_timeout_us_min < protocol.election_timeout_us_max, "timeouts are randomized");
    protocol
}

/// A fault, and the action that undoes it after a downtime (none for a clock jump).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// The fault.
    pub action: Action,
    /// Its undoing and the delay before it.
    pub undo: Option<(u64, Action)>,
}

/// The chance that a swarm seed is deep (see [`WorldParameters::drawn`]).
pub const DEEP_SEED_PPM: u32 = 250_000;

/// The chance that a swarm seed is an upgrade seed (see [`WorldParameters::drawn`]).
pub const UPGRADE_SEED_PPM: u32 = 125_000;

/// With `crash_new_leader`, the chance that a newly elected leader is crashed.
pub const NEW_LEADER_CRASH_PPM: u32 = 500_000;
/// With `crash_during_fsync`, the chance that a node issuing writes loses power before they are
/// synced.
pub const FSYNC_CRASH_PPM: u32 = 5_000;

/// With `cut_leader`, the chance that a new leader is cut off.
pub const NEW_LEADER_CUT_PPM: u32 = 500_000;
/// With `cut_leader`, the chance that a leader is cut off after appending a command.
pub const APPEND_CUT_PPM: u32 = 100_000;
/// With `cut_leader`, the chance that a cut is one way only: the leader still reaches its
/// followers, which keep hearing it, but hears nothing back, for longer than LeaderAvailability's
/// bound. Only CheckQuorum makes such a leader step down and lets the others elect one that can
/// commit; without the cut outlasting the bound, a leader that never steps down goes unseen.
pub const ONE_WAY_CUT_PPM: u32 = 250_000;
/// With `crash_after_commit`, the chance that a leader is crashed after its commit index moves.
pub const COMMIT_CRASH_PPM: u32 = 250_000;
/// With `crash_after_vote`, the chance that a node is crashed after granting a vote.
pub const VOTE_CRASH_PPM: u32 = 500_000;
/// With `rival_candidate`, the chance that a node of an older term campaigns as another starts.
pub const RIVAL_CANDIDATE_PPM: u32 = 500_000;
/// With `stale_votes`, the chance that an answer to a vote is held back.
pub const STALE_VOTE_PPM: u32 = 250_000;
/// With `stale_votes`, the most answers held back at once (the oldest goes first).
pub const VOTES_HELD_MAX: usize = 64;
/// With `stale_appends`, the chance that a leader's AppendEntries carrying entries is held back.
pub const STALE_APPEND_PPM: u32 = 50_000;
/// With `longer_older_candidate`, the chance that a commit made while such a node exists
/// cuts the leader off and makes the node campaign.
pub const LONGER_OLDER_PPM: u32 = 500_000;
/// With `heartbeat_first`, the chance that an AppendEntries to a follower whose log conflicts
/// with the leader's commit waits for a heartbeat.
pub const HEARTBEAT_FIRST_PPM: u32 = 500_000;
/// With `stale_appends` or `heartbeat_first`, the most AppendEntries held back at once (the
/// oldest goes first).
pub const APPENDS_HELD_MAX: usize = 64;

/// What the nemesis may aim at: each node's state, by node id, and the leader.
#[derive(Clone, Debug, Default)]
pub struct Targets {
    /// Whether each node runs.
    pub running: Vec<bool>,
    /// Whether each node is paused.
    pub paused: Vec<bool>,
    /// Whether each node runs (or will restart) with PreVote.
    pub prevote: Vec<bool>,
    /// The running leader of the highest term.
    pub leader: Option<NodeId>,
}

/// Chooses the next random fault among the enabled kinds. `None` if the kind drawn does not
/// apply now (a crash of a node already down, a partition of one node).
pub fn choose_fault(rng: &mut Rng, parameters: &WorldParameters, targets: &Targets) -> Option<Fault> {
    // The targeted kinds strike at events, not at the nemesis's ticks.
    let ticked = |kind: FaultKind| parameters.nemesis.kinds.get(kind) && !kind.targeted();
    let weights: Vec<u32> =
        FaultKind::ALL.into_iter().map(|kind| u32::from(ticked(kind)) * parameters.nemesis.weights.get(kind)).collect();
    if weights.iter().all(|&weight| weight == 0) {
        return None;
    }
    let nodes = NodeId::try_from(targets.running.len()).expect("node ids are small");
    assert!(nodes >= 1 && targets.paused.len() == nodes as usize, "targets describe every node");
    assert_eq!(targets.prevote.len(), nodes as usize, "targets describe every node");
    let node = rng.between_u32(1, nodes);
    let downtime = rng.between(parameters.nemesis.downtime_us_min, parameters.nemesis.downtime_us_max);
    let index = crate::raft::position_of(node);
    let fault = match FaultKind::ALL[rng.weighted(&weights)] {
        FaultKind::Crash if targets.running[index] => {
            Fault { action: Action::Crash { node }, undo: Some((downtime, Action::Restart { node })) }
        }
        FaultKind::Pause if targets.running[index] && !targets.paused[index] => {
            Fault { action: Action::Pause { node }, undo: Some((downtime, Action::Resume { node })) }
        }
        FaultKind::Partition if nodes > 1 => {
            Fault { action: draw_partition(rng, nodes), undo: Some((downtime, Action::Heal)) }
        }
        FaultKind::Hold if nodes > 1 => {
            let to = (node + rng.between_u32(1, nodes - 1) - 1) % nodes + 1;
            Fault {
                action: Action::Hold { from: node, to },
                undo: Some((downtime, Action::Release { from: node, to })),
            }
        }
        FaultKind::ClockJump => {
            Fault { action: Action::ClockJump { node, by_us: rng.between_signed(-500_000, 500_000) }, undo: None }
        }
        FaultKind::CrashLeader if targets.leader.is_some() => {
            Fault { action: Action::CrashLeader { downtime_us: downtime }, undo: None }
        }
        // A rolling upgrade: nodes move one at a time from the seed's PreVote setting to the
        // other, never back.
        FaultKind::Upgrade if targets.prevote.contains(&parameters.protocol.prevote) => {
            // The next node not upgraded yet, from the one drawn on: every tick of the kind
            // moves the upgrade on, so it can finish within the run.
            let next = (0..nodes as usize)
                .map(|step| (index + step) % nodes as usize)
                .find(|&position| targets.prevote[position] == parameters.protocol.prevote)
                .expect("a node not upgraded yet");
            let node = crate::raft::id_at(next);
            Fault { action: Action::Upgrade { node, prevote: !parameters.protocol.prevote }, undo: None }
        }
        // The kind does not apply now (its node is down, or alone, or no one leads).
        FaultKind::Crash
        | FaultKind::Pause
        | FaultKind::Partition
        | FaultKind::Hold
        | FaultKind::CrashLeader
        | FaultKind::Upgrade => return None,
        FaultKind::CrashNewLeader
        | FaultKind::CrashDuringFsync
        | FaultKind::CutLeader
        | FaultKind::RivalCandidate
        | FaultKind::CrashAfterCommit
        | FaultKind::CrashAfterVote
        | FaultKind::StaleVotes
        | FaultKind::StaleAppends
        | FaultKind::LongerOlderCandidate
        | FaultKind::HeartbeatFirst => unreachable!("targeted kinds weigh 0 here"),
    };
    Some(fault)
}

/// One of the partition shapes: a random split, a minority cut off, an isolated node, a one-way
/// cut, or a bridge.
fn draw_partition(rng: &mut Rng, nodes: u32) -> Action {
    assert!(nodes >= 2, "a partition needs two nodes");
    let mut shuffled: Vec<NodeId> = (1..=nodes).collect();
    for position in (1..shuffled.len()).rev() {
        let other = rng.position_below(position + 1);
        shuffled.swap(position, other);
    }
    let cut = rng.between_u32(1, nodes - 1) as usize;
    match rng.below(5) {
        0 => partitions::cut_after(&shuffled, cut),
        1 => partitions::cut_after(&shuffled, partitions::minority_size(nodes as usize).max(1)),
        2 => Action::Isolate { node: shuffled[0] },
        3 => Action::OneWay { from: shuffled[..cut].to_vec(), to: shuffled[cut..].to_vec() },
        _ if nodes >= 3 => {
            let middle = rng.between_u32(1, nodes - 2) as usize + 1;
            let bridge = shuffled[0];
            let side = |others: &[NodeId]| std::iter::once(bridge).chain(others.iter().copied()).collect();
            partitions::bridged(bridge, side(&shuffled[1..middle]), side(&shuffled[middle..]))
        }
        _ => partitions::cut_after(&shuffled, cut),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::Stream;

    #[test]
    fn seeds_draw_different_mixes_and_the_same_seed_the_same_one() {
        let scenario = Scenario::default();
        let draw = |seed| WorldParameters::drawn(&mut Rng::new(seed, Stream::Swarm), &scenario);
        assert_eq!(draw(7), draw(7));
        let distinct: std::collections::BTreeSet<String> = (0..20).map(|seed| format!("{:?}", draw(seed))).collect();
        assert!(distinct.len() > 15);
    }

    #[test]
    fn faults_only_target_what_they_can_apply_to() {
        let scenario = Scenario::default();
        let mut parameters = WorldParameters::given(&scenario);
        parameters.nemesis.kinds = FaultKinds { crash: true, ..FaultKinds::default() };
        let mut rng = Rng::new(3, Stream::Nemesis);
        let targets = Targets {
            running: vec![false, true, false],
            paused: vec![false; 3],
            prevote: vec![false; 3],
            leader: None,
        };
        for _ in 0..100 {
            if let Some(fault) = choose_fault(&mut rng, &parameters, &targets) {
                assert_eq!(fault.action, Action::Crash { node: 2 }, "only node 2 runs");
            }
        }
    }

    #[test]
    fn weights_set_how_often_each_kind_is_picked() {
        let scenario = Scenario::default();
        let mut parameters = WorldParameters::given(&scenario);
        parameters.nemesis.kinds = FaultKinds { crash: true, partition: true, ..FaultKinds::default() };
        parameters.nemesis.weights.crash = 9;
        let targets = Targets { running: vec![true; 5], paused: vec![false; 5], prevote: vec![false; 5], leader: None };
        let mut rng = Rng::new(4, Stream::Nemesis);
        let (mut crashes, mut partitions) = (0, 0);
        for _ in 0..2_000 {
            match choose_fault(&mut rng, &parameters, &targets).map(|fault| fault.action) {
                Some(Action::Crash { .. }) => crashes += 1,
                Some(_) => partitions += 1,
                None => {}
            }
        }
        assert!((1_700..=1_900).contains(&crashes), "about nine crashes for each partition: {crashes} to {partitions}");
        parameters.nemesis.weights.crash = 0;
        assert!((0..200).all(|_| !matches!(
            choose_fault(&mut rng, &parameters, &targets),
            Some(Fault { action: Action::Crash { .. }, .. })
        )));
    }

    #[test]
    fn every_partition_shape_names_valid_nodes() {
        let mut rng = Rng::new(9, Stream::Nemesis);
        for nodes in 2..=9 {
            for _ in 0..50 {
                let action = draw_partition(&mut rng, nodes);
                assert!(action.nodes().iter().all(|&node| (1..=nodes).contains(&node)), "{action:?}");
            }
        }
    }
}

#[cfg(test)]
mod drawn_tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::scenario::preset;

    /// The scenario a seed's parameters amount to, flattened to `path = value` lines.
    fn effective(scenario: &Scenario, parameters: &WorldParameters) -> BTreeSet<String> {
        let mut drawn = scenario.clone();
        drawn.network = parameters.network.clone();
        drawn.disk = parameters.disk.clone();
        drawn.clock.drift_ppm_max = parameters.clock.drift_ppm_max;
        drawn.nemesis.kinds = parameters.nemesis.kinds;
        drawn.nemesis.interval_us_min = parameters.nemesis.interval_us_min;
        drawn.nemesis.interval_us_max = parameters.nemesis.interval_us_max;
        drawn.nemesis.downtime_us_min = parameters.nemesis.downtime_us_min;
        drawn.nemesis.downtime_us_max = parameters.nemesis.downtime_us_max;
        drawn.protocol = parameters.protocol.clone();
        let mut lines = BTreeSet::new();
        flatten("", &serde_json::to_value(&drawn).expect("serializes"), &mut lines);
        lines
    }

    fn flatten(path: &str, value: &serde_json::Value, lines: &mut BTreeSet<String>) {
        match value {
            serde_json::Value::Object(fields) => {
                for (name, field) in fields {
                    let inner = if path.is_empty() { name.clone() } else { format!("{path}.{name}") };
                    flatten(&inner, field, lines);
                }
            }
            other => {
                lines.insert(format!("{path} = {other}"));
            }
        }
    }

    fn paths_changed(scenario: &Scenario) -> BTreeSet<String> {
        let mut changed = BTreeSet::new();
        for seed in 1..=60 {
            let seeded = Scenario { seed, ..scenario.clone() };
            let given = effective(&seeded, &WorldParameters::given(&seeded));
            let drawn = WorldParameters::drawn(&mut Rng::new(seed, super::super::rng::Stream::Swarm), &seeded);
            for line in effective(&seeded, &drawn).difference(&given) {
                changed.insert(line.split(" = ").next().expect("a path").to_string());
            }
        }
        changed
    }

    fn covered(path: &str, listed: &[&str]) -> bool {
        listed.iter().any(|prefix| path == *prefix || path.starts_with(&format!("{prefix}.")))
    }

    #[test]
    fn the_listed_fields_are_exactly_those_a_seed_draws() {
        let swarm = preset("default").expect("a preset");
        let changed = paths_changed(&swarm);
        for path in &changed {
            assert!(covered(path, &SWARM_DRAWN), "{path} is drawn but not listed");
        }
        for listed in SWARM_DRAWN {
            assert!(changed.iter().any(|path| covered(path, &[listed])), "{listed} is listed but never drawn");
        }
        let cluster = preset("swarm").expect("a preset");
        let all: Vec<&str> = SWARM_DRAWN.iter().chain(&SWARM_CLUSTER_DRAWN).copied().collect();
        let changed = paths_changed(&cluster);
        for path in &changed {
            assert!(covered(path, &all), "{path} is drawn under swarm_cluster but not listed");
        }
        for listed in SWARM_CLUSTER_DRAWN {
            assert!(changed.iter().any(|path| covered(path, &[listed])), "{listed} is listed but never drawn");
        }
    }
}
