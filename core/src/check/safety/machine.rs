//! The checker's own state machine: the committed log applied by the checker, never taken
//! from a node. It gives the result every node must give at each index, and a digest of the
//! state after each index, against which a snapshot or a restored state machine is judged.
//!
//! The digest of a state is a sum over its keys and its client sessions of one fingerprint
//! each, so applying a command changes it by what the command changed (one key, one session)
//! and costs what the command costs, not the size of the store.

use crate::fingerprint::Fingerprint;
use crate::raft::{ClientId, Command, KvStore, OpResult, RequestSeq};

/// A key's part of a state digest (a missing key has none).
fn key_part(key: &str, value: Option<&str>) -> u64 {
    let Some(value) = value else { return 0 };
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
    hash.result(result);
    hash.value()
}

/// The digest of a whole state machine: what [`Reference::digest`] keeps incrementally.
/// Costs the size of the store: for a snapshot or a restart, never per entry.
pub(super) fn state_digest(store: &KvStore) -> u64 {
    let keys = store.entries().map(|(key, value)| key_part(key, Some(value)));
    let sessions = store.sessions().map(|(client, seq, result)| session_part(client, Some((seq, result))));
    keys.chain(sessions).fold(0, u64::wrapping_add)
}

/// The reference state machine and the digest of its state.
#[derive(Clone, Debug, Default)]
pub(super) struct Reference {
    store: KvStore,
    digest: u64,
}

impl Reference {
    /// Applies the next committed command; returns its result.
    pub(super) fn apply(&mut self, command: &Command) -> OpResult {
        let key = command.op.key();
        let before = key_part(key, self.store.get(key))
            .wrapping_add(session_part(command.client, self.store.session(command.client)));
        let (result, _) = self.store.apply(command);
        let after = key_part(key, self.store.get(key))
            .wrapping_add(session_part(command.client, self.store.session(command.client)));
        self.digest = self.digest.wrapping_sub(before).wrapping_add(after);
        debug_assert_eq!(self.digest, state_digest(&self.store), "the digest follows the store");
        result
    }

    /// The digest of the state after every command applied so far.
    pub(super) fn digest(&self) -> u64 {
        self.digest
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
        assert_eq!(one.digest(), state_digest(&one.store));
        assert_eq!(other.digest(), state_digest(&other.store));
        assert_eq!(Reference::default().digest(), state_digest(&KvStore::default()), "nothing is zero");
    }
}
