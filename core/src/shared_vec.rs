//! [`SharedVec`]: a vector whose clones share their past.
//!
//! The world's big state grows at its end and is rarely rewritten: logs, disks, the checker's
//! shadow of every log, the client history. A page's session keeps dozens of copies of the world
//! as checkpoints for time travel, and with `Vec` each copy repeated the whole past. Here items
//! live in chunks of [`CHUNK`] behind `Arc`s: a clone copies only the chunk pointers, and a write
//! copies just the one chunk it touches when another clone still shares it (copy on write). So
//! a checkpoint costs O(len / CHUNK), and every checkpoint of one run shares one copy of the
//! past. A leaf module: the protocol, the checks and the world all use it.

use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

const CHUNK_BITS: u32 = 8;
/// Items per chunk.
pub const CHUNK: usize = 1 << CHUNK_BITS;

/// A growable sequence with cheap clones (see the module's doc).
#[derive(Clone)]
pub struct SharedVec<T> {
    /// The full chunks, shared with clones. Invariant: each holds exactly `CHUNK` items, so
    /// item `i` of them is in chunk `i / CHUNK`.
    chunks: Vec<Arc<Vec<T>>>,
    /// The items after the full chunks, owned: fewer than `CHUNK`. Pushes land here, so the
    /// common write touches no shared counter.
    tail: Vec<T>,
}

impl<T> Default for SharedVec<T> {
    fn default() -> Self {
        SharedVec { chunks: Vec::new(), tail: Vec::new() }
    }
}

impl<T: Clone> SharedVec<T> {
    /// An empty vector.
    pub fn new() -> Self {
        Self::default()
    }

    #[inline]
    fn shared_len(&self) -> usize {
        self.chunks.len() * CHUNK
    }

    /// How many items it holds.
    #[inline]
    pub fn len(&self) -> usize {
        self.shared_len() + self.tail.len()
    }

