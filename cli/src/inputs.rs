//! What several commands read from the user, read one way for all of them: a scenario (preset
//! or file), a bug name, a share link, a thread count.

use std::path::Path;

use clap::builder::{PossibleValue, PossibleValuesParser};
use raftsim_core::raft::{Bugs, BUG_CATALOGUE};
use raftsim_core::scenario::share::{decode, Decoded};
use raftsim_core::scenario::{all_preset_names, any_preset, preset_description, Checks, Scenario, BUG_PRESET_PREFIX};

use crate::args::SearchedScenario;
use crate::exit::{self, Failure};

/// Loads a scenario from a preset name (`bug-<name>` for a bug's preset) or a JSON file, with
/// the seed replaced if given, and validates it so that the commands can run it unchecked.
pub fn scenario(preset_name: &str, file: Option<&Path>, seed: Option<u64>) -> Result<Scenario, String> {
    let mut scenario = match file {
        Some(path) => scenario_file(path)?,
        None => named_scenario(preset_name)?,
    };
    if let Some(seed) = seed {
        scenario.seed = seed;
    }
    scenario.validate().map_err(|error| format!("invalid scenario: {error}"))?;
    if let Some(warning) = scenario.timing_warning() {
        eprintln!("raftsim: warning: {warning}");
    }
    Ok(scenario)
}

/// The scenario a sweep or a hunt runs: `--scenario`'s preset or `--file`, with `--bug` and
/// `--checks` applied when given.
pub fn searched_scenario(searched: &SearchedScenario) -> Result<Scenario, String> {
    let mut scenario = self::scenario(&searched.scenario, searched.file.as_deref(), None)?;
    if let Some(bug) = &searched.bug {
        scenario.protocol.bugs = bug_switches(bug)?;
    }
    if let Some(checks) = &searched.checks {
        scenario.checks = self::checks(checks)?;
    }
    Ok(scenario)
}

/// Writes a report as pretty JSON to `path`, if one was given (`--json`).
pub fn write_json<T: serde::Serialize>(report: &T, path: Option<&Path>) -> Result<(), String> {
    let Some(path) = path else { return Ok(()) };
    let text = serde_json::to_string_pretty(report).expect("a report serializes");
    std::fs::write(path, text).map_err(|error| format!("cannot write {}: {error}", path.display()))
}

fn scenario_file(path: &Path) -> Result<Scenario, String> {
    let text = std::fs::read_to_string(path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    serde_json::from_str(&text).map_err(|error| format!("{}: {error}", path.display()))
}

fn named_scenario(preset_name: &str) -> Result<Scenario, String> {
    any_preset(preset_name).ok_or_else(|| match preset_name.starts_with(BUG_PRESET_PREFIX) {
        true => format!("no bug preset named '{preset_name}'"),
        false => format!("no preset named '{preset_name}'; the presets are: {}", preset_names()),
    })
}

/// The presets, as the errors list them: every name `--scenario` accepts.
pub fn preset_names() -> String {
    all_preset_names().join(", ")
}

/// What `--scenario` accepts, built from the core's preset tables: clap refuses any other name
/// and lists these, each with its one-line description, in the help (`-h` gives the names only).
pub fn preset_parser() -> PossibleValuesParser {
    PossibleValuesParser::new(all_preset_names().into_iter().map(|name| {
        let help = preset_help(&name);
        PossibleValue::new(name).help(help)
    }))
}

/// A preset's line in the help: its description, or for a bug's preset what the bug breaks.
fn preset_help(name: &str) -> String {
    if let Some(description) = preset_description(name) {
        return description.to_string();
    }
    let bug = name.strip_prefix(BUG_PRESET_PREFIX).and_then(|bug| BUG_CATALOGUE.iter().find(|info| info.name == bug));
    match bug {
        Some(bug) => format!("A known bug, from {}: {}.", bug.origin, bug.effect),
        None => String::new(),
    }
}

/// The catalogued bugs' names, as the help and the errors list them.
/// What `--checks` accepts: the core's check modes, each with its description in the help.
pub fn checks_parser() -> PossibleValuesParser {
    PossibleValuesParser::new(
        Checks::ALL.into_iter().map(|checks| PossibleValue::new(checks.name()).help(checks.description())),
    )
}

/// The check mode `--checks` named (clap has already refused any other name).
pub fn checks(name: &str) -> Result<Checks, String> {
    Checks::named(name).ok_or_else(|| format!("no check mode named {name:?}"))
}

pub fn bug_names() -> String {
    BUG_CATALOGUE.iter().map(|bug| bug.name).collect::<Vec<_>>().join(", ")
}

/// The bug switches with only the catalogued bug `name` on.
pub fn bug_switches(name: &str) -> Result<Bugs, String> {
    Bugs::only(name).ok_or_else(|| format!("no bug named {name:?}; the catalogue has {}", bug_names()))
}

/// Decodes a share link. A link from another engine version still decodes, but `command`
/// warns that its run may not be the one its author saw, and what that means for it
/// (`consequence`).
pub fn share_link(link: &str, command: &str, consequence: &str) -> Result<Decoded, Failure> {
    let decoded = decode(link).map_err(Failure::bad_input)?;
    if !decoded.engine_matches() {
        exit::say(
            command,
            format!(
                "the link was made by engine {}; this is engine {}, so {consequence}",
                decoded.engine_version,
                raftsim_core::ENGINE_VERSION
            ),
        );
    }
    Ok(decoded)
}

/// The threads a parallel command uses: `--jobs` if given, else every core.
pub fn threads(jobs: Option<usize>) -> usize {
    jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_bug_and_preset_loads() {
        for bug in BUG_CATALOGUE {
            assert!(bug_switches(bug.name).is_ok(), "{}", bug.name);
        }
        for name in all_preset_names() {
            assert!(scenario(&name, None, Some(7)).is_ok_and(|scenario| scenario.seed == 7), "{name}");
        }
    }

    #[test]
    fn unknown_names_are_refused_with_the_list() {
        let problem = bug_switches("nope").unwrap_err();
        assert!(problem.starts_with("no bug named \"nope\"; the catalogue has figure8_commit, "), "{problem}");
        let problem = scenario("nope", None, None).unwrap_err();
        assert!(problem.contains(&preset_names()), "{problem}");
    }
}
