//! The partitions the page offers by name, worked out for the cluster as it is (who leads).

use raftsim_core::raft::NodeId;
use raftsim_core::scenario::Action;
use serde::Serialize;

/// One named partition, as the page lists it.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct PartitionInfo {
    pub name: &'static str,
    pub label: &'static str,
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

/// The action of the partition called `name`, for `nodes` led by `leader` (if any).
pub fn partition_action(name: &str, nodes: &[NodeId], leader: Option<NodeId>) -> Result<Action, String> {
    assert!(!nodes.is_empty(), "a cluster has a node");
    let leader_or_first = leader.unwrap_or(nodes[0]);
    let others: Vec<NodeId> = nodes.iter().copied().filter(|&node| node != leader_or_first).collect();
    let minority = (nodes.len() - 1) / 2;
    let action = match name {
        "isolate-leader" => Action::Isolate { node: leader_or_first },
        "leader-in-minority" => {
            let mut small: Vec<NodeId> = vec![leader_or_first];
            small.extend(others.iter().take(minority.saturating_sub(1)));
            let large: Vec<NodeId> = nodes.iter().copied().filter(|node| !small.contains(node)).collect();
            Action::Partition { groups: vec![small, large] }
        }
        "majority-minority" => {
            let split = nodes.len() - minority;
            Action::Partition { groups: vec![nodes[..split].to_vec(), nodes[split..].to_vec()] }
        }
        "split-three" => {
            Action::Partition { groups: nodes.chunks(nodes.len().div_ceil(3).max(1)).map(<[NodeId]>::to_vec).collect() }
        }
        "bridge" if nodes.len() >= 3 => {
            let middle = nodes.len() / 2;
            Action::Bridge { bridge: nodes[middle], left: nodes[..=middle].to_vec(), right: nodes[middle..].to_vec() }
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
            let Action::Partition { groups } = partition_action(name, &nodes, Some(3)).unwrap() else {
                panic!("{name}")
            };
            let mut all: Vec<NodeId> = groups.concat();
            all.sort();
            assert_eq!(all, nodes, "{name}");
        }
        let Action::Partition { groups } = partition_action("leader-in-minority", &nodes, Some(3)).unwrap() else {
            unreachable!()
        };
        assert!(groups[0].contains(&3) && groups[0].len() == 2);
        assert!(partition_action("nonsense", &nodes, None).is_err());
    }

    #[test]
    fn every_listed_partition_works_on_every_cluster_size_it_fits() {
        for size in 1..=9 {
            let nodes: Vec<NodeId> = (1..=size).collect();
            for partition in PARTITIONS {
                let result = partition_action(partition.name, &nodes, Some(size));
                assert!(result.is_ok() || (partition.name == "bridge" && size < 3), "{} on {size}", partition.name);
            }
        }
    }
}
