//! The simulated network between nodes: per directed link, latency with jitter, stragglers,
//! drops, duplicates, cuts (partitions) and holds.
//!
//! A cut is checked when a message would arrive, so messages in flight when a partition starts
//! are lost too. A held link keeps what is sent on it until it is released.

use crate::raft::{Message, NodeId};
use crate::scenario::{Action, NetworkOptions, NODES_MAX};

use super::rng::Rng;

pub(crate) const SLOTS: usize = NODES_MAX as usize + 1;

/// What the network decided for one message: when each copy arrives (none if dropped).
/// The delays live inline (at most two copies), so routing a message allocates nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Route {
    /// Arrival delays of the copies, in microseconds from now; the first `copies` count.
    delays_us: [u64; 2],
    /// How many copies arrive: 0 if dropped or held, 2 if duplicated.
    copies: usize,
    /// The link is held: the message waits in the network.
    pub held: bool,
}

impl Route {
    /// Arrival delays of the copies, in microseconds from now: empty if dropped, two if
    /// duplicated.
    pub fn delays_us(&self) -> &[u64] {
        &self.delays_us[..self.copies]
    }

    fn arriving(delays_us: [u64; 2], copies: usize) -> Route {
        assert!(copies <= delays_us.len(), "at most two copies of a message arrive");
        Route { delays_us, copies, held: false }
    }
}

/// Links and their faults.
#[derive(Clone, Debug)]
pub struct Network {
    options: NetworkOptions,
    /// `cut[from][to]`: messages on that link are lost.
    cut: [[bool; SLOTS]; SLOTS],
    /// `held[from][to]`: messages on that link wait for a release.
    held: [[bool; SLOTS]; SLOTS],
    /// Messages waiting on held links, in send order.
    holding: Vec<Message>,
    /// The number in the run of each message in `holding` (reported at its release, so a
    /// watcher matches it with its send).
    holding_ids: Vec<u64>,
}

/// Every link's cut and hold, `[from][to]` by position (node id less one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LinkFaults {
    /// Whether the link is cut.
    pub(crate) cut: [[bool; SLOTS]; SLOTS],
    /// Whether the link holds its messages.
    pub(crate) held: [[bool; SLOTS]; SLOTS],
}

impl Network {
    /// A network with no faults yet.
    pub fn new(options: NetworkOptions) -> Self {
        Network {
            options,
            cut: [[false; SLOTS]; SLOTS],
            held: [[false; SLOTS]; SLOTS],
            holding: Vec::new(),
            holding_ids: Vec::new(),
        }
    }

    /// The options in force.
    pub fn options(&self) -> &NetworkOptions {
        &self.options
    }

    /// Turns drops, duplicates and stragglers off (the liveness phase).
    pub fn calm(&mut self) {
        self.options.drop_ppm = 0;
        self.options.duplicate_ppm = 0;
        self.options.straggler_ppm = 0;
    }

    /// One ordinary one-way latency.
    pub fn latency_us(&self, rng: &mut Rng) -> u64 {
        let mut delay = rng.between(self.options.latency_us_min, self.options.latency_us_max);
        if rng.chance(self.options.straggler_ppm) {
            delay += rng.between(0, self.options.straggler_us_max);
        }
        delay
    }

    /// Decides the fate of message number `id`, sent now.
    pub fn route(&mut self, rng: &mut Rng, message: &Message, id: u64) -> Route {
        if self.held[slot(message.from)][slot(message.to)] {
            self.holding.push(message.clone());
            self.holding_ids.push(id);
            return Route { held: true, ..Route::default() };
        }
        if rng.chance(self.options.drop_ppm) {
            return Route::default();
        }
        let first_us = self.latency_us(rng);
        if rng.chance(self.options.duplicate_ppm) {
            let second_us = self.latency_us(rng);
            return Route::arriving([first_us, second_us], 2);
        }
        Route::arriving([first_us, 0], 1)
    }

