//! The captions of every tour: the tour presets' (elections, replication, a partition, Figure
//! 8), then one per catalogued bug, each saying what the bug is, where its switch is read and
//! which check catches it. `core/tests/integration/tours.rs` plays each tour's run and holds every caption
//! to what the run shows at its event.

use super::{stop, Caption, Tour, Trigger};
use crate::raft::{MessageKind, NodeId, Role};

const fn becomes(role: Role, node: Option<NodeId>) -> Trigger {
    Trigger::Becomes { role, node }
}

const fn leader(node: Option<NodeId>) -> Trigger {
    becomes(Role::Leader, node)
}

const fn candidate(node: Option<NodeId>) -> Trigger {
    becomes(Role::Candidate, node)
}

const fn scripted(action: &'static str, node: Option<NodeId>) -> Trigger {
    Trigger::Scripted { action, node }
}

const fn delivered(kind: MessageKind, from: Option<NodeId>, to: Option<NodeId>, ok: Option<bool>) -> Trigger {
    Trigger::Delivered { kind, from, to, ok }
}

/// Every tour: the tour presets', then one per catalogued bug, in the catalogue's order.
pub const TOURS: &[Tour] = &[
    Tour { preset: "tour-election", title: "Leader election and split votes", captions: ELECTION },
    Tour { preset: "tour-replication", title: "Log replication and commitment", captions: REPLICATION },
    Tour { preset: "tour-partition", title: "A partition and its heal", captions: PARTITION },
    Tour { preset: "tour-figure8", title: "Figure 8: commit only entries of your own term", captions: FIGURE8 },
    Tour { preset: "bug-figure8_commit", title: "Bug: committing an old term's entry", captions: BUG_FIGURE8 },
    Tour { preset: "bug-stale_vote_counted", title: "Bug: a stale vote counted", captions: BUG_STALE_VOTE },
    Tour { preset: "bug-lone_voter_no_reelect", title: "Bug: the lone voter", captions: BUG_LONE_VOTER },
    Tour {
        preset: "bug-vote_before_durable",
        title: "Bug: a vote sent before it is on disk",
        captions: BUG_VOTE_DURABLE,
    },
    Tour {
        preset: "bug-stale_append_truncates",
        title: "Bug: a stale AppendEntries truncates",
        captions: BUG_STALE_APPEND,
    },
    Tour {
        preset: "bug-leader_counts_unsynced_self",
        title: "Bug: a leader counts its own unsynced entry",
        captions: BUG_UNSYNCED_SELF,
    },
    Tour { preset: "bug-prevote_low_term_deadlock", title: "Bug: the PreVote deadlock", captions: BUG_PREVOTE },
    Tour {
        preset: "bug-claims_durable",
        title: "Bug: a write counted as durable too soon",
        captions: BUG_CLAIMS_DURABLE,
    },
    Tour {
        preset: "bug-ack_before_durable",
        title: "Bug: an acknowledgement ahead of the disk",
        captions: BUG_ACK_DURABLE,
    },
];

const ELECTION: &[Caption] = &[
    stop(Trigger::Start, "Five servers start as followers in term 0, with no leader. Each waits a randomized election timeout of 300 to 600 ms (the arc draining around it); the first to run out campaigns (§5.2). No PreVote here: elections as the paper has them."),
    stop(candidate(None), "S{node}'s timer ran out first: it becomes a candidate, raises its term to {term}, votes for itself and sends RequestVote to the other four."),
    stop(Trigger::Contested { count: 2 }, "{nodes} are both candidates of term {term}: the second timer ran out before the first requests arrived. A server grants one vote per term, first come first served, so at most one of them can gather 3 of 5."),
    stop(delivered(MessageKind::VoteResponse, None, None, Some(true)), "S{from} grants S{to} its vote for term {term}: it had not voted in this term, and S{to}'s log is at least as up to date as its own (§5.2, §5.4.1)."),
    stop(leader(None), "S{node} has votes from a majority and leads term {term}. It appends a no-op entry of its term and sends heartbeats every 100 ms, which reset the others' timers: no one else campaigns while it lives."),
    stop(Trigger::Commits { index: 1 }, "S{node} commits its no-op (index {index}) once a majority stores it: a leader knows which entries are committed only after it has committed one of its own term."),
    stop(scripted("crash_leader", None), "The script crashes the leader, S{node}. No more heartbeats: the others' timers are running out."),
    stop(Trigger::Contested { count: 4 }, "To show a split vote, the script fires the four running servers' timers at the same instant: {nodes} are all candidates of term {term}, each with its own vote. No vote is left to give, so no one can reach 3 of 5."),
    stop(Trigger::NoWinner, "A split vote: refused by everyone else, every candidate of term {term} gives up (S{node} last), and term {term} ends with no leader. Each server draws a fresh random timeout; the first to run out tries again in a new term."),
    stop(candidate(None), "S{node}'s new timeout ran out first: it campaigns in term {term}, while the others' timers are still running."),
    stop(leader(None), "S{node} wins term {term}. Randomized timeouts make it likely that one server campaigns alone, so split votes are rare and end after one more timeout (§5.2)."),
    stop(scripted("restart", None), "The old leader, S{node}, restarts from its disk as a follower of its old term. The first message from S{leader} carries term {leader_term}: a server that sees a higher term adopts it and follows (§5.1)."),
    stop(Trigger::End, "The run ends with S{leader} leading term {leader_term} and every check held: no term ever had two leaders (Election Safety, §5.2)."),
];

