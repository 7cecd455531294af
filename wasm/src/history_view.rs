//! The client-history timeline's view: the one owner of what the timeline shows (the stretch of
//! the run's time or of a file's lines, following "now" or not, and how it zooms, scrolls and
//! is bounded) and of the run's counterexample to mark. The page holds a [`HistoryView`], sizes
//! its canvas, hands it pointer events and says which history it shows: the run's, or an opened
//! [`HistoryFile`].

use wasm_bindgen::prelude::*;
use web_sys::CanvasRenderingContext2d;

use crate::history::{marks_of, HistoryFile};
use crate::render::timeline::{self, CounterexampleOps, Window};
use crate::render::Pen;
use crate::simulation::Simulation;
use crate::to_js;

/// How much simulated time the timeline shows at first, following "now".
const SPAN_US_DEFAULT: f64 = 4_000_000.0;
/// The narrowest view of a run: a millisecond.
const SPAN_MIN_RUN_US: f64 = 1_000.0;
/// The narrowest view of a file: a few lines.
const SPAN_MIN_FILE_LINES: f64 = 4.0;
/// While following, "now" sits this share of the span before the right edge.
const FOLLOW_MARGIN_SHARE: f64 = 0.08;
/// A zoom that keeps this share of the span left of the pointer keeps following.
const FOLLOW_ZOOM_SHARE: f64 = 0.85;
/// Pixels a press may move and still be a click.
const CLICK_SLOP_PX: f64 = 3.0;
/// The wheel's delta is read up to this, and zooms by e per this much.
const WHEEL_DELTA_MAX: f64 = 200.0;
const WHEEL_DELTA_PER_E: f64 = 300.0;
/// A file's counterexample is shown at this many times its operations' extent, at least
/// [`COUNTEREXAMPLE_LINES_MIN`] lines.
const COUNTEREXAMPLE_ZOOM: f64 = 3.0;
const COUNTEREXAMPLE_LINES_MIN: f64 = 30.0;

/// A point on a canvas, in CSS pixels.
#[wasm_bindgen]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CanvasPoint {
    /// From the left edge.
    pub x: f64,
    /// From the top edge.
    pub y: f64,
}

/// Which history the timeline shows, and its extent.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Extent {
    file: bool,
    first: f64,
    last: f64,
    /// A run's time shown (a file has none).
    now: Option<f64>,
}

#[derive(Clone, Copy, Debug)]
struct Drag {
    x: f64,
    start: f64,
    moved: bool,
}

/// The client-history timeline's view.
#[wasm_bindgen]
pub struct HistoryView {
    start: f64,
    span: f64,
    following: bool,
    extent: Extent,
    width: f64,
    pixel_ratio: f64,
    drag: Option<Drag>,
    /// The run's counterexample, marked on its timeline (a file keeps its own).
    counterexample: CounterexampleOps,
}

impl Default for HistoryView {
    fn default() -> HistoryView {
        HistoryView::new()
    }
}

#[wasm_bindgen]
impl HistoryView {
    /// A view of the run's history, following "now".
    #[wasm_bindgen(constructor)]
    pub fn new() -> HistoryView {
        HistoryView {
            start: 0.0,
            span: SPAN_US_DEFAULT,
            following: true,
            extent: Extent { file: false, first: 0.0, last: 0.0, now: Some(0.0) },
            width: 1.0,
            pixel_ratio: 1.0,
            drag: None,
            counterexample: CounterexampleOps::default(),
        }
    }

    /// Shows the run's history from its start, following "now", with no counterexample.
    pub fn show_run(&mut self, simulation: &Simulation) {
        self.extent = run_extent(simulation);
        self.counterexample = CounterexampleOps::default();
        self.set_window(0.0, SPAN_US_DEFAULT, true);
    }

    /// Shows an opened file, whole.
    pub fn show_file(&mut self, file: &HistoryFile) {
        self.extent = file_extent(file);
        self.show_whole();
    }

