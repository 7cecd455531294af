//! A node's disk: writes are durable only once their fsync completes, fsyncs complete in order
//! with group commit (writes issued during an fsync share the next one), and a crash loses whatever was not yet synced (or, with a torn tail, keeps a prefix of it
//! whose last entry fails its checksum on restart and is discarded).

use std::collections::VecDeque;

use crate::raft::{DurableState, Entry, Index, Write, WriteId, WriteRequest};
use crate::shared_vec::SharedVec;

use super::rng::Rng;

/// One node's disk.
#[derive(Clone, Debug, Default)]
pub struct Disk {
    durable: DurableState,
    /// Writes issued but not yet synced, in order.
    unsynced: VecDeque<WriteRequest>,
    /// When the fsync in progress completes.
    busy_until_us: u64,
    /// When the next fsync completes, once writes wait for it: it starts when the one in
    /// progress ends and covers every write issued until then (group commit), so a slow disk
    /// adds latency but no unbounded queue.
    next_done_us: Option<u64>,
}

/// What a crash did to the disk.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CrashLoss {
    /// Writes lost (not synced).
    pub writes_lost: usize,
    /// With a torn tail: the index of the entry found half-written and discarded on restart.
    pub torn_index: Option<Index>,
    /// The lowest log index the crash changed on disk (the unsynced writes that reached the
    /// platter after all, and the torn entry): what a reader of the disk must read again. `None`
    /// when the disk holds exactly what was synced.
    pub changed_from: Option<Index>,
}

impl Disk {
    /// Shares the chunks of entries the durable log holds in common with `entries` (a node's
    /// log, another disk). Memory only: what the disk holds stays the same.
    pub fn share_chunks_with(&mut self, entries: &SharedVec<Entry>) {
        self.durable.entries.share_chunks_with(entries);
    }

    /// What survives a crash now.
    pub fn durable(&self) -> &DurableState {
        &self.durable
    }

    /// Queues writes (taking them out of `writes`, which the driver gives back to the node for
    /// its next step); returns when the fsync covering them completes (one taking `fsync_us`
    /// if a new one is needed) and the last write's id, for the driver to report as `Persisted`.
    pub fn issue(&mut self, writes: &mut Vec<WriteRequest>, now_us: u64, fsync_us: u64) -> Option<(u64, WriteId)> {
        let last = writes.last()?.id;
        if let Some(previous) = self.unsynced.back() {
            assert!(previous.id < writes[0].id, "write ids must increase");
        }
        self.unsynced.extend(writes.drain(..));
        if now_us >= self.busy_until_us {
            // The fsync that was waiting has started: it is now the one in progress.
            if let Some(next_done_us) = self.next_done_us.take() {
                self.busy_until_us = next_done_us;
            }
        }
        let done_us = if now_us >= self.busy_until_us {
            self.busy_until_us = now_us + fsync_us;
            self.busy_until_us
        } else {
            *self.next_done_us.get_or_insert(self.busy_until_us + fsync_us)
        };
        Some((done_us, last))
    }

    /// The fsync covering writes up to `write_id` completed: they become durable. Puts them, in
    /// order, into `synced` (emptied first; the caller's list, reused from fsync to fsync so that
    /// none allocates) for the checks.
    pub fn synced(&mut self, write_id: WriteId, synced: &mut Vec<WriteRequest>) {
        synced.clear();
        while self.unsynced.front().is_some_and(|request| request.id <= write_id) {
            let request = self.unsynced.pop_front().expect("checked");
            self.durable.apply(&request.write);
            synced.push(request);
        }
    }

    /// The node crashed. Unsynced writes are lost; with probability `torn_tail_ppm` they had in
    /// fact reached the platter, except the last appended entry, which is torn: its checksum
    /// fails on restart and it is discarded. Either way the disk holds a state that some prefix
    /// of the writes, in order, would produce.
    pub fn crash(&mut self, rng: &mut Rng, torn_tail_ppm: u32) -> CrashLoss {
        let unsynced = std::mem::take(&mut self.unsynced);
        self.busy_until_us = 0;
        self.next_done_us = None;
        let appends_something =
            unsynced.iter().any(|request| matches!(&request.write, Write::Append(entries) if !entries.is_empty()));
        if !appends_something || !rng.chance(torn_tail_ppm) {
            return CrashLoss { writes_lost: unsynced.len(), torn_index: None, changed_from: None };
        }
        let first_touched = |write: &Write| match write {
            Write::Append(entries) => entries.first().map(|entry| entry.index),
            Write::Truncate { from } => Some(*from),
            Write::HardState(_) | Write::Snapshot(_) => None,
        };
        let mut changed_from = Index::MAX;
        for request in &unsynced {
            changed_from = changed_from.min(first_touched(&request.write).unwrap_or(Index::MAX));
            self.durable.apply(&request.write);
        }
        let torn = self.durable.entries.pop().expect("an append reached the disk");
        let changed_from = changed_from.min(torn.index);
        CrashLoss { writes_lost: 0, torn_index: Some(torn.index), changed_from: Some(changed_from) }
    }

