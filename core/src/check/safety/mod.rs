//! The safety invariants, checked after every event that changes a node, incrementally.
//!
//! The checker never reads a node's log, and never takes the node's word for what is durable.
//! It keeps two shadows of each node's log as cumulative prefix hashes (`prefix[i]`
//! fingerprints entries `1..=i+1`): the log as the node wrote it, kept from the node's own
//! `Write` outputs, and the log on its disk, kept from what the world reports durable
//! ([`SafetyChecker::on_durable`]) and read again from the disk at a crash; plus the term and
//! vote on that disk, the canonical committed log, the history of leaders and of votes cast.
//! Comparing two prefixes is one integer comparison, so the cost of an event does not grow with
//! the log: it is proportional to the entries it appends, makes durable, commits or applies and
//! to the number of nodes.

mod applied;
mod chunked;
mod machine;
mod shadow;
mod wire;

use std::collections::BTreeMap;

use crate::raft::{
    position_of, slot, ClientId, DurableState, HardState, Index, KvStore, Node, NodeId, OpResult, Outputs, RequestSeq,
    Role, Term, Write, WriteRequest,
};
use crate::shared_vec::SharedVec;

use super::violation::{node_names, Invariant, Violation};
use chunked::ChunkedMap;
use shadow::{LogShadow, Positions};

/// What the checker needs to know of a node after a step. Nothing about durability: that the
/// checker learns from the world's disks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NodeSnapshot {
    /// Whether the node runs (a crashed node keeps only its disk).
    pub running: bool,
    /// Its role.
    pub role: Role,
    /// Its current term.
    pub term: Term,
    /// Its vote in that term.
    pub voted_for: Option<NodeId>,
    /// Its commit index.
    pub commit_index: Index,
    /// Its applied index.
    pub applied_index: Index,
}

impl NodeSnapshot {
    /// The snapshot of a running node.
    pub fn of(node: &Node) -> Self {
        NodeSnapshot {
            running: true,
            role: node.role(),
            term: node.term(),
            voted_for: node.voted_for(),
            commit_index: node.commit_index(),
            applied_index: node.applied_index(),
        }
    }
}

/// The checker's view of one node.
#[derive(Clone, Debug, Default)]
struct Shadow {
    state: NodeSnapshot,
    /// The log as the node wrote it, durable or not.
    log: LogShadow,
    /// The log on its disk: what a crash leaves.
    disk: LogShadow,
    /// The term and vote on its disk.
    disk_hard_state: HardState,
    /// Per client, the last request that took effect on this node's state machine and what it
    /// answered, as the sequence of applied commands shows it.
    sessions: BTreeMap<ClientId, (RequestSeq, OpResult)>,
    /// How many times it has crashed: a leadership is a node in one incarnation.
    incarnation: u32,
}

/// The safety checker for one cluster.
#[derive(Clone, Debug)]
pub struct SafetyChecker {
    quorum: usize,
    /// The nodes, `1..=nodes`: one shadow each.
    nodes: NodeId,
    shadows: Vec<Shadow>,
    /// Every leader ever seen, by term.
    leaders: BTreeMap<Term, NodeId>,
    /// The incarnation of each term's leader when it took office: the same node leading the
    /// same term again after a crash is a second leader of that term.
    leader_incarnations: BTreeMap<Term, u32>,
    /// Every vote cast, by term: voter to candidate, as the wire shows them (a granted vote, or
    /// a vote request: a candidate's vote for itself). Kept across crashes.
    votes: ChunkedMap<BTreeMap<NodeId, NodeId>>,
    /// Every (index, term) ever appended anywhere, with the prefix it ended (see
    /// [`Positions::first_prefix`]).
    positions: Positions,
    /// The canonical committed log.
    committed: LogShadow,
    /// For each committed index, the term in which it was first committed (the term of the
    /// node whose commit index first covered it). Non-decreasing along the log.
    committed_in_term: SharedVec<Term>,
    /// The same as runs: each term in which entries were first committed, with the index of
    /// the first of them, in log order; so that [`SafetyChecker::committed_before`], asked on
    /// most steps, searches the terms that committed rather than the committed log. Kept while
    /// `committed_in_term` does not decrease (a correct cluster's never does: see
    /// `committed_before`).
    commit_runs: Vec<(Term, Index)>,
    /// Whether `committed_in_term` has never decreased, so `commit_runs` answers for it.
    commit_runs_valid: bool,
    /// The committed log applied by the checker itself, as far as any node has applied it.
    reference: machine::Reference,
    /// For each index the reference applied, a digest of what applying it returned: what every
    /// node must return there.
    applied: SharedVec<u64>,
    /// For each index the reference applied, the digest of its state after it: what a snapshot
    /// or a restored state machine of that index must hold.
    states: SharedVec<u64>,
    /// The event being checked, and its time, for reports.
    event: u64,
    time_us: u64,
    /// Whether rule checks report ([`Invariant::is_rule_check`]); off in damage-only mode.
    rules: bool,
}

