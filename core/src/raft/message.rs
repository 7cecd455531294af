//! The messages nodes exchange (Figure 2, plus PreVote and heartbeats as etcd-raft has them).

use serde::{Deserialize, Serialize};

use super::log::Entry;
use super::types::{Index, NodeId, Term};

/// A message between two nodes. `term` is the sender's term, except for a PreVote request, which
/// carries the term the sender *would* campaign in (thesis §9.6), and a PreVote grant, which
/// echoes it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Message {
    /// The sender.
    pub from: NodeId,
    /// The receiver.
    pub to: NodeId,
    /// See the type's doc.
    pub term: Term,
    /// What the message says.
    pub body: Body,
}

/// The kinds of message.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Body {
    /// RequestVote (§5.2), or its PreVote form that changes no state at the receiver.
    VoteRequest {
        /// `true` for a PreVote request.
        prevote: bool,
        /// Index of the candidate's last log entry (§5.4.1).
        last_log_index: Index,
        /// Term of the candidate's last log entry (§5.4.1).
        last_log_term: Term,
    },
    /// The answer to a vote request.
    VoteResponse {
        /// `true` if answering a PreVote request.
        prevote: bool,
        /// Whether the vote was granted.
        granted: bool,
    },
    /// AppendEntries (§5.3): entries after (`prev_log_index`, `prev_log_term`).
    AppendRequest {
        /// Index of the entry just before `entries`.
        prev_log_index: Index,
        /// Term of that entry.
        prev_log_term: Term,
        /// Entries to store (empty to probe or carry the commit index).
        entries: Vec<Entry>,
        /// The leader's commit index.
        leader_commit: Index,
    },
    /// The answer to AppendEntries.
    AppendResponse {
        /// The `prev_log_index` of the request answered, so that the leader can tell a stale
        /// answer from a fresh one.
        prev_log_index: Index,
        /// What the follower made of the request.
        outcome: AppendOutcome,
    },
    /// The leader's heartbeat (etcd-raft's MsgHeartbeat): asserts leadership and carries the
    /// commit index, already capped by the leader at what this follower is known to hold.
    Heartbeat {
        /// `min(leader's commit, follower's match index)`: safe to commit without a log check.
        commit: Index,
    },
    /// The answer to a heartbeat: the follower is alive and follows this term.
    HeartbeatResponse,
}

/// What a follower made of an AppendEntries request.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AppendOutcome {
    /// The log matched; the follower now holds entries up to `match_index` (durably: the answer
    /// is sent only once the write is done).
    Accepted {
        /// The last index known to match the leader's log.
        match_index: Index,
    },
    /// The log did not match at `prev_log_index`; the hint lets the leader skip back a whole
    /// term at a time (thesis §5.3).
    Rejected {
        /// The term of the follower's conflicting entry, or `None` if its log is too short.
        conflict_term: Option<Term>,
        /// The first index of `conflict_term` in the follower's log, or its last index + 1.
        conflict_index: Index,
    },
}

impl Body {
    /// A short name for traces, counters and the page.
    pub fn kind(&self) -> MessageKind {
        match self {
            Body::VoteRequest { prevote: true, .. } => MessageKind::PreVote,
            Body::VoteRequest { prevote: false, .. } => MessageKind::Vote,
            Body::VoteResponse { prevote: true, .. } => MessageKind::PreVoteResponse,
            Body::VoteResponse { prevote: false, .. } => MessageKind::VoteResponse,
            Body::AppendRequest { .. } => MessageKind::Append,
            Body::AppendResponse { .. } => MessageKind::AppendResponse,
            Body::Heartbeat { .. } => MessageKind::Heartbeat,
            Body::HeartbeatResponse => MessageKind::HeartbeatResponse,
        }
    }
}

/// The message kinds, for counting and display.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum MessageKind {
    /// A PreVote request.
    PreVote,
    /// A PreVote response.
    PreVoteResponse,
    /// A RequestVote request.
    Vote,
    /// A RequestVote response.
    VoteResponse,
    /// AppendEntries.
    Append,
    /// An AppendEntries response.
    AppendResponse,
    /// A heartbeat.
    Heartbeat,
    /// A heartbeat response.
    HeartbeatResponse,
}

impl MessageKind {
    /// The kind's position in [`MessageKind::ALL`], for per-kind arrays.
    pub fn slot(self) -> usize {
        self as usize
    }

    /// Every kind, in declaration order (so `ALL[kind.slot()] == kind`).
    pub const ALL: [MessageKind; 8] = [
        MessageKind::PreVote,
        MessageKind::PreVoteResponse,
        MessageKind::Vote,
        MessageKind::VoteResponse,
        MessageKind::Append,
        MessageKind::AppendResponse,
        MessageKind::Heartbeat,
        MessageKind::HeartbeatResponse,
    ];

    /// The name used in traces and on the page.
    pub fn name(self) -> &'static str {
        match self {
            MessageKind::PreVote => "PreVote",
            MessageKind::PreVoteResponse => "PreVoteResp",
            MessageKind::Vote => "Vote",
            MessageKind::VoteResponse => "VoteResp",
            MessageKind::Append => "App",
            MessageKind::AppendResponse => "AppResp",
            MessageKind::Heartbeat => "Heartbeat",
            MessageKind::HeartbeatResponse => "HeartbeatResp",
        }
    }
}

/// One line per message, as the golden traces and the event feed show it, e.g.
/// `1->2 App t3 prev=5@2 entries=6@3..7@3 commit=5`. Positions print as `index@term`.
impl std::fmt::Display for Message {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{}->{} {} t{}", self.from, self.to, self.body.kind().name(), self.term)?;
        match &self.body {
            Body::VoteRequest { last_log_index, last_log_term, .. } => {
                write!(formatter, " last={last_log_index}@{last_log_term}")
            }
            Body::VoteResponse { granted, .. } => formatter.write_str(if *granted { " granted" } else { " refused" }),
            Body::AppendRequest { prev_log_index, prev_log_term, entries, leader_commit } => {
                write!(formatter, " prev={prev_log_index}@{prev_log_term}")?;
                match (entries.first(), entries.last()) {
                    (Some(only), _) if entries.len() == 1 => {
                        write!(formatter, " entries={}@{}", only.index, only.term)?
                    }
                    (Some(first), Some(last)) => {
                        write!(formatter, " entries={}@{}..{}@{}", first.index, first.term, last.index, last.term)?
                    }
                    _ => {}
                }
                write!(formatter, " commit={leader_commit}")
            }
            Body::AppendResponse { prev_log_index, outcome } => match outcome {
                AppendOutcome::Accepted { match_index } => {
                    write!(formatter, " prev={prev_log_index} match={match_index}")
                }
                AppendOutcome::Rejected { conflict_term, conflict_index } => {
                    write!(formatter, " prev={prev_log_index} reject hint={conflict_index}")?;
                    match conflict_term {
                        Some(term) => write!(formatter, "@{term}"),
                        None => formatter.write_str(" (log too short)"),
                    }
                }
            },
            Body::Heartbeat { commit } => write!(formatter, " commit={commit}"),
            Body::HeartbeatResponse => Ok(()),
        }
    }
}