const REPLICATION: &[Caption] = &[
    stop(Trigger::Start, "Log replication (§5.3): the leader appends each client command to its log and copies it to the followers with AppendEntries; an entry is committed, and applied to every state machine, once a majority stores it. The script makes S1 campaign at once."),
    stop(leader(None), "S{node} leads term {term}. Its first entry is a no-op of its own term, index {index}; each AppendEntries names the entry just before the new ones (here index 0, the empty log) so the follower can check its log matches."),
    stop(delivered(MessageKind::AppendResponse, None, None, Some(true)), "S{from} has the entry on its disk and answers: its log matches S{to}'s up to index {index}. A follower acknowledges only what is durable."),
    stop(Trigger::Commits { index: 1 }, "Index {index} is on a majority of disks, S{node}'s own included: S{node} commits it. Followers learn the new commit index from the next AppendEntries or heartbeat, and apply the entry too."),
    stop(Trigger::Commits { index: 2 }, "Index {index} holds the client's first request ({entry}), appended by S{node} and copied like the no-op. Committed, it is applied and answered; even a read goes through the log, so it never returns a stale value."),
    stop(scripted("crash", Some(5)), "The script crashes S5. Four of five servers remain, still a majority, so S1 goes on committing; S5's disk keeps the log it had."),
    stop(Trigger::Commits { index: 4 }, "S{node} commits index {index} ({entry}) without S5: a majority, three of five, is all it takes."),
    stop(scripted("restart", Some(5)), "S5 restarts from its disk. Its log ends where it was when it crashed; every entry committed since is missing."),
    stop(delivered(MessageKind::AppendResponse, Some(5), None, Some(false)), "S5 rejects S{to}'s AppendEntries: the new entries follow index {index}, which S5 does not have, so the consistency check fails (§5.3). The rejection says where S5's log ends, and S{to} moves S5's nextIndex back to there."),
    stop(delivered(MessageKind::AppendResponse, Some(5), None, Some(true)), "S5 accepts the entries that follow its own log: it now matches S{to}'s up to index {index}. It is caught up, and commits and applies what it missed."),
    stop(Trigger::End, "Every server holds the same log, and every check held: no committed entry was lost (Leader Completeness), and every state machine applied the same commands in the same order (State Machine Safety)."),
];

