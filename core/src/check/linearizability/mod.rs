//! Linearizability of a client history (Herlihy & Wing), checked as Porcupine does: the Wing &
//! Gong / Lowe search with memoisation of (linearized set, state), per key (P-compositionality:
//! a history is linearizable exactly when each key's sub-history is), with unknown outcomes
//! allowed to take effect at any point after their call or not at all, a budget of model steps
//! after which the answer is "unknown", and a counterexample when the answer is "no". When the
//! plain search does not settle a history in a few steps per operation, it is searched again
//! after what its values fix is applied (`infer`: unknown reads left out, and with unique
//! values, each write bounded by the reads that saw it), so the search explores only what they
//! leave open; every such step keeps the set of linearizations.

mod infer;
pub mod model;
mod search;
pub mod sentence;
mod unseen;

use serde::{Deserialize, Serialize};

use crate::check::history::{History, HistoryOp, Outcome};
use crate::check::violation::{Invariant, Violation};
use crate::raft::OpResult;

use model::{Model, Values};
use std::borrow::Cow;
use std::collections::BTreeSet;

use search::{Found, Prepared, Role, Search};

/// What a client asked: the protocol's own operation type (get, put, append, compare-and-set),
/// so that a simulated history needs no conversion. A register's calls use an empty key.
pub use crate::raft::Op as Call;

/// What the client saw.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Return {
    /// A read's value (`None`: no value).
    Value(Option<String>),
    /// A write or append took effect.
    Done,
    /// A compare-and-set took effect (`true`) or found another value (`false`).
    Cas(bool),
    /// No answer: the call may or may not have taken effect.
    Unknown,
}

impl Return {
    /// The answer as `crate::words` writes it.
    pub fn answer(&self) -> crate::words::Answer<'_> {
        match self {
            Return::Value(value) => crate::words::Answer::Value(value.as_deref()),
            Return::Done => crate::words::Answer::Done,
            Return::Cas(wrote) => crate::words::Answer::Cas(*wrote),
            Return::Unknown => crate::words::Answer::Unknown,
        }
    }
}

/// The exact form (`"3"`, `nil`, `ok`, `failed`, `unknown`), from `crate::words`.
impl std::fmt::Display for Return {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&crate::words::answer_exact(self.answer()))
    }
}

/// One operation of a history. Times are any increasing positions (microseconds in a
/// simulation, line numbers in a Jepsen log).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    /// The client process.
    pub process: u64,
    /// What was asked.
    pub call: Call,
    /// What was seen.
    pub ret: Return,
    /// When it was invoked.
    pub invoke: u64,
    /// When it returned; `None` if it never did (then `ret` is `Unknown`).
    pub complete: Option<u64>,
}

/// The answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// Some order of the operations, consistent with real time, explains every result.
    Linearizable,
    /// No such order exists.
    NotLinearizable,
    /// The budget ran out before an answer.
    Unknown,
}

/// Why a history is not linearizable, for a person (and the page) to read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counterexample {
    /// The key whose sub-history fails.
    pub key: String,
    /// The longest linearizable prefix found, as positions in the checked operations, in order.
    pub longest_prefix: Vec<usize>,
    /// The model's state after that prefix, in words.
    pub state_after_prefix: String,
    /// The operations that could go next after the prefix, none of which the model accepts.
    pub cannot_go_next: Vec<usize>,
}

/// The whole result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResult {
    /// The answer.
    pub verdict: Verdict,
    /// Operations checked.
    pub operations: usize,
    /// Independent sub-histories checked.
    pub partitions: usize,
    /// Model steps spent.
    pub steps: u64,
    /// The most memory the memos held at once (all partitions' together).
    pub memo_bytes_peak: usize,
    /// Each partition, in key order.
    pub partition_results: Vec<PartitionResult>,
    /// When the answer is "no".
    pub counterexample: Option<Counterexample>,
}

/// What became of one partition (one key's sub-history, or the whole history unpartitioned).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartitionVerdict {
    /// It has a linearization.
    Linearizable,
    /// It has none.
    NotLinearizable,
    /// The shared step budget ran out before an answer.
    OutOfSteps,
    /// Its memo reached the shared memory budget before an answer; the memo was freed.
    OutOfMemory,
    /// Left unfinished: another partition was found not linearizable first.
    Unfinished,
}

