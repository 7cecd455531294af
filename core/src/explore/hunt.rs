//! A guided hunt: runs that reach new signatures (`coverage.rs`) are explored around.
//!
//! The hunt goes in rounds of a fixed number of runs. A run is either a fresh seed of the
//! scenario or a *fork*: a clone of the world taken at the event where an earlier run first
//! reached a signature no run had reached before, continued under a fresh sub-seed
//! ([`World::fork_now`]; the fork is written into the run's scenario, so the run replays
//! from its link). The rarest points (signatures reached by the fewest runs) are forked first,
//! each a few times. A round's runs are independent (the command line runs them on every core)
//! and their results are merged in the round's order, so the hunt is a function of its
//! arguments: the same scenario, hunt seed, first fresh seed and round size give the same runs,
//! the same signatures and the same failures, round after round, whatever the threads.
//!
//! The core has no threads nor clock: [`Hunt::plan`] hands out a round, the caller runs
//! each [`Job`] with [`run_job`] (anywhere, in any order), and [`Hunt::merge`] takes the
//! results back in the plan's order.

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;

use crate::check::violation::Violation;
use crate::scenario::{RunSpec, Scenario, FORKS_MAX, SEED_MAX};

use super::coverage::is_deep;
use super::sweep::{failing_run, panicked_run, Panicked};
use super::watch::Watch;
use crate::sim::rng::{Rng, Stream};
use crate::sim::World;

/// Points (worlds to fork) a run may leave: the first few new signatures it reaches, and
/// more of the deep ones ([`is_deep`]) wherever in the run they come.
const POINTS_PER_RUN_MAX: usize = 4;
/// Points a run may leave in all, deep ones included.
const POINTS_PER_RUN_DEEP_MAX: usize = 12;
/// Forks made of each point before it is spent.
const FORKS_PER_POINT: u32 = 4;
/// Points kept waiting at once (the rarest): each holds a world, so memory stays bounded.
const POINTS_MAX: usize = 256;
/// Of every four runs of a round, how many are forks while points wait (the rest fresh seeds).
const FORKS_OF_FOUR: usize = 3;

/// One run of a round.
#[derive(Clone)]
pub enum Job {
    /// A fresh seed of the hunt's scenario.
    Fresh {
        /// The run's scenario (its seed set).
        scenario: Scenario,
    },
    /// A fork of a world an earlier run left.
    Fork {
        /// The scenario that replays the world up to its fork point (seed and earlier forks).
        scenario: Scenario,
        /// The world at the fork point.
        world: Box<World>,
        /// The sub-seed the fork continues under.
        seed: u64,
    },
}

/// A world where a run first reached a signature no run had reached before.
#[derive(Clone)]
pub struct Point {
    scenario: Scenario,
    world: Box<World>,
    signature: u64,
    forks_left: u32,
}

/// What one run came to.
#[derive(Clone)]
pub struct JobResult {
    /// The run's scenario, forks included: with `failing_run`, its link.
    pub scenario: Scenario,
    /// Events the run took.
    pub events: u64,
    /// The violation that stopped it, if any.
    pub violation: Option<Violation>,
    /// The panic that stopped it, if the engine panicked (it then leaves no points).
    pub panicked: Option<Panicked>,
    /// Every signature it reached, ascending.
    pub reached: Vec<u64>,
    points: Vec<Point>,
}

/// A failure the hunt found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// The run's number in the hunt (from 1).
    pub run: u64,
    /// The run that replays it to the violating event (for a panic, to the event before it).
    pub spec: RunSpec,
    /// What went wrong.
    pub failure: Failure,
}

/// How a run the hunt found failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// A check fired.
    Violation(Violation),
    /// The engine panicked: a bug in raftsim.
    Panic(Panicked),
}

/// The hunt's state between rounds.
pub struct Hunt {
    scenario: Scenario,
    seed_next: u64,
    rng: Rng,
    hits: BTreeMap<u64, u64>,
    points: Vec<Point>,
    runs: u64,
    forked_runs: u64,
    events: u64,
    found: Vec<Found>,
    guided: bool,
}

