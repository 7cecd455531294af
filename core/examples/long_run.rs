use raftsim_core::scenario::Scenario;
use raftsim_core::sim::Simulation;
fn main() {
    let seconds: u64 = std::env::args().nth(1).map_or(100, |a| a.parse().unwrap());
    let mut scenario = Scenario { seed: 1, ..Scenario::default() };
    scenario.phases.safety_us = seconds * 500_000;
    scenario.phases.liveness_us = seconds * 500_000;
    let mut simulation = Simulation::new(scenario).unwrap();
    let started = std::time::Instant::now();
    simulation.run_to_end();
    println!(
        "{} events, {:.0} ns/event",
        simulation.events(),
        started.elapsed().as_secs_f64() * 1e9 / simulation.events() as f64
    );
}
