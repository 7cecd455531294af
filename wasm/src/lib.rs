//! raftsim-wasm: the only crate that knows wasm-bindgen. It exposes raftsim-core to the page.
#![deny(missing_docs)]

use wasm_bindgen::prelude::*;

/// The engine version the page shows and share links record.
#[wasm_bindgen]
pub fn engine_version() -> String {
    raftsim_core::ENGINE_VERSION.to_string()
}
