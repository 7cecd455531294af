//! `raftsim sweep` and `raftsim merge`: many seeds of one scenario on every core, and the
//! reports of several shards combined.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use raftsim_core::scenario::share::encode;
use raftsim_core::scenario::{RunSpec, Scenario};
use raftsim_core::sim::Simulation;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// One failing seed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub seed: u64,
    /// The invariant (or liveness or linearizability check) that fired.
    pub check: String,
    pub event: u64,
    pub time_us: u64,
    pub message: String,
    /// The page link that replays the run to the violating event.
    pub link: String,
}

/// A sweep's report (mergeable across shards).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub scenario: String,
    pub bug: Option<String>,
    /// Seed ranges covered, `[first, last]` inclusive, sorted and merged.
    pub ranges: Vec<(u64, u64)>,
    pub seeds: u64,
    pub events: u64,
    pub wall_seconds: f64,
    pub failures: Vec<Failure>,
}

/// The seeds of shard `index` (from 0) of `count` over `first..=last`: every `count`-th seed,
/// so that shards get equal mixes.
pub fn shard_seeds(first: u64, last: u64, index: u64, count: u64) -> Vec<u64> {
    assert!(index < count && count > 0);
    (first..=last).filter(|seed| (seed - first) % count == index).collect()
}

/// Runs `seeds` of `scenario` in parallel (`jobs` threads), with a progress bar on stderr.
pub fn sweep(
    scenario: &Scenario,
    bug: Option<&str>,
    seeds: &[u64],
    jobs: usize,
    base_url: &str,
    show_progress: bool,
) -> Report {
    let progress = if show_progress { ProgressBar::new(seeds.len() as u64) } else { ProgressBar::hidden() };
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} seeds  {per_sec}  {msg}  eta {eta}")
            .expect("the template is valid"),
    );
    let failures = Mutex::new(Vec::new());
    let failure_count = AtomicU64::new(0);
    let events = AtomicU64::new(0);
    let started = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build().expect("a thread pool");
    pool.install(|| {
        seeds.par_iter().for_each(|&seed| {
            let seeded = Scenario { seed, ..scenario.clone() };
            let mut simulation = Simulation::new(seeded.clone()).expect("validated before the sweep");
            let violation = simulation.run_to_end();
            events.fetch_add(simulation.events(), Ordering::Relaxed);
            if let Some(violation) = violation {
                let spec = RunSpec {
                    scenario: seeded,
                    actions: Vec::new(),
                    stop_at_event: Some(violation.event),
                    stop_at_us: None,
                };
                let failure = Failure {
                    seed,
                    check: violation.invariant.name().to_string(),
                    event: violation.event,
                    time_us: violation.time_us,
                    message: violation.message.clone(),
                    link: format!("{base_url}#{}", encode(&spec)),
                };
                failures.lock().expect("not poisoned").push(failure);
                let count = failure_count.fetch_add(1, Ordering::Relaxed) + 1;
                progress.set_message(format!("{count} failing"));
            }
            progress.inc(1);
        });
    });
    progress.finish_and_clear();
    let mut failures = failures.into_inner().expect("not poisoned");
    failures.sort_by_key(|failure| failure.seed);
    Report {
        scenario: scenario.name.clone(),
        bug: bug.map(String::from),
        ranges: merge_ranges(seeds.iter().map(|&seed| (seed, seed)).collect()),
        seeds: seeds.len() as u64,
        events: events.into_inner(),
        wall_seconds: started.elapsed().as_secs_f64(),
        failures,
    }
}

/// Sorts ranges and merges those that touch or overlap.
fn merge_ranges(mut ranges: Vec<(u64, u64)>) -> Vec<(u64, u64)> {
    ranges.sort_unstable();
    let mut merged: Vec<(u64, u64)> = Vec::new();
    for (first, last) in ranges {
        match merged.last_mut() {
            Some(previous) if first <= previous.1.saturating_add(1) => previous.1 = previous.1.max(last),
            _ => merged.push((first, last)),
        }
    }
    merged
}

