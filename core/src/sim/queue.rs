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

/// Where a pending event waits: its place in the order and its slot in [`EventQueue`]'s slab.
/// The heap moves these small keys while it sifts, never the events themselves (an event is a
/// hundred bytes, and every move of one is a `memory.copy` call in wasm).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Key {
    time_us: u64,
    seq: u64,
    slot: u32,
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    /// Reversed, so that the max-heap pops the earliest event first. `seq` is unique, so the
    /// slot never decides.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.time_us, other.seq).cmp(&(self.time_us, self.seq))
    }
}

/// Pending events, earliest first: a binary heap of keys over a slab of events, whose free
/// slots are reused (most recently freed first), so the slab grows only to the most events
/// ever pending at once.
#[derive(Clone, Debug)]
pub struct EventQueue<E> {
    heap: BinaryHeap<Key>,
    slots: Vec<Option<Scheduled<E>>>,
    free: Vec<u32>,
    seq_next: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue { heap: BinaryHeap::new(), slots: Vec::new(), free: Vec::new(), seq_next: 0 }
    }
}

impl<E> EventQueue<E> {
    /// Schedules `event` at `time_us`.
    pub fn push(&mut self, time_us: u64, event: E) {
        let seq = self.seq_next;
        self.seq_next += 1;
        let scheduled = Some(Scheduled { time_us, seq, event });
        let slot = match self.free.pop() {
            Some(slot) => {
                let place = &mut self.slots[slot as usize];
                assert!(place.is_none(), "a free slot holds no event");
                *place = scheduled;
                slot
            }
            None => {
                self.slots.push(scheduled);
                u32::try_from(self.slots.len() - 1).expect("fewer than 2^32 events pending")
            }
        };
        self.heap.push(Key { time_us, seq, slot });
    }

    /// Removes and returns the earliest event.
    pub fn pop(&mut self) -> Option<Scheduled<E>> {
        let key = self.heap.pop()?;
        let scheduled = self.slots[key.slot as usize].take().expect("a key's slot holds its event");
        assert!(scheduled.seq == key.seq, "a slot holds the event its key was made for");
        self.free.push(key.slot);
        Some(scheduled)
    }

    /// The earliest event, without removing it.
    pub fn peek(&self) -> Option<&Scheduled<E>> {
        let key = self.heap.peek()?;
        let scheduled = self.slots[key.slot as usize].as_ref().expect("a key's slot holds its event");
        assert!(scheduled.seq == key.seq, "a slot holds the event its key was made for");
        Some(scheduled)
    }

    /// When the earliest event happens.
    pub fn peek_time_us(&self) -> Option<u64> {
        self.heap.peek().map(|key| key.time_us)
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
        self.slots.iter().flatten()
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

    #[test]
    fn freed_slots_are_reused_and_iteration_sees_only_pending_events() {
        let mut queue = EventQueue::default();
        for time_us in [30, 10, 20] {
            queue.push(time_us, time_us);
        }
        assert_eq!(queue.pop().map(|scheduled| scheduled.event), Some(10));
        queue.push(5, 5);
        queue.push(40, 40);
        assert_eq!(queue.slots.len(), 4, "the freed slot was taken again");
        let mut pending: Vec<u64> = queue.iter().map(|scheduled| scheduled.event).collect();
        pending.sort_unstable();
        assert_eq!(pending, [5, 20, 30, 40]);
        assert_eq!(queue.len(), 4);
        let order: Vec<u64> = std::iter::from_fn(|| queue.pop().map(|scheduled| scheduled.event)).collect();
        assert_eq!(order, [5, 20, 30, 40]);
        assert!(queue.is_empty() && queue.iter().next().is_none());
    }
}
