//! `raftsim replay`: a share link's run, replayed to where it stopped, with the events that led
//! there.

use raftsim_core::scenario::RunSpec;
use raftsim_core::sim::session::Session;
use raftsim_core::sim::Simulation;

use crate::args::ReplayArgs;
use crate::exit::{self, Failure};
use crate::inputs;
use crate::output::out;

/// Prints the last `--context` events before the link's stop and the violation if there is one;
/// exit status 1 if there is.
pub fn execute(args: &ReplayArgs) -> Result<u8, Failure> {
    let decoded = inputs::share_link(&args.link, "replay", "the replay may differ")?;
    let session = replay_to_stop(&decoded.spec, args.context)?;
    let simulation = session.simulation();
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

fn print_events(simulation: &Simulation, user_actions: usize, context: u64) {
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
    for record in simulation.events_since(0).into_iter().filter(|record| record.number > first_shown) {
        out!("  #{:<8} {:>10} us  {}", record.number, record.time_us, record.text);
    }
}

/// Prints the violation, or that there is none; returns whether there is one.
fn print_verdict(simulation: &Simulation) -> bool {
    match simulation.violation() {
        Some(violation) => {
            out!("{violation}");
            true
        }
        None => {
            out!("no violation up to here; trace hash {:016x}", simulation.trace_hash());
            false
        }
    }
}