    /// Whether it holds nothing.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.chunks.is_empty() && self.tail.is_empty()
    }

    /// Item `index`, if there is one.
    #[inline]
    pub fn get(&self, index: usize) -> Option<&T> {
        match self.chunks.get(index >> CHUNK_BITS) {
            Some(chunk) => Some(&chunk[index & (CHUNK - 1)]),
            None => self.tail.get(index - self.shared_len()),
        }
    }

    /// Item `index` to change, copying its chunk first if a clone shares it.
    pub fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        let shared_len = self.shared_len();
        match self.chunks.get_mut(index >> CHUNK_BITS) {
            Some(chunk) => Some(&mut Arc::make_mut(chunk)[index & (CHUNK - 1)]),
            None => self.tail.get_mut(index - shared_len),
        }
    }

    /// The last item, if any.
    #[inline]
    pub fn last(&self) -> Option<&T> {
        self.tail.last().or_else(|| self.chunks.last().and_then(|chunk| chunk.last()))
    }

    /// Adds an item at the end.
    #[inline]
    pub fn push(&mut self, item: T) {
        if self.tail.capacity() == 0 {
            self.tail.reserve_exact(CHUNK);
        }
        self.tail.push(item);
        if self.tail.len() == CHUNK {
            let full = std::mem::replace(&mut self.tail, Vec::with_capacity(CHUNK));
            self.chunks.push(Arc::new(full));
        }
        debug_assert!(self.tail.len() < CHUNK);
    }

    /// Removes and returns the last item.
    pub fn pop(&mut self) -> Option<T> {
        if self.tail.is_empty() {
            let chunk = self.chunks.pop()?;
            self.tail = Arc::try_unwrap(chunk).unwrap_or_else(|shared| (*shared).clone());
        }
        self.tail.pop()
    }

    /// Keeps the first `len` items (nothing changes if it holds fewer).
    pub fn truncate(&mut self, len: usize) {
        let full = len >> CHUNK_BITS;
        if full < self.chunks.len() {
            let keep = len & (CHUNK - 1);
            let mut tail = Vec::with_capacity(CHUNK);
            tail.extend_from_slice(&self.chunks[full][..keep]);
            self.tail = tail;
            self.chunks.truncate(full);
        } else {
            self.tail.truncate(len - self.shared_len());
        }
        debug_assert!(self.len() <= len && self.tail.len() < CHUNK);
    }

    /// The items in order.
    pub fn iter(&self) -> Iter<'_, T> {
        let chunks = self.chunks.iter().flat_map(chunk_items as fn(&Arc<Vec<T>>) -> &[T]);
        chunks.chain(self.tail.iter())
    }

    /// The items from position `start` on, in order.
    pub fn iter_from(&self, start: usize) -> impl Iterator<Item = &T> + '_ {
        let first = start.min(self.len());
        let chunk = (first >> CHUNK_BITS).min(self.chunks.len());
        let chunks = self.chunks[chunk..].iter().flat_map(|chunk| chunk.iter());
        chunks.chain(self.tail.iter()).skip(first - chunk * CHUNK)
    }

    /// Copies of all the items, in order.
    pub fn to_vec(&self) -> Vec<T> {
        self.iter().cloned().collect()
    }

    /// Copies of the items at positions `start..end` (clamped to the length).
    pub fn range_to_vec(&self, start: usize, end: usize) -> Vec<T> {
        let end = end.min(self.len());
        if start >= end {
            return Vec::new();
        }
        self.iter_from(start).take(end - start).cloned().collect()
    }

    /// Points each full chunk that holds the same items as `other`'s chunk at the same place
    /// at `other`'s, so that the two hold one copy of it. Memory only: the items stay the same.
    /// Nine nodes' logs agree on almost all their past, and each held its own copy of it;
    /// shared, a long run's logs cost about one copy.
    pub fn share_chunks_with(&mut self, other: &SharedVec<T>)
    where
        T: PartialEq,
    {
        for (mine, theirs) in self.chunks.iter_mut().zip(&other.chunks) {
            if !Arc::ptr_eq(mine, theirs) && **mine == **theirs {
                *mine = Arc::clone(theirs);
            }
        }
    }

    /// Whether full chunk `chunk` is the same allocation as `other`'s (for tests of sharing).
    pub fn shares_chunk_with(&self, other: &SharedVec<T>, chunk: usize) -> bool {
        matches!((self.chunks.get(chunk), other.chunks.get(chunk)), (Some(mine), Some(theirs)) if Arc::ptr_eq(mine, theirs))
    }

    /// The number of leading items for which `holds` is true, which must be true of a prefix
    /// and false after it (as `slice::partition_point`): a binary search.
    #[inline]
    pub fn partition_point(&self, holds: impl Fn(&T) -> bool) -> usize {
        // The first chunk whose last item fails holds the boundary; then search that chunk.
        let chunk = self.chunks.partition_point(|chunk| holds(&chunk[CHUNK - 1]));
        match self.chunks.get(chunk) {
            Some(items) => chunk * CHUNK + items.partition_point(&holds),
            None => self.shared_len() + self.tail.partition_point(&holds),
        }
    }
}

/// The items of a [`SharedVec`], in order.
pub type Iter<'a, T> = std::iter::Chain<
    std::iter::FlatMap<std::slice::Iter<'a, Arc<Vec<T>>>, &'a [T], fn(&Arc<Vec<T>>) -> &[T]>,
    std::slice::Iter<'a, T>,
>;

fn chunk_items<T>(chunk: &Arc<Vec<T>>) -> &[T] {
    chunk
}

impl<'a, T: Clone> IntoIterator for &'a SharedVec<T> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

impl<T: Clone> std::ops::Index<usize> for SharedVec<T> {
    type Output = T;

    #[inline]
    fn index(&self, index: usize) -> &T {
        self.get(index).unwrap_or_else(|| panic!("index {index} out of range for a SharedVec of {}", self.len()))
    }
}

impl<T: Clone> From<Vec<T>> for SharedVec<T> {
    fn from(items: Vec<T>) -> Self {
        items.into_iter().collect()
    }
}

impl<T: Clone> FromIterator<T> for SharedVec<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut vector = SharedVec::new();
        vector.extend(items);
        vector
    }
}

impl<T: Clone> Extend<T> for SharedVec<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        for item in items {
            self.push(item);
        }
    }
}

