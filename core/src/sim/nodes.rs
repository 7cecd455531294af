//! The nodes' side of the world: booting from disk, stepping a node and acting on its outputs
//! (writes, messages, timers, replies), delivery, crashes, pauses and clock steps. Every input
//! to a running node goes through `step_node`, and every output of a node (at boot too) through
//! `absorb`, which runs the safety checks on it before the world acts on it.

use crate::check::safety::NodeSnapshot;
use crate::raft::{slot, Body, Index, Input, Message, Node, NodeId, Outputs, Role, Timer, TimerCommand, Write};

use crate::scenario::Action;

use super::nemesis::{
    APPEND_CUT_PPM, COMMIT_CRASH_PPM, FSYNC_CRASH_PPM, NEW_LEADER_CRASH_PPM, NEW_LEADER_CUT_PPM, ONE_WAY_CUT_PPM,
    RIVAL_CANDIDATE_PPM, STALE_VOTE_PPM, VOTES_HELD_MAX, VOTE_CRASH_PPM,
};
use super::observe::{NodeChange, Report, SentRoute};
use super::{Event, LossCause, Phase, TimerSlot, World};

/// What a node's step did that an aimed fault may strike at.
#[derive(Clone, Copy, Debug)]
struct Moment {
    /// The node has just started a campaign in a new term.
    campaigned: bool,
    /// The node has just won an election.
    elected: bool,
    /// A leader appended a client's command.
    appended: bool,
    /// A leader's commit index moved.
    committed: bool,
    /// The node sent a granted vote.
    voted: bool,
}

impl World {
    /// Starts (or restarts) node `id` from its disk.
    pub(super) fn boot(&mut self, id: NodeId) {
        let server = self.server_mut(id);
        assert!(server.node.is_none(), "node {id} is already running");
        let (node, outputs) =
            Node::restart(server.config.clone(), server.disk.durable().clone()).expect("validated config");
        let snapshot = NodeSnapshot::of(&node);
        let verdict = self.safety.on_restart(id, snapshot, node.store());
        self.disturb_node(id);
        self.server_mut(id).node = Some(node);
        if let Err(violation) = verdict {
            self.violation = Some(*violation);
        }
        assert!(self.server(id).node.is_some(), "node {id} runs once booted");
        self.report(Report::Node { node: id, change: NodeChange::Restarted });
        self.absorb(id, outputs);
    }

    /// Gives a running node one input, or queues it while the node is paused.
    pub(super) fn step_node(&mut self, id: NodeId, input: Input) {
        let server = self.server_mut(id);
        let Some(node) = server.node.as_mut() else { return };
        if server.paused {
            server.backlog.push(input);
            return;
        }
        let was_leader_term = (node.role() == Role::Leader).then(|| node.term());
        let before = (node.role(), node.term());
        let (request, commit_before) = (matches!(input, Input::ClientRequest(_)), node.commit_index());
        let outputs = node.step(input);
        let leads = node.role() == Role::Leader;
        let moment = Moment {
            campaigned: node.role() == Role::Candidate && node.term() > before.1,
            elected: leads && was_leader_term != Some(node.term()),
            appended: request && leads && outputs.writes.iter().any(|w| matches!(w.write, Write::Append(_))),
            committed: leads && node.commit_index() > commit_before,
            voted: outputs
                .messages
                .iter()
                .any(|message| matches!(message.body, Body::VoteResponse { prevote: false, granted: true })),
        };
        let after = (node.role(), node.term());
        assert!(after.1 >= before.1, "a node's term never goes back within a run of it");
        if node.role() == Role::Leader && was_leader_term != Some(node.term()) {
            self.telemetry.leader_changes += 1;
            if self.parameters.nemesis.kinds.crash_new_leader {
                let round_trip_us = 2 * self.parameters.network.latency_us_max;
                self.maybe_crash_within(id, NEW_LEADER_CRASH_PPM, self.now_us + round_trip_us);
            }
        }
        if before != after {
            let change = NodeChange::Role { role_before: before.0, term_before: before.1 };
            self.report(Report::Node { node: id, change });
        }
        if moment.committed {
            self.leader_committed();
        }
        self.aim_at(id, moment);
        self.absorb(id, outputs);
    }

