//! Forks (see `scenario/fork.rs`): after a given event the world's random streams restart from
//! another seed. The scenario carries them, so a forked run replays from its link; a guided
//! hunt makes them with [`World::fork_now`] on a clone of the world.

use crate::scenario::{Fork, FORKS_MAX};

use super::rng::{Rng, Stream, Streams};
use super::{trace, World};

impl World {
    /// Applies the scenario's next fork if it is due after the event just processed. Costs one
    /// comparison when no fork is due.
    pub(super) fn apply_due_fork(&mut self) {
        let due = self.scenario.forks.get(self.forks_next).is_some_and(|fork| fork.at_event == self.events);
        if due {
            let fork = self.scenario.forks[self.forks_next];
            self.forks_next += 1;
            self.reseed(fork);
        }
    }

    /// Forks the run here: from now on its random streams come from `seed`. The fork is added
    /// to the run's scenario, and must be added to the scenario of any link that replays this
    /// run (a guided hunt does). The run must have taken an event since its last fork, and hold
    /// fewer than [`FORKS_MAX`] forks (a link with more would not load).
    pub fn fork_now(&mut self, seed: u64) -> Fork {
        let fork = Fork { at_event: self.events, seed };
        assert!(
            self.scenario.forks.len() < FORKS_MAX,
            "a run holds at most {FORKS_MAX} forks: its link would not load with more"
        );
        assert_eq!(self.forks_next, self.scenario.forks.len(), "no fork of the scenario is still to come");
        assert!(
            self.scenario.forks.last().map_or(0, |last| last.at_event) < fork.at_event,
            "a fork follows an event after the previous fork"
        );
        self.scenario.forks.push(fork);
        self.forks_next += 1;
        self.reseed(fork);
        fork
    }

    /// Restarts every random stream the run still draws from (not the swarm draw nor the clock
    /// drifts, which were drawn at the start) from `fork.seed`, and marks the trace.
    fn reseed(&mut self, fork: Fork) {
        self.streams = Streams::new(fork.seed);
        for server in self.servers.iter_mut() {
            server.rng = Rng::new(fork.seed, Stream::Node(server.id));
        }
        trace::hash_fork(&mut self.trace, &fork);
    }
}
