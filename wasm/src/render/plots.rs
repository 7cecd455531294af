//! The health strip: small plots over the whole run, on the scrubber's scale, one lane each:
//! the leader (and the gaps with none), the nodes down and the links cut (why), the commit
//! index, client operations per second by outcome, commit latency (median and 99th
//! percentile), and messages and losses per second by kind.
//!
//! Rates come from the record's cumulative samples: a bin's rate is one subtraction of the
//! samples at its two ends, so a drawing costs the bins (about one per two pixels) and the
//! leader changes and marks it shows, never the run's events.

use raftsim_core::explore::record::{Interval, NodeState, Record, Sample};
use raftsim_core::raft::{MessageKind, NodeId};

use super::layout::Point;
use super::spacetime::{seconds_label, tick_step_us, Window};
use super::{palette, Align, Dash, Pen};

/// The lanes, top to bottom: (key, label, height in pixels).
const LANES: [(Lane, &str, f64); 7] = [
    (Lane::Leader, "leader", 22.0),
    (Lane::Faults, "down · cut", 24.0),
    (Lane::Commit, "commit index", 30.0),
    (Lane::Ops, "client ops/s", 36.0),
    (Lane::Latency, "commit latency", 36.0),
    (Lane::Messages, "messages/s", 36.0),
    (Lane::Lost, "lost/s", 28.0),
];
const GAP_PX: f64 = 5.0;
const TOP_PX: f64 = 4.0;
const AXIS_PX: f64 = 16.0;
/// Pixels per bin of the rate plots.
const BIN_PX: f64 = 4.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lane {
    Leader,
    Faults,
    Commit,
    Ops,
    Latency,
    Messages,
    Lost,
}

/// The strip's height in CSS pixels.
pub fn height_px() -> f64 {
    TOP_PX + LANES.iter().map(|(_, _, height)| height + GAP_PX).sum::<f64>() + AXIS_PX
}

/// The message families the plots stack, as the ring colours them: (name, kinds, colour).
const FAMILIES: [(&str, [MessageKind; 2], &str); 4] = [
    ("heartbeat", [MessageKind::Heartbeat, MessageKind::HeartbeatResponse], palette::HEARTBEAT),
    ("append", [MessageKind::Append, MessageKind::AppendResponse], palette::APPEND),
    ("vote", [MessageKind::Vote, MessageKind::VoteResponse], palette::VOTE),
    ("prevote", [MessageKind::PreVote, MessageKind::PreVoteResponse], palette::PREVOTE),
];

/// Where the plots sit: the strip is `width` wide and its time axis runs from `left` to
/// `right` (the page lines it up under the scrubber).
#[derive(Clone, Copy, Debug)]
pub struct Strip {
    /// The whole strip's width: the lanes' scales go in the gutter right of `right` when it
    /// has room.
    pub width: f64,
    pub left: f64,
    pub right: f64,
    pub run_us: u64,
}

impl Strip {
    /// A strip `width` wide whose axis runs from `left` to `right`, made sane: the axis keeps
    /// room for the lanes' labels when the page asks for too little.
    pub fn new(width: f64, left: f64, right: f64, run_us: u64) -> Strip {
        let width = if width.is_finite() { width.max(120.0) } else { 600.0 };
        let left =
            if left.is_finite() && left >= 60.0 && left < width - 60.0 { left } else { 96.0_f64.min(width / 3.0) };
        let right = if right.is_finite() && right > left + 40.0 && right <= width { right } else { width - 8.0 };
        Strip { width, left, right, run_us: run_us.max(1) }
    }

    pub fn x_of(&self, time_us: u64) -> f64 {
        self.left + (time_us.min(self.run_us) as f64 / self.run_us as f64) * (self.right - self.left)
    }

    /// The time at `x` (clamped to the run).
    pub fn time_at(&self, x: f64) -> u64 {
        let share = ((x - self.left) / (self.right - self.left)).clamp(0.0, 1.0);
        (share * self.run_us as f64).round() as u64
    }

    fn bins(&self) -> usize {
        (((self.right - self.left) / BIN_PX).floor() as usize).max(1)
    }
}

