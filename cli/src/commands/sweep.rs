//! `raftsim sweep`: many seeds of one scenario on every core, and the report that lists the
//! failing ones (which `raftsim merge` combines across shards).

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use raftsim_core::explore::sweep::{
    failing_run, judge_seed, judge_seed_covered, panicked_run, SeedRange, Verdict, SWEEP_SEEDS_MAX,
};
use raftsim_core::scenario::share::encode;
use raftsim_core::scenario::{Checks, Scenario};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::args::SweepArgs;
use crate::exit::{self, Failure};
use crate::inputs;
use crate::output::out;
use crate::panics;

/// Sweeps the seeds `--seeds` (or this shard's share of them) and prints the report; exit
/// status 1 if any seed failed.
pub fn execute(args: &SweepArgs) -> Result<u8, Failure> {
    let scenario = inputs::searched_scenario(&args.searched)?;
    let seeds = seeds_to_run(&args.seeds, args.shard.as_deref())?;
    let threads = inputs::threads(args.output.jobs);
    let options = SweepOptions {
        jobs: threads,
        base_url: &args.output.base_url,
        show_progress: !args.output.quiet,
        coverage: args.coverage,
    };
    let report = sweep(&scenario, args.searched.bug.as_deref(), &seeds, &options);
    inputs::write_json(&report, args.output.json.as_deref())?;
    print(&report);
    Ok(report.exit_status())
}

/// The seeds of `--seeds A..B` that `--shard I/N` (if given) leaves to this sweep.
fn seeds_to_run(range: &str, shard: Option<&str>) -> Result<Vec<u64>, String> {
    let range = parse_range(range)?;
    let (index, count) = shard.map(parse_shard).transpose()?.unwrap_or((0, 1));
    Ok(shard_seeds(range.first(), range.last(), index, count))
}

/// `A..B`, inclusive, judged as the page's sweep judges its range.
fn parse_range(text: &str) -> Result<SeedRange, String> {
    let (first, last) = text.split_once("..").ok_or_else(|| format!("--seeds takes A..B, not {text:?}"))?;
    let number = |part: &str| {
        part.trim().parse::<u64>().map_err(|_| format!("--seeds takes A..B with whole numbers, not {text:?}"))
    };
    let (first, last) = (number(first)?, number(last)?);
    SeedRange::new(first, last).map_err(|error| {
        let hint = if last.saturating_sub(first) >= SWEEP_SEEDS_MAX { "; use --shard to spread more" } else { "" };
        format!("--seeds {}: {}{hint}", text.trim(), error.reason)
    })
}

/// `I/N`, with I from 0.
fn parse_shard(text: &str) -> Result<(u64, u64), String> {
    let (index, count) = text.split_once('/').ok_or_else(|| format!("--shard takes I/N, not {text:?}"))?;
    let number = |part: &str| {
        part.trim().parse::<u64>().map_err(|_| format!("--shard takes I/N with whole numbers, not {text:?}"))
    };
    let (index, count) = (number(index)?, number(count)?);
    if count == 0 || index >= count {
        return Err(format!("--shard {text}: I must be from 0 to N-1"));
    }
    Ok((index, count))
}

/// One failing seed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailingSeed {
    pub seed: u64,
    /// The invariant (or liveness or linearizability check) that fired.
    pub check: String,
    pub event: u64,
    pub time_us: u64,
    pub message: String,
    /// The page link that replays the run to the violating event.
    pub link: String,
}

/// A seed whose run panicked: a bug in raftsim, and a failure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanickedSeed {
    pub seed: u64,
    /// The event it panicked in (0: building the world).
    pub event: u64,
    pub time_us: u64,
    /// The panic's message and where it struck.
    pub message: String,
    /// The page link that replays the run to the event before the panic.
    pub link: String,
}

