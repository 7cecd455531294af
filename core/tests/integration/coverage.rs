//! Coverage signatures and forks: recording coverage changes no run, a signature forgets node
//! ids, a forked run replays from its link, and a guided hunt's failures replay too.

use std::collections::BTreeSet;

use raftsim_core::explore::coverage::{signature, CUT_OFF};
use raftsim_core::explore::hunt::{Failure, Hunt};
use raftsim_core::explore::sweep::failing_run;
use raftsim_core::explore::watch::Watch;
use raftsim_core::raft::{id_at, Bugs, NodeId};
use raftsim_core::scenario::share::{decode, encode};
use raftsim_core::scenario::{preset, Action, FaultKind, Fork, Scenario};
use raftsim_core::sim::network::Network;
use raftsim_core::sim::{Server, World};

fn swarm(seed: u64) -> Scenario {
    Scenario { seed, ..preset("swarm").expect("the swarm preset") }
}

#[test]
fn recording_coverage_leaves_every_run_as_it_was() {
    for seed in 1..=6 {
        let mut plain = World::new(swarm(seed)).expect("valid");
        let mut covered = World::new(swarm(seed)).expect("valid");
        covered.set_coverage(true);
        assert_eq!(plain.run_to_end(), covered.run_to_end(), "seed {seed}");
        assert_eq!(plain.trace_hash(), covered.trace_hash(), "seed {seed}");
        let coverage = covered.coverage().expect("on");
        assert!(coverage.count() >= 3, "seed {seed} reaches several states: {}", coverage.count());
        assert_eq!(coverage.firsts().len(), coverage.count());
        assert!(coverage.firsts().windows(2).all(|pair| pair[0].event < pair[1].event));
    }
}

/// The cluster of `servers` on `network` with its nodes renamed: position `i` takes the server
/// of position `order[i]`, and every cut link follows its two ends. The network is rebuilt
/// through its public actions (a one-way cut per cut link), which is all of the network that
/// [`signature`] reads; a node's pause travels with its server.
fn renamed(servers: &[Server], network: &Network, order: &[usize]) -> (Vec<Server>, Network) {
    assert_eq!(order.len(), servers.len());
    let renamed_servers: Vec<Server> = order.iter().map(|&position| servers[position].clone()).collect();
    let new_id = |old: NodeId| {
        let position = order.iter().position(|&position| id_at(position) == old).expect("a node of the cluster");
        id_at(position)
    };
    let ids: Vec<NodeId> = (0..servers.len()).map(id_at).collect();
    let mut renamed_network = Network::new(network.options().clone());
    for (from, to) in network.cut_links() {
        let cut = Action::OneWay { from: vec![new_id(from)], to: vec![new_id(to)] };
        assert!(renamed_network.apply(&cut, &ids).is_empty(), "a cut releases nothing");
    }
    assert_eq!(renamed_network.cut_links().len(), network.cut_links().len(), "every cut link is renamed");
    (renamed_servers, renamed_network)
}

/// Renaming the nodes (a rotation and a reversal) of the servers and of the network's cut links
/// together leaves the signature as it was, in states with and without cut links; renaming the
/// servers alone does not always (a cut off node's slot may then hold a node that is down, say),
/// so the cut links must be renamed too.
#[test]
fn a_signature_forgets_which_node_is_which() {
    let mut scenario = swarm(3);
    scenario.nemesis.swarm = false;
    // Faults that cut links (partitions, a leader cut off), pause and crash nodes, so that
    // nodes are cut off, paused and down, alone and together.
    for kind in [FaultKind::Partition, FaultKind::CutLeader, FaultKind::Pause, FaultKind::Crash] {
        scenario.nemesis.kinds.set(kind, true);
    }
    let mut simulation = World::new(scenario).expect("valid");
    let (mut compared, mut compared_cut, mut compared_cut_off, mut servers_alone_differ) = (0, 0, 0, 0);
    let (mut distinct, mut distinct_cut) = (BTreeSet::new(), BTreeSet::new());
    while simulation.step() && compared < 2_000 {
        let (servers, network) = (simulation.servers(), simulation.network());
        let sign = signature(servers, network);
        let rotation: Vec<usize> = (0..servers.len()).map(|position| (position + 2) % servers.len()).collect();
        let reversal: Vec<usize> = (0..servers.len()).rev().collect();
        for order in [rotation, reversal] {
            let (renamed_servers, renamed_network) = renamed(servers, network, &order);
            let event = simulation.events();
            assert_eq!(sign, signature(&renamed_servers, &renamed_network), "event {event}, order {order:?}");
            servers_alone_differ += usize::from(signature(&renamed_servers, network) != sign);
        }
        distinct.insert(sign);
        compared += 1;
        if !network.cut_links().is_empty() {
            distinct_cut.insert(sign);
            compared_cut += 1;
            compared_cut_off += usize::from(sign & CUT_OFF != 0);
        }
    }
    assert_eq!(compared, 2_000);
    assert!(compared_cut >= 1_000, "states with cut links are compared: {compared_cut}");
    assert!(compared - compared_cut >= 100, "and states without: {}", compared - compared_cut);
    assert!(compared_cut_off >= 500, "in many a node is cut off: {compared_cut_off}");
    assert!(servers_alone_differ >= 50, "the network's renaming matters: {servers_alone_differ}");
    assert!(distinct.len() >= 50, "the states compared differ: {}", distinct.len());
    assert!(distinct_cut.len() >= 40, "the states with cut links compared differ: {}", distinct_cut.len());
}

