//! How each event changes the world. Every change to a node goes through `step_node`, which
//! runs the safety checks on the node's outputs before the world acts on them.

use crate::check::history::Outcome;
use crate::check::safety::NodeSnapshot;
use crate::check::violation::{duration_words, instant_words, Invariant, Violation};
use crate::raft::{
    ClientReply, Command, Input, Message, Node, NodeId, OpResult, Outputs, ReplyOutcome, Role, Timer, TimerCommand,
};
use crate::scenario::Action;

use super::client::Client;
use super::describe::{self, FeedKind};
use super::nemesis::{choose_fault, Targets, FSYNC_CRASH_PPM, NEW_LEADER_CRASH_PPM};
use super::telemetry::Sample;
use super::{Event, Phase, Simulation};

impl Simulation {
    /// An event in words for the event feed, with what it is about.
    pub(super) fn describe(&self, event: &Event) -> (FeedKind, String) {
        match event {
            Event::Deliver { message, .. } => describe::message(message),
            Event::Timer { node, timer, generation } => {
                let current = self.servers[*node as usize - 1].timers[timer.slot()].generation == *generation;
                describe::timer(*node, *timer, current)
            }
            Event::Synced { node, write_id, .. } => {
                (FeedKind::Disk, format!("S{node}'s fsync completes: its writes up to #{write_id} are on disk"))
            }
            Event::Request { node, command, .. } => {
                let text = format!("client {} → S{node}: {} (request {})", command.client, command.op, command.seq);
                (FeedKind::Client, text)
            }
            Event::Reply { client, reply } => (FeedKind::Client, describe::reply(client + 1, reply)),
            Event::ClientIssue { client } => {
                (FeedKind::Client, format!("client {} starts its next operation", client + 1))
            }
            Event::ClientTimeout { client, attempt } => {
                (FeedKind::Client, format!("client {}: attempt {attempt} timed out", client + 1))
            }
            Event::Act(action) => (FeedKind::Fault, format!("fault: {}", describe::action(action))),
            Event::NemesisTick => (FeedKind::Internal, "the nemesis picks its next fault".into()),
            Event::Heal => (FeedKind::Phase, "the heal: every fault is undone, and the recovery phase begins".into()),
            Event::LeaderDeadline => {
                (FeedKind::Phase, "liveness: a leader with a quorum must have committed by now".into())
            }
            Event::Sample => (FeedKind::Internal, "telemetry sample".into()),
            Event::End => {
                (FeedKind::Phase, "the end of the run: client liveness and linearizability are checked".into())
            }
        }
    }

    pub(super) fn handle(&mut self, event: Event) {
        match event {
            Event::Deliver { message, incarnation, sent_us, .. } => self.on_deliver(message, incarnation, sent_us),
            Event::Timer { node, timer, generation } => self.on_timer(node, timer, generation),
            Event::Synced { node, incarnation, write_id } => self.on_synced(node, incarnation, write_id),
            Event::Request { node, incarnation, command } => self.on_request(node, incarnation, command),
            Event::Reply { client, reply } => self.on_reply(client, reply),
            Event::ClientIssue { client } => self.on_client_issue(client),
            Event::ClientTimeout { client, attempt } => self.on_client_timeout(client, attempt),
            Event::Act(action) => self.act(action),
            Event::NemesisTick => self.on_nemesis_tick(),
            Event::Heal => self.on_heal(),
            Event::LeaderDeadline => self.on_leader_deadline(),
            Event::Sample => self.on_sample(),
            Event::End => self.on_end(),
        }
    }

    // ---- nodes ----

    /// Starts (or restarts) node `id` from its disk.
    pub(super) fn boot(&mut self, id: NodeId) {
        let server = &mut self.servers[id as usize - 1];
        assert!(server.node.is_none(), "node {id} is already running");
        let (node, outputs) =
            Node::restart(server.config.clone(), server.disk.durable().clone()).expect("validated config");
        let snapshot = NodeSnapshot::of(&node);
        let (term, entries) = (node.term(), node.log().last_index());
        server.node = Some(node);
        if self.events > 0 {
            let text = format!("S{id} starts again from its disk: term {term}, {entries} entries");
            self.note(self.events, FeedKind::Role, text);
        }
        if let Err(violation) = self.safety.on_restart(id, snapshot, self.term_at_crash[id as usize - 1]) {
            self.violation = Some(*violation);
        }
        self.absorb(id, outputs);
    }

