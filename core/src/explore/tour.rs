//! Pinning a tour's captions to a run: a [`CaptionWatch`] steps the world, looks at what each
//! event did (the event itself, and each node before and after it), and pins each caption, in
//! order, to the first event where its trigger holds and its placeholders have values. It only
//! reads the world, so a run watched has the same events and trace hash as one that is not.

use crate::words;
use serde::Serialize;

use crate::check::violation::node_names;
use crate::raft::{AppendOutcome, Body, Index, MessageKind, NodeId, Payload, RaftLog, Role, Term};
use crate::scenario::tours::{action_name, fill, Caption, Tour, Trigger};
use crate::scenario::{Action, RunSpec, ScenarioError};

use crate::sim::{Event, Phase, World};

/// A caption pinned to the event where its trigger first held, its placeholders filled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PinnedCaption {
    /// Its place in the tour, from 1.
    pub number: usize,
    /// The event it is pinned to: it holds in the state right after that event (0: the start).
    pub event: u64,
    /// That event's simulated time.
    pub time_us: u64,
    /// What it says, placeholders filled.
    pub text: String,
    /// What it is pinned to, in words (its trigger).
    pub cue: String,
}

/// A tour as one run plays it: the captions the run reached, pinned, of `total`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PinnedTour {
    /// The preset whose tour it is.
    pub preset: String,
    /// The tour's title.
    pub title: String,
    /// How many captions the tour has.
    pub total: usize,
    /// The captions reached, in order (a run that strays from the tour's story reaches fewer).
    pub captions: Vec<PinnedCaption>,
}

/// One node, as triggers compare it before and after an event. The log is a clone (its
/// chunks shared, see `SharedVec`), kept only while a tour is watched.
#[derive(Clone, Debug)]
struct NodeState {
    running: bool,
    incarnation: u32,
    role: Role,
    term: Term,
    last_index: Index,
    commit: Index,
    log: Option<RaftLog>,
}

fn node_states(world: &World) -> Vec<NodeState> {
    let state = |server: &crate::sim::Server| {
        let node = server.node.as_ref();
        NodeState {
            running: node.is_some(),
            incarnation: server.incarnation,
            role: node.map_or(Role::Follower, |node| node.role()),
            term: node.map_or(0, |node| node.term()),
            last_index: node.map_or(0, |node| node.log().last_index()),
            commit: node.map_or(0, |node| node.commit_index()),
            log: node.map(|node| node.log().clone()),
        }
    };
    world.servers().iter().map(state).collect()
}

/// What the next event does, as far as triggers care.
enum Happening {
    /// A scripted action, with the leader it would crash (for `crash_leader`).
    Scripted { action: Action, leader: Option<NodeId> },
    /// A message that reaches its running, unpaused receiver.
    Delivered { kind: MessageKind, from: NodeId, to: NodeId, term: Term, ok: Option<bool>, index: Option<Index> },
    /// The heal at the end of the fault phase.
    Heal,
    /// Anything else.
    Other,
}

impl Happening {
    fn of(event: &Event, world: &World) -> Happening {
        match event {
            Event::Act(action) => {
                Happening::Scripted { action: action.clone(), leader: world.current_leader().map(|node| node.id()) }
            }
            Event::Deliver { message, incarnation, .. } => {
                let server = world.server(message.to);
                let reaches = server.node.is_some()
                    && server.incarnation == *incarnation
                    && !server.paused
                    && !world.network().is_cut(message.from, message.to);
                if !reaches {
                    return Happening::Other;
                }
                let (ok, index) = match &message.body {
                    Body::VoteRequest { last_log_index, .. } => (None, Some(*last_log_index)),
                    Body::VoteResponse { granted, .. } => (Some(*granted), None),
                    Body::AppendRequest { prev_log_index, .. } => (None, Some(*prev_log_index)),
                    Body::AppendResponse { outcome: AppendOutcome::Accepted { match_index }, .. } => {
                        (Some(true), Some(*match_index))
                    }
                    Body::AppendResponse { outcome: AppendOutcome::Rejected { .. }, prev_log_index } => {
                        (Some(false), Some(*prev_log_index))
                    }
                    Body::Heartbeat { commit } => (None, Some(*commit)),
                    Body::HeartbeatResponse => (None, None),
                };
                let (kind, from, to, term) = (message.body.kind(), message.from, message.to, message.term);
                Happening::Delivered { kind, from, to, term, ok, index }
            }
            Event::Heal => Happening::Heal,
            _ => Happening::Other,
        }
    }
}