    /// The aimed crashes the swarm switched on, at the moment a step of node `id` made.
    fn aim_at(&mut self, id: NodeId, moment: Moment) {
        let kinds = self.parameters.nemesis.kinds;
        let nemesis = &self.parameters.nemesis;
        let downtime_us = (nemesis.downtime_us_min, nemesis.downtime_us_max);
        // Before a follower can have acknowledged an append, or learnt of a commit.
        let before_answer_us = self.now_us + 2 * self.parameters.network.latency_us_min - 1;
        if kinds.cut_leader && (moment.elected || moment.appended) {
            let chance_ppm = if moment.elected { NEW_LEADER_CUT_PPM } else { APPEND_CUT_PPM };
            let cut_by_us = self.now_us + self.parameters.network.latency_us_max;
            self.aim_cut(id, chance_ppm, cut_by_us, downtime_us);
        }
        if kinds.stale_votes && moment.campaigned {
            let term = self.server(id).node.as_ref().expect("a running candidate").term();
            self.release_vote_answers(id, term);
        }
        if kinds.rival_candidate && moment.campaigned {
            self.aim_rival(id);
        }
        if moment.committed {
            self.aim_at_commit(id, before_answer_us, downtime_us);
        }
        if kinds.crash_after_vote && moment.voted {
            // Before the vote's fsync, and back soon enough to be asked again in the same term.
            let before_sync_us = self.now_us + self.parameters.disk.fsync_us_min.saturating_sub(1);
            let back_us = (1_000, 2 * self.parameters.network.latency_us_max);
            self.aim_crash(id, VOTE_CRASH_PPM, before_sync_us, back_us);
        }
    }

    /// The aimed faults of a leader's commit (`id` committed now).
    fn aim_at_commit(&mut self, id: NodeId, before_answer_us: u64, downtime_us: (u64, u64)) {
        let kinds = self.parameters.nemesis.kinds;
        if kinds.stale_appends || kinds.heartbeat_first {
            let term = self.server(id).node.as_ref().expect("a running leader").term();
            self.release_stale_appends(term);
        }
        if kinds.longer_older_candidate {
            self.aim_longer_older(id);
        }
        if kinds.crash_after_commit {
            match self.contradicting(id) {
                Some(rival) => self.strike_contradicted(id, rival, before_answer_us, downtime_us),
                None => self.aim_crash(id, COMMIT_CRASH_PPM, before_answer_us, downtime_us),
            }
        }
    }

    /// A node whose log contradicts what leader `leader` has just committed and could still win
    /// an election against it: its last entry is of a later term than the committed one, and it
    /// holds another entry (or none) at the commit index. Its log as it runs, or its disk if it
    /// is down. In a correct cluster the leader's own-term commit leaves no such node for long;
    /// this is the moment Figure 8 is about, whatever bug made it.
    fn contradicting(&self, leader: NodeId) -> Option<NodeId> {
        let log = self.server(leader).node.as_ref().expect("a running leader").log();
        let commit = self.server(leader).node.as_ref().expect("a running leader").commit_index();
        let committed_term = log.term_at(commit).expect("a node commits within its log");
        self.servers().iter().find_map(|server| {
            let (last_term, term_at_commit) = match &server.node {
                Some(node) => (node.log().last_term(), node.log().term_at(commit)),
                None => {
                    let entries = &server.disk.durable().entries;
                    let term_at = |index: Index| entries.get(slot(index)).map(|entry| entry.term);
                    (entries.last().map_or(0, |entry| entry.term), term_at(commit))
                }
            };
            let rival = server.id;
            (rival != leader && last_term > committed_term && term_at_commit != Some(committed_term)).then_some(rival)
        })
    }

