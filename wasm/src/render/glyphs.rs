//! The shapes the ring and the legend share: a message of each kind, a node in each role, a
//! cut link. Requests are filled and answers hollow; votes are round, appends are envelopes,
//! heartbeats are small dots; an answer carries a tick or a cross. So kinds are told apart by
//! shape as well as colour.

use raftsim_core::raft::{AppendOutcome, Body};
use serde::Serialize;

use super::layout::Point;
use super::palette;
use super::{Align, Dash, Pen};

/// How a message is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Glyph {
    Vote { prevote: bool },
    VoteAnswer { prevote: bool, granted: bool },
    Append { entries: usize },
    AppendAnswer { accepted: bool },
    Heartbeat,
    HeartbeatAnswer,
}

impl Glyph {
    pub fn of(body: &Body) -> Glyph {
        match body {
            Body::VoteRequest { prevote, .. } => Glyph::Vote { prevote: *prevote },
            Body::VoteResponse { prevote, granted } => Glyph::VoteAnswer { prevote: *prevote, granted: *granted },
            Body::AppendRequest { entries, .. } => Glyph::Append { entries: entries.len() },
            Body::AppendResponse { outcome, .. } => {
                Glyph::AppendAnswer { accepted: matches!(outcome, AppendOutcome::Accepted { .. }) }
            }
            Body::Heartbeat { .. } => Glyph::Heartbeat,
            Body::HeartbeatResponse => Glyph::HeartbeatAnswer,
        }
    }
}

const VOTE_RADIUS_PX: f64 = 6.0;
const HEARTBEAT_RADIUS_PX: f64 = 3.6;
const ENVELOPE_WIDTH_PX: f64 = 14.0;
const ENVELOPE_HEIGHT_PX: f64 = 10.0;

/// Draws a message at `at`; a duplicated copy gets a purple ring and a small "2".
pub fn message(pen: &Pen, glyph: Glyph, at: Point, duplicate: bool) {
    let vote_color = |prevote: bool| if prevote { palette::PREVOTE } else { palette::VOTE };
    let outer_radius = match glyph {
        Glyph::Vote { prevote } => {
            pen.fill_circle(at, VOTE_RADIUS_PX, vote_color(prevote));
            if prevote {
                pen.fill_circle(at, 2.2, palette::PAPER);
            }
            VOTE_RADIUS_PX
        }
        Glyph::VoteAnswer { prevote, granted } => {
            pen.fill_circle(at, VOTE_RADIUS_PX, palette::PAPER);
            pen.stroke_circle(at, VOTE_RADIUS_PX - 0.8, vote_color(prevote), 2.0);
            verdict(pen, at, granted, 2.6);
            VOTE_RADIUS_PX
        }
        Glyph::Append { entries } => {
            envelope(pen, at, true);
            if entries > 0 {
                let count = if entries > 99 { "99+".to_string() } else { entries.to_string() };
                pen.text(at, &count, 8.0, true, palette::PAPER, Align::Center);
            }
            ENVELOPE_WIDTH_PX / 2.0
        }
        Glyph::AppendAnswer { accepted } => {
            envelope(pen, at, false);
            verdict(pen, at, accepted, 2.4);
            ENVELOPE_WIDTH_PX / 2.0
        }
        Glyph::Heartbeat => {
            pen.fill_circle(at, HEARTBEAT_RADIUS_PX, palette::HEARTBEAT);
            HEARTBEAT_RADIUS_PX
        }
        Glyph::HeartbeatAnswer => {
            pen.fill_circle(at, HEARTBEAT_RADIUS_PX, palette::PAPER);
            pen.stroke_circle(at, HEARTBEAT_RADIUS_PX - 0.6, palette::HEARTBEAT, 1.6);
            HEARTBEAT_RADIUS_PX
        }
    };
    if duplicate {
        pen.stroke_circle(at, outer_radius + 3.0, palette::DUPLICATE, 1.6);
        let corner = Point { x: at.x + outer_radius + 4.0, y: at.y - outer_radius - 3.0 };
        pen.text(corner, "2", 9.0, true, palette::DUPLICATE, Align::Center);
    }
}

