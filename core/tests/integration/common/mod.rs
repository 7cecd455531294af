//! A small deterministic driver for protocol tests: nodes, their disks, their timers and one
//! FIFO network, with no simulator and no randomness. Tests fire timers by hand, deliver
//! messages in order and decide when writes become durable.
//!
//! Every step it drives is written to `transcript` in the form the golden files use.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use raftsim_core::raft::{
    id_at, Applied, ClientReply, Command, Config, DurableState, Entry, HardState, Index, Input, Message, Node, NodeId,
    Op, Outputs, Payload, ReplyOutcome, Role, Term, Timer, TimerCommand, Write, WriteRequest,
};

/// One server slot: the node while it runs, its disk, and what is pending for it.
pub(crate) struct Server {
    pub(crate) node: Option<Node>,
    pub(crate) config: Config,
    pub(crate) disk: DurableState,
    /// Writes issued but not yet durable, in order.
    pub(crate) pending_writes: Vec<WriteRequest>,
    /// Armed timers (the harness never fires them by itself).
    pub(crate) timers: BTreeSet<Timer>,
    pub(crate) applied: Vec<Applied>,
}

/// The harness.
pub(crate) struct Cluster {
    pub(crate) servers: BTreeMap<NodeId, Server>,
    /// In flight, in send order.
    pub(crate) network: VecDeque<Message>,
    /// Directed links that drop everything.
    pub(crate) cut: BTreeSet<(NodeId, NodeId)>,
    /// When true, writes become durable as soon as `stabilize` runs; when false, only `persist`.
    pub(crate) auto_persist: bool,
    pub(crate) replies: Vec<ClientReply>,
    pub(crate) transcript: Vec<String>,
    next_seq: BTreeMap<u64, u64>,
}

/// Protocol options for every node; `id` and `voters` are filled in per node.
pub(crate) fn config(voters: &[NodeId]) -> Config {
    Config::new(voters[0], voters.to_vec())
}

impl Cluster {
    /// `count` nodes with ids 1..=count, built from `template` (its `id`/`voters` are replaced).
    pub(crate) fn new(count: u32, template: &Config) -> Self {
        let disks = (1..=count).map(|_| DurableState::default()).collect();
        Self::with_disks(template, disks)
    }

    /// Nodes whose logs hold entries of the given terms, and whose term is the last of them.
    pub(crate) fn with_log_terms(template: &Config, logs: &[&[Term]]) -> Self {
        let disks = logs
            .iter()
            .map(|terms| {
                let entries: Vec<Entry> = terms
                    .iter()
                    .enumerate()
                    .map(|(position, &term)| Entry { term, index: position as Index + 1, payload: Payload::Noop })
                    .collect();
                let term = terms.last().copied().unwrap_or(0);
                DurableState {
                    hard_state: HardState { term, voted_for: None },
                    entries: entries.into(),
                    snapshot: None,
                }
            })
            .collect();
        Self::with_disks(template, disks)
    }

    pub(crate) fn with_disks(template: &Config, disks: Vec<DurableState>) -> Self {
        let voters: Vec<NodeId> = (0..disks.len()).map(id_at).collect();
        let mut cluster = Cluster {
            servers: BTreeMap::new(),
            network: VecDeque::new(),
            cut: BTreeSet::new(),
            auto_persist: true,
            replies: Vec::new(),
            transcript: Vec::new(),
            next_seq: BTreeMap::new(),
        };
        for (id, disk) in voters.iter().copied().zip(disks) {
            let config = Config { id, voters: voters.clone(), ..template.clone() };
            let server = Server {
                node: None,
                config,
                disk,
                pending_writes: Vec::new(),
                timers: BTreeSet::new(),
                applied: Vec::new(),
            };
            cluster.servers.insert(id, server);
            cluster.start(id);
        }
        cluster.transcript.clear();
        cluster
    }

    pub(crate) fn node(&self, id: NodeId) -> &Node {
        self.servers[&id].node.as_ref().unwrap_or_else(|| panic!("node {id} is down"))
    }

    fn start(&mut self, id: NodeId) {
        let server = self.servers.get_mut(&id).expect("known node");
        let (node, outputs) = Node::restart(server.config.clone(), server.disk.clone()).expect("valid config");
        server.node = Some(node);
        self.absorb(id, outputs);
    }

