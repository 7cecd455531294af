//! Each safety invariant, fed a hand-built state that violates it, must fire, and name itself;
//! fed the same inputs in damage-only mode, a rule check stays silent and a damage check fires
//! alike ([`fails`]), unless the input that breaks the rule does its harm at once, which a
//! damage check then reports ([`fails_then_damages`]).
//! The states are built through the checker's own inputs: node snapshots, step outputs, the
//! writes the world reports durable, and crashes.

use std::sync::Arc;

use raftsim_core::check::safety::{NodeSnapshot, SafetyChecker};
use raftsim_core::check::violation::{Invariant, Violation};
use raftsim_core::raft::{
    AppendOutcome, Applied, Body, Command, DurableState, Entry, HardState, Index, KvStore, Message, NodeId, Op,
    OpResult, Outputs, Payload, Role, Snapshot, Term, Write, WriteRequest,
};

type Checked = Result<(), Box<Violation>>;

fn noop(index: Index, term: Term) -> Entry {
    Entry { term, index, payload: Payload::Noop }
}

fn command(client: u64, seq: u64, op: Op) -> Arc<Command> {
    Arc::new(Command { client, seq, op })
}

fn put_op(value: &str) -> Op {
    Op::Put { key: "k".into(), value: value.into() }
}

fn cas_op(from: &str, to: &str) -> Op {
    Op::Cas { key: "k".into(), from: from.into(), to: to.into() }
}

fn entry(index: Index, term: Term, command: &Arc<Command>) -> Entry {
    Entry { term, index, payload: Payload::Command(Arc::clone(command)) }
}

fn put(index: Index, term: Term, value: &str) -> Entry {
    entry(index, term, &command(1, index, put_op(value)))
}

fn hard_state(term: Term, vote: Option<NodeId>) -> Write {
    Write::HardState(HardState { term, voted_for: vote })
}

fn outputs(writes: Vec<Write>, messages: Vec<Message>) -> Outputs {
    let writes = writes.into_iter().zip(1..).map(|(write, id)| WriteRequest { id, write }).collect();
    Outputs { writes, messages, ..Outputs::default() }
}

fn appends(entries: Vec<Entry>) -> Outputs {
    outputs(vec![Write::Append(entries)], vec![])
}

fn nothing() -> Outputs {
    Outputs::default()
}

/// A vote for `candidate` in `term`, sent by `voter`.
fn vote(voter: NodeId, candidate: NodeId, term: Term) -> Message {
    Message { from: voter, to: candidate, term, body: Body::VoteResponse { prevote: false, granted: true } }
}

/// `outputs` with a vote for `candidate` in `term` sent by `voter` as well.
fn granting(mut outputs: Outputs, voter: NodeId, candidate: NodeId, term: Term) -> Outputs {
    outputs.messages.push(vote(voter, candidate, term));
    outputs
}

/// `follower` acknowledging its leader's entries up to `match_index` in `term`.
fn ack(follower: NodeId, leader: NodeId, term: Term, match_index: Index) -> Message {
    let outcome = AppendOutcome::Accepted { match_index };
    Message { from: follower, to: leader, term, body: Body::AppendResponse { prev_log_index: 0, outcome } }
}

fn follower(term: Term, commit_index: Index) -> NodeSnapshot {
    NodeSnapshot { running: true, role: Role::Follower, term, voted_for: None, commit_index, applied_index: 0 }
}

fn leader(term: Term, commit_index: Index) -> NodeSnapshot {
    NodeSnapshot { role: Role::Leader, ..follower(term, commit_index) }
}

fn candidate(term: Term) -> NodeSnapshot {
    NodeSnapshot { role: Role::Candidate, ..follower(term, 0) }
}

/// A checker fed one input at a time, each counted as an event.
struct Run {
    checker: SafetyChecker,
    events: u64,
    /// Each node's term on disk, as the writes made durable so far leave it.
    disk_terms: std::collections::BTreeMap<NodeId, HardState>,
}

impl Run {
    /// A run of `nodes` nodes whose checker reports every check.
    fn new(nodes: u32) -> Run {
        Run::with_rules(nodes, true)
    }

    /// A run of `nodes` nodes whose checker reports the rule checks (`rules`) or not
    /// (damage-only mode, [`SafetyChecker::with_rule_checks`]).
    fn with_rules(nodes: u32, rules: bool) -> Run {
        Run { checker: SafetyChecker::new(nodes).with_rule_checks(rules), events: 0, disk_terms: Default::default() }
    }

    fn next_event(&mut self) -> &mut SafetyChecker {
        self.events += 1;
        self.checker.at_event(self.events, 0);
        &mut self.checker
    }

    /// Node `node` takes a step; then its disk makes the step's writes durable.
    fn step(&mut self, node: NodeId, after: NodeSnapshot, outputs: Outputs) -> Checked {
        self.next_event().on_step(node, after, &outputs)?;
        let synced = self.term_first(node, outputs.writes);
        self.next_event().on_durable(node, &synced)
    }

    /// `writes`, after the term of their entries if the disk's is lower: the hand-built states
    /// here leave a node's term out where it plays no part, and a disk holds the term of every
    /// entry on it (DiskTermInv, whose own tests sync with [`Run::sync_as_is`]).
    fn term_first(&mut self, node: NodeId, writes: Vec<WriteRequest>) -> Vec<WriteRequest> {
        let disk = self.disk_terms.entry(node).or_default();
        let mut synced = Vec::new();
        for request in writes {
            match &request.write {
                Write::HardState(hard_state) => *disk = *hard_state,
                Write::Append(entries) => {
                    let term = entries.iter().map(|entry| entry.term).max().unwrap_or(0);
                    if term > disk.term {
                        *disk = HardState { term, voted_for: None };
                        synced.push(WriteRequest { id: request.id, write: Write::HardState(*disk) });
                    }
                }
                _ => {}
            }
            synced.push(request);
        }
        synced
    }

