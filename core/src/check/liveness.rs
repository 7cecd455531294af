//! Liveness, judged after the heal: a leader that commits with a quorum behind it within the
//! leader bound, and client operations that complete within the operation bound; and during the
//! faults, availability: a quorum left alone long enough has a leader that commits. The world
//! calls these at its phase events; they read what they are given and change nothing.

use crate::raft::{Node, NodeId, Role};
use crate::words;

use super::history::{History, Outcome};
use super::violation::{Invariant, Violation};

/// How long a cluster may take to have a leader that commits, from a moment when the nodes it
/// needs are up and connected: three maximum election timeouts (a follower's timer running out,
/// a split vote, a campaign lost to a voter with a longer log), two fsyncs (the candidate's
/// vote, the leader's first entry) and ten one-way latencies (PreVote, vote and append round
/// trips). The heal's bound (`sim::phases_for`) and the fault phase's ([`availability_bound_us`])
/// are both this.
pub fn leader_bound_us(election_timeout_us_max: u64, fsync_us_max: u64, latency_us_max: u64) -> u64 {
    3 * election_timeout_us_max + 2 * fsync_us_max + 10 * latency_us_max
}

/// The world a run's fault phase is drawn with, as far as availability depends on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FaultPhaseWorld {
    /// The cluster size.
    pub nodes: u32,
    /// Whether leaders step down when they lose their quorum (thesis §6.2).
    pub check_quorum: bool,
    /// The election timeout's range.
    pub election_timeout_us: (u64, u64),
    /// The slowest fsync.
    pub fsync_us_max: u64,
    /// The slowest ordinary one-way latency.
    pub latency_us_max: u64,
    /// The most a straggler (a rare message, late) adds to it; 0 without stragglers.
    pub straggler_us_max: u64,
    /// Whether the network loses messages at random (a fault on every link).
    pub lossy: bool,
    /// Whether clients ask for anything (a leader commits new entries only when asked).
    pub clients: bool,
}

/// LeaderAvailability's bound for a fault phase, or `None` when Raft promises nothing there:
/// without CheckQuorum a leader cut off one way keeps its followers forever (it hears no one,
/// they hear it), a lossy network is a fault on every link, without clients no new entry is
/// asked for, and when an election round ([`crate::raft::election_round_us`]) exceeds half the
/// minimum election timeout, broadcast time is not much less than the election timeout (§5.6)
/// and elections may churn.
/// The heal's bound ([`leader_bound_us`] over the drawn disk and network), with a fsync doubled
/// (a write can queue behind another: group commit) and two minimum election timeouts more: a
/// leader cut off one way first has to notice it (CheckQuorum), and its followers' leases to
/// run out, before they elect another; and two stragglers' delays, should a vote or an
/// acknowledgement the outcome hangs on be one. Never below the scenario's own leader bound.
pub fn availability_bound_us(world: &FaultPhaseWorld, scenario_bound_us: u64) -> Option<u64> {
    let (timeout_us_min, timeout_us_max) = world.election_timeout_us;
    let round_us = crate::raft::election_round_us(world.fsync_us_max, world.latency_us_max);
    let promised = (world.check_quorum || world.nodes == 1) && !world.lossy && world.clients;
    if !promised || round_us.saturating_mul(2) > timeout_us_min {
        return None;
    }
    let needed_us = leader_bound_us(timeout_us_max, 2 * world.fsync_us_max, world.latency_us_max)
        + 2 * timeout_us_min
        + 2 * world.straggler_us_max;
    Some(needed_us.max(scenario_bound_us))
}

