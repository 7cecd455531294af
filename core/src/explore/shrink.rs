//! Shrinking a failing run (`raftsim shrink`): the smallest run found that still fails the same
//! check, so that a person reads tens of events instead of thousands.
//!
//! Greedy, like QuickCheck's shrinking: try simpler variants of the run (fewer nodes, clients,
//! user actions, scripted faults and fault kinds, a calmer network, an earlier stop) in order,
//! keep the first that still fails with the same invariant, and start again from it until no
//! variant fails. Each variant is a whole deterministic rerun, so what is kept replays exactly.

use crate::check::violation::{Invariant, Violation};
use crate::scenario::{RunSpec, Scenario, Scripted, UserAction};
use crate::words;

use super::describe;
use crate::sim::World;

/// The outcome of shrinking.
#[derive(Clone, Debug)]
pub struct Shrunk {
    /// The smallest failing run found, set to stop at its violation.
    pub spec: RunSpec,
    /// Its violation (the same invariant as the original's).
    pub violation: Violation,
    /// The original run's violation.
    pub original: Violation,
    /// The simplifications kept, in order, in words.
    pub steps: Vec<String>,
    /// How many runs shrinking took, the original's included.
    pub runs: u64,
}

/// How big a run is, for people: what a shrink reduces. Under swarm testing, the cluster the
/// seed drew.
pub fn size(spec: &RunSpec, violation: &Violation) -> String {
    let drawn = World::new(spec.scenario.clone()).map(|world| world.scenario().clone());
    let scenario = drawn.as_ref().unwrap_or(&spec.scenario);
    let kinds = scenario.nemesis.kinds.count();
    let faults = if scenario.nemesis.swarm { "swarm faults".to_string() } else { format!("{kinds} fault kinds") };
    format!(
        "{} at event {} ({}); {}, {}, {}, {} scripted, {faults}",
        violation.invariant.name(),
        words::count(violation.event),
        words::instant_rounded(violation.time_us),
        words::counted(u64::from(scenario.nodes), "node", "nodes"),
        words::counted(u64::from(scenario.workload.clients), "client", "clients"),
        words::counted(spec.actions.len() as u64, "user action", "user actions"),
        scenario.script.len()
    )
}

/// How many reruns a shrink takes at most unless told otherwise (`raftsim shrink --runs`, and
/// the page's shrinks).
pub const SHRINK_RUNS_DEFAULT: u64 = 2_000;

/// Shrinks the failing run `spec` with at most `runs_max` reruns. `Err` if it does not fail.
pub fn shrink(spec: &RunSpec, runs_max: u64) -> Result<Shrunk, String> {
    let mut shrinker = Shrinker::new(spec, runs_max)?;
    while shrinker.step() {}
    Ok(shrinker.finish())
}

/// A shrink one rerun at a time, so that a caller (the page, in a Web Worker) can report
/// progress between reruns: [`Shrinker::step`] until it says `false`, then
/// [`Shrinker::finish`]. Stepping to the end gives exactly what [`shrink`] gives.
#[derive(Clone, Debug)]
pub struct Shrinker {
    /// The check every kept variant must fail.
    target: Invariant,
    original: Violation,
    /// The smallest failing run so far (without a stop) and its violation.
    best: RunSpec,
    violation: Violation,
    steps: Vec<String>,
    runs: u64,
    runs_max: u64,
    /// The variants of `best` still to try, the next one last (popped).
    untried: Vec<(String, RunSpec)>,
    /// How many variants of `best` there are in all.
    variants: usize,
    finished: bool,
}

/// Where a shrink has got to, for people watching it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ShrinkProgress {
    /// Reruns so far, the original's included.
    pub runs: u64,
    /// The most reruns allowed.
    pub runs_max: u64,
    /// The simplifications kept so far, in order, in words.
    pub kept: Vec<String>,
    /// How many of the current smallest run's variants have been tried, and how many there are.
    pub variants_tried: usize,
    /// See `variants_tried`.
    pub variants: usize,
    /// The next variant to try, in words (`None` once finished).
    pub next: Option<String>,
    /// The smallest failing run so far, in words ([`size`]).
    pub smallest: String,
    /// Whether the shrink has ended.
    pub finished: bool,
}

impl Shrinker {
    /// Starts shrinking the failing run `spec` (running it once) with at most `runs_max`
    /// reruns. `Err` if it does not fail.
    pub fn new(spec: &RunSpec, runs_max: u64) -> Result<Shrinker, String> {
        let original = run(spec).ok_or("the run passes every check: there is nothing to shrink")?;
        let best = RunSpec { stop_at_event: None, stop_at_us: None, ..spec.clone() };
        let mut shrinker = Shrinker {
            target: original.invariant,
            violation: original.clone(),
            original,
            best,
            steps: Vec::new(),
            runs: 1,
            runs_max,
            untried: Vec::new(),
            variants: 0,
            finished: false,
        };
        shrinker.list_variants();
        Ok(shrinker)
    }

