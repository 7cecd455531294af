//! Faults and user actions: applying an [`Action`], the nemesis's ticks and the targeted faults
//! (crash a new leader, crash during an fsync).

use crate::raft::{Input, Node, NodeId, Timer};
use crate::scenario::Action;

use super::client::Client;
use super::nemesis::{choose_fault, Targets};
use super::observe::{NodeChange, Report};
use super::{Event, Phase, World};

impl World {
    /// Applies a fault or user action now. Actions name nodes of the cluster (the scenario's
    /// validation and the page's checks see to it).
    pub(super) fn act(&mut self, action: Action) {
        let nodes = self.server_ids();
        // Reported after it is applied (with the links it leaves cut), so kept when watched.
        let observed = self.observer_wants_details().then(|| action.clone());
        match action {
            Action::Crash { node } => self.crash(node),
            Action::CrashLeader { downtime_us } => {
                if let Some(leader) = self.current_leader().map(Node::id) {
                    self.crash(leader);
                    self.queue.push(self.now_us + downtime_us, Event::Act(Action::Restart { node: leader }));
                }
            }
            Action::Restart { node } => {
                if self.server(node).node.is_none() {
                    self.boot(node);
                }
                assert!(self.server(node).node.is_some(), "a restarted node runs");
            }
            Action::Upgrade { node, prevote } => {
                let server = self.server_mut(node);
                server.config.protocol.prevote = prevote;
                if server.node.is_some() {
                    self.crash(node);
                    self.boot(node);
                }
            }
            Action::Pause { node } => {
                self.disturb_node(node);
                let server = self.server_mut(node);
                server.paused = server.node.is_some();
                assert!(server.paused || server.backlog.is_empty(), "only a paused node has inputs waiting");
                if server.paused {
                    self.report(Report::Node { node, change: NodeChange::Paused });
                }
            }
            Action::Resume { node } => self.resume(node),
            Action::ClockJump { node, by_us } => self.jump_clock(node, by_us),
            Action::ForceTimeout { node } => {
                self.disturb_node(node);
                self.step_node(node, Input::TimerFired(Timer::Election));
            }
            Action::ClientRequest { node, op } => {
                let index = u32::try_from(self.clients.len()).expect("client indexes are u32");
                self.clients.push(Client::new(index, node, true));
                self.start_op(index, op);
            }
            network_action => {
                let links_before = self.network.link_faults();
                let released = self.network.apply(&network_action, &nodes);
                self.disturb_changed_links(&links_before);
                for (id, message) in released {
                    self.deliver_later(id, message);
                }
            }
        }
        if let Some(action) = observed {
            self.report(Report::Action(&action));
        }
    }

    /// The targeted faults (FoundationDB's "buggify"): during the safety phase, with chance
    /// `chance_ppm`, crash node `id` at a random time from now to `last_us` and restart it after
    /// a downtime. The crash is judged again when it comes (see [`World::on_targeted_crash`]).
    pub(super) fn maybe_crash_within(&mut self, id: NodeId, chance_ppm: u32, last_us: u64) {
        if self.phase != Phase::Safety || !self.streams.nemesis.chance(chance_ppm) {
            return;
        }
        let crash_us = self.streams.nemesis.between(self.now_us, last_us.max(self.now_us));
        assert!(crash_us >= self.now_us, "a targeted crash is in the future");
        let downtime_us = self
            .streams
            .nemesis
            .between(self.parameters.nemesis.downtime_us_min, self.parameters.nemesis.downtime_us_max);
        self.queue.push(crash_us, Event::TargetedCrash { node: id, downtime_us });
    }

    /// With chance `chance_ppm`, crashes node `id` at a time drawn in `now..=last_us` and
    /// restarts it `downtime_us` later: a fault aimed at a protocol moment, drawn from its own
    /// stream ([`super::rng::Stream::Aim`]) so that runs without such kinds draw as before.
    pub(super) fn aim_crash(&mut self, id: NodeId, chance_ppm: u32, last_us: u64, downtime_us: (u64, u64)) {
        if self.phase != Phase::Safety || !self.streams.aim.chance(chance_ppm) {
            return;
        }
        let crash_us = self.streams.aim.between(self.now_us, last_us.max(self.now_us));
        let downtime_us = self.streams.aim.between(downtime_us.0, downtime_us.1.max(downtime_us.0));
        self.queue.push(crash_us, Event::TargetedCrash { node: id, downtime_us });
    }

    /// Whether a targeted crash of `id` due now strikes: before the heal, and only a node that
    /// runs (another fault may have got there first).
    pub(super) fn targeted_crash_strikes(&self, id: NodeId) -> bool {
        self.phase == Phase::Safety && self.server(id).node.is_some()
    }

    /// A targeted crash comes due. It strikes only in the safety phase: one aimed just before
    /// the heal must not land after it, when every fault is promised undone (seed 5009660 had
    /// a crash 4.7 ms after the heal).
    pub(super) fn on_targeted_crash(&mut self, id: NodeId, downtime_us: u64) {
        if !self.targeted_crash_strikes(id) {
            return;
        }
        self.telemetry.faults_injected += 1;
        self.crash(id);
        self.report(Report::Action(&Action::Crash { node: id }));
        self.queue.push(self.now_us + downtime_us, Event::Act(Action::Restart { node: id }));
    }

    pub(super) fn on_nemesis_tick(&mut self) {
        assert!(self.parameters.nemesis.kinds.any(), "the nemesis ticks only with a fault kind on");
        if self.phase != Phase::Safety {
            return;
        }
        // The nemesis draws a node by its place among the servers (ids 1..=n: the same).
        let servers = self.servers();
        let targets = Targets {
            running: servers.iter().map(|server| server.node.is_some()).collect(),
            paused: servers.iter().map(|server| server.paused).collect(),
            prevote: servers.iter().map(|server| server.config.protocol.prevote).collect(),
            leader: self.current_leader().map(Node::id),
        };
        if let Some(fault) = choose_fault(&mut self.streams.nemesis, &self.parameters, &targets) {
            self.telemetry.faults_injected += 1;
            if let Some((delay_us, undo)) = fault.undo {
                self.queue.push(self.now_us + delay_us, Event::Act(undo));
            }
            self.act(fault.action);
        }
        let interval = self
            .streams
            .nemesis
            .between(self.parameters.nemesis.interval_us_min, self.parameters.nemesis.interval_us_max);
        assert!(interval > 0, "the nemesis moves on in time");
        self.queue.push(self.now_us + interval, Event::NemesisTick);
    }
}
