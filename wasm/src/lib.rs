//! raftsim-wasm: the only crate that knows wasm-bindgen and web-sys. It exposes raftsim-core to
//! the page behind one opaque [`Simulation`] handle, draws the page's canvases from Rust
//! (`render`), and describes the engine to the page (`catalogue`: presets, limits, checks,
//! bugs, the legend), so the page's JS repeats no constant and holds no protocol logic.
//!
//! Errors reach JavaScript as `Error`s with readable messages; a panic (a bug) is printed to the
//! console and kept for [`last_panic`], so the page can tell the user what to report.
#![deny(missing_docs)]

mod catalogue;
mod coverage;
mod diagrams;
mod health_view;
mod history;
mod history_view;
mod hunt;
mod render;
mod search;
mod simulation;
mod spacetime_view;
mod tour;
mod typescript;
mod view;
mod words;

use std::cell::RefCell;

use serde::Serialize;
use wasm_bindgen::prelude::*;

pub use catalogue::*;
pub use health_view::HealthView;
pub use history::{check_history_file, check_run_history, history_file_bytes_max, history_raised_budget, HistoryFile};
pub use history_view::{CanvasPoint, HistoryView};
pub use hunt::Hunt;
pub use search::*;
pub use simulation::Simulation;
pub use spacetime_view::SpacetimeView;
pub use words::*;

/// The browser build allocates small blocks from size classes (raftsim-alloc's doc says why and
/// how memory stays bounded); larger ones from the standard library's dlmalloc, as before.
#[cfg(all(target_arch = "wasm32", not(feature = "talc")))]
#[global_allocator]
static ALLOCATOR: raftsim_alloc::SizeClasses<std::alloc::System> = raftsim_alloc::SizeClasses::new(std::alloc::System);

/// `--features talc`: the talc crate's allocator for wasm, as its documentation sets it up, for
/// `./dev bench`'s comparison with the size classes.
#[cfg(all(target_arch = "wasm32", feature = "talc"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs the panic hook when the module loads.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        LAST_PANIC.with(|last| *last.borrow_mut() = Some(info.to_string()));
        console_error_panic_hook::hook(info);
    }));
}

/// The message of the last panic, if the engine has panicked (it cannot be used after that).
#[wasm_bindgen]
pub fn last_panic() -> Option<String> {
    LAST_PANIC.with(|last| last.borrow().clone())
}

/// The engine version the page shows and share links record.
#[wasm_bindgen]
pub fn engine_version() -> String {
    raftsim_core::ENGINE_VERSION.to_string()
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|error| JsError::new(&error.to_string()))
}

/// Reads a JS value through JSON, so that it is judged exactly as natively: unknown fields,
/// negative counts and non-numbers are refused (serde-wasm-bindgen would skip unknown fields).
fn from_js<T: serde::de::DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsError> {
    parse_js(value, what).map_err(|problem| JsError::new(&problem))
}

/// [`from_js`] with the problem as text.
fn parse_js<T: serde::de::DeserializeOwned>(value: JsValue, what: &str) -> Result<T, String> {
    let text = js_sys::JSON::stringify(&value).map_err(|_| format!("{what}: it cannot be written as JSON"))?;
    let text = String::from(text);
    serde_json::from_str(&text).map_err(|error| format!("{what}: {error}"))
}

/// A JS number that must be a whole count or time: finite, not negative, at most `max`.
fn whole(value: f64, what: &str, max: u64) -> Result<u64, JsError> {
    if !value.is_finite() || value < 0.0 || value.fract() != 0.0 || value > max as f64 {
        return Err(JsError::new(&format!("{what} must be a whole number from 0 to {max}, not {value}")));
    }
    Ok(value as u64)
}
