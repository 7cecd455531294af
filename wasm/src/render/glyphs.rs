//! The shapes the ring and the legend share: a message of each kind, a node in each role and
//! its marks, an election timer, held messages, a cut link. Requests are filled and answers
//! hollow; votes are round, pre-votes diamonds, appends are envelopes, heartbeats are small
//! dots; an answer carries a tick or a cross. So kinds are told apart by shape as well as
//! colour, and the legend, drawn by these same functions, shows exactly what the ring does.

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
/// A pre-vote's diamond, from its centre to a corner: a little larger than a vote's circle, so
/// the two shapes cover about as much ink.
const PREVOTE_RADIUS_PX: f64 = 7.5;
const HEARTBEAT_RADIUS_PX: f64 = 3.6;
const ENVELOPE_WIDTH_PX: f64 = 14.0;
const ENVELOPE_HEIGHT_PX: f64 = 10.0;

/// Draws a message at `at`; a duplicated copy gets a purple ring and a small "2".
pub fn message(pen: &Pen, glyph: Glyph, at: Point, duplicate: bool) {
    let outer_radius = match glyph {
        Glyph::Vote { prevote: true } => {
            pen.fill_polygon(&diamond(at, PREVOTE_RADIUS_PX), palette::PREVOTE);
            PREVOTE_RADIUS_PX
        }
        Glyph::Vote { prevote: false } => {
            pen.fill_circle(at, VOTE_RADIUS_PX, palette::VOTE);
            VOTE_RADIUS_PX
        }
        Glyph::VoteAnswer { prevote: true, granted } => {
            pen.fill_polygon(&diamond(at, PREVOTE_RADIUS_PX), palette::PREVOTE);
            pen.fill_polygon(&diamond(at, PREVOTE_RADIUS_PX - 2.2), palette::PAPER);
            verdict(pen, at, granted, 2.3);
            PREVOTE_RADIUS_PX
        }
        Glyph::VoteAnswer { prevote: false, granted } => {
            pen.fill_circle(at, VOTE_RADIUS_PX, palette::PAPER);
            pen.stroke_circle(at, VOTE_RADIUS_PX - 0.8, palette::VOTE, 2.0);
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

/// The corners of a diamond centred at `at`, `radius` from its centre to each corner.
fn diamond(at: Point, radius: f64) -> [Point; 4] {
    [
        Point { x: at.x, y: at.y - radius },
        Point { x: at.x + radius, y: at.y },
        Point { x: at.x, y: at.y + radius },
        Point { x: at.x - radius, y: at.y },
    ]
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
        "leader" => crown(pen, Point { x: center.x, y: center.y - radius - 4.0 }, crown_scale(radius), colors.outline),
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

/// How far a leader's crown rises above its node's outline, in pixels, for a node of
/// `radius`: the legend sizes its swatch so that the crown fits.
pub fn crown_height_px(radius: f64) -> f64 {
    4.0 + CROWN_HEIGHT * crown_scale(radius)
}

/// The crown's height at scale 1, to the top of its balls, in its own units.
const CROWN_HEIGHT: f64 = 14.3;

fn crown_scale(radius: f64) -> f64 {
    (radius / 30.0).clamp(0.6, 1.2)
}

/// A crown centred above `base`, scaled by `scale` (1: for a 30-pixel node): a band with three
/// points, each tipped with a ball, so that even small it reads as a crown, not a bar.
fn crown(pen: &Pen, base: Point, scale: f64, color: &str) {
    let point = |dx: f64, dy: f64| Point { x: base.x + dx * scale, y: base.y + dy * scale };
    let outline = [
        point(-9.0, 0.0),
        point(-10.0, -11.0),
        point(-4.5, -5.0),
        point(0.0, -12.0),
        point(4.5, -5.0),
        point(10.0, -11.0),
        point(9.0, 0.0),
    ];
    pen.fill_polygon(&outline, color);
    for (dx, dy) in [(-10.0, -11.5), (0.0, -12.5), (10.0, -11.5)] {
        pen.fill_circle(point(dx, dy), 1.8 * scale, color);
    }
}

/// The marks around a node: a red halo when a failed check names it, a blue ring when it is
/// the one selected. `spread` scales their distance from the node (1 on the ring, where they
/// clear the election timer's arc; less in the legend's small swatch).
pub fn node_marks(pen: &Pen, center: Point, radius: f64, spread: f64, (flagged, selected): (bool, bool)) {
    if flagged {
        pen.fill_circle(center, radius + 11.0 * spread, "rgba(197, 34, 31, 0.16)");
        pen.stroke_circle(center, radius + 10.0 * spread, palette::VIOLATION, 3.0 * spread.max(0.6));
    }
    if selected {
        pen.stroke_circle(center, radius + 7.0 * spread, palette::SELECTED, 2.5 * spread.max(0.7));
    }
}

/// A node's election timer: an arc around it, `remaining` of a full turn (1: the longest
/// timeout), that drains as the timeout runs.
pub fn election_timer(pen: &Pen, center: Point, radius: f64, remaining: f64) {
    let arc_radius = radius + 4.5;
    pen.stroke_circle(center, arc_radius, palette::TIMER_TRACK, 3.0);
    pen.stroke_arc(center, arc_radius, remaining, palette::TIMER, 3.0);
}

/// The count over messages a link holds, centred at `at`.
pub fn held_count(pen: &Pen, at: Point, count: usize) {
    pen.text(Point { x: at.x, y: at.y - 11.0 }, &format!("{count} held"), 10.0, true, palette::HELD, Align::Center);
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
pub const LEGEND: [LegendItem; 27] = [
    LegendItem { key: "leader", label: "leader (crown, heavy outline)", group: "nodes" },
    LegendItem { key: "candidate", label: "candidate (dashed)", group: "nodes" },
    LegendItem { key: "precandidate", label: "pre-candidate (dotted)", group: "nodes" },
    LegendItem { key: "follower", label: "follower", group: "nodes" },
    LegendItem { key: "down", label: "crashed", group: "nodes" },
    LegendItem { key: "paused", label: "paused", group: "nodes" },
    LegendItem { key: "timer", label: "election timer: fires when the arc runs out", group: "nodes" },
    LegendItem { key: "selected", label: "selected (its details in the inspector)", group: "nodes" },
    LegendItem { key: "flagged", label: "named by a failed check", group: "nodes" },
    LegendItem { key: "vote", label: "RequestVote (round)", group: "messages" },
    LegendItem { key: "vote-granted", label: "vote granted", group: "messages" },
    LegendItem { key: "vote-refused", label: "vote refused", group: "messages" },
    LegendItem { key: "prevote", label: "PreVote request (diamond)", group: "messages" },
    LegendItem { key: "prevote-granted", label: "pre-vote granted", group: "messages" },
    LegendItem { key: "prevote-refused", label: "pre-vote refused", group: "messages" },
    LegendItem { key: "append", label: "AppendEntries (number of entries)", group: "messages" },
    LegendItem { key: "append-ok", label: "append accepted", group: "messages" },
    LegendItem { key: "append-rejected", label: "append rejected", group: "messages" },
    LegendItem { key: "heartbeat", label: "heartbeat", group: "messages" },
    LegendItem { key: "heartbeat-reply", label: "heartbeat answer", group: "messages" },
    LegendItem { key: "duplicate", label: "duplicated copy", group: "messages" },
    LegendItem { key: "lost", label: "lost (fades out)", group: "messages" },
    LegendItem { key: "held", label: "held by the network, with their count", group: "messages" },
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
        "leader" => {
            // The crown must fit above the node: the node shrinks and sits low to make room
            // (its heavy outline reaches 2 px past its radius).
            let radius = (small - 4.0).max(4.0);
            let center = Point { x: center.x, y: height - radius - 2.0 };
            debug_assert!(center.y - radius - crown_height_px(radius) >= 0.0, "the crown fits");
            node(pen, center, radius, key, false);
        }
        "candidate" | "precandidate" | "follower" | "down" => node(pen, center, small, key, false),
        "paused" => node(pen, Point { x: center.x - 2.0, y: center.y + 3.0 }, small - 3.0, "follower", true),
        "timer" => {
            election_timer(pen, center, small - 5.5, 0.65);
            node(pen, center, small - 5.5, "follower", false);
        }
        "selected" | "flagged" => {
            node_marks(pen, center, small - 4.0, 0.45, (key == "flagged", key == "selected"));
            node(pen, center, small - 4.0, "follower", false);
        }
        "held" => {
            let at = Point { x: center.x, y: center.y + 5.0 };
            message(pen, Glyph::Append { entries: 1 }, Point { x: at.x - 5.0, y: at.y }, false);
            message(pen, Glyph::Append { entries: 1 }, at, false);
            held_count(pen, Point { x: at.x, y: at.y + 1.0 }, 2);
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
        "prevote-granted" => Glyph::VoteAnswer { prevote: true, granted: true },
        "prevote-refused" => Glyph::VoteAnswer { prevote: true, granted: false },
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