    /// Node `node` takes a step whose writes are not durable yet.
    fn step_unsynced(&mut self, node: NodeId, after: NodeSnapshot, outputs: Outputs) -> Checked {
        self.next_event().on_step(node, after, &outputs)
    }

    /// Node `node`'s disk makes `writes` durable.
    fn sync(&mut self, node: NodeId, writes: Vec<Write>) -> Checked {
        let synced = self.term_first(node, outputs(writes, vec![]).writes);
        self.next_event().on_durable(node, &synced)
    }

    /// Node `node`'s disk makes `writes` durable, and nothing else.
    fn sync_as_is(&mut self, node: NodeId, writes: Vec<Write>) -> Checked {
        let synced = outputs(writes, vec![]).writes;
        self.next_event().on_durable(node, &synced)
    }

    /// `voter`, now `after`, grants its vote in `after.term` to `candidate`, the vote on its
    /// disk first.
    fn grant(&mut self, voter: NodeId, after: NodeSnapshot, candidate: NodeId) -> Checked {
        self.sync(voter, vec![hard_state(after.term, Some(candidate))])?;
        self.step(voter, after, granting(nothing(), voter, candidate, after.term))
    }

    /// `node`'s vote for itself in `term` reaches its disk.
    fn self_vote(&mut self, node: NodeId, term: Term) -> Checked {
        self.sync(node, vec![hard_state(term, Some(node))])
    }
}

fn pass(checked: Checked) {
    if let Err(violation) = checked {
        panic!("should pass: {violation}");
    }
}

/// Feeds the inputs `inputs` makes to a fresh run twice: once with every check on, once in
/// damage-only mode (`inputs` is told whether rule checks report, for [`Run::with_rules`]), and
/// judges what the last input does. With every check on, it violates `expected`. In
/// damage-only mode, a rule check ([`Invariant::is_rule_check`]) is passed over and the inputs
/// pass; a damage check reports the same violation. Returns the violation with every check on.
fn fails(expected: Invariant, inputs: impl Fn(bool) -> Checked) -> Box<Violation> {
    let violation = fails_with_rules(expected, &inputs);
    match inputs(false) {
        Ok(()) => assert!(expected.is_rule_check(), "damage-only mode passed over the damage check {expected:?}"),
        Err(damage) => {
            assert!(!expected.is_rule_check(), "damage-only mode reported {damage} rather than pass over {expected:?}");
            assert_eq!(damage, violation, "a damage check reports alike in both modes");
        }
    }
    violation
}

/// As [`fails`], for inputs whose last one breaks the rule check `rule` and does its harm at
/// once: in damage-only mode the rule is passed over and the damage check `damage` reports
/// that harm, at the same input.
fn fails_then_damages(rule: Invariant, damage: Invariant, inputs: impl Fn(bool) -> Checked) -> Box<Violation> {
    assert!(rule.is_rule_check() && !damage.is_rule_check(), "{rule:?} is a rule check, {damage:?} a damage check");
    let violation = fails_with_rules(rule, &inputs);
    let harm = inputs(false).expect_err("in damage-only mode these inputs violate a damage check");
    assert_eq!(harm.invariant, damage, "{harm}");
    assert_eq!(harm.event, violation.event, "the harm is done by the input that broke the rule");
    violation
}

/// The violation the inputs `inputs` makes lead to with every check on, which must be of
/// `expected`.
fn fails_with_rules(expected: Invariant, inputs: impl Fn(bool) -> Checked) -> Box<Violation> {
    let violation = inputs(true).expect_err("these inputs violate the invariant");
    assert_eq!(violation.invariant, expected, "{violation}");
    assert!(!violation.message.is_empty());
    violation
}

#[test]
fn log_inv_fires_when_committed_prefixes_disagree() {
    fails(Invariant::LogInv, |rules| {
        let mut run = committed(rules, vec![noop(1, 1)]);
        // Node 3 holds a different entry at index 1 and counts it committed.
        run.step(3, follower(2, 1), appends(vec![noop(1, 2)]))
    });
}

#[test]
fn log_inv_fires_when_a_committed_entry_is_truncated() {
    fails(Invariant::LogInv, |rules| {
        let mut run = Run::with_rules(1, rules);
        pass(run.step(1, follower(1, 0), appends(vec![noop(1, 1)])));
        pass(run.step(1, follower(1, 1), nothing()));
        run.step(1, follower(1, 1), outputs(vec![Write::Truncate { from: 1 }], vec![]))
    });
}

/// Two nodes each lead term 2 on the other's vote. Contrived so that every other check on the
/// way holds: neither node's vote for itself went out on the wire (a vote request would carry it,
/// and VoteOnceInv would fire at the second vote instead).
fn two_leaders_of_term_two(run: &mut Run, first_steps_down: bool) -> Checked {
    run.grant(2, follower(2, 0), 1)?;
    run.self_vote(1, 2)?;
    run.step(1, leader(2, 0), nothing())?;
    run.grant(1, leader(2, 0), 2)?;
    if first_steps_down {
        run.step(1, follower(3, 0), outputs(vec![hard_state(3, None)], vec![]))?;
    }
    run.self_vote(2, 2)?;
    run.step(2, leader(2, 0), nothing())
}

#[test]
fn more_than_one_leader_inv_fires_for_two_leaders_of_one_term() {
    fails(Invariant::MoreThanOneLeaderInv, |rules| two_leaders_of_term_two(&mut Run::with_rules(2, rules), false));
}

