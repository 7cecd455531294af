//! Leader election (§5.2), the election restriction (§5.4.1), PreVote (thesis §9.6) and the
//! leader lease that CheckQuorum makes safe (thesis §4.2.3, §6.2).

use super::super::config::quorum;
use super::super::message::{Body, Message};
use super::super::types::{HardState, NodeId, Role, Term};
use super::Node;

impl Node {
    /// Whether this node is in contact with a live leader of its term and CheckQuorum is on: then
    /// it ignores vote requests from higher terms (thesis §4.2.3). A leader is in contact with
    /// itself (CheckQuorum deposes it when it loses its quorum); a follower only within the
    /// *minimum* election timeout of hearing from its leader, as etcd's `inLease` has it. Its
    /// election timer, drawn up to the maximum, can run several times longer: holding the lease
    /// until then kept a restarted, up-to-date candidate out for over a second.
    pub(super) fn in_leader_lease(&self) -> bool {
        self.config.protocol.check_quorum && self.hears_from_a_leader()
    }

    /// Whether this node heard from a leader of its term within the *minimum* election timeout
    /// (the lease timer runs), or is that leader: then a leader is alive as far as it knows, and
    /// it refuses pre-votes (thesis §9.6, whatever CheckQuorum says) and, with CheckQuorum,
    /// ignores vote requests of higher terms (thesis §4.2.3).
    pub(super) fn hears_from_a_leader(&self) -> bool {
        match self.role {
            Role::Leader => true,
            Role::Follower => self.leader.is_some() && self.lease_running,
            Role::PreCandidate | Role::Candidate => false,
        }
    }

    /// The election timer fired (§5.2): start a campaign, with a PreVote round first if enabled.
    pub(super) fn campaign(&mut self) {
        assert_ne!(self.role, Role::Leader);
        if self.config.protocol.prevote {
            self.become_pre_candidate();
        } else {
            self.become_candidate();
        }
        self.request_votes();
        self.poll_election();
    }

    fn request_votes(&mut self) {
        assert!(matches!(self.role, Role::PreCandidate | Role::Candidate), "only a campaign asks for votes");
        let prevote = self.role == Role::PreCandidate;
        let body =
            Body::VoteRequest { prevote, last_log_index: self.log.last_index(), last_log_term: self.log.last_term() };
        let peers: Vec<NodeId> = self.config.peers().collect();
        for peer in peers {
            if prevote {
                // A pre-vote asks about the term the node would campaign in.
                let term = self.hard_state.term + 1;
                let message = Message { from: self.config.id, to: peer, term, body: body.clone() };
                self.send_message(message);
            } else {
                self.send(peer, body.clone());
            }
        }
    }

