//! The client-history timeline (Porcupine's picture): a row per client, each operation a bar
//! from its call to its answer labelled with both (`put x 3 → ok`). An operation with no answer
//! yet grows to "now"; one whose client gave up ends open, in amber, with a "?"; a failed
//! compare-and-set is grey. A counterexample paints the longest linearizable order found in
//! green, numbered in that order, and the operations that cannot go next in red.

use std::collections::{BTreeMap, BTreeSet};

use raftsim_core::check::linearizability::Counterexample;

use super::layout::Point;
use super::{palette, Align, Dash, Pen};
use crate::history::{Bar, End, Kind};

const AXIS_PX: f64 = 22.0;
const ROW_PX: f64 = 24.0;
const BAR_PX: f64 = 16.0;
const LABEL_PX: f64 = 74.0;
const RIGHT_PX: f64 = 14.0;
const FOOTER_PX: f64 = 4.0;
/// More operations than this in view are drawn plainly (see [`draw_crowded`]): outlines and
/// labels for thousands of bars cost tens of milliseconds a frame.
const BARS_DRAWN_MAX: usize = 400;
/// A label's characters are about this wide at 11 px.
const CHAR_PX: f64 = 6.2;

/// The height the timeline needs for `rows` rows, in CSS pixels.
pub fn height_px(rows: u32) -> f64 {
    AXIS_PX + ROW_PX * f64::from(rows.max(1)) + FOOTER_PX
}

/// How the history's times read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Axis {
    /// A run's simulated microseconds, shown in seconds.
    Microseconds,
    /// A log's line numbers.
    Positions,
}

/// The stretch of history in view and the canvas width it spans.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    start: f64,
    end: f64,
    width: f64,
}

impl Window {
    /// The times `start`..`end` on a canvas `width` wide; nonsense (reversed, empty, not finite)
    /// is made into a window of at least one unit.
    pub fn new(start: f64, end: f64, width: f64) -> Window {
        let start = if start.is_finite() { start.max(0.0) } else { 0.0 };
        let end = if end.is_finite() && end > start + 1.0 { end } else { start + 1.0 };
        Window { start, end, width: if width.is_finite() { width.max(LABEL_PX + RIGHT_PX + 10.0) } else { 800.0 } }
    }
    pub fn start(&self) -> u64 {
        self.start.floor() as u64
    }
    pub fn end(&self) -> u64 {
        self.end.ceil() as u64
    }
    fn plot_px(&self) -> f64 {
        self.width - LABEL_PX - RIGHT_PX
    }
    /// The x of time `time`.
    fn x(&self, time: f64) -> f64 {
        LABEL_PX + (time - self.start) / (self.end - self.start) * self.plot_px()
    }
    /// Where `x` falls in the window: 0 at its start, 1 at its end.
    pub fn fraction_at(&self, x: f64) -> f64 {
        (x - LABEL_PX) / self.plot_px()
    }
    /// `x` clamped into the plot.
    fn clamp(&self, x: f64) -> f64 {
        x.clamp(LABEL_PX, self.width - RIGHT_PX)
    }
}

/// A counterexample's operations, by position in the history.
#[derive(Clone, Debug, Default)]
pub struct CounterexampleOps {
    /// Each operation of the longest linearizable order found, with its place in it (from 1).
    order: BTreeMap<usize, usize>,
    /// The operations that cannot go next.
    blocked: BTreeSet<usize>,
    /// The longest order found, as positions, in order (what a point of it replays).
    prefix: Vec<usize>,
    /// The model the check judged by ("register" or "kv").
    pub model: String,
}

impl CounterexampleOps {
    pub fn of(counterexample: &Counterexample) -> CounterexampleOps {
        let order = counterexample.longest_prefix.iter().enumerate().map(|(place, &op)| (op, place + 1)).collect();
        CounterexampleOps {
            order,
            blocked: counterexample.cannot_go_next.iter().copied().collect(),
            prefix: counterexample.longest_prefix.clone(),
            model: String::new(),
        }
    }
    /// The place (from 1) of the operation at `position` in the longest order, if it is in it.
    pub fn place_of(&self, position: usize) -> Option<usize> {
        self.order.get(&position).copied()
    }
    /// The longest order's first `places` operations, as positions.
    pub fn order_up_to(&self, places: usize) -> &[usize] {
        &self.prefix[..places.min(self.prefix.len())]
    }
    /// How many operations the longest order holds.
    pub fn order_len(&self) -> usize {
        self.prefix.len()
    }
    fn active(&self) -> bool {
        !self.blocked.is_empty()
    }
}

