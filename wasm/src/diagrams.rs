//! The record the space-time diagram and the health strip draw (their views are
//! `spacetime_view.rs` and `health_view.rs`), and small views of it for the page's tests.

use raftsim_core::explore::record::{Change, Fate, Record, HELD_END_US};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::render::plots;
use crate::render::spacetime::Moment;
use crate::simulation::Simulation;
use crate::to_js;

/// Rows the test views return at most.
const VIEW_ROWS_MAX: usize = 5_000;
/// Bins of the health view the tests read.
const VIEW_BINS: usize = 100;

impl Simulation {
    pub(crate) fn record(&self) -> &Record {
        self.session.record().expect("the page's session keeps a record")
    }

    pub(crate) fn moment(&self) -> Moment {
        let simulation = self.session.world();
        let now_us = simulation.now_us();
        Moment {
            now_us,
            frontier_us: self.session.frontier().1.max(now_us),
            heal_us: simulation.scenario().phases.safety_us,
        }
    }

    /// The run's length, and the time shown now.
    pub(crate) fn run_and_now_us(&self) -> (u64, u64) {
        let simulation = self.session.world();
        (simulation.scenario().run_us(), simulation.now_us())
    }
}

/// A message as the tests see it.
#[derive(Serialize)]
struct ArrowRow {
    id: u64,
    from: u32,
    to: u32,
    kind: &'static str,
    sent_us: u64,
    /// `None` while held.
    end_us: Option<u64>,
    fate: &'static str,
    duplicated: bool,
}

/// A mark as the tests see it.
#[derive(Serialize)]
struct MarkRow {
    node: u32,
    time_us: u64,
    change: &'static str,
    role: &'static str,
    term: u64,
    running: bool,
}

/// A leader span as the tests see it.
#[derive(Serialize)]
struct LeaderRow {
    from_us: u64,
    to_us: u64,
    /// 0: no leader.
    leader: u32,
    term: u64,
}

/// A bin of the health plots as the tests see it.
#[derive(Serialize)]
struct BinRow {
    from_us: u64,
    to_us: u64,
    commit_index: u64,
    ops_ok: u64,
    ops_failed: u64,
    ops_unknown: u64,
    sent: u64,
    lost: u64,
    p50_us: Option<u64>,
    p99_us: Option<u64>,
}

#[derive(Serialize)]
struct HealthRows {
    leaders: Vec<LeaderRow>,
    samples: usize,
    period_us: u64,
    bins: Vec<BinRow>,
}

fn fate_name(fate: Fate) -> &'static str {
    match fate {
        Fate::Flying => "flying",
        Fate::Held => "held",
        Fate::Delivered => "delivered",
        Fate::Lost(raftsim_core::sim::LossCause::Network) => "dropped",
        Fate::Lost(raftsim_core::sim::LossCause::Cut) => "lost_cut",
        Fate::Lost(raftsim_core::sim::LossCause::Down) => "lost_down",
    }
}

fn change_name(change: Change) -> &'static str {
    match change {
        Change::Role => "role",
        Change::Crashed => "crashed",
        Change::Restarted => "restarted",
        Change::Paused => "paused",
        Change::Resumed => "resumed",
    }
}

#[wasm_bindgen]
impl Simulation {
    /// The messages recorded in `from_us..=to_us` (sent in it, or on their way when it
    /// starts), at most 5,000: `[{id, from, to, kind, sent_us, end_us, fate, duplicated}]`.
    #[wasm_bindgen(unchecked_return_type = "ArrowRow[]")]
    pub fn spacetime_arrows(&self, from_us: f64, to_us: f64) -> Result<JsValue, JsError> {
        let (from_us, to_us) = (from_us.max(0.0) as u64, to_us.max(0.0) as u64);
        let arrows = self.record().arrows();
        let rows: Vec<ArrowRow> = arrows
            .in_window(from_us, to_us)
            .into_iter()
            .take(VIEW_ROWS_MAX)
            .map(|position| {
                let arrow = arrows.at(position);
                ArrowRow {
                    id: arrows.id_at(position),
                    from: arrow.from(),
                    to: arrow.to(),
                    kind: arrow.look.kind.name(),
                    sent_us: arrow.sent_us,
                    end_us: (arrow.end_us != HELD_END_US).then_some(arrow.end_us),
                    fate: fate_name(arrow.fate),
                    duplicated: arrow.duplicated,
                }
            })
            .collect();
        to_js(&rows)
    }

    /// The marks recorded in `from_us..=to_us`, node by node: `[{node, time_us, change, role,
    /// term, running}]`.
    #[wasm_bindgen(unchecked_return_type = "MarkRow[]")]
    pub fn spacetime_marks(&self, from_us: f64, to_us: f64) -> Result<JsValue, JsError> {
        let (from_us, to_us) = (from_us.max(0.0) as u64, to_us.max(0.0) as u64);
        let record = self.record();
        let rows: Vec<MarkRow> = (1..=record.nodes())
            .flat_map(|node| {
                record.marks_in(node, from_us, to_us).iter().map(move |mark| MarkRow {
                    node,
                    time_us: mark.time_us,
                    change: change_name(mark.change),
                    role: mark.state.role.name(),
                    term: mark.state.term,
                    running: mark.state.running,
                })
            })
            .take(VIEW_ROWS_MAX)
            .collect();
        to_js(&rows)
    }

    /// The health strip's data for the page's tests: the leader over the explored run, the
    /// samples kept, and 100 bins of rates.
    #[wasm_bindgen(unchecked_return_type = "HealthRows")]
    pub fn health_rows(&self) -> Result<JsValue, JsError> {
        let record = self.record();
        let frontier_us = self.moment().frontier_us;
        let spans = record.leaders_in(0, frontier_us);
        let leaders = spans
            .iter()
            .enumerate()
            .map(|(index, span)| LeaderRow {
                from_us: span.from_us,
                to_us: spans.get(index + 1).map_or(frontier_us, |next| next.from_us),
                leader: span.leader.map_or(0, |(id, _)| id),
                term: span.leader.map_or(0, |(_, term)| term),
            })
            .collect();
        let run_us = self.session.world().scenario().run_us();
        let bins = plots::bins(record.samples().list(), run_us, VIEW_BINS)
            .into_iter()
            .map(|bin| BinRow {
                from_us: bin.from_us,
                to_us: bin.to_us,
                commit_index: bin.interval.commit_index,
                ops_ok: bin.interval.ops[0],
                ops_failed: bin.interval.ops[1],
                ops_unknown: bin.interval.ops[2],
                sent: bin.interval.sent.iter().sum(),
                lost: bin.interval.lost.iter().sum(),
                p50_us: bin.interval.latency_us(500),
                p99_us: bin.interval.latency_us(990),
            })
            .collect();
        let samples = record.samples();
        to_js(&HealthRows { leaders, samples: samples.list().len(), period_us: samples.period_us(), bins })
    }
}
