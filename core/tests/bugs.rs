//! The bug catalogue: with a switch on, the default random sweep finds a failure, and the check
//! that fires is one that names what the bug breaks. (The switches off are covered by the
//! 2,000-seed sweep in `sweep.rs` and by the golden trace hashes.)

use raftsim_core::check::violation::Invariant;
use raftsim_core::raft::Bugs;
use raftsim_core::scenario::{preset, Scenario};
use raftsim_core::sim::Simulation;

/// The first seed from 1 whose `swarm` run with `bug` on fails, within `seeds_max`.
fn first_failure(bug: &str, seeds_max: u64) -> Option<(u64, Invariant)> {
    (1..=seeds_max).find_map(|seed| {
        let mut scenario = Scenario { seed, ..preset("swarm").expect("the swarm preset") };
        scenario.protocol.bugs = Bugs::only(bug).expect("catalogued");
        Simulation::new(scenario).expect("valid").run_to_end().map(|violation| (seed, violation.invariant))
    })
}

#[test]
fn a_follower_truncating_on_stale_appends_loses_acknowledged_entries() {
    let (seed, invariant) = first_failure("stale_append_truncates", 50).expect("found by the sweep");
    assert!(
        matches!(invariant, Invariant::QuorumLogInv | Invariant::LogInv | Invariant::LeaderCompletenessInv),
        "seed {seed}: {invariant:?}"
    );
}

#[test]
fn a_leader_counting_its_unsynced_entry_commits_past_its_disk() {
    let (seed, invariant) = first_failure("leader_counts_unsynced_self", 200).expect("found by the sweep");
    assert_eq!(invariant, Invariant::CommittedIsDurableInv, "seed {seed}");
}

#[test]
fn a_lone_voter_that_forgets_its_vote_never_leads_again() {
    let (seed, invariant) = first_failure("lone_voter_no_reelect", 100).expect("found by the sweep");
    assert!(matches!(invariant, Invariant::LeaderLiveness | Invariant::ClientLiveness), "seed {seed}: {invariant:?}");
}

/// Runs a bug's preset with the bug on and off.
fn preset_outcomes(
    bug: &str,
) -> (Option<raftsim_core::check::violation::Violation>, Option<raftsim_core::check::violation::Violation>) {
    let on = raftsim_core::scenario::bug_preset(bug).expect("the bug has a preset");
    let mut off = on.clone();
    off.protocol.bugs = Bugs::default();
    (Simulation::new(on).unwrap().run_to_end(), Simulation::new(off).unwrap().run_to_end())
}

#[test]
fn each_bug_preset_fails_its_check_with_the_bug_and_passes_without() {
    let cases = [
        ("figure8_commit", vec![Invariant::LeaderCompletenessInv, Invariant::QuorumLogInv, Invariant::LogInv]),
        ("lone_voter_no_reelect", vec![Invariant::LeaderLiveness]),
        ("vote_before_durable", vec![Invariant::MoreThanOneLeaderInv]),
        ("stale_vote_counted", vec![Invariant::MoreThanOneLeaderInv]),
        ("leader_counts_unsynced_self", vec![Invariant::CommittedIsDurableInv]),
        ("stale_append_truncates", vec![Invariant::QuorumLogInv, Invariant::LogInv]),
    ];
    for (bug, expected) in cases {
        let (on, off) = preset_outcomes(bug);
        let violation = on.unwrap_or_else(|| panic!("{bug}: the preset did not fail"));
        assert!(expected.contains(&violation.invariant), "{bug}: {violation}");
        assert!(
            violation.time_us <= 3_000_000,
            "{bug}: shows within 3 simulated seconds, not {} us",
            violation.time_us
        );
        assert_eq!(off, None, "{bug}: the same scenario without the bug passes");
    }
}
