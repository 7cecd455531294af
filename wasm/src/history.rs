//! The client-history panel's engine side: the run's history (or an opened Jepsen file) as bars
//! on a timeline, a row per client, and the linearizability checks the page's worker runs.
//!
//! The page draws the timeline every time the history or the view changes, so only the
//! operations in view are read: a run's operations are in invocation order and none lasts
//! longer than the clients' give-up time, so the first one in view is found by binary search.

use raftsim_core::check::history::{History, HistoryOp, Outcome};
use raftsim_core::check::jepsen::{self, Format};
use raftsim_core::check::linearizability::model::{Kv, Model, Register};
use raftsim_core::check::linearizability::sentence::{counterexample_sentence, op_label};
use raftsim_core::check::linearizability::{
    self as lin, memo_bytes_max, CheckResult, Counterexample, Operation, Options, Return, END_OF_RUN_STEP_BUDGET,
    MEMORY_BUDGET_BROWSER_BYTES, MEMORY_BUDGET_BROWSER_RAISED_BYTES, RAISED_STEP_FACTOR,
};
use raftsim_core::raft::OpResult;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::render::timeline::{self, Axis, CounterexampleOps, Scene, Window};
use crate::render::{Dashes, Pen};
use crate::simulation::Simulation;
use crate::to_js;

/// Model steps a check of an opened file may spend (as `raftsim check-history`'s default).
const FILE_STEP_BUDGET: u64 = 100_000_000;
/// The largest history file the page reads, in bytes: the reader holds it whole.
pub const FILE_BYTES_MAX: usize = 64 << 20;

/// How an operation's bar ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// It returned then.
    Returned(u64),
    /// The client gave up then, not knowing whether it took effect.
    GaveUp(u64),
    /// No answer by the end of what is shown (the bar runs to "now" or the history's end).
    Open,
}

/// How an operation ended, as the timeline colours it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Returned a result.
    Ok,
    /// Returned "it did not take effect" (a compare-and-set that found another value).
    Failed,
    /// No answer, and none will come: it may or may not have taken effect.
    Unknown,
    /// Still waiting for its answer.
    Pending,
}

/// One operation as the timeline draws it.
#[derive(Clone, Debug)]
pub struct Bar {
    /// Its position in the history (what counterexamples name).
    pub position: usize,
    pub row: u32,
    pub invoke: u64,
    pub end: End,
    pub kind: Kind,
    /// Its label, when it was made with one: the run's bars in view get theirs only if the
    /// drawing has room for it (see [`RunBars::label`]), so a crowded frame builds no strings.
    pub label: Option<String>,
}

/// The run's history, read in place.
pub struct RunBars<'a> {
    history: &'a History,
    /// Rows 0.. are the workload's clients; one more row holds the one-off requests (scripted
    /// or sent from the page), once there are any.
    clients: u32,
    one_offs: bool,
    /// No operation lasts longer: the clients give up after this.
    span_us_max: u64,
}

