//! The messages of a recorded run, as the space-time diagram draws them: one arrow per message
//! from its send to its arrival (or loss), kept in send order and found by time range in
//! O(log n + visible).
//!
//! Arrows are stored densely by message number, so an arrival finds its send in O(1). Arrows
//! sent in a window are a contiguous range (send order is time order); the ones sent before it
//! that are still in flight when it starts are found through a max-tree over blocks of arrows
//! holding the latest end in each block, so a message held back for minutes costs one descent,
//! not a scan of everything sent meanwhile.

use crate::raft::{Body, MessageKind, NodeId, Term};

use crate::sim::LossCause;

/// Arrows kept at most: when full, the older half goes (the diagram says from when it holds
/// them). 48 bytes each: 12 MiB at most, about a minute of a busy 9-node cluster, hours of a
/// calm 5-node one.
pub const ARROWS_MAX: usize = 1 << 18;
/// Arrows per block of the max-tree.
const BLOCK: usize = 64;
/// The end of an arrow whose message is held on a link: not known until it is released.
pub const HELD_END_US: u64 = u64::MAX;
/// The settling event of an arrow still in flight.
pub const UNSETTLED: u64 = u64::MAX;

/// How a message looks: what the ring's glyphs need (its kind, whether an answer said yes,
/// how many entries an append carries).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Look {
    /// The kind.
    pub kind: MessageKind,
    /// A vote granted or an append accepted (false for requests).
    pub ok: bool,
    /// Entries an AppendEntries carries (saturating).
    pub entries: u16,
}

impl Look {
    /// How `body` looks.
    pub fn of(body: &Body) -> Look {
        let (ok, entries) = match body {
            Body::VoteResponse { granted, .. } => (*granted, 0),
            Body::AppendRequest { entries, .. } => (false, u16::try_from(entries.len()).unwrap_or(u16::MAX)),
            Body::AppendResponse { outcome, .. } => (matches!(outcome, crate::raft::AppendOutcome::Accepted { .. }), 0),
            _ => (false, 0),
        };
        Look { kind: body.kind(), ok, entries }
    }
}

/// What became of a message (or of its duplicated copy).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// On its way: it arrives at its end time.
    Flying,
    /// Waiting on a held link: its end is not known yet.
    Held,
    /// Delivered to a running receiver at its end time.
    Delivered,
    /// Lost at its end time (at its send, for a network drop).
    Lost(LossCause),
}

/// One message: from its send to its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arrow {
    /// When it was sent.
    pub sent_us: u64,
    /// When it arrives or arrived, or was lost ([`HELD_END_US`] while held).
    pub end_us: u64,
    /// The event that sent it.
    pub sent_event: u64,
    /// The event that settled its fate ([`UNSETTLED`] while flying or held).
    pub settled_event: u64,
    /// The sender's term.
    pub term: Term,
    /// Sender and receiver.
    pub from: u8,
    /// The receiver.
    pub to: u8,
    /// Its glyph.
    pub look: Look,
    /// What became of it.
    pub fate: Fate,
    /// The network duplicated it: a copy of its own is in [`Arrows::copy`].
    pub duplicated: bool,
}

impl Arrow {
    /// The sender.
    pub fn from(&self) -> NodeId {
        NodeId::from(self.from)
    }
    /// The receiver.
    pub fn to(&self) -> NodeId {
        NodeId::from(self.to)
    }
}

/// The extra copy of a duplicated message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Duplicate {
    /// The message's number.
    pub id: u64,
    /// When the copy arrives or arrived.
    pub end_us: u64,
    /// The event that settled it ([`UNSETTLED`] while flying).
    pub settled_event: u64,
    /// What became of it.
    pub fate: Fate,
}

/// A held message's release: it was held until `event`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Release {
    id: u64,
    event: u64,
}

/// The arrows, densely by message number from `first_id`.
#[derive(Clone, Debug, Default)]
pub struct Arrows {
    first_id: u64,
    list: Vec<Arrow>,
    /// Duplicated copies, by message number.
    copies: Vec<Duplicate>,
    /// Releases of held messages, by message number.
    releases: Vec<Release>,
    /// The numbers of the election messages (PreVote and RequestVote, asked and answered), in
    /// order: few, and what a window too crowded to draw every arrow still shows.
    elections: Vec<u64>,
    /// The latest end (copies included) in each block of arrows.
    tree: MaxTree,
    /// Messages sent before this time are no longer kept (0: all are).
    kept_from_us: u64,
}

