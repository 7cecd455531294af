//! The page's search for failing runs, shrink and export: what the search panel's Web Workers
//! run, each in its own instance of this module. A [`Sweep`] judges seeds exactly as `raftsim sweep` does
//! (`explore::sweep::judge_seed`), a [`ShrinkJob`] is `raftsim shrink` one rerun at a time
//! (`explore::shrink::Shrinker`), and the export texts are the ones `raftsim replay --rust-test`
//! prints (`explore::export`). The page only hands out seeds, shows progress and wires buttons.

use raftsim_core::check::violation::Violation;
use raftsim_core::explore::export;
use raftsim_core::explore::shrink::{size, Shrinker, SHRINK_RUNS_DEFAULT};
use raftsim_core::explore::sweep::{
    failing_run, judge_seed, panicked_run, Panicked, SeedRange, Verdict, SWEEP_SEEDS_MAX,
};
use raftsim_core::raft::{Bugs, BUG_CATALOGUE};
use raftsim_core::scenario::share::{decode, encode};
use raftsim_core::scenario::{Checks, RunSpec, Scenario};
use raftsim_core::sim::World;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{parse_js, to_js, whole};

/// The preset a search starts from: the sweep's default, where each seed draws its own faults.
const HUNT_PRESET: &str = "swarm";
/// The range a search starts with: the correct protocol passes every seed of it (the page's
/// tests run it whole in both browsers), and a catalogued bug is found in it.
const HUNT_FIRST_SEED: u64 = 1;
/// See [`HUNT_FIRST_SEED`].
const HUNT_LAST_SEED: u64 = 200;
/// The most workers a search starts, whatever the number of cores: each holds its own engine
/// (its memory, and up to the page's linearizability budget during a run).
const HUNT_WORKERS_MAX: u32 = 8;

/// The ways the search panel searches: `(name, label, description)`, the first the default.
const SEARCHES: [(&str, &str, &str); 2] = [
    ("sweep", "sweep: every seed of the range", "Runs each seed of the range once, to its end, as raftsim sweep does."),
    (
        "hunt",
        "hunt: explore new states (guided)",
        "Takes as many runs as the range has seeds, but where a run first reaches an abstract \
         cluster state no run had reached (a new signature), clones the world there and continues \
         the clone under fresh random choices; three runs in four are such forks while any wait. \
         As raftsim hunt does, one hunt per worker, each on its part of the range: so the runs \
         depend on how many workers the browser gives, and each failure replays from its link.",
    ),
];

/// What the search panel starts with and its bounds.
#[wasm_bindgen(unchecked_return_type = "SearchDefaults")]
pub fn search_defaults() -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    struct Defaults {
        scenario: &'static str,
        first_seed: u64,
        last_seed: u64,
        seeds_max: u64,
        workers_max: u32,
        shrink_runs_max: u64,
        /// Runs per round of a hunt.
        hunt_round: usize,
        /// The ways to search, each with its name and what it does, in the order to offer them.
        searches: Vec<CheckMode>,
        /// The check modes, each with its name and what it does, in the order to offer them.
        checks: Vec<CheckMode>,
    }
    #[derive(Serialize)]
    struct CheckMode {
        name: &'static str,
        label: &'static str,
        description: &'static str,
    }
    to_js(&Defaults {
        scenario: HUNT_PRESET,
        first_seed: HUNT_FIRST_SEED,
        last_seed: HUNT_LAST_SEED,
        seeds_max: SWEEP_SEEDS_MAX,
        workers_max: HUNT_WORKERS_MAX,
        shrink_runs_max: SHRINK_RUNS_DEFAULT,
        hunt_round: crate::hunt::HUNT_ROUND,
        searches: SEARCHES
            .into_iter()
            .map(|(name, label, description)| CheckMode { name, label, description })
            .collect(),
        checks: Checks::ALL
            .into_iter()
            .map(|checks| CheckMode { name: checks.name(), label: checks.label(), description: checks.description() })
            .collect(),
    })
}

/// A field of the search form that the engine refused, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
struct Problem {
    /// `scenario`, `bugs`, `checks`, `first_seed` or `last_seed` (empty: the request as a
    /// whole).
    field: &'static str,
    reason: String,
}

