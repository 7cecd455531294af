//! Partition shapes, built once for everyone who partitions: the nemesis draws them at random,
//! the page offers them by name ([`PARTITIONS`], worked out for the cluster as it is: who leads).

use crate::raft::NodeId;

use super::Action;

/// The most nodes a side can hold and still be a minority of `nodes`: all but a quorum.
pub fn minority_size(nodes: usize) -> usize {
    nodes - crate::raft::quorum(nodes)
}

/// The first `count` nodes of `order` against the rest (both directions cut).
pub fn cut_after(order: &[NodeId], count: usize) -> Action {
    assert!(count <= order.len(), "cut within the nodes");
    Action::Partition { groups: vec![order[..count].to_vec(), order[count..].to_vec()] }
}

/// `side` against every other node of `nodes`.
pub fn apart(side: Vec<NodeId>, nodes: &[NodeId]) -> Action {
    assert!(side.iter().all(|node| nodes.contains(node)), "the side is made of the cluster's nodes");
    let rest: Vec<NodeId> = nodes.iter().copied().filter(|node| !side.contains(node)).collect();
    Action::Partition { groups: vec![side, rest] }
}

/// `nodes` in three groups of near-equal size (fewer with fewer than three nodes).
pub fn in_three(nodes: &[NodeId]) -> Action {
    Action::Partition { groups: nodes.chunks(nodes.len().div_ceil(3).max(1)).map(<[NodeId]>::to_vec).collect() }
}

/// `left` and `right` cut apart but for `bridge`, which is on both sides and reaches everyone.
pub fn bridged(bridge: NodeId, left: Vec<NodeId>, right: Vec<NodeId>) -> Action {
    assert!(left.contains(&bridge) && right.contains(&bridge), "the bridge is on both sides");
    assert!(left.iter().all(|node| *node == bridge || !right.contains(node)), "the sides share only the bridge");
    Action::Bridge { bridge, left, right }
}

/// One partition the page offers by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PartitionInfo {
    /// Its name, for [`named_partition`].
    pub name: &'static str,
    /// Its label on the page.
    pub label: &'static str,
    /// What it does, in a sentence.
    pub description: &'static str,
}

/// The named partitions, in the order the page shows them.
pub const PARTITIONS: [PartitionInfo; 5] = [
    PartitionInfo {
        name: "isolate-leader",
        label: "Isolate the leader",
        description: "Cut the leader off from every other node: the rest elect a new one.",
    },
    PartitionInfo {
        name: "leader-in-minority",
        label: "Leader in the minority",
        description: "The leader keeps a few nodes but not a majority: it can no longer commit, and the majority side elects a leader of its own.",
    },
    PartitionInfo {
        name: "majority-minority",
        label: "Majority | minority",
        description: "Split the highest-numbered nodes from a majority of the others.",
    },
    PartitionInfo {
        name: "split-three",
        label: "Split in three",
        description: "Three groups, none with a majority: no leader can commit until the heal.",
    },
    PartitionInfo {
        name: "bridge",
        label: "Bridge",
        description: "Two halves that cannot talk, joined through one node that reaches both.",
    },
];

/// The action of the partition called `name`, for `nodes` (in id order) led by `leader` (the
/// first node stands in when none leads).
pub fn named_partition(name: &str, nodes: &[NodeId], leader: Option<NodeId>) -> Result<Action, String> {
    assert!(!nodes.is_empty(), "a cluster has a node");
    let leader_or_first = leader.unwrap_or(nodes[0]);
    let minority = minority_size(nodes.len());
    let action = match name {
        "isolate-leader" => Action::Isolate { node: leader_or_first },
        "leader-in-minority" => {
            let others = nodes.iter().copied().filter(|&node| node != leader_or_first);
            let side = std::iter::once(leader_or_first).chain(others.take(minority.saturating_sub(1))).collect();
            apart(side, nodes)
        }
        "majority-minority" => cut_after(nodes, nodes.len() - minority),
        "split-three" => in_three(nodes),
        "bridge" if nodes.len() >= 3 => {
            let middle = nodes.len() / 2;
            bridged(nodes[middle], nodes[..=middle].to_vec(), nodes[middle..].to_vec())
        }
        "bridge" => return Err("a bridge needs at least 3 nodes".into()),
        other => {
            let names: Vec<&str> = PARTITIONS.iter().map(|partition| partition.name).collect();
            return Err(format!("no partition named {other:?}; try {}", names.join(", ")));
        }
    };
    Ok(action)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_partitions_cover_every_node_once() {
        let nodes: Vec<NodeId> = (1..=5).collect();
        for name in ["leader-in-minority", "majority-minority", "split-three"] {
            let Action::Partition { groups } = named_partition(name, &nodes, Some(3)).unwrap() else {
                panic!("{name}")
            };
            let mut all: Vec<NodeId> = groups.concat();
            all.sort();
            assert_eq!(all, nodes, "{name}");
        }
        let Action::Partition { groups } = named_partition("leader-in-minority", &nodes, Some(3)).unwrap() else {
            unreachable!()
        };
        assert!(groups[0].contains(&3) && groups[0].len() == 2);
        let Action::Bridge { bridge, left, right } = named_partition("bridge", &nodes, None).unwrap() else {
            unreachable!()
        };
        assert_eq!((bridge, left, right), (3, vec![1, 2, 3], vec![3, 4, 5]));
        assert!(named_partition("nonsense", &nodes, None).is_err());
    }

    #[test]
    fn every_listed_partition_works_on_every_cluster_size_it_fits() {
        for size in 1..=9 {
            let nodes: Vec<NodeId> = (1..=size).collect();
            for partition in PARTITIONS {
                let result = named_partition(partition.name, &nodes, Some(size));
                assert!(result.is_ok() || (partition.name == "bridge" && size < 3), "{} on {size}", partition.name);
            }
        }
    }
}
