//! The simulated world around the protocol: a seeded discrete-event simulation of nodes,
//! network, disks, clocks and clients, with scripted and random faults, checked after every
//! event.
//!
//! [`World`] owns everything. Time is virtual, in integer microseconds; events run in
//! (time, sequence) order; every random choice comes from a [`rng::Stream`] of the scenario's
//! seed. Running the same scenario twice gives the same events and the same [`trace_hash`].
//!
//! [`trace_hash`]: World::trace_hash

mod availability;
mod chacha;
pub mod client;
pub mod clock;
pub mod disk;
mod events;
mod faults;
mod fork;
mod held;
pub mod nemesis;
pub mod network;
mod nodes;
pub mod observe;
pub mod queue;
pub mod rng;
mod servers;
pub mod telemetry;
pub mod trace;
mod workload;

pub use nemesis::WorldParameters;
pub use servers::Servers;

use serde::{Deserialize, Serialize};

use crate::check::history::History;
use crate::check::safety::SafetyChecker;
use crate::check::violation::Violation;
use crate::fingerprint::Fingerprint;
use crate::raft::{ClientReply, Command, Config, Message, Node, NodeId, Term, Timer};
use crate::scenario::{Action, RunSpec, Scenario, ScenarioError, UserAction};

use client::Client;
use clock::Clock;
use disk::Disk;
use network::Network;
use observe::Report;
use queue::EventQueue;
use rng::{Rng, Stream, Streams};
use telemetry::Telemetry;

/// Something scheduled to happen.
#[derive(Clone, Debug)]
pub enum Event {
    /// A message arrives (if its receiver is still the incarnation it was sent to).
    Deliver {
        /// The message.
        message: Message,
        /// When it was sent.
        sent_us: u64,
        /// The receiver's incarnation when the message was sent.
        incarnation: u32,
        /// The extra copy of a message the network duplicated (for display only: the trace
        /// does not encode it, so a run's hash is the same with or without it).
        duplicate: bool,
        /// The message's number in the run, counted at every send (reported with its send and
        /// its arrival, so a watcher matches the two; not in the trace either).
        id: u64,
    },
    /// A timer fires (if its generation is still current).
    Timer {
        /// The node.
        node: NodeId,
        /// Which timer.
        timer: Timer,
        /// The arming it belongs to.
        generation: u64,
    },
    /// A node's fsync completes.
    Synced {
        /// The node.
        node: NodeId,
        /// Its incarnation when the write was issued.
        incarnation: u32,
        /// The last write the fsync covers.
        write_id: u64,
    },
    /// A client request arrives at a node.
    Request {
        /// The node.
        node: NodeId,
        /// Its incarnation when the request was sent.
        incarnation: u32,
        /// The request.
        command: Command,
    },
    /// A node's answer arrives at a client.
    Reply {
        /// The client's index.
        client: u32,
        /// The answer.
        reply: ClientReply,
    },
    /// A client starts its next operation.
    ClientIssue {
        /// The client's index.
        client: u32,
    },
    /// A client's attempt times out.
    ClientTimeout {
        /// The client's index.
        client: u32,
        /// The attempt.
        attempt: u32,
    },
    /// A fault or user action.
    Act(Action),
    /// A targeted crash the nemesis aimed at a moment (a new leader, an fsync in progress),
    /// judged when it comes: after the heal it is called off, since the heal promised every
    /// fault undone.
    TargetedCrash {
        /// The node.
        node: NodeId,
        /// How long it stays down.
        downtime_us: u64,
    },
    /// The nemesis picks its next random fault.
    NemesisTick,
    /// The safety phase ends: every fault is healed.
    Heal,
    /// The deadline for a leader after the heal.
    LeaderDeadline,
    /// Telemetry takes a sample.
    Sample,
    /// The run ends.
    End,
}