impl<'a> RunBars<'a> {
    pub fn of(simulation: &'a raftsim_core::sim::World) -> RunBars<'a> {
        let workload = &simulation.scenario().workload;
        // A client gives up at the first event after its deadline; the margin covers the wait.
        let span_us_max = workload.op_timeout_us.saturating_mul(2).saturating_add(1_000_000);
        let one_offs = simulation.clients().len() > workload.clients as usize;
        RunBars { history: simulation.history(), clients: workload.clients, one_offs, span_us_max }
    }

    /// The rows' names, top to bottom.
    pub fn row_names(&self) -> Vec<String> {
        let mut names: Vec<String> = (1..=self.clients).map(|client| format!("client {client}")).collect();
        if self.one_offs {
            names.push("one-off".into());
        }
        names
    }

    /// The label of the operation at `position`.
    pub fn label(&self, position: usize) -> Option<String> {
        self.history.ops.get(position).map(|op| op_label(&lin::from_history_op(op)))
    }

    fn bar(&self, position: usize, op: &HistoryOp, labelled: bool) -> Bar {
        let (end, kind) = match &op.outcome {
            Outcome::Ok { result: OpResult::CasResult(false), complete_us } => {
                (End::Returned(*complete_us), Kind::Failed)
            }
            Outcome::Ok { result: OpResult::Stale, complete_us } => (End::GaveUp(*complete_us), Kind::Unknown),
            Outcome::Ok { complete_us, .. } => (End::Returned(*complete_us), Kind::Ok),
            Outcome::Unknown { gave_up_us } => (End::GaveUp(*gave_up_us), Kind::Unknown),
            Outcome::Pending => (End::Open, Kind::Pending),
        };
        let row = op.client.min(self.clients);
        let label = labelled.then(|| op_label(&lin::from_history_op(op)));
        Bar { position, row, invoke: op.invoke_us, end, kind, label }
    }

    /// The operations that overlap `[start, end]` (pending ones run to now).
    pub fn visible(&self, start: u64, end: u64) -> Vec<Bar> {
        let ops = &self.history.ops;
        let from = ops.partition_point(|op| op.invoke_us.saturating_add(self.span_us_max) < start);
        let mut bars = Vec::new();
        for (offset, op) in ops.iter_from(from).enumerate() {
            if op.invoke_us > end {
                break;
            }
            let bar = self.bar(from + offset, op, false);
            if bar_end(&bar).is_none_or(|finish| finish >= start) {
                bars.push(bar);
            }
        }
        bars
    }

    /// The operation at `position`.
    pub fn get(&self, position: usize) -> Option<Bar> {
        self.history.ops.get(position).map(|op| self.bar(position, op, true))
    }
}

/// Where a bar's drawn extent ends in time, if it is known.
fn bar_end(bar: &Bar) -> Option<u64> {
    match bar.end {
        End::Returned(at) | End::GaveUp(at) => Some(at),
        End::Open => None,
    }
}

/// An opened history file: its operations, each on a row. A process keeps its row; a new one
/// (Jepsen starts a new process after an unknown outcome) takes the first row that is free.
#[wasm_bindgen]
pub struct HistoryFile {
    name: String,
    format: Format,
    operations: Vec<Operation>,
    bars: Vec<Bar>,
    row_names: Vec<String>,
    /// Each row's processes, in the order they ran.
    row_processes: Vec<Vec<u64>>,
    span_max: u64,
    extent: (u64, u64),
    marks: CounterexampleOps,
    dashes: Dashes,
}

#[wasm_bindgen]
impl HistoryFile {
    /// Reads a Jepsen log or EDN history (the formats `raftsim check-history` reads); a bad file
    /// is refused with its line and what was wrong.
    #[wasm_bindgen(constructor)]
    pub fn new(name: &str, text: &str) -> Result<HistoryFile, JsError> {
        let (format, operations) = parse_file(text).map_err(|problem| JsError::new(&problem))?;
        let (bars, row_processes) = file_bars(&operations);
        let row_names = (0..row_processes.len()).map(client_name).collect();
        let span_max = bars.iter().map(|bar| bar_end(bar).unwrap_or(bar.invoke) - bar.invoke).max().unwrap_or(0);
        let extent_end = bars.iter().map(|bar| bar_end(bar).unwrap_or(bar.invoke)).max().unwrap_or(0);
        let extent = (bars.first().map_or(0, |bar| bar.invoke), extent_end.max(1));
        Ok(HistoryFile {
            name: name.chars().take(200).collect(),
            format,
            operations,
            bars,
            row_names,
            row_processes,
            span_max,
            extent,
            marks: CounterexampleOps::default(),
            dashes: Dashes::new(),
        })
    }