impl<T: Clone + PartialEq> PartialEq for SharedVec<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<T: Clone + Eq> Eq for SharedVec<T> {}

impl<T: Clone + PartialEq> PartialEq<[T]> for SharedVec<T> {
    fn eq(&self, other: &[T]) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<T: Clone + PartialEq> PartialEq<Vec<T>> for SharedVec<T> {
    fn eq(&self, other: &Vec<T>) -> bool {
        *self == other[..]
    }
}

impl<T: Clone + std::hash::Hash> std::hash::Hash for SharedVec<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.len().hash(state);
        for item in self.iter() {
            item.hash(state);
        }
    }
}

impl<T: Clone + std::fmt::Debug> std::fmt::Debug for SharedVec<T> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Clone + Serialize> Serialize for SharedVec<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de, T: Clone + Deserialize<'de>> Deserialize<'de> for SharedVec<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<T>::deserialize(deserializer).map(SharedVec::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same operations on a `Vec` and a `SharedVec` must leave the same items.
    fn same(shared: &SharedVec<u64>, plain: &[u64]) {
        assert_eq!(shared.len(), plain.len());
        assert!(shared.iter().eq(plain.iter()));
        for (index, item) in plain.iter().enumerate() {
            assert_eq!(shared.get(index), Some(item));
        }
        assert_eq!(shared.get(plain.len()), None);
        assert_eq!(shared.last(), plain.last());
    }

    #[test]
    fn behaves_like_a_vec_across_chunk_boundaries() {
        let mut shared = SharedVec::new();
        let mut plain = Vec::new();
        for item in 0..(3 * CHUNK as u64 + 17) {
            shared.push(item);
            plain.push(item);
        }
        same(&shared, &plain);
        for len in [3 * CHUNK + 5, 2 * CHUNK, 2 * CHUNK - 1, CHUNK + 1, 1, 0] {
            shared.truncate(len);
            plain.truncate(len);
            same(&shared, &plain);
            shared.extend(100..110);
            plain.extend(100..110);
            same(&shared, &plain);
        }
        assert_eq!(shared.pop(), plain.pop());
        same(&shared, &plain);
        assert_eq!(shared.range_to_vec(2, 5), plain[2..5].to_vec());
        assert_eq!(shared.to_vec(), plain);
        assert!(shared.iter_from(3).eq(plain[3..].iter()));
    }

    #[test]
    fn a_clone_keeps_its_items_whatever_the_original_does() {
        let mut original: SharedVec<u64> = (0..(2 * CHUNK as u64 + 3)).collect();
        let snapshot = original.clone();
        let before: Vec<u64> = snapshot.iter().copied().collect();
        *original.get_mut(5).unwrap() = 999;
        original.truncate(CHUNK + 2);
        original.extend([7, 8, 9]);
        same(&snapshot, &before);
        assert_eq!(original[5], 999);
        assert_eq!(original.len(), CHUNK + 5);
    }

    #[test]
    fn clones_share_every_full_chunk() {
        let original: SharedVec<u64> = (0..(4 * CHUNK as u64 + 9)).collect();
        let copy = original.clone();
        assert_eq!(copy.chunks.len(), 4);
        for (mine, theirs) in original.chunks.iter().zip(&copy.chunks) {
            assert!(Arc::ptr_eq(mine, theirs));
        }
    }

    #[test]
    fn partition_point_finds_the_first_item_that_fails() {
        let shared: SharedVec<u64> = (0..1_000).map(|item| item / 3).collect();
        for bound in [0, 1, 100, 332, 333, 400] {
            let plain: Vec<u64> = shared.iter().copied().collect();
            assert_eq!(shared.partition_point(|&item| item < bound), plain.partition_point(|&item| item < bound));
        }
    }

    #[test]
    fn serializes_as_a_plain_sequence() {
        let shared: SharedVec<u64> = vec![1, 2, 3].into();
        let text = serde_json::to_string(&shared).unwrap();
        assert_eq!(text, "[1,2,3]");
        assert_eq!(serde_json::from_str::<SharedVec<u64>>(&text).unwrap(), shared);
    }
}