const PARTITION: &[Caption] = &[
    stop(Trigger::Start, "A partition and its heal. Five servers with PreVote and CheckQuorum, as etcd runs them, and two clients. The script makes S1 campaign at once, at 1.7 s cuts S1 and S2 off from S3, S4 and S5, and at 2 s makes S4 campaign."),
    stop(leader(Some(1)), "S1 leads term {term}. The clients find it (a follower answers with the leader's id) and their commands commit on a majority."),
    stop(scripted("partition", None), "The network splits: {action}. S1 still believes it leads, but it reaches only S2, two of five: nothing it appends from now on can commit."),
    stop(becomes(Role::PreCandidate, None), "S{node} has heard nothing from a leader for an election timeout. With PreVote (thesis §9.6) it first asks the others whether they would vote for it, without raising its term: a server cut off alone could never disturb the cluster this way."),
    stop(leader(None), "S{node} wins term {term} with the votes of the majority side. Two servers now think they lead: S1 of term 1, S{node} of term {term}. Only S{node} reaches a majority, so only it can commit."),
    stop(Trigger::Commits { index: 7 }, "S{node} commits index {index}, an entry of its term {term}, on three of the five servers: the majority side goes on serving clients."),
    stop(becomes(Role::Follower, Some(1)), "CheckQuorum: S1 has not heard from a majority for an election timeout, so it steps down (thesis §6.2). The entries it appended since the split never committed; clients waiting on them retry elsewhere."),
    stop(scripted("heal", None), "The partition heals. The next message S1 and S2 get from S{leader} carries term {leader_term}: they adopt it and follow S{leader} (§5.1)."),
    stop(Trigger::Truncates { node: None }, "S{node} drops entries {index} to {index_last}: S1 appended them as leader of term 1 after the split, so they never reached a majority. The leader's log wins where logs conflict (§5.3), and no client was ever told they committed."),
    stop(Trigger::End, "Every server follows S{leader} in term {leader_term} with the same log, and every check held, linearizability of the clients' history included."),
];

const FIGURE8: &[Caption] = &[
    stop(Trigger::Start, "Figure 8 of the Raft paper, on the real engine: five servers, a script of crashes and partitions, and index 2 (follow it in the Logs panel). It shows why a leader never commits an entry of an earlier term by counting replicas (§5.4.2)."),
    stop(Trigger::Commits { index: 1 }, "S1 leads term {term} and has committed its no-op, index {index}: all five servers store it."),
    stop(Trigger::Holds { node: 2, index: 2, term: 1 }, "(a) The script cuts S1 and S2 off from the others and sends S1 a client's put: S1 appends it as index 2 of term 1, and only S2 gets a copy. Two of five is not a majority: index 2 is not committed."),
    stop(leader(Some(5)), "(b) S1 crashes. S5 wins term {term} with the votes of S3 and S4, and as every new leader appends a no-op: index 2, of term {term}. A different entry at the same index as S1's."),
    stop(scripted("crash", Some(5)), "S5 is cut off and crashes before its index 2 reaches anyone."),
    stop(leader(Some(1)), "(c) S1 restarts and wins term {term} with S2 and S3. It appends a no-op at index 3 of term {term} and brings the followers' logs in line with its own."),
    stop(Trigger::Holds { node: 3, index: 2, term: 1 }, "(c) S3 now stores index 2 of term 1 too: S1, S2 and S3, a majority, hold it. Yet S1's commit index stays at {leader_commit} (a restarted server relearns it): a leader counts replicas only for entries of its own term (§5.4.2), and its term-3 entry is on S1 and S2 only."),
    stop(scripted("crash", Some(1)), "Before its term-3 entry reaches a majority, S1 is cut off and crashes. Index 2 of term 1 was never committed."),
    stop(leader(Some(5)), "(d) S5 restarts and wins term {term} with S3 and S4: its last entry, of term 2, is more up to date than theirs, of term 1 (§5.4.1)."),
    stop(Trigger::Holds { node: 3, index: 2, term: 2 }, "(d) S5 overwrites index 2 on S3 with its own entry of term 2: the term-1 entry that sat on a majority is gone. That is safe only because S1 never committed it; had it counted replicas, a committed entry would now be lost (see the bug figure8_commit)."),
    stop(Trigger::Commits { index: 3 }, "S5 commits index {index}, of its own term {entry_term}, on S3, S4 and itself, and with it index 2: committing an entry commits every entry before it (Log Matching)."),
    stop(Trigger::Holds { node: 1, index: 2, term: 2 }, "After the heal S1 rejoins as a follower, and its index 2 of term 1 is replaced too: every log agrees, and every check held."),
];

const BUG_FIGURE8: &[Caption] = &[
    stop(Trigger::Start, "Bug figure8_commit, from the Raft paper's Figure 8 (§5.4.2): a leader commits an entry of an earlier term by counting replicas. The switch is read in maybe_commit, in core/src/raft/node/replication.rs, where the correct leader skips an entry not of its term. The script is Figure 8's: watch index 2."),
    stop(Trigger::Holds { node: 2, index: 2, term: 1 }, "(a) S1 leads term 1, cut off with S2: it appends a client's put as index 2 of term 1, and only S2 gets a copy."),
    stop(leader(Some(5)), "(b) S1 crashes; S5 wins term {term} with S3 and S4 and appends its own index 2, of term {term}. Then it too is cut off and crashes."),
    stop(Trigger::Holds { node: 3, index: 2, term: 1 }, "(c) S1 restarted and won term {leader_term} with S2 and S3, and has now copied its index 2 of term 1 to S3."),
    stop(Trigger::Violation, "{check} fires: S1 counted index 2 of term 1 on S1, S2 and S3, a majority, and committed it. S5, whose last entry is of term 2, can still win a later term with S3 and S4 and overwrite it: a committed entry lost. The tour tour-figure8 runs the same script on the correct protocol."),
];

