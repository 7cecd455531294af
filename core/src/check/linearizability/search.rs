//! The Wing & Gong / Lowe search with memoisation, as Porcupine does it, for one partition.
//!
//! Operations become call and return entries in a doubly linked list ordered by time. The search
//! walks the list: at a call it tries to linearize that operation next (the model must accept
//! it); if the resulting (set of linearized operations, state) was never seen, it lifts the
//! operation out of the list and starts again from the head. At a return entry nothing more can
//! go first, so it backtracks: the last linearized operation goes back into the list, and the
//! search tries the entry after its call. The list empties exactly when every operation found a
//! place. Unknown outcomes return at the end of time, so they may go anywhere after their call,
//! last included, where they have no visible effect.

use super::model::Model;

/// One operation ready for the search: its compiled step and its time window.
pub(super) struct Prepared<S> {
    pub(super) step: S,
    pub(super) invoke: u64,
    pub(super) complete: Option<u64>,
    /// The operation's Zobrist value, for the fingerprint of the linearized set.
    zobrist: u64,
}

impl<S> Prepared<S> {
    /// The operation at `index` in its partition.
    pub(super) fn new(index: usize, step: S, invoke: u64, complete: Option<u64>) -> Self {
        Prepared { step, invoke, complete, zobrist: zobrist(index) }
    }
}

const NIL: usize = usize::MAX;

/// What one partition's search found.
pub(super) enum Found {
    /// Every operation has a place.
    Linearizable,
    /// No order exists. The longest linearizable prefix found (operation positions, in order).
    NotLinearizable { longest_prefix: Vec<usize> },
    /// The memo would have grown past the memory it was allowed.
    OutOfMemory,
}

/// A set of operations, as bits.
#[derive(Clone, PartialEq, Eq)]
struct Linearized {
    words: Vec<u64>,
}

impl Linearized {
    fn flip(&mut self, op: usize) {
        self.words[op / 64] ^= 1 << (op % 64);
    }
}

/// Memo of (linearized set, state) configurations already explored: an open-addressing table
/// keyed by a 64-bit fingerprint. The sets themselves sit in one flat arena (no allocation per
/// configuration) so that collisions of fingerprints are ruled out by comparison. Written here
/// rather than a `HashMap`, whose hasher would be seeded by the OS.
struct Memo<S> {
    /// What one state takes in the table, as the model counts it (`Model::STATE_BYTES`).
    state_bytes: usize,
    slots: Vec<u32>,
    fingerprints: Vec<u64>,
    states: Vec<S>,
    /// `words` words per configuration, configuration `i` at `i * words`.
    sets: Vec<u64>,
    words: usize,
    /// What the states hold on the heap, as the model counts it.
    state_heap_bytes: usize,
    /// What the tables above hold as allocated (they grow together, by doubling, here).
    tables_bytes: usize,
}

/// Bytes counted per slot, per fingerprint and per word of a set: fixed sizes, so the memo's
/// account is the same on every target.
const SLOT_BYTES: usize = 4;
const FINGERPRINT_BYTES: usize = 8;
const WORD_BYTES: usize = 8;
/// Slots of a new memo's table.
const SLOTS_FIRST: usize = 1024;

impl<S: Clone + Eq> Memo<S> {
    /// An empty memo of sets of `words` words, each state counted as `state_bytes`.
    fn new(words: usize, state_bytes: usize) -> Self {
        let mut memo = Memo {
            state_bytes,
            slots: vec![u32::MAX; SLOTS_FIRST],
            fingerprints: Vec::new(),
            states: Vec::new(),
            sets: Vec::new(),
            words,
            state_heap_bytes: 0,
            tables_bytes: 0,
        };
        memo.tables_bytes = memo.tables_bytes_for(0, memo.slots.len());
        memo
    }

    /// Configurations stored.
    fn len(&self) -> usize {
        self.states.len()
    }

    /// The memory the memo holds: its tables as allocated, and its states' heap.
    fn bytes(&self) -> usize {
        self.tables_bytes + self.state_heap_bytes
    }

    /// The tables' bytes with room for `entries` configurations and `slots` slots.
    fn tables_bytes_for(&self, entries: usize, slots: usize) -> usize {
        let per_entry = FINGERPRINT_BYTES + self.state_bytes + self.words * WORD_BYTES;
        slots * SLOT_BYTES + entries * per_entry
    }

