//! raftsim-core: the deterministic engine of raftsim.
//!
//! The crate does no I/O: no clock, no OS randomness, no threads, no environment access and
//! nothing wasm-specific, so one seed gives the same run natively and in every browser.
//!
//! - [`raft`]: the protocol as a pure state machine (inputs in, outputs out). It knows nothing
//!   of the simulator that drives it.
//! - [`scenario`]: what a run is made of, its validation and the named presets.
//! - [`sim`]: the seeded world (network, disks, clocks, clients, faults) that drives the nodes.
//! - [`check`]: safety invariants, liveness and the client history.
#![deny(missing_docs)]
// Rule 3 of ARCHITECTURE.md: no floating point in any decision. Float transcendental functions
// give different bits natively and in wasm, so the whole crate refuses float arithmetic.
#![deny(clippy::float_arithmetic)]

pub mod check;
pub mod fingerprint;
pub mod raft;
pub mod scenario;
pub mod shared_vec;
pub mod sim;

/// The engine's version. Share links record it so that a link made by another engine says so
/// instead of silently replaying differently.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");
