//! Plain data for the page's panels (the run panel, the check board, the node list and the
//! inspector). The canvases are drawn in Rust (`render`); these views are small and the page
//! reads them a few times a second, not per message.

use raftsim_core::check::history::Outcome;
use raftsim_core::check::linearizability::{CheckResult, Verdict};
use raftsim_core::check::violation::Violation;
use raftsim_core::raft::{Index, Node, NodeId, Role, Term, Timer};
use raftsim_core::scenario::Fork;
use raftsim_core::sim::{Phase, Server, World};
use raftsim_core::words;
use serde::Serialize;

/// What the run panel and the check board show.
#[derive(Serialize)]
pub struct RunView {
    pub name: String,
    pub seed: u64,
    pub nodes: u32,
    pub time_us: u64,
    pub events: u64,
    pub phase: &'static str,
    /// When the faults end and every fault is healed.
    pub heal_us: u64,
    /// When the leader must lead by, after the heal.
    pub leader_deadline_us: u64,
    pub run_us: u64,
    /// The furthest this timeline has been run.
    pub frontier_events: u64,
    pub frontier_us: u64,
    pub finished: bool,
    pub violation: Option<Violation>,
    /// The end-of-run linearizability verdict, once the run has ended.
    pub linearizability: Option<&'static str>,
    /// The running leader of the highest term, if any.
    pub leader: Option<NodeId>,
    pub leader_term: Option<Term>,
    pub ops_ok: u64,
    pub ops_failed: u64,
    pub ops_unknown: u64,
    pub ops_pending: u64,
    pub user_actions: usize,
    /// The seed's fault mix strikes at random during the fault phase.
    pub random_faults: bool,
    /// Faults and timeouts the scenario's script makes at fixed times (a tour's, a preset's).
    pub scripted_actions: usize,
    /// Directed links cut now, and messages held on held links.
    pub cut_links: usize,
    /// Pairs of servers with at least one direction cut now.
    pub cut_pairs: usize,
    pub held_messages: usize,
    /// Servers crashed or paused now (after the heal, only by the user's hand).
    pub down_nodes: usize,
    /// Only the damage checks report (the scenario's `checks`): the rule checks are silent.
    pub damage_only: bool,
    /// Where the run leaves its seed's course (a guided hunt's fork): after each fork's event
    /// the random streams restart from its seed, so the seed alone does not replay the run.
    pub forks: Vec<Fork>,
}

/// How many pairs of servers the directed cuts `links` touch.
fn cut_pairs(links: &[(NodeId, NodeId)]) -> usize {
    let mut pairs: Vec<(NodeId, NodeId)> = links.iter().map(|&(a, b)| (a.min(b), a.max(b))).collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs.len()
}

fn phase_name(phase: Phase) -> &'static str {
    match phase {
        Phase::Safety => "faults",
        Phase::Liveness => "recovery",
        Phase::Finished => "finished",
    }
}

pub fn verdict_name(result: &CheckResult) -> &'static str {
    match result.verdict {
        Verdict::Linearizable => "linearizable",
        Verdict::NotLinearizable => "not linearizable",
        Verdict::Unknown => "unknown",
    }
}

pub fn run_view(simulation: &World, frontier: (u64, u64), user_actions: usize) -> RunView {
    let scenario = simulation.scenario();
    let counts = simulation.history().outcome_counts();
    let leader = simulation.current_leader();
    RunView {
        name: scenario.name.clone(),
        seed: scenario.seed,
        nodes: scenario.nodes,
        time_us: simulation.now_us(),
        events: simulation.events(),
        phase: phase_name(simulation.phase()),
        heal_us: scenario.phases.safety_us,
        leader_deadline_us: scenario.phases.safety_us + scenario.phases.leader_bound_us,
        run_us: scenario.run_us(),
        frontier_events: frontier.0,
        frontier_us: frontier.1,
        finished: simulation.phase() == Phase::Finished,
        violation: simulation.violation().cloned(),
        linearizability: simulation.linearizability().map(verdict_name),
        leader: leader.map(Node::id),
        leader_term: leader.map(Node::term),
        ops_ok: counts.ok,
        ops_failed: counts.failed,
        ops_unknown: counts.unknown,
        ops_pending: counts.pending,
        user_actions,
        random_faults: simulation.parameters().nemesis.kinds.any(),
        scripted_actions: scenario.script.len(),
        cut_links: simulation.network().cut_links().len(),
        cut_pairs: cut_pairs(&simulation.network().cut_links()),
        held_messages: simulation.network().held_count(),
        down_nodes: simulation.servers().iter().filter(|server| server.node.is_none() || server.paused).count(),
        damage_only: !simulation.scenario().checks.rules(),
        forks: scenario.forks.clone(),
    }
}

