//! raftsim-core's long tests, the sweep tier: thousands of seeded runs each, minutes in all.
//! Plain `cargo test` does not build or run this binary (`test = false` in `core/Cargo.toml`),
//! so that the usual loop stays quick; `cargo test -p raftsim-core --test sweeps` runs it, and
//! `./dev test` runs it as its own step, `sweeps`.

// 2,000 swarm seeds, each judged as `raftsim sweep` judges it: none may fail or be unknown.
mod sweep;

// The bug catalogue: the sweep finds every bug, every bug's preset fails.
mod bugs;

// The trace hash of every run of the determinism corpus against tests/golden.
mod golden;

// Every preset, five seeds each, passes every check.
mod presets;

// A long recorded run stays within the record's bounds.
mod record_bounds;