    /// Figure 8's next step, aimed: the leader that committed what `rival`'s log contradicts
    /// crashes before its followers hear of the commit, and `rival` (restarted if it is down)
    /// campaigns at once, as MIT 6.824's "Figure 8 (unreliable)" test brings stale nodes back.
    fn strike_contradicted(&mut self, leader: NodeId, rival: NodeId, crash_by_us: u64, downtime_us: (u64, u64)) {
        let campaign_us = crash_by_us + 1;
        if self.phase != Phase::Safety || campaign_us >= self.scenario.phases.safety_us {
            return;
        }
        // Cut off at once, so the commit index and the leader's own entries still flying are
        // lost with it, then crashed.
        self.queue.push(self.now_us, Event::Act(Action::Isolate { node: leader }));
        self.aim_crash(leader, crate::sim::rng::MILLION, crash_by_us, downtime_us);
        self.rejoin_at(leader, campaign_us + downtime_us.0);
        self.rejoin_at(rival, campaign_us);
        self.queue.push(campaign_us, Event::Act(Action::Restart { node: rival }));
        self.queue.push(campaign_us, Event::Act(Action::ForceTimeout { node: rival }));
    }

    /// With `rival_candidate`: a running node still in a term before candidate `leader`'s
    /// (drawn among them) times out now and campaigns, most likely in the same term.
    fn aim_rival(&mut self, leader: NodeId) {
        let term = self.server(leader).node.as_ref().expect("a running candidate").term();
        let behind: Vec<NodeId> = self
            .servers()
            .iter()
            .filter(|server| server.id != leader && server.node.as_ref().is_some_and(|node| node.term() < term))
            .map(|server| server.id)
            .collect();
        if self.phase != Phase::Safety || behind.is_empty() || !self.streams.aim.chance(RIVAL_CANDIDATE_PPM) {
            return;
        }
        let rival = self.streams.aim.pick(&behind);
        self.queue.push(self.now_us, Event::Act(Action::ForceTimeout { node: rival }));
    }

    /// With chance `chance_ppm`, cuts node `id` off from every other at a time drawn in
    /// `now..=cut_by_us` (before the heal) and lets it rejoin a downtime later.
    fn aim_cut(&mut self, id: NodeId, chance_ppm: u32, cut_by_us: u64, downtime_us: (u64, u64)) {
        if self.phase != Phase::Safety || self.servers.len() < 2 || !self.streams.aim.chance(chance_ppm) {
            return;
        }
        let cut_us = self.streams.aim.between(self.now_us, cut_by_us);
        let back_us = cut_us + self.streams.aim.between(downtime_us.0, downtime_us.1.max(downtime_us.0));
        if cut_us >= self.scenario.phases.safety_us {
            return;
        }
        if self.streams.aim.chance(ONE_WAY_CUT_PPM) {
            self.cut_one_way(id, cut_us, back_us);
            return;
        }
        self.queue.push(cut_us, Event::Act(Action::Isolate { node: id }));
        self.rejoin_at(id, back_us);
    }

    /// Cuts the links into leader `id` from `cut_us`: it still reaches the others but hears none
    /// of them, until `back_us` or twice LeaderAvailability's bound later, whichever is later,
    /// so that a quorum of the others is left alone for longer than the bound.
    fn cut_one_way(&mut self, id: NodeId, cut_us: u64, back_us: u64) {
        let others: Vec<NodeId> = self.servers.ids().filter(|&other| other != id).collect();
        let bound_us = self.availability_bound_us().unwrap_or(0);
        let heal_us = back_us.max(cut_us.saturating_add(bound_us.saturating_mul(2)));
        let cut = Action::OneWay { from: others.clone(), to: vec![id] };
        self.queue.push(cut_us, Event::Act(cut));
        self.queue.push(heal_us, Event::Act(Action::HealOneWay { from: others, to: vec![id] }));
    }

    /// Heals every link of node `id` at `at_us` (a partition drawn since may lose a link).
    pub(super) fn rejoin_at(&mut self, id: NodeId, at_us: u64) {
        for other in self.servers.ids() {
            if other != id {
                self.queue.push(at_us, Event::Act(Action::HealLink { a: id, b: other }));
            }
        }
    }

    /// With `stale_votes`, whether an answer to a vote is held back (see `votes_held`).
    fn hold_vote_answer(&mut self, id: u64, message: &Message) -> bool {
        let is_vote_answer = matches!(message.body, Body::VoteResponse { prevote: false, .. });
        if !self.parameters.nemesis.kinds.stale_votes || !is_vote_answer || self.phase != Phase::Safety {
            return false;
        }
        if !self.streams.aim.chance(STALE_VOTE_PPM) {
            return false;
        }
        if self.votes_held.len() == VOTES_HELD_MAX {
            self.votes_held.remove(0);
        }
        self.votes_held.push((id, message.clone()));
        self.disturb_link(message.from, message.to);
        true
    }