    /// The file's name, as given.
    pub fn name(&self) -> String {
        self.name.clone()
    }
    /// "log" (Jepsen's log lines, one register) or "edn" (EDN maps, a key-value store).
    pub fn format(&self) -> String {
        match self.format {
            Format::EtcdLog => "log".into(),
            Format::KvEdn => "edn".into(),
        }
    }
    /// The model its format implies: "register" for a log, "kv" for EDN.
    pub fn default_model(&self) -> String {
        match self.format {
            Format::EtcdLog => "register".into(),
            Format::KvEdn => "kv".into(),
        }
    }
    /// How many operations it holds.
    pub fn operations(&self) -> u32 {
        self.operations.len() as u32
    }
    /// The rows' names, top to bottom: the clients.
    pub fn row_names(&self) -> Vec<String> {
        self.row_names.clone()
    }
    /// How many rows the timeline has.
    pub fn rows(&self) -> u32 {
        self.row_names.len() as u32
    }
    /// The first position of the history.
    pub fn start(&self) -> f64 {
        self.extent.0 as f64
    }
    /// The last position of the history.
    pub fn end(&self) -> f64 {
        self.extent.1 as f64
    }

    /// Shows a check's counterexample (the worker's result) on the timeline; `null` clears it.
    pub fn set_result(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "CheckedHistory | null")] result: JsValue,
    ) -> Result<(), JsError> {
        self.marks = marks_of(result)?;
        Ok(())
    }

    /// The operation at `position` of the file (as counterexamples name it), as
    /// `HistoryView::op_at_file` gives it, or `undefined`.
    #[wasm_bindgen(unchecked_return_type = "PickedOperation | null")]
    pub fn op(&self, position: u32) -> Result<JsValue, JsError> {
        to_js(&self.bar(position as usize).map(|bar| self.picked(bar, false)))
    }
}

impl HistoryFile {
    /// Draws the positions of `window` on `pen`.
    pub(crate) fn draw_on(&self, pen: &Pen, window: Window) {
        let bars = self.visible(window.start(), window.end());
        let scene = Scene {
            bars: &bars,
            row_names: &self.row_names,
            window,
            now: None,
            counterexample: &self.marks,
            axis: Axis::Positions,
        };
        timeline::draw(pen, &scene, &|_| None);
    }

    /// The operation under (`x`, `y`) in a drawing of `window`.
    pub(crate) fn pick_at(&self, window: Window, x: f64, y: f64) -> Option<Picked> {
        let bars = self.visible(window.start(), window.end());
        let (bar, near_end) = timeline::bar_at(&bars, &window, x, y)?;
        let mut picked = self.picked(bar, near_end);
        picked.order = order_point(&self.marks, &|| self.operations.clone(), bar.position);
        Some(picked)
    }

    /// What the page learns of `bar`: its row said with the process it had then.
    fn picked(&self, bar: &Bar, near_end: bool) -> Picked {
        let mut picked = pick_of(bar, near_end, Some(&self.row_names));
        if let (Some(processes), Some(op)) =
            (self.row_processes.get(bar.row as usize), self.operations.get(bar.position))
        {
            picked.row = row_words(&picked.row, processes, op.process);
        }
        picked
    }

    /// Where operation `position` is drawn in `window`: a point inside its bar near its start.
    pub(crate) fn bar_point(&self, position: usize, window: Window) -> Option<(f64, f64)> {
        Some(timeline::bar_point(self.bar(position)?, &window))
    }

    /// The dashes its drawings use.
    pub(crate) fn dashes(&self) -> &Dashes {
        &self.dashes
    }

    fn bar(&self, position: usize) -> Option<&Bar> {
        // Bars are in invocation order; find the one for `position`.
        self.bars.iter().find(|bar| bar.position == position)
    }

    fn visible(&self, start: u64, end: u64) -> Vec<Bar> {
        let from = self.bars.partition_point(|bar| bar.invoke.saturating_add(self.span_max) < start);
        let overlaps = |bar: &&Bar| bar_end(bar).is_none_or(|finish| finish >= start);
        self.bars[from..].iter().take_while(|bar| bar.invoke <= end).filter(overlaps).cloned().collect()
    }
}

/// Reads a history file within the page's size limit.
fn parse_file(text: &str) -> Result<(Format, Vec<Operation>), String> {
    if text.len() > FILE_BYTES_MAX {
        return Err(format!(
            "the file holds {} bytes; the page reads at most {} MiB",
            text.len(),
            FILE_BYTES_MAX >> 20
        ));
    }
    jepsen::parse(text).map_err(|error| error.to_string())
}

