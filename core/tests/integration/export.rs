//! The Rust tests raftsim exports (the page's Export dialog, `raftsim replay --rust-test`,
//! `raftsim shrink --rust-test`) compile and assert the right thing: the generator's output for
//! three runs is checked in as `exported.rs` (a bug preset's run), `exported_hunt.rs` (a seed a
//! hunt finds: the swarm preset with a bug switch on) and `exported_shrunk.rs` (that seed
//! shrunk: a whole run spec as JSON), modules of this test binary (`main.rs`) that run like
//! any test; here the generator must still write exactly those files. After a change to the
//! engine's runs or to the generator, `RAFTSIM_REWRITE=1 cargo test -p raftsim-core --test
//! integration export::` rewrites them.

use std::path::PathBuf;

use raftsim_core::explore::export::rust_test;
use raftsim_core::explore::shrink::{shrink, SHRINK_RUNS_DEFAULT};
use raftsim_core::raft::Bugs;
use raftsim_core::scenario::{bug_preset, preset, RunSpec, Scenario};
use raftsim_core::sim::World;

/// The swarm seed whose run with `figure8_commit` on the hunt tests export (the first that fails).
const HUNT_SEED: u64 = 2;

fn run_of(scenario: Scenario) -> RunSpec {
    RunSpec { scenario, actions: Vec::new(), stop_at_event: None, stop_at_us: None }
}

/// Asserts that `tests/integration/NAME` holds `text`, or writes it there under
/// `RAFTSIM_REWRITE=1`.
fn assert_file_holds(name: &str, text: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/integration").join(name);
    if std::env::var_os("RAFTSIM_REWRITE").is_some() {
        std::fs::write(&path, text).expect("the file is written");
        return;
    }
    let held = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        held == text,
        "{} is not what the generator writes now (RAFTSIM_REWRITE=1 rewrites it); the generator writes:\n{text}",
        path.display()
    );
}

fn exported(spec: &RunSpec) -> String {
    let outcome = World::from_spec(spec).expect("a valid run").run_to_end();
    assert!(outcome.is_some(), "the run fails");
    rust_test(spec, outcome.as_ref())
}

#[test]
fn a_bug_presets_run_exports_as_exported_rs() {
    let spec = run_of(bug_preset("figure8_commit").expect("a bug preset"));
    assert_file_holds("exported.rs", &exported(&spec));
}

fn hunted() -> RunSpec {
    let mut scenario = Scenario { seed: HUNT_SEED, ..preset("swarm").expect("the swarm preset") };
    scenario.protocol.bugs = Bugs::only("figure8_commit").expect("catalogued");
    run_of(scenario)
}

#[test]
fn a_hunted_seed_exports_as_exported_hunt_rs() {
    let text = exported(&hunted());
    assert!(text.contains("Bugs { figure8_commit: true, ..Bugs::default() }"), "{text}");
    assert_file_holds("exported_hunt.rs", &text);
}

#[test]
fn its_shrunk_run_exports_as_exported_shrunk_rs() {
    let shrunk = shrink(&hunted(), SHRINK_RUNS_DEFAULT).expect("the seed fails");
    let text = rust_test(&shrunk.spec, Some(&shrunk.violation));
    assert!(text.contains("const RUN: &str = r#\""), "the shrunk run is written out whole: {text}");
    assert_eq!(text, exported(&shrunk.spec), "the shrink's violation is the run's own");
    assert_file_holds("exported_shrunk.rs", &text);
}