    /// Whether a message from `from` to `to` arriving now gets through.
    pub fn is_cut(&self, from: NodeId, to: NodeId) -> bool {
        self.cut[slot(from)][slot(to)]
    }

    /// Whether the link from `from` to `to` holds its messages.
    pub fn is_held(&self, from: NodeId, to: NodeId) -> bool {
        self.held[slot(from)][slot(to)]
    }

    /// Every link's cut and hold, by position: for a caller that must tell which changed.
    pub(crate) fn link_faults(&self) -> LinkFaults {
        let at = |matrix: &[[bool; SLOTS]; SLOTS]| {
            let mut by_position = [[false; SLOTS]; SLOTS];
            for (from, row) in by_position.iter_mut().enumerate().take(SLOTS - 1) {
                for (to, cell) in row.iter_mut().enumerate().take(SLOTS - 1) {
                    *cell = matrix[from + 1][to + 1];
                }
            }
            by_position
        };
        LinkFaults { cut: at(&self.cut), held: at(&self.held) }
    }

    /// Every link's cut, `[from][to]` by slot: for a caller that must tell whether any changed.
    pub(crate) fn cuts(&self) -> &[[bool; SLOTS]; SLOTS] {
        &self.cut
    }

    /// Applies a network action; other actions are not the network's and are refused. Returns
    /// the messages a release lets go, each with its number.
    pub fn apply(&mut self, action: &Action, nodes: &[NodeId]) -> Vec<(u64, Message)> {
        match action {
            Action::Partition { groups } => {
                let group_of = |node: NodeId| groups.iter().position(|group| group.contains(&node));
                for &from in nodes {
                    for &to in nodes {
                        let apart = from != to && (group_of(from).is_none() || group_of(from) != group_of(to));
                        self.cut[slot(from)][slot(to)] = apart;
                    }
                }
            }
            Action::OneWay { from, to } | Action::HealOneWay { from, to } => {
                let cut = matches!(action, Action::OneWay { .. });
                for &sender in from {
                    for &receiver in to {
                        self.cut[slot(sender)][slot(receiver)] = cut && sender != receiver;
                    }
                }
            }
            Action::Bridge { bridge, left, right } => {
                for &one in left {
                    for &other in right {
                        if one != *bridge && other != *bridge && one != other {
                            self.cut[slot(one)][slot(other)] = true;
                            self.cut[slot(other)][slot(one)] = true;
                        }
                    }
                }
            }
            Action::Isolate { node } => {
                for &other in nodes {
                    if other != *node {
                        self.cut[slot(*node)][slot(other)] = true;
                        self.cut[slot(other)][slot(*node)] = true;
                    }
                }
            }
            Action::CutLink { a, b } | Action::HealLink { a, b } => {
                let cut = matches!(action, Action::CutLink { .. }) && a != b;
                self.cut[slot(*a)][slot(*b)] = cut;
                self.cut[slot(*b)][slot(*a)] = cut;
            }
            Action::Heal => self.cut = [[false; SLOTS]; SLOTS],
            Action::Hold { from, to } => self.held[slot(*from)][slot(*to)] = true,
            Action::Release { from, to } => {
                self.held[slot(*from)][slot(*to)] = false;
                return self.take_held(|message| message.from == *from && message.to == *to);
            }
            other => panic!("not a network action: {other:?}"),
        }
        Vec::new()
    }

    /// Releases every hold and returns what they kept, each with its number.
    pub fn release_all(&mut self) -> Vec<(u64, Message)> {
        self.held = [[false; SLOTS]; SLOTS];
        self.take_held(|_| true)
    }

    fn take_held(&mut self, matches: impl Fn(&Message) -> bool) -> Vec<(u64, Message)> {
        assert_eq!(self.holding.len(), self.holding_ids.len(), "every held message has its number");
        let held = std::mem::take(&mut self.holding).into_iter().zip(std::mem::take(&mut self.holding_ids));
        let (released, kept): (Vec<_>, Vec<_>) = held.partition(|(message, _)| matches(message));
        (self.holding, self.holding_ids) = kept.into_iter().unzip();
        released.into_iter().map(|(message, id)| (id, message)).collect()
    }

