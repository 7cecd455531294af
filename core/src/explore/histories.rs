//! Wide Jepsen-style histories made by the simulator's own clients, for testing and timing the
//! linearizability checker on histories far wider than the labelled set: many clients, many
//! keys, long runs, and optionally one stale read injected.

use crate::check::linearizability::{from_history, Call, Operation, Return};
use crate::scenario::{preset, Scenario};

use crate::sim::World;

/// A calm 5-node cluster under `clients` clients whose workload is `mix` (relative weights of
/// get, put, append and cas) over `keys` keys, one in five operations on key "0".
fn busy_cluster(seed: u64, clients: u32, keys: u32, mix: [u32; 4]) -> Scenario {
    let mut scenario = preset("calm-election").expect("a preset");
    scenario.name = format!("wide-{clients}-clients");
    scenario.seed = seed;
    scenario.workload.clients = clients;
    scenario.workload.keys = keys;
    scenario.workload.mix = mix;
    scenario.workload.hot_key_ppm = 200_000;
    scenario.workload.think_us_min = 1_000;
    scenario.workload.think_us_max = 20_000;
    scenario.phases.safety_us = 600_000_000;
    scenario
}

/// The first `count` operations the clients of `scenario` invoke (those still waiting when the
/// count is reached, or when the run ends, are unknown).
fn first_operations(scenario: Scenario, count: usize) -> Vec<Operation> {
    let mut world = World::new(scenario).expect("a valid scenario");
    while world.history().ops.len() < count && world.step() {}
    let mut operations = from_history(world.history());
    operations.truncate(count);
    assert!(operations.iter().all(|op| op.complete.is_none_or(|complete| complete >= op.invoke)));
    operations
}

/// A key-value history of `count` operations (gets, puts and appends) by `clients` clients over
/// `keys` keys, key "0" hot: the form of Jepsen's EDN histories.
pub fn kv_history(seed: u64, clients: u32, keys: u32, count: usize) -> Vec<Operation> {
    first_operations(busy_cluster(seed, clients, keys, [2, 1, 1, 0]), count)
}

/// A register history of `count` reads and writes by `clients` clients on one key, values
/// numbered as integers in the order first written: the form of Jepsen's etcd logs.
pub fn register_history(seed: u64, clients: u32, count: usize) -> Vec<Operation> {
    let mut operations = first_operations(busy_cluster(seed, clients, 1, [1, 1, 0, 0]), count);
    let mut numbers = std::collections::BTreeMap::new();
    let mut number = |value: &String| {
        let next = numbers.len() + 1;
        numbers.entry(value.clone()).or_insert(next).to_string()
    };
    for op in &mut operations {
        if let Call::Put { value, .. } = &mut op.call {
            *value = number(value);
        }
        if let Return::Value(Some(seen)) = &mut op.ret {
            *seen = number(seen);
        }
    }
    operations
}

/// `operations` with one stale read on `key`: the first completed get that began after a write
/// completed, which itself began after another get had seen the value before it, now returns
/// that older value. Written values are unique, so no order explains the read; `None` if the
/// key has no such get.
pub fn with_stale_read(operations: &[Operation], key: &str) -> Option<Vec<Operation>> {
    let on_key = |op: &&Operation| op.call.key() == key && op.complete.is_some();
    let gets: Vec<&Operation> = operations.iter().filter(on_key).filter(|op| is_get(op)).collect();
    let writes: Vec<&Operation> = operations.iter().filter(on_key).filter(|op| !is_get(op)).collect();
    let (victim, stale) = gets.iter().find_map(|get| {
        let earlier = writes.iter().filter(|write| write.complete < Some(get.invoke));
        let mut before = earlier
            .filter_map(|write| gets.iter().find(|seen| seen.complete < Some(write.invoke) && seen.ret != get.ret));
        before.next_back().map(|before| (get.invoke, before.ret.clone()))
    })?;
    let mut changed = operations.to_vec();
    let target = changed.iter_mut().find(|op| op.call.key() == key && is_get(op) && op.invoke == victim)?;
    target.ret = stale;
    Some(changed)
}

fn is_get(op: &Operation) -> bool {
    matches!(op.call, Call::Get { .. })
}