/// The file's operations as bars, each on a row, and each row's processes, in turn.
fn file_bars(operations: &[Operation]) -> (Vec<Bar>, Vec<Vec<u64>>) {
    let mut order: Vec<usize> = (0..operations.len()).collect();
    order.sort_by_key(|&position| (operations[position].invoke, position));
    let mut row_of_process: std::collections::BTreeMap<u64, u32> = std::collections::BTreeMap::new();
    // Per row: its processes' names and when it is free again (an unknown outcome frees it).
    let mut rows: Vec<(Vec<u64>, u64)> = Vec::new();
    let mut bars = Vec::with_capacity(operations.len());
    for position in order {
        let op = &operations[position];
        let row = *row_of_process.entry(op.process).or_insert_with(|| {
            let free = rows.iter().position(|(_, free_at)| *free_at <= op.invoke);
            let row = free.unwrap_or_else(|| {
                rows.push((Vec::new(), 0));
                rows.len() - 1
            });
            rows[row].0.push(op.process);
            row as u32
        });
        let (end, kind) = match (op.complete, &op.ret) {
            (Some(at), Return::Cas(false)) => (End::Returned(at), Kind::Failed),
            (Some(at), Return::Unknown) => (End::GaveUp(at), Kind::Unknown),
            (Some(at), _) => (End::Returned(at), Kind::Ok),
            (None, _) => (End::Open, Kind::Unknown),
        };
        rows[row as usize].1 = rows[row as usize].1.max(op.complete.unwrap_or(op.invoke).saturating_add(1));
        bars.push(Bar { position, row, invoke: op.invoke, end, kind, label: Some(op_label(op)) });
    }
    close_open_bars(&mut bars);
    (bars, rows.into_iter().map(|(processes, _)| processes).collect())
}

/// A bar with no answer ends where the next operation on its row starts (its process was
/// replaced), or at the last position of the history.
fn close_open_bars(bars: &mut [Bar]) {
    let last = bars.iter().map(|bar| bar_end(bar).unwrap_or(bar.invoke)).max().unwrap_or(0);
    let mut next_on_row: std::collections::BTreeMap<u32, u64> = std::collections::BTreeMap::new();
    for bar in bars.iter_mut().rev() {
        if bar.end == End::Open {
            bar.end = End::GaveUp(next_on_row.get(&bar.row).copied().unwrap_or(last).max(bar.invoke));
        }
        next_on_row.insert(bar.row, bar.invoke);
    }
}

/// A row's name: a client, counted from 1 down the rows (a run's clients, saved and opened
/// again, come back in their order). A Jepsen process is one client's run of operations until
/// an answer it never got; the client then goes on under a new process number, on the same row.
fn client_name(row: usize) -> String {
    format!("client {}", row + 1)
}

/// What the tooltip and the culprits say of the row of an operation by `process`: its client,
/// and the process number it had then, in words.
fn row_words(name: &str, processes: &[u64], process: u64) -> String {
    match processes.iter().position(|&other| other == process) {
        Some(0) if processes.len() == 1 => format!("{name}, Jepsen's process {process}"),
        Some(0) => format!("{name}, Jepsen's process {process} (its first number of {})", processes.len()),
        Some(turn) => format!(
            "{name}, Jepsen's process {process} (its number {} of {}: a client takes a new one after an answer it never got)",
            turn + 1,
            processes.len()
        ),
        None => name.to_string(),
    }
}

/// The counterexample of a worker's result (or nothing, for `null` or a result without one).
pub(crate) fn marks_of(result: JsValue) -> Result<CounterexampleOps, JsError> {
    if result.is_null() || result.is_undefined() {
        return Ok(CounterexampleOps::default());
    }
    #[derive(serde::Deserialize)]
    struct ModelOf {
        #[serde(default)]
        model: String,
    }
    let judged_by: ModelOf = crate::from_js(result.clone(), "invalid check result: no model")?;
    let result: CheckResult = crate::from_js(result, "invalid check result")?;
    let mut marks = result.counterexample.as_ref().map(CounterexampleOps::of).unwrap_or_default();
    marks.model = judged_by.model;
    Ok(marks)
}