#[test]
fn more_than_one_leader_inv_remembers_leaders_of_the_past() {
    fails(Invariant::MoreThanOneLeaderInv, |rules| {
        // Node 1 no longer leads when node 2 takes office, but term 2 already had its leader.
        two_leaders_of_term_two(&mut Run::with_rules(2, rules), true)
    });
}

#[test]
fn more_than_one_leader_inv_fires_for_a_node_leading_a_term_again_after_a_crash() {
    let violation = fails(Invariant::MoreThanOneLeaderInv, |rules| {
        let mut run = Run::with_rules(3, rules);
        pass(run.grant(2, follower(2, 0), 1));
        pass(run.self_vote(1, 2));
        pass(run.step(1, leader(2, 0), nothing()));
        // Its vote and term survive the crash; its leadership does not, yet it takes office in
        // term 2 again, its old votes counted a second time.
        let disk = DurableState { hard_state: HardState { term: 2, voted_for: Some(1) }, ..DurableState::default() };
        pass(run.next_event().on_crash(1, &disk, None));
        pass(run.next_event().on_restart(1, follower(2, 0), &KvStore::default()));
        run.step(1, leader(2, 0), nothing())
    });
    assert_eq!(violation.nodes, vec![1]);
    assert!(violation.message.contains("a second time"), "{}", violation.message);
}

#[test]
fn a_leader_that_stays_in_office_is_one_leadership() {
    let mut run = Run::new(3);
    pass(run.grant(2, follower(2, 0), 1));
    pass(run.self_vote(1, 2));
    pass(run.step(1, leader(2, 0), nothing()));
    pass(run.step(1, leader(2, 0), appends(vec![noop(1, 2)])));
}

#[test]
fn election_safety_inv_fires_for_an_entry_of_the_term_beyond_its_leader_log() {
    fails(Invariant::ElectionSafetyInv, |rules| {
        let mut run = Run::with_rules(3, rules);
        pass(run.grant(2, follower(2, 0), 1));
        pass(run.self_vote(1, 2));
        pass(run.step(1, leader(2, 0), appends(vec![noop(1, 2)])));
        let beyond = appends(vec![noop(1, 2), noop(2, 2)]);
        run.step(2, follower(2, 0), beyond)
    });
}

#[test]
fn log_matching_inv_fires_for_same_index_and_term_with_different_prefixes() {
    fails(Invariant::LogMatchingInv, |rules| {
        let mut run = Run::with_rules(3, rules);
        pass(run.step(1, follower(1, 0), appends(vec![put(1, 1, "a")])));
        run.step(2, follower(1, 0), appends(vec![put(1, 1, "b")]))
    });
}

#[test]
fn quorum_log_inv_fires_for_an_entry_committed_on_too_few_disks() {
    let violation = fails(Invariant::QuorumLogInv, |rules| {
        let mut run = Run::with_rules(3, rules);
        pass(run.step(1, follower(1, 0), appends(vec![noop(1, 1)])));
        run.step(1, follower(1, 1), nothing())
    });
    // One holder: a singular verb.
    assert!(violation.message.contains("only 1 of the 3 nodes (S1) holds them on disk"), "{}", violation.message);
}

#[test]
fn quorum_log_inv_counts_only_entries_on_disk() {
    fails(Invariant::QuorumLogInv, |rules| {
        // Node 2's log holds the entry, but its write is not durable: a crash would take it.
        let mut run = Run::with_rules(3, rules);
        pass(run.step(1, follower(1, 0), appends(vec![noop(1, 1)])));
        pass(run.step_unsynced(2, follower(1, 0), appends(vec![noop(1, 1)])));
        run.step(1, follower(1, 1), nothing())
    });
}

#[test]
fn quorum_log_inv_asks_for_a_whole_quorum_in_an_even_cluster() {
    fails(Invariant::QuorumLogInv, |rules| {
        // Four nodes: two copies meet every quorum of three, but a quorum of disks is three.
        let mut run = Run::with_rules(4, rules);
        pass(run.step(1, follower(1, 0), appends(vec![noop(1, 1)])));
        pass(run.step(2, follower(1, 0), appends(vec![noop(1, 1)])));
        run.step(1, follower(1, 1), nothing())
    });
}

#[test]
fn quorum_log_inv_fires_when_a_crash_takes_a_committed_entry_off_a_disk() {
    fails(Invariant::QuorumLogInv, |rules| {
        let mut run = committed(rules, vec![noop(1, 1)]);
        // Node 2 comes back from its crash with an empty disk (a broken disk, say).
        run.next_event().on_crash(2, &DurableState::default(), Some(1))
    });
}

#[test]
fn more_up_to_date_correct_inv_fires_for_an_up_to_date_log_missing_committed_entries() {
    fails(Invariant::MoreUpToDateCorrectInv, |rules| {
        let mut run = committed(rules, vec![noop(1, 1)]);
        // Node 3's log ends in a later term, so it could win votes, but lacks index 1 of term 1.
        run.step(3, follower(2, 0), appends(vec![noop(1, 2)]))
    });
}

#[test]
fn leader_completeness_inv_fires_for_a_leader_missing_a_committed_entry() {
    fails(Invariant::LeaderCompletenessInv, |rules| {
        let mut run = committed(rules, vec![noop(1, 1)]);
        pass(run.grant(1, follower(2, 1), 3));
        pass(run.self_vote(3, 2));
        run.step(3, leader(2, 0), nothing())
    });
}