    /// Gives a running node one input, or queues it while the node is paused.
    fn step_node(&mut self, id: NodeId, input: Input) {
        let server = &mut self.servers[id as usize - 1];
        let Some(node) = server.node.as_mut() else { return };
        if server.paused {
            server.backlog.push(input);
            return;
        }
        let was_leader_term = (node.role() == Role::Leader).then(|| node.term());
        let before = (node.role(), node.term());
        let outputs = node.step(input);
        let after = (node.role(), node.term());
        if node.role() == Role::Leader && was_leader_term != Some(node.term()) {
            self.telemetry.leader_changes += 1;
            if self.parameters.kinds.crash_new_leader {
                let round_trip_us = 2 * self.parameters.network.latency_us_max;
                self.maybe_crash_within(id, NEW_LEADER_CRASH_PPM, self.now_us + round_trip_us);
            }
        }
        if let Some(text) = describe::role_change(id, before, after) {
            self.note(self.events, FeedKind::Role, text);
        }
        self.absorb(id, outputs);
    }

    /// Checks a step's outputs, then acts on them: writes, messages, timers, replies.
    fn absorb(&mut self, id: NodeId, outputs: Outputs) {
        let node = self.servers[id as usize - 1].node.as_ref().expect("a running node produced these");
        let snapshot = NodeSnapshot::of(node);
        if self.violation.is_none() {
            let durable = self.servers[id as usize - 1].disk.durable().hard_state;
            let checked = self
                .safety
                .on_step(id, snapshot, &outputs)
                .and_then(|()| self.safety.check_votes_sent(id, &outputs.messages, durable));
            if let Err(violation) = checked {
                self.violation = Some(*violation);
            }
        }
        self.watch_commits(id, &outputs);
        let Outputs { writes, messages, timers, applied: _, replies } = outputs;
        self.issue_writes(id, writes);
        for message in messages {
            self.send(message);
        }
        for command in timers {
            self.command_timer(id, command);
        }
        for reply in replies {
            let delay = self.network.latency_us(&mut self.rng_network);
            let client = u32::try_from(reply.client - 1).expect("client ids come from client indexes");
            self.queue.push(self.now_us + delay, Event::Reply { client, reply });
        }
    }

    /// Commit latency: remembers when a leader appends its own entries and records the delay
    /// when that same leader commits them. A new leader starts a new watch.
    fn watch_commits(&mut self, id: NodeId, outputs: &Outputs) {
        let node = self.servers[id as usize - 1].node.as_ref().expect("running");
        if node.role() != Role::Leader {
            return;
        }
        let term = node.term();
        if self.commit_watch.front().is_some_and(|&(leader, leader_term, ..)| (leader, leader_term) != (id, term)) {
            self.commit_watch.clear();
        }
        for request in &outputs.writes {
            if let crate::raft::Write::Append(entries) = &request.write {
                self.commit_watch.extend(entries.iter().map(|entry| (id, term, entry.index, self.now_us)));
            }
        }
        let commit = node.commit_index();
        while let Some(&(_, _, index, appended_us)) = self.commit_watch.front() {
            if index > commit {
                break;
            }
            self.telemetry.commit_latency_us.record(self.now_us - appended_us);
            self.commit_watch.pop_front();
        }
    }

    fn issue_writes(&mut self, id: NodeId, writes: Vec<crate::raft::WriteRequest>) {
        if writes.is_empty() {
            return;
        }
        // Like the network, the disks calm down once faults are healed: a drawn slow disk would
        // otherwise keep a correct cluster from meeting the liveness bounds.
        let disk = if self.phase == Phase::Liveness { &self.scenario.disk } else { &self.parameters.disk };
        let fsync_us = self.rng_disks.between(disk.fsync_us_min, disk.fsync_us_max);
        let server = &mut self.servers[id as usize - 1];
        if let Some((done_us, write_id)) = server.disk.issue(writes, self.now_us, fsync_us) {
            let incarnation = server.incarnation;
            self.queue.push(done_us, Event::Synced { node: id, incarnation, write_id });
            if self.parameters.kinds.crash_during_fsync {
                self.maybe_crash_within(id, FSYNC_CRASH_PPM, done_us - 1);
            }
        }
    }