impl Arrows {
    /// The most one arrow costs: itself, a duplicated copy, a release, its number among the
    /// elections, its share of the tree.
    pub const BYTES_PER_ARROW_MAX: usize =
        std::mem::size_of::<Arrow>() + std::mem::size_of::<Duplicate>() + std::mem::size_of::<Release>() + 8 + 1;

    /// The memory held now, in bytes (the tree holds at most four words per block).
    pub fn bytes(&self) -> usize {
        self.list.capacity() * std::mem::size_of::<Arrow>()
            + self.copies.capacity() * std::mem::size_of::<Duplicate>()
            + self.releases.capacity() * std::mem::size_of::<Release>()
            + self.elections.capacity() * 8
            + self.tree.values.capacity() * 8
    }

    /// Arrows held now.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether none is held.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The number the next message must have.
    pub fn next_id(&self) -> u64 {
        self.first_id + self.list.len() as u64
    }

    /// Messages sent before this time were let go to bound memory (0 if none was).
    pub fn kept_from_us(&self) -> u64 {
        self.kept_from_us
    }

    /// The arrow at `position` (from 0, in send order).
    pub fn at(&self, position: usize) -> &Arrow {
        &self.list[position]
    }

    /// The message number of the arrow at `position`.
    pub fn id_at(&self, position: usize) -> u64 {
        self.first_id + position as u64
    }

    /// The duplicated copy of message `id`, if it has one.
    pub fn copy(&self, id: u64) -> Option<&Duplicate> {
        let position = self.copies.partition_point(|copy| copy.id < id);
        self.copies.get(position).filter(|copy| copy.id == id)
    }

    /// The latest end of the arrow at `position` and of its copy.
    fn reach_us(&self, position: usize) -> u64 {
        let arrow = &self.list[position];
        let copy_end = if arrow.duplicated { self.copy(self.id_at(position)).map_or(0, |copy| copy.end_us) } else { 0 };
        arrow.end_us.max(copy_end)
    }

    /// Adds message `id`, sent now; `copy_end_us` is the arrival of a duplicated copy.
    pub fn push(&mut self, id: u64, arrow: Arrow, copy_end_us: Option<u64>) {
        assert_eq!(id, self.next_id(), "messages are recorded in the order they are numbered");
        assert!(self.list.last().is_none_or(|last| last.sent_us <= arrow.sent_us), "send order is time order");
        if self.list.len() == ARROWS_MAX {
            self.let_older_half_go();
        }
        let mut reach_us = arrow.end_us;
        if let Some(end_us) = copy_end_us {
            assert!(arrow.duplicated, "only a duplicated message has a copy");
            self.copies.push(Duplicate { id, end_us, settled_event: UNSETTLED, fate: Fate::Flying });
            reach_us = reach_us.max(end_us);
        }
        if is_election(arrow.look.kind) {
            self.elections.push(id);
        }
        self.list.push(arrow);
        self.tree.raise((self.list.len() - 1) / BLOCK, reach_us);
    }

    /// Bounds memory: the older half of the arrows goes.
    fn let_older_half_go(&mut self) {
        let gone = self.list.len() / 2;
        assert_eq!(gone % BLOCK, 0, "whole blocks go, so the others keep their places in the tree");
        self.kept_from_us = self.list[gone].sent_us;
        self.list.drain(..gone);
        self.first_id += gone as u64;
        let first_id = self.first_id;
        self.copies.retain(|copy| copy.id >= first_id);
        self.releases.retain(|release| release.id >= first_id);
        self.elections.retain(|&id| id >= first_id);
        self.rebuild_tree();
    }

    fn rebuild_tree(&mut self) {
        self.tree = MaxTree::default();
        for position in 0..self.list.len() {
            let reach_us = self.reach_us(position);
            self.tree.raise(position / BLOCK, reach_us);
        }
    }