    /// With `stale_votes`, node `id` has started a campaign in `term`: the answers held back
    /// for it from earlier terms go out now, into this campaign.
    fn release_vote_answers(&mut self, id: NodeId, term: crate::raft::Term) {
        let due = |(_, message): &(u64, Message)| message.to == id && message.term < term;
        let released: Vec<(u64, Message)> = self.votes_held.iter().filter(|held| due(held)).cloned().collect();
        self.votes_held.retain(|held| !due(held));
        for (number, message) in released {
            self.disturb_link(message.from, message.to);
            self.deliver_later(number, message);
        }
    }

    /// Checks a step's outputs, then acts on them: writes, messages, timers, replies.
    pub(super) fn absorb(&mut self, id: NodeId, outputs: Outputs) {
        let node = self.servers.get(id).and_then(|server| server.node.as_ref()).expect("a running node produced these");
        let snapshot = NodeSnapshot::of(node);
        if self.violation.is_none() {
            if let Err(violation) = self.safety.on_step(id, snapshot, &outputs) {
                self.violation = Some(*violation);
            }
        }
        if node.role() == Role::Leader {
            let (step, commit) = ((id, node.term()), node.commit_index());
            self.commit_watch.take_appends(step, &outputs.writes, self.now_us);
            while let Some(latency_us) = self.commit_watch.next_committed(commit, self.now_us) {
                self.telemetry.commit_latency_us.record(latency_us);
                self.report(Report::Committed { latency_us });
            }
        }
        let Outputs { mut writes, mut messages, mut timers, mut applied, mut replies } = outputs;
        assert!(
            messages.iter().all(|message| message.from == id && message.to != id),
            "a node sends only its own messages to others"
        );
        self.issue_writes(id, &mut writes);
        for message in messages.drain(..) {
            self.send(message);
        }
        for command in timers.drain(..) {
            self.command_timer(id, command);
        }
        for reply in replies.drain(..) {
            let delay = self.network.latency_us(&mut self.streams.network);
            let client = u32::try_from(reply.client - 1).expect("client ids come from client indexes");
            self.queue.push(self.now_us + delay, Event::Reply { client, reply });
        }
        applied.clear();
        // The emptied lists go back to the node, which fills them at its next step without
        // allocating again (the writes moved to the disk's queue).
        if let Some(node) = self.server_mut(id).node.as_mut() {
            node.reuse_outputs(Outputs { writes, messages, timers, applied, replies });
        }
    }

    /// Hands `writes` to the node's disk (emptying the list) and queues the fsync's completion.
    pub(super) fn issue_writes(&mut self, id: NodeId, writes: &mut Vec<crate::raft::WriteRequest>) {
        if writes.is_empty() {
            return;
        }
        // Like the network, the disks calm down once faults are healed: a drawn slow disk would
        // otherwise keep a correct cluster from meeting the liveness bounds.
        let disk = if self.phase == Phase::Liveness { &self.scenario.disk } else { &self.parameters.disk };
        let fsync_us = self.streams.disks.between(disk.fsync_us_min, disk.fsync_us_max);
        let server = self.servers.get_mut(id).expect("a server writes");
        if writes.iter().any(|request| matches!(request.write, Write::Truncate { .. })) {
            server.log_rewrites += 1;
        }
        if let Some((done_us, write_id)) = server.disk.issue(writes, self.now_us, fsync_us) {
            assert!(done_us >= self.now_us, "an fsync completes now or later");
            let incarnation = server.incarnation;
            self.queue.push(done_us, Event::Synced { node: id, incarnation, write_id });
            if self.parameters.nemesis.kinds.crash_during_fsync {
                self.maybe_crash_within(id, FSYNC_CRASH_PPM, done_us - 1);
            }
        }
    }