/// The moments the strip marks: the time shown, the furthest explored, the heal, and the
/// space-time diagram's window.
#[derive(Clone, Copy, Debug)]
pub struct StripMoments {
    pub now_us: u64,
    pub frontier_us: u64,
    pub heal_us: u64,
    /// The space-time diagram's window, shaded.
    pub window: Option<Window>,
}

/// One bin of the rate plots.
#[derive(Clone, Debug)]
pub struct Bin {
    pub from_us: u64,
    pub to_us: u64,
    pub interval: Interval,
}

impl Bin {
    fn seconds(&self) -> f64 {
        (self.interval.to_us - self.interval.from_us).max(1) as f64 / 1e6
    }
    /// Operations completed per second: ok, failed, unknown.
    pub fn ops_per_s(&self) -> [f64; 3] {
        self.interval.ops.map(|count| count as f64 / self.seconds())
    }
    /// Messages sent per second, by family.
    pub fn sent_per_s(&self) -> [f64; 4] {
        FAMILIES.map(|(_, kinds, _)| {
            kinds.iter().map(|kind| self.interval.sent[kind.slot()]).sum::<u64>() as f64 / self.seconds()
        })
    }
    /// Messages lost per second, by family.
    pub fn lost_per_s(&self) -> [f64; 4] {
        FAMILIES.map(|(_, kinds, _)| {
            kinds.iter().map(|kind| self.interval.lost[kind.slot()]).sum::<u64>() as f64 / self.seconds()
        })
    }
}

/// The run cut into `count` bins up to the last sample, each with what happened in it (bins
/// with no sample interval of their own are left out).
pub fn bins(samples: &[Sample], run_us: u64, count: usize) -> Vec<Bin> {
    let Some(last) = samples.last() else { return Vec::new() };
    let bin_us = (run_us / count.max(1) as u64).max(1);
    let at_or_before = |time_us: u64| samples.partition_point(|sample| sample.time_us <= time_us).saturating_sub(1);
    let mut bins = Vec::new();
    let mut from_us = 0;
    while from_us < last.time_us {
        let to_us = (from_us + bin_us).min(last.time_us);
        let (first, end) = (at_or_before(from_us), at_or_before(to_us));
        if end > first {
            bins.push(Bin { from_us, to_us, interval: Interval::between(&samples[first], &samples[end]) });
        }
        from_us = to_us;
    }
    bins
}

/// What a drawing showed.
#[derive(Clone, Copy, Debug, Default)]
pub struct Drawn {
    pub bins: usize,
    pub leader_spans: usize,
    pub leaderless_us: u64,
}

/// Draws the strip.
pub fn draw(pen: &Pen, record: &Record, strip: &Strip, moments: StripMoments) -> Drawn {
    let bins = bins(record.samples().list(), strip.run_us, strip.bins());
    let mut drawn = Drawn { bins: bins.len(), ..Drawn::default() };
    let mut top = TOP_PX;
    for (_, label, height) in LANES {
        pen.fill_rect(Point { x: strip.left, y: top }, strip.right - strip.left, height, 2.0, "#f7f8fa");
        pen.text_right(Point { x: strip.left - 6.0, y: top + height / 2.0 }, label, 10.5, palette::INK);
        top += height + GAP_PX;
    }
    draw_unexplored(pen, strip, moments.frontier_us, top);
    draw_window(pen, strip, moments.window, top);
    pen.square_ends(true);
    let mut top = TOP_PX;
    for (lane, _, height) in LANES {
        let area = Area { top, height, strip: *strip };
        match lane {
            Lane::Leader => {
                (drawn.leader_spans, drawn.leaderless_us) = draw_leaders(pen, record, &area, moments.frontier_us)
            }
            Lane::Faults => draw_faults(pen, record, &area, moments.frontier_us),
            Lane::Commit => draw_commit(pen, &bins, &area),
            Lane::Ops => draw_ops(pen, &bins, &area),
            Lane::Latency => draw_latency(pen, &bins, &area),
            Lane::Messages => draw_families(pen, &bins, &area, Bin::sent_per_s),
            Lane::Lost => draw_families(pen, &bins, &area, Bin::lost_per_s),
        }
        top += height + GAP_PX;
    }
    pen.square_ends(false);
    draw_axis(pen, strip, top);
    draw_moments(pen, strip, moments, top);
    drawn
}

