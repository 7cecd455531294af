//! What a node says, judged against its disk and against every vote it ever cast. A vote (a
//! grant, or a vote request: a candidate's vote for itself), an acknowledgement of entries and
//! the term a message carries must be on the sender's disk before the message leaves (Figure 2:
//! persistent state is "updated on stable storage before responding to RPCs"); and a node has
//! one vote per term, whatever crashes erase from its memory.

use crate::raft::{AppendOutcome, Body, HardState, Index, Message, NodeId, Term};

use super::super::violation::Invariant;
use super::{Checked, SafetyChecker};

/// Whether a disk holding `disk` has recorded a vote for `candidate` in `term`: the vote itself,
/// or a later term (written after it, in order).
fn vote_on_disk(disk: HardState, term: Term, candidate: NodeId) -> bool {
    disk.term > term || (disk.term == term && disk.voted_for == Some(candidate))
}

/// What a node's disk holds, in words for a violation: `disk: term 2, vote for S1` or
/// `disk: term 0, no vote`.
fn disk_words(disk: HardState) -> String {
    match disk.voted_for {
        Some(candidate) => format!("disk: term {}, vote for S{candidate}", disk.term),
        None => format!("disk: term {}, no vote", disk.term),
    }
}

impl SafetyChecker {
    /// The rules for one message that node `node`, now in term `term_now`, sent.
    pub(super) fn check_message(&mut self, node: NodeId, term_now: Term, message: &Message) -> Checked {
        match message.body {
            Body::VoteResponse { prevote: false, granted: true } => {
                self.check_vote_sent_durable(node, message.to, message.term)?;
                self.cast_vote(node, message.to, message.term)?;
            }
            Body::VoteRequest { prevote: false, .. } => {
                self.check_vote_sent_durable(node, node, message.term)?;
                self.cast_vote(node, node, message.term)?;
            }
            Body::AppendResponse { outcome: AppendOutcome::Accepted { match_index }, .. } => {
                self.check_ack_durable(node, term_now, message.term, match_index)?;
            }
            _ => {}
        }
        self.check_term_durable(node, message)
    }

    /// VoteDurableInv for a vote on the wire: a granted vote, or a candidate's vote for itself
    /// in its vote requests, is on the voter's disk before it leaves. Otherwise a crash erases
    /// the vote and the node can vote again in the same term.
    fn check_vote_sent_durable(&self, voter: NodeId, candidate: NodeId, term: Term) -> Checked {
        let disk = self.shadow(voter).disk_hard_state;
        if vote_on_disk(disk, term, candidate) {
            return Ok(());
        }
        let what = if voter == candidate {
            format!("S{voter} asked for votes in term {term} before its vote for itself was on its disk")
        } else {
            format!("S{voter} sent its vote for S{candidate} in term {term} before the vote was on its disk")
        };
        let message = format!("{what} ({})", disk_words(disk));
        self.fail(Invariant::VoteDurableInv, vec![voter], vec![term, disk.term], vec![], message)
    }

    /// VoteDurableInv for a leader taking office: the vote for itself that it counted is on its
    /// disk, or a crash could let it vote for another in the term it leads.
    pub(super) fn check_own_vote_durable(&self, leader: NodeId, term: Term) -> Checked {
        let disk = self.shadow(leader).disk_hard_state;
        if vote_on_disk(disk, term, leader) {
            return Ok(());
        }
        let message = format!(
            "S{leader} took office as leader of term {term} before its vote for itself was on its disk ({})",
            disk_words(disk)
        );
        self.fail(Invariant::VoteDurableInv, vec![leader], vec![term, disk.term], vec![], message)
    }

    /// VoteOnceInv: "each server will vote for at most one candidate in a given term" (§5.2),
    /// across crashes too. Records the vote.
    fn cast_vote(&mut self, voter: NodeId, candidate: NodeId, term: Term) -> Checked {
        let first = *self.votes.entry_or_default(term).entry(voter).or_insert(candidate);
        if first == candidate {
            return Ok(());
        }
        let earlier = if first == voter { "itself".to_string() } else { format!("S{first}") };
        let now = if candidate == voter { "itself".to_string() } else { format!("S{candidate}") };
        let message = format!(
            "S{voter} voted for {now} in term {term} after voting for {earlier} in that term: one vote per term"
        );
        let mut nodes = vec![voter, first, candidate];
        nodes.sort_unstable();
        nodes.dedup();
        self.fail(Invariant::VoteOnceInv, nodes, vec![term], vec![], message)
    }

    /// AckDurableInv: a follower acknowledges entries only once its disk holds them (Figure 2),
    /// so that the leader counts toward commitment only copies a crash cannot take. The disk
    /// holds index `match_index`, with the same entries as the follower's log while the follower
    /// is still in the acknowledged term (within a term a correct follower never replaces
    /// entries it acknowledged). An acknowledgement of a term older than the disk's is left
    /// alone: sent late (held behind a write, or by a paused node), it promised what the disk
    /// held before the node durably moved on, and a later leader may since have replaced
    /// those entries.
    fn check_ack_durable(&self, node: NodeId, term_now: Term, ack_term: Term, match_index: Index) -> Checked {
        let shadow = self.shadow(node);
        if shadow.disk_hard_state.term > ack_term {
            return Ok(());
        }
        let on_disk = shadow.disk.last_index();
        let in_log = shadow.log.prefix_at(match_index);
        let same_entries = term_now != ack_term || in_log.is_some_and(|prefix| shadow.disk.holds(match_index, prefix));
        if match_index <= on_disk && same_entries {
            return Ok(());
        }
        let acknowledged = format!("S{node} acknowledged entries up to index {match_index} in term {ack_term}");
        let message = if match_index > on_disk {
            format!("{acknowledged} while its disk held entries only up to {on_disk}")
        } else if in_log.is_none() {
            format!("{acknowledged} after removing some of them from its log in that same term")
        } else {
            format!("{acknowledged} while its disk held other entries there than its log")
        };
        self.fail(Invariant::AckDurableInv, vec![node], vec![ack_term], vec![match_index, on_disk], message)
    }

    /// TermDurableInv: the term a message carries is on its sender's disk before the message
    /// leaves. Otherwise a crash makes the node forget a term it has spoken in, and it may act
    /// in that term again as if new to it. PreVote messages are the exception: they ask about a
    /// term the sender has not entered (thesis §9.6).
    fn check_term_durable(&self, node: NodeId, message: &Message) -> Checked {
        if matches!(message.body, Body::VoteRequest { prevote: true, .. } | Body::VoteResponse { prevote: true, .. }) {
            return Ok(());
        }
        let on_disk = self.shadow(node).disk_hard_state.term;
        if message.term <= on_disk {
            return Ok(());
        }
        let text = format!(
            "S{node} sent a message of term {} ({message}) while its disk held only term {on_disk}: a crash would make it forget that term",
            message.term
        );
        self.fail(Invariant::TermDurableInv, vec![node], vec![message.term, on_disk], vec![], text)
    }
}
