//! The safety invariants, checked after every event that changes a node, incrementally.
//!
//! The checker never reads a node's log. It keeps a shadow of each node's log as cumulative
//! prefix hashes (`prefix[i]` fingerprints entries `1..=i+1`), maintained from the node's own
//! `Write` outputs, plus the canonical committed log and the history of leaders. Comparing two
//! prefixes is then one integer comparison, so the cost of an event does not grow with the log:
//! it is proportional to the entries it appends or commits and to the number of nodes.

use std::collections::BTreeMap;

use crate::fingerprint::Fingerprint;
use crate::raft::{
    position_of, Applied, Body, ClientId, Entry, HardState, Index, Message, Node, NodeId, Outputs, RequestSeq, Role,
    Term, Write,
};
use crate::shared_vec::SharedVec;

use super::violation::{node_names, Invariant, Violation};

/// What the checker needs to know of a node after a step.
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
    /// The index up to which its disk matches its log.
    pub log_index_durable: Index,
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
            log_index_durable: node.log_index_durable(),
        }
    }
}

/// The checker's view of one node.
#[derive(Clone, Debug, Default)]
struct Shadow {
    state: NodeSnapshot,
    /// `prefix[i]`: fingerprint of the log's entries `1..=i+1`.
    prefix: SharedVec<u64>,
    /// `terms[i]`: the term of entry `i+1`.
    terms: SharedVec<Term>,
    /// Per client, the last request number that took effect on this node's state machine.
    effective_seq: BTreeMap<ClientId, RequestSeq>,
}

impl Shadow {
    fn last_index(&self) -> Index {
        self.prefix.len() as Index
    }

    fn last_term(&self) -> Term {
        self.terms.last().copied().unwrap_or(0)
    }

    /// Whether this log holds the prefix `1..=index` fingerprinted by `prefix_hash`.
    fn holds(&self, index: Index, prefix_hash: u64) -> bool {
        index == 0 || self.prefix.get(index as usize - 1) == Some(&prefix_hash)
    }

    fn push(&mut self, entry: &Entry) {
        let previous = self.prefix.last().copied().unwrap_or(0);
        self.prefix.push(chain(previous, entry));
        self.terms.push(entry.term);
    }

    fn rebuild<'a>(&mut self, entries: impl IntoIterator<Item = &'a Entry>) {
        self.prefix = SharedVec::new();
        self.terms = SharedVec::new();
        for entry in entries {
            self.push(entry);
        }
    }
}

/// The prefix fingerprint first seen at (`index`, `term`) in any log; records `prefix` if this
/// is the first time.
fn first_prefix(positions: &mut SharedVec<Vec<(Term, u64)>>, index: Index, term: Term, prefix: u64) -> u64 {
    let position = index as usize - 1;
    assert!(position <= positions.len(), "index {index} appended before any log held {}", index - 1);
    if position == positions.len() {
        positions.push(Vec::new());
    }
    if let Some(&(_, first)) = positions[position].iter().find(|(seen, _)| *seen == term) {
        return first;
    }
    positions.get_mut(position).expect("pushed above").push((term, prefix));
    prefix
}

/// The fingerprint of a log prefix extended by `entry`.
fn chain(previous: u64, entry: &Entry) -> u64 {
    let mut hash = Fingerprint::default();
    hash.word(previous);
    hash.entry(entry);
    hash.value()
}

/// The fingerprint of what an applied entry did (its position and command).
fn applied_digest(applied: &Applied) -> u64 {
    let mut hash = Fingerprint::default();
    hash.word(applied.index);
    hash.word(applied.term);
    match &applied.command {
        Some(command) => hash.command(command),
        None => hash.word(0),
    }
    hash.value()
}

