//! raftsim-wasm: the only crate that knows wasm-bindgen. It exposes raftsim-core to the page
//! behind one opaque [`Simulation`] handle that returns small views per frame. Errors reach
//! JavaScript as `Error`s with readable messages; a panic (a bug) is printed to the console and
//! kept for [`last_panic`], so the page can tell the user what to report.
#![deny(missing_docs)]

mod view;

use std::cell::RefCell;

use raftsim_core::raft::{NodeId, Op};
use raftsim_core::scenario::share::{decode, SHARE_LEN_MAX};
use raftsim_core::scenario::{
    self, Action, RunSpec, Scenario, CLIENTS_MAX, KEYS_MAX, NODES_MAX, PRESET_NAMES, RUN_US_MAX, SEED_MAX,
};
use raftsim_core::sim::session::Session;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Events kept in words for the event feed.
const EVENT_FEED_LEN: usize = 2_000;

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs the panic hook when the module loads.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        LAST_PANIC.with(|last| *last.borrow_mut() = Some(info.to_string()));
        console_error_panic_hook::hook(info);
    }));
}

/// The message of the last panic, if the engine has panicked (it cannot be used after that).
#[wasm_bindgen]
pub fn last_panic() -> Option<String> {
    LAST_PANIC.with(|last| last.borrow().clone())
}

/// The engine version the page shows and share links record.
#[wasm_bindgen]
pub fn engine_version() -> String {
    raftsim_core::ENGINE_VERSION.to_string()
}

/// The names of the preset scenarios, in menu order.
#[wasm_bindgen]
pub fn preset_names() -> Vec<String> {
    PRESET_NAMES.iter().map(|name| name.to_string()).collect()
}

/// The preset scenario called `name`, as a plain object.
#[wasm_bindgen]
pub fn preset(name: &str) -> Result<JsValue, JsError> {
    let scenario = scenario::preset(name).ok_or_else(|| {
        JsError::new(&format!("no preset named {name:?}; the presets are {}", PRESET_NAMES.join(", ")))
    })?;
    to_js(&scenario)
}

/// The limits a scenario must respect, for the page's controls.
#[wasm_bindgen]
pub fn limits() -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    struct Limits {
        nodes_max: u32,
        clients_max: u32,
        keys_max: u32,
        run_us_max: u64,
        seed_max: u64,
        share_len_max: usize,
    }
    to_js(&Limits {
        nodes_max: NODES_MAX,
        clients_max: CLIENTS_MAX,
        keys_max: KEYS_MAX,
        run_us_max: RUN_US_MAX,
        seed_max: SEED_MAX,
        share_len_max: SHARE_LEN_MAX,
    })
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|error| JsError::new(&error.to_string()))
}

/// Reads a JS value through JSON, so that it is judged exactly as natively: unknown fields,
/// negative counts and non-numbers are refused (serde-wasm-bindgen would skip unknown fields).
fn from_js<T: serde::de::DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsError> {
    let text =
        js_sys::JSON::stringify(&value).map_err(|_| JsError::new(&format!("{what}: it cannot be written as JSON")))?;
    let text = String::from(text);
    serde_json::from_str(&text).map_err(|error| JsError::new(&format!("{what}: {error}")))
}

/// A JS number that must be a whole count or time: finite, not negative, at most `max`.
fn whole(value: f64, what: &str, max: u64) -> Result<u64, JsError> {
    if !value.is_finite() || value < 0.0 || value.fract() != 0.0 || value > max as f64 {
        return Err(JsError::new(&format!("{what} must be a whole number from 0 to {max}, not {value}")));
    }
    Ok(value as u64)
}

/// One simulated run, driven by the page.
#[wasm_bindgen]
pub struct Simulation {
    session: Session,
    warning: Option<String>,
}

#[wasm_bindgen]
impl Simulation {
    /// Starts the run of a scenario object (missing fields take their defaults).
    #[wasm_bindgen(constructor)]
    pub fn new(scenario: JsValue) -> Result<Simulation, JsError> {
        let scenario: Scenario = from_js(scenario, "invalid scenario")?;
        scenario.validate().map_err(|error| JsError::new(&error.to_string()))?;
        let spec = RunSpec { scenario, actions: Vec::new(), stop_at_event: None };
        let session = Session::new(spec, EVENT_FEED_LEN).map_err(|error| JsError::new(&error.to_string()))?;
        Ok(Simulation { session, warning: None })
    }

