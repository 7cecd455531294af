//! Events, actions and messages in words, for the page's event feed and the command line:
//! servers named as in the paper (S1, S2, ...), no notation to decode, and a [`FeedKind`] the
//! page filters on. Nothing here reaches the trace.

use crate::words;
use serde::{Deserialize, Serialize};

use crate::check::violation::node_names;
use crate::raft::{
    AppendOutcome, Body, ClientReply, Index, Message, NodeId, OpResult, ReplyOutcome, Role, Term, Timer,
};
use crate::scenario::Action;

use crate::sim::Event;

/// What a line of the feed is about, so the page can hide the routine ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedKind {
    /// A node changed role or term, crashed or restarted.
    Role,
    /// A vote or AppendEntries request or answer arrived.
    Message,
    /// A heartbeat or its answer arrived, or a leader's heartbeat timer fired.
    Heartbeat,
    /// An election or CheckQuorum timer fired.
    Timer,
    /// A timer that had been re-armed since fired, and was ignored.
    StaleTimer,
    /// An fsync completed.
    Disk,
    /// A client sent, got an answer, timed out or started an operation.
    Client,
    /// A scripted or random fault.
    Fault,
    /// Something the person at the page did.
    User,
    /// The heal, the liveness deadline, the end of the run.
    Phase,
    /// The simulator's own bookkeeping (telemetry samples, the nemesis choosing).
    Internal,
}

impl FeedKind {
    /// Every kind, in the order the page lists its filters.
    pub const ALL: [FeedKind; 11] = [
        FeedKind::Role,
        FeedKind::Message,
        FeedKind::Heartbeat,
        FeedKind::Timer,
        FeedKind::StaleTimer,
        FeedKind::Disk,
        FeedKind::Client,
        FeedKind::Fault,
        FeedKind::User,
        FeedKind::Phase,
        FeedKind::Internal,
    ];

    /// The kind's bit in a filter mask.
    pub fn bit(self) -> u32 {
        1 << self as u32
    }

    /// A short label for the page's filter.
    pub fn label(self) -> &'static str {
        match self {
            FeedKind::Role => "roles and terms",
            FeedKind::Message => "votes and appends",
            FeedKind::Heartbeat => "heartbeats",
            FeedKind::Timer => "timeouts",
            FeedKind::StaleTimer => "outdated timers",
            FeedKind::Disk => "fsyncs",
            FeedKind::Client => "clients",
            FeedKind::Fault => "faults",
            FeedKind::User => "your actions",
            FeedKind::Phase => "phases",
            FeedKind::Internal => "bookkeeping",
        }
    }

    /// Whether the feed shows the kind until the person asks otherwise: routine traffic and
    /// bookkeeping are hidden, so what changes the cluster stands out.
    pub fn shown_by_default(self) -> bool {
        !matches!(self, FeedKind::Heartbeat | FeedKind::StaleTimer | FeedKind::Disk | FeedKind::Internal)
    }
}

/// An event in words for the event feed, with what it is about. `takes_effect`: for a timer,
/// whether its deadline has come (a stale wake-up is ignored); for a targeted crash, whether it
/// strikes (it is called off after the heal).
pub fn event(event: &Event, takes_effect: bool) -> (FeedKind, String) {
    match event {
        Event::Deliver { message, .. } => self::message(message),
        Event::Timer { node, timer, .. } => self::timer(*node, *timer, takes_effect),
        Event::Synced { node, write_id, .. } => {
            (FeedKind::Disk, format!("S{node}'s fsync completes: its writes up to #{write_id} are on disk"))
        }
        Event::Request { node, command, .. } => {
            let text = format!("client {} → S{node}: {} (request {})", command.client, command.op, command.seq);
            (FeedKind::Client, text)
        }
        Event::Reply { client, reply } => (FeedKind::Client, self::reply(client + 1, reply)),
        Event::ClientIssue { client } => (FeedKind::Client, format!("client {} starts its next operation", client + 1)),
        Event::ClientTimeout { client, attempt } => {
            (FeedKind::Client, format!("client {}: attempt {attempt} timed out", client + 1))
        }
        Event::Act(action) => (FeedKind::Fault, format!("fault: {}", self::action(action))),
        Event::TargetedCrash { node, .. } if takes_effect => {
            (FeedKind::Fault, format!("fault: S{node} crashes at the moment the nemesis aimed for"))
        }
        Event::TargetedCrash { node, .. } => (
            FeedKind::Internal,
            format!("a targeted crash of S{node} is called off: the faults are healed, or S{node} is already down"),
        ),
        Event::NemesisTick => (FeedKind::Internal, "the nemesis picks its next fault".into()),
        Event::Heal => (FeedKind::Phase, "the heal: every fault is undone, and the recovery phase begins".into()),
        Event::LeaderDeadline => {
            (FeedKind::Phase, "liveness: a leader with a quorum must have committed by now".into())
        }
        Event::Sample => (FeedKind::Internal, "telemetry sample".into()),
        Event::End => (FeedKind::Phase, "the end of the run: client liveness and linearizability are checked".into()),
    }
}