/// One lane's box.
struct Area {
    top: f64,
    height: f64,
    strip: Strip,
}

impl Area {
    fn bottom(&self) -> f64 {
        self.top + self.height
    }
    /// The y of `value` on a scale from 0 (bottom) to `max` (near the top).
    fn y_of(&self, value: f64, max: f64) -> f64 {
        let share = if max > 0.0 { (value / max).clamp(0.0, 1.0) } else { 0.0 };
        self.bottom() - 1.0 - share * (self.height - 5.0)
    }
    /// A note of the lane's scale: in the gutter right of the plot when the text fits there,
    /// so it never sits on the data; else in the lane's top right corner on a pale backing.
    fn note(&self, pen: &Pen, text: &str) {
        let width = pen.text_width(text, 9.0, false);
        let y = self.top + 7.0;
        if self.strip.width - self.strip.right >= width + 8.0 {
            pen.text(Point { x: self.strip.right + 5.0, y }, text, 9.0, false, palette::MUTED, Align::Left);
        } else {
            let corner = Point { x: self.strip.right - width - 6.0, y: self.top + 1.0 };
            pen.fill_rect(corner, width + 5.0, 12.0, 2.0, "rgba(247, 248, 250, 0.9)");
            pen.text_right(Point { x: self.strip.right - 3.0, y }, text, 9.0, palette::MUTED);
        }
    }
}

/// Narrower than this, a stretch is never named: even the shortest label ("S1") would not
/// fit, so its width is not measured. A long run has thousands of stretches, and measuring
/// each label's text took most of the strip's drawing (issue #27).
const LABEL_PX_MIN: f64 = 12.0;
/// Narrower than this, a leader's stretch gets no white line at its start: at a whole run's
/// scale thousands of them would paint the lane white.
const SEPARATOR_PX_MIN: f64 = 3.0;

/// What is drawn over the leader lane's fills, at canvas x.
enum LeaderMark {
    /// The white line where a leader's stretch starts.
    Separator(f64),
    /// A leader's name and term, centred.
    Named(f64, String),
    /// "no leader", centred.
    Leaderless(f64),
}

/// The leader over time: a green stretch per leader (named where there is room), red where
/// there was none (drawn over the green, so that a short gap stays in view). Each colour is
/// one path and one fill. Returns the spans drawn and the time without a leader.
fn draw_leaders(pen: &Pen, record: &Record, area: &Area, frontier_us: u64) -> (usize, u64) {
    let spans = record.leaders_in(0, frontier_us);
    let mut leaderless_us = 0;
    let (mut led, mut leaderless, mut labels) = (Vec::new(), Vec::new(), Vec::new());
    for (index, span) in spans.iter().enumerate() {
        let to_us = spans.get(index + 1).map_or(frontier_us, |next| next.from_us).min(frontier_us);
        if to_us <= span.from_us && to_us != frontier_us {
            continue;
        }
        let (left, right) = (area.strip.x_of(span.from_us), area.strip.x_of(to_us));
        let corner = Point { x: left, y: area.top };
        let middle = Point { x: (left + right) / 2.0, y: area.top + area.height / 2.0 };
        match span.leader {
            Some((id, term)) => {
                led.push((corner, (right - left).max(0.5), area.height));
                if right - left >= SEPARATOR_PX_MIN {
                    labels.push(LeaderMark::Separator(left));
                }
                if right - left >= LABEL_PX_MIN {
                    let label = format!("S{id} · t{term}");
                    if right - left > pen.text_width(&label, 10.0, true) + 6.0 {
                        labels.push(LeaderMark::Named(middle.x, label));
                    }
                }
            }
            None => {
                leaderless_us += to_us.saturating_sub(span.from_us);
                leaderless.push((corner, (right - left).max(2.0), area.height));
                if right - left > 58.0 {
                    labels.push(LeaderMark::Leaderless(middle.x));
                }
            }
        }
    }
    pen.fill_rects(&led, palette::role("leader").fill);
    pen.fill_rects(&leaderless, "#f4b9b3");
    let y = area.top + area.height / 2.0;
    for mark in labels {
        match mark {
            LeaderMark::Separator(x) => {
                pen.line(Point { x, y: area.top }, Point { x, y: area.bottom() }, palette::PAPER, 1.0);
            }
            LeaderMark::Named(x, label) => {
                pen.text(Point { x, y }, &label, 10.0, true, palette::role("leader").outline, Align::Center);
            }
            LeaderMark::Leaderless(x) => {
                pen.text(Point { x, y }, "no leader", 10.0, true, palette::VIOLATION, Align::Center);
            }
        }
    }
    (spans.len(), leaderless_us)
}

