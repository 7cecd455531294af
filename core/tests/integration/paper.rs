//! Protocol tests tied to the rules of the Raft paper (Ongaro & Ousterhout 2014, "§") and the
//! thesis (Ongaro 2014, "thesis §"), driven through the in-test harness in `common`.

use std::sync::Arc;

use crate::common::{config, Cluster};
use raftsim_core::raft::{
    slot, AppendOutcome, Body, Config, DurableState, HardState, Index, Input, KvStore, Message, Node, Op, OpResult,
    ReplyOutcome, Role, Snapshot, Timer, TimerCommand, Write, SNAPSHOT_INTERVAL,
};

fn plain() -> Config {
    // PreVote and CheckQuorum off: the protocol of the paper's Figure 2.
    config(&[1]).with(|protocol| {
        protocol.prevote = false;
        protocol.check_quorum = false;
    })
}

fn put(key: &str, value: &str) -> Op {
    Op::Put { key: key.into(), value: value.into() }
}

fn get(key: &str) -> Op {
    Op::Get { key: key.into() }
}

// ---- §5.1, §5.2: terms and elections ----

#[test]
fn a_candidate_that_wins_a_majority_becomes_leader() {
    // §5.2: "A candidate wins an election if it receives votes from a majority of the servers in
    // the full cluster for the same term."
    let mut cluster = Cluster::new(5, &plain());
    cluster.isolate(4);
    cluster.isolate(5);
    cluster.elect(1);
    assert_eq!(cluster.node(1).term(), 1);
    assert_eq!(cluster.leaders(), vec![1]);
    for follower in [2, 3] {
        assert_eq!(cluster.node(follower).role(), Role::Follower);
        assert_eq!(cluster.node(follower).voted_for(), Some(1));
    }
}

#[test]
fn a_candidate_without_a_majority_does_not_win() {
    let mut cluster = Cluster::new(5, &plain());
    for isolated in [3, 4, 5] {
        cluster.isolate(isolated);
    }
    cluster.fire(1, Timer::Election);
    cluster.stabilize();
    assert_eq!(cluster.node(1).role(), Role::Candidate, "two votes of five are not a majority");
    assert!(cluster.leaders().is_empty());
}

#[test]
fn each_server_votes_for_at_most_one_candidate_per_term() {
    // §5.2: "Each server will vote for at most one candidate in a given term, on a
    // first-come-first-served basis."
    let mut cluster = Cluster::new(3, &plain());
    cluster.fire(1, Timer::Election);
    cluster.fire(2, Timer::Election);
    // Node 3 receives node 1's request first, then node 2's, both for term 1.
    cluster.stabilize();
    assert_eq!(cluster.node(3).voted_for(), Some(1));
    assert_eq!(cluster.leaders(), vec![1], "node 2 got only its own vote");
}

#[test]
fn a_higher_term_makes_a_leader_step_down() {
    // §5.1: "If a candidate or leader discovers that its term is out of date, it immediately
    // reverts to follower state."
    let mut cluster = Cluster::new(3, &plain());
    cluster.elect(1);
    cluster.isolate(1);
    cluster.elect(2);
    cluster.heal();
    cluster.fire(1, Timer::Heartbeat);
    cluster.stabilize();
    assert_eq!(cluster.node(1).role(), Role::Follower);
    assert_eq!(cluster.node(1).term(), 2);
    assert_eq!(cluster.leaders(), vec![2]);
}

#[test]
fn messages_from_an_older_term_change_nothing() {
    let mut cluster = Cluster::new(3, &plain());
    cluster.elect(1);
    let before = cluster.status();
    let stale = Message {
        from: 3,
        to: 2,
        term: 0,
        body: Body::AppendRequest { prev_log_index: 0, prev_log_term: 0, entries: vec![], leader_commit: 5 },
    };
    cluster.step(2, Input::Message(stale));
    assert_eq!(cluster.status(), before);
}

// ---- §5.4.1: the election restriction ----

#[test]
fn a_vote_is_refused_to_a_candidate_with_a_lower_last_term() {
    // §5.4.1: "If the logs have last entries with different terms, then the log with the later
    // term is more up-to-date."
    let mut cluster = Cluster::with_log_terms(&plain(), &[&[1, 1, 1, 1], &[1, 2], &[1, 2]]);
    cluster.fire(1, Timer::Election);
    cluster.stabilize();
    assert_ne!(cluster.node(1).role(), Role::Leader, "a longer log of an older term loses");
    cluster.fire(2, Timer::Election);
    cluster.stabilize();
    assert_eq!(cluster.leaders(), vec![2]);
}

#[test]
fn a_vote_is_refused_to_a_candidate_with_a_shorter_log_of_the_same_last_term() {
    // §5.4.1: "If the logs end with the same term, then whichever log is longer is more
    // up-to-date."
    let mut cluster = Cluster::with_log_terms(&plain(), &[&[1, 1], &[1, 1, 1], &[1, 1, 1]]);
    cluster.fire(1, Timer::Election);
    cluster.stabilize();
    assert_ne!(cluster.node(1).role(), Role::Leader);
    assert!(cluster.node(2).voted_for().is_none() || cluster.node(2).voted_for() == Some(2));
}

// ---- §5.3: log replication and the log matching property ----

#[test]
fn a_committed_entry_is_replicated_applied_and_answered() {
    let mut cluster = Cluster::new(3, &plain());
    cluster.elect(1);
    cluster.propose(1, 100, put("x", "1"));
    cluster.stabilize();
    for id in 1..=3 {
        let node = cluster.node(id);
        assert_eq!(node.commit_index(), 2, "no-op plus the put");
        assert_eq!(node.store().get("x"), Some("1"), "node {id} applied the put");
    }
    let reply = cluster.replies.last().expect("the leader answered");
    assert_eq!(reply.outcome, ReplyOutcome::Ok(OpResult::Done));
}

#[test]
fn a_new_leader_appends_a_noop_of_its_term() {
    // Thesis §6.4: the leader commits a blank entry at the start of its term.
    let mut cluster = Cluster::new(3, &plain());
    cluster.elect(1);
    let log = cluster.node(1).log();
    assert_eq!(log.last_index(), 1);
    assert_eq!(log.last_term(), 1);
    assert_eq!(cluster.node(3).commit_index(), 1);
}

