use raftsim_core::scenario::{preset, PRESET_NAMES};
use raftsim_core::sim::Simulation;
fn main() {
    for name in PRESET_NAMES {
        for seed in 1..=3 {
            let mut scenario = preset(name).unwrap();
            scenario.seed = seed;
            let mut sim = Simulation::new(scenario).unwrap();
            let start = std::time::Instant::now();
            let violation = sim.run_to_end();
            let counts = sim.history().outcome_counts();
            println!(
                "{name:20} seed {seed}: {:8} events {:6.0} ms hash {:016x} leaders {:3} ops {:?} {}",
                sim.events(),
                start.elapsed().as_secs_f64() * 1000.0,
                sim.trace_hash(),
                sim.telemetry().leader_changes,
                counts,
                violation.map(|v| v.to_string()).unwrap_or_default()
            );
        }
    }
}
