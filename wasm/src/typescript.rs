//! The shapes of what the engine hands the page as plain data (serde values), declared for the
//! generated `raftsim_wasm.d.ts` so that `tsc --noEmit` checks the page's use of them: each
//! function returning one says which with `unchecked_return_type`. A field renamed in Rust must
//! be renamed here, and tsc then names every line of JS that still reads the old one.
//!
//! Numbers are JS numbers (counts and microseconds, exact below 2^53); `Option`s are `null`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const DECLARATIONS: &'static str = r#"
/** A scenario as plain data (`raftsim_core::scenario::Scenario`); the page edits its options by
 * their paths, so only the fields it names are spelled out. */
export interface Scenario {
  name: string;
  seed: number;
  nodes: number;
  protocol: { bugs: Record<string, boolean>; [option: string]: any };
  network: Record<string, any>;
  disk: Record<string, any>;
  clock: Record<string, any>;
  nemesis: Record<string, any>;
  workload: Record<string, any>;
  phases: Record<string, any>;
  script: any[];
  forks?: Fork[];
  checks: string;
  [field: string]: any;
}
/** After `event`, the world's random streams restart from `seed`. */
export interface Fork { event: number; seed: number }
/** A user action (`{crash: {node: 2}}`, `"heal"`, ...), as a scenario's script writes it. */
export type Action = string | Record<string, any>;
/** A client operation, as a scenario writes it: `{Put: {key, value}}`, `{Get: {key}}`, ... */
export type Op =
  | { Get: { key: string } }
  | { Put: { key: string; value: string } }
  | { Append: { key: string; value: string } }
  | { Cas: { key: string; from: string; to: string } };
/** The world's parameters in force (drawn from the seed under swarm testing). */
export type WorldParameters = Record<string, any>;

/** A failed check. */
export interface Violation {
  invariant: string;
  event: number;
  time_us: number;
  nodes: number[];
  terms: number[];
  indexes: number[];
  message: string;
}

/** What the run panel and the check board show (`view::RunView`). */
export interface RunView {
  name: string;
  seed: number;
  nodes: number;
  time_us: number;
  events: number;
  phase: "faults" | "recovery" | "finished";
  heal_us: number;
  leader_deadline_us: number;
  run_us: number;
  frontier_events: number;
  frontier_us: number;
  finished: boolean;
  violation: Violation | null;
  linearizability: "linearizable" | "not linearizable" | "unknown" | null;
  leader: number | null;
  leader_term: number | null;
  ops_ok: number;
  ops_failed: number;
  ops_unknown: number;
  ops_pending: number;
  user_actions: number;
  random_faults: boolean;
  scripted_actions: number;
  cut_links: number;
  cut_pairs: number;
  held_messages: number;
  down_nodes: number;
  damage_only: boolean;
  forks: Fork[];
}

/** Where a check stands now. */
export interface CheckState {
  name: string;
  state: "holds" | "failed" | "waiting" | "not_judged" | "unknown";
  sentence: string;
}

/** One node in a line. */
export interface NodeLine {
  id: number;
  role: string;
  role_words: string;
  running: boolean;
  paused: boolean;
  term: number;
  leader: number | null;
  last_index: number;
  commit_index: number;
}

/** A leader's view of one peer. */
export interface PeerProgress { peer: number; match_index: number; next_index: number; mode: "probe" | "replicate" }

/** Everything the inspector shows about one node. */
export interface NodeDetail extends NodeLine {
  voted_for: number | null;
  last_term: number;
  applied_index: number;
  durable_index: number;
  unsynced_writes: number;
  held_messages: number;
  clock_drift_ppm: number;
  clock_offset_us: number;
  election_timer_us: number | null;
  votes: [number, boolean][];
  progress: PeerProgress[];
  client_ops: string[];
  prevote: boolean;
  check_quorum: boolean;
}