    /// Inserts the configuration unless it is already there, or the memo would then hold more
    /// than `bytes_max` (its state holding `heap_bytes()` on the heap, asked only of a new one).
    fn insert(
        &mut self,
        fingerprint: u64,
        linearized: &Linearized,
        state: &S,
        heap_bytes: impl FnOnce() -> usize,
        bytes_max: usize,
    ) -> Inserted {
        let mask = self.slots.len() - 1;
        let mut slot = home_slot(fingerprint, mask);
        loop {
            let index = self.slots[slot];
            if index == u32::MAX {
                break;
            }
            let index = index as usize;
            // Word by word, not `==` on the slices: that calls `memcmp`, which costs more than
            // the one or two words a register history's sets hold (measured: 8% of the search).
            let same_set = || {
                let stored = &self.sets[index * self.words..][..self.words];
                stored.iter().zip(&linearized.words).all(|(stored, word)| stored == word)
            };
            if self.fingerprints[index] == fingerprint && same_set() && self.states[index] == *state {
                return Inserted::Seen;
            }
            slot = (slot + 1) & mask;
        }
        let heap_bytes = heap_bytes();
        if !self.make_room(heap_bytes, bytes_max) {
            return Inserted::OverBudget;
        }
        self.slots[slot] = slot_entry(self.states.len());
        self.fingerprints.push(fingerprint);
        self.states.push(state.clone());
        self.sets.extend_from_slice(&linearized.words);
        self.state_heap_bytes += heap_bytes;
        if self.states.len() * 2 > self.slots.len() {
            self.grow();
        }
        Inserted::New
    }

    /// Makes room for one more configuration holding `heap_bytes`, regrowing the tables (all
    /// together, by doubling) if they are full; `false` if the memo would then hold more than
    /// `bytes_max`, and nothing is allocated.
    fn make_room(&mut self, heap_bytes: usize, bytes_max: usize) -> bool {
        let full = self.states.len() == self.states.capacity();
        let slots =
            if (self.states.len() + 1) * 2 > self.slots.len() { self.slots.len() * 2 } else { self.slots.len() };
        if !full && slots == self.slots.len() {
            return self.bytes() + heap_bytes <= bytes_max;
        }
        let entries = if full { (self.states.capacity() * 2).max(64) } else { self.states.capacity() };
        let tables_bytes = self.tables_bytes_for(entries, slots);
        if tables_bytes + self.state_heap_bytes + heap_bytes > bytes_max {
            return false;
        }
        if full {
            let more = entries - self.states.len();
            self.states.reserve_exact(more);
            self.fingerprints.reserve_exact(more);
            self.sets.reserve_exact(more * self.words);
        }
        self.tables_bytes = tables_bytes;
        true
    }

    fn grow(&mut self) {
        let capacity = self.slots.len() * 2;
        self.slots = vec![u32::MAX; capacity];
        let mask = capacity - 1;
        for (index, fingerprint) in self.fingerprints.iter().enumerate() {
            let mut slot = home_slot(*fingerprint, mask);
            while self.slots[slot] != u32::MAX {
                slot = (slot + 1) & mask;
            }
            self.slots[slot] = slot_entry(index);
        }
    }
}

/// The slot a probe for `fingerprint` starts at: its low bits, as many as the table has slots
/// (a power of two; `mask` is their number less one).
#[expect(clippy::cast_possible_truncation, reason = "a probe starts at the fingerprint's low bits")]
fn home_slot(fingerprint: u64, mask: usize) -> usize {
    (fingerprint as usize) & mask
}

/// What a slot holds for configuration `index` (`u32::MAX` marks an empty slot).
fn slot_entry(index: usize) -> u32 {
    u32::try_from(index).expect("the memo's memory budget keeps it far below 2³² configurations")
}

/// What became of an insertion into the memo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Inserted {
    /// A configuration not seen before: the search goes on from it.
    New,
    /// Already explored.
    Seen,
    /// Not stored: the memo would have outgrown its budget.
    OverBudget,
}