/// The bar's left and right x, at least a few pixels wide.
fn extent(bar: &Bar, window: &Window, now: Option<u64>) -> (f64, f64) {
    let left = window.clamp(window.x(bar.invoke as f64));
    let right = match bar.end {
        End::Returned(at) | End::GaveUp(at) => window.x(at as f64),
        End::Open => now.map_or(window.width, |now| window.x(now as f64)),
    };
    (left, window.clamp(right).max(left + 3.0))
}

fn row_top(row: u32) -> f64 {
    AXIS_PX + ROW_PX * f64::from(row)
}

/// What one drawing of a timeline shows: the bars in view, the rows, the stretch of time, "now"
/// (a run's; a file has none), the counterexample's operations and how times read.
pub struct Scene<'a> {
    pub bars: &'a [Bar],
    pub row_names: &'a [String],
    pub window: Window,
    pub now: Option<u64>,
    pub counterexample: &'a CounterexampleOps,
    pub axis: Axis,
}

/// Draws the rows, the time axis, the bars in view, "now" and the counterexample's operations;
/// `label_of` gives the label of a bar made without one (asked only when there is room for it).
pub fn draw(pen: &Pen, scene: &Scene, label_of: &dyn Fn(usize) -> Option<String>) {
    let Scene { bars, row_names, now, counterexample: marks, axis, .. } = *scene;
    let window = &scene.window;
    for (row, name) in row_names.iter().enumerate() {
        let top = row_top(row as u32);
        if row % 2 == 1 {
            pen.fill_rect(Point { x: 0.0, y: top }, window.width, ROW_PX, 0.0, "#f7f8fa");
        }
        pen.text(Point { x: 6.0, y: top + ROW_PX / 2.0 }, name, 11.0, false, palette::MUTED, Align::Left);
    }
    draw_axis(pen, window, row_names.len() as u32, axis);
    if bars.len() > BARS_DRAWN_MAX && !marks.active() {
        draw_crowded(pen, bars, window, now);
        draw_now(pen, window, now, row_names.len() as u32);
        return;
    }
    let room = label_room(bars, window, now);
    for (bar, room) in bars.iter().zip(room) {
        draw_bar(pen, bar, window, now, marks, room, label_of);
    }
    draw_now(pen, window, now, row_names.len() as u32);
}

/// The line across the rows at "now".
fn draw_now(pen: &Pen, window: &Window, now: Option<u64>, rows: u32) {
    if let Some(now) = now {
        let x = window.x(now as f64);
        if (LABEL_PX..=window.width - RIGHT_PX).contains(&x) {
            pen.line(Point { x, y: AXIS_PX - 4.0 }, Point { x, y: row_top(rows) }, palette::SELECTED, 1.5);
        }
    }
}

/// A window of more than [`BARS_DRAWN_MAX`] operations: each bar a plain rectangle, one fill
/// per kind, no outlines or labels (zoom in to read them).
fn draw_crowded(pen: &Pen, bars: &[Bar], window: &Window, now: Option<u64>) {
    let kinds = [
        (Kind::Ok, palette::APPEND),
        (Kind::Failed, palette::MUTED),
        (Kind::Unknown, "#b07d00"),
        (Kind::Pending, palette::HEARTBEAT),
    ];
    for (kind, color) in kinds {
        let rects: Vec<(Point, f64, f64)> = bars
            .iter()
            .filter(|bar| bar.kind == kind)
            .map(|bar| {
                let (left, right) = extent(bar, window, now);
                (Point { x: left, y: row_top(bar.row) + (ROW_PX - BAR_PX) / 2.0 }, (right - left).max(1.5), BAR_PX)
            })
            .collect();
        pen.fill_rects(&rects, color);
    }
}