/// The search form as the page sends it: the seeds as typed, so the engine judges the text.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    scenario: serde_json::Value,
    #[serde(default)]
    bugs: Vec<String>,
    /// The check mode's name; absent, the scenario's own.
    #[serde(default)]
    checks: Option<String>,
    first_seed: String,
    last_seed: String,
    /// The page's tests make the engine panic when it judges (a sweep) or runs (a hunt) this
    /// seed, to see a dead worker reported with its seed, as `fail_at_event_for_testing` does
    /// for the run on screen.
    #[serde(default)]
    panic_at_seed_for_testing: Option<u64>,
}

/// A search request the engine accepted.
pub(crate) struct Accepted {
    /// The scenario, its bug switches and check mode set.
    pub(crate) scenario: Scenario,
    /// The seeds.
    pub(crate) range: SeedRange,
    /// See [`Request::panic_at_seed_for_testing`].
    pub(crate) panic_at_seed: Option<u64>,
}

/// Panics if the page's test asked for a panic at `seed` (see
/// [`Request::panic_at_seed_for_testing`]).
pub(crate) fn panic_if_asked(panic_at_seed: Option<u64>, seed: u64) {
    assert_ne!(panic_at_seed, Some(seed), "the page's test asked for a panic in seed {seed}");
}

/// Reads and judges a search request: the scenario with its bug switches set (and without forks:
/// a fork belongs to one run, as the user's actions do), and the seeds; or every problem, each
/// with its field.
fn plan(request: JsValue) -> Result<Accepted, Vec<Problem>> {
    let request: Request = parse_js(request, "search").map_err(|reason| vec![Problem { field: "", reason }])?;
    let mut problems = Vec::new();
    let mut refuse = |field, reason: String| problems.push(Problem { field, reason });
    let scenario = match serde_json::from_value::<Scenario>(request.scenario) {
        Ok(scenario) => scenario.validate().map(|()| scenario).map_err(|error| error.to_string()),
        Err(error) => Err(error.to_string()),
    };
    let bugs = bug_switches(&request.bugs);
    let checks = check_mode(request.checks.as_deref());
    let first = SeedRange::parse_seed(&request.first_seed);
    let last = SeedRange::parse_seed(&request.last_seed);
    if let Err(reason) = &scenario {
        refuse("scenario", format!("the scenario is invalid: {reason}"));
    }
    if let Err(reason) = &bugs {
        refuse("bugs", reason.clone());
    }
    if let Err(reason) = &checks {
        refuse("checks", reason.clone());
    }
    if let Err(reason) = &first {
        refuse("first_seed", reason.clone());
    }
    if let Err(reason) = &last {
        refuse("last_seed", reason.clone());
    }
    let range = match (first, last) {
        (Ok(first), Ok(last)) => SeedRange::new(first, last).map_err(|error| {
            refuse(if error.end == "first" { "first_seed" } else { "last_seed" }, error.reason);
        }),
        _ => Err(()),
    };
    match (scenario, bugs, checks, range) {
        (Ok(mut scenario), Ok(bugs), Ok(checks), Ok(range)) => {
            scenario.protocol.bugs = bugs;
            scenario.checks = checks.unwrap_or(scenario.checks);
            scenario.forks.clear();
            Ok(Accepted { scenario, range, panic_at_seed: request.panic_at_seed_for_testing })
        }
        _ => Err(problems),
    }
}

/// [`plan`] for a constructor: the request, or an error naming every problem.
pub(crate) fn accepted(request: JsValue) -> Result<Accepted, JsError> {
    plan(request).map_err(|problems| {
        let reasons: Vec<String> = problems.iter().map(|problem| problem.reason.clone()).collect();
        JsError::new(&reasons.join("; "))
    })
}

/// The bug switches with the named ones on (none: the correct protocol).
fn bug_switches(names: &[String]) -> Result<Bugs, String> {
    let mut bugs = Bugs::default();
    for name in names {
        let known = BUG_CATALOGUE.iter().map(|bug| bug.name).collect::<Vec<_>>().join(", ");
        *bugs.switch(name).ok_or_else(|| format!("no bug named {name:?}; the catalogue has {known}"))? = true;
    }
    Ok(bugs)
}

/// The check mode named (none: keep the scenario's).
fn check_mode(name: Option<&str>) -> Result<Option<Checks>, String> {
    let Some(name) = name else { return Ok(None) };
    let known = Checks::ALL.map(Checks::name).join(", ");
    Checks::named(name).map(Some).ok_or_else(|| format!("no check mode named {name:?}; the modes are {known}"))
}