/** One log entry, as the log strips' tooltip describes it. */
export interface EntryView {
  node: number;
  index: number;
  term: number;
  text: string;
  committed: boolean;
  applied: boolean;
  durable: boolean;
  /** The position in the client history of the operation whose command it carries. */
  operation: number | null;
}
/** Where a run's operation's command is in the logs: a node's entry, and whether committed there. */
export interface LogPlace { node: number; index: number; term: number; committed: boolean }

/** A line of the event feed. */
export interface FeedLine { seq: number; number: number; time_us: number; kind: string; text: string }

/** What is under the pointer on the ring. */
export type RingPick = { node: { node: number } } | { link: { a: number; b: number } };

/** A caption of the run's guided tour, pinned to the event where it first holds. */
export interface TourCaption { number: number; event: number; time_us: number; text: string; cue: string }
/** The run's guided tour. */
export interface Tour { preset: string; title: string; total: number; captions: TourCaption[] }

/** The answer of a key's (a partition's) linearizability search. */
export interface PartitionResult {
  key: string;
  operations: number;
  verdict: "linearizable" | "not_linearizable" | "out_of_steps" | "out_of_memory" | "unfinished";
  steps: number;
  memo_entries: number;
  memo_bytes_peak: number;
}
/** Why a history is not linearizable: the longest order found and what cannot go next. */
export interface Counterexample { key: string; longest_prefix: number[]; state_after_prefix: string; cannot_go_next: number[] }
/** A linearizability check's answer. */
export interface CheckResult {
  verdict: "Linearizable" | "NotLinearizable" | "Unknown";
  operations: number;
  partitions: number;
  steps: number;
  memo_bytes_peak: number;
  partition_results: PartitionResult[];
  counterexample: Counterexample | null;
}
/** A worker's check: the result, its counterexample in a sentence, and the model. */
export interface CheckedHistory extends CheckResult { sentence: string | null; model: "register" | "kv"; raised: boolean }
/** What one check with raised budgets would spend and may cost, and the sentence saying so. */
export interface RaisedBudget { step_budget: number; memory_budget_bytes: number; memory_bytes_max: number; sentence: string }
/** The client history (`check::history::History`), as plain data. */
export type ClientHistory = Record<string, any>;

/** An operation on the client-history timeline that the page points at. */
export interface PickedOperation {
  position: number;
  label: string;
  kind: "ok" | "failed" | "unknown" | "pending";
  invoke: number;
  end: number | null;
  near_end: boolean;
  row: string;
  /** Its point in the counterexample's longest order, if it is in it: its place (from 1), the
   * order's length, and the state once it has taken effect. */
  order: { place: number; of: number; state: string | null } | null;
}

/** A recorded message, for the page's tests. */
export interface ArrowRow {
  id: number;
  from: number;
  to: number;
  kind: string;
  sent_us: number;
  end_us: number | null;
  fate: "flying" | "held" | "delivered" | "dropped" | "lost_cut" | "lost_down";
  duplicated: boolean;
}
/** A recorded change of a node, for the page's tests. */
export interface MarkRow { node: number; time_us: number; change: string; role: string; term: number; running: boolean }
/** The leader over a stretch (0: none), for the page's tests. */
export interface LeaderRow { from_us: number; to_us: number; leader: number; term: number }
/** A bin of the health plots, for the page's tests. */
export interface BinRow {
  from_us: number;
  to_us: number;
  commit_index: number;
  ops_ok: number;
  ops_failed: number;
  ops_unknown: number;
  sent: number;
  lost: number;
  p50_us: number | null;
  p99_us: number | null;
}
/** The health strip's data, for the page's tests. */
export interface HealthRows { leaders: LeaderRow[]; samples: number; period_us: number; bins: BinRow[] }