/// For each bar, the free width after it on its row (to the next bar, or the plot's edge): a
/// label too long for a short bar is written there instead.
fn label_room(bars: &[Bar], window: &Window, now: Option<u64>) -> Vec<f64> {
    let mut next_left: BTreeMap<u32, f64> = BTreeMap::new();
    let mut room = vec![0.0; bars.len()];
    for (index, bar) in bars.iter().enumerate().rev() {
        let (left, right) = extent(bar, window, now);
        let limit = next_left.get(&bar.row).copied().unwrap_or(window.width - RIGHT_PX);
        room[index] = (limit - right - 8.0).max(0.0);
        next_left.insert(bar.row, left);
    }
    room
}

/// One operation's bar and label (inside it, or in `room_after` px after it when it does not fit).
fn draw_bar(
    pen: &Pen,
    bar: &Bar,
    window: &Window,
    now: Option<u64>,
    marks: &CounterexampleOps,
    room_after: f64,
    label_of: &dyn Fn(usize) -> Option<String>,
) {
    let (left, right) = extent(bar, window, now);
    let top = row_top(bar.row) + (ROW_PX - BAR_PX) / 2.0;
    let place = marks.order.get(&bar.position).copied();
    let blocked = marks.blocked.contains(&bar.position);
    let (fill, outline, dash) = match bar.kind {
        Kind::Ok => ("#d2e3fc", palette::APPEND, Dash::Solid),
        Kind::Failed => ("#eceef1", palette::MUTED, Dash::Solid),
        Kind::Unknown => ("#fef0c7", "#b07d00", Dash::Dashed),
        Kind::Pending => ("#e8f0fe", palette::HEARTBEAT, Dash::Dashed),
    };
    let (fill, outline, line) = match (place, blocked) {
        (_, true) => ("#fce8e6", palette::VIOLATION, 2.5),
        (Some(_), _) => ("#ceead6", palette::OK, 2.0),
        _ => (fill, outline, 1.0),
    };
    pen.alpha(if marks.active() && place.is_none() && !blocked { 0.35 } else { 1.0 });
    let corner = Point { x: left, y: top };
    pen.fill_rect(corner, right - left, BAR_PX, 3.0, fill);
    pen.dash(if blocked || place.is_some() { Dash::Solid } else { dash });
    pen.stroke_rect(corner, right - left, BAR_PX, 3.0, outline, line);
    pen.dash(Dash::Solid);
    if bar.kind == Kind::Unknown && right - left > 10.0 {
        pen.text(Point { x: right - 6.0, y: top + BAR_PX / 2.0 }, "?", 11.0, true, "#8a5a00", Align::Center);
    }
    let inside = right - left - if bar.kind == Kind::Unknown { 16.0 } else { 6.0 };
    let least = CHAR_PX * 4.0;
    let label =
        if inside < least && room_after < least { None } else { bar.label.clone().or_else(|| label_of(bar.position)) };
    if let Some(label) = label {
        let text = match (place, blocked) {
            (_, true) => format!("✗ {label}"),
            (Some(place), _) => format!("{place}. {label}"),
            _ => label,
        };
        let middle = top + BAR_PX / 2.0 + 0.5;
        if let Some(shown) = fit(&text, inside).filter(|shown| shown == &text || room_after < inside) {
            pen.text(Point { x: left + 4.0, y: middle }, &shown, 11.0, false, palette::INK, Align::Left);
        } else if let Some(shown) = fit(&text, room_after) {
            pen.text(Point { x: right + 4.0, y: middle }, &shown, 11.0, false, palette::MUTED, Align::Left);
        }
    }
    pen.alpha(1.0);
}

/// `text` cut to about `room` pixels, with an ellipsis when cut; nothing when too narrow.
fn fit(text: &str, room: f64) -> Option<String> {
    let fits = (room / CHAR_PX).floor() as usize;
    let length = text.chars().count();
    match fits {
        _ if length <= fits => Some(text.to_string()),
        0..=3 => None,
        _ => Some(text.chars().take(fits - 1).chain(std::iter::once('…')).collect()),
    }
}

