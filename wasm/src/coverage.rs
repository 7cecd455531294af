//! The handle's coverage: how many abstract states (signatures, `raftsim_core::explore::coverage`)
//! the run on screen reached, for the run panel's line. The page reads the count each frame
//! (one call, no allocation) and asks for the words only when it changed.

use raftsim_core::explore::coverage::Coverage;
use raftsim_core::explore::watch::Watch;
use wasm_bindgen::prelude::*;

use crate::simulation::Simulation;

#[wasm_bindgen]
impl Simulation {
    /// Distinct signatures the run reached up to the moment shown (0 if none was taken).
    pub fn coverage_count(&self) -> u32 {
        self.session.world().coverage().map_or(0, |coverage| coverage.count() as u32)
    }

    /// The run panel's line: how many abstract states the run reached, and when the latest
    /// new one first appeared.
    pub fn coverage_text(&self) -> String {
        line(self.session.world().coverage())
    }
}

/// What a signature is, for the line's tooltip.
#[wasm_bindgen]
pub fn coverage_explained() -> String {
    "A signature sums up the whole cluster at one moment, forgetting node names and exact term numbers: \
     each node's role (or down), whether its term and its last log entry's term lag the newest term, \
     whether a leader has entries it has not committed yet, and whether some node is cut off, an older \
     term's uncommitted entry sits on a majority (the Figure 8 set-up), or two logs disagree. Runs that \
     reach more distinct signatures have tried more situations; a guided hunt (raftsim hunt) steers \
     towards new ones."
        .to_string()
}

/// The line for `coverage` (`None`: not recorded).
fn line(coverage: Option<&Coverage>) -> String {
    let Some(coverage) = coverage else { return "not recorded".to_string() };
    let count = coverage.count();
    let states = if count == 1 { "abstract state" } else { "abstract states" };
    match coverage.firsts().last() {
        Some(latest) if count > 1 => {
            format!(
                "{count} {states} reached; the latest new one at event {}",
                raftsim_core::words::count(latest.event)
            )
        }
        _ => format!("{count} {states} reached"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_counts_the_states_reached_so_far() {
        let scenario = raftsim_core::scenario::preset("swarm").expect("the swarm preset");
        let spec =
            raftsim_core::scenario::RunSpec { scenario, actions: Vec::new(), stop_at_event: None, stop_at_us: None };
        let mut session = raftsim_core::explore::session::Session::with_record(spec, 0).expect("a valid run");
        let first = session.world().coverage().expect("a recorded session covers").count();
        assert_eq!(line(session.world().coverage()), "1 abstract state reached");
        session.run_events(3_000);
        let coverage = session.world().coverage().expect("covered");
        assert!(coverage.count() > first, "the count grows as the run advances");
        let latest = coverage.firsts().last().expect("reached").event;
        let expected = format!(
            "{} abstract states reached; the latest new one at event {}",
            coverage.count(),
            raftsim_core::words::count(latest)
        );
        assert_eq!(line(Some(coverage)), expected);
        assert_eq!(line(None), "not recorded");
    }
}
