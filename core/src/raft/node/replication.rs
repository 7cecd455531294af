//! Log replication (§5.3), commitment (§5.4.2, the Figure 8 rule), heartbeats, CheckQuorum
//! (thesis §6.2), client requests and applying committed entries.

use super::super::config::{quorum, SNAPSHOT_INTERVAL};
use super::super::io::{Applied, ClientReply, ReplyOutcome, Snapshot, Timer};
use super::super::kv::Command;
use super::super::log::{Entry, Payload};
use super::super::message::{AppendOutcome, Body, Message};
use super::super::progress::Mode;
use super::super::types::{Index, NodeId, Role, Term};
use super::Node;

impl Node {
    // ---- follower side ----

    /// AppendEntries receiver (Figure 2), in the current term.
    pub(super) fn on_append_request(&mut self, message: Message) {
        let Body::AppendRequest { prev_log_index, prev_log_term, entries, leader_commit } = message.body else {
            unreachable!("called for AppendEntries only")
        };
        // A candidate that hears from the leader of its term becomes its follower first.
        assert_eq!(self.role, Role::Follower, "only a follower takes entries");
        assert_eq!(message.term, self.hard_state.term);
        let leader = message.from;
        self.leader = Some(leader);
        self.heard_from_leader();
        if prev_log_index < self.commit_index {
            // Everything up to our commit index already matches the leader's log (Leader
            // Completeness, §5.4), so say where we are and let the leader continue from there.
            let outcome = AppendOutcome::Accepted { match_index: self.commit_index };
            self.send(leader, Body::AppendResponse { prev_log_index, outcome });
            return;
        }
        if !self.log.matches(prev_log_index, prev_log_term) {
            let outcome = self.conflict_hint(prev_log_index);
            self.send(leader, Body::AppendResponse { prev_log_index, outcome });
            return;
        }
        let last_new_index = prev_log_index + entries.len() as Index;
        self.store_leader_entries(entries, prev_log_index);
        // "If leaderCommit > commitIndex, set commitIndex = min(leaderCommit, index of last new
        // entry)": entries past the last new one are not yet known to match the leader's.
        let commit = leader_commit.min(last_new_index);
        if commit > self.commit_index {
            self.commit_index = commit;
        }
        let outcome = AppendOutcome::Accepted { match_index: last_new_index };
        let body = Body::AppendResponse { prev_log_index, outcome };
        if self.config.protocol.bugs.ack_before_durable {
            // Bug switch: the acknowledgement leaves before the entries are on disk.
            self.out.messages.push(Message { from: self.config.id, to: leader, term: self.hard_state.term, body });
            return;
        }
        self.send(leader, body);
    }

    /// The hint for a failed consistency check at `prev_log_index` (thesis §5.3): the term of our
    /// conflicting entry and the first index we hold of it, or our log's end if it is too short.
    fn conflict_hint(&self, prev_log_index: Index) -> AppendOutcome {
        match self.log.term_at(prev_log_index) {
            None => AppendOutcome::Rejected { conflict_term: None, conflict_index: self.log.last_index() + 1 },
            Some(term) => {
                let first = self.log.first_index_of_term_ending_at(prev_log_index);
                // Entries up to the commit index match the leader's, so never point below them.
                let conflict_index = first.max(self.commit_index + 1);
                AppendOutcome::Rejected { conflict_term: Some(term), conflict_index }
            }
        }
    }

    /// Stores entries that follow a matching prefix: skips those already present, truncates at
    /// the first conflict and appends the rest (Figure 2, receiver steps 3 and 4). A stale or
    /// duplicated request whose entries are all present changes nothing.
    fn store_leader_entries(&mut self, entries: Vec<Entry>, prev_log_index: Index) {
        if self.config.protocol.bugs.stale_append_truncates {
            // Bug switch: dropping everything after the request's entries, conflicting or not, so
            // a stale or reordered AppendEntries erases entries this node already acknowledged.
            let end = prev_log_index + entries.len() as Index;
            if end < self.log.last_index() {
                self.truncate_log_unchecked(end + 1);
            }
        }
        let last_new = entries.last().map(|entry| (entry.index, entry.term));
        if let Some(first_new) = self.log.first_new_or_conflicting(&entries) {
            let from = entries[first_new].index;
            if from <= self.log.last_index() {
                self.truncate_log(from);
            }
            self.append_entries_to_log(entries.into_iter().skip(first_new).collect());
        }
        if let Some((index, term)) = last_new {
            assert!(self.log.matches(index, term), "the log holds the leader's entries after storing them");
        }
    }