/// A sweep's report (mergeable across shards).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub scenario: String,
    pub bug: Option<String>,
    /// Which checks reported (reports without the field were made with every check).
    #[serde(default)]
    pub checks: Checks,
    /// Seed ranges covered, `[first, last]` inclusive, sorted and merged.
    pub ranges: Vec<(u64, u64)>,
    pub seeds: u64,
    pub events: u64,
    pub wall_seconds: f64,
    pub failures: Vec<FailingSeed>,
    /// Seeds whose run panicked (reports without the field had none): failures, listed apart
    /// because no check fired.
    #[serde(default)]
    pub panics: Vec<PanickedSeed>,
    /// Seeds that passed every check but whose end-of-run linearizability check ran out of
    /// budget: neither passed nor failed, so listed apart.
    #[serde(default)]
    pub linearizability_unknown: Vec<u64>,
    /// The seed that took longest (wall time), to spot one that nearly ran away.
    #[serde(default)]
    pub slowest: Option<SlowestSeed>,
    /// The signatures the seeds reached, with `--coverage`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<SweepCoverage>,
}

/// The abstract states (signatures, `raftsim_core::explore::coverage`) a sweep's seeds reached.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepCoverage {
    /// How many distinct signatures: the union over the seeds.
    pub signatures: u64,
    /// The distinct signatures, ascending (so shards' reports merge into their union).
    pub reached: Vec<u64>,
    /// In seed order, each seed that reached signatures no earlier seed of this sweep had, and
    /// how many: the seeds a guided hunt would explore around. Empty in a merged report.
    pub new_by_seed: Vec<(u64, u64)>,
}

impl SweepCoverage {
    /// The coverage of seeds' signature sets, given in seed order.
    pub fn of_seeds(seeds: impl IntoIterator<Item = (u64, Vec<u64>)>) -> SweepCoverage {
        let mut union = std::collections::BTreeSet::new();
        let mut new_by_seed = Vec::new();
        for (seed, reached) in seeds {
            let new = reached.into_iter().filter(|signature| union.insert(*signature)).count() as u64;
            if new > 0 {
                new_by_seed.push((seed, new));
            }
        }
        SweepCoverage { signatures: union.len() as u64, reached: union.into_iter().collect(), new_by_seed }
    }
}

/// How a sweep runs.
pub struct SweepOptions<'a> {
    /// Threads.
    pub jobs: usize,
    /// The page the replay links point at.
    pub base_url: &'a str,
    /// Whether a progress bar shows on stderr.
    pub show_progress: bool,
    /// Whether each seed records the signatures it reaches (slower).
    pub coverage: bool,
}

impl Report {
    /// 1 if a seed failed or panicked; else 2 if a seed's linearizability went unanswered (not
    /// a pass); else 0.
    pub fn exit_status(&self) -> u8 {
        match (self.failures.is_empty() && self.panics.is_empty(), self.linearizability_unknown.is_empty()) {
            (false, _) => exit::CHECK_FAILED,
            (true, false) => exit::UNKNOWN,
            (true, true) => exit::SUCCESS,
        }
    }
}

/// The slowest seed of a sweep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlowestSeed {
    pub seed: u64,
    pub wall_ms: f64,
    pub events: u64,
}

/// What one seed's run came to.
struct SeedOutcome {
    events: u64,
    failure: Option<FailingSeed>,
    panic: Option<PanickedSeed>,
    linearizability_unknown: bool,
    wall_ms: f64,
    /// The signatures reached, with `--coverage`.
    reached: Option<Vec<u64>>,
}

/// The seeds of shard `index` (from 0) of `count` over `first..=last`: every `count`-th seed,
/// so that shards get equal mixes.
pub fn shard_seeds(first: u64, last: u64, index: u64, count: u64) -> Vec<u64> {
    assert!(index < count && count > 0);
    (first..=last).filter(|seed| (seed - first) % count == index).collect()
}

/// Runs `seeds` of `scenario` in parallel, with a progress bar on stderr.
pub fn sweep(scenario: &Scenario, bug: Option<&str>, seeds: &[u64], options: &SweepOptions) -> Report {
    let judge = |seed| {
        if options.coverage {
            let (outcome, reached) = judge_seed_covered(scenario, seed);
            (outcome, Some(reached))
        } else {
            (judge_seed(scenario, seed), None)
        }
    };
    sweep_judged(scenario, bug, seeds, options, &judge)
}

/// How a sweep judges a seed: its outcome, and with coverage the signatures it reached.
type Judge<'a> = dyn Fn(u64) -> (raftsim_core::explore::sweep::SeedOutcome, Option<Vec<u64>>) + Sync + 'a;

