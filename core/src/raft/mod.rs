//! The Raft protocol as a pure state machine: [`Node::step`] takes an [`Input`] and returns
//! [`Outputs`] (messages, durable writes, timer commands, applied entries, client replies).
//!
//! Architecture invariant: this module knows nothing of the simulator. It has no clock (timers
//! are armed with a delay range the driver resolves), no randomness, no I/O and no floats, and
//! every loop over peers runs in id order.

mod bugs;
mod config;
mod io;
mod kv;
mod log;
mod message;
mod node;
mod progress;
mod types;

pub use bugs::{BugInfo, Bugs, BUG_CATALOGUE};
pub use config::{election_round_us, quorum, Config, ConfigError, ProtocolOptions, SNAPSHOT_INTERVAL};
pub use io::{
    Applied, ClientReply, DurableState, Input, Outputs, ReplyOutcome, Snapshot, Timer, TimerCommand, Write,
    WriteRequest,
};
pub use kv::{Command, KvStore, Op, OpResult};
pub use log::{Entry, Payload, RaftLog};
pub use message::{AppendOutcome, Body, Message, MessageKind};
pub use node::Node;
pub use progress::{Mode, Progress};
pub use types::{id_at, position_of, slot, ClientId, HardState, Index, NodeId, RequestSeq, Role, Term, WriteId};