    /// Routes one step's outputs: queue messages and writes, track timers, note the rest.
    fn absorb(&mut self, id: NodeId, outputs: Outputs) {
        let Outputs { writes, messages, timers, applied, replies } = outputs;
        for request in writes {
            self.transcript.push(format!("  write {}", describe_write(&request.write)));
            self.servers.get_mut(&id).unwrap().pending_writes.push(request);
        }
        for message in messages {
            self.transcript.push(format!("  send {message}"));
            self.network.push_back(message);
        }
        let server = self.servers.get_mut(&id).unwrap();
        for command in timers {
            match command {
                TimerCommand::Arm { timer, .. } => server.timers.insert(timer),
                TimerCommand::Cancel(timer) => server.timers.remove(&timer),
            };
        }
        for entry in applied {
            self.transcript.push(format!("  apply {}", describe_applied(&entry)));
            self.servers.get_mut(&id).unwrap().applied.push(entry);
        }
        for reply in replies {
            self.transcript.push(format!("  reply {}", describe_reply(&reply)));
            self.replies.push(reply);
        }
    }

    /// Feeds one input to a running node and routes its outputs.
    pub(crate) fn step(&mut self, id: NodeId, input: Input) {
        let server = self.servers.get_mut(&id).expect("known node");
        let node = server.node.as_mut().unwrap_or_else(|| panic!("node {id} is down"));
        let outputs = node.step(input);
        self.absorb(id, outputs);
    }

    /// Fires an armed timer; a test that fires an unarmed one has a wrong expectation.
    pub(crate) fn fire(&mut self, id: NodeId, timer: Timer) {
        assert!(self.servers[&id].timers.contains(&timer), "node {id} has no {timer:?} timer armed");
        self.servers.get_mut(&id).unwrap().timers.remove(&timer);
        self.transcript.push(format!("{id} fires {timer:?}"));
        self.step(id, Input::TimerFired(timer));
    }

    /// Makes every pending write of a running node durable and tells it so.
    pub(crate) fn persist(&mut self, id: NodeId) -> bool {
        let server = self.servers.get_mut(&id).unwrap();
        if server.node.is_none() || server.pending_writes.is_empty() {
            return false;
        }
        let writes = std::mem::take(&mut server.pending_writes);
        for request in &writes {
            server.disk.apply(&request.write);
        }
        let last = writes.last().expect("non-empty").id;
        self.transcript.push(format!("{id} persisted up to write {last}"));
        self.step(id, Input::Persisted(last));
        true
    }

    /// Delivers the oldest message in flight (dropping it if its link is cut or its receiver is
    /// down). Returns false when nothing is in flight.
    pub(crate) fn deliver_one(&mut self) -> bool {
        let Some(message) = self.network.pop_front() else { return false };
        let to = message.to;
        if self.cut.contains(&(message.from, to)) || self.servers[&to].node.is_none() {
            self.transcript.push(format!("drop {message}"));
            return true;
        }
        self.transcript.push(format!("{to} receives {message}"));
        self.step(to, Input::Message(message));
        true
    }

    /// Persists (when automatic) and delivers until nothing is left to do.
    pub(crate) fn stabilize(&mut self) {
        for _round in 0..10_000 {
            let mut progressed = false;
            if self.auto_persist {
                let ids: Vec<NodeId> = self.servers.keys().copied().collect();
                for id in ids {
                    progressed |= self.persist(id);
                }
            }
            progressed |= self.deliver_one();
            if !progressed {
                return;
            }
        }
        panic!("the cluster did not stabilize within 10,000 rounds");
    }

    /// Fires `id`'s election timer and runs until quiet: the usual way to make a leader.
    pub(crate) fn elect(&mut self, id: NodeId) {
        self.fire(id, Timer::Election);
        self.stabilize();
        assert_eq!(self.node(id).role(), Role::Leader, "node {id} should have won");
    }

    /// A client request to node `id` from `client`, numbered after the client's previous one.
    pub(crate) fn propose(&mut self, id: NodeId, client: u64, op: Op) -> u64 {
        let seq = self.next_seq.entry(client).or_insert(0);
        *seq += 1;
        let seq = *seq;
        self.propose_with_seq(id, client, seq, op);
        seq
    }