    /// Tries the next variant: one rerun, kept if it fails the same check. `false` once the
    /// shrink has ended (no variant of the smallest run fails, or the reruns are spent), and
    /// then no rerun was made.
    pub fn step(&mut self) -> bool {
        if self.finished || self.runs >= self.runs_max {
            self.finished = true;
            return false;
        }
        let Some((description, candidate)) = self.untried.pop() else {
            self.finished = true;
            return false;
        };
        self.runs += 1;
        if let Some(found) = fails_with(&candidate, self.target) {
            self.best = candidate;
            self.violation = found;
            self.steps.push(description);
            self.list_variants();
        }
        true
    }

    /// The variants of the smallest run so far, biggest simplifications first.
    fn list_variants(&mut self) {
        self.untried = candidates(&self.best, &self.violation);
        self.variants = self.untried.len();
        self.untried.reverse();
    }

    /// Where the shrink has got to.
    pub fn progress(&self) -> ShrinkProgress {
        ShrinkProgress {
            runs: self.runs,
            runs_max: self.runs_max,
            kept: self.steps.clone(),
            variants_tried: self.variants - self.untried.len(),
            variants: self.variants,
            next: if self.finished { None } else { self.untried.last().map(|(description, _)| description.clone()) },
            smallest: size(&self.best, &self.violation),
            finished: self.finished,
        }
    }

    /// The smallest failing run found so far, set to stop at its violation.
    pub fn finish(self) -> Shrunk {
        let mut spec = self.best;
        spec.stop_at_event = Some(self.violation.event);
        spec.scenario.name = shrunk_name(&spec.scenario);
        Shrunk { spec, violation: self.violation, original: self.original, steps: self.steps, runs: self.runs }
    }
}

/// What a shrunk run is called: where it came from, so that its run panel does not name the
/// preset it no longer is (a `swarm` run shrunk to two nodes and no faults is "swarm seed 1,
/// shrunk"). Shrinking a shrunk run again keeps its name.
pub fn shrunk_name(scenario: &Scenario) -> String {
    if scenario.name.ends_with(SHRUNK_SUFFIX) {
        return scenario.name.clone();
    }
    format!("{} seed {}{SHRUNK_SUFFIX}", scenario.name, scenario.seed)
}

/// How a shrunk run's name ends.
pub const SHRUNK_SUFFIX: &str = ", shrunk";

/// Runs `spec` to its end; its violation, if any. An invalid spec counts as passing.
fn run(spec: &RunSpec) -> Option<Violation> {
    World::from_spec(spec).ok()?.run_to_end()
}

fn fails_with(spec: &RunSpec, invariant: Invariant) -> Option<Violation> {
    run(spec).filter(|violation| violation.invariant == invariant)
}

/// The simpler variants of `spec` to try, the biggest simplifications first.
fn candidates(spec: &RunSpec, violation: &Violation) -> Vec<(String, RunSpec)> {
    let mut out = Vec::new();
    let with = |change: &dyn Fn(&mut Scenario)| {
        let mut candidate = spec.clone();
        change(&mut candidate.scenario);
        candidate
    };
    let scenario = &spec.scenario;
    if scenario.nemesis.swarm {
        out.push(("the seed's drawn faults made explicit".into(), with(&|scenario| make_explicit(scenario))));
    }
    stop_earlier(spec, violation, &mut out);
    if scenario.nodes > 1 {
        out.push((format!("{} nodes", scenario.nodes - 1), with(&|scenario| scenario.nodes -= 1)));
    }
    if scenario.workload.clients > 0 {
        out.push(("no clients".into(), with(&|scenario| scenario.workload.clients = 0)));
        out.push((
            words::counted(u64::from(scenario.workload.clients - 1), "client", "clients"),
            with(&|scenario| scenario.workload.clients -= 1),
        ));
    }
    let user = |action: &UserAction| {
        format!("the user action \"{}\" after event {}", describe::action(&action.action), action.after_event)
    };
    remove_each(&spec.actions, "user action", user, &mut out, |list| RunSpec { actions: list, ..spec.clone() });
    let scripted = |scripted: &Scripted| {
        format!("the scripted \"{}\" at {}", describe::action(&scripted.action), words::duration(scripted.at_us))
    };
    remove_each(&scenario.script, "scripted action", scripted, &mut out, |list| RunSpec {
        scenario: Scenario { script: list, ..scenario.clone() },
        ..spec.clone()
    });
    if !scenario.nemesis.swarm {
        calm_down(spec, &mut out);
    }
    out
}