/// The values a trigger gives its caption's placeholders.
type Bindings = Vec<(&'static str, String)>;

/// What one event did: the event, each node before it, and the world after it.
struct Moment<'a> {
    world: &'a World,
    happening: &'a Happening,
    before: &'a [NodeState],
    after: Vec<NodeState>,
}

impl Moment<'_> {
    /// The bindings of `trigger` if it holds at this moment.
    fn matches(&self, trigger: &Trigger) -> Option<Bindings> {
        match *trigger {
            Trigger::Start => (self.world.events() == 0).then(Vec::new),
            Trigger::Time { at_us } => (self.world.now_us() >= at_us).then(Vec::new),
            Trigger::Scripted { action, node } => self.scripted(action, node),
            Trigger::Becomes { role, node } => self.becomes(role, node),
            Trigger::Contested { count } => self.contested(count),
            Trigger::NoWinner => self.no_winner(),
            Trigger::Commits { index } => self.commits(index),
            Trigger::Holds { node, index, term } => self.holds(node, index, term),
            Trigger::Delivered { kind, from, to, ok } => self.delivered(kind, from, to, ok),
            Trigger::Truncates { node } => self.truncates(node),
            Trigger::Heal => matches!(self.happening, Happening::Heal).then(Vec::new),
            Trigger::Violation => self.violation(),
            Trigger::End => (self.world.phase() == Phase::Finished).then(Vec::new),
        }
    }

    fn scripted(&self, name: &str, node: Option<NodeId>) -> Option<Bindings> {
        let Happening::Scripted { action, leader } = self.happening else { return None };
        if action_name(action) != name {
            return None;
        }
        let named = match action {
            Action::CrashLeader { .. } => Some((*leader)?),
            _ => match action.nodes()[..] {
                [only] => Some(only),
                _ => None,
            },
        };
        if node.is_some() && named != node {
            return None;
        }
        let mut bindings = vec![("action", super::describe::action(action))];
        bindings.extend(named.map(|node| ("node", node.to_string())));
        Some(bindings)
    }

    /// The nodes by id, with their state before and after the event.
    fn changes(&self) -> impl Iterator<Item = (NodeId, &NodeState, &NodeState)> + '_ {
        (1..).zip(self.before.iter().zip(&self.after)).map(|(id, (before, after))| (id, before, after))
    }

    fn becomes(&self, role: Role, node: Option<NodeId>) -> Option<Bindings> {
        let (id, _, after) = self.changes().find(|(id, before, after)| {
            let fresh = !before.running || before.incarnation != after.incarnation || before.role != role;
            let again = role == Role::Candidate && after.term > before.term;
            after.running && after.role == role && (fresh || again) && node.is_none_or(|node| node == *id)
        })?;
        Some(node_bindings(id, after))
    }

    fn contested(&self, count: usize) -> Option<Bindings> {
        let mut terms: Vec<Term> = self
            .after
            .iter()
            .filter(|state| state.running && state.role == Role::Candidate)
            .map(|state| state.term)
            .collect();
        terms.sort_unstable();
        let term = terms.iter().copied().find(|&term| terms.iter().filter(|&&other| other == term).count() >= count)?;
        let nodes: Vec<NodeId> = (1..)
            .zip(&self.after)
            .filter(|(_, state)| state.running && state.role == Role::Candidate && state.term == term)
            .map(|(id, _)| id)
            .collect();
        Some(vec![("term", term.to_string()), ("nodes", node_names(&nodes))])
    }

    /// The last candidate of a term that elected no leader stops campaigning in it (it gave
    /// up, moved to a higher term, or crashed): that term's election failed.
    fn no_winner(&self) -> Option<Bindings> {
        let leaders = self.world.leaders_by_term();
        let campaigning =
            |state: &NodeState, term: Term| state.running && state.role == Role::Candidate && state.term == term;
        self.changes().find_map(|(id, before, after)| {
            let term = before.term;
            let stopped =
                campaigning(before, term) && !(campaigning(after, term) && after.incarnation == before.incarnation);
            let none_left = !self.after.iter().any(|state| campaigning(state, term));
            (stopped && none_left && !leaders.contains_key(&term))
                .then(|| vec![("node", id.to_string()), ("term", term.to_string())])
        })
    }

    fn commits(&self, index: Index) -> Option<Bindings> {
        let leader = self
            .world
            .running_nodes()
            .into_iter()
            .find(|node| node.role() == Role::Leader && node.commit_index() >= index)?;
        let commit = leader.commit_index();
        let entry = leader.log().entry(commit)?;
        let what = match &entry.payload {
            Payload::Noop => "a no-op".to_string(),
            Payload::Command(command) => command.op.to_string(),
        };
        Some(vec![
            ("node", leader.id().to_string()),
            ("term", leader.term().to_string()),
            ("index", commit.to_string()),
            ("entry_term", entry.term.to_string()),
            ("entry", what),
        ])
    }

    fn holds(&self, id: NodeId, index: Index, term: Term) -> Option<Bindings> {
        let node = self.world.server(id).node.as_ref()?;
        (node.log().term_at(index) == Some(term)).then(|| {
            vec![
                ("node", id.to_string()),
                ("term", term.to_string()),
                ("index", index.to_string()),
                ("commit", node.commit_index().to_string()),
            ]
        })
    }

    fn delivered(
        &self,
        kind: MessageKind,
        from: Option<NodeId>,
        to: Option<NodeId>,
        ok: Option<bool>,
    ) -> Option<Bindings> {
        let Happening::Delivered { kind: got, from: sender, to: receiver, term, ok: answer, index } = *self.happening
        else {
            return None;
        };
        let fits = got == kind
            && from.is_none_or(|from| from == sender)
            && to.is_none_or(|to| to == receiver)
            && ok.is_none_or(|ok| answer == Some(ok));
        if !fits {
            return None;
        }
        let mut bindings = vec![("from", sender.to_string()), ("to", receiver.to_string()), ("term", term.to_string())];
        bindings.extend(index.map(|index| ("index", index.to_string())));
        Some(bindings)
    }

    /// A node whose log lost entries in this event: shorter, or its old last entry replaced.
    /// `{index}` is the first entry removed, `{index_last}` the last.
    fn truncates(&self, node: Option<NodeId>) -> Option<Bindings> {
        self.changes().find_map(|(id, before, after)| {
            let same_run = before.running && after.running && before.incarnation == after.incarnation;
            if !same_run || node.is_some_and(|node| node != id) {
                return None;
            }
            let (old, new) = (before.log.as_ref()?, after.log.as_ref()?);
            let differs = |index: Index| new.term_at(index) != old.term_at(index);
            if before.last_index == 0 || !differs(before.last_index) {
                return None;
            }
            let mut first = before.last_index;
            while first > 1 && differs(first - 1) {
                first -= 1;
            }
            Some(vec![
                ("node", id.to_string()),
                ("index", first.to_string()),
                ("index_last", before.last_index.to_string()),
            ])
        })
    }

    fn violation(&self) -> Option<Bindings> {
        let violation = self.world.violation()?;
        let mut bindings =
            vec![("check", violation.invariant.name().to_string()), ("violation", violation.message.clone())];
        bindings.extend(violation.nodes.first().map(|node| ("node", node.to_string())));
        bindings.extend(violation.terms.first().map(|term| ("term", term.to_string())));
        bindings.extend(violation.indexes.first().map(|index| ("index", index.to_string())));
        Some(bindings)
    }

    /// A placeholder every caption may use ([`COMMON_PLACEHOLDERS`](crate::scenario::tours::COMMON_PLACEHOLDERS)).
    fn common(&self, name: &str) -> Option<String> {
        let leader = || self.world.current_leader();
        match name {
            "time" => Some(words::instant(self.world.now_us())),
            "event" => Some(self.world.events().to_string()),
            "leader" => leader().map(|node| node.id().to_string()),
            "leader_term" => leader().map(|node| node.term().to_string()),
            "leader_commit" => leader().map(|node| node.commit_index().to_string()),
            _ => None,
        }
    }

    /// The caption's text at this moment, if its trigger holds and every placeholder has a
    /// value.
    fn caption_text(&self, caption: &Caption) -> Option<String> {
        let bindings = self.matches(&caption.trigger)?;
        let value = |name: &str| {
            let bound = bindings.iter().find(|(bound, _)| *bound == name).map(|(_, value)| value.clone());
            bound.or_else(|| self.common(name))
        };
        fill(caption.text, value)
    }
}