/// Where an operation stands in a counterexample's longest order: its place, and the model's
/// state once it has taken effect (`OrderPoint` in the d.ts).
#[derive(Serialize)]
pub(crate) struct OrderPoint {
    /// From 1.
    place: usize,
    /// How many operations the order holds.
    of: usize,
    /// The state after it, in words (`None` if the history has changed so that it no longer
    /// replays).
    state: Option<String>,
}

/// The point of `marks`' longest order that the operation at `position` of `operations` is, if
/// it is one: its place and the state the order reaches there.
pub(crate) fn order_point(
    marks: &CounterexampleOps,
    operations: &dyn Fn() -> Vec<Operation>,
    position: usize,
) -> Option<OrderPoint> {
    let place = marks.place_of(position)?;
    let operations = operations();
    let order = marks.order_up_to(place);
    let state = match marks.model.as_str() {
        "register" => lin::state_after(&Register, &operations, order),
        _ => lin::state_after(&Kv, &operations, order),
    };
    Some(OrderPoint { place, of: marks.order_len(), state })
}

/// What the page learns of an operation it points at (`PickedOperation` in the d.ts).
#[derive(Serialize)]
pub(crate) struct Picked {
    position: usize,
    label: String,
    kind: &'static str,
    invoke: u64,
    /// When it returned, or when its client gave up.
    end: Option<u64>,
    /// The pointer is nearer its end than its start (a click then goes to its end).
    near_end: bool,
    /// The client or process row it is on.
    row: String,
    /// Its point in the counterexample's longest order, if it is in it.
    order: Option<OrderPoint>,
}

fn pick_of(bar: &Bar, near_end: bool, row_names: Option<&[String]>) -> Picked {
    let kind = match bar.kind {
        Kind::Ok => "ok",
        Kind::Failed => "failed",
        Kind::Unknown => "unknown",
        Kind::Pending => "pending",
    };
    let row = row_names.and_then(|names| names.get(bar.row as usize)).cloned().unwrap_or_default();
    Picked {
        position: bar.position,
        label: bar.label.clone().unwrap_or_default(),
        kind,
        invoke: bar.invoke,
        end: bar_end(bar),
        near_end,
        row,
        order: None,
    }
}

/// The run's timeline, drawn by `HistoryView`.
impl Simulation {
    /// Draws the run's history in `window` on `pen`, `counterexample`'s operations marked.
    pub(crate) fn draw_history_on(&self, pen: &Pen, window: Window, counterexample: &CounterexampleOps) {
        let simulation = self.session.world();
        let bars = RunBars::of(simulation);
        let visible = bars.visible(window.start(), window.end());
        let names = bars.row_names();
        let scene = Scene {
            bars: &visible,
            row_names: &names,
            window,
            now: Some(simulation.now_us()),
            counterexample,
            axis: Axis::Microseconds,
        };
        timeline::draw(pen, &scene, &|position| bars.label(position));
    }

    /// The operation under (`x`, `y`) in a drawing of `window`.
    /// The operation under (`x`, `y`) in a drawing of `window`, with its point in the
    /// longest order of `counterexample` if it is one.
    pub(crate) fn history_pick_at(
        &self,
        window: Window,
        x: f64,
        y: f64,
        counterexample: &CounterexampleOps,
    ) -> Option<Picked> {
        let world = self.session.world();
        let bars = RunBars::of(world);
        let visible = bars.visible(window.start(), window.end());
        let names = bars.row_names();
        let (bar, near_end) = timeline::bar_at(&visible, &window, x, y)?;
        let mut picked = pick_of(&bars.get(bar.position)?, near_end, Some(&names));
        picked.order = order_point(counterexample, &|| lin::from_history(world.history()), bar.position);
        Some(picked)
    }

