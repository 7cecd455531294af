//! Named scenarios that show one behaviour each, for the page's menu and the tests.

use super::tours::{tour_description, tour_preset, TOUR_NAMES};
use super::{Action, FaultKinds, NemesisOptions, Scenario, Scripted};

/// Every preset, in menu order. The page opens the first.
pub const PRESET_NAMES: [&str; 10] = [
    "classroom",
    "default",
    "swarm",
    "calm-election",
    "leader-crash",
    "minority-partition",
    "majority-partition",
    "flaky-network",
    "clock-drift",
    "disk-loss-on-crash",
];

/// The runs whose trace hashes `tests/golden/trace_hashes.json` pins, natively and in every
/// browser: 128 seeds of each preset (the scenarios, then the tours), each run shortened to 3 simulated seconds (1.5 s of faults,
/// 1.5 s of recovery) so that the browsers check them all (1,280) quickly.
pub fn determinism_corpus() -> Vec<Scenario> {
    let mut runs = Vec::new();
    for name in PRESET_NAMES.into_iter().chain(TOUR_NAMES) {
        for seed in 1..=128 {
            let mut scenario = preset(name).expect("listed presets exist");
            scenario.seed = seed;
            scenario.phases.safety_us = 1_500_000;
            scenario.phases.liveness_us = 1_500_000;
            scenario.phases.leader_bound_us = 1_000_000;
            scenario.phases.op_bound_us = 400_000;
            scenario
                .script
                .retain(|scripted| scripted.at_us <= scenario.phases.safety_us + scenario.phases.liveness_us);
            runs.push(scenario);
        }
    }
    runs
}

/// What the preset called `name` (a scenario or a tour) shows, in one line for the page's menu
/// and the CLI; `None` for an unknown name.
pub fn preset_description(name: &str) -> Option<&'static str> {
    let description = match name {
        "classroom" => "The Raft of the paper's Figure 2 (no PreVote, no CheckQuorum; Settings adds them): a calm cluster on a slow network with long timeouts, so every message can be followed by eye. Nothing breaks until you break it.",
        "default" => "Five nodes, three clients; the seed draws its own mix of faults (crashes, pauses, partitions, clock jumps) for 5 s, then everything heals.",
        "swarm" => "Swarm testing at its widest: the seed also draws the cluster size (1 to 5), PreVote, CheckQuorum and the timeouts.",
        "calm-election" => "No faults at all: an election, then steady replication of the clients' requests.",
        "leader-crash" => "The leader crashes at 1.5 s and comes back a second later; the others elect a new leader meanwhile.",
        "minority-partition" => "Nodes 4 and 5 are cut off from 1 to 3 s; the majority side keeps committing, the minority cannot.",
        "majority-partition" => "The cluster splits three ways from 1 to 3 s: no side has a majority, so nothing commits until the heal.",
        "flaky-network" => "5% of messages lost, 2% duplicated, stragglers and a wide latency spread that reorders messages.",
        "clock-drift" => "Clocks run up to 5% fast or slow, and two of them jump: timeouts fire early or late.",
        "disk-loss-on-crash" => "Random crashes with slow disks: a crash loses writes not yet fsynced, and sometimes tears the last one.",
        _ => return tour_description(name),
    };
    Some(description)
}

/// The preset called `name` (a scenario or a tour), with seed 1; `None` for an unknown name.
pub fn preset(name: &str) -> Option<Scenario> {
    let scenario = match name {
        "classroom" => classroom(),
        "default" => Scenario::default(),
        "swarm" => swarm(),
        "calm-election" => calm("calm-election"),
        "leader-crash" => leader_crash(),
        "minority-partition" => minority_partition(),
        "majority-partition" => majority_partition(),
        "flaky-network" => flaky_network(),
        "clock-drift" => clock_drift(),
        "disk-loss-on-crash" => disk_loss_on_crash(),
        _ => return tour_preset(name),
    };
    Some(scenario)
}

/// Swarm testing at its widest: each seed draws its faults, rates, cluster size (1 to 5) and
/// protocol options. The sweep's default.
fn swarm() -> Scenario {
    let mut scenario = Scenario { name: "swarm".into(), ..Scenario::default() };
    scenario.nemesis.swarm_cluster = true;
    scenario
}