const BUG_STALE_VOTE: &[Caption] = &[
    stop(Trigger::Start, "Bug stale_vote_counted, from liferaft: a candidate counts a vote granted in an earlier campaign. The switch is read in step_message, in core/src/raft/node/mod.rs, where a vote answer of an older term is otherwise dropped. The script holds every message from S2 to S1 and cuts S1 off from S3."),
    stop(delivered(MessageKind::Vote, Some(1), Some(2), None), "S1 campaigns in term {term}, and S2 grants it its vote; the grant is held in the network on its way to S1."),
    stop(leader(Some(3)), "S3, which never heard of term 1, campaigns and wins term {term} with S2's vote: in a new term S2 may vote again."),
    stop(delivered(MessageKind::Vote, Some(1), Some(2), None), "S1 times out and asks for votes in term {term}. S2 refuses, having voted for S3 in this term; the refusal is held too."),
    stop(scripted("release", None), "The script releases what the network held from S2 to S1: the old grant of term 1 arrives during S1's campaign for term 2."),
    stop(Trigger::Violation, "{check} fires: S1 counted the stale grant in its term-2 campaign and took office with one vote of that term, its own, while S3 already leads term 2. Two leaders in one term; the correct candidate drops an answer whose term is not its campaign's."),
];

const BUG_LONE_VOTER: &[Caption] = &[
    stop(Trigger::Start, "Bug lone_voter_no_reelect, from raft.cr: after a restart, a one-node cluster never elects itself again. The switch is read in poll_election, in core/src/raft/node/election.rs, which with the bug stops counting the node's own vote once it has restarted. One node, one client; the script crashes S1 at 0.5 s and restarts it at 0.7 s."),
    stop(leader(Some(1)), "S1, a majority of one, votes for itself and leads term {term}; the client's requests commit as soon as they are on its disk."),
    stop(scripted("crash", Some(1)), "The script crashes S1."),
    stop(scripted("restart", Some(1)), "S1 restarts from its disk, a follower again."),
    stop(becomes(Role::PreCandidate, Some(1)), "S1's timer runs out and it asks for pre-votes, the first step of a campaign. The only vote there is, its own, is not counted with the bug: S1 never wins, timeout after timeout."),
    stop(Trigger::Violation, "{check} fires at {time}: well after the heal, no leader has committed an entry of its term. A one-node cluster is down for good; raft.cr's fix counts the node's own vote after a restart."),
];

const BUG_VOTE_DURABLE: &[Caption] = &[
    stop(Trigger::Start, "Bug vote_before_durable: a vote sent before it is on disk, against persist-before-send (Figure 2). The switch is read in on_vote_request, in core/src/raft/node/election.rs, which otherwise sends a grant only once the vote is durable. Fsyncs take 100 ms here; the script cuts S2 off and makes S1 campaign."),
    stop(candidate(Some(1)), "S1 campaigns in term {term}: it writes its own vote to disk first, then asks S2 (cut off) and S3."),
    stop(Trigger::Violation, "{check} fires: S3 granted its vote the moment S1 asked, while its disk still says it never voted. The script crashes S3 at 0.2 s: it would restart with no record of the vote and could vote again in term 1, for another candidate, electing two leaders in one term."),
];

const BUG_STALE_APPEND: &[Caption] = &[
    stop(Trigger::Start, "Bug stale_append_truncates, a misreading of §5.3 (receiver step 3): a follower truncates its log after the entries of every AppendEntries, even where they matched. The switch is read in store_leader_entries, in core/src/raft/node/replication.rs. The network reorders and duplicates messages, so old AppendEntries arrive late."),
    stop(leader(None), "S{node} leads term {term} and replicates the clients' requests to S2 and S3."),
    stop(Trigger::Violation, "{check} fires: an AppendEntries overtaken by a newer one made S{node} drop its entries from index {index} on, of its own term {term}, just stored. Only term {term}'s leader writes them and it never takes one back: a correct follower truncates only at a conflicting entry of an older term. Next, S{node} would acknowledge entries it no longer holds."),
];

