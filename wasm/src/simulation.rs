//! The [`Simulation`] handle: one run the page drives (time, actions, time travel), draws and
//! shares.

use raftsim_core::explore::session::Session;
use raftsim_core::explore::watch::Watch;
use raftsim_core::raft::{NodeId, Op};
use raftsim_core::scenario::share::{decode, USER_ACTIONS_MAX};
use raftsim_core::scenario::{Action, RunSpec, Scenario, RUN_US_MAX};
use wasm_bindgen::prelude::*;
use web_sys::CanvasRenderingContext2d;

use crate::history_view::CanvasPoint;
use crate::render::layout::{Layout, Point};
use crate::render::{logs, ring, Dashes, Highlight, Pen};
use crate::{from_js, to_js, view, whole};

/// Events kept in words for the event feed (the page shows the newest 150).
const EVENT_FEED_LEN: usize = 400;
/// The largest event number a page may ask for: JavaScript numbers hold it exactly.
const EVENT_MAX: u64 = u64::MAX >> 11;

/// One simulated run, driven by the page.
#[wasm_bindgen]
pub struct Simulation {
    pub(crate) session: Session,
    warning: Option<String>,
    highlight: Highlight,
    pub(crate) dashes: Dashes,
    /// For the page's own tests of its panic path: panic once this event is reached.
    fail_at_event: Option<u64>,
    /// The moment an opened link holds, still to be reached: (event, time shown).
    link_target: Option<(u64, Option<u64>)>,
}