type Checked = Result<(), Box<Violation>>;

impl SafetyChecker {
    /// A checker for nodes `1..=nodes`, all new, with empty disks.
    pub fn new(nodes: u32) -> Self {
        assert!(nodes >= 1);
        let running = NodeSnapshot { running: true, ..NodeSnapshot::default() };
        SafetyChecker {
            quorum: crate::raft::quorum(nodes as usize),
            nodes,
            shadows: (0..nodes).map(|_| Shadow { state: running, ..Shadow::default() }).collect(),
            leaders: BTreeMap::new(),
            leader_incarnations: BTreeMap::new(),
            votes: ChunkedMap::default(),
            positions: Positions::default(),
            committed: LogShadow::default(),
            committed_in_term: SharedVec::new(),
            commit_runs: Vec::new(),
            commit_runs_valid: true,
            reference: machine::Reference::default(),
            applied: SharedVec::new(),
            states: SharedVec::new(),
            event: 0,
            time_us: 0,
            rules: true,
        }
    }

    /// Switches the rule checks' reports on (the default) or off (damage-only mode). Off, a
    /// broken rule is passed over and the checker goes on as if it held, so the damage checks
    /// judge what follows; the checker's own records (votes, leaders, the committed log) are
    /// kept the same way in both modes.
    pub fn with_rule_checks(self, on: bool) -> Self {
        SafetyChecker { rules: on, ..self }
    }

    /// Shares the chunks the shadows of logs and disks and the committed log hold in common,
    /// so that the checker keeps about one copy of the cluster's past instead of two per node.
    /// Memory only: nothing it judges changes.
    pub fn share_chunks(&mut self) {
        let mut seen = vec![self.committed.clone()];
        for shadow in &mut self.shadows {
            for reference in &seen {
                shadow.log.share_chunks_with(reference);
                shadow.disk.share_chunks_with(reference);
            }
            seen.push(shadow.log.clone());
            seen.push(shadow.disk.clone());
        }
    }

    /// Sets the event number and time that violations found next will carry.
    pub fn at_event(&mut self, event: u64, time_us: u64) {
        self.event = event;
        self.time_us = time_us;
    }

    /// The longest committed log seen so far.
    pub fn committed_len(&self) -> Index {
        self.committed.last_index()
    }

    /// The leader of each term seen so far.
    pub fn leaders(&self) -> &BTreeMap<Term, NodeId> {
        &self.leaders
    }

    fn violation(
        &self,
        invariant: Invariant,
        nodes: Vec<NodeId>,
        terms: Vec<Term>,
        indexes: Vec<Index>,
        message: String,
    ) -> Box<Violation> {
        Box::new(Violation::new(invariant, self.event, self.time_us, message).naming(nodes, terms, indexes))
    }

    /// A failed check: its violation, or nothing when the check is switched off (a rule check
    /// in damage-only mode), so callers write `self.fail(..)?` and go on only when it is off.
    fn fail(
        &self,
        invariant: Invariant,
        nodes: Vec<NodeId>,
        terms: Vec<Term>,
        indexes: Vec<Index>,
        message: String,
    ) -> Checked {
        if !invariant.reported(self.rules) {
            return Ok(());
        }
        Err(self.violation(invariant, nodes, terms, indexes, message))
    }

    fn shadow(&self, node: NodeId) -> &Shadow {
        &self.shadows[position_of(node)]
    }