/// One server: its node while it runs, and everything of it that outlives a crash.
#[derive(Clone, Debug)]
pub struct Server {
    /// Its id (the world finds it by it: [`World::server`]).
    pub id: NodeId,
    /// The node, while it runs.
    pub node: Option<Node>,
    /// Its protocol configuration.
    pub config: Config,
    /// Its disk.
    pub disk: Disk,
    /// Its clock.
    pub clock: Clock,
    /// Bumped at every crash; events for an older incarnation are dropped.
    pub incarnation: u32,
    /// Paused: inputs wait in `backlog`.
    pub paused: bool,
    /// Inputs that arrived while paused, in order.
    pub backlog: Vec<crate::raft::Input>,
    /// Per timer kind (by [`Timer::slot`]): its deadline and its wake-up in the queue.
    pub timers: [TimerSlot; Timer::ALL.len()],
    /// The node's own random stream (timer delays).
    rng: Rng,
    /// How many of its steps truncated its log (see [`Server::log_rewrites`]).
    log_rewrites: u64,
}

impl Server {
    /// Whether a wake-up of `timer`, of generation `generation`, fires it at `now_us`: the
    /// wake-up is current and the armed deadline has come on this node's clock.
    fn timer_fires(&self, timer: Timer, generation: u64, now_us: u64) -> bool {
        let slot = &self.timers[timer.slot()];
        let deadline_come =
            slot.deadline_local_us.is_some_and(|deadline| self.clock.true_us_at(deadline, now_us) <= now_us);
        slot.generation == generation && deadline_come
    }

    /// How many of its steps truncated its log: with its last index and term, this tells a
    /// watcher whether its log may have changed (coverage takes a signature only then).
    pub fn log_rewrites(&self) -> u64 {
        self.log_rewrites
    }

    /// The index up to which the disk holds the running node's log, read from the disk itself
    /// (what the page shows as durable; the node's own count is what a bug could get wrong).
    /// Disk and log differ at most in a suffix, so the walk back is short.
    pub fn log_index_durable(&self) -> crate::raft::Index {
        let disk = &self.disk.durable().entries;
        let Some(node) = &self.node else { return disk.len() as crate::raft::Index };
        let log = node.log();
        let mut index = log.last_index().min(disk.len() as crate::raft::Index);
        while index > 0 && log.term_at(index) != Some(disk[crate::raft::slot(index)].term) {
            index -= 1;
        }
        index
    }
}

/// A timer's current arming. Re-arming does not queue an event each time (a follower re-arms
/// its election timer at every message from its leader): the slot keeps one wake-up, the
/// earliest it has queued, and a wake-up that finds the deadline later queues the next one. So a
/// slot has few events in the queue however often it is re-armed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimerSlot {
    /// Bumped when every queued wake-up must be forgotten (a crash, a clock step).
    pub generation: u64,
    /// The local-clock deadline while armed.
    pub deadline_local_us: Option<i128>,
    /// The earliest wake-up of this generation still in the queue (true time), if any.
    pub wake_us: Option<u64>,
}

/// Where the run is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    /// Faults may strike.
    Safety,
    /// Every fault healed; the cluster must recover.
    Liveness,
    /// The run ended, or a check failed.
    Finished,
}

/// Why a message never reached its receiver.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LossCause {
    /// The network dropped it when it was sent.
    Network,
    /// Its link was cut when it arrived.
    Cut,
    /// Its receiver was down, or had restarted, when it arrived.
    Down,
}

