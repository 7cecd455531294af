//! `raftsim run`: one run, with everything it drew and everything it counted.

use raftsim_core::raft::MessageKind;
use raftsim_core::scenario::{preset, Scenario, PRESET_NAMES};
use raftsim_core::sim::Simulation;

/// Loads a scenario from a preset name or a JSON file, with the seed replaced if given.
pub fn load(preset_name: &str, file: Option<&std::path::Path>, seed: Option<u64>) -> Result<Scenario, String> {
    let mut scenario = match file {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
            serde_json::from_str(&text).map_err(|error| format!("{}: {error}", path.display()))?
        }
        None => match preset_name.strip_prefix("bug-") {
            Some(bug) => {
                raftsim_core::scenario::bug_preset(bug).ok_or_else(|| format!("no bug preset named '{preset_name}'"))?
            }
            None => preset(preset_name).ok_or_else(|| {
                format!(
                    "no preset named '{preset_name}'; the presets are: {}, and bug-<name> for the bug catalogue",
                    PRESET_NAMES.join(", ")
                )
            })?,
        },
    };
    if let Some(seed) = seed {
        scenario.seed = seed;
    }
    scenario.validate().map_err(|error| format!("invalid scenario: {error}"))?;
    Ok(scenario)
}

/// Runs to the end and prints the report; returns whether a check failed.
pub fn run(scenario: Scenario, json: bool) -> bool {
    let mut simulation = Simulation::new(scenario).expect("validated by load");
    let violation = simulation.run_to_end();
    if json {
        let report = serde_json::json!({
            "scenario": simulation.scenario(),
            "parameters": simulation.parameters(),
            "events": simulation.events(),
            "time_us": simulation.now_us(),
            "trace_hash": format!("{:016x}", simulation.trace_hash()),
            "violation": violation,
            "telemetry": simulation.telemetry(),
            "ops": simulation.history().outcome_counts(),
        });
        println!("{}", serde_json::to_string_pretty(&report).expect("serializable"));
        return violation.is_some();
    }
    let scenario = simulation.scenario();
    println!(
        "scenario {} seed {}: {} nodes, {} clients",
        scenario.name, scenario.seed, scenario.nodes, scenario.workload.clients
    );
    let parameters = simulation.parameters();
    println!("fault mix{}: {:?}", if scenario.nemesis.swarm { " (drawn by the seed)" } else { "" }, parameters.kinds);
    println!(
        "  faults every {}..{} ms, down {}..{} ms; network {}..{} us latency, {} ppm drop, {} ppm duplicate, {} ppm stragglers (up to {} ms); fsync {}..{} us, torn tail {} ppm; clock drift up to {} ppm",
        parameters.interval_us_min / 1000,
        parameters.interval_us_max / 1000,
        parameters.downtime_us_min / 1000,
        parameters.downtime_us_max / 1000,
        parameters.network.latency_us_min,
        parameters.network.latency_us_max,
        parameters.network.drop_ppm,
        parameters.network.duplicate_ppm,
        parameters.network.straggler_ppm,
        parameters.network.straggler_us_max / 1000,
        parameters.disk.fsync_us_min,
        parameters.disk.fsync_us_max,
        parameters.disk.torn_tail_ppm,
        parameters.drift_ppm_max
    );
    println!(
        "{} events over {} ms, trace hash {:016x}",
        simulation.events(),
        simulation.now_us() / 1000,
        simulation.trace_hash()
    );
    let telemetry = simulation.telemetry();
    let ops = simulation.history().outcome_counts();
    println!(
        "leader changes {}, faults injected {}; ops: {} ok, {} failed (cas), {} unknown, {} pending",
        telemetry.leader_changes, telemetry.faults_injected, ops.ok, ops.failed, ops.unknown, ops.pending
    );
    for (name, histogram) in [
        ("commit latency (leader append to commit)", &telemetry.commit_latency_us),
        ("op latency (client-observed)", &telemetry.op_latency_us),
    ] {
        if let (Some(p50), Some(p99)) = (histogram.percentile(500), histogram.percentile(990)) {
            println!("{name}: p50 {:.1} ms, p99 {:.1} ms", p50 as f64 / 1000.0, p99 as f64 / 1000.0);
        }
    }
    println!("messages        sent  delivered    dropped duplicated");
    for (kind, counts) in MessageKind::ALL.iter().zip(&telemetry.messages) {
        println!(
            "  {:<13} {:>6} {:>10} {:>10} {:>10}",
            kind.name(),
            counts.sent,
            counts.delivered,
            counts.dropped,
            counts.duplicated
        );
    }
    match &violation {
        Some(violation) => println!("FAILED: {violation}"),
        None => println!("passed: every safety invariant after every event, and liveness after the heal"),
    }
    violation.is_some()
}
