//! Guided tours: presets that carry captions, a short narrative the page shows as the run
//! passes each point (and `raftsim run` prints), like a talk's walkthrough on the real engine.
//!
//! A caption is pinned to a [`Trigger`], a condition the world recognises as the run passes it
//! (the first leader, a split vote, an entry committed, a scripted action applied, a violation),
//! never to a raw event number, so the pins follow the run when the engine changes.
//! `explore::tour` resolves the captions against a run, in order: caption k is pinned to the first
//! event, at or after caption k - 1's, where its trigger holds and every placeholder of its text
//! (`{node}`, `{term}`, ...) has a value from that event, so a caption names what the run shows.
//!
//! Captions are plain text (the page sets them with `textContent`); a placeholder is a name in
//! braces, and a caption holds no other brace.

mod captions;

use super::presets::{self, at, bug_preset};
use super::{Action, Scenario};
use crate::raft::{Index, MessageKind, NodeId, Role, Term};

pub use captions::TOURS;

/// What pins a caption: the first event, from the previous caption's on, at which this holds.
/// The placeholders each trigger gives its caption are listed at [`Trigger::placeholders`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// The run as it starts, before its first event (event 0).
    Start,
    /// The first event at or after a simulated time.
    Time {
        /// The time.
        at_us: u64,
    },
    /// A scripted action of this kind (its name in the scenario's JSON, as `"crash"`) is
    /// applied, to `node` if given. `{node}` is the node it names (for `crash_leader`, the
    /// leader it crashed), `{action}` the action in words.
    Scripted {
        /// The action's name.
        action: &'static str,
        /// The node it must name.
        node: Option<NodeId>,
    },
    /// A node takes `role`: from another role, by a restart, or (a candidate) again in a higher
    /// term.
    Becomes {
        /// The role.
        role: Role,
        /// The node, if it must be this one.
        node: Option<NodeId>,
    },
    /// At least `count` nodes are candidates of the same term at once: a contested election.
    Contested {
        /// How many candidates.
        count: usize,
    },
    /// An election fails: the last candidate of a term that elected no leader stops campaigning
    /// in it (a split vote, or a candidate short of a quorum). `{node}` is that candidate.
    NoWinner,
    /// A running leader's commit index reaches `index`.
    Commits {
        /// The index.
        index: Index,
    },
    /// A running node's log holds an entry of `term` at `index`.
    Holds {
        /// The node.
        node: NodeId,
        /// The index.
        index: Index,
        /// The entry's term.
        term: Term,
    },
    /// A message of `kind` reaches a running receiver, from and to the given nodes if given;
    /// with `ok`, only a granted (true) or refused (false) vote, or an accepted (true) or
    /// rejected (false) append.
    Delivered {
        /// The kind.
        kind: MessageKind,
        /// Its sender, if it must be this one.
        from: Option<NodeId>,
        /// Its receiver, if it must be this one.
        to: Option<NodeId>,
        /// The answer it must carry, for answers.
        ok: Option<bool>,
    },
    /// A running node's log loses entries (it truncates a suffix).
    Truncates {
        /// The node, if it must be this one.
        node: Option<NodeId>,
    },
    /// The end of the fault phase: every fault is healed.
    Heal,
    /// A check fails.
    Violation,
    /// The run has ended (its end reached, or stopped at a violation).
    End,
}

/// Placeholders any caption may use: filled from the moment the caption is pinned to. The
/// `leader` ones need a running leader at that moment.
pub const COMMON_PLACEHOLDERS: [&str; 5] = ["time", "event", "leader", "leader_term", "leader_commit"];