/// The phases a run keeps: the scenario's, with the leader bound raised to what the cluster's
/// timeouts need if the scenario's is shorter (a swarm seed draws election timeouts up to
/// 1.2 s, against a default bound of 2 s), and the liveness phase lengthened by as much so the
/// window of client operations judged keeps its length.
///
/// The bound needed: three maximum election timeouts (a follower's timer running out, a split
/// vote, a campaign lost to a voter with a longer log), two fsyncs of the calm disk (the
/// candidate's vote, the leader's first entry) and ten one-way latencies (PreVote, vote and
/// append round trips).
fn phases_for(scenario: &Scenario, parameters: &WorldParameters) -> crate::scenario::PhaseOptions {
    let needed_us = crate::check::liveness::leader_bound_us(
        parameters.protocol.election_timeout_us_max,
        scenario.disk.fsync_us_max,
        parameters.network.latency_us_max,
    );
    let phases = &scenario.phases;
    let room_us = crate::scenario::RUN_US_MAX.saturating_sub(phases.safety_us + phases.liveness_us);
    // Within the scenario's own limits: a run at most an hour long, a bound at most a minute.
    let bound_room_us = crate::scenario::DELAY_US_MAX.saturating_sub(phases.leader_bound_us);
    let extra_us = needed_us.saturating_sub(phases.leader_bound_us).min(room_us).min(bound_room_us);
    crate::scenario::PhaseOptions {
        leader_bound_us: phases.leader_bound_us + extra_us,
        liveness_us: phases.liveness_us + extra_us,
        ..phases.clone()
    }
}

/// Events a run may process before it is stopped as a runaway: a floor, plus per simulated
/// second a rate per node pair and per client. Over swarm seeds 1..=3000 the busiest run had
/// 486 events a second per (nodes² + clients) and 6,584 in all; the budget allows 10,000 per
/// unit, about twenty times that, so only traffic that grows without bound reaches it.
pub fn event_budget(scenario: &Scenario) -> u64 {
    const FLOOR: u64 = 1_000_000;
    const PER_UNIT_PER_S: u64 = 10_000;
    let units = u64::from(scenario.nodes).pow(2) + u64::from(scenario.workload.clients);
    let seconds = scenario.run_us().div_ceil(1_000_000);
    FLOOR + seconds * units * PER_UNIT_PER_S
}

/// Events that may wait in the queue at once before the run is stopped as a runaway (the
/// busiest of swarm seeds 1..=3000 had 1,709): a bound on the world's memory whatever the
/// protocol does.
pub const QUEUE_LEN_MAX: usize = 1_000_000;

/// The whole simulated world. Cloning it makes a checkpoint: the clone continues exactly as the
/// original would.
#[derive(Clone)]
pub struct World {
    scenario: Scenario,
    parameters: WorldParameters,
    now_us: u64,
    queue: EventQueue<Event>,
    servers: Servers,
    network: Network,
    clients: Vec<Client>,
    /// The world's random streams (the aimed faults' draws are [`Stream::Aim`]'s).
    streams: Streams,
    trace: Fingerprint,
    events: u64,
    safety: SafetyChecker,
    history: History,
    telemetry: Telemetry,
    violation: Option<Violation>,
    phase: Phase,
    /// The current leader's entries not yet committed, for the commit latency.
    commit_watch: telemetry::CommitWatch,
    /// User actions still to apply when replaying, in order.
    actions_pending: std::collections::VecDeque<UserAction>,
    /// User actions applied so far, in order.
    actions_applied: Vec<UserAction>,
    /// The linearizability check of the history, once the run has ended.
    linearizability: Option<crate::check::linearizability::CheckResult>,
    process_next: u32,
    /// [`event_budget`] of the scenario run.
    events_max: u64,
    /// Messages sent so far: the number the next one gets.
    messages_sent: u64,
    /// The scenario's forks applied so far.
    forks_next: usize,
    /// With `stale_votes`: answers to votes held back, each with its message number, until
    /// their receiver starts a campaign in a later term (at most `VOTES_HELD_MAX`).
    votes_held: Vec<(u64, Message)>,
    /// With `stale_appends` or `heartbeat_first`: AppendEntries held back, each with its
    /// message number and what it waits for (at most `APPENDS_HELD_MAX`; see `held.rs`).
    appends_held: Vec<held::HeldAppend>,
    /// What LeaderAvailability watches during the fault phase (`availability.rs`).
    availability: availability::Availability,
    /// The writes of the fsync being handled: one list, emptied and refilled at every fsync so
    /// that none allocates (empty between events).
    synced: Vec<crate::raft::WriteRequest>,
    /// What the world reports to, if anything watches it (`observe.rs`; none by default, when
    /// each report point costs one test).
    hook: observe::Hook,
}

