//! The Raft node: one server's protocol state and its single entry point, [`Node::step`].
//!
//! Shape (after etcd-raft's `raft.go`): `step` handles the term comparison and the
//! role-independent messages once, then hands the message to the role's own step function.
//! Roles change only in the `become_*` functions, which assert the transition is legal and call
//! one `reset(term)` for the state every role change clears, then set up their own role.
//!
//! Persist before send: every write gets an id; a message is held until the writes it depends
//! on are durable (Figure 2: "Updated on stable storage before responding to RPCs"): the term it
//! carries, the vote it grants or asks with, the log entries it acknowledges. Writes complete in
//! order, so each is the id of the last write of its kind. A message waits for nothing else: a
//! heartbeat's answer does not wait behind an append it says nothing about, nor a vote behind
//! one (with slow disks, that turned an election into a chain of fsyncs longer than the election
//! timeout). The one exception is the leader's AppendEntries, which may go out while the
//! leader's own write is in progress (thesis §10.2.1); the leader then counts only its *durable*
//! log toward commitment.

mod election;
mod replication;

use std::collections::{BTreeMap, VecDeque};

use super::config::{Config, ConfigError};
use super::io::{DurableState, Input, Outputs, Snapshot, Timer, TimerCommand, Write, WriteRequest};
use super::kv::KvStore;
use super::log::{Entry, RaftLog};
use super::message::{Body, Message};
use super::progress::Progress;
use super::types::{HardState, Index, NodeId, Role, Term, WriteId};
use crate::shared_vec::SharedVec;

/// One Raft server. Create it with [`Node::restart`]; feed it [`Input`]s through [`Node::step`].
#[derive(Clone, Debug)]
pub struct Node {
    config: Config,
    role: Role,
    /// Invariant: equal to the last `HardState` written (durable or not yet).
    hard_state: HardState,
    /// Invariant: equal to the log as written (durable or not yet).
    log: RaftLog,
    /// The leader of the current term, once known.
    leader: Option<NodeId>,
    /// Invariant: `applied_index <= commit_index`; never decreases while the node runs.
    commit_index: Index,
    applied_index: Index,
    store: KvStore,
    /// The index of the last snapshot taken or restored (0: none). Invariant: at most
    /// `applied_index`.
    snapshot_index: Index,
    /// A snapshot taken and not yet written: it waits until the log is durable up to its index,
    /// so a disk never holds a snapshot of entries it does not hold.
    snapshot_pending: Option<Snapshot>,
    /// Candidates and pre-candidates: who granted (`true`) or refused (`false`) this campaign.
    votes: BTreeMap<NodeId, bool>,
    /// Leaders: each peer's replication state.
    progress: BTreeMap<NodeId, Progress>,
    /// The id of the last write issued, and of the last reported durable.
    write_id_last: WriteId,
    write_id_durable: WriteId,
    /// The id of the last write that recorded a new term: every message of this term waits for
    /// it (TermDurableInv).
    write_id_term: WriteId,
    /// The id of the last write that recorded a vote: a vote granted, and a candidate's vote
    /// requests and its count of its own vote, wait for it (VoteDurableInv).
    write_id_vote: WriteId,
    /// The id of the last write that changed the log (an append or a truncation): an
    /// acknowledgement waits for it, so the disk holds the log it acknowledges (AckDurableInv).
    write_id_log: WriteId,
    /// For writes not yet durable that appended entries: the write's id and the log index up to
    /// which the disk will match this log once it is durable.
    append_marks: VecDeque<(WriteId, Index)>,
    /// Invariant: the durable log equals this log up to here.
    log_index_durable: Index,
    /// Messages waiting for a write: sent once `write_id_durable` reaches the id.
    held: VecDeque<(WriteId, Message)>,
    /// What the current step produced so far.
    out: Outputs,
    /// Started from a disk that held a term (for the `lone_voter_no_reelect` bug switch).
    restarted: bool,
    /// Whether this node's last command for its election timer armed it (and it has not fired
    /// since): the driver keeps it running until told otherwise.
    election_timer_armed: bool,
    /// A follower with CheckQuorum or PreVote: it heard from its leader less than the minimum
    /// election timeout ago (the lease timer runs). Only then does it refuse pre-votes and, with
    /// CheckQuorum, ignore vote requests.
    lease_running: bool,
}

