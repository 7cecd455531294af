//! Sequential specifications the checker judges a history against. A [`Model`] is small: an
//! initial state, a way to compile each operation once before the search (so that a register
//! compares small integers rather than strings), and a step that says whether a compiled
//! operation could have happened in a state, and what state follows. Add a model by
//! implementing the trait.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::fingerprint::Fingerprint;

use super::{Call, Return};

/// Distinct values of a history, numbered as first seen.
#[derive(Clone, Debug, Default)]
pub struct Values {
    names: Vec<String>,
    numbers: BTreeMap<String, u32>,
}

impl Values {
    /// The number of `value`, numbering it if new.
    pub fn number(&mut self, value: &str) -> u32 {
        if let Some(&number) = self.numbers.get(value) {
            return number;
        }
        let number = u32::try_from(self.names.len()).expect("a history holds fewer than 2³² distinct values");
        self.names.push(value.to_string());
        self.numbers.insert(value.to_string(), number);
        number
    }

    /// The value numbered `number`.
    pub fn name(&self, number: u32) -> &str {
        &self.names[number as usize]
    }
}

/// A sequential specification.
pub trait Model {
    /// The state the operations act on.
    type State: Clone + Eq;
    /// An operation compiled for fast steps.
    type Step;
    /// What one state takes in the memo's table, in bytes, counted the same on every target
    /// (not `size_of`, which differs where `usize` does: 8 natively, 4 on wasm32), so that a
    /// history answers the same within the memory budget in a terminal and in the browser.
    const STATE_BYTES: usize;
    /// A short name (`register`, `kv`).
    fn name(&self) -> &'static str;
    /// Why the model cannot judge this call, if it cannot (a register has no append).
    fn refuses(&self, call: &Call) -> Option<String>;
    /// Compiles an operation (its call and what it returned) once, before the search.
    fn compile(&self, call: &Call, ret: &Return, values: &mut Values) -> Self::Step;
    /// The state before any operation.
    fn init(&self) -> Self::State;
    /// The state after the operation, or `None` if its result is impossible in `state`. An
    /// unknown result is possible in every state: the call took effect at this point.
    fn step(&self, state: &Self::State, step: &Self::Step) -> Option<Self::State>;
    /// A fingerprint of a state for the search's memo table.
    fn fingerprint(&self, state: &Self::State) -> u64;
    /// What a state holds on the heap, in bytes (an estimate that errs high), so the memo can
    /// keep to its memory budget; asked only of states new to the memo. States with nothing on
    /// the heap keep the default.
    fn heap_bytes(&self, _state: &Self::State) -> usize {
        0
    }
    /// The state in words, for counterexamples.
    fn describe(&self, state: &Self::State, values: &Values) -> String;
}

/// A register (Jepsen's etcd test): read, write and compare-and-set on one value, which starts
/// absent (`nil`). Keys, if any, are independent registers.
#[derive(Clone, Copy, Debug, Default)]
pub struct Register;

/// No value in the register.
const ABSENT: u32 = u32::MAX;

/// A register operation with its values numbered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegisterStep {
    /// A read that saw this value (or `ABSENT`).
    Read(u32),
    /// A read whose answer is unknown.
    ReadUnknown,
    /// A write, answered or not: it takes effect where it is placed.
    Write(u32),
    /// A compare-and-set and what it returned (`None`: unknown).
    Cas {
        /// Expected value.
        from: u32,
        /// New value.
        to: u32,
        /// Whether it took effect, if known.
        applied: Option<bool>,
    },
}

impl Model for Register {
    type State = u32;
    type Step = RegisterStep;
    const STATE_BYTES: usize = 4;