/// The servers of a new world, each with its drawn clock drift and its own random stream, no
/// node running yet (the world's start boots them).
fn new_servers(scenario: &Scenario, parameters: &WorldParameters) -> Servers {
    let seed = scenario.seed;
    let mut rng_clocks = Rng::new(seed, Stream::Clocks);
    let drift_max = i64::from(parameters.clock.drift_ppm_max);
    let mut servers = Servers::default();
    for id in scenario.node_ids() {
        servers.insert(Server {
            id,
            node: None,
            config: scenario.node_config(id),
            disk: Disk::default(),
            clock: Clock { drift_ppm: rng_clocks.between_signed(-drift_max, drift_max), offset_us: 0 },
            incarnation: 0,
            paused: false,
            backlog: Vec::new(),
            timers: [TimerSlot::default(); Timer::ALL.len()],
            rng: Rng::new(seed, Stream::Node(id)),
            log_rewrites: 0,
        });
    }
    servers
}

impl World {
    /// Builds the world of `scenario` at time zero; refuses an invalid scenario.
    pub fn new(scenario: Scenario) -> Result<World, ScenarioError> {
        scenario.validate()?;
        let seed = scenario.seed;
        let parameters = if scenario.nemesis.swarm {
            WorldParameters::drawn(&mut Rng::new(seed, Stream::Swarm), &scenario)
        } else {
            WorldParameters::given(&scenario)
        };
        // The world runs the drawn cluster, with the phases its timeouts need; share links keep
        // the scenario as given, from which the seed draws the same cluster again.
        let phases = phases_for(&scenario, &parameters);
        let scenario = Scenario { nodes: parameters.nodes, protocol: parameters.protocol.clone(), phases, ..scenario };
        scenario.validate()?;
        let servers = new_servers(&scenario, &parameters);
        let nodes = scenario.nodes;
        let mut simulation = World {
            network: Network::new(parameters.network.clone()),
            parameters,
            now_us: 0,
            queue: EventQueue::default(),
            servers,
            clients: Vec::new(),
            streams: Streams::new(seed),
            trace: Fingerprint::default(),
            events: 0,
            safety: SafetyChecker::new(nodes).with_rule_checks(scenario.checks.rules()),
            history: History::default(),
            telemetry: Telemetry::default(),
            violation: None,
            phase: Phase::Safety,
            commit_watch: telemetry::CommitWatch::default(),
            actions_pending: std::collections::VecDeque::new(),
            actions_applied: Vec::new(),
            linearizability: None,
            process_next: 1_000_000,
            events_max: event_budget(&scenario),
            messages_sent: 0,
            forks_next: 0,
            votes_held: Vec::new(),
            appends_held: Vec::new(),
            availability: availability::Availability::default(),
            synced: Vec::new(),
            hook: observe::Hook::default(),
            scenario,
        };
        simulation.availability = availability::Availability::new(&simulation.scenario, &simulation.parameters);
        simulation.start();
        Ok(simulation)
    }

    /// Builds the world of a run spec: its scenario, with its user actions applied at the
    /// events they happened after.
    pub fn from_spec(spec: &RunSpec) -> Result<World, ScenarioError> {
        let mut simulation = World::new(spec.scenario.clone())?;
        simulation.set_pending_actions(spec.actions.clone());
        Ok(simulation)
    }

