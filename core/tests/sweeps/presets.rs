//! Every preset, five seeds each, runs to its end with every check passing and a linearizable
//! history in which the clients got work done (moved from `integration/simulation.rs`: fifty
//! whole runs, the longest test of that file).

use raftsim_core::check::linearizability::Verdict;
use raftsim_core::scenario::{preset, Scenario, PRESET_NAMES};
use raftsim_core::sim::{Phase, World};

fn run(scenario: Scenario) -> World {
    let mut simulation = World::new(scenario).expect("valid scenario");
    simulation.run_to_end();
    simulation
}

fn seeded(name: &str, seed: u64) -> Scenario {
    Scenario { seed, ..preset(name).expect("known preset") }
}

#[test]
fn every_preset_passes_its_checks() {
    for name in PRESET_NAMES {
        for seed in 1..=5 {
            let simulation = run(seeded(name, seed));
            assert_eq!(simulation.violation(), None, "{name} seed {seed}");
            assert_eq!(simulation.phase(), Phase::Finished);
            assert!(simulation.history().outcome_counts().ok > 100, "{name} seed {seed}: the clients got work done");
            let linearizability = simulation.linearizability().expect("the history is checked at the end");
            assert_eq!(linearizability.verdict, Verdict::Linearizable, "{name} seed {seed}");
            assert_eq!(linearizability.operations, simulation.history().ops.len());
        }
    }
}