/// One node in a line, for the node list the page keeps beside the canvas (for keyboards and
/// screen readers, and as what the tests read).
#[derive(Serialize)]
pub struct NodeLine {
    pub id: NodeId,
    pub role: &'static str,
    /// The role as a person says it.
    pub role_words: String,
    pub running: bool,
    pub paused: bool,
    pub term: Term,
    pub leader: Option<NodeId>,
    pub last_index: Index,
    pub commit_index: Index,
}

pub fn node_lines(simulation: &World) -> Vec<NodeLine> {
    simulation
        .servers()
        .iter()
        .enumerate()
        .map(|(position, server)| {
            let node = server.node.as_ref();
            NodeLine {
                id: position as NodeId + 1,
                role: node.map_or("down", |node| node.role().name()),
                role_words: role_words(node, server.paused),
                running: node.is_some(),
                paused: server.paused,
                term: node.map_or(server.disk.durable().hard_state.term, Node::term),
                leader: node.and_then(Node::leader),
                last_index: node.map_or(server.disk.durable().entries.len() as Index, |node| node.log().last_index()),
                commit_index: node.map_or(0, Node::commit_index),
            }
        })
        .collect()
}

/// Everything the inspector shows about one node.
#[derive(Serialize)]
pub struct NodeDetail {
    pub id: NodeId,
    pub role: &'static str,
    /// The role as a person says it.
    pub role_words: String,
    pub running: bool,
    pub paused: bool,
    pub term: Term,
    pub voted_for: Option<NodeId>,
    pub leader: Option<NodeId>,
    pub last_index: Index,
    pub last_term: Term,
    pub commit_index: Index,
    pub applied_index: Index,
    pub durable_index: Index,
    /// Writes issued and not yet fsynced.
    pub unsynced_writes: usize,
    /// Messages waiting in the node for their writes to be durable.
    pub held_messages: usize,
    pub clock_drift_ppm: i64,
    pub clock_offset_us: i64,
    /// Simulated time until the election timer fires, if it is armed.
    pub election_timer_us: Option<u64>,
    /// A candidate's answers so far: `[peer, granted]`.
    pub votes: Vec<(NodeId, bool)>,
    /// A leader's view of each peer.
    pub progress: Vec<PeerProgress>,
    /// Client operations waiting at this node.
    pub client_ops: Vec<String>,
    pub prevote: bool,
    pub check_quorum: bool,
}

#[derive(Serialize)]
pub struct PeerProgress {
    pub peer: NodeId,
    pub match_index: Index,
    pub next_index: Index,
    pub mode: &'static str,
}