#[test]
fn divergent_followers_converge_on_the_leaders_log() {
    // Figure 7: followers missing entries, holding extra uncommitted entries, or both, are all
    // brought to the leader's log. The leader's log is (a)'s with terms 1 1 1 4 4 5 5 6 6 6.
    let leader: &[u64] = &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
    let missing: &[u64] = &[1, 1, 1, 4];
    let extra_old_terms: &[u64] = &[1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3];
    let mut cluster = Cluster::with_log_terms(&plain(), &[leader, missing, extra_old_terms]);
    cluster.elect(1);
    cluster.propose(1, 100, put("k", "v"));
    cluster.stabilize();
    let leader_log = cluster.node(1).log().entries().to_vec();
    for id in [2, 3] {
        assert_eq!(cluster.node(id).log().entries(), leader_log.as_slice(), "node {id} converged");
    }
    assert_eq!(cluster.node(3).commit_index(), 12);
}

#[test]
fn a_rejection_skips_back_a_whole_term_at_a_time() {
    // Thesis §5.3: with the conflicting term and its first index in the rejection, the leader
    // needs one round trip per conflicting term rather than one per entry.
    let leader: &[u64] = &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
    let follower: &[u64] = &[1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3];
    let mut cluster = Cluster::with_log_terms(&plain(), &[leader, follower, leader]);
    cluster.elect(1);
    let rejections = cluster
        .take_transcript()
        .iter()
        .filter(|line| line.contains("send 2->1 AppResp") && line.contains("reject"))
        .count();
    assert!(rejections <= 3, "took {rejections} rejections; one per conflicting term is the bound");
    assert_eq!(cluster.node(2).log().entries(), cluster.node(1).log().entries());
}

#[test]
fn a_stale_append_does_not_truncate_newer_entries() {
    // §5.3 receiver step 3 truncates only on a conflict; a delayed, older AppendEntries whose
    // entries are already present must leave the entries after them alone.
    let mut cluster = Cluster::new(2, &plain());
    cluster.elect(1);
    cluster.propose(1, 100, put("a", "1"));
    cluster.propose(1, 100, put("b", "2"));
    cluster.stabilize();
    let log_before = cluster.node(2).log().entries().to_vec();
    let first = log_before[0].clone();
    let stale = Message {
        from: 1,
        to: 2,
        term: 1,
        body: Body::AppendRequest { prev_log_index: 0, prev_log_term: 0, entries: vec![first], leader_commit: 0 },
    };
    cluster.step(2, Input::Message(stale));
    assert_eq!(cluster.node(2).log().entries(), log_before.as_slice());
    assert_eq!(cluster.node(2).commit_index(), 3, "commit never decreases");
}

#[test]
fn a_follower_rejects_entries_that_do_not_follow_a_matching_prefix() {
    let mut cluster = Cluster::new(2, &plain());
    cluster.elect(1);
    let gap = Message {
        from: 1,
        to: 2,
        term: 1,
        body: Body::AppendRequest { prev_log_index: 5, prev_log_term: 1, entries: vec![], leader_commit: 0 },
    };
    cluster.take_transcript();
    cluster.step(2, Input::Message(gap));
    cluster.stabilize();
    let transcript = cluster.take_transcript().join("\n");
    assert!(transcript.contains("send 2->1 AppResp t1 prev=5 reject hint=2 (log too short)"), "{transcript}");
}

// ---- Figure 2, AppendEntries receiver, with a follower holding a stale suffix ----
//
// The simulated leader probes from the first conflict, so a follower never keeps a stale suffix
// past an accepted batch and the search cannot tell these rules from their misreadings; here a
// follower holds one on purpose. Node 2's log is [t1, t1, t2, t2]: indexes 3 and 4 come from a
// leader of term 2 that never committed them. Node 1, leader of term 3, holds [t1, t1, t3, t3].

/// Node 2 of the logs above, handed `request` from node 1 in term 3 and its writes made durable;
/// returns the cluster and node 2's answer.
fn stale_suffix_follower_answers(request: Body) -> (Cluster, Body) {
    let mut cluster = Cluster::with_log_terms(&plain(), &[&[1, 1, 3, 3], &[1, 1, 2, 2]]);
    cluster.auto_persist = false;
    cluster.step(2, Input::Message(Message { from: 1, to: 2, term: 3, body: request }));
    cluster.persist(2);
    let answer = cluster.network.iter().find(|message| message.from == 2).expect("node 2 answers").body.clone();
    (cluster, answer)
}

/// An AppendEntries from node 1 whose batch, after the entry at 1, is the entry at 2 (of term 1):
/// it matches node 2's log, which keeps its stale suffix after it.
fn batch_ending_at_2(leader_commit: Index) -> Body {
    let entry = raftsim_core::raft::Entry { term: 1, index: 2, payload: raftsim_core::raft::Payload::Noop };
    Body::AppendRequest { prev_log_index: 1, prev_log_term: 1, entries: vec![entry], leader_commit }
}

#[test]
fn a_follower_commits_up_to_the_last_new_entry_not_its_logs_end() {
    // Receiver step 5: "set commitIndex = min(leaderCommit, index of last new entry)". Entries 3
    // and 4 of node 2 are not the leader's; committing to the log's end would commit them.
    let (cluster, _) = stale_suffix_follower_answers(batch_ending_at_2(4));
    assert_eq!(cluster.node(2).log().term_at(3), Some(2), "the stale suffix is still there");
    assert_eq!(cluster.node(2).commit_index(), 2);
}

#[test]
fn a_follower_acknowledges_up_to_the_last_new_entry_not_its_logs_end() {
    // What a follower acknowledges is what it knows matches the leader: the prefix up to the
    // last new entry. Acknowledging its whole log would let the leader count entries 3 and 4 of
    // term 2 as copies of its own entries of term 3.
    let (_, answer) = stale_suffix_follower_answers(batch_ending_at_2(0));
    assert_eq!(answer, Body::AppendResponse { prev_log_index: 1, outcome: AppendOutcome::Accepted { match_index: 2 } });
}