#[test]
fn committed_is_durable_inv_fires_for_a_leader_committing_past_its_disk() {
    fails_then_damages(Invariant::CommittedIsDurableInv, Invariant::QuorumLogInv, |rules| {
        let mut run = Run::with_rules(1, rules);
        pass(run.self_vote(1, 1));
        let two_appends = outputs(vec![Write::Append(vec![noop(1, 1)]), Write::Append(vec![noop(2, 1)])], vec![]);
        pass(run.step_unsynced(1, leader(1, 0), two_appends));
        pass(run.sync(1, vec![Write::Append(vec![noop(1, 1)])]));
        // Whatever the node believes of its disk, the disk holds index 1 only. Its disk is the
        // cluster's only one, so index 2 is committed on no disk: the harm damage-only mode sees.
        run.step(1, leader(1, 2), nothing())
    });
}

#[test]
fn committed_is_durable_inv_fires_for_a_disk_holding_other_entries_than_the_log() {
    fails_then_damages(Invariant::CommittedIsDurableInv, Invariant::QuorumLogInv, |rules| {
        let mut run = Run::with_rules(1, rules);
        pass(run.step(1, follower(1, 0), appends(vec![noop(1, 1)])));
        pass(run.self_vote(1, 2));
        let replace = outputs(vec![Write::Truncate { from: 1 }, Write::Append(vec![noop(1, 2)])], vec![]);
        pass(run.step_unsynced(1, leader(2, 0), replace));
        // The disk still holds the entry of term 1 at index 1; the leader commits its own, which
        // is then on no disk of the one-node cluster (the harm damage-only mode sees).
        run.step(1, leader(2, 1), nothing())
    });
}

#[test]
fn leader_commits_own_term_inv_fires_for_an_earlier_term_entry_committed_by_counting() {
    fails(Invariant::LeaderCommitsOwnTermInv, |rules| {
        let mut run = Run::with_rules(1, rules);
        pass(run.step(1, follower(1, 0), appends(vec![noop(1, 1)])));
        pass(run.self_vote(1, 2));
        pass(run.step(1, leader(2, 0), nothing()));
        // Figure 8: leading term 2, it commits index 1 of term 1 before any entry of term 2.
        run.step(1, leader(2, 1), nothing())
    });
}

#[test]
fn leader_votes_inv_fires_for_a_leader_without_a_quorum_of_votes_of_its_term() {
    fails(Invariant::LeaderVotesInv, |rules| {
        let mut run = Run::with_rules(3, rules);
        // A grant of term 1 does not count in term 2 (the liferaft bug counted it).
        pass(run.grant(2, follower(1, 0), 1));
        pass(run.self_vote(1, 2));
        run.step(1, leader(2, 0), nothing())
    });
}

/// Node 2, whose disk holds `disk`, grants its vote in term 3 to node 1.
fn grant_with_disk(disk: HardState, rules: bool) -> Checked {
    let mut run = Run::with_rules(3, rules);
    pass(run.sync(2, vec![Write::HardState(disk)]));
    run.step(2, follower(disk.term.max(3), 0), granting(nothing(), 2, 1, 3))
}

#[test]
fn vote_durable_inv_fires_for_a_grant_sent_before_the_vote_is_on_disk() {
    let violation =
        fails(Invariant::VoteDurableInv, |rules| grant_with_disk(HardState { term: 3, voted_for: None }, rules));
    assert!(violation.message.ends_with("(disk: term 3, no vote)"), "{violation}");
    pass(grant_with_disk(HardState { term: 3, voted_for: Some(1) }, true));
    // Written in order before term 4.
    pass(grant_with_disk(HardState { term: 4, voted_for: None }, true));
}

#[test]
fn vote_durable_inv_fires_for_a_vote_request_before_the_self_vote_is_on_disk() {
    fails(Invariant::VoteDurableInv, |rules| {
        let mut run = Run::with_rules(3, rules);
        pass(run.sync(1, vec![hard_state(2, None)]));
        let request = Body::VoteRequest { prevote: false, last_log_index: 0, last_log_term: 0 };
        let asking = outputs(vec![hard_state(3, Some(1))], vec![Message { from: 1, to: 2, term: 3, body: request }]);
        run.step_unsynced(1, candidate(3), asking)
    });
}

#[test]
fn vote_durable_inv_fires_for_a_leader_whose_own_vote_is_not_on_disk() {
    let violation = fails(Invariant::VoteDurableInv, |rules| {
        let mut run = Run::with_rules(3, rules);
        pass(run.grant(2, follower(2, 0), 1));
        pass(run.sync(1, vec![hard_state(2, Some(3))]));
        run.step(1, leader(2, 0), nothing())
    });
    assert!(violation.message.ends_with("(disk: term 2, vote for S3)"), "{violation}");
}

#[test]
fn vote_once_inv_fires_for_a_second_vote_in_a_term_after_a_crash() {
    fails(Invariant::VoteOnceInv, |rules| {
        let mut run = Run::with_rules(3, rules);
        pass(run.grant(3, follower(2, 0), 1));
        // The disk lost the vote (a broken disk); node 3 restarts as new and votes again.
        pass(run.next_event().on_crash(3, &DurableState::default(), Some(1)));
        pass(run.next_event().on_restart(3, follower(0, 0), &KvStore::default()));
        run.grant(3, follower(2, 0), 2)
    });
}

#[test]
fn vote_once_inv_counts_a_vote_request_as_a_vote_for_oneself() {
    fails(Invariant::VoteOnceInv, |rules| {
        let mut run = Run::with_rules(3, rules);
        pass(run.self_vote(1, 2));
        let request = Body::VoteRequest { prevote: false, last_log_index: 0, last_log_term: 0 };
        pass(run.step(1, candidate(2), outputs(vec![], vec![Message { from: 1, to: 2, term: 2, body: request }])));
        run.grant(1, follower(2, 0), 3)
    });
}

