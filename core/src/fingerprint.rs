//! A stable 64-bit fingerprint over a canonical encoding of protocol values: the leaf that both
//! the checks (prefix hashes of logs, memo keys of model states) and the world (the trace hash,
//! whose event encoding is in `sim/trace.rs`) build on, so neither imports the other.
//!
//! Encoding. The hash absorbs 64-bit words: integers as one word each (signed ones as two's
//! complement), booleans as 0/1, absent options as a 0 word and present ones as a 1 word
//! followed by the value, strings as their byte length then their bytes packed eight to a word,
//! little-endian, zero-padded, and sequences as their length then their items. Messages encode
//! as from, to, term, a body tag and the body's fields; entries as index, term, a payload tag
//! and the command (client, request number, operation tag, strings); an operation's result as a
//! tag and its value.
//!
//! Mixing. Each word `w` updates the state `h` as `h = (h.rotate_left(5) ^ w) * K` (wrapping),
//! with `K = 0x517c_c1b7_2722_0a95` (the FxHash constant); the state starts at
//! `0xcbf2_9ce4_8422_2325`. It is a fingerprint for comparing runs and states across
//! targets, not a cryptographic hash.

use crate::raft::{AppendOutcome, Body, Command, Entry, Index, Message, Op, OpResult, Payload, Term};

const MULTIPLIER: u64 = 0x517c_c1b7_2722_0a95;
const INITIAL: u64 = 0xcbf2_9ce4_8422_2325;

/// A running fingerprint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    state: u64,
}

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint { state: INITIAL }
    }
}

impl Fingerprint {
    /// The fingerprint so far.
    pub fn value(&self) -> u64 {
        self.state
    }

    /// Absorbs one word.
    pub fn word(&mut self, word: u64) {
        self.state = (self.state.rotate_left(5) ^ word).wrapping_mul(MULTIPLIER);
    }

    /// Absorbs a boolean.
    pub fn flag(&mut self, value: bool) {
        self.word(u64::from(value));
    }

    /// Absorbs an optional word.
    pub fn option(&mut self, value: Option<u64>) {
        match value {
            None => self.word(0),
            Some(value) => {
                self.word(1);
                self.word(value);
            }
        }
    }

    /// Absorbs a string: its length, then its bytes eight to a word.
    pub fn text(&mut self, text: &str) {
        let bytes = text.as_bytes();
        self.word(bytes.len() as u64);
        // Whole words are read as words, and the tail byte by byte: a copy of a slice of
        // variable length into a buffer is a `memory.copy` call in wasm, dear for 1 to 7 bytes.
        let mut words = bytes.chunks_exact(8);
        for chunk in &mut words {
            self.word(u64::from_le_bytes(chunk.try_into().expect("chunks_exact gives 8 bytes")));
        }
        let tail = words.remainder();
        if !tail.is_empty() {
            let word = tail.iter().rev().fold(0u64, |word, &byte| (word << 8) | u64::from(byte));
            self.word(word);
        }
    }

    /// Absorbs a message.
    pub fn message(&mut self, message: &Message) {
        self.word(u64::from(message.from));
        self.word(u64::from(message.to));
        self.word(message.term);
        match &message.body {
            Body::VoteRequest { prevote, last_log_index, last_log_term } => {
                self.word(1);
                self.flag(*prevote);
                self.word(*last_log_index);
                self.word(*last_log_term);
            }
            Body::VoteResponse { prevote, granted } => {
                self.word(2);
                self.flag(*prevote);
                self.flag(*granted);
            }
            Body::AppendRequest { prev_log_index, prev_log_term, entries, leader_commit } => {
                self.word(3);
                self.word(*prev_log_index);
                self.word(*prev_log_term);
                self.word(entries.len() as u64);
                for entry in entries {
                    self.entry(entry);
                }
                self.word(*leader_commit);
            }
            Body::AppendResponse { prev_log_index, outcome } => {
                self.word(4);
                self.word(*prev_log_index);
                match outcome {
                    AppendOutcome::Accepted { match_index } => {
                        self.word(1);
                        self.word(*match_index);
                    }
                    AppendOutcome::Rejected { conflict_term, conflict_index } => {
                        self.word(2);
                        self.option(*conflict_term);
                        self.word(*conflict_index);
                    }
                }
            }
            Body::Heartbeat { commit } => {
                self.word(5);
                self.word(*commit);
            }
            Body::HeartbeatResponse => self.word(6),
        }
    }

    /// Absorbs a log entry.
    pub fn entry(&mut self, entry: &Entry) {
        let command = match &entry.payload {
            Payload::Noop => None,
            Payload::Command(command) => Some(&**command),
        };
        self.entry_parts(entry.index, entry.term, command);
    }

    /// Absorbs an entry given by its parts, `None` for a no-op: the encoding of
    /// [`Fingerprint::entry`], for a caller that holds the command but no entry (an applied one).
    pub fn entry_parts(&mut self, index: Index, term: Term, command: Option<&Command>) {
        self.word(index);
        self.word(term);
        match command {
            None => self.word(1),
            Some(command) => {
                self.word(2);
                self.command(command);
            }
        }
    }

    /// Absorbs a client command.
    pub fn command(&mut self, command: &Command) {
        self.word(command.client);
        self.word(command.seq);
        self.op(&command.op);
    }

    /// Absorbs an operation.
    pub fn op(&mut self, op: &Op) {
        match op {
            Op::Get { key } => {
                self.word(1);
                self.text(key);
            }
            Op::Put { key, value } => {
                self.word(2);
                self.text(key);
                self.text(value);
            }
            Op::Append { key, value } => {
                self.word(3);
                self.text(key);
                self.text(value);
            }
            Op::Cas { key, from, to } => {
                self.word(4);
                self.text(key);
                self.text(from);
                self.text(to);
            }
        }
    }

    /// Absorbs what applying an operation returned.
    pub fn result(&mut self, result: &OpResult) {
        match result {
            OpResult::Value(None) => self.word(1),
            OpResult::Value(Some(value)) => {
                self.word(2);
                self.text(value);
            }
            OpResult::Done => self.word(3),
            OpResult::CasResult(written) => {
                self.word(4);
                self.flag(*written);
            }
            OpResult::Stale => self.word(5),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mixing_function_is_pinned() {
        let mut hash = Fingerprint::default();
        hash.word(1);
        hash.text("raft");
        // Golden, computed independently of this code: a change here changes every trace hash.
        assert_eq!(hash.value(), 0xc502_41c9_c796_3515);
    }

    #[test]
    fn text_reads_the_bytes_eight_to_a_word_little_endian_zero_padded() {
        let long = "the quick brown fox, 23 bytes";
        for length in 0..=long.len() {
            let text = &long[..length];
            let mut expected = Fingerprint::default();
            expected.word(length as u64);
            for chunk in text.as_bytes().chunks(8) {
                let mut word = [0u8; 8];
                word[..chunk.len()].copy_from_slice(chunk);
                expected.word(u64::from_le_bytes(word));
            }
            let mut hash = Fingerprint::default();
            hash.text(text);
            assert_eq!(hash.value(), expected.value(), "{length} bytes");
        }
    }

    #[test]
    fn strings_of_different_lengths_differ_even_with_zero_padding() {
        let mut short = Fingerprint::default();
        short.text("a");
        let mut padded = Fingerprint::default();
        padded.text("a\0");
        assert_ne!(short.value(), padded.value());
    }
}