/// One partition's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionResult {
    /// Its key.
    pub key: String,
    /// Its operations.
    pub operations: usize,
    /// What became of it.
    pub verdict: PartitionVerdict,
    /// Model steps it spent.
    pub steps: u64,
    /// Configurations in its memo when it stopped.
    pub memo_entries: usize,
    /// The most memory its memo held.
    pub memo_bytes_peak: usize,
    /// Time it took, in microseconds, as the caller's clock measured it (0 without a clock).
    pub time_us: u64,
}

/// How to check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Check each key's sub-history alone (P-compositionality). Off checks the whole history
    /// as one, which is slower and only for comparison.
    pub partition_by_key: bool,
    /// Model steps allowed in all, after which the answer is `Unknown`.
    pub step_budget: u64,
    /// Memory the memos may hold in all, after which the partition that would outgrow it
    /// answers `Unknown` and frees its memo. The checker's worst case is this, plus the
    /// transient copy of one table as it regrows (at most half as much again), plus a few
    /// words per operation for the history itself.
    pub memory_budget_bytes: usize,
}

/// The memory budget of a check on the command line: 1 GiB.
pub const MEMORY_BUDGET_NATIVE_BYTES: usize = 1 << 30;
/// The memory budget of a check the page asks for: 128 MiB of the tab's wasm memory.
pub const MEMORY_BUDGET_BROWSER_BYTES: usize = 128 << 20;
/// The memory budget of one check the page is asked to make with more, after an unknown: 1 GiB
/// (the worker then holds at most about 1.5 GiB, of the 4 GiB a wasm32 instance can address).
pub const MEMORY_BUDGET_BROWSER_RAISED_BYTES: usize = 1 << 30;
/// A raised check may spend this many times the model steps of the check it follows.
pub const RAISED_STEP_FACTOR: u64 = 20;

/// The most memory a check within `memory_budget_bytes` holds for its memos: the budget, plus
/// the transient copy of one table as it regrows (half as much again). The history itself and
/// the engine come on top.
pub const fn memo_bytes_max(memory_budget_bytes: usize) -> usize {
    memory_budget_bytes.saturating_add(memory_budget_bytes / 2)
}
/// The first slice of steps each partition gets in its turn; slices double every round.
const SLICE_STEPS_FIRST: u64 = 10_000;
/// The largest slice.
const SLICE_STEPS_MAX: u64 = 1 << 22;

impl Default for Options {
    fn default() -> Self {
        Options { partition_by_key: true, step_budget: 20_000_000, memory_budget_bytes: MEMORY_BUDGET_NATIVE_BYTES }
    }
}

/// Checks `operations` against `model`. Operations the model cannot judge make the check an
/// error (for example an append against the register model).
pub fn check<M: Model>(model: &M, operations: &[Operation], options: Options) -> Result<CheckResult, String> {
    check_timed(model, operations, options, &mut || 0)
}

/// [`check`], with `clock` (microseconds, from anywhere) timing each partition. The clock only
/// measures: the partitions' turns are counted in model steps, so the verdict and the
/// counterexample are the same whatever the clock says.
pub fn check_timed<M: Model>(
    model: &M,
    operations: &[Operation],
    options: Options,
    clock: &mut dyn FnMut() -> u64,
) -> Result<CheckResult, String> {
    check_passes(model, operations, options, clock, true)
}

/// [`check`] with what the values fix worked out first, as when the plain search does not
/// settle a history: for tests of that work, which the plain search would otherwise answer.
#[cfg(test)]
fn check_inferred<M: Model>(model: &M, operations: &[Operation], options: Options) -> Result<CheckResult, String> {
    check_passes(model, operations, options, &mut || 0, false)
}

