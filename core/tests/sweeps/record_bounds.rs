//! A recorded session of a long, busy run (9 nodes, 10 clients, twice the arrows a record
//! keeps) stays within the record's bounds, and so does acting in its past (moved from
//! `integration/record.rs`, whose other tests travel short runs).

use raftsim_core::explore::record::{Record, ARROWS_MAX, SAMPLES_MAX};
use raftsim_core::explore::session::Session;
use raftsim_core::scenario::{preset, Action, RunSpec};

fn record(session: &Session) -> &Record {
    session.record().expect("a recorded session")
}

#[test]
fn a_long_run_stays_within_its_bounds() {
    let mut scenario = preset("calm-election").unwrap();
    scenario.nodes = 9;
    scenario.workload.clients = 10;
    scenario.network.drop_ppm = 50_000;
    scenario.phases.safety_us = 600_000_000;
    let mut session =
        Session::with_record(RunSpec { scenario, actions: vec![], stop_at_event: None, stop_at_us: None }, 0).unwrap();
    let mut bytes_max = 0;
    while session.world().messages_sent() < 2 * ARROWS_MAX as u64 + 1_000 {
        session.run_events(50_000);
        bytes_max = bytes_max.max(record(&session).bytes());
    }
    let record = record(&session);
    assert!(record.arrows().len() <= ARROWS_MAX);
    assert!(record.arrows().kept_from_us() > 0, "the oldest arrows went");
    assert!(record.samples().list().len() <= SAMPLES_MAX);
    assert!(bytes_max <= Record::BYTES_MAX, "{bytes_max} bytes, bound {}", Record::BYTES_MAX);
    assert!(bytes_max <= 16 << 20, "without duplicates or holds, about half of it: {bytes_max}");
    let now_us = session.world().now_us();
    let window = record.arrows().in_window(now_us - 1_000_000, now_us);
    assert!(!window.is_empty() && window.len() < ARROWS_MAX / 4, "a second holds {} arrows", window.len());
    session.seek(session.world().events() / 2);
    session.act(Action::Crash { node: 3 });
    assert!(session.record().unwrap().bytes() <= Record::BYTES_MAX);
}
