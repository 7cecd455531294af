//! The log strips: one row per node, the same index in the same column on every row so logs
//! are compared at a glance. Entries are coloured by term and carry it; a bar marks the commit
//! point, a triangle the last applied entry, and entries not yet on disk are pale with a dashed
//! outline (a crash would lose them). The newest entries are shown when a log is longer than
//! the strip.

use raftsim_core::raft::{Index, NodeId, Term};
use raftsim_core::sim::{Server, World};

use super::layout::Point;
use super::{palette, Align, Dash, Pen};

const HEADER_PX: f64 = 18.0;
const ROW_PX: f64 = 28.0;
const CELL_PX: f64 = 24.0;
const LABEL_PX: f64 = 96.0;
const FOOTER_PX: f64 = 6.0;

/// The height the strips need for `nodes` rows, in CSS pixels.
pub fn height_px(nodes: u32) -> f64 {
    HEADER_PX + ROW_PX * f64::from(nodes) + FOOTER_PX
}

/// One row's facts, with the terms of only the entries in view: the cost of drawing the strips
/// must not grow with the logs.
struct Row {
    running: bool,
    role: &'static str,
    commit: Index,
    applied: Index,
    durable: Index,
    /// The log's last index.
    length: Index,
    /// The term of each entry in view, from the window's first index on.
    terms: Vec<Term>,
}

impl Row {
    /// The row of `server`, with the terms of `columns` entries from index `first`.
    fn of(server: &Server, first: Index, columns: u64) -> Row {
        assert!(first >= 1, "log indexes count from 1");
        let in_view = |length: Index| first..=length.min(first + columns - 1);
        match &server.node {
            Some(node) => {
                let log = node.log();
                let terms = in_view(log.last_index()).map(|index| log.term_at(index).expect("in the log")).collect();
                Row {
                    running: true,
                    role: node.role().name(),
                    commit: node.commit_index(),
                    applied: node.applied_index(),
                    durable: server.log_index_durable(),
                    length: log.last_index(),
                    terms,
                }
            }
            None => {
                let entries = &server.disk.durable().entries;
                let length = entries.len() as Index;
                let terms = in_view(length).map(|index| entries[index as usize - 1].term).collect();
                Row { running: false, role: "down", commit: 0, applied: 0, durable: length, length, terms }
            }
        }
    }
}

/// Each node's last log index, by id.
fn lengths(simulation: &World) -> Vec<Index> {
    let length = |server: &Server| {
        server.node.as_ref().map_or(server.disk.durable().entries.len() as Index, |node| node.log().last_index())
    };
    simulation.servers().iter().map(length).collect()
}

/// A fingerprint of everything the strips show: the page redraws them only when it changes,
/// not every frame (most events change no log).
pub fn signature(simulation: &World, selected: Option<NodeId>) -> u64 {
    let mut hash = raftsim_core::fingerprint::Fingerprint::default();
    for server in simulation.servers() {
        let row = server.node.as_ref();
        hash.option(row.map(|node| node.role() as u64));
        hash.word(row.map_or(server.disk.durable().entries.len() as u64, |node| node.log().last_index()));
        hash.word(row.map_or(0, |node| node.log().last_term()));
        hash.word(row.map_or(0, |node| node.commit_index()));
        hash.word(row.map_or(0, |node| node.applied_index()));
        hash.word(server.log_index_durable());
    }
    hash.option(selected.map(u64::from));
    hash.flag(simulation.violation().is_some());
    hash.value()
}

/// The index shown in the first column and the number of columns, for a strip `width` wide:
/// the newest entries when the logs are longer than the strip, unless a violation names an
/// older index, which is then kept in view.
fn window(lengths: &[Index], width: f64, flagged: &[Index]) -> (Index, u64) {
    let columns = (((width - LABEL_PX - 8.0) / CELL_PX).floor() as u64).max(1);
    let last = lengths.iter().copied().max().unwrap_or(0);
    let newest_first = last.saturating_sub(columns) + 1;
    match flagged.iter().min() {
        Some(&oldest) if oldest < newest_first => (oldest.saturating_sub(2).max(1), columns),
        _ => (newest_first, columns),
    }
}

fn flagged_indexes(simulation: &World) -> Vec<Index> {
    simulation.violation().map(|violation| violation.indexes.clone()).unwrap_or_default()
}

