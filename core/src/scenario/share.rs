//! Share links: a whole run in a URL fragment. A link holds the share format version, the engine
//! version that made it, and the run itself (scenario, every user action with the event and time
//! it happened at, the event to stop at) as base64url JSON:
//!
//! `r1~0.3.0~eyJzY2VuYXJpbyI6...`
//!
//! Decoding is strict and bounded: a hand-edited or hostile link gets an error that says what is
//! wrong, never a panic; a link from another engine version decodes, but says so, because
//! replaying it here may not give the same run.

use serde::{Deserialize, Serialize};

use super::{Action, Scenario, SCRIPT_LEN_MAX};

/// The share format this engine writes and reads.
pub const SHARE_FORMAT: &str = "r1";
/// The longest link accepted, in characters.
pub const SHARE_LEN_MAX: usize = 256 * 1024;
/// The most user actions in one run.
pub const USER_ACTIONS_MAX: usize = SCRIPT_LEN_MAX;

/// Something a person did to a running simulation, pinned to the moment it happened: after
/// event `after_event` was processed, at simulated time `at_us`. Replaying applies it at exactly
/// that point, so the run is the same event for event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserAction {
    /// The number of events processed before the action (0: before the first).
    pub after_event: u64,
    /// Simulated time of the action.
    pub at_us: u64,
    /// What was done.
    pub action: Action,
}

/// A run as a link carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSpec {
    /// The scenario, seed included.
    pub scenario: Scenario,
    /// What the person did, in order.
    #[serde(default)]
    pub actions: Vec<UserAction>,
    /// The event to stop at (the view the link shows), if any.
    #[serde(default)]
    pub stop_at_event: Option<u64>,
    /// The simulated time shown, when the page had moved its clock past that event (between
    /// events, messages are drawn part way along their links). Never before the event's time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_at_us: Option<u64>,
}

/// A decoded link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The run.
    pub spec: RunSpec,
    /// The engine version that made the link.
    pub engine_version: String,
}

impl Decoded {
    /// Whether this engine made the link; if not, the replay may differ from what its author saw.
    pub fn engine_matches(&self) -> bool {
        self.engine_version == crate::ENGINE_VERSION
    }
}

/// Why a link could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShareError(pub String);

impl std::fmt::Display for ShareError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl std::error::Error for ShareError {}

/// The link of a run (without the leading `#`).
pub fn encode(spec: &RunSpec) -> String {
    let json = serde_json::to_vec(spec).expect("a run spec serializes");
    format!("{SHARE_FORMAT}~{}~{}", crate::ENGINE_VERSION, base64url_encode(&json))
}

/// Reads a link: the fragment, with or without `#`, or a whole URL that contains one.
pub fn decode(link: &str) -> Result<Decoded, ShareError> {
    if link.len() > SHARE_LEN_MAX {
        return Err(ShareError(format!(
            "the link is {} characters long; at most {SHARE_LEN_MAX} are accepted",
            link.len()
        )));
    }
    let fragment = link.rsplit_once('#').map_or(link, |(_, fragment)| fragment).trim();
    let mut parts = fragment.splitn(3, '~');
    let (Some(format), Some(engine_version), Some(payload)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(ShareError("this is not a raftsim link: expected format~engine~run".into()));
    };
    if format != SHARE_FORMAT {
        return Err(ShareError(format!(
            "this link uses share format {format:?}, which this engine (format {SHARE_FORMAT}, engine {}) cannot read",
            crate::ENGINE_VERSION
        )));
    }
    if engine_version.is_empty()
        || engine_version.len() > 32
        || !engine_version.chars().all(|character| character.is_ascii_alphanumeric() || ".-+".contains(character))
    {
        return Err(ShareError("the link's engine version is malformed".into()));
    }
    let json = base64url_decode(payload)
        .ok_or_else(|| ShareError("the link's run is damaged: it is not valid base64url".into()))?;
    let spec: RunSpec =
        serde_json::from_slice(&json).map_err(|error| ShareError(format!("the link's run is damaged: {error}")))?;
    validate(&spec).map_err(|error| ShareError(format!("the link's run is invalid: {error}")))?;
    Ok(Decoded { spec, engine_version: engine_version.to_string() })
}

/// Checks a run spec: its scenario, and user actions in order, within the run, naming real nodes.
pub fn validate(spec: &RunSpec) -> Result<(), ShareError> {
    spec.scenario.validate().map_err(|error| ShareError(error.to_string()))?;
    if spec.actions.len() > USER_ACTIONS_MAX {
        return Err(ShareError(format!(
            "the link holds {} actions; at most {USER_ACTIONS_MAX} are accepted",
            spec.actions.len()
        )));
    }
    if spec.stop_at_us.is_some_and(|time_us| time_us > spec.scenario.run_us()) {
        return Err(ShareError("the time to stop at is after the end of the run".into()));
    }
    let mut previous = (0, 0);
    for (position, user_action) in spec.actions.iter().enumerate() {
        let moment = (user_action.after_event, user_action.at_us);
        if moment.0 < previous.0 || moment.1 < previous.1 {
            return Err(ShareError(format!("action {position} happens before the action ahead of it")));
        }
        if user_action.at_us > spec.scenario.run_us() {
            return Err(ShareError(format!("action {position} is after the end of the run")));
        }
        if let Some(node) =
            user_action.action.nodes().into_iter().find(|node| !(1..=spec.scenario.nodes).contains(node))
        {
            return Err(ShareError(format!(
                "action {position} names node {node}, but the cluster has nodes 1 to {}",
                spec.scenario.nodes
            )));
        }
        previous = moment;
    }
    Ok(())
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding (RFC 4648 §5): safe in URL fragments.
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let word = chunk
            .iter()
            .enumerate()
            .fold(0u32, |word, (position, &byte)| word | u32::from(byte) << (16 - 8 * position));
        for position in 0..=chunk.len() {
            text.push(ALPHABET[(word >> (18 - 6 * position) & 63) as usize] as char);
        }
    }
    text
}

