//! Coverage: which abstract states of the cluster a run reached.
//!
//! A *signature* is a small, canonical summary of the whole cluster at one moment, computed by
//! the world from its nodes (the protocol is not asked; the checks do not know of it). Two
//! moments with the same signature look alike to a Raft bug: the signature forgets node ids
//! (the per-node parts are sorted into a multiset), absolute terms and indexes (terms are
//! counted back from the highest term any node holds), and everything a bug does not turn on
//! (message contents, clients, time).
//!
//! Per node, four small features (60 values):
//! - what it is: down, follower, pre-candidate, candidate or leader (5);
//! - whether its term is behind the highest term (2);
//! - how far its last log entry's term is behind the highest term: 0, 1, 2 or more, an empty
//!   log counting as far behind (3);
//! - whether its log runs past its commit index: an uncommitted tail (2).
//!
//! For the cluster, three flags that deep bugs need:
//! - *cut off*: some node is paused, or cannot exchange messages both ways with enough peers
//!   to make a majority with itself;
//! - *stale majority*: the first index no running node has committed holds an entry of an
//!   older term than the highest on a majority of the logs (the set-up of the paper's Figure 8:
//!   such an entry must not be committed by counting replicas);
//! - *diverged*: two logs disagree at some index (by Log Matching, at the shorter one's last
//!   index), as after a leader's uncommitted entries are overwritten.
//!
//! The space: a multiset of n of 60 node values times 8 for the flags, bounded above by
//! C(64, 5) * 8, about 6e7 for five nodes, but the states a run can reach are far fewer (one
//! leader at most in the highest term, most nodes follow, terms within an election or two of
//! each other): tens of thousands over ten thousand swarm seeds, as `raftsim sweep --coverage` reports.
//!
//! [`Coverage`] watches a world (`sim::observe`; on with
//! [`Watch::set_coverage`](super::watch::Watch::set_coverage)) and takes the signature only
//! after events that can change a feature (a delivery, a timer, an fsync, a request, a fault)
//! and did change what it reads (each node's role, term, last entry, commit index and log
//! truncations, and the network's cuts: most deliveries change none of it); unwatched, a step
//! pays one test of an `Option`. It never changes what the world does: a covered run has the
//! trace of an uncovered one.

use std::collections::BTreeSet;

use crate::fingerprint::Fingerprint;
use crate::raft::{id_at, quorum, slot, Role, Term};
use crate::scenario::NODES_MAX;

use crate::sim::network::{Network, SLOTS};
use crate::sim::observe::{Observer, Report};
use crate::sim::{Event, Server, World};

/// A signature reached for the first time in a run, and the event after which it held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FirstReach {
    /// The event's number (0: the state at boot).
    pub event: u64,
    /// The signature.
    pub signature: u64,
}

/// The signatures one run reached: the set, and the order in which they first appeared.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    reached: BTreeSet<u64>,
    firsts: Vec<FirstReach>,
    current: Option<u64>,
    /// What the current signature was taken from: while it stays the same, so does the
    /// signature, and it is not taken again.
    inputs: Option<SignatureInputs>,
    /// Whether the event being handled (or a person's action) may change the signature: it is
    /// taken again once the world settles. False between events.
    due: bool,
}

impl Coverage {
    /// Takes in the signature holding after event `event`; returns whether it is new to the
    /// run.
    pub fn note(&mut self, event: u64, signature: u64) -> bool {
        if self.current == Some(signature) {
            return false;
        }
        self.current = Some(signature);
        let new = self.reached.insert(signature);
        if new {
            self.firsts.push(FirstReach { event, signature });
        }
        debug_assert_eq!(self.reached.len(), self.firsts.len(), "every signature is first reached once");
        new
    }

    /// The distinct signatures reached, in ascending order.
    pub fn reached(&self) -> &BTreeSet<u64> {
        &self.reached
    }

    /// How many distinct signatures were reached.
    pub fn count(&self) -> usize {
        self.reached.len()
    }

    /// Each signature with the event it first held after, in the order they were reached.
    pub fn firsts(&self) -> &[FirstReach] {
        &self.firsts
    }

    /// The signature holding now, once one was taken.
    pub fn current(&self) -> Option<u64> {
        self.current
    }
}

/// Whether `event` can change a feature of the signature. Client bookkeeping, samples, the
/// liveness deadline and the end change no node, log or link.
fn may_change(event: &Event) -> bool {
    !matches!(
        event,
        Event::Reply { .. }
            | Event::ClientIssue { .. }
            | Event::ClientTimeout { .. }
            | Event::Sample
            | Event::LeaderDeadline
            | Event::End
    )
}

