//! Where things sit on the ring: node centres and radii, the lanes messages travel, and what a
//! click at a point means. Pure geometry in CSS pixels, so it is tested natively and the page's
//! JS never repeats it: JS asks [`Layout::pick`] what is under the pointer.

use raftsim_core::raft::{position_of, NodeId};
use serde::Serialize;

/// Room kept around the ring for labels and client tags, in CSS pixels (less on a small canvas).
const MARGIN_X_PX: f64 = 92.0;
const MARGIN_Y_PX: f64 = 58.0;
const MARGIN_SHARE: f64 = 0.13;
/// How far from a link's centre line a click still picks it.
const LINK_PICK_PX: f64 = 7.0;
/// Messages travel on a lane this far to the right of the link's centre line, so the two
/// directions of one link never overlap.
pub const LANE_OFFSET_PX: f64 = 4.5;

/// A point in CSS pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    pub fn lerp(self, other: Point, fraction: f64) -> Point {
        Point { x: self.x + (other.x - self.x) * fraction, y: self.y + (other.y - self.y) * fraction }
    }

    pub fn distance(self, other: Point) -> f64 {
        (self.x - other.x).hypot(self.y - other.y)
    }
}

/// What is under the pointer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pick {
    /// A node.
    Node { node: NodeId },
    /// The link between two nodes, `a < b`.
    Link { a: NodeId, b: NodeId },
}

/// The ring for `nodes` nodes in a canvas of `width` × `height` CSS pixels.
#[derive(Clone, Debug)]
pub struct Layout {
    pub width: f64,
    pub center: Point,
    /// Each node's radius.
    pub node_radius: f64,
    /// Node centres, by id - 1.
    pub centers: Vec<Point>,
}

impl Layout {
    /// Nodes clockwise from the top, sized to fit: smaller nodes when there are many.
    pub fn new(nodes: u32, width: f64, height: f64) -> Layout {
        assert!(nodes >= 1, "a cluster has a node");
        let center = Point { x: width / 2.0, y: height / 2.0 + 4.0 };
        let margin_x = MARGIN_X_PX.min(width * MARGIN_SHARE).max(40.0);
        let margin_y = MARGIN_Y_PX.min(height * MARGIN_SHARE).max(40.0);
        let ring_radius = ((width / 2.0 - margin_x).min(height / 2.0 - margin_y)).max(40.0);
        let count = f64::from(nodes);
        let spacing = if nodes == 1 { ring_radius } else { ring_radius * (std::f64::consts::PI / count).sin() };
        let node_radius = (spacing * 0.5).clamp(16.0, 34.0);
        let ring_radius = if nodes == 1 { 0.0 } else { ring_radius };
        let centers = (0..nodes)
            .map(|position| {
                let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * f64::from(position) / count;
                Point { x: center.x + ring_radius * angle.cos(), y: center.y + ring_radius * angle.sin() }
            })
            .collect();
        Layout { width, center, node_radius, centers }
    }

    /// Whether labels must be short: many nodes, or a small canvas, leave little room between
    /// neighbours.
    pub fn compact(&self) -> bool {
        self.centers.len() >= 7 || self.node_radius < 27.0
    }

    /// The centre of node `id`.
    pub fn center_of(&self, id: NodeId) -> Point {
        self.centers[position_of(id)]
    }

    /// The lane a message from `from` to `to` travels: from the sender's rim to the receiver's,
    /// shifted to the right of the direction of travel.
    pub fn lane(&self, from: NodeId, to: NodeId) -> (Point, Point) {
        let (start, end) = (self.center_of(from), self.center_of(to));
        let length = start.distance(end).max(1.0);
        let (unit_x, unit_y) = ((end.x - start.x) / length, (end.y - start.y) / length);
        let (normal_x, normal_y) = (-unit_y * LANE_OFFSET_PX, unit_x * LANE_OFFSET_PX);
        let rim = self.node_radius + 3.0;
        let from_rim = Point { x: start.x + unit_x * rim + normal_x, y: start.y + unit_y * rim + normal_y };
        let to_rim = Point { x: end.x - unit_x * rim + normal_x, y: end.y - unit_y * rim + normal_y };
        (from_rim, to_rim)
    }