    /// Replaces the user actions still to apply (they must not be due before now), and applies
    /// those due now.
    pub fn set_pending_actions(&mut self, actions: Vec<UserAction>) {
        assert!(actions.iter().all(|action| action.after_event >= self.events), "actions cannot be due in the past");
        self.actions_pending = actions.into();
        self.apply_due_actions();
    }

    /// Applies a user action now, after the last event processed, and records it so that a
    /// replay applies it at exactly this point.
    pub fn act_now(&mut self, action: Action) -> UserAction {
        let user_action = UserAction { after_event: self.events, at_us: self.now_us, action };
        trace::hash_user_action(&mut self.trace, &user_action);
        if self.is_observed() {
            self.ask_observer();
            self.report(Report::UserAction(&user_action));
        }
        self.actions_applied.push(user_action.clone());
        self.act(user_action.action.clone());
        self.report(Report::Settled);
        if self.violation.is_some() {
            self.phase = Phase::Finished;
        }
        user_action
    }

    fn apply_due_actions(&mut self) {
        while self.actions_pending.front().is_some_and(|action| action.after_event == self.events) {
            let due = self.actions_pending.pop_front().expect("checked");
            // The action happened at its own time, which a run_until may have moved past the
            // last event before it was taken.
            self.now_us = self.now_us.max(due.at_us);
            self.act_now(due.action);
        }
    }

    /// Messages sent so far, of every kind and fate (held, dropped and duplicated ones count
    /// once).
    pub fn messages_sent(&self) -> u64 {
        self.messages_sent
    }

    /// The user actions applied so far.
    pub fn actions_applied(&self) -> &[UserAction] {
        &self.actions_applied
    }

    /// Starts the nodes and clients and schedules the script, the nemesis and the phases.
    fn start(&mut self) {
        for id in self.server_ids() {
            self.boot(id);
        }
        for index in 0..self.scenario.workload.clients {
            let target = self.streams.clients.between_u32(1, self.scenario.nodes);
            self.clients.push(Client::new(index, target, false));
            let think = self.think_time_us();
            self.queue.push(think, Event::ClientIssue { client: index });
        }
        for scripted in self.scenario.script.clone() {
            self.queue.push(scripted.at_us, Event::Act(scripted.action));
        }
        if self.parameters.nemesis.kinds.any() {
            let first = self
                .streams
                .nemesis
                .between(self.parameters.nemesis.interval_us_min, self.parameters.nemesis.interval_us_max);
            self.queue.push(first, Event::NemesisTick);
        }
        let phases = self.scenario.phases.clone();
        self.queue.push(phases.safety_us, Event::Heal);
        self.queue.push(phases.safety_us + phases.leader_bound_us, Event::LeaderDeadline);
        self.queue.push(1_000_000, Event::Sample);
        self.queue.push(self.scenario.run_us(), Event::End);
    }

    /// Whether `event`, happening now, takes effect: a timer's wake-up fires it, a targeted
    /// crash strikes before the heal (other events: true).
    fn takes_effect(&self, event: &Event) -> bool {
        match event {
            Event::TargetedCrash { node, .. } => self.targeted_crash_strikes(*node),
            Event::Timer { node, timer, generation } => {
                self.server(*node).timer_fires(*timer, *generation, self.now_us)
            }
            _ => true,
        }
    }

    fn think_time_us(&mut self) -> u64 {
        let workload = &self.scenario.workload;
        self.streams.clients.between(workload.think_us_min, workload.think_us_max)
    }

