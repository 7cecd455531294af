//! The space-time (Lamport) diagram: one vertical line per node, time running down, each
//! message an arrow from its send to its arrival, and each change of a node's state a mark on
//! its line. The line itself is drawn in the node's role (as the ring draws its outline), so a
//! leader's term shows as a heavy green stretch and a crash as a gap.
//!
//! Only what falls in the window is read from the record (`Arrows::in_window`, marks by binary
//! search), so a frame costs what it shows, not the run's length; a window holding more arrows
//! than anyone can read shows the nodes' lines and says how many messages it holds.

use raftsim_core::explore::record::{Arrow, Change, Fate, Look, Mark, NodeState, Record, HELD_END_US};
use raftsim_core::raft::{MessageKind, NodeId, Role};
use raftsim_core::sim::{LossCause, World};
use raftsim_core::words::{duration as duration_words, instant as instant_words, instant_to_step};

use super::glyphs::{self, Glyph};
use super::layout::Point;
use super::{palette, Align, Dash, Pen};

/// The window a run opens with, before it has traffic to go by: two seconds.
pub const SPAN_US_DEFAULT: u64 = 2_000_000;
/// The narrowest window: 2 ms, where one message of a fast network spans the height.
pub const SPAN_US_MIN: u64 = 2_000;
/// The widest window chosen by itself (the person may zoom out to the whole run).
const SPAN_US_AUTO_MAX: u64 = 5_000_000;
/// About how many messages the window chosen by itself holds: enough to see a few rounds of
/// the protocol, few enough to follow each arrow.
const ARROWS_AUTO: f64 = 150.0;

/// The window chosen by itself while the person has not zoomed: a round span (1, 2 or 5 times
/// a power of ten, so it changes only when the traffic doubles or halves) holding about
/// [`ARROWS_AUTO`] messages at the rate of the last two seconds before `now_us`, at least ten
/// of the slowest ordinary latencies (so arrows slant rather than lie flat) and at most five
/// seconds. The calm classroom cluster gets two seconds; a five-node cluster on a 1 to 5 ms
/// network with three busy clients, about a hundred milliseconds. Never less than `min_us`
/// (the page asks for two seconds of wall time while the run plays, so that an arrow stays in
/// view long enough to be seen).
pub fn span_us_auto(record: &Record, parameters: &raftsim_core::sim::WorldParameters, now_us: u64, min_us: u64) -> u64 {
    let from_us = now_us.saturating_sub(2_000_000);
    let (first, last) = record.arrows().sent_range(from_us, now_us);
    let seconds = (now_us - from_us) as f64 / 1e6;
    if last - first < 20 || seconds < 0.05 {
        return SPAN_US_DEFAULT.max(min_us);
    }
    let wanted_us = ARROWS_AUTO / ((last - first) as f64 / seconds) * 1e6;
    let round_us = round_down(wanted_us).min(SPAN_US_AUTO_MAX);
    let slant_us = (10 * parameters.network.latency_us_max).min(SPAN_US_AUTO_MAX);
    round_us.max(slant_us).max(SPAN_US_MIN).max(min_us)
}
/// While following the clock, "now" sits this far down the window.
const FOLLOW_SHARE: f64 = 0.88;
/// Arrows drawn one by one at most; a window holding more shows the lines only.
pub const ARROWS_DRAWN_MAX: usize = 1_000;
/// Windows with at most this many arrows also show each message's glyph, as the ring does.
const GLYPHS_MAX: usize = 80;
/// Windows with more arrows draw them all one pixel wide. Canvases rasterise hairlines several
/// times faster than wider lines (and dashed ones are slower still: 700 dashed arrows took
/// 50 to 150 ms in both browsers), and in a crowded window width tells nothing anyway.
const HAIRLINES_FROM: usize = 300;
/// How long before a crowded window an election message may have been sent and still be drawn
/// flying into it.
const ELECTION_REACH_US: u64 = 1_000_000;
/// Marks drawn as glyphs at most; beyond, as ticks.
const MARK_GLYPHS_MAX: usize = 400;

const LEFT_PX: f64 = 64.0;
const RIGHT_PX: f64 = 14.0;
const TOP_PX: f64 = 36.0;
const BOTTOM_PX: f64 = 6.0;
/// How close a pick must be to a mark or an arrow.
const PICK_MARK_PX: f64 = 8.0;
const PICK_ARROW_PX: f64 = 5.0;

/// The stretch of simulated time shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub start_us: u64,
    pub span_us: u64,
}

impl Window {
    pub fn end_us(&self) -> u64 {
        self.start_us + self.span_us
    }

    /// The window the page asks for, made valid: its span within `SPAN_US_MIN` and the run,
    /// inside the run; while following, placed so that `now_us` sits `FOLLOW_SHARE` down it.
    pub fn fit(start_us: f64, span_us: f64, follow: bool, now_us: u64, run_us: u64) -> Window {
        let whole = |value: f64, fallback: u64| if value.is_finite() && value >= 0.0 { value as u64 } else { fallback };
        let span_max = run_us.max(SPAN_US_MIN);
        let span_us = whole(span_us, SPAN_US_DEFAULT).clamp(SPAN_US_MIN, span_max);
        let wanted =
            if follow { now_us.saturating_sub((span_us as f64 * FOLLOW_SHARE) as u64) } else { whole(start_us, 0) };
        let start_us = wanted.min(run_us.saturating_sub(span_us));
        Window { start_us, span_us }
    }
}