/// [`sweep`], each seed judged by `judge` (the tests' judge may watch a seed).
fn sweep_judged(
    scenario: &Scenario,
    bug: Option<&str>,
    seeds: &[u64],
    options: &SweepOptions,
    judge: &Judge,
) -> Report {
    let progress = progress_bar(seeds.len() as u64, options.show_progress);
    let outcomes = Mutex::new(Vec::new());
    let failing = AtomicU64::new(0);
    let started = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(options.jobs).build().expect("a thread pool");
    pool.install(|| {
        seeds.par_iter().for_each(|&seed| {
            let outcome = run_seed(scenario, seed, options.base_url, judge);
            if outcome.failure.is_some() || outcome.panic.is_some() {
                let failing = failing.fetch_add(1, Ordering::Relaxed) + 1;
                progress.set_message(format!("{failing} failing"));
            }
            outcomes.lock().expect("not poisoned").push((seed, outcome));
            progress.inc(1);
        });
    });
    progress.finish_and_clear();
    let mut outcomes = outcomes.into_inner().expect("not poisoned");
    outcomes.sort_by_key(|(seed, _)| *seed);
    let coverage = options.coverage.then(|| {
        SweepCoverage::of_seeds(
            outcomes.iter_mut().map(|(seed, outcome)| (*seed, outcome.reached.take().expect("covered"))),
        )
    });
    let slowest = outcomes.iter().max_by(|(_, a), (_, b)| a.wall_ms.total_cmp(&b.wall_ms));
    Report {
        coverage,
        scenario: scenario.name.clone(),
        bug: bug.map(String::from),
        checks: scenario.checks,
        ranges: merge_ranges(seeds.iter().map(|&seed| (seed, seed)).collect()),
        seeds: seeds.len() as u64,
        events: outcomes.iter().map(|(_, outcome)| outcome.events).sum(),
        wall_seconds: started.elapsed().as_secs_f64(),
        slowest: slowest.map(|(seed, outcome)| SlowestSeed {
            seed: *seed,
            wall_ms: outcome.wall_ms,
            events: outcome.events,
        }),
        linearizability_unknown: outcomes
            .iter()
            .filter(|(_, outcome)| outcome.linearizability_unknown)
            .map(|(seed, _)| *seed)
            .collect(),
        panics: outcomes.iter_mut().filter_map(|(_, outcome)| outcome.panic.take()).collect(),
        failures: outcomes.into_iter().filter_map(|(_, outcome)| outcome.failure).collect(),
    }
}

/// The sweep's progress bar on stderr (hidden if `shown` is false).
fn progress_bar(seeds: u64, shown: bool) -> ProgressBar {
    let progress = if shown { ProgressBar::new(seeds) } else { ProgressBar::hidden() };
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} seeds  {per_sec}  {msg}  eta {eta}")
            .expect("the template is valid"),
    );
    progress
}

/// Runs one seed to its end, judged as the page's sweep judges it: its event count, the failure
/// with a link that replays it to the violating event if a check fired (or the panic, with a
/// link to the event before it), whether linearizability went unanswered, and its time.
fn run_seed(scenario: &Scenario, seed: u64, base_url: &str, judge: &Judge) -> SeedOutcome {
    let started = Instant::now();
    let ((outcome, reached), location) = panics::judging(|| judge(seed));
    let panic = match &outcome.verdict {
        Verdict::Panic(panicked) => Some(PanickedSeed {
            seed,
            event: panicked.event,
            time_us: panicked.time_us,
            message: panics::described(&panicked.message, location.as_deref()),
            link: format!("{base_url}#{}", encode(&panicked_run(scenario, seed, panicked))),
        }),
        _ => None,
    };
    let failure = match &outcome.verdict {
        Verdict::Fails(violation) => Some(FailingSeed {
            seed,
            check: violation.invariant.name().to_string(),
            event: violation.event,
            time_us: violation.time_us,
            message: violation.message.clone(),
            link: format!("{base_url}#{}", encode(&failing_run(scenario, seed, violation))),
        }),
        Verdict::Pass | Verdict::LinearizabilityUnknown | Verdict::Panic(_) => None,
    };
    SeedOutcome {
        events: outcome.events,
        failure,
        panic,
        linearizability_unknown: outcome.verdict == Verdict::LinearizabilityUnknown,
        wall_ms: started.elapsed().as_secs_f64() * 1000.0,
        reached,
    }
}

