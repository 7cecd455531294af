//! What nodes apply: MonotonicApplied, StateMachineSafety (each applied entry is the committed
//! entry at its index, every node's state machine answers it as the checker's own state
//! machine does, and a snapshot or a restored state machine is the committed log's state at its
//! index; the checker's machine being an independent model, not the node's code) and
//! ExactlyOnceApply, judged from the sequence of applied commands and their answers,
//! not from the node's own account of whether a command took effect.

use crate::fingerprint::Fingerprint;
use crate::raft::{slot, Applied, Index, KvStore, NodeId, OpResult, Snapshot};

use super::super::violation::Invariant;
use super::machine::state_digest;
use super::shadow::chain_parts;
use super::{Checked, NodeSnapshot, SafetyChecker};

/// The fingerprint of what applying an entry returned (`None` for a no-op). The entry itself
/// (index, term, command) needs no place in it: [`SafetyChecker::check_applied_committed`] has
/// already matched it against the committed entry at its index.
fn result_digest(result: Option<&OpResult>) -> u64 {
    let mut hash = Fingerprint::default();
    match result {
        Some(result) => hash.result(&super::machine::normal(result)),
        None => hash.word(0),
    }
    hash.value()
}

/// An answer as a violation names it: `"1.3"`, `nothing`, `done`, `cas true`, `stale`.
fn answer_words(result: &OpResult) -> String {
    match result {
        OpResult::Value(Some(value)) => format!("{:?}", value.as_str()),
        OpResult::Value(None) => "nothing".into(),
        OpResult::Done => "done".into(),
        OpResult::CasResult(written) => format!("cas {written}"),
        OpResult::Stale => "stale".into(),
    }
}

impl SafetyChecker {
    /// The checks for what a step applied, in index order.
    pub(super) fn check_applied(&mut self, node: NodeId, before: &NodeSnapshot, applied: &[Applied]) -> Checked {
        let mut applied_index = before.applied_index;
        for entry in applied {
            if entry.index != applied_index + 1 {
                let message = format!("S{node} applied index {} right after index {applied_index}", entry.index);
                // Off (damage-only mode), the rest of the step's applies are passed over: the
                // checks below assume applies in order.
                return self.fail(
                    Invariant::MonotonicApplied,
                    vec![node],
                    vec![entry.term],
                    vec![applied_index, entry.index],
                    message,
                );
            }
            applied_index = entry.index;
            self.check_applied_committed(node, entry)?;
            // Exactly-once first: a retry run again answers otherwise than the reference too,
            // and ExactlyOnceApply names what went wrong.
            self.check_exactly_once(node, entry)?;
            self.check_applied_alike(node, entry)?;
        }
        Ok(())
    }

    /// StateMachineSafety against the canonical committed log: the entry applied at an index is
    /// the one committed there (the applied entry, chained onto the committed prefix before it,
    /// gives the committed prefix at its index).
    fn check_applied_committed(&self, node: NodeId, applied: &Applied) -> Checked {
        let index = applied.index;
        let committed = match (self.committed.prefix_at(index - 1), self.committed.prefix_at(index)) {
            (Some(previous), Some(prefix)) => {
                chain_parts(previous, index, applied.term, applied.command.as_deref()) == prefix
            }
            _ => false,
        };
        if committed {
            return Ok(());
        }
        let message = if index > self.committed_len() {
            format!("S{node} applied index {index}, which no node has committed")
        } else {
            format!(
                "S{node} applied an entry of term {} at index {index} other than the one committed there",
                applied.term
            )
        };
        Err(self.violation(Invariant::StateMachineSafety, vec![node], vec![applied.term], vec![applied.index], message))
    }

    /// StateMachineSafety across nodes: every node's state machine gives an applied entry the
    /// result the checker's own state machine gives it, which applies each committed entry
    /// once, when a node first applies it. Called after
    /// [`SafetyChecker::check_applied_committed`] passed, so the entry is the committed one and
    /// only the result can differ.
    fn check_applied_alike(&mut self, node: NodeId, applied: &Applied) -> Checked {
        let (index, position) = (applied.index, slot(applied.index));
        if position == self.applied.len() {
            let result = applied.command.as_deref().map(|command| self.reference.apply(command));
            self.applied.push(result_digest(result.as_ref()));
            self.states.push(self.reference.digest());
        }
        let expected = *self.applied.get(position).expect("applies are in order everywhere");
        if result_digest(applied.result.as_ref()) == expected {
            return Ok(());
        }
        let answer = applied.result.as_ref().map_or("nothing (a no-op)".to_string(), answer_words);
        let message = format!(
            "S{node} applied the committed entry at index {index} and answered {answer}, not what the committed log's commands give there: its state machine diverged"
        );
        Err(self.violation(Invariant::StateMachineSafety, vec![node], vec![applied.term], vec![applied.index], message))
    }