/// A user or scripted action in words.
pub fn action(action: &Action) -> String {
    let name = |node: &NodeId| format!("S{node}");
    let group = |nodes: &[NodeId]| format!("{{{}}}", nodes.iter().map(name).collect::<Vec<_>>().join(", "));
    match action {
        Action::Crash { node } => format!("crash {}", name(node)),
        Action::CrashLeader { downtime_us } => format!("crash the leader for {}", words::duration(*downtime_us)),
        Action::Restart { node } => format!("restart {} from its disk", name(node)),
        Action::Upgrade { node, prevote } => {
            format!("restart {} with PreVote {}", name(node), if *prevote { "on" } else { "off" })
        }
        Action::Pause { node } => format!("pause {}", name(node)),
        Action::Resume { node } => format!("resume {}", name(node)),
        Action::Partition { groups } => {
            format!("partition into {}", groups.iter().map(|nodes| group(nodes)).collect::<Vec<_>>().join(" | "))
        }
        Action::OneWay { from, to } => format!("cut {} → {} one way", node_names(from), node_names(to)),
        Action::HealOneWay { from, to } => format!("heal {} → {} one way", node_names(from), node_names(to)),
        Action::Bridge { bridge, left, right } => {
            format!("partition {} | {}, bridged by {}", group(left), group(right), name(bridge))
        }
        Action::CutLink { a, b } => format!("cut the link {} — {}", name(a), name(b)),
        Action::HealLink { a, b } => format!("heal the link {} — {}", name(a), name(b)),
        Action::Isolate { node } => format!("isolate {}", name(node)),
        Action::Heal => "heal every partition and cut link".into(),
        Action::Hold { from, to } => format!("hold messages {} → {}", name(from), name(to)),
        Action::Release { from, to } => format!("release the messages held {} → {}", name(from), name(to)),
        Action::ClockJump { node, by_us } => {
            let way = if *by_us >= 0 { "forward" } else { "back" };
            format!("step {}'s clock {way} by {}", name(node), words::duration(by_us.unsigned_abs()))
        }
        Action::ForceTimeout { node } => format!("force an election timeout on {}", name(node)),
        Action::ClientRequest { node, op } => format!("send {op} to {}", name(node)),
    }
}

/// A message as it arrives, and whether it is routine heartbeat traffic.
pub fn message(message: &Message) -> (FeedKind, String) {
    let route = format!("S{} → S{}", message.from, message.to);
    let term = message.term;
    let text = match &message.body {
        Body::VoteRequest { prevote: true, last_log_index, last_log_term } => format!(
            "{route}: may I campaign in term {term}? (PreVote; my last entry: {last_log_index} of term {last_log_term})"
        ),
        Body::VoteRequest { prevote: false, last_log_index, last_log_term } => {
            format!("{route}: vote for me in term {term} (my last entry: {last_log_index} of term {last_log_term})")
        }
        Body::VoteResponse { prevote, granted } => {
            let what = if *prevote { "pre-vote" } else { "vote" };
            format!("{route}: {what} {} for term {term}", if *granted { "granted" } else { "refused" })
        }
        Body::AppendRequest { prev_log_index, prev_log_term, entries, leader_commit } => {
            let carried = match (entries.first(), entries.last()) {
                (Some(first), Some(last)) if first.index == last.index => format!("entry {}", first.index),
                (Some(first), Some(last)) => format!("entries {}–{}", first.index, last.index),
                _ => "no entries (a probe)".into(),
            };
            format!(
                "{route}: AppendEntries, term {term}: {carried} after {prev_log_index} of term {prev_log_term}; commit {leader_commit}"
            )
        }
        Body::AppendResponse { prev_log_index, outcome } => match outcome {
            AppendOutcome::Accepted { match_index } => format!("{route}: append accepted, my log matches up to {match_index}"),
            AppendOutcome::Rejected { conflict_term: Some(conflict), conflict_index } => format!(
                "{route}: append rejected: my entry {prev_log_index} differs (term {conflict} from index {conflict_index})"
            ),
            AppendOutcome::Rejected { conflict_term: None, conflict_index } => format!(
                "{route}: append rejected: my log ends at {}, short of {prev_log_index}",
                conflict_index.saturating_sub(1)
            ),
        },
        Body::Heartbeat { commit } => format!("{route}: heartbeat, term {term}, commit {commit}"),
        Body::HeartbeatResponse => format!("{route}: heartbeat answered, term {term}"),
    };
    let kind = match message.body {
        Body::Heartbeat { .. } | Body::HeartbeatResponse => FeedKind::Heartbeat,
        _ => FeedKind::Message,
    };
    (kind, text)
}

