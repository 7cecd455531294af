//! The ring: nodes clockwise from the top, the links between them, the messages in flight at
//! the simulated moment shown (each placed by interpolating between its send and arrival
//! time), lost messages fading out, cut links as walls, and client operations waiting at the
//! node they were sent to.

use raftsim_core::explore::watch::Watch;
use raftsim_core::raft::{position_of, Node, NodeId, Op, Role, Timer};
use raftsim_core::sim::{Event, LossCause, Server, World};

use super::glyphs::{self, Glyph};
use super::layout::{Layout, Pick, Point};
use super::{palette, Align, Highlight, Pen};

/// Client tags drawn beside one node before the rest are counted as "+N".
const CLIENT_TAGS_MAX: usize = 3;
/// Where a message stuck behind a cut waits, as a fraction of its lane.
const WALL_FRACTION: f64 = 0.47;

/// Draws the whole ring at the simulation's current moment.
pub fn draw(pen: &Pen, simulation: &World, layout: &Layout, highlight: &Highlight) {
    draw_groups(pen, simulation, layout);
    draw_links(pen, simulation, layout, highlight);
    draw_held(pen, simulation, layout);
    draw_losses(pen, simulation, layout);
    draw_messages(pen, simulation, layout);
    let flagged: Vec<NodeId> = simulation.violation().map(|violation| violation.nodes.clone()).unwrap_or_default();
    for (position, server) in simulation.servers().iter().enumerate() {
        let id = position as NodeId + 1;
        let marks = Marks { selected: highlight.selected == Some(id), flagged: flagged.contains(&id) };
        draw_node(pen, simulation, layout, id, server, marks);
    }
    draw_clients(pen, simulation, layout);
}

/// When the network is split, a soft halo of one colour behind the nodes of each side: the
/// groups of nodes that reach each other both ways, directly or through others.
fn draw_groups(pen: &Pen, simulation: &World, layout: &Layout) {
    let groups = partition_groups(simulation);
    if groups.iter().max().copied().unwrap_or(0) == 0 {
        return;
    }
    for (position, &group) in groups.iter().enumerate() {
        let center = layout.center_of(position as NodeId + 1);
        pen.fill_circle(center, layout.node_radius + 17.0, palette::group(group));
    }
}

/// Each node's group (0, 1, ...), numbered by each group's lowest node: the connected parts of
/// the graph whose edges are links open both ways.
pub fn partition_groups(simulation: &World) -> Vec<usize> {
    let count = simulation.servers().len();
    let network = simulation.network();
    let linked = |one: usize, other: usize| {
        let (one, other) = (one as NodeId + 1, other as NodeId + 1);
        !network.is_cut(one, other) && !network.is_cut(other, one)
    };
    let mut group: Vec<Option<usize>> = vec![None; count];
    let mut next = 0;
    for start in 0..count {
        if group[start].is_some() {
            continue;
        }
        group[start] = Some(next);
        let mut stack = vec![start];
        while let Some(node) = stack.pop() {
            let reached: Vec<usize> =
                (0..count).filter(|&other| group[other].is_none() && linked(node, other)).collect();
            for other in reached {
                group[other] = Some(next);
                stack.push(other);
            }
        }
        next += 1;
    }
    group.into_iter().map(|group| group.expect("every node is reached")).collect()
}

/// Links, with their cuts. Between two sides of a partition (the halos tell the sides) a cut
/// is a faint dashed line; a wall marks a link cut inside one side, and an arrow a one-way cut.
fn draw_links(pen: &Pen, simulation: &World, layout: &Layout, highlight: &Highlight) {
    let count = simulation.servers().len() as NodeId;
    let network = simulation.network();
    let groups = partition_groups(simulation);
    for a in 1..=count {
        for b in a + 1..=count {
            let hovered = highlight.hover == Some(Pick::Link { a, b });
            let (start, end) = (layout.center_of(a), layout.center_of(b));
            let (cut_ab, cut_ba) = (network.is_cut(a, b), network.is_cut(b, a));
            let between_sides = groups[position_of(a)] != groups[position_of(b)];
            if cut_ab && cut_ba && between_sides {
                glyphs::link_between_sides(pen, start, end, hovered);
            } else {
                glyphs::link(pen, start, end, cut_ab, cut_ba, hovered);
            }
        }
    }
}