    /// The position of message `id`, if it is kept.
    fn position(&self, id: u64) -> Option<usize> {
        let position = usize::try_from(id.checked_sub(self.first_id)?).ok()?;
        (position < self.list.len()).then_some(position)
    }

    /// Message `id` (or its copy) arrived at `event`: delivered, or lost for `lost`.
    pub fn settle(&mut self, id: u64, copy: bool, event: u64, now_us: u64, lost: Option<LossCause>) {
        let Some(position) = self.position(id) else { return };
        let fate = lost.map_or(Fate::Delivered, Fate::Lost);
        if copy {
            let index = self.copies.partition_point(|copy| copy.id < id);
            let copy = self.copies.get_mut(index).filter(|copy| copy.id == id).expect("a copy was recorded");
            assert_eq!(copy.end_us, now_us, "a copy arrives when the network said");
            (copy.settled_event, copy.fate) = (event, fate);
            return;
        }
        let arrow = &mut self.list[position];
        assert_eq!(arrow.end_us, now_us, "a message arrives when the network said");
        assert_eq!(arrow.settled_event, UNSETTLED, "a message arrives once");
        (arrow.settled_event, arrow.fate) = (event, fate);
    }

    /// Held message `id` was released at `event` and arrives at `end_us`.
    pub fn release(&mut self, id: u64, event: u64, end_us: u64) {
        let Some(position) = self.position(id) else { return };
        let arrow = &mut self.list[position];
        assert_eq!(arrow.fate, Fate::Held, "only a held message is released");
        (arrow.end_us, arrow.fate) = (end_us, Fate::Flying);
        self.releases.push(Release { id, event });
        self.refresh_block(position / BLOCK);
    }

    fn refresh_block(&mut self, block: usize) {
        let end = ((block + 1) * BLOCK).min(self.list.len());
        let reach_us = (block * BLOCK..end).map(|position| self.reach_us(position)).max().unwrap_or(0);
        self.tree.set(block, reach_us);
    }

    /// Forgets what happened after event `event`: arrows sent later go, and arrows sent by then
    /// that arrived (or were released) later are in flight (or held) again. `now_us` is the
    /// time shown at that event: every arrow settled later ends at or after it. `next_id` is
    /// the number of the next message the world will send.
    pub fn truncate(&mut self, event: u64, now_us: u64, next_id: u64) {
        let kept = self.list.partition_point(|arrow| arrow.sent_event <= event);
        self.list.truncate(kept);
        if self.list.is_empty() {
            // The fork is older than every arrow kept: the record holds messages from it on.
            self.first_id = next_id;
            if self.kept_from_us > 0 {
                self.kept_from_us = now_us;
            }
        }
        assert_eq!(self.next_id(), next_id, "the record holds every message sent up to the fork since it began");
        self.copies.retain(|copy| copy.id < next_id);
        self.elections.retain(|&id| id < next_id);
        let undone: Vec<u64> =
            self.releases.iter().filter(|release| release.event > event).map(|release| release.id).collect();
        self.releases.retain(|release| release.event <= event && release.id < next_id);
        for id in undone.into_iter().filter(|&id| id < next_id) {
            if let Some(position) = self.position(id) {
                let arrow = &mut self.list[position];
                (arrow.end_us, arrow.fate, arrow.settled_event) = (HELD_END_US, Fate::Held, UNSETTLED);
            }
        }
        for position in self.reaching(now_us, self.list.len()) {
            let id = self.id_at(position);
            let arrow = &mut self.list[position];
            if arrow.settled_event != UNSETTLED && arrow.settled_event > event {
                (arrow.settled_event, arrow.fate) = (UNSETTLED, Fate::Flying);
            }
            if arrow.duplicated {
                let index = self.copies.partition_point(|copy| copy.id < id);
                if let Some(copy) = self
                    .copies
                    .get_mut(index)
                    .filter(|copy| copy.id == id && copy.settled_event != UNSETTLED && copy.settled_event > event)
                {
                    (copy.settled_event, copy.fate) = (UNSETTLED, Fate::Flying);
                }
            }
        }
        self.rebuild_tree();
    }

