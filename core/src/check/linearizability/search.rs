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
    pub step: S,
    pub invoke: u64,
    pub complete: Option<u64>,
}

const NIL: usize = usize::MAX;

/// What one partition's search found.
pub(super) enum Found {
    /// Every operation has a place; here they are in linearization order.
    Linearizable,
    /// No order exists. The longest linearizable prefix found (operation positions, in order).
    NotLinearizable { longest_prefix: Vec<usize> },
    /// The step budget ran out first.
    OutOfBudget,
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
    slots: Vec<u32>,
    fingerprints: Vec<u64>,
    states: Vec<S>,
    /// `words` words per configuration, configuration `i` at `i * words`.
    sets: Vec<u64>,
    words: usize,
}

impl<S: Clone + Eq> Memo<S> {
    fn new(words: usize) -> Self {
        Memo { slots: vec![u32::MAX; 1024], fingerprints: Vec::new(), states: Vec::new(), sets: Vec::new(), words }
    }

    /// Inserts the configuration; returns `false` if it was already there.
    fn insert(&mut self, fingerprint: u64, linearized: &Linearized, state: &S) -> bool {
        if self.states.len() * 2 >= self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut slot = (fingerprint as usize) & mask;
        loop {
            let index = self.slots[slot];
            if index == u32::MAX {
                self.slots[slot] = self.states.len() as u32;
                self.fingerprints.push(fingerprint);
                self.states.push(state.clone());
                self.sets.extend_from_slice(&linearized.words);
                return true;
            }
            let index = index as usize;
            let same_set = || self.sets[index * self.words..(index + 1) * self.words] == linearized.words[..];
            if self.fingerprints[index] == fingerprint && same_set() && self.states[index] == *state {
                return false;
            }
            slot = (slot + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let capacity = self.slots.len() * 2;
        self.slots = vec![u32::MAX; capacity];
        let mask = capacity - 1;
        for (index, fingerprint) in self.fingerprints.iter().enumerate() {
            let mut slot = (*fingerprint as usize) & mask;
            while self.slots[slot] != u32::MAX {
                slot = (slot + 1) & mask;
            }
            self.slots[slot] = index as u32;
        }
    }
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

/// Searches one partition, spending at most `budget` model steps (decremented as it goes).
pub(super) fn search<M: Model>(model: &M, ops: &[Prepared<M::Step>], budget: &mut u64) -> Found {
    let mut entries = Entries::new(ops);
    let mut state = model.init();
    let mut linearized = Linearized { words: vec![0; ops.len().div_ceil(64)] };
    let mut set_fingerprint = 0u64;
    let mut stack: Vec<(usize, M::State)> = Vec::new();
    let mut memo: Memo<M::State> = Memo::new(linearized.words.len());
    let mut longest_prefix: Vec<usize> = Vec::new();
    let mut entry = entries.next[entries.head];
    while entries.next[entries.head] != NIL {
        if entry == NIL {
            unreachable!("the list always ends in a return entry");
        }
        let op = entry / 2;
        if entry % 2 == 0 {
            if *budget == 0 {
                return Found::OutOfBudget;
            }
            *budget -= 1;
            if let Some(next_state) = model.step(&state, &ops[op].step) {
                linearized.flip(op);
                let next_fingerprint = set_fingerprint ^ zobrist(op);
                if memo.insert(next_fingerprint ^ model.fingerprint(&next_state), &linearized, &next_state) {
                    stack.push((op, std::mem::replace(&mut state, next_state)));
                    set_fingerprint = next_fingerprint;
                    entries.lift(op);
                    if stack.len() > longest_prefix.len() {
                        longest_prefix = stack.iter().map(|(op, _)| *op).collect();
                    }
                    entry = entries.next[entries.head];
                    continue;
                }
                linearized.flip(op);
            }
            entry = entries.next[entry];
        } else {
            // A return: the operations still in the list before it cannot all be placed in
            // front of it from here; undo the last choice.
            let Some((last, previous_state)) = stack.pop() else {
                return Found::NotLinearizable { longest_prefix };
            };
            linearized.flip(last);
            set_fingerprint ^= zobrist(last);
            state = previous_state;
            entries.unlift(last);
            entry = entries.next[2 * last];
        }
    }
    Found::Linearizable
}
