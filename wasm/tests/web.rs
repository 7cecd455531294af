//! Browser tests, run by `wasm-pack test --headless --chrome --firefox wasm` (./dev test): the
//! same runs as natively, hash for hash, and the page's API.

use raftsim_core::raft::{Config, DurableState, Input, Node, Role, Timer, Write};
use raftsim_core::scenario::determinism_corpus;
use raftsim_wasm::Simulation;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// The native golden file, compiled into the test.
const GOLDEN: &str = include_str!("../../tests/golden/trace_hashes.json");

#[wasm_bindgen_test]
fn every_corpus_run_has_its_native_trace_hash() {
    let golden: serde_json::Value = serde_json::from_str(GOLDEN).expect("the golden file parses");
    let runs = golden["runs"].as_array().expect("runs");
    let corpus = determinism_corpus();
    assert_eq!(runs.len(), corpus.len());
    assert!(runs.len() >= 1_000);
    let mut differences = Vec::new();
    for (expected, scenario) in runs.iter().zip(corpus) {
        assert_eq!(expected["preset"].as_str(), Some(scenario.name.as_str()));
        assert_eq!(expected["seed"].as_u64(), Some(scenario.seed));
        let mut simulation = raftsim_core::sim::World::new(scenario.clone()).expect("valid");
        simulation.run_to_end();
        let hash = format!("{:016x}", simulation.trace_hash());
        if expected["hash"].as_str() != Some(hash.as_str()) || expected["events"].as_u64() != Some(simulation.events())
        {
            differences.push(format!(
                "{} seed {}: native {} / {} events, browser {hash} / {} events",
                scenario.name,
                scenario.seed,
                expected["hash"],
                expected["events"],
                simulation.events()
            ));
        }
    }
    assert!(
        differences.is_empty(),
        "{} runs differ from the native golden file:\n{}",
        differences.len(),
        differences.join("\n")
    );
}

#[wasm_bindgen_test]
fn the_page_sees_the_core_engine_version() {
    assert_eq!(raftsim_wasm::engine_version(), raftsim_core::ENGINE_VERSION);
    assert_eq!(raftsim_wasm::preset_names().len(), raftsim_core::scenario::PRESET_NAMES.len());
}

#[wasm_bindgen_test]
fn the_protocol_runs_in_the_browser() {
    let config = Config::new(1, vec![1]).with(|protocol| protocol.prevote = false);
    let (mut node, _) = Node::restart(config, DurableState::default()).expect("valid config");
    let outputs = node.step(Input::TimerFired(Timer::Election));
    let write = outputs.writes.last().expect("the vote is written");
    assert!(matches!(write.write, Write::HardState(_)));
    node.step(Input::Persisted(write.id));
    assert_eq!(node.role(), Role::Leader);
}

fn error_message(value: JsValue) -> String {
    value
        .dyn_into::<js_sys::Error>()
        .map(|error| String::from(error.message()))
        .unwrap_or_else(|value| format!("{value:?}"))
}

fn scenario(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("test JSON parses")
}