/// [`check_timed`], with the plain pass (`plain_first`) or without.
fn check_passes<M: Model>(
    model: &M,
    operations: &[Operation],
    options: Options,
    clock: &mut dyn FnMut() -> u64,
    plain_first: bool,
) -> Result<CheckResult, String> {
    if let Some((position, reason)) = operations
        .iter()
        .enumerate()
        .find_map(|(position, op)| model.refuses(&op.call).map(|reason| (position, reason)))
    {
        return Err(format!("operation {position} ({}): {reason}", operations[position].call));
    }
    // The plain search first, for a few steps per operation: most histories need no more, and
    // working out what their values fix would cost more than the search itself. Both searches
    // are exact, so a verdict from the first is the answer; only a history it leaves open is
    // searched again with what the values fix.
    if plain_first {
        let plain_options =
            Options { step_budget: options.step_budget.min(plain_step_budget(operations.len())), ..options };
        let partitions = plain_partitions(operations, options.partition_by_key);
        let plain = search(model, operations, &partitions, &BTreeSet::new(), plain_options, clock);
        if plain.verdict != Verdict::Unknown {
            return Ok(plain);
        }
    }
    let (judged, partitions, floating) = tightened(operations, options.partition_by_key);
    Ok(search(model, &judged, &partitions, &floating, options, clock))
}

/// Model steps the plain search may spend before what the values fix is worked out: enough for
/// the simulator's histories, whose searches take one to two steps per operation.
fn plain_step_budget(operations: usize) -> u64 {
    PLAIN_STEPS_PER_OPERATION
        .saturating_mul(u64::try_from(operations).unwrap_or(u64::MAX))
        .saturating_add(PLAIN_STEPS_MIN)
}

/// See [`plain_step_budget`].
const PLAIN_STEPS_PER_OPERATION: u64 = 4;
/// See [`plain_step_budget`].
const PLAIN_STEPS_MIN: u64 = 1_000;

/// Every operation, by key (or all together), for the plain search.
fn plain_partitions(operations: &[Operation], partition_by_key: bool) -> Partitions {
    if partition_by_key {
        return by_key(operations);
    }
    vec![("(all keys)".into(), (0..operations.len()).collect())]
}

/// Searches `partitions` of `operations` (as judged), the `floating` ones placed only where
/// they may be needed.
fn search<M: Model>(
    model: &M,
    operations: &[Operation],
    partitions: &Partitions,
    floating: &BTreeSet<usize>,
    options: Options,
    clock: &mut dyn FnMut() -> u64,
) -> CheckResult {
    let mut values = Values::default();
    let prepared: Vec<Vec<Prepared<M::Step>>> =
        partitions.iter().map(|(_, positions)| prepare(model, operations, positions, floating, &mut values)).collect();
    let mut turns = Turns::new(model, partitions, &prepared, options);
    let failed = turns.run(clock);
    let counterexample = failed.map(|(index, longest_prefix)| {
        let (key, positions) = &partitions[index];
        explain(model, key, &prepared[index], &values, positions, &longest_prefix)
    });
    turns.result(operations.len(), counterexample)
}

/// The operations as the search judges them, with what their values fix applied key by key
/// (`infer`), the partitions to search (positions into both), and the unknown writes the
/// search places only right before a failed compare-and-set of their key (`unseen`): none when
/// the keys are searched together, where the next operation placed may be another key's.
///
/// The operations are copied only if the values change one (a history of a register with
/// values written twice, as Jepsen's etcd test writes, is judged as it is).
fn tightened(operations: &[Operation], partition_by_key: bool) -> (Cow<'_, [Operation]>, Partitions, BTreeSet<usize>) {
    let mut judged = Cow::Borrowed(operations);
    let mut floating = BTreeSet::new();
    let mut by_key_kept = Vec::new();
    for (key, positions) in by_key(operations) {
        let (kept, key_floating) = infer::tighten(operations, &mut judged, &positions);
        floating.extend(key_floating);
        by_key_kept.push((key, kept));
    }
    if partition_by_key {
        return (judged, by_key_kept, floating);
    }
    let mut everything: Vec<usize> = by_key_kept.into_iter().flat_map(|(_, positions)| positions).collect();
    everything.sort_unstable();
    (judged, vec![("(all keys)".into(), everything)], BTreeSet::new())
}

