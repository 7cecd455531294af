//! The record a session keeps of the run it explores (what the page's space-time diagram and
//! health plots draw): recorded once per event however the run is travelled, truncated at a
//! fork, bounded in memory (the long run that fills the bounds is `sweeps/record_bounds.rs`), and
//! invisible to the trace.

use raftsim_core::explore::record::{Change, Fate, Record, HELD_END_US, UNSETTLED};
use raftsim_core::explore::session::Session;
use raftsim_core::raft::{MessageKind, NodeId};
use raftsim_core::scenario::{preset, Action, RunSpec, Scenario};

fn spec(name: &str, seed: u64) -> RunSpec {
    RunSpec {
        scenario: Scenario { seed, ..preset(name).expect("a preset") },
        actions: vec![],
        stop_at_event: None,
        stop_at_us: None,
    }
}

fn record(session: &Session) -> &Record {
    session.record().expect("a recorded session")
}

/// Everything the page can read from a record, in words: two records that read the same
/// draw the same pictures.
fn contents(record: &Record) -> String {
    let mut text = String::new();
    let arrows = record.arrows();
    for position in 0..arrows.len() {
        let id = arrows.id_at(position);
        text += &format!("{id} {:?} {:?}\n", arrows.at(position), arrows.copy(id));
    }
    for node in 1..=record.nodes() {
        text += &format!("S{node} {:?} {:?}\n", record.state_before(node, 0), record.marks_in(node, 0, u64::MAX));
    }
    text += &format!("{:?}\n{:?}\n", record.leaders_in(0, u64::MAX), record.actions_in(0, u64::MAX));
    text += &format!("{} {:?}\n", record.samples().period_us(), record.samples().list());
    text
}

#[test]
fn travelling_back_and_forth_records_each_event_once() {
    let mut travelled = Session::with_record(spec("flaky-network", 4), 50).unwrap();
    travelled.run_events(12_000);
    let first_pass = contents(record(&travelled));
    travelled.seek(3_000);
    travelled.step_back();
    travelled.seek_time(travelled.world().now_us() + 500_000);
    travelled.seek(12_000);
    assert_eq!(contents(record(&travelled)), first_pass, "replays added nothing");
    travelled.seek(7_345);
    travelled.run_events(6_000);
    let mut straight = Session::with_record(spec("flaky-network", 4), 0).unwrap();
    straight.run_events(13_345);
    assert_eq!(travelled.world().events(), 13_345);
    assert_eq!(contents(record(&travelled)), contents(record(&straight)), "the same record as a run straight through");
    let arrows = record(&straight).arrows();
    assert!(arrows.len() as u64 == straight.world().messages_sent(), "every message is an arrow");
    let duplicated = (0..arrows.len()).filter(|&position| arrows.at(position).duplicated).count();
    assert!(duplicated > 0, "the flaky network duplicates some messages");
    let dropped = (0..arrows.len()).filter(|&position| matches!(arrows.at(position).fate, Fate::Lost(_))).count();
    let lost: u64 = straight.world().telemetry().messages.iter().map(|counts| counts.dropped).sum();
    assert!(dropped as u64 <= lost && dropped > 0, "drops are marked ({dropped} of {lost} losses, copies included)");
}

#[test]
fn recording_leaves_the_run_as_it_is() {
    let mut recorded = Session::with_record(spec("default", 9), 0).unwrap();
    let mut plain = Session::new(spec("default", 9), 0).unwrap();
    recorded.run_until(6_000_000);
    plain.run_until(6_000_000);
    assert_eq!(recorded.world().trace_hash(), plain.world().trace_hash());
    assert!(plain.record().is_none());
    assert!(!record(&recorded).arrows().is_empty());
}

#[test]
fn a_fork_drops_the_future_it_replaces() {
    let mut forked = Session::with_record(spec("calm-election", 6), 0).unwrap();
    forked.run_events(12_000);
    forked.seek(5_000);
    let fork_us = forked.world().now_us();
    let leader = forked.world().current_leader().map(|node| node.id()).expect("a leader by event 5,000");
    forked.act(Action::Crash { node: leader });
    let after_fork = record(&forked);
    let arrows = after_fork.arrows();
    for position in 0..arrows.len() {
        let arrow = arrows.at(position);
        assert!(arrow.sent_event <= 5_000, "no arrow sent in the dropped future");
        assert!(arrow.settled_event == UNSETTLED || arrow.settled_event <= 5_000, "no arrival from the dropped future");
        if arrow.end_us > fork_us && arrow.fate != Fate::Held {
            assert_eq!(arrow.fate, Fate::Flying, "what arrives after the fork is in flight again");
        }
    }
    assert!(after_fork.samples().list().iter().all(|sample| sample.time_us < fork_us));
    let crash = after_fork.marks_in(leader, fork_us, fork_us);
    assert_eq!(crash.last().map(|mark| mark.change), Some(Change::Crashed), "the crash is a mark at once");
    forked.run_events(7_000);
    let mut straight = Session::with_record(spec("calm-election", 6), 0).unwrap();
    straight.run_events(5_000);
    straight.act(Action::Crash { node: leader });
    straight.run_events(7_000);
    assert_eq!(contents(record(&forked)), contents(record(&straight)), "the same record as taking the fork first");
}