fn node_bindings(id: NodeId, state: &NodeState) -> Bindings {
    vec![
        ("node", id.to_string()),
        ("term", state.term.to_string()),
        ("index", state.last_index.to_string()),
        ("commit", state.commit.to_string()),
    ]
}

/// Watches a run for a tour's captions: step the run through [`CaptionWatch::step`].
pub struct CaptionWatch {
    tour: &'static Tour,
    pinned: Vec<PinnedCaption>,
}

impl CaptionWatch {
    /// Starts watching `world`, which must be at its start (the `Start` trigger holds
    /// there).
    pub fn new(tour: &'static Tour, world: &World) -> CaptionWatch {
        assert_eq!(world.events(), 0, "a tour is watched from the start of its run");
        let mut watch = CaptionWatch { tour, pinned: Vec::new() };
        let states = node_states(world);
        watch.observe(world, &Happening::Other, &states);
        watch
    }

    /// Runs one event of `world` and pins the captions it reaches; `false` once the run
    /// has finished.
    pub fn step(&mut self, world: &mut World) -> bool {
        if self.done() {
            return world.step();
        }
        let happening = world.next_event().map_or(Happening::Other, |next| Happening::of(&next.event, world));
        let before = node_states(world);
        let ran = world.step();
        if ran {
            self.observe(world, &happening, &before);
        }
        ran
    }