impl Node {
    /// Starts a node from what its disk holds (empty for a brand new node). Everything volatile
    /// (role, leader, the commit index) starts afresh and is learned again from the leader. The
    /// state machine and the applied and commit indexes start from the disk's snapshot (Raft
    /// §7: its entries were committed), and the entries after it are applied as the node learns
    /// they are committed; without a snapshot, from an empty store and index 0. A snapshot whose
    /// last entry the log does not hold (only a bug lets that happen) is passed over: the log,
    /// never compacted, can rebuild the state from index 1.
    /// Returns the node and its first outputs (the election timer).
    pub fn restart(config: Config, durable: DurableState) -> Result<(Node, Outputs), ConfigError> {
        config.validate()?;
        let log_index_durable = durable.entries.len() as Index;
        let restarted = durable.hard_state.term > 0;
        let log = RaftLog::from_entries(durable.entries);
        let restored = durable.snapshot.filter(|snapshot| log.term_at(snapshot.last_index) == Some(snapshot.last_term));
        let (applied_index, store) = match restored {
            Some(snapshot) => (snapshot.last_index, snapshot.store.clone()),
            None => (0, KvStore::default()),
        };
        let mut node = Node {
            config,
            role: Role::Follower,
            hard_state: durable.hard_state,
            log,
            leader: None,
            commit_index: applied_index,
            applied_index,
            store,
            snapshot_index: applied_index,
            snapshot_pending: None,
            votes: BTreeMap::new(),
            progress: BTreeMap::new(),
            write_id_last: 0,
            write_id_durable: 0,
            write_id_term: 0,
            write_id_vote: 0,
            write_id_log: 0,
            append_marks: VecDeque::new(),
            log_index_durable,
            held: VecDeque::new(),
            out: Outputs::default(),
            restarted,
            election_timer_armed: false,
            lease_running: false,
        };
        node.arm_election_timer();
        let outputs = std::mem::take(&mut node.out);
        Ok((node, outputs))
    }

    /// Processes one input and returns what the driver must do (the contract is in `raft/io.rs`).
    pub fn step(&mut self, input: Input) -> Outputs {
        assert!(self.out.is_empty(), "outputs of the previous step were not taken");
        match input {
            Input::Message(message) => self.step_message(message),
            Input::TimerFired(timer) => self.on_timer(timer),
            Input::ClientRequest(command) => self.on_client_request(command),
            Input::Persisted(write_id) => self.on_persisted(write_id),
        }
        self.apply_committed();
        self.write_snapshot_once_durable();
        self.assert_invariants();
        std::mem::take(&mut self.out)
    }

    /// Takes back the emptied lists of a step's outputs, so that the next step fills them
    /// without allocating: a driver's optional courtesy, which changes nothing else.
    pub fn reuse_outputs(&mut self, spent: Outputs) {
        assert!(spent.is_empty(), "only emptied outputs are reused");
        assert!(self.out.is_empty(), "outputs of a step were not taken");
        let taken = std::mem::replace(&mut self.out, spent);
        // What a step leaves behind is `Outputs::default()`, which owns no memory: forgetting it
        // frees nothing and spares the five lists' drop code, called out of line since a write
        // can hold a snapshot (about 1% of a step).
        let owns_nothing = taken.writes.capacity() == 0
            && taken.messages.capacity() == 0
            && taken.timers.capacity() == 0
            && taken.applied.capacity() == 0
            && taken.replies.capacity() == 0;
        if owns_nothing {
            std::mem::forget(taken);
        }
    }