#[wasm_bindgen]
impl Simulation {
    /// Starts the run of a scenario object (missing fields take their defaults).
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "Scenario")] scenario: JsValue) -> Result<Simulation, JsError> {
        let scenario: Scenario = from_js(scenario, "invalid scenario")?;
        scenario.validate().map_err(|error| JsError::new(&error.to_string()))?;
        let spec = RunSpec { scenario, actions: Vec::new(), stop_at_event: None, stop_at_us: None };
        Simulation::open(spec, None)
    }

    /// Opens a share link (a URL, or its fragment) at the start of its run. The moment it holds
    /// is reached with [`Simulation::approach_link`], a frame at a time: a link may hold
    /// billions of events, and no link may freeze the page.
    pub fn from_link(link: &str) -> Result<Simulation, JsError> {
        let decoded = decode(link).map_err(|error| JsError::new(&error.to_string()))?;
        let warning = (!decoded.engine_matches()).then(|| {
            format!(
                "This link was made by raftsim engine {}; this page runs engine {}, so the replay may differ from what its author saw.",
                decoded.engine_version,
                raftsim_core::ENGINE_VERSION
            )
        });
        let target = decoded.spec.stop_at_event.map(|event| (event, decoded.spec.stop_at_us));
        let mut simulation = Simulation::open(decoded.spec, warning)?;
        simulation.link_target = target;
        Ok(simulation)
    }

    fn open(spec: RunSpec, warning: Option<String>) -> Result<Simulation, JsError> {
        let session = Session::with_record(spec, EVENT_FEED_LEN).map_err(|error| JsError::new(&error.to_string()))?;
        Ok(Simulation {
            session,
            warning,
            highlight: Highlight::default(),
            dashes: Dashes::new(),
            fail_at_event: None,
            link_target: None,
        })
    }

    /// The event an opened link holds and that is not reached yet, or `null`.
    pub fn link_target_event(&self) -> Option<f64> {
        self.link_target.map(|(event, _)| event as f64)
    }

    /// Runs at most `events_max` events toward the opened link's moment; `true` once there (or
    /// once the run has ended, or if there was none). Then the clock shows the link's time.
    pub fn approach_link(&mut self, events_max: u32) -> bool {
        self.panic_if_asked();
        let Some((event, time_us)) = self.link_target else { return true };
        if !self.session.approach(event, u64::from(events_max)) {
            return false;
        }
        self.session.set_clock_shown(time_us);
        self.link_target = None;
        true
    }

    /// Stops reaching the opened link's moment: the run stays where it got to.
    pub fn abandon_link(&mut self) {
        self.link_target = None;
    }

    /// The session, for the handle's other modules (`tour.rs`).
    pub(crate) fn session(&self) -> &Session {
        &self.session
    }

    /// A warning about the run (a link from another engine version), if any.
    pub fn warning(&self) -> Option<String> {
        self.warning.clone()
    }

    // ---- time ----

    /// Processes one event; `false` once the run has finished.
    pub fn step(&mut self) -> bool {
        self.panic_if_asked();
        self.session.step()
    }

    /// Goes back one event (by replay from a checkpoint); `false` at the start.
    pub fn step_back(&mut self) -> bool {
        self.session.step_back()
    }

    /// Runs every event up to simulated time `time_us`.
    pub fn run_until(&mut self, time_us: f64) -> Result<(), JsError> {
        self.panic_if_asked();
        self.session.run_until(whole(time_us, "time_us", RUN_US_MAX)?);
        Ok(())
    }

    /// Runs up to `count` events; returns how many ran.
    pub fn run_events(&mut self, count: u32) -> u32 {
        self.panic_if_asked();
        self.session.run_events(u64::from(count)) as u32
    }

    /// The frame loop's call: runs the events due by `time_us`, at most `events_max` of them,
    /// and moves the clock to `time_us` once none is left before it. Returns how many ran.
    pub fn advance(&mut self, time_us: f64, events_max: u32) -> Result<u32, JsError> {
        self.panic_if_asked();
        let time_us = whole(time_us, "time_us", RUN_US_MAX)?;
        Ok(self.session.advance(time_us, u64::from(events_max)) as u32)
    }

    /// Goes to the state right after event number `event`.
    pub fn seek(&mut self, event: f64) -> Result<(), JsError> {
        self.session.seek(whole(event, "event", EVENT_MAX)?);
        Ok(())
    }

    /// Goes to simulated time `time_us`, back (by replay from a checkpoint) or forward.
    pub fn seek_time(&mut self, time_us: f64) -> Result<(), JsError> {
        self.session.seek_time(whole(time_us, "time_us", RUN_US_MAX)?);
        Ok(())
    }

    /// When the next event is due, or `null` once the run has finished.
    pub fn next_event_us(&self) -> Option<f64> {
        let simulation = self.session.world();
        if simulation.phase() == raftsim_core::sim::Phase::Finished {
            return None;
        }
        simulation.pending_events().map(|scheduled| scheduled.time_us).min().map(|time_us| time_us as f64)
    }

    /// Whether the run has ended (its end reached, or a check failed).
    pub fn finished(&self) -> bool {
        self.session.world().phase() == raftsim_core::sim::Phase::Finished
    }

    /// Events processed so far.
    pub fn events(&self) -> f64 {
        self.session.world().events() as f64
    }

    /// Simulated time now, microseconds.
    pub fn now_us(&self) -> f64 {
        self.session.world().now_us() as f64
    }

    /// The furthest event this timeline has reached (stepping back keeps it; acting resets it).
    pub fn frontier_events(&self) -> f64 {
        self.session.frontier().0 as f64
    }

    // ---- actions: each returns how many explored events it dropped by forking the run ----

    /// Applies a user action given as an object, e.g. `{crash: {node: 2}}` or `"heal"`.
    pub fn act(&mut self, #[wasm_bindgen(unchecked_param_type = "Action")] action: JsValue) -> Result<f64, JsError> {
        let action: Action = from_js(action, "invalid action")?;
        self.apply(action)
    }

    fn apply(&mut self, action: Action) -> Result<f64, JsError> {
        let nodes = self.session.world().scenario().nodes;
        if let Some(node) = action.nodes().into_iter().find(|node| !(1..=nodes).contains(node)) {
            return Err(JsError::new(&format!("there is no node {node}: the cluster has nodes 1 to {nodes}")));
        }
        if self.finished() {
            return Err(JsError::new("the run has ended: step back to act in its past, or start a new run"));
        }
        let acted = self.session.world().actions_applied().len();
        if acted >= USER_ACTIONS_MAX {
            return Err(JsError::new(&format!(
                "this run already holds {acted} actions, the most a link can carry: start a new run to go on"
            )));
        }
        let dropped = self.session.frontier().0 - self.session.world().events();
        self.session.act(action);
        Ok(dropped as f64)
    }

    /// Crashes a node.
    pub fn crash(&mut self, node: NodeId) -> Result<f64, JsError> {
        self.apply(Action::Crash { node })
    }
    /// Restarts a crashed node.
    pub fn restart(&mut self, node: NodeId) -> Result<f64, JsError> {
        self.apply(Action::Restart { node })
    }
    /// Pauses a node.
    pub fn pause(&mut self, node: NodeId) -> Result<f64, JsError> {
        self.apply(Action::Pause { node })
    }
    /// Resumes a paused node.
    pub fn resume(&mut self, node: NodeId) -> Result<f64, JsError> {
        self.apply(Action::Resume { node })
    }
    /// Fires a node's election timer now.
    pub fn force_timeout(&mut self, node: NodeId) -> Result<f64, JsError> {
        self.apply(Action::ForceTimeout { node })
    }
    /// Sends a client request to a node: `op` is `{put: {key, value}}`, `{get: {key}}`, ...
    pub fn client_request(
        &mut self,
        node: NodeId,
        #[wasm_bindgen(unchecked_param_type = "Op")] op: JsValue,
    ) -> Result<f64, JsError> {
        let op: Op = from_js(op, "invalid operation")?;
        self.apply(Action::ClientRequest { node, op })
    }
    /// Cuts the link between two nodes, both directions.
    pub fn cut_link(&mut self, a: NodeId, b: NodeId) -> Result<f64, JsError> {
        self.apply(Action::CutLink { a, b })
    }
    /// Restores the link between two nodes, both directions.
    pub fn heal_link(&mut self, a: NodeId, b: NodeId) -> Result<f64, JsError> {
        self.apply(Action::HealLink { a, b })
    }
    /// Cuts messages from `from` to `to` only.
    pub fn cut_one_way(&mut self, from: NodeId, to: NodeId) -> Result<f64, JsError> {
        self.apply(Action::OneWay { from: vec![from], to: vec![to] })
    }
    /// Lets messages from `from` to `to` through again, leaving the other direction as it is.
    pub fn heal_one_way(&mut self, from: NodeId, to: NodeId) -> Result<f64, JsError> {
        self.apply(Action::HealOneWay { from: vec![from], to: vec![to] })
    }
    /// Removes every partition and cut link.
    pub fn heal(&mut self) -> Result<f64, JsError> {
        self.apply(Action::Heal)
    }

    /// Applies a named partition (see `partitions()`), worked out for the current leader.
    pub fn partition(&mut self, name: &str) -> Result<f64, JsError> {
        let simulation = self.session.world();
        let nodes = simulation.scenario().node_ids();
        let leader = simulation.current_leader().map(|node| node.id());
        let action = raftsim_core::scenario::partitions::named_partition(name, &nodes, leader)
            .map_err(|problem| JsError::new(&problem))?;
        self.apply(action)
    }

    /// Whether messages from `from` to `to` are cut now.
    pub fn is_cut(&self, from: NodeId, to: NodeId) -> bool {
        let nodes = self.session.world().scenario().nodes;
        (1..=nodes).contains(&from) && (1..=nodes).contains(&to) && self.session.world().network().is_cut(from, to)
    }

    // ---- views ----

    /// What the run panel and the check board show.
    #[wasm_bindgen(unchecked_return_type = "RunView")]
    pub fn run_view(&self) -> Result<JsValue, JsError> {
        let user_actions = self.session.world().actions_applied().len();
        to_js(&view::run_view(self.session.world(), self.session.frontier(), user_actions))
    }

    /// Every check and where it stands now: `[{name, state, sentence}]` (see `view.rs`).
    #[wasm_bindgen(unchecked_return_type = "CheckState[]")]
    pub fn check_states(&self) -> Result<JsValue, JsError> {
        to_js(&view::check_states(self.session.world()))
    }

    /// Each node in one line: role, term, leader, log length, commit.
    #[wasm_bindgen(unchecked_return_type = "NodeLine[]")]
    pub fn node_lines(&self) -> Result<JsValue, JsError> {
        to_js(&view::node_lines(self.session.world()))
    }

    /// Everything the inspector shows about node `node`.
    #[wasm_bindgen(unchecked_return_type = "NodeDetail")]
    pub fn node_detail(&self, node: NodeId) -> Result<JsValue, JsError> {
        let nodes = self.session.world().scenario().nodes;
        if !(1..=nodes).contains(&node) {
            return Err(JsError::new(&format!("there is no node {node}: the cluster has nodes 1 to {nodes}")));
        }
        to_js(&view::node_detail(self.session.world(), node))
    }

    /// The newest `limit` feed lines after line `cursor` (a `seq`) whose kind is in `kinds` (a
    /// mask of `FeedKind` bits, see `feed_kinds()`), oldest first.
    #[wasm_bindgen(unchecked_return_type = "FeedLine[]")]
    pub fn feed_since(&self, cursor: f64, limit: u32, kinds: u32) -> Result<JsValue, JsError> {
        let cursor = whole(cursor, "cursor", EVENT_MAX)?;
        let mut records = self.session.world().feed_since(cursor);
        records.retain(|record| record.kind.bit() & kinds != 0);
        let excess = records.len().saturating_sub(limit as usize);
        records.drain(..excess);
        to_js(&records)
    }

    /// The number of the newest feed line (the cursor that skips everything so far).
    pub fn feed_seq(&self) -> f64 {
        self.session.world().feed_since(0).last().map_or(0.0, |record| record.seq as f64)
    }

    /// The first violation, or `null`.
    #[wasm_bindgen(unchecked_return_type = "Violation | null")]
    pub fn violation(&self) -> Result<JsValue, JsError> {
        to_js(&self.session.world().violation())
    }

    /// The client history so far.
    #[wasm_bindgen(unchecked_return_type = "ClientHistory")]
    pub fn history(&self) -> Result<JsValue, JsError> {
        to_js(self.session.world().history())
    }

    /// The linearizability check of the history so far, within `step_budget` model steps
    /// (the answer is "Unknown" when it runs out: the page never hangs).
    #[wasm_bindgen(unchecked_return_type = "CheckResult")]
    pub fn check_linearizability(&self, step_budget: u32) -> Result<JsValue, JsError> {
        to_js(&self.session.world().check_linearizability(u64::from(step_budget)))
    }

    /// The trace fingerprint so far, as 16 hex digits.
    pub fn trace_hash(&self) -> String {
        format!("{:016x}", self.session.world().trace_hash())
    }

    /// The share link (fragment) that replays this run to this event.
    pub fn share_link(&self) -> String {
        self.session.share_link()
    }

    /// The scenario as it was given, before any swarm draw: what "new run" starts again.
    #[wasm_bindgen(unchecked_return_type = "Scenario")]
    pub fn given_scenario(&self) -> Result<JsValue, JsError> {
        to_js(self.session.scenario_given())
    }

    /// The scenario being run (as drawn: under swarm testing, the cluster the seed chose).
    #[wasm_bindgen(unchecked_return_type = "Scenario")]
    pub fn scenario(&self) -> Result<JsValue, JsError> {
        to_js(self.session.world().scenario())
    }

    /// The fault mix in force (drawn from the seed under swarm testing).
    #[wasm_bindgen(unchecked_return_type = "WorldParameters")]
    pub fn parameters(&self) -> Result<JsValue, JsError> {
        to_js(self.session.world().parameters())
    }

    // ---- drawing ----

    /// Draws the ring on a canvas of `width` × `height` CSS pixels.
    pub fn draw(&self, context: &CanvasRenderingContext2d, width: f64, height: f64, pixel_ratio: f64) {
        let pen = Pen::begin(context, &self.dashes, width, height, pixel_ratio);
        ring::draw(&pen, self.session.world(), &self.layout(width, height), &self.highlight);
    }

    /// Draws the log strips on a canvas `width` CSS pixels wide (see `log_strip_height`).
    pub fn draw_logs(&self, context: &CanvasRenderingContext2d, width: f64, pixel_ratio: f64) {
        let height = logs::height_px(self.session.world().scenario().nodes);
        let pen = Pen::begin(context, &self.dashes, width, height, pixel_ratio);
        logs::draw(&pen, self.session.world(), width, self.highlight.selected);
    }

    /// The log entry under (`x`, `y`) in log strips `width` wide, with what it carries, or
    /// `null`: `{node, index, term, text, committed, applied, durable}`.
    #[wasm_bindgen(unchecked_return_type = "EntryView | null")]
    pub fn log_entry_at(&self, x: f64, y: f64, width: f64) -> Result<JsValue, JsError> {
        let simulation = self.session.world();
        let entry =
            logs::cell_at(simulation, width, x, y).and_then(|(node, index)| view::entry_view(simulation, node, index));
        to_js(&entry)
    }

    /// A fingerprint of what the log strips show, as 16 hex digits: the page redraws them only
    /// when it changes.
    pub fn logs_signature(&self) -> String {
        format!("{:016x}", logs::signature(self.session.world(), self.highlight.selected))
    }

    fn layout(&self, width: f64, height: f64) -> Layout {
        Layout::new(self.session.world().scenario().nodes, width.max(1.0), height.max(1.0))
    }

    /// What is at (`x`, `y`) on a ring `width` × `height`: `{node: {node}}`, `{link: {a, b}}`
    /// or `null`.
    #[wasm_bindgen(unchecked_return_type = "RingPick | null")]
    pub fn pick(&self, x: f64, y: f64, width: f64, height: f64) -> Result<JsValue, JsError> {
        to_js(&self.layout(width, height).pick(Point { x, y }))
    }

    /// Highlights what is at (`x`, `y`) in the next drawing, and returns it as [`Self::pick`].
    #[wasm_bindgen(unchecked_return_type = "RingPick | null")]
    pub fn hover(&mut self, x: f64, y: f64, width: f64, height: f64) -> Result<JsValue, JsError> {
        self.highlight.hover = self.layout(width, height).pick(Point { x, y });
        to_js(&self.highlight.hover)
    }

    /// Selects node `node` for the inspector and the highlight (0: none).
    pub fn select(&mut self, node: NodeId) {
        let nodes = self.session.world().scenario().nodes;
        self.highlight.selected = (1..=nodes).contains(&node).then_some(node);
    }

    /// Where node `node` is drawn on a ring `width` × `height`, in CSS pixels.
    pub fn node_center(&self, node: NodeId, width: f64, height: f64) -> Result<CanvasPoint, JsError> {
        let nodes = self.session.world().scenario().nodes;
        if !(1..=nodes).contains(&node) {
            return Err(JsError::new(&format!("there is no node {node}")));
        }
        let center = self.layout(width, height).center_of(node);
        Ok(CanvasPoint { x: center.x, y: center.y })
    }

    // ---- testing ----

    /// Makes the engine panic when a driving call finds the run at or past event `event`: the
    /// page's tests use it to see a panic reported, not a frozen page.
    pub fn fail_at_event_for_testing(&mut self, event: f64) -> Result<(), JsError> {
        self.fail_at_event = Some(whole(event, "event", EVENT_MAX)?);
        Ok(())
    }

    fn panic_if_asked(&self) {
        if let Some(event) = self.fail_at_event {
            let events = self.session.world().events();
            assert!(
                events < event,
                "the page's test asked for a panic at event {event} (the run is at event {events})"
            );
        }
    }
}
