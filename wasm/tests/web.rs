//! Browser tests, run by `wasm-pack test --headless --chrome --firefox wasm` (./dev test).

use raftsim_core::raft::{Config, DurableState, Input, Node, Role, Timer, Write};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_page_sees_the_core_engine_version() {
    assert_eq!(raftsim_wasm::engine_version(), raftsim_core::ENGINE_VERSION);
}

#[wasm_bindgen_test]
fn the_protocol_runs_in_the_browser() {
    // A one-node cluster elects itself once its vote is durable: the same steps as natively.
    let config = Config { prevote: false, ..Config::new(1, vec![1]) };
    let (mut node, _) = Node::restart(config, DurableState::default()).expect("valid config");
    let outputs = node.step(Input::TimerFired(Timer::Election));
    assert_eq!(node.role(), Role::Candidate);
    let write = outputs.writes.last().expect("the vote is written");
    assert!(matches!(write.write, Write::HardState(_)));
    node.step(Input::Persisted(write.id));
    assert_eq!(node.role(), Role::Leader);
    assert_eq!(node.term(), 1);
}