#[test]
fn ack_durable_inv_fires_for_an_acknowledgement_ahead_of_the_disk() {
    fails(Invariant::AckDurableInv, |rules| {
        let mut run = Run::with_rules(3, rules);
        pass(run.sync(2, vec![hard_state(1, None)]));
        let acked = outputs(vec![Write::Append(vec![noop(1, 1)])], vec![ack(2, 1, 1, 1)]);
        run.step_unsynced(2, follower(1, 0), acked)
    });
}

#[test]
fn ack_durable_inv_fires_for_a_disk_holding_other_entries_than_the_acknowledged_ones() {
    fails(Invariant::AckDurableInv, |rules| {
        let mut run = Run::with_rules(3, rules);
        pass(run.step(2, follower(1, 0), appends(vec![noop(1, 1)])));
        pass(run.sync(2, vec![hard_state(2, None)]));
        // The leader of term 2 replaces index 1; the disk still holds the entry of term 1.
        let replaced =
            outputs(vec![Write::Truncate { from: 1 }, Write::Append(vec![noop(1, 2)])], vec![ack(2, 1, 2, 1)]);
        run.step_unsynced(2, follower(2, 0), replaced)
    });
}

#[test]
fn an_acknowledgement_released_late_is_judged_by_the_term_it_was_sent_in() {
    let mut run = Run::new(3);
    pass(run.sync(2, vec![hard_state(1, None)]));
    pass(run.step(2, follower(1, 0), appends(vec![noop(1, 1), noop(2, 1)])));
    // A later leader's entries replace index 2 in memory; the disk is still as acknowledged.
    let replace =
        outputs(vec![hard_state(2, None), Write::Truncate { from: 2 }, Write::Append(vec![noop(2, 2)])], vec![]);
    pass(run.step_unsynced(2, follower(2, 0), replace.clone()));
    pass(run.step_unsynced(2, follower(2, 0), outputs(vec![], vec![ack(2, 1, 1, 2)])));
    // Once the new term is on disk, a term-1 acknowledgement promises nothing more of it.
    pass(run.sync(2, replace.writes.into_iter().map(|request| request.write).collect()));
    pass(run.step_unsynced(2, follower(2, 0), outputs(vec![], vec![ack(2, 1, 1, 2)])));
}

#[test]
fn term_durable_inv_fires_for_a_message_in_a_term_not_yet_on_disk() {
    fails(Invariant::TermDurableInv, |rules| {
        let mut run = Run::with_rules(3, rules);
        pass(run.sync(2, vec![hard_state(1, None)]));
        let answer = Message { from: 2, to: 1, term: 2, body: Body::HeartbeatResponse };
        run.step_unsynced(2, follower(2, 0), outputs(vec![hard_state(2, None)], vec![answer]))
    });
}

#[test]
fn own_term_kept_inv_fires_for_a_node_removing_an_entry_of_its_term() {
    fails(Invariant::OwnTermKeptInv, |rules| {
        let mut run = Run::with_rules(3, rules);
        pass(run.step(2, follower(2, 0), appends(vec![noop(1, 1), noop(2, 2)])));
        // Still in term 2, it takes a deposed leader's entries of term 1 over its own of term 2.
        let replaced = outputs(vec![Write::Truncate { from: 2 }, Write::Append(vec![noop(2, 1)])], vec![]);
        run.step(2, follower(2, 0), replaced)
    });
}

#[test]
fn a_node_removes_entries_of_terms_before_its_own() {
    let mut run = Run::new(3);
    pass(run.step(2, follower(2, 0), appends(vec![noop(1, 1), noop(2, 2)])));
    let replaced = outputs(vec![Write::Truncate { from: 2 }, Write::Append(vec![noop(2, 3)])], vec![]);
    pass(run.step(2, follower(3, 0), replaced));
}

#[test]
fn a_prevote_may_ask_about_a_term_not_on_disk() {
    let mut run = Run::new(3);
    pass(run.sync(1, vec![hard_state(1, None)]));
    let prevote = Body::VoteRequest { prevote: true, last_log_index: 0, last_log_term: 0 };
    let asking = NodeSnapshot { role: Role::PreCandidate, ..follower(1, 0) };
    pass(run.step(1, asking, outputs(vec![], vec![Message { from: 1, to: 2, term: 2, body: prevote }])));
}

fn applied(index: Index, term: Term, command: &Arc<Command>, result: OpResult, effective: bool) -> Applied {
    Applied { index, term, command: Some(Arc::clone(command)), result: Some(result), effective }
}

/// Nodes 1 and 2 of three hold `entries` (from index 1, term 1) on disk, and node 1 commits them.
/// `rules`: whether its checker reports rule checks.
fn committed(rules: bool, entries: Vec<Entry>) -> Run {
    let mut run = Run::with_rules(3, rules);
    let last = entries.len() as Index;
    pass(run.step(1, follower(1, 0), appends(entries.clone())));
    pass(run.step(2, follower(1, 0), appends(entries)));
    pass(run.step(1, follower(1, last), nothing()));
    run
}

/// Node `node`, now `state` but with `applied` committed and applied, takes the step that
/// applies it.
fn apply(run: &mut Run, node: NodeId, state: NodeSnapshot, applied: Vec<Applied>) -> Checked {
    let last = applied.last().map_or(state.applied_index, |entry| entry.index);
    let after = NodeSnapshot { commit_index: state.commit_index.max(last), applied_index: last, ..state };
    run.step(node, after, Outputs { applied, ..Outputs::default() })
}

#[test]
fn state_machine_safety_fires_for_an_applied_entry_other_than_the_committed_one() {
    fails(Invariant::StateMachineSafety, |rules| {
        let a = command(7, 1, put_op("a"));
        let mut run = committed(rules, vec![entry(1, 1, &a)]);
        let b = command(7, 1, put_op("b"));
        apply(&mut run, 1, follower(1, 1), vec![applied(1, 1, &b, OpResult::Done, true)])
    });
}