/// Judges a search request (`{scenario, bugs, checks, first_seed, last_seed}`, the seeds as
/// typed): an empty list if a sweep or a hunt can run it, else each problem as `{field, reason}`.
#[wasm_bindgen(unchecked_return_type = "FormProblem[]")]
pub fn validate_search(
    #[wasm_bindgen(unchecked_param_type = "SearchRequest")] request: JsValue,
) -> Result<JsValue, JsError> {
    match plan(request) {
        Ok(_) => to_js(&Vec::<Problem>::new()),
        Err(problems) => to_js(&problems),
    }
}

/// A sweep: one scenario and a range of seeds, judged a chunk at a time (each worker of the
/// page holds one and is handed chunks).
#[wasm_bindgen]
pub struct Sweep {
    scenario: Scenario,
    range: SeedRange,
    panic_at_seed: Option<u64>,
}

/// One seed's outcome, as the page lists it.
#[derive(Serialize)]
struct SeedReport {
    seed: u64,
    events: u64,
    /// `pass`, `fails`, `unknown` (linearizability went unanswered: not a pass) or `panic`
    /// (the engine panicked; on wasm32 a panic kills the worker instead, and the page reports
    /// the seed it was on).
    verdict: &'static str,
    violation: Option<Violation>,
    /// Where and why the engine panicked.
    panic: Option<Panicked>,
    /// The link that opens the run at its violating event (at the event before a panic).
    link: Option<String>,
}

#[wasm_bindgen]
impl Sweep {
    /// A sweep of a request [`validate_search`] accepts; otherwise an error with each problem.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "SearchRequest")] request: JsValue) -> Result<Sweep, JsError> {
        let Accepted { scenario, range, panic_at_seed } = accepted(request)?;
        Ok(Sweep { scenario, range, panic_at_seed })
    }

    /// The first seed.
    pub fn first_seed(&self) -> f64 {
        self.range.first() as f64
    }

    /// The last seed.
    pub fn last_seed(&self) -> f64 {
        self.range.last() as f64
    }

    /// Runs the seeds `first`, `first + 1`, … (`count` of them, all in the range) each to its
    /// end, and reports each: `{seed, events, verdict, violation, link}`.
    #[wasm_bindgen(unchecked_return_type = "SeedReport[]")]
    pub fn run_seeds(&self, first: f64, count: u32) -> Result<JsValue, JsError> {
        let first = whole(first, "the first seed", raftsim_core::scenario::SEED_MAX)?;
        let last = first.saturating_add(u64::from(count.max(1)) - 1);
        if !self.range.contains(first) || !self.range.contains(last) {
            return Err(JsError::new(&format!("seeds {first} to {last} are not all in the sweep's range")));
        }
        let reports: Vec<SeedReport> = (first..=last).map(|seed| self.report(seed)).collect();
        to_js(&reports)
    }

    fn report(&self, seed: u64) -> SeedReport {
        panic_if_asked(self.panic_at_seed, seed);
        let outcome = judge_seed(&self.scenario, seed);
        let (verdict, violation, panic, link) = match outcome.verdict {
            Verdict::Pass => ("pass", None, None, None),
            Verdict::LinearizabilityUnknown => ("unknown", None, None, None),
            Verdict::Fails(violation) => {
                let link = encode(&failing_run(&self.scenario, seed, &violation));
                ("fails", Some(violation), None, Some(link))
            }
            Verdict::Panic(panicked) => {
                let link = encode(&panicked_run(&self.scenario, seed, &panicked));
                ("panic", None, Some(panicked), Some(link))
            }
        };
        SeedReport { seed, events: outcome.events, verdict, violation, panic, link }
    }

    /// The link of seed `seed`'s run from its start (for a seed that crashed the engine).
    pub fn seed_link(&self, seed: f64) -> Result<String, JsError> {
        let seed = whole(seed, "the seed", raftsim_core::scenario::SEED_MAX)?;
        let scenario = Scenario { seed, ..self.scenario.clone() };
        Ok(encode(&RunSpec { scenario, actions: Vec::new(), stop_at_event: None, stop_at_us: None }))
    }
}

