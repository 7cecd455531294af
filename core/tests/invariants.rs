//! Each safety invariant, fed a hand-built state that violates it, must fire, and name itself.
//! The states are built through the checker's own inputs: node snapshots and step outputs.

use raftsim_core::check::safety::{NodeSnapshot, SafetyChecker};
use raftsim_core::check::violation::Invariant;
use raftsim_core::raft::{
    Applied, Body, Command, Entry, HardState, Index, Message, NodeId, Op, OpResult, Outputs, Payload, Role, Term,
    Write, WriteRequest,
};

fn noop(index: Index, term: Term) -> Entry {
    Entry { term, index, payload: Payload::Noop }
}

fn put(index: Index, term: Term, value: &str) -> Entry {
    let command = Command { client: 1, seq: index, op: Op::Put { key: "k".into(), value: value.into() } };
    Entry { term, index, payload: Payload::Command(std::sync::Arc::new(command)) }
}

fn appends(entries: Vec<Entry>) -> Outputs {
    Outputs { writes: vec![WriteRequest { id: 1, write: Write::Append(entries) }], ..Outputs::default() }
}

/// A vote for `candidate` in `term`, sent by whichever node takes the step.
fn vote(voter: NodeId, candidate: NodeId, term: Term) -> Message {
    Message { from: voter, to: candidate, term, body: Body::VoteResponse { prevote: false, granted: true } }
}

/// `outputs` with a vote for `candidate` in `term` sent by `voter` as well.
fn granting(mut outputs: Outputs, voter: NodeId, candidate: NodeId, term: Term) -> Outputs {
    outputs.messages.push(vote(voter, candidate, term));
    outputs
}

/// Node `voter`, a follower in `term`, votes for `candidate`.
fn votes(voter: NodeId, candidate: NodeId, term: Term) -> (NodeId, NodeSnapshot, Outputs) {
    (voter, follower(term, 0, 0), granting(Outputs::default(), voter, candidate, term))
}

fn follower(term: Term, commit_index: Index, log_index_durable: Index) -> NodeSnapshot {
    NodeSnapshot {
        running: true,
        role: Role::Follower,
        term,
        voted_for: None,
        commit_index,
        applied_index: 0,
        log_index_durable,
    }
}

fn leader(term: Term, commit_index: Index, log_index_durable: Index) -> NodeSnapshot {
    NodeSnapshot { role: Role::Leader, voted_for: None, ..follower(term, commit_index, log_index_durable) }
}

/// Runs the steps in order; the last must fail with `expected`, and every earlier one pass.
fn expect(nodes: u32, steps: Vec<(NodeId, NodeSnapshot, Outputs)>, expected: Invariant) {
    let mut checker = SafetyChecker::new(nodes);
    let last = steps.len() - 1;
    for (position, (node, snapshot, outputs)) in steps.into_iter().enumerate() {
        checker.at_event(position as u64 + 1, 0);
        let result = checker.on_step(node, snapshot, &outputs);
        if position < last {
            assert!(result.is_ok(), "step {position} should pass: {:?}", result.err());
        } else {
            let violation = result.expect_err("the last step violates the invariant");
            assert_eq!(violation.invariant, expected, "{violation}");
            assert_eq!(violation.event, position as u64 + 1);
            assert!(!violation.message.is_empty());
        }
    }
}

#[test]
fn log_inv_fires_when_committed_prefixes_disagree() {
    expect(
        3,
        vec![
            (1, follower(1, 0, 1), appends(vec![noop(1, 1)])),
            (2, follower(1, 0, 1), appends(vec![noop(1, 1)])),
            (1, follower(1, 1, 1), Outputs::default()),
            // Node 3 holds a different entry at index 1 and counts it committed.
            (3, follower(2, 1, 1), appends(vec![noop(1, 2)])),
        ],
        Invariant::LogInv,
    );
}