/// Combines shard reports of one sweep; refuses reports of different scenarios or bugs.
pub fn merge(reports: Vec<Report>) -> Result<Report, String> {
    let first = reports.first().ok_or("nothing to merge")?;
    let (scenario, bug) = (first.scenario.clone(), first.bug.clone());
    if let Some(other) = reports.iter().find(|report| report.scenario != scenario || report.bug != bug) {
        return Err(format!(
            "cannot merge a sweep of {:?} (bug {:?}) with one of {:?} (bug {:?})",
            scenario, bug, other.scenario, other.bug
        ));
    }
    let mut failures: Vec<Failure> = reports.iter().flat_map(|report| report.failures.clone()).collect();
    failures.sort_by_key(|failure| failure.seed);
    failures.dedup_by_key(|failure| failure.seed);
    Ok(Report {
        scenario,
        bug,
        ranges: merge_ranges(reports.iter().flat_map(|report| report.ranges.clone()).collect()),
        seeds: reports.iter().map(|report| report.seeds).sum(),
        events: reports.iter().map(|report| report.events).sum(),
        wall_seconds: reports.iter().map(|report| report.wall_seconds).fold(0.0, f64::max),
        failures,
    })
}

/// Prints a report's summary and its failures.
pub fn print(report: &Report) {
    let ranges: Vec<String> = report
        .ranges
        .iter()
        .map(|(first, last)| if first == last { first.to_string() } else { format!("{first}..{last}") })
        .collect();
    println!(
        "{} seeds of {}{} ({}): {} failing, {} events in {:.1} s ({:.0} seeds/s)",
        report.seeds,
        report.scenario,
        report.bug.as_ref().map_or(String::new(), |bug| format!(" with bug {bug}")),
        ranges.join(", "),
        report.failures.len(),
        report.events,
        report.wall_seconds,
        report.seeds as f64 / report.wall_seconds.max(1e-9)
    );
    for failure in &report.failures {
        println!(
            "  seed {}: {} at event {} ({} ms): {}",
            failure.seed,
            failure.check,
            failure.event,
            failure.time_us / 1000,
            failure.message
        );
        println!("    replay: {}", failure.link);
    }
}

/// Reads a report written by `--json`.
pub fn read_report(path: &Path) -> Result<Report, String> {
    let text = std::fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))?;
    serde_json::from_str(&text).map_err(|error| format!("{}: not a sweep report: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_range() {
        let all: Vec<u64> = (0..4).flat_map(|index| shard_seeds(10, 29, index, 4)).collect();
        let mut sorted = all.clone();
        sorted.sort();
        assert_eq!(sorted, (10..=29).collect::<Vec<_>>());
        assert_eq!(shard_seeds(10, 29, 1, 4), vec![11, 15, 19, 23, 27]);
    }

    #[test]
    fn merged_shards_cover_the_whole_range_once() {
        let report = |index: u64, failures: Vec<u64>| Report {
            scenario: "default".into(),
            bug: None,
            ranges: merge_ranges(shard_seeds(1, 8, index, 2).into_iter().map(|seed| (seed, seed)).collect()),
            seeds: 4,
            events: 100,
            wall_seconds: 1.0,
            failures: failures
                .into_iter()
                .map(|seed| Failure {
                    seed,
                    check: "LogInv".into(),
                    event: 1,
                    time_us: 1,
                    message: String::new(),
                    link: String::new(),
                })
                .collect(),
        };
        let merged = merge(vec![report(0, vec![5]), report(1, vec![2])]).unwrap();
        assert_eq!(merged.ranges, vec![(1, 8)]);
        assert_eq!(merged.seeds, 8);
        assert_eq!(merged.failures.iter().map(|failure| failure.seed).collect::<Vec<_>>(), vec![2, 5]);
        let mut other = report(0, vec![]);
        other.bug = Some("figure8_commit".into());
        assert!(merge(vec![report(1, vec![]), other]).is_err());
    }
}
