//! The client-visible history: every operation's invocation and completion, the evidence a
//! linearizability checker judges (Jepsen's `:invoke`, `:ok`, `:fail`, `:info`).

use serde::{Deserialize, Serialize};

use crate::raft::{Op, OpResult};
use crate::shared_vec::SharedVec;

/// How an operation ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// No answer yet.
    Pending,
    /// Answered, with this result, at `complete_us`.
    Ok {
        /// The result.
        result: OpResult,
        /// When the answer arrived.
        complete_us: u64,
    },
    /// The client gave up at `gave_up_us`: the operation may or may not have taken effect.
    Unknown {
        /// When the client gave up.
        gave_up_us: u64,
    },
}

/// One operation as a client saw it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryOp {
    /// The client that ran it.
    pub client: u32,
    /// Jepsen's process: a client that gets an unknown outcome continues as a new process.
    pub process: u32,
    /// The operation.
    pub op: Op,
    /// When the client invoked it.
    pub invoke_us: u64,
    /// How it ended.
    pub outcome: Outcome,
}

/// Every operation of a run, in invocation order. A [`SharedVec`], so checkpoints of a long
/// run share its past.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// The operations.
    pub ops: SharedVec<HistoryOp>,
    /// The operations by outcome, kept as they change: the page and the telemetry read them
    /// every frame and every second, which must not cost a walk over the run.
    #[serde(skip)]
    counts: OutcomeCounts,
}

impl History {
    /// Records an invocation; returns the operation's position.
    pub fn invoke(&mut self, client: u32, process: u32, op: Op, invoke_us: u64) -> usize {
        self.ops.push(HistoryOp { client, process, op, invoke_us, outcome: Outcome::Pending });
        self.counts.pending += 1;
        self.ops.len() - 1
    }

    /// Records how operation `position` ended. It must still be pending.
    pub fn complete(&mut self, position: usize, outcome: Outcome) {
        let op = self.ops.get_mut(position).expect("the operation was invoked");
        assert_eq!(op.outcome, Outcome::Pending, "an operation completes once");
        assert_ne!(outcome, Outcome::Pending);
        self.counts.pending -= 1;
        self.counts.tally(&outcome);
        op.outcome = outcome;
    }

    /// Counts of operations by outcome: (ok, failed cas, unknown, pending).
    pub fn outcome_counts(&self) -> OutcomeCounts {
        debug_assert_eq!(self.counts, self.counted(), "the counts follow the operations");
        self.counts
    }

    /// The counts, by a walk over every operation (what `counts` must equal).
    fn counted(&self) -> OutcomeCounts {
        let mut counts = OutcomeCounts::default();
        for op in &self.ops {
            counts.tally(&op.outcome);
        }
        counts
    }
}

/// Operations by outcome.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeCounts {
    /// Completed successfully.
    pub ok: u64,
    /// Completed as a failed compare-and-set (Jepsen's `:fail`: it did not take effect).
    pub failed: u64,
    /// The client gave up (Jepsen's `:info`).
    pub unknown: u64,
    /// Still waiting.
    pub pending: u64,
}

impl OutcomeCounts {
    /// Counts one operation that has `outcome`.
    fn tally(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Ok { result: OpResult::CasResult(false), .. } => self.failed += 1,
            Outcome::Ok { .. } => self.ok += 1,
            Outcome::Unknown { .. } => self.unknown += 1,
            Outcome::Pending => self.pending += 1,
        }
    }
}