impl Trigger {
    /// The placeholders this trigger fills, beyond [`COMMON_PLACEHOLDERS`].
    pub fn placeholders(&self) -> &'static [&'static str] {
        match self {
            Trigger::Start | Trigger::Time { .. } | Trigger::Heal | Trigger::End => &[],
            Trigger::Scripted { .. } => &["node", "action"],
            Trigger::Becomes { .. } => &["node", "term", "index", "commit"],
            Trigger::Contested { .. } => &["term", "nodes"],
            Trigger::NoWinner => &["node", "term"],
            Trigger::Commits { .. } => &["node", "term", "index", "entry_term", "entry"],
            Trigger::Holds { .. } => &["node", "term", "index", "commit"],
            Trigger::Delivered { .. } => &["from", "to", "term", "index"],
            Trigger::Truncates { .. } => &["node", "index", "index_last"],
            Trigger::Violation => &["check", "node", "term", "index", "violation"],
        }
    }

    /// The trigger in words: what the caption is pinned to ("S2 holds index 2 of term 1").
    pub fn describe(&self) -> String {
        let who = |node: &Option<NodeId>| node.map_or("a server".to_string(), |node| format!("S{node}"));
        match self {
            Trigger::Start => "the start of the run".into(),
            Trigger::Time { at_us } => {
                format!("the first event at {}.{:04} s or later", at_us / 1_000_000, at_us % 1_000_000 / 100)
            }
            Trigger::Scripted { action, node } => {
                let action = action.replace('_', " ");
                match node {
                    Some(node) => format!("the script's {action} of S{node}"),
                    None => format!("the script's {action}"),
                }
            }
            Trigger::Becomes { role, node } => format!("{} becomes {}", who(node), role.name()),
            Trigger::Contested { count } => format!("{count} candidates in one term"),
            Trigger::NoWinner => "an election that ends with no leader".into(),
            Trigger::Commits { index } => format!("a leader's commit index reaches {index}"),
            Trigger::Holds { node, index, term } => format!("S{node} holds index {index} of term {term}"),
            Trigger::Delivered { kind, from, to, ok } => {
                let answer = match (kind, ok) {
                    (MessageKind::VoteResponse | MessageKind::PreVoteResponse, Some(true)) => "a granted ",
                    (MessageKind::VoteResponse | MessageKind::PreVoteResponse, Some(false)) => "a refused ",
                    (_, Some(true)) => "an accepted ",
                    (_, Some(false)) => "a rejected ",
                    (_, None) => "a ",
                };
                format!("{answer}{} from {} to {}", kind.name(), who(from), who(to))
            }
            Trigger::Truncates { node } => format!("{} truncates its log", who(node)),
            Trigger::Heal => "the heal".into(),
            Trigger::Violation => "a check fails".into(),
            Trigger::End => "the end of the run".into(),
        }
    }
}

/// One caption: what pins it and what it says. The page stops playing at every caption, so
/// that it is read: a caption that flashed past while the run played on would tell a student
/// nothing (a tour is the time to read, not to watch).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Caption {
    /// Where it is pinned.
    pub trigger: Trigger,
    /// What it says: plain text with `{placeholders}`.
    pub text: &'static str,
}

/// A caption, where the page stops until the reader continues.
pub(crate) const fn stop(trigger: Trigger, text: &'static str) -> Caption {
    Caption { trigger, text }
}

/// A preset's guided tour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tour {
    /// The preset it belongs to.
    pub preset: &'static str,
    /// Its title.
    pub title: &'static str,
    /// Its captions, in the order the run reaches them.
    pub captions: &'static [Caption],
}

/// The presets that exist for their tour, in menu order.
pub const TOUR_NAMES: [&str; 4] = ["tour-election", "tour-replication", "tour-partition", "tour-figure8"];

/// What a tour preset shows, in one line; `None` for another name.
pub fn tour_description(name: &str) -> Option<&'static str> {
    let description = match name {
        "tour-election" => "Guided tour: how five servers elect a leader with randomized timeouts, and how a split vote resolves itself (§5.2).",
        "tour-replication" => "Guided tour: how a leader replicates its log, when an entry is committed, and how a follower that was down catches up (§5.3).",
        "tour-partition" => "Guided tour: the leader is cut off in a minority; the majority elects a new one, the old one steps down, and the heal reconciles the logs.",
        "tour-figure8" => "Guided tour: Figure 8 of the Raft paper, step by step — why a leader never commits an entry of an earlier term by counting replicas (§5.4.2).",
        _ => return None,
    };
    Some(description)
}