    fn assert_invariants(&self) {
        assert!(self.applied_index <= self.commit_index);
        assert!(self.snapshot_index <= self.applied_index, "a snapshot holds only applied entries");
        assert!(self.commit_index <= self.log.last_index(), "commit beyond the log");
        assert!(self.write_id_durable <= self.write_id_last);
        assert!(self.log_index_durable <= self.log.last_index());
        assert_eq!(self.role == Role::Leader, self.leader == Some(self.config.id));
        assert!(
            !self.lease_running || (self.role == Role::Follower && self.leader.is_some()),
            "a lease is a follower's"
        );
        let progress_expected = if self.role == Role::Leader { self.config.voters.len() - 1 } else { 0 };
        assert_eq!(self.progress.len(), progress_expected, "only a leader tracks its peers");
        let campaigning = matches!(self.role, Role::PreCandidate | Role::Candidate);
        assert_eq!(self.votes.contains_key(&self.config.id), campaigning, "only a campaign counts votes");
        if matches!(self.role, Role::Candidate | Role::Leader) {
            assert_eq!(self.hard_state.voted_for, Some(self.config.id), "a candidate votes for itself");
        }
        // The walks over peers and held messages cost a step as much as the step itself: they
        // run in test builds (every test, sweep and golden run), not in the benchmark's.
        if cfg!(debug_assertions) {
            for progress in self.progress.values() {
                assert!(progress.next_index() <= self.log.last_index() + 1, "a leader sends only what it holds");
            }
            // Persist before send: a message is held only behind a write that is not yet durable.
            let durable = self.write_id_durable;
            assert!(self.write_id_term.max(self.write_id_vote).max(self.write_id_log) <= self.write_id_last);
            assert!(self.held.iter().all(|&(needed, _)| needed > durable && needed <= self.write_id_last));
            assert!(self.append_marks.iter().all(|&(id, _)| id > durable));
        }
    }

    /// The term comparison every message goes through first (Figure 2, "Rules for Servers": a
    /// higher term makes any node a follower), then the role's own step function.
    fn step_message(&mut self, message: Message) {
        assert_eq!(message.to, self.config.id, "message delivered to the wrong node");
        if message.term > self.hard_state.term {
            match &message.body {
                Body::VoteRequest { .. } if self.in_leader_lease() => {
                    // Thesis §4.2.3: a server that believes a leader exists ignores vote
                    // requests, so a partitioned node rejoining with a high term cannot depose
                    // a healthy leader. Only sound with CheckQuorum (leaders that lose their
                    // quorum step down), as etcd-raft has it.
                    return;
                }
                // A PreVote request changes no state at the receiver (thesis §9.6), and a PreVote
                // grant echoes the future term the pre-candidate asked about.
                Body::VoteRequest { prevote: true, .. } => {}
                Body::VoteResponse { prevote: true, granted: true } => {}
                Body::AppendRequest { .. } | Body::Heartbeat { .. } => {
                    self.become_follower(message.term, Some(message.from));
                }
                _ => self.become_follower(message.term, None),
            }
        } else if message.term < self.hard_state.term {
            if self.config.protocol.bugs.stale_vote_counted && self.role == Role::Candidate {
                // Bug switch (liferaft): a grant from an earlier campaign counted in this one.
                if let Body::VoteResponse { prevote: false, granted: true } = message.body {
                    self.votes.entry(message.from).or_insert(true);
                    self.poll_election();
                    return;
                }
            }
            self.answer_stale_term(&message);
            return;
        }
        match message.body {
            Body::VoteRequest { .. } => self.on_vote_request(message),
            _ => match self.role {
                Role::Follower => self.step_follower(message),
                Role::PreCandidate | Role::Candidate => self.step_candidate(message),
                Role::Leader => self.step_leader(message),
            },
        }
    }

