//! LeaderAvailability during the fault phase: the world keeps when each node and each link was
//! last disturbed (a crash, a restart, a pause, a clock step, a forced campaign; a cut, a heal, a
//! hold, a message an aimed fault held or released) and when a leader last committed, and after
//! every event of the fault phase asks whether some quorum has been left alone, up and linked
//! both ways, with nothing that reaches it disturbed, for longer than the bound while no leader
//! committed. The bound and the worlds in
//! which Raft promises this come from `check::liveness::availability_bound_us`.

use crate::check::liveness::{availability_bound_us, stable_quorum, unavailable, FaultPhaseWorld};
use crate::raft::{position_of, NodeId};
use crate::scenario::Scenario;

use super::network::SLOTS;
use super::{World, WorldParameters};

/// What LeaderAvailability keeps of the run.
#[derive(Clone, Debug, Default)]
pub(super) struct Availability {
    /// The bound, if the run's world promises availability at all.
    bound_us: Option<u64>,
    /// When each node (by position) was last disturbed.
    node_us: Vec<u64>,
    /// When each link, `[from][to]` by position, was last disturbed.
    link_us: Vec<[u64; SLOTS]>,
    /// When a leader last advanced its commit index.
    commit_us: u64,
}

impl Availability {
    /// What the run's fault phase, drawn as `parameters`, promises.
    pub(super) fn new(scenario: &Scenario, parameters: &WorldParameters) -> Availability {
        let network = &parameters.network;
        let straggler_us_max = if network.straggler_ppm > 0 { network.straggler_us_max } else { 0 };
        let world = FaultPhaseWorld {
            nodes: scenario.nodes,
            check_quorum: parameters.protocol.check_quorum,
            election_timeout_us: (
                parameters.protocol.election_timeout_us_min,
                parameters.protocol.election_timeout_us_max,
            ),
            fsync_us_max: parameters.disk.fsync_us_max,
            latency_us_max: network.latency_us_max,
            straggler_us_max,
            lossy: network.drop_ppm > 0,
            clients: scenario.workload.clients > 0,
        };
        let nodes = scenario.nodes as usize;
        Availability {
            bound_us: availability_bound_us(&world, scenario.phases.leader_bound_us),
            node_us: vec![0; nodes],
            link_us: vec![[0; SLOTS]; nodes],
            commit_us: 0,
        }
    }
}

impl World {
    /// The bound LeaderAvailability judges the fault phase by, if the run's world promises it.
    pub fn availability_bound_us(&self) -> Option<u64> {
        self.availability.bound_us
    }

    /// Node `id` was disturbed now.
    pub(super) fn disturb_node(&mut self, id: NodeId) {
        if self.availability.bound_us.is_some() {
            self.availability.node_us[position_of(id)] = self.now_us;
        }
    }

    /// The link from `from` to `to` was disturbed now.
    pub(super) fn disturb_link(&mut self, from: NodeId, to: NodeId) {
        if self.availability.bound_us.is_some() {
            self.availability.link_us[position_of(from)][position_of(to)] = self.now_us;
        }
    }

    /// Every link whose cut or hold differs between `before` and now was disturbed now.
    pub(super) fn disturb_changed_links(&mut self, before: &super::network::LinkFaults) {
        if self.availability.bound_us.is_none() {
            return;
        }
        let after = self.network.link_faults();
        for from in self.servers.ids() {
            for to in self.servers.ids() {
                let (a, b) = (position_of(from), position_of(to));
                if before.cut[a][b] != after.cut[a][b] || before.held[a][b] != after.held[a][b] {
                    self.availability.link_us[a][b] = self.now_us;
                }
            }
        }
    }

    /// A leader advanced its commit index now.
    pub(super) fn leader_committed(&mut self) {
        self.availability.commit_us = self.now_us;
    }

    /// When node `id` and what it hears were last disturbed: the node itself, every link into or
    /// out of it, and every node that can reach it. A quorum is left alone only if nothing around
    /// it changes either: a node outside it that keeps winning elections (its log is the longest)
    /// and being cut off again, or that restarts and campaigns, can keep a correct cluster from
    /// committing however calm the quorum's own links are (swarm seed 11070 of engine 0.7.0).
    fn left_alone_since(&self, id: NodeId) -> u64 {
        let availability = &self.availability;
        let at = position_of(id);
        self.servers
            .ids()
            .map(|other| {
                let from = position_of(other);
                let links_us = availability.link_us[at][from].max(availability.link_us[from][at]);
                let heard = other != id && !self.network.is_cut(other, id);
                if heard {
                    links_us.max(availability.node_us[from])
                } else {
                    links_us
                }
            })
            .fold(availability.node_us[at], u64::max)
    }

    /// LeaderAvailability after an event of the fault phase. Costs one comparison while leaders
    /// commit within the bound.
    pub(super) fn check_availability(&mut self) {
        let Some(bound_us) = self.availability.bound_us else { return };
        let commit_us = self.availability.commit_us;
        if self.now_us <= bound_us || self.now_us - bound_us <= commit_us {
            return;
        }
        let before_us = self.now_us - bound_us;
        let availability = &self.availability;
        let stable: Vec<NodeId> = self
            .servers
            .iter()
            .filter(|server| server.node.is_some() && !server.paused)
            .map(|server| server.id)
            .filter(|&id| self.left_alone_since(id) < before_us)
            .collect();
        let network = &self.network;
        let linked = |from: NodeId, to: NodeId| {
            !network.is_cut(from, to)
                && !network.is_held(from, to)
                && availability.link_us[position_of(from)][position_of(to)] < before_us
        };
        let Some(quorum) = stable_quorum(&stable, self.scenario.nodes, linked) else { return };
        let since_us = quorum.iter().map(|&id| self.left_alone_since(id)).max().unwrap_or(0);
        self.violation = Some(unavailable(quorum, (since_us, commit_us), bound_us, self.events, self.now_us));
    }
}
