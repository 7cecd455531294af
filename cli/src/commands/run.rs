//! `raftsim run`: one run, with everything it drew and everything it counted.

use raftsim_core::explore::tour::{CaptionWatch, PinnedTour};
use raftsim_core::raft::MessageKind;
use raftsim_core::scenario::{tour, FaultKinds};
use raftsim_core::sim::World;

use crate::args::RunArgs;
use crate::exit::{self, Failure};
use crate::inputs;
use crate::output::out;

/// Runs the scenario to its end and prints the report, with the captions of its guided tour
/// if it has one; exit status 1 if a check failed.
pub fn execute(args: &RunArgs) -> Result<u8, Failure> {
    let scenario = inputs::scenario(&args.scenario, args.file.as_deref(), args.seed)?;
    let tour = tour(&scenario.name);
    let mut simulation = World::new(scenario).expect("validated by inputs::scenario");
    let pinned = match tour {
        Some(tour) => {
            let mut watch = CaptionWatch::new(tour, &simulation);
            while watch.step(&mut simulation) {}
            Some(watch.finish())
        }
        None => {
            simulation.run_to_end();
            None
        }
    };
    let violation = simulation.violation().cloned();
    if args.json {
        print_json(&simulation, pinned.as_ref());
    } else {
        print_drawn(&simulation);
        if let Some(pinned) = &pinned {
            print_tour(pinned);
        }
        print_counts(&simulation);
        out!("{}", verdict_line(&simulation));
    }
    let unknown = violation.is_none() && simulation.linearizability_unknown();
    Ok(if unknown { exit::UNKNOWN } else { exit::status(violation.is_some()) })
}

/// The run's verdict in one line: failed, passed, or passed but for a linearizability check
/// that ran out of budget (said as unknown, never as passed; exit status 2).
fn verdict_line(simulation: &World) -> String {
    if let Some(violation) = simulation.violation() {
        return format!("FAILED: {violation}");
    }
    let checks = "every safety invariant after every event, and liveness after the heal";
    match simulation.linearizability() {
        Some(result) if simulation.linearizability_unknown() => format!(
            "UNKNOWN: {checks} passed, but the linearizability check of {} operations ran out of budget ({} model steps, {} KiB of memo) before an answer",
            result.operations,
            result.steps,
            result.memo_bytes_peak / 1024
        ),
        Some(result) => format!("passed: {checks}; the history of {} operations is linearizable", result.operations),
        None => format!("passed: {checks} (the run stopped before its end, so linearizability was not checked)"),
    }
}

/// A tour's captions in the order the run reached them, each with its event and time (the
/// page pauses at each).
fn print_tour(pinned: &PinnedTour) {
    out!("guided tour: {} ({} captions)", pinned.title, pinned.total);
    for caption in &pinned.captions {
        out!(
            "  [{}/{}] event {} at {} ({}):",
            caption.number,
            pinned.total,
            caption.event,
            raftsim_core::words::instant(caption.time_us),
            caption.cue
        );
        out!("      {}", caption.text);
    }
    if pinned.captions.len() < pinned.total {
        out!(
            "  this run reaches {} of the tour's {} captions: the rest tell what it does not do (the tour's story is its preset's own seed)",
            pinned.captions.len(),
            pinned.total
        );
    }
}

/// The whole report as one JSON object, for scripts: `captions` lists a tour's captions as the
/// run reached them (empty without a tour).
fn print_json(simulation: &World, pinned: Option<&PinnedTour>) {
    let report = serde_json::json!({
        "scenario": simulation.scenario(),
        "parameters": simulation.parameters(),
        "events": simulation.events(),
        "time_us": simulation.now_us(),
        "trace_hash": format!("{:016x}", simulation.trace_hash()),
        "violation": simulation.violation(),
        "telemetry": simulation.telemetry(),
        "scripted_faults": simulation.scripted_faults_due(),
        "ops": simulation.history().outcome_counts(),
        "tour": pinned.map(|pinned| serde_json::json!({
            "preset": pinned.preset,
            "title": pinned.title,
            "total": pinned.total,
        })),
        "captions": pinned.map_or(&[][..], |pinned| &pinned.captions[..]),
        "linearizability": simulation.linearizability().map(|result| serde_json::json!({
            "verdict": result.verdict,
            "operations": result.operations,
            "steps": result.steps,
            "memo_bytes_peak": result.memo_bytes_peak,
        })),
    });
    out!("{}", serde_json::to_string_pretty(&report).expect("serializable"));
}

