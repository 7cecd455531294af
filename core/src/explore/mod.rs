//! The tools that drive or watch the world (`sim`): a session a person drives with its
//! checkpoints and record, tours, shrinking, the guided hunt, sweeps of seed ranges, export,
//! coverage, wide histories, and events in words. They read the world and call its public
//! API; the world never names them.

pub mod coverage;
pub mod describe;
pub mod export;
pub mod histories;
pub mod hunt;
pub mod record;
pub mod session;
pub mod shrink;
pub mod sweep;
pub mod tour;
