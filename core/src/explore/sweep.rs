//! Sweeping for failing seeds: every seed of a range of one scenario, each run to its end and
//! judged. The command line's `raftsim sweep` and the page's sweep both judge a seed here, so that a
//! seed fails (or passes, or leaves linearizability unanswered) the same way in a terminal and
//! in a browser, and the link a failure carries replays to the same violating event.

use crate::check::violation::Violation;
use crate::scenario::{RunSpec, Scenario, SEED_MAX};

use super::watch::Watch;
use crate::sim::World;
use crate::words;

/// The most seeds one sweep takes. A sweep holds its seed list in memory (8 bytes a seed), so a
/// larger range is spread over several sweeps (`raftsim sweep --shard`).
pub const SWEEP_SEEDS_MAX: u64 = 100_000_000;

/// The seeds of a sweep, `first..=last`: never empty, never past [`SEED_MAX`], at most
/// [`SWEEP_SEEDS_MAX`] of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeedRange {
    first: u64,
    last: u64,
}

/// Why a seed range was refused: which end (`"first"` or `"last"`) and why, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedRangeError {
    /// `"first"` or `"last"`: the end of the range to change.
    pub end: &'static str,
    /// What is wrong, for people.
    pub reason: String,
}

impl SeedRange {
    /// The seeds `first..=last`, if they make a sweep.
    pub fn new(first: u64, last: u64) -> Result<SeedRange, SeedRangeError> {
        let refuse = |end, reason: String| Err(SeedRangeError { end, reason });
        if first > SEED_MAX {
            return refuse(
                "first",
                format!("seeds go up to {SEED_MAX} (the largest integer JavaScript holds exactly)"),
            );
        }
        if last > SEED_MAX {
            return refuse("last", format!("seeds go up to {SEED_MAX} (the largest integer JavaScript holds exactly)"));
        }
        if first > last {
            return refuse("last", "the last seed is before the first".into());
        }
        if last - first >= SWEEP_SEEDS_MAX {
            return refuse("last", format!("at most {} seeds in one sweep", words::count(SWEEP_SEEDS_MAX)));
        }
        Ok(SeedRange { first, last })
    }

    /// Reads a seed as a person typed it: a whole number from 0 to [`SEED_MAX`].
    pub fn parse_seed(text: &str) -> Result<u64, String> {
        let trimmed = text.trim();
        let wrong = || format!("a seed is a whole number from 0 to {SEED_MAX}, not {trimmed:?}");
        if trimmed.is_empty() || !trimmed.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(wrong());
        }
        trimmed.parse::<u64>().ok().filter(|seed| *seed <= SEED_MAX).ok_or_else(wrong)
    }

    /// The first seed.
    pub fn first(self) -> u64 {
        self.first
    }

    /// The last seed.
    pub fn last(self) -> u64 {
        self.last
    }

    /// How many seeds.
    pub fn len(self) -> u64 {
        self.last - self.first + 1
    }

    /// Never: a range holds at least one seed (for clippy's `len` without `is_empty`).
    pub fn is_empty(self) -> bool {
        false
    }

    /// Whether `seed` is one of the range's.
    pub fn contains(self, seed: u64) -> bool {
        (self.first..=self.last).contains(&seed)
    }
}

/// How one seed's run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every check held to the end, linearizability included.
    Pass,
    /// A check fired; the run stopped there.
    Fails(Violation),
    /// Every check held, but the end-of-run linearizability check ran out of budget: neither
    /// a pass nor a failure.
    LinearizabilityUnknown,
}

/// One seed's run, judged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedOutcome {
    /// The seed.
    pub seed: u64,
    /// Events the run took.
    pub events: u64,
    /// How it ended.
    pub verdict: Verdict,
}

/// Runs seed `seed` of `scenario` (whose own seed is ignored) to its end or its first
/// violation, and judges it. The scenario must be valid and the seed at most [`SEED_MAX`]
/// (a [`SeedRange`]'s seeds are).
pub fn judge_seed(scenario: &Scenario, seed: u64) -> SeedOutcome {
    judge(scenario, seed, false).0
}