    /// Processes the next event. Returns `false` once the run has finished (its end reached or
    /// a check failed), when there is nothing more to do.
    pub fn step(&mut self) -> bool {
        if self.phase == Phase::Finished {
            return false;
        }
        let Some(scheduled) = self.queue.pop() else {
            self.phase = Phase::Finished;
            return false;
        };
        assert!(scheduled.time_us >= self.now_us, "time never goes back");
        self.now_us = scheduled.time_us;
        self.events += 1;
        self.safety.at_event(self.events, self.now_us);
        trace::hash_event(&mut self.trace, self.events, self.now_us, &scheduled.event);
        if self.is_observed() {
            self.ask_observer();
            let takes_effect = self.takes_effect(&scheduled.event);
            self.report(Report::Event { event: &scheduled.event, takes_effect });
        }
        self.handle(scheduled.event);
        if self.violation.is_none() && self.phase == Phase::Safety {
            self.check_availability();
        }
        if self.violation.is_none() && (self.events >= self.events_max || self.queue.len() > QUEUE_LEN_MAX) {
            self.violation = Some(self.runaway());
        }
        if self.violation.is_some() {
            self.phase = Phase::Finished;
        }
        self.apply_due_actions();
        self.apply_due_fork();
        self.report(Report::Settled);
        true
    }

    /// Replaces the run's event budget (by default [`event_budget`] of its scenario): a run
    /// that reaches it stops with a [`Runaway`](crate::check::violation::Invariant::Runaway)
    /// report.
    pub fn set_event_budget(&mut self, events_max: u64) {
        assert!(events_max > 0, "a run may take at least one event");
        self.events_max = events_max;
    }

    /// The report of a run stopped for using its event budget or filling its queue.
    fn runaway(&self) -> Violation {
        let message = format!(
            "runaway: {} events by {} ({} more waiting; the budget of this run is {} events): the traffic grows without bound",
            self.events,
            crate::words::instant(self.now_us),
            self.queue.len(),
            self.events_max
        );
        Violation::new(crate::check::violation::Invariant::Runaway, self.events, self.now_us, message)
    }

    /// Runs events up to and including simulated time `time_us` (or until the run finishes).
    pub fn run_until(&mut self, time_us: u64) {
        while self.queue.peek_time_us().is_some_and(|next| next <= time_us) && self.step() {}
        if self.phase != Phase::Finished {
            self.now_us = self.now_us.max(time_us.min(self.scenario.run_us()));
        }
    }

    /// Runs at most `count` events; returns how many ran.
    pub fn run_events(&mut self, count: u64) -> u64 {
        let mut ran = 0;
        while ran < count && self.step() {
            ran += 1;
        }
        ran
    }

    /// Runs to the end of the run or the first violation, and returns the violation if any.
    pub fn run_to_end(&mut self) -> Option<Violation> {
        while self.step() {}
        self.violation.clone()
    }

    // ---- read-only views ----

    /// The scenario being run.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }
    /// The fault mix in force (drawn from the seed under swarm testing).
    pub fn parameters(&self) -> &WorldParameters {
        &self.parameters
    }
    /// Simulated time now.
    pub fn now_us(&self) -> u64 {
        self.now_us
    }
    /// Events processed so far.
    pub fn events(&self) -> u64 {
        self.events
    }
    /// The trace fingerprint so far.
    pub fn trace_hash(&self) -> u64 {
        self.trace.value()
    }
    /// The first violation, if any (the run stops there).
    pub fn violation(&self) -> Option<&Violation> {
        self.violation.as_ref()
    }
    /// The phase.
    pub fn phase(&self) -> Phase {
        self.phase
    }
    /// The client history so far.
    pub fn history(&self) -> &History {
        &self.history
    }
    /// Whether the end-of-run linearizability check ran out of budget before an answer (which
    /// is not a pass).
    pub fn linearizability_unknown(&self) -> bool {
        self.linearizability
            .as_ref()
            .is_some_and(|result| result.verdict == crate::check::linearizability::Verdict::Unknown)
    }
    /// The linearizability check made at the end of the run, if it has ended.
    pub fn linearizability(&self) -> Option<&crate::check::linearizability::CheckResult> {
        self.linearizability.as_ref()
    }