/// Where things sit: node columns across, time down.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    nodes: u32,
    width: f64,
    height: f64,
    pub window: Window,
}

impl Frame {
    pub fn new(nodes: u32, width: f64, height: f64, window: Window) -> Frame {
        assert!(nodes >= 1 && window.span_us > 0, "a frame shows nodes over some time");
        Frame {
            nodes,
            width: width.max(LEFT_PX + RIGHT_PX + 10.0),
            height: height.max(TOP_PX + BOTTOM_PX + 10.0),
            window,
        }
    }

    fn plot_height(&self) -> f64 {
        self.height - TOP_PX - BOTTOM_PX
    }

    fn plot_corner(&self) -> Point {
        Point { x: LEFT_PX, y: TOP_PX }
    }

    fn plot_width(&self) -> f64 {
        self.width - LEFT_PX - RIGHT_PX
    }

    /// The x of node `node`'s line.
    pub fn x_of(&self, node: NodeId) -> f64 {
        LEFT_PX + (f64::from(node) - 0.5) * self.plot_width() / f64::from(self.nodes)
    }

    /// The y of time `time_us` (outside the plot for times outside the window).
    pub fn y_of(&self, time_us: u64) -> f64 {
        let offset = time_us as f64 - self.window.start_us as f64;
        TOP_PX + offset / self.window.span_us as f64 * self.plot_height()
    }

    /// The time at height `y`, within the window.
    pub fn time_at(&self, y: f64) -> u64 {
        let share = ((y - TOP_PX) / self.plot_height()).clamp(0.0, 1.0);
        self.window.start_us + (share * self.window.span_us as f64).round() as u64
    }

    fn at(&self, node: NodeId, time_us: u64) -> Point {
        Point { x: self.x_of(node), y: self.y_of(time_us) }
    }
}

/// The moments that frame what is known: the time shown, the furthest explored, the heal.
#[derive(Clone, Copy, Debug)]
pub struct Moment {
    pub now_us: u64,
    pub frontier_us: u64,
    pub heal_us: u64,
}

/// What a drawing showed, for the page's tests and status line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Drawn {
    /// Messages drawn as arrows.
    pub arrows: usize,
    /// Marks drawn.
    pub marks: usize,
    /// Messages in the window (drawn or not).
    pub in_view: usize,
    /// Too many to draw one by one.
    pub crowded: bool,
}

/// Draws the diagram of `record` in `frame`; the header shows each node as `simulation` has
/// it now.
pub fn draw(pen: &Pen, simulation: &World, record: &Record, frame: &Frame, moment: Moment) -> Drawn {
    draw_background(pen, record, frame, moment);
    draw_ticks(pen, frame);
    pen.clip(frame.plot_corner(), frame.plot_width(), frame.plot_height());
    draw_lines(pen, record, frame, moment);
    let mut drawn = draw_arrows(pen, record, frame, moment);
    drawn.marks = draw_marks(pen, record, frame, moment);
    fade_future(pen, frame, moment);
    pen.unclip();
    draw_heal(pen, frame, moment);
    draw_now(pen, frame, moment);
    draw_header(pen, simulation, frame);
    if drawn.crowded {
        crowded_note(pen, frame, drawn);
    }
    drawn
}

/// What is not run yet is shaded; the time before the oldest message kept is marked.
fn draw_background(pen: &Pen, record: &Record, frame: &Frame, moment: Moment) {
    let bottom = frame.height - BOTTOM_PX;
    let frontier_y = frame.y_of(moment.frontier_us).max(TOP_PX);
    if frontier_y < bottom {
        pen.fill_rect(Point { x: LEFT_PX, y: frontier_y }, frame.plot_width(), bottom - frontier_y, 0.0, "#f1f3f6");
        if bottom - frontier_y > 24.0 {
            let at = Point { x: LEFT_PX + frame.plot_width() / 2.0, y: (frontier_y + bottom) / 2.0 };
            pen.text(at, "not run yet", 11.0, false, palette::MUTED, Align::Center);
        }
    }
    let kept_from_us = record.arrows().kept_from_us();
    if kept_from_us > frame.window.start_us && kept_from_us < frame.window.end_us() {
        let y = frame.y_of(kept_from_us);
        pen.dash(Dash::Dashed);
        pen.line(Point { x: LEFT_PX, y }, Point { x: frame.width - RIGHT_PX, y }, palette::MUTED, 1.0);
        pen.dash(Dash::Solid);
        let note = "older messages are no longer kept (the record keeps the newest)";
        pen.text(Point { x: LEFT_PX + 4.0, y: y - 7.0 }, note, 10.0, false, palette::MUTED, Align::Left);
    }
}