    /// A client request with an explicit request number (a retry reuses one).
    pub(crate) fn propose_with_seq(&mut self, id: NodeId, client: u64, seq: u64, op: Op) {
        self.transcript.push(format!("{id} gets request client={client} seq={seq} {op:?}"));
        self.step(id, Input::ClientRequest(Command { client, seq, op }));
    }

    /// Crashes a node: it stops, its unsynced writes are lost, messages to it are dropped.
    pub(crate) fn crash(&mut self, id: NodeId) {
        let server = self.servers.get_mut(&id).unwrap();
        server.node = None;
        server.pending_writes.clear();
        server.timers.clear();
        self.transcript.push(format!("{id} crashes"));
    }

    /// Restarts a crashed node from its disk.
    pub(crate) fn restart(&mut self, id: NodeId) {
        assert!(self.servers[&id].node.is_none(), "node {id} is running");
        self.transcript.push(format!("{id} restarts"));
        self.start(id);
    }

    /// Cuts every link to and from `id`.
    pub(crate) fn isolate(&mut self, id: NodeId) {
        for &other in self.servers.keys() {
            if other != id {
                self.cut.insert((id, other));
                self.cut.insert((other, id));
            }
        }
    }

    pub(crate) fn heal(&mut self) {
        self.cut.clear();
    }

    /// Drops every message in flight.
    pub(crate) fn drop_in_flight(&mut self) {
        for message in std::mem::take(&mut self.network) {
            self.transcript.push(format!("drop {message}"));
        }
    }

    pub(crate) fn leaders(&self) -> Vec<NodeId> {
        let running = self.servers.iter().filter_map(|(&id, server)| Some((id, server.node.as_ref()?)));
        running.filter(|(_, node)| node.role() == Role::Leader).map(|(id, _)| id).collect()
    }

    /// One line per node: role, term, vote, commit, applied, log terms and store.
    pub(crate) fn status(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for (&id, server) in &self.servers {
            let Some(node) = &server.node else {
                lines.push(format!("{id}: down"));
                continue;
            };
            let vote = node.voted_for().map_or("-".to_string(), |vote| vote.to_string());
            let log: Vec<String> = node.log().entries().iter().map(|entry| entry.term.to_string()).collect();
            let store: Vec<String> = node.store().entries().map(|(key, value)| format!("{key}={value}")).collect();
            lines.push(format!(
                "{id}: {} t{} vote={vote} commit={} applied={} log=[{}] kv={{{}}}",
                node.role().name(),
                node.term(),
                node.commit_index(),
                node.applied_index(),
                log.join(" "),
                store.join(" "),
            ));
        }
        lines
    }

    pub(crate) fn take_transcript(&mut self) -> Vec<String> {
        std::mem::take(&mut self.transcript)
    }
}

pub(crate) fn describe_write(write: &Write) -> String {
    match write {
        Write::HardState(HardState { term, voted_for }) => {
            format!("hardstate t{term} vote={}", voted_for.map_or("-".to_string(), |vote| vote.to_string()))
        }
        Write::Truncate { from } => format!("truncate from {from}"),
        Write::Append(entries) => {
            let positions: Vec<String> =
                entries.iter().map(|entry| format!("{}@{}", entry.index, entry.term)).collect();
            format!("append {}", positions.join(" "))
        }
        Write::Snapshot(snapshot) => format!("snapshot {}@{}", snapshot.last_index, snapshot.last_term),
    }
}

pub(crate) fn describe_applied(applied: &Applied) -> String {
    match (&applied.command, &applied.result) {
        (Some(command), Some(result)) => {
            let retry = if applied.effective { "" } else { " (retry, not re-executed)" };
            format!(
                "{}@{} client={} seq={} -> {result:?}{retry}",
                applied.index, applied.term, command.client, command.seq
            )
        }
        _ => format!("{}@{} noop", applied.index, applied.term),
    }
}

pub(crate) fn describe_reply(reply: &ClientReply) -> String {
    let outcome = match &reply.outcome {
        ReplyOutcome::Ok(result) => format!("ok {result:?}"),
        ReplyOutcome::NotLeader { leader_hint } => {
            format!("not leader, try {}", leader_hint.map_or("?".to_string(), |leader| leader.to_string()))
        }
    };
    format!("client={} seq={} {outcome}", reply.client, reply.seq)
}
