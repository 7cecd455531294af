//! Guided tours: every tour's run reaches every caption, in order, on its preset's own seed,
//! and what each caption says holds in the world at the event it is pinned to. Bug tours end
//! at a violation of a check the catalogue names for their bug, and say where the bug's switch
//! is read, which is checked against the source.

use std::collections::BTreeSet;

use raftsim_core::check::violation::Invariant;
use raftsim_core::explore::tour::{pin_tour, CaptionWatch, PinnedCaption, PinnedTour};
use raftsim_core::raft::{Role, BUG_CATALOGUE};
use raftsim_core::scenario::tours::{placeholders, ACTION_NAMES, COMMON_PLACEHOLDERS, TOURS};
use raftsim_core::scenario::{any_preset, tour, RunSpec, Scenario, Trigger, TOUR_NAMES};
use raftsim_core::sim::{Phase, World};

fn spec(scenario: Scenario) -> RunSpec {
    RunSpec { scenario, actions: Vec::new(), stop_at_event: None, stop_at_us: None }
}

/// The tour of preset `name` played on its own seed.
fn played(name: &str) -> PinnedTour {
    let scenario = any_preset(name).unwrap_or_else(|| panic!("{name} is a preset"));
    pin_tour(&spec(scenario), tour(name).expect("a tour"), u64::MAX).expect("a valid scenario")
}

/// The world of preset `name` right after event `event`.
fn world_at(name: &str, event: u64) -> World {
    let mut simulation = World::new(any_preset(name).expect("a preset")).expect("valid");
    assert_eq!(simulation.run_events(event), event, "{name} reaches event {event}");
    simulation
}

/// The world at caption `number` (from 1) of `tour`.
fn at_caption(name: &str, tour: &PinnedTour, number: usize) -> (World, PinnedCaption) {
    let caption = tour.captions[number - 1].clone();
    (world_at(name, caption.event), caption)
}

/// The whole numbers a caption's text holds, in order (node ids come as S1, S2, ...).
fn numbers(text: &str) -> Vec<u64> {
    text.split(|character: char| !character.is_ascii_digit())
        .filter(|word| !word.is_empty())
        .map(|word| word.parse().expect("digits"))
        .collect()
}

/// The number that follows the first `word` in a caption's text ("term 3" → 3).
fn number_after(text: &str, word: &str) -> u64 {
    let rest = &text[text.find(word).unwrap_or_else(|| panic!("no {word:?} in {text}")) + word.len()..];
    numbers(rest)[0]
}

/// A number of a caption's text that names a node (S3 → 3).
fn node_id(number: u64) -> u32 {
    u32::try_from(number).expect("a node id")
}

fn role(simulation: &World, id: u32) -> Option<Role> {
    simulation.server(id).node.as_ref().map(|node| node.role())
}

fn term_at(simulation: &World, id: u32, index: u64) -> Option<u64> {
    simulation.server(id).node.as_ref()?.log().term_at(index)
}

fn all_tour_names() -> Vec<String> {
    let bugs = BUG_CATALOGUE.iter().map(|bug| format!("bug-{}", bug.name));
    TOUR_NAMES.iter().map(|name| name.to_string()).chain(bugs).collect()
}

// ---- every tour ----

#[test]
fn every_tour_preset_and_every_bug_preset_has_a_tour_and_nothing_else_does() {
    let expected: BTreeSet<String> = all_tour_names().into_iter().collect();
    let listed: BTreeSet<String> = TOURS.iter().map(|tour| tour.preset.to_string()).collect();
    assert_eq!(listed, expected);
    for name in &expected {
        let scenario = any_preset(name).unwrap_or_else(|| panic!("{name} is a preset"));
        assert_eq!(&scenario.name, name, "a tour's scenario keeps its preset's name, so its links show the tour");
    }
    assert!(tour("default").is_none() && tour("no-such-tour").is_none());
}

