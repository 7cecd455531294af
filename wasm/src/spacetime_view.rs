//! The space-time diagram's view: the one owner of what the diagram shows (the window of time,
//! following the clock or where the person scrolled and zoomed, the span chosen by itself from
//! the traffic or by the person) and of what it drew. The page holds a [`SpacetimeView`], sizes
//! its canvas and hands it pointer events; the window's rules live here, beside the drawing.

use raftsim_core::words;
use wasm_bindgen::prelude::*;
use web_sys::CanvasRenderingContext2d;

use crate::render::spacetime::{self, Drawn, Frame, Window};
use crate::render::Pen;
use crate::simulation::Simulation;

/// Pixels a pointer may move between press and release and still be a click, not a drag.
const CLICK_SLOP_PX: f64 = 4.0;
/// How much the zoom buttons zoom.
const ZOOM_BUTTON_FACTOR: f64 = 2.0;
/// How much a notch of the wheel (with Ctrl) zooms.
const ZOOM_WHEEL_FACTOR: f64 = 1.25;
/// Pixels a wheel scrolls per line, for a wheel that counts lines.
const WHEEL_LINE_PX: f64 = 16.0;
/// While playing, the window chosen by itself spans at least this much wall time at the speed
/// played, so that an arrow stays in view long enough to be seen.
const WALL_SPAN_PLAYING_US: f64 = 2_000_000.0;
/// The window while playing as fast as it goes (the clock races: any window flashes by).
const SPAN_FASTEST_US: u64 = 5_000_000;

/// A press of the pointer: where, and the window's start then.
#[derive(Clone, Copy, Debug)]
struct Press {
    y: f64,
    start_us: u64,
    dragging: bool,
}

/// The space-time diagram's view of the run on screen.
#[wasm_bindgen]
pub struct SpacetimeView {
    /// The window as last fitted to the run.
    window: Window,
    /// The window follows the clock (it is placed around the time shown at each drawing).
    following: bool,
    /// The span is chosen by itself from the recent traffic (the person has not zoomed).
    span_auto: bool,
    width: f64,
    height: f64,
    pixel_ratio: f64,
    /// Simulated seconds per wall second while playing; 0 paused, infinite as fast as it goes.
    speed: f64,
    press: Option<Press>,
    drawn: Drawn,
    now_us: u64,
}

impl Default for SpacetimeView {
    fn default() -> SpacetimeView {
        SpacetimeView::new()
    }
}

#[wasm_bindgen]
impl SpacetimeView {
    /// A view following the clock at the span the traffic asks for.
    #[wasm_bindgen(constructor)]
    pub fn new() -> SpacetimeView {
        SpacetimeView {
            window: Window { start_us: 0, span_us: spacetime::SPAN_US_DEFAULT },
            following: true,
            span_auto: true,
            width: 1.0,
            height: 1.0,
            pixel_ratio: 1.0,
            speed: 0.0,
            press: None,
            drawn: Drawn::default(),
            now_us: 0,
        }
    }

    /// The canvas's size in CSS pixels, and its device pixels per CSS pixel.
    pub fn resize(&mut self, width: f64, height: f64, pixel_ratio: f64) {
        self.width = if width.is_finite() { width.max(1.0) } else { 1.0 };
        self.height = if height.is_finite() { height.max(1.0) } else { 1.0 };
        self.pixel_ratio = if pixel_ratio.is_finite() && pixel_ratio > 0.0 { pixel_ratio } else { 1.0 };
    }

    /// How fast the run plays: simulated seconds per wall second, 0 when paused or counted in
    /// events, `Infinity` as fast as it goes. The span chosen by itself stays in view long
    /// enough at that speed.
    pub fn set_speed(&mut self, speed: f64) {
        self.speed = if speed.is_nan() || speed < 0.0 { 0.0 } else { speed };
    }

    /// Back to the live view: following the clock at the span the engine picks for the traffic.
    pub fn follow_live(&mut self) {
        self.following = true;
        self.span_auto = true;
    }

    /// Follows the clock again, at the span shown (the run started playing).
    pub fn follow_clock(&mut self) {
        self.following = true;
    }

    /// The whole run in one window.
    pub fn show_whole_run(&mut self, simulation: &Simulation) {
        let (run_us, _) = simulation.run_and_now_us();
        self.following = false;
        self.span_auto = false;
        self.window = Window { start_us: 0, span_us: run_us.max(spacetime::SPAN_US_MIN) };
    }

