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