    fn name(&self) -> &'static str {
        "register"
    }

    fn refuses(&self, call: &Call) -> Option<String> {
        // In words any front end can show: the CLI adds its flag, the page its list of models.
        matches!(call, Call::Append { .. }).then(|| "the register model has no append".to_string())
    }

    fn compile(&self, call: &Call, ret: &Return, values: &mut Values) -> RegisterStep {
        match (call, ret) {
            (Call::Get { .. }, Return::Value(seen)) => {
                RegisterStep::Read(seen.as_deref().map_or(ABSENT, |value| values.number(value)))
            }
            (Call::Get { .. }, _) => RegisterStep::ReadUnknown,
            (Call::Put { value, .. }, _) => RegisterStep::Write(values.number(value)),
            (Call::Cas { from, to, .. }, ret) => {
                let applied = match ret {
                    Return::Cas(applied) => Some(*applied),
                    _ => None,
                };
                RegisterStep::Cas { from: values.number(from), to: values.number(to), applied }
            }
            (Call::Append { .. }, _) => unreachable!("refused before compiling"),
        }
    }

    fn init(&self) -> u32 {
        ABSENT
    }

    fn step(&self, &state: &u32, step: &RegisterStep) -> Option<u32> {
        match *step {
            RegisterStep::Read(seen) => (seen == state).then_some(state),
            RegisterStep::ReadUnknown => Some(state),
            RegisterStep::Write(value) => Some(value),
            RegisterStep::Cas { from, to, applied } => match applied {
                Some(true) => (state == from).then_some(to),
                Some(false) => (state != from).then_some(state),
                None => Some(if state == from { to } else { state }),
            },
        }
    }

    fn fingerprint(&self, &state: &u32) -> u64 {
        u64::from(state).wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }

    fn describe(&self, &state: &u32, values: &Values) -> String {
        match state {
            ABSENT => "the register holds nothing (nil)".into(),
            value => format!("the register holds {}", values.name(value)),
        }
    }
}

/// A key-value store (Porcupine's kv model): get, put and append per key, plus compare-and-set.
/// A missing key reads as the empty string.
#[derive(Clone, Copy, Debug, Default)]
pub struct Kv;

impl Kv {
    /// What `call`, answering `ret`, does to its key's value `current`: `None` if the answer is
    /// impossible there, `Some(None)` if the value stays, `Some(Some(value))` for the new value.
    /// The one statement of the semantics, for the search's steps and for a caller that keeps
    /// one state and changes it in place (the safety checker's reference state machine).
    pub fn effect(call: &Call, ret: &Return, current: &str) -> Option<Option<String>> {
        match (call, ret) {
            (Call::Get { .. }, Return::Value(seen)) => (seen.as_deref().unwrap_or("") == current).then_some(None),
            (Call::Get { .. }, _) => Some(None),
            (Call::Put { value, .. }, _) => Some(Some(value.clone())),
            (Call::Append { value, .. }, _) => Some(Some([current, value.as_str()].concat())),
            (Call::Cas { from, to, .. }, Return::Cas(true)) => (current == from).then(|| Some(to.clone())),
            (Call::Cas { from, .. }, Return::Cas(false)) => (current != from).then_some(None),
            (Call::Cas { from, to, .. }, _) => Some((current == from).then(|| to.clone())),
        }
    }

    /// Sets `key` to `value` in a state's map (an empty value: the key goes, as a missing key
    /// reads empty).
    pub fn set(map: &mut BTreeMap<Arc<str>, Arc<str>>, key: &str, value: String) {
        if value.is_empty() {
            map.remove(key);
        } else if let Some(held) = map.get_mut(key) {
            *held = value.into();
        } else {
            map.insert(key.into(), value.into());
        }
    }
}

impl Model for Kv {
    /// Keys with a non-empty value, in key order.
    type State = Arc<BTreeMap<Arc<str>, Arc<str>>>;
    /// The call and its result, as they are.
    type Step = (Call, Return);
    /// A pointer, counted as a 64-bit one everywhere.
    const STATE_BYTES: usize = 8;