/// Why the cluster struggled: a bar for each time a node was down (dark) or paused (grey),
/// named where there is room, on two rows so that overlapping ones stay apart, and a red band
/// along the top while links were cut. Bars too narrow to round are one path per colour.
fn draw_faults(pen: &Pen, record: &Record, area: &Area, frontier_us: u64) {
    const CUT_PX: f64 = 4.0;
    const ROWS: usize = 2;
    const ROUNDED_PX_MIN: f64 = 4.0;
    let row_height = (area.height - CUT_PX - 2.0) / ROWS as f64;
    let mut row_free_x = [f64::NEG_INFINITY; ROWS];
    let (mut down_bars, mut paused_bars) = (Vec::new(), Vec::new());
    for (node, from_us, to_us, down) in outages(record, frontier_us) {
        let (left, right) = (area.strip.x_of(from_us), area.strip.x_of(to_us).max(area.strip.x_of(from_us) + 1.5));
        let row = row_free_x.iter().position(|&free| free < left).unwrap_or(ROWS - 1);
        let top = area.top + CUT_PX + 2.0 + row_height * row as f64;
        row_free_x[row] = right + 1.0;
        let corner = Point { x: left, y: top };
        if right - left < ROUNDED_PX_MIN {
            let bars = if down { &mut down_bars } else { &mut paused_bars };
            bars.push((corner, right - left, row_height - 1.0));
            continue;
        }
        let color = if down { palette::INK } else { "#8d96a5" };
        pen.fill_rect(corner, right - left, row_height - 1.0, 1.5, color);
        if right - left < LABEL_PX_MIN {
            continue;
        }
        let label = format!("S{node} {}", if down { "down" } else { "paused" });
        let short = format!("S{node}");
        let text = [label, short].into_iter().find(|text| pen.text_width(text, 8.5, false) + 4.0 <= right - left);
        if let Some(text) = text {
            let at = Point { x: left + 2.0, y: top + row_height / 2.0 };
            pen.text(at, &text, 8.5, false, palette::PAPER, Align::Left);
        }
    }
    pen.fill_rects(&down_bars, palette::INK);
    pen.fill_rects(&paused_bars, "#8d96a5");
    draw_cuts(pen, record, area, frontier_us, CUT_PX);
}

/// The red band along the top of the faults' lane while links were cut.
fn draw_cuts(pen: &Pen, record: &Record, area: &Area, frontier_us: u64, band_px: f64) {
    let mut cut_from: Option<u64> = None;
    let actions = record.actions_in(0, frontier_us);
    for (time_us, cut) in
        actions.iter().map(|action| (action.time_us, action.cut_links > 0)).chain([(frontier_us, false)])
    {
        match (cut_from, cut) {
            (None, true) => cut_from = Some(time_us),
            (Some(from_us), false) => {
                let (left, right) = (area.strip.x_of(from_us), area.strip.x_of(time_us));
                pen.fill_rect(Point { x: left, y: area.top }, (right - left).max(2.0), band_px, 1.0, palette::CUT);
                cut_from = None;
            }
            _ => {}
        }
    }
}

