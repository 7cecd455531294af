//! A run written out for the command line and for `cargo test`: the `raftsim replay` command
//! that replays it, and a Rust test file that runs it and asserts how it ends (the check that
//! fails, at which event; or that every check holds). The page's Export dialog and
//! `raftsim replay --rust-test` / `raftsim shrink --rust-test` print these texts, so a run found
//! in a browser becomes a regression test with one paste.
//!
//! The test is self-contained when it must be: a run that is a preset with only its seed and
//! bug switches changed is written as that preset (readable, and it reads as the hunt that
//! found it); any other run carries its whole run spec as JSON.

use crate::check::violation::Violation;
use crate::raft::{Bugs, BUG_CATALOGUE};
use crate::scenario::share::encode;
use crate::scenario::{any_preset, RunSpec, Scenario};

/// The shell command that replays `spec` to its stop and prints the events before it, the
/// violation if there is one, and the trace hash there. The link is single-quoted: its
/// characters (`r1~0.3.0~` and base64url) are never special inside quotes.
pub fn replay_command(spec: &RunSpec) -> String {
    let link = encode(spec);
    assert!(!link.contains('\''), "a link never holds a quote");
    format!("raftsim replay '{link}'")
}

/// A Rust test module for `core/tests/integration/` that runs `spec` from its start to its end and asserts
/// `outcome`: the violation the run ends with (its check, event and time), or `None` for a run
/// that passes every check. `outcome` must be what running `spec` to its end gives.
pub fn rust_test(spec: &RunSpec, outcome: Option<&Violation>) -> String {
    let spec = RunSpec { stop_at_event: None, stop_at_us: None, ..spec.clone() };
    let name = test_name(&spec.scenario, outcome);
    let mut text = header(&spec, outcome);
    let (uses, build) = match preset_form(&spec) {
        Some(build) => (vec!["raftsim_core::scenario::any_preset", "raftsim_core::sim::World"], build),
        None => (vec!["raftsim_core::scenario::RunSpec", "raftsim_core::sim::World"], json_form(&spec)),
    };
    let mut uses: Vec<&str> = uses;
    if outcome.is_some() {
        uses.insert(0, "raftsim_core::check::violation::Invariant");
    }
    if build.contains("Bugs {") {
        uses.push("raftsim_core::raft::Bugs");
    }
    uses.sort_unstable();
    for path in uses {
        text.push_str(&format!("use {path};\n"));
    }
    text.push('\n');
    text.push_str(&build.constants);
    text.push_str(&format!("#[test]\nfn {name}() {{\n"));
    text.push_str(&build.body);
    text.push_str(&assertion(outcome));
    text.push_str("}\n");
    text
}

/// The test's opening comment: what the run is and what it asserts, in words.
fn header(spec: &RunSpec, outcome: Option<&Violation>) -> String {
    let scenario = &spec.scenario;
    let actions = match spec.actions.len() {
        0 => String::new(),
        1 => " with 1 user action".into(),
        count => format!(" with {count} user actions"),
    };
    let bugs = bugs_on(scenario.protocol.bugs);
    let bugs = match bugs.as_slice() {
        [] => String::new(),
        [bug] => format!(", with the bug {bug} switched on"),
        _ => format!(", with the bugs {} switched on", bugs.join(", ")),
    };
    let mut lines = vec![format!("A run exported by raftsim: {}{bugs}{actions}.", run_words(scenario))];
    match outcome {
        Some(violation) => {
            lines.push(format!(
                "It fails {} at event {} ({} us): {}",
                violation.invariant.name(),
                violation.event,
                violation.time_us,
                one_line(&violation.message)
            ));
        }
        None => lines.push("It passes every check to its end.".into()),
    }
    lines.push(String::new());
    lines.push("Save it as core/tests/integration/NAME.rs and add `mod NAME;` to main.rs there;".into());
    lines.push("`cargo test -p raftsim-core --test integration NAME::` runs it.".into());
    lines
        .iter()
        .map(|line| if line.is_empty() { "//!\n".to_string() } else { format!("//! {line}\n") })
        .collect::<String>()
        + "\n"
}