/// The tour preset called `name`, with seed 1; `None` for another name.
pub fn tour_preset(name: &str) -> Option<Scenario> {
    let scenario = match name {
        "tour-election" => election(),
        "tour-replication" => replication(),
        "tour-partition" => partition(),
        "tour-figure8" => figure8(),
        _ => return None,
    };
    Some(scenario)
}

/// The classroom's paced world (see `presets::paced`), with clients thinking 0.3 to 0.7 s.
fn paced(name: &str) -> Scenario {
    let mut scenario = presets::paced(name);
    scenario.workload.think_us_min = 300_000;
    scenario.workload.think_us_max = 700_000;
    scenario
}

/// Elections as the paper has them (no PreVote), no clients: a natural first election; the
/// leader crashes at 1.5 s, and at 1.6 s the script fires every running server's timer at once,
/// a split vote by construction, which randomized timeouts then resolve.
fn election() -> Scenario {
    let mut scenario = paced("tour-election");
    scenario.protocol.prevote = false;
    scenario.workload.clients = 0;
    scenario.phases.safety_us = 4_000_000;
    scenario.phases.liveness_us = 2_000_000;
    let mut script = vec![at(1_500, Action::CrashLeader { downtime_us: 1_500_000 })];
    script.extend((1..=5).map(|node| at(1_600, Action::ForceTimeout { node })));
    scenario.script = script;
    scenario
}

/// One slow client; S1 is made to campaign at once, S5 is down from 1.5 to 3.5 s and catches
/// up when it returns.
fn replication() -> Scenario {
    let mut scenario = paced("tour-replication");
    scenario.workload.clients = 1;
    scenario.workload.keys = 1;
    scenario.phases.safety_us = 5_000_000;
    scenario.phases.liveness_us = 2_000_000;
    scenario.script = vec![
        at(50, Action::ForceTimeout { node: 1 }),
        at(1_500, Action::Crash { node: 5 }),
        at(3_500, Action::Restart { node: 5 }),
    ];
    scenario
}

/// S1 leads; from 1.7 s to 4 s it and S2 are cut off from S3, S4 and S5. PreVote and
/// CheckQuorum on, as etcd runs. The story needs the majority side to elect before S1's
/// CheckQuorum round ends, and both happen about an election timeout after the split (the
/// others' leases refuse pre-votes until then): so the split comes once S1's round that
/// began at 1.63 s has heard the answers to its heartbeat of that moment (S1 wins at about
/// 0.13 s and its rounds last the minimum election timeout, 300 ms: the next round, which
/// hears nothing, ends at 2.23 s), and S4 campaigns at 2 s, once every lease has run out.
fn partition() -> Scenario {
    let mut scenario = paced("tour-partition");
    scenario.workload.clients = 2;
    scenario.workload.keys = 1;
    scenario.phases.safety_us = 5_000_000;
    scenario.phases.liveness_us = 2_000_000;
    scenario.script = vec![
        at(50, Action::ForceTimeout { node: 1 }),
        at(1_700, Action::Partition { groups: vec![vec![1, 2], vec![3, 4, 5]] }),
        at(2_000, Action::ForceTimeout { node: 4 }),
        at(4_000, Action::Heal),
    ];
    scenario
}

/// The Figure 8 script of the `figure8_commit` bug preset, on the correct protocol.
fn figure8() -> Scenario {
    let mut scenario = bug_preset("figure8_commit").expect("a catalogued bug");
    scenario.name = "tour-figure8".into();
    scenario.protocol.bugs = crate::raft::Bugs::default();
    scenario
}

/// The tour of the preset `name` (a tour preset, or `bug-<name>` for a catalogued bug), if it
/// has one.
pub fn tour(name: &str) -> Option<&'static Tour> {
    TOURS.iter().find(|tour| tour.preset == name)
}

/// Every action's name, as [`action_name`] gives it.
pub const ACTION_NAMES: [&str; 19] = [
    "crash",
    "crash_leader",
    "restart",
    "upgrade",
    "pause",
    "resume",
    "partition",
    "one_way",
    "heal_one_way",
    "bridge",
    "cut_link",
    "heal_link",
    "isolate",
    "heal",
    "hold",
    "release",
    "clock_jump",
    "force_timeout",
    "client_request",
];

