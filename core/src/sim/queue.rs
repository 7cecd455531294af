//! The event queue: events ordered by (time, sequence number). The sequence number breaks ties
//! in scheduling order, so two events at the same microsecond always run in the same order.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// An event and when it happens.
#[derive(Clone, Debug)]
pub struct Scheduled<E> {
    /// Simulated time, microseconds.
    pub time_us: u64,
    /// Scheduling order, unique.
    pub seq: u64,
    /// The event.
    pub event: E,
}

impl<E> PartialEq for Scheduled<E> {
    fn eq(&self, other: &Self) -> bool {
        (self.time_us, self.seq) == (other.time_us, other.seq)
    }
}
impl<E> Eq for Scheduled<E> {}
impl<E> PartialOrd for Scheduled<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Scheduled<E> {
    /// Reversed, so that the max-heap pops the earliest event first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.time_us, other.seq).cmp(&(self.time_us, self.seq))
    }
}

/// Pending events, earliest first.
#[derive(Clone, Debug)]
pub struct EventQueue<E> {
    heap: BinaryHeap<Scheduled<E>>,
    seq_next: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue { heap: BinaryHeap::new(), seq_next: 0 }
    }
}

impl<E> EventQueue<E> {
    /// Schedules `event` at `time_us`.
    pub fn push(&mut self, time_us: u64, event: E) {
        let seq = self.seq_next;
        self.seq_next += 1;
        self.heap.push(Scheduled { time_us, seq, event });
    }

    /// Removes and returns the earliest event.
    pub fn pop(&mut self) -> Option<Scheduled<E>> {
        self.heap.pop()
    }

    /// The earliest event, without removing it.
    pub fn peek(&self) -> Option<&Scheduled<E>> {
        self.heap.peek()
    }

    /// When the earliest event happens.
    pub fn peek_time_us(&self) -> Option<u64> {
        self.heap.peek().map(|scheduled| scheduled.time_us)
    }

    /// How many events are pending.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// The pending events, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &Scheduled<E>> {
        self.heap.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earliest_first_and_ties_in_scheduling_order() {
        let mut queue = EventQueue::default();
        queue.push(5, "late");
        queue.push(1, "first at 1");
        queue.push(1, "second at 1");
        let order: Vec<&str> = std::iter::from_fn(|| queue.pop().map(|scheduled| scheduled.event)).collect();
        assert_eq!(order, ["first at 1", "second at 1", "late"]);
    }
}
