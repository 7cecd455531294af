//! The canvases the page shows, drawn from Rust through web-sys: the ring of nodes with the
//! messages in flight (`ring`), the per-node log strips (`logs`) and the legend's swatches
//! (`glyphs`). Drawing here, straight from the simulation, spares the frame loop a whole view
//! serialised to JS every frame; JS only sizes the canvases and says when to draw.
//!
//! Everything is drawn in CSS pixels: [`Pen::begin`] scales by the device pixel ratio.

pub mod glyphs;
pub mod layout;
pub mod logs;
pub mod palette;
pub mod plots;
pub mod ring;
pub mod spacetime;
pub mod timeline;

use wasm_bindgen::JsValue;
use web_sys::CanvasRenderingContext2d;

use layout::Point;

/// What the page has selected or points at; the renderer highlights it.
#[derive(Clone, Debug, Default)]
pub struct Highlight {
    /// The node the inspector shows.
    pub selected: Option<raftsim_core::raft::NodeId>,
    /// What the pointer is over.
    pub hover: Option<layout::Pick>,
}

/// Dash patterns, built once: each is a JS array, and building one per stroke would allocate
/// on the JS heap every frame.
pub struct Dashes {
    solid: JsValue,
    dashed: JsValue,
    dotted: JsValue,
}

impl Dashes {
    pub fn new() -> Dashes {
        let array = |segments: &[f64]| -> JsValue {
            let array = js_sys::Array::new();
            for &segment in segments {
                array.push(&JsValue::from_f64(segment));
            }
            array.into()
        };
        Dashes { solid: array(&[]), dashed: array(&[6.0, 4.0]), dotted: array(&[2.0, 3.0]) }
    }
}

impl Default for Dashes {
    fn default() -> Self {
        Dashes::new()
    }
}

/// A line style.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dash {
    Solid,
    Dashed,
    Dotted,
}

/// Text placement.
#[derive(Clone, Copy, Debug)]
pub enum Align {
    Center,
    Left,
}

/// A thin layer over the 2D context with the few shapes the page draws.
pub struct Pen<'a> {
    context: &'a CanvasRenderingContext2d,
    dashes: &'a Dashes,
}

