//! The aimed faults that hold a leader's AppendEntries back, and the one that makes a longer log
//! of an older last term campaign. Each reads the nodes through the world (the protocol stays
//! pure) and draws from the aimed faults' stream, so runs without them draw as before.
//!
//! - `stale_appends`: an AppendEntries carrying entries is held until a leader of a later term
//!   has committed, then delivered: a deposed leader's appends reach followers that have moved
//!   on, which must refuse them (§5.1) rather than replace entries of their own term.
//! - `heartbeat_first`: an AppendEntries to a follower whose log conflicts with the leader's at
//!   or below the leader's commit index waits until a heartbeat from that leader has reached
//!   the follower: the heartbeat's commit index must not make it commit its own conflicting
//!   entries (etcd caps it at the follower's match index for this reason).
//! - `longer_older_candidate`: when a leader commits while a node's log runs past the commit but
//!   ends in an older term, the leader is cut off and that node campaigns; only the up-to-date
//!   check's comparing last terms before lengths (§5.4.1) keeps it from winning.

use crate::raft::{Body, Index, Message, NodeId, Term};
use crate::scenario::Action;

use super::nemesis::{APPENDS_HELD_MAX, HEARTBEAT_FIRST_PPM, LONGER_OLDER_PPM, STALE_APPEND_PPM};
use super::{Event, Phase, World};

/// What a held AppendEntries waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Until {
    /// A leader of a later term has committed (`stale_appends`).
    LaterCommit,
    /// A heartbeat of its sender has reached its receiver (`heartbeat_first`).
    Heartbeat,
}

/// An AppendEntries held back: its message number, the message, and what it waits for.
pub(super) type HeldAppend = (u64, Message, Until);

impl World {
    /// Whether message number `id`, about to be sent, is an AppendEntries one of the aimed
    /// faults holds back (it is then kept in `appends_held`).
    pub(super) fn hold_append(&mut self, id: u64, message: &Message) -> bool {
        let Body::AppendRequest { entries, .. } = &message.body else { return false };
        let kinds = self.parameters.nemesis.kinds;
        if self.phase != Phase::Safety || !(kinds.stale_appends || kinds.heartbeat_first) {
            return false;
        }
        let until = if kinds.heartbeat_first
            && self.conflicts_below_commit(message.from, message.to)
            && self.streams.aim.chance(HEARTBEAT_FIRST_PPM)
        {
            Until::Heartbeat
        } else if kinds.stale_appends && !entries.is_empty() && self.streams.aim.chance(STALE_APPEND_PPM) {
            Until::LaterCommit
        } else {
            return false;
        };
        if self.appends_held.len() == APPENDS_HELD_MAX {
            self.appends_held.remove(0);
        }
        self.appends_held.push((id, message.clone(), until));
        self.disturb_link(message.from, message.to);
        true
    }

    /// Whether `follower`'s log holds, at or below `leader`'s commit index, an entry other than
    /// the leader's: a log a heartbeat's uncapped commit index would wrongly commit.
    fn conflicts_below_commit(&self, leader: NodeId, follower: NodeId) -> bool {
        let (Some(leader), Some(follower)) = (&self.server(leader).node, &self.server(follower).node) else {
            return false;
        };
        let at: Index = leader.commit_index().min(follower.log().last_index());
        at > 0 && follower.log().term_at(at) != leader.log().term_at(at)
    }

    /// A leader of `term` has committed: the appends held for a later commit that were sent
    /// in earlier terms go out now, and so do those still waiting for a heartbeat of a leader
    /// since deposed.
    pub(super) fn release_stale_appends(&mut self, term: Term) {
        self.release_appends(|message, _| message.term < term);
    }

    /// A heartbeat from `from` reached `to`: the appends between them held for it go out.
    pub(super) fn release_after_heartbeat(&mut self, from: NodeId, to: NodeId) {
        self.release_appends(|message, until| until == Until::Heartbeat && message.from == from && message.to == to);
    }

    /// The heal: every held append goes out, as the network's held links do.
    pub(super) fn release_every_append(&mut self) {
        self.release_appends(|_, _| true);
    }

    fn release_appends(&mut self, due: impl Fn(&Message, Until) -> bool) {
        if self.appends_held.is_empty() {
            return;
        }
        let (released, kept): (Vec<HeldAppend>, Vec<HeldAppend>) =
            std::mem::take(&mut self.appends_held).into_iter().partition(|(_, message, until)| due(message, *until));
        self.appends_held = kept;
        for (id, message, _) in released {
            self.disturb_link(message.from, message.to);
            self.deliver_later(id, message);
        }
    }

    /// A running node other than `leader` whose log runs past `leader`'s commit index but ends
    /// in a term older than the committed entry's: longer than the logs that hold the commit,
    /// yet less up-to-date (§5.4.1). The lowest such id.
    fn longer_but_older(&self, leader: NodeId) -> Option<NodeId> {
        let node = self.server(leader).node.as_ref().expect("a running leader");
        let commit = node.commit_index();
        let committed_term = node.log().term_at(commit).expect("a node commits within its log");
        self.servers().iter().find_map(|server| {
            let log = server.node.as_ref()?.log();
            let longer_older = log.last_index() > commit && log.last_term() < committed_term;
            (server.id != leader && longer_older).then_some(server.id)
        })
    }

    /// With `longer_older_candidate`, leader `leader` has just committed: if a longer log of an
    /// older last term exists, cuts the leader off for a downtime and makes that node campaign
    /// once the followers' leases (at most a minimum election timeout) have run out.
    pub(super) fn aim_longer_older(&mut self, leader: NodeId) {
        let Some(candidate) = self.longer_but_older(leader) else { return };
        let campaign_us = self.now_us + self.parameters.protocol.election_timeout_us_min;
        let in_safety = self.phase == Phase::Safety && campaign_us < self.scenario.phases.safety_us;
        if !in_safety || !self.streams.aim.chance(LONGER_OLDER_PPM) {
            return;
        }
        let nemesis = &self.parameters.nemesis;
        let downtime_us = self.streams.aim.between(nemesis.downtime_us_min, nemesis.downtime_us_max);
        self.queue.push(self.now_us, Event::Act(Action::Isolate { node: leader }));
        self.rejoin_at(leader, self.now_us + downtime_us.max(campaign_us - self.now_us));
        self.queue.push(campaign_us, Event::Act(Action::ForceTimeout { node: candidate }));
    }
}