/// A tick every round step, labelled in seconds on the left.
fn draw_ticks(pen: &Pen, frame: &Frame) {
    let step_us = tick_step_us(frame.window.span_us, frame.plot_height());
    let mut tick_us = frame.window.start_us.div_ceil(step_us) * step_us;
    let mut lines = Vec::new();
    while tick_us <= frame.window.end_us() {
        let y = frame.y_of(tick_us);
        lines.push((Point { x: LEFT_PX, y }, Point { x: frame.width - RIGHT_PX, y }));
        if y >= TOP_PX + 6.0 {
            pen.text_right(Point { x: LEFT_PX - 6.0, y }, &seconds_label(tick_us, step_us), 10.0, palette::MUTED);
        }
        tick_us += step_us;
    }
    pen.stroke_segments(&lines, "#eceef2", 1.0);
}

/// A round step (1, 2 or 5 times a power of ten) that puts ticks at least 36 pixels apart.
pub fn tick_step_us(span_us: u64, height: f64) -> u64 {
    let wanted_us = span_us as f64 * 36.0 / height.max(1.0);
    let mut step_us = 1;
    loop {
        for factor in [1, 2, 5] {
            if (step_us * factor) as f64 >= wanted_us {
                return step_us * factor;
            }
        }
        step_us *= 10;
    }
}

/// The largest 1, 2 or 5 times a power of ten at most `value` (at least 1).
fn round_down(value: f64) -> u64 {
    let mut round = 1;
    for power in 0..19 {
        for factor in [1, 2, 5] {
            let candidate = factor * 10u64.pow(power);
            if candidate as f64 > value {
                return round;
            }
            round = candidate;
        }
    }
    round
}

/// `time_us` in seconds, with as many decimals as the step needs (`crate::words`).
pub fn seconds_label(time_us: u64, step_us: u64) -> String {
    instant_to_step(time_us, step_us)
}

/// A node line's look in each state: the ring's role outline colours and dashes.
fn line_style(state: NodeState) -> (&'static str, Dash, f64) {
    if !state.running {
        return ("#c5cad2", Dash::Dotted, 1.3);
    }
    if state.paused {
        return (palette::INK, Dash::Dotted, 2.5);
    }
    let outline = palette::role(state.role.name()).outline;
    match state.role {
        Role::Leader => (outline, Dash::Solid, 4.0),
        Role::Candidate => (outline, Dash::Dashed, 2.5),
        Role::PreCandidate => (outline, Dash::Dotted, 2.5),
        Role::Follower => ("#98a1b0", Dash::Solid, 1.5),
    }
}

/// Each node's line, a stretch per state, up to what has been run.
fn draw_lines(pen: &Pen, record: &Record, frame: &Frame, moment: Moment) {
    let (start_us, end_us) = (frame.window.start_us, frame.window.end_us().min(moment.frontier_us));
    if end_us <= start_us {
        return;
    }
    let mut batches: Vec<LineBatch> = Vec::new();
    for node in 1..=record.nodes() {
        let mut state = record.state_before(node, start_us);
        let mut from_us = start_us;
        for mark in record.marks_in(node, start_us, end_us) {
            add_stretch(&mut batches, line_style(state), (frame.at(node, from_us), frame.at(node, mark.time_us)));
            (state, from_us) = (mark.state, mark.time_us);
        }
        add_stretch(&mut batches, line_style(state), (frame.at(node, from_us), frame.at(node, end_us)));
    }
    for ((color, dash, width), segments) in batches {
        pen.dash(dash);
        pen.stroke_segments(&segments, color, width);
    }
    pen.dash(Dash::Solid);
}

