//! The guided tour of the run on screen: its captions pinned to this run's events, for the
//! page's caption box. A tour is a preset, so a share link of a tour shows its captions too.

use raftsim_core::explore::tour::pin_tour;
use raftsim_core::scenario::tour;
use wasm_bindgen::prelude::*;

use crate::simulation::Simulation;
use crate::to_js;

/// The most events pinning a tour may run: a tour's own run takes a few thousand, and a link
/// that renames a long run after a tour must not freeze the page.
const TOUR_EVENTS_MAX: u64 = 2_000_000;

#[wasm_bindgen]
impl Simulation {
    /// The run's guided tour, or `null` if its preset has none: `{preset, title, total,
    /// captions: [{number, event, time_us, text, cue}]}`, the captions this run reaches, each
    /// pinned to the event where it first holds, for the run as it stands (the user's actions
    /// included: call it again after acting). Captions are plain text.
    #[wasm_bindgen(unchecked_return_type = "Tour | null")]
    pub fn tour(&self) -> Result<JsValue, JsError> {
        let session = self.session();
        let Some(tour) = tour(&session.scenario_given().name) else { return Ok(JsValue::NULL) };
        let mut spec = session.spec();
        spec.stop_at_event = None;
        spec.stop_at_us = None;
        let pinned = pin_tour(&spec, tour, TOUR_EVENTS_MAX).map_err(|error| JsError::new(&error.to_string()))?;
        to_js(&pinned)
    }
}
