//! The checker's own state machine: the committed log applied by the checker, never taken
//! from a node, nor from the node's code. It is the linearizability checker's key-value model
//! ([`Kv`]), an independent statement of what get, put, append and compare-and-set do, with
//! client sessions kept here (thesis §6.3: a retry of a client's last request gets the answer it
//! got, an older request `Stale`), so that a bug in the node's store shows as a divergence. It
//! gives the result every node must give at each index, and a digest of the state after each
//! index, against which a snapshot or a restored state machine is judged.
//!
//! The digest of a state is a sum over its keys and its client sessions of one fingerprint
//! each, so applying a command changes it by what the command changed (one key, one session)
//! and costs what the command costs, not the size of the store. An empty value and a missing key
//! are the same (the model reads a missing key as empty, as a client does).

use std::collections::BTreeMap;

use crate::check::linearizability::model::{Kv, Model};
use crate::check::linearizability::Return;
use crate::fingerprint::Fingerprint;
use crate::raft::{ClientId, Command, KvStore, Op, OpResult, RequestSeq};

/// A key's part of a state digest (a missing or empty key has none).
fn key_part(key: &str, value: Option<&str>) -> u64 {
    let Some(value) = value.filter(|value| !value.is_empty()) else { return 0 };
    let mut hash = Fingerprint::default();
    hash.word(1);
    hash.text(key);
    hash.text(value);
    hash.value()
}

/// A client session's part of a state digest (a client without a session has none).
fn session_part(client: ClientId, session: Option<(RequestSeq, &OpResult)>) -> u64 {
    let Some((seq, result)) = session else { return 0 };
    let mut hash = Fingerprint::default();
    hash.word(2);
    hash.word(client);
    hash.word(seq);
    hash.result(&normal(result));
    hash.value()
}

/// An answer with an empty value read as no value, as the model has it.
pub(super) fn normal(result: &OpResult) -> OpResult {
    match result {
        OpResult::Value(Some(value)) if value.is_empty() => OpResult::Value(None),
        other => other.clone(),
    }
}

/// The digest of a node's whole state machine, to compare with [`Reference::digest`]. Costs
/// the size of the store: for a snapshot or a restart, never per entry.
pub(super) fn state_digest(store: &KvStore) -> u64 {
    let keys = store.entries().map(|(key, value)| key_part(key, Some(value)));
    let sessions = store.sessions().map(|(client, seq, result)| session_part(client, Some((seq, result))));
    keys.chain(sessions).fold(0, u64::wrapping_add)
}

/// The reference state machine: the model's state, the sessions, and the digest of both.
#[derive(Clone, Debug)]
pub(super) struct Reference {
    state: <Kv as Model>::State,
    sessions: BTreeMap<ClientId, (RequestSeq, OpResult)>,
    digest: u64,
}

impl Default for Reference {
    fn default() -> Self {
        Reference { state: Kv.init(), sessions: BTreeMap::new(), digest: 0 }
    }
}

impl Reference {
    /// The value of `key` in the model's state (empty when missing).
    fn value(&self, key: &str) -> &str {
        self.state.get(key).map_or("", |value| value)
    }

    /// What `op` answers in the model's state now: a read its key's value, a compare-and-set
    /// whether the value is the one expected, a write done.
    fn answer(&self, op: &Op) -> (OpResult, Return) {
        let current = self.value(op.key());
        match op {
            Op::Get { .. } => {
                let seen = (!current.is_empty()).then(|| current.to_string());
                (OpResult::Value(seen.clone().map(std::sync::Arc::new)), Return::Value(seen))
            }
            Op::Put { .. } | Op::Append { .. } => (OpResult::Done, Return::Done),
            Op::Cas { from, .. } => (OpResult::CasResult(current == from), Return::Cas(current == from)),
        }
    }

    /// Applies the next committed command; returns its result. The answer is derived from the
    /// state and then put to the model ([`Kv::effect`]), which confirms it and gives the key's new
    /// value; the state changes in place (the reference holds the only copy of it).
    pub(super) fn apply(&mut self, command: &Command) -> OpResult {
        let session = self.sessions.get(&command.client);
        match session {
            Some((last, answered)) if command.seq == *last => return answered.clone(),
            Some((last, _)) if command.seq < *last => return OpResult::Stale,
            _ => {}
        }
        let key = command.op.key();
        let before = key_part(key, Some(self.value(key)))
            .wrapping_add(session_part(command.client, session.map(|(seq, result)| (*seq, result))));
        let (result, ret) = self.answer(&command.op);
        let effect = Kv::effect(&command.op, &ret, self.value(key)).expect("the model admits its own answer");
        if let Some(value) = effect {
            Kv::set(std::sync::Arc::make_mut(&mut self.state), key, value);
        }
        let after = key_part(key, Some(self.value(key)))
            .wrapping_add(session_part(command.client, Some((command.seq, &result))));
        self.sessions.insert(command.client, (command.seq, result.clone()));
        self.digest = self.digest.wrapping_sub(before).wrapping_add(after);
        result
    }