    fn shadow_mut(&mut self, node: NodeId) -> &mut Shadow {
        &mut self.shadows[position_of(node)]
    }

    fn ids(&self) -> impl Iterator<Item = NodeId> {
        1..=self.nodes
    }

    /// The canonical committed prefix up to `index` (which it reaches).
    fn committed_prefix(&self, index: Index) -> u64 {
        self.committed.prefix_at(index).expect("within the committed log")
    }

    /// Checks node `node` after a step that produced `outputs` and left it as `after`: what the
    /// step made of it first (a new leader's election), then what it said, judged against its
    /// disk as it is now (the writes of this step are not durable yet), then what it committed
    /// and applied.
    pub fn on_step(&mut self, node: NodeId, after: NodeSnapshot, outputs: &Outputs) -> Checked {
        let before = self.shadow(node).state;
        assert!(before.running && after.running, "a step is taken by a running node");
        let log_changed =
            !outputs.writes.iter().all(|request| matches!(request.write, Write::HardState(_) | Write::Snapshot(_)));
        let truncated = outputs.writes.iter().any(|request| matches!(request.write, Write::Truncate { .. }));
        for request in &outputs.writes {
            self.apply_write(node, (before.commit_index, after.term), &request.write)?;
        }
        self.check_term_and_vote(node, &before, &after)?;
        self.shadow_mut(node).state = after;
        self.check_leadership(node, &before, &after)?;
        for message in &outputs.messages {
            self.check_message(node, after.term, message)?;
        }
        let canonical_grew = self.check_commit(node, &before, &after)?;
        self.check_applied(node, &before, &outputs.applied)?;
        for request in &outputs.writes {
            if let Write::Snapshot(snapshot) = &request.write {
                self.check_snapshot_written(node, snapshot)?;
            }
        }
        if canonical_grew {
            self.check_quorum_log()?;
        }
        let commit_changed = after.commit_index != before.commit_index;
        if log_changed || commit_changed {
            self.check_more_up_to_date_after_step(node, log_changed, commit_changed || truncated)?;
        }
        if canonical_grew {
            self.check_leaders_complete()?;
        }
        Ok(())
    }

    /// Node `node`'s disk completed an fsync: `synced`, in order, are now durable. Only a
    /// truncation can take a committed entry off a disk, so only then is QuorumLogInv judged.
    pub fn on_durable(&mut self, node: NodeId, synced: &[WriteRequest]) -> Checked {
        let shadow = self.shadow_mut(node);
        assert!(shadow.state.running, "a disk syncs for a running node");
        for request in synced {
            if let Write::HardState(hard_state) = request.write {
                assert!(hard_state.term >= shadow.disk_hard_state.term, "a durable term never decreases");
                shadow.disk_hard_state = hard_state;
            }
            shadow.disk.apply(&request.write);
        }
        let appended = synced.iter().filter_map(|request| match &request.write {
            Write::Append(entries) => Some(entries.iter()),
            _ => None,
        });
        self.check_disk_term(node, appended.flatten())?;
        if synced.iter().any(|request| matches!(request.write, Write::Truncate { .. })) {
            self.check_quorum_log()?;
        }
        Ok(())
    }