#[test]
fn an_empty_append_entries_is_checked_against_the_previous_entry_too() {
    // Receiver step 2 applies to heartbeats alike: an empty AppendEntries whose previous entry
    // (index 4, term 3) node 2 does not hold is refused, and commits nothing.
    let empty = Body::AppendRequest { prev_log_index: 4, prev_log_term: 3, entries: Vec::new(), leader_commit: 4 };
    let (cluster, answer) = stale_suffix_follower_answers(empty);
    assert!(
        matches!(answer, Body::AppendResponse { prev_log_index: 4, outcome: AppendOutcome::Rejected { .. } }),
        "{answer:?}"
    );
    assert_eq!(cluster.node(2).commit_index(), 0);
    // The same request anchored where the logs agree is accepted, and commits only up to there.
    let agreeing = Body::AppendRequest { prev_log_index: 2, prev_log_term: 1, entries: Vec::new(), leader_commit: 4 };
    let (cluster, answer) = stale_suffix_follower_answers(agreeing);
    assert_eq!(answer, Body::AppendResponse { prev_log_index: 2, outcome: AppendOutcome::Accepted { match_index: 2 } });
    assert_eq!(cluster.node(2).commit_index(), 2);
}

#[test]
fn a_new_leadership_starts_every_match_index_at_zero() {
    // Figure 2: matchIndex is "reinitialized after election" to 0. Node 1 leads term 2 and node
    // 2 acknowledges its entries; node 2, cut off, misses the next ones while node 3 keeps them.
    // Node 1 then leads term 4 after node 2's failed campaign: a match index kept from term 2
    // would count node 2's old acknowledgement toward the new term's entries.
    let mut cluster = Cluster::new(3, &plain());
    cluster.elect(1);
    cluster.propose(1, 100, put("a", "1"));
    cluster.stabilize();
    assert_eq!(cluster.node(1).progress(2).map(|progress| progress.match_index()), Some(2));
    cluster.isolate(2);
    cluster.propose(1, 100, put("b", "2"));
    cluster.stabilize();
    cluster.fire(2, Timer::Election);
    cluster.heal();
    cluster.stabilize();
    assert_eq!(cluster.node(1).role(), Role::Follower, "node 2's higher term deposed node 1");
    cluster.isolate(3);
    cluster.auto_persist = false;
    cluster.fire(1, Timer::Election);
    cluster.persist(1);
    cluster.deliver_one();
    cluster.persist(2);
    cluster.deliver_one();
    cluster.deliver_one();
    assert_eq!(cluster.node(1).role(), Role::Leader);
    for peer in [2, 3] {
        let progress = cluster.node(1).progress(peer).expect("a leader tracks its peers");
        assert_eq!(progress.match_index(), 0, "node {peer}'s match restarts at 0");
    }
    cluster.persist(1);
    assert!(cluster.node(1).commit_index() < cluster.node(1).log().last_index(), "no acknowledgement of this term yet");
}

#[test]
fn the_leader_pipelines_appends_up_to_its_window() {
    let template = plain().with(|protocol| {
        protocol.inflight_appends_max = 2;
        protocol.entries_per_append_max = 1;
    });
    let mut cluster = Cluster::new(2, &template);
    cluster.elect(1);
    cluster.isolate(2);
    for value in 0..5 {
        cluster.propose(1, 100, put("k", &value.to_string()));
    }
    let appends_sent =
        cluster.network.iter().filter(|message| matches!(message.body, Body::AppendRequest { .. })).count();
    assert_eq!(appends_sent, 2, "two appends in flight, no more");
}

// ---- §5.4.2: committing entries from previous terms (Figure 8) ----

#[test]
fn a_leader_does_not_commit_an_older_term_entry_by_counting_replicas() {
    // Figure 8 (c): S1, leader of term 4, replicates the term-2 entry at index 2 to a majority;
    // it must not count that as committed until an entry of term 4 is also on a majority, since
    // S5 (last term 3) could still be elected and overwrite it.
    let mut cluster = Cluster::with_log_terms(&plain(), &[&[1, 2], &[1, 2], &[1], &[1], &[1, 3]]);
    for id in 1..=5 {
        cluster.servers.get_mut(&id).unwrap().disk.hard_state.term = 3;
    }
    for id in 1..=5 {
        cluster.crash(id);
        cluster.restart(id);
    }
    cluster.isolate(5);
    cluster.isolate(4);
    // S1 wins term 4 with S2 and S3 (S4 and S5 are cut off) and replicates both the old entry
    // (index 2, term 2) and its own no-op (index 3, term 4) to S3: the no-op on a majority is
    // what lets it commit index 2.
    cluster.fire(1, Timer::Election);
    cluster.stabilize();
    assert_eq!(cluster.node(1).role(), Role::Leader);
    assert_eq!(cluster.node(3).log().term_at(2), Some(2), "the old entry is on a majority now");
    assert_eq!(cluster.node(1).log().term_at(3), Some(4));
    // The no-op reached the majority too under stabilize, so index 3 is committed, and with it 2.
    assert_eq!(cluster.node(1).commit_index(), 3);

    // Now the Figure 8 hazard itself: a leader whose only entry on a majority is of an older
    // term commits nothing.
    let mut cluster = Cluster::with_log_terms(&plain(), &[&[1, 2], &[1, 2], &[1], &[1], &[1, 3]]);
    for id in 1..=5 {
        cluster.servers.get_mut(&id).unwrap().disk.hard_state.term = 3;
        cluster.crash(id);
        cluster.restart(id);
    }
    cluster.isolate(4);
    cluster.isolate(5);
    cluster.fire(1, Timer::Election);
    // Deliver votes, but keep the new leader's own no-op from becoming durable: S1 then holds
    // index 2 (term 2) on S1, S2 and, after replication, S3 - a majority of an older term.
    cluster.auto_persist = false;
    for id in 1..=3 {
        cluster.persist(id);
    }
    while cluster.deliver_one() {
        for id in 2..=3 {
            cluster.persist(id);
        }
    }
    assert_eq!(cluster.node(1).role(), Role::Leader);
    assert_eq!(cluster.node(3).log().term_at(2), Some(2));
    assert_eq!(cluster.node(1).commit_index(), 0, "index 2 is of term 2: counting replicas must not commit it");
    cluster.persist(1);
    assert_eq!(cluster.node(1).commit_index(), 3, "once the term-4 no-op is on a majority, both commit");
}

// ---- Figure 2, persistent state: persist before answering ----