fn envelope(pen: &Pen, at: Point, filled: bool) {
    let corner = Point { x: at.x - ENVELOPE_WIDTH_PX / 2.0, y: at.y - ENVELOPE_HEIGHT_PX / 2.0 };
    if filled {
        pen.fill_rect(corner, ENVELOPE_WIDTH_PX, ENVELOPE_HEIGHT_PX, 2.0, palette::APPEND);
    } else {
        pen.fill_rect(corner, ENVELOPE_WIDTH_PX, ENVELOPE_HEIGHT_PX, 2.0, palette::PAPER);
        pen.stroke_rect(corner, ENVELOPE_WIDTH_PX, ENVELOPE_HEIGHT_PX, 2.0, palette::APPEND, 1.8);
    }
}

/// A tick (yes) or a cross (no) of half-size `size` at `at`.
pub fn verdict(pen: &Pen, at: Point, yes: bool, size: f64) {
    let point = |dx: f64, dy: f64| Point { x: at.x + dx * size, y: at.y + dy * size };
    if yes {
        pen.line(point(-1.0, 0.1), point(-0.25, 0.85), palette::OK, 1.7);
        pen.line(point(-0.25, 0.85), point(1.0, -0.8), palette::OK, 1.7);
    } else {
        pen.line(point(-0.8, -0.8), point(0.8, 0.8), palette::BAD, 1.7);
        pen.line(point(-0.8, 0.8), point(0.8, -0.8), palette::BAD, 1.7);
    }
}

/// A lost message: its glyph, fading, struck through with a red cross.
pub fn lost(pen: &Pen, glyph: Glyph, at: Point, alpha: f64) {
    pen.alpha(alpha);
    message(pen, glyph, at, false);
    verdict(pen, at, false, 5.0);
    pen.alpha(1.0);
}

/// A node's body in its role: followers have a thin outline, pre-candidates a dotted one,
/// candidates a dashed one, leaders a heavy one and a crown; a down node is grey and crossed;
/// a paused one shows pause bars.
pub fn node(pen: &Pen, center: Point, radius: f64, role: &str, paused: bool) {
    let colors = palette::role(role);
    pen.fill_circle(center, radius, colors.fill);
    let (dash, width) = match role {
        "leader" => (Dash::Solid, 4.0),
        "candidate" => (Dash::Dashed, 3.0),
        "precandidate" => (Dash::Dotted, 3.0),
        _ => (Dash::Solid, 2.0),
    };
    pen.dash(dash);
    pen.stroke_circle(center, radius, colors.outline, width);
    pen.dash(Dash::Solid);
    match role {
        "leader" => crown(pen, Point { x: center.x, y: center.y - radius - 4.0 }, radius / 30.0, colors.outline),
        "down" => {
            let arm = radius * 0.62;
            let point = |dx: f64, dy: f64| Point { x: center.x + dx * arm, y: center.y + dy * arm };
            pen.line(point(-1.0, -1.0), point(1.0, 1.0), colors.outline, 2.5);
            pen.line(point(-1.0, 1.0), point(1.0, -1.0), colors.outline, 2.5);
        }
        _ => {}
    }
    if paused {
        let size = radius * 0.22;
        let corner = Point { x: center.x + radius * 0.55, y: center.y - radius * 1.05 };
        pen.fill_circle(Point { x: corner.x + size * 1.1, y: corner.y + size * 1.4 }, size * 2.1, palette::INK);
        for offset in [0.35, 1.35] {
            let bar = Point { x: corner.x + size * offset, y: corner.y + size * 0.5 };
            pen.fill_rect(bar, size * 0.5, size * 1.8, 0.0, palette::PAPER);
        }
    }
}

/// A crown centred above `base`, scaled by `scale` (1: for a 30-pixel node).
fn crown(pen: &Pen, base: Point, scale: f64, color: &str) {
    let scale = scale.clamp(0.6, 1.2);
    let point = |dx: f64, dy: f64| Point { x: base.x + dx * scale, y: base.y + dy * scale };
    let outline = [
        point(-9.0, 0.0),
        point(-10.0, -10.0),
        point(-4.5, -4.5),
        point(0.0, -12.0),
        point(4.5, -4.5),
        point(10.0, -10.0),
        point(9.0, 0.0),
    ];
    pen.fill_polygon(&outline, color);
}