impl Hunt {
    /// A hunt of `scenario` (which must be valid; its seed is ignored) whose fresh runs take the
    /// seeds from `seed_first` on, and whose choices (which point, which sub-seed) come from
    /// `hunt_seed`.
    pub fn new(scenario: Scenario, seed_first: u64, hunt_seed: u64) -> Hunt {
        assert!(scenario.validate().is_ok(), "a hunt's scenario is valid");
        assert!(scenario.forks.is_empty(), "a hunt adds the forks itself");
        Hunt {
            scenario,
            seed_next: seed_first,
            rng: Rng::new(hunt_seed, Stream::Hunt),
            hits: BTreeMap::new(),
            points: Vec::new(),
            runs: 0,
            forked_runs: 0,
            events: 0,
            found: Vec::new(),
            guided: true,
        }
    }

    /// Switches the guidance off (every run a fresh seed, as a sweep) or back on: the same
    /// rounds and merging either way, so the two can be compared on equal terms.
    pub fn set_guided(&mut self, guided: bool) {
        self.guided = guided;
    }

    /// The next round's `size` runs: while points wait, three in four fork them, deep ones
    /// ([`is_deep`]) first, then the rarest.
    pub fn plan(&mut self, size: usize) -> Vec<Job> {
        self.sort_points();
        let mut jobs = Vec::with_capacity(size);
        let mut next_point = 0;
        for slot in 0..size {
            while next_point < self.points.len() && self.points[next_point].forks_left == 0 {
                next_point += 1;
            }
            if self.guided && slot % 4 < FORKS_OF_FOUR && next_point < self.points.len() {
                let point = &mut self.points[next_point];
                point.forks_left -= 1;
                let seed = self.rng.below(SEED_MAX + 1);
                jobs.push(Job::Fork { scenario: point.scenario.clone(), world: point.world.clone(), seed });
            } else {
                let scenario = Scenario { seed: self.seed_next, ..self.scenario.clone() };
                self.seed_next = (self.seed_next + 1).min(SEED_MAX);
                jobs.push(Job::Fresh { scenario });
            }
        }
        self.points.retain(|point| point.forks_left > 0);
        jobs
    }

    /// Takes in a round's results, in the order of its plan: counts each signature's runs,
    /// keeps the worlds of signatures that only this run reached as points, records failures.
    /// Returns the signatures no earlier round had reached, ascending (for a caller that unions
    /// the coverage of several hunts).
    pub fn merge(&mut self, results: Vec<JobResult>) -> Vec<u64> {
        let mut first_reached = Vec::new();
        for result in results {
            self.runs += 1;
            self.events += result.events;
            if !result.scenario.forks.is_empty() {
                self.forked_runs += 1;
            }
            for signature in &result.reached {
                let hits = self.hits.entry(*signature).or_insert(0);
                if *hits == 0 {
                    first_reached.push(*signature);
                }
                *hits += 1;
            }
            for point in result.points {
                if self.hits.get(&point.signature) == Some(&1) {
                    self.points.push(point);
                }
            }
            let seed = result.scenario.seed;
            if let Some(violation) = result.violation {
                let spec = failing_run(&result.scenario, seed, &violation);
                self.found.push(Found { run: self.runs, spec, failure: Failure::Violation(violation) });
            } else if let Some(panicked) = result.panicked {
                let spec = panicked_run(&result.scenario, seed, &panicked);
                self.found.push(Found { run: self.runs, spec, failure: Failure::Panic(panicked) });
            }
        }
        if self.points.len() > POINTS_MAX {
            self.sort_points();
            self.points.truncate(POINTS_MAX);
        }
        first_reached.sort_unstable();
        first_reached
    }

    /// The next round's size: `round`, or fewer when at most `runs_max` runs may be taken in
    /// all, so the hunt takes exactly that many (the command line's `--runs`, a page worker's
    /// part). At least one run must be left.
    pub fn round_size(&self, round: usize, runs_max: Option<u64>) -> usize {
        let left = runs_max.map_or(u64::MAX, |runs_max| runs_max.saturating_sub(self.runs));
        assert!(left > 0 && round > 0, "a round takes at least one run");
        round.min(usize::try_from(left).unwrap_or(usize::MAX))
    }

    /// Plans a round of `size` runs, runs them one after the other and merges them: the hunt
    /// of a caller with one thread (a page's worker, the tests). The command line runs a plan's
    /// jobs on every core instead, to the same result. Returns what [`Hunt::merge`] does.
    pub fn run_round(&mut self, size: usize) -> Vec<u64> {
        let known = self.hits.clone();
        let results = self.plan(size).into_iter().map(|job| run_job(job, &known)).collect();
        self.merge(results)
    }