    /// Marks a check's counterexample (the worker's result) on the run's timeline; `null`
    /// clears it.
    pub fn set_counterexample(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "CheckedHistory | null")] result: JsValue,
    ) -> Result<(), JsError> {
        self.counterexample = marks_of(result)?;
        Ok(())
    }

    /// The canvas's width in CSS pixels, and its device pixels per CSS pixel.
    pub fn resize(&mut self, width: f64, pixel_ratio: f64) {
        self.width = if width.is_finite() { width.max(1.0) } else { 1.0 };
        self.pixel_ratio = if pixel_ratio.is_finite() && pixel_ratio > 0.0 { pixel_ratio } else { 1.0 };
    }

    /// The canvas height the run's timeline needs, in CSS pixels.
    pub fn height_px_run(simulation: &Simulation) -> f64 {
        timeline::height_px(simulation.history_rows())
    }

    /// The canvas height a file's timeline needs, in CSS pixels.
    pub fn height_px_file(file: &HistoryFile) -> f64 {
        timeline::height_px(file.rows())
    }

    /// Draws the run's history on the canvas.
    pub fn draw_run(&mut self, simulation: &Simulation, context: &CanvasRenderingContext2d) {
        self.extent = run_extent(simulation);
        let height = HistoryView::height_px_run(simulation);
        let pen = Pen::begin(context, &simulation.dashes, self.width, height, self.pixel_ratio);
        simulation.draw_history_on(&pen, self.window(), &self.counterexample);
    }

    /// Draws an opened file's history on the canvas.
    pub fn draw_file(&mut self, file: &HistoryFile, context: &CanvasRenderingContext2d) {
        self.extent = file_extent(file);
        let pen = Pen::begin(context, file.dashes(), self.width, HistoryView::height_px_file(file), self.pixel_ratio);
        file.draw_on(&pen, self.window());
    }

    /// The run's operation under (`x`, `y`), or `null`.
    #[wasm_bindgen(unchecked_return_type = "PickedOperation | null")]
    pub fn op_at_run(&self, simulation: &Simulation, x: f64, y: f64) -> Result<JsValue, JsError> {
        to_js(&simulation.history_pick_at(self.window(), x, y, &self.counterexample))
    }

    /// A file's operation under (`x`, `y`), or `null`.
    #[wasm_bindgen(unchecked_return_type = "PickedOperation | null")]
    pub fn op_at_file(&self, file: &HistoryFile, x: f64, y: f64) -> Result<JsValue, JsError> {
        to_js(&file.pick_at(self.window(), x, y))
    }

    /// Where the run's operation `position` is drawn: a point inside its bar near its start
    /// (for the page's tests), or `undefined` when it is not in the history.
    pub fn op_point_run(&self, simulation: &Simulation, position: u32) -> Option<CanvasPoint> {
        let (x, y) = simulation.history_bar_point(position as usize, self.window())?;
        Some(CanvasPoint { x, y })
    }

    /// Where a file's operation `position` is drawn: a point inside its bar near its start
    /// (for the page's tests), or `undefined` when the file has no such operation.
    pub fn op_point_file(&self, file: &HistoryFile, position: u32) -> Option<CanvasPoint> {
        let (x, y) = file.bar_point(position as usize, self.window())?;
        Some(CanvasPoint { x, y })
    }

    /// The time (a run's µs, a file's line) at canvas x `x`.
    pub fn time_at(&self, x: f64) -> f64 {
        let window = self.window();
        let (start, end) = (self.start_shown(), self.start_shown() + self.span);
        start + window.fraction_at(x) * (end - start)
    }

    /// A turn of the wheel at canvas x `x`: zooms about it, `delta` down zooming out.
    pub fn wheel(&mut self, x: f64, delta: f64) {
        if !delta.is_finite() || delta == 0.0 {
            return;
        }
        let start = self.start_shown();
        let at = self.time_at(x);
        let factor = (delta.signum() * delta.abs().min(WHEEL_DELTA_MAX) / WHEEL_DELTA_PER_E).exp();
        let span = self.span * factor;
        let share = (at - start) / self.span;
        self.set_window(at - share * span, span, self.following && share > FOLLOW_ZOOM_SHARE);
    }

    /// The pointer went down at canvas x `x`.
    pub fn press(&mut self, x: f64) {
        self.drag = Some(Drag { x, start: self.start_shown(), moved: false });
    }

    /// The pointer moved to `x`: a press that moved past the slop scrolls. Whether a press is
    /// under way (the page then shows no tooltip).
    pub fn drag_to(&mut self, x: f64) -> bool {
        let Some(mut drag) = self.drag else { return false };
        let dx = x - drag.x;
        drag.moved |= dx.abs() > CLICK_SLOP_PX;
        self.drag = Some(drag);
        if drag.moved {
            let per_px = self.time_at(1.0) - self.time_at(0.0);
            self.set_window(drag.start - dx * per_px, self.span, false);
        }
        true
    }

    /// The pointer went up: whether it was a click (no drag).
    pub fn release(&mut self) -> bool {
        self.drag.take().is_some_and(|drag| !drag.moved)
    }

    /// A drag has moved the view.
    #[wasm_bindgen(getter)]
    pub fn dragging(&self) -> bool {
        self.drag.is_some_and(|drag| drag.moved)
    }

    /// Follows "now" (a run only), or stops following.
    pub fn toggle_follow(&mut self) {
        self.set_window(self.start_shown(), self.span, !self.following);
    }

    /// The whole history, with a little room at both ends.
    pub fn show_whole(&mut self) {
        let Extent { first, last, .. } = self.extent;
        let span = (last - first).max(self.span_min()) * 1.04;
        self.set_window(first - span * 0.02, span, false);
    }

    /// Centres the view on `time`, at the span shown.
    pub fn show_around(&mut self, time: f64) {
        self.set_window(time - self.span / 2.0, self.span, false);
    }

    /// Shows the stretch from `first` to `last` (a file's counterexample) with room around it.
    pub fn show_between(&mut self, first: f64, last: f64) {
        let span = ((last - first) * COUNTEREXAMPLE_ZOOM).max(COUNTEREXAMPLE_LINES_MIN);
        self.set_window(first - (span - (last - first)) / 2.0, span, false);
    }

    /// Where the view starts (a run's µs, a file's line).
    #[wasm_bindgen(getter)]
    pub fn start(&self) -> f64 {
        self.start_shown()
    }
    /// Where the view ends.
    #[wasm_bindgen(getter)]
    pub fn end(&self) -> f64 {
        self.start_shown() + self.span
    }
    /// Whether the view follows "now".
    #[wasm_bindgen(getter)]
    pub fn following(&self) -> bool {
        self.following
    }
}