impl<'a> Pen<'a> {
    /// Starts a frame: scales to the device pixel ratio and clears `width` × `height` CSS px.
    pub fn begin(
        context: &'a CanvasRenderingContext2d,
        dashes: &'a Dashes,
        width: f64,
        height: f64,
        pixel_ratio: f64,
    ) -> Pen<'a> {
        let ratio = if pixel_ratio.is_finite() && pixel_ratio > 0.0 { pixel_ratio } else { 1.0 };
        // set_transform only fails for non-finite values, which `ratio` is not.
        let _ = context.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
        context.clear_rect(0.0, 0.0, width, height);
        context.set_global_alpha(1.0);
        context.set_line_cap("round");
        let pen = Pen { context, dashes };
        pen.dash(Dash::Solid);
        pen
    }

    pub fn alpha(&self, alpha: f64) {
        self.context.set_global_alpha(alpha.clamp(0.0, 1.0));
    }

    pub fn dash(&self, dash: Dash) {
        let pattern = match dash {
            Dash::Solid => &self.dashes.solid,
            Dash::Dashed => &self.dashes.dashed,
            Dash::Dotted => &self.dashes.dotted,
        };
        // Only fails for a non-array argument.
        let _ = self.context.set_line_dash(pattern);
    }

    pub fn fill_circle(&self, center: Point, radius: f64, color: &str) {
        self.circle_path(center, radius);
        self.context.set_fill_style_str(color);
        self.context.fill();
    }

    pub fn stroke_circle(&self, center: Point, radius: f64, color: &str, width: f64) {
        self.circle_path(center, radius);
        self.stroke(color, width);
    }

    fn circle_path(&self, center: Point, radius: f64) {
        self.context.begin_path();
        let _ = self.context.arc(center.x, center.y, radius.max(0.0), 0.0, std::f64::consts::TAU);
    }

    /// An arc of the circle, clockwise from the top, covering `fraction` of it.
    pub fn stroke_arc(&self, center: Point, radius: f64, fraction: f64, color: &str, width: f64) {
        if fraction <= 0.0 {
            return;
        }
        let start = -std::f64::consts::FRAC_PI_2;
        self.context.begin_path();
        let _ = self.context.arc(center.x, center.y, radius, start, start + std::f64::consts::TAU * fraction.min(1.0));
        self.stroke(color, width);
    }

    pub fn line(&self, from: Point, to: Point, color: &str, width: f64) {
        self.context.begin_path();
        self.context.move_to(from.x, from.y);
        self.context.line_to(to.x, to.y);
        self.stroke(color, width);
    }

    /// A closed polygon through `points`, filled.
    pub fn fill_polygon(&self, points: &[Point], color: &str) {
        let Some((first, rest)) = points.split_first() else { return };
        self.context.begin_path();
        self.context.move_to(first.x, first.y);
        for point in rest {
            self.context.line_to(point.x, point.y);
        }
        self.context.close_path();
        self.context.set_fill_style_str(color);
        self.context.fill();
    }

    pub fn fill_rect(&self, corner: Point, width: f64, height: f64, radius: f64, color: &str) {
        self.rect_path(corner, width, height, radius);
        self.context.set_fill_style_str(color);
        self.context.fill();
    }

    /// Many plain rectangles (`corner`, width, height) in one path and one fill: a crowded
    /// timeline costs one fill per colour, not a fill and a stroke per bar.
    pub fn fill_rects(&self, rects: &[(Point, f64, f64)], color: &str) {
        if rects.is_empty() {
            return;
        }
        self.context.begin_path();
        for (corner, width, height) in rects {
            self.context.rect(corner.x, corner.y, *width, *height);
        }
        self.context.set_fill_style_str(color);
        self.context.fill();
    }

    pub fn stroke_rect(&self, corner: Point, width: f64, height: f64, radius: f64, color: &str, line: f64) {
        self.rect_path(corner, width, height, radius);
        self.stroke(color, line);
    }

    fn rect_path(&self, corner: Point, width: f64, height: f64, radius: f64) {
        self.context.begin_path();
        if radius > 0.0 {
            let _ = self.context.round_rect_with_f64(corner.x, corner.y, width, height, radius);
        } else {
            self.context.rect(corner.x, corner.y, width, height);
        }
    }

    fn stroke(&self, color: &str, width: f64) {
        self.context.set_stroke_style_str(color);
        self.context.set_line_width(width);
        self.context.stroke();
    }

    fn font(&self, size: f64, bold: bool) {
        let weight = if bold { "600 " } else { "" };
        self.context.set_font(&format!("{weight}{size}px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"));
    }

    /// Text at `at`, vertically centred, in a `size`-pixel system font.
    pub fn text(&self, at: Point, text: &str, size: f64, bold: bool, color: &str, align: Align) {
        self.font(size, bold);
        self.context.set_text_align(match align {
            Align::Center => "center",
            Align::Left => "left",
        });
        self.context.set_text_baseline("middle");
        self.context.set_fill_style_str(color);
        let _ = self.context.fill_text(text, at.x, at.y);
    }

    /// Many separate lines in one stroke (the space-time diagram draws hundreds of arrows a
    /// frame: one path per style, not one per arrow).
    pub fn stroke_segments(&self, segments: &[(Point, Point)], color: &str, width: f64) {
        if segments.is_empty() {
            return;
        }
        self.context.begin_path();
        for (from, to) in segments {
            self.context.move_to(from.x, from.y);
            self.context.line_to(to.x, to.y);
        }
        self.stroke(color, width);
    }

    /// Square line ends (bars) or round ones (the default of a frame).
    pub fn square_ends(&self, square: bool) {
        self.context.set_line_cap(if square { "butt" } else { "round" });
    }

    /// Many triangles in one fill.
    pub fn fill_triangles(&self, triangles: &[[Point; 3]], color: &str) {
        if triangles.is_empty() {
            return;
        }
        self.context.begin_path();
        for [a, b, c] in triangles {
            self.context.move_to(a.x, a.y);
            self.context.line_to(b.x, b.y);
            self.context.line_to(c.x, c.y);
            self.context.close_path();
        }
        self.context.set_fill_style_str(color);
        self.context.fill();
    }

    /// Draws only inside the rectangle from `corner`, `width` × `height`, until [`Pen::unclip`].
    pub fn clip(&self, corner: Point, width: f64, height: f64) {
        self.context.save();
        self.context.begin_path();
        self.context.rect(corner.x, corner.y, width.max(0.0), height.max(0.0));
        self.context.clip();
    }

    /// Ends the last [`Pen::clip`].
    pub fn unclip(&self) {
        self.context.restore();
    }

    /// Text at `at` in a `size`-pixel font, right-aligned to `at.x`.
    pub fn text_right(&self, at: Point, text: &str, size: f64, color: &str) {
        self.font(size, false);
        self.context.set_text_align("right");
        self.context.set_text_baseline("middle");
        self.context.set_fill_style_str(color);
        let _ = self.context.fill_text(text, at.x, at.y);
    }

    /// The width `text` takes in a `size`-pixel system font.
    pub fn text_width(&self, text: &str, size: f64, bold: bool) -> f64 {
        self.font(size, bold);
        self.context.measure_text(text).map(|metrics| metrics.width()).unwrap_or(0.0)
    }
}

/// A recorded session of `preset` run to `until_us`: what the diagrams' tests draw from.
#[cfg(test)]
pub(crate) fn recorded_session(preset: &str, until_us: u64) -> raftsim_core::explore::session::Session {
    let scenario = raftsim_core::scenario::preset(preset).expect("a preset");
    let spec = raftsim_core::scenario::RunSpec { scenario, actions: vec![], stop_at_event: None, stop_at_us: None };
    let mut session = raftsim_core::explore::session::Session::with_record(spec, 0).expect("valid");
    session.run_until(until_us);
    session
}
