//! Jepsen-style clients: each has one operation outstanding, sends it to the node it believes
//! leads, follows redirect hints, retries with the same request number when an attempt times
//! out, and gives up (outcome unknown) when the operation's deadline passes.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::raft::{ClientId, Command, NodeId, Op, RequestSeq};
use crate::scenario::WorkloadOptions;

use super::rng::Rng;

/// The operation a client is waiting on.
#[derive(Clone, Debug)]
pub struct PendingOp {
    /// Its position in the history.
    pub history_position: usize,
    /// What is sent (the same on every attempt).
    pub command: Command,
    /// Which attempt is current; a timeout for an older attempt is ignored.
    pub attempt: u32,
    /// When the client gives up.
    pub deadline_us: u64,
}

/// One client.
#[derive(Clone, Debug)]
pub struct Client {
    /// The client's identity in commands (its index + 1).
    pub client_id: ClientId,
    /// Jepsen's process number; renewed after an unknown outcome.
    pub process: u32,
    /// The node the client sends to next.
    pub target: NodeId,
    /// The last request number used.
    pub seq: RequestSeq,
    /// The operation outstanding, if any.
    pub pending: Option<PendingOp>,
    /// A one-off client made for a scripted request: it issues nothing else.
    pub one_off: bool,
    /// Values this client wrote, counted, so every written value is unique.
    values_written: u64,
    /// The last value seen per key, for compare-and-set.
    last_seen: BTreeMap<String, Arc<String>>,
}

impl Client {
    /// Client number `index` (from 0), first talking to `target`.
    pub fn new(index: u32, target: NodeId, one_off: bool) -> Self {
        Client {
            client_id: ClientId::from(index) + 1,
            process: index,
            target,
            seq: 0,
            pending: None,
            one_off,
            values_written: 0,
            last_seen: BTreeMap::new(),
        }
    }

    /// Draws the next operation of the workload.
    pub fn draw_op(&mut self, rng: &mut Rng, workload: &WorkloadOptions) -> Op {
        let key = if rng.chance(workload.hot_key_ppm) { 0 } else { rng.below(u64::from(workload.keys)) };
        let key = key.to_string();
        match rng.weighted(&workload.mix) {
            0 => Op::Get { key },
            1 => Op::Put { value: self.fresh_value(), key },
            2 => Op::Append { value: format!("{} ", self.fresh_value()), key },
            _ => {
                let from = self.last_seen.get(&key).map(|value| value.to_string()).unwrap_or_default();
                Op::Cas { from, to: self.fresh_value(), key }
            }
        }
    }

    fn fresh_value(&mut self) -> String {
        self.values_written += 1;
        format!("{}.{}", self.client_id, self.values_written)
    }

    /// Starts `op` as the next request; returns the command to send.
    pub fn start(&mut self, op: Op, history_position: usize, deadline_us: u64) -> Command {
        assert!(self.pending.is_none(), "one operation outstanding per client");
        self.seq += 1;
        let command = Command { client: self.client_id, seq: self.seq, op };
        self.pending = Some(PendingOp { history_position, command: command.clone(), attempt: 0, deadline_us });
        command
    }

    /// Remembers what a completed operation showed of a key's value.
    pub fn observe(&mut self, op: &Op, value: Option<&Arc<String>>) {
        match (op, value) {
            (Op::Get { key }, Some(value)) => {
                self.last_seen.insert(key.clone(), Arc::clone(value));
            }
            (Op::Put { key, value }, _) | (Op::Cas { key, to: value, .. }, _) => {
                self.last_seen.insert(key.clone(), Arc::new(value.clone()));
            }
            _ => {}
        }
    }

    /// Moves on to the next node in id order (no hint, or a timeout).
    pub fn try_next_node(&mut self, nodes: u32) {
        self.target = self.target % nodes + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::Stream;

    #[test]
    fn written_values_are_unique_and_the_mix_is_followed() {
        let mut client = Client::new(0, 1, false);
        let mut rng = Rng::new(1, Stream::Clients);
        let workload = WorkloadOptions { mix: [0, 1, 0, 0], ..WorkloadOptions::default() };
        let values: Vec<String> = (0..50)
            .map(|_| match client.draw_op(&mut rng, &workload) {
                Op::Put { value, .. } => value,
                other => panic!("only puts in this mix, got {other:?}"),
            })
            .collect();
        let mut unique = values.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), values.len());
    }

    #[test]
    fn cas_compares_against_the_last_value_seen() {
        let mut client = Client::new(2, 1, false);
        client.observe(&Op::Get { key: "0".into() }, Some(&Arc::new("3.7".to_string())));
        let mut rng = Rng::new(1, Stream::Clients);
        let workload = WorkloadOptions { mix: [0, 0, 0, 1], hot_key_ppm: 1_000_000, ..WorkloadOptions::default() };
        match client.draw_op(&mut rng, &workload) {
            Op::Cas { from, .. } => assert_eq!(from, "3.7"),
            other => panic!("expected a cas, got {other:?}"),
        }
    }
}
