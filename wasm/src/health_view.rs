//! The health strip's view: the one owner of where its time axis lies (the page measures the
//! scrubber's track and says where it is), which stretch it shades (the space-time diagram's
//! window) and what it drew. The page holds a [`HealthView`], sizes its canvas and hands it
//! pointer positions.

use wasm_bindgen::prelude::*;
use web_sys::CanvasRenderingContext2d;

use crate::render::plots::{self, Strip, StripMoments};
use crate::render::spacetime::Window;
use crate::render::Pen;
use crate::simulation::Simulation;
use crate::spacetime_view::SpacetimeView;

/// The health strip's view of the run on screen.
#[wasm_bindgen]
pub struct HealthView {
    width: f64,
    pixel_ratio: f64,
    /// Where the time axis starts and ends on the canvas, as the page measured it (`NaN`: not
    /// measured; the strip then places it itself).
    axis_left: f64,
    axis_right: f64,
    /// The space-time diagram's window, shaded; `None` while that panel is closed.
    shaded: Option<Window>,
    drawn: plots::Drawn,
}

impl Default for HealthView {
    fn default() -> HealthView {
        HealthView::new()
    }
}

#[wasm_bindgen]
impl HealthView {
    /// A view whose axis the strip places itself until the page measures it.
    #[wasm_bindgen(constructor)]
    pub fn new() -> HealthView {
        HealthView {
            width: 1.0,
            pixel_ratio: 1.0,
            axis_left: f64::NAN,
            axis_right: f64::NAN,
            shaded: None,
            drawn: plots::Drawn::default(),
        }
    }

    /// The strip's height in CSS pixels (its width is the page's).
    pub fn height_px() -> f64 {
        plots::height_px()
    }

    /// The canvas's width in CSS pixels, and its device pixels per CSS pixel.
    pub fn resize(&mut self, width: f64, pixel_ratio: f64) {
        self.width = if width.is_finite() { width.max(1.0) } else { 1.0 };
        self.pixel_ratio = if pixel_ratio.is_finite() && pixel_ratio > 0.0 { pixel_ratio } else { 1.0 };
    }

    /// Where the time axis runs on the canvas, from `left` to `right` CSS pixels (under the
    /// scrubber's track); `NaN`s when the track is not in view.
    pub fn set_axis(&mut self, left: f64, right: f64) {
        self.axis_left = left;
        self.axis_right = right;
    }

    /// Shades the space-time diagram's window.
    pub fn shade(&mut self, diagram: &SpacetimeView) {
        self.shaded = Some(Window { start_us: diagram.start_us() as u64, span_us: (diagram.span_us() as u64).max(1) });
    }

    /// Shades nothing (the diagram's panel is closed).
    pub fn unshade(&mut self) {
        self.shaded = None;
    }

    /// Draws the strip of `simulation` on its canvas.
    pub fn draw(&mut self, simulation: &Simulation, context: &CanvasRenderingContext2d) {
        let strip = self.strip(simulation);
        let pen = Pen::begin(context, &simulation.dashes, self.width, plots::height_px(), self.pixel_ratio);
        let moment = simulation.moment();
        let moments = StripMoments {
            now_us: moment.now_us,
            frontier_us: moment.frontier_us,
            heal_us: moment.heal_us,
            window: self.shaded,
        };
        self.drawn = plots::draw(&pen, simulation.record(), &strip, moments);
    }

    /// The simulated time at `x` on the canvas (clamped to the run).
    pub fn time_at(&self, simulation: &Simulation, x: f64) -> f64 {
        self.strip(simulation).time_at(x) as f64
    }

    /// What the strip shows at `x`, in words, or `undefined` past what has been run.
    pub fn words_at(&self, simulation: &Simulation, x: f64) -> Option<String> {
        let strip = self.strip(simulation);
        plots::words_at(simulation.record(), &strip, strip.time_at(x), simulation.moment().frontier_us)
    }

    /// Bins of rates the last drawing drew.
    #[wasm_bindgen(getter)]
    pub fn bins(&self) -> u32 {
        self.drawn.bins as u32
    }
    /// Stretches of one leader (or none) the last drawing drew.
    #[wasm_bindgen(getter)]
    pub fn leader_spans(&self) -> u32 {
        self.drawn.leader_spans as u32
    }
    /// Time without a leader the last drawing showed, µs.
    #[wasm_bindgen(getter)]
    pub fn leaderless_us(&self) -> f64 {
        self.drawn.leaderless_us as f64
    }
    /// Where the page put the axis's start (`NaN`: not measured).
    #[wasm_bindgen(getter)]
    pub fn axis_left(&self) -> f64 {
        self.axis_left
    }
    /// Where the page put the axis's end (`NaN`: not measured).
    #[wasm_bindgen(getter)]
    pub fn axis_right(&self) -> f64 {
        self.axis_right
    }
}

impl HealthView {
    fn strip(&self, simulation: &Simulation) -> Strip {
        let (run_us, _) = simulation.run_and_now_us();
        Strip::new(self.width, self.axis_left, self.axis_right, run_us)
    }
}
