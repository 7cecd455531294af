//! The compact per-frame view the page draws: plain data, built fresh from the simulation.

use raftsim_core::check::history::Outcome;
use raftsim_core::check::violation::Violation;
use raftsim_core::raft::{Index, NodeId, Role, Term, Timer};
use raftsim_core::sim::{Event, Phase, Simulation};
use serde::Serialize;

/// Entries of each log the view carries (the newest).
const LOG_TAIL_LEN: usize = 24;

/// Everything a frame shows.
#[derive(Serialize)]
pub struct View {
    pub time_us: u64,
    pub events: u64,
    pub phase: &'static str,
    pub run_us: u64,
    pub nodes: Vec<NodeView>,
    pub messages: Vec<MessageView>,
    /// Directed links cut, `[from, to]`.
    pub cut_links: Vec<(NodeId, NodeId)>,
    pub held_messages: usize,
    pub clients: Vec<ClientOpView>,
    pub violation: Option<Violation>,
    pub ops_ok: u64,
    pub ops_failed: u64,
    pub ops_unknown: u64,
    pub leader_changes: u64,
}

#[derive(Serialize)]
pub struct NodeView {
    pub id: NodeId,
    pub running: bool,
    pub paused: bool,
    pub role: &'static str,
    pub term: Term,
    pub voted_for: Option<NodeId>,
    pub leader: Option<NodeId>,
    pub commit_index: Index,
    pub applied_index: Index,
    pub durable_index: Index,
    pub log_len: Index,
    /// The newest entries, oldest first: `[index, term]`.
    pub log_tail: Vec<(Index, Term)>,
    /// When the election timer fires (true time), if armed.
    pub election_deadline_us: Option<u64>,
    /// A leader's view of each peer: `[peer, match_index, next_index]`.
    pub progress: Vec<(NodeId, Index, Index)>,
    pub unsynced_writes: usize,
    pub clock_drift_ppm: i64,
    pub clock_offset_us: i64,
}

#[derive(Serialize)]
pub struct MessageView {
    pub from: NodeId,
    pub to: NodeId,
    pub kind: &'static str,
    pub term: Term,
    pub sent_us: u64,
    pub arrive_us: u64,
    pub text: String,
}

#[derive(Serialize)]
pub struct ClientOpView {
    pub client: u32,
    pub op: String,
    pub invoke_us: u64,
}

fn phase_name(phase: Phase) -> &'static str {
    match phase {
        Phase::Safety => "safety",
        Phase::Liveness => "liveness",
        Phase::Finished => "finished",
    }
}

/// Builds the view of the simulation now.
pub fn view(simulation: &Simulation) -> View {
    let now_us = simulation.now_us();
    let nodes = simulation
        .servers()
        .iter()
        .enumerate()
        .map(|(position, server)| node_view(position as NodeId + 1, server, now_us))
        .collect();
    let mut messages: Vec<(u64, u64, MessageView)> = simulation
        .pending_events()
        .filter_map(|scheduled| match &scheduled.event {
            Event::Deliver { message, sent_us, .. } => Some((
                scheduled.time_us,
                scheduled.seq,
                MessageView {
                    from: message.from,
                    to: message.to,
                    kind: message.body.kind().name(),
                    term: message.term,
                    sent_us: *sent_us,
                    arrive_us: scheduled.time_us,
                    text: message.to_string(),
                },
            )),
            _ => None,
        })
        .collect();
    messages.sort_by_key(|(time, seq, _)| (*time, *seq));
    let history = simulation.history();
    let counts = history.outcome_counts();
    let clients = history
        .ops
        .iter()
        .filter(|op| op.outcome == Outcome::Pending)
        .map(|op| ClientOpView { client: op.client + 1, op: format!("{:?}", op.op), invoke_us: op.invoke_us })
        .collect();
    View {
        time_us: now_us,
        events: simulation.events(),
        phase: phase_name(simulation.phase()),
        run_us: simulation.scenario().run_us(),
        nodes,
        messages: messages.into_iter().map(|(_, _, message)| message).collect(),
        cut_links: simulation.network().cut_links(),
        held_messages: simulation.network().held_count(),
        clients,
        violation: simulation.violation().cloned(),
        ops_ok: counts.ok,
        ops_failed: counts.failed,
        ops_unknown: counts.unknown,
        leader_changes: simulation.telemetry().leader_changes,
    }
}

fn node_view(id: NodeId, server: &raftsim_core::sim::Server, now_us: u64) -> NodeView {
    let election = server.timers[Timer::Election.slot()];
    let election_deadline_us = election.deadline_local_us.map(|local| server.clock.true_us_at(local, now_us));
    let common = |node: Option<&raftsim_core::raft::Node>| NodeView {
        id,
        running: node.is_some(),
        paused: server.paused,
        role: node.map_or("down", |node| node.role().name()),
        term: node.map_or(server.disk.durable().hard_state.term, |node| node.term()),
        voted_for: node.map_or(server.disk.durable().hard_state.voted_for, |node| node.voted_for()),
        leader: node.and_then(|node| node.leader()),
        commit_index: node.map_or(0, |node| node.commit_index()),
        applied_index: node.map_or(0, |node| node.applied_index()),
        durable_index: node.map_or(server.disk.durable().entries.len() as Index, |node| node.log_index_durable()),
        log_len: 0,
        log_tail: Vec::new(),
        election_deadline_us: node.and(election_deadline_us),
        progress: Vec::new(),
        unsynced_writes: server.disk.unsynced_count(),
        clock_drift_ppm: server.clock.drift_ppm,
        clock_offset_us: server.clock.offset_us,
    };
    let mut view = common(server.node.as_ref());
    let entries: Vec<(Index, Term)> = match &server.node {
        Some(node) => node.log().entries().iter().map(|entry| (entry.index, entry.term)).collect(),
        None => server.disk.durable().entries.iter().map(|entry| (entry.index, entry.term)).collect(),
    };
    view.log_len = entries.len() as Index;
    view.log_tail = entries[entries.len().saturating_sub(LOG_TAIL_LEN)..].to_vec();
    if let Some(node) = server.node.as_ref().filter(|node| node.role() == Role::Leader) {
        view.progress = node
            .config()
            .peers()
            .filter_map(|peer| node.progress(peer).map(|progress| (peer, progress.match_index, progress.next_index)))
            .collect();
    }
    view
}