/// No random faults: what the scenario shows comes from its script.
pub(super) fn calm(name: &str) -> Scenario {
    Scenario {
        name: name.into(),
        nemesis: NemesisOptions { swarm: false, kinds: FaultKinds::default(), ..NemesisOptions::default() },
        ..Scenario::default()
    }
}

/// Made to be watched: messages take 10 to 30 ms, a tenth of the election timeout, as in the
/// animations people learn Raft from, and two unhurried clients make the log grow at a pace the
/// eye can follow. No faults; two minutes of run before the liveness phase.
/// The classroom's paced world: messages take 10 to 30 ms, a tenth of the 300 to 600 ms
/// election timeout, so each can be followed by eye; no random faults. The guided tours share it.
pub(super) fn paced(name: &str) -> Scenario {
    let mut scenario = calm(name);
    scenario.network.latency_us_min = 10_000;
    scenario.network.latency_us_max = 30_000;
    scenario.network.straggler_ppm = 0;
    scenario.protocol.election_timeout_us_min = 300_000;
    scenario.protocol.election_timeout_us_max = 600_000;
    scenario.protocol.heartbeat_interval_us = 100_000;
    scenario.workload.attempt_timeout_us = 1_000_000;
    scenario.workload.op_timeout_us = 4_000_000;
    scenario
}

/// The paper's Raft (Figure 2), without PreVote and CheckQuorum: a reader of the paper meets
/// only what it describes; the settings add each extension, with its words.
fn classroom() -> Scenario {
    let mut scenario = paced("classroom");
    scenario.protocol.prevote = false;
    scenario.protocol.check_quorum = false;
    scenario.workload.clients = 2;
    scenario.workload.think_us_min = 400_000;
    scenario.workload.think_us_max = 1_200_000;
    scenario.phases.safety_us = 120_000_000;
    scenario.phases.liveness_us = 10_000_000;
    scenario.phases.leader_bound_us = 3_000_000;
    scenario.phases.op_bound_us = 3_000_000;
    scenario
}

/// `action`, scripted at `at_ms` milliseconds.
pub(super) fn at(at_ms: u64, action: Action) -> Scripted {
    Scripted { at_us: at_ms * 1_000, action }
}

/// The leader crashes at 1.5 s and comes back 1 s later; the others elect a new leader.
fn leader_crash() -> Scenario {
    let script = vec![at(1_500, Action::CrashLeader { downtime_us: 1_000_000 })];
    Scenario { script, ..calm("leader-crash") }
}

/// Two of five nodes are cut off for two seconds; the majority side keeps committing.
fn minority_partition() -> Scenario {
    let script =
        vec![at(1_000, Action::Partition { groups: vec![vec![1, 2, 3], vec![4, 5]] }), at(3_000, Action::Heal)];
    Scenario { script, ..calm("minority-partition") }
}

/// The cluster splits three ways and no side has a majority: nothing commits until the heal.
fn majority_partition() -> Scenario {
    let groups = vec![vec![1, 2], vec![3, 4], vec![5]];
    let script = vec![at(1_000, Action::Partition { groups }), at(3_000, Action::Heal)];
    Scenario { script, ..calm("majority-partition") }
}

/// Loss, duplicates, stragglers and a wide latency spread that reorders messages.
fn flaky_network() -> Scenario {
    let mut scenario = calm("flaky-network");
    scenario.network.latency_us_max = 20_000;
    scenario.network.drop_ppm = 50_000;
    scenario.network.duplicate_ppm = 20_000;
    scenario.network.straggler_ppm = 10_000;
    scenario
}

/// Clocks run up to 5% fast or slow, and two jump.
fn clock_drift() -> Scenario {
    let mut scenario = calm("clock-drift");
    scenario.clock.drift_ppm_max = 50_000;
    scenario.script = vec![
        at(1_500, Action::ClockJump { node: 1, by_us: 400_000 }),
        at(2_500, Action::ClockJump { node: 2, by_us: -300_000 }),
    ];
    scenario
}

/// Random crashes with slow disks, so crashes lose unsynced writes, and torn tails.
fn disk_loss_on_crash() -> Scenario {
    let mut scenario = calm("disk-loss-on-crash");
    scenario.nemesis.kinds = FaultKinds { crash: true, ..FaultKinds::default() };
    scenario.disk.fsync_us_min = 5_000;
    scenario.disk.fsync_us_max = 20_000;
    scenario.disk.torn_tail_ppm = 500_000;
    scenario
}