    /// A message from an older term. Most are dropped, but some get an answer carrying our
    /// term so the sender learns it is behind.
    fn answer_stale_term(&mut self, message: &Message) {
        let answer = match message.body {
            // A deposed leader steps down once it hears the new term (§5.1).
            Body::AppendRequest { prev_log_index, .. } => Some(Body::AppendResponse {
                prev_log_index,
                outcome: super::message::AppendOutcome::Rejected { conflict_term: None, conflict_index: 0 },
            }),
            Body::Heartbeat { .. } => Some(Body::HeartbeatResponse),
            // etcd-raft's fix for the PreVote deadlock (etcd #8243): a node with a lower term but
            // a longer log keeps pre-campaigning; without this refusal carrying our term it never
            // learns the term and the cluster can deadlock.
            // Bug switch (etcd #8243): without this answer the pre-candidate never learns our term.
            Body::VoteRequest { prevote: true, .. } if self.config.protocol.bugs.prevote_low_term_deadlock => None,
            Body::VoteRequest { prevote: true, .. } => Some(Body::VoteResponse { prevote: true, granted: false }),
            _ => None,
        };
        if let Some(body) = answer {
            self.send(message.from, body);
        }
    }

    fn step_follower(&mut self, message: Message) {
        match message.body {
            Body::AppendRequest { .. } => self.on_append_request(message),
            Body::Heartbeat { commit } => self.on_heartbeat(message.from, commit),
            // Answers to a campaign or leadership this node has since given up: nothing to do.
            Body::VoteResponse { .. } | Body::AppendResponse { .. } | Body::HeartbeatResponse => {}
            Body::VoteRequest { .. } => unreachable!("vote requests are handled for every role"),
        }
    }

    fn step_candidate(&mut self, message: Message) {
        match message.body {
            // Someone won this term (§5.2): "If AppendEntries RPC received from new leader:
            // convert to follower".
            Body::AppendRequest { .. } | Body::Heartbeat { .. } => {
                self.become_follower(message.term, Some(message.from));
                self.step_follower(message);
            }
            Body::VoteResponse { prevote, granted } => {
                self.on_vote_response(message.from, message.term, prevote, granted)
            }
            Body::AppendResponse { .. } | Body::HeartbeatResponse => {}
            Body::VoteRequest { .. } => unreachable!("vote requests are handled for every role"),
        }
    }

    fn step_leader(&mut self, message: Message) {
        match message.body {
            Body::AppendResponse { prev_log_index, outcome } => {
                self.on_append_response(message.from, prev_log_index, outcome)
            }
            Body::HeartbeatResponse => self.on_heartbeat_response(message.from),
            // Election Safety (§5.2) makes a second leader in our term impossible; should a bug
            // switch break it, the checks report it rather than the node crashing.
            Body::AppendRequest { .. } | Body::Heartbeat { .. } => {}
            Body::VoteResponse { .. } => {}
            Body::VoteRequest { .. } => unreachable!("vote requests are handled for every role"),
        }
    }

    fn on_timer(&mut self, timer: Timer) {
        if timer == Timer::Election {
            self.election_timer_armed = false;
        }
        if timer == Timer::Lease {
            self.lease_running = false;
        }
        match (timer, self.role) {
            (Timer::Election, Role::Follower | Role::PreCandidate | Role::Candidate) => self.campaign(),
            (Timer::Heartbeat, Role::Leader) => self.on_heartbeat_timer(),
            (Timer::CheckQuorum, Role::Leader) => self.on_check_quorum_timer(),
            // A timer of a role the node has left: the driver may still deliver it.
            _ => {}
        }
    }