/// A link from `start` to `end` with its cuts. A link cut both ways is a dashed red line with a
/// wall across its middle. A link cut one way keeps its grey line; the blocked lane (messages
/// keep to the right of their direction) is dashed red up to a half wall at the middle, with an
/// arrowhead pointing the way messages cannot go.
pub fn link(pen: &Pen, start: Point, end: Point, cut_forward: bool, cut_backward: bool, hovered: bool) {
    let length = start.distance(end).max(1.0);
    let unit = ((end.x - start.x) / length, (end.y - start.y) / length);
    let middle = start.lerp(end, 0.5);
    let width = if hovered { 3.0 } else { 1.5 };
    if cut_forward && cut_backward {
        pen.dash(Dash::Dashed);
        pen.line(start, end, if hovered { palette::LINK_HOVER } else { palette::CUT_LINE }, width);
        pen.dash(Dash::Solid);
        wall(pen, middle, unit, None);
        return;
    }
    pen.line(start, end, if hovered { palette::LINK_HOVER } else { palette::LINK }, width);
    if cut_forward {
        wall(pen, middle, unit, Some(start));
    }
    if cut_backward {
        wall(pen, middle, (-unit.0, -unit.1), Some(end));
    }
}

/// A link between two sides of a partition: a faint dashed line (the halos say which side
/// each node is on).
pub fn link_between_sides(pen: &Pen, start: Point, end: Point, hovered: bool) {
    pen.dash(Dash::Dashed);
    pen.line(
        start,
        end,
        if hovered { palette::LINK_HOVER } else { palette::CUT_LINE },
        if hovered { 3.0 } else { 1.2 },
    );
    pen.dash(Dash::Solid);
}

/// A wall across a link at `at`, for messages travelling along `unit`: across both lanes, or
/// (with the sender's end, `from`) across the one lane, with that lane dashed red from the
/// sender and an arrowhead in the blocked direction.
fn wall(pen: &Pen, at: Point, unit: (f64, f64), from: Option<Point>) {
    let (unit_x, unit_y) = unit;
    let (normal_x, normal_y) = (-unit_y, unit_x);
    let shift = |point: Point, normal: f64, forward: f64| Point {
        x: point.x + normal_x * normal + unit_x * forward,
        y: point.y + normal_y * normal + unit_y * forward,
    };
    let Some(from) = from else {
        pen.line(shift(at, -11.0, 0.0), shift(at, 11.0, 0.0), palette::CUT, 4.5);
        return;
    };
    let lane = super::layout::LANE_OFFSET_PX;
    pen.dash(Dash::Dashed);
    pen.line(shift(from, lane, 0.0), shift(at, lane, -2.0), palette::CUT, 2.0);
    pen.dash(Dash::Solid);
    pen.line(shift(at, lane - 7.0, 0.0), shift(at, lane + 8.0, 0.0), palette::CUT, 4.5);
    let tip = shift(at, lane, 14.0);
    let head = [tip, shift(at, lane - 6.0, 5.0), shift(at, lane + 6.0, 5.0)];
    pen.fill_polygon(&head, palette::CUT);
}

/// One entry of the page's legend.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct LegendItem {
    pub key: &'static str,
    pub label: &'static str,
    pub group: &'static str,
}

/// The legend, in the order the page lists it.
pub const LEGEND: [LegendItem; 22] = [
    LegendItem { key: "leader", label: "leader (crown, heavy outline)", group: "nodes" },
    LegendItem { key: "candidate", label: "candidate (dashed)", group: "nodes" },
    LegendItem { key: "precandidate", label: "pre-candidate (dotted)", group: "nodes" },
    LegendItem { key: "follower", label: "follower", group: "nodes" },
    LegendItem { key: "down", label: "crashed", group: "nodes" },
    LegendItem { key: "paused", label: "paused", group: "nodes" },
    LegendItem { key: "timer", label: "election timer: fires when the arc runs out", group: "nodes" },
    LegendItem { key: "vote", label: "RequestVote", group: "messages" },
    LegendItem { key: "prevote", label: "PreVote request", group: "messages" },
    LegendItem { key: "vote-granted", label: "vote granted", group: "messages" },
    LegendItem { key: "vote-refused", label: "vote refused", group: "messages" },
    LegendItem { key: "append", label: "AppendEntries (number of entries)", group: "messages" },
    LegendItem { key: "append-ok", label: "append accepted", group: "messages" },
    LegendItem { key: "append-rejected", label: "append rejected", group: "messages" },
    LegendItem { key: "heartbeat", label: "heartbeat", group: "messages" },
    LegendItem { key: "heartbeat-reply", label: "heartbeat answer", group: "messages" },
    LegendItem { key: "duplicate", label: "duplicated copy", group: "messages" },
    LegendItem { key: "lost", label: "lost (fades out)", group: "messages" },
    LegendItem {
        key: "groups",
        label: "sides of a partition: a halo colour each; dashed links between them are cut",
        group: "network",
    },
    LegendItem { key: "cut", label: "one link cut both ways", group: "network" },
    LegendItem { key: "one-way", label: "cut one way: arrow shows the blocked direction", group: "network" },
    LegendItem { key: "client", label: "client request waiting at a node", group: "network" },
];