#[test]
fn log_inv_fires_when_a_committed_entry_is_truncated() {
    let truncate =
        Outputs { writes: vec![WriteRequest { id: 2, write: Write::Truncate { from: 1 } }], ..Outputs::default() };
    expect(
        1,
        vec![
            (1, follower(1, 0, 1), appends(vec![noop(1, 1)])),
            (1, follower(1, 1, 1), Outputs::default()),
            (1, follower(1, 1, 0), truncate),
        ],
        Invariant::LogInv,
    );
}

#[test]
fn more_than_one_leader_inv_fires_for_two_leaders_of_one_term() {
    expect(
        3,
        vec![
            votes(3, 1, 2),
            (1, leader(2, 0, 0), Outputs::default()),
            // Node 3 votes twice in term 2 (as a node that lost its vote in a crash would).
            votes(3, 2, 2),
            (2, leader(2, 0, 0), Outputs::default()),
        ],
        Invariant::MoreThanOneLeaderInv,
    );
}

#[test]
fn more_than_one_leader_inv_remembers_leaders_of_the_past() {
    expect(
        3,
        vec![
            votes(3, 1, 2),
            (1, leader(2, 0, 0), Outputs::default()),
            (1, follower(3, 0, 0), Outputs::default()),
            // Node 1 no longer leads, but term 2 already had its leader.
            votes(3, 2, 2),
            (2, leader(2, 0, 0), Outputs::default()),
        ],
        Invariant::MoreThanOneLeaderInv,
    );
}

#[test]
fn election_safety_inv_fires_for_an_entry_of_the_term_beyond_its_leader_log() {
    expect(
        3,
        vec![
            votes(2, 1, 2),
            (1, leader(2, 0, 0), appends(vec![noop(1, 2)])),
            (2, follower(2, 0, 0), appends(vec![noop(1, 2), noop(2, 2)])),
        ],
        Invariant::ElectionSafetyInv,
    );
}

#[test]
fn log_matching_inv_fires_for_same_index_and_term_with_different_prefixes() {
    expect(
        3,
        vec![
            (1, follower(1, 0, 0), appends(vec![put(1, 1, "a")])),
            (2, follower(1, 0, 0), appends(vec![put(1, 1, "b")])),
        ],
        Invariant::LogMatchingInv,
    );
}

#[test]
fn quorum_log_inv_fires_for_an_entry_committed_on_too_few_logs() {
    expect(
        3,
        vec![(1, follower(1, 0, 1), appends(vec![noop(1, 1)])), (1, follower(1, 1, 1), Outputs::default())],
        Invariant::QuorumLogInv,
    );
}

#[test]
fn more_up_to_date_correct_inv_fires_for_an_up_to_date_log_missing_committed_entries() {
    expect(
        3,
        vec![
            (1, follower(1, 0, 1), appends(vec![noop(1, 1)])),
            (2, follower(1, 0, 1), appends(vec![noop(1, 1)])),
            (1, follower(1, 1, 1), Outputs::default()),
            // Node 3's log ends in a later term, so it could win votes, but lacks index 1 of term 1.
            (3, follower(2, 0, 0), appends(vec![noop(1, 2)])),
        ],
        Invariant::MoreUpToDateCorrectInv,
    );
}

#[test]
fn leader_completeness_inv_fires_for_a_leader_missing_a_committed_entry() {
    expect(
        3,
        vec![
            (1, follower(1, 0, 1), appends(vec![noop(1, 1)])),
            (2, follower(1, 0, 1), appends(vec![noop(1, 1)])),
            (1, follower(1, 1, 1), Outputs::default()),
            (1, follower(2, 1, 1), granting(Outputs::default(), 1, 3, 2)),
            (3, leader(2, 0, 0), Outputs::default()),
        ],
        Invariant::LeaderCompletenessInv,
    );
}

#[test]
fn committed_is_durable_inv_fires_for_a_leader_committing_past_its_disk() {
    expect(
        1,
        vec![(1, leader(1, 0, 0), appends(vec![noop(1, 1), noop(2, 1)])), (1, leader(1, 2, 1), Outputs::default())],
        Invariant::CommittedIsDurableInv,
    );
}