    fn on_persisted(&mut self, write_id: WriteId) {
        assert!(write_id <= self.write_id_last, "write {write_id} was never issued");
        if write_id <= self.write_id_durable {
            return;
        }
        self.write_id_durable = write_id;
        while let Some(&(mark_id, index)) = self.append_marks.front() {
            if mark_id > write_id {
                break;
            }
            self.log_index_durable = index;
            self.append_marks.pop_front();
        }
        self.release_held(write_id);
        match self.role {
            Role::Leader => self.maybe_commit(),
            Role::Candidate => self.poll_election(),
            Role::Follower | Role::PreCandidate => {}
        }
    }

    // ---- role transitions ----

    /// What every role change resets (etcd-raft's `reset`): the vote belongs to one term, and the
    /// known leader, the campaign's votes and the peers' progress belong to one role in one term.
    /// Moving to a higher term records it with no vote. The caller then sets up its role.
    fn reset(&mut self, term: Term) {
        assert!(term >= self.hard_state.term, "a node never goes back in term");
        if term > self.hard_state.term {
            self.persist_hard_state(HardState { term, voted_for: None });
        }
        self.leader = None;
        self.lease_running = false;
        self.votes.clear();
        self.progress.clear();
        assert_eq!(self.hard_state.term, term);
    }

    /// Becomes a follower in `term` (at least the current one), following `leader` if known.
    fn become_follower(&mut self, term: Term, leader: Option<NodeId>) {
        self.reset(term);
        self.role = Role::Follower;
        self.leader = leader;
        self.cancel_timer(Timer::Heartbeat);
        self.cancel_timer(Timer::CheckQuorum);
        // Figure 2: only hearing from the current leader or granting a vote restarts the
        // election timeout. Learning a higher term from a candidate we refuse must not, or a
        // candidate with a stale log that keeps retrying keeps everyone else from standing.
        if leader.is_some() {
            self.heard_from_leader();
        } else if !self.election_timer_armed {
            self.arm_election_timer();
        }
    }

    /// Becomes a pre-candidate: asks for pre-votes for `term + 1` without raising the term.
    fn become_pre_candidate(&mut self) {
        assert!(self.config.protocol.prevote, "pre-candidacy needs PreVote");
        assert_ne!(self.role, Role::Leader, "a leader does not campaign");
        self.reset(self.hard_state.term);
        self.role = Role::PreCandidate;
        self.votes.insert(self.config.id, true);
        self.arm_election_timer();
    }

    /// Becomes a candidate (§5.2): a new term, a vote for itself, durable before it is asked for.
    /// The new term and the vote become one write (see [`Node::persist_hard_state`]).
    fn become_candidate(&mut self) {
        assert_ne!(self.role, Role::Leader, "a leader does not campaign");
        let term = self.hard_state.term + 1;
        self.reset(term);
        self.persist_hard_state(HardState { term, voted_for: Some(self.config.id) });
        self.role = Role::Candidate;
        self.votes.insert(self.config.id, true);
        self.arm_election_timer();
        let written = self.out.writes.last().map(|request| &request.write);
        assert_eq!(written, Some(&Write::HardState(self.hard_state)), "the new term and the self-vote are one write");
    }

    /// Becomes leader of the current term after winning its election (§5.2), and appends the
    /// no-op entry that lets it commit (thesis §6.4).
    fn become_leader(&mut self) {
        assert_eq!(self.role, Role::Candidate, "only a candidate can win an election");
        assert_eq!(self.hard_state.voted_for, Some(self.config.id));
        self.reset(self.hard_state.term);
        self.role = Role::Leader;
        self.leader = Some(self.config.id);
        let next_index = self.log.last_index() + 1;
        let peers: Vec<NodeId> = self.config.peers().collect();
        self.progress = peers.into_iter().map(|peer| (peer, Progress::new(next_index))).collect();
        self.cancel_timer(Timer::Election);
        self.arm_fixed_timer(Timer::Heartbeat, self.config.protocol.heartbeat_interval_us);
        if self.config.protocol.check_quorum {
            self.arm_fixed_timer(Timer::CheckQuorum, self.config.protocol.election_timeout_us_min);
        }
        assert!(self.progress.keys().copied().eq(self.config.peers()), "a leader tracks every peer");
        self.append_to_own_log(super::log::Payload::Noop);
    }