#[test]
fn every_caption_is_reached_in_order_on_its_presets_seed() {
    for name in all_tour_names() {
        let tour = played(&name);
        assert_eq!(
            tour.captions.len(),
            tour.total,
            "{name} reaches only {} of {} captions",
            tour.captions.len(),
            tour.total
        );
        assert_eq!(tour.captions[0].event, 0, "{name} opens at the start");
        for pair in tour.captions.windows(2) {
            assert!(
                pair[0].event < pair[1].event,
                "{name}: captions {} and {} share event {}: the second would hide the first",
                pair[0].number,
                pair[1].number,
                pair[1].event
            );
        }
        let numbers: Vec<usize> = tour.captions.iter().map(|caption| caption.number).collect();
        assert_eq!(numbers, (1..=tour.total).collect::<Vec<_>>());
    }
}

#[test]
fn captions_are_short_plain_text_and_use_only_the_placeholders_their_trigger_fills() {
    for tour in TOURS {
        assert_eq!(tour.captions[0].trigger, Trigger::Start, "{} opens with an introduction", tour.preset);
        for caption in tour.captions {
            let text = caption.text;
            assert!(!text.contains(['<', '>', '&']), "plain text, never markup: {text}");
            assert!(text.len() <= 440, "{} is {} characters: a caption is short", text, text.len());
            let sentences = text.matches(". ").count() + 1;
            assert!(sentences <= 3, "a caption is one to three sentences, this is {sentences}: {text}");
            let names = placeholders(text).unwrap_or_else(|problem| panic!("{problem}"));
            for name in names {
                let known = caption.trigger.placeholders().contains(&name) || COMMON_PLACEHOLDERS.contains(&name);
                assert!(known, "{{{name}}} is not filled by {:?}: {text}", caption.trigger);
            }
            if let Trigger::Scripted { action, .. } = caption.trigger {
                assert!(ACTION_NAMES.contains(&action), "{action} names no action");
            }
        }
    }
}

#[test]
fn watching_a_tour_does_not_change_the_run() {
    for name in ["tour-figure8", "tour-partition", "bug-stale_append_truncates"] {
        let scenario = any_preset(name).expect("a preset");
        let mut plain = World::new(scenario.clone()).expect("valid");
        plain.run_to_end();
        let mut watched = World::new(scenario).expect("valid");
        let mut watch = CaptionWatch::new(tour(name).expect("a tour"), &watched);
        while watch.step(&mut watched) {}
        assert_eq!((watched.events(), watched.trace_hash()), (plain.events(), plain.trace_hash()), "{name}");
        assert!(watch.done());
    }
}

#[test]
fn other_seeds_pin_what_they_reach_in_order() {
    for name in all_tour_names() {
        for seed in 2..=4 {
            let scenario = Scenario { seed, ..any_preset(&name).expect("a preset") };
            let tour = pin_tour(&spec(scenario), tour(&name).expect("a tour"), u64::MAX).expect("valid");
            assert!(!tour.captions.is_empty() && tour.captions.len() <= tour.total, "{name} seed {seed}");
            assert!(tour.captions.windows(2).all(|pair| pair[0].event <= pair[1].event), "{name} seed {seed}");
        }
    }
}

#[test]
fn user_actions_are_part_of_the_run_a_tour_is_pinned_to() {
    let name = "tour-election";
    let plain = played(name);
    let mut spec = spec(any_preset(name).expect("a preset"));
    // Crash every server but one before anyone campaigns: no leader, so the tour stops early.
    spec.actions = (2..=5)
        .map(|node| raftsim_core::scenario::UserAction {
            after_event: 0,
            at_us: 0,
            action: raftsim_core::scenario::Action::Crash { node },
        })
        .collect();
    let forked = pin_tour(&spec, tour(name).expect("a tour"), u64::MAX).expect("valid");
    assert!(forked.captions.len() < plain.captions.len(), "a lone server never wins: the tour stops before its leader");
    assert_eq!(forked.captions[0], plain.captions[0]);
    let bounded =
        pin_tour(&self::spec(any_preset(name).expect("a preset")), tour(name).expect("a tour"), 100).expect("valid");
    assert!(bounded.captions.iter().all(|caption| caption.event <= 100), "a bound on the work stops the pinning");
    assert!(bounded.captions.len() < plain.captions.len());
}

