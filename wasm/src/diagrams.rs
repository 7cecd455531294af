//! The handle's side of the space-time diagram and the health strip: drawing them from the
//! session's record, what is under the pointer, the time at a point (for seeking), and small
//! views of the record for the page's tests. JS only sizes the canvases, keeps the window the
//! person scrolled or zoomed to, and turns pointer events into these calls.

use raftsim_core::explore::record::{Change, Fate, Record, HELD_END_US};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use web_sys::CanvasRenderingContext2d;

use crate::render::plots::{self, Marks, Strip};
use crate::render::spacetime::{self, Frame, Moment, Window};
use crate::render::Pen;
use crate::simulation::Simulation;
use crate::to_js;

/// Rows the test views return at most.
const VIEW_ROWS_MAX: usize = 5_000;
/// Bins of the health view the tests read.
const VIEW_BINS: usize = 100;

impl Simulation {
    fn record(&self) -> &Record {
        self.session.record().expect("the page's session keeps a record")
    }

    fn moment(&self) -> Moment {
        let simulation = self.session.world();
        let now_us = simulation.now_us();
        Moment {
            now_us,
            frontier_us: self.session.frontier().1.max(now_us),
            heal_us: simulation.scenario().phases.safety_us,
        }
    }

    fn frame(&self, width: f64, height: f64, start_us: f64, span_us: f64, follow: bool) -> Frame {
        let simulation = self.session.world();
        let window = Window::fit(start_us, span_us, follow, simulation.now_us(), simulation.scenario().run_us());
        Frame::new(simulation.scenario().nodes, width, height, window)
    }

    fn strip(&self, width: f64, left: f64, right: f64) -> Strip {
        Strip::new(width, left, right, self.session.world().scenario().run_us())
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
struct HealthView {
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
    /// Draws the space-time diagram on a canvas `width` × `height` CSS pixels, for the window
    /// from `start_us` spanning `span_us` (with `follow`, placed around the time shown; the
    /// engine keeps it inside the run). Returns what it drew: `[start_us, span_us, arrows,
    /// marks, messages in the window, crowded (1) or not (0)]`.
    #[allow(clippy::too_many_arguments)]
    pub fn draw_spacetime(
        &self,
        context: &CanvasRenderingContext2d,
        width: f64,
        height: f64,
        pixel_ratio: f64,
        start_us: f64,
        span_us: f64,
        follow: bool,
    ) -> Vec<f64> {
        let frame = self.frame(width, height, start_us, span_us, follow);
        let pen = Pen::begin(context, &self.dashes, width, height, pixel_ratio);
        let drawn = spacetime::draw(&pen, self.session.world(), self.record(), &frame, self.moment());
        let window = frame.window;
        let counts = [drawn.arrows, drawn.marks, drawn.in_view].map(|count| count as f64);
        vec![
            window.start_us as f64,
            window.span_us as f64,
            counts[0],
            counts[1],
            counts[2],
            f64::from(u8::from(drawn.crowded)),
        ]
    }

    /// The time the diagram shows while the person has not zoomed: a round span holding
    /// about 150 messages at the recent traffic, and at least `min_us` (see
    /// `render::spacetime::span_us_auto`).
    pub fn spacetime_span_auto(&self, min_us: f64) -> f64 {
        let simulation = self.session.world();
        let min_us = if min_us.is_finite() && min_us > 0.0 { min_us as u64 } else { 0 };
        spacetime::span_us_auto(self.record(), simulation.parameters(), simulation.now_us(), min_us) as f64
    }

    /// The window the diagram shows for what the page asks: `[start_us, span_us]`.
    pub fn spacetime_window(&self, start_us: f64, span_us: f64, follow: bool) -> Vec<f64> {
        let window = self.frame(1.0, 1.0, start_us, span_us, follow).window;
        vec![window.start_us as f64, window.span_us as f64]
    }

    /// The simulated time at height `y` of a diagram `height` tall showing the window from
    /// `start_us` spanning `span_us`.
    pub fn spacetime_time_at(&self, y: f64, height: f64, start_us: f64, span_us: f64) -> f64 {
        self.frame(100.0, height, start_us, span_us, false).time_at(y) as f64
    }

    /// What is at (`x`, `y`) on the diagram, in words (a mark or a message), or `null`.
    pub fn spacetime_pick(
        &self,
        x: f64,
        y: f64,
        width: f64,
        height: f64,
        start_us: f64,
        span_us: f64,
    ) -> Option<String> {
        let frame = self.frame(width, height, start_us, span_us, false);
        spacetime::pick(self.record(), &frame, self.moment().frontier_us, (x, y))
    }

    /// The messages recorded in `from_us..=to_us` (sent in it, or on their way when it
    /// starts), at most 5,000: `[{id, from, to, kind, sent_us, end_us, fate, duplicated}]`.
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

    /// Draws the health strip on a canvas `width` CSS pixels wide (see `health_height`), its
    /// time axis from `left` to `right`, shading the diagram's window (`NaN`: none). Returns
    /// `[bins, leader spans, time without a leader in µs]`.
    #[allow(clippy::too_many_arguments)]
    pub fn draw_health(
        &self,
        context: &CanvasRenderingContext2d,
        width: f64,
        pixel_ratio: f64,
        left: f64,
        right: f64,
        window_start_us: f64,
        window_span_us: f64,
    ) -> Vec<f64> {
        let strip = self.strip(width, left, right);
        let pen = Pen::begin(context, &self.dashes, width, plots::height_px(), pixel_ratio);
        let moment = self.moment();
        let window = (window_start_us.is_finite() && window_span_us.is_finite())
            .then(|| Window { start_us: window_start_us.max(0.0) as u64, span_us: window_span_us.max(1.0) as u64 });
        let marks = Marks { now_us: moment.now_us, frontier_us: moment.frontier_us, heal_us: moment.heal_us, window };
        let drawn = plots::draw(&pen, self.record(), &strip, marks);
        vec![drawn.bins as f64, drawn.leader_spans as f64, drawn.leaderless_us as f64]
    }

    /// The simulated time at `x` on a health strip `width` wide whose axis runs from `left`
    /// to `right`.
    pub fn health_time_at(&self, x: f64, width: f64, left: f64, right: f64) -> f64 {
        self.strip(width, left, right).time_at(x) as f64
    }

    /// What the health strip shows at `x`, in words, or `null` past what has been run.
    pub fn health_words_at(&self, x: f64, width: f64, left: f64, right: f64) -> Option<String> {
        let strip = self.strip(width, left, right);
        plots::words_at(self.record(), &strip, strip.time_at(x), self.moment().frontier_us)
    }

    /// The health strip's data for the page's tests: the leader over the explored run, the
    /// samples kept, and 100 bins of rates.
    pub fn health_view(&self) -> Result<JsValue, JsError> {
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
        to_js(&HealthView { leaders, samples: samples.list().len(), period_us: samples.period_us(), bins })
    }
}

/// The health strip's height in CSS pixels.
#[wasm_bindgen]
pub fn health_height() -> f64 {
    plots::height_px()
}
