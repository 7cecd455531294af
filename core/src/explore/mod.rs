//! The tools that drive or watch the world (`sim`): a session a person drives with its
//! checkpoints and record, tours, shrinking, the guided hunt, sweeps of seed ranges, export,
//! coverage, wide histories, and the feed of events in words. They read the world, call its
//! public API and watch it through its one observer hook (`watch.rs`); the world never names
//! them (`tests/integration/layers.rs`).

pub mod coverage;
pub mod describe;
pub mod export;
pub mod feed;
pub mod histories;
pub mod hunt;
pub mod record;
pub mod session;
pub mod shrink;
pub mod sweep;
pub mod tour;
pub mod watch;