/// The log entry drawn at (`x`, `y`) in a strip `width` wide: its node and index.
pub fn cell_at(simulation: &World, width: f64, x: f64, y: f64) -> Option<(NodeId, Index)> {
    let lengths = lengths(simulation);
    let (first, columns) = window(&lengths, width, &flagged_indexes(simulation));
    if x < LABEL_PX || y < HEADER_PX {
        return None;
    }
    let (column, row) = (((x - LABEL_PX) / CELL_PX) as u64, ((y - HEADER_PX) / ROW_PX) as usize);
    let index = first + column;
    let held = lengths.get(row).is_some_and(|&length| index <= length);
    (column < columns && held).then_some((row as NodeId + 1, index))
}

/// Draws every node's log in a `width`-pixel strip; `selected` is tinted.
pub fn draw(pen: &Pen, simulation: &World, width: f64, selected: Option<NodeId>) {
    let lengths = lengths(simulation);
    let (first, columns) = window(&lengths, width, &flagged_indexes(simulation));
    let last = lengths.iter().copied().max().unwrap_or(0);
    let rows: Vec<Row> = simulation.servers().iter().map(|server| Row::of(server, first, columns)).collect();
    draw_header(pen, first, columns, last);
    let (flagged_nodes, flagged_indexes) = simulation
        .violation()
        .map(|violation| (violation.nodes.clone(), violation.indexes.clone()))
        .unwrap_or_default();
    for (position, row) in rows.iter().enumerate() {
        let id = position as NodeId + 1;
        let top = HEADER_PX + ROW_PX * position as f64;
        if selected == Some(id) {
            pen.fill_rect(Point { x: 0.0, y: top }, width, ROW_PX, 4.0, "#e8f0fe");
        }
        draw_label(pen, id, row, top);
        let flagged = flagged_nodes.is_empty() || flagged_nodes.contains(&id);
        let marked: &[Index] = if flagged { &flagged_indexes } else { &[] };
        draw_cells(pen, row, top, first, columns, marked);
    }
    if last == 0 {
        let at = Point { x: LABEL_PX + 4.0, y: HEADER_PX + ROW_PX / 2.0 };
        pen.text(
            at,
            "no entries yet: a leader appends one when it takes office",
            11.0,
            false,
            palette::MUTED,
            Align::Left,
        );
    }
}

fn draw_header(pen: &Pen, first: Index, columns: u64, last: Index) {
    pen.text(Point { x: 4.0, y: HEADER_PX / 2.0 }, "index", 10.0, false, palette::MUTED, Align::Left);
    for index in header_labels(first, columns, last) {
        let x = LABEL_PX + CELL_PX * (index - first) as f64 + CELL_PX / 2.0;
        pen.text(Point { x, y: HEADER_PX / 2.0 + 1.0 }, &index.to_string(), 9.5, false, palette::MUTED, Align::Center);
    }
}

/// The indexes the header labels, of `columns` from `first` on, up to two past `last`: every
/// one while they are short, every fifth past 1,000. The first column is labelled even off the
/// stride, unless the next label on the stride is too close for both to be read (four digits
/// take about three columns).
fn header_labels(first: Index, columns: u64, last: Index) -> Vec<Index> {
    let stride = if first + columns > 1_000 { 5 } else { 1 };
    let first_labelled = first % stride == 0 || stride - first % stride >= 3;
    (first..first + columns)
        .take_while(|&index| index <= last.max(1) + 2)
        .filter(|&index| index % stride == 0 || (index == first && first_labelled))
        .collect()
}

fn draw_label(pen: &Pen, id: NodeId, row: &Row, top: f64) {
    let middle = top + ROW_PX / 2.0;
    let colors = palette::role(row.role);
    pen.fill_circle(Point { x: 9.0, y: middle }, 5.0, colors.fill);
    pen.stroke_circle(Point { x: 9.0, y: middle }, 5.0, colors.outline, 1.5);
    let ink = if row.running { palette::INK } else { palette::MUTED };
    pen.text(Point { x: 19.0, y: middle }, &format!("S{id}"), 12.0, true, ink, Align::Left);
    let role = if row.running { row.role.replace("precandidate", "pre-cand.") } else { "crashed".into() };
    pen.text(Point { x: 42.0, y: middle }, &role, 10.0, false, colors.outline, Align::Left);
}