/** One entry of the scenario menu. */
export interface PresetEntry { name: string; label: string; description: string; group: "scenarios" | "tours" | "bugs"; tour: boolean }
/** The limits a scenario must respect. */
export interface Limits {
  nodes_min: number;
  nodes_max: number;
  clients_max: number;
  keys_min: number;
  keys_max: number;
  run_us_max: number;
  delay_us_max: number;
  seed_max: number;
  ppm_max: number;
  drift_ppm_max: number;
  fault_weight_max: number;
  share_len_max: number;
}
/** A check the engine runs. */
export interface CheckInfo { name: string; gloss: string; description: string; when: "every_event" | "during_faults" | "after_heal" | "at_end"; guards: GuardedProperty }
/** What a check guards: one of the Raft paper's Figure 3 properties (`paper`), or another, in words. */
export interface GuardedProperty { name: string; words: string; paper: boolean }
/** A random fault kind. */
export interface FaultKindInfo { name: string; description: string; weighted: boolean }
/** The scenario fields a seed draws for itself. */
export interface SwarmDrawn { swarm: string[]; cluster: string[] }
/** A catalogued bug. */
export interface BugInfo { name: string; origin: string; effect: string; fires: string[]; [field: string]: any }
/** A kind of line in the event feed. */
export interface FeedKindInfo { name: string; label: string; bit: number; shown_by_default: boolean }
/** A named partition. */
export interface PartitionInfo { name: string; label: string; description: string }
/** A legend entry. */
export interface LegendEntry { key: string; label: string; group: string }
/** A field the engine refused, and why (`field` empty: the whole). */
export interface FieldProblem { field: string; reason: string }
/** The standard benchmark's figures. */
export interface BenchMeasurement { seeds: number; events: number; milliseconds: number; events_per_second: number }

/** A way to search, or a check mode, as the search form offers it. */
export interface SearchChoice { name: string; label: string; description: string }
/** What the search panel starts with and its bounds. */
export interface SearchDefaults {
  scenario: string;
  first_seed: number;
  last_seed: number;
  seeds_max: number;
  workers_max: number;
  shrink_runs_max: number;
  hunt_round: number;
  searches: SearchChoice[];
  checks: SearchChoice[];
}
/** The search form as the page sends it: the seeds as typed. */
export interface SearchRequest { scenario: Scenario | null; bugs: string[]; checks?: string; first_seed: string; last_seed: string; panic_at_seed_for_testing?: number }
/** A field of the search form the engine refused. */
export interface FormProblem { field: "" | "scenario" | "bugs" | "checks" | "first_seed" | "last_seed"; reason: string }
/** One seed's outcome in a sweep. */
export interface SeedReport { seed: number; events: number; verdict: "pass" | "fails" | "unknown" | "panic"; violation: Violation | null; panic: Panicked | null; link: string | null }
/** Where and why the engine panicked in a run (a bug in raftsim). */
export interface Panicked { message: string; event: number; time_us: number }
/** A hunt's part, as the `raftsim hunt` arguments that repeat it. */
export interface HuntShard { seeds_from: number; runs: number; hunt_seed: number; round: number }
/** A failure a hunt found. */
export interface HuntFound { run: number; seed: number; forks: number; violation: Violation | null; panic: Panicked | null; link: string }
/** A run of a hunt's planned round, named before it runs (so a worker that dies in it names it). */
export interface HuntPlannedRun { run: number; seed: number; forks: number; link: string }
/** Where a worker's hunt stands after a round. */
export interface HuntRound {
  runs: number;
  runs_total: number;
  forked_runs: number;
  events: number;
  signatures: number;
  points_waiting: number;
  found: HuntFound[];
  finished: boolean;
}
/** Where a shrink has got to. */
export interface ShrinkProgress {
  runs: number;
  runs_max: number;
  kept: string[];
  variants_tried: number;
  variants: number;
  next: string | null;
  smallest: string;
  finished: boolean;
}
/** A finished shrink: the smallest run's link and what it shows. */
export interface Shrunk {
  link: string;
  violation: Violation;
  original: Violation;
  steps: string[];
  runs: number;
  size_before: string;
  size_after: string;
}
/** A run written as a Rust test. */
export interface RustTest { text: string; violation: Violation | null; events: number }
"#;