/// Every stretch of time a node was down or paused, up to `frontier_us`, in order of start:
/// (node, from, to, down rather than paused).
fn outages(record: &Record, frontier_us: u64) -> Vec<(NodeId, u64, u64, bool)> {
    let mut outages = Vec::new();
    for node in 1..=record.nodes() {
        let mut state = record.state_before(node, 0);
        let mut from_us = 0;
        let marks = record.marks_in(node, 0, frontier_us);
        for (time_us, next) in marks.iter().map(|mark| (mark.time_us, Some(mark.state))).chain([(frontier_us, None)]) {
            let availability = |state: NodeState| (state.running, state.paused);
            if next.is_some_and(|next| availability(next) == availability(state)) {
                state = next.expect("checked");
                continue;
            }
            if !state.running || state.paused {
                outages.push((node, from_us, time_us, !state.running));
            }
            if let Some(next) = next {
                (state, from_us) = (next, time_us);
            }
        }
    }
    outages.sort_by_key(|&(node, from_us, ..)| (from_us, node));
    outages
}

/// The highest commit index over time: a rising line.
fn draw_commit(pen: &Pen, bins: &[Bin], area: &Area) {
    let max = bins.last().map_or(0, |bin| bin.interval.commit_index);
    area.note(pen, &format!("max {max}"));
    let points: Vec<Point> = bins
        .iter()
        .map(|bin| Point { x: area.strip.x_of(bin.to_us), y: area.y_of(bin.interval.commit_index as f64, max as f64) })
        .collect();
    let segments: Vec<(Point, Point)> = points.windows(2).map(|pair| (pair[0], pair[1])).collect();
    pen.stroke_segments(&segments, palette::INK, 1.5);
}

/// Bars of operations completed per second, stacked: ok, failed, unknown.
fn draw_ops(pen: &Pen, bins: &[Bin], area: &Area) {
    let max = bins.iter().map(|bin| bin.ops_per_s().iter().sum::<f64>()).fold(0.0, f64::max);
    area.note(pen, &format!("max {}", rate_words(max)));
    let colors = [palette::OK, "#e8a317", palette::BAD];
    for (slot, color) in colors.iter().enumerate() {
        let mut bars = Vec::new();
        for bin in bins {
            let rates = bin.ops_per_s();
            let below: f64 = rates[..slot].iter().sum();
            if rates[slot] <= 0.0 {
                continue;
            }
            let (left, right) = (area.strip.x_of(bin.from_us), area.strip.x_of(bin.to_us));
            let (low, high) = (area.y_of(below, max), area.y_of(below + rates[slot], max));
            let x = (left + right) / 2.0;
            bars.push((Point { x, y: low }, Point { x, y: high.min(low - 1.0) }));
        }
        pen.stroke_segments(&bars, color, BIN_PX);
    }
}

/// Commit latency, median and 99th percentile, on a log scale from 100 µs.
fn draw_latency(pen: &Pen, bins: &[Bin], area: &Area) {
    let p99s: Vec<Option<u64>> = bins.iter().map(|bin| bin.interval.latency_us(990)).collect();
    let max_us = p99s.iter().flatten().copied().max().unwrap_or(0).max(10_000);
    area.note(pen, &format!("p99 ≤ {}", latency_words(max_us)));
    let floor = 100f64.ln();
    let y_of = |latency_us: u64| area.y_of((latency_us.max(100) as f64).ln() - floor, (max_us as f64).ln() - floor);
    for (per_mille, color) in [(500, palette::APPEND), (990, palette::VOTE)] {
        let mut segments = Vec::new();
        let mut last: Option<Point> = None;
        for bin in bins {
            let Some(latency_us) = bin.interval.latency_us(per_mille) else {
                last = None;
                continue;
            };
            let point = Point { x: area.strip.x_of((bin.from_us + bin.to_us) / 2), y: y_of(latency_us) };
            segments.push((last.unwrap_or(Point { x: point.x - 1.0, ..point }), point));
            last = Some(point);
        }
        pen.stroke_segments(&segments, color, 1.4);
    }
}