#[test]
fn a_vote_is_not_sent_before_it_is_durable() {
    let mut cluster = Cluster::new(3, &plain());
    cluster.auto_persist = false;
    cluster.fire(1, Timer::Election);
    cluster.persist(1);
    cluster.deliver_one();
    assert!(cluster.network.iter().all(|message| message.from != 2), "node 2's grant waits for its disk");
    assert_eq!(cluster.node(2).held_message_count(), 1);
    cluster.persist(2);
    let grant = cluster.network.iter().find(|message| message.from == 2).expect("sent once durable");
    assert_eq!(grant.body, Body::VoteResponse { prevote: false, granted: true });
    assert_eq!(cluster.servers[&2].disk.hard_state, HardState { term: 1, voted_for: Some(1) });
}

#[test]
fn a_candidate_requests_votes_only_once_its_own_vote_is_durable() {
    let mut cluster = Cluster::new(3, &plain());
    cluster.auto_persist = false;
    cluster.fire(1, Timer::Election);
    assert!(cluster.network.is_empty(), "the RequestVotes wait for the term and self-vote to be written");
    cluster.persist(1);
    assert_eq!(cluster.network.len(), 2);
}

#[test]
fn an_acknowledgement_is_not_sent_before_the_entries_are_durable() {
    let mut cluster = Cluster::new(2, &plain());
    cluster.elect(1);
    cluster.auto_persist = false;
    cluster.propose(1, 100, put("k", "v"));
    cluster.deliver_one();
    assert!(cluster.network.is_empty(), "node 2 holds its AppResp until its append is durable");
    cluster.persist(2);
    let ack = cluster.network.front().expect("sent once durable");
    assert!(matches!(ack.body, Body::AppendResponse { outcome: AppendOutcome::Accepted { match_index: 2 }, .. }));
}

#[test]
fn a_heartbeat_answer_does_not_wait_behind_an_append_it_says_nothing_about() {
    // Persist before send holds a message only for the writes it depends on: a heartbeat's
    // answer promises nothing the pending append holds (its term is on disk already), so it
    // leaves at once, while the append's acknowledgement waits for the append.
    let mut cluster = Cluster::new(2, &plain());
    cluster.elect(1);
    cluster.auto_persist = false;
    cluster.propose(1, 100, put("k", "v"));
    cluster.deliver_one();
    assert_eq!(cluster.node(2).held_message_count(), 1, "the acknowledgement waits for the append");
    cluster.fire(1, Timer::Heartbeat);
    while cluster.network.front().is_some_and(|message| message.from == 1) {
        cluster.deliver_one();
    }
    let answers: Vec<&Body> = cluster.network.iter().filter(|message| message.from == 2).map(|m| &m.body).collect();
    assert_eq!(answers, vec![&Body::HeartbeatResponse], "the heartbeat's answer left ahead of the append's fsync");
    assert_eq!(cluster.node(2).held_message_count(), 1);
    cluster.persist(2);
    let ack = cluster.network.back().expect("the acknowledgement, once durable");
    assert!(matches!(ack.body, Body::AppendResponse { outcome: AppendOutcome::Accepted { match_index: 2 }, .. }));
}

#[test]
fn a_prevote_waits_for_no_write() {
    // A pre-vote asks about a term the node has not entered, and granting one changes nothing
    // (thesis §9.6): neither the requests nor the answers wait behind a write in progress, so a
    // slow disk does not slow the pre-vote round.
    let mut cluster = Cluster::new(3, &with_prevote());
    cluster.elect(1);
    cluster.auto_persist = false;
    cluster.propose(1, 100, put("k", "v"));
    cluster.deliver_one();
    cluster.deliver_one();
    assert_eq!((cluster.node(2).held_message_count(), cluster.node(3).held_message_count()), (1, 1));
    cluster.isolate(1);
    cluster.fire(2, Timer::Election);
    assert_eq!(cluster.node(2).role(), Role::PreCandidate);
    let requests =
        cluster.network.iter().filter(|message| matches!(message.body, Body::VoteRequest { prevote: true, .. }));
    assert_eq!(requests.count(), 2, "the pre-vote requests leave with node 2's append still in progress");
    while cluster.network.front().is_some_and(|message| message.from != 3) {
        cluster.deliver_one();
    }
    let answer = cluster.network.iter().find(|message| message.from == 3).expect("node 3 answers at once");
    assert!(matches!(answer.body, Body::VoteResponse { prevote: true, .. }), "{answer}");
    assert_eq!(cluster.node(3).held_message_count(), 1, "only the acknowledgement waits for node 3's append");
}

#[test]
fn a_leader_counts_its_own_entry_only_once_it_is_durable() {
    // The leader may send before its own write completes (thesis §10.2.1), but must not count
    // itself toward a quorum until it has: otherwise a crash could lose a "committed" entry
    // (etcd #14370).
    let mut cluster = Cluster::new(3, &plain());
    cluster.elect(1);
    cluster.isolate(3);
    cluster.auto_persist = false;
    cluster.propose(1, 100, put("k", "v"));
    cluster.deliver_one();
    cluster.persist(2);
    cluster.stabilize();
    assert_eq!(
        cluster.node(1).commit_index(),
        1,
        "one durable follower plus a non-durable leader is not a quorum of 3"
    );
    cluster.persist(1);
    assert_eq!(cluster.node(1).commit_index(), 2);
}

#[test]
fn a_restarted_node_keeps_its_term_vote_and_log() {
    let mut cluster = Cluster::new(3, &plain());
    cluster.elect(1);
    cluster.propose(1, 100, put("k", "v"));
    cluster.stabilize();
    let log = cluster.node(2).log().entries().to_vec();
    cluster.crash(2);
    cluster.restart(2);
    let node = cluster.node(2);
    assert_eq!((node.term(), node.voted_for()), (1, Some(1)));
    assert_eq!(node.log().entries(), log.as_slice());
    assert_eq!(node.commit_index(), 0, "the commit index is volatile and learned again");
    cluster.fire(1, Timer::Heartbeat);
    cluster.stabilize();
    assert_eq!(cluster.node(2).store().get("k"), Some("v"), "the state machine is rebuilt by re-applying");
}

