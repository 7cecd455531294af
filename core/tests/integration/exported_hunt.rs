//! A run exported by raftsim: seed 2 of swarm, with the bug figure8_commit switched on.
//! It fails LeaderCommitsOwnTermInv at event 3889 (5931132 us): leader S2 of term 5 advanced its commit index to 2, an entry of term 2: only entries of the leader's own term are committed by counting replicas (§5.4.2, Figure 8)
//!
//! Save it as core/tests/integration/NAME.rs and add `mod NAME;` to main.rs there;
//! `cargo test -p raftsim-core --test integration NAME::` runs it.

use raftsim_core::check::violation::Invariant;
use raftsim_core::raft::Bugs;
use raftsim_core::scenario::any_preset;
use raftsim_core::sim::World;

#[test]
fn seed_2_of_swarm_fails_leader_commits_own_term_inv() {
    let mut scenario = any_preset("swarm").expect("a preset");
    scenario.seed = 2;
    scenario.protocol.bugs = Bugs { figure8_commit: true, ..Bugs::default() };
    let mut world = World::new(scenario).expect("a valid scenario");
    let violation = world.run_to_end().expect("the run fails a check");
    assert_eq!(violation.invariant, Invariant::LeaderCommitsOwnTermInv, "{violation}");
    // Another event or time means the engine's runs have changed since the export.
    assert_eq!((violation.event, violation.time_us), (3889, 5931132), "{violation}");
}
