//! The cost of an event as a run grows: runs seeds `1..=SEEDS` of the default scenario over
//! `SECONDS` simulated (half safety phase, half liveness phase) and prints the events and the
//! wall time per event; with `split`, also what of it the run's last event (the end-of-run
//! checks: client liveness, linearizability over the whole history) and the teardown (freeing
//! the world) took, the two parts that pass over the whole run's memory once. Run it (without
//! `split`) under `valgrind --tool=callgrind` (profile `profiling`) for instruction counts,
//! which the shared machine's noise does not move:
//! `cargo run --release -p raftsim-core --example flat -- SECONDS SEEDS [split]`.

use std::time::{Duration, Instant};

use raftsim_core::scenario::Scenario;
use raftsim_core::sim::{Phase, World};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |text: &String| text.parse::<u64>().expect("arguments: SECONDS SEEDS [split] (integers)");
    let (seconds, seeds, split) = match &args[..] {
        [seconds, seeds] => (number(seconds), number(seeds), false),
        [seconds, seeds, split] if split == "split" => (number(seconds), number(seeds), true),
        _ => panic!("arguments: SECONDS SEEDS [split]"),
    };
    let mut events = 0;
    let (mut ending, mut freeing) = (Duration::ZERO, Duration::ZERO);
    let started = Instant::now();
    for seed in 1..=seeds {
        let mut scenario = Scenario { seed, ..Scenario::default() };
        scenario.phases.safety_us = seconds * 500_000;
        scenario.phases.liveness_us = seconds * 500_000;
        let mut simulation = World::new(scenario).expect("the default scenario is valid");
        if split {
            // Each step timed, to time the last one alone: the clock costs a little per event.
            loop {
                let step_started = Instant::now();
                let more = simulation.step();
                if simulation.phase() == Phase::Finished || !more {
                    ending += step_started.elapsed();
                    break;
                }
            }
        }
        simulation.run_to_end();
        events += simulation.events();
        let drop_started = Instant::now();
        drop(simulation);
        freeing += drop_started.elapsed();
    }
    let per_event = |time: Duration| time.as_nanos() as f64 / events as f64;
    let total = per_event(started.elapsed());
    print!("{seconds} s x {seeds} seeds: {events} events, {total:.0} ns/event");
    if split {
        print!(" (the last event {:.0}, teardown {:.0})", per_event(ending), per_event(freeing));
    }
    println!();
}