/// Every message in flight, where it is now along its lane. A message whose link is cut waits
/// at the wall, faded: it is lost on arrival unless the link heals first.
fn draw_messages(pen: &Pen, simulation: &World, layout: &Layout) {
    let now_us = simulation.now_us();
    let network = simulation.network();
    for scheduled in simulation.pending_events() {
        let Event::Deliver { message, sent_us, duplicate, .. } = &scheduled.event else { continue };
        let span_us = scheduled.time_us.saturating_sub(*sent_us);
        let elapsed_us = now_us.saturating_sub(*sent_us);
        let mut progress = if span_us == 0 { 1.0 } else { (elapsed_us as f64 / span_us as f64).min(1.0) };
        let blocked = network.is_cut(message.from, message.to);
        if blocked {
            progress = progress.min(WALL_FRACTION);
            pen.alpha(0.55);
        }
        let (start, end) = layout.lane(message.from, message.to);
        glyphs::message(pen, Glyph::of(&message.body), start.lerp(end, progress), *duplicate);
        if blocked {
            pen.alpha(1.0);
        }
    }
}

/// Lost messages fade out over twice the longest ordinary latency: at the sender when the
/// network dropped them, at the wall when a cut stopped them, at the receiver when it was down.
fn draw_losses(pen: &Pen, simulation: &World, layout: &Layout) {
    let now_us = simulation.now_us();
    let fade_us = (2 * simulation.parameters().network.latency_us_max).max(2_000);
    for loss in simulation.recent_losses() {
        let age_us = now_us.saturating_sub(loss.lost_us);
        if age_us >= fade_us {
            continue;
        }
        let age = age_us as f64 / fade_us as f64;
        let progress = match loss.cause {
            LossCause::Network => 0.12 + 0.2 * age,
            LossCause::Cut => WALL_FRACTION,
            LossCause::Down => 0.92,
        };
        let (start, end) = layout.lane(loss.message.from, loss.message.to);
        glyphs::lost(pen, Glyph::of(&loss.message.body), start.lerp(end, progress), 0.85 * (1.0 - age));
    }
}

/// Messages a held link keeps, piled near their sender, with a count.
fn draw_held(pen: &Pen, simulation: &World, layout: &Layout) {
    let network = simulation.network();
    let held = network.held_messages();
    if held.is_empty() {
        return;
    }
    let mut counted: Vec<((NodeId, NodeId), usize)> = Vec::new();
    for message in held {
        let link = (message.from, message.to);
        let position = match counted.iter_mut().find(|(key, _)| *key == link) {
            Some((_, count)) => {
                *count += 1;
                *count - 1
            }
            None => {
                counted.push((link, 1));
                0
            }
        };
        let (start, end) = layout.lane(message.from, message.to);
        let at = start.lerp(end, 0.14 + 0.025 * position.min(6) as f64);
        glyphs::message(pen, Glyph::of(&message.body), at, false);
    }
    for ((from, to), count) in counted {
        let (start, end) = layout.lane(from, to);
        let at = start.lerp(end, 0.3);
        glyphs::held_count(pen, at, count);
    }
}

#[derive(Clone, Copy)]
struct Marks {
    selected: bool,
    flagged: bool,
}

