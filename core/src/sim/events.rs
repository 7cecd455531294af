//! Dispatch and the phases: each event goes to the part of the world it concerns; the heal,
//! the leader deadline, telemetry samples and the end of the run happen here.

use crate::check::violation::Violation;
use crate::check::{linearizability, liveness};
use crate::scenario::Action;

use super::observe::Report;
use super::telemetry::Sample;
use super::{Event, Phase, World};

impl World {
    pub(super) fn handle(&mut self, event: Event) {
        match event {
            Event::Deliver { message, incarnation, sent_us, duplicate, id } => {
                self.on_deliver(message, incarnation, sent_us, (id, duplicate))
            }
            Event::Timer { node, timer, generation } => self.on_timer(node, timer, generation),
            Event::Synced { node, incarnation, write_id } => self.on_synced(node, incarnation, write_id),
            Event::Request { node, incarnation, command } => self.on_request(node, incarnation, command),
            Event::Reply { client, reply } => self.on_reply(client, reply),
            Event::ClientIssue { client } => self.on_client_issue(client),
            Event::ClientTimeout { client, attempt } => self.on_client_timeout(client, attempt),
            Event::Act(action) => self.act(action),
            Event::TargetedCrash { node, downtime_us } => self.on_targeted_crash(node, downtime_us),
            Event::NemesisTick => self.on_nemesis_tick(),
            Event::Heal => self.on_heal(),
            Event::LeaderDeadline => self.on_leader_deadline(),
            Event::Sample => self.on_sample(),
            Event::End => self.on_end(),
        }
    }

    /// The end of the safety phase: heal the network, release holds, restart and resume every
    /// node, and calm the network for the liveness phase.
    fn on_heal(&mut self) {
        assert_eq!(self.phase, Phase::Safety, "the heal ends the safety phase");
        self.phase = Phase::Liveness;
        let nodes = self.server_ids();
        self.network.apply(&Action::Heal, &nodes);
        self.network.calm();
        for (id, message) in self.network.release_all() {
            self.deliver_later(id, message);
        }
        self.release_every_append();
        self.report(Report::Action(&Action::Heal));
        for id in nodes {
            if self.server(id).node.is_none() {
                self.boot(id);
            }
            self.resume(id);
            // A rolling upgrade in progress completes: the nodes not yet moved to the other
            // PreVote setting restart with it, as an operator finishing the rollout would.
            let prevote_from = self.parameters.protocol.prevote;
            if self.parameters.nemesis.kinds.upgrade && self.server(id).config.protocol.prevote == prevote_from {
                self.act(Action::Upgrade { node: id, prevote: !prevote_from });
            }
        }
        let all_up = self.servers().iter().all(|server| server.node.is_some() && !server.paused);
        assert!(self.violation.is_some() || all_up, "after the heal every node runs");
    }

    /// The leader bound after the heal has passed: some running leader must have committed an
    /// entry of its term and be followed by a quorum of running nodes in that term.
    fn on_leader_deadline(&mut self) {
        assert_eq!(self.phase, Phase::Liveness, "the leader deadline falls after the heal");
        if self.violation.is_some() {
            return;
        }
        let running = self.running_nodes();
        let bound_us = self.scenario.phases.leader_bound_us;
        self.violation = liveness::check_leader(&running, self.scenario.nodes, bound_us, self.events, self.now_us)
            .map(|violation| self.noting_timing(violation));
    }

    /// A liveness violation, saying so when the scenario does not meet Raft's timing
    /// requirement (`Scenario::timing_warning`): then it may be the timing's fault, not the
    /// protocol's.
    fn noting_timing(&self, mut violation: Violation) -> Violation {
        if let Some(warning) = self.scenario.timing_warning() {
            violation.message =
                format!("{}; the timing requirement was not met: {}", violation.message, warning.reason);
        }
        violation
    }

    fn on_sample(&mut self) {
        let total = self.telemetry.total();
        let sample = Sample {
            time_us: self.now_us,
            leader_changes: self.telemetry.leader_changes,
            messages_sent: total.sent,
            messages_dropped: total.dropped,
            ops: self.history.outcome_counts(),
        };
        let after_last = self.telemetry.samples.last().is_none_or(|last| last.time_us < sample.time_us);
        assert!(after_last, "samples are taken in time order, one per second");
        self.telemetry.samples.push(sample);
        self.queue.push(self.now_us + 1_000_000, Event::Sample);
    }

    /// The end of the run: client liveness, then linearizability of the whole history.
    fn on_end(&mut self) {
        assert_eq!(self.phase, Phase::Liveness, "the run ends after the heal");
        assert_eq!(self.now_us, self.scenario.run_us(), "the run ends at its length");
        self.phase = Phase::Finished;
        if self.violation.is_none() {
            let phases = &self.scenario.phases;
            let window = liveness::ClientWindow {
                invoked_from_us: phases.safety_us + phases.leader_bound_us,
                invoked_until_us: self.now_us.saturating_sub(phases.op_bound_us),
                op_bound_us: phases.op_bound_us,
            };
            self.violation = liveness::check_clients(&self.history, window, self.events, self.now_us)
                .map(|violation| self.noting_timing(violation));
        }
        if self.violation.is_none() {
            let (result, violation) = linearizability::check_at_end(&self.history, self.events, self.now_us);
            self.violation = violation;
            self.linearizability = Some(result);
        }
    }
}
