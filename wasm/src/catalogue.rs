//! What the page asks of the engine before any run: the presets with their descriptions, the
//! limits of every setting, the checks, fault kinds, bugs, named partitions and the legend, and
//! whether a scenario is valid. The page builds its menus and form from these, so no constant
//! is written twice.

use raftsim_core::check::paper;
use raftsim_core::check::violation::Invariant;
use raftsim_core::explore::describe::FeedKind;
use raftsim_core::raft::BUG_CATALOGUE;
use raftsim_core::scenario::share::SHARE_LEN_MAX;
use raftsim_core::scenario::FaultKind;
use raftsim_core::scenario::{
    self, Scenario, CLIENTS_MAX, DELAY_US_MAX, DRIFT_PPM_MAX, FAULT_WEIGHT_MAX, KEYS_MAX, KEYS_MIN, NODES_MAX,
    NODES_MIN, PPM_MAX, PRESET_NAMES, RUN_US_MAX, SEED_MAX, TOUR_NAMES,
};
use raftsim_core::sim::nemesis::{SWARM_CLUSTER_DRAWN, SWARM_DRAWN};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use web_sys::CanvasRenderingContext2d;

use crate::render::{glyphs, logs, Dashes, Pen};
use crate::{parse_js, to_js};

/// The names of the preset scenarios, in menu order.
#[wasm_bindgen]
pub fn preset_names() -> Vec<String> {
    PRESET_NAMES.iter().map(|name| name.to_string()).collect()
}

/// One entry of the page's scenario menu.
#[derive(Serialize)]
struct PresetEntry {
    name: String,
    /// What the menu shows.
    label: String,
    description: String,
    /// "scenarios", "tours" or "bugs".
    group: &'static str,
    /// Whether it carries a guided tour's captions (the tours and the bugs).
    tour: bool,
}

/// Every preset with a one-line description: the scenarios, the guided tours, then one per
/// catalogued bug (`bug-NAME`), which shows that bug failing a check within seconds, captioned.
#[wasm_bindgen(unchecked_return_type = "PresetEntry[]")]
pub fn presets() -> Result<JsValue, JsError> {
    let scenarios = PRESET_NAMES.iter().map(|&name| PresetEntry {
        name: name.into(),
        label: name.into(),
        description: scenario::preset_description(name).unwrap_or_default().into(),
        group: "scenarios",
        tour: scenario::tour(name).is_some(),
    });
    let tours = TOUR_NAMES.iter().map(|&name| PresetEntry {
        name: name.into(),
        label: scenario::tour(name).map_or(name, |tour| tour.title).into(),
        description: scenario::preset_description(name).unwrap_or_default().into(),
        group: "tours",
        tour: true,
    });
    let bugs = BUG_CATALOGUE.iter().map(|bug| PresetEntry {
        name: format!("{}{}", scenario::BUG_PRESET_PREFIX, bug.name),
        label: bug.name.replace('_', " "),
        description: format!(
            "A known bug, from {}: {}. Captions walk through it; the run stops at the first check that fails, usually the broken rule itself, before the damage it leads to.",
            bug.origin, bug.effect
        ),
        group: "bugs",
        tour: scenario::tour(&format!("{}{}", scenario::BUG_PRESET_PREFIX, bug.name)).is_some(),
    });
    to_js(&scenarios.chain(tours).chain(bugs).collect::<Vec<_>>())
}

/// The preset scenario called `name` (a bug preset is `bug-NAME`), as a plain object.
#[wasm_bindgen(unchecked_return_type = "Scenario")]
pub fn preset(name: &str) -> Result<JsValue, JsError> {
    let scenario = scenario::any_preset(name).ok_or_else(|| {
        JsError::new(&format!(
            "no preset named {name:?}; the presets are {}, the tours {}, and bug-NAME for each catalogued bug",
            PRESET_NAMES.join(", "),
            TOUR_NAMES.join(", ")
        ))
    })?;
    to_js(&scenario)
}

/// The limits a scenario must respect, for the page's controls.
#[wasm_bindgen(unchecked_return_type = "Limits")]
pub fn limits() -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    struct Limits {
        nodes_min: u32,
        nodes_max: u32,
        clients_max: u32,
        keys_min: u32,
        keys_max: u32,
        run_us_max: u64,
        delay_us_max: u64,
        seed_max: u64,
        ppm_max: u32,
        drift_ppm_max: u32,
        fault_weight_max: u32,
        share_len_max: usize,
    }
    to_js(&Limits {
        nodes_min: NODES_MIN,
        nodes_max: NODES_MAX,
        clients_max: CLIENTS_MAX,
        keys_min: KEYS_MIN,
        keys_max: KEYS_MAX,
        run_us_max: RUN_US_MAX,
        delay_us_max: DELAY_US_MAX,
        seed_max: SEED_MAX,
        ppm_max: PPM_MAX,
        drift_ppm_max: DRIFT_PPM_MAX,
        fault_weight_max: FAULT_WEIGHT_MAX,
        share_len_max: SHARE_LEN_MAX,
    })
}