/// Tick marks and times along the top.
fn draw_axis(pen: &Pen, window: &Window, rows: u32, axis: Axis) {
    let step = tick_step(window);
    let bottom = row_top(rows);
    let mut tick = (window.start / step).ceil() * step;
    while tick <= window.end {
        let x = window.x(tick);
        pen.line(Point { x, y: AXIS_PX - 5.0 }, Point { x, y: bottom }, "#e6e9ee", 1.0);
        pen.text(
            Point { x, y: AXIS_PX / 2.0 - 1.0 },
            &tick_label(tick, step, axis),
            10.0,
            false,
            palette::MUTED,
            Align::Center,
        );
        tick += step;
    }
    pen.line(
        Point { x: LABEL_PX, y: AXIS_PX - 1.0 },
        Point { x: window.width - RIGHT_PX, y: AXIS_PX - 1.0 },
        palette::LINK,
        1.0,
    );
}

/// A round step (1, 2 or 5 × a power of ten) that puts ticks at least 70 px apart.
fn tick_step(window: &Window) -> f64 {
    let per_px = (window.end - window.start) / window.plot_px().max(1.0);
    let least = (per_px * 70.0).max(1.0);
    let power = 10f64.powf(least.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|factor| factor * power).find(|step| *step >= least).unwrap_or(10.0 * power)
}

fn tick_label(tick: f64, step: f64, axis: Axis) -> String {
    match axis {
        Axis::Positions => format!("line {tick:.0}"),
        Axis::Microseconds => {
            let decimals = (6.0 - step.log10().floor()).clamp(0.0, 6.0) as usize;
            format!("{:.*} s", decimals, tick / 1e6)
        }
    }
}

/// A point inside `bar`, a little after its start (its row's middle).
pub fn bar_point(bar: &Bar, window: &Window) -> (f64, f64) {
    let (left, right) = extent(bar, window, None);
    (left + ((right - left) / 4.0).min(6.0), row_top(bar.row) + ROW_PX / 2.0)
}

/// The bar under (`x`, `y`), and whether the pointer is nearer its end than its start.
pub fn bar_at<'a>(bars: &'a [Bar], window: &Window, x: f64, y: f64) -> Option<(&'a Bar, bool)> {
    if y < AXIS_PX || x < LABEL_PX {
        return None;
    }
    let row = ((y - AXIS_PX) / ROW_PX).floor() as u32;
    let hit = |bar: &&Bar| {
        let (left, right) = extent(bar, window, None);
        bar.row == row && x >= left - 2.0 && x <= right + 2.0
    };
    bars.iter().rev().find(hit).map(|bar| {
        let (left, right) = extent(bar, window, None);
        (bar, x > (left + right) / 2.0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_far_enough_apart() {
        let window = Window::new(0.0, 10_000_000.0, 800.0);
        let step = tick_step(&window);
        assert_eq!(step, 1_000_000.0);
        assert_eq!(tick_label(3_000_000.0, step, Axis::Microseconds), "3 s");
        let fine = Window::new(0.0, 50_000.0, 800.0);
        assert_eq!(tick_label(10_000.0, tick_step(&fine), Axis::Microseconds), "0.010 s");
    }

    #[test]
    fn labels_are_cut_to_their_bar() {
        assert_eq!(fit("put x 3 → ok", 200.0).as_deref(), Some("put x 3 → ok"));
        assert_eq!(fit("put x 3 → ok", 40.0).as_deref(), Some("put x…"));
        assert_eq!(fit("put x 3 → ok", 10.0), None);
    }

    #[test]
    fn a_point_on_a_bar_finds_it() {
        let window = Window::new(0.0, 1000.0, 800.0);
        let bar = Bar {
            position: 7,
            row: 1,
            invoke: 100,
            end: End::Returned(300),
            kind: Kind::Ok,
            label: Some("get x → 1".into()),
        };
        let y = row_top(1) + ROW_PX / 2.0;
        let (left, right) = (window.x(100.0), window.x(300.0));
        let bars = [bar];
        assert_eq!(bar_at(&bars, &window, left + 5.0, y).map(|(bar, end)| (bar.position, end)), Some((7, false)));
        assert_eq!(bar_at(&bars, &window, right - 5.0, y).map(|(bar, end)| (bar.position, end)), Some((7, true)));
        assert!(bar_at(&bars, &window, right + 40.0, y).is_none());
        assert!(bar_at(&bars, &window, left + 5.0, row_top(0) + 2.0).is_none());
    }
}