#[test]
fn a_scenario_without_forks_is_written_as_before_forks_existed() {
    let json = serde_json::to_string(&swarm(5)).expect("serializes");
    assert!(!json.contains("forks"), "an empty fork list is not written");
    let forked = Scenario { forks: vec![Fork { at_event: 12, seed: 4 }], ..swarm(5) };
    let json = serde_json::to_string(&forked).expect("serializes");
    assert!(json.contains("\"forks\":[{\"at_event\":12,\"seed\":4}]"), "{json}");
    assert_eq!(serde_json::from_str::<Scenario>(&json).expect("parses"), forked);
}

/// Forks seed 1 of the vote_before_durable bug's swarm at event `at_event` under sub-seeds 1, 2, …
/// and returns the first forked scenario that fails.
fn first_failing_fork(at_event: u64) -> (Scenario, raftsim_core::check::violation::Violation, u64) {
    let mut scenario = swarm(1);
    scenario.protocol.bugs = Bugs::only("vote_before_durable").expect("catalogued");
    let mut prefix = World::new(scenario.clone()).expect("valid");
    prefix.run_events(at_event);
    assert_eq!(prefix.events(), at_event, "the prefix runs to the fork point");
    for sub_seed in 1..=200 {
        let mut forked = prefix.clone();
        let fork = forked.fork_now(sub_seed);
        assert_eq!(fork, Fork { at_event, seed: sub_seed });
        if let Some(violation) = forked.run_to_end() {
            let scenario = Scenario { forks: vec![fork], ..scenario };
            return (scenario, violation, forked.trace_hash());
        }
    }
    panic!("no fork of 200 fails");
}

#[test]
fn a_forked_run_replays_from_its_link() {
    let (scenario, violation, trace_hash) = first_failing_fork(100);
    let link = encode(&failing_run(&scenario, scenario.seed, &violation));
    let decoded = decode(&link).expect("the link decodes");
    assert_eq!(decoded.spec.scenario.forks, scenario.forks);
    let mut replayed = World::from_spec(&decoded.spec).expect("valid");
    assert_eq!(replayed.run_to_end().as_ref(), Some(&violation), "the same violation at the same event");
    assert_eq!(replayed.trace_hash(), trace_hash, "the same trace");
    let mut unforked = World::new(Scenario { forks: Vec::new(), ..scenario }).expect("valid");
    unforked.run_to_end();
    assert_ne!(unforked.trace_hash(), trace_hash, "the fork changed the run");
}

#[test]
fn a_guided_hunt_reports_failures_that_replay_from_their_links() {
    let mut scenario = preset("swarm").expect("the swarm preset");
    scenario.protocol.bugs = Bugs::only("vote_before_durable").expect("catalogued");
    let mut hunt = Hunt::new(scenario, 1, 2);
    for _ in 0..4 {
        hunt.run_round(8);
    }
    assert!(!hunt.found().is_empty(), "the bug is found");
    let forked: Vec<_> = hunt.found().iter().filter(|found| !found.spec.scenario.forks.is_empty()).collect();
    assert!(!forked.is_empty(), "some failure is a forked run");
    for found in hunt.found() {
        let decoded = decode(&encode(&found.spec)).expect("decodes");
        let replayed = World::from_spec(&decoded.spec).expect("valid").run_to_end();
        let Failure::Violation(violation) = &found.failure else { panic!("run {} panicked: {found:?}", found.run) };
        assert_eq!(replayed.as_ref(), Some(violation), "run {} replays", found.run);
    }
}

#[test]
fn the_figure8_tour_reaches_the_set_up_it_is_named_for_and_a_calm_run_does_not() {
    use raftsim_core::explore::coverage::{is_deep, STALE_MAJORITY};
    let reached = |name: &str| {
        let mut simulation = World::new(preset(name).expect("a preset")).expect("valid");
        simulation.set_coverage(true);
        simulation.run_until(10_000_000);
        simulation.coverage().expect("on").reached().clone()
    };
    let figure8 = reached("tour-figure8");
    assert!(
        figure8.iter().any(|signature| signature & STALE_MAJORITY != 0),
        "an older term's uncommitted entry sits on a majority in the Figure 8 tour"
    );
    let calm = reached("classroom");
    assert!(!calm.iter().any(|signature| is_deep(*signature)), "a calm run with no faults reaches no deep set-up");
    assert!(calm.len() < figure8.len());
}