    fn observe(&mut self, world: &World, happening: &Happening, before: &[NodeState]) {
        let moment = Moment { world, happening, before, after: node_states(world) };
        while let Some(caption) = self.tour.captions.get(self.pinned.len()) {
            let Some(text) = moment.caption_text(caption) else { break };
            self.pinned.push(PinnedCaption {
                number: self.pinned.len() + 1,
                event: world.events(),
                time_us: world.now_us(),
                text,
                cue: caption.trigger.describe(),
            });
        }
    }

    /// Whether every caption is pinned.
    pub fn done(&self) -> bool {
        self.pinned.len() == self.tour.captions.len()
    }

    /// The captions pinned so far, in order.
    pub fn pinned(&self) -> &[PinnedCaption] {
        &self.pinned
    }

    /// The tour as this run plays it.
    pub fn finish(self) -> PinnedTour {
        PinnedTour {
            preset: self.tour.preset.to_string(),
            title: self.tour.title.to_string(),
            total: self.tour.captions.len(),
            captions: self.pinned,
        }
    }
}

/// Pins `tour`'s captions to the run `spec` describes (its scenario and user actions), running
/// it from the start until every caption is pinned, the run ends, or `events_max` events have
/// run (a page bounds the work a link can ask of it; captions not reached by then are left out).
pub fn pin_tour(spec: &RunSpec, tour: &'static Tour, events_max: u64) -> Result<PinnedTour, ScenarioError> {
    let mut world = World::from_spec(spec)?;
    let mut watch = CaptionWatch::new(tour, &world);
    while !watch.done() && world.events() < events_max && watch.step(&mut world) {}
    Ok(watch.finish())
}