/// [`judge_seed`], recording the signatures the run reached (`coverage.rs`), ascending. The
/// verdict and the events are those of [`judge_seed`]: coverage changes no run.
pub fn judge_seed_covered(scenario: &Scenario, seed: u64) -> (SeedOutcome, Vec<u64>) {
    let (outcome, world) = judge(scenario, seed, true);
    let reached = world.coverage().expect("coverage is on").reached().iter().copied().collect();
    (outcome, reached)
}

/// The one place a seed is judged, with or without coverage.
fn judge(scenario: &Scenario, seed: u64, covered: bool) -> (SeedOutcome, World) {
    assert!(seed <= SEED_MAX, "seed {seed} is past SEED_MAX");
    let mut world = World::new(Scenario { seed, ..scenario.clone() }).expect("a valid scenario");
    world.set_coverage(covered);
    let verdict = match world.run_to_end() {
        Some(violation) => Verdict::Fails(violation),
        None if world.linearizability_unknown() => Verdict::LinearizabilityUnknown,
        None => Verdict::Pass,
    };
    (SeedOutcome { seed, events: world.events(), verdict }, world)
}

/// The run a failing seed's link holds: seed `seed` of `scenario`, stopped at its violating
/// event, so that opening it shows the violation.
pub fn failing_run(scenario: &Scenario, seed: u64, violation: &Violation) -> RunSpec {
    RunSpec {
        scenario: Scenario { seed, ..scenario.clone() },
        actions: Vec::new(),
        stop_at_event: Some(violation.event),
        stop_at_us: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::Bugs;
    use crate::scenario::preset;

    #[test]
    fn ranges_refuse_what_no_sweep_can_run() {
        assert_eq!(SeedRange::new(3, 9).map(SeedRange::len), Ok(7));
        assert_eq!(SeedRange::new(5, 5).map(SeedRange::len), Ok(1));
        let refused = |first, last| SeedRange::new(first, last).unwrap_err();
        assert_eq!(refused(9, 3), SeedRangeError { end: "last", reason: "the last seed is before the first".into() });
        assert_eq!(refused(0, SWEEP_SEEDS_MAX).reason, "at most 100,000,000 seeds in one sweep");
        assert!(SeedRange::new(1, SWEEP_SEEDS_MAX).is_ok());
        assert_eq!(refused(0, SEED_MAX + 1).end, "last");
        assert_eq!(refused(SEED_MAX + 1, SEED_MAX + 2).end, "first");
        assert!(SeedRange::new(SEED_MAX, SEED_MAX).is_ok());
    }

    #[test]
    fn seeds_read_as_whole_numbers_only() {
        assert_eq!(SeedRange::parse_seed(" 42 "), Ok(42));
        assert_eq!(SeedRange::parse_seed(&SEED_MAX.to_string()), Ok(SEED_MAX));
        for bad in ["", "-1", "1.5", "1e3", "abc", "9007199254740992", "99999999999999999999999"] {
            let problem = SeedRange::parse_seed(bad).unwrap_err();
            assert!(problem.starts_with("a seed is a whole number from 0 to 9007199254740991"), "{bad}: {problem}");
        }
    }

    #[test]
    fn a_seed_is_judged_as_its_own_run() {
        let mut scenario = preset("swarm").expect("the swarm preset");
        scenario.protocol.bugs = Bugs::only("vote_before_durable").expect("catalogued");
        let outcome = judge_seed(&scenario, 1);
        let Verdict::Fails(violation) = &outcome.verdict else { panic!("seed 1 fails: {outcome:?}") };
        let mut alone = World::new(Scenario { seed: 1, ..scenario.clone() }).expect("valid");
        assert_eq!(alone.run_to_end().as_ref(), Some(violation));
        assert_eq!(outcome.events, alone.events());
        let run = failing_run(&scenario, 1, violation);
        let replayed = World::from_spec(&run).expect("valid").run_to_end();
        assert_eq!(replayed.as_ref(), Some(violation), "the link's run fails at the same event");
        assert_eq!(run.stop_at_event, Some(violation.event));
        scenario.protocol.bugs = Bugs::default();
        assert_eq!(judge_seed(&scenario, 1).verdict, Verdict::Pass);
    }
}