/// A function that builds a scenario.
type BuildScenario = fn() -> Scenario;

/// Each catalogued bug's scenario, in the catalogue's order (a test holds them together).
const BUG_PRESETS: [(&str, BuildScenario); 9] = [
    ("figure8_commit", figure8),
    ("stale_vote_counted", stale_vote_counted),
    ("lone_voter_no_reelect", lone_voter),
    ("vote_before_durable", vote_before_durable),
    ("stale_append_truncates", reordering_network),
    ("leader_counts_unsynced_self", slow_disks),
    ("prevote_low_term_deadlock", prevote_rolling_upgrade),
    ("claims_durable", slow_disks),
    ("ack_before_durable", slow_follower_disks),
];

/// What a bug's preset is called: the prefix, then the bug's switch name.
pub const BUG_PRESET_PREFIX: &str = "bug-";

/// Every name [`any_preset`] accepts, in menu order: the scenario presets, the tours, then
/// `bug-<name>` for each bug preset. Read from the two tables, so that a list shown to people (the CLI's help)
/// cannot fall behind them.
pub fn all_preset_names() -> Vec<String> {
    let bugs = BUG_PRESETS.iter().map(|(bug, _)| format!("{BUG_PRESET_PREFIX}{bug}"));
    PRESET_NAMES.iter().chain(&TOUR_NAMES).map(|name| name.to_string()).chain(bugs).collect()
}

/// The preset called `name`: a scenario preset, or `bug-<name>` for a catalogued bug's.
pub fn any_preset(name: &str) -> Option<Scenario> {
    match name.strip_prefix(BUG_PRESET_PREFIX) {
        Some(bug) => bug_preset(bug),
        None => preset(name),
    }
}

/// A scenario that shows the catalogued bug `name` failing a check within a few simulated
/// seconds, with the bug switched on; `None` for a bug without one yet. Off, the same scenario
/// passes.
pub fn bug_preset(name: &str) -> Option<Scenario> {
    let (_, build) = BUG_PRESETS.iter().find(|(bug, _)| *bug == name)?;
    let mut scenario = build();
    scenario.name = format!("{BUG_PRESET_PREFIX}{name}");
    scenario.protocol.bugs = crate::raft::Bugs::only(name).expect("catalogued");
    Some(scenario)
}

/// Short phases, so a liveness failure shows within seconds.
fn short(mut scenario: Scenario) -> Scenario {
    scenario.phases.safety_us = 1_500_000;
    scenario.phases.liveness_us = 1_500_000;
    scenario.phases.leader_bound_us = 1_000_000;
    scenario.phases.op_bound_us = 500_000;
    scenario
}

/// Fixed latency and fsync, long natural timeouts, no PreVote or CheckQuorum: the script alone
/// decides who campaigns when, to the microsecond.
fn clockwork(nodes: u32) -> Scenario {
    let mut scenario = calm("clockwork");
    scenario.nodes = nodes;
    scenario.network.latency_us_min = 5_000;
    scenario.network.latency_us_max = 5_000;
    scenario.network.straggler_ppm = 0;
    scenario.disk.fsync_us_min = 1_000;
    scenario.disk.fsync_us_max = 1_000;
    scenario.protocol.prevote = false;
    scenario.protocol.check_quorum = false;
    scenario.protocol.election_timeout_us_min = 2_000_000;
    scenario.protocol.election_timeout_us_max = 2_500_000;
    scenario
}