    /// Shows the window from `start_us` spanning `span_us` (fitted to the run at the next
    /// drawing), no longer following the clock nor choosing the span by itself.
    pub fn show_window(&mut self, start_us: f64, span_us: f64) {
        self.following = false;
        self.span_auto = false;
        let whole = |value: f64| if value.is_finite() { value.max(0.0) as u64 } else { 0 };
        self.window = Window { start_us: whole(start_us), span_us: whole(span_us).max(spacetime::SPAN_US_MIN) };
    }

    /// Draws the diagram of `simulation` on its canvas, the window fitted to the run first.
    pub fn draw(&mut self, simulation: &Simulation, context: &CanvasRenderingContext2d) {
        if self.span_auto {
            let least_us = self.span_playing_us();
            self.window.span_us = spacetime::span_us_auto(
                simulation.record(),
                simulation.session.world().parameters(),
                simulation.run_and_now_us().1,
                least_us,
            );
        }
        let frame = self.frame(simulation, self.following);
        self.window = frame.window;
        let pen = Pen::begin(context, &simulation.dashes, self.width, self.height, self.pixel_ratio);
        let moment = simulation.moment();
        self.drawn = spacetime::draw(&pen, simulation.session.world(), simulation.record(), &frame, moment);
        self.now_us = moment.now_us;
    }

    /// The simulated time at height `y` of the canvas.
    pub fn time_at(&self, y: f64) -> f64 {
        self.time_at_us(y, self.window.start_us) as f64
    }

    /// What is at (`x`, `y`) on the diagram, in words (a mark or a message), or `undefined`.
    pub fn pick(&self, simulation: &Simulation, x: f64, y: f64) -> Option<String> {
        let frame = Frame::new(simulation.record().nodes(), self.width, self.height, self.window);
        spacetime::pick(simulation.record(), &frame, simulation.moment().frontier_us, (x, y))
    }

    /// Zooms in one step (the button), about the middle.
    pub fn zoom_in(&mut self, simulation: &Simulation) {
        self.zoom(simulation, 1.0 / ZOOM_BUTTON_FACTOR, self.height / 2.0);
    }

    /// Zooms out one step (the button), about the middle.
    pub fn zoom_out(&mut self, simulation: &Simulation) {
        self.zoom(simulation, ZOOM_BUTTON_FACTOR, self.height / 2.0);
    }

    /// A turn of the wheel at height `y`: `delta` pixels (or lines, with `lines`) down; with
    /// `zooming` (Ctrl or ⌘ held) it zooms about `y`, otherwise it scrolls.
    pub fn wheel(&mut self, simulation: &Simulation, y: f64, delta: f64, lines: bool, zooming: bool) {
        if !delta.is_finite() || delta == 0.0 {
            return;
        }
        if zooming {
            let factor = if delta > 0.0 { ZOOM_WHEEL_FACTOR } else { 1.0 / ZOOM_WHEEL_FACTOR };
            self.zoom(simulation, factor, y);
            return;
        }
        let pixels = if lines { delta * WHEEL_LINE_PX } else { delta };
        let middle = self.height / 2.0;
        let start_us = self.window.start_us;
        let moved_us = self.time_at_us(middle + pixels, start_us) as f64 - self.time_at_us(middle, start_us) as f64;
        self.scroll_to(start_us as f64 + moved_us);
    }

    /// The pointer went down at height `y`.
    pub fn press(&mut self, y: f64) {
        self.press = Some(Press { y, start_us: self.window.start_us, dragging: false });
    }

    /// The pointer moved to height `y`; a press that moved past the click slop drags the window.
    /// Returns whether a drag is under way.
    pub fn drag_to(&mut self, y: f64) -> bool {
        let Some(mut press) = self.press else { return false };
        if (y - press.y).abs() > CLICK_SLOP_PX {
            press.dragging = true;
            self.press = Some(press);
            let moved_us = self.time_at_us(press.y, press.start_us) as f64 - self.time_at_us(y, press.start_us) as f64;
            self.scroll_to(press.start_us as f64 + moved_us);
        }
        press.dragging
    }

    /// The pointer went up at height `y`: for a click (not a drag), the time to go to, and the
    /// window stops following; `undefined` after a drag or without a press.
    pub fn release(&mut self, y: f64) -> Option<f64> {
        let press = self.press.take()?;
        if press.dragging {
            return None;
        }
        self.following = false;
        Some(self.time_at(y))
    }

    /// The press ended without a release (the pointer was cancelled).
    pub fn cancel_press(&mut self) {
        self.press = None;
    }