#[test]
fn a_crashed_leader_leaves_a_gap_until_the_next_one() {
    let mut session = Session::with_record(spec("leader-crash", 2), 0).unwrap();
    session.run_until(4_000_000);
    let record = record(&session);
    let spans = record.leaders_in(1_000_000, 4_000_000);
    let crash =
        spans.iter().position(|span| span.from_us >= 1_500_000 && span.leader.is_none()).expect("a gap after 1.5 s");
    let (old, new) = (spans[crash - 1].leader.unwrap(), spans[crash + 1].leader.unwrap());
    assert_eq!(spans[crash].from_us, 1_500_000, "the leader crashed on cue");
    assert!(new.1 > old.1, "the next leader leads a later term");
    let marks = record.marks_in(old.0, 1_500_000, 1_500_000);
    assert!(marks.iter().any(|mark| mark.change == Change::Crashed));
    assert!(record.marks_in(old.0, 2_500_000, 2_500_000).iter().any(|mark| mark.change == Change::Restarted));
    assert!(record
        .marks_in(new.0, 0, u64::MAX)
        .iter()
        .any(|mark| mark.state.role == raftsim_core::raft::Role::Candidate));
    assert!(record
        .actions_in(1_500_000, 1_500_000)
        .iter()
        .any(|action| matches!(action.action, Action::CrashLeader { .. })));
    assert!(!record.state_before(old.0, 2_000_000).running, "down in the gap");
    let arrows = record.arrows();
    let is_vote = |position: &usize| {
        use MessageKind::{PreVote, PreVoteResponse, Vote, VoteResponse};
        matches!(arrows.at(*position).look.kind, PreVote | PreVoteResponse | Vote | VoteResponse)
    };
    let elections = arrows.elections_in_window(1_500_000, 4_000_000, 1_000_000);
    let votes: Vec<usize> = arrows.in_window(1_500_000, 4_000_000).into_iter().filter(is_vote).collect();
    assert!(!elections.is_empty(), "the election after the crash");
    assert_eq!(elections, votes, "the elections' own index finds every vote message in the window, and only those");
}

#[test]
fn a_held_message_reaches_from_its_send_to_its_late_arrival() {
    let mut session = Session::with_record(spec("calm-election", 3), 0).unwrap();
    session.run_until(2_000_000);
    let leader = session.world().current_leader().map(|node| node.id()).expect("a leader");
    let follower: NodeId = if leader == 1 { 2 } else { 1 };
    session.act(Action::Hold { from: leader, to: follower });
    session.run_until(2_600_000);
    let held_at = session.world().now_us();
    let held: Vec<usize> = {
        let arrows = record(&session).arrows();
        (0..arrows.len()).filter(|&position| arrows.at(position).fate == Fate::Held).collect()
    };
    assert!(!held.is_empty(), "messages wait on the held link");
    assert!(held.iter().all(|&position| record(&session).arrows().at(position).end_us == HELD_END_US));
    session.act(Action::Release { from: leader, to: follower });
    session.run_until(3_000_000);
    let arrows = record(&session).arrows();
    for &position in &held {
        let arrow = arrows.at(position);
        assert_eq!(arrow.fate, Fate::Delivered);
        assert!(arrow.sent_us < held_at && arrow.end_us > held_at, "from its send to after the release");
    }
    let in_window = arrows.in_window(held_at, held_at);
    assert!(held.iter().all(|position| in_window.contains(position)), "a window finds what was still held in it");
    session.seek_time(held_at - 1_000);
    session.act(Action::Heal);
    let arrows = record(&session).arrows();
    let still_sent: Vec<usize> = held.into_iter().filter(|&position| position < arrows.len()).collect();
    assert!(!still_sent.is_empty(), "messages held by then are kept");
    assert!(
        still_sent.iter().all(|&position| arrows.at(position).fate == Fate::Held),
        "the release belongs to a dropped future"
    );
}

#[test]
fn samples_add_up_to_the_telemetry() {
    let mut session = Session::with_record(spec("minority-partition", 5), 0).unwrap();
    session.run_until(6_000_000);
    let samples = record(&session).samples().list();
    assert!(samples.len() > 500, "10 ms apart: {}", samples.len());
    let whole = raftsim_core::explore::record::Interval::between(&samples[0], samples.last().unwrap());
    let telemetry = session.world().telemetry();
    let sent: u64 = whole.sent.iter().sum();
    let telemetry_sent: u64 = telemetry.messages.iter().map(|counts| counts.sent).sum();
    assert!(
        sent <= telemetry_sent && sent + 200 >= telemetry_sent,
        "{sent} of {telemetry_sent} sent by the last sample"
    );
    assert!(
        samples.windows(2).all(|pair| pair[1].commit_index >= pair[0].commit_index),
        "the commit index never goes back"
    );
    assert!(whole.latency_us(500).is_some() && whole.latency_us(990) >= whole.latency_us(500));
    let heartbeats = MessageKind::Heartbeat.slot();
    let partitioned = raftsim_core::explore::record::Interval::between(&samples[150], &samples[250]);
    assert!(partitioned.lost[heartbeats] > 0, "heartbeats to the minority are lost from 1 to 3 s");
    let cuts: Vec<u32> = record(&session).actions_in(0, u64::MAX).iter().map(|action| action.cut_links).collect();
    assert_eq!(cuts.first(), Some(&12), "the partition cuts 2 × 3 links both ways");
    assert_eq!(cuts.last(), Some(&0), "the heal restores them");
}