/// Every check the engine runs: name, what it says, and when it is judged.
#[wasm_bindgen(unchecked_return_type = "CheckInfo[]")]
pub fn checks() -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    struct Check {
        name: &'static str,
        gloss: &'static str,
        description: &'static str,
        when: raftsim_core::check::violation::CheckedWhen,
        guards: Guarded,
    }
    /// The property a check guards: one of the paper's Figure 3 (`paper`), or another.
    #[derive(Serialize)]
    struct Guarded {
        name: &'static str,
        words: &'static str,
        paper: bool,
    }
    let checks: Vec<Check> = Invariant::ALL
        .iter()
        .map(|invariant| {
            let guarded = paper::guards(*invariant);
            Check {
                name: invariant.name(),
                gloss: gloss(*invariant),
                description: invariant.description(),
                when: invariant.when_checked(),
                guards: Guarded { name: guarded.name(), words: guarded.words(), paper: guarded.is_paper() },
            }
        })
        .collect();
    to_js(&checks)
}

/// A few plain words under a check's TLA+-style name, so the board reads without its tooltips
/// (the full sentence stays in [`Invariant::description`]).
fn gloss(invariant: Invariant) -> &'static str {
    match invariant {
        Invariant::LogInv => "committed entries never change",
        Invariant::MoreThanOneLeaderInv => "one leader per term",
        Invariant::ElectionSafetyInv => "a leader holds every entry of its term",
        Invariant::LogMatchingInv => "logs equal at an entry are equal before it",
        Invariant::QuorumLogInv => "committed means on a majority of disks",
        Invariant::DiskTermInv => "a disk's term covers the entries on it",
        Invariant::MoreUpToDateCorrectInv => "a newer log holds every committed entry",
        Invariant::LeaderCompletenessInv => "a new leader holds every committed entry",
        Invariant::CommittedIsDurableInv => "a leader commits only what is on its disk",
        Invariant::LeaderCommitsOwnTermInv => "commit by counting only own-term entries",
        Invariant::LeaderVotesInv => "a leader won a majority of votes",
        Invariant::VoteOnceInv => "one vote per term",
        Invariant::VoteDurableInv => "a vote is on disk before it is sent",
        Invariant::AckDurableInv => "acknowledge only what is on disk",
        Invariant::TermDurableInv => "a term is on disk before it is used",
        Invariant::OwnTermKeptInv => "no node removes its own term's entries",
        Invariant::StateMachineSafety => "every node applies the same commands",
        Invariant::MonotonicTerm => "a term never goes back",
        Invariant::MonotonicCommit => "the commit index never goes back",
        Invariant::MonotonicApplied => "entries are applied in order",
        Invariant::MonotonicVote => "no change of vote within a term",
        Invariant::ExactlyOnceApply => "a retried request takes effect once",
        Invariant::LeaderAvailability => "a quorum left alone has a leader",
        Invariant::LeaderLiveness => "a leader emerges after the heal",
        Invariant::ClientLiveness => "requests complete after the heal",
        Invariant::Linearizability => "the clients see one consistent order",
        Invariant::Runaway => "the run stays within its event budget",
    }
}

/// The random fault kinds: the field name in `nemesis.kinds` (and `nemesis.weights`), what
/// each does, and whether its weight counts (targeted kinds strike at events instead).
#[wasm_bindgen(unchecked_return_type = "FaultKindInfo[]")]
pub fn fault_kinds() -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    struct Kind {
        name: &'static str,
        description: &'static str,
        weighted: bool,
    }
    let kinds: Vec<Kind> = FaultKind::ALL
        .into_iter()
        .map(|kind| Kind { name: kind.name(), description: kind.summary(), weighted: !kind.targeted() })
        .collect();
    to_js(&kinds)
}

/// The scenario fields a seed draws for itself under swarm testing (`swarm`), and also with
/// `swarm_cluster` (`cluster`), as paths: the page greys them out.
#[wasm_bindgen(unchecked_return_type = "SwarmDrawn")]
pub fn swarm_drawn() -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    struct Drawn {
        swarm: &'static [&'static str],
        cluster: &'static [&'static str],
    }
    to_js(&Drawn { swarm: &SWARM_DRAWN, cluster: &SWARM_CLUSTER_DRAWN })
}

/// The bug catalogue: each switch of `protocol.bugs`, where the bug was found and what it does.
#[wasm_bindgen(unchecked_return_type = "BugInfo[]")]
pub fn bugs() -> Result<JsValue, JsError> {
    to_js(&BUG_CATALOGUE)
}