/// A timer firing on node `node`: whether it is current, and its words.
pub fn timer(node: NodeId, timer: Timer, current: bool) -> (FeedKind, String) {
    if !current {
        return (
            FeedKind::StaleTimer,
            format!("S{node}: an outdated {} timer fires and is ignored", timer_name(timer)),
        );
    }
    match timer {
        Timer::Election => (FeedKind::Timer, format!("S{node}'s election timer runs out")),
        Timer::Heartbeat => (FeedKind::Heartbeat, format!("S{node}'s heartbeat timer fires")),
        Timer::CheckQuorum => (FeedKind::Timer, format!("S{node} checks it heard from a quorum (CheckQuorum)")),
        Timer::Lease => (
            FeedKind::Timer,
            format!("S{node}'s leader lease runs out: it would now vote for a candidate of a higher term"),
        ),
    }
}

fn timer_name(timer: Timer) -> &'static str {
    match timer {
        Timer::Election => "election",
        Timer::Heartbeat => "heartbeat",
        Timer::CheckQuorum => "CheckQuorum",
        Timer::Lease => "lease",
    }
}

/// A client's answer in words (`client` counts from 1).
pub fn reply(client: u32, reply: &ClientReply) -> String {
    let answer = match &reply.outcome {
        ReplyOutcome::Ok(OpResult::Value(Some(value))) => format!("the value is {}", quoted(value)),
        ReplyOutcome::Ok(OpResult::Value(None)) => "the key has no value".into(),
        ReplyOutcome::Ok(OpResult::Done) => "done".into(),
        ReplyOutcome::Ok(OpResult::CasResult(true)) => "compare-and-set written".into(),
        ReplyOutcome::Ok(OpResult::CasResult(false)) => "compare-and-set refused: the value differed".into(),
        ReplyOutcome::Ok(OpResult::Stale) => "an answer to an older request".into(),
        ReplyOutcome::NotLeader { leader_hint: Some(leader) } => format!("not the leader; try S{leader}"),
        ReplyOutcome::NotLeader { leader_hint: None } => "not the leader, and no leader known".into(),
    };
    format!("client {client} hears (request {}): {answer}", reply.seq)
}

/// A value for the feed: quoted, and cut short when an append has made it long.
fn quoted(value: &str) -> String {
    const SHOWN_MAX: usize = 40;
    match value.char_indices().nth(SHOWN_MAX) {
        Some((cut, _)) => format!("\"{}…\" ({} characters)", &value[..cut], value.chars().count()),
        None => format!("\"{value}\""),
    }
}

/// A node starting again from its disk: its term, its log's length, and the index its state
/// machine was restored up to from a snapshot (0: none).
pub fn restart(node: NodeId, term: Term, entries: Index, restored: Index) -> String {
    match restored {
        0 => format!("S{node} starts again from its disk: term {term}, {entries} entries"),
        _ => format!(
            "S{node} starts again from its disk: term {term}, {entries} entries, its state machine restored from a snapshot up to index {restored}"
        ),
    }
}

/// A node's change of role or term, if it changed.
pub fn role_change(node: NodeId, before: (Role, Term), after: (Role, Term)) -> Option<String> {
    let (role, term) = after;
    let text = match (before.0, role) {
        (previous, now) if previous == now && before.1 == term => return None,
        (_, Role::PreCandidate) => {
            format!(
                "S{node} becomes a pre-candidate: it asks whether it could win term {} before raising its term",
                term + 1
            )
        }
        (_, Role::Candidate) => {
            format!("S{node} becomes a candidate in term {term}: it votes for itself and asks for votes")
        }
        (_, Role::Leader) => format!("S{node} wins the election: leader of term {term}"),
        (Role::Leader, Role::Follower) => format!("S{node} steps down: follower in term {term}"),
        (Role::Follower, Role::Follower) => format!("S{node} moves to term {term}"),
        (_, Role::Follower) => format!("S{node} gives up campaigning: follower in term {term}"),
    };
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_own_bit_and_a_label() {
        let mask = FeedKind::ALL.iter().fold(0, |mask, kind| {
            assert_eq!(mask & kind.bit(), 0, "{kind:?}");
            assert!(!kind.label().is_empty());
            mask | kind.bit()
        });
        assert_eq!(mask.count_ones() as usize, FeedKind::ALL.len());
    }

    #[test]
    fn role_changes_name_the_node_and_term() {
        let become_leader = role_change(2, (Role::Candidate, 3), (Role::Leader, 3));
        assert_eq!(become_leader.as_deref(), Some("S2 wins the election: leader of term 3"));
        assert_eq!(role_change(1, (Role::Follower, 2), (Role::Follower, 2)), None);
        assert!(role_change(1, (Role::Follower, 2), (Role::Follower, 4)).is_some_and(|text| text.contains("term 4")));
    }

    #[test]
    fn long_values_are_cut_short() {
        assert_eq!(quoted("v1"), "\"v1\"");
        assert!(quoted(&"ab ".repeat(50)).ends_with("(150 characters)"));
    }
}
