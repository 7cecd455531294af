//! The page's hunt: `raftsim hunt` (`explore::hunt`, the coverage-guided search) in the search
//! panel's Web Workers.
//!
//! A guided hunt's rounds share one coverage map, and a fork is a clone of a world in memory,
//! so one hunt cannot be spread over workers without sending worlds between them. The page
//! instead splits the request's seed range into one contiguous part per worker and runs a
//! whole guided hunt in each: worker `k` of `n` runs exactly
//! `raftsim hunt --seeds-from F --runs R --round HUNT_ROUND --hunt-seed k+1` on its part
//! ([`Shard`]), so each part is the same hunt in a browser and in a terminal, failure for
//! failure. The page unions the parts' coverage from [`Hunt::take_signatures`].

use std::collections::BTreeMap;

use raftsim_core::check::violation::Violation;
use raftsim_core::explore::hunt::{job_scenario, run_job, Failure, Job, JobResult};
use raftsim_core::explore::sweep::{Panicked, SeedRange};
use raftsim_core::scenario::share::encode;
use raftsim_core::scenario::RunSpec;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::search::{accepted, panic_if_asked, Accepted};
use crate::to_js;

/// Runs per round of a hunt on the page: small enough that a worker reports its
/// progress a few times a second, large enough that the hunt forks the rarest states first.
pub(crate) const HUNT_ROUND: usize = 16;

/// One worker's part of a guided hunt, as the `raftsim hunt` arguments that repeat it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Shard {
    /// The first fresh seed (`--seeds-from`).
    seeds_from: u64,
    /// The runs it takes, fresh seeds and forks (`--runs`).
    runs: u64,
    /// The seed of its choices (`--hunt-seed`).
    hunt_seed: u64,
    /// Runs per round (`--round`).
    round: usize,
}

impl Shard {
    /// Part `index` of `count` of a hunt over `range`: the range's seeds split into contiguous
    /// parts of (nearly) equal size, each part's size its run budget, so the parts' budgets add
    /// up to one run per seed of the range (a guided hunt over a range takes as many runs as a
    /// sweep of it; its fresh seeds never leave its part, since at most every run is fresh).
    pub(crate) fn of(range: SeedRange, index: u64, count: u64) -> Shard {
        assert!(index < count && count <= range.len(), "part {index} of {count} of {} seeds", range.len());
        let start = range.first() + index * range.len() / count;
        let end = range.first() + (index + 1) * range.len() / count;
        Shard { seeds_from: start, runs: end - start, hunt_seed: index + 1, round: HUNT_ROUND }
    }
}

/// One worker's hunt, a round at a time, each round's runs one call at a time
/// ([`Hunt::plan_round`], [`Hunt::run_planned`], [`Hunt::finish_round`]): a panic kills the
/// worker's engine, and the page then names the run it was on from the plan.
#[wasm_bindgen]
pub struct Hunt {
    hunt: raftsim_core::explore::hunt::Hunt,
    shard: Shard,
    /// Signatures first reached since the last [`Hunt::take_signatures`].
    signatures: Vec<u64>,
    /// The round planned and not yet run, in reverse (the next run last).
    planned: Vec<Job>,
    /// The hunt's coverage when the round was planned.
    known: BTreeMap<u64, u64>,
    /// The round's runs done, in plan order.
    results: Vec<JobResult>,
    /// See `search::Request::panic_at_seed_for_testing`.
    panic_at_seed: Option<u64>,
}

/// A run of a planned round, as the page names it if the engine panics in it.
#[derive(Serialize)]
struct PlannedRun {
    /// The run's number in this worker's hunt (from 1).
    run: u64,
    seed: u64,
    /// Forks between the seed's start and the run, its own included (0: a fresh seed).
    forks: usize,
    /// The link that opens the run from its start, forks included.
    link: String,
}

/// A failure as the search panel lists it.
#[derive(Serialize)]
struct FoundReport {
    /// The run's number in this worker's hunt (from 1).
    run: u64,
    seed: u64,
    /// Forks between the seed's start and the failing run (0: a fresh seed).
    forks: usize,
    /// The check that fired, if one did.
    violation: Option<Violation>,
    /// Where and why the engine panicked, if it did (natively; on wasm32 a panic kills the
    /// worker, and the page names the planned run).
    panic: Option<Panicked>,
    /// The link that opens the run, forks included, at its violating event (at the event
    /// before a panic).
    link: String,
}

/// Where a worker's hunt stands after a round.
#[derive(Serialize)]
struct RoundReport {
    runs: u64,
    runs_total: u64,
    forked_runs: u64,
    events: u64,
    /// Signatures this worker's hunt has reached.
    signatures: usize,
    points_waiting: usize,
    /// The failures this round found.
    found: Vec<FoundReport>,
    finished: bool,
}