impl HistoryView {
    fn span_min(&self) -> f64 {
        if self.extent.file {
            SPAN_MIN_FILE_LINES
        } else {
            SPAN_MIN_RUN_US
        }
    }

    /// The start shown: while following, "now" sits near the right edge.
    fn start_shown(&self) -> f64 {
        match self.extent.now {
            Some(now) if self.following => (now + self.span * FOLLOW_MARGIN_SHARE).max(self.span) - self.span,
            _ => self.start,
        }
    }

    fn window(&self) -> Window {
        let start = self.start_shown();
        Window::new(start, start + self.span, self.width)
    }

    /// Sets the view, bounded: the span between the narrowest and a little more than the whole
    /// history, the start so that at least half the view holds history.
    fn set_window(&mut self, start: f64, span: f64, following: bool) {
        let Extent { first, last, file, .. } = self.extent;
        let span_min = self.span_min();
        let span = if span.is_finite() { span } else { self.span };
        self.span = span.min((last - first) * 1.1 + span_min).max(span_min);
        let start = if start.is_finite() { start } else { first };
        self.start = start.min(last - self.span * 0.5).max(first - self.span * 0.05);
        self.following = following && !file;
    }
}

fn run_extent(simulation: &Simulation) -> Extent {
    let (run_us, now_us) = simulation.run_and_now_us();
    Extent { file: false, first: 0.0, last: now_us.max(run_us) as f64, now: Some(now_us as f64) }
}

fn file_extent(file: &HistoryFile) -> Extent {
    Extent { file: true, first: file.start(), last: file.end(), now: None }
}