    // ---- persistence and output plumbing ----

    /// Issues a write; records it as the last of its kind for the messages that depend on it (a
    /// snapshot is none's: a message promises nothing a snapshot holds).
    #[inline]
    fn issue_write(&mut self, write: Write) -> WriteId {
        self.write_id_last += 1;
        let id = self.write_id_last;
        match &write {
            Write::HardState(_) | Write::Snapshot(_) => {}
            Write::Truncate { .. } | Write::Append(_) => self.write_id_log = id,
        }
        self.out.writes.push(WriteRequest { id, write });
        id
    }

    /// Writes the pending snapshot once the log is durable up to its index (a follower may
    /// apply entries its disk does not hold yet): on disk, a snapshot is always of entries the
    /// log there holds, whatever a crash keeps.
    fn write_snapshot_once_durable(&mut self) {
        let Some(pending) = &self.snapshot_pending else { return };
        if pending.last_index > self.log_index_durable {
            return;
        }
        let snapshot = self.snapshot_pending.take().expect("checked");
        assert!(snapshot.last_index <= self.applied_index, "a snapshot holds only applied entries");
        self.issue_write(Write::Snapshot(std::sync::Arc::new(snapshot)));
    }

    /// Records a new term or vote. Two in one step (a new term, then a vote in it) become one
    /// write: the first has not left the node yet, so the second can replace it.
    fn persist_hard_state(&mut self, hard_state: HardState) {
        assert!(hard_state.term >= self.hard_state.term, "a node never goes back in term");
        assert!(
            hard_state.term > self.hard_state.term
                || self.hard_state.voted_for.is_none_or(|voted| hard_state.voted_for == Some(voted)),
            "a vote, once cast, stands for the rest of its term (Figure 2)"
        );
        let (term_before, vote_before) = (self.hard_state.term, self.hard_state.voted_for);
        self.hard_state = hard_state;
        let id = if let Some(WriteRequest { id, write: Write::HardState(pending) }) = self.out.writes.last_mut() {
            *pending = hard_state;
            *id
        } else {
            self.issue_write(Write::HardState(hard_state))
        };
        if hard_state.term != term_before {
            self.write_id_term = id;
        }
        if hard_state.voted_for.is_some() && (hard_state.term != term_before || hard_state.voted_for != vote_before) {
            self.write_id_vote = id;
        }
    }

    /// Removes log entries from `from` on, in memory and on disk.
    fn truncate_log(&mut self, from: Index) {
        assert!(from > self.commit_index, "committed entries are never truncated (§5.3)");
        assert!(from <= self.log.last_index(), "a truncation removes at least one entry");
        self.log.truncate_from(from);
        self.issue_write(Write::Truncate { from });
        // The disk no longer matches the log past `from - 1`, including for earlier appends that
        // will complete later.
        self.log_index_durable = self.log_index_durable.min(from - 1);
        for (_, index) in self.append_marks.iter_mut() {
            *index = (*index).min(from - 1);
        }
    }

    /// A truncation as a buggy implementation makes it, possibly of committed entries: the
    /// commit and applied indexes fall back with the log, so the node stays self-consistent and
    /// the checks, not an assertion, report what went wrong. Only bug switches call this.
    fn truncate_log_unchecked(&mut self, from: Index) {
        assert!(self.config.protocol.bugs.any(), "only a bug switch truncates without the commit check");
        assert!(from <= self.log.last_index(), "a truncation removes at least one entry");
        self.commit_index = self.commit_index.min(from - 1);
        self.applied_index = self.applied_index.min(self.commit_index);
        self.snapshot_index = self.snapshot_index.min(self.applied_index);
        if self.snapshot_pending.as_ref().is_some_and(|pending| pending.last_index > self.applied_index) {
            self.snapshot_pending = None;
        }
        self.log.truncate_from(from);
        self.issue_write(Write::Truncate { from });
        self.log_index_durable = self.log_index_durable.min(from - 1);
        for (_, index) in self.append_marks.iter_mut() {
            *index = (*index).min(from - 1);
        }
    }