#[test]
fn leader_commits_own_term_inv_fires_for_an_earlier_term_entry_committed_by_counting() {
    expect(
        1,
        vec![
            (1, follower(1, 0, 1), appends(vec![noop(1, 1)])),
            (1, leader(2, 0, 1), Outputs::default()),
            // Figure 8: leading term 2, it commits index 1 of term 1 before any entry of term 2.
            (1, leader(2, 1, 1), Outputs::default()),
        ],
        Invariant::LeaderCommitsOwnTermInv,
    );
}

#[test]
fn leader_votes_inv_fires_for_a_leader_without_a_quorum_of_votes_of_its_term() {
    expect(
        3,
        vec![
            // A grant of term 1 does not count in term 2 (the liferaft bug counted it).
            votes(2, 1, 1),
            (1, leader(2, 0, 0), Outputs::default()),
        ],
        Invariant::LeaderVotesInv,
    );
}

#[test]
fn vote_durable_inv_fires_for_a_grant_sent_before_the_vote_is_on_disk() {
    let checker = SafetyChecker::new(3);
    let grant = [vote(2, 1, 3)];
    let violation = checker
        .check_votes_sent(2, &grant, HardState { term: 3, voted_for: None })
        .expect_err("the vote is not on disk yet");
    assert_eq!(violation.invariant, Invariant::VoteDurableInv, "{violation}");
    let on_disk = HardState { term: 3, voted_for: Some(1) };
    assert!(checker.check_votes_sent(2, &grant, on_disk).is_ok());
    let later_term = HardState { term: 4, voted_for: None };
    assert!(checker.check_votes_sent(2, &grant, later_term).is_ok(), "written in order before term 4");
}

fn applied(index: Index, client: u64, seq: u64, value: &str, effective: bool) -> Applied {
    let command = Command { client, seq, op: Op::Put { key: "k".into(), value: value.into() } };
    Applied { index, term: 1, command: Some(std::sync::Arc::new(command)), result: Some(OpResult::Done), effective }
}

fn applying(entries: Vec<Applied>) -> Outputs {
    Outputs { applied: entries, ..Outputs::default() }
}

#[test]
fn state_machine_safety_fires_for_different_commands_applied_at_one_index() {
    let mut after = follower(1, 0, 0);
    after.applied_index = 1;
    expect(
        3,
        vec![
            (1, after, applying(vec![applied(1, 7, 1, "a", true)])),
            (2, after, applying(vec![applied(1, 7, 1, "b", true)])),
        ],
        Invariant::StateMachineSafety,
    );
}

#[test]
fn monotonic_term_fires_when_a_term_goes_back() {
    expect(
        1,
        vec![(1, follower(3, 0, 0), Outputs::default()), (1, follower(2, 0, 0), Outputs::default())],
        Invariant::MonotonicTerm,
    );
}

#[test]
fn monotonic_term_fires_when_a_restart_loses_a_durable_term() {
    let mut checker = SafetyChecker::new(1);
    checker.on_crash(1, &[]).expect("a crash alone is fine");
    let violation = checker.on_restart(1, follower(2, 0, 0), 5).expect_err("term 5 was durable");
    assert_eq!(violation.invariant, Invariant::MonotonicTerm);
}

#[test]
fn monotonic_commit_fires_when_a_running_node_forgets_commitment() {
    expect(
        1,
        vec![
            (1, follower(1, 0, 1), appends(vec![noop(1, 1)])),
            (1, follower(1, 1, 1), Outputs::default()),
            (1, follower(1, 0, 1), Outputs::default()),
        ],
        Invariant::MonotonicCommit,
    );
}