/// Three nodes, node 1 leading term 1, after `SNAPSHOT_INTERVAL + 6` appends to key `k`, all
/// committed and applied everywhere, node 2's last snapshot at index `SNAPSHOT_INTERVAL`.
/// Returns the cluster, the number of appends and that snapshot.
fn a_cluster_with_a_snapshot_on_node_2() -> (Cluster, Index, Arc<Snapshot>) {
    let mut cluster = Cluster::new(3, &plain());
    cluster.elect(1);
    let proposals = SNAPSHOT_INTERVAL + 6;
    for number in 0..proposals {
        cluster.propose(1, 100, Op::Append { key: "k".into(), value: format!("{number} ") });
        cluster.stabilize();
    }
    let snapshot = cluster.servers[&2].disk.snapshot.clone().expect("node 2 wrote a snapshot");
    assert_eq!(snapshot.last_index, SNAPSHOT_INTERVAL, "the no-op and the first appends up to the interval");
    assert_eq!(snapshot.last_term, 1);
    assert!(snapshot.store.get("k").is_some(), "the snapshot holds values");
    (cluster, proposals, snapshot)
}

#[test]
fn a_restarted_node_restores_its_snapshot_and_applies_only_what_follows() {
    // §7: every SNAPSHOT_INTERVAL applied entries a node writes its state machine (sessions
    // included) with the last included index and term; a restart restores it, and lastApplied
    // and commitIndex with it, instead of applying the whole log again.
    let (mut cluster, proposals, snapshot) = a_cluster_with_a_snapshot_on_node_2();
    let before_crash = cluster.node(2).store().clone();
    cluster.crash(2);
    cluster.restart(2);
    let node = cluster.node(2);
    assert_eq!((node.applied_index(), node.commit_index()), (SNAPSHOT_INTERVAL, SNAPSHOT_INTERVAL));
    assert_eq!(node.store(), &snapshot.store, "the state machine is the snapshot's");
    cluster.servers.get_mut(&2).unwrap().applied.clear();
    cluster.fire(1, Timer::Heartbeat);
    cluster.stabilize();
    let reapplied: Vec<Index> = cluster.servers[&2].applied.iter().map(|applied| applied.index).collect();
    assert_eq!(reapplied, (SNAPSHOT_INTERVAL + 1..=proposals + 1).collect::<Vec<_>>(), "only the entries after it");
    assert_eq!(cluster.node(2).store(), &before_crash, "the same state as before the crash");
    // The sessions came back with it: a retry of the last request is answered, not run again.
    cluster.propose_with_seq(1, 100, proposals, Op::Append { key: "k".into(), value: "again".into() });
    cluster.stabilize();
    assert_eq!(cluster.node(2).store(), &before_crash, "the retry took no effect");
}

/// Node 2, restarted from a disk whose snapshot its log does not back, starts as a new node
/// would: the snapshot is passed over, not restored (`Node::restart`).
fn assert_restarted_without_its_snapshot(cluster: &Cluster, snapshot: &Snapshot) {
    let node = cluster.node(2);
    assert_eq!((node.applied_index(), node.commit_index()), (0, 0), "applying starts again from index 1");
    assert_eq!(node.store(), &KvStore::default(), "an empty state machine, sessions included");
    assert_ne!(node.store(), &snapshot.store, "not the snapshot's");
}

/// Which indexes node 2 applied, in order, since its applied list was last cleared.
fn applied_by_2(cluster: &Cluster) -> Vec<Index> {
    cluster.servers[&2].applied.iter().map(|applied| applied.index).collect()
}

#[test]
fn a_restart_passes_over_a_snapshot_past_the_end_of_the_log() {
    // The disk lost the tail of its log, down to one entry short of the snapshot's last index
    // (a broken disk, or a bug that wrote the snapshot first): the log cannot vouch for the
    // snapshot, so the node rebuilds its state from what its log holds.
    let (mut cluster, proposals, snapshot) = a_cluster_with_a_snapshot_on_node_2();
    cluster.crash(2);
    let disk = &mut cluster.servers.get_mut(&2).unwrap().disk;
    disk.apply(&Write::Truncate { from: SNAPSHOT_INTERVAL });
    assert_eq!(disk.entries.len() as Index, SNAPSHOT_INTERVAL - 1);
    assert!(disk.snapshot.is_some(), "the snapshot is still on the disk");
    cluster.restart(2);
    assert_restarted_without_its_snapshot(&cluster, &snapshot);
    assert_eq!(cluster.node(2).log().last_index(), SNAPSHOT_INTERVAL - 1);

    cluster.servers.get_mut(&2).unwrap().applied.clear();
    cluster.fire(1, Timer::Heartbeat);
    cluster.stabilize();
    assert_eq!(applied_by_2(&cluster), (1..SNAPSHOT_INTERVAL).collect::<Vec<_>>(), "what its log holds, from 1");
    let (value_2, value_1) = (cluster.node(2).store().get("k").unwrap(), cluster.node(1).store().get("k").unwrap());
    assert!(value_1.starts_with(value_2) && value_2.len() < value_1.len(), "a prefix of the leader's state");
    // The leader already counts the lost entries as held by node 2 (its match index), so it
    // takes the rejection of the next append as stale and does not send them again (etcd-raft's
    // `MaybeDecrTo` does the same): a disk that loses acknowledged entries is outside Raft's
    // model, and the simulator's safety checks, not the protocol, are what notice it.
    cluster.propose(1, 100, Op::Append { key: "k".into(), value: "last".into() });
    cluster.stabilize();
    assert_eq!(cluster.node(2).log().last_index(), SNAPSHOT_INTERVAL - 1, "the tail is not sent again");
    assert_eq!(cluster.node(1).commit_index(), proposals + 2, "the leader commits with node 3");
}

#[test]
fn a_restart_passes_over_a_snapshot_of_another_term_than_the_log_holds() {
    // The snapshot says its last entry is of term 2; the log holds an entry of term 1 there, so
    // the snapshot is of another history and is not restored.
    let (mut cluster, proposals, snapshot) = a_cluster_with_a_snapshot_on_node_2();
    let before_crash = cluster.node(2).store().clone();
    cluster.crash(2);
    let disk = &mut cluster.servers.get_mut(&2).unwrap().disk;
    let other_term = Snapshot { last_term: 2, ..Snapshot::clone(&snapshot) };
    disk.snapshot = Some(Arc::new(other_term));
    assert_eq!(disk.entries[slot(SNAPSHOT_INTERVAL)].term, 1);
    cluster.restart(2);
    assert_restarted_without_its_snapshot(&cluster, &snapshot);
    assert_eq!(cluster.node(2).log().last_index(), proposals + 1, "the whole log is kept");

    cluster.servers.get_mut(&2).unwrap().applied.clear();
    cluster.fire(1, Timer::Heartbeat);
    cluster.stabilize();
    assert_eq!(applied_by_2(&cluster), (1..=proposals + 1).collect::<Vec<_>>(), "the whole log again, from 1");
    assert_eq!(cluster.node(2).store(), &before_crash, "the same state as before the crash");
}