    /// Orders the waiting points as they will be forked: deep signatures first, then by how
    /// few runs reached their signature (a stable sort: ties keep the order found).
    fn sort_points(&mut self) {
        let hits = &self.hits;
        self.points.sort_by_key(|point| (!is_deep(point.signature), hits.get(&point.signature).copied().unwrap_or(0)));
    }

    /// How many runs each signature was reached by: the hunt's coverage (its length is the
    /// number of distinct signatures reached).
    pub fn hits(&self) -> &BTreeMap<u64, u64> {
        &self.hits
    }

    /// Runs merged so far.
    pub fn runs(&self) -> u64 {
        self.runs
    }

    /// Runs merged so far that were forks (the rest were fresh seeds).
    pub fn forked_runs(&self) -> u64 {
        self.forked_runs
    }

    /// Events of the runs merged so far (a fork's counted from its start, the part it shares
    /// with its parent included).
    pub fn events(&self) -> u64 {
        self.events
    }

    /// The failures found, in the order found.
    pub fn found(&self) -> &[Found] {
        &self.found
    }

    /// Points waiting to be forked.
    pub fn points_waiting(&self) -> usize {
        self.points.len()
    }
}

/// Runs one job with coverage on, a fresh seed to its end (or first violation), a fork to the
/// end of the safety phase (where faults strike and the states it explores for lie: the calm
/// liveness phase after the heal was judged in the runs it forked from), and leaves as points the
/// worlds where it first reached signatures absent from `known` (the hunt's coverage when the
/// round was planned) during the safety phase, at most [`POINTS_PER_RUN_MAX`] of them (more
/// when deep).
pub fn run_job(job: Job, known: &BTreeMap<u64, u64>) -> JobResult {
    let scenario = job_scenario(&job);
    let mut slot = None;
    let ran = std::panic::catch_unwind(AssertUnwindSafe(|| explore(job, known, &mut slot)));
    ran.unwrap_or_else(|payload| {
        // The world as the panic left it: only its counters are read.
        let (event, time_us) = slot.as_ref().map_or((0, 0), |world| (world.events(), world.now_us()));
        let message = Panicked::message_of(payload.as_ref());
        JobResult {
            reached: Vec::new(),
            events: event,
            violation: None,
            panicked: Some(Panicked { message, event, time_us }),
            scenario,
            points: Vec::new(),
        }
    })
}

/// The scenario a job's run replays from its link, the fork it is about to make included (a
/// fork is the event it follows and its sub-seed, both known before it runs).
pub fn job_scenario(job: &Job) -> Scenario {
    match job {
        Job::Fresh { scenario } => scenario.clone(),
        Job::Fork { scenario, world, seed } => {
            let mut scenario = scenario.clone();
            scenario.forks.push(crate::scenario::Fork { at_event: world.events(), seed: *seed });
            scenario
        }
    }
}