// ---- bug tours ----

/// The function and file where `bugs.<name>` is read, from the source.
fn where_the_switch_is_read(bug: &str) -> (String, String) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/raft/node");
    let needle = format!("bugs.{bug}");
    for file in ["mod.rs", "election.rs", "replication.rs"] {
        let text = std::fs::read_to_string(root.join(file)).expect("a protocol source");
        let Some(at) = text.find(&needle) else { continue };
        let function = text[..at].rsplit("fn ").next().expect("inside a function");
        let function = function.split('(').next().expect("a name").trim().to_string();
        return (function, format!("core/src/raft/node/{file}"));
    }
    panic!("no protocol source reads {needle}");
}

#[test]
fn each_bug_tour_ends_at_a_violation_of_a_check_its_bug_is_known_for_and_says_where_it_lives() {
    for bug in BUG_CATALOGUE {
        let name = format!("bug-{}", bug.name);
        let tour = played(&name);
        let last = tour.captions.last().expect("captions");
        let simulation = world_at(&name, last.event);
        let violation = simulation.violation().unwrap_or_else(|| panic!("{name} ends at a violation"));
        assert_eq!(violation.event, last.event, "{name}: the last caption is the violation");
        assert!(
            Invariant::catching(&bug).contains(&violation.invariant),
            "{name}: {} is not among {:?}",
            violation.invariant.name(),
            bug.fires
        );
        assert!(last.text.contains(violation.invariant.name()), "{name}: the caption names the check: {}", last.text);
        let (function, file) = where_the_switch_is_read(bug.name);
        let intro = &tour.captions[0].text;
        assert!(
            intro.contains(&function) && intro.contains(&file),
            "{name} says the switch is read in {function}, {file}: {intro}"
        );
        assert!(intro.contains(bug.name), "{name} names its switch");
        // The same scenario with the bug off passes: the violation is the bug's.
        let mut fixed = any_preset(&name).expect("a preset");
        fixed.protocol.bugs = Default::default();
        assert_eq!(World::new(fixed).expect("valid").run_to_end(), None, "{name} passes without its bug");
    }
}

#[test]
fn the_figure8_bug_tour_commits_the_old_entry_and_its_check_fires() {
    let name = "bug-figure8_commit";
    let tour = played(name);
    let (simulation, caption) = at_caption(name, &tour, tour.total);
    let s1 = simulation.server(1).node.as_ref().expect("S1 runs");
    assert!(s1.role() == Role::Leader && s1.term() == 3 && s1.commit_index() >= 2);
    assert_eq!(term_at(&simulation, 1, 2), Some(1), "the entry committed is of term 1");
    assert_eq!(simulation.violation().expect("a violation").invariant, Invariant::LeaderCommitsOwnTermInv);
    assert!(caption.text.starts_with("LeaderCommitsOwnTermInv fires"));
}

// ---- the tours' stories ----