/// Areas stacked by message family (heartbeats at the bottom), of `rates` per bin.
fn draw_families(pen: &Pen, bins: &[Bin], area: &Area, rates: fn(&Bin) -> [f64; 4]) {
    let per_bin: Vec<[f64; 4]> = bins.iter().map(rates).collect();
    let max = per_bin.iter().map(|rates| rates.iter().sum::<f64>()).fold(0.0, f64::max);
    area.note(pen, &format!("max {}", rate_words(max)));
    if max <= 0.0 {
        return;
    }
    for (family, (_, _, color)) in FAMILIES.iter().enumerate() {
        let mut bars = Vec::new();
        for (bin, rates) in bins.iter().zip(&per_bin) {
            if rates[family] <= 0.0 {
                continue;
            }
            let below: f64 = rates[..family].iter().sum();
            let x = area.strip.x_of((bin.from_us + bin.to_us) / 2);
            let (low, high) = (area.y_of(below, max), area.y_of(below + rates[family], max));
            bars.push((Point { x, y: low }, Point { x, y: high.min(low - 0.6) }));
        }
        pen.stroke_segments(&bars, color, BIN_PX);
    }
}

/// A latency for a lane's scale, to two or three significant figures: "850 µs", "4.2 ms",
/// "49 ms", "1.3 s".
fn latency_words(us: u64) -> String {
    match us {
        0..1_000 => format!("{us} µs"),
        1_000..10_000 => format!("{:.1} ms", us as f64 / 1_000.0),
        10_000..1_000_000 => format!("{} ms", (us + 500) / 1_000),
        _ => format!("{:.1} s", us as f64 / 1_000_000.0),
    }
}

fn rate_words(per_second: f64) -> String {
    if per_second >= 1_000.0 {
        format!("{:.1}k/s", per_second / 1_000.0)
    } else {
        format!("{per_second:.0}/s")
    }
}

/// What has not been run yet is shaded.
fn draw_unexplored(pen: &Pen, strip: &Strip, frontier_us: u64, bottom: f64) {
    let left = strip.x_of(frontier_us);
    if left < strip.right {
        pen.alpha(0.7);
        pen.fill_rect(Point { x: left, y: TOP_PX }, strip.right - left, bottom - GAP_PX - TOP_PX, 0.0, palette::PAPER);
        pen.alpha(1.0);
    }
}

fn draw_axis(pen: &Pen, strip: &Strip, top: f64) {
    let step_us = tick_step_us(strip.run_us, (strip.right - strip.left) * 36.0 / 80.0);
    let mut tick_us = 0;
    while tick_us <= strip.run_us {
        let x = strip.x_of(tick_us);
        pen.line(Point { x, y: top - GAP_PX }, Point { x, y: top - 1.0 }, palette::MUTED, 1.0);
        pen.text(
            Point { x, y: top + 6.0 },
            &seconds_label(tick_us, step_us),
            9.5,
            false,
            palette::MUTED,
            Align::Center,
        );
        tick_us += step_us;
    }
}

/// The space-time diagram's window, a pale band behind the plots.
fn draw_window(pen: &Pen, strip: &Strip, window: Option<Window>, bottom: f64) {
    let Some(window) = window else { return };
    let (left, right) = (strip.x_of(window.start_us), strip.x_of(window.end_us()));
    pen.alpha(0.13);
    pen.fill_rect(
        Point { x: left, y: TOP_PX },
        (right - left).max(2.0),
        bottom - GAP_PX - TOP_PX,
        0.0,
        palette::SELECTED,
    );
    pen.alpha(1.0);
}

/// The heal and the time shown, across every lane.
fn draw_moments(pen: &Pen, strip: &Strip, moments: StripMoments, bottom: f64) {
    let (top, bottom) = (TOP_PX, bottom - GAP_PX);
    let heal_x = strip.x_of(moments.heal_us);
    pen.dash(Dash::Dashed);
    pen.line(Point { x: heal_x, y: top }, Point { x: heal_x, y: bottom }, palette::OK, 1.2);
    pen.dash(Dash::Solid);
    if let Some(window) = moments.window {
        pen.alpha(0.45);
        for x in [strip.x_of(window.start_us), strip.x_of(window.end_us())] {
            pen.line(Point { x, y: top }, Point { x, y: bottom }, palette::SELECTED, 1.0);
        }
        pen.alpha(1.0);
    }
    let now_x = strip.x_of(moments.now_us);
    pen.line(Point { x: now_x, y: top - 2.0 }, Point { x: now_x, y: bottom + 2.0 }, palette::SELECTED, 1.8);
}

