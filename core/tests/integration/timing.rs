//! Raft's timing requirement (§5.6), `broadcastTime ≪ electionTimeout`: a scenario whose disks
//! or network break it is still valid, but validation warns, and a liveness failure in it says
//! the requirement was not met.

use raftsim_core::scenario::{all_preset_names, any_preset, Scenario};
use raftsim_core::sim::World;

/// The calm 3-node cluster of issue 26: fsyncs of 100 to 200 ms, election timeouts of 150 to
/// 300 ms, no faults.
fn slow_disk() -> Scenario {
    let mut scenario = any_preset("calm-election").expect("a preset");
    scenario.nodes = 3;
    scenario.disk.fsync_us_min = 100_000;
    scenario.disk.fsync_us_max = 200_000;
    scenario
}

#[test]
fn every_preset_meets_the_timing_requirement() {
    for name in all_preset_names() {
        let scenario = any_preset(&name).expect("a preset");
        assert_eq!(scenario.timing_warning(), None, "{name}");
    }
}

#[test]
fn a_slow_disk_or_network_is_warned_about_on_its_field() {
    let warning = slow_disk().timing_warning().expect("200 ms fsyncs against 150 ms timeouts");
    assert_eq!(warning.field, "disk.fsync_us_max");
    assert!(
        warning.reason.starts_with("an election round takes up to 410 ms here"),
        "the round, in words: {}",
        warning.reason
    );
    assert!(warning.reason.contains("not less than the shortest election timeout (150 ms)"), "{}", warning.reason);
    let mut slow_network = Scenario::default();
    slow_network.network.latency_us_max = 80_000;
    assert_eq!(slow_network.timing_warning().expect("160 ms rounds").field, "network.latency_us_max");
    slow_network.protocol.election_timeout_us_min = 200_000;
    slow_network.protocol.election_timeout_us_max = 400_000;
    assert_eq!(slow_network.timing_warning(), None, "longer timeouts meet it again");
}

#[test]
fn a_liveness_failure_under_broken_timing_says_so() {
    let scenario = slow_disk();
    let failure = (1..=40)
        .find_map(|seed| World::new(Scenario { seed, ..scenario.clone() }).expect("valid").run_to_end())
        .expect("some seed of 40 fails liveness with elections slower than their timeouts");
    assert!(failure.invariant.name().ends_with("Liveness"), "{failure}");
    assert!(failure.message.contains("; the timing requirement was not met: an election round takes"), "{failure}");
    let mut calm = scenario;
    calm.disk = Scenario::default().disk;
    assert_eq!(World::new(calm).expect("valid").run_to_end(), None, "the same cluster on a fast disk passes");
}