    /// Directed links currently cut, in order, for display.
    pub fn cut_links(&self) -> Vec<(NodeId, NodeId)> {
        let mut links = Vec::new();
        for from in 1..=NODES_MAX {
            for to in 1..=NODES_MAX {
                if self.cut[slot(from)][slot(to)] {
                    links.push((from, to));
                }
            }
        }
        links
    }

    /// Messages waiting on held links.
    pub fn held_count(&self) -> usize {
        self.holding.len()
    }

    /// The messages waiting on held links, in send order.
    pub fn held_messages(&self) -> &[Message] {
        &self.holding
    }
}

fn slot(node: NodeId) -> usize {
    assert!((1..=NODES_MAX).contains(&node), "node {node} out of range");
    node as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::Body;
    use crate::sim::rng::Stream;

    fn message(from: NodeId, to: NodeId) -> Message {
        Message { from, to, term: 1, body: Body::HeartbeatResponse }
    }

    #[test]
    fn partitions_cut_between_groups_only() {
        let mut network = Network::new(NetworkOptions::default());
        let nodes = [1, 2, 3, 4, 5];
        network.apply(&Action::Partition { groups: vec![vec![1, 2, 3], vec![4, 5]] }, &nodes);
        assert!(!network.is_cut(1, 3));
        assert!(network.is_cut(1, 4) && network.is_cut(5, 2));
        assert!(!network.is_cut(4, 5));
        network.apply(&Action::Heal, &nodes);
        assert!(network.cut_links().is_empty());
    }

    #[test]
    fn one_way_and_bridge_cut_what_they_say() {
        let mut network = Network::new(NetworkOptions::default());
        let nodes = [1, 2, 3];
        network.apply(&Action::OneWay { from: vec![1], to: vec![2] }, &nodes);
        assert!(network.is_cut(1, 2) && !network.is_cut(2, 1));
        network.apply(&Action::CutLink { a: 1, b: 3 }, &nodes);
        network.apply(&Action::HealOneWay { from: vec![3], to: vec![1] }, &nodes);
        assert!(network.is_cut(1, 3) && !network.is_cut(3, 1), "one direction heals on its own");
        network.apply(&Action::Heal, &nodes);
        network.apply(&Action::Bridge { bridge: 2, left: vec![1, 2], right: vec![2, 3] }, &nodes);
        assert!(network.is_cut(1, 3) && network.is_cut(3, 1));
        assert!(!network.is_cut(1, 2) && !network.is_cut(2, 3));
    }

    #[test]
    fn a_held_link_keeps_messages_until_released() {
        let mut network = Network::new(NetworkOptions::default());
        let mut rng = Rng::new(1, Stream::Network);
        network.apply(&Action::Hold { from: 1, to: 2 }, &[1, 2]);
        assert!(network.route(&mut rng, &message(1, 2), 7).held);
        assert!(!network.route(&mut rng, &message(2, 1), 8).held);
        let released = network.apply(&Action::Release { from: 1, to: 2 }, &[1, 2]);
        assert_eq!(released, vec![(7, message(1, 2))]);
        assert_eq!(network.held_count(), 0);
    }

    #[test]
    fn drops_and_duplicates_follow_their_rates() {
        let options = NetworkOptions { drop_ppm: 1_000_000, ..NetworkOptions::default() };
        let mut rng = Rng::new(1, Stream::Network);
        assert!(Network::new(options).route(&mut rng, &message(1, 2), 0).delays_us().is_empty());
        let options = NetworkOptions { duplicate_ppm: 1_000_000, ..NetworkOptions::default() };
        let route = Network::new(options).route(&mut rng, &message(1, 2), 1);
        assert_eq!(route.delays_us().len(), 2);
        assert!(route.delays_us().iter().all(|&delay| (1_000..=105_000).contains(&delay)));
    }
}
