//! A run exported by raftsim: swarm seed 2, shrunk, with the bug figure8_commit switched on.
//! It fails LeaderCommitsOwnTermInv at event 55 (983691 us): leader S1 of term 2 advanced its commit index to 1, an entry of term 1: only entries of the leader's own term are committed by counting replicas (§5.4.2, Figure 8)
//!
//! Save it as core/tests/integration/NAME.rs and add `mod NAME;` to main.rs there;
//! `cargo test -p raftsim-core --test integration NAME::` runs it.

use raftsim_core::check::violation::Invariant;
use raftsim_core::scenario::RunSpec;
use raftsim_core::sim::World;

/// The run: the scenario, seed included, and the user actions, each pinned to the event it
/// followed.
const RUN: &str = r#"
{
  "scenario": {
    "name": "swarm seed 2, shrunk",
    "seed": 2,
    "nodes": 2,
    "protocol": {
      "prevote": true,
      "check_quorum": true,
      "election_timeout_us_min": 241688,
      "election_timeout_us_max": 966752,
      "heartbeat_interval_us": 26854,
      "inflight_appends_max": 2,
      "entries_per_append_max": 1,
      "bugs": {
        "figure8_commit": true,
        "stale_vote_counted": false,
        "lone_voter_no_reelect": false,
        "vote_before_durable": false,
        "stale_append_truncates": false,
        "leader_counts_unsynced_self": false,
        "prevote_low_term_deadlock": false,
        "claims_durable": false,
        "ack_before_durable": false
      }
    },
    "network": {
      "latency_us_min": 1000,
      "latency_us_max": 8976,
      "straggler_ppm": 0,
      "straggler_us_max": 122242,
      "drop_ppm": 0,
      "duplicate_ppm": 0
    },
    "disk": {
      "fsync_us_min": 100,
      "fsync_us_max": 400,
      "torn_tail_ppm": 0
    },
    "clock": {
      "drift_ppm_max": 0
    },
    "nemesis": {
      "swarm": false,
      "swarm_cluster": false,
      "kinds": {
        "crash": false,
        "pause": false,
        "partition": false,
        "hold": false,
        "clock_jump": false,
        "crash_leader": false,
        "crash_new_leader": false,
        "crash_during_fsync": false,
        "upgrade": false,
        "cut_leader": true,
        "crash_after_commit": false,
        "crash_after_vote": true,
        "rival_candidate": true,
        "stale_votes": false,
        "stale_appends": false,
        "longer_older_candidate": false,
        "heartbeat_first": false
      },
      "weights": {
        "crash": 1,
        "pause": 1,
        "partition": 1,
        "hold": 1,
        "clock_jump": 1,
        "crash_leader": 1,
        "crash_new_leader": 1,
        "crash_during_fsync": 1,
        "upgrade": 1,
        "cut_leader": 1,
        "crash_after_commit": 1,
        "crash_after_vote": 1,
        "rival_candidate": 1,
        "stale_votes": 1,
        "stale_appends": 1,
        "longer_older_candidate": 1,
        "heartbeat_first": 1
      },
      "interval_us_min": 239949,
      "interval_us_max": 1919592,
      "downtime_us_min": 200000,
      "downtime_us_max": 2000000
    },
    "workload": {
      "clients": 0,
      "keys": 3,
      "hot_key_ppm": 500000,
      "mix": [
        4,
        2,
        2,
        2
      ],
      "think_us_min": 0,
      "think_us_max": 20000,
      "attempt_timeout_us": 500000,
      "op_timeout_us": 3000000
    },
    "phases": {
      "safety_us": 625000,
      "liveness_us": 5000000,
      "leader_bound_us": 2000000,
      "op_bound_us": 1000000
    },
    "script": []
  },
  "actions": [],
  "stop_at_event": null
}
"#;

#[test]
fn swarm_seed_2_shrunk_fails_leader_commits_own_term_inv() {
    let spec: RunSpec = serde_json::from_str(RUN).expect("the run reads");
    let mut world = World::from_spec(&spec).expect("a valid scenario");
    let violation = world.run_to_end().expect("the run fails a check");
    assert_eq!(violation.invariant, Invariant::LeaderCommitsOwnTermInv, "{violation}");
    // Another event or time means the engine's runs have changed since the export.
    assert_eq!((violation.event, violation.time_us), (55, 983691), "{violation}");
}
