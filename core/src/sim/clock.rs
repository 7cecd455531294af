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
const MILLION_64: i64 = 1_000_000;
/// Times (in µs, about 50 days) and rates (`10^6 + drift`) within which the i64 paths cannot
/// overflow: 2^42 × 2^21 < 2^63.
const FAST_US_MAX: u64 = 1 << 42;
const FAST_RATES: std::ops::Range<i64> = 1..1 << 21;

impl Clock {
    /// The local time at true time `true_us`.
    pub fn local_us(&self, true_us: u64) -> i128 {
        if self.drift_ppm == 0 {
            // Most clocks: no multiplication or division, the same integers.
            return i128::from(true_us) + i128::from(self.offset_us);
        }
        // The same integers in i64 whenever nothing can overflow there (every run's times):
        // 128-bit multiplication and division, and even overflow-checked 64-bit
        // multiplication, are library calls in wasm.
        let rate = MILLION_64.checked_add(self.drift_ppm).filter(|rate| FAST_RATES.contains(rate));
        let fast = rate.filter(|_| true_us <= FAST_US_MAX).and_then(|rate| {
            // Below 2^42 × 2^21: wrapping_mul cannot wrap.
            (i64::try_from(true_us).ok()?.wrapping_mul(rate) / MILLION_64).checked_add(self.offset_us)
        });
        fast.map_or_else(
            || i128::from(true_us) * (MILLION + i128::from(self.drift_ppm)) / MILLION + i128::from(self.offset_us),
            i128::from,
        )
    }

    /// The first true time at which the local clock reads at least `local_us` (never before
    /// `now_us`: a clock stepped past a deadline fires at once).
    pub fn true_us_at(&self, local_us: i128, now_us: u64) -> u64 {
        let rate = MILLION + i128::from(self.drift_ppm);
        assert!(rate > 0, "a clock must move forward");
        let since_start = local_us - i128::from(self.offset_us);
        if self.drift_ppm == 0 {
            let true_us = since_start.max(i128::from(now_us));
            return u64::try_from(true_us).expect("times fit in u64");
        }
        // Ceiling division, so the local clock has really reached the deadline; in i64 when
        // nothing can overflow there, as in `local_us`.
        let fast = i64::try_from(since_start)
            .ok()
            .filter(|since_start| since_start.unsigned_abs() <= FAST_US_MAX)
            .zip(i64::try_from(rate).ok().filter(|rate| FAST_RATES.contains(rate)))
            .map(|(since_start, rate)| {
                // |since_start| × 10^6 < 2^62 and rate < 2^21: neither the product nor the sum wraps.
                since_start.wrapping_mul(MILLION_64).wrapping_add(rate - 1).div_euclid(rate)
            });
        let true_us = fast.map_or_else(|| (since_start * MILLION + rate - 1).div_euclid(rate), i128::from);
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

    /// The i64 fast paths give the 128-bit results, at the edges of i64 too.
    #[test]
    fn the_fast_paths_agree_with_128_bit_arithmetic() {
        let slow_local = |clock: &Clock, true_us: u64| {
            i128::from(true_us) * (MILLION + i128::from(clock.drift_ppm)) / MILLION + i128::from(clock.offset_us)
        };
        let slow_true = |clock: &Clock, local_us: i128, now_us: u64| {
            let rate = MILLION + i128::from(clock.drift_ppm);
            let true_us = ((local_us - i128::from(clock.offset_us)) * MILLION + rate - 1).div_euclid(rate);
            u64::try_from(true_us.max(i128::from(now_us))).unwrap()
        };
        let times_us = [0, 1, 999_999, 1_000_001, 3_600_000_000, 1 << 40, i64::MAX as u64 / 999_000, u64::MAX / 4];
        for drift_ppm in [-200_000, -1, 0, 7, 100_000] {
            for offset_us in [-5_000_000_000, -3, 0, 250_000, i64::MAX / 2] {
                let clock = Clock { drift_ppm, offset_us };
                for &true_us in &times_us {
                    let local_us = clock.local_us(true_us);
                    assert_eq!(local_us, slow_local(&clock, true_us), "{clock:?} at {true_us}");
                    for deadline_us in [local_us, local_us + 1, local_us + 12_345, local_us - 7] {
                        assert_eq!(clock.true_us_at(deadline_us, 0), slow_true(&clock, deadline_us, 0), "{clock:?}");
                    }
                }
            }
        }
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