#[test]
fn a_snapshot_holds_no_message_back() {
    // Persist before send is about what a message promises (a term, a vote, entries); a snapshot
    // promises nothing, so a follower's acknowledgement does not wait for one.
    let mut cluster = Cluster::new(3, &plain());
    cluster.elect(1);
    for number in 2..SNAPSHOT_INTERVAL {
        cluster.propose(1, 100, put("k", &number.to_string()));
        cluster.stabilize();
    }
    cluster.take_transcript();
    cluster.propose(1, 100, put("k", "last"));
    cluster.stabilize();
    let transcript = cluster.take_transcript();
    let steps: Vec<&[String]> = transcript.split_inclusive(|line| !line.starts_with("  ")).collect();
    let follower_snapshots: Vec<usize> = (1..steps.len())
        .filter(|&step| {
            let input = steps[step - 1].last().expect("each step follows its input");
            !input.starts_with("1 ") && steps[step].iter().any(|line| line.starts_with("  write snapshot"))
        })
        .collect();
    assert_eq!(follower_snapshots.len(), 2, "both followers snapshot:\n{}", transcript.join("\n"));
    for step in follower_snapshots {
        assert!(
            steps[step].iter().any(|line| line.starts_with("  send ")),
            "the acknowledgement leaves with the snapshot write, not after it:\n{}",
            transcript.join("\n")
        );
    }
}

#[test]
fn a_node_that_voted_and_restarted_does_not_vote_again_in_that_term() {
    let mut cluster = Cluster::new(3, &plain());
    cluster.isolate(3);
    cluster.fire(1, Timer::Election);
    cluster.stabilize();
    cluster.crash(2);
    cluster.restart(2);
    let request = Message {
        from: 3,
        to: 2,
        term: 1,
        body: Body::VoteRequest { prevote: false, last_log_index: 5, last_log_term: 1 },
    };
    cluster.take_transcript();
    cluster.step(2, Input::Message(request));
    cluster.persist(2);
    let transcript = cluster.take_transcript().join("\n");
    assert!(transcript.contains("send 2->3 VoteResp t1 refused"), "{transcript}");
}

#[test]
fn unsynced_writes_are_lost_in_a_crash() {
    let mut cluster = Cluster::new(3, &plain());
    cluster.elect(1);
    cluster.auto_persist = false;
    cluster.propose(1, 100, put("k", "v"));
    cluster.crash(1);
    cluster.restart(1);
    assert_eq!(cluster.node(1).log().last_index(), 1, "the unsynced put is gone");
}

// ---- clients: sessions and redirects (thesis §6.2, §6.3) ----

#[test]
fn a_retried_request_is_applied_once() {
    let mut cluster = Cluster::new(3, &plain());
    cluster.elect(1);
    let append = Op::Append { key: "k".into(), value: "x".into() };
    cluster.propose_with_seq(1, 7, 1, append.clone());
    cluster.propose_with_seq(1, 7, 1, append);
    cluster.stabilize();
    assert_eq!(cluster.node(2).store().get("k"), Some("x"), "applied once, though logged twice");
    let applied = &cluster.servers[&3].applied;
    assert_eq!(applied.iter().filter(|entry| entry.effective).count(), 1);
    assert_eq!(applied.iter().filter(|entry| entry.command.is_some()).count(), 2);
    assert_eq!(cluster.replies.len(), 2, "both copies are answered, with the same result");
}

#[test]
fn a_follower_redirects_a_client_to_the_leader() {
    let mut cluster = Cluster::new(3, &plain());
    cluster.elect(2);
    cluster.propose(3, 100, get("k"));
    let reply = cluster.replies.last().unwrap();
    assert_eq!(reply.outcome, ReplyOutcome::NotLeader { leader_hint: Some(2) });
    assert_eq!(cluster.node(3).log().last_index(), 1, "a follower appends nothing");
}

#[test]
fn reads_go_through_the_log_and_see_earlier_writes() {
    let mut cluster = Cluster::new(3, &plain());
    cluster.elect(1);
    cluster.propose(1, 100, put("k", "a"));
    cluster.propose(1, 101, Op::Cas { key: "k".into(), from: "a".into(), to: "b".into() });
    cluster.propose(1, 102, get("k"));
    cluster.stabilize();
    let outcomes: Vec<_> = cluster.replies.iter().map(|reply| reply.outcome.clone()).collect();
    assert_eq!(
        outcomes,
        vec![
            ReplyOutcome::Ok(OpResult::Done),
            ReplyOutcome::Ok(OpResult::CasResult(true)),
            ReplyOutcome::Ok(OpResult::Value(Some(std::sync::Arc::new("b".to_string())))),
        ]
    );
}

#[test]
fn a_single_node_cluster_elects_itself_and_commits_once_durable() {
    let mut cluster = Cluster::new(1, &plain());
    cluster.auto_persist = false;
    cluster.fire(1, Timer::Election);
    assert_eq!(cluster.node(1).role(), Role::Candidate, "its own vote is not durable yet");
    cluster.persist(1);
    assert_eq!(cluster.node(1).role(), Role::Leader);
    cluster.propose(1, 100, put("k", "v"));
    assert_eq!(cluster.node(1).commit_index(), 0);
    cluster.persist(1);
    assert_eq!(cluster.node(1).commit_index(), 2);
    assert_eq!(cluster.node(1).store().get("k"), Some("v"));
}

// ---- PreVote (thesis §9.6) ----

fn with_prevote() -> Config {
    config(&[1]).with(|protocol| {
        protocol.prevote = true;
        protocol.check_quorum = false;
    })
}