    /// The digest of the state after every command applied so far.
    pub(super) fn digest(&self) -> u64 {
        self.digest
    }

    /// The digest of the whole state, recomputed (the test builds' cross-check).
    #[cfg(test)]
    fn whole_digest(&self) -> u64 {
        let keys = self.state.iter().map(|(key, value)| key_part(key, Some(value)));
        let sessions = self.sessions.iter().map(|(&client, (seq, result))| session_part(client, Some((*seq, result))));
        keys.chain(sessions).fold(0, u64::wrapping_add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::Op;

    fn command(client: ClientId, seq: RequestSeq, op: Op) -> Command {
        Command { client, seq, op }
    }

    #[test]
    fn the_digest_is_the_state_whatever_the_path() {
        let mut one = Reference::default();
        one.apply(&command(1, 1, Op::Put { key: "a".into(), value: "x".into() }));
        one.apply(&command(2, 1, Op::Append { key: "a".into(), value: "y".into() }));
        let mut other = Reference::default();
        other.apply(&command(2, 1, Op::Put { key: "a".into(), value: "xy".into() }));
        other.apply(&command(1, 1, Op::Put { key: "b".into(), value: "z".into() }));
        other.apply(&command(1, 1, Op::Put { key: "b".into(), value: "retry: not applied".into() }));
        assert_ne!(one.digest(), other.digest(), "the key b differs");
        let mut same = Reference::default();
        same.apply(&command(2, 1, Op::Put { key: "a".into(), value: "xy".into() }));
        same.apply(&command(1, 1, Op::Cas { key: "a".into(), from: "xy".into(), to: "xy".into() }));
        assert_ne!(one.digest(), same.digest(), "client 1's last result differs (done, cas true)");
        let mut again = Reference::default();
        again.apply(&command(2, 1, Op::Put { key: "a".into(), value: "xy".into() }));
        again.apply(&command(1, 1, Op::Put { key: "a".into(), value: "xy".into() }));
        assert_eq!(one.digest(), again.digest(), "the same keys, values and sessions by another path");
        assert_eq!(one.digest(), one.whole_digest());
        assert_eq!(other.digest(), other.whole_digest());
        assert_eq!(Reference::default().digest(), state_digest(&KvStore::default()), "nothing is zero");
    }

    /// The model and the node's store are written apart; on every kind of command, retries and
    /// stale requests, empty values and missing keys, they must agree, answer for answer and
    /// state for state.
    #[test]
    fn the_model_agrees_with_a_correct_store() {
        let op = |kind: u64, key: &str, n: u64| match kind % 5 {
            0 => Op::Get { key: key.into() },
            1 => Op::Put { key: key.into(), value: if n % 7 == 0 { String::new() } else { format!("v{n}") } },
            2 => Op::Append { key: key.into(), value: format!("a{n}") },
            3 => Op::Cas { key: key.into(), from: String::new(), to: format!("c{n}") },
            _ => Op::Cas { key: key.into(), from: format!("v{}", n - 1), to: format!("c{n}") },
        };
        let (mut reference, mut store) = (Reference::default(), KvStore::default());
        let mut seqs = [0u64; 3];
        for n in 1..400u64 {
            let client = n % 3;
            let seq = match n % 11 {
                0 => seqs[client as usize],                   // a retry of the last request
                5 => seqs[client as usize].saturating_sub(1), // an older one
                _ => seqs[client as usize] + 1,
            };
            seqs[client as usize] = seqs[client as usize].max(seq);
            let key = ["a", "b", "c"][(n % 3) as usize];
            let command = command(client + 1, seq, op(n * 7 / 3, key, n));
            let expected = reference.apply(&command);
            let (answered, _) = store.apply(&command);
            assert_eq!(normal(&answered), normal(&expected), "command {n}: {command:?}");
            assert_eq!(reference.digest(), state_digest(&store), "state after command {n}");
            assert_eq!(reference.digest(), reference.whole_digest());
        }
    }
}