/// `raftsim shrink`, one rerun per [`ShrinkJob::step`], for a worker that reports progress
/// between reruns. Stepped to its end it gives the link `raftsim shrink` prints.
#[wasm_bindgen]
pub struct ShrinkJob {
    /// `None` once finished.
    shrinker: Option<Shrinker>,
    original: RunSpec,
}

#[wasm_bindgen]
impl ShrinkJob {
    /// Starts shrinking the run of a link (running it once); an error if the link is bad or its
    /// run passes every check.
    #[wasm_bindgen(constructor)]
    pub fn new(link: &str) -> Result<ShrinkJob, JsError> {
        let spec = decode(link).map_err(|error| JsError::new(&error.to_string()))?.spec;
        let shrinker = Shrinker::new(&spec, SHRINK_RUNS_DEFAULT).map_err(|problem| JsError::new(&problem))?;
        Ok(ShrinkJob { shrinker: Some(shrinker), original: spec })
    }

    /// One rerun; `false` once the shrink has ended.
    pub fn step(&mut self) -> bool {
        self.shrinker.as_mut().is_some_and(Shrinker::step)
    }

    /// Where the shrink has got to: `{runs, runs_max, kept, variants_tried, variants, next,
    /// smallest, finished}`.
    #[wasm_bindgen(unchecked_return_type = "ShrinkProgress")]
    pub fn progress(&self) -> Result<JsValue, JsError> {
        let shrinker = self.shrinker.as_ref().ok_or_else(|| JsError::new("the shrink has been finished"))?;
        to_js(&shrinker.progress())
    }

    /// Ends the shrink: `{link, violation, original, steps, runs, size_before, size_after}`,
    /// the link opening the smallest run at its violation.
    #[wasm_bindgen(unchecked_return_type = "Shrunk")]
    pub fn finish(&mut self) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        struct Shrunk {
            link: String,
            violation: Violation,
            original: Violation,
            steps: Vec<String>,
            runs: u64,
            size_before: String,
            size_after: String,
        }
        let shrunk = self.shrinker.take().ok_or_else(|| JsError::new("the shrink has been finished"))?.finish();
        to_js(&Shrunk {
            link: encode(&shrunk.spec),
            size_before: size(&self.original, &shrunk.original),
            size_after: size(&shrunk.spec, &shrunk.violation),
            violation: shrunk.violation,
            original: shrunk.original,
            steps: shrunk.steps,
            runs: shrunk.runs,
        })
    }
}

/// The shell command that replays a link's run to its stop: `raftsim replay '…'`.
#[wasm_bindgen]
pub fn replay_command(link: &str) -> Result<String, JsError> {
    let spec = decode(link).map_err(|error| JsError::new(&error.to_string()))?.spec;
    Ok(export::replay_command(&spec))
}

/// Runs a link's run from its start to its end and writes it as a Rust test module for
/// core/tests/integration/ that asserts how it ends: `{text, violation, events}` (`violation` null for a pass). As
/// `raftsim replay --rust-test` prints. A whole run: the page calls it in a worker.
#[wasm_bindgen(unchecked_return_type = "RustTest")]
pub fn rust_test(link: &str) -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    struct Exported {
        text: String,
        violation: Option<Violation>,
        events: u64,
    }
    let spec = decode(link).map_err(|error| JsError::new(&error.to_string()))?.spec;
    let mut simulation = World::from_spec(&spec).map_err(|error| JsError::new(&error.to_string()))?;
    let violation = simulation.run_to_end();
    to_js(&Exported { text: export::rust_test(&spec, violation.as_ref()), violation, events: simulation.events() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_modes_are_judged_by_name() {
        assert_eq!(check_mode(None), Ok(None));
        assert_eq!(check_mode(Some("damage")), Ok(Some(Checks::Damage)));
        assert_eq!(check_mode(Some("full")), Ok(Some(Checks::Full)));
        let problem = check_mode(Some("some")).unwrap_err();
        assert_eq!(problem, "no check mode named \"some\"; the modes are full, damage");
    }

    #[test]
    fn bug_names_are_judged_against_the_catalogue() {
        assert_eq!(bug_switches(&[]), Ok(Bugs::default()));
        assert_eq!(bug_switches(&["figure8_commit".into()]), Ok(Bugs::only("figure8_commit").expect("catalogued")));
        let problem = bug_switches(&["nope".into()]).unwrap_err();
        assert!(problem.starts_with("no bug named \"nope\"; the catalogue has figure8_commit, "), "{problem}");
    }
}