    /// How many rows the client-history timeline has (the workload's clients and one-off requests).
    pub(crate) fn history_rows(&self) -> u32 {
        RunBars::of(self.session.world()).row_names().len() as u32
    }

    /// Where operation `position` is drawn in `window`: a point inside its bar near its start.
    pub(crate) fn history_bar_point(&self, position: usize, window: Window) -> Option<(f64, f64)> {
        let bar = RunBars::of(self.session.world()).get(position)?;
        Some(timeline::bar_point(&bar, &window))
    }
}

/// Where the command of a run's operation is in the logs (`LogPlace` in the d.ts): the entry a
/// node's log holds it at, and whether that node has committed it.
#[derive(Serialize)]
pub(crate) struct LogPlace {
    node: u32,
    index: u64,
    term: u64,
    committed: bool,
}

/// The request number the client of the run's operation at `position` gave it: its clients
/// number their operations 1, 2, ... (a retry keeps the number), and the history holds them all.
fn request_seq(history: &History, position: usize) -> Option<u64> {
    let client = history.ops.get(position)?.client;
    let earlier = history.ops.iter().take(position).filter(|op| op.client == client).count();
    u64::try_from(earlier).ok().map(|earlier| earlier + 1)
}

/// The log entry carrying the command of the run's operation at `position`: in the first log
/// (in node id order) that has it committed, else the first that has it at all; `None` while no
/// log holds it (not sent yet, or lost). Walks the logs: for a pointer's question, not a frame.
pub(crate) fn log_place(world: &raftsim_core::sim::World, position: usize) -> Option<LogPlace> {
    let history = world.history();
    let client = u64::from(history.ops.get(position)?.client) + 1;
    let seq = request_seq(history, position)?;
    let mut found: Option<LogPlace> = None;
    for id in 1..=world.scenario().nodes {
        let Some(node) = world.server(id).node.as_ref() else { continue };
        let log = node.log();
        let holds = (1..=log.last_index()).rev().find_map(|index| {
            let entry = log.entry(index)?;
            match &entry.payload {
                raftsim_core::raft::Payload::Command(command) if command.client == client && command.seq == seq => {
                    Some((index, entry.term))
                }
                _ => None,
            }
        });
        if let Some((index, term)) = holds {
            let committed = index <= node.commit_index();
            let place = LogPlace { node: id, index, term, committed };
            if committed {
                return Some(place);
            }
            found.get_or_insert(place);
        }
    }
    found
}

/// The run's operation whose command is client `client`'s request `seq` (the log's numbering:
/// clients from 1), if the history has it.
pub(crate) fn operation_of_command(history: &History, client: u64, seq: u64) -> Option<usize> {
    let client = u32::try_from(client.checked_sub(1)?).ok()?;
    let seq = usize::try_from(seq.checked_sub(1)?).ok()?;
    history.ops.iter().enumerate().filter(|(_, op)| op.client == client).nth(seq).map(|(position, _)| position)
}

/// The run's history as the page reads it.
#[wasm_bindgen]
impl Simulation {
    /// Where the command of the operation at `position` is in the logs, or `undefined`.
    #[wasm_bindgen(unchecked_return_type = "LogPlace | null")]
    pub fn history_log_place(&self, position: u32) -> Result<JsValue, JsError> {
        to_js(&log_place(self.session.world(), position as usize))
    }

    /// The operation at `position` of the history, as `HistoryView::op_at_run` gives it, or
    /// `undefined`.
    #[wasm_bindgen(unchecked_return_type = "PickedOperation | null")]
    pub fn history_op(&self, position: u32) -> Result<JsValue, JsError> {
        let bars = RunBars::of(self.session.world());
        let names = bars.row_names();
        to_js(&bars.get(position as usize).map(|bar| pick_of(&bar, false, Some(&names))))
    }

    /// A fingerprint of the history as it stands (operations, outcomes): the page re-checks
    /// and redraws the timeline only when it changes.
    pub fn history_signature(&self) -> String {
        let history = self.session.world().history();
        let counts = history.outcome_counts();
        format!("{}:{}:{}:{}:{}", history.ops.len(), counts.ok, counts.failed, counts.unknown, counts.pending)
    }