    /// The positions of the arrows sent before `before` (a position) whose arrow or copy ends
    /// at or after `from_us`.
    fn reaching(&self, from_us: u64, before: usize) -> Vec<usize> {
        let mut positions = Vec::new();
        let blocks_end = before.div_ceil(BLOCK);
        for block in self.tree.at_least(from_us, blocks_end) {
            let end = ((block + 1) * BLOCK).min(before);
            positions.extend((block * BLOCK..end).filter(|&position| self.reach_us(position) >= from_us));
        }
        positions
    }

    /// The positions of the arrows drawn in the window `from_us..=to_us`, in send order: sent in
    /// it, or sent before it and still in flight (or held) when it starts. O(log n + found).
    pub fn in_window(&self, from_us: u64, to_us: u64) -> Vec<usize> {
        let (first, last) = self.sent_range(from_us, to_us);
        let mut positions = self.reaching(from_us, first);
        positions.extend(first..last);
        positions
    }

    /// The positions of the election messages (PreVote and RequestVote, asked and answered)
    /// drawn in the window `from_us..=to_us`: sent in it, or sent up to `reach_us` before it and
    /// still flying when it starts. O(log n + found), for a window too crowded to draw in full.
    pub fn elections_in_window(&self, from_us: u64, to_us: u64, reach_us: u64) -> Vec<usize> {
        let kept = |id: u64| self.position(id).expect("an election message drawn is kept");
        let sent_us = |&id: &u64| self.list[kept(id)].sent_us;
        let first = self.elections.partition_point(|id| sent_us(id) < from_us.saturating_sub(reach_us));
        let last = self.elections.partition_point(|id| sent_us(id) <= to_us);
        let positions = self.elections[first..last.max(first)].iter().map(|&id| kept(id));
        positions
            .filter(|&position| self.list[position].sent_us >= from_us || self.reach_us(position) >= from_us)
            .collect()
    }

    /// The range of positions of the arrows sent in `from_us..=to_us`: O(log n), so the page
    /// can tell a window too crowded to draw one by one before collecting it.
    pub fn sent_range(&self, from_us: u64, to_us: u64) -> (usize, usize) {
        let first = self.list.partition_point(|arrow| arrow.sent_us < from_us);
        let last = self.list.partition_point(|arrow| arrow.sent_us <= to_us).max(first);
        (first, last)
    }
}

/// Whether messages of `kind` belong to an election.
fn is_election(kind: MessageKind) -> bool {
    matches!(kind, MessageKind::PreVote | MessageKind::PreVoteResponse | MessageKind::Vote | MessageKind::VoteResponse)
}

/// A binary tree of maxima over a growing array of leaves (blocks of arrows).
#[derive(Clone, Debug, Default)]
struct MaxTree {
    /// Leaves start at `capacity`; node `i` holds the maximum of nodes `2i` and `2i + 1`.
    values: Vec<u64>,
    capacity: usize,
}

impl MaxTree {
    /// Raises leaf `leaf` to at least `value`.
    fn raise(&mut self, leaf: usize, value: u64) {
        self.grow_to(leaf);
        let mut node = leaf + self.capacity;
        while node >= 1 && self.values[node] < value {
            self.values[node] = value;
            node /= 2;
        }
    }

    /// Sets leaf `leaf` to `value` (lower or higher).
    fn set(&mut self, leaf: usize, value: u64) {
        self.grow_to(leaf);
        let mut node = leaf + self.capacity;
        self.values[node] = value;
        while node > 1 {
            node /= 2;
            self.values[node] = self.values[2 * node].max(self.values[2 * node + 1]);
        }
    }

    fn grow_to(&mut self, leaf: usize) {
        if leaf < self.capacity {
            return;
        }
        let capacity = (leaf + 1).next_power_of_two().max(16);
        let mut values = vec![0; 2 * capacity];
        let old = self.capacity;
        if old > 0 {
            values[capacity..capacity + old].copy_from_slice(&self.values[old..2 * old]);
        }
        for node in (1..capacity).rev() {
            values[node] = values[2 * node].max(values[2 * node + 1]);
        }
        (self.values, self.capacity) = (values, capacity);
    }

