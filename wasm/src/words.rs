//! The engine's words for the page: how an operation and a time are written
//! (`raftsim_core::words`), so the page writes none of them itself.

use raftsim_core::raft::Op;
use raftsim_core::words;
use wasm_bindgen::prelude::*;

use crate::from_js;

/// An operation the page sends (`{Put: {key, value}}`, as a scenario writes it) in the short
/// form: `put x 3`, `cas x 1→2`.
#[wasm_bindgen]
pub fn op_words(#[wasm_bindgen(unchecked_param_type = "Op")] op: JsValue) -> Result<String, JsError> {
    let op: Op = from_js(op, "invalid operation")?;
    Ok(words::op_short(&op))
}

/// A moment of simulated time to a tenth of a millisecond: `5.3123 s`.
#[wasm_bindgen]
pub fn instant_words(time_us: f64) -> String {
    words::instant(microseconds(time_us))
}

/// A moment rounded for a glance: `250 ms`, `1.5 s`, `130 s`.
#[wasm_bindgen]
pub fn instant_rounded_words(time_us: f64) -> String {
    words::instant_rounded(microseconds(time_us))
}

/// A stretch of simulated time exactly, in its largest brief unit: `250 ms`, `1.5 s`.
#[wasm_bindgen]
pub fn duration_words(duration_us: f64) -> String {
    words::duration(microseconds(duration_us))
}

/// A JS number of microseconds as a whole one (negative and non-numbers: 0).
fn microseconds(value: f64) -> u64 {
    if value.is_finite() && value > 0.0 {
        value.round() as u64
    } else {
        0
    }
}
