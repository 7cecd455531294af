//! raftsim-core: the deterministic engine of raftsim.
//!
//! The crate does no I/O: no clock, no OS randomness, no threads, no environment access and
//! nothing wasm-specific, so one seed gives the same run natively and in every browser.
//!
//! - [`raft`]: the protocol as a pure state machine (inputs in, outputs out). It knows nothing
//!   of the simulator that drives it.
//! - [`check`]: safety invariants, liveness and the linearizability of the client history. The
//!   checks observe protocol values and never import the world.
//! - [`scenario`]: what a run is made of, its validation, the fault kinds, partition shapes and
//!   named presets.
//! - [`sim`]: the seeded world (network, disks, clocks, clients, faults) that drives the nodes
//!   and calls the checks, and reports what it does to at most one observer.
//! - [`explore`]: the tools that drive or watch the world: sessions with checkpoints and a
//!   record, tours, shrinking, sweeps of seed ranges, the guided hunt, coverage, export, the
//!   feed of events in words.
//! - [`words`]: how the engine writes an operation, its answer and a time, for every layer
//!   and the page (it imports only `raft`'s `Op`).
//! - [`shared_vec`]: a leaf every layer uses; [`fingerprint`]: the canonical encoding of the
//!   protocol's values, which the checks and the world both hash.
//!
//! Dependencies run one way: `raft` ← (`check`, `scenario`) ← `sim` ← `explore` (see
//! `ARCHITECTURE.md`; `tests/integration/layers.rs` enforces it).
#![deny(missing_docs)]
// "No floats in decisions" (ARCHITECTURE.md, Determinism): float transcendental functions give
// different bits natively and in wasm, so the whole crate refuses float arithmetic.
#![deny(clippy::float_arithmetic)]

pub mod check;
pub mod explore;
pub mod fingerprint;
pub mod raft;
pub mod scenario;
pub mod shared_vec;
pub mod sim;
pub mod words;

/// The engine's version. Share links record it so that a link made by another engine says so
/// instead of silently replaying differently.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");