    /// The targeted faults (FoundationDB's "buggify"): during the safety phase, with chance
    /// `chance_ppm`, crash node `id` at a random time from now to `last_us` and restart it after
    /// a downtime.
    fn maybe_crash_within(&mut self, id: NodeId, chance_ppm: u32, last_us: u64) {
        if self.phase != Phase::Safety || !self.rng_nemesis.chance(chance_ppm) {
            return;
        }
        let crash_us = self.rng_nemesis.between(self.now_us, last_us.max(self.now_us));
        let downtime_us = self.rng_nemesis.between(self.parameters.downtime_us_min, self.parameters.downtime_us_max);
        self.telemetry.faults_injected += 1;
        self.queue.push(crash_us, Event::Act(Action::Crash { node: id }));
        self.queue.push(crash_us + downtime_us, Event::Act(Action::Restart { node: id }));
    }

    fn send(&mut self, message: Message) {
        let kind = message.body.kind();
        self.telemetry.messages_of(kind).sent += 1;
        let route = self.network.route(&mut self.rng_network, &message);
        if route.held {
            return;
        }
        if route.delays_us.is_empty() {
            self.telemetry.messages_of(kind).dropped += 1;
            self.note_loss(&message, self.now_us, super::LossCause::Network);
            return;
        }
        if route.delays_us.len() > 1 {
            self.telemetry.messages_of(kind).duplicated += 1;
        }
        let incarnation = self.servers[message.to as usize - 1].incarnation;
        let (last_delay, other_delays) = route.delays_us.split_last().expect("checked non-empty");
        let sent_us = self.now_us;
        for delay in other_delays {
            let copy = message.clone();
            let duplicate = Event::Deliver { message: copy, incarnation, sent_us, duplicate: true };
            self.queue.push(self.now_us + delay, duplicate);
        }
        let original = Event::Deliver { message, incarnation, sent_us, duplicate: false };
        self.queue.push(self.now_us + last_delay, original);
    }

    fn on_deliver(&mut self, message: Message, incarnation: u32, sent_us: u64) {
        let kind = message.body.kind();
        let server = &self.servers[message.to as usize - 1];
        let down = server.node.is_none() || server.incarnation != incarnation;
        let cut = self.network.is_cut(message.from, message.to);
        if down || cut {
            self.telemetry.messages_of(kind).dropped += 1;
            let cause = if down { super::LossCause::Down } else { super::LossCause::Cut };
            self.note_loss(&message, sent_us, cause);
            return;
        }
        self.telemetry.messages_of(kind).delivered += 1;
        let to = message.to;
        self.step_node(to, Input::Message(message));
    }

    fn command_timer(&mut self, id: NodeId, command: TimerCommand) {
        let now_us = self.now_us;
        let server = &mut self.servers[id as usize - 1];
        match command {
            TimerCommand::Arm { timer, after_us_min, after_us_max } => {
                let delay_us = server.rng.between(after_us_min, after_us_max);
                let deadline_local_us = server.clock.local_us(now_us) + i128::from(delay_us);
                let slot = &mut server.timers[timer.slot()];
                slot.generation += 1;
                slot.deadline_local_us = Some(deadline_local_us);
                let generation = slot.generation;
                let fire_us = server.clock.true_us_at(deadline_local_us, now_us);
                self.queue.push(fire_us, Event::Timer { node: id, timer, generation });
            }
            TimerCommand::Cancel(timer) => {
                let slot = &mut server.timers[timer.slot()];
                slot.generation += 1;
                slot.deadline_local_us = None;
            }
        }
    }

    fn on_timer(&mut self, id: NodeId, timer: Timer, generation: u64) {
        let slot = &mut self.servers[id as usize - 1].timers[timer.slot()];
        if slot.generation != generation {
            return;
        }
        slot.deadline_local_us = None;
        self.step_node(id, Input::TimerFired(timer));
    }

    fn on_synced(&mut self, id: NodeId, incarnation: u32, write_id: u64) {
        let server = &mut self.servers[id as usize - 1];
        if server.incarnation != incarnation {
            return;
        }
        server.disk.synced(write_id);
        self.step_node(id, Input::Persisted(write_id));
    }

    // ---- clients ----

    fn on_request(&mut self, id: NodeId, incarnation: u32, command: Command) {
        let server = &self.servers[id as usize - 1];
        if server.node.is_none() || server.incarnation != incarnation {
            return;
        }
        self.step_node(id, Input::ClientRequest(command));
    }