    /// The digest of the committed log's state after applying entries `1..=index`, if a node
    /// has applied that far (the state before any entry is the empty store's).
    fn state_at(&self, index: Index) -> Option<u64> {
        match index {
            0 => Some(state_digest(&KvStore::default())),
            _ => self.states.get(slot(index)).copied(),
        }
    }

    /// StateMachineSafety for a snapshot a node writes: its state is the committed log's state
    /// at its index, and its term that of the entry committed there. Judged when it is written,
    /// so a wrong snapshot is named before a restart relies on it.
    pub(super) fn check_snapshot_written(&self, node: NodeId, snapshot: &Snapshot) -> Checked {
        let index = snapshot.last_index;
        let term_committed = if index == 0 { Some(0) } else { self.committed.term_at(index) };
        let problem = match self.state_at(index) {
            None => format!("beyond every index a node has applied ({})", self.applied.len()),
            Some(_) if term_committed != Some(snapshot.last_term) => format!(
                "naming term {} for that entry, which is of term {}",
                snapshot.last_term,
                term_committed.map_or("none (not committed)".to_string(), |term| term.to_string())
            ),
            Some(state) if state != state_digest(&snapshot.store) => {
                "whose state is not the one the committed log gives there".to_string()
            }
            Some(_) => return Ok(()),
        };
        let message = format!("S{node} wrote a snapshot of the state machine at index {index} {problem}");
        Err(self.violation(Invariant::StateMachineSafety, vec![node], vec![snapshot.last_term], vec![index], message))
    }

    /// StateMachineSafety at a restart: the state machine a node starts with, whatever it
    /// restored it from, is the committed log's state at its applied index (the empty store at
    /// 0), judged by the checker's own digest of that state, never by the snapshot's word; and
    /// the commit index restored with it lies within the committed log, which the node's log
    /// holds up to there. The node's sessions for ExactlyOnceApply start from that state.
    pub(super) fn check_restored(&mut self, node: NodeId, after: &NodeSnapshot, store: &KvStore) -> Checked {
        let (index, commit) = (after.applied_index, after.commit_index);
        let problem = match self.state_at(index) {
            None => Some(format!("beyond every index a node has applied ({})", self.applied.len())),
            Some(state) if state != state_digest(store) => {
                Some("that is not the state the committed log gives there: what it restored is wrong".to_string())
            }
            Some(_) => None,
        };
        if let Some(problem) = problem {
            let message = format!("S{node} restarted with its state machine at index {index}, {problem}");
            return Err(self.violation(
                Invariant::StateMachineSafety,
                vec![node],
                vec![after.term],
                vec![index],
                message,
            ));
        }
        let holds =
            commit <= self.committed_len() && self.shadow(node).log.holds(commit, self.committed_prefix(commit));
        if !holds {
            let message = format!(
                "S{node} restarted counting entries up to {commit} as committed, but its log does not hold the committed log up to there"
            );
            return Err(self.violation(Invariant::LogInv, vec![node], vec![after.term], vec![commit], message));
        }
        let sessions = store.sessions().map(|(client, seq, result)| (client, (seq, result.clone())));
        self.shadow_mut(node).sessions = sessions.collect();
        Ok(())
    }

    /// ExactlyOnceApply: each client request takes effect at most once on a node's state
    /// machine (thesis §6.3). Which application takes effect follows from the applied commands
    /// alone: a client's requests are numbered in order, so the first application of a number
    /// above the client's last takes effect; a retry of the last one is answered with the answer
    /// it got, and an older one with `Stale`. Any other answer means the command ran again.
    fn check_exactly_once(&mut self, node: NodeId, applied: &Applied) -> Checked {
        let (Some(command), Some(result)) = (&applied.command, &applied.result) else { return Ok(()) };
        let sessions = &mut self.shadow_mut(node).sessions;
        // The session is updated in place: most requests come from a client seen before.
        let expected = match sessions.get_mut(&command.client) {
            Some((last, answered)) if command.seq == *last => {
                if result == answered {
                    return Ok(());
                }
                answered.clone()
            }
            Some((last, _)) if command.seq < *last => OpResult::Stale,
            Some(session) => {
                *session = (command.seq, result.clone());
                return Ok(());
            }
            None => {
                sessions.insert(command.client, (command.seq, result.clone()));
                return Ok(());
            }
        };
        if *result == expected {
            return Ok(());
        }
        let last = sessions.get(&command.client).map_or(0, |(last, _)| *last);
        let message = format!(
            "S{node} ran request {} of client {} again at index {}: it answered {} where {} was due, as request {last} of that client had already taken effect",
            command.seq,
            command.client,
            applied.index,
            answer_words(result),
            answer_words(&expected)
        );
        Err(self.violation(Invariant::ExactlyOnceApply, vec![node], vec![applied.term], vec![applied.index], message))
    }
}
