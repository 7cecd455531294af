//! What nodes apply: MonotonicApplied, StateMachineSafety (each applied entry is the committed
//! entry at its index, and every node's state machine answers it alike) and ExactlyOnceApply,
//! judged from the sequence of applied commands and their answers, not from the node's own
//! account of whether a command took effect.

use crate::fingerprint::Fingerprint;
use crate::raft::{Applied, NodeId, OpResult};

use super::super::violation::Invariant;
use super::shadow::chain_parts;
use super::{Checked, NodeSnapshot, SafetyChecker};

/// The fingerprint of what applying an entry returned. The entry itself (index, term, command)
/// needs no place in it: [`SafetyChecker::check_applied_committed`] has already matched it
/// against the committed entry at its index, for this node and for the first that applied it.
fn result_digest(applied: &Applied) -> u64 {
    let mut hash = Fingerprint::default();
    match &applied.result {
        Some(result) => hash.result(result),
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
            self.check_applied_alike(node, entry)?;
            self.check_exactly_once(node, entry)?;
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
        Err(self.violation(Invariant::StateMachineSafety, vec![node], vec![applied.term], vec![index], message))
    }

    /// StateMachineSafety across nodes: every node's state machine gives an applied entry the
    /// same result as the first node that applied it. Called after
    /// [`SafetyChecker::check_applied_committed`] passed, so both applied the same entry and
    /// only their results can differ.
    fn check_applied_alike(&mut self, node: NodeId, applied: &Applied) -> Checked {
        let digest = result_digest(applied);
        match self.applied.get(applied.index as usize - 1) {
            Some(&first) if first != digest => {
                let message = format!(
                    "S{node} applied the committed entry at index {} with a different result than another node: their state machines diverged",
                    applied.index
                );
                Err(self.violation(
                    Invariant::StateMachineSafety,
                    vec![node],
                    vec![applied.term],
                    vec![applied.index],
                    message,
                ))
            }
            Some(_) => Ok(()),
            None => {
                assert_eq!(applied.index as usize, self.applied.len() + 1, "applies are in order everywhere");
                self.applied.push(digest);
                Ok(())
            }
        }
    }

    /// ExactlyOnceApply: each client request takes effect at most once on a node's state
    /// machine (thesis §6.3). Which application takes effect follows from the applied commands
    /// alone: a client's requests are numbered in order, so the first application of a number
    /// above the client's last takes effect; a retry of the last one is answered with the answer
    /// it got, and an older one with `Stale`. Any other answer means the command ran again.
    fn check_exactly_once(&mut self, node: NodeId, applied: &Applied) -> Checked {
        let (Some(command), Some(result)) = (&applied.command, &applied.result) else { return Ok(()) };
        let sessions = &mut self.shadow_mut(node).sessions;
        // The session is updated in place: a restarted node applies its whole log again, so this
        // runs for every entry it holds, and an insert would rebuild the map's slot each time.
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
