//! raftsim-core's integration tests, one binary (so a change in the core relinks one test
//! binary, not one per file): `cargo test -p raftsim-core` runs them with the unit tests, and
//! `cargo test -p raftsim-core --test integration paper::` one module of them. The long sweeps
//! (`sweep`, `bugs`, `golden`) are the other binary, `tests/sweeps/main.rs`, which plain `cargo
//! test` leaves out: `cargo test -p raftsim-core --test sweeps` or `./dev test sweeps` runs them.
//!
//! A test added here is a module: a new file `NAME.rs` beside this one and `mod NAME;` below.

mod common;

// The protocol, driven by hand (`common`): the paper's rules and the golden traces.
mod datadriven;
mod paper;

// The checks.
mod availability;
mod damage;
mod histories;
mod invariants;
mod linearizability_properties;
mod wide_histories;

// The world and its tools.
mod coverage;
mod layers;
mod record;
mod simulation;
mod timing;
mod tours;

// The export generator, and the three tests it wrote (`export.rs` holds it to them).
mod export;
mod exported;
mod exported_hunt;
mod exported_shrunk;
