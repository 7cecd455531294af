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
    role: Role,
    /// A floating write that always leaves a value nobody saw: its place in call order among
    /// them ([`Role::Floating`]); `NO_TURN` for every other operation.
    turn: u32,
}

/// The turn of an operation that is no floating put or append.
pub(super) const NO_TURN: u32 = u32::MAX;

impl<S> Prepared<S> {
    /// The operation at `index` in its partition.
    pub(super) fn new(index: usize, step: S, invoke: u64, complete: Option<u64>, role: Role) -> Self {
        assert!(role != Role::Floating || complete.is_none(), "only an operation with no answer floats");
        Prepared { step, invoke, complete, zobrist: zobrist(index), role, turn: NO_TURN }
    }

    /// The operation as the `turn`-th floating put or append in call order: the search places
    /// those in that order (see [`Role::Floating`]).
    pub(super) fn take_turn(&mut self, turn: u32) {
        assert!(self.role == Role::Floating && turn != NO_TURN, "only a floating write takes turns");
        self.turn = turn;
    }
}

/// What the search may do with an operation besides placing it after its call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Role {
    /// Nothing more.
    Plain,
    /// A read that returned a value: an observer (see [`observes`]).
    Read,
    /// A failed compare-and-set: it may follow a floating write.
    FailedCas,
    /// An unknown write nobody saw (`unseen::Unseen::floating`): placed only right before a
    /// failed compare-and-set; the search ends once every other operation has a place.
    ///
    /// Floating puts and appends are placed in call order, each only once those called before
    /// it are (their turns). After one, the key holds a value containing its value, which no
    /// completed read returned and no compare-and-set expected, until the next put: every
    /// operation until then acts the same whichever of them it was (reads and successful
    /// compare-and-sets cannot stand there, failed ones fail, appends append, compare-and-sets
    /// with no answer do not apply). So take a linearization where `k` of them stand before
    /// failed compare-and-sets: at the `i`-th such place at least `i` of them had been called,
    /// so the `i`-th called was too; put the first `k` called there in call order and the rest
    /// last, and every operation keeps its outcome. Tried in any order, the search would try
    /// every one at every failed compare-and-set (measured: the busy shape's hot key has ~45
    /// of them and ~200 failed compare-and-sets, and ran out of steps).
    Floating,
}