fn draw_node(pen: &Pen, simulation: &World, layout: &Layout, id: NodeId, server: &Server, marks: Marks) {
    let center = layout.center_of(id);
    let radius = layout.node_radius;
    let node = server.node.as_ref();
    let role = node.map_or("down", |node| node.role().name());
    glyphs::node_marks(pen, center, radius, 1.0, (marks.flagged, marks.selected));
    if let Some(node) = node {
        draw_election_timer(pen, simulation, center, radius, server, node);
    }
    glyphs::node(pen, center, radius, role, server.paused);
    let term = node.map_or(server.disk.durable().hard_state.term, Node::term);
    let name_size = (radius * 0.5).clamp(10.0, 15.0);
    let term_size = (radius * 0.36).clamp(8.5, 11.5);
    let ink = if node.is_some() { palette::INK } else { palette::MUTED };
    pen.text(
        Point { x: center.x, y: center.y - radius * 0.24 },
        &format!("S{id}"),
        name_size,
        true,
        ink,
        Align::Center,
    );
    let term_text = format!("term {term}");
    pen.text(Point { x: center.x, y: center.y + radius * 0.34 }, &term_text, term_size, false, ink, Align::Center);
    let mut line_y = center.y + radius + 13.0;
    let colors = palette::role(role);
    let label = role_label(simulation, server, layout.compact(), layout.node_radius < 20.0);
    let label_size = if layout.compact() { 10.0 } else { 11.0 };
    pen.text(Point { x: center.x, y: line_y }, &label, label_size, true, colors.outline, Align::Center);
    if let Some(clock) = clock_label(server.clock.drift_ppm, server.clock.offset_us, layout.compact()) {
        line_y += 13.0;
        pen.text(Point { x: center.x, y: line_y }, &clock, 10.0, false, palette::MUTED, Align::Center);
    }
}

/// The election timer as an arc that drains clockwise: full is the longest timeout, so each
/// arc starts at a random length and the shortest runs out first, which is how randomised
/// timeouts avoid split votes (§5.2).
fn draw_election_timer(pen: &Pen, simulation: &World, center: Point, radius: f64, server: &Server, node: &Node) {
    let slot = server.timers[Timer::Election.slot()];
    let Some(deadline_local_us) = slot.deadline_local_us else { return };
    if node.role() == Role::Leader {
        return;
    }
    let now_us = simulation.now_us();
    let deadline_us = server.clock.true_us_at(deadline_local_us, now_us);
    let span_us = node.config().protocol.election_timeout_us_max.max(1);
    let remaining = deadline_us.saturating_sub(now_us) as f64 / span_us as f64;
    glyphs::election_timer(pen, center, radius, remaining);
}

/// "leader", "candidate · has 2 votes, needs 3", "follower · paused", "crashed"; shorter when
/// nodes are small ("pre-cand. · 2 of 3 votes").
fn role_label(simulation: &World, server: &Server, compact: bool, tiny: bool) -> String {
    let Some(node) = server.node.as_ref() else { return "crashed".into() };
    let mut label = match node.role() {
        Role::PreCandidate if compact => "pre-cand.".to_string(),
        Role::PreCandidate => "pre-candidate".to_string(),
        role => role.name().to_string(),
    };
    // Tiny nodes (nine on a phone) leave room for the role alone.
    if matches!(node.role(), Role::Candidate | Role::PreCandidate) && !(compact && tiny) {
        let granted = node.votes().values().filter(|&&granted| granted).count();
        let quorum = raftsim_core::raft::quorum(simulation.servers().len());
        let votes = if granted == 1 { "vote" } else { "votes" };
        if compact {
            label.push_str(&format!(" · {granted} of {quorum} {votes}"));
        } else {
            label.push_str(&format!(" · has {granted} {votes}, needs {quorum}"));
        }
    }
    if server.paused {
        label.push_str(" · paused");
    }
    label
}

/// What a node's clock does wrong, in words under the node ("clock 2.5% fast, 400 ms ahead"),
/// or in signs where room is short ("clock +2.5% +400 ms"); `None` for a true clock.
fn clock_label(drift_ppm: i64, offset_us: i64, compact: bool) -> Option<String> {
    if drift_ppm == 0 && offset_us == 0 {
        return None;
    }
    let percent = drift_ppm.unsigned_abs() as f64 / 10_000.0;
    let offset_ms = offset_us.unsigned_abs() / 1_000;
    let mut parts = Vec::new();
    if drift_ppm != 0 {
        parts.push(match (compact, drift_ppm > 0) {
            (true, fast) => format!("{}{percent:.1}%", if fast { "+" } else { "−" }),
            (false, true) => format!("{percent:.1}% fast"),
            (false, false) => format!("{percent:.1}% slow"),
        });
    }
    if offset_us != 0 {
        parts.push(match (compact, offset_us > 0) {
            (true, ahead) => format!("{}{offset_ms} ms", if ahead { "+" } else { "−" }),
            (false, true) => format!("{offset_ms} ms ahead"),
            (false, false) => format!("{offset_ms} ms behind"),
        });
    }
    Some(format!("clock {}", parts.join(if compact { " " } else { ", " })))
}