#[wasm_bindgen]
impl Hunt {
    /// Part `shard` of `shards` of a hunt of a request [`crate::validate_search`] accepts (its
    /// seeds: the runs' budget and where fresh seeds come from); otherwise an error.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "SearchRequest")] request: JsValue,
        shard: u32,
        shards: u32,
    ) -> Result<Hunt, JsError> {
        let Accepted { scenario, range, panic_at_seed } = accepted(request)?;
        if shards == 0 || shard >= shards || u64::from(shards) > range.len() {
            return Err(JsError::new(&format!("part {shard} of {shards} of a hunt of {} seeds", range.len())));
        }
        let shard = Shard::of(range, u64::from(shard), u64::from(shards));
        let hunt = raftsim_core::explore::hunt::Hunt::new(scenario, shard.seeds_from, shard.hunt_seed);
        Ok(Hunt {
            hunt,
            shard,
            signatures: Vec::new(),
            planned: Vec::new(),
            known: BTreeMap::new(),
            results: Vec::new(),
            panic_at_seed,
        })
    }

    /// This part's `raftsim hunt` arguments: `{seeds_from, runs, hunt_seed, round}`.
    #[wasm_bindgen(unchecked_return_type = "HuntShard")]
    pub fn shard(&self) -> Result<JsValue, JsError> {
        to_js(&self.shard)
    }

    /// Plans the next round (shorter at the end, so the part takes exactly its runs; none once
    /// it has) and names its runs, in order: `[{run, seed, forks, link}]`.
    #[wasm_bindgen(unchecked_return_type = "HuntPlannedRun[]")]
    pub fn plan_round(&mut self) -> Result<JsValue, JsError> {
        if !self.planned.is_empty() || !self.results.is_empty() {
            return Err(JsError::new("the round planned before has not been finished"));
        }
        let mut planned = Vec::new();
        if self.hunt.runs() < self.shard.runs {
            let size = self.hunt.round_size(self.shard.round, Some(self.shard.runs));
            self.known = self.hunt.hits().clone();
            planned = self.hunt.plan(size);
        }
        let runs: Vec<PlannedRun> = (1..)
            .zip(&planned)
            .map(|(number, job)| {
                let scenario = job_scenario(job);
                PlannedRun {
                    run: self.hunt.runs() + number,
                    seed: scenario.seed,
                    forks: scenario.forks.len(),
                    link: encode(&RunSpec { scenario, actions: Vec::new(), stop_at_event: None, stop_at_us: None }),
                }
            })
            .collect();
        planned.reverse();
        self.planned = planned;
        to_js(&runs)
    }

    /// Runs the planned round's next run; `false` if none was left.
    pub fn run_planned(&mut self) -> bool {
        let Some(job) = self.planned.pop() else { return false };
        panic_if_asked(self.panic_at_seed, job_scenario(&job).seed);
        self.results.push(run_job(job, &self.known));
        true
    }

    /// Merges the round's runs (all run) and reports `{runs, runs_total, forked_runs, events,
    /// signatures, points_waiting, found, finished}`.
    #[wasm_bindgen(unchecked_return_type = "HuntRound")]
    pub fn finish_round(&mut self) -> Result<JsValue, JsError> {
        if !self.planned.is_empty() {
            return Err(JsError::new("the round has runs still to run"));
        }
        let found_before = self.hunt.found().len();
        let first_reached = self.hunt.merge(std::mem::take(&mut self.results));
        self.signatures.extend(first_reached);
        to_js(&self.report(found_before))
    }

    fn report(&self, found_before: usize) -> RoundReport {
        let found = self.hunt.found()[found_before..]
            .iter()
            .map(|found| {
                let (violation, panic) = match &found.failure {
                    Failure::Violation(violation) => (Some(violation.clone()), None),
                    Failure::Panic(panicked) => (None, Some(panicked.clone())),
                };
                FoundReport {
                    run: found.run,
                    seed: found.spec.scenario.seed,
                    forks: found.spec.scenario.forks.len(),
                    violation,
                    panic,
                    link: encode(&found.spec),
                }
            })
            .collect();
        RoundReport {
            runs: self.hunt.runs(),
            runs_total: self.shard.runs,
            forked_runs: self.hunt.forked_runs(),
            events: self.hunt.events(),
            signatures: self.hunt.hits().len(),
            points_waiting: self.hunt.points_waiting(),
            found,
            finished: self.hunt.runs() >= self.shard.runs,
        }
    }

    /// The signatures first reached since the last call (a `BigUint64Array`), for the page to
    /// union the coverage of its workers' hunts.
    pub fn take_signatures(&mut self) -> Vec<u64> {
        std::mem::take(&mut self.signatures)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_cover_the_range_once_and_take_one_run_per_seed() {
        let range = SeedRange::new(10, 29).expect("a range");
        let parts: Vec<Shard> = (0..3).map(|index| Shard::of(range, index, 3)).collect();
        assert_eq!(parts.iter().map(|part| part.runs).sum::<u64>(), 20);
        assert_eq!(parts[0].seeds_from, 10);
        for pair in parts.windows(2) {
            assert_eq!(pair[0].seeds_from + pair[0].runs, pair[1].seeds_from, "contiguous parts");
        }
        assert_eq!(parts.iter().map(|part| part.hunt_seed).collect::<Vec<_>>(), vec![1, 2, 3]);
        assert_eq!(Shard::of(range, 0, 1), Shard { seeds_from: 10, runs: 20, hunt_seed: 1, round: HUNT_ROUND });
    }
}