/// A well-mixed 64-bit value per operation for the Zobrist fingerprint (splitmix64).
fn zobrist(op: usize) -> u64 {
    let mut value = (op as u64).wrapping_add(0x9e37_79b9_7f4a_7c15);
    value = (value ^ (value >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    value = (value ^ (value >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    value ^ (value >> 31)
}

/// The entry list: entries `0..2n` (op `i` has call `2i` and return `2i + 1`), plus a head.
struct Entries {
    next: Vec<usize>,
    prev: Vec<usize>,
    head: usize,
}

impl Entries {
    fn new<S>(ops: &[Prepared<S>]) -> Self {
        let count = ops.len() * 2;
        let mut order: Vec<usize> = (0..count).collect();
        // By time; at equal times calls go before returns, so touching operations count as
        // concurrent (the permissive reading, as Porcupine's).
        let key = |entry: usize| {
            let op = &ops[entry / 2];
            match entry % 2 {
                0 => (op.invoke, 0),
                _ => (op.complete.unwrap_or(u64::MAX), 1),
            }
        };
        order.sort_by_key(|&entry| (key(entry), entry));
        let head = count;
        let mut next = vec![NIL; count + 1];
        let mut prev = vec![NIL; count + 1];
        let mut previous = head;
        for &entry in &order {
            next[previous] = entry;
            prev[entry] = previous;
            previous = entry;
        }
        Entries { next, prev, head }
    }

    fn unlink(&mut self, entry: usize) {
        let (before, after) = (self.prev[entry], self.next[entry]);
        self.next[before] = after;
        if after != NIL {
            self.prev[after] = before;
        }
    }

    fn relink(&mut self, entry: usize) {
        let (before, after) = (self.prev[entry], self.next[entry]);
        self.next[before] = entry;
        if after != NIL {
            self.prev[after] = entry;
        }
    }

    /// Removes an operation's call and return (in that order, undone in reverse by `unlift`).
    fn lift(&mut self, op: usize) {
        self.unlink(2 * op);
        self.unlink(2 * op + 1);
    }

    fn unlift(&mut self, op: usize) {
        self.relink(2 * op + 1);
        self.relink(2 * op);
    }
}

/// One partition's search, resumable: [`Search::run`] spends a slice of model steps and returns,
/// so that partitions can take turns and a bad one is found in about the time its own
/// sub-history takes, whatever comes before it in key order.
pub(super) struct Search<'a, M: Model> {
    model: &'a M,
    ops: &'a [Prepared<M::Step>],
    entries: Entries,
    state: M::State,
    linearized: Linearized,
    set_fingerprint: u64,
    /// The operations linearized so far, with the state before each.
    stack: Vec<(usize, M::State)>,
    memo: Memo<M::State>,
    longest_prefix: Vec<usize>,
    /// The entry the walk stands at.
    entry: usize,
    /// Model steps spent so far.
    pub(super) steps: u64,
    /// The most memory the memo has held.
    pub(super) memo_bytes_peak: usize,
}

impl<'a, M: Model> Search<'a, M> {
    /// A search of `ops` against `model`, not started.
    pub(super) fn new(model: &'a M, ops: &'a [Prepared<M::Step>]) -> Self {
        let entries = Entries::new(ops);
        let entry = entries.next[entries.head];
        let words = ops.len().div_ceil(64);
        let memo = Memo::new(words, M::STATE_BYTES);
        let memo_bytes_peak = memo.bytes();
        Search {
            model,
            ops,
            entries,
            state: model.init(),
            linearized: Linearized { words: vec![0; words] },
            set_fingerprint: 0,
            stack: Vec::new(),
            memo,
            longest_prefix: Vec::new(),
            entry,
            steps: 0,
            memo_bytes_peak,
        }
    }

    /// Configurations in the memo now.
    pub(super) fn memo_entries(&self) -> usize {
        self.memo.len()
    }

    /// The memory the memo holds now.
    pub(super) fn memo_bytes(&self) -> usize {
        self.memo.bytes()
    }

    /// Runs until an answer, `steps` more model steps, or the memo holding more than
    /// `memo_bytes_max`: `Some` answer, or `None` to be resumed.
    ///
    /// Never inlined: compiled on its own, the walk's loop gets the registers to itself rather
    /// than sharing them with the turns around it (measured: 6% fewer instructions on the
    /// register histories), and changes to the turns cannot move its code.
    #[inline(never)]
    pub(super) fn run(&mut self, steps: u64, memo_bytes_max: usize) -> Option<Found> {
        let found = self.walk(steps, memo_bytes_max);
        // The memo only grows, so its size as a turn ends is its peak so far.
        self.memo_bytes_peak = self.memo_bytes_peak.max(self.memo.bytes());
        found
    }

    /// The search proper. Its state is taken apart into locals first: the hot loop then keeps
    /// the cursor and the counters in registers across the memo's calls (measured: 12% fewer
    /// instructions on the register histories than working through `self`). The steps are
    /// counted down, and the list's emptiness is checked only where the walk runs off its end.
    fn walk(&mut self, steps: u64, memo_bytes_max: usize) -> Option<Found> {
        let Search { model, ops, entries, state, linearized, stack, memo, longest_prefix, .. } = self;
        let (model, ops) = (*model, *ops);
        let (mut entry, mut steps_left, mut set_fingerprint) = (self.entry, steps, self.set_fingerprint);
        let found = loop {
            if entry == NIL {
                // Only the head's successor can be NIL: a list that is not empty ends in a return.
                assert!(entries.next[entries.head] == NIL, "the list always ends in a return entry");
                break Some(Found::Linearizable);
            }
            let op = entry / 2;
            if entry % 2 == 1 {
                // A return: the operations still in the list before it cannot all be placed in
                // front of it from here; undo the last choice.
                // The stack is at its longest just before a backtrack: the longest prefix is
                // taken here, not at every push, which would copy the stack once per operation
                // placed (quadratic in a partition's length).
                if stack.len() > longest_prefix.len() {
                    longest_prefix.clear();
                    longest_prefix.extend(stack.iter().map(|(op, _)| *op));
                }
                let Some((last, previous_state)) = stack.pop() else {
                    break Some(Found::NotLinearizable { longest_prefix: std::mem::take(longest_prefix) });
                };
                linearized.flip(last);
                set_fingerprint ^= ops[last].zobrist;
                *state = previous_state;
                entries.unlift(last);
                entry = entries.next[2 * last];
                continue;
            }
            if steps_left == 0 {
                break None;
            }
            steps_left -= 1;
            let prepared = &ops[op];
            let Some(next_state) = model.step(state, &prepared.step) else {
                entry = entries.next[entry];
                continue;
            };
            linearized.flip(op);
            let next_fingerprint = set_fingerprint ^ prepared.zobrist;
            let key = next_fingerprint ^ model.fingerprint(&next_state);
            let heap_bytes = || model.heap_bytes(&next_state);
            match memo.insert(key, linearized, &next_state, heap_bytes, memo_bytes_max) {
                Inserted::OverBudget => break Some(Found::OutOfMemory),
                Inserted::Seen => {
                    linearized.flip(op);
                    entry = entries.next[entry];
                }
                Inserted::New => {
                    stack.push((op, std::mem::replace(state, next_state)));
                    set_fingerprint = next_fingerprint;
                    entries.lift(op);
                    entry = entries.next[entries.head];
                }
            }
        };
        (self.entry, self.set_fingerprint) = (entry, set_fingerprint);
        self.steps += steps - steps_left;
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(words: usize, ops: &[usize]) -> Linearized {
        let mut linearized = Linearized { words: vec![0; words] };
        ops.iter().for_each(|&op| linearized.flip(op));
        linearized
    }

    /// The memo's account is made of fixed sizes (4 bytes a slot, 8 a fingerprint and a word of
    /// a set, the model's own count for a state), so it is these numbers on every target.
    #[test]
    fn a_memo_counts_the_same_bytes_on_every_target() {
        let mut memo: Memo<u32> = Memo::new(2, 4);
        assert_eq!(memo.bytes(), 1024 * 4, "an empty memo is its slots");
        let inserted = memo.insert(7, &set(2, &[0, 70]), &3, || 0, usize::MAX);
        assert_eq!(inserted, Inserted::New);
        assert_eq!(memo.bytes(), 4096 + 64 * (8 + 4 + 2 * 8), "room for 64 configurations of 28 bytes");
        assert_eq!(memo.insert(7, &set(2, &[0, 70]), &3, || 0, usize::MAX), Inserted::Seen);
        for op in 1..=64 {
            assert_eq!(memo.insert(op as u64 * 1_000_003, &set(2, &[op]), &3, || 0, usize::MAX), Inserted::New);
        }
        assert_eq!(memo.len(), 65);
        assert_eq!(memo.bytes(), 4096 + 128 * 28, "the entries doubled, the slots not yet");

        let mut kv_like: Memo<u64> = Memo::new(1, 8);
        assert_eq!(kv_like.insert(1, &set(1, &[5]), &9, || 100, usize::MAX), Inserted::New);
        assert_eq!(kv_like.bytes(), 4096 + 64 * (8 + 8 + 8) + 100, "a state's heap is counted as the model says");
    }

    #[test]
    fn a_memo_refuses_what_would_pass_its_budget_and_allocates_nothing() {
        let mut memo: Memo<u32> = Memo::new(1, 4);
        let budget = 4096 + 64 * (8 + 4 + 8) - 1;
        assert_eq!(memo.insert(1, &set(1, &[0]), &0, || 0, budget), Inserted::OverBudget);
        assert_eq!((memo.len(), memo.bytes()), (0, 4096));
    }
}