#[test]
fn the_election_tour_shows_a_contested_election_and_a_split_vote() {
    let name = "tour-election";
    let tour = played(name);
    let (world, caption) = at_caption(name, &tour, 3);
    let candidates: Vec<u32> = (1..=5).filter(|&id| role(&world, id) == Some(Role::Candidate)).collect();
    assert!(candidates.len() >= 2, "{}", caption.text);
    let (world, caption) = at_caption(name, &tour, 4);
    let [granter, candidate, term] = numbers(&caption.text)[..3] else { panic!("{}", caption.text) };
    let voter = world.server(node_id(granter)).node.as_ref().expect("runs");
    assert_eq!((voter.term(), voter.voted_for()), (term, Some(node_id(candidate))));
    let (world, caption) = at_caption(name, &tour, 5);
    let leader = node_id(numbers(&caption.text)[0]);
    assert_eq!(role(&world, leader), Some(Role::Leader));
    let (world, caption) = at_caption(name, &tour, 7);
    let crashed = node_id(numbers(&caption.text)[0]);
    assert_eq!(crashed, leader, "the crashed leader is the one elected");
    assert!(world.server(crashed).node.is_none());
    let (world, caption) = at_caption(name, &tour, 8);
    let split_term = number_after(&caption.text, "term ");
    let running: Vec<u32> = (1..=5).filter(|&id| id != crashed).collect();
    for &id in &running {
        let node = world.server(id).node.as_ref().expect("runs");
        assert_eq!(
            (node.role(), node.term(), node.voted_for()),
            (Role::Candidate, split_term, Some(id)),
            "{}",
            caption.text
        );
    }
    let (world, _) = at_caption(name, &tour, 9);
    assert!(running.iter().all(|&id| role(&world, id) != Some(Role::Candidate)), "every candidate gave up");
    let end = world_at(name, tour.captions[tour.total - 1].event);
    assert!(!end.leaders_by_term().contains_key(&split_term), "term {split_term} never had a leader");
    assert_eq!(end.violation(), None);
    let (world, caption) = at_caption(name, &tour, 11);
    let winner = node_id(numbers(&caption.text)[0]);
    let node = world.server(winner).node.as_ref().expect("runs");
    assert!(node.role() == Role::Leader && node.term() > split_term);
}

#[test]
fn the_replication_tour_commits_on_a_majority_and_catches_a_follower_up() {
    let name = "tour-replication";
    let tour = played(name);
    let (world, _) = at_caption(name, &tour, 4);
    let durable_on = (1..=5).filter(|&id| world.server(id).log_index_durable() >= 1).count();
    assert!(durable_on >= 3, "index 1 is on a majority of disks when it commits");
    let (world, _) = at_caption(name, &tour, 7);
    assert!(world.server(5).node.is_none(), "S5 is down while index 4 commits");
    let leader = world.current_leader().expect("a leader");
    assert!(leader.commit_index() >= 4);
    let (world, caption) = at_caption(name, &tour, 9);
    let index = numbers(&caption.text)[2];
    assert!(world.server(5).node.as_ref().expect("S5 runs").log().last_index() < index, "{}", caption.text);
    let (world, caption) = at_caption(name, &tour, 10);
    let matched = *numbers(&caption.text).last().expect("an index");
    assert!(world.server(5).node.as_ref().expect("S5 runs").log().last_index() >= matched);
    let (end, _) = at_caption(name, &tour, tour.total);
    assert_eq!(end.violation(), None);
    assert_eq!(end.phase(), Phase::Finished);
    let logs: BTreeSet<Vec<u64>> = (1..=5)
        .map(|id| {
            let node = end.server(id).node.as_ref().expect("runs");
            (1..=node.commit_index()).map(|index| node.log().term_at(index).expect("held")).collect()
        })
        .collect();
    assert_eq!(logs.len(), 1, "every server holds the same committed log");
}

#[test]
fn the_partition_tour_has_two_leaders_only_one_of_which_commits() {
    let name = "tour-partition";
    let tour = played(name);
    let (world, caption) = at_caption(name, &tour, 5);
    let new_leader = node_id(numbers(&caption.text)[0]);
    assert!(![1, 2].contains(&new_leader));
    assert_eq!(role(&world, 1), Some(Role::Leader), "S1 still believes it leads: {}", caption.text);
    assert_eq!(world.server(1).node.as_ref().expect("runs").term(), 1);
    let (world, _) = at_caption(name, &tour, 6);
    let majority = world.server(new_leader).node.as_ref().expect("runs");
    assert!(majority.commit_index() >= 7 && majority.log().term_at(majority.commit_index()) == Some(majority.term()));
    let s1 = world.server(1).node.as_ref().expect("runs");
    assert!(s1.commit_index() < 7, "S1 cannot commit on its side");
    let (world, _) = at_caption(name, &tour, 7);
    let s1 = world.server(1).node.as_ref().expect("runs");
    assert_eq!((s1.role(), s1.term()), (Role::Follower, 1), "CheckQuorum: S1 steps down without a new term");
    let truncation = &tour.captions[8];
    let [node, first, last] = numbers(&truncation.text)[..3] else { panic!("{}", truncation.text) };
    let before = world_at(name, truncation.event - 1);
    let after = world_at(name, truncation.event);
    for index in first..=last {
        assert_eq!(term_at(&before, node_id(node), index), Some(1), "S{node} held index {index} of term 1");
        assert_ne!(term_at(&after, node_id(node), index), Some(1));
    }
    let (end, _) = at_caption(name, &tour, tour.total);
    assert_eq!(end.violation(), None, "no dropped entry had been committed: every check holds");
    for id in 1..=5 {
        let node = end.server(id).node.as_ref().expect("runs");
        assert!(node.role() == Role::Leader || node.leader() == Some(new_leader), "S{id} follows S{new_leader}");
    }
}