/// The safety checker for one cluster.
#[derive(Clone, Debug)]
pub struct SafetyChecker {
    quorum: usize,
    shadows: Vec<Shadow>,
    /// Every leader ever seen, by term.
    leaders: BTreeMap<Term, NodeId>,
    /// Every vote granted, by term: voter to candidate. (A correct node grants one per term.)
    grants: BTreeMap<Term, BTreeMap<NodeId, NodeId>>,
    /// Every (index, term) ever appended anywhere, with the prefix it ended: at position
    /// `index - 1`, each term seen there and its prefix. Dense, because a log appends index `i`
    /// only once it holds `i - 1`.
    positions: SharedVec<Vec<(Term, u64)>>,
    /// The canonical committed log: prefix fingerprints and terms.
    committed_prefix: SharedVec<u64>,
    committed_terms: SharedVec<Term>,
    /// For each committed index, the term in which it was first committed (the term of the
    /// node whose commit index first covered it). Non-decreasing along the log.
    committed_in_term: SharedVec<Term>,
    /// What was applied at each index, by whichever node applied it first.
    applied: SharedVec<u64>,
    /// The event being checked, and its time, for reports.
    event: u64,
    time_us: u64,
}

type Checked = Result<(), Box<Violation>>;

impl SafetyChecker {
    /// A checker for nodes `1..=nodes`, all new and empty.
    pub fn new(nodes: u32) -> Self {
        assert!(nodes >= 1);
        let running = NodeSnapshot { running: true, ..NodeSnapshot::default() };
        SafetyChecker {
            quorum: crate::raft::quorum(nodes as usize),
            shadows: (0..nodes).map(|_| Shadow { state: running, ..Shadow::default() }).collect(),
            leaders: BTreeMap::new(),
            grants: BTreeMap::new(),
            positions: SharedVec::new(),
            committed_prefix: SharedVec::new(),
            committed_terms: SharedVec::new(),
            committed_in_term: SharedVec::new(),
            applied: SharedVec::new(),
            event: 0,
            time_us: 0,
        }
    }

    /// Sets the event number and time that violations found next will carry.
    pub fn at_event(&mut self, event: u64, time_us: u64) {
        self.event = event;
        self.time_us = time_us;
    }

    /// The longest committed log seen so far.
    pub fn committed_len(&self) -> Index {
        self.committed_prefix.len() as Index
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

    fn shadow(&self, node: NodeId) -> &Shadow {
        &self.shadows[position_of(node)]
    }

    fn shadow_mut(&mut self, node: NodeId) -> &mut Shadow {
        &mut self.shadows[position_of(node)]
    }

    fn ids(&self) -> impl Iterator<Item = NodeId> {
        1..=self.shadows.len() as NodeId
    }

    /// Checks node `node` after a step that produced `outputs` and left it as `after`.
    pub fn on_step(&mut self, node: NodeId, after: NodeSnapshot, outputs: &Outputs) -> Checked {
        let before = self.shadow(node).state;
        assert!(before.running && after.running, "a step is taken by a running node");
        let log_changed = !outputs.writes.iter().all(|request| matches!(request.write, Write::HardState(_)));
        for request in &outputs.writes {
            self.apply_write(node, before.commit_index, &request.write)?;
        }
        for message in &outputs.messages {
            if let Body::VoteResponse { prevote: false, granted: true } = message.body {
                self.grants.entry(message.term).or_default().insert(node, message.to);
            }
        }
        self.check_term_and_vote(node, &before, &after)?;
        self.shadow_mut(node).state = after;
        self.check_leadership(node, &before, &after)?;
        let canonical_grew = self.check_commit(node, &before, &after)?;
        self.check_applied(node, &before, &outputs.applied)?;
        if log_changed || canonical_grew {
            self.check_quorum_log()?;
        }
        if log_changed || after.commit_index != before.commit_index {
            self.check_more_up_to_date(node)?;
        }
        if canonical_grew {
            self.check_leaders_complete()?;
        }
        Ok(())
    }

    /// VoteDurableInv for what node `node` sends while its disk holds `durable`: a granted vote
    /// is on disk before the grant leaves (Figure 2: persistent state is "updated on stable
    /// storage before responding to RPCs"). Otherwise a crash erases the vote and the node can
    /// vote again in the same term.
    pub fn check_votes_sent(&self, node: NodeId, messages: &[Message], durable: HardState) -> Checked {
        for message in messages {
            let Body::VoteResponse { prevote: false, granted: true } = message.body else { continue };
            let on_disk =
                durable.term > message.term || (durable.term == message.term && durable.voted_for == Some(message.to));
            if !on_disk {
                let message = format!(
                    "S{node} sent its vote for S{} in term {} before the vote was on its disk (durable: term {}, vote {:?})",
                    message.to, message.term, durable.term, durable.voted_for
                );
                return Err(self.violation(Invariant::VoteDurableInv, vec![node], vec![durable.term], vec![], message));
            }
        }
        Ok(())
    }

    /// The node crashed: only its disk remains (its durable term, vote and log).
    pub fn on_crash<'a>(&mut self, node: NodeId, durable_entries: impl IntoIterator<Item = &'a Entry>) -> Checked {
        let shadow = self.shadow_mut(node);
        shadow.rebuild(durable_entries);
        shadow.state = NodeSnapshot { running: false, ..NodeSnapshot::default() };
        shadow.effective_seq.clear();
        self.check_quorum_log()?;
        self.check_more_up_to_date(node)
    }