#[test]
fn state_machine_safety_fires_for_an_applied_entry_no_node_committed() {
    fails(Invariant::StateMachineSafety, |rules| {
        let a = command(7, 1, put_op("a"));
        let mut run = Run::with_rules(3, rules);
        pass(run.step(1, follower(1, 0), appends(vec![entry(1, 1, &a)])));
        let after = NodeSnapshot { applied_index: 1, ..follower(1, 0) };
        let outputs = Outputs { applied: vec![applied(1, 1, &a, OpResult::Done, true)], ..Outputs::default() };
        run.step(1, after, outputs)
    });
}

#[test]
fn state_machine_safety_fires_for_one_command_with_two_results() {
    fails(Invariant::StateMachineSafety, |rules| {
        let cas = command(7, 1, cas_op("", "x"));
        let mut run = committed(rules, vec![entry(1, 1, &cas)]);
        pass(apply(&mut run, 1, follower(1, 1), vec![applied(1, 1, &cas, OpResult::CasResult(true), true)]));
        let diverged = vec![applied(1, 1, &cas, OpResult::CasResult(false), true)];
        apply(&mut run, 2, follower(1, 0), diverged)
    });
}

#[test]
fn state_machine_safety_judges_answers_by_an_independent_model() {
    // Every node's store makes the same mistake (an append that puts its value first), so the
    // nodes agree with each other; the checker's model says what an append does.
    let commands = [
        command(7, 1, Op::Append { key: "k".into(), value: "a".into() }),
        command(7, 2, Op::Append { key: "k".into(), value: "b".into() }),
        command(7, 3, Op::Get { key: "k".into() }),
    ];
    let entries: Vec<Entry> = commands.iter().zip(1..).map(|(command, index)| entry(index, 1, command)).collect();
    let answering = |read: &str| {
        let read = OpResult::Value(Some(Arc::new(read.to_string())));
        let answers = [OpResult::Done, OpResult::Done, read];
        commands
            .iter()
            .zip(answers)
            .zip(1..)
            .map(|((command, answer), index)| applied(index, 1, command, answer, true))
            .collect::<Vec<_>>()
    };
    let violation = fails(Invariant::StateMachineSafety, |rules| {
        let mut run = committed(rules, entries.clone());
        apply(&mut run, 1, follower(1, 3), answering("ba"))
    });
    assert_eq!(violation.indexes, vec![3], "the read that shows the mistake");
    let mut run = committed(true, entries.clone());
    pass(apply(&mut run, 1, follower(1, 3), answering("ab")));
}

#[test]
fn state_machine_safety_reads_an_empty_value_as_a_missing_key() {
    let (put_empty, get) = (command(7, 1, put_op("")), command(7, 2, Op::Get { key: "k".into() }));
    let mut run = committed(true, vec![entry(1, 1, &put_empty), entry(2, 1, &get)]);
    let answers = vec![
        applied(1, 1, &put_empty, OpResult::Done, true),
        applied(2, 1, &get, OpResult::Value(Some(Arc::new(String::new()))), true),
    ];
    pass(apply(&mut run, 1, follower(1, 2), answers));
    let at_two = NodeSnapshot { applied_index: 2, ..follower(1, 2) };
    pass(run.step(1, at_two, snapshot(2, 1, store_after(&[&put_empty, &get]))));
}

/// Node 1 has committed and applied `put k a` (client 7's first request) at index 1; returns the
/// run (whose checker reports rule checks if `rules`) and that command.
fn applied_one(rules: bool) -> (Run, Arc<Command>) {
    let a = command(7, 1, put_op("a"));
    let mut run = committed(rules, vec![entry(1, 1, &a)]);
    pass(apply(&mut run, 1, follower(1, 1), vec![applied(1, 1, &a, OpResult::Done, true)]));
    (run, a)
}

/// The store after applying `commands` in order.
fn store_after(commands: &[&Arc<Command>]) -> KvStore {
    let mut store = KvStore::default();
    for command in commands {
        store.apply(command);
    }
    store
}

fn snapshot(last_index: Index, last_term: Term, store: KvStore) -> Outputs {
    outputs(vec![Write::Snapshot(Arc::new(Snapshot { last_index, last_term, store }))], vec![])
}

#[test]
fn state_machine_safety_passes_a_true_snapshot_and_its_restore() {
    let (mut run, a) = applied_one(true);
    let at_one = NodeSnapshot { applied_index: 1, ..follower(1, 1) };
    pass(run.step(1, at_one, snapshot(1, 1, store_after(&[&a]))));
    let disk = DurableState {
        hard_state: HardState { term: 1, voted_for: None },
        entries: vec![entry(1, 1, &a)].into(),
        snapshot: None,
    };
    pass(run.next_event().on_crash(1, &disk, None));
    pass(run.next_event().on_restart(1, at_one, &store_after(&[&a])));
}

#[test]
fn state_machine_safety_fires_for_a_forged_snapshot() {
    let a = command(7, 1, put_op("a"));
    let at_one = NodeSnapshot { applied_index: 1, ..follower(1, 1) };
    // After `applied_one`, node 1 writes a snapshot of `last_index` and `last_term` holding `store`.
    let snapshotting = |last_index: Index, last_term: Term, store: KvStore| {
        move |rules| {
            let (mut run, _) = applied_one(rules);
            run.step(1, at_one, snapshot(last_index, last_term, store.clone()))
        }
    };
    // The snapshot holds b, the log gives a.
    let forged = store_after(&[&command(7, 1, put_op("b"))]);
    let violation = fails(Invariant::StateMachineSafety, snapshotting(1, 1, forged));
    assert!(violation.message.contains("snapshot") && violation.message.contains("index 1"), "{}", violation.message);
    let sessions_lost = store_after(&[&command(8, 1, put_op("a"))]);
    fails(Invariant::StateMachineSafety, snapshotting(1, 1, sessions_lost));
    fails(Invariant::StateMachineSafety, snapshotting(1, 2, store_after(&[&a])));
    fails(Invariant::StateMachineSafety, snapshotting(2, 1, store_after(&[&a])));
}