/// The name of an action's kind, as the scenario's JSON writes it (`"crash_leader"`).
pub fn action_name(action: &Action) -> &'static str {
    match action {
        Action::Crash { .. } => "crash",
        Action::CrashLeader { .. } => "crash_leader",
        Action::Restart { .. } => "restart",
        Action::Upgrade { .. } => "upgrade",
        Action::Pause { .. } => "pause",
        Action::Resume { .. } => "resume",
        Action::Partition { .. } => "partition",
        Action::OneWay { .. } => "one_way",
        Action::HealOneWay { .. } => "heal_one_way",
        Action::Bridge { .. } => "bridge",
        Action::CutLink { .. } => "cut_link",
        Action::HealLink { .. } => "heal_link",
        Action::Isolate { .. } => "isolate",
        Action::Heal => "heal",
        Action::Hold { .. } => "hold",
        Action::Release { .. } => "release",
        Action::ClockJump { .. } => "clock_jump",
        Action::ForceTimeout { .. } => "force_timeout",
        Action::ClientRequest { .. } => "client_request",
    }
}

/// The placeholders of a caption's text, in order: each `{name}`. `Err` names a brace that
/// opens no placeholder or is never closed.
pub fn placeholders(text: &str) -> Result<Vec<&str>, String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find(['{', '}']) {
        if rest.as_bytes()[open] == b'}' {
            return Err(format!("a '}}' closes nothing in {text:?}"));
        }
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or_else(|| format!("a '{{' is never closed in {text:?}"))?;
        let name = &after[..close];
        if name.is_empty() || !name.chars().all(|character| character.is_ascii_lowercase() || character == '_') {
            return Err(format!("{{{name}}} is not a placeholder name in {text:?}"));
        }
        names.push(name);
        rest = &after[close + 1..];
    }
    Ok(names)
}

/// `text` with each placeholder replaced by `value(name)`; `None` if one has no value.
pub fn fill(text: &str, value: impl Fn(&str) -> Option<String>) -> Option<String> {
    let mut filled = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        filled.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}')?;
        filled.push_str(&value(&after[..close])?);
        rest = &after[close + 1..];
    }
    filled.push_str(rest);
    Some(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_names_are_the_json_names() {
        let actions = [
            Action::Crash { node: 1 },
            Action::CrashLeader { downtime_us: 1 },
            Action::Heal,
            Action::ForceTimeout { node: 1 },
            Action::Release { from: 1, to: 2 },
            Action::Upgrade { node: 1, prevote: true },
        ];
        for action in actions {
            let json = serde_json::to_value(&action).expect("serializable");
            let from_json = match &json {
                serde_json::Value::String(name) => name.clone(),
                serde_json::Value::Object(fields) => fields.keys().next().expect("a variant").clone(),
                other => panic!("{other}"),
            };
            assert_eq!(action_name(&action), from_json);
            assert!(ACTION_NAMES.contains(&action_name(&action)));
        }
    }

    #[test]
    fn placeholders_are_found_and_filled() {
        assert_eq!(placeholders("S{node} leads term {term}.").unwrap(), ["node", "term"]);
        assert!(placeholders("a { b").is_err());
        assert!(placeholders("a } b").is_err());
        assert!(placeholders("{Not a name}").is_err());
        let value = |name: &str| (name == "node").then(|| "3".to_string());
        assert_eq!(fill("S{node} leads", value).as_deref(), Some("S3 leads"));
        assert_eq!(fill("S{node} leads term {term}", value), None, "a caption with a value missing is not shown");
    }

    #[test]
    fn every_tour_preset_is_valid_and_described() {
        for name in TOUR_NAMES {
            let scenario = tour_preset(name).expect("a tour preset");
            assert_eq!(scenario.name, name);
            scenario.validate().unwrap_or_else(|error| panic!("{name}: {error}"));
            assert!(tour_description(name).is_some_and(|text| text.starts_with("Guided tour")));
            assert!(tour(name).is_some(), "{name} has its captions");
        }
    }
}