    fn send_request(&mut self, client: u32) {
        let client_state = &mut self.clients[client as usize];
        let pending = client_state.pending.as_mut().expect("an operation is outstanding");
        pending.attempt += 1;
        let (attempt, command, node) = (pending.attempt, pending.command.clone(), client_state.target);
        let incarnation = self.servers[node as usize - 1].incarnation;
        let delay = self.network.latency_us(&mut self.rng_network);
        self.queue.push(self.now_us + delay, Event::Request { node, incarnation, command });
        let timeout = self.scenario.workload.attempt_timeout_us;
        self.queue.push(self.now_us + timeout, Event::ClientTimeout { client, attempt });
    }

    fn on_client_issue(&mut self, client: u32) {
        if self.phase == Phase::Finished || self.clients[client as usize].pending.is_some() {
            return;
        }
        let op = self.clients[client as usize].draw_op(&mut self.rng_clients, &self.scenario.workload);
        self.start_op(client, op);
    }

    fn start_op(&mut self, client: u32, op: crate::raft::Op) {
        let process = self.clients[client as usize].process;
        let position = self.history.invoke(client, process, op.clone(), self.now_us);
        let deadline = self.now_us + self.scenario.workload.op_timeout_us;
        self.clients[client as usize].start(op, position, deadline);
        self.send_request(client);
    }

    fn on_reply(&mut self, client: u32, reply: ClientReply) {
        let client_state = &mut self.clients[client as usize];
        let Some(pending) = &client_state.pending else { return };
        if pending.command.seq != reply.seq {
            return;
        }
        match reply.outcome {
            ReplyOutcome::Ok(result) => self.finish_op(client, result),
            ReplyOutcome::NotLeader { leader_hint } => {
                match leader_hint {
                    Some(leader) => client_state.target = leader,
                    None => client_state.try_next_node(self.scenario.nodes),
                }
                self.send_request(client);
            }
        }
    }

    fn finish_op(&mut self, client: u32, result: OpResult) {
        let client_state = &mut self.clients[client as usize];
        let pending = client_state.pending.take().expect("checked by the caller");
        let value = match &result {
            OpResult::Value(value) => value.as_ref(),
            _ => None,
        };
        let cas_applied = !matches!(result, OpResult::CasResult(false));
        if cas_applied {
            client_state.observe(&pending.command.op, value);
        }
        let invoked_us = self.history.ops[pending.history_position].invoke_us;
        self.telemetry.op_latency_us.record(self.now_us - invoked_us);
        self.history.complete(pending.history_position, Outcome::Ok { result, complete_us: self.now_us });
        self.schedule_next_op(client);
    }

    fn schedule_next_op(&mut self, client: u32) {
        if self.clients[client as usize].one_off {
            return;
        }
        let think = self.think_time_us();
        self.queue.push(self.now_us + think, Event::ClientIssue { client });
    }

    fn on_client_timeout(&mut self, client: u32, attempt: u32) {
        let nodes = self.scenario.nodes;
        let client_state = &mut self.clients[client as usize];
        let Some(pending) = &client_state.pending else { return };
        if pending.attempt != attempt {
            return;
        }
        if self.now_us < pending.deadline_us {
            client_state.try_next_node(nodes);
            self.send_request(client);
            return;
        }
        let pending = client_state.pending.take().expect("checked");
        client_state.process = self.process_next;
        self.process_next += 1;
        self.history.complete(pending.history_position, Outcome::Unknown { gave_up_us: self.now_us });
        self.schedule_next_op(client);
    }

    // ---- faults and user actions ----

    pub(super) fn act(&mut self, action: Action) {
        let nodes = self.scenario.node_ids();
        match action {
            Action::Crash { node } => self.crash(node),
            Action::CrashLeader { downtime_us } => {
                if let Some(leader) = self.current_leader() {
                    self.crash(leader);
                    self.queue.push(self.now_us + downtime_us, Event::Act(Action::Restart { node: leader }));
                }
            }
            Action::Restart { node } => {
                if self.servers[node as usize - 1].node.is_none() {
                    self.boot(node);
                }
            }
            Action::Upgrade { node, prevote } => {
                let server = &mut self.servers[node as usize - 1];
                server.config.prevote = prevote;
                if server.node.is_some() {
                    self.crash(node);
                    self.boot(node);
                }
            }
            Action::Pause { node } => {
                let server = &mut self.servers[node as usize - 1];
                server.paused = server.node.is_some();
            }
            Action::Resume { node } => self.resume(node),
            Action::ClockJump { node, by_us } => self.jump_clock(node, by_us),
            Action::ForceTimeout { node } => self.step_node(node, Input::TimerFired(Timer::Election)),
            Action::ClientRequest { node, op } => {
                let index = self.clients.len() as u32;
                self.clients.push(Client::new(index, node, true));
                self.start_op(index, op);
            }
            network_action => {
                let released = self.network.apply(&network_action, &nodes);
                for message in released {
                    self.deliver_later(message);
                }
            }
        }
    }