#[test]
fn prevote_keeps_a_partitioned_node_from_raising_its_term() {
    let mut cluster = Cluster::new(3, &with_prevote());
    cluster.elect(1);
    cluster.isolate(3);
    for _ in 0..5 {
        cluster.fire(3, Timer::Election);
        cluster.stabilize();
    }
    assert_eq!(cluster.node(3).term(), 1, "pre-votes never reach a majority, so the term stays");
    assert_eq!(cluster.node(3).role(), Role::PreCandidate);
    cluster.heal();
    cluster.fire(1, Timer::Heartbeat);
    cluster.stabilize();
    assert_eq!(cluster.leaders(), vec![1], "the rejoining node does not disrupt the leader");
    assert_eq!(cluster.node(3).role(), Role::Follower);
}

#[test]
fn without_prevote_a_partitioned_node_disrupts_the_leader_on_return() {
    // The contrast to the test above: the problem PreVote solves.
    let mut cluster = Cluster::new(3, &plain());
    cluster.elect(1);
    cluster.isolate(3);
    for _ in 0..5 {
        cluster.fire(3, Timer::Election);
        cluster.stabilize();
    }
    assert_eq!(cluster.node(3).term(), 6);
    cluster.heal();
    cluster.fire(1, Timer::Heartbeat);
    cluster.stabilize();
    assert_eq!(cluster.node(1).term(), 6, "the leader learns the inflated term and steps down");
    assert!(cluster.leaders().is_empty());
}

#[test]
fn a_successful_prevote_leads_to_a_real_election() {
    let mut cluster = Cluster::new(3, &with_prevote());
    cluster.fire(2, Timer::Election);
    assert_eq!(cluster.node(2).role(), Role::PreCandidate);
    assert_eq!(cluster.node(2).term(), 0, "pre-candidacy does not raise the term");
    cluster.stabilize();
    assert_eq!(cluster.leaders(), vec![2]);
    assert_eq!(cluster.node(2).term(), 1);
}

#[test]
fn a_prevote_is_refused_to_a_node_with_a_stale_log() {
    let mut cluster = Cluster::new(3, &with_prevote());
    cluster.elect(1);
    cluster.isolate(3);
    cluster.propose(1, 100, put("k", "v"));
    cluster.stabilize();
    cluster.heal();
    cluster.isolate(1);
    cluster.fire(3, Timer::Election);
    cluster.stabilize();
    assert_eq!(cluster.node(3).votes().get(&2), Some(&false), "node 2 refused: node 3's log is behind");
    assert_eq!(cluster.node(3).role(), Role::PreCandidate, "one refusal of three is not yet a quorum");
    assert_eq!(cluster.node(3).term(), 1, "a refused pre-candidate never raises its term");
    assert_eq!(cluster.node(2).term(), 1, "a pre-vote changes no state at the voter");
}

#[test]
fn a_prevote_is_refused_while_a_leader_is_heard_from_even_without_check_quorum() {
    // Thesis §9.6: voters grant a pre-vote only if "they have not received heartbeats from a
    // valid leader for at least a baseline election timeout". CheckQuorum is off here, where
    // etcd-raft would grant: node 3 merely lost touch with a healthy leader.
    let mut cluster = Cluster::new(3, &with_prevote());
    cluster.elect(1);
    cluster.isolate(1);
    cluster.fire(3, Timer::Election);
    cluster.stabilize();
    assert_eq!(cluster.node(3).votes().get(&2), Some(&false), "node 2 heard from leader 1 within the timeout");
    assert_eq!((cluster.node(3).role(), cluster.node(3).term()), (Role::PreCandidate, 1), "no term was raised");
    assert_eq!(cluster.node(2).term(), 1);
    // A baseline election timeout without the leader: the lease runs out, and node 2 grants.
    cluster.fire(2, Timer::Lease);
    cluster.fire(3, Timer::Election);
    cluster.stabilize();
    assert_eq!(cluster.leaders(), vec![1, 3], "node 3 won term 2; the isolated node 1 has not heard yet");
    assert_eq!(cluster.node(3).term(), 2);
}

#[test]
fn a_lower_term_prevote_gets_a_refusal_carrying_the_current_term() {
    // etcd #8243: a node whose term is behind but whose log is longer keeps pre-campaigning; it
    // must learn the higher term from the refusals, or the cluster can deadlock.
    let template = with_prevote();
    let disks = vec![
        DurableState { hard_state: HardState { term: 2, voted_for: None }, entries: vec![].into(), snapshot: None },
        DurableState { hard_state: HardState { term: 5, voted_for: None }, entries: vec![].into(), snapshot: None },
    ];
    let mut cluster = Cluster::with_disks(&template, disks);
    cluster.fire(1, Timer::Election);
    cluster.stabilize();
    let transcript = cluster.take_transcript().join("\n");
    assert!(transcript.contains("send 2->1 PreVoteResp t5 refused"), "{transcript}");
    assert_eq!(cluster.node(1).term(), 5, "the pre-candidate adopted the term it was refused with");
    assert_eq!(cluster.node(1).role(), Role::Follower);
}

// ---- CheckQuorum (thesis §6.2) and the leader lease (thesis §4.2.3) ----

/// A vote request from S3 to S2 in `term`, with a log far ahead of anyone's.
fn vote_request_to_s2(term: u64) -> Message {
    Message { from: 3, to: 2, term, body: Body::VoteRequest { prevote: false, last_log_index: 9, last_log_term: 9 } }
}

fn with_check_quorum() -> Config {
    config(&[1]).with(|protocol| {
        protocol.prevote = false;
        protocol.check_quorum = true;
    })
}

#[test]
fn a_leader_that_loses_its_quorum_steps_down() {
    let mut cluster = Cluster::new(3, &with_check_quorum());
    cluster.elect(1);
    cluster.fire(1, Timer::Heartbeat);
    cluster.stabilize();
    cluster.fire(1, Timer::CheckQuorum);
    assert_eq!(cluster.node(1).role(), Role::Leader, "both followers answered");
    cluster.isolate(1);
    cluster.fire(1, Timer::Heartbeat);
    cluster.stabilize();
    cluster.fire(1, Timer::CheckQuorum);
    assert_eq!(cluster.node(1).role(), Role::Follower, "nobody answered during the last period");
    assert_eq!(cluster.node(1).term(), 1, "stepping down does not change the term");
}

