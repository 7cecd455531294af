//! The checks that judge a run: safety invariants after every event, liveness after the heal,
//! and the client history for the linearizability checker.
//!
//! Architecture invariant: checks observe; they never change the world they judge.

pub mod history;
pub mod jepsen;
pub mod linearizability;
pub mod liveness;
pub mod paper;
pub mod safety;
pub mod violation;