/// Sorts ranges and merges those that touch or overlap.
pub fn merge_ranges(mut ranges: Vec<(u64, u64)>) -> Vec<(u64, u64)> {
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

/// Prints a report's summary and its failures.
pub fn print(report: &Report) {
    let ranges: Vec<String> = report
        .ranges
        .iter()
        .map(|(first, last)| if first == last { first.to_string() } else { format!("{first}..{last}") })
        .collect();
    out!(
        "{} seeds of {}{}{} ({}): {} failing{}, {} events in {:.1} s ({:.0} seeds/s)",
        report.seeds,
        report.scenario,
        report.bug.as_ref().map_or(String::new(), |bug| format!(" with bug {bug}")),
        if report.checks == Checks::Full { "" } else { ", damage checks only" },
        ranges.join(", "),
        report.failures.len(),
        if report.panics.is_empty() { String::new() } else { format!(", {} panicked", report.panics.len()) },
        report.events,
        report.wall_seconds,
        report.seeds as f64 / report.wall_seconds.max(1e-9)
    );
    if let Some(coverage) = &report.coverage {
        out!(
            "  coverage: {} distinct signatures (abstract cluster states) reached; {} seeds reached one no earlier seed had",
            coverage.signatures,
            coverage.new_by_seed.len()
        );
    }
    if let Some(slowest) = &report.slowest {
        out!("  slowest seed: {} ({:.1} ms, {} events)", slowest.seed, slowest.wall_ms, slowest.events);
    }
    if !report.linearizability_unknown.is_empty() {
        let seeds: Vec<String> = report.linearizability_unknown.iter().map(u64::to_string).collect();
        out!(
            "  linearizability unknown (the checker's budget ran out; not a pass) for {} seeds: {}",
            seeds.len(),
            seeds.join(", ")
        );
    }
    for failure in &report.failures {
        out!(
            "  seed {}: {} at event {} ({} ms): {}",
            failure.seed,
            failure.check,
            failure.event,
            failure.time_us / 1000,
            failure.message
        );
        out!("    replay: {}", failure.link);
    }
    for panic in &report.panics {
        out!(
            "  seed {}: Panic at event {} ({} ms), a bug in raftsim: {}",
            panic.seed,
            panic.event,
            panic.time_us / 1000,
            panic.message
        );
        out!("    replay (to the event before): {}", panic.link);
    }
}

/// Writes the report as JSON to `path`, if one is given.
/// Reads a report written by `--json`.
pub fn read_report(path: &Path) -> Result<Report, String> {
    let text = std::fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))?;
    serde_json::from_str(&text).map_err(|error| format!("{}: not a sweep report: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_is_the_union_of_the_seeds_and_credits_the_first_to_reach() {
        let coverage = SweepCoverage::of_seeds([(1, vec![5, 9]), (2, vec![9]), (3, vec![1, 5, 7])]);
        assert_eq!(coverage.signatures, 4);
        assert_eq!(coverage.reached, vec![1, 5, 7, 9]);
        assert_eq!(coverage.new_by_seed, vec![(1, 2), (3, 2)]);
    }

    #[test]
    fn a_covered_sweep_reaches_the_union_of_its_halves() {
        let scenario = raftsim_core::scenario::preset("swarm").expect("swarm");
        let options = |coverage| SweepOptions { jobs: 2, base_url: "", show_progress: false, coverage };
        let whole = sweep(&scenario, None, &[1, 2, 3, 4], &options(true));
        let halves = [sweep(&scenario, None, &[1, 2], &options(true)), sweep(&scenario, None, &[3, 4], &options(true))];
        let union: std::collections::BTreeSet<u64> =
            halves.iter().flat_map(|half| half.coverage.clone().expect("covered").reached).collect();
        let coverage = whole.coverage.clone().expect("covered");
        assert_eq!(coverage.reached, union.into_iter().collect::<Vec<_>>());
        assert!(coverage.signatures > halves[0].coverage.as_ref().expect("covered").signatures);
        let plain = sweep(&scenario, None, &[1, 2, 3, 4], &options(false));
        assert_eq!((plain.events, plain.coverage), (whole.events, None), "coverage changes no run");
    }

    /// A watch that panics when the world takes event `0`, as an engine bug would.
    #[derive(Clone)]
    struct PanicsAt(u64);

    impl raftsim_core::sim::observe::Observer for PanicsAt {
        fn observe(&mut self, world: &raftsim_core::sim::World, report: &raftsim_core::sim::observe::Report<'_>) {
            if matches!(report, raftsim_core::sim::observe::Report::Event { .. }) && world.events() == self.0 {
                panic!("a test's panic at event {}", self.0);
            }
        }
    }

    #[test]
    fn a_panicking_seed_is_reported_with_its_link_and_every_other_seed_judged() {
        let mut scenario = raftsim_core::scenario::preset("swarm").expect("swarm");
        scenario.phases.safety_us = 2_000_000;
        scenario.phases.liveness_us = 1_000_000;
        let options = SweepOptions { jobs: 2, base_url: "http://page/", show_progress: false, coverage: false };
        let judge = |seed| {
            let outcome = if seed == 3 {
                raftsim_core::explore::sweep::judge_seed_observed(&scenario, seed, Box::new(PanicsAt(250)))
            } else {
                judge_seed(&scenario, seed)
            };
            (outcome, None)
        };
        let report = sweep_judged(&scenario, None, &[1, 2, 3, 4, 5], &options, &judge);
        let plain = sweep(&scenario, None, &[1, 2, 4, 5], &options);
        assert_eq!((report.seeds, report.failures.len()), (5, 0));
        assert_eq!(report.events, plain.events + 250, "every other seed ran to its end");
        let [panic] = report.panics.as_slice() else { panic!("one panic: {:?}", report.panics) };
        assert_eq!((panic.seed, panic.event), (3, 250));
        assert!(
            panic.message.starts_with("a test's panic at event 250 (at cli/src/commands/sweep.rs:"),
            "{}",
            panic.message
        );
        let spec = raftsim_core::scenario::share::decode(panic.link.strip_prefix("http://page/#").expect("a link"))
            .expect("the link decodes")
            .spec;
        assert_eq!((spec.scenario.seed, spec.stop_at_event), (3, Some(249)), "the run up to the panic");
        assert_eq!(report.exit_status(), exit::CHECK_FAILED, "a panic is a failure, never a pass");
        let json = serde_json::to_value(&report).expect("JSON");
        assert_eq!(json["panics"][0]["seed"], 3);
        assert_eq!(json["panics"][0]["event"], 250);
        let mut older = json.clone();
        older.as_object_mut().expect("an object").remove("panics");
        let read: Report = serde_json::from_value(older).expect("a report from before panics were listed");
        assert!(read.panics.is_empty());
    }

    #[test]
    fn shards_partition_the_range() {
        let all: Vec<u64> = (0..4).flat_map(|index| shard_seeds(10, 29, index, 4)).collect();
        let mut sorted = all.clone();
        sorted.sort();
        assert_eq!(sorted, (10..=29).collect::<Vec<_>>());
        assert_eq!(shard_seeds(10, 29, 1, 4), vec![11, 15, 19, 23, 27]);
    }

    #[test]
    fn seeds_and_shard_flags_read_as_documented() {
        assert_eq!(seeds_to_run("1..8", None), Ok((1..=8).collect()));
        assert_eq!(seeds_to_run(" 1 .. 8 ", Some("1/2")), Ok(vec![2, 4, 6, 8]));
        assert_eq!(seeds_to_run("8..1", None), Err("--seeds 8..1: the last seed is before the first".into()));
        assert_eq!(seeds_to_run("1..8", Some("2/2")), Err("--shard 2/2: I must be from 0 to N-1".into()));
        assert_eq!(
            seeds_to_run("0..100000000", None),
            Err("--seeds 0..100000000: at most 100,000,000 seeds in one sweep; use --shard to spread more".into())
        );
        let past_max = seeds_to_run("9007199254740991..9007199254740992", None).unwrap_err();
        assert!(past_max.starts_with("--seeds 9007199254740991..9007199254740992: seeds go up to "), "{past_max}");
    }
}