/// Partitions to search: each key (or "(all keys)") with its operations' positions.
type Partitions = Vec<(String, Vec<usize>)>;

/// Compiles the operations at `positions` for the search, the `floating` ones marked so.
fn prepare<M: Model>(
    model: &M,
    operations: &[Operation],
    positions: &[usize],
    floating: &BTreeSet<usize>,
    values: &mut Values,
) -> Vec<Prepared<M::Step>> {
    let compile = |(index, position): (usize, &usize)| {
        let op = &operations[*position];
        let role = match (&op.call, &op.ret) {
            _ if floating.contains(position) => Role::Floating,
            (Call::Cas { .. }, Return::Cas(false)) => Role::FailedCas,
            (Call::Get { .. }, Return::Value(_)) if op.complete.is_some() => Role::Read,
            _ => Role::Plain,
        };
        Prepared::new(index, model.compile(&op.call, &op.ret, values), op.invoke, op.complete, role)
    };
    let mut prepared: Vec<Prepared<M::Step>> = positions.iter().enumerate().map(compile).collect();
    // Floating puts and appends take turns in call order (`Role::Floating`), as the search's
    // entry list orders calls: by time, then position.
    let mut taking_turns: Vec<usize> = (0..positions.len())
        .filter(|&index| floating.contains(&positions[index]))
        .filter(|&index| matches!(operations[positions[index]].call, Call::Put { .. } | Call::Append { .. }))
        .collect();
    taking_turns.sort_by_key(|&index| (operations[positions[index]].invoke, index));
    for (turn, index) in taking_turns.into_iter().enumerate() {
        let turn = u32::try_from(turn).expect("a partition holds fewer than 2³² operations");
        prepared[index].take_turn(turn);
    }
    prepared
}

/// The partitions' searches taking turns: each round, every unfinished partition runs a slice
/// of steps (doubling each round) within what memory the others leave it, so a bad partition
/// is found in about the steps its own sub-history takes, and a hard one cannot starve the rest
/// of memory. One thread, in key order: the same history gives the same answer every time.
struct Turns<'a, M: Model> {
    model: &'a M,
    partitions: Vec<Partition<'a, M>>,
    results: Vec<PartitionResult>,
    options: Options,
    steps_left: u64,
    memo_bytes_peak: usize,
}

impl<'a, M: Model> Turns<'a, M> {
    fn new(
        model: &'a M,
        partitions: &[(String, Vec<usize>)],
        prepared: &'a [Vec<Prepared<M::Step>>],
        options: Options,
    ) -> Self {
        assert_eq!(partitions.len(), prepared.len(), "one search per partition");
        let waiting = prepared.iter().map(|ops| Partition::Waiting(ops)).collect();
        let result = |(key, positions): &(String, Vec<usize>)| PartitionResult {
            key: key.clone(),
            operations: positions.len(),
            verdict: PartitionVerdict::Unfinished,
            steps: 0,
            memo_entries: 0,
            memo_bytes_peak: 0,
            time_us: 0,
        };
        let results = partitions.iter().map(result).collect();
        Turns { model, partitions: waiting, results, options, steps_left: options.step_budget, memo_bytes_peak: 0 }
    }

    /// Runs rounds until every partition has an answer or one is not linearizable: then its
    /// index and longest linearizable prefix.
    fn run(&mut self, clock: &mut dyn FnMut() -> u64) -> Option<(usize, Vec<usize>)> {
        let mut slice = SLICE_STEPS_FIRST;
        while self.partitions.iter().any(|partition| !matches!(partition, Partition::Done)) {
            for index in 0..self.partitions.len() {
                if let Some(longest_prefix) = self.turn(index, slice, clock) {
                    return Some((index, longest_prefix));
                }
            }
            slice = (slice * 2).min(SLICE_STEPS_MAX);
        }
        None
    }