    fn name(&self) -> &'static str {
        "kv"
    }

    fn refuses(&self, _call: &Call) -> Option<String> {
        None
    }

    fn compile(&self, call: &Call, ret: &Return, _values: &mut Values) -> (Call, Return) {
        (call.clone(), ret.clone())
    }

    fn init(&self) -> Self::State {
        Arc::new(BTreeMap::new())
    }

    fn step(&self, state: &Self::State, (call, ret): &(Call, Return)) -> Option<Self::State> {
        let key = call.key();
        match Kv::effect(call, ret, state.get(key).map_or("", |value| value))? {
            None => Some(state.clone()),
            Some(value) => {
                let mut next = (**state).clone();
                Kv::set(&mut next, key, value);
                Some(Arc::new(next))
            }
        }
    }

    fn fingerprint(&self, state: &Self::State) -> u64 {
        let mut hash = Fingerprint::default();
        for (key, value) in state.iter() {
            hash.text(key);
            hash.text(value);
        }
        hash.value()
    }

    /// The map's node and each entry's `Arc`s and text, counted for every state even where
    /// states share them: the memo then errs high.
    fn heap_bytes(&self, state: &Self::State) -> usize {
        const MAP_BYTES: usize = 64;
        const ENTRY_BYTES: usize = 2 * 16 + 48;
        MAP_BYTES + state.iter().map(|(key, value)| ENTRY_BYTES + key.len() + value.len()).sum::<usize>()
    }

    fn describe(&self, state: &Self::State, _values: &Values) -> String {
        if state.is_empty() {
            return "every key is empty".into();
        }
        let pairs: Vec<String> = state.iter().map(|(key, value)| format!("{key:?} = {value:?}")).collect();
        format!("the store holds {}", pairs.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(value: Option<&str>) -> (Call, Return) {
        (Call::Get { key: "k".into() }, Return::Value(value.map(String::from)))
    }

    #[test]
    fn a_register_reads_what_was_written_and_cas_compares() {
        let (model, mut values) = (Register, Values::default());
        let mut compile = |call: &Call, ret: &Return| model.compile(call, ret, &mut values);
        let (read, nil) = get(None);
        let read_nil = compile(&read, &nil);
        let write = compile(&Call::Put { key: "k".into(), value: "3".into() }, &Return::Done);
        let cas = Call::Cas { key: "k".into(), from: "3".into(), to: "4".into() };
        let (cas_ok, cas_failed, cas_unknown) =
            (compile(&cas, &Return::Cas(true)), compile(&cas, &Return::Cas(false)), compile(&cas, &Return::Unknown));
        assert!(model.step(&model.init(), &read_nil).is_some());
        let written = model.step(&model.init(), &write).unwrap();
        assert!(model.step(&written, &read_nil).is_none(), "a write of 3 cannot read nil");
        let swapped = model.step(&written, &cas_ok).unwrap();
        assert_eq!(model.describe(&swapped, &values), "the register holds 4");
        assert!(model.step(&written, &cas_failed).is_none(), "a failed cas means the value differed");
        assert_eq!(
            model.step(&model.init(), &cas_unknown),
            Some(ABSENT),
            "an unknown cas that cannot apply changes nothing"
        );
    }

    #[test]
    fn kv_appends_concatenate_and_missing_keys_read_empty() {
        let (model, mut values) = (Kv, Values::default());
        let append = |value: &str| (Call::Append { key: "k".into(), value: value.into() }, Return::Done);
        let state = model.step(&model.init(), &append("a")).unwrap();
        let state = model.step(&state, &append("b")).unwrap();
        assert!(model.step(&state, &get(Some("ab"))).is_some());
        assert!(model.step(&model.init(), &get(Some(""))).is_some());
        assert!(model.step(&model.init(), &get(None)).is_some(), "nil and empty agree");
        assert_eq!(model.describe(&state, &values), r#"the store holds "k" = "ab""#);
        let _ = model.compile(&Call::Get { key: "k".into() }, &Return::Unknown, &mut values);
    }
}