    /// The leaves before `end` holding at least `threshold`, in order: O((1 + found) log n).
    fn at_least(&self, threshold: u64, end: usize) -> Vec<usize> {
        let mut found = Vec::new();
        if self.capacity == 0 || end == 0 {
            return found;
        }
        // (node, first leaf, leaves under it)
        let mut stack = vec![(1, 0, self.capacity)];
        while let Some((node, first, width)) = stack.pop() {
            if first >= end || self.values[node] < threshold {
                continue;
            }
            if width == 1 {
                found.push(first);
                continue;
            }
            let half = width / 2;
            stack.push((2 * node + 1, first + half, half));
            stack.push((2 * node, first, half));
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arrow(sent_us: u64, end_us: u64, event: u64) -> Arrow {
        Arrow {
            sent_us,
            end_us,
            sent_event: event,
            settled_event: UNSETTLED,
            term: 1,
            from: 1,
            to: 2,
            look: Look { kind: MessageKind::Heartbeat, ok: false, entries: 0 },
            fate: if end_us == HELD_END_US { Fate::Held } else { Fate::Flying },
            duplicated: false,
        }
    }

    /// The window by brute force.
    fn in_window_slowly(arrows: &Arrows, from_us: u64, to_us: u64) -> Vec<usize> {
        (0..arrows.len())
            .filter(|&position| arrows.at(position).sent_us <= to_us && arrows.reach_us(position) >= from_us)
            .collect()
    }

    #[test]
    fn a_window_finds_what_is_sent_in_it_and_what_is_still_flying() {
        let mut arrows = Arrows::default();
        let mut held = Vec::new();
        for id in 0..5_000u64 {
            let sent_us = id * 100;
            let end_us = if id % 997 == 3 { HELD_END_US } else { sent_us + 50 + (id * 7919) % 3_000 };
            if end_us == HELD_END_US {
                held.push(id);
            }
            arrows.push(id, arrow(sent_us, end_us, id + 1), None);
        }
        arrows.release(held[0], 4_000, 450_000);
        for (from_us, to_us) in
            [(0, 1_000), (10_000, 12_000), (300_000, 300_500), (449_000, 451_000), (499_000, 600_000)]
        {
            let mut found = arrows.in_window(from_us, to_us);
            found.sort_unstable();
            assert_eq!(found, in_window_slowly(&arrows, from_us, to_us), "window {from_us}..{to_us}");
        }
        let late = arrows.in_window(400_000, 400_100);
        assert!(
            late.contains(&usize::try_from(held[0]).expect("ids count from 0")),
            "a message held until 450 ms is in flight at 400 ms"
        );
        assert!(late.len() < 40, "found few, not everything sent while it was held: {}", late.len());
    }

    #[test]
    fn truncating_undoes_arrivals_and_releases_after_the_fork() {
        let mut arrows = Arrows::default();
        arrows.push(0, arrow(0, 500, 1), None);
        arrows.push(1, arrow(100, HELD_END_US, 2), None);
        arrows.push(2, arrow(200, 900, 3), None);
        arrows.settle(0, false, 4, 500, None);
        arrows.release(1, 5, 800);
        arrows.truncate(2, 150, 2);
        assert_eq!(arrows.len(), 2, "the message sent at event 3 goes");
        assert_eq!((arrows.at(0).fate, arrows.at(0).settled_event), (Fate::Flying, UNSETTLED), "its arrival was later");
        assert_eq!((arrows.at(1).fate, arrows.at(1).end_us), (Fate::Held, HELD_END_US), "held again");
        assert_eq!(arrows.next_id(), 2);
        assert_eq!(arrows.in_window(1_000, 2_000), vec![1], "a held message reaches every later window");
    }

    #[test]
    fn memory_stays_bounded() {
        let mut arrows = Arrows::default();
        for id in 0..(ARROWS_MAX as u64 + 10) {
            arrows.push(id, arrow(id, id + 5, id + 1), None);
        }
        assert!(arrows.len() <= ARROWS_MAX);
        assert_eq!(arrows.kept_from_us(), ARROWS_MAX as u64 / 2);
        assert_eq!(arrows.next_id(), ARROWS_MAX as u64 + 10);
        assert_eq!(
            arrows.in_window(ARROWS_MAX as u64, ARROWS_MAX as u64 + 1).len(),
            7,
            "sent in it, or five before and still flying"
        );
    }
}