/// A node-line style (colour, dash, width) and the stretches drawn in it.
type LineBatch = ((&'static str, Dash, f64), Vec<(Point, Point)>);

fn add_stretch(batches: &mut Vec<LineBatch>, style: (&'static str, Dash, f64), segment: (Point, Point)) {
    if segment.1.y - segment.0.y < 0.01 {
        return;
    }
    match batches.iter_mut().find(|(known, _)| *known == style) {
        Some((_, segments)) => segments.push(segment),
        None => batches.push((style, vec![segment])),
    }
}

/// The colour of a message kind, as on the ring.
fn kind_color(kind: MessageKind) -> &'static str {
    match kind {
        MessageKind::PreVote | MessageKind::PreVoteResponse => palette::PREVOTE,
        MessageKind::Vote | MessageKind::VoteResponse => palette::VOTE,
        MessageKind::Append | MessageKind::AppendResponse => palette::APPEND,
        MessageKind::Heartbeat | MessageKind::HeartbeatResponse => palette::HEARTBEAT,
    }
}

fn is_answer(kind: MessageKind) -> bool {
    matches!(
        kind,
        MessageKind::PreVoteResponse
            | MessageKind::VoteResponse
            | MessageKind::AppendResponse
            | MessageKind::HeartbeatResponse
    )
}

/// The ring's glyph of a message that looks like `look`.
pub fn glyph_of(look: Look) -> Glyph {
    match look.kind {
        MessageKind::PreVote => Glyph::Vote { prevote: true },
        MessageKind::Vote => Glyph::Vote { prevote: false },
        MessageKind::PreVoteResponse => Glyph::VoteAnswer { prevote: true, granted: look.ok },
        MessageKind::VoteResponse => Glyph::VoteAnswer { prevote: false, granted: look.ok },
        MessageKind::Append => Glyph::Append { entries: usize::from(look.entries) },
        MessageKind::AppendResponse => Glyph::AppendAnswer { accepted: look.ok },
        MessageKind::Heartbeat => Glyph::Heartbeat,
        MessageKind::HeartbeatResponse => Glyph::HeartbeatAnswer,
    }
}

/// How one arrow (or a duplicated copy) is drawn.
#[derive(Clone, Copy, Debug)]
struct Shape {
    from: Point,
    to: Point,
    /// Ends in an arrowhead (delivered), a cross (lost) or nothing (still on its way).
    end: End,
    /// The batch: (colour, width, faded).
    style: (&'static str, f64, bool),
    /// An answer: its head is open, as the ring draws answers hollow.
    answer: bool,
    glyph: Glyph,
    copy: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum End {
    Head,
    Cross,
    Open,
}

/// The shape of `arrow` (or of its duplicated `copy`) ending at `end_us` with `fate`, as far
/// as the run has been explored (`frontier_us`): a message still on its way there is drawn up
/// to where it has got, as the ring places it.
fn shape(frame: &Frame, arrow: &Arrow, (end_us, fate): (u64, Fate), copy: bool, frontier_us: u64, thin: bool) -> Shape {
    let start = frame.at(arrow.from(), arrow.sent_us);
    let answer = is_answer(arrow.look.kind);
    let heartbeat = matches!(arrow.look.kind, MessageKind::Heartbeat | MessageKind::HeartbeatResponse);
    let width = if thin || answer || heartbeat { 1.0 } else { 1.6 };
    let color = if copy { palette::DUPLICATE } else { kind_color(arrow.look.kind) };
    let glyph = glyph_of(arrow.look);
    let shape = |to: Point, end: End, style: (&'static str, f64, bool)| Shape {
        from: start,
        to,
        end,
        style,
        answer,
        glyph,
        copy,
    };
    let dx = frame.x_of(arrow.to()) - start.x;
    match fate {
        Fate::Lost(LossCause::Network) => {
            shape(Point { x: start.x + dx * 0.28, y: start.y + 7.0 }, End::Cross, (color, width, true))
        }
        Fate::Held => {
            shape(Point { x: start.x + dx * 0.3, y: frame.y_of(frontier_us) }, End::Open, (palette::HELD, 1.0, false))
        }
        _ => {
            let end = frame.at(arrow.to(), end_us);
            if end_us > frontier_us {
                let share = (frontier_us.saturating_sub(arrow.sent_us)) as f64 / (end_us - arrow.sent_us) as f64;
                return shape(start.lerp(end, share), End::Open, (color, width, false));
            }
            match fate {
                Fate::Lost(_) => shape(end, End::Cross, (color, width, true)),
                Fate::Delivered => shape(end, End::Head, (color, width, false)),
                _ => shape(end, End::Open, (color, width, false)),
            }
        }
    }
}

/// The arrows in the window, batched by style; `crowded` instead when there are too many.
fn draw_arrows(pen: &Pen, record: &Record, frame: &Frame, moment: Moment) -> Drawn {
    let arrows = record.arrows();
    let (start_us, end_us) = (frame.window.start_us, frame.window.end_us());
    let (first, last) = arrows.sent_range(start_us, end_us);
    let crowded = last - first > ARROWS_DRAWN_MAX;
    let positions = if crowded {
        // Too many to draw: the elections only, which are few and what such a window is for.
        let elections = arrows.elections_in_window(start_us, end_us, ELECTION_REACH_US);
        if elections.len() > ARROWS_DRAWN_MAX {
            return Drawn { in_view: last - first, crowded, ..Drawn::default() };
        }
        elections
    } else {
        arrows.in_window(start_us, end_us)
    };
    let thin = positions.len() > HAIRLINES_FROM;
    let mut shapes = Vec::with_capacity(positions.len());
    for &position in &positions {
        let arrow = arrows.at(position);
        if arrow.sent_us > moment.frontier_us {
            continue;
        }
        shapes.push(shape(frame, arrow, (arrow.end_us, arrow.fate), false, moment.frontier_us, thin));
        if let Some(copy) = arrow.duplicated.then(|| arrows.copy(arrows.id_at(position))).flatten() {
            shapes.push(shape(frame, arrow, (copy.end_us, copy.fate), true, moment.frontier_us, thin));
        }
    }
    stroke_shapes(pen, &shapes);
    if positions.len() <= GLYPHS_MAX {
        for shape in &shapes {
            // A third of the way: the arrows of one broadcast fan out there, so their glyphs
            // stand apart rather than pile up midway.
            if shape.from.distance(shape.to) >= 40.0 && shape.end != End::Cross {
                let at = if shape.end == End::Open { shape.to } else { shape.from.lerp(shape.to, 0.32) };
                glyphs::message(pen, shape.glyph, at, shape.copy);
            }
        }
    }
    let in_view = if crowded { last - first } else { positions.len() };
    Drawn { arrows: positions.len(), in_view, crowded, ..Drawn::default() }
}

/// Strokes the shapes in one path per style, solid and square-ended (the fast way), requests
/// with filled heads and answers with open ones.
fn stroke_shapes(pen: &Pen, shapes: &[Shape]) {
    type Batch = ((&'static str, f64, bool), Vec<(Point, Point)>, Vec<[Point; 3]>);
    let mut batches: Vec<Batch> = Vec::new();
    let mut crosses = Vec::new();
    for shape in shapes {
        let index = match batches.iter().position(|(style, ..)| *style == shape.style) {
            Some(index) => index,
            None => {
                batches.push((shape.style, Vec::new(), Vec::new()));
                batches.len() - 1
            }
        };
        batches[index].1.push((shape.from, shape.to));
        match shape.end {
            End::Head if shape.answer => {
                let [tip, left, right] = head(shape.from, shape.to);
                batches[index].1.extend([(left, tip), (tip, right)]);
            }
            End::Head => batches[index].2.push(head(shape.from, shape.to)),
            End::Cross => crosses.extend(cross(shape.to, 3.5)),
            End::Open => {}
        }
    }
    pen.square_ends(true);
    for ((color, width, faded), segments, heads) in &batches {
        pen.alpha(if *faded { 0.45 } else { 1.0 });
        pen.stroke_segments(segments, color, *width);
        pen.fill_triangles(heads, color);
    }
    pen.alpha(1.0);
    pen.stroke_segments(&crosses, palette::BAD, 1.5);
    pen.square_ends(false);
}

/// An arrowhead at `to`, pointing away from `from`.
fn head(from: Point, to: Point) -> [Point; 3] {
    let length = from.distance(to).max(0.001);
    let (unit_x, unit_y) = ((to.x - from.x) / length, (to.y - from.y) / length);
    let back = Point { x: to.x - unit_x * 7.0, y: to.y - unit_y * 7.0 };
    let (normal_x, normal_y) = (-unit_y * 3.2, unit_x * 3.2);
    [to, Point { x: back.x + normal_x, y: back.y + normal_y }, Point { x: back.x - normal_x, y: back.y - normal_y }]
}

/// The two strokes of a cross of half-size `size` at `at`.
fn cross(at: Point, size: f64) -> [(Point, Point); 2] {
    let point = |dx: f64, dy: f64| Point { x: at.x + dx * size, y: at.y + dy * size };
    [(point(-1.0, -1.0), point(1.0, 1.0)), (point(-1.0, 1.0), point(1.0, -1.0))]
}

/// The marks in the window: the ring's node glyphs for a new role, a crash, a restart or a
/// pause, a tick for a new term, each with the term beside it where there is room.
fn draw_marks(pen: &Pen, record: &Record, frame: &Frame, moment: Moment) -> usize {
    let end_us = frame.window.end_us().min(moment.frontier_us);
    let marks: Vec<(NodeId, &Mark)> = (1..=record.nodes())
        .flat_map(|node| record.marks_in(node, frame.window.start_us, end_us).iter().map(move |mark| (node, mark)))
        .collect();
    if marks.len() > MARK_GLYPHS_MAX {
        let ticks: Vec<(Point, Point)> = marks
            .iter()
            .map(|(node, mark)| {
                let at = frame.at(*node, mark.time_us);
                (Point { x: at.x - 5.0, y: at.y }, Point { x: at.x + 5.0, y: at.y })
            })
            .collect();
        pen.stroke_segments(&ticks, palette::INK, 1.5);
        return marks.len();
    }
    let mut label_y = vec![f64::NEG_INFINITY; record.nodes() as usize];
    for (node, mark) in &marks {
        let at = frame.at(*node, mark.time_us);
        draw_mark(pen, at, mark);
        let last = &mut label_y[*node as usize - 1];
        if at.y - *last >= 12.0 {
            pen.text(Point { x: at.x + 9.0, y: at.y }, &mark_label(mark), 9.5, false, palette::MUTED, Align::Left);
            *last = at.y;
        }
    }
    marks.len()
}

fn draw_mark(pen: &Pen, at: Point, mark: &Mark) {
    match mark.change {
        Change::Crashed => glyphs::node(pen, at, 6.0, "down", false),
        Change::Restarted => glyphs::node(pen, at, 5.0, "follower", false),
        Change::Paused => glyphs::node(pen, at, 5.0, "follower", true),
        Change::Resumed => {
            pen.line(Point { x: at.x - 5.0, y: at.y }, Point { x: at.x + 5.0, y: at.y }, palette::INK, 2.0)
        }
        Change::Role => match mark.state.role {
            Role::Leader => glyphs::node(pen, at, 6.0, "leader", false),
            Role::Candidate => glyphs::node(pen, at, 5.5, "candidate", false),
            Role::PreCandidate => glyphs::node(pen, at, 5.0, "precandidate", false),
            Role::Follower => {
                pen.line(Point { x: at.x - 5.0, y: at.y }, Point { x: at.x + 5.0, y: at.y }, palette::MUTED, 2.0)
            }
        },
    }
}

/// The short label beside a mark: the term it concerns.
fn mark_label(mark: &Mark) -> String {
    match mark.change {
        Change::Crashed => "crash".into(),
        Change::Restarted => format!("up, t{}", mark.state.term),
        Change::Paused => "paused".into(),
        Change::Resumed => "resumed".into(),
        Change::Role if mark.state.role == Role::PreCandidate => format!("pre t{}", mark.state.term + 1),
        Change::Role => format!("t{}", mark.state.term),
    }
}

/// What has been run past the moment shown is paler: it is the future of this moment.
fn fade_future(pen: &Pen, frame: &Frame, moment: Moment) {
    let top = frame.y_of(moment.now_us).max(TOP_PX);
    let bottom = frame.y_of(moment.frontier_us).min(frame.height - BOTTOM_PX);
    if bottom > top {
        pen.alpha(0.55);
        pen.fill_rect(Point { x: LEFT_PX, y: top }, frame.plot_width(), bottom - top, 0.0, palette::PAPER);
        pen.alpha(1.0);
    }
}

fn draw_heal(pen: &Pen, frame: &Frame, moment: Moment) {
    let window = frame.window;
    if moment.heal_us < window.start_us || moment.heal_us > window.end_us() {
        return;
    }
    let y = frame.y_of(moment.heal_us);
    pen.dash(Dash::Dashed);
    pen.line(Point { x: LEFT_PX, y }, Point { x: frame.width - RIGHT_PX, y }, palette::OK, 1.2);
    pen.dash(Dash::Solid);
    pen.text_right(Point { x: frame.width - RIGHT_PX - 2.0, y: y - 7.0 }, "heal: faults end", 10.0, palette::OK);
}

/// The time shown: a line across every node, labelled in the margin.
fn draw_now(pen: &Pen, frame: &Frame, moment: Moment) {
    let window = frame.window;
    if moment.now_us < window.start_us || moment.now_us > window.end_us() {
        return;
    }
    let y = frame.y_of(moment.now_us);
    pen.line(Point { x: LEFT_PX - 4.0, y }, Point { x: frame.width - RIGHT_PX, y }, palette::SELECTED, 1.6);
    pen.fill_rect(Point { x: 0.0, y: y - 8.0 }, LEFT_PX - 4.0, 16.0, 3.0, palette::SELECTED);
    let label = seconds_label(moment.now_us, 1_000);
    pen.text(Point { x: (LEFT_PX - 4.0) / 2.0, y: y + 0.5 }, &label, 10.0, true, palette::PAPER, Align::Center);
}

/// Each node's name over its line, with its role now.
fn draw_header(pen: &Pen, simulation: &World, frame: &Frame) {
    pen.fill_rect(Point { x: 0.0, y: 0.0 }, frame.width, TOP_PX - 2.0, 0.0, palette::PAPER);
    let narrow = frame.plot_width() / f64::from(frame.nodes) < 52.0;
    for (position, server) in simulation.servers().iter().enumerate() {
        let id = position as NodeId + 1;
        let x = frame.x_of(id);
        let role = server.node.as_ref().map_or("down", |node| node.role().name());
        let glyph_x = if narrow { x } else { x - 13.0 };
        let glyph_y = if narrow { 25.0 } else { TOP_PX / 2.0 + 2.0 };
        glyphs::node(pen, Point { x: glyph_x, y: glyph_y }, 6.0, role, server.paused);
        let label_at = if narrow { Point { x, y: 9.0 } } else { Point { x: x + 6.0, y: TOP_PX / 2.0 + 2.0 } };
        pen.text(label_at, &format!("S{id}"), 12.0, true, palette::INK, Align::Center);
    }
    pen.line(
        Point { x: LEFT_PX, y: TOP_PX - 1.0 },
        Point { x: frame.width - RIGHT_PX, y: TOP_PX - 1.0 },
        palette::LINK,
        1.0,
    );
}

/// Says, at the foot of the plot, why not every arrow is drawn.
fn crowded_note(pen: &Pen, frame: &Frame, drawn: Drawn) {
    let in_view = drawn.in_view;
    let text = if drawn.arrows > 0 {
        format!("{in_view} messages here: only the {} election messages are drawn; zoom in to see all", drawn.arrows)
    } else {
        format!("{in_view} messages in this window: zoom in to see them one by one")
    };
    let width = pen.text_width(&text, 11.0, false) + 16.0;
    let at = Point { x: LEFT_PX + (frame.plot_width() - width) / 2.0, y: frame.height - BOTTOM_PX - 28.0 };
    pen.fill_rect(at, width, 20.0, 10.0, palette::INK);
    pen.text(Point { x: at.x + width / 2.0, y: at.y + 10.0 }, &text, 11.0, false, palette::PAPER, Align::Center);
}

// ---- what is under the pointer ----

/// The mark or message under (`x`, `y`), in words; `None` if nothing is there.
pub fn pick(record: &Record, frame: &Frame, frontier_us: u64, (x, y): (f64, f64)) -> Option<String> {
    let pointer = Point { x, y };
    let window = frame.window;
    let end_us = window.end_us().min(frontier_us);
    for node in 1..=record.nodes() {
        let marks = record.marks_in(node, window.start_us, end_us);
        if let Some(mark) = marks.iter().find(|mark| frame.at(node, mark.time_us).distance(pointer) <= PICK_MARK_PX) {
            return Some(mark_words(node, mark));
        }
    }
    let arrows = record.arrows();
    let (first, last) = arrows.sent_range(window.start_us, window.end_us());
    let positions = if last - first > ARROWS_DRAWN_MAX {
        arrows.elections_in_window(window.start_us, window.end_us(), ELECTION_REACH_US)
    } else {
        arrows.in_window(window.start_us, window.end_us())
    };
    if positions.len() > ARROWS_DRAWN_MAX {
        return None;
    }
    let nearest = positions
        .into_iter()
        .filter(|&position| arrows.at(position).sent_us <= frontier_us)
        .map(|position| {
            let arrow = arrows.at(position);
            let shape = shape(frame, arrow, (arrow.end_us, arrow.fate), false, frontier_us, false);
            (distance_to_segment(pointer, shape.from, shape.to), position)
        })
        .filter(|(distance, _)| *distance <= PICK_ARROW_PX)
        .min_by(|one, other| one.0.total_cmp(&other.0));
    nearest.map(|(_, position)| arrow_words(record, position))
}

fn distance_to_segment(point: Point, from: Point, to: Point) -> f64 {
    let (dx, dy) = (to.x - from.x, to.y - from.y);
    let length_squared = dx * dx + dy * dy;
    if length_squared < 1e-9 {
        return point.distance(from);
    }
    let share = (((point.x - from.x) * dx + (point.y - from.y) * dy) / length_squared).clamp(0.0, 1.0);
    point.distance(from.lerp(to, share))
}

fn mark_words(node: NodeId, mark: &Mark) -> String {
    let term = mark.state.term;
    let what = match mark.change {
        Change::Crashed => format!("S{node} crashes: whatever it had not written to disk is lost"),
        Change::Restarted => format!("S{node} starts again from its disk, a follower in term {term}"),
        Change::Paused => format!("S{node} is paused: what reaches it waits"),
        Change::Resumed => format!("S{node} resumes and handles what waited"),
        Change::Role => match mark.state.role {
            Role::Leader => format!("S{node} wins the election: leader of term {term}"),
            Role::Candidate => format!("S{node} becomes a candidate in term {term} and asks for votes"),
            Role::PreCandidate => format!("S{node} becomes a pre-candidate: would it win term {}?", term + 1),
            Role::Follower => format!("S{node} follows in term {term}"),
        },
    };
    format!("{what} ({})", instant_words(mark.time_us))
}

/// The message at `position` in words: kind, route, term, and what became of it.
pub fn arrow_words(record: &Record, position: usize) -> String {
    let arrows = record.arrows();
    let arrow = arrows.at(position);
    let what = message_words(arrow.look);
    let route = format!("S{} → S{}, term {}", arrow.from(), arrow.to(), arrow.term);
    let fate = fate_words(arrow.sent_us, arrow.end_us, arrow.fate);
    let copy = arrow
        .duplicated
        .then(|| arrows.copy(arrows.id_at(position)))
        .flatten()
        .map(|copy| {
            format!("; the network duplicated it, and the copy {}", fate_words(arrow.sent_us, copy.end_us, copy.fate))
        })
        .unwrap_or_default();
    format!("{what}, {route}: sent at {}, {fate}{copy}", instant_words(arrow.sent_us))
}

fn message_words(look: Look) -> String {
    let answer = |yes: &str, no: &str| if look.ok { yes.to_string() } else { no.to_string() };
    match look.kind {
        MessageKind::PreVote => "PreVote request".into(),
        MessageKind::PreVoteResponse => format!("PreVote answer ({})", answer("granted", "refused")),
        MessageKind::Vote => "RequestVote".into(),
        MessageKind::VoteResponse => format!("vote answer ({})", answer("granted", "refused")),
        MessageKind::Append if look.entries > 0 => format!("AppendEntries with {} entries", look.entries),
        MessageKind::Append => "AppendEntries (no entries)".into(),
        MessageKind::AppendResponse => format!("append answer ({})", answer("accepted", "rejected")),
        MessageKind::Heartbeat => "heartbeat".into(),
        MessageKind::HeartbeatResponse => "heartbeat answer".into(),
    }
}

fn fate_words(sent_us: u64, end_us: u64, fate: Fate) -> String {
    let took = |end_us: u64| duration_words(end_us.saturating_sub(sent_us));
    match fate {
        Fate::Held => "held on its link until it is released".into(),
        _ if end_us == HELD_END_US => "held on its link".into(),
        Fate::Flying => format!("on its way, arriving at {}", instant_words(end_us)),
        Fate::Delivered => format!("delivered at {} ({})", instant_words(end_us), took(end_us)),
        Fate::Lost(LossCause::Network) => "dropped by the network".into(),
        Fate::Lost(LossCause::Cut) => format!("lost at {}: the link was cut", instant_words(end_us)),
        Fate::Lost(LossCause::Down) => format!("lost at {}: its receiver was down", instant_words(end_us)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_follows_the_clock_and_stays_in_the_run() {
        let following = Window::fit(0.0, 2_000_000.0, true, 5_000_000, 60_000_000);
        assert_eq!(following, Window { start_us: 3_240_000, span_us: 2_000_000 });
        let early = Window::fit(0.0, 2_000_000.0, true, 300_000, 60_000_000);
        assert_eq!(early.start_us, 0);
        let too_wide = Window::fit(0.0, 1e12, false, 0, 8_000_000);
        assert_eq!(too_wide, Window { start_us: 0, span_us: 8_000_000 });
        let past_the_end = Window::fit(7_900_000.0, 1_000_000.0, false, 0, 8_000_000);
        assert_eq!(past_the_end.end_us(), 8_000_000);
        assert_eq!(Window::fit(f64::NAN, -3.0, false, 0, 8_000_000).span_us, SPAN_US_DEFAULT);
    }

    #[test]
    fn times_and_heights_map_both_ways() {
        let frame = Frame::new(5, 600.0, 400.0, Window { start_us: 1_000_000, span_us: 2_000_000 });
        assert_eq!(frame.y_of(1_000_000), TOP_PX);
        assert_eq!(frame.time_at(frame.y_of(2_345_678)), 2_345_678);
        assert_eq!(frame.time_at(-50.0), 1_000_000, "above the plot is its first moment");
        assert!(frame.x_of(1) < frame.x_of(2) && frame.x_of(5) < 600.0 - RIGHT_PX);
    }

    use super::super::recorded_session as session;

    #[test]
    fn the_window_chosen_by_itself_fits_the_traffic() {
        let calm = session("classroom", 6_000_000);
        let calm_span = span_us_auto(calm.record().unwrap(), calm.world().parameters(), 6_000_000, 0);
        let busy = session("calm-election", 6_000_000);
        let busy_span = span_us_auto(busy.record().unwrap(), busy.world().parameters(), 6_000_000, 0);
        let playing = span_us_auto(busy.record().unwrap(), busy.world().parameters(), 6_000_000, 2_000_000);
        assert_eq!(playing, 2_000_000, "at least what the page asks for");
        assert!(calm_span >= 1_000_000, "the slow classroom cluster shows seconds: {calm_span}");
        assert!((50_000..=200_000).contains(&busy_span), "a busy fast cluster, tens of milliseconds: {busy_span}");
        let record = busy.record().unwrap();
        let (first, last) = record.arrows().sent_range(6_000_000 - busy_span, 6_000_000);
        assert!((40..=400).contains(&(last - first)), "about 150 messages in view: {}", last - first);
        let quiet = session("calm-election", 0);
        assert_eq!(span_us_auto(quiet.record().unwrap(), quiet.world().parameters(), 0, 0), SPAN_US_DEFAULT);
    }

    #[test]
    fn each_fate_has_its_shape() {
        let busy = session("flaky-network", 3_000_000);
        let arrows = busy.record().unwrap().arrows();
        let frame = Frame::new(5, 800.0, 400.0, Window { start_us: 2_900_000, span_us: 100_000 });
        let mut ends = std::collections::BTreeSet::new();
        for position in arrows.in_window(2_900_000, 3_000_000) {
            let arrow = arrows.at(position);
            let drawn = shape(&frame, arrow, (arrow.end_us, arrow.fate), false, 2_950_000, false);
            let end = match arrow.fate {
                _ if arrow.sent_us > 2_950_000 => continue,
                Fate::Lost(LossCause::Network) => End::Cross,
                Fate::Lost(_) if arrow.end_us <= 2_950_000 => End::Cross,
                Fate::Delivered if arrow.end_us <= 2_950_000 => End::Head,
                _ => End::Open,
            };
            assert_eq!(drawn.end, end, "{arrow:?}");
            assert_eq!(drawn.from, frame.at(arrow.from(), arrow.sent_us));
            if end == End::Open {
                assert!(
                    (drawn.to.y - frame.y_of(2_950_000)).abs() < 0.01,
                    "a message on its way reaches the time explored"
                );
            }
            ends.insert(format!("{end:?}"));
        }
        assert_eq!(ends.len(), 3, "heads, crosses and open ends: {ends:?}");
    }

    #[test]
    fn spans_round_down_to_one_two_or_five() {
        assert_eq!(round_down(0.3), 1);
        assert_eq!(round_down(1_999_999.0), 1_000_000);
        assert_eq!(round_down(2_000_000.0), 2_000_000);
        assert_eq!(round_down(68_000.0), 50_000);
    }

    #[test]
    fn ticks_are_round_and_labelled_to_their_step() {
        assert_eq!(tick_step_us(2_000_000, 360.0), 200_000);
        assert_eq!(tick_step_us(60_000_000, 360.0), 10_000_000);
        assert_eq!(seconds_label(1_250_000, 50_000), "1.25 s");
        assert_eq!(seconds_label(3_000_000, 1_000_000), "3 s");
        assert_eq!(seconds_label(1_234_567, 1_000), "1.234 s");
    }
}