/// Whether an operation of `role` observes: it never changes the state (a read that returned,
/// a failed compare-and-set unless a compare-and-set floats in its partition). An observer the
/// search can place in a configuration is placed there and nothing else is tried: the
/// configuration has a linearization exactly when the one with the observer placed has. Take
/// any linearization from it, with the observer further on: every operation between was
/// unplaced while the observer's call came before every unplaced return, so none returned
/// before the observer was called, and taken to the front the observer changes no state
/// anyone sees. A failed compare-and-set that stood right after a floating put or append `w`
/// (which it needed) is taken to the front without `w`, and `w` goes later as in
/// `may_go_next`'s proof: no other floating write stands between, as the value held then holds
/// `w`'s. A floating compare-and-set could not go later so (it may no longer apply): with one
/// in the partition, failed compare-and-sets are not observers. Right after a floating write
/// the rule is not applied: that is not a configuration the memo keeps.
#[inline]
fn observes(role: Role, cas_floats: bool) -> bool {
    role == Role::Read || (role == Role::FailedCas && !cas_floats)
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

/// The linearized operations, by rank (in call order, those with no answer last), as bits,
/// with the frontier: the number of ranks from the first that are all linearized.
///
/// In a Wing & Gong / Lowe search an operation is linearized only while every operation still
/// in the list returns after its call, so every operation that returned before the earliest
/// call still open is linearized: the ranks past the frontier that are linearized are the few
/// called while the operation at the frontier was open. The memo stores a configuration's set
/// as that frontier and those few ranks ([`Linearized::compact`]), not a bit for every
/// operation of the history, which grew with the square of its length.
#[derive(Clone, PartialEq, Eq)]
struct Linearized {
    /// Each operation's rank.
    ranks: Vec<usize>,
    words: Vec<u64>,
    frontier: usize,
    /// Linearized ranks in all.
    count: usize,
    /// The set in compact form, rebuilt for each configuration the memo is asked of; a plain
    /// set's is kept up to date instead, bit by bit, and is the set (`words` stay empty).
    compact: Vec<u32>,
    /// Whether the memo keeps this set as its bits alone (a partition of at most
    /// `PLAIN_WORDS_MAX` words): the frontier and the count are then not kept, and placing an
    /// operation is a bit flipped in line (measured: etcd_002 a third fewer instructions than
    /// through the frontier's calls).
    plain: bool,
}

impl Linearized {
    /// An empty set of operations of these `ranks`.
    fn new(ranks: Vec<usize>) -> Self {
        let words = ranks.len().div_ceil(64);
        let plain = words <= PLAIN_WORDS_MAX;
        let (words, compact) = if plain { (Vec::new(), vec![0; words * 2]) } else { (vec![0; words], Vec::new()) };
        Linearized { words, ranks, frontier: 0, count: 0, compact, plain }
    }

    #[inline]
    fn place(&mut self, op: usize) {
        self.insert(self.ranks[op]);
    }

    #[inline]
    fn unplace(&mut self, op: usize) {
        self.remove(self.ranks[op]);
    }

    /// The set in compact form ([`Linearized::compact_into`]).
    #[inline]
    fn compact(&mut self) -> &[u32] {
        if !self.plain {
            self.rebuild_compact();
        }
        &self.compact
    }

    #[inline(never)]
    fn rebuild_compact(&mut self) {
        let mut compact = std::mem::take(&mut self.compact);
        self.compact_into(&mut compact);
        self.compact = compact;
    }

    fn contains(&self, rank: usize) -> bool {
        self.words[rank / 64] & (1 << (rank % 64)) != 0
    }

    #[inline]
    fn insert(&mut self, rank: usize) {
        if self.plain {
            let value = &mut self.compact[rank / 32];
            assert!(*value & (1 << (rank % 32)) == 0, "an operation is linearized once");
            *value |= 1 << (rank % 32);
        } else {
            self.insert_past_frontier(rank);
        }
    }

    #[inline]
    fn remove(&mut self, rank: usize) {
        if self.plain {
            let value = &mut self.compact[rank / 32];
            assert!(*value & (1 << (rank % 32)) != 0, "only a linearized operation is taken back");
            *value &= !(1 << (rank % 32));
        } else {
            self.remove_past_frontier(rank);
        }
    }

    #[inline(never)]
    fn insert_past_frontier(&mut self, rank: usize) {
        assert!(!self.contains(rank), "an operation is linearized once");
        self.words[rank / 64] |= 1 << (rank % 64);
        self.count += 1;
        // Past the run of linearized ranks at the frontier, a word at a time.
        while let Some(&word) = self.words.get(self.frontier / 64) {
            let run = (word >> (self.frontier % 64)).trailing_ones() as usize;
            self.frontier += run;
            if run == 0 || self.frontier % 64 != 0 {
                break;
            }
        }
    }

    #[inline(never)]
    fn remove_past_frontier(&mut self, rank: usize) {
        assert!(self.contains(rank), "only a linearized operation is taken back");
        self.words[rank / 64] &= !(1 << (rank % 64));
        self.count -= 1;
        self.frontier = self.frontier.min(rank);
    }

    /// The set as the memo keeps it, into `compact` (cleared first): the frontier, then each
    /// linearized rank past it, ascending, or those ranks as bits when that is shorter (a short
    /// history with many operations left open); not for a plain set, which is its bits. Two
    /// sets of one partition are equal exactly when these are.
    fn compact_into(&self, compact: &mut Vec<u32>) {
        let as_u32 = |rank: usize| {
            u32::try_from(rank)
                .ok()
                .filter(|&rank| rank < BITSET_MARK)
                .expect("a partition holds fewer than 2³¹ operations")
        };
        assert!(!self.plain, "a plain set is its bits, kept as it changes");
        compact.clear();
        compact.push(as_u32(self.frontier));
        let mut beyond = self.count - self.frontier;
        let mut word_index = self.frontier / 64;
        while beyond > 0 {
            let mut word = self.words[word_index];
            while word != 0 {
                let rank = word_index * 64 + word.trailing_zeros() as usize;
                word &= word - 1;
                if rank > self.frontier {
                    compact.push(as_u32(rank));
                    beyond -= 1;
                }
            }
            word_index += 1;
        }
        let (Some(&last), extras) = (compact.last(), compact.len() - 1) else { return };
        let bitset_words = (last as usize - self.frontier).div_ceil(32);
        if bitset_words < extras {
            // Denser as bits: ranks frontier + 1 onwards, 32 to a value, marked in the frontier.
            let frontier = as_u32(self.frontier);
            let mut bits = vec![0u32; bitset_words];
            for &rank in &compact[1..] {
                let offset = (rank - frontier - 1) as usize;
                bits[offset / 32] |= 1 << (offset % 32);
            }
            compact.clear();
            compact.push(frontier | BITSET_MARK);
            compact.extend_from_slice(&bits);
        }
    }
}

/// Partitions of at most this many words of bits (256 operations) keep their sets as those bits.
const PLAIN_WORDS_MAX: usize = 4;

/// Marks, in the frontier's value, a compact set whose ranks past the frontier are given as bits
/// (when that is shorter than listing them): frontiers stay below it.
const BITSET_MARK: u32 = 1 << 31;

/// Memo of (linearized set, state) configurations already explored: an open-addressing table
/// keyed by a 64-bit fingerprint. The sets themselves, in their compact form, sit one after
/// another in one flat arena (no allocation per configuration) so that collisions of
/// fingerprints are ruled out by comparison. Written here rather than a `HashMap`, whose hasher
/// would be seeded by the OS.
struct Memo<S> {
    /// What one state takes in the table, as the model counts it (`Model::STATE_BYTES`).
    state_bytes: usize,
    slots: Vec<u32>,
    fingerprints: Vec<u64>,
    states: Vec<S>,
    /// The length of every set, when they all have one (a short partition's plain bits): set
    /// `i` then starts at `i * stride` and `starts` stays empty, which spares the search a load
    /// of a far line per probe (measured: etcd_002 about 10% faster).
    stride: Option<usize>,
    /// Where configuration `i`'s set starts in `sets`; it ends where the next one starts.
    starts: Vec<u32>,
    /// The sets in compact form ([`Linearized::compact`]), one after another.
    sets: Vec<u32>,
    /// Configurations the tables have room for, as counted (they grow together, by doubling).
    entries_room: usize,
    /// Values `sets` has room for, as counted (it grows by doubling).
    set_values_room: usize,
    /// What the states hold on the heap, as the model counts it.
    state_heap_bytes: usize,
}

/// Bytes counted per slot, per fingerprint, per start and per value of a compact set: fixed
/// sizes, so the memo's account is the same on every target.
const SLOT_BYTES: usize = 4;
const FINGERPRINT_BYTES: usize = 8;
const START_BYTES: usize = 4;
const SET_VALUE_BYTES: usize = 4;
/// Slots of a new memo's table.
const SLOTS_FIRST: usize = 1024;

impl<S: Clone + Eq> Memo<S> {
    /// An empty memo, each state counted as `state_bytes`, its sets all `stride` values long
    /// if that is given.
    fn new(state_bytes: usize, stride: Option<usize>) -> Self {
        Memo {
            state_bytes,
            stride,
            slots: vec![u32::MAX; SLOTS_FIRST],
            fingerprints: Vec::new(),
            states: Vec::new(),
            starts: Vec::new(),
            sets: Vec::new(),
            entries_room: 0,
            set_values_room: 0,
            state_heap_bytes: 0,
        }
    }

    /// Configurations stored.
    fn len(&self) -> usize {
        self.states.len()
    }

    /// The memory the memo holds: its tables as allocated, and its states' heap.
    fn bytes(&self) -> usize {
        self.bytes_for(self.entries_room, self.slots.len(), self.set_values_room) + self.state_heap_bytes
    }

    /// The tables' bytes with room for `entries` configurations, `slots` slots and `set_values`
    /// values of sets.
    fn bytes_for(&self, entries: usize, slots: usize, set_values: usize) -> usize {
        let start_bytes = if self.stride.is_some() { 0 } else { START_BYTES };
        let per_entry = FINGERPRINT_BYTES + self.state_bytes + start_bytes;
        slots * SLOT_BYTES + entries * per_entry + set_values * SET_VALUE_BYTES
    }

    /// Configuration `index`'s set, in compact form.
    fn set(&self, index: usize) -> &[u32] {
        if let Some(stride) = self.stride {
            return &self.sets[index * stride..][..stride];
        }
        let start = self.starts[index] as usize;
        let end = self.starts.get(index + 1).map_or(self.sets.len(), |&end| end as usize);
        &self.sets[start..end]
    }

    /// Inserts the configuration (its set in compact form) unless it is already there, or the
    /// memo would then hold more than `bytes_max` (its state holding `heap_bytes()` on the
    /// heap, asked only of a new one).
    fn insert(
        &mut self,
        fingerprint: u64,
        compact: &[u32],
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
            // Value by value, not `==` on the slices: that calls `memcmp`, which costs more than
            // the one or two values most sets hold.
            let same_set = || {
                let stored = self.set(index);
                stored.len() == compact.len() && stored.iter().zip(compact).all(|(stored, value)| stored == value)
            };
            if self.fingerprints[index] == fingerprint && same_set() && self.states[index] == *state {
                return Inserted::Seen;
            }
            slot = (slot + 1) & mask;
        }
        let heap_bytes = heap_bytes();
        if !self.make_room(heap_bytes, compact.len(), bytes_max) {
            return Inserted::OverBudget;
        }
        self.slots[slot] = slot_entry(self.states.len());
        self.fingerprints.push(fingerprint);
        self.states.push(state.clone());
        match self.stride {
            Some(stride) => assert!(compact.len() == stride, "every set of this memo is {stride} values long"),
            None => {
                self.starts.push(u32::try_from(self.sets.len()).expect("the memory budget keeps sets below 2³² values"))
            }
        }
        self.sets.extend_from_slice(compact);
        self.state_heap_bytes += heap_bytes;
        if self.states.len() * 2 > self.slots.len() {
            self.grow();
        }
        Inserted::New
    }

    /// Makes room for one more configuration holding `heap_bytes` and a set of `set_values`
    /// values, regrowing the tables (by doubling) where they are full; `false` if the memo
    /// would then hold more than `bytes_max`, and nothing is allocated.
    fn make_room(&mut self, heap_bytes: usize, set_values: usize, bytes_max: usize) -> bool {
        let entries =
            if self.states.len() == self.entries_room { (self.entries_room * 2).max(64) } else { self.entries_room };
        let slots =
            if (self.states.len() + 1) * 2 > self.slots.len() { self.slots.len() * 2 } else { self.slots.len() };
        let values_needed = self.sets.len() + set_values;
        let values = if values_needed > self.set_values_room {
            values_needed.max(self.set_values_room * 2).max(256)
        } else {
            self.set_values_room
        };
        if self.bytes_for(entries, slots, values) + self.state_heap_bytes + heap_bytes > bytes_max {
            return false;
        }
        if entries > self.entries_room {
            let more = entries - self.states.len();
            self.states.reserve_exact(more);
            self.fingerprints.reserve_exact(more);
            if self.stride.is_none() {
                self.starts.reserve_exact(more);
            }
            self.entries_room = entries;
        }
        if values > self.set_values_room {
            self.sets.reserve_exact(values - self.sets.len());
            self.set_values_room = values;
        }
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

/// Each operation's rank: the operations with an answer in call order (by call time, then
/// position: the order of their calls in the entry list), then those with none, likewise. An
/// operation with no answer may stay unplaced to the end (a floating one mostly does): ranked
/// among the others, it would hold the frontier back and leave every rank past it in the
/// memo's compact sets.
fn ranks_in_call_order<S>(ops: &[Prepared<S>]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..ops.len()).collect();
    order.sort_by_key(|&op| (ops[op].complete.is_none(), ops[op].invoke, op));
    let mut ranks = vec![0; ops.len()];
    for (rank, &op) in order.iter().enumerate() {
        ranks[op] = rank;
    }
    ranks
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
    /// The operations linearized so far, with the state before each.
    stack: Vec<(usize, M::State)>,
    cursor: Cursor,
    rules: Rules,
    memo: Memo<M::State>,
    longest_prefix: Vec<usize>,
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
        let memo = Memo::new(M::STATE_BYTES, (words <= PLAIN_WORDS_MAX).then_some(words * 2));
        let memo_bytes_peak = memo.bytes();
        Search {
            model,
            ops,
            entries,
            state: model.init(),
            linearized: Linearized::new(ranks_in_call_order(ops)),
            stack: Vec::new(),
            cursor: Cursor {
                entry,
                set_fingerprint: 0,
                fixed_left: ops.iter().filter(|op| op.role != Role::Floating).count(),
                turns_placed: 0,
                observers_first: true,
            },
            rules: Rules {
                floats: ops.iter().any(|op| op.role == Role::Floating),
                cas_floats: ops.iter().any(|op| op.role == Role::Floating && op.turn == NO_TURN),
            },
            memo,
            longest_prefix: Vec::new(),
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
        // What floats goes last, in any order: an operation with no answer fits anywhere. Only a
        // placement lowers the count, so it is checked here and by the walk after each one.
        if self.cursor.fixed_left == 0 {
            return Some(Found::Linearizable);
        }
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
        let (mut cursor, mut steps_left, rules) = (self.cursor, steps, self.rules);
        let found = loop {
            let Cursor { entry, set_fingerprint, observers_first, .. } = cursor;
            if entry == NIL {
                // Only the head's successor can be NIL: a list that is not empty ends in a return.
                assert!(entries.next[entries.head] == NIL, "the list always ends in a return entry");
                break Some(Found::Linearizable);
            }
            let op = entry / 2;
            if entry % 2 == 1 {
                if observers_first {
                    // Every observer that can go here was tried: now the others, from the head.
                    (cursor.observers_first, cursor.entry) = (false, entries.next[entries.head]);
                    continue;
                }
                // A return: the operations still in the list before it cannot all be placed in
                // front of it from here; undo the last choice.
                // The stack is at its longest just before a backtrack: the longest prefix is
                // taken here, not at every push, which would copy the stack once per operation
                // placed (quadratic in a partition's length).
                if stack.len() > longest_prefix.len() {
                    longest_prefix.clear();
                    longest_prefix.extend(stack.iter().map(|(op, _)| *op));
                }
                if !backtrack::<M>(ops, stack, linearized, entries, state, &mut cursor, rules) {
                    break Some(Found::NotLinearizable { longest_prefix: std::mem::take(longest_prefix) });
                }
                continue;
            }
            if steps_left == 0 {
                break None;
            }
            let prepared = &ops[op];
            let forced = forces(ops, stack, prepared.role, rules);
            if forced != observers_first
                || (rules.floats && !may_go_next(model, ops, stack, prepared, cursor.turns_placed))
            {
                cursor.entry = entries.next[entry];
                continue;
            }
            steps_left -= 1;
            // A floating compare-and-set that does not apply here changes nothing: placed last
            // instead, it leaves every operation's outcome as it is.
            let changes = |next: &M::State| !(rules.floats && prepared.role == Role::Floating && next == &*state);
            let Some(next_state) = model.step(state, &prepared.step).filter(changes) else {
                cursor.entry = entries.next[entry];
                continue;
            };
            linearized.place(op);
            let next_fingerprint = set_fingerprint ^ prepared.zobrist;
            let inserted = if prepared.role == Role::Floating {
                // Not kept in the memo: only a failed compare-and-set may come next, and the
                // configuration after it is kept. Kept, every floating write tried at every
                // point would multiply the memo.
                Inserted::New
            } else {
                let key = next_fingerprint ^ model.fingerprint(&next_state);
                memo.insert(key, linearized.compact(), &next_state, || model.heap_bytes(&next_state), memo_bytes_max)
            };
            match inserted {
                Inserted::OverBudget => break Some(Found::OutOfMemory),
                Inserted::Seen => {
                    linearized.unplace(op);
                    // An observer's configuration seen before has no linearization, so neither
                    // has this one: back to its return entry, which backtracks.
                    cursor.observers_first = false;
                    cursor.entry = if forced { entry + 1 } else { entries.next[entry] };
                }
                Inserted::New => {
                    stack.push((op, std::mem::replace(state, next_state)));
                    entries.lift(op);
                    cursor.placed(prepared, entries.next[entries.head], next_fingerprint);
                    if cursor.fixed_left == 0 {
                        break Some(Found::Linearizable);
                    }
                }
            }
        };
        self.cursor = cursor;
        self.steps += steps - steps_left;
        found
    }
}

/// Where the walk stands, and its counters: copied into a local by the walk, so they stay in
/// registers.
#[derive(Clone, Copy)]
struct Cursor {
    /// The entry the walk stands at.
    entry: usize,
    /// The Zobrist fingerprint of the linearized set.
    set_fingerprint: u64,
    /// Operations not floating and not yet linearized: none left is an answer.
    fixed_left: usize,
    /// Floating puts and appends placed: the turn of the next one allowed.
    turns_placed: u32,
    /// Whether the walk is trying, from the head, only the observers that could go next
    /// ([`observes`]); after them, it tries the others.
    observers_first: bool,
}

impl Cursor {
    /// Moves on after `prepared` was placed: to `entry` (the head's next), with the set's
    /// fingerprint now `set_fingerprint`, observers first unless `prepared` floats.
    #[inline]
    fn placed<S>(&mut self, prepared: &Prepared<S>, entry: usize, set_fingerprint: u64) {
        let floating = prepared.role == Role::Floating;
        self.turns_placed += u32::from(floating && prepared.turn != NO_TURN);
        self.fixed_left -= usize::from(!floating);
        (self.entry, self.set_fingerprint, self.observers_first) = (entry, set_fingerprint, !floating);
    }
}

/// What a partition's operations make of the rules, fixed for its search.
#[derive(Clone, Copy)]
struct Rules {
    /// Whether any operation floats: when none does, the walk skips the checks for one.
    floats: bool,
    /// Whether a compare-and-set floats: failed ones are then no observers ([`observes`]).
    cas_floats: bool,
}

/// Whether an operation of `role`, placed next, is an observer placed alone ([`observes`]):
/// not right after a floating write.
#[inline]
fn forces<S, State>(ops: &[Prepared<S>], stack: &[(usize, State)], role: Role, rules: Rules) -> bool {
    observes(role, rules.cas_floats) && !(rules.floats && after_floating(ops, stack))
}

/// Undoes the last placement, and moves the cursor to the entry after its call, or to its
/// return when it was an observer placed alone (nothing follows a configuration whose observer
/// failed: the return backtracks once more). `false` if nothing was placed.
#[inline]
fn backtrack<M: Model>(
    ops: &[Prepared<M::Step>],
    stack: &mut Vec<(usize, M::State)>,
    linearized: &mut Linearized,
    entries: &mut Entries,
    state: &mut M::State,
    cursor: &mut Cursor,
    rules: Rules,
) -> bool {
    let Some((last, previous_state)) = stack.pop() else { return false };
    linearized.unplace(last);
    let floating = ops[last].role == Role::Floating;
    cursor.turns_placed -= u32::from(floating && ops[last].turn != NO_TURN);
    cursor.fixed_left += usize::from(!floating);
    cursor.set_fingerprint ^= ops[last].zobrist;
    *state = previous_state;
    entries.unlift(last);
    cursor.entry = if forces(ops, stack, ops[last].role, rules) { 2 * last + 1 } else { entries.next[2 * last] };
    true
}

/// Whether the last operation placed floats.
#[inline]
fn after_floating<S, State>(ops: &[Prepared<S>], stack: &[(usize, State)]) -> bool {
    stack.last().is_some_and(|&(last, _)| ops[last].role == Role::Floating)
}

/// Whether `prepared` may be placed next in a partition where some operations float: a
/// floating put or append only in its turn, and after a floating write only a failed
/// compare-and-set, which after a floating put or append must be one that could not have
/// failed without it.
///
/// Why that last rule keeps the verdict: say a linearization has floating put or append `w`
/// right before failed compare-and-set `c`, which would have failed without it too. Take `w`
/// out, and put it back right before the first failed compare-and-set `c'` from `c` on (before
/// the next put) that then sees its expected value, or last if none does. In between, the key
/// held a value containing `w`'s value, which only failed compare-and-sets, appends and
/// compare-and-sets with no answer can stand on ([`Role::Floating`]); without `w` the failed
/// ones before `c'` still fail, appends append, and the compare-and-sets with no answer go
/// last; from `c'` on (or the put) the key is as before. `w` stays in its turn: it is the
/// same write, placed later. Each such move takes a write later, so the moves end.
#[inline]
fn may_go_next<M: Model>(
    model: &M,
    ops: &[Prepared<M::Step>],
    stack: &[(usize, M::State)],
    prepared: &Prepared<M::Step>,
    turns_placed: u32,
) -> bool {
    if prepared.turn != NO_TURN && prepared.turn != turns_placed {
        return false;
    }
    let Some((last, before_last)) = stack.last() else { return true };
    let last = &ops[*last];
    if last.role != Role::Floating {
        return true;
    }
    prepared.role == Role::FailedCas && (last.turn == NO_TURN || model.step(before_last, &prepared.step).is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compact(ranks: usize, linearized: &[usize]) -> Vec<u32> {
        let mut set = Linearized::new((0..ranks).collect());
        linearized.iter().for_each(|&rank| set.insert(rank));
        set.compact().to_vec()
    }

    #[test]
    fn a_set_is_kept_as_its_frontier_and_the_ranks_past_it() {
        assert_eq!(compact(300, &[]), vec![0]);
        assert_eq!(compact(100, &[0, 70]), vec![1, 0, 1 << 6, 0], "a short partition keeps its bits");
        assert_eq!(compact(300, &[2, 1, 130]), vec![0, 1, 2, 130]);
        assert_eq!(compact(300, &[2, 3, 4, 40]), vec![BITSET_MARK, 0b1110, 1 << 7], "bits when shorter");
        assert_eq!(compact(300, &[130, 2, 0, 1]), vec![3, 130], "the order of insertion does not matter");
        assert_eq!(compact(300, &(0..64).collect::<Vec<_>>()), vec![64], "a whole word");
        assert_eq!(compact(300, &(0..300).rev().collect::<Vec<_>>()), vec![300], "everything");
        let mut set = Linearized::new((0..300).rev().collect());
        (0..=140).for_each(|rank| set.insert(rank));
        set.unplace(299 - 64);
        assert_eq!(
            set.compact(),
            vec![64 | BITSET_MARK, u32::MAX, u32::MAX, (1 << 12) - 1],
            "taken back below the frontier: 76 ranks past it, as bits"
        );
        set.place(299 - 64);
        assert_eq!(set.compact(), vec![141], "put back, the frontier runs past every word filled since");
    }

    /// The memo's account is made of fixed sizes (4 bytes a slot, 8 a fingerprint, 4 a start
    /// and a value of a compact set, the model's own count for a state), so it is these
    /// numbers on every target.
    #[test]
    fn a_memo_counts_the_same_bytes_on_every_target() {
        let mut memo: Memo<u32> = Memo::new(4, None);
        assert_eq!(memo.bytes(), 1024 * 4, "an empty memo is its slots");
        let inserted = memo.insert(7, &[0, 70], &3, || 0, usize::MAX);
        assert_eq!(inserted, Inserted::New);
        assert_eq!(memo.bytes(), 4096 + 64 * (8 + 4 + 4) + 256 * 4, "room for 64 configurations and 256 values");
        assert_eq!(memo.insert(7, &[0, 70], &3, || 0, usize::MAX), Inserted::Seen);
        assert_eq!(memo.insert(7, &[0, 71], &3, || 0, usize::MAX), Inserted::New, "same fingerprint, other set");
        assert_eq!(memo.insert(7, &[0], &3, || 0, usize::MAX), Inserted::New, "a prefix of a set is another set");
        for op in 1..=62u32 {
            assert_eq!(memo.insert(u64::from(op) * 1_000_003, &[op], &3, || 0, usize::MAX), Inserted::New);
        }
        assert_eq!(memo.len(), 65);
        assert_eq!(memo.set(1), &[0, 71]);
        assert_eq!(memo.bytes(), 4096 + 128 * 16 + 256 * 4, "the entries doubled, the slots and values not yet");
        let long: Vec<u32> = (0..300).collect();
        assert_eq!(memo.insert(1, &long, &3, || 0, usize::MAX), Inserted::New);
        assert_eq!(memo.bytes(), 4096 + 128 * 16 + 512 * 4, "the values doubled");
        let longer: Vec<u32> = (0..700).collect();
        assert_eq!(memo.insert(2, &longer, &3, || 0, usize::MAX), Inserted::New);
        assert_eq!(memo.bytes(), 4096 + 128 * 16 + 1067 * 4, "values grow to what is needed when that is more");

        let mut kv_like: Memo<u64> = Memo::new(8, None);
        assert_eq!(kv_like.insert(1, &[5], &9, || 100, usize::MAX), Inserted::New);
        assert_eq!(
            kv_like.bytes(),
            4096 + 64 * (8 + 8 + 4) + 256 * 4 + 100,
            "a state's heap is counted as the model says"
        );
    }

    #[test]
    fn a_memo_refuses_what_would_pass_its_budget_and_allocates_nothing() {
        let mut memo: Memo<u32> = Memo::new(4, None);
        let budget = 4096 + 64 * (8 + 4 + 4) + 256 * 4 - 1;
        assert_eq!(memo.insert(1, &[0], &0, || 0, budget), Inserted::OverBudget);
        assert_eq!((memo.len(), memo.bytes()), (0, 4096));
        assert_eq!(memo.insert(1, &[0], &0, || 0, budget + 1), Inserted::New);
    }
}
