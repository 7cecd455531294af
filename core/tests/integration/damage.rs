//! Damage-only mode (`Scenario::checks`): the rule checks (`Invariant::is_rule_check`) stay
//! silent, so a bug is found by what it breaks or not at all; every check reports by default;
//! links carry the mode, and links made before it existed read as every check.

use raftsim_core::check::violation::Invariant;
use raftsim_core::raft::BUG_CATALOGUE;
use raftsim_core::scenario::share::{decode, encode};
use raftsim_core::scenario::{bug_preset, preset, Checks, RunSpec, Scenario};
use raftsim_core::sim::World;

/// Runs `scenario` with the check mode `checks` to its end.
fn run(scenario: &Scenario, checks: Checks) -> World {
    let mut simulation = World::new(Scenario { checks, ..scenario.clone() }).expect("valid");
    simulation.run_to_end();
    simulation
}

#[test]
fn every_check_reports_by_default() {
    assert_eq!(Scenario::default().checks, Checks::Full);
    assert_eq!(preset("swarm").expect("a preset").checks, Checks::Full);
    let json = serde_json::to_value(Scenario::default()).expect("serializes");
    assert!(json.get("checks").is_none(), "a full-checks scenario serializes as before the field: {json}");
}

#[test]
fn the_rule_checks_are_the_ones_that_restate_a_rule() {
    for invariant in Invariant::ALL {
        assert!(invariant.reported(true), "{invariant:?}: every check reports by default");
        assert_eq!(
            invariant.reported(false),
            !invariant.is_rule_check(),
            "{invariant:?}: only damage checks in damage mode"
        );
    }
    for rule in [Invariant::LeaderCommitsOwnTermInv, Invariant::LeaderVotesInv, Invariant::VoteDurableInv] {
        assert!(rule.is_rule_check(), "{rule:?}");
    }
    for damage in [
        Invariant::LogInv,
        Invariant::MoreThanOneLeaderInv,
        Invariant::StateMachineSafety,
        Invariant::Linearizability,
        Invariant::LeaderLiveness,
    ] {
        assert!(!damage.is_rule_check(), "{damage:?}");
    }
}

/// Figure 8's preset fails the rule check in full mode; in damage mode the same run goes on
/// past that event, with the same trace up to it, and what stops it is damage.
#[test]
fn a_bug_a_rule_check_names_is_found_by_its_damage_in_damage_mode() {
    let scenario = bug_preset("figure8_commit").expect("a preset");
    let full = run(&scenario, Checks::Full);
    let rule = full.violation().expect("the preset fails").clone();
    assert_eq!(rule.invariant, Invariant::LeaderCommitsOwnTermInv);

    let mut damage = World::new(Scenario { checks: Checks::Damage, ..scenario.clone() }).expect("valid");
    damage.run_events(rule.event);
    assert_eq!(damage.violation(), None, "the rule check is silent");
    assert_eq!(damage.trace_hash(), full.trace_hash(), "the same run up to the rule's event");
    let found = damage.run_to_end().expect("the overwritten entry is seen");
    assert!(!found.invariant.is_rule_check(), "{found}");
    assert!(found.event > rule.event, "{found}");
}

/// In every bug's preset, damage mode reports only damage checks (or nothing).
#[test]
fn damage_mode_never_reports_a_rule_check() {
    for bug in BUG_CATALOGUE {
        let scenario = bug_preset(bug.name).expect("a preset");
        let damage = run(&scenario, Checks::Damage);
        if let Some(violation) = damage.violation() {
            assert!(!violation.invariant.is_rule_check(), "{}: {violation}", bug.name);
        }
        let full = run(&scenario, Checks::Full);
        let full_violation = full.violation().expect("a bug preset fails");
        if !full_violation.invariant.is_rule_check() {
            assert_eq!(damage.violation(), Some(full_violation), "{}: a damage check fires alike", bug.name);
            assert_eq!(damage.trace_hash(), full.trace_hash(), "{}", bug.name);
        }
    }
}

#[test]
fn a_link_carries_the_check_mode_and_old_links_read_as_every_check() {
    let scenario = Scenario { checks: Checks::Damage, ..bug_preset("figure8_commit").expect("a preset") };
    let spec = RunSpec { scenario: scenario.clone(), actions: Vec::new(), stop_at_event: None, stop_at_us: None };
    let decoded = decode(&encode(&spec)).expect("round trip");
    assert_eq!(decoded.spec.scenario.checks, Checks::Damage);
    assert_eq!(decoded.spec, spec);

    let full = RunSpec { scenario: Scenario { checks: Checks::Full, ..scenario }, ..spec };
    let mut json = serde_json::to_value(&full).expect("serializes");
    assert!(json["scenario"].get("checks").is_none(), "a full-checks link is as it was before the field");
    json["scenario"].as_object_mut().expect("an object").remove("checks");
    let old = serde_json::from_value::<RunSpec>(json).expect("an old link's run reads");
    assert_eq!(old.scenario.checks, Checks::Full);
    assert_eq!(old, full);
}