    /// Appends entries (which must follow the log) in memory and on disk.
    fn append_entries_to_log(&mut self, entries: Vec<super::log::Entry>) {
        let Some(last) = entries.last() else { return };
        let last_index = last.index;
        for entry in &entries {
            self.log.push(entry.clone());
        }
        let id = self.issue_write(Write::Append(entries));
        if self.config.protocol.bugs.claims_durable {
            // Bug switch: the append counted as durable once written, not once its fsync is done.
            self.log_index_durable = last_index;
            return;
        }
        self.append_marks.push_back((id, last_index));
    }

    /// Whether this node's vote in its current term is durable (none cast: nothing to wait for).
    fn vote_durable(&self) -> bool {
        self.write_id_durable >= self.write_id_vote
    }

    /// Sends a message in the current term once the writes it depends on are durable.
    fn send(&mut self, to: NodeId, body: Body) {
        let message = Message { from: self.config.id, to, term: self.hard_state.term, body };
        self.send_message(message);
    }

    /// The last write `message` depends on (persist before send): it leaves once that write, and
    /// so every write before it, is durable. A PreVote request, and a PreVote granted, carry a
    /// term the node has not entered and promise nothing, so they wait for nothing (`None`,
    /// thesis §9.6); every other message carries the current term, whose write it waits for. A
    /// vote granted or asked for waits for the vote too, and an acknowledgement of entries for
    /// every log write issued before it: the disk then holds the log it acknowledges (up to the
    /// index acknowledged, which the log holds).
    fn write_id_needed(&self, message: &Message) -> Option<WriteId> {
        Some(match message.body {
            Body::VoteRequest { prevote: true, .. } | Body::VoteResponse { prevote: true, granted: true } => {
                return None
            }
            Body::VoteRequest { prevote: false, .. } | Body::VoteResponse { prevote: false, granted: true } => {
                self.write_id_term.max(self.write_id_vote)
            }
            Body::AppendResponse { outcome: super::message::AppendOutcome::Accepted { .. }, .. } => {
                self.write_id_term.max(self.write_id_log)
            }
            _ => self.write_id_term,
        })
    }

    /// Sends a message once the writes it depends on are durable ([`Node::write_id_needed`]).
    fn send_message(&mut self, message: Message) {
        assert_eq!(message.from, self.config.id);
        assert_ne!(message.to, self.config.id, "a node never messages itself");
        let needed = match self.write_id_needed(&message) {
            None => 0,
            Some(needed) => {
                assert_eq!(message.term, self.hard_state.term, "a message carries the sender's term");
                needed
            }
        };
        if needed <= self.write_id_durable {
            self.out.messages.push(message);
        } else {
            self.held.push_back((needed, message));
        }
    }

    /// Sends the held messages whose writes are durable now that write `write_id` is, in the
    /// order they were held; the rest wait on.
    fn release_held(&mut self, write_id: WriteId) {
        if !self.held.iter().any(|(needed, _)| *needed <= write_id) {
            return;
        }
        // One turn of the queue in place (no new allocation): each message leaves or goes to
        // the back, so those that wait on keep their order.
        for _ in 0..self.held.len() {
            let (needed, message) = self.held.pop_front().expect("counted");
            if needed <= write_id {
                self.out.messages.push(message);
            } else {
                self.held.push_back((needed, message));
            }
        }
    }