/// The seed's swarm draw written into the scenario, so that each drawn fault kind and rate can
/// then be removed one at a time. Kept only if the run still fails the same way (the liveness
/// phase's calm disks differ).
fn make_explicit(scenario: &mut Scenario) {
    let Ok(world) = World::new(scenario.clone()) else { return };
    world.parameters().clone().fix_into(scenario);
}

/// Earlier stops: a safety violation needs no time after it, and a shorter faulty phase is a
/// smaller run whatever failed.
fn stop_earlier(spec: &RunSpec, violation: &Violation, out: &mut Vec<(String, RunSpec)>) {
    let phases = &spec.scenario.phases;
    let mut shorter = |safety_us: u64, description: String| {
        let mut candidate = spec.clone();
        candidate.scenario.phases.safety_us = safety_us;
        let end_us = candidate.scenario.run_us();
        candidate.scenario.script.retain(|scripted| scripted.at_us <= end_us);
        out.push((description, candidate));
    };
    if violation.time_us + 1_000 < phases.safety_us {
        let safety_us = violation.time_us + 1_000;
        shorter(safety_us, format!("faults stop {} ms in, just after the violation", safety_us / 1000));
    } else if phases.safety_us >= 200_000 {
        let safety_us = phases.safety_us / 2;
        shorter(safety_us, format!("faults stop {} ms in", safety_us / 1000));
    }
}

/// Each item of `list` removed in turn (all of them first), each named by what it is
/// (`name`): its position would not do, since the list is renumbered as items go, and a log of
/// "without action 6" five times tells a person nothing.
fn remove_each<T: Clone>(
    list: &[T],
    what: &str,
    name: impl Fn(&T) -> String,
    out: &mut Vec<(String, RunSpec)>,
    rebuild: impl Fn(Vec<T>) -> RunSpec,
) {
    if list.len() > 1 {
        out.push((format!("no {what}s"), rebuild(Vec::new())));
    }
    for position in 0..list.len() {
        let mut fewer = list.to_vec();
        let removed = fewer.remove(position);
        out.push((format!("without {}", name(&removed)), rebuild(fewer)));
    }
}