    /// Checks the history so far against the key-value model (operations still waiting count as
    /// unknown: they may yet take effect), within `step_budget` model steps.
    pub fn check_linearizability(&self, step_budget: u64) -> crate::check::linearizability::CheckResult {
        crate::check::linearizability::check_kv_history(&self.history, step_budget)
    }
    /// The telemetry so far.
    pub fn telemetry(&self) -> &Telemetry {
        &self.telemetry
    }
    /// The servers, in id order (a server's place is not its id: read [`Server::id`]).
    pub fn servers(&self) -> &[Server] {
        self.servers.as_slice()
    }
    /// The servers' ids, in order (a list: the caller may change the world meanwhile).
    pub fn server_ids(&self) -> Vec<NodeId> {
        self.servers.ids().collect()
    }
    /// The running leader of the highest term, if any (a deposed leader that has not heard of
    /// the newer term may still run as leader of an older one).
    pub fn current_leader(&self) -> Option<&Node> {
        let running = self.servers.iter().filter_map(|server| server.node.as_ref());
        running.filter(|node| node.role() == crate::raft::Role::Leader).max_by_key(|node| node.term())
    }
    /// The nodes that run now, by id.
    pub fn running_nodes(&self) -> Vec<&Node> {
        self.servers.iter().filter_map(|server| server.node.as_ref()).collect()
    }
    /// A running leader that has committed an entry of its term and that a quorum follows in
    /// that term (what LeaderLiveness waits for).
    pub fn leader_with_quorum(&self) -> Option<NodeId> {
        crate::check::liveness::leader_with_quorum(&self.running_nodes(), self.scenario.nodes)
    }
    /// The server of node `id` (which must be one of the world's).
    pub fn server(&self, id: NodeId) -> &Server {
        self.servers.get(id).unwrap_or_else(|| panic!("S{id} is no server of the world"))
    }
    /// The server of node `id`, to change.
    fn server_mut(&mut self, id: NodeId) -> &mut Server {
        self.servers.get_mut(id).unwrap_or_else(|| panic!("S{id} is no server of the world"))
    }
    /// The network.
    pub fn network(&self) -> &Network {
        &self.network
    }
    /// The clients: the workload's, then one-off clients of user requests.
    pub fn clients(&self) -> &[Client] {
        &self.clients
    }
    /// Shares the chunks of past that the nodes' logs, their disks and the checker's shadows
    /// of them hold in common (each a [`SharedVec`](crate::shared_vec::SharedVec)), so that a
    /// long run keeps about one copy of the cluster's past rather than three per node. A
    /// session calls it before each checkpoint. Memory only: no state, decision or trace
    /// changes (measured: 9 nodes, 64 clients, 8M events, the world's heap from 125 MB to
    /// the figure in the commit that added it).
    pub fn share_chunks(&mut self) {
        let mut seen: Vec<crate::shared_vec::SharedVec<crate::raft::Entry>> = Vec::new();
        for server in self.servers.iter_mut() {
            for reference in &seen {
                server.disk.share_chunks_with(reference);
            }
            if let Some(node) = &mut server.node {
                node.share_log_chunks_with(&server.disk.durable().entries);
                for reference in &seen {
                    node.share_log_chunks_with(reference);
                }
                seen.push(node.log().entries().clone());
            }
            seen.push(server.disk.durable().entries.clone());
        }
        self.safety.share_chunks();
    }

    /// The leader of each term so far.
    pub fn leaders_by_term(&self) -> &std::collections::BTreeMap<Term, NodeId> {
        self.safety.leaders()
    }
    /// Events still scheduled.
    pub fn pending_events(&self) -> impl Iterator<Item = &queue::Scheduled<Event>> {
        self.queue.iter()
    }
    /// The event [`World::step`] takes next, if any.
    pub fn next_event(&self) -> Option<&queue::Scheduled<Event>> {
        self.queue.peek()
    }
    /// When the next event is due, if any is.
    pub fn next_event_time_us(&self) -> Option<u64> {
        self.queue.peek_time_us()
    }
}