const BUG_UNSYNCED_SELF: &[Caption] = &[
    stop(Trigger::Start, "Bug leader_counts_unsynced_self, etcd #14370: a leader counts its own copy of an entry toward commitment before its fsync completes. The switch is read in maybe_commit, in core/src/raft/node/replication.rs. Three nodes; fsyncs take 5 to 30 ms while messages take at most 2 ms, so followers answer before the leader's disk does."),
    stop(leader(None), "S{node} leads term {term} and appends its no-op, index {index}; its fsync has started."),
    stop(Trigger::Violation, "{check} fires: a follower acknowledged index {index}, and S{node} committed it counting that copy and its own, which its disk does not hold yet. Had S{node} crashed now, it would restart without an entry it may already have answered as committed."),
];

const BUG_PREVOTE: &[Caption] = &[
    stop(Trigger::Start, "Bug prevote_low_term_deadlock, etcd #8243 (seen in #8501 during a rolling upgrade to PreVote): a node ignores a pre-vote request of a lower term instead of refusing it with its own term. The switch is read in answer_stale_term, in core/src/raft/node/mod.rs. Four nodes, without PreVote at first."),
    stop(leader(Some(1)), "S1 leads term {term}."),
    stop(scripted("partition", None), "The script splits the cluster in halves: {action}. Neither side is a majority of four."),
    stop(Trigger::Holds { node: 2, index: 2, term: 1 }, "S1 appends a client's put as index 2 and copies it to S2, but cannot commit it. S1's and S2's logs are now longer than S3's and S4's."),
    stop(candidate(None), "Without PreVote, S{node} campaigns in vain on its side, raising its term to {term}; each failed campaign raises it again."),
    stop(scripted("upgrade", None), "A rolling upgrade: the script restarts every node with PreVote on, one after another, starting with S{node}."),
    stop(scripted("heal", None), "The partition heals. S3 and S4 hold the higher term; S1 and S2 hold the longer log."),
    stop(delivered(MessageKind::PreVoteResponse, None, None, Some(false)), "S{to} asks for pre-votes; S{from} refuses, its log being more up to date (§5.4.1). Without S1 or S2, S3 and S4 can never win."),
    stop(becomes(Role::PreCandidate, Some(2)), "S2, with the longer log, asks for pre-votes for a term below S3's and S4's. With the bug they ignore it instead of answering with their term, so S2 never learns it is behind: no side can gather three of four."),
    stop(Trigger::Violation, "{check} fires: after the heal no leader emerged within the bound, and none ever will. etcd's fix refuses a low-term pre-vote with the refuser's term; the pre-candidate adopts it, and its next pre-vote wins."),
];

const BUG_CLAIMS_DURABLE: &[Caption] = &[
    stop(Trigger::Start, "Bug claims_durable (as in c5 #263): a node counts an append as on disk once it has written it, before the fsync completes. The switch is read in append_entries_to_log, in core/src/raft/node/mod.rs. Unlike leader_counts_unsynced_self, the node's own account of its disk is wrong, so only a check that reads the simulated disk can see it."),
    stop(leader(None), "S{node} leads term {term} and appends its no-op, index {index}. With the bug it already counts the entry as durable."),
    stop(Trigger::Violation, "{check} fires: a follower acknowledged index {index}, and S{node}, believing the entry is on its own disk too, commits it, but its simulated disk holds less. raftsim judges durability from the disks, never from a node's own account."),
];

const BUG_ACK_DURABLE: &[Caption] = &[
    stop(Trigger::Start, "Bug ack_before_durable, c5 #263 (etcd #8144 asks the same of etcd): a follower acknowledges AppendEntries before the entries are on its disk. The switch is read in on_append_request, in core/src/raft/node/replication.rs. Three nodes whose fsyncs take 50 ms; the script makes S1 campaign."),
    stop(leader(Some(1)), "S1 leads term {term} and sends its no-op, index {index}, to S2 and S3."),
    stop(Trigger::Violation, "{check} fires: S{node} acknowledged index {index} the moment it received it, 50 ms before its fsync would finish. The leader counts that acknowledgement: had S{node} crashed now, a committed entry would be on fewer disks than a majority."),
];