    /// Schedules a message released from a hold, with an ordinary latency.
    fn deliver_later(&mut self, message: Message) {
        let delay = self.network.latency_us(&mut self.rng_network);
        let incarnation = self.servers[message.to as usize - 1].incarnation;
        let sent_us = self.now_us;
        self.queue.push(self.now_us + delay, Event::Deliver { message, incarnation, sent_us, duplicate: false });
    }

    /// The running leader of the highest term, if any.
    fn current_leader(&self) -> Option<NodeId> {
        let leaders =
            self.servers.iter().filter_map(|server| server.node.as_ref()).filter(|node| node.role() == Role::Leader);
        leaders.max_by_key(|node| node.term()).map(Node::id)
    }

    fn crash(&mut self, id: NodeId) {
        let torn_tail_ppm = self.parameters.disk.torn_tail_ppm;
        let server = &mut self.servers[id as usize - 1];
        if server.node.take().is_none() {
            return;
        }
        server.disk.crash(&mut self.rng_disks, torn_tail_ppm);
        server.incarnation += 1;
        server.paused = false;
        server.backlog.clear();
        for slot in &mut server.timers {
            slot.generation += 1;
            slot.deadline_local_us = None;
        }
        self.term_at_crash[id as usize - 1] = server.disk.durable().hard_state.term;
        if self.violation.is_none() {
            if let Err(violation) = self.safety.on_crash(id, server.disk.durable().entries.iter()) {
                self.violation = Some(*violation);
            }
        }
    }

    fn resume(&mut self, id: NodeId) {
        let server = &mut self.servers[id as usize - 1];
        if !server.paused {
            return;
        }
        server.paused = false;
        for input in std::mem::take(&mut server.backlog) {
            if self.violation.is_some() {
                return;
            }
            self.step_node(id, input);
        }
    }

    /// Steps a node's clock; its pending timers now fire at other true times.
    fn jump_clock(&mut self, id: NodeId, by_us: i64) {
        let now_us = self.now_us;
        let server = &mut self.servers[id as usize - 1];
        server.clock.offset_us += by_us;
        for timer in Timer::ALL {
            let slot = &mut server.timers[timer.slot()];
            let Some(deadline_local_us) = slot.deadline_local_us else { continue };
            slot.generation += 1;
            let generation = slot.generation;
            let fire_us = server.clock.true_us_at(deadline_local_us, now_us);
            self.queue.push(fire_us, Event::Timer { node: id, timer, generation });
        }
    }

    fn on_nemesis_tick(&mut self) {
        if self.phase != Phase::Safety {
            return;
        }
        let targets = Targets {
            running: self.servers.iter().map(|server| server.node.is_some()).collect(),
            paused: self.servers.iter().map(|server| server.paused).collect(),
            prevote: self.servers.iter().map(|server| server.config.prevote).collect(),
            leader: self.current_leader(),
        };
        if let Some(fault) = choose_fault(&mut self.rng_nemesis, &self.parameters, &targets) {
            self.telemetry.faults_injected += 1;
            if let Some((delay_us, undo)) = fault.undo {
                self.queue.push(self.now_us + delay_us, Event::Act(undo));
            }
            self.act(fault.action);
        }
        let interval = self.rng_nemesis.between(self.parameters.interval_us_min, self.parameters.interval_us_max);
        self.queue.push(self.now_us + interval, Event::NemesisTick);
    }

    // ---- phases ----

    /// The end of the safety phase: heal the network, release holds, restart and resume every
    /// node, and calm the network for the liveness phase.
    fn on_heal(&mut self) {
        self.phase = Phase::Liveness;
        let nodes = self.scenario.node_ids();
        self.network.apply(&Action::Heal, &nodes);
        self.network.calm();
        for message in self.network.release_all() {
            self.deliver_later(message);
        }
        for id in nodes {
            if self.servers[id as usize - 1].node.is_none() {
                self.boot(id);
            }
            self.resume(id);
            // A rolling upgrade in progress completes: the nodes not yet moved to the other
            // PreVote setting restart with it, as an operator finishing the rollout would.
            let prevote_from = self.parameters.protocol.prevote;
            if self.parameters.kinds.upgrade && self.servers[id as usize - 1].config.prevote == prevote_from {
                self.act(Action::Upgrade { node: id, prevote: !prevote_from });
            }
        }
    }

