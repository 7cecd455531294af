//! `raftsim replay`: a share link's run, replayed to where it stopped, with the events that led
//! there.

use raftsim_core::explore::export::rust_test;
use raftsim_core::explore::session::Session;
use raftsim_core::explore::watch::Watch;
use raftsim_core::scenario::RunSpec;
use raftsim_core::sim::World;

use crate::args::ReplayArgs;
use crate::exit::{self, Failure};
use crate::inputs;
use crate::output::out;

/// Prints the last `--context` events before the link's stop, the violation if there is one and
/// the trace hash there; exit status 1 if there is a violation. With `--rust-test`, prints the
/// run as a Rust test instead (judged at the run's end, not at the link's stop).
pub fn execute(args: &ReplayArgs) -> Result<u8, Failure> {
    let decoded = inputs::share_link(&args.link, "replay", "the replay may differ")?;
    if args.rust_test {
        return print_rust_test(&decoded.spec);
    }
    let session = replay_to_stop(&decoded.spec, args.context)?;
    let simulation = session.world();
    print_events(simulation, decoded.spec.actions.len(), args.context);
    Ok(exit::status(print_verdict(simulation)))
}

/// Runs the link's run to its stop (or to its end if it has none), keeping the last `context`
/// events' descriptions.
fn replay_to_stop(spec: &RunSpec, context: u64) -> Result<Session, Failure> {
    let mut session = Session::new(spec.clone(), context.clamp(1, 10_000) as usize).map_err(Failure::bad_input)?;
    match spec.stop_at_event {
        Some(event) => session.seek(event),
        None => while session.step() {},
    }
    Ok(session)
}

fn print_events(simulation: &World, user_actions: usize, context: u64) {
    let scenario = simulation.scenario();
    out!(
        "{} seed {}, {} user actions; stopped after event {} at {} us",
        scenario.name,
        scenario.seed,
        user_actions,
        simulation.events(),
        simulation.now_us()
    );
    let first_shown = simulation.events().saturating_sub(context);
    for record in simulation.feed_since(0).into_iter().filter(|record| record.number > first_shown) {
        out!("  #{:<8} {:>10} us  {}", record.number, record.time_us, record.text);
    }
}

/// Prints the violation, or that there is none, and the trace hash (the page shows the same one
/// at the same event); returns whether there is a violation.
fn print_verdict(simulation: &World) -> bool {
    match simulation.violation() {
        Some(violation) => {
            out!("{violation}");
            out!("trace hash {:016x}", simulation.trace_hash());
            true
        }
        None => {
            out!("no violation up to here; trace hash {:016x}", simulation.trace_hash());
            false
        }
    }
}

/// Runs `spec` from its start to its end and prints it as a Rust test asserting how it ends;
/// exit status 1 if it ends in a violation, as a replay's.
fn print_rust_test(spec: &RunSpec) -> Result<u8, Failure> {
    let violation = World::from_spec(spec).map_err(Failure::bad_input)?.run_to_end();
    out!("{}", rust_test(spec, violation.as_ref()).trim_end());
    Ok(exit::status(violation.is_some()))
}
