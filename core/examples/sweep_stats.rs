use raftsim_core::scenario::Scenario;
use raftsim_core::sim::Simulation;
fn main() {
    let (mut violations, mut unknown, mut leaders, mut events, mut faults) = (0, 0, 0, 0, 0);
    let start = std::time::Instant::now();
    let seeds = 300;
    for seed in 0..seeds {
        let scenario = Scenario { seed, ..Scenario::default() };
        let mut sim = Simulation::new(scenario).unwrap();
        if let Some(v) = sim.run_to_end() {
            violations += 1;
            if violations <= 5 {
                println!("seed {seed}: {v}\n  {:?}", sim.parameters());
            }
        }
        unknown += sim.history().outcome_counts().unknown;
        leaders += sim.telemetry().leader_changes;
        events += sim.events();
        faults += sim.telemetry().faults_injected;
    }
    let seconds = start.elapsed().as_secs_f64();
    println!("{seeds} seeds: {faults} faults, {violations} violations, {unknown} unknown ops, {leaders} leader changes, {events} events, {:.2} s, {:.0} events/s", seconds, events as f64 / seconds);
}