/// Each waiting client operation as a tag beside the node it was sent to, on the side away
/// from the ring's centre.
fn draw_clients(pen: &Pen, simulation: &World, layout: &Layout) {
    let mut tags: Vec<Vec<String>> = vec![Vec::new(); simulation.servers().len()];
    for client in simulation.clients() {
        let Some(pending) = &client.pending else { continue };
        let text = format!("c{} {}", client.client_id, op_label(&pending.command.op));
        tags[position_of(client.target)].push(text);
    }
    for (position, node_tags) in tags.iter().enumerate() {
        if node_tags.is_empty() {
            continue;
        }
        let center = layout.center_of(position as NodeId + 1);
        let outward_right = center.x >= layout.center.x - 1.0;
        let edge_x =
            if outward_right { center.x + layout.node_radius + 10.0 } else { center.x - layout.node_radius - 10.0 };
        let mut y = center.y - layout.node_radius + 6.0;
        let shown = node_tags.len().min(CLIENT_TAGS_MAX);
        for text in node_tags.iter().take(shown) {
            draw_tag(pen, layout, edge_x, y, text, outward_right);
            y += 17.0;
        }
        if node_tags.len() > shown {
            draw_tag(pen, layout, edge_x, y, &format!("+{} more", node_tags.len() - shown), outward_right);
        }
    }
}

/// A tag beside a node, kept inside the canvas.
fn draw_tag(pen: &Pen, layout: &Layout, edge_x: f64, y: f64, text: &str, rightwards: bool) {
    let width = glyphs::client_tag_width(pen, text);
    let left = if rightwards { edge_x } else { edge_x - width };
    let left = left.min(layout.width - width - 2.0).max(2.0);
    glyphs::client_tag(pen, Point { x: left, y }, text);
}

/// "get 0", "put 1", "append 0", "cas 2".
pub fn op_label(op: &Op) -> String {
    match op {
        Op::Get { key } => format!("get {key}"),
        Op::Put { key, .. } => format!("put {key}"),
        Op::Append { key, .. } => format!("append {key}"),
        Op::Cas { key, .. } => format!("cas {key}"),
    }
}

#[cfg(test)]
mod tests {
    use raftsim_core::scenario::{preset, Action};

    use super::*;

    #[test]
    fn partition_groups_follow_links_open_both_ways() {
        let mut simulation = World::new(preset("calm-election").expect("a preset")).expect("valid");
        assert_eq!(partition_groups(&simulation), vec![0; 5], "no cut: one group");
        simulation.act_now(Action::Partition { groups: vec![vec![1, 4], vec![2, 3, 5]] });
        assert_eq!(partition_groups(&simulation), vec![0, 1, 1, 0, 1]);
        simulation.act_now(Action::Heal);
        simulation.act_now(Action::OneWay { from: vec![1], to: vec![2, 3, 4, 5] });
        assert_eq!(partition_groups(&simulation), vec![0, 1, 1, 1, 1], "a one-way cut is still a cut");
        simulation.act_now(Action::Heal);
        simulation.act_now(Action::CutLink { a: 1, b: 2 });
        assert_eq!(partition_groups(&simulation), vec![0; 5], "S1 still reaches S2 through the others");
    }

    #[test]
    fn a_clock_label_says_in_words_how_the_clock_is_wrong() {
        assert_eq!(clock_label(0, 0, false), None);
        assert_eq!(clock_label(1_000, -445_000, false).as_deref(), Some("clock 0.1% fast, 445 ms behind"));
        assert_eq!(clock_label(-25_000, 0, false).as_deref(), Some("clock 2.5% slow"));
        assert_eq!(clock_label(0, 400_000, false).as_deref(), Some("clock 400 ms ahead"));
        assert_eq!(
            clock_label(1_000, -445_000, true).as_deref(),
            Some("clock +0.1% −445 ms"),
            "signs where room is short"
        );
    }
}
