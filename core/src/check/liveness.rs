//! Liveness, judged after the heal: a leader that commits with a quorum behind it within the
//! leader bound, and client operations that complete within the operation bound. The world
//! calls these at its phase events; they read what they are given and change nothing.

use crate::raft::{Node, NodeId, Role};
use crate::words;

use super::history::{History, Outcome};
use super::violation::{Invariant, Violation};

/// A running leader that has committed an entry of its term and that a quorum of the
/// `cluster_size` nodes, counted among the `running` ones (itself included), follow in that term.
pub fn leader_with_quorum(running: &[&Node], cluster_size: u32) -> Option<NodeId> {
    assert!(running.len() <= cluster_size as usize, "more nodes run than the cluster has");
    let quorum = crate::raft::quorum(cluster_size as usize);
    running.iter().find_map(|leader| {
        let (id, term, commit) = (leader.id(), leader.term(), leader.commit_index());
        let committed_own_term =
            leader.role() == Role::Leader && commit > 0 && leader.log().term_at(commit) == Some(term);
        let followers = running.iter().filter(|node| node.term() == term && node.leader() == Some(id)).count();
        (committed_own_term && followers >= quorum).then_some(id)
    })
}

/// LeaderLiveness at the leader deadline, `bound_us` after the heal: the violation if no
/// running node is a leader with a quorum (see [`leader_with_quorum`]). It names every node.
pub fn check_leader(
    running: &[&Node],
    cluster_size: u32,
    bound_us: u64,
    event: u64,
    time_us: u64,
) -> Option<Violation> {
    if leader_with_quorum(running, cluster_size).is_some() {
        return None;
    }
    let message = format!(
        "{} after every fault was healed, no leader has committed an entry of its term with a quorum following it",
        words::duration(bound_us)
    );
    let nodes = (1..=cluster_size as NodeId).collect();
    let terms = running.iter().map(|node| node.term()).collect();
    Some(Violation::new(Invariant::LeaderLiveness, event, time_us, message).naming(nodes, terms, Vec::new()))
}

/// Which operations ClientLiveness judges: those invoked from `invoked_from_us` (the cluster
/// has had its leader bound to recover) to `invoked_until_us` (they have had their whole bound).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientWindow {
    /// The first invocation time judged.
    pub invoked_from_us: u64,
    /// The last invocation time judged.
    pub invoked_until_us: u64,
    /// How long each may take to complete.
    pub op_bound_us: u64,
}

/// ClientLiveness at the end of the run: the violation for the first operation in the window
/// that did not complete within its bound.
pub fn check_clients(history: &History, window: ClientWindow, event: u64, time_us: u64) -> Option<Violation> {
    let bound_us = window.op_bound_us;
    let late = history.ops.iter().find(|op| {
        let in_window = op.invoke_us >= window.invoked_from_us && op.invoke_us <= window.invoked_until_us;
        let on_time = matches!(op.outcome, Outcome::Ok { complete_us, .. } if complete_us - op.invoke_us <= bound_us);
        in_window && !on_time
    })?;
    let what_happened = match late.outcome {
        Outcome::Pending => "had no answer",
        Outcome::Unknown { .. } => "gave up without an answer",
        Outcome::Ok { .. } => "was not answered",
    };
    let message = format!(
        "client {} asked {} at {}, after the cluster had recovered, and it {what_happened} within {}",
        late.client + 1,
        late.op,
        words::instant(late.invoke_us),
        words::duration(bound_us)
    );
    Some(Violation::new(Invariant::ClientLiveness, event, time_us, message))
}