/// Reads base64url without padding; `None` for any character outside the alphabet or an
/// impossible length.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    if text.len() % 4 == 1 {
        return None;
    }
    let mut bytes = Vec::with_capacity(text.len() / 4 * 3 + 2);
    for chunk in text.as_bytes().chunks(4) {
        let mut word = 0u32;
        for (position, &character) in chunk.iter().enumerate() {
            let value = ALPHABET.iter().position(|&symbol| symbol == character)?;
            word |= u32::try_from(value).expect("64 symbols") << (18 - 6 * position);
        }
        // The chunk's symbols fill the word's low 24 bits from the top: its bytes follow.
        bytes.extend_from_slice(&word.to_be_bytes()[1..chunk.len()]);
    }
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips_every_length() {
        for length in 0..40 {
            let bytes: Vec<u8> =
                (0..length).map(|byte| u8::try_from((byte * 37 + 11) % 256).expect("a byte")).collect();
            let text = base64url_encode(&bytes);
            assert!(text.bytes().all(|character| ALPHABET.contains(&character)));
            assert_eq!(base64url_decode(&text), Some(bytes));
        }
        assert_eq!(base64url_encode(b"Man"), "TWFu");
        assert_eq!(base64url_decode("TWE"), Some(b"Ma".to_vec()));
        assert_eq!(base64url_decode("T"), None);
        assert_eq!(base64url_decode("TW=="), None);
    }

    #[test]
    fn a_run_round_trips_through_its_link() {
        let spec = RunSpec {
            scenario: Scenario { seed: 42, ..Scenario::default() },
            actions: vec![UserAction { after_event: 10, at_us: 5_000, action: Action::Crash { node: 2 } }],
            stop_at_event: Some(77),
            stop_at_us: Some(80_000),
        };
        let link = encode(&spec);
        assert!(link.starts_with("r1~"));
        let decoded = decode(&format!("https://example.test/raftsim/#{link}")).unwrap();
        assert_eq!(decoded.spec, spec);
        assert!(decoded.engine_matches());
    }

    #[test]
    fn bad_links_say_what_is_wrong() {
        let spec = RunSpec { scenario: Scenario::default(), actions: vec![], stop_at_event: None, stop_at_us: None };
        let good = encode(&spec);
        let (_, payload) = good.rsplit_once('~').unwrap();
        let cases = [
            ("hello".to_string(), "not a raftsim link"),
            (format!("r9~0.1.0~{payload}"), "share format \"r9\""),
            (format!("r1~<script>~{payload}"), "engine version is malformed"),
            ("r1~0.1.0~!!!!".to_string(), "not valid base64url"),
            (format!("r1~0.1.0~{}", base64url_encode(br#"{"scenario":{"nodes":100}}"#)), "nodes"),
            (format!("r1~0.1.0~{}", base64url_encode(br#"{"scenario":{},"colour":1}"#)), "colour"),
            ("r1~0.1.0~".to_string() + &"A".repeat(SHARE_LEN_MAX), "characters long"),
        ];
        for (link, expected) in cases {
            let error = decode(&link).expect_err(&link[..link.len().min(60)]);
            assert!(error.0.contains(expected), "{}: {error}", &link[..link.len().min(60)]);
        }
    }

    #[test]
    fn a_link_from_another_engine_decodes_but_says_so() {
        let spec = RunSpec { scenario: Scenario::default(), actions: vec![], stop_at_event: None, stop_at_us: None };
        let link = encode(&spec).replacen(crate::ENGINE_VERSION, "0.0.1", 1);
        let decoded = decode(&link).unwrap();
        assert!(!decoded.engine_matches());
        assert_eq!(decoded.engine_version, "0.0.1");
    }

    #[test]
    fn actions_out_of_order_or_naming_missing_nodes_are_refused() {
        let action =
            |after_event, node| UserAction { after_event, at_us: after_event * 10, action: Action::Crash { node } };
        let spec = RunSpec {
            scenario: Scenario::default(),
            actions: vec![action(5, 1), action(4, 1)],
            stop_at_event: None,
            stop_at_us: None,
        };
        assert!(validate(&spec).unwrap_err().0.contains("before the action ahead"));
        let spec = RunSpec {
            scenario: Scenario::default(),
            actions: vec![action(5, 7)],
            stop_at_event: None,
            stop_at_us: None,
        };
        assert!(validate(&spec).unwrap_err().0.contains("names node 7"));
    }
}