    /// What is at `point`: a node (within its radius and a little), else the nearest link
    /// within a few pixels of its line, else nothing.
    pub fn pick(&self, point: Point) -> Option<Pick> {
        let grab = self.node_radius + 6.0;
        let node = (1..=self.centers.len() as NodeId)
            .map(|id| (id, self.center_of(id).distance(point)))
            .filter(|&(_, distance)| distance <= grab)
            .min_by(|one, other| one.1.total_cmp(&other.1));
        if let Some((node, _)) = node {
            return Some(Pick::Node { node });
        }
        let count = self.centers.len() as NodeId;
        let links = (1..=count).flat_map(|a| (a + 1..=count).map(move |b| (a, b)));
        links
            .filter_map(|(a, b)| {
                let distance = distance_to_segment(point, self.center_of(a), self.center_of(b));
                (distance <= LINK_PICK_PX).then_some((a, b, distance))
            })
            .min_by(|one, other| one.2.total_cmp(&other.2))
            .map(|(a, b, _)| Pick::Link { a, b })
    }
}

/// The distance from `point` to the segment `start`–`end`, past the segment's ends excluded
/// (a click beyond a node's rim is not on the link).
fn distance_to_segment(point: Point, start: Point, end: Point) -> f64 {
    let (delta_x, delta_y) = (end.x - start.x, end.y - start.y);
    let length_squared = delta_x * delta_x + delta_y * delta_y;
    if length_squared == 0.0 {
        return f64::INFINITY;
    }
    let along = ((point.x - start.x) * delta_x + (point.y - start.y) * delta_y) / length_squared;
    if !(0.0..=1.0).contains(&along) {
        return f64::INFINITY;
    }
    point.distance(start.lerp(end, along))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_node_picks_itself_and_fits_the_canvas() {
        for nodes in 1..=9 {
            let layout = Layout::new(nodes, 720.0, 520.0);
            for id in 1..=nodes {
                let center = layout.center_of(id);
                assert_eq!(layout.pick(center), Some(Pick::Node { node: id }), "{nodes} nodes, node {id}");
                assert!(center.x - layout.node_radius >= 0.0 && center.x + layout.node_radius <= 720.0);
                assert!(center.y - layout.node_radius >= 0.0 && center.y + layout.node_radius <= 520.0);
            }
        }
    }

    #[test]
    fn nodes_do_not_overlap_even_with_nine() {
        let layout = Layout::new(9, 480.0, 420.0);
        for a in 1..=9 {
            for b in a + 1..=9 {
                let gap = layout.center_of(a).distance(layout.center_of(b));
                assert!(gap > 2.0 * layout.node_radius, "nodes {a} and {b}");
            }
        }
    }

    #[test]
    fn a_link_picks_at_its_middle_and_not_beyond_its_ends() {
        let layout = Layout::new(5, 720.0, 520.0);
        let middle = layout.center_of(2).lerp(layout.center_of(4), 0.5);
        assert_eq!(layout.pick(middle), Some(Pick::Link { a: 2, b: 4 }));
        assert_eq!(layout.pick(Point { x: 3.0, y: 3.0 }), None);
    }

    #[test]
    fn the_two_directions_of_a_link_use_different_lanes() {
        let layout = Layout::new(3, 600.0, 500.0);
        let (there_start, there_end) = layout.lane(1, 2);
        let (back_start, back_end) = layout.lane(2, 1);
        let there_middle = there_start.lerp(there_end, 0.5);
        let back_middle = back_start.lerp(back_end, 0.5);
        assert!((there_middle.distance(back_middle) - 2.0 * LANE_OFFSET_PX).abs() < 1e-9);
    }
}