/// The kinds of line in the event feed: `name`, `label`, `bit` (for `events_since`'s mask)
/// and whether the feed shows it until the person asks otherwise.
#[wasm_bindgen(unchecked_return_type = "FeedKindInfo[]")]
pub fn feed_kinds() -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    struct Kind {
        name: FeedKind,
        label: &'static str,
        bit: u32,
        shown_by_default: bool,
    }
    let kinds: Vec<Kind> = FeedKind::ALL
        .iter()
        .map(|&kind| Kind {
            name: kind,
            label: kind.label(),
            bit: kind.bit(),
            shown_by_default: kind.shown_by_default(),
        })
        .collect();
    to_js(&kinds)
}

/// The named partitions the page offers.
#[wasm_bindgen(unchecked_return_type = "PartitionInfo[]")]
pub fn partitions() -> Result<JsValue, JsError> {
    to_js(&raftsim_core::scenario::partitions::PARTITIONS)
}

/// The legend's entries (`key`, `label`, `group`); [`draw_swatch`] draws each key.
#[wasm_bindgen(unchecked_return_type = "LegendEntry[]")]
pub fn legend() -> Result<JsValue, JsError> {
    to_js(&glyphs::LEGEND)
}

/// Draws the legend swatch `key` on a canvas of `width` × `height` CSS pixels; `false` for an
/// unknown key.
#[wasm_bindgen]
pub fn draw_swatch(context: &CanvasRenderingContext2d, key: &str, width: f64, height: f64, pixel_ratio: f64) -> bool {
    let dashes = Dashes::new();
    let pen = Pen::begin(context, &dashes, width, height, pixel_ratio);
    glyphs::swatch(&pen, key, width, height)
}

/// The height in CSS pixels the log strips need for `nodes` nodes.
#[wasm_bindgen]
pub fn log_strip_height(nodes: u32) -> f64 {
    logs::height_px(nodes.clamp(1, NODES_MAX))
}

/// Judges a scenario object as a run would: `null` if it is valid, else `{field, reason}` with
/// the field's path (`network.drop_ppm`), so the page can say what is wrong next to the field.
#[wasm_bindgen(unchecked_return_type = "FieldProblem | null")]
pub fn validate_scenario(
    #[wasm_bindgen(unchecked_param_type = "Scenario")] scenario: JsValue,
) -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    struct Problem {
        field: String,
        reason: String,
    }
    let scenario: Scenario = match parse_js(scenario, "scenario") {
        Ok(scenario) => scenario,
        Err(reason) => return to_js(&Problem { field: String::new(), reason }),
    };
    match scenario.validate() {
        Ok(()) => Ok(JsValue::NULL),
        Err(error) => to_js(&Problem { field: error.field, reason: error.reason }),
    }
}

/// What a valid scenario may still get wrong, said beside the field to change: `null`, or
/// `{field, reason}` when its disks or network break Raft's timing requirement, broadcast time
/// ≪ election timeout (§5.6; `Scenario::timing_warning`). A warning, not a refusal: the run is
/// valid, and a liveness failure in it says the requirement was not met.
#[wasm_bindgen(unchecked_return_type = "FieldProblem | null")]
pub fn scenario_warning(
    #[wasm_bindgen(unchecked_param_type = "Scenario")] scenario: JsValue,
) -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    struct Warning {
        field: String,
        reason: String,
    }
    let scenario: Scenario = parse_js(scenario, "scenario").map_err(|reason| JsError::new(&reason))?;
    match scenario.timing_warning() {
        None => Ok(JsValue::NULL),
        Some(warning) => to_js(&Warning { field: warning.field, reason: warning.reason }),
    }
}

/// Runs the standard benchmark workload (seeds 1..=`seeds` of the default scenario: 5 nodes,
/// swarm faults, 3 clients, 10 s simulated, every check on) and reports events per second,
/// timed with the browser's clock. `raftsim bench` runs the same workload natively.
#[wasm_bindgen(unchecked_return_type = "BenchMeasurement")]
pub fn bench_standard(seeds: u32) -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    struct Measurement {
        seeds: u32,
        events: u64,
        milliseconds: f64,
        events_per_second: f64,
    }
    let started = js_sys::Date::now();
    let mut events = 0;
    for seed in 1..=u64::from(seeds) {
        let mut simulation = raftsim_core::sim::World::new(Scenario { seed, ..Scenario::default() })
            .map_err(|error| JsError::new(&error.to_string()))?;
        simulation.run_to_end();
        events += simulation.events();
    }
    let milliseconds = js_sys::Date::now() - started;
    to_js(&Measurement { seeds, events, milliseconds, events_per_second: events as f64 * 1e3 / milliseconds })
}