    /// Where the window starts, µs.
    #[wasm_bindgen(getter)]
    pub fn start_us(&self) -> f64 {
        self.window.start_us as f64
    }
    /// How much time the window spans, µs.
    #[wasm_bindgen(getter)]
    pub fn span_us(&self) -> f64 {
        self.window.span_us as f64
    }
    /// Where the window ends, µs.
    #[wasm_bindgen(getter)]
    pub fn end_us(&self) -> f64 {
        self.window.end_us() as f64
    }
    /// Whether the window follows the clock.
    #[wasm_bindgen(getter)]
    pub fn following(&self) -> bool {
        self.following
    }
    /// Whether the span is the one chosen by itself from the traffic.
    #[wasm_bindgen(getter)]
    pub fn span_auto(&self) -> bool {
        self.span_auto
    }
    /// A drag is under way.
    #[wasm_bindgen(getter)]
    pub fn dragging(&self) -> bool {
        self.press.is_some_and(|press| press.dragging)
    }
    /// The time shown at the last drawing, µs.
    #[wasm_bindgen(getter)]
    pub fn now_us(&self) -> f64 {
        self.now_us as f64
    }
    /// The canvas's width in CSS pixels.
    #[wasm_bindgen(getter)]
    pub fn width(&self) -> f64 {
        self.width
    }
    /// The canvas's height in CSS pixels.
    #[wasm_bindgen(getter)]
    pub fn height(&self) -> f64 {
        self.height
    }
    /// Messages the last drawing drew as arrows.
    #[wasm_bindgen(getter)]
    pub fn arrows(&self) -> u32 {
        self.drawn.arrows as u32
    }
    /// Marks the last drawing drew.
    #[wasm_bindgen(getter)]
    pub fn marks(&self) -> u32 {
        self.drawn.marks as u32
    }
    /// Messages in the window at the last drawing, drawn or not.
    #[wasm_bindgen(getter)]
    pub fn in_view(&self) -> u32 {
        self.drawn.in_view as u32
    }
    /// The window held too many messages to draw one by one.
    #[wasm_bindgen(getter)]
    pub fn crowded(&self) -> bool {
        self.drawn.crowded
    }
    /// The panel's summary of the last drawing: `1.2000 s to 3.2000 s · 140 messages`.
    #[wasm_bindgen(getter)]
    pub fn summary(&self) -> String {
        let drawn = self.drawn;
        let in_view = drawn.in_view as u64;
        let what = match (drawn.crowded, drawn.arrows) {
            (false, arrows) => words::counted(arrows as u64, "message", "messages"),
            (true, 1..) => format!("{} messages, elections only drawn", words::count(in_view)),
            (true, 0) => format!("{} messages, too many to draw", words::count(in_view)),
        };
        format!("{} to {} · {what}", words::instant(self.window.start_us), words::instant(self.window.end_us()))
    }
}

impl SpacetimeView {
    /// The least span the window chosen by itself may have: some wall time at the speed played.
    fn span_playing_us(&self) -> u64 {
        if self.speed.is_infinite() {
            SPAN_FASTEST_US
        } else {
            (self.speed * WALL_SPAN_PLAYING_US) as u64
        }
    }

    /// The frame of the window asked for, fitted to the run (placed around the time shown while
    /// `following`).
    fn frame(&self, simulation: &Simulation, following: bool) -> Frame {
        let (run_us, now_us) = simulation.run_and_now_us();
        let window = Window::fit(self.window.start_us as f64, self.window.span_us as f64, following, now_us, run_us);
        Frame::new(simulation.record().nodes(), self.width, self.height, window)
    }

    /// The time at height `y` of a window starting at `start_us` (of the current span).
    fn time_at_us(&self, y: f64, start_us: u64) -> u64 {
        let window = Window { start_us, span_us: self.window.span_us.max(1) };
        Frame::new(1, self.width, self.height, window).time_at(y)
    }

    /// Moves the window to start at `start_us` (no longer following the clock).
    fn scroll_to(&mut self, start_us: f64) {
        self.following = false;
        self.window.start_us = if start_us.is_finite() { start_us.max(0.0) as u64 } else { 0 };
    }

    /// Zooms by `factor` (above 1: out) keeping the time at height `y` where it is.
    fn zoom(&mut self, simulation: &Simulation, factor: f64, y: f64) {
        let anchor_us = self.time_at_us(y, self.window.start_us) as f64;
        let share = (anchor_us - self.window.start_us as f64) / self.window.span_us as f64;
        let (run_us, now_us) = simulation.run_and_now_us();
        let span_wanted_us = self.window.span_us as f64 * factor;
        let span_us = Window::fit(self.window.start_us as f64, span_wanted_us, false, now_us, run_us).span_us;
        self.window.span_us = span_us;
        self.span_auto = false;
        if !self.following {
            self.window.start_us = (anchor_us - share * span_us as f64).max(0.0) as u64;
        }
    }
}