    /// Wipes the disk entirely (a replaced drive): Raft's durability assumption broken on purpose.
    pub fn wipe(&mut self) {
        *self = Disk::default();
    }

    /// How many writes wait for an fsync.
    pub fn unsynced_count(&self) -> usize {
        self.unsynced.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{Entry, HardState, Payload};
    use crate::sim::rng::Stream;

    fn append(id: WriteId, index: Index) -> WriteRequest {
        WriteRequest { id, write: Write::Append(vec![Entry { term: 1, index, payload: Payload::Noop }]) }
    }

    #[test]
    fn writes_are_durable_only_once_synced_and_fsyncs_queue_up() {
        let mut disk = Disk::default();
        let mut writes = vec![append(1, 1)];
        assert_eq!(disk.issue(&mut writes, 100, 50), Some((150, 1)));
        assert!(writes.is_empty(), "the writes move to the disk");
        assert_eq!(
            disk.issue(&mut vec![append(2, 2)], 120, 50),
            Some((200, 2)),
            "the second fsync waits for the first"
        );
        assert!(disk.durable().entries.is_empty());
        let mut synced = vec![append(9, 9)];
        disk.synced(1, &mut synced);
        assert_eq!(disk.durable().entries.len(), 1);
        assert_eq!(synced.iter().map(|request| request.id).collect::<Vec<_>>(), [1], "the list is emptied first");
        disk.synced(2, &mut synced);
        assert_eq!(disk.durable().entries.len(), 2);
        assert_eq!(synced.iter().map(|request| request.id).collect::<Vec<_>>(), [2]);
    }

    #[test]
    fn writes_issued_during_an_fsync_share_the_next_one() {
        let mut disk = Disk::default();
        assert_eq!(disk.issue(&mut vec![append(1, 1)], 0, 100), Some((100, 1)));
        assert_eq!(disk.issue(&mut vec![append(2, 2)], 10, 100), Some((200, 2)));
        assert_eq!(disk.issue(&mut vec![append(3, 3)], 20, 999), Some((200, 3)), "joins the waiting fsync");
        assert_eq!(disk.issue(&mut vec![append(4, 4)], 150, 100), Some((300, 4)), "the second one has started");
        assert_eq!(disk.issue(&mut vec![append(5, 5)], 400, 100), Some((500, 5)), "an idle disk starts at once");
    }

    #[test]
    fn a_crash_loses_unsynced_writes() {
        let mut disk = Disk::default();
        let hard_state = HardState { term: 3, voted_for: Some(2) };
        disk.issue(&mut vec![WriteRequest { id: 1, write: Write::HardState(hard_state) }], 0, 10);
        disk.synced(1, &mut Vec::new());
        disk.issue(&mut vec![append(2, 1)], 0, 10);
        let loss = disk.crash(&mut Rng::new(1, Stream::Disks), 0);
        assert_eq!(loss, CrashLoss { writes_lost: 1, torn_index: None, changed_from: None });
        assert_eq!(disk.durable().hard_state, hard_state);
        assert!(disk.durable().entries.is_empty());
    }

    #[test]
    fn a_torn_tail_keeps_a_prefix_and_drops_the_last_entry() {
        let mut disk = Disk::default();
        let entries = (1..=3).map(|index| Entry { term: 1, index, payload: Payload::Noop }).collect();
        disk.issue(&mut vec![WriteRequest { id: 1, write: Write::Append(entries) }], 0, 10);
        let loss = disk.crash(&mut Rng::new(1, Stream::Disks), 1_000_000);
        assert_eq!(loss.torn_index, Some(3));
        assert_eq!(disk.durable().entries.len(), 2);
    }
}