    /// The history as it stands, written in one of the formats the history panel reads, so it
    /// can be checked elsewhere and opened here again: `"edn"` (the key-value store, every
    /// operation) or `"log"` (Jepsen's log lines of one register: a history of one key without
    /// appends). Operations still waiting are left open, which the reader counts as unknown, as
    /// the live check does. A history a log cannot hold is refused with the reason.
    pub fn history_as_file(&self, format: &str) -> Result<String, JsError> {
        let operations = lin::from_history(self.session.world().history());
        let written = match format {
            "edn" => jepsen::write_kv_edn(&operations),
            "log" => jepsen::kv_as_register(&operations).and_then(|register| jepsen::write_register_log(&register)),
            other => return Err(JsError::new(&format!("unknown history format {other:?}: edn or log"))),
        };
        written.map_err(|reason| JsError::new(&reason))
    }

    /// The history as the linearizability checker reads it, in JSON: what the page hands its
    /// worker (operations still waiting count as unknown: they may yet take effect).
    pub fn history_for_check(&self) -> String {
        let operations = lin::from_history(self.session.world().history());
        serde_json::to_string(&operations).expect("operations serialise")
    }
}

/// A check's answer as the page shows it: the result, and the counterexample in a sentence.
#[derive(Serialize)]
struct Checked {
    #[serde(flatten)]
    result: CheckResult,
    /// The counterexample told in words, when there is one.
    sentence: Option<String>,
    /// The model the history was checked against.
    model: &'static str,
    /// It was checked with the raised budgets ([`history_raised_budget`]).
    raised: bool,
}

/// The budgets of the page's check of the run's history (`"run"`: the run's own end-of-run
/// budgets, so the live verdict is the one its end gives) or of a file (`"file"`: as
/// `raftsim check-history`'s steps, the browser's memory), or of one check raised from either.
fn check_options(kind: &str, raised: bool) -> Result<Options, JsError> {
    let step_budget = match kind {
        "run" => END_OF_RUN_STEP_BUDGET,
        "file" => FILE_STEP_BUDGET,
        other => return Err(JsError::new(&format!("unknown kind of check {other:?}: run or file"))),
    };
    Ok(if raised {
        Options {
            step_budget: step_budget.saturating_mul(RAISED_STEP_FACTOR),
            memory_budget_bytes: MEMORY_BUDGET_BROWSER_RAISED_BYTES,
            ..Options::default()
        }
    } else {
        Options { step_budget, memory_budget_bytes: MEMORY_BUDGET_BROWSER_BYTES, ..Options::default() }
    })
}

/// What a raised check of `kind` ("run" or "file") would spend and may cost (`RaisedBudget` in
/// the d.ts), with the sentence the page shows before it is asked for one.
#[wasm_bindgen(unchecked_return_type = "RaisedBudget")]
pub fn history_raised_budget(kind: &str) -> Result<JsValue, JsError> {
    let usual = check_options(kind, false)?;
    let raised = check_options(kind, true)?;
    let words = raftsim_core::words::count;
    let sentence = format!(
        "A larger budget for this one check: {} model steps instead of {}, and {} for the search's tables instead of {}. \
         It may take minutes, and up to about {} of this tab's memory while it runs (a phone may not have it); \
         the memory is given back when the check ends or is cancelled.",
        words(raised.step_budget),
        words(usual.step_budget),
        binary_bytes(raised.memory_budget_bytes),
        binary_bytes(usual.memory_budget_bytes),
        binary_bytes(memo_bytes_max(raised.memory_budget_bytes)),
    );
    to_js(&RaisedBudget {
        step_budget: raised.step_budget,
        memory_budget_bytes: raised.memory_budget_bytes as u64,
        memory_bytes_max: memo_bytes_max(raised.memory_budget_bytes) as u64,
        sentence,
    })
}

/// What [`history_raised_budget`] answers.
#[derive(Serialize)]
struct RaisedBudget {
    step_budget: u64,
    memory_budget_bytes: u64,
    /// The most the search's tables may hold while it runs.
    memory_bytes_max: u64,
    sentence: String,
}