#[test]
fn the_figure8_tour_never_commits_the_old_entry_by_counting() {
    let name = "tour-figure8";
    let tour = played(name);
    let (world, caption) = at_caption(name, &tour, 7);
    for id in 1..=3 {
        assert_eq!(term_at(&world, id, 2), Some(1), "S{id} holds index 2 of term 1: {}", caption.text);
    }
    let s1 = world.server(1).node.as_ref().expect("S1 runs");
    assert!(s1.role() == Role::Leader && s1.term() == 3 && s1.commit_index() < 2, "S1 does not commit index 2");
    assert_eq!(
        (term_at(&world, 2, 3), term_at(&world, 3, 3)),
        (Some(3), None),
        "the term-3 entry is on S1 and S2 only"
    );
    // At no event of the run does a server count index 2 of term 1 committed.
    let mut simulation = World::new(any_preset(name).expect("a preset")).expect("valid");
    while simulation.step() {
        for node in simulation.running_nodes() {
            assert!(
                !(node.commit_index() >= 2 && node.log().term_at(2) == Some(1)),
                "S{} committed index 2 of term 1 at event {}",
                node.id(),
                simulation.events()
            );
        }
    }
    assert_eq!(simulation.violation(), None);
    let (world, _) = at_caption(name, &tour, 10);
    assert_eq!(term_at(&world, 3, 2), Some(2), "S5 overwrote index 2 on S3");
    assert_eq!(role(&world, 5), Some(Role::Leader));
    let (world, _) = at_caption(name, &tour, 11);
    let s5 = world.server(5).node.as_ref().expect("S5 runs");
    assert!(s5.commit_index() >= 3 && s5.log().term_at(3) == Some(4));
}

#[test]
fn the_stale_vote_tour_counts_a_grant_of_the_earlier_term() {
    let name = "bug-stale_vote_counted";
    let tour = played(name);
    let (world, _) = at_caption(name, &tour, 2);
    let s2 = world.server(2).node.as_ref().expect("runs");
    assert_eq!((s2.term(), s2.voted_for()), (1, Some(1)), "S2 granted S1 its vote in term 1");
    let (world, _) = at_caption(name, &tour, tour.total);
    assert_eq!(world.leaders_by_term().get(&2), Some(&3), "S3 led term 2 first");
    assert_eq!(role(&world, 1), Some(Role::Leader));
}

#[test]
fn the_prevote_tour_ends_with_the_high_term_on_the_short_logs() {
    let name = "bug-prevote_low_term_deadlock";
    let tour = played(name);
    let (world, _) = at_caption(name, &tour, 7);
    let term = |id: u32| world.server(id).node.as_ref().expect("runs").term();
    let last = |id: u32| world.server(id).node.as_ref().expect("runs").log().last_index();
    assert!(term(3).min(term(4)) > term(1).max(term(2)), "S3 and S4 hold the higher term");
    assert!(last(1).min(last(2)) > last(3).max(last(4)), "S1 and S2 hold the longer log");
}

mod trigger_words {
    use super::*;

    #[test]
    fn every_trigger_is_described() {
        for tour in TOURS {
            for caption in tour.captions {
                assert!(!caption.trigger.describe().is_empty());
            }
        }
    }
}