    pub(super) fn send(&mut self, message: Message) {
        assert!(message.from != message.to, "a node never sends to itself");
        // Found now, so a receiver that is no server of the world fails here, whatever its fate.
        let incarnation = self.server(message.to).incarnation;
        let kind = message.body.kind();
        self.telemetry.messages_of(kind).sent += 1;
        let id = self.messages_sent;
        self.messages_sent += 1;
        let route = self.network.route(&mut self.streams.network, &message, id);
        if route.held || self.hold_vote_answer(id, &message) || self.hold_append(id, &message) {
            self.report(Report::Sent { id, message: &message, route: SentRoute::Held });
            return;
        }
        if route.delays_us().is_empty() {
            self.telemetry.messages_of(kind).dropped += 1;
            self.report(Report::Sent { id, message: &message, route: SentRoute::Dropped });
            return;
        }
        if route.delays_us().len() > 1 {
            self.telemetry.messages_of(kind).duplicated += 1;
        }
        assert!(route.delays_us().len() <= 2, "the network makes at most one extra copy");
        let (last_delay, other_delays) = route.delays_us().split_last().expect("checked non-empty");
        let sent_us = self.now_us;
        let arrive_us = self.now_us + last_delay;
        let copy_arrive_us = other_delays.first().map(|delay| self.now_us + delay);
        self.report(Report::Sent { id, message: &message, route: SentRoute::Flying { arrive_us, copy_arrive_us } });
        for delay in other_delays {
            let copy = message.clone();
            let duplicate = Event::Deliver { message: copy, incarnation, sent_us, duplicate: true, id };
            self.queue.push(self.now_us + delay, duplicate);
        }
        let original = Event::Deliver { message, incarnation, sent_us, duplicate: false, id };
        self.queue.push(arrive_us, original);
    }

    /// Schedules message number `id`, released from a hold, with an ordinary latency.
    pub(super) fn deliver_later(&mut self, id: u64, message: Message) {
        assert!(message.from != message.to, "a held message went between two nodes");
        let delay = self.network.latency_us(&mut self.streams.network);
        let incarnation = self.server(message.to).incarnation;
        let sent_us = self.now_us;
        let arrive_us = self.now_us + delay;
        self.report(Report::Released { id, arrive_us });
        self.queue.push(arrive_us, Event::Deliver { message, incarnation, sent_us, duplicate: false, id });
    }

    /// Message number `id` (its `duplicate` copy, or the original) arrives.
    pub(super) fn on_deliver(
        &mut self,
        message: Message,
        incarnation: u32,
        sent_us: u64,
        (id, duplicate): (u64, bool),
    ) {
        assert!(sent_us <= self.now_us, "a message arrives after it was sent");
        let kind = message.body.kind();
        let server = self.server(message.to);
        let down = server.node.is_none() || server.incarnation != incarnation;
        let cut = self.network.is_cut(message.from, message.to);
        let lost = (down || cut).then_some(if down { LossCause::Down } else { LossCause::Cut });
        self.report(Report::Arrived { id, message: &message, sent_us, copy: duplicate, lost });
        if lost.is_some() {
            self.telemetry.messages_of(kind).dropped += 1;
            return;
        }
        self.telemetry.messages_of(kind).delivered += 1;
        let (from, to) = (message.from, message.to);
        let heartbeat = matches!(message.body, Body::Heartbeat { .. });
        self.step_node(to, Input::Message(message));
        if heartbeat && !self.appends_held.is_empty() {
            self.release_after_heartbeat(from, to);
        }
    }

    pub(super) fn command_timer(&mut self, id: NodeId, command: TimerCommand) {
        let now_us = self.now_us;
        let server = self.server_mut(id);
        match command {
            TimerCommand::Arm { timer, after_us_min, after_us_max } => {
                let delay_us = server.rng.between(after_us_min, after_us_max);
                let deadline_local_us = server.clock.local_us(now_us) + i128::from(delay_us);
                server.timers[timer.slot()].deadline_local_us = Some(deadline_local_us);
                self.wake_timer_by_deadline(id, timer);
            }
            TimerCommand::Cancel(timer) => server.timers[timer.slot()].deadline_local_us = None,
        }
    }

