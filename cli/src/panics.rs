//! Panics in judged runs. The engine catches a run's panic and judges it (`Verdict::Panic`),
//! so a sweep, a hunt or a bug bench goes on with its other seeds; what it cannot see is where
//! the panic struck, which only a panic hook learns. While a thread judges a run, this module's
//! hook keeps that location for it and prints nothing (a sweep of many panicking seeds would
//! otherwise bury its report under one stderr block per seed); any other panic is printed by
//! the default hook as ever.

use std::cell::{Cell, RefCell};
use std::sync::Once;

thread_local! {
    /// Whether this thread is judging a run (its panics are reported, not printed).
    static JUDGING: Cell<bool> = const { Cell::new(false) };
    /// Where this thread's last judged run panicked: `file:line:column`.
    static LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `judge` (which catches its own panics) with this thread's panics kept quiet; returns
/// its result and where the run panicked, if it did.
pub fn judging<T>(judge: impl FnOnce() -> T) -> (T, Option<String>) {
    install_hook();
    LOCATION.with(|location| location.borrow_mut().take());
    JUDGING.with(|judging| judging.set(true));
    let result = judge();
    JUDGING.with(|judging| judging.set(false));
    (result, LOCATION.with(|location| location.borrow_mut().take()))
}

/// A judged panic's message as reported: the engine's message and where it struck.
pub fn described(message: &str, location: Option<&str>) -> String {
    match location {
        Some(location) => format!("{message} (at {location})"),
        None => message.to_string(),
    }
}

/// Puts the hook in, once per process, in front of the default one.
fn install_hook() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if JUDGING.with(Cell::get) {
                let location = info.location().map(ToString::to_string);
                LOCATION.with(|kept| *kept.borrow_mut() = location);
            } else {
                default(info);
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_judged_panic_is_kept_quiet_with_its_location() {
        let (caught, location) = judging(|| std::panic::catch_unwind(|| panic!("judged")).is_err());
        assert!(caught);
        let location = location.expect("the hook kept where it struck");
        assert!(location.starts_with("cli/src/panics.rs:"), "{location}");
        assert_eq!(described("judged", Some("a.rs:1:2")), "judged (at a.rs:1:2)");
        let ((), none) = judging(|| ());
        assert_eq!(none, None, "a run that did not panic has no location");
    }
}