    /// Opens a share link (a URL, or its fragment) and replays it to the event it stopped at.
    pub fn from_link(link: &str) -> Result<Simulation, JsError> {
        let decoded = decode(link).map_err(|error| JsError::new(&error.to_string()))?;
        let warning = (!decoded.engine_matches()).then(|| {
            format!(
                "This link was made by raftsim engine {}; this page runs engine {}, so the replay may differ from what its author saw.",
                decoded.engine_version,
                raftsim_core::ENGINE_VERSION
            )
        });
        let stop_at = decoded.spec.stop_at_event;
        let mut session =
            Session::new(decoded.spec, EVENT_FEED_LEN).map_err(|error| JsError::new(&error.to_string()))?;
        if let Some(event) = stop_at {
            session.seek(event);
        }
        Ok(Simulation { session, warning })
    }

    /// A warning about the run (a link from another engine version), if any.
    pub fn warning(&self) -> Option<String> {
        self.warning.clone()
    }

    /// Processes one event; `false` once the run has finished.
    pub fn step(&mut self) -> bool {
        self.session.step()
    }

    /// Goes back one event (by replay from a checkpoint); `false` at the start.
    pub fn step_back(&mut self) -> bool {
        self.session.step_back()
    }

    /// Runs every event up to simulated time `time_us`.
    pub fn run_until(&mut self, time_us: f64) -> Result<(), JsError> {
        let time_us = whole(time_us, "time_us", RUN_US_MAX)?;
        self.session.run_until(time_us);
        Ok(())
    }

    /// Runs up to `count` events; returns how many ran.
    pub fn run_events(&mut self, count: u32) -> u32 {
        self.session.run_events(u64::from(count)) as u32
    }

    /// Goes to the state right after event number `event`.
    pub fn seek(&mut self, event: f64) -> Result<(), JsError> {
        let event = whole(event, "event", u64::MAX >> 11)?;
        self.session.seek(event);
        Ok(())
    }

    /// Applies a user action given as an object, e.g. `{crash: {node: 2}}` or `"heal"`.
    pub fn act(&mut self, action: JsValue) -> Result<(), JsError> {
        let action: Action = from_js(action, "invalid action")?;
        self.apply(action)
    }

    fn apply(&mut self, action: Action) -> Result<(), JsError> {
        let nodes = self.session.simulation().scenario().nodes;
        if let Some(node) = action.nodes().into_iter().find(|node| !(1..=nodes).contains(node)) {
            return Err(JsError::new(&format!("there is no node {node}: the cluster has nodes 1 to {nodes}")));
        }
        self.session.act(action);
        Ok(())
    }

    /// Crashes a node.
    pub fn crash(&mut self, node: NodeId) -> Result<(), JsError> {
        self.apply(Action::Crash { node })
    }
    /// Restarts a crashed node.
    pub fn restart(&mut self, node: NodeId) -> Result<(), JsError> {
        self.apply(Action::Restart { node })
    }
    /// Pauses a node.
    pub fn pause(&mut self, node: NodeId) -> Result<(), JsError> {
        self.apply(Action::Pause { node })
    }
    /// Resumes a paused node.
    pub fn resume(&mut self, node: NodeId) -> Result<(), JsError> {
        self.apply(Action::Resume { node })
    }
    /// Fires a node's election timer now.
    pub fn force_timeout(&mut self, node: NodeId) -> Result<(), JsError> {
        self.apply(Action::ForceTimeout { node })
    }
    /// Sends a client request to a node: `op` is `{put: {key, value}}`, `{get: {key}}`, ...
    pub fn client_request(&mut self, node: NodeId, op: JsValue) -> Result<(), JsError> {
        let op: Op = from_js(op, "invalid operation")?;
        self.apply(Action::ClientRequest { node, op })
    }
    /// Cuts the link between two nodes.
    pub fn cut_link(&mut self, a: NodeId, b: NodeId) -> Result<(), JsError> {
        self.apply(Action::CutLink { a, b })
    }
    /// Restores the link between two nodes.
    pub fn heal_link(&mut self, a: NodeId, b: NodeId) -> Result<(), JsError> {
        self.apply(Action::HealLink { a, b })
    }
    /// Removes every partition and cut link.
    pub fn heal(&mut self) -> Result<(), JsError> {
        self.apply(Action::Heal)
    }