/// What the scenario and its seed chose: the cluster, the fault mix and the environment.
fn print_drawn(simulation: &World) {
    let scenario = simulation.scenario();
    out!(
        "scenario {} seed {}: {} nodes, {} clients",
        scenario.name,
        scenario.seed,
        scenario.nodes,
        scenario.workload.clients
    );
    let parameters = simulation.parameters();
    let kinds = parameters.nemesis.kinds;
    out!("{}", fault_mix(kinds, scenario.nemesis.swarm));
    let pace = match kinds.any() {
        true => format!(
            "faults every {}..{} ms, down {}..{} ms; ",
            parameters.nemesis.interval_us_min / 1000,
            parameters.nemesis.interval_us_max / 1000,
            parameters.nemesis.downtime_us_min / 1000,
            parameters.nemesis.downtime_us_max / 1000
        ),
        false => String::new(),
    };
    out!(
        "  {pace}network {}..{} us latency, {} ppm drop, {} ppm duplicate, {} ppm stragglers (up to {} ms); fsync {}..{} us, torn tail {} ppm; clock drift up to {} ppm",
        parameters.network.latency_us_min,
        parameters.network.latency_us_max,
        parameters.network.drop_ppm,
        parameters.network.duplicate_ppm,
        parameters.network.straggler_ppm,
        parameters.network.straggler_us_max / 1000,
        parameters.disk.fsync_us_min,
        parameters.disk.fsync_us_max,
        parameters.disk.torn_tail_ppm,
        parameters.clock.drift_ppm_max
    );
}

/// The random faults that are on, in words (the table's names), and whether the seed chose
/// them; "no random faults" when none is, as in a preset whose faults are all scripted.
fn fault_mix(kinds: FaultKinds, drawn: bool) -> String {
    let drawn = if drawn { " (drawn by the seed)" } else { "" };
    if !kinds.any() {
        return format!("no random faults{drawn}");
    }
    let names: Vec<String> = kinds.enabled().map(|kind| kind.name().replace('_', " ")).collect();
    format!("random faults{drawn}: {}", names.join(", "))
}

/// What happened: events, leader changes, faults, client operations, latencies and messages.
fn print_counts(simulation: &World) {
    out!(
        "{} events over {} ms, trace hash {:016x}",
        simulation.events(),
        simulation.now_us() / 1000,
        simulation.trace_hash()
    );
    let telemetry = simulation.telemetry();
    let ops = simulation.history().outcome_counts();
    let (random, scripted) = (telemetry.faults_injected, simulation.scripted_faults_due());
    out!(
        "leader changes {}, faults injected {} ({random} random, {scripted} scripted); ops: {} ok, {} failed (cas), {} unknown, {} pending",
        telemetry.leader_changes,
        random + scripted,
        ops.ok,
        ops.failed,
        ops.unknown,
        ops.pending
    );
    for (name, histogram) in [
        ("commit latency (leader append to commit)", &telemetry.commit_latency_us),
        ("op latency (client-observed)", &telemetry.op_latency_us),
    ] {
        if let (Some(p50), Some(p99)) = (histogram.percentile(500), histogram.percentile(990)) {
            out!("{name}: p50 {:.1} ms, p99 {:.1} ms", p50 as f64 / 1000.0, p99 as f64 / 1000.0);
        }
    }
    print_messages(simulation);
}

/// The message table: per kind, how many were sent, delivered, dropped and duplicated.
fn print_messages(simulation: &World) {
    out!("messages        sent  delivered    dropped duplicated");
    for (kind, counts) in MessageKind::ALL.iter().zip(&simulation.telemetry().messages) {
        out!(
            "  {:<13} {:>6} {:>10} {:>10} {:>10}",
            kind.name(),
            counts.sent,
            counts.delivered,
            counts.dropped,
            counts.duplicated
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use raftsim_core::scenario::FaultKind;

    #[test]
    fn the_fault_mix_names_the_kinds_that_are_on() {
        assert_eq!(fault_mix(FaultKinds::default(), false), "no random faults");
        assert_eq!(fault_mix(FaultKinds::default(), true), "no random faults (drawn by the seed)");
        let mut kinds = FaultKinds::default();
        kinds.set(FaultKind::Crash, true);
        kinds.set(FaultKind::CrashDuringFsync, true);
        assert_eq!(fault_mix(kinds, true), "random faults (drawn by the seed): crash, crash during fsync");
    }
}