    /// Queues a wake-up at the armed deadline of `id`'s `timer`, unless one at or before it is
    /// queued already (that one will find the deadline later and queue the next).
    fn wake_timer_by_deadline(&mut self, id: NodeId, timer: Timer) {
        let now_us = self.now_us;
        let server = self.server_mut(id);
        let slot = &mut server.timers[timer.slot()];
        let Some(deadline_local_us) = slot.deadline_local_us else { return };
        let fire_us = server.clock.true_us_at(deadline_local_us, now_us);
        assert!(fire_us >= now_us, "a timer armed now fires now or later");
        if slot.wake_us.is_some_and(|wake_us| wake_us <= fire_us) {
            return;
        }
        slot.wake_us = Some(fire_us);
        let generation = slot.generation;
        self.queue.push(fire_us, Event::Timer { node: id, timer, generation });
    }

    /// A wake-up of `id`'s `timer`: fires the timer if its deadline has come, else queues the
    /// wake-up for the later deadline it was re-armed to.
    pub(super) fn on_timer(&mut self, id: NodeId, timer: Timer, generation: u64) {
        let now_us = self.now_us;
        let server = self.server_mut(id);
        if server.timers[timer.slot()].generation != generation {
            return;
        }
        let fires = server.timer_fires(timer, generation, now_us);
        let slot = &mut server.timers[timer.slot()];
        if slot.wake_us.is_some_and(|wake_us| wake_us <= now_us) {
            slot.wake_us = None;
        }
        if !fires {
            self.wake_timer_by_deadline(id, timer);
            return;
        }
        slot.deadline_local_us = None;
        self.step_node(id, Input::TimerFired(timer));
    }

    pub(super) fn on_synced(&mut self, id: NodeId, incarnation: u32, write_id: u64) {
        let server = self.servers.get_mut(id).expect("a server of the world");
        if server.incarnation != incarnation {
            return;
        }
        assert!(server.node.is_some(), "an fsync of the current incarnation completes while it runs");
        server.disk.synced(write_id, &mut self.synced);
        // The checker learns what is durable from the disk, before the node hears of it.
        if self.violation.is_none() {
            if let Err(violation) = self.safety.on_durable(id, &self.synced) {
                self.violation = Some(*violation);
            }
        }
        self.synced.clear();
        self.step_node(id, Input::Persisted(write_id));
    }

    pub(super) fn crash(&mut self, id: NodeId) {
        let torn_tail_ppm = self.parameters.disk.torn_tail_ppm;
        if self.server(id).node.is_none() {
            return;
        }
        self.disturb_node(id);
        let server = self.servers.get_mut(id).expect("a server of the world");
        server.node = None;
        let loss = server.disk.crash(&mut self.streams.disks, torn_tail_ppm);
        server.incarnation += 1;
        server.paused = false;
        server.backlog.clear();
        for slot in &mut server.timers {
            *slot = TimerSlot { generation: slot.generation + 1, deadline_local_us: None, wake_us: None };
        }
        assert!(server.timers.iter().all(|timer| timer.deadline_local_us.is_none()), "a crashed node has no timers");
        if self.violation.is_none() {
            if let Err(violation) = self.safety.on_crash(id, server.disk.durable(), loss.changed_from) {
                self.violation = Some(*violation);
            }
        }
        self.report(Report::Node { node: id, change: NodeChange::Crashed });
    }

    pub(super) fn resume(&mut self, id: NodeId) {
        let server = self.server_mut(id);
        if !server.paused {
            return;
        }
        server.paused = false;
        assert!(server.node.is_some(), "only a running node is paused");
        let backlog = std::mem::take(&mut server.backlog);
        self.disturb_node(id);
        self.report(Report::Node { node: id, change: NodeChange::Resumed });
        for input in backlog {
            if self.violation.is_some() {
                return;
            }
            self.step_node(id, input);
        }
    }

    /// Steps a node's clock; its pending timers now fire at other true times, so their queued
    /// wake-ups are forgotten and queued again.
    pub(super) fn jump_clock(&mut self, id: NodeId, by_us: i64) {
        self.disturb_node(id);
        let server = self.servers.get_mut(id).expect("a server of the world");
        server.clock.offset_us += by_us;
        for slot in &mut server.timers {
            *slot = TimerSlot { generation: slot.generation + 1, wake_us: None, ..*slot };
        }
        for timer in Timer::ALL {
            self.wake_timer_by_deadline(id, timer);
        }
    }
}
