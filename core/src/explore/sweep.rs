//! Sweeping for failing seeds: every seed of a range of one scenario, each run to its end and
//! judged. The command line's `raftsim sweep` and the page's sweep both judge a seed here, so that a
//! seed fails (or passes, or leaves linearizability unanswered) the same way in a terminal and
//! in a browser, and the link a failure carries replays to the same violating event.

use crate::check::violation::Violation;
use crate::scenario::{RunSpec, Scenario, SEED_MAX};

use std::panic::AssertUnwindSafe;

use super::watch::Watch;
use crate::sim::observe::Observer;
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
    /// The engine panicked: a bug in raftsim (a protocol assertion, or the simulator's own),
    /// and a failure, never a pass. Natively the panic is caught here, so the seed is named
    /// and every other seed of a sweep still judged; on wasm32 a panic aborts the instance,
    /// and the page names the seed its dead worker was on.
    Panic(Panicked),
}

/// Where and why a run panicked.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Panicked {
    /// The panic's message (its payload; the location is the caller's to add, from its panic
    /// hook: the core sets none).
    pub message: String,
    /// The event being handled when it panicked (0: before the first, building the world).
    pub event: u64,
    /// The simulated time then.
    pub time_us: u64,
}

impl Panicked {
    /// The panic's message from its payload: the text `panic!` and `assert!` give, or a note
    /// that it carried none.
    pub fn message_of(payload: &(dyn std::any::Any + Send)) -> String {
        if let Some(text) = payload.downcast_ref::<&str>() {
            (*text).to_string()
        } else if let Some(text) = payload.downcast_ref::<String>() {
            text.clone()
        } else {
            "a panic without a message".to_string()
        }
    }
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
/// (a [`SeedRange`]'s seeds are). A panic is caught and judged ([`Verdict::Panic`]).
pub fn judge_seed(scenario: &Scenario, seed: u64) -> SeedOutcome {
    judge(scenario, seed, |_| {}).0
}

/// [`judge_seed`], recording the signatures the run reached (`coverage.rs`), ascending. The
/// verdict and the events are those of [`judge_seed`]: coverage changes no run.
pub fn judge_seed_covered(scenario: &Scenario, seed: u64) -> (SeedOutcome, Vec<u64>) {
    let (outcome, world) = judge(scenario, seed, |world| world.set_coverage(true));
    let reached = world
        .as_ref()
        .and_then(|world| world.coverage())
        .map_or_else(Vec::new, |coverage| coverage.reached().iter().copied().collect());
    (outcome, reached)
}

/// [`judge_seed`] with `observer` watching the world: a test's watch (one that panics at a
/// chosen event shows how a panicking seed is judged). Observing changes no run.
pub fn judge_seed_observed(scenario: &Scenario, seed: u64, observer: Box<dyn Observer>) -> SeedOutcome {
    judge(scenario, seed, |world| {
        world.set_observer(Some(observer));
    })
    .0
}

/// The one place a seed is judged: its world built, `prepare`d (coverage, an observer) and run
/// to its end, a panic anywhere in that caught. Returns the world too unless building it
/// panicked (after a panic it is as the panic left it: read its counters, nothing more).
fn judge(scenario: &Scenario, seed: u64, prepare: impl FnOnce(&mut World)) -> (SeedOutcome, Option<World>) {
    assert!(seed <= SEED_MAX, "seed {seed} is past SEED_MAX");
    let mut slot: Option<World> = None;
    let ended = std::panic::catch_unwind(AssertUnwindSafe(|| {
        let world = slot.insert(World::new(Scenario { seed, ..scenario.clone() }).expect("a valid scenario"));
        prepare(world);
        world.run_to_end()
    }));
    let (events, time_us) = slot.as_ref().map_or((0, 0), |world| (world.events(), world.now_us()));
    let verdict = match ended {
        Err(payload) => {
            Verdict::Panic(Panicked { message: Panicked::message_of(payload.as_ref()), event: events, time_us })
        }
        Ok(Some(violation)) => Verdict::Fails(violation),
        Ok(None) if slot.as_ref().is_some_and(World::linearizability_unknown) => Verdict::LinearizabilityUnknown,
        Ok(None) => Verdict::Pass,
    };
    (SeedOutcome { seed, events, verdict }, slot)
}

/// The run a panicking seed's link holds: seed `seed` of `scenario`, stopped at the event before
/// the one that panicked, so that opening it shows the world as the panic found it (one step
/// more panics again, and the page shows it).
pub fn panicked_run(scenario: &Scenario, seed: u64, panicked: &Panicked) -> RunSpec {
    RunSpec {
        scenario: Scenario { seed, ..scenario.clone() },
        actions: Vec::new(),
        stop_at_event: Some(panicked.event.saturating_sub(1)),
        stop_at_us: None,
    }
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

    /// Judges seeds 1..=4 of a short swarm run, seed 2 made to panic at event 300.
    fn judged_with_a_panic_in_seed_2() -> Vec<SeedOutcome> {
        let mut scenario = preset("swarm").expect("the swarm preset");
        scenario.phases.safety_us = 2_000_000;
        scenario.phases.liveness_us = 1_000_000;
        (1..=4)
            .map(|seed| {
                let panic_at_event = (seed == 2).then_some(300);
                judge(&scenario, seed, |world| world.watchers_mut().panic_at_event = panic_at_event).0
            })
            .collect()
    }

    #[test]
    fn a_panicking_seed_is_judged_a_panic_and_the_others_as_ever() {
        let outcomes = judged_with_a_panic_in_seed_2();
        let Verdict::Panic(panicked) = &outcomes[1].verdict else { panic!("seed 2 panics: {:?}", outcomes[1]) };
        assert_eq!(panicked.message, "a test's panic at event 300");
        assert_eq!((panicked.event, outcomes[1].events), (300, 300), "the event it panicked in");
        assert!(panicked.time_us > 0, "the simulated time then");
        let mut scenario = preset("swarm").expect("the swarm preset");
        scenario.phases.safety_us = 2_000_000;
        scenario.phases.liveness_us = 1_000_000;
        for (index, seed) in [(0, 1), (2, 3), (3, 4)] {
            assert_eq!(outcomes[index], judge_seed(&scenario, seed), "seed {seed} is judged as if alone");
            assert_eq!(outcomes[index].verdict, Verdict::Pass);
        }
        let link = panicked_run(&scenario, 2, panicked);
        assert_eq!(link.stop_at_event, Some(299), "the link opens the run just before the panic");
        let mut replayed = World::from_spec(&link).expect("valid");
        replayed.run_events(299);
        assert_eq!((replayed.events(), replayed.now_us() <= panicked.time_us), (299, true));
    }

    #[test]
    fn a_panic_keeps_its_message_whatever_its_payload() {
        let text: Box<dyn std::any::Any + Send> = Box::new("static text");
        let formatted: Box<dyn std::any::Any + Send> = Box::new(String::from("formatted text"));
        let other: Box<dyn std::any::Any + Send> = Box::new(7_u32);
        assert_eq!(Panicked::message_of(text.as_ref()), "static text");
        assert_eq!(Panicked::message_of(formatted.as_ref()), "formatted text");
        assert_eq!(Panicked::message_of(other.as_ref()), "a panic without a message");
    }
}