/// `128 MiB`, `1.5 GiB`: a budget in the units it is set in.
fn binary_bytes(bytes: usize) -> String {
    const MIB: usize = 1 << 20;
    const GIB: usize = 1 << 30;
    if bytes >= GIB {
        let tenths = bytes / (GIB / 10);
        if tenths % 10 == 0 {
            format!("{} GiB", tenths / 10)
        } else {
            format!("{}.{} GiB", tenths / 10, tenths % 10)
        }
    } else {
        format!("{} MiB", bytes / MIB)
    }
}

/// Seconds as the page shows a run's times: `1.2345 s`.
fn seconds(time_us: u64) -> String {
    raftsim_core::words::instant(time_us)
}

fn checked(
    operations: &[Operation],
    result: CheckResult,
    model: &'static str,
    time: &dyn Fn(u64) -> String,
) -> Checked {
    let sentence = result
        .counterexample
        .as_ref()
        .map(|counterexample: &Counterexample| counterexample_sentence(operations, counterexample, time));
    Checked { result, sentence, model, raised: false }
}

/// The worker's check of a run's history (JSON from [`Simulation::history_for_check`]) against
/// the key-value store, within the end-of-run budgets: the same answer the run's own
/// Linearizability check gives at its end.
/// With `raised`, the budgets of [`history_raised_budget`], for one check.
#[wasm_bindgen(unchecked_return_type = "CheckedHistory")]
pub fn check_run_history(operations_json: &str, raised: bool) -> Result<JsValue, JsError> {
    let operations: Vec<Operation> =
        serde_json::from_str(operations_json).map_err(|error| JsError::new(&format!("invalid history: {error}")))?;
    let result =
        lin::check(&Kv, &operations, check_options("run", raised)?).map_err(|problem| JsError::new(&problem))?;
    to_js(&Checked { raised, ..checked(&operations, result, "kv", &seconds) })
}

/// The worker's check of a history file: read (a bad file is refused with its line), then
/// checked against `model` ("register", "kv", or "" for the one its format implies) within
/// the page's memory budget and `raftsim check-history`'s step budget; with `raised`, the
/// budgets of [`history_raised_budget`], for one check.
#[wasm_bindgen(unchecked_return_type = "CheckedHistory")]
pub fn check_history_file(text: &str, model: &str, raised: bool) -> Result<JsValue, JsError> {
    let (format, operations) = parse_file(text).map_err(|problem| JsError::new(&problem))?;
    let options = check_options("file", raised)?;
    let line = |line: u64| format!("line {line}");
    let model = match (model, format) {
        ("register", _) | ("", Format::EtcdLog) => "register",
        ("kv", _) | ("", Format::KvEdn) => "kv",
        (other, _) => return Err(JsError::new(&format!("unknown model {other:?}: register or kv"))),
    };
    let result = match model {
        "register" => checked_file(&Register, &operations, options),
        _ => checked_file(&Kv, &operations, options),
    }?;
    to_js(&Checked { raised, ..checked(&operations, result, model, &line) })
}

/// A file's check against `model`; an operation the model cannot judge refuses the check with
/// its line and the model that can, in the page's words (the page's list of models, no flags).
fn checked_file<M: Model>(model: &M, operations: &[Operation], options: Options) -> Result<CheckResult, JsError> {
    if let Some((op, reason)) = operations.iter().find_map(|op| model.refuses(&op.call).map(|reason| (op, reason))) {
        let other = if model.name() == "register" { "key-value" } else { "register" };
        return Err(JsError::new(&format!(
            "line {}, {}: {reason}. Choose the {other} model to check this history.",
            op.invoke,
            op_label(op)
        )));
    }
    lin::check(model, operations, options).map_err(|problem| JsError::new(&problem))
}

/// The largest history file the page reads, in bytes.
#[wasm_bindgen]
pub fn history_file_bytes_max() -> f64 {
    FILE_BYTES_MAX as f64
}
