//! What the page's record of a run costs the engine: the standard workload of `raftsim bench`
//! (seeds of the default scenario, 5 nodes, 10 simulated seconds) and a busy 9-node cluster,
//! each run three ways, interleaved so that a noisy machine hurts them alike: a plain
//! `World` (what sweeps run), a `Session` without a record (the CLI's replay) and a
//! recorded `Session` (the page).
//!
//!     cargo run --release -p raftsim --example record_cost [ROUNDS [plain|session|recorded]]
//!
//! With a way named, only that way runs (to profile it).

use std::time::Instant;

use raftsim_core::explore::session::Session;
use raftsim_core::scenario::{preset, RunSpec, Scenario};
use raftsim_core::sim::World;

#[derive(Clone, Copy)]
enum Way {
    Plain,
    Session,
    Recorded,
}

fn standard(seed: u64) -> Scenario {
    let mut scenario = Scenario { seed, nodes: 5, ..Scenario::default() };
    scenario.phases.safety_us = 5_000_000;
    scenario.phases.liveness_us = 5_000_000;
    scenario
}

fn busy(seed: u64) -> Scenario {
    let mut scenario = Scenario { seed, ..preset("calm-election").expect("a preset") };
    scenario.nodes = 9;
    scenario.workload.clients = 10;
    scenario.network.drop_ppm = 50_000;
    scenario.phases.safety_us = 20_000_000;
    scenario
}

/// Runs every scenario to its end one way; returns (events, seconds).
fn run(scenarios: &[Scenario], way: Way) -> (u64, f64) {
    let started = Instant::now();
    let mut events = 0;
    for scenario in scenarios {
        let spec = RunSpec { scenario: scenario.clone(), actions: vec![], stop_at_event: None, stop_at_us: None };
        events += match way {
            Way::Plain => {
                let mut simulation = World::new(scenario.clone()).expect("valid");
                simulation.run_to_end();
                simulation.events()
            }
            Way::Session | Way::Recorded => {
                let mut session =
                    if matches!(way, Way::Recorded) { Session::with_record(spec, 0) } else { Session::new(spec, 0) }
                        .expect("valid");
                session.run_events(u64::MAX);
                session.world().events()
            }
        };
    }
    (events, started.elapsed().as_secs_f64())
}

fn main() {
    let rounds: usize = std::env::args().nth(1).map_or(5, |text| text.parse().expect("ROUNDS is a number"));
    if let Some(way) = std::env::args().nth(2) {
        let way = match way.as_str() {
            "plain" => Way::Plain,
            "session" => Way::Session,
            "recorded" => Way::Recorded,
            other => panic!("no way {other}: plain, session or recorded"),
        };
        for _ in 0..rounds {
            let (events, seconds) = run(&(1..=40).map(standard).collect::<Vec<_>>(), way);
            println!("{:.0} events/s", events as f64 / seconds);
        }
        return;
    }
    let workloads = [
        ("standard (5 nodes, 40 seeds)", (1..=40).map(standard).collect::<Vec<_>>()),
        ("busy (9 nodes, 10 clients, 2 seeds)", (1..=2).map(busy).collect()),
    ];
    for (name, scenarios) in workloads {
        let mut seconds = [0.0f64; 3];
        let mut events = 0;
        for _ in 0..rounds {
            for (slot, way) in [Way::Plain, Way::Session, Way::Recorded].into_iter().enumerate() {
                let (ran, took) = run(&scenarios, way);
                seconds[slot] += took;
                events = ran;
            }
        }
        let rate = |slot: usize| events as f64 * rounds as f64 / seconds[slot];
        println!("{name}: {events} events a round, {rounds} rounds");
        println!("  plain simulation   {:>10.0} events/s", rate(0));
        println!("  session            {:>10.0} events/s ({:.3} of plain)", rate(1), rate(1) / rate(0));
        println!(
            "  recorded session   {:>10.0} events/s ({:.3} of plain, {:.3} of the session)",
            rate(2),
            rate(2) / rate(0),
            rate(2) / rate(1)
        );
    }
}