/// Figure 8 of the Raft paper, step by step, with one entry per AppendEntries and no clients.
/// (a) S1 leads term 1 and replicates index 2 (term 1) to S2 only, then crashes. (b) S5 wins
/// term 2 with S3 and S4, appends index 2 (term 2) alone, and crashes. (c) S1 restarts and wins
/// term 3; its one-entry AppendEntries put index 2 (term 1) on S3 before its term-3 no-op, so
/// with the bug S1 counts index 2 committed. S1 is cut off and crashes. (d) S5 restarts and wins
/// term 4 with S3 and S4, lacking the committed entry, and would overwrite it. The checker
/// stops the run at (c), the moment S1 breaks the rule (LeaderCommitsOwnTermInv).
fn figure8() -> Scenario {
    let mut scenario = clockwork(5);
    scenario.workload.clients = 0;
    scenario.protocol.entries_per_append_max = 1;
    let put = crate::raft::Op::Put { key: "x".into(), value: "a".into() };
    scenario.script = vec![
        at(10, Action::ForceTimeout { node: 1 }),
        at(100, Action::Partition { groups: vec![vec![1, 2], vec![3, 4, 5]] }),
        at(110, Action::ClientRequest { node: 1, op: put }),
        at(200, Action::Crash { node: 1 }),
        at(210, Action::ForceTimeout { node: 5 }),
        at(225, Action::Isolate { node: 5 }),
        at(230, Action::Crash { node: 5 }),
        at(240, Action::Restart { node: 1 }),
        at(240, Action::Partition { groups: vec![vec![1, 2, 3], vec![4], vec![5]] }),
        at(250, Action::ForceTimeout { node: 1 }),
        at(300, Action::ForceTimeout { node: 1 }),
        at(334, Action::Partition { groups: vec![vec![1], vec![2, 3], vec![4], vec![5]] }),
        at(336, Action::Crash { node: 1 }),
        at(340, Action::Restart { node: 5 }),
        at(340, Action::Partition { groups: vec![vec![3, 4, 5], vec![1], vec![2]] }),
        at(350, Action::ForceTimeout { node: 5 }),
        at(400, Action::ForceTimeout { node: 5 }),
    ];
    short(scenario)
}

/// One node crashes and restarts; with the bug it never counts its own vote again.
fn lone_voter() -> Scenario {
    let mut scenario = short(calm("lone-voter"));
    scenario.nodes = 1;
    scenario.script = vec![at(500, Action::Crash { node: 1 }), at(700, Action::Restart { node: 1 })];
    scenario
}

/// Node 1 wins term 1 with node 3's vote, which node 3 sent before its slow fsync finished; node
/// 3 crashes before the vote is durable, restarts having never voted, and elects node 2 in the
/// same term. Without the bug the vote waits for the disk, the crash prevents it, and node 1
/// does not win. The checker stops the run as node 3's grant leaves ahead of its fsync
/// (VoteDurableInv), before the second leader it would lead to.
fn vote_before_durable() -> Scenario {
    let mut scenario = clockwork(3);
    scenario.disk.fsync_us_min = 100_000;
    scenario.disk.fsync_us_max = 100_000;
    scenario.protocol.election_timeout_us_min = 400_000;
    scenario.protocol.election_timeout_us_max = 450_000;
    scenario.script = vec![
        at(0, Action::Partition { groups: vec![vec![1, 3], vec![2]] }),
        at(10, Action::ForceTimeout { node: 1 }),
        at(200, Action::Crash { node: 3 }),
        at(250, Action::Partition { groups: vec![vec![1], vec![2, 3]] }),
        at(251, Action::Restart { node: 3 }),
    ];
    short(scenario)
}

/// Node 2's term-1 grant to node 1 is held in the network; node 3 wins term 2 with node 2's
/// vote; node 1 campaigns in term 2, and the old grant is released into that campaign. With the
/// bug node 1 counts it and becomes a second leader of term 2, with one vote of term 2: the
/// checker's LeaderVotesInv fires as it takes office.
fn stale_vote_counted() -> Scenario {
    let mut scenario = clockwork(3);
    scenario.script = vec![
        at(0, Action::Hold { from: 2, to: 1 }),
        at(0, Action::CutLink { a: 1, b: 3 }),
        at(10, Action::ForceTimeout { node: 1 }),
        // Node 3 never heard of term 1 (its link to node 1 is cut): its first campaign is in
        // term 1, which node 2 refuses, its second in term 2, which node 2 grants.
        at(100, Action::ForceTimeout { node: 3 }),
        at(150, Action::ForceTimeout { node: 3 }),
        at(200, Action::ForceTimeout { node: 1 }),
        at(300, Action::Release { from: 2, to: 1 }),
        at(400, Action::Heal),
    ];
    short(scenario)
}

/// Slow disks: followers acknowledge before the leader's own fsync completes.
fn slow_disks() -> Scenario {
    let mut scenario = short(calm("slow-disks"));
    scenario.nodes = 3;
    scenario.disk.fsync_us_min = 5_000;
    scenario.disk.fsync_us_max = 30_000;
    scenario.network.latency_us_max = 2_000;
    scenario
}