    /// A heartbeat: the leader is alive; its commit index is capped at what we hold for it.
    pub(super) fn on_heartbeat(&mut self, leader: NodeId, commit: Index) {
        assert_eq!(self.role, Role::Follower, "only a follower takes heartbeats");
        self.leader = Some(leader);
        self.heard_from_leader();
        let commit = commit.min(self.log.last_index());
        if commit > self.commit_index {
            self.commit_index = commit;
        }
        self.send(leader, Body::HeartbeatResponse);
    }

    // ---- leader side ----

    /// A follower's answer to AppendEntries.
    pub(super) fn on_append_response(&mut self, from: NodeId, prev_log_index: Index, outcome: AppendOutcome) {
        assert_eq!(self.role, Role::Leader);
        let next_hint = match outcome {
            AppendOutcome::Rejected { conflict_term, conflict_index } => {
                Some(self.next_after_conflict(conflict_term, conflict_index))
            }
            AppendOutcome::Accepted { .. } => None,
        };
        let last_index = self.log.last_index();
        let Some(progress) = self.progress.get_mut(&from) else { return };
        progress.mark_active();
        match outcome {
            AppendOutcome::Accepted { match_index } => {
                assert!(match_index <= last_index, "follower {from} claims entries the leader lacks");
                if progress.on_accepted(match_index) {
                    self.maybe_commit();
                }
                self.send_appends_to(from);
                self.send_commit_if_unknown(from);
            }
            AppendOutcome::Rejected { .. } => {
                let next_hint = next_hint.expect("computed for rejections");
                if progress.on_rejected(prev_log_index, next_hint) {
                    self.send_appends_to(from);
                }
            }
        }
    }

    /// Where to resume after a conflict (thesis §5.3): just past our last entry of the
    /// follower's conflicting term if we have that term, else where the follower's run of that
    /// term starts (or its log ends).
    fn next_after_conflict(&self, conflict_term: Option<Term>, conflict_index: Index) -> Index {
        let resume = conflict_term.and_then(|term| self.log.last_index_of_term(term)).map(|index| index + 1);
        resume.unwrap_or(conflict_index).max(1)
    }

    /// A follower answered a heartbeat. If it lacks entries, it gets what flow control allows;
    /// when everything has been sent already (so nothing new would go), one empty AppendEntries
    /// from `next_index` goes instead, as etcd-raft's `sendIfEmpty` does: if an append to it was
    /// lost, its rejection starts a probe, rather than the entries waiting for the next client
    /// write to expose the gap.
    pub(super) fn on_heartbeat_response(&mut self, from: NodeId) {
        assert_eq!(self.role, Role::Leader);
        let window = self.config.protocol.inflight_appends_max as usize;
        let last_index = self.log.last_index();
        let Some(progress) = self.progress.get_mut(&from) else { return };
        progress.on_heartbeat_answered(window);
        let lacking = progress.match_index() < last_index;
        let all_sent = progress.next_index() > last_index;
        if lacking && all_sent && progress.mode() == Mode::Replicate && progress.can_send(window) {
            self.send_append(from);
        } else if lacking || progress.mode() == Mode::Probe {
            self.send_appends_to(from);
        }
    }

    pub(super) fn on_heartbeat_timer(&mut self) {
        assert_eq!(self.role, Role::Leader);
        let peers: Vec<NodeId> = self.config.peers().collect();
        for peer in peers {
            let progress = self.progress.get_mut(&peer).expect("peer tracked");
            let commit = self.commit_index.min(progress.match_index());
            progress.on_commit_sent(commit, commit);
            self.send_now(peer, Body::Heartbeat { commit });
        }
        self.arm_fixed_timer(Timer::Heartbeat, self.config.protocol.heartbeat_interval_us);
    }