    /// Applies a named partition: `isolate-leader`, `leader-in-minority`, `majority-minority`,
    /// `split-three`, or `bridge`.
    pub fn partition(&mut self, name: &str) -> Result<(), JsError> {
        let simulation = self.session.simulation();
        let nodes: Vec<NodeId> = simulation.scenario().node_ids();
        let leader = simulation
            .servers()
            .iter()
            .filter_map(|server| server.node.as_ref())
            .filter(|node| node.role() == raftsim_core::raft::Role::Leader)
            .max_by_key(|node| node.term())
            .map(|node| node.id());
        let action = partition_action(name, &nodes, leader).map_err(|problem| JsError::new(&problem))?;
        self.apply(action)
    }

    /// The compact view of this moment.
    pub fn view(&self) -> Result<JsValue, JsError> {
        to_js(&view::view(self.session.simulation()))
    }

    /// The recorded events numbered above `cursor` (the last 2,000 at most), in words.
    pub fn events_since(&self, cursor: f64) -> Result<JsValue, JsError> {
        let cursor = whole(cursor, "cursor", u64::MAX >> 11)?;
        to_js(&self.session.simulation().events_since(cursor))
    }

    /// The first violation, or `null`.
    pub fn violation(&self) -> Result<JsValue, JsError> {
        to_js(&self.session.simulation().violation())
    }

    /// The client history so far.
    pub fn history(&self) -> Result<JsValue, JsError> {
        to_js(self.session.simulation().history())
    }

    /// The linearizability check of the history so far, within `step_budget` model steps
    /// (the answer is "Unknown" when it runs out: the page never hangs).
    pub fn check_linearizability(&self, step_budget: u32) -> Result<JsValue, JsError> {
        let result = self.session.simulation().check_linearizability(u64::from(step_budget));
        to_js(&result)
    }

    /// The trace fingerprint so far, as 16 hex digits.
    pub fn trace_hash(&self) -> String {
        format!("{:016x}", self.session.simulation().trace_hash())
    }

    /// The share link (fragment) that replays this run to this event.
    pub fn share_link(&self) -> String {
        self.session.share_link()
    }

    /// Events processed so far.
    pub fn events(&self) -> f64 {
        self.session.simulation().events() as f64
    }

    /// Simulated time now, microseconds.
    pub fn now_us(&self) -> f64 {
        self.session.simulation().now_us() as f64
    }

    /// The scenario being run.
    pub fn scenario(&self) -> Result<JsValue, JsError> {
        to_js(self.session.simulation().scenario())
    }

    /// The fault mix in force (drawn from the seed under swarm testing).
    pub fn parameters(&self) -> Result<JsValue, JsError> {
        to_js(self.session.simulation().parameters())
    }
}

/// Runs the standard benchmark workload (seeds 1..=`seeds` of the default scenario: 5 nodes,
/// swarm faults, 3 clients, 10 s simulated, every check on) and reports events per second,
/// timed with the browser's clock. `raftsim bench` runs the same workload natively.
#[wasm_bindgen]
pub fn bench_standard(seeds: u32) -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    struct Measurement {
        seeds: u32,
        events: u64,
        milliseconds: f64,
        events_per_second: f64,
    }
    let started = js_sys::Date::now();
    let mut events = 0;
    for seed in 1..=u64::from(seeds) {
        let mut simulation = raftsim_core::sim::Simulation::new(Scenario { seed, ..Scenario::default() })
            .map_err(|error| JsError::new(&error.to_string()))?;
        simulation.run_to_end();
        events += simulation.events();
    }
    let milliseconds = js_sys::Date::now() - started;
    to_js(&Measurement { seeds, events, milliseconds, events_per_second: events as f64 * 1e3 / milliseconds })
}

/// The partitions the page offers by name, worked out for the current leader.
fn partition_action(name: &str, nodes: &[NodeId], leader: Option<NodeId>) -> Result<Action, String> {
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
        "majority-minority" => Action::Partition { groups: vec![nodes[..nodes.len() - minority].to_vec(), nodes[nodes.len() - minority..].to_vec()] },
        "split-three" => Action::Partition { groups: nodes.chunks(nodes.len().div_ceil(3).max(1)).map(<[NodeId]>::to_vec).collect() },
        "bridge" if nodes.len() >= 3 => {
            let middle = nodes.len() / 2;
            Action::Bridge { bridge: nodes[middle], left: nodes[..=middle].to_vec(), right: nodes[middle..].to_vec() }
        }
        "bridge" => return Err("a bridge needs at least 3 nodes".into()),
        other => return Err(format!("no partition named {other:?}; try isolate-leader, leader-in-minority, majority-minority, split-three or bridge")),
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
}