/// Draws the legend's swatch `key` centred in a `width` × `height` box; `false` for an
/// unknown key.
pub fn swatch(pen: &Pen, key: &str, width: f64, height: f64) -> bool {
    let center = Point { x: width / 2.0, y: height / 2.0 };
    let small = (height / 2.0 - 2.0).min(10.0);
    match key {
        "leader" | "candidate" | "precandidate" | "follower" | "down" => {
            let center = Point { x: center.x, y: center.y + if key == "leader" { 3.0 } else { 0.0 } };
            node(pen, center, small - if key == "leader" { 2.0 } else { 0.0 }, key, false);
        }
        "paused" => node(pen, Point { x: center.x - 2.0, y: center.y + 3.0 }, small - 3.0, "follower", true),
        "timer" => {
            pen.stroke_circle(center, small - 1.0, palette::TIMER_TRACK, 3.0);
            pen.stroke_arc(center, small - 1.0, 0.65, palette::TIMER, 3.0);
        }
        "lost" => lost(pen, Glyph::Append { entries: 0 }, center, 0.55),
        "duplicate" => {
            message(pen, Glyph::Vote { prevote: false }, Point { x: center.x - 3.0, y: center.y + 2.0 }, true)
        }
        "groups" => {
            let left = Point { x: 9.0, y: center.y };
            let right = Point { x: width - 9.0, y: center.y };
            pen.fill_circle(left, 8.5, palette::group(0));
            pen.fill_circle(right, 8.5, palette::group(1));
            link_between_sides(pen, left, right, false);
            node(pen, left, 5.0, "follower", false);
            node(pen, right, 5.0, "follower", false);
        }
        "cut" | "one-way" => {
            let left = Point { x: 2.0, y: center.y - if key == "cut" { 0.0 } else { 3.0 } };
            let right = Point { x: width - 2.0, y: left.y };
            link(pen, left, right, true, key == "cut", false);
        }
        "client" => client_tag(pen, Point { x: 2.0, y: center.y }, "c1 put"),
        _ => match message_swatch(key) {
            Some(glyph) => message(pen, glyph, center, false),
            None => return false,
        },
    }
    true
}

fn message_swatch(key: &str) -> Option<Glyph> {
    Some(match key {
        "vote" => Glyph::Vote { prevote: false },
        "prevote" => Glyph::Vote { prevote: true },
        "vote-granted" => Glyph::VoteAnswer { prevote: false, granted: true },
        "vote-refused" => Glyph::VoteAnswer { prevote: false, granted: false },
        "append" => Glyph::Append { entries: 3 },
        "append-ok" => Glyph::AppendAnswer { accepted: true },
        "append-rejected" => Glyph::AppendAnswer { accepted: false },
        "heartbeat" => Glyph::Heartbeat,
        "heartbeat-reply" => Glyph::HeartbeatAnswer,
        _ => return None,
    })
}

const TAG_FONT_PX: f64 = 10.0;

/// The width of a client operation's tag.
pub fn client_tag_width(pen: &Pen, text: &str) -> f64 {
    pen.text_width(text, TAG_FONT_PX, false) + 10.0
}

/// A client operation's tag, its left edge at `at.x`, centred vertically on `at.y`.
pub fn client_tag(pen: &Pen, at: Point, text: &str) {
    let width = client_tag_width(pen, text);
    pen.fill_rect(Point { x: at.x, y: at.y - 7.5 }, width, 15.0, 7.5, palette::CLIENT);
    pen.text(Point { x: at.x + 5.0, y: at.y + 0.5 }, text, TAG_FONT_PX, false, palette::PAPER, Align::Left);
}