    /// CheckQuorum (thesis §6.2): a leader that has not heard from a quorum during an election
    /// timeout steps down, so that clients stop waiting on a leader that cannot commit.
    pub(super) fn on_check_quorum_timer(&mut self) {
        assert_eq!(self.role, Role::Leader);
        assert!(self.config.protocol.check_quorum, "the CheckQuorum timer is armed only with CheckQuorum on");
        let mut active_peers = 0;
        for progress in self.progress.values_mut() {
            if progress.take_recent_active() {
                active_peers += 1;
            }
        }
        if active_peers + 1 < quorum(self.config.voters.len()) {
            self.become_follower(self.hard_state.term, None);
        } else {
            self.arm_fixed_timer(Timer::CheckQuorum, self.config.protocol.election_timeout_us_min);
        }
    }

    /// A client's command: a leader appends it; others point at the leader they know.
    pub(super) fn on_client_request(&mut self, command: Command) {
        if self.role != Role::Leader {
            let outcome = ReplyOutcome::NotLeader { leader_hint: self.leader };
            self.out.replies.push(ClientReply { client: command.client, seq: command.seq, outcome });
            return;
        }
        self.append_to_own_log(Payload::Command(std::sync::Arc::new(command)));
    }

    /// A leader appends a new entry of its term and starts replicating it (§5.3). It commits once
    /// its own copy is durable and a quorum of followers hold it.
    pub(super) fn append_to_own_log(&mut self, payload: Payload) {
        assert_eq!(self.role, Role::Leader);
        let entry = Entry { term: self.hard_state.term, index: self.log.last_index() + 1, payload };
        self.append_entries_to_log(vec![entry]);
        assert_eq!(self.log.last_term(), self.hard_state.term);
        let peers: Vec<NodeId> = self.config.peers().collect();
        for peer in peers {
            self.send_appends_to(peer);
        }
    }

    /// Sends `peer` what flow control allows: one probe in `Probe` mode (empty if there is
    /// nothing new), or batches of new entries up to the window in `Replicate` mode.
    fn send_appends_to(&mut self, peer: NodeId) {
        assert!(self.progress.contains_key(&peer), "a leader sends appends only to peers it tracks");
        let window = self.config.protocol.inflight_appends_max as usize;
        let last_index = self.log.last_index();
        loop {
            let progress = &self.progress[&peer];
            let has_entries = progress.next_index() <= last_index;
            let probing = progress.mode() == Mode::Probe;
            if !progress.can_send(window) || !(has_entries || probing) {
                return;
            }
            self.send_append(peer);
            if probing {
                return;
            }
        }
    }

    /// Sends one AppendEntries from the peer's `next_index`.
    fn send_append(&mut self, peer: NodeId) {
        let progress = &self.progress[&peer];
        assert!(
            progress.can_send(self.config.protocol.inflight_appends_max as usize),
            "flow control allows this append"
        );
        let prev_log_index = progress.next_index() - 1;
        let prev_log_term = self.log.term_at(prev_log_index).expect("a leader holds every entry before next_index");
        let entries = self.log.slice(progress.next_index(), self.config.protocol.entries_per_append_max as usize);
        let last_sent = entries.last().map(|entry| entry.index);
        let progress = self.progress.get_mut(&peer).expect("peer tracked");
        progress.on_sent(last_sent);
        progress.on_commit_sent(self.commit_index, last_sent.unwrap_or(prev_log_index));
        let body = Body::AppendRequest { prev_log_index, prev_log_term, entries, leader_commit: self.commit_index };
        self.send_now(peer, body);
    }

    /// Tells followers a new commit index at once rather than at the next heartbeat: peers with
    /// entries to receive get them (with the new commit); caught-up peers get the commit alone.
    fn broadcast_commit(&mut self) {
        let peers: Vec<NodeId> = self.config.peers().collect();
        for peer in peers {
            self.send_appends_to(peer);
            self.send_commit_if_unknown(peer);
        }
    }

