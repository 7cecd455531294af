//! What nodes apply: MonotonicApplied, StateMachineSafety and ExactlyOnceApply.

use crate::fingerprint::Fingerprint;
use crate::raft::{Applied, NodeId};

use super::super::violation::Invariant;
use super::{Checked, NodeSnapshot, SafetyChecker};

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

impl SafetyChecker {
    /// StateMachineSafety, MonotonicApplied and ExactlyOnceApply for what a step applied.
    pub(super) fn check_applied(&mut self, node: NodeId, before: &NodeSnapshot, applied: &[Applied]) -> Checked {
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
                command.seq,
                command.client,
                entry.index,
                last.unwrap_or(0)
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
}
