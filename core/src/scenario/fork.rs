//! Forks: points where a run's randomness starts afresh from another seed.
//!
//! A guided hunt (`raftsim hunt`) explores around a run that reached a new abstract state by
//! cloning the world at that event and continuing the clone under a fresh sub-seed. For every
//! such run to replay from its share link, the fork is data in the scenario: "after event
//! `at_event`, re-seed the world's random streams from `seed`". A scenario without forks (every
//! run but a guided hunt's) runs, serializes and hashes exactly as before the field existed.

use serde::{Deserialize, Serialize};

use super::{ScenarioError, SEED_MAX};

/// The most forks one run may carry (a hunt forks a run once per exploration step).
pub const FORKS_MAX: usize = 1_000;

/// After event `at_event` has been processed (and the user actions due then applied), the
/// world's random streams (network, nemesis, clients, disks and each node's timers) restart
/// from seed `seed`. The cluster the root seed drew (swarm parameters, clock drifts) stays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fork {
    /// The number of the event after which the streams are re-seeded (from 1).
    pub at_event: u64,
    /// The seed the streams restart from.
    pub seed: u64,
}

/// Refuses forks out of order, at event 0, with a seed past [`SEED_MAX`] or too many.
pub(super) fn validate_forks(forks: &[Fork]) -> Result<(), ScenarioError> {
    let fail = |field: String, reason: String| Err(ScenarioError { field, reason });
    if forks.len() > FORKS_MAX {
        return fail("forks".into(), format!("at most {FORKS_MAX} forks"));
    }
    let mut previous = 0;
    for (position, fork) in forks.iter().enumerate() {
        if fork.at_event <= previous {
            let reason = if previous == 0 {
                "must be at least 1 (a fork follows an event)".to_string()
            } else {
                format!("must be after the previous fork's event {previous}")
            };
            return fail(format!("forks[{position}].at_event"), reason);
        }
        if fork.seed > SEED_MAX {
            return fail(format!("forks[{position}].seed"), format!("must be at most {SEED_MAX}"));
        }
        previous = fork.at_event;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forks_go_forward_from_event_one() {
        let fork = |at_event, seed| Fork { at_event, seed };
        assert!(validate_forks(&[]).is_ok());
        assert!(validate_forks(&[fork(1, 5), fork(9, SEED_MAX)]).is_ok());
        assert_eq!(validate_forks(&[fork(0, 5)]).unwrap_err().field, "forks[0].at_event");
        assert_eq!(validate_forks(&[fork(4, 5), fork(4, 6)]).unwrap_err().field, "forks[1].at_event");
        assert_eq!(validate_forks(&[fork(4, SEED_MAX + 1)]).unwrap_err().field, "forks[0].seed");
        assert!(validate_forks(&vec![fork(1, 1); FORKS_MAX + 1]).is_err());
    }
}