fn draw_cells(pen: &Pen, row: &Row, top: f64, first: Index, columns: u64, marked: &[Index]) {
    let cell_top = top + 4.0;
    let cell_height = ROW_PX - 9.0;
    let length = row.length;
    if !row.running {
        pen.alpha(0.6);
    }
    for column in 0..columns {
        let index = first + column;
        let left = LABEL_PX + CELL_PX * column as f64;
        let corner = Point { x: left + 1.0, y: cell_top };
        if index > length {
            pen.stroke_rect(corner, CELL_PX - 2.0, cell_height, 3.0, "#dfe3e9", 1.0);
            continue;
        }
        let term = row.terms[(index - first) as usize];
        let durable = index <= row.durable;
        pen.alpha(if durable { 1.0 } else { 0.4 } * if row.running { 1.0 } else { 0.6 });
        pen.fill_rect(corner, CELL_PX - 2.0, cell_height, 3.0, palette::term(term));
        pen.alpha(if row.running { 1.0 } else { 0.6 });
        if !durable {
            pen.dash(Dash::Dashed);
            pen.stroke_rect(corner, CELL_PX - 2.0, cell_height, 3.0, palette::MUTED, 1.0);
            pen.dash(Dash::Solid);
        }
        let middle = Point { x: left + CELL_PX / 2.0, y: cell_top + cell_height / 2.0 };
        pen.text(middle, &term.to_string(), 10.0, false, palette::INK, Align::Center);
        if marked.contains(&index) {
            pen.stroke_rect(corner, CELL_PX - 2.0, cell_height, 3.0, palette::VIOLATION, 2.5);
        }
    }
    pen.alpha(1.0);
    draw_marks(pen, row, top, first, columns);
}

/// The commit bar after the last committed entry and the applied triangle under the last
/// applied one, when they fall inside the strip.
fn draw_marks(pen: &Pen, row: &Row, top: f64, first: Index, columns: u64) {
    let column_of = |index: Index| (index >= first && index < first + columns).then(|| (index - first) as f64);
    if let Some(column) = column_of(row.commit) {
        let x = LABEL_PX + CELL_PX * (column + 1.0) - 0.5;
        pen.line(Point { x, y: top + 1.5 }, Point { x, y: top + ROW_PX - 3.0 }, palette::INK, 3.0);
    }
    if let Some(column) = column_of(row.applied) {
        let x = LABEL_PX + CELL_PX * column + CELL_PX / 2.0;
        let base = top + ROW_PX - 0.5;
        let triangle = [Point { x, y: base - 5.0 }, Point { x: x - 4.0, y: base }, Point { x: x + 4.0, y: base }];
        pen.fill_polygon(&triangle, palette::INK);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn header_labels_are_every_index_while_short_and_never_crowd_past_a_thousand() {
        assert_eq!(super::header_labels(1, 6, 3), vec![1, 2, 3, 4, 5]);
        for first in 990..1_010 {
            let labels = super::header_labels(first, 30, 2_000);
            assert!(labels.windows(2).all(|pair| pair[1] - pair[0] >= 3), "{first}: {labels:?}");
            assert!(labels.first().is_some_and(|&label| label < first + 5), "{first}: the start is labelled");
        }
    }

    use super::*;
    use raftsim_core::scenario::preset;

    #[test]
    fn a_row_reads_only_the_entries_in_view() {
        let mut scenario = preset("classroom").expect("a preset");
        scenario.workload.clients = 8;
        scenario.workload.think_us_max = scenario.workload.think_us_min + 1_000;
        let mut simulation = World::new(scenario).expect("valid");
        simulation.run_until(5_000_000);
        let lengths = lengths(&simulation);
        let longest = lengths.iter().copied().max().expect("nodes");
        assert!(longest > 20, "the clients made a long log: {longest}");
        let (first, columns) = window(&lengths, LABEL_PX + 8.0 + CELL_PX * 10.0, &[]);
        assert_eq!((first, columns), (longest - 9, 10), "the newest ten entries");
        for server in simulation.servers() {
            let row = Row::of(server, first, columns);
            assert!(row.terms.len() <= 10);
            let log_terms = server.node.as_ref().map(|node| node.log().term_at(row.length));
            assert_eq!(row.terms.last().copied(), log_terms.flatten().filter(|_| row.length >= first));
        }
    }
}