/// Each fault kind off in turn, then each network, disk and clock fault rate to zero.
fn calm_down(spec: &RunSpec, out: &mut Vec<(String, RunSpec)>) {
    let kinds = spec.scenario.nemesis.kinds;
    let mut push_if = |on: bool, description: &str, change: &dyn Fn(&mut Scenario)| {
        if on {
            let mut candidate = spec.clone();
            change(&mut candidate.scenario);
            out.push((description.to_string(), candidate));
        }
    };
    for kind in kinds.enabled() {
        push_if(true, kind.shrunk(), &|scenario| scenario.nemesis.kinds.set(kind, false));
    }
    let network = &spec.scenario.network;
    push_if(network.drop_ppm > 0, "no dropped messages", &|scenario| scenario.network.drop_ppm = 0);
    push_if(network.duplicate_ppm > 0, "no duplicated messages", &|scenario| scenario.network.duplicate_ppm = 0);
    push_if(network.straggler_ppm > 0, "no stragglers", &|scenario| scenario.network.straggler_ppm = 0);
    push_if(spec.scenario.disk.torn_tail_ppm > 0, "no torn tails", &|scenario| scenario.disk.torn_tail_ppm = 0);
    push_if(spec.scenario.clock.drift_ppm_max > 0, "no clock drift", &|scenario| scenario.clock.drift_ppm_max = 0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::Bugs;
    use crate::scenario::preset;

    fn failing_swarm_run(bug: &str) -> RunSpec {
        let seed = (1..200)
            .find(|&seed| {
                let mut scenario = Scenario { seed, ..preset("swarm").expect("preset") };
                scenario.protocol.bugs = Bugs::only(bug).expect("catalogued");
                World::new(scenario).expect("valid").run_to_end().is_some()
            })
            .expect("the sweep finds the bug");
        let mut scenario = Scenario { seed, ..preset("swarm").expect("preset") };
        scenario.protocol.bugs = Bugs::only(bug).expect("catalogued");
        RunSpec { scenario, actions: Vec::new(), stop_at_event: None, stop_at_us: None }
    }

    #[test]
    fn a_shrunk_run_fails_the_same_check_sooner_with_less() {
        let spec = failing_swarm_run("stale_vote_counted");
        let shrunk = shrink(&spec, 500).expect("it fails");
        assert_eq!(shrunk.violation.invariant, shrunk.original.invariant);
        assert!(!shrunk.steps.is_empty(), "something was simplified");
        assert!(shrunk.violation.event <= shrunk.original.event);
        let scenario = &shrunk.spec.scenario;
        assert!(scenario.workload.clients <= spec.scenario.workload.clients);
        let replayed = run(&shrunk.spec).expect("the shrunk run fails when replayed");
        assert_eq!(replayed, shrunk.violation, "it replays exactly");
        assert_eq!(shrunk.spec.stop_at_event, Some(shrunk.violation.event));
        let name = format!("swarm seed {}, shrunk", spec.scenario.seed);
        assert_eq!(scenario.name, name, "a shrunk run says what it is");
        let again = shrink(&shrunk.spec, 50).expect("it still fails");
        assert_eq!(again.spec.scenario.name, name, "shrinking again keeps the name");
    }

    /// A run's size reads as people write it: singular nouns for one, grouped digits, and
    /// its time rounded as the page rounds it elsewhere (583.6 ms is 584 ms, not 583).
    #[test]
    fn a_size_reads_in_plain_words() {
        let mut scenario = Scenario { seed: 1, ..preset("classroom").expect("preset") };
        scenario.nodes = 1;
        scenario.workload.clients = 1;
        let spec = RunSpec { scenario, actions: Vec::new(), stop_at_event: None, stop_at_us: None };
        let violation = Violation::new(Invariant::LogInv, 12_345, 583_600, "made up".into());
        let words = size(&spec, &violation);
        assert!(words.starts_with("LogInv at event 12,345 (584 ms); 1 node, 1 client, 0 user actions,"), "{words}");
    }

    /// Each scripted action removed is named by what it does and when, once: the log reads as
    /// the list of what went, not as positions renumbered after every removal.
    #[test]
    fn each_removed_scripted_action_is_named_by_its_content() {
        let scenario = crate::scenario::bug_preset("figure8_commit").expect("a bug preset");
        let spec = RunSpec { scenario, actions: Vec::new(), stop_at_event: None, stop_at_us: None };
        let shrunk = shrink(&spec, 500).expect("it fails");
        let named = |scripted: &Scripted| {
            format!(
                "without the scripted \"{}\" at {}",
                describe::action(&scripted.action),
                words::duration(scripted.at_us)
            )
        };
        let removed: Vec<&String> = shrunk.steps.iter().filter(|step| step.starts_with("without ")).collect();
        assert!(removed.len() > 1, "{:?}", shrunk.steps);
        for (position, step) in removed.iter().enumerate() {
            assert!(!removed[..position].contains(step), "{step} twice in {:?}", shrunk.steps);
            assert!(spec.scenario.script.iter().any(|scripted| named(scripted) == **step), "{step} was in the script");
            assert!(shrunk.spec.scenario.script.iter().all(|scripted| named(scripted) != **step), "{step} is gone");
        }
        assert!(removed.contains(&&"without the scripted \"crash S5\" at 230 ms".to_string()), "{removed:?}");
    }

    /// Stepping reports each rerun and ends where the one-call shrink ends.
    #[test]
    fn stepping_gives_what_shrink_gives() {
        let spec = failing_swarm_run("figure8_commit");
        let whole = shrink(&spec, SHRINK_RUNS_DEFAULT).expect("it fails");
        let mut shrinker = Shrinker::new(&spec, SHRINK_RUNS_DEFAULT).expect("it fails");
        let mut seen = vec![shrinker.progress()];
        while shrinker.step() {
            seen.push(shrinker.progress());
        }
        assert!(!shrinker.step(), "an ended shrink stays ended");
        let last = shrinker.progress();
        let stepped = shrinker.finish();
        assert_eq!(
            (stepped.spec, stepped.violation, stepped.steps, stepped.runs),
            (whole.spec, whole.violation, whole.steps, whole.runs)
        );
        assert!(last.finished && last.next.is_none());
        assert_eq!(last.runs, whole.runs);
        for pair in seen.windows(2) {
            assert_eq!(pair[1].runs, pair[0].runs + 1, "one rerun per step");
            assert!(pair[1].kept.len() >= pair[0].kept.len());
        }
        assert_eq!(seen[0].runs, 1);
        assert!(seen[0].smallest.starts_with("LeaderCommitsOwnTermInv at event "), "{}", seen[0].smallest);
    }

    #[test]
    fn a_shrink_stops_at_its_rerun_budget() {
        let spec = failing_swarm_run("figure8_commit");
        let mut shrinker = Shrinker::new(&spec, 3).expect("it fails");
        assert!(shrinker.step() && shrinker.step());
        assert!(!shrinker.step());
        assert_eq!(shrinker.progress().runs, 3);
        assert_eq!(shrink(&spec, 3).expect("it fails").runs, 3);
    }

    #[test]
    fn a_passing_run_is_refused() {
        let spec =
            RunSpec { scenario: Scenario::default(), actions: Vec::new(), stop_at_event: None, stop_at_us: None };
        assert!(shrink(&spec, 10).is_err());
    }
}