#[test]
fn monotonic_applied_fires_for_a_gap_in_applying() {
    let mut after = follower(1, 0, 0);
    after.applied_index = 3;
    expect(1, vec![(1, after, applying(vec![applied(3, 7, 1, "a", true)]))], Invariant::MonotonicApplied);
}

#[test]
fn monotonic_vote_fires_for_a_changed_vote_in_one_term() {
    let voted = |candidate| NodeSnapshot { voted_for: Some(candidate), ..follower(4, 0, 0) };
    expect(3, vec![(1, voted(2), Outputs::default()), (1, voted(3), Outputs::default())], Invariant::MonotonicVote);
}

#[test]
fn exactly_once_apply_fires_for_a_request_executed_twice() {
    let mut first = follower(1, 0, 0);
    first.applied_index = 1;
    let mut second = first;
    second.applied_index = 2;
    expect(
        1,
        vec![
            (1, first, applying(vec![applied(1, 7, 1, "a", true)])),
            (1, second, applying(vec![applied(2, 7, 1, "a", true)])),
        ],
        Invariant::ExactlyOnceApply,
    );
}

#[test]
fn a_healthy_history_passes_every_invariant() {
    let mut checker = SafetyChecker::new(3);
    let steps = vec![
        votes(2, 1, 1),
        (1, leader(1, 0, 1), appends(vec![noop(1, 1)])),
        (2, follower(1, 0, 1), appends(vec![noop(1, 1)])),
        (1, leader(1, 1, 1), Outputs::default()),
        (3, follower(1, 1, 1), appends(vec![noop(1, 1)])),
    ];
    for (node, snapshot, outputs) in steps {
        checker.on_step(node, snapshot, &outputs).expect("a correct run passes");
    }
    assert_eq!(checker.committed_len(), 1);
}

// The refinements to two TLA+ formulas: states a correct cluster reaches that the literal formulas
// would report. Both follow the paper's wording: what matters is the term an entry was committed
// in, not the entry's own term.

#[test]
fn a_stale_leader_need_not_hold_an_entry_committed_after_its_term() {
    // Node 1 still leads term 4 (partitioned, no CheckQuorum) while node 2, leader of term 5,
    // commits index 2 (an entry of term 2). Node 1 lacks it; that is not a violation: it was
    // committed in term 5, after node 1's term (§5.4.3).
    let mut checker = SafetyChecker::new(3);
    let steps = vec![
        votes(3, 1, 4),
        (1, leader(4, 0, 1), appends(vec![noop(1, 1)])),
        (2, follower(5, 0, 2), appends(vec![noop(1, 1), noop(2, 2)])),
        (3, follower(5, 0, 2), granting(appends(vec![noop(1, 1), noop(2, 2)]), 3, 2, 5)),
        (2, leader(5, 2, 2), Outputs::default()),
    ];
    for (node, snapshot, outputs) in steps {
        checker.on_step(node, snapshot, &outputs).expect("a correct cluster can be here");
    }
}

#[test]
fn a_stale_log_of_a_later_term_need_not_hold_entries_committed_after_that_term() {
    // Node 1 keeps an uncommitted suffix ending in term 3; the leader of term 4 commits index 2 of
    // term 2 on nodes 2 and 3. Node 1's log looks more up to date than node 2's (last term 3 > 2)
    // yet lacks node 2's committed entry; it can never win a majority, and the entry was
    // committed in term 4, after node 1's last term.
    let mut checker = SafetyChecker::new(3);
    let steps = vec![
        (1, follower(3, 0, 3), appends(vec![noop(1, 1), noop(2, 1), noop(3, 3)])),
        (2, follower(4, 0, 2), appends(vec![noop(1, 1), noop(2, 2)])),
        (3, follower(4, 0, 2), granting(appends(vec![noop(1, 1), noop(2, 2)]), 3, 2, 4)),
        (2, leader(4, 2, 2), Outputs::default()),
    ];
    for (node, snapshot, outputs) in steps {
        checker.on_step(node, snapshot, &outputs).expect("a correct cluster can be here");
    }
}