/// Node 1 leads three nodes whose fsyncs take 50 ms. With the bug a follower acknowledges node
/// 1's entries as soon as it has written them, before its fsync, and node 1 counts them toward
/// commitment: a crash of that follower now would leave a committed entry on fewer disks than a
/// quorum. The checker stops the run at the first acknowledgement ahead of the disk
/// (AckDurableInv). Without the bug the acknowledgement waits for the fsync.
fn slow_follower_disks() -> Scenario {
    let mut scenario = clockwork(3);
    scenario.disk.fsync_us_min = 50_000;
    scenario.disk.fsync_us_max = 50_000;
    scenario.script = vec![at(10, Action::ForceTimeout { node: 1 })];
    short(scenario)
}

/// A rolling upgrade to PreVote during a partition (etcd #8501, the deadlock of #8243). Node 1
/// leads four nodes without PreVote; the partition {1, 2} | {3, 4} leaves nodes 1 and 2 with a
/// longer log (an uncommitted put) while nodes 3 and 4, still without PreVote, campaign in vain
/// and raise their terms. Every node is then restarted with PreVote and the partition heals.
/// Nodes 3 and 4 hold the higher term and the stale log: nodes 1 and 2 refuse their pre-votes,
/// and with the bug nodes 3 and 4 ignore the lower-term pre-votes of nodes 1 and 2, so no side
/// reaches a quorum of three, ever. With the fix their refusal carries their term, node 1 or 2
/// adopts it, and its next pre-vote wins.
fn prevote_rolling_upgrade() -> Scenario {
    let mut scenario = clockwork(4);
    scenario.workload.clients = 0;
    scenario.protocol.election_timeout_us_min = 150_000;
    scenario.protocol.election_timeout_us_max = 300_000;
    let put = crate::raft::Op::Put { key: "x".into(), value: "a".into() };
    scenario.script = vec![
        at(10, Action::ForceTimeout { node: 1 }),
        at(100, Action::Partition { groups: vec![vec![1, 2], vec![3, 4]] }),
        at(110, Action::ClientRequest { node: 1, op: put }),
        at(800, Action::Upgrade { node: 3, prevote: true }),
        at(810, Action::Upgrade { node: 4, prevote: true }),
        at(820, Action::Upgrade { node: 2, prevote: true }),
        at(830, Action::Upgrade { node: 1, prevote: true }),
        at(900, Action::Heal),
    ];
    short(scenario)
}

/// A wide latency spread reorders AppendEntries, and duplicates replay old ones.
fn reordering_network() -> Scenario {
    let mut scenario = short(calm("reordering-network"));
    scenario.nodes = 3;
    scenario.network.latency_us_max = 20_000;
    scenario.network.duplicate_ppm = 50_000;
    scenario
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogued_bug_has_its_preset_in_order() {
        let presets: Vec<&str> = BUG_PRESETS.iter().map(|(bug, _)| *bug).collect();
        let catalogue: Vec<&str> = crate::raft::BUG_CATALOGUE.iter().map(|bug| bug.name).collect();
        assert_eq!(presets, catalogue);
        for bug in catalogue {
            let scenario = any_preset(&format!("{BUG_PRESET_PREFIX}{bug}")).expect("a preset");
            assert_eq!(scenario.protocol.bugs, crate::raft::Bugs::only(bug).expect("a switch"));
            scenario.validate().expect("valid");
        }
    }

    #[test]
    fn every_listed_name_is_a_preset_of_that_name() {
        let names = all_preset_names();
        assert_eq!(names.len(), PRESET_NAMES.len() + TOUR_NAMES.len() + BUG_PRESETS.len());
        assert!(names.contains(&"swarm".to_string()) && names.contains(&"bug-figure8_commit".to_string()));
        for name in names {
            let scenario = any_preset(&name).unwrap_or_else(|| panic!("{name} is listed but not a preset"));
            assert_eq!(scenario.name, name);
        }
    }

    #[test]
    fn every_preset_is_valid_and_named_as_listed() {
        for name in PRESET_NAMES {
            let scenario = preset(name).expect("listed presets exist");
            assert_eq!(scenario.name, name);
            scenario.validate().unwrap_or_else(|error| panic!("preset {name}: {error}"));
            assert!(preset_description(name).is_some_and(|text| text.len() > 20), "{name} is described");
        }
        assert!(preset("no-such-preset").is_none());
        assert!(preset_description("no-such-preset").is_none());
    }
}