/// Text for a comment: control characters (a newline would end the comment) become spaces.
fn one_line(text: &str) -> String {
    text.chars().map(|character| if character.is_control() { ' ' } else { character }).collect()
}

/// The run in words: `seed 7 of swarm`, or a name that already says its seed as it is
/// (`swarm seed 7, shrunk`, a shrunk run).
fn run_words(scenario: &Scenario) -> String {
    let name = one_line(&scenario.name);
    if name.contains(&format!("seed {}", scenario.seed)) {
        name
    } else {
        format!("seed {} of {name}", scenario.seed)
    }
}

/// `seed_7_of_swarm_fails_leader_votes_inv`: a Rust identifier naming the run and its outcome.
fn test_name(scenario: &Scenario, outcome: Option<&Violation>) -> String {
    let ending = match outcome {
        Some(violation) => format!("fails_{}", snake_case(violation.invariant.name())),
        None => "passes_every_check".into(),
    };
    let name = identifier_words(&scenario.name);
    let name = if name.is_empty() { "a_run".to_string() } else { name };
    if scenario.name.contains(&format!("seed {}", scenario.seed)) {
        format!("{name}_{ending}")
    } else {
        format!("seed_{}_of_{name}_{ending}", scenario.seed)
    }
}

/// `LeaderCommitsOwnTermInv` as `leader_commits_own_term_inv`.
fn snake_case(name: &str) -> String {
    let mut words = String::new();
    for character in name.chars() {
        if character.is_ascii_uppercase() && !words.is_empty() {
            words.push('_');
        }
        words.push(character.to_ascii_lowercase());
    }
    words
}

/// `bug-figure8_commit (changed)` as `bug_figure8_commit_changed`: ASCII letters and digits,
/// the rest one underscore, at most 48 characters.
fn identifier_words(text: &str) -> String {
    let mut words = String::new();
    for character in text.chars() {
        if character.is_ascii_alphanumeric() {
            words.push(character.to_ascii_lowercase());
        } else if !words.is_empty() && !words.ends_with('_') {
            words.push('_');
        }
        if words.len() >= 48 {
            break;
        }
    }
    words.trim_end_matches('_').to_string()
}

/// How the test builds its world: constants before the test, and the test's first lines.
struct Build {
    constants: String,
    body: String,
}

impl Build {
    fn contains(&self, text: &str) -> bool {
        self.body.contains(text)
    }
}

/// The run as its preset, when it is one with no user actions and only its seed and bug
/// switches changed.
fn preset_form(spec: &RunSpec) -> Option<Build> {
    let scenario = &spec.scenario;
    let preset = any_preset(&scenario.name)?;
    let same = Scenario { seed: scenario.seed, protocol: scenario.protocol.clone(), ..preset.clone() };
    if !spec.actions.is_empty() || same != *scenario {
        return None;
    }
    let mut body = format!("    let mut scenario = any_preset({:?}).expect(\"a preset\");\n", scenario.name);
    body.push_str(&format!("    scenario.seed = {};\n", scenario.seed));
    if scenario.protocol.bugs != preset.protocol.bugs {
        body.push_str(&format!("    scenario.protocol.bugs = {};\n", bugs_literal(scenario.protocol.bugs)));
    }
    body.push_str("    let mut world = World::new(scenario).expect(\"a valid scenario\");\n");
    Some(Build { constants: String::new(), body })
}

/// The names of the bug switches that are on, in the catalogue's order.
fn bugs_on(bugs: Bugs) -> Vec<&'static str> {
    let mut switches = bugs;
    BUG_CATALOGUE.iter().map(|bug| bug.name).filter(|name| switches.switch(name).is_some_and(|on| *on)).collect()
}

/// `Bugs { figure8_commit: true, ..Bugs::default() }`, or `Bugs::default()`.
fn bugs_literal(bugs: Bugs) -> String {
    let on: Vec<String> = bugs_on(bugs).iter().map(|name| format!("{name}: true")).collect();
    if on.is_empty() {
        return "Bugs::default()".into();
    }
    format!("Bugs {{ {}, ..Bugs::default() }}", on.join(", "))
}

