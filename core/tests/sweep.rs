//! A bounded random sweep: 2,000 seeds of the default swarm scenario (each seed its own mix of
//! faults) must run without a single violation on the correct protocol.

use raftsim_core::scenario::Scenario;
use raftsim_core::sim::World;

const SEEDS: u64 = 2_000;

#[test]
fn two_thousand_swarm_seeds_pass_every_check() {
    let threads = std::thread::available_parallelism().map_or(2, usize::from) as u64;
    let failures: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|worker| {
                scope.spawn(move || {
                    let mut failures = Vec::new();
                    for seed in (worker..SEEDS).step_by(threads as usize) {
                        let mut simulation = World::new(Scenario { seed, ..Scenario::default() }).expect("valid");
                        if let Some(violation) = simulation.run_to_end() {
                            failures.push(format!("seed {seed}: {violation}"));
                        }
                    }
                    failures
                })
            })
            .collect();
        workers.into_iter().flat_map(|worker| worker.join().expect("worker finished")).collect()
    });
    assert!(failures.is_empty(), "{} of {SEEDS} seeds failed:\n{}", failures.len(), failures.join("\n"));
}
