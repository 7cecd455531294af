//! The page's colours for roles, message kinds and terms: one place, read by the ring, the log
//! strips and the legend. Role and kind are never told by colour alone (see `glyphs` and
//! `ring`): shapes, outlines and labels say the same thing for readers who do not see colour.

pub const INK: &str = "#1d2330";
pub const MUTED: &str = "#5b6475";
pub const LINK: &str = "#d5d9e0";
pub const LINK_HOVER: &str = "#4a7bd0";
pub const SELECTED: &str = "#2f6fe4";
pub const VIOLATION: &str = "#c5221f";
pub const CUT: &str = "#c5221f";
pub const CUT_LINE: &str = "#e59a95";
pub const OK: &str = "#188038";
pub const BAD: &str = "#d93025";
pub const DUPLICATE: &str = "#9334e6";
pub const HELD: &str = "#8a5a00";
pub const TIMER: &str = "#3c4a5e";
pub const TIMER_TRACK: &str = "#e6e9ee";
pub const CLIENT: &str = "#37474f";
pub const PAPER: &str = "#ffffff";

/// A role's fill and outline.
pub struct RoleColors {
    pub fill: &'static str,
    pub outline: &'static str,
}

/// Colours by role name (`Role::name`, or "down").
pub fn role(name: &str) -> RoleColors {
    match name {
        "leader" => RoleColors { fill: "#c8ecd3", outline: "#188038" },
        "candidate" => RoleColors { fill: "#fdd9b5", outline: "#d35b00" },
        "precandidate" => RoleColors { fill: "#fdefc3", outline: "#b07d00" },
        "down" => RoleColors { fill: "#eceef1", outline: "#9aa0a6" },
        _ => RoleColors { fill: "#e3e9f2", outline: "#55657d" },
    }
}

/// Vote requests and answers.
pub const VOTE: &str = "#e8710a";
/// PreVote requests and answers.
pub const PREVOTE: &str = "#c79100";
/// AppendEntries and answers.
pub const APPEND: &str = "#1a5fd0";
/// Heartbeats and answers.
pub const HEARTBEAT: &str = "#6f9fe0";

/// Eight colours for terms, light enough to carry dark text, told apart by hue.
/// No red among them: red is kept for what went wrong.
const TERMS: [&str; 8] = ["#a8c7fa", "#fde293", "#a8dab5", "#d7aefb", "#fcc895", "#9fe3f0", "#f8b4d9", "#c7d0a0"];

/// The colour of entries of `term` (term 0 never has entries).
pub fn term(term: u64) -> &'static str {
    TERMS[(term.saturating_sub(1) % TERMS.len() as u64) as usize]
}

/// Soft fills behind the nodes of each side of a partition, so the groups read at a glance.
const GROUPS: [&str; 6] = [
    "rgba(66, 133, 244, 0.13)",
    "rgba(234, 134, 0, 0.15)",
    "rgba(30, 142, 62, 0.14)",
    "rgba(161, 66, 244, 0.13)",
    "rgba(0, 150, 167, 0.14)",
    "rgba(217, 48, 37, 0.11)",
];

/// The fill of partition group `position` (in order of each group's lowest node).
pub fn group(position: usize) -> &'static str {
    GROUPS[position % GROUPS.len()]
}