    /// RequestVote receiver (Figure 2): grant if we have not voted for another in this term and
    /// the candidate's log is at least as up-to-date as ours (§5.4.1). A PreVote for a future term
    /// changes nothing here and is granted on the log check, unless this node has heard from a
    /// leader within the minimum election timeout (thesis §9.6: voters grant a pre-vote only if
    /// "they have not received heartbeats from a valid leader for at least a baseline election
    /// timeout"), whatever CheckQuorum says: a node that merely lost touch with a healthy leader
    /// then cannot win a pre-vote round and raise everyone's term.
    ///
    /// Where etcd-raft differs: it rejects (ignores) a pre-vote within the lease only when
    /// `checkQuorum` is on (`inLease := r.checkQuorum && r.lead != None && r.electionElapsed <
    /// r.electionTimeout` in `raft.go`'s `Step`); with CheckQuorum off it grants a pre-vote to
    /// any up-to-date candidate even while it hears from a leader.
    pub(super) fn on_vote_request(&mut self, message: Message) {
        let Body::VoteRequest { prevote, last_log_index, last_log_term } = message.body else {
            unreachable!("called for vote requests only")
        };
        // Vote requests of older terms were answered in `step_message`, and a real vote request
        // of a newer term made this node a follower in that term first.
        assert!(message.term >= self.hard_state.term);
        assert!(prevote || message.term == self.hard_state.term);
        let candidate = message.from;
        let can_vote = self.hard_state.voted_for == Some(candidate)
            // We have not voted and know no leader in this term...
            || (self.hard_state.voted_for.is_none() && self.leader.is_none())
            // ...or this is a PreVote for a term ahead of ours, and no leader is alive to us.
            || (prevote && message.term > self.hard_state.term && !self.hears_from_a_leader());
        let granted = can_vote && self.log.is_up_to_date(last_log_index, last_log_term);
        if granted && !prevote {
            self.persist_hard_state(HardState { voted_for: Some(candidate), ..self.hard_state });
            // Granting a vote resets the election timer (Figure 2, "Followers").
            self.arm_election_timer();
        }
        // A grant carries the term asked about; a refusal carries ours, so that a candidate
        // behind us learns our term.
        let term = if granted { message.term } else { self.hard_state.term };
        let body = Body::VoteResponse { prevote, granted };
        let response = Message { from: self.config.id, to: candidate, term, body };
        if granted && !prevote && self.config.protocol.bugs.vote_before_durable {
            // Bug switch: the vote leaves before it is on disk; a crash can erase it.
            self.out.messages.push(response);
            return;
        }
        self.send_message(response);
    }

    /// Counts a vote for the current campaign. Answers to another campaign (a PreVote answer
    /// once a candidate, or one for another term) are ignored: counting a stale vote in a later
    /// campaign is a known bug (the liferaft case in the bug catalogue).
    pub(super) fn on_vote_response(&mut self, from: NodeId, term: Term, prevote: bool, granted: bool) {
        assert!(matches!(self.role, Role::PreCandidate | Role::Candidate), "only a campaign counts votes");
        let campaign_is_prevote = self.role == Role::PreCandidate;
        let campaign_term = if campaign_is_prevote { self.hard_state.term + 1 } else { self.hard_state.term };
        // A PreVote refusal carries the voter's term, which is ours (a higher one made us a
        // follower before we got here), not the term we asked about.
        let answers_this_campaign =
            term == campaign_term || (campaign_is_prevote && !granted && term == self.hard_state.term);
        if prevote != campaign_is_prevote || !answers_this_campaign {
            return;
        }
        self.votes.entry(from).or_insert(granted);
        self.poll_election();
    }

    /// Tallies the campaign: a quorum of grants wins it, a quorum of refusals loses it. A
    /// candidate's own vote counts only once it is durable: a node that crashed before writing
    /// it could vote again in the same term.
    pub(super) fn poll_election(&mut self) {
        if !matches!(self.role, Role::PreCandidate | Role::Candidate) {
            return;
        }
        // Bug switch (raft.cr): after a restart the node believes its old vote stands and never
        // counts its own vote again; alone, it can never win.
        let forgets_own_vote = self.config.protocol.bugs.lone_voter_no_reelect && self.restarted;
        let own_vote_durable = (self.role == Role::PreCandidate || self.vote_durable()) && !forgets_own_vote;
        let granted = self
            .votes
            .iter()
            .filter(|&(&voter, &grant)| grant && (voter != self.config.id || own_vote_durable))
            .count();
        let refused = self.votes.values().filter(|&&grant| !grant).count();
        assert_eq!(self.votes.get(&self.config.id), Some(&true), "a campaign starts with the node's own vote");
        let quorum = quorum(self.config.voters.len());
        if granted >= quorum {
            match self.role {
                Role::PreCandidate => {
                    self.become_candidate();
                    self.request_votes();
                    self.poll_election();
                }
                Role::Candidate => self.become_leader(),
                _ => unreachable!(),
            }
        } else if refused >= quorum {
            self.become_follower(self.hard_state.term, None);
        }
    }
}