    /// The node restarted from its disk and is now `after`; `term_before_crash` is the durable
    /// term it had when it crashed.
    pub fn on_restart(&mut self, node: NodeId, after: NodeSnapshot, durable_term_at_crash: Term) -> Checked {
        if after.term < durable_term_at_crash {
            let message = format!(
                "S{node} restarted in term {} but had durably reached term {durable_term_at_crash}: its disk lost acknowledged state",
                after.term
            );
            return Err(self.violation(
                Invariant::MonotonicTerm,
                vec![node],
                vec![durable_term_at_crash, after.term],
                vec![],
                message,
            ));
        }
        self.shadow_mut(node).state = after;
        Ok(())
    }

    fn apply_write(&mut self, node: NodeId, commit_before: Index, write: &Write) -> Checked {
        match write {
            Write::HardState(_) => Ok(()),
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
                let shadow = self.shadow_mut(node);
                shadow.prefix.truncate(*from as usize - 1);
                shadow.terms.truncate(*from as usize - 1);
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

    fn append_entry(&mut self, node: NodeId, entry: &Entry) -> Checked {
        let shadow = self.shadow_mut(node);
        assert_eq!(entry.index, shadow.last_index() + 1, "node {node} appended out of order");
        shadow.push(entry);
        let prefix = *shadow.prefix.last().expect("just pushed");
        let first = first_prefix(&mut self.positions, entry.index, entry.term, prefix);
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
    fn check_election_safety(&self, node: NodeId, entry: &Entry) -> Checked {
        let Some(&leader) = self.leaders.get(&entry.term) else { return Ok(()) };
        let shadow = self.shadow(leader);
        let leads_now = shadow.state.running && shadow.state.role == Role::Leader && shadow.state.term == entry.term;
        if leader == node || !leads_now {
            return Ok(());
        }
        let leader_last_of_term = if shadow.last_term() == entry.term { shadow.last_index() } else { 0 };
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
            return Err(self.violation(
                Invariant::MonotonicTerm,
                vec![node],
                vec![before.term, after.term],
                vec![],
                message,
            ));
        }
        if let (true, Some(vote)) = (after.term == before.term, before.voted_for) {
            if after.voted_for != Some(vote) {
                let message = format!(
                    "S{node} voted for S{vote} in term {} and then changed its vote to {:?}",
                    after.term, after.voted_for
                );
                return Err(self.violation(
                    Invariant::MonotonicVote,
                    vec![node, vote],
                    vec![after.term],
                    vec![],
                    message,
                ));
            }
        }
        Ok(())
    }

    /// MoreThanOneLeaderInv (over all time), CommittedIsDurableInv, and LeaderCompletenessInv
    /// for a node that just became leader.
    fn check_leadership(&mut self, node: NodeId, before: &NodeSnapshot, after: &NodeSnapshot) -> Checked {
        if after.role != Role::Leader {
            return Ok(());
        }
        if after.commit_index > after.log_index_durable {
            let message = format!(
                "leader S{node} counts index {} as committed, but its own log is durable only up to {}",
                after.commit_index, after.log_index_durable
            );
            return Err(self.violation(
                Invariant::CommittedIsDurableInv,
                vec![node],
                vec![after.term],
                vec![after.commit_index, after.log_index_durable],
                message,
            ));
        }
        let became_leader = before.role != Role::Leader || before.term != after.term;
        if !became_leader {
            return Ok(());
        }
        self.check_leader_votes(node, after.term)?;
        let first = *self.leaders.entry(after.term).or_insert(node);
        if first != node {
            let message = format!("S{first} and S{node} were both elected leader of term {}", after.term);
            return Err(self.violation(
                Invariant::MoreThanOneLeaderInv,
                vec![first, node],
                vec![after.term],
                vec![],
                message,
            ));
        }
        self.check_leader_complete(node)
    }

    /// LeaderVotesInv: "a candidate wins an election if it receives votes from a majority of the
    /// servers in the full cluster for the same term" (§5.2). Counts the grants sent for `term`
    /// to `leader`, and its own vote.
    fn check_leader_votes(&self, leader: NodeId, term: Term) -> Checked {
        let granted = self.grants.get(&term).map_or(0, |grants| {
            grants.iter().filter(|&(&voter, &candidate)| candidate == leader && voter != leader).count()
        });
        if granted + 1 >= self.quorum {
            return Ok(());
        }
        let message = format!(
            "S{leader} became leader of term {term} with only {} of that term's votes, its own included; a quorum is {}",
            granted + 1,
            self.quorum
        );
        Err(self.violation(Invariant::LeaderVotesInv, vec![leader], vec![term], vec![], message))
    }

    /// How many committed entries, from index 1, were committed in a term before `term`.
    fn committed_before(&self, term: Term) -> Index {
        self.committed_in_term.partition_point(|&committed_term| committed_term < term) as Index
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
        if required == 0 || shadow.holds(required, self.committed_prefix[required as usize - 1]) {
            return Ok(());
        }
        let missing = (1..=required)
            .find(|&index| !shadow.holds(index, self.committed_prefix[index as usize - 1]))
            .unwrap_or(required);
        let message = format!(
            "leader S{leader} of term {term} lacks the entry at index {missing} (of term {}, committed in term {})",
            self.committed_terms[missing as usize - 1],
            self.committed_in_term[missing as usize - 1]
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
            return Err(self.violation(
                Invariant::MonotonicCommit,
                vec![node],
                vec![after.term],
                vec![before.commit_index, after.commit_index],
                message,
            ));
        }
        if after.commit_index == before.commit_index {
            return Ok(false);
        }
        let shadow = self.shadow(node);
        assert!(after.commit_index <= shadow.last_index(), "node {node} commits past its log");
        let leading_throughout = before.role == Role::Leader && after.role == Role::Leader && before.term == after.term;
        let commit_term = shadow.terms[after.commit_index as usize - 1];
        if leading_throughout && commit_term != after.term {
            let message = format!(
                "leader S{node} of term {} advanced its commit index to {}, an entry of term {commit_term}: only entries of the leader's own term are committed by counting replicas (§5.4.2, Figure 8)",
                after.term, after.commit_index
            );
            return Err(self.violation(
                Invariant::LeaderCommitsOwnTermInv,
                vec![node],
                vec![after.term, commit_term],
                vec![after.commit_index],
                message,
            ));
        }
        let known = after.commit_index.min(self.committed_len());
        if known > 0 && !shadow.holds(known, self.committed_prefix[known as usize - 1]) {
            let first_difference = (1..=known)
                .find(|&index| !shadow.holds(index, self.committed_prefix[index as usize - 1]))
                .unwrap_or(known);
            let message = format!(
                "S{node} committed a different entry at index {first_difference} than another node committed there"
            );
            return Err(self.violation(Invariant::LogInv, vec![node], vec![], vec![first_difference], message));
        }
        let grew = after.commit_index > self.committed_len();
        for index in self.committed_len() + 1..=after.commit_index {
            let position = index as usize - 1;
            let (prefix, term) = (self.shadow(node).prefix[position], self.shadow(node).terms[position]);
            self.committed_prefix.push(prefix);
            self.committed_terms.push(term);
            self.committed_in_term.push(after.term);
        }
        Ok(grew)
    }

    /// StateMachineSafety, MonotonicApplied and ExactlyOnceApply for what a step applied.
    fn check_applied(&mut self, node: NodeId, before: &NodeSnapshot, applied: &[Applied]) -> Checked {
        let mut applied_index = before.applied_index;
        for entry in applied {
            if entry.index != applied_index + 1 {
                let message = format!("S{node} applied index {} right after index {applied_index}", entry.index);
                return Err(self.violation(
                    Invariant::MonotonicApplied,
                    vec![node],
                    vec![entry.term],
                    vec![applied_index, entry.index],
                    message,
                ));
            }
            applied_index = entry.index;
            let digest = applied_digest(entry);
            match self.applied.get(entry.index as usize - 1) {
                Some(&first) if first != digest => {
                    let message = format!(
                        "S{node} applied a different command at index {} than another node applied there",
                        entry.index
                    );
                    return Err(self.violation(
                        Invariant::StateMachineSafety,
                        vec![node],
                        vec![entry.term],
                        vec![entry.index],
                        message,
                    ));
                }
                Some(_) => {}
                None => {
                    assert_eq!(entry.index as usize, self.applied.len() + 1, "applies are in order everywhere");
                    self.applied.push(digest);
                }
            }
            self.check_exactly_once(node, entry)?;
        }
        Ok(())
    }

    fn check_exactly_once(&mut self, node: NodeId, entry: &Applied) -> Checked {
        let (Some(command), true) = (&entry.command, entry.effective) else { return Ok(()) };
        let sessions = &mut self.shadow_mut(node).effective_seq;
        let last = sessions.insert(command.client, command.seq);
        if last.is_some_and(|last| last >= command.seq) {
            let message = format!(
                "S{node} executed request {} of client {} at index {} although request {} of that client had already taken effect",
                command.seq, command.client, entry.index, last.unwrap_or(0)
            );
            return Err(self.violation(
                Invariant::ExactlyOnceApply,
                vec![node],
                vec![entry.term],
                vec![entry.index],
                message,
            ));
        }
        Ok(())
    }

    /// QuorumLogInv: the committed log is held by enough nodes that every quorum includes one.
    fn check_quorum_log(&self) -> Checked {
        let committed = self.committed_len();
        if committed == 0 {
            return Ok(());
        }
        let prefix = self.committed_prefix[committed as usize - 1];
        let holders: Vec<NodeId> = self.ids().filter(|&node| self.shadow(node).holds(committed, prefix)).collect();
        let nodes = self.shadows.len();
        if holders.len() + self.quorum > nodes {
            return Ok(());
        }
        let message = format!(
            "entries up to index {committed} are committed, but only {} hold them: a quorum of {} without any of them exists",
            if holders.is_empty() { "none of the nodes".to_string() } else { node_names(&holders) },
            self.quorum
        );
        Err(self.violation(Invariant::QuorumLogInv, holders, vec![], vec![committed], message))
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
        let (log, other) = (self.shadow(candidate), self.shadow(voter));
        let at_least_as_up_to_date = (log.last_term(), log.last_index()) >= (other.last_term(), other.last_index());
        let known = other.state.commit_index.min(self.committed_len());
        if candidate == voter || known == 0 || !at_least_as_up_to_date {
            return Ok(());
        }
        // The binary search last: the cheap tests above settle most pairs.
        let committed = known.min(self.committed_before(log.last_term()));
        if committed == 0 || log.holds(committed, self.committed_prefix[committed as usize - 1]) {
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
