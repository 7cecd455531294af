//! The replicated state machine: a small key-value store with client sessions.
//!
//! Client sessions (thesis §6.3): the store remembers, per client, the last request number it
//! applied and that request's result. A retried request (same client, same number) that reaches
//! the log twice is applied once; the second copy returns the remembered result.

use std::collections::BTreeMap;

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::types::{ClientId, RequestSeq};

/// One operation on the store. Keys and values are short strings.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Op {
    /// Read a key; a missing key reads as `None`.
    Get {
        /// The key to read.
        key: String,
    },
    /// Set a key to a value.
    Put {
        /// The key to write.
        key: String,
        /// The new value.
        value: String,
    },
    /// Concatenate `value` onto the key's value (a missing key counts as empty).
    Append {
        /// The key to extend.
        key: String,
        /// What to add at the end.
        value: String,
    },
    /// Compare-and-set: write `to` only if the key currently holds `from` (a missing key holds
    /// the empty string, as a get would show it to a Jepsen client).
    Cas {
        /// The key to compare and set.
        key: String,
        /// The value the key must hold for the write to happen.
        from: String,
        /// The value written when it does.
        to: String,
    },
}

impl Op {
    /// The key the operation touches.
    pub fn key(&self) -> &str {
        match self {
            Op::Get { key } | Op::Put { key, .. } | Op::Append { key, .. } | Op::Cas { key, .. } => key,
        }
    }
}

// `Op`'s `Display` (the exact form: `put "k" "v"`) lives in `crate::words`, with every
// other way the engine writes an operation.

/// A client's request as it travels in the log: who asked, which request, what.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Command {
    /// The client that asked.
    pub client: ClientId,
    /// The client's request number (the same on a retry).
    pub seq: RequestSeq,
    /// The operation.
    pub op: Op,
}

/// What applying an operation produced.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OpResult {
    /// A get's answer: the value, or `None` for a missing key. Shared with the store (and so
    /// with the history and checkpoints): a get never copies a value, however long appends
    /// have made it.
    Value(Option<Arc<String>>),
    /// A put or append took effect.
    Done,
    /// A compare-and-set: `true` if it wrote, `false` if the key held something else.
    CasResult(bool),
    /// The request number is older than the client's latest applied request; its result is no
    /// longer remembered. A client with one request outstanding never waits for such a reply.
    Stale,
}

/// The store and its client sessions.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KvStore {
    /// Each value behind an `Arc`, shared with the get results that read it: an append extends
    /// it in place unless a result still shares it, and copies it once then.
    data: BTreeMap<String, Arc<String>>,
    /// Invariant: for each client, the highest request number applied and its result.
    sessions: BTreeMap<ClientId, (RequestSeq, OpResult)>,
}

impl KvStore {
    /// Applies a command once per (client, request number); returns its result and whether this
    /// application changed anything (`false` for a deduplicated retry).
    pub fn apply(&mut self, command: &Command) -> (OpResult, bool) {
        if let Some((seq_last, result_last)) = self.sessions.get(&command.client) {
            if command.seq == *seq_last {
                return (result_last.clone(), false);
            }
            if command.seq < *seq_last {
                return (OpResult::Stale, false);
            }
        }
        let result = self.execute(&command.op);
        // In place when the client has a session: most requests come from a client seen before.
        match self.sessions.get_mut(&command.client) {
            Some(session) => *session = (command.seq, result.clone()),
            None => {
                self.sessions.insert(command.client, (command.seq, result.clone()));
            }
        }
        (result, true)
    }

    /// Sets `key` to `value`, reusing the key's slot and, when no result shares it, its buffer.
    fn set(&mut self, key: &str, value: &str) {
        match self.data.get_mut(key) {
            Some(slot) => match Arc::get_mut(slot) {
                Some(held) => {
                    held.clear();
                    held.push_str(value);
                }
                None => *slot = Arc::new(value.to_string()),
            },
            None => {
                self.data.insert(key.to_string(), Arc::new(value.to_string()));
            }
        }
    }