/// The run as JSON in a raw string, with as many `#` as it takes to hold any text.
fn json_form(spec: &RunSpec) -> Build {
    let json = serde_json::to_string_pretty(spec).expect("a run spec serializes");
    let hashes = "#".repeat(raw_string_hashes(&json));
    let constants = format!(
        "/// The run: the scenario, seed included, and the user actions, each pinned to the event it\n/// followed.\nconst RUN: &str = r{hashes}\"\n{json}\n\"{hashes};\n\n"
    );
    let body = "    let spec: RunSpec = serde_json::from_str(RUN).expect(\"the run reads\");\n    let mut world = World::from_spec(&spec).expect(\"a valid scenario\");\n".to_string();
    Build { constants, body }
}

/// The fewest `#` a raw string needs so that no `"` followed by them occurs in `text`.
fn raw_string_hashes(text: &str) -> usize {
    let mut hashes = 1;
    while text.contains(&format!("\"{}", "#".repeat(hashes))) {
        hashes += 1;
    }
    hashes
}

/// The test's last lines: the outcome asserted.
fn assertion(outcome: Option<&Violation>) -> String {
    match outcome {
        Some(violation) => format!(
            "    let violation = world.run_to_end().expect(\"the run fails a check\");\n    \
             assert_eq!(violation.invariant, Invariant::{:?}, \"{{violation}}\");\n    \
             // Another event or time means the engine's runs have changed since the export.\n    \
             assert_eq!((violation.event, violation.time_us), ({}, {}), \"{{violation}}\");\n",
            violation.invariant, violation.event, violation.time_us
        ),
        None => "    let violation = world.run_to_end();\n    \
                 assert!(violation.is_none(), \"{violation:?}\");\n    \
                 assert!(!world.linearizability_unknown(), \"linearizability went unanswered\");\n"
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::violation::Invariant;
    use crate::scenario::{bug_preset, preset};
    use crate::sim::World;

    #[test]
    fn every_check_is_named_by_its_variant() {
        for invariant in Invariant::ALL {
            assert_eq!(format!("{invariant:?}"), invariant.name(), "Invariant::{invariant:?} in a test");
        }
    }

    #[test]
    fn a_replay_command_holds_the_link_quoted() {
        let scenario = bug_preset("figure8_commit").expect("a bug preset");
        let spec = RunSpec { scenario, actions: Vec::new(), stop_at_event: Some(40), stop_at_us: None };
        let command = replay_command(&spec);
        assert_eq!(command, format!("raftsim replay '{}'", encode(&spec)));
    }

    #[test]
    fn names_and_comments_cannot_break_out() {
        let mut scenario = preset("swarm").expect("a preset");
        scenario.name = "x\"#\n}fn evil() {\r".into();
        let spec = RunSpec { scenario, actions: Vec::new(), stop_at_event: None, stop_at_us: None };
        let text = rust_test(&spec, None);
        assert!(text.contains("fn seed_1_of_x_fn_evil_passes_every_check()"), "{text}");
        assert!(text.contains("r##\"\n"), "a raw string that the name's \"# cannot end: {text}");
        assert!(text.lines().all(|line| !line.starts_with("}fn")), "{text}");
        assert_eq!(
            test_name(&Scenario { name: "—".into(), ..Scenario::default() }, None),
            "seed_1_of_a_run_passes_every_check"
        );
    }

    #[test]
    fn a_preset_with_a_bug_is_written_as_the_preset() {
        let mut scenario = Scenario { seed: 9, ..preset("swarm").expect("a preset") };
        scenario.protocol.bugs = Bugs::only("stale_vote_counted").expect("catalogued");
        let spec = RunSpec { scenario: scenario.clone(), actions: Vec::new(), stop_at_event: None, stop_at_us: None };
        let violation = World::new(scenario).expect("valid").run_to_end();
        let text = rust_test(&spec, violation.as_ref());
        assert!(text.contains("any_preset(\"swarm\")"), "{text}");
        assert!(
            text.contains("scenario.protocol.bugs = Bugs { stale_vote_counted: true, ..Bugs::default() };"),
            "{text}"
        );
        assert!(!text.contains("RUN"), "{text}");
    }
}