pub fn node_detail(simulation: &World, id: NodeId) -> NodeDetail {
    let server = simulation.server(id);
    let node = server.node.as_ref();
    let durable = server.disk.durable();
    let now_us = simulation.now_us();
    NodeDetail {
        id,
        role: node.map_or("down", |node| node.role().name()),
        role_words: role_words(node, server.paused),
        running: node.is_some(),
        paused: server.paused,
        term: node.map_or(durable.hard_state.term, Node::term),
        voted_for: node.map_or(durable.hard_state.voted_for, Node::voted_for),
        leader: node.and_then(Node::leader),
        last_index: node.map_or(durable.entries.len() as Index, |node| node.log().last_index()),
        last_term: node.map_or(durable.entries.last().map_or(0, |entry| entry.term), |node| node.log().last_term()),
        commit_index: node.map_or(0, Node::commit_index),
        applied_index: node.map_or(0, Node::applied_index),
        durable_index: server.log_index_durable(),
        unsynced_writes: server.disk.unsynced_count(),
        held_messages: node.map_or(0, Node::held_message_count),
        clock_drift_ppm: server.clock.drift_ppm,
        clock_offset_us: server.clock.offset_us,
        election_timer_us: node.and(election_remaining_us(server, now_us)),
        votes: node
            .map(|node| node.votes().iter().map(|(&peer, &granted)| (peer, granted)).collect())
            .unwrap_or_default(),
        progress: node.map(progress_of).unwrap_or_default(),
        client_ops: client_ops_at(simulation, id),
        prevote: server.config.protocol.prevote,
        check_quorum: server.config.protocol.check_quorum,
    }
}

fn election_remaining_us(server: &Server, now_us: u64) -> Option<u64> {
    let deadline_local_us = server.timers[Timer::Election.slot()].deadline_local_us?;
    Some(server.clock.true_us_at(deadline_local_us, now_us).saturating_sub(now_us))
}

fn progress_of(node: &Node) -> Vec<PeerProgress> {
    if node.role() != Role::Leader {
        return Vec::new();
    }
    node.config()
        .peers()
        .filter_map(|peer| {
            node.progress(peer).map(|progress| PeerProgress {
                peer,
                match_index: progress.match_index(),
                next_index: progress.next_index(),
                mode: match progress.mode() {
                    raftsim_core::raft::Mode::Probe => "probe",
                    raftsim_core::raft::Mode::Replicate => "replicate",
                },
            })
        })
        .collect()
}

fn client_ops_at(simulation: &World, id: NodeId) -> Vec<String> {
    let history = simulation.history();
    simulation
        .clients()
        .iter()
        .filter(|client| client.target == id)
        .filter_map(|client| {
            let pending = client.pending.as_ref()?;
            let op = &history.ops[pending.history_position];
            debug_assert_eq!(op.outcome, Outcome::Pending);
            Some(format!("client {}: {} (attempt {})", client.client_id, words::op_short(&op.op), pending.attempt))
        })
        .collect()
}

/// One log entry, as the log strips' tooltip describes it.
#[derive(Serialize)]
pub struct EntryView {
    pub node: NodeId,
    pub index: Index,
    pub term: Term,
    /// What the entry carries, in words.
    pub text: String,
    pub committed: bool,
    pub applied: bool,
    pub durable: bool,
    /// The position in the client history of the operation whose command it carries.
    pub operation: Option<usize>,
}

/// Entry `index` of node `id`'s log (its disk's, if it is down), if it has one.
pub fn entry_view(simulation: &World, id: NodeId, index: Index) -> Option<EntryView> {
    let server = simulation.server(id);
    let node = server.node.as_ref();
    let entry = match node {
        Some(node) => node.log().entry(index).cloned(),
        None => server.disk.durable().entries.get(index as usize - 1).cloned(),
    }?;
    let (text, operation) = match &entry.payload {
        raftsim_core::raft::Payload::Noop => ("a no-op: the first entry of a new leader's term".to_string(), None),
        raftsim_core::raft::Payload::Command(command) => (
            format!("client {}, request {}: {}", command.client, command.seq, command.op),
            crate::history::operation_of_command(simulation.history(), command.client, command.seq),
        ),
    };
    Some(EntryView {
        node: id,
        index,
        term: entry.term,
        text,
        committed: node.is_some_and(|node| index <= node.commit_index()),
        applied: node.is_some_and(|node| index <= node.applied_index()),
        durable: index <= server.log_index_durable(),
        operation,
    })
}

/// Where a check stands now, for the board.
#[derive(Serialize)]
pub struct CheckState {
    pub name: &'static str,
    /// `holds`, `failed`, `waiting` (not judged yet), `not_judged` (the run stopped at a
    /// violation before judging it, or a rule check in a damage-only run) or `unknown` (the
    /// linearizability budget ran out).
    pub state: &'static str,
    /// Why, in a sentence; empty for a safety check that holds.
    pub sentence: String,
}