/// A quorum (of a cluster of `cluster_size`) among `stable`, the nodes up and left alone long
/// enough, whose every pair `linked` says is connected both ways with no fault: the largest,
/// lowest ids first. At most 2^9 subsets (nine nodes at most), asked only while no leader has
/// committed for a whole bound.
pub fn stable_quorum(
    stable: &[NodeId],
    cluster_size: u32,
    linked: impl Fn(NodeId, NodeId) -> bool,
) -> Option<Vec<NodeId>> {
    let quorum = crate::raft::quorum(cluster_size as usize);
    assert!(stable.len() <= 16, "a cluster has a handful of nodes");
    let subsets = 1u32 << stable.len();
    let members =
        |mask: u32| stable.iter().enumerate().filter(move |(bit, _)| mask & (1 << bit) != 0).map(|(_, &id)| id);
    (1..subsets)
        .filter(|&mask| mask.count_ones() as usize >= quorum)
        .filter(|&mask| members(mask).all(|a| members(mask).all(|b| a == b || (linked(a, b) && linked(b, a)))))
        .max_by_key(|&mask| (mask.count_ones(), std::cmp::Reverse(mask.reverse_bits())))
        .map(|mask| members(mask).collect())
}

/// LeaderAvailability: the violation for quorum `quorum`, up and connected both ways with no
/// fault on its links since `stable_since_us`, while no leader has committed since
/// `commit_us`, both more than `bound_us` before now.
pub fn unavailable(
    quorum: Vec<NodeId>,
    (stable_since_us, commit_us): (u64, u64),
    bound_us: u64,
    event: u64,
    time_us: u64,
) -> Violation {
    let message = format!(
        "{} have been up and connected both ways, with no fault on their links and nothing that reaches them disturbed, since {}, a quorum, yet no leader has committed a new entry since {}: more than the bound of {}",
        crate::check::violation::node_names(&quorum),
        words::instant(stable_since_us),
        words::instant(commit_us),
        words::duration(bound_us)
    );
    Violation::new(Invariant::LeaderAvailability, event, time_us, message).naming(quorum, Vec::new(), Vec::new())
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stable_quorum_is_a_clique_of_two_way_links() {
        // 1 hears 2 but 2 does not hear 1; 2 and 3 hear each other; 4 is linked to everyone.
        let linked = |a: NodeId, b: NodeId| !(a == 2 && b == 1);
        assert_eq!(stable_quorum(&[1, 2, 3], 3, linked), Some(vec![2, 3]));
        assert_eq!(stable_quorum(&[1, 2, 3, 4], 5, linked), Some(vec![2, 3, 4]));
        assert_eq!(stable_quorum(&[1, 2], 3, linked), None, "no two-way link between them");
        assert_eq!(stable_quorum(&[1, 2, 3], 5, linked), None, "two is no quorum of five");
        assert_eq!(stable_quorum(&[2], 1, linked), Some(vec![2]));
    }

    #[test]
    fn availability_is_promised_only_where_raft_promises_it() {
        let world = FaultPhaseWorld {
            nodes: 3,
            check_quorum: true,
            election_timeout_us: (150_000, 300_000),
            fsync_us_max: 2_000,
            latency_us_max: 5_000,
            straggler_us_max: 100_000,
            lossy: false,
            clients: true,
        };
        let bound = availability_bound_us(&world, 2_000_000).expect("promised");
        assert_eq!(bound, 2_000_000, "the scenario's bound when longer");
        assert_eq!(
            availability_bound_us(&world, 0),
            Some(3 * 300_000 + 4 * 2_000 + 10 * 5_000 + 2 * 150_000 + 2 * 100_000)
        );
        assert_eq!(availability_bound_us(&FaultPhaseWorld { check_quorum: false, ..world }, 0), None);
        assert!(availability_bound_us(&FaultPhaseWorld { check_quorum: false, nodes: 1, ..world }, 0).is_some());
        assert_eq!(availability_bound_us(&FaultPhaseWorld { lossy: true, ..world }, 0), None);
        assert_eq!(availability_bound_us(&FaultPhaseWorld { clients: false, ..world }, 0), None);
        let slow_disk = FaultPhaseWorld { fsync_us_max: 40_000, ..world };
        assert_eq!(availability_bound_us(&slow_disk, 0), None, "broadcast time is not much less than the timeout");
    }
}