#[test]
fn a_follower_in_contact_with_its_leader_ignores_vote_requests() {
    let mut cluster = Cluster::new(3, &with_check_quorum());
    cluster.elect(1);
    let request = vote_request_to_s2(9);
    cluster.take_transcript();
    cluster.step(2, Input::Message(request));
    assert_eq!(cluster.node(2).term(), 1, "the lease keeps the term");
    assert!(cluster.take_transcript().iter().all(|line| !line.contains("send")));
}

/// Thesis §4.2.3 and etcd's `inLease`: the lease lasts the *minimum* election timeout from the
/// last contact with the leader, not until the follower's own randomized election timer (drawn
/// up to the maximum) runs out. Holding it longer kept a restarted, up-to-date candidate out
/// for over a second (swarm seeds 9003110 and 5009660).
#[test]
fn a_follower_lease_ends_at_the_minimum_election_timeout_not_its_own_timer() {
    let mut cluster = Cluster::new(3, &with_check_quorum());
    cluster.elect(1);
    cluster.fire(2, Timer::Lease);
    assert_eq!(cluster.node(2).role(), Role::Follower, "the lease running out starts no campaign");
    assert_eq!(cluster.node(2).leader(), Some(1), "the follower still knows its leader");
    cluster.take_transcript();
    cluster.step(2, Input::Message(vote_request_to_s2(9)));
    assert_eq!(cluster.node(2).term(), 9, "past the lease a higher-term candidate is heard");
    cluster.persist(2);
    let transcript = cluster.take_transcript().join("\n");
    assert!(transcript.contains("send 2->3 VoteResp t9 granted"), "{transcript}");
}

/// The lease is armed for exactly the minimum election timeout (a fixed delay), while the
/// election timer is drawn from the whole range.
#[test]
fn the_lease_is_armed_for_the_minimum_election_timeout() {
    let config = Config::new(2, vec![1, 2, 3]).with(|protocol| {
        protocol.prevote = false;
        protocol.check_quorum = true;
        protocol.election_timeout_us_min = 150_000;
        protocol.election_timeout_us_max = 600_000;
    });
    let durable = DurableState { hard_state: HardState { term: 1, voted_for: None }, ..DurableState::default() };
    let (mut node, _) = Node::restart(config, durable).expect("valid");
    let heartbeat = Message { from: 1, to: 2, term: 1, body: Body::Heartbeat { commit: 0 } };
    let outputs = node.step(Input::Message(heartbeat));
    let armed: Vec<_> = outputs
        .timers
        .iter()
        .filter_map(|command| match *command {
            TimerCommand::Arm { timer, after_us_min, after_us_max } => Some((timer, after_us_min, after_us_max)),
            TimerCommand::Cancel(_) => None,
        })
        .collect();
    assert!(armed.contains(&(Timer::Lease, 150_000, 150_000)), "{armed:?}");
    assert!(armed.contains(&(Timer::Election, 150_000, 600_000)), "{armed:?}");
}

/// Hearing from the leader again starts a new lease.
#[test]
fn a_message_from_the_leader_renews_the_lease() {
    let mut cluster = Cluster::new(3, &with_check_quorum());
    cluster.elect(1);
    cluster.fire(2, Timer::Lease);
    cluster.fire(1, Timer::Heartbeat);
    cluster.stabilize();
    let request = vote_request_to_s2(9);
    cluster.step(2, Input::Message(request));
    assert_eq!(cluster.node(2).term(), 1, "the heartbeat renewed the lease");
}

#[test]
fn without_check_quorum_a_higher_term_vote_request_is_honoured() {
    let mut cluster = Cluster::new(3, &plain());
    cluster.elect(1);
    let request = vote_request_to_s2(9);
    cluster.step(2, Input::Message(request));
    assert_eq!(cluster.node(2).term(), 9);
}

// ---- configuration ----

#[test]
fn invalid_configurations_are_refused_with_the_field_named() {
    let cases = [
        (Config { voters: vec![], ..config(&[1]) }, "voters"),
        (Config { voters: vec![2, 1], ..config(&[1, 2]) }, "voters"),
        (Config { id: 4, ..config(&[1, 2, 3]) }, "id"),
        (config(&[1]).with(|protocol| protocol.election_timeout_us_max = 150_000), "election_timeout_us_max"),
        (config(&[1]).with(|protocol| protocol.heartbeat_interval_us = 200_000), "heartbeat_interval_us"),
        (config(&[1]).with(|protocol| protocol.inflight_appends_max = 0), "inflight_appends_max"),
    ];
    for (config, field) in cases {
        let error = Node::restart(config, DurableState::default()).expect_err("must be refused");
        assert!(error.0.starts_with(field), "'{error}' should name {field}");
    }
}

// ---- Figure 2, "Followers": what restarts the election timeout ----

#[test]
fn refusing_a_higher_term_candidate_does_not_restart_the_election_timeout() {
    // Figure 2: a follower converts to candidate "if election timeout elapses without receiving
    // AppendEntries RPC from current leader or granting vote to candidate". A candidate with a
    // stale log that keeps retrying at higher terms must not keep others from standing.
    use raftsim_core::raft::{Entry, Payload, TimerCommand};
    let entries = vec![Entry { term: 1, index: 1, payload: Payload::Noop }];
    let durable =
        DurableState { hard_state: HardState { term: 1, voted_for: None }, entries: entries.into(), snapshot: None };
    let (mut node, _) = Node::restart(Config { id: 2, voters: vec![1, 2, 3], ..plain() }, durable).unwrap();
    let arms_election = |outputs: &raftsim_core::raft::Outputs| {
        outputs.timers.iter().any(|command| matches!(command, TimerCommand::Arm { timer: Timer::Election, .. }))
    };
    let stale_candidate = Message {
        from: 1,
        to: 2,
        term: 5,
        body: Body::VoteRequest { prevote: false, last_log_index: 0, last_log_term: 0 },
    };
    let refused = node.step(Input::Message(stale_candidate));
    assert_eq!(node.term(), 5, "the higher term is adopted");
    assert!(!arms_election(&refused), "a refused vote leaves the running timeout alone");
    let good_candidate = Message {
        from: 3,
        to: 2,
        term: 6,
        body: Body::VoteRequest { prevote: false, last_log_index: 1, last_log_term: 1 },
    };
    let granted = node.step(Input::Message(good_candidate));
    assert!(arms_election(&granted), "granting a vote restarts the timeout");
}
