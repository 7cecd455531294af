//! `raftsim merge`: the reports of a sweep's shards, combined into the report of the whole sweep.

use crate::args::MergeArgs;
use crate::commands::sweep::{merge_ranges, print, read_report, FailingSeed, PanickedSeed, Report, SweepCoverage};
use crate::exit::Failure;

/// Reads the shard reports, merges them and prints the result; exit status 1 if any seed failed
/// or panicked.
pub fn execute(args: &MergeArgs) -> Result<u8, Failure> {
    let reports = args.reports.iter().map(|path| read_report(path)).collect::<Result<Vec<_>, _>>()?;
    let report = merge(reports)?;
    crate::inputs::write_json(&report, args.json.as_deref())?;
    print(&report);
    Ok(report.exit_status())
}

/// Combines shard reports of one sweep; refuses reports of different scenarios or bugs.
fn merge(reports: Vec<Report>) -> Result<Report, String> {
    let first = reports.first().ok_or("nothing to merge")?;
    let (scenario, bug, checks) = (first.scenario.clone(), first.bug.clone(), first.checks);
    let differs = |report: &&Report| report.scenario != scenario || report.bug != bug || report.checks != checks;
    if let Some(other) = reports.iter().find(differs) {
        return Err(format!(
            "cannot merge a sweep of {:?} (bug {:?}, {} checks) with one of {:?} (bug {:?}, {} checks)",
            scenario,
            bug,
            checks.name(),
            other.scenario,
            other.bug,
            other.checks.name()
        ));
    }
    let mut failures: Vec<FailingSeed> = reports.iter().flat_map(|report| report.failures.clone()).collect();
    failures.sort_by_key(|failure| failure.seed);
    failures.dedup_by_key(|failure| failure.seed);
    let mut panics: Vec<PanickedSeed> = reports.iter().flat_map(|report| report.panics.clone()).collect();
    panics.sort_by_key(|panic| panic.seed);
    panics.dedup_by_key(|panic| panic.seed);
    let mut linearizability_unknown: Vec<u64> =
        reports.iter().flat_map(|report| report.linearizability_unknown.clone()).collect();
    linearizability_unknown.sort_unstable();
    linearizability_unknown.dedup();
    let slowest =
        reports.iter().filter_map(|report| report.slowest.clone()).max_by(|a, b| a.wall_ms.total_cmp(&b.wall_ms));
    Ok(Report {
        scenario,
        bug,
        checks,
        ranges: merge_ranges(reports.iter().flat_map(|report| report.ranges.clone()).collect()),
        seeds: reports.iter().map(|report| report.seeds).sum(),
        events: reports.iter().map(|report| report.events).sum(),
        wall_seconds: reports.iter().map(|report| report.wall_seconds).fold(0.0, f64::max),
        failures,
        panics,
        linearizability_unknown,
        slowest,
        coverage: merge_coverage(&reports),
    })
}

/// The union of the shards' signatures, when every shard recorded them (per-seed credit is
/// not kept: it depends on the order the seeds are taken in).
fn merge_coverage(reports: &[Report]) -> Option<SweepCoverage> {
    let shards: Option<Vec<&SweepCoverage>> = reports.iter().map(|report| report.coverage.as_ref()).collect();
    let union: std::collections::BTreeSet<u64> =
        shards?.into_iter().flat_map(|coverage| coverage.reached.iter().copied()).collect();
    Some(SweepCoverage {
        signatures: union.len() as u64,
        reached: union.into_iter().collect(),
        new_by_seed: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::sweep::{shard_seeds, SlowestSeed};

    #[test]
    fn merged_shards_cover_the_whole_range_once() {
        let report = |index: u64, failures: Vec<u64>| Report {
            scenario: "default".into(),
            bug: None,
            checks: Default::default(),
            ranges: merge_ranges(shard_seeds(1, 8, index, 2).into_iter().map(|seed| (seed, seed)).collect()),
            seeds: 4,
            events: 100,
            wall_seconds: 1.0,
            linearizability_unknown: vec![index + 10],
            panics: Vec::new(),
            slowest: Some(SlowestSeed { seed: index + 1, wall_ms: index as f64, events: 7 }),
            coverage: Some(SweepCoverage { signatures: 2, reached: vec![index, 9], new_by_seed: vec![(1, 2)] }),
            failures: failures
                .into_iter()
                .map(|seed| FailingSeed {
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
        assert_eq!(merged.linearizability_unknown, vec![10, 11], "unknown seeds of every shard, once each");
        let coverage = merged.coverage.clone().expect("every shard recorded coverage");
        assert_eq!((coverage.signatures, coverage.reached), (3, vec![0, 1, 9]), "the union of the shards' signatures");
        assert_eq!(merged.exit_status(), crate::exit::CHECK_FAILED);
        let unknown_only = merge(vec![report(0, vec![]), report(1, vec![])]).unwrap();
        assert_eq!(unknown_only.exit_status(), crate::exit::UNKNOWN, "unknown is not a pass");
        assert_eq!(merged.slowest.map(|slowest| slowest.seed), Some(2), "the slowest of the shards' slowest");
        let mut panicked = report(1, vec![]);
        panicked.panics =
            vec![PanickedSeed { seed: 4, event: 9, time_us: 9, message: "boom".into(), link: String::new() }];
        let with_panic = merge(vec![report(0, vec![]), panicked]).unwrap();
        assert_eq!(with_panic.panics.iter().map(|panic| panic.seed).collect::<Vec<_>>(), vec![4]);
        assert_eq!(with_panic.exit_status(), crate::exit::CHECK_FAILED, "a panicked shard fails the merge");
        let mut other = report(0, vec![]);
        other.bug = Some("figure8_commit".into());
        assert!(merge(vec![report(1, vec![]), other]).is_err());
    }
}