    /// DiskTermInv for node `node`'s disk, given the entries that have just reached it
    /// (`arrived`): its term is at least the term of each. The entries on it before were judged
    /// when they arrived, against a term that has not decreased since, so an fsync or a crash
    /// costs what it wrote. A disk below its own entries' term restarts a node in a term it has
    /// already seen a leader of, and in which it may vote, campaign and lead again.
    fn check_disk_term<'a>(&self, node: NodeId, arrived: impl Iterator<Item = &'a crate::raft::Entry>) -> Checked {
        let disk_term = self.shadow(node).disk_hard_state.term;
        let Some(entry) = arrived.max_by_key(|entry| (entry.term, std::cmp::Reverse(entry.index))) else {
            return Ok(());
        };
        if entry.term <= disk_term {
            return Ok(());
        }
        let message = format!(
            "S{node}'s disk holds an entry of term {} at index {} but only term {disk_term}: after a crash it would restart in a term below its own log's",
            entry.term, entry.index
        );
        Err(self.violation(Invariant::DiskTermInv, vec![node], vec![entry.term, disk_term], vec![entry.index], message))
    }

    /// The node crashed: only its disk remains. What the crash changed on it (`changed_from` on,
    /// the unsynced writes that reached the platter and the torn entry, as the world reports)
    /// is read here; the rest is the copy `on_durable` kept, so a crash costs what it changed,
    /// not the log's length. Test builds re-read the whole disk and compare.
    pub fn on_crash(&mut self, node: NodeId, disk: &DurableState, changed_from: Option<Index>) -> Checked {
        let shadow = self.shadow_mut(node);
        if let Some(from) = changed_from {
            assert!(from >= 1, "log indexes count from 1");
            shadow.disk.truncate(from.min(shadow.disk.last_index() + 1));
            for entry in disk.entries.iter_from(slot(from)) {
                shadow.disk.push(entry);
            }
        }
        if cfg!(debug_assertions) {
            let whole = LogShadow::of(disk.entries.iter());
            assert!(shadow.disk.same_as(&whole), "S{node}'s disk changed at a crash below index {changed_from:?}");
        }
        let term_lowered = disk.hard_state.term < shadow.disk_hard_state.term;
        shadow.disk_hard_state = disk.hard_state;
        shadow.log = shadow.disk.clone();
        shadow.state = NodeSnapshot { running: false, ..NodeSnapshot::default() };
        shadow.sessions.clear();
        shadow.incarnation += 1;
        // What reached the disk at the crash; all of it if the crash lowered its term (which only
        // a broken disk does), when the entries judged before are judged again.
        let rejudged_from = if term_lowered { Some(1) } else { changed_from };
        if let Some(from) = rejudged_from {
            self.check_disk_term(node, disk.entries.iter_from(slot(from.max(1))))?;
        }
        self.check_quorum_log()?;
        self.check_more_up_to_date(node)
    }

    /// The node restarted from its disk and is now `after`, with `store` its state machine: it
    /// holds at least the term its disk held when it crashed (the checker's copy of that disk),
    /// and a state machine restored from a snapshot is the committed log's state at its applied
    /// index (see [`SafetyChecker::check_restored`]).
    pub fn on_restart(&mut self, node: NodeId, after: NodeSnapshot, store: &KvStore) -> Checked {
        let durable_term_at_crash = self.shadow(node).disk_hard_state.term;
        if after.term < durable_term_at_crash {
            let message = format!(
                "S{node} restarted in term {} but had durably reached term {durable_term_at_crash}: its disk lost acknowledged state",
                after.term
            );
            self.fail(Invariant::MonotonicTerm, vec![node], vec![durable_term_at_crash, after.term], vec![], message)?;
        }
        self.shadow_mut(node).state = after;
        self.check_restored(node, &after, store)
    }

    /// Takes one write of a step of node `node`, whose commit index was `commit_before` and whose
    /// term is now `term_now`, into its log's shadow.
    fn apply_write(&mut self, node: NodeId, (commit_before, term_now): (Index, Term), write: &Write) -> Checked {
        match write {
            // A snapshot is judged once the step's applies have taken the reference there.
            Write::HardState(_) | Write::Snapshot(_) => Ok(()),
            Write::Truncate { from } => {
                if *from <= commit_before {
                    let message = format!(
                        "S{node} removed entries from index {from}, but it had counted entries up to {commit_before} as committed"
                    );
                    return Err(self.violation(
                        Invariant::LogInv,
                        vec![node],
                        vec![],
                        vec![*from, commit_before],
                        message,
                    ));
                }
                self.check_own_term_kept(node, *from, term_now)?;
                self.shadow_mut(node).log.truncate(*from);
                Ok(())
            }
            Write::Append(entries) => {
                for entry in entries {
                    self.append_entry(node, entry)?;
                }
                Ok(())
            }
        }
    }

    /// OwnTermKeptInv: the entries node `node`, in term `term_now`, removes from index `from` on
    /// are all of older terms. Terms never decrease along a log, so the last entry's term is the
    /// highest removed; a log whose terms do decrease (only a broken node writes one) is judged
    /// by that last term alone.
    fn check_own_term_kept(&self, node: NodeId, from: Index, term_now: Term) -> Checked {
        let log = &self.shadow(node).log;
        if from > log.last_index() || log.last_term() < term_now {
            return Ok(());
        }
        let message = format!(
            "S{node}, in term {term_now}, removed entries from index {from} to {} that include entries of term {}: a node removes only entries of terms before its own",
            log.last_index(),
            log.last_term()
        );
        self.fail(Invariant::OwnTermKeptInv, vec![node], vec![term_now], vec![from, log.last_index()], message)
    }

    fn append_entry(&mut self, node: NodeId, entry: &crate::raft::Entry) -> Checked {
        let prefix = self.shadow_mut(node).log.push(entry);
        let first = self.positions.first_prefix(entry.index, entry.term, prefix);
        if first != prefix {
            let message = format!(
                "S{node} holds an entry at index {} of term {} whose log before it differs from another log's entry at the same index and term",
                entry.index, entry.term
            );
            return Err(self.violation(
                Invariant::LogMatchingInv,
                vec![node],
                vec![entry.term],
                vec![entry.index],
                message,
            ));
        }
        self.check_election_safety(node, entry)
    }

    /// ElectionSafetyInv: the leader of `entry.term`, while it leads, holds the highest index of
    /// that term anywhere.
    fn check_election_safety(&self, node: NodeId, entry: &crate::raft::Entry) -> Checked {
        let Some(&leader) = self.leaders.get(&entry.term) else { return Ok(()) };
        let shadow = self.shadow(leader);
        let leads_now = shadow.state.running && shadow.state.role == Role::Leader && shadow.state.term == entry.term;
        if leader == node || !leads_now {
            return Ok(());
        }
        let log = &shadow.log;
        let leader_last_of_term = if log.last_term() == entry.term { log.last_index() } else { 0 };
        if entry.index > leader_last_of_term {
            let message = format!(
                "S{node} holds an entry of term {} at index {}, beyond the last entry of that term ({leader_last_of_term}) in the log of its leader, S{leader}",
                entry.term, entry.index
            );
            return Err(self.violation(
                Invariant::ElectionSafetyInv,
                vec![node, leader],
                vec![entry.term],
                vec![entry.index],
                message,
            ));
        }
        Ok(())
    }

    fn check_term_and_vote(&self, node: NodeId, before: &NodeSnapshot, after: &NodeSnapshot) -> Checked {
        if after.term < before.term {
            let message = format!("S{node} went back from term {} to term {}", before.term, after.term);
            return self.fail(Invariant::MonotonicTerm, vec![node], vec![before.term, after.term], vec![], message);
        }
        if let (true, Some(vote)) = (after.term == before.term, before.voted_for) {
            if after.voted_for != Some(vote) {
                let now = after.voted_for.map_or_else(|| "no vote".to_string(), |other| format!("a vote for S{other}"));
                let message = format!("S{node} voted for S{vote} in term {} and then changed it to {now}", after.term);
                return self.fail(Invariant::MonotonicVote, vec![node, vote], vec![after.term], vec![], message);
            }
        }
        Ok(())
    }

    /// For a leader after a step: CommittedIsDurableInv; and once it takes office,
    /// LeaderVotesInv, VoteDurableInv for its own vote, MoreThanOneLeaderInv (over all time) and
    /// LeaderCompletenessInv.
    fn check_leadership(&mut self, node: NodeId, before: &NodeSnapshot, after: &NodeSnapshot) -> Checked {
        if after.role != Role::Leader {
            return Ok(());
        }
        self.check_committed_durable(node, after)?;
        let became_leader = before.role != Role::Leader || before.term != after.term;
        if !became_leader {
            return Ok(());
        }
        self.check_leader_votes(node, after.term)?;
        self.check_own_vote_durable(node, after.term)?;
        self.check_one_leadership(node, after.term)?;
        self.check_leader_complete(node)
    }

    /// MoreThanOneLeaderInv, over all time: a term has one leadership, one node in one
    /// incarnation. Records `node`'s, which has just taken office in `term`.
    fn check_one_leadership(&mut self, node: NodeId, term: Term) -> Checked {
        let incarnation = self.shadow(node).incarnation;
        let first = *self.leaders.entry(term).or_insert(node);
        let first_incarnation = *self.leader_incarnations.entry(term).or_insert(incarnation);
        if first == node && first_incarnation == incarnation {
            return Ok(());
        }
        let message = if first == node {
            format!("S{node} was elected leader of term {term} a second time, after a crash that ended its first leadership of that term")
        } else {
            format!("S{first} and S{node} were both elected leader of term {term}")
        };
        let mut nodes = vec![first, node];
        nodes.dedup();
        Err(self.violation(Invariant::MoreThanOneLeaderInv, nodes, vec![term], vec![], message))
    }

    /// CommittedIsDurableInv, judged from the leader's disk: what a leader counts as committed
    /// is on its own disk, the same entries as in its log, so that what it applies and answers
    /// survives its crash.
    fn check_committed_durable(&self, leader: NodeId, after: &NodeSnapshot) -> Checked {
        let shadow = self.shadow(leader);
        let commit = after.commit_index;
        let prefix = shadow.log.prefix_at(commit).expect("a node commits within its log");
        if shadow.disk.holds(commit, prefix) {
            return Ok(());
        }
        let on_disk = shadow.disk.last_index();
        let message = if on_disk < commit {
            format!(
                "leader S{leader} counts index {commit} as committed, but its disk holds entries only up to {on_disk}"
            )
        } else {
            format!("leader S{leader} counts index {commit} as committed, but its disk holds other entries up to there than its log")
        };
        self.fail(Invariant::CommittedIsDurableInv, vec![leader], vec![after.term], vec![commit, on_disk], message)
    }

    /// LeaderVotesInv: "a candidate wins an election if it receives votes from a majority of the
    /// servers in the full cluster for the same term" (§5.2). Counts the grants sent for `term`
    /// to `leader`, and its own vote.
    fn check_leader_votes(&self, leader: NodeId, term: Term) -> Checked {
        let granted = self.votes.get(term).map_or(0, |votes| {
            votes.iter().filter(|&(&voter, &candidate)| candidate == leader && voter != leader).count()
        });
        if granted + 1 >= self.quorum {
            return Ok(());
        }
        let message = format!(
            "S{leader} became leader of term {term} with only {} of that term's votes, its own included; a quorum is {}",
            granted + 1,
            self.quorum
        );
        self.fail(Invariant::LeaderVotesInv, vec![leader], vec![term], vec![], message)
    }

    /// How many committed entries, from index 1, were committed in a term before `term`. The
    /// terms entries were committed in do not decrease along the log in a correct cluster (an
    /// entry first committed in a later term was on the log of that term's leader, whose commit
    /// covered every entry before it), which the binary search relies on; it searches the runs
    /// of equal terms, a few per election, rather than every committed entry, unless a broken
    /// protocol made the terms decrease.
    fn committed_before(&self, term: Term) -> Index {
        if !self.commit_runs_valid {
            return self.committed_in_term.partition_point(|&committed_term| committed_term < term) as Index;
        }
        // Most questions are about the current term, at or past the last run: no search then.
        let before = match self.commit_runs.last() {
            None => 0,
            Some(&(last, _)) if last < term => self.committed_len(),
            Some(&(last, first)) if last == term => first - 1,
            Some(_) => {
                let runs = self.commit_runs.partition_point(|&(run_term, _)| run_term < term);
                self.commit_runs[runs].1 - 1
            }
        };
        debug_assert_eq!(
            before,
            self.committed_in_term.partition_point(|&committed_term| committed_term < term) as Index
        );
        before
    }

    /// Records that the committed entry at `index` (the next one) was first committed in `term`.
    fn push_committed_in_term(&mut self, index: Index, term: Term) {
        assert_eq!(slot(index), self.committed_in_term.len(), "committed entries are added in order");
        match self.commit_runs.last() {
            Some(&(last, _)) if term == last => {}
            Some(&(last, _)) if term < last => self.commit_runs_valid = false,
            _ => self.commit_runs.push((term, index)),
        }
        self.committed_in_term.push(term);
    }

    /// LeaderCompletenessInv for one current leader: "if a log entry is committed in a given
    /// term, then that entry will be present in the logs of the leaders for all higher-numbered
    /// terms" (§5.4.3). The TLA+ formula compares the entry's own term instead, which a correct
    /// cluster violates: a stale leader of term 4 need not hold an entry of term 2 that the
    /// leader of term 5 committed.
    fn check_leader_complete(&self, leader: NodeId) -> Checked {
        let shadow = self.shadow(leader);
        let term = shadow.state.term;
        let required = self.committed_before(term);
        if shadow.log.holds(required, self.committed_prefix(required)) {
            return Ok(());
        }
        let missing =
            (1..=required).find(|&index| !shadow.log.holds(index, self.committed_prefix(index))).unwrap_or(required);
        let message = format!(
            "leader S{leader} of term {term} lacks the entry at index {missing} (of term {}, committed in term {})",
            self.committed.term_at(missing).expect("committed"),
            self.committed_in_term[slot(missing)]
        );
        Err(self.violation(Invariant::LeaderCompletenessInv, vec![leader], vec![term], vec![missing], message))
    }

    fn check_leaders_complete(&self) -> Checked {
        for node in self.ids() {
            let state = self.shadow(node).state;
            if state.running && state.role == Role::Leader {
                self.check_leader_complete(node)?;
            }
        }
        Ok(())
    }

    /// LogInv and MonotonicCommit: newly committed entries agree with the canonical committed
    /// log, which they extend. Returns whether the canonical log grew.
    fn check_commit(
        &mut self,
        node: NodeId,
        before: &NodeSnapshot,
        after: &NodeSnapshot,
    ) -> Result<bool, Box<Violation>> {
        if after.commit_index < before.commit_index {
            let message =
                format!("S{node}'s commit index went back from {} to {}", before.commit_index, after.commit_index);
            self.fail(
                Invariant::MonotonicCommit,
                vec![node],
                vec![after.term],
                vec![before.commit_index, after.commit_index],
                message,
            )?;
            return Ok(false);
        }
        if after.commit_index == before.commit_index {
            return Ok(false);
        }
        let log = &self.shadow(node).log;
        let commit_term = log.term_at(after.commit_index).expect("a node commits within its log");
        let leading_throughout = before.role == Role::Leader && after.role == Role::Leader && before.term == after.term;
        if leading_throughout && commit_term != after.term {
            let message = format!(
                "leader S{node} of term {} advanced its commit index to {}, an entry of term {commit_term}: only entries of the leader's own term are committed by counting replicas (§5.4.2, Figure 8)",
                after.term, after.commit_index
            );
            self.fail(
                Invariant::LeaderCommitsOwnTermInv,
                vec![node],
                vec![after.term, commit_term],
                vec![after.commit_index],
                message,
            )?;
        }
        let known = after.commit_index.min(self.committed_len());
        if !log.holds(known, self.committed_prefix(known)) {
            let first_difference =
                (1..=known).find(|&index| !log.holds(index, self.committed_prefix(index))).unwrap_or(known);
            let message = format!(
                "S{node} committed a different entry at index {first_difference} than another node committed there"
            );
            return Err(self.violation(Invariant::LogInv, vec![node], vec![], vec![first_difference], message));
        }
        self.extend_committed(node, after);
        Ok(after.commit_index > known)
    }

    /// Extends the canonical committed log from node `node`'s log up to its commit index.
    fn extend_committed(&mut self, node: NodeId, after: &NodeSnapshot) {
        for index in self.committed_len() + 1..=after.commit_index {
            let shadow = &self.shadows[position_of(node)];
            let (prefix, term) = (shadow.log.prefix_at(index), shadow.log.term_at(index));
            self.committed.extend_with(prefix.expect("within the log"), term.expect("within the log"));
            self.push_committed_in_term(index, after.term);
        }
    }

    /// QuorumLogInv, judged from the disks: every committed entry is on the disks of at least a
    /// quorum, so that every quorum (the one that elects the next leader) includes a node that
    /// holds it durably. Entries in memory only do not count: a crash takes them.
    fn check_quorum_log(&self) -> Checked {
        let committed = self.committed_len();
        if committed == 0 {
            return Ok(());
        }
        let prefix = self.committed_prefix(committed);
        let holders: Vec<NodeId> = self.ids().filter(|&node| self.shadow(node).disk.holds(committed, prefix)).collect();
        if holders.len() >= self.quorum {
            return Ok(());
        }
        let message = format!(
            "entries up to index {committed} are committed, but only {} of the {} nodes {} them on disk; a quorum is {}",
            holders.len(),
            self.shadows.len(),
            match holders.len() {
                0 => "hold".to_string(),
                1 => format!("({}) holds", node_names(&holders)),
                _ => format!("({}) hold", node_names(&holders)),
            },
            self.quorum
        );
        Err(self.violation(Invariant::QuorumLogInv, holders, vec![], vec![committed], message))
    }

    /// MoreUpToDateCorrectInv for the pairs a step of `changed` can have broken: those where
    /// it is the candidate when its log changed, and those where it is the voter when its
    /// commit index grew or its log lost entries. A log that only grew cannot make a pair with
    /// it as the voter fail: the other log can only stop being as up-to-date as it, and what it
    /// counts as committed is the same. Test builds check every pair and compare.
    fn check_more_up_to_date_after_step(&self, changed: NodeId, as_candidate: bool, as_voter: bool) -> Checked {
        // A log that holds the whole committed log passes every pair it is the candidate of
        // (what a voter counts as committed is a prefix of it, and prefixes chain): one lookup
        // instead of one pair per voter, the common case of a follower that keeps up.
        let as_candidate = as_candidate && !self.holds_all_committed(changed);
        for other in self.ids() {
            if as_candidate {
                self.check_up_to_date_pair(changed, other)?;
            }
            if as_voter {
                self.check_up_to_date_pair(other, changed)?;
            }
        }
        if cfg!(debug_assertions) {
            assert!(self.check_more_up_to_date(changed).is_ok(), "a pair with S{changed} skipped after its step fails");
        }
        Ok(())
    }

    /// Whether node `node`'s log holds every committed entry.
    fn holds_all_committed(&self, node: NodeId) -> bool {
        let committed = self.committed_len();
        committed == 0 || self.shadow(node).log.holds(committed, self.committed_prefix(committed))
    }

    /// MoreUpToDateCorrectInv for every pair involving `changed`.
    fn check_more_up_to_date(&self, changed: NodeId) -> Checked {
        for other in self.ids() {
            self.check_up_to_date_pair(changed, other)?;
            self.check_up_to_date_pair(other, changed)?;
        }
        Ok(())
    }

    /// If `candidate`'s log is at least as up-to-date as `voter`'s (§5.4.1), it must hold the
    /// entries `voter` counts as committed that were committed before the term of `candidate`'s
    /// last entry. That is what the election restriction guarantees: the last entry came from the
    /// leader of its term, which held every entry committed before it (Leader Completeness), and
    /// the logs match up to there (Log Matching). The TLA+ formula asks for all of them, which a
    /// correct cluster violates: a follower that has just replaced its stale suffix with the
    /// leader's commits an entry that a stale log of a later term, which can never win a
    /// majority, does not hold.
    fn check_up_to_date_pair(&self, candidate: NodeId, voter: NodeId) -> Checked {
        let (log, other) = (&self.shadow(candidate).log, self.shadow(voter));
        let at_least_as_up_to_date =
            (log.last_term(), log.last_index()) >= (other.log.last_term(), other.log.last_index());
        let known = other.state.commit_index.min(self.committed_len());
        if candidate == voter || known == 0 || !at_least_as_up_to_date {
            return Ok(());
        }
        // The binary search last: the cheap tests above settle most pairs.
        let committed = known.min(self.committed_before(log.last_term()));
        if log.holds(committed, self.committed_prefix(committed)) {
            return Ok(());
        }
        let message = format!(
            "S{candidate}'s log (last entry {} of term {}) is at least as up-to-date as S{voter}'s, yet lacks entries S{voter} has committed (up to {committed}): a vote for S{candidate} could lose them",
            log.last_index(),
            log.last_term()
        );
        Err(self.violation(
            Invariant::MoreUpToDateCorrectInv,
            vec![candidate, voter],
            vec![log.last_term()],
            vec![committed],
            message,
        ))
    }
}