#[test]
fn state_machine_safety_fires_for_a_restart_with_a_wrong_state_machine() {
    let a = command(7, 1, put_op("a"));
    let disk = DurableState {
        hard_state: HardState { term: 1, voted_for: None },
        entries: vec![entry(1, 1, &a)].into(),
        snapshot: None,
    };
    // After `applied_one`, node `node` crashes leaving `disk` and restarts as `after` with `store`.
    let restarting = |node: NodeId, disk: DurableState, after: NodeSnapshot, store: KvStore| {
        move |rules| {
            let (mut run, _) = applied_one(rules);
            pass(run.next_event().on_crash(node, &disk, None));
            run.next_event().on_restart(node, after, &store)
        }
    };
    // The node restored b, the log gives a.
    let at_one = NodeSnapshot { applied_index: 1, ..follower(1, 1) };
    let forged = store_after(&[&command(7, 1, put_op("b"))]);
    let violation = fails(Invariant::StateMachineSafety, restarting(1, disk.clone(), at_one, forged));
    assert!(violation.message.contains("restarted with its state machine at index 1"), "{}", violation.message);
    // A state machine of an index no node has applied.
    let at_two = NodeSnapshot { applied_index: 2, ..follower(1, 2) };
    fails(Invariant::StateMachineSafety, restarting(1, disk, at_two, store_after(&[&a])));
    // A node that restored nothing but says it holds state.
    let nothing_restored = restarting(3, DurableState::default(), follower(1, 0), store_after(&[&a]));
    fails(Invariant::StateMachineSafety, nothing_restored);
}

#[test]
fn monotonic_term_fires_when_a_term_goes_back() {
    fails(Invariant::MonotonicTerm, |rules| {
        let mut run = Run::with_rules(1, rules);
        pass(run.step(1, follower(3, 0), nothing()));
        run.step(1, follower(2, 0), nothing())
    });
}

#[test]
fn monotonic_term_fires_when_a_restart_loses_a_durable_term() {
    // Term 5 was durable.
    fails(Invariant::MonotonicTerm, |rules| {
        let mut run = Run::with_rules(1, rules);
        let disk = DurableState { hard_state: HardState { term: 5, voted_for: None }, ..DurableState::default() };
        pass(run.next_event().on_crash(1, &disk, None));
        run.next_event().on_restart(1, follower(2, 0), &KvStore::default())
    });
}

#[test]
fn monotonic_commit_fires_when_a_running_node_forgets_commitment() {
    fails(Invariant::MonotonicCommit, |rules| {
        let mut run = Run::with_rules(1, rules);
        pass(run.step(1, follower(1, 0), appends(vec![noop(1, 1)])));
        pass(run.step(1, follower(1, 1), nothing()));
        run.step(1, follower(1, 0), nothing())
    });
}

#[test]
fn monotonic_applied_fires_for_a_gap_in_applying() {
    fails(Invariant::MonotonicApplied, |rules| {
        let a = command(7, 1, put_op("a"));
        let mut run = Run::with_rules(1, rules);
        let after = NodeSnapshot { applied_index: 3, ..follower(1, 0) };
        let outputs = Outputs { applied: vec![applied(3, 1, &a, OpResult::Done, true)], ..Outputs::default() };
        run.step(1, after, outputs)
    });
}

#[test]
fn monotonic_vote_fires_for_a_changed_vote_in_one_term() {
    let violation = fails(Invariant::MonotonicVote, |rules| {
        let voted = |candidate| NodeSnapshot { voted_for: Some(candidate), ..follower(4, 0) };
        let mut run = Run::with_rules(3, rules);
        pass(run.step(1, voted(2), nothing()));
        run.step(1, voted(3), nothing())
    });
    assert_eq!(violation.message, "S1 voted for S2 in term 4 and then changed it to a vote for S3");
}

#[test]
fn exactly_once_apply_fires_for_a_retry_run_a_second_time() {
    fails(Invariant::ExactlyOnceApply, |rules| {
        // The same compare-and-set twice in the log (a client's retry): the second copy must get
        // the first one's answer, not run again and fail.
        let cas = command(7, 1, cas_op("", "x"));
        let mut run = committed(rules, vec![entry(1, 1, &cas), entry(2, 1, &cas)]);
        let first = applied(1, 1, &cas, OpResult::CasResult(true), true);
        // The node even says the retry took no effect; its answer says otherwise.
        let again = applied(2, 1, &cas, OpResult::CasResult(false), false);
        apply(&mut run, 1, follower(1, 2), vec![first, again])
    });
}

#[test]
fn exactly_once_apply_fires_for_an_older_request_run_after_a_newer_one() {
    fails(Invariant::ExactlyOnceApply, |rules| {
        let (older, newer) = (command(7, 1, put_op("a")), command(7, 2, put_op("b")));
        let mut run = committed(rules, vec![entry(1, 1, &newer), entry(2, 1, &older)]);
        let both = vec![applied(1, 1, &newer, OpResult::Done, true), applied(2, 1, &older, OpResult::Done, true)];
        apply(&mut run, 1, follower(1, 2), both)
    });
}