    /// Partition `index`'s turn of at most `slice` steps; the longest prefix if it failed.
    fn turn(&mut self, index: usize, slice: u64, clock: &mut dyn FnMut() -> u64) -> Option<Vec<usize>> {
        let others = match &self.partitions[index] {
            Partition::Done => return None,
            partition => self.live_memo_bytes() - partition.memo_bytes(),
        };
        if self.steps_left == 0 {
            self.finish(index, PartitionVerdict::OutOfSteps);
            return None;
        }
        let started_us = clock();
        if let Partition::Waiting(ops) = self.partitions[index] {
            self.partitions[index] = Partition::Searching(Box::new(Search::new(self.model, ops)));
        }
        let Partition::Searching(search) = &mut self.partitions[index] else { unreachable!("started above") };
        let steps_before = search.steps;
        let found = search.run(slice.min(self.steps_left), self.options.memory_budget_bytes.saturating_sub(others));
        assert!(search.steps - steps_before <= self.steps_left, "a turn keeps to the budget");
        self.steps_left -= search.steps - steps_before;
        self.memo_bytes_peak = self.memo_bytes_peak.max(others + search.memo_bytes());
        self.results[index].time_us += clock().saturating_sub(started_us);
        match found? {
            Found::Linearizable => self.finish(index, PartitionVerdict::Linearizable),
            Found::OutOfMemory => self.finish(index, PartitionVerdict::OutOfMemory),
            Found::NotLinearizable { longest_prefix } => {
                self.finish(index, PartitionVerdict::NotLinearizable);
                return Some(longest_prefix);
            }
        }
        None
    }

    fn live_memo_bytes(&self) -> usize {
        self.partitions.iter().map(Partition::memo_bytes).sum()
    }

    /// Records partition `index`'s answer and frees its search, if it began one.
    fn finish(&mut self, index: usize, verdict: PartitionVerdict) {
        let partition = std::mem::replace(&mut self.partitions[index], Partition::Done);
        let result = &mut self.results[index];
        result.verdict = verdict;
        match partition {
            Partition::Searching(search) => {
                result.steps = search.steps;
                result.memo_entries = search.memo_entries();
                result.memo_bytes_peak = search.memo_bytes_peak;
            }
            Partition::Waiting(_) => {}
            Partition::Done => unreachable!("a partition finishes once"),
        }
    }

    /// The whole answer; partitions still searching are left unfinished.
    fn result(mut self, operations: usize, counterexample: Option<Counterexample>) -> CheckResult {
        for index in 0..self.partitions.len() {
            if !matches!(self.partitions[index], Partition::Done) {
                self.finish(index, PartitionVerdict::Unfinished);
            }
        }
        let gave_up = |result: &PartitionResult| {
            matches!(result.verdict, PartitionVerdict::OutOfSteps | PartitionVerdict::OutOfMemory)
        };
        let verdict = match counterexample {
            Some(_) => Verdict::NotLinearizable,
            None if self.results.iter().any(gave_up) => Verdict::Unknown,
            None => Verdict::Linearizable,
        };
        CheckResult {
            verdict,
            operations,
            partitions: self.results.len(),
            steps: self.options.step_budget - self.steps_left,
            memo_bytes_peak: self.memo_bytes_peak,
            partition_results: self.results,
            counterexample,
        }
    }
}

/// Where one partition's search stands.
enum Partition<'a, M: Model> {
    /// Not begun: its search (entry list, memo) is built on its first turn, so a check that
    /// ends early never builds the others'.
    Waiting(&'a [Prepared<M::Step>]),
    /// Begun, with no answer yet (boxed: a search is some 300 bytes, a waiting partition 16).
    Searching(Box<Search<'a, M>>),
    /// Answered or given up; its search is freed.
    Done,
}

impl<M: Model> Partition<'_, M> {
    /// The memory its memo holds now.
    fn memo_bytes(&self) -> usize {
        match self {
            Partition::Searching(search) => search.memo_bytes(),
            Partition::Waiting(_) | Partition::Done => 0,
        }
    }
}