    /// The leader bound after the heal has passed: some running leader must have committed an
    /// entry of its term and be followed by a quorum of running nodes in that term.
    fn on_leader_deadline(&mut self) {
        if self.violation.is_some() || self.leader_with_quorum().is_some() {
            return;
        }
        let bound = self.scenario.phases.leader_bound_us;
        let terms: Vec<u64> = self.servers.iter().filter_map(|server| server.node.as_ref().map(Node::term)).collect();
        self.violation = Some(Violation {
            invariant: Invariant::LeaderLiveness,
            event: self.events,
            time_us: self.now_us,
            nodes: self.scenario.node_ids(),
            terms,
            indexes: Vec::new(),
            message: format!(
                "{} after every fault was healed, no leader has committed an entry of its term with a quorum following it",
                duration_words(bound)
            ),
        });
    }

    /// A running leader that has committed an entry of its term and that a quorum of running
    /// nodes (itself included) follow in that term.
    pub(super) fn leader_with_quorum(&self) -> Option<NodeId> {
        let running: Vec<&Node> = self.servers.iter().filter_map(|server| server.node.as_ref()).collect();
        let quorum = self.scenario.nodes as usize / 2 + 1;
        running.iter().find_map(|leader| {
            let (id, term, commit) = (leader.id(), leader.term(), leader.commit_index());
            let committed_own_term =
                leader.role() == Role::Leader && commit > 0 && leader.log().term_at(commit) == Some(term);
            let followers = running.iter().filter(|node| node.term() == term && node.leader() == Some(id)).count();
            (committed_own_term && followers >= quorum).then_some(id)
        })
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
        self.telemetry.samples.push(sample);
        self.queue.push(self.now_us + 1_000_000, Event::Sample);
    }

    /// The end of the run: client liveness, then linearizability of the whole history.
    fn on_end(&mut self) {
        self.phase = Phase::Finished;
        if self.violation.is_none() {
            self.check_client_liveness();
        }
        if self.violation.is_none() {
            self.check_history();
        }
    }

    /// Operations invoked once the cluster had time to recover must complete within the bound.
    fn check_client_liveness(&mut self) {
        let phases = &self.scenario.phases;
        let window_start = phases.safety_us + phases.leader_bound_us;
        let window_end = self.now_us.saturating_sub(phases.op_bound_us);
        let late = self.history.ops.iter().find(|op| {
            let in_window = op.invoke_us >= window_start && op.invoke_us <= window_end;
            let on_time = matches!(op.outcome, Outcome::Ok { complete_us, .. } if complete_us - op.invoke_us <= phases.op_bound_us);
            in_window && !on_time
        });
        if let Some(op) = late {
            self.violation = Some(Violation {
                invariant: Invariant::ClientLiveness,
                event: self.events,
                time_us: self.now_us,
                nodes: Vec::new(),
                terms: Vec::new(),
                indexes: Vec::new(),
                message: format!(
                    "client {} asked {} at {}, after the cluster had recovered, and it {} within {}",
                    op.client + 1,
                    op.op,
                    instant_words(op.invoke_us),
                    match op.outcome {
                        Outcome::Pending => "had no answer",
                        Outcome::Unknown { .. } => "gave up without an answer",
                        Outcome::Ok { .. } => "was not answered",
                    },
                    duration_words(phases.op_bound_us)
                ),
            });
        }
    }

    /// The client history must be linearizable; a budget keeps a hard history from hanging
    /// the run (its answer is then "unknown", which is reported but is not a violation).
    fn check_history(&mut self) {
        use crate::check::linearizability::{describe_counterexample, from_history, Verdict};
        let result = self.check_linearizability(HISTORY_STEP_BUDGET);
        if result.verdict == Verdict::NotLinearizable {
            let counterexample = result.counterexample.as_ref().expect("a 'no' comes with a counterexample");
            let message = describe_counterexample(&from_history(&self.history), counterexample);
            self.violation = Some(Violation {
                invariant: Invariant::Linearizability,
                event: self.events,
                time_us: self.now_us,
                nodes: Vec::new(),
                terms: Vec::new(),
                indexes: Vec::new(),
                message: format!("the clients' history is not linearizable: {message}"),
            });
        }
        self.linearizability = Some(result);
    }
}

/// Model steps the end-of-run linearizability check may spend.
const HISTORY_STEP_BUDGET: u64 = 5_000_000;