/// Every check the engine runs, and where it stands at this moment of the run.
pub fn check_states(simulation: &World) -> Vec<CheckState> {
    use raftsim_core::check::violation::{CheckedWhen, Invariant};
    use raftsim_core::words::duration as duration_words;
    let phases = &simulation.scenario().phases;
    let (now_us, heal_us) = (simulation.now_us(), phases.safety_us);
    let deadline_us = phases.safety_us + phases.leader_bound_us;
    let finished = simulation.phase() == Phase::Finished;
    let violation = simulation.violation();
    let state = |invariant: Invariant| -> (&'static str, String) {
        if let Some(violation) = violation.filter(|violation| violation.invariant == invariant) {
            return ("failed", violation.message.clone());
        }
        if !invariant.reported(simulation.scenario().checks.rules()) {
            return ("not_judged", "Not judged: a rule check, silent in this damage-only run.".into());
        }
        let when = invariant.when_checked();
        if when == CheckedWhen::EveryEvent {
            return every_event_state(violation);
        }
        if violation.is_some() {
            return ("not_judged", "Not judged: the run stopped at an earlier violation.".into());
        }
        match (invariant, when) {
            (_, CheckedWhen::DuringFaults) => match simulation.availability_bound_us() {
                None => (
                    "not_judged",
                    "Not judged in this run: Raft promises it only with CheckQuorum, no message loss, clients, and a disk and network fast against the election timeout.".into(),
                ),
                Some(bound_us) if now_us < heal_us => (
                    "holds",
                    format!("Watched until the heal: a quorum left alone for {} has a leader that commits.", duration_words(bound_us)),
                ),
                Some(_) => ("holds", "A quorum left alone had a leader that committed, all through the faults.".into()),
            },
            (_, CheckedWhen::AfterHeal) if now_us < heal_us => {
                ("waiting", format!("Judged after the heal at {}.", duration_words(heal_us)))
            }
            (Invariant::LeaderLiveness, _) if now_us < deadline_us => {
                ("waiting", format!("A leader with a quorum must have committed by {}.", duration_words(deadline_us)))
            }
            (Invariant::LeaderLiveness, _) => {
                ("holds", "A leader with a quorum committed in time after the heal.".into())
            }
            (_, _) if !finished => (
                "waiting",
                format!("Judged when the run ends, at {}.", duration_words(phases.safety_us + phases.liveness_us)),
            ),
            (Invariant::ClientLiveness, _) => ("holds", "Every operation after the recovery completed in time.".into()),
            _ => match simulation.linearizability().map(|result| result.verdict) {
                Some(Verdict::Unknown) => {
                    ("unknown", "Unknown: the checker's step budget ran out before an answer.".into())
                }
                _ => {
                    ("holds", format!("The history of {} operations is linearizable.", simulation.history().ops.len()))
                }
            },
        }
    };
    Invariant::ALL
        .iter()
        .map(|&invariant| {
            let (state, sentence) = state(invariant);
            CheckState { name: invariant.name(), state, sentence }
        })
        .collect()
}

/// Where a check judged after every event stands: it holds, unless the run stopped at a
/// violation, where the checker stops at the first check that fails and the others have no
/// verdict at that event, only at every one before it.
fn every_event_state(violation: Option<&Violation>) -> (&'static str, String) {
    match violation {
        Some(violation) => (
            "not_judged",
            format!(
                "Held before event {}; not judged at it (the run stopped at {}).",
                words::count(violation.event),
                violation.invariant.name()
            ),
        ),
        None => ("holds", String::new()),
    }
}

/// A node's role as a person says it: `leader`, `pre-candidate`, `crashed`, with `, paused`.
pub fn role_words(node: Option<&Node>, paused: bool) -> String {
    let Some(node) = node else { return "crashed".into() };
    let role = match node.role() {
        Role::PreCandidate => "pre-candidate",
        role => role.name(),
    };
    if paused {
        format!("{role}, paused")
    } else {
        role.to_string()
    }
}
