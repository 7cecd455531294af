//! The bug catalogue: with a switch on, the default random sweep (`swarm`) finds a failure and
//! the check that fires names what the bug breaks; with every switch off the same seeds pass;
//! and each bug's hand-written preset fails within three simulated seconds, and passes without
//! the bug.

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

/// For each bug: the most seeds the sweep may need and the checks that may fire. The seeds
/// are deterministic, so the first failing seed is fixed; the bounds leave room for it.
const HUNTS: [(&str, u64, &[Invariant]); 7] = [
    ("figure8_commit", 50, &[Invariant::LeaderCommitsOwnTermInv]),
    ("stale_vote_counted", 100, &[Invariant::LeaderVotesInv, Invariant::MoreThanOneLeaderInv]),
    ("lone_voter_no_reelect", 100, &[Invariant::LeaderLiveness, Invariant::ClientLiveness]),
    ("vote_before_durable", 20, &[Invariant::VoteDurableInv]),
    (
        "stale_append_truncates",
        50,
        &[Invariant::QuorumLogInv, Invariant::LogInv, Invariant::LeaderCompletenessInv, Invariant::ClientLiveness],
    ),
    ("leader_counts_unsynced_self", 50, &[Invariant::CommittedIsDurableInv]),
    ("prevote_low_term_deadlock", 1_000, &[Invariant::LeaderLiveness]),
];

/// The most seeds any hunt above runs: with no bug on, all of them pass.
const SEEDS_HUNTED_MAX: u64 = 1_000;

#[test]
fn the_random_sweep_finds_every_catalogued_bug() {
    for (bug, seeds_max, expected) in HUNTS {
        let (seed, invariant) =
            first_failure(bug, seeds_max).unwrap_or_else(|| panic!("{bug}: not found in {seeds_max} swarm seeds"));
        assert!(expected.contains(&invariant), "{bug}, seed {seed}: {invariant:?}");
    }
    let catalogued: Vec<&str> = raftsim_core::raft::BUG_CATALOGUE.iter().map(|bug| bug.name).collect();
    let hunted: Vec<&str> = HUNTS.iter().map(|(bug, ..)| *bug).collect();
    assert_eq!(hunted, catalogued, "every catalogued bug is hunted");
}

#[test]
fn the_same_sweep_without_bugs_finds_nothing() {
    let failures: Vec<(u64, Invariant)> = (1..=SEEDS_HUNTED_MAX)
        .filter_map(|seed| {
            let scenario = Scenario { seed, ..preset("swarm").expect("the swarm preset") };
            Simulation::new(scenario).expect("valid").run_to_end().map(|violation| (seed, violation.invariant))
        })
        .collect();
    assert_eq!(failures, Vec::new());
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
        ("figure8_commit", vec![Invariant::LeaderCommitsOwnTermInv]),
        ("lone_voter_no_reelect", vec![Invariant::LeaderLiveness]),
        ("vote_before_durable", vec![Invariant::VoteDurableInv]),
        ("stale_vote_counted", vec![Invariant::LeaderVotesInv]),
        ("leader_counts_unsynced_self", vec![Invariant::CommittedIsDurableInv]),
        ("stale_append_truncates", vec![Invariant::QuorumLogInv, Invariant::LogInv]),
        ("prevote_low_term_deadlock", vec![Invariant::LeaderLiveness]),
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