#[test]
fn exactly_once_apply_judges_by_the_answers_not_the_nodes_flag() {
    let cas = command(7, 2, cas_op("", "x"));
    let older = command(7, 1, put_op("old"));
    let mut run = committed(true, vec![entry(1, 1, &cas), entry(2, 1, &cas), entry(3, 1, &older)]);
    let answers = vec![
        applied(1, 1, &cas, OpResult::CasResult(true), false),
        applied(2, 1, &cas, OpResult::CasResult(true), true),
        applied(3, 1, &older, OpResult::Stale, true),
    ];
    pass(apply(&mut run, 1, follower(1, 3), answers));
}

#[test]
fn a_healthy_history_passes_every_invariant() {
    let mut run = Run::new(3);
    let request = Body::VoteRequest { prevote: false, last_log_index: 0, last_log_term: 0 };
    pass(run.self_vote(1, 1));
    pass(run.step(1, candidate(1), outputs(vec![], vec![Message { from: 1, to: 2, term: 1, body: request }])));
    pass(run.grant(2, follower(1, 0), 1));
    let cas = command(7, 1, cas_op("", "x"));
    pass(run.step(1, leader(1, 0), appends(vec![noop(1, 1), entry(2, 1, &cas)])));
    pass(run.step(2, follower(1, 0), appends(vec![noop(1, 1), entry(2, 1, &cas)])));
    pass(run.step(2, follower(1, 0), outputs(vec![], vec![ack(2, 1, 1, 2)])));
    let answers = vec![
        Applied { index: 1, term: 1, command: None, result: None, effective: false },
        applied(2, 1, &cas, OpResult::CasResult(true), true),
    ];
    pass(apply(&mut run, 1, leader(1, 0), answers.clone()));
    pass(run.step(3, follower(1, 0), appends(vec![noop(1, 1), entry(2, 1, &cas)])));
    pass(apply(&mut run, 3, follower(1, 0), answers));
    assert_eq!(run.checker.committed_len(), 2);
}

// The refinements to two TLA+ formulas: states a correct cluster reaches that the literal formulas
// would report. Both follow the paper's wording: what matters is the term an entry was committed
// in, not the entry's own term.

#[test]
fn a_stale_leader_need_not_hold_an_entry_committed_after_its_term() {
    // Node 1 still leads term 4 (partitioned, no CheckQuorum) while node 2, leader of term 5,
    // commits index 2 (an entry of term 2). Node 1 lacks it; that is not a violation: it was
    // committed in term 5, after node 1's term (§5.4.3).
    let mut run = Run::new(3);
    pass(run.grant(3, follower(4, 0), 1));
    pass(run.self_vote(1, 4));
    pass(run.step(1, leader(4, 0), appends(vec![noop(1, 1)])));
    pass(run.step(2, follower(5, 0), appends(vec![noop(1, 1), noop(2, 2)])));
    pass(run.sync(3, vec![hard_state(5, Some(2))]));
    pass(run.step(3, follower(5, 0), granting(appends(vec![noop(1, 1), noop(2, 2)]), 3, 2, 5)));
    pass(run.self_vote(2, 5));
    pass(run.step(2, leader(5, 2), nothing()));
}

#[test]
fn a_stale_log_of_a_later_term_need_not_hold_entries_committed_after_that_term() {
    // Node 1 keeps an uncommitted suffix ending in term 3; the leader of term 4 commits index 2 of
    // term 2 on nodes 2 and 3. Node 1's log looks more up to date than node 2's (last term 3 > 2)
    // yet lacks node 2's committed entry; it can never win a majority, and the entry was
    // committed in term 4, after node 1's last term.
    let mut run = Run::new(3);
    pass(run.step(1, follower(3, 0), appends(vec![noop(1, 1), noop(2, 1), noop(3, 3)])));
    pass(run.step(2, follower(4, 0), appends(vec![noop(1, 1), noop(2, 2)])));
    pass(run.sync(3, vec![hard_state(4, Some(2))]));
    pass(run.step(3, follower(4, 0), granting(appends(vec![noop(1, 1), noop(2, 2)]), 3, 2, 4)));
    pass(run.self_vote(2, 4));
    pass(run.step(2, leader(4, 2), nothing()));
}

#[test]
fn disk_term_inv_fires_for_an_entry_synced_past_the_disk_term() {
    fails(Invariant::DiskTermInv, |rules| {
        let mut run = Run::with_rules(3, rules);
        pass(run.sync(2, vec![hard_state(1, None)]));
        // Node 2 adopts term 2 in memory only and takes the leader's entry of term 2: the entry
        // reaches its disk, the term never does.
        pass(run.step_unsynced(2, follower(2, 0), appends(vec![noop(1, 2)])));
        run.sync_as_is(2, vec![Write::Append(vec![noop(1, 2)])])
    });
}

#[test]
fn disk_term_inv_holds_when_the_term_is_written_before_its_entries() {
    let mut run = Run::new(3);
    pass(run.sync(2, vec![hard_state(1, None)]));
    let in_order = outputs(vec![hard_state(2, None), Write::Append(vec![noop(1, 2)])], vec![]);
    pass(run.step(2, follower(2, 0), in_order));
}

#[test]
fn disk_term_inv_fires_for_entries_that_reach_the_disk_at_a_crash() {
    fails(Invariant::DiskTermInv, |rules| {
        let mut run = Run::with_rules(3, rules);
        pass(run.sync(2, vec![hard_state(1, None)]));
        pass(run.step_unsynced(2, follower(2, 0), appends(vec![noop(1, 2), noop(2, 2)])));
        // The unsynced append reached the platter when the node crashed (its tail torn).
        let disk = DurableState {
            hard_state: HardState { term: 1, voted_for: None },
            entries: vec![noop(1, 2)].into(),
            snapshot: None,
        };
        run.next_event().on_crash(2, &disk, Some(1))
    });
}
