//! Cross-target determinism, native side: the trace hash of every run of the determinism corpus
//! (128 seeds of every preset) must equal `tests/golden/trace_hashes.json`. The browsers
//! compute the same runs and compare with the same file (`wasm/tests/web.rs`).
//!
//! After an intended change to the engine, rewrite the file with `RAFTSIM_REWRITE=1 cargo test
//! -p raftsim-core --test sweeps golden::` and commit it with the change.

use std::path::PathBuf;

use raftsim_core::scenario::determinism_corpus;
use raftsim_core::sim::World;
use serde::{Deserialize, Serialize};

#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Golden {
    engine: String,
    runs: Vec<GoldenRun>,
}

#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
struct GoldenRun {
    preset: String,
    seed: u64,
    events: u64,
    hash: String,
}

fn golden_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/golden/trace_hashes.json")
}

/// Runs the corpus on every core; results in corpus order.
fn compute() -> Vec<GoldenRun> {
    let corpus = determinism_corpus();
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    let mut results: Vec<Option<GoldenRun>> = (0..corpus.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        let chunks: Vec<_> = corpus.chunks(corpus.len().div_ceil(threads)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|scenario| {
                            let mut simulation = World::new(scenario.clone()).expect("corpus scenarios are valid");
                            simulation.run_to_end();
                            GoldenRun {
                                preset: scenario.name.clone(),
                                seed: scenario.seed,
                                events: simulation.events(),
                                hash: format!("{:016x}", simulation.trace_hash()),
                            }
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut position = 0;
        for handle in handles {
            for run in handle.join().expect("worker finished") {
                results[position] = Some(run);
                position += 1;
            }
        }
    });
    results.into_iter().map(|run| run.expect("every run computed")).collect()
}

#[test]
fn trace_hashes_match_the_golden_file() {
    let runs = compute();
    assert!(runs.len() >= 1_000);
    let computed = Golden { engine: raftsim_core::ENGINE_VERSION.to_string(), runs };
    let path = golden_path();
    if std::env::var_os("RAFTSIM_REWRITE").is_some() {
        let text = serde_json::to_string_pretty(&computed).expect("serializable") + "\n";
        std::fs::write(&path, text).expect("write the golden file");
        return;
    }
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error} (create it with RAFTSIM_REWRITE=1)", path.display()));
    let golden: Golden = serde_json::from_str(&text).expect("the golden file parses");
    let differences: Vec<String> = golden
        .runs
        .iter()
        .zip(&computed.runs)
        .filter(|(expected, actual)| expected != actual)
        .take(10)
        .map(|(expected, actual)| {
            format!(
                "{} seed {}: expected {} ({} events), got {} ({} events)",
                expected.preset, expected.seed, expected.hash, expected.events, actual.hash, actual.events
            )
        })
        .collect();
    assert_eq!(golden.runs.len(), computed.runs.len(), "the corpus changed size");
    assert!(
        differences.is_empty(),
        "trace hashes differ from {}:\n{}\n(if the change is intended, rewrite with RAFTSIM_REWRITE=1)",
        path.display(),
        differences.join("\n")
    );
}