/// The model's state, in words, after the operations at `order` (positions in `operations`)
/// took effect one after another from the initial state: what a counterexample's longest order
/// holds at a point of it. `None` if a position is out of range or an operation cannot take
/// effect there (the order is not one the model accepts). Costs the order's length.
pub fn state_after<M: Model>(model: &M, operations: &[Operation], order: &[usize]) -> Option<String> {
    let mut values = Values::default();
    let mut state = model.init();
    for &position in order {
        let op = operations.get(position)?;
        if model.refuses(&op.call).is_some() {
            return None;
        }
        let step = model.compile(&op.call, &op.ret, &mut values);
        state = model.step(&state, &step)?;
    }
    Some(model.describe(&state, &values))
}

/// Groups operation positions by key, keys in order.
fn by_key(operations: &[Operation]) -> Vec<(String, Vec<usize>)> {
    let mut groups: std::collections::BTreeMap<&str, Vec<usize>> = std::collections::BTreeMap::new();
    for (position, op) in operations.iter().enumerate() {
        groups.entry(op.call.key()).or_default().push(position);
    }
    groups.into_iter().map(|(key, positions)| (key.to_string(), positions)).collect()
}

/// Builds the counterexample of a failed partition: replays the longest prefix, then lists the
/// operations that could have gone next (called before any unplaced operation returned).
fn explain<M: Model>(
    model: &M,
    key: &str,
    ops: &[Prepared<M::Step>],
    values: &Values,
    positions: &[usize],
    prefix: &[usize],
) -> Counterexample {
    let mut state = model.init();
    for &op in prefix {
        state = model.step(&state, &ops[op].step).expect("the prefix was linearizable");
    }
    let placed: std::collections::BTreeSet<usize> = prefix.iter().copied().collect();
    let unplaced: Vec<usize> = (0..ops.len()).filter(|op| !placed.contains(op)).collect();
    let first_return = unplaced.iter().map(|&op| ops[op].complete.unwrap_or(u64::MAX)).min().unwrap_or(u64::MAX);
    let cannot_go_next =
        unplaced.into_iter().filter(|&op| ops[op].invoke <= first_return).map(|op| positions[op]).collect();
    Counterexample {
        key: key.to_string(),
        longest_prefix: prefix.iter().map(|&op| positions[op]).collect(),
        state_after_prefix: model.describe(&state, values),
        cannot_go_next,
    }
}

/// The operations of a simulation's history, for the kv model. Pending operations count as
/// unknown: they may yet take effect.
pub fn from_history(history: &History) -> Vec<Operation> {
    history.ops.iter().map(from_history_op).collect()
}

/// One operation of a simulation's history as the checker reads it (see [`from_history`]).
pub fn from_history_op(op: &HistoryOp) -> Operation {
    let call = op.op.clone();
    let (ret, complete) = match &op.outcome {
        Outcome::Ok { result, complete_us } => match result {
            OpResult::Value(value) => (Return::Value(value.as_deref().cloned()), Some(*complete_us)),
            OpResult::Done => (Return::Done, Some(*complete_us)),
            OpResult::CasResult(applied) => (Return::Cas(*applied), Some(*complete_us)),
            // A stale request's result is forgotten: the client cannot know what it did.
            OpResult::Stale => (Return::Unknown, None),
        },
        Outcome::Unknown { .. } | Outcome::Pending => (Return::Unknown, None),
    };
    Operation { process: u64::from(op.process), call, ret, invoke: op.invoke_us, complete }
}

/// Model steps the end-of-run check may spend: a hard history then answers "unknown", which is
/// reported but is not a violation, instead of hanging the run.
pub const END_OF_RUN_STEP_BUDGET: u64 = 5_000_000;
/// Memory the end-of-run check may hold: the browser's budget, on every target, so that a run
/// ends with the same answer natively and in the page.
pub const END_OF_RUN_MEMORY_BUDGET_BYTES: usize = MEMORY_BUDGET_BROWSER_BYTES;

/// Checks a run's client history against the key-value model within `step_budget` model steps
/// and the browser's memory budget (operations still waiting count as unknown: they may yet
/// take effect).
pub fn check_kv_history(history: &History, step_budget: u64) -> CheckResult {
    let options = Options { step_budget, memory_budget_bytes: END_OF_RUN_MEMORY_BUDGET_BYTES, ..Options::default() };
    check(&model::Kv, &from_history(history), options).expect("the kv model judges every operation")
}