#[wasm_bindgen_test]
fn a_bad_scenario_gives_an_error_naming_the_field() {
    let Err(error) = Simulation::new(scenario(r#"{"nodes": 0}"#)) else { panic!("0 nodes accepted") };
    let message = error_message(error.into());
    assert!(message.starts_with("nodes:"), "{message}");
    let Err(error) = Simulation::new(scenario(r#"{"nodes": 3, "colour": "red"}"#)) else {
        panic!("unknown field accepted")
    };
    assert!(error_message(error.into()).contains("colour"));
    let Err(error) = Simulation::new(scenario(r#"{"seed": -1}"#)) else { panic!("negative seed accepted") };
    assert!(error_message(error.into()).contains("invalid scenario"));
}

#[wasm_bindgen_test]
fn bad_actions_and_numbers_give_errors_not_panics() {
    let mut simulation = Simulation::new(scenario(r#"{"nodes": 3}"#)).unwrap();
    let Err(error) = simulation.crash(7) else { panic!("node 7 accepted") };
    assert!(error_message(error.into()).contains("no node 7"));
    let Err(error) = simulation.run_until(f64::NAN) else { panic!("NaN accepted") };
    assert!(error_message(error.into()).contains("whole number"));
    let Err(error) = simulation.partition("nonsense") else { panic!("unknown partition accepted") };
    assert!(error_message(error.into()).contains("no partition"));
}

#[wasm_bindgen_test]
fn step_and_step_back_round_trip() {
    let mut simulation = Simulation::new(scenario(r#"{"seed": 9}"#)).unwrap();
    simulation.run_events(3_000);
    let before = simulation.trace_hash();
    assert!(simulation.step());
    assert_ne!(simulation.trace_hash(), before);
    assert!(simulation.step_back());
    assert_eq!(simulation.trace_hash(), before);
    assert_eq!(simulation.events(), 3_000.0);
}

#[wasm_bindgen_test]
fn a_share_link_replays_the_same_run() {
    let mut simulation = Simulation::new(scenario(r#"{"seed": 12}"#)).unwrap();
    simulation.run_until(1_234_567.0).unwrap();
    simulation.crash(2).unwrap();
    simulation.run_events(2_000);
    simulation.partition("isolate-leader").unwrap();
    simulation.run_events(1_500);
    let link = simulation.share_link();
    let mut replay = Simulation::from_link(&format!("http://127.0.0.1:8080/#{link}")).unwrap();
    assert_eq!(replay.events(), 0.0, "a link opens at the start of its run");
    assert_eq!(replay.link_target_event(), Some(simulation.events()));
    while !replay.approach_link(700) {}
    assert_eq!(replay.link_target_event(), None);
    assert_eq!(replay.trace_hash(), simulation.trace_hash());
    assert_eq!(replay.events(), simulation.events());
    assert!(replay.warning().is_none());
}

#[wasm_bindgen_test]
fn a_hostile_link_gives_a_clear_error() {
    for link in ["", "r1~0.1.0~%%%", "r1~<img src=x>~AAAA", "r2~0.1.0~e30", "javascript:alert(1)"] {
        let Err(error) = Simulation::from_link(link) else { panic!("{link:?} accepted") };
        assert!(!error_message(error.into()).is_empty());
    }
}

#[wasm_bindgen_test]
fn the_views_hold_what_the_panels_show() {
    let mut simulation = Simulation::new(scenario(r#"{"nodes": 5, "seed": 3}"#)).unwrap();
    simulation.run_until(1_000_000.0).unwrap();
    let view = simulation.run_view().unwrap();
    let time = js_sys::Reflect::get(&view, &"time_us".into()).unwrap().as_f64();
    assert_eq!(time, Some(1_000_000.0));
    assert_eq!(js_sys::Array::from(&simulation.node_lines().unwrap()).length(), 5);
    let feed = simulation.feed_since(0.0, 50, u32::MAX).unwrap();
    assert_eq!(js_sys::Array::from(&feed).length(), 50, "the newest 50 events");
    assert!(simulation.node_detail(6).is_err(), "a 5-node cluster has no node 6");
}

#[wasm_bindgen_test]
fn advancing_by_frames_gives_the_same_run_as_running_straight() {
    let mut framed = Simulation::new(scenario(r#"{"seed": 4}"#)).unwrap();
    let mut target: f64 = 0.0;
    while target < 2_000_000.0 {
        target += 16_667.0;
        while framed.advance(target.min(2_000_000.0).round(), 50).unwrap() == 50 {}
    }
    let mut straight = Simulation::new(scenario(r#"{"seed": 4}"#)).unwrap();
    straight.run_until(2_000_000.0).unwrap();
    assert_eq!(framed.trace_hash(), straight.trace_hash());
    framed.seek_time(700_000.0).unwrap();
    straight.seek_time(700_000.0).unwrap();
    assert_eq!(framed.events(), straight.events());
    assert_eq!(framed.trace_hash(), straight.trace_hash());
}

#[wasm_bindgen_test]
fn acting_in_the_past_reports_the_events_it_drops() {
    let mut simulation = Simulation::new(scenario(r#"{"seed": 6}"#)).unwrap();
    simulation.run_events(1_000);
    assert_eq!(simulation.crash(1).unwrap(), 0.0, "acting at the frontier drops nothing");
    simulation.run_events(500);
    simulation.seek(1_200.0).unwrap();
    assert_eq!(simulation.restart(1).unwrap(), 300.0);
    assert_eq!(simulation.frontier_events(), 1_200.0);
}

#[wasm_bindgen_test]
fn a_tour_pins_the_same_captions_in_the_browser_as_natively() {
    let tour = raftsim_core::scenario::tour("tour-figure8").expect("a tour");
    let preset = raftsim_core::scenario::any_preset("tour-figure8").expect("a preset");
    let spec = raftsim_core::scenario::RunSpec {
        scenario: preset,
        actions: Vec::new(),
        stop_at_event: None,
        stop_at_us: None,
    };
    let native = raftsim_core::explore::tour::pin_tour(&spec, tour, u64::MAX).expect("valid");
    let simulation = Simulation::new(raftsim_wasm::preset("tour-figure8").unwrap()).unwrap();
    let text = String::from(js_sys::JSON::stringify(&simulation.tour().unwrap()).unwrap());
    let shown: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(shown, serde_json::to_value(&native).unwrap());
    assert_eq!(shown["captions"].as_array().unwrap().len(), native.total);
    let plain = Simulation::new(scenario(r#"{"seed": 2}"#)).unwrap();
    assert!(plain.tour().unwrap().is_null(), "a run without a tour has none");
}