// ---- what is under the pointer ----

/// Everything the strip shows at time `time_us`, in words, for the tooltip.
pub fn words_at(record: &Record, strip: &Strip, time_us: u64, frontier_us: u64) -> Option<String> {
    if time_us > frontier_us {
        return None;
    }
    let mut parts = vec![format!("at {}", seconds_label(time_us, 10_000))];
    let leader = record.leaders_in(time_us, time_us).first().and_then(|span| span.leader);
    parts.push(match leader {
        Some((id, term)) => format!("leader S{id} (term {term})"),
        None => "no leader".into(),
    });
    let down: Vec<String> = (1..=record.nodes())
        .filter(|&node| !record.state_before(node, time_us + 1).running)
        .map(|node: NodeId| format!("S{node}"))
        .collect();
    if !down.is_empty() {
        parts.push(format!("down: {}", down.join(", ")));
    }
    let cut = record.actions_in(0, time_us).last().map_or(0, |action| action.cut_links);
    if cut > 0 {
        parts.push(format!("{cut} directed links cut"));
    }
    let bins = bins(record.samples().list(), strip.run_us, strip.bins());
    if let Some(bin) = bins.iter().find(|bin| bin.from_us <= time_us && time_us <= bin.to_us) {
        let [ok, failed, unknown] = bin.ops_per_s();
        parts.push(format!("commit index {}", bin.interval.commit_index));
        parts.push(format!("ops/s: {ok:.0} ok, {failed:.0} failed, {unknown:.0} unknown"));
        if let (Some(p50), Some(p99)) = (bin.interval.latency_us(500), bin.interval.latency_us(990)) {
            let words = raftsim_core::words::duration;
            parts.push(format!("commit latency p50 {}, p99 {}", words(p50), words(p99)));
        }
        let sent: f64 = bin.sent_per_s().iter().sum();
        let lost: f64 = bin.lost_per_s().iter().sum();
        parts.push(format!("{} messages, {} lost", rate_words(sent), rate_words(lost)));
    }
    Some(parts.join(" · "))
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::recorded_session as session;

    #[test]
    fn a_crashed_leader_is_an_outage_and_bins_add_up() {
        let run = session("leader-crash", 4_000_000);
        let record = run.record().unwrap();
        let outages = outages(record, 4_000_000);
        assert_eq!(outages.len(), 1, "{outages:?}");
        let (node, from_us, to_us, down) = outages[0];
        assert_eq!((from_us, to_us, down), (1_500_000, 2_500_000, true), "S{node} down for the second the script says");
        let samples = record.samples().list();
        let bins = bins(samples, run.world().scenario().run_us(), 200);
        let sent: u64 = bins.iter().map(|bin| bin.interval.sent.iter().sum::<u64>()).sum();
        let whole = Interval::between(&samples[0], samples.last().unwrap());
        assert_eq!(sent, whole.sent.iter().sum::<u64>(), "the bins split the run without losing a message");
        assert!(bins.windows(2).all(|pair| pair[0].to_us <= pair[1].from_us));
    }

    #[test]
    fn the_axis_maps_both_ways_and_keeps_room_for_labels() {
        let strip = Strip::new(800.0, 100.0, 780.0, 10_000_000);
        assert_eq!(strip.x_of(0), 100.0);
        assert_eq!(strip.x_of(10_000_000), 780.0);
        assert_eq!(strip.time_at(strip.x_of(2_500_000)), 2_500_000);
        assert_eq!(strip.time_at(5.0), 0);
        let asked_too_little = Strip::new(800.0, 4.0, 790.0, 10_000_000);
        assert!(asked_too_little.left >= 60.0);
        assert!(height_px() > 200.0);
    }
}
