//! A bounded random sweep: 2,000 seeds of the default swarm scenario (each seed its own mix of
//! faults) must run without a single violation on the correct protocol, and every one must be
//! answered: a seed is judged where `raftsim sweep` and the page's hunt judge it
//! (`explore::sweep::judge_seed`), so a seed whose linearizability check runs out of budget
//! ("unknown") fails this test as a violation does.

use raftsim_core::explore::sweep::{judge_seed, Verdict};
use raftsim_core::scenario::Scenario;

const SEEDS: u64 = 2_000;

#[test]
fn two_thousand_swarm_seeds_pass_every_check() {
    let scenario = Scenario::default();
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    let failures: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads as u64)
            .map(|worker| {
                let scenario = &scenario;
                scope.spawn(move || {
                    let mut failures = Vec::new();
                    for seed in (worker..SEEDS).step_by(threads) {
                        match judge_seed(scenario, seed).verdict {
                            Verdict::Pass => {}
                            Verdict::Fails(violation) => failures.push(format!("seed {seed}: {violation}")),
                            Verdict::LinearizabilityUnknown => {
                                failures.push(format!("seed {seed}: linearizability unknown (out of budget)"));
                            }
                            Verdict::Panic(panicked) => failures.push(format!(
                                "seed {seed}: panicked at event {}: {}",
                                panicked.event, panicked.message
                            )),
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