/// The end-of-run Linearizability check, after event `event` at `time_us`: the result, and the
/// violation when the history has no linearization.
pub fn check_at_end(history: &History, event: u64, time_us: u64) -> (CheckResult, Option<Violation>) {
    let result = check_kv_history(history, END_OF_RUN_STEP_BUDGET);
    if result.verdict != Verdict::NotLinearizable {
        return (result, None);
    }
    let counterexample = result.counterexample.as_ref().expect("a 'no' comes with a counterexample");
    let described = describe_counterexample(&from_history(history), counterexample);
    let message = format!("the clients' history is not linearizable: {described}");
    (result, Some(Violation::new(Invariant::Linearizability, event, time_us, message)))
}

/// A counterexample in sentences, naming each operation by client, call, result and times.
pub fn describe_counterexample(operations: &[Operation], counterexample: &Counterexample) -> String {
    let name = |position: usize| {
        let op = &operations[position];
        let returned = op.complete.map_or("never".to_string(), |time| time.to_string());
        format!(
            "#{position} (process {}, {} -> {}, invoked at {}, returned at {returned})",
            op.process, op.call, op.ret, op.invoke
        )
    };
    let mut text = format!(
        "key {:?}: the longest linearizable order found places {} operations",
        counterexample.key,
        counterexample.longest_prefix.len()
    );
    if let Some(&last) = counterexample.longest_prefix.last() {
        text.push_str(&format!(", ending with {}", name(last)));
    }
    text.push_str(&format!("; then {}, and none of these can take effect next:", counterexample.state_after_prefix));
    for &position in &counterexample.cannot_go_next {
        text.push_str(&format!("\n  {}", name(position)));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::model::{Kv, Register};
    use super::*;

    fn op(process: u64, call: Call, ret: Return, invoke: u64, complete: Option<u64>) -> Operation {
        Operation { process, call, ret, invoke, complete }
    }
    fn read(value: Option<&str>) -> (Call, Return) {
        (Call::Get { key: String::new() }, Return::Value(value.map(String::from)))
    }
    fn write(value: &str) -> Call {
        Call::Put { key: String::new(), value: value.into() }
    }
    fn verdict(operations: &[Operation]) -> Verdict {
        check(&Register, operations, Options::default()).unwrap().verdict
    }

    #[test]
    fn a_stale_read_after_a_completed_write_is_not_linearizable() {
        let (get, old) = read(Some("1"));
        let history = [
            op(0, write("1"), Return::Done, 0, Some(1)),
            op(1, write("2"), Return::Done, 2, Some(3)),
            op(2, get, old, 4, Some(5)),
        ];
        assert_eq!(verdict(&history), Verdict::NotLinearizable);
        let result = check(&Register, &history, Options::default()).unwrap();
        let counterexample = result.counterexample.unwrap();
        assert_eq!(counterexample.cannot_go_next, vec![2], "the stale read is what cannot be placed");
    }

    #[test]
    fn concurrent_reads_may_see_either_side_of_a_write() {
        let (get_old, old) = read(None);
        let (get_new, new) = read(Some("1"));
        let history = [
            op(0, write("1"), Return::Done, 0, Some(10)),
            op(1, get_new, new, 1, Some(2)),
            op(2, get_old, old, 3, Some(4)),
        ];
        assert_eq!(verdict(&history), Verdict::NotLinearizable, "once a read saw 1, a later read cannot see nil");
        let (get_new, new) = read(Some("1"));
        let (get_old, old) = read(None);
        let history = [
            op(0, write("1"), Return::Done, 0, Some(10)),
            op(1, get_old, old, 1, Some(2)),
            op(2, get_new, new, 3, Some(4)),
        ];
        assert_eq!(verdict(&history), Verdict::Linearizable);
    }

    #[test]
    fn an_unknown_write_may_take_effect_or_not() {
        let (get, seen) = read(Some("7"));
        let took_effect = [op(0, write("7"), Return::Unknown, 0, None), op(1, get, seen, 5, Some(6))];
        assert_eq!(verdict(&took_effect), Verdict::Linearizable);
        let (get, seen) = read(None);
        let did_not = [op(0, write("7"), Return::Unknown, 0, None), op(1, get, seen, 5, Some(6))];
        assert_eq!(verdict(&did_not), Verdict::Linearizable);
        let (get, seen) = read(Some("8"));
        let impossible = [op(0, write("7"), Return::Unknown, 0, None), op(1, get, seen, 5, Some(6))];
        assert_eq!(verdict(&impossible), Verdict::NotLinearizable);
    }

    #[test]
    fn a_failed_cas_constrains_the_order() {
        let cas = Call::Cas { key: String::new(), from: "1".into(), to: "2".into() };
        let history = [op(0, write("1"), Return::Done, 0, Some(1)), op(1, cas.clone(), Return::Cas(false), 2, Some(3))];
        assert_eq!(verdict(&history), Verdict::NotLinearizable, "the register held 1, so the cas must succeed");
        let history = [op(0, write("1"), Return::Done, 0, Some(1)), op(1, cas, Return::Cas(true), 2, Some(3))];
        assert_eq!(verdict(&history), Verdict::Linearizable);
    }

    #[test]
    fn keys_are_checked_apart_and_the_failing_key_is_named() {
        let put = |key: &str, value: &str| Call::Put { key: key.into(), value: value.into() };
        let get = |key: &str| Call::Get { key: key.into() };
        let history = [
            op(0, put("a", "1"), Return::Done, 0, Some(1)),
            op(1, put("b", "2"), Return::Done, 0, Some(1)),
            op(2, get("a"), Return::Value(Some("1".into())), 2, Some(3)),
            op(3, get("b"), Return::Value(Some("9".into())), 2, Some(3)),
        ];
        let result = check(&Kv, &history, Options::default()).unwrap();
        assert_eq!((result.verdict, result.partitions), (Verdict::NotLinearizable, 2));
        assert_eq!(result.counterexample.unwrap().key, "b");
        let whole = check(&Kv, &history, Options { partition_by_key: false, ..Options::default() }).unwrap();
        assert_eq!((whole.verdict, whole.partitions), (Verdict::NotLinearizable, 1));
    }

    #[test]
    fn a_tiny_budget_answers_unknown_instead_of_searching_on() {
        let history: Vec<Operation> =
            (0..12).map(|position| op(position, write(&position.to_string()), Return::Done, 0, Some(100))).collect();
        let result = check(&Register, &history, Options { step_budget: 5, ..Options::default() }).unwrap();
        assert_eq!(result.verdict, Verdict::Unknown);
        assert_eq!(result.steps, 5);
    }

    #[test]
    fn the_state_along_a_counterexamples_order_is_the_one_it_ends_with() {
        // A write of 1, a read of 1, a write of 2, then a read of 1 that returned after it.
        let (get, one) = read(Some("1"));
        let history = [
            op(0, write("1"), Return::Done, 0, Some(10)),
            op(1, get.clone(), one.clone(), 11, Some(20)),
            op(2, write("2"), Return::Done, 21, Some(30)),
            op(3, get, one, 31, Some(40)),
        ];
        let result = check(&Register, &history, Options::default()).unwrap();
        let counterexample = result.counterexample.expect("a stale read");
        let prefix = &counterexample.longest_prefix;
        assert_eq!(
            state_after(&Register, &history, prefix).as_deref(),
            Some(counterexample.state_after_prefix.as_str())
        );
        assert_eq!(state_after(&Register, &history, &[]).as_deref(), Some("the register holds nothing (nil)"));
        assert_eq!(state_after(&Register, &history, &[0]).as_deref(), Some("the register holds 1"));
        assert_eq!(state_after(&Register, &history, &[0, 3, 2, 1]), None, "a read of 1 after the write of 2");
        assert_eq!(state_after(&Register, &history, &[9]), None);
    }

    #[test]
    fn the_register_refuses_appends() {
        let append = op(0, Call::Append { key: String::new(), value: "x".into() }, Return::Done, 0, Some(1));
        assert!(check(&Register, &[append], Options::default()).unwrap_err().contains("no append"));
    }
}