/// What one node's part of the signature, and its part in the cluster's flags, is read from.
/// A log changes only by appends (which move the last index) and truncations (counted): so
/// when none of these moved, the node's log holds what it held.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct NodeInputs {
    role: Option<Role>,
    paused: bool,
    term: Term,
    last_index: u64,
    last_term: Term,
    commit_index: u64,
    log_rewrites: u64,
}

/// Everything [`signature`] reads, in a form cheap to compare: the nodes' inputs and the
/// network's cuts. Most events (a heartbeat answered, a message in flight) change none of it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct SignatureInputs {
    nodes: [NodeInputs; NODES],
    cuts: [[bool; SLOTS]; SLOTS],
}

impl NodeInputs {
    /// What the signature reads of one node: from the node while it runs, from its disk while
    /// it is down.
    fn of(server: &Server) -> NodeInputs {
        match &server.node {
            Some(node) => NodeInputs {
                role: Some(node.role()),
                paused: server.paused,
                term: node.term(),
                last_index: node.log().last_index(),
                last_term: node.log().last_term(),
                commit_index: node.commit_index(),
                log_rewrites: server.log_rewrites(),
            },
            None => {
                let durable = server.disk.durable();
                NodeInputs {
                    term: durable.hard_state.term,
                    last_index: durable.entries.len() as u64,
                    last_term: durable.entries.last().map_or(0, |entry| entry.term),
                    log_rewrites: server.log_rewrites(),
                    ..NodeInputs::default()
                }
            }
        }
    }
}

impl SignatureInputs {
    fn of(servers: &[Server], network: &Network) -> SignatureInputs {
        let mut nodes = [NodeInputs::default(); NODES];
        for (inputs, server) in nodes.iter_mut().zip(servers) {
            *inputs = NodeInputs::of(server);
        }
        SignatureInputs { nodes, cuts: *network.cuts() }
    }
}

/// One node as the signature sees it: what it reads of the node, whether the node is cut off,
/// and the server, for its log.
#[derive(Clone, Copy)]
struct NodeView<'a> {
    node: NodeInputs,
    cut_off: bool,
    server: &'a Server,
}

impl NodeView<'_> {
    /// The term of the entry at `index` in this node's log (its disk's while it is down).
    fn term_at(&self, index: u64) -> Option<Term> {
        match &self.server.node {
            Some(node) => node.log().term_at(index),
            None if index == 0 => Some(0),
            None => self.server.disk.durable().entries.get(slot(index)).map(|entry| entry.term),
        }
    }
}

/// Most nodes a cluster has: the signature's working arrays live on the stack, since it is
/// taken after most events of a covered run.
const NODES: usize = NODES_MAX as usize;

fn view_of<'a>(server: &'a Server, id: usize, servers: usize, network: &Network) -> NodeView<'a> {
    let reachable = |peer: usize| {
        let (from, to) = (id_at(id), id_at(peer));
        peer == id || (!network.is_cut(from, to) && !network.is_cut(to, from))
    };
    // A node that is down is not counted as cut off: it is down.
    let cut_off = server.node.is_some()
        && (server.paused || (0..servers).filter(|&peer| reachable(peer)).count() < quorum(servers));
    NodeView { node: NodeInputs::of(server), cut_off, server }
}

/// One node's part of the signature (fewer than 60 values; see the module's comment).
fn node_code(view: &NodeView, term_max: Term) -> u64 {
    let status = match view.node.role {
        None => 0,
        Some(Role::Follower) => 1,
        Some(Role::PreCandidate) => 2,
        Some(Role::Candidate) => 3,
        Some(Role::Leader) => 4,
    };
    let term_stale = u64::from(view.node.term < term_max);
    let log_behind = if view.node.last_index == 0 { 2 } else { (term_max - view.node.last_term).min(2) };
    let tail = u64::from(
        view.node.role.is_some_and(|role| role != Role::Follower) && view.node.last_index > view.node.commit_index,
    );
    let code = ((status * 2 + term_stale) * 3 + log_behind) * 2 + tail;
    debug_assert!(code < 60, "a node's code fits the documented space");
    code
}

/// Whether the first index no running node has committed holds an entry of a term older than
/// `term_max` on a majority of the logs.
fn stale_majority(views: &[NodeView], term_max: Term) -> bool {
    let committed =
        views.iter().filter(|view| view.node.role.is_some()).map(|view| view.node.commit_index).max().unwrap_or(0);
    let index = committed + 1;
    let mut terms = [0; NODES];
    let mut held = 0;
    for term in views.iter().filter_map(|view| view.term_at(index)) {
        terms[held] = term;
        held += 1;
    }
    let terms = &mut terms[..held];
    terms.sort_unstable();
    let needed = quorum(views.len());
    terms.chunk_by(|a, b| a == b).any(|run| run[0] < term_max && run.len() >= needed)
}