    fn execute(&mut self, op: &Op) -> OpResult {
        match op {
            Op::Get { key } => OpResult::Value(self.data.get(key).cloned()),
            Op::Put { key, value } => {
                self.set(key, value);
                OpResult::Done
            }
            Op::Append { key, value } => {
                match self.data.get_mut(key) {
                    Some(held) => Arc::make_mut(held).push_str(value),
                    None => {
                        self.data.insert(key.clone(), Arc::new(value.clone()));
                    }
                }
                OpResult::Done
            }
            Op::Cas { key, from, to } => {
                let holds_from = self.get(key).unwrap_or_default() == from;
                if holds_from {
                    self.set(key, to);
                }
                OpResult::CasResult(holds_from)
            }
        }
    }

    /// The value of a key, for inspection and tests.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.data.get(key).map(|value| value.as_str())
    }

    /// Every key and value, in key order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.data.iter().map(|(key, value)| (key.as_str(), value.as_str()))
    }

    /// Each client's session, in client order: its last request applied and that request's
    /// result.
    pub fn sessions(&self) -> impl Iterator<Item = (ClientId, RequestSeq, &OpResult)> {
        self.sessions.iter().map(|(&client, (seq, result))| (client, *seq, result))
    }

    /// Client `client`'s session, if it has one.
    pub fn session(&self, client: ClientId) -> Option<(RequestSeq, &OpResult)> {
        self.sessions.get(&client).map(|(seq, result)| (*seq, result))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(client: ClientId, seq: RequestSeq, op: Op) -> Command {
        Command { client, seq, op }
    }

    fn put(key: &str, value: &str) -> Op {
        Op::Put { key: key.into(), value: value.into() }
    }

    #[test]
    fn retry_of_the_same_request_applies_once() {
        let mut store = KvStore::default();
        let append = Op::Append { key: "k".into(), value: "x".into() };
        assert_eq!(store.apply(&command(1, 1, append.clone())), (OpResult::Done, true));
        assert_eq!(store.apply(&command(1, 1, append)), (OpResult::Done, false));
        assert_eq!(store.get("k"), Some("x"));
    }

    #[test]
    fn older_request_is_stale_and_changes_nothing() {
        let mut store = KvStore::default();
        store.apply(&command(7, 2, put("k", "new")));
        assert_eq!(store.apply(&command(7, 1, put("k", "old"))), (OpResult::Stale, false));
        assert_eq!(store.get("k"), Some("new"));
    }

    #[test]
    fn cas_writes_only_when_the_value_matches() {
        let mut store = KvStore::default();
        store.apply(&command(1, 1, put("k", "a")));
        let cas_miss = Op::Cas { key: "k".into(), from: "b".into(), to: "c".into() };
        assert_eq!(store.apply(&command(1, 2, cas_miss)).0, OpResult::CasResult(false));
        let cas_hit = Op::Cas { key: "k".into(), from: "a".into(), to: "c".into() };
        assert_eq!(store.apply(&command(1, 3, cas_hit)).0, OpResult::CasResult(true));
        assert_eq!(store.get("k"), Some("c"));
    }

    #[test]
    fn a_missing_key_compares_as_empty() {
        let mut store = KvStore::default();
        let cas = Op::Cas { key: "new".into(), from: String::new(), to: "x".into() };
        assert_eq!(store.apply(&command(1, 1, cas)).0, OpResult::CasResult(true));
        assert_eq!(store.get("new"), Some("x"));
    }

    #[test]
    fn sessions_are_per_client() {
        let mut store = KvStore::default();
        store.apply(&command(1, 1, Op::Append { key: "k".into(), value: "a".into() }));
        store.apply(&command(2, 1, Op::Append { key: "k".into(), value: "b".into() }));
        assert_eq!(store.get("k"), Some("ab"));
        let get = store.apply(&command(3, 1, Op::Get { key: "k".into() }));
        assert_eq!(get.0, OpResult::Value(Some(Arc::new("ab".to_string()))));
    }
}