    /// Sends at once, even before the writes issued so far are durable. Only for a leader's
    /// AppendEntries and heartbeats (thesis §10.2.1), whose term is already durable because the
    /// leader's vote requests waited for it.
    fn send_now(&mut self, to: NodeId, body: Body) {
        assert_eq!(self.role, Role::Leader, "only a leader sends ahead of its disk");
        assert!(self.progress.contains_key(&to), "a leader sends only to peers it tracks");
        let message = Message { from: self.config.id, to, term: self.hard_state.term, body };
        self.out.messages.push(message);
    }

    fn arm_election_timer(&mut self) {
        self.election_timer_armed = true;
        self.out.timers.push(TimerCommand::Arm {
            timer: Timer::Election,
            after_us_min: self.config.protocol.election_timeout_us_min,
            after_us_max: self.config.protocol.election_timeout_us_max,
        });
    }

    /// A follower heard from the leader of its term: the election timeout starts again
    /// (Figure 2), and so does the lease, which PreVote (thesis §9.6: no pre-vote while a leader
    /// is heard from) and CheckQuorum (thesis §4.2.3: no vote either) read.
    fn heard_from_leader(&mut self) {
        assert_eq!(self.role, Role::Follower, "only a follower has a leader to hear from");
        assert!(self.leader.is_some(), "the leader is known once heard from");
        self.arm_election_timer();
        if self.config.protocol.check_quorum || self.config.protocol.prevote {
            self.lease_running = true;
            self.arm_fixed_timer(Timer::Lease, self.config.protocol.election_timeout_us_min);
        }
    }

    fn arm_fixed_timer(&mut self, timer: Timer, after_us: u64) {
        self.out.timers.push(TimerCommand::Arm { timer, after_us_min: after_us, after_us_max: after_us });
    }

    fn cancel_timer(&mut self, timer: Timer) {
        if timer == Timer::Election {
            self.election_timer_armed = false;
        }
        self.out.timers.push(TimerCommand::Cancel(timer));
    }

    // ---- read-only views ----

    /// The node's configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }
    /// The node's id.
    pub fn id(&self) -> NodeId {
        self.config.id
    }
    /// The role the node plays now.
    pub fn role(&self) -> Role {
        self.role
    }
    /// The current term.
    pub fn term(&self) -> Term {
        self.hard_state.term
    }
    /// The node voted for in the current term, if any.
    pub fn voted_for(&self) -> Option<NodeId> {
        self.hard_state.voted_for
    }
    /// The term and vote as last written.
    pub fn hard_state(&self) -> HardState {
        self.hard_state
    }
    /// The leader this node knows of in its current term.
    pub fn leader(&self) -> Option<NodeId> {
        self.leader
    }
    /// The highest index known committed.
    pub fn commit_index(&self) -> Index {
        self.commit_index
    }
    /// The highest index applied to the state machine.
    pub fn applied_index(&self) -> Index {
        self.applied_index
    }
    /// The index of the last snapshot this node took or restored (0: none).
    pub fn snapshot_index(&self) -> Index {
        self.snapshot_index
    }
    /// The log up to which the disk is known to match the in-memory log.
    pub fn log_index_durable(&self) -> Index {
        self.log_index_durable
    }
    /// The log.
    pub fn log(&self) -> &RaftLog {
        &self.log
    }
    /// Shares the chunks of entries the log holds in common with `entries` (another node's
    /// log, a disk). Memory only: the log stays the same entry for entry.
    pub fn share_log_chunks_with(&mut self, entries: &SharedVec<Entry>) {
        self.log.share_chunks_with(entries);
    }
    /// The key-value state machine.
    pub fn store(&self) -> &KvStore {
        &self.store
    }
    /// A leader's view of a peer's replication, if this node leads.
    pub fn progress(&self, peer: NodeId) -> Option<&Progress> {
        self.progress.get(&peer)
    }
    /// Votes collected in the current campaign (candidates and pre-candidates).
    pub fn votes(&self) -> &BTreeMap<NodeId, bool> {
        &self.votes
    }
    /// Messages held until a write is durable.
    pub fn held_message_count(&self) -> usize {
        self.held.len()
    }
}