/// Whether two logs disagree at some index: by Log Matching, two logs that agree at the
/// shorter one's last index agree up to it, so one comparison a pair decides it.
fn diverged(views: &[NodeView]) -> bool {
    views.iter().enumerate().any(|(position, first)| {
        views[position + 1..].iter().any(|second| {
            let index = first.node.last_index.min(second.node.last_index);
            index > 0 && first.term_at(index) != second.term_at(index)
        })
    })
}

/// The signature of the cluster of `servers` on `network` now (see the module's comment): a
/// hash of the node multiset in the high 61 bits, the cluster's three flags in the low 3
/// ([`CUT_OFF`], [`STALE_MAJORITY`], [`DIVERGED`]), so a hunt can read them. The server at
/// place `p` is read as node `p + 1` on the network (what the world's servers are until the
/// set of servers can change, and what a test renaming them relies on).
pub fn signature(servers: &[Server], network: &Network) -> u64 {
    assert!(!servers.is_empty() && servers.len() <= NODES, "a cluster has 1 to {NODES} nodes");
    // Every slot starts as node 1's view; those past the cluster are never read.
    let mut views = [view_of(&servers[0], 0, servers.len(), network); NODES];
    for (id, server) in servers.iter().enumerate().skip(1) {
        views[id] = view_of(server, id, servers.len(), network);
    }
    let views = &views[..servers.len()];
    let term_max = views.iter().map(|view| view.node.term.max(view.node.last_term)).max().unwrap_or(0);
    let mut codes = [0; NODES];
    for (code, view) in codes.iter_mut().zip(views) {
        *code = node_code(view, term_max);
    }
    let codes = &mut codes[..views.len()];
    codes.sort_unstable();
    let mut fingerprint = Fingerprint::default();
    for run in codes.chunk_by(|a, b| a == b) {
        fingerprint.word(run[0] * 2 + u64::from(run.len() > 1));
    }
    let mut flags = 0;
    if views.iter().any(|view| view.cut_off) {
        flags |= CUT_OFF;
    }
    if stale_majority(views, term_max) {
        flags |= STALE_MAJORITY;
    }
    if diverged(views) {
        flags |= DIVERGED;
    }
    (fingerprint.value() << 3) | flags
}

/// A signature's bit: some node is cut off (paused, or without a majority it can talk to).
pub const CUT_OFF: u64 = 1;
/// A signature's bit: an older term's uncommitted entry sits on a majority (Figure 8's set-up).
pub const STALE_MAJORITY: u64 = 1 << 1;
/// A signature's bit: two logs disagree at some index.
pub const DIVERGED: u64 = 1 << 2;

/// Whether a signature holds one of the set-ups deep bugs need (a stale majority, diverged
/// logs): a guided hunt explores around these first.
pub fn is_deep(signature: u64) -> bool {
    signature & (STALE_MAJORITY | DIVERGED) != 0
}

impl Coverage {
    /// The coverage of `world` from now on: the signature of its state now first.
    pub fn of(world: &World) -> Coverage {
        let mut coverage = Coverage::default();
        coverage.update(world);
        coverage
    }

    /// Takes the signature of `world` now; returns whether it is new to the run. The signature
    /// is taken again only when what it reads changed since the last time
    /// ([`SignatureInputs`]).
    fn update(&mut self, world: &World) -> bool {
        let inputs = SignatureInputs::of(world.servers(), world.network());
        if self.inputs.as_ref() == Some(&inputs) {
            debug_assert_eq!(
                self.current,
                Some(signature(world.servers(), world.network())),
                "the same inputs give the same signature"
            );
            return false;
        }
        self.inputs = Some(inputs);
        self.note(world.events(), signature(world.servers(), world.network()))
    }
}

impl Observer for Coverage {
    /// Marks an event that may change the signature, or a person's action, and takes the
    /// signature once the world settles after it.
    fn observe(&mut self, world: &World, report: &Report<'_>) {
        match report {
            Report::Event { event, .. } => self.due = may_change(event),
            Report::UserAction(_) => self.due = true,
            Report::Settled if self.due => {
                self.due = false;
                self.update(world);
            }
            _ => {}
        }
    }

    /// It reads the world when it settles, not what happened meanwhile.
    fn wants_details(&self) -> bool {
        false
    }
}