/// [`run_job`]'s run, which may panic: its world lives in `slot`, where a panic leaves it.
fn explore(job: Job, known: &BTreeMap<u64, u64>, slot: &mut Option<Box<World>>) -> JobResult {
    let (scenario, world) = match job {
        Job::Fresh { scenario } => {
            let world = World::new(scenario.clone()).expect("a valid scenario");
            (scenario, Box::new(world))
        }
        Job::Fork { mut scenario, mut world, seed } => {
            scenario.forks.push(world.fork_now(seed));
            (scenario, world)
        }
    };
    let world = slot.insert(world);
    world.set_coverage(true);
    let forked = !scenario.forks.is_empty();
    let mut points = Vec::new();
    let mut reached = world.coverage().map_or(0, |coverage| coverage.count());
    while world.step() {
        if forked && world.phase() != crate::sim::Phase::Safety {
            break;
        }
        let coverage = world.coverage().expect("coverage is on");
        if coverage.count() == reached {
            continue;
        }
        reached = coverage.count();
        let signature = coverage.firsts().last().expect("a signature was reached").signature;
        // A fork runs to the end of the safety phase only, so a point taken after it would
        // be forked for nothing.
        let in_safety = world.phase() == crate::sim::Phase::Safety;
        // A run that holds as many forks as a link may carry leaves no points: a fork of it
        // could not be replayed.
        let forkable = scenario.forks.len() < FORKS_MAX;
        let fresh = in_safety && forkable && !known.contains_key(&signature) && world.violation().is_none();
        let room = if is_deep(signature) { POINTS_PER_RUN_DEEP_MAX } else { POINTS_PER_RUN_MAX };
        if fresh && points.len() < room {
            points.push(Point {
                scenario: scenario.clone(),
                world: world.clone(),
                signature,
                forks_left: FORKS_PER_POINT,
            });
        }
    }
    let coverage = world.coverage().expect("coverage is on");
    debug_assert_eq!(scenario.forks, world.scenario().forks, "the run's scenario carries its forks");
    JobResult {
        reached: coverage.reached().iter().copied().collect(),
        events: world.events(),
        violation: world.violation().cloned(),
        panicked: None,
        scenario,
        points,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::preset;

    fn hunt_rounds(rounds: usize, size: usize) -> Hunt {
        let mut scenario = preset("swarm").expect("the swarm preset");
        scenario.phases.safety_us = 3_000_000;
        scenario.phases.liveness_us = 2_000_000;
        let mut hunt = Hunt::new(scenario, 1, 7);
        for _ in 0..rounds {
            hunt.run_round(size);
        }
        hunt
    }

    #[test]
    fn a_hunt_is_a_function_of_its_arguments_and_forks_its_new_states() {
        let first = hunt_rounds(3, 8);
        let second = hunt_rounds(3, 8);
        assert_eq!(first.runs(), 24);
        assert!(first.forked_runs() > 0, "later rounds fork the points earlier rounds left");
        assert_eq!(first.hits(), second.hits(), "the same arguments reach the same signatures");
        assert_eq!(first.events(), second.events());
        assert!(first.hits().len() > 10, "runs reach many signatures: {}", first.hits().len());
    }

    /// A fork of a world that already holds `forks_before` forks (one after each of its first
    /// events): the points its run leaves.
    fn points_of_a_fork_after(forks_before: u64) -> usize {
        let mut scenario = preset("swarm").expect("the swarm preset");
        scenario.forks =
            (1..=forks_before).map(|at_event| crate::scenario::Fork { at_event, seed: at_event }).collect();
        let mut world = Box::new(World::new(scenario.clone()).expect("valid forks"));
        world.run_events(forks_before + 10);
        let job = Job::Fork { scenario, world, seed: 99 };
        run_job(job, &BTreeMap::new()).points.len()
    }

    #[test]
    fn a_run_holding_as_many_forks_as_a_link_may_leaves_no_points() {
        let limit = FORKS_MAX as u64;
        assert!(points_of_a_fork_after(limit - 2) > 0, "one fork short of the limit, new states are points");
        assert_eq!(points_of_a_fork_after(limit - 1), 0, "at the limit a fork of it could not be replayed");
    }

    #[test]
    fn a_run_that_panics_is_found_as_a_panic_and_the_round_goes_on() {
        let mut scenario = preset("swarm").expect("the swarm preset");
        scenario.phases.safety_us = 3_000_000;
        scenario.phases.liveness_us = 2_000_000;
        let mut hunt = Hunt::new(scenario.clone(), 1, 7);
        let mut world = Box::new(World::new(Scenario { seed: 5, ..scenario.clone() }).expect("valid"));
        world.run_events(100);
        world.watchers_mut().panic_at_event = Some(160);
        let job = Job::Fork { scenario: Scenario { seed: 5, ..scenario.clone() }, world, seed: 11 };
        let link_scenario = job_scenario(&job);
        let fresh = Job::Fresh { scenario: Scenario { seed: 6, ..scenario } };
        let results: Vec<JobResult> = [job, fresh].into_iter().map(|job| run_job(job, &BTreeMap::new())).collect();
        assert_eq!(results[0].scenario, link_scenario, "the link of a fork is known before it runs");
        assert!(results[0].points.is_empty() && results[0].violation.is_none());
        assert!(results[1].panicked.is_none() && results[1].events > 1_000, "the other run ran on");
        hunt.merge(results);
        assert_eq!(hunt.runs(), 2);
        let found = hunt.found();
        assert_eq!(found.len(), 1, "{found:?}");
        let Failure::Panic(panicked) = &found[0].failure else { panic!("a panic: {found:?}") };
        assert_eq!((panicked.event, panicked.message.as_str()), (160, "a test's panic at event 160"));
        assert_eq!(found[0].spec.scenario.forks, vec![crate::scenario::Fork { at_event: 100, seed: 11 }]);
        assert_eq!(found[0].spec.stop_at_event, Some(159));
    }
}