    /// If `peer` has been sent every entry but cannot yet know the commit index as far as it
    /// holds entries, sends an empty AppendEntries anchored at its match index: that cannot fail
    /// the consistency check, unlike one at `next_index - 1`, which can overtake the appends still
    /// in flight.
    fn send_commit_if_unknown(&mut self, peer: NodeId) {
        let progress = &self.progress[&peer];
        let learnable = self.commit_index.min(progress.match_index());
        let everything_sent = progress.next_index() > self.log.last_index();
        if !everything_sent || progress.mode() != Mode::Replicate || learnable <= progress.commit_sent() {
            return;
        }
        let prev_log_index = progress.match_index();
        let prev_log_term = self.log.term_at(prev_log_index).expect("match is inside the log");
        let leader_commit = self.commit_index;
        self.progress.get_mut(&peer).expect("peer tracked").on_commit_sent(leader_commit, prev_log_index);
        let body = Body::AppendRequest { prev_log_index, prev_log_term, entries: Vec::new(), leader_commit };
        self.send_now(peer, body);
    }

    /// Advances the commit index to the highest index a quorum holds durably (the leader's own
    /// durable log included), if that entry is of the current term (§5.4.2: "Raft never commits log entries from previous terms by
    /// counting replicas"; Figure 8 shows why). The leader's own copy counts only once durable.
    pub(super) fn maybe_commit(&mut self) {
        assert_eq!(self.role, Role::Leader);
        // Bug switch (etcd #14370): counting the leader's own copy before it is durable.
        let own_index = if self.config.protocol.bugs.leader_counts_unsynced_self {
            self.log.last_index()
        } else {
            self.log_index_durable
        };
        let mut matched: Vec<Index> = self
            .config
            .voters
            .iter()
            .map(|&voter| if voter == self.config.id { own_index } else { self.progress[&voter].match_index() })
            .collect();
        matched.sort_unstable_by(|a, b| b.cmp(a));
        // Never past the leader's own durable log, even when followers alone form a quorum:
        // etcd-raft's CommittedIsDurableInv, so that what a leader applies and answers is on its
        // own disk too.
        let quorum_index = matched[quorum(self.config.voters.len()) - 1].min(own_index);
        if quorum_index <= self.commit_index {
            return;
        }
        // Bug switch (Figure 8): without this check a leader commits an earlier term's entry by
        // counting replicas, and a later leader may overwrite it.
        if self.log.term_at(quorum_index) != Some(self.hard_state.term) && !self.config.protocol.bugs.figure8_commit {
            return;
        }
        let holders = matched.iter().filter(|&&index| index >= quorum_index).count();
        assert!(holders >= quorum(self.config.voters.len()), "a quorum holds every committed entry");
        self.commit_index = quorum_index;
        self.broadcast_commit();
    }

    /// Applies committed entries in index order, each exactly once (Figure 2: "If commitIndex >
    /// lastApplied: increment lastApplied, apply log[lastApplied] to state machine"). A leader
    /// answers the client of each command it applies. Every [`SNAPSHOT_INTERVAL`] entries the
    /// node takes a snapshot of its state machine (§7), written once its log is durable up to
    /// there: lastApplied then survives a crash at the snapshot's index.
    pub(super) fn apply_committed(&mut self) {
        while self.applied_index < self.commit_index {
            let index = self.applied_index + 1;
            let entry = self.log.entry(index).expect("committed entries are in the log").clone();
            let applied = match entry.payload {
                Payload::Noop => Applied { index, term: entry.term, command: None, result: None, effective: false },
                Payload::Command(command) => {
                    let (result, effective) = self.store.apply(&command);
                    if self.role == Role::Leader {
                        let outcome = ReplyOutcome::Ok(result.clone());
                        self.out.replies.push(ClientReply { client: command.client, seq: command.seq, outcome });
                    }
                    Applied { index, term: entry.term, command: Some(command), result: Some(result), effective }
                }
            };
            self.out.applied.push(applied);
            self.applied_index = index;
            if index >= self.snapshot_index + SNAPSHOT_INTERVAL {
                let store = self.store.clone();
                self.snapshot_pending = Some(Snapshot { last_index: index, last_term: entry.term, store });
                self.snapshot_index = index;
            }
        }
        assert_eq!(self.applied_index, self.commit_index);
    }
}
