//! A node's clock: it runs fast or slow by a fixed rate in parts per million, and can be stepped.
//! Timers are set in the node's local time; the simulator converts to true time, in integers.

/// One node's clock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Clock {
    /// Rate error: positive runs fast (local time passes quicker than true time).
    pub drift_ppm: i64,
    /// Steps applied so far, microseconds of local time.
    pub offset_us: i64,
}

const MILLION: i128 = 1_000_000;

impl Clock {
    /// The local time at true time `true_us`.
    pub fn local_us(&self, true_us: u64) -> i128 {
        i128::from(true_us) * (MILLION + i128::from(self.drift_ppm)) / MILLION + i128::from(self.offset_us)
    }

    /// The first true time at which the local clock reads at least `local_us` (never before
    /// `now_us`: a clock stepped past a deadline fires at once).
    pub fn true_us_at(&self, local_us: i128, now_us: u64) -> u64 {
        let rate = MILLION + i128::from(self.drift_ppm);
        assert!(rate > 0, "a clock must move forward");
        let since_start = local_us - i128::from(self.offset_us);
        // Ceiling division, so the local clock has really reached the deadline.
        let true_us = (since_start * MILLION + rate - 1).div_euclid(rate);
        u64::try_from(true_us.max(i128::from(now_us))).expect("times fit in u64")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fast_clock_fires_timers_early() {
        let clock = Clock { drift_ppm: 100_000, offset_us: 0 };
        let deadline = clock.local_us(0) + 110_000;
        assert_eq!(clock.true_us_at(deadline, 0), 100_000);
    }

    #[test]
    fn a_slow_clock_fires_timers_late() {
        let clock = Clock { drift_ppm: -50_000, offset_us: 0 };
        let deadline = clock.local_us(1_000_000) + 95_000;
        assert_eq!(clock.true_us_at(deadline, 1_000_000), 1_100_000);
    }

    #[test]
    fn a_forward_step_brings_deadlines_closer_but_never_into_the_past() {
        let mut clock = Clock::default();
        let deadline = clock.local_us(0) + 300_000;
        clock.offset_us += 200_000;
        assert_eq!(clock.true_us_at(deadline, 0), 100_000);
        clock.offset_us += 500_000;
        assert_eq!(clock.true_us_at(deadline, 50), 50, "a deadline already passed fires now");
    }
}
