//! A layered (Sugiyama-style) layout of a directed graph given as node indices and edges:
//! layers by the graph's order, crossings reduced by barycentre sweeps, places on a grid.
//!
//! Written here rather than taken from a crate: a lineage is a shallow graph (a dozen layers,
//! at most a few dozen boxes a layer once [`super::aggregate`] has bounded it), the pictures
//! must come out the same for the same answer, and the drawing (boxes that link, text for
//! status, classes instead of styles) is ours anyway. `layout-rs` lays out and renders whole
//! Graphviz-like documents with its own SVG writer, styles and text measurement; the part of
//! it we would use is the few dozen lines below, and we could not have the registry's index
//! searched from here to weigh its current release. Every function is pure and unit-tested.

use std::collections::VecDeque;

/// How many times the ordering sweeps down and back up: each sweep settles most of what the
/// previous one left, and a lineage's shallow layers settle in a few.
const SWEEPS: usize = 4;

/// The layer of each of `count` nodes: every node one below the deepest of its inputs (the
/// longest path from a source), then each source moved down to just above the first node it
/// leads into, so a reagent used late sits beside the step that used it rather than at the
/// top with a long edge. Layers start at 0. An edge that would close a cycle (no lineage has
/// one) is ignored here rather than looping.
pub(crate) fn layers(count: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let order = topological(count, edges);
    let mut rank = vec![0usize; count];
    for (place, &node) in order.iter().enumerate() {
        rank[node] = place;
    }
    let mut outputs = vec![Vec::new(); count];
    let mut has_input = vec![false; count];
    for &(from, to) in edges.iter().filter(|&&(from, to)| rank[from] < rank[to]) {
        outputs[from].push(to);
        has_input[to] = true;
    }
    let mut layer = vec![0usize; count];
    for &node in &order {
        for &to in &outputs[node] {
            layer[to] = layer[to].max(layer[node] + 1);
        }
    }
    for node in (0..count).filter(|&node| !has_input[node]) {
        if let Some(first_use) = outputs[node].iter().map(|&to| layer[to]).min() {
            layer[node] = first_use.saturating_sub(1);
        }
    }
    layer
}

/// The nodes in an order where every edge runs forward (Kahn's algorithm, smallest index
/// first among the ready, so the order is deterministic); the nodes of a cycle follow in
/// index order.
fn topological(count: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut inputs = vec![0usize; count];
    let mut outputs = vec![Vec::new(); count];
    for &(from, to) in edges {
        inputs[to] += 1;
        outputs[from].push(to);
    }
    let mut ready: VecDeque<usize> = (0..count).filter(|&node| inputs[node] == 0).collect();
    let mut order = Vec::with_capacity(count);
    let mut placed = vec![false; count];
    while let Some(node) = ready.pop_front() {
        order.push(node);
        placed[node] = true;
        for &to in &outputs[node] {
            inputs[to] -= 1;
            if inputs[to] == 0 {
                ready.push_back(to);
            }
        }
    }
    order.extend((0..count).filter(|&node| !placed[node]));
    order
}

/// A graph whose edges each span one layer: an edge across several layers runs through one
/// dummy node in each layer between its ends (numbered after the real nodes), so the ordering
/// keeps a lane free for it and the drawing routes it between boxes rather than through them.
pub(crate) struct Split {
    /// The layer of every node, the real ones first.
    pub(crate) layer: Vec<usize>,
    /// The one-layer segments.
    pub(crate) segments: Vec<(usize, usize)>,
    /// For each edge given, the nodes it runs through: its ends and the dummies between.
    pub(crate) chains: Vec<Vec<usize>>,
}

/// Splits the edges of a graph with nodes in `layer`. An edge that does not run downward (only
/// one closing a cycle could) stays one segment.
pub(crate) fn split(layer: &[usize], edges: &[(usize, usize)]) -> Split {
    let mut all = layer.to_vec();
    let mut segments = Vec::new();
    let mut chains = Vec::with_capacity(edges.len());
    for &(from, to) in edges {
        let mut chain = vec![from];
        for row in layer[from] + 1..layer[to] {
            all.push(row);
            chain.push(all.len() - 1);
        }
        chain.push(to);
        segments.extend(chain.windows(2).map(|pair| (pair[0], pair[1])));
        chains.push(chain);
    }
    Split {
        layer: all,
        segments,
        chains,
    }
}

/// The nodes of each layer, left to right: first in index order, then reordered by the
/// barycentre (mean place) of their neighbours in the layer above, sweeping down, and in the
/// layer below, sweeping up. The order with the fewest crossings seen is kept.
pub(crate) fn order(layer: &[usize], edges: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let depth = layer.iter().max().map_or(0, |deepest| deepest + 1);
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); depth];
    for (node, &row) in layer.iter().enumerate() {
        rows[row].push(node);
    }
    let mut best = rows.clone();
    let mut fewest = crossings(&rows, layer, edges);
    for sweep in 0..SWEEPS * 2 {
        let downward = sweep % 2 == 0;
        let mut place = places(&rows, layer.len());
        let sequence: Vec<usize> = if downward {
            (1..depth).collect()
        } else {
            (0..depth.saturating_sub(1)).rev().collect()
        };
        for row in sequence {
            let neighbour_row = if downward { row - 1 } else { row + 1 };
            let mut keyed: Vec<(f64, usize)> = rows[row]
                .iter()
                .map(|&node| {
                    let neighbours: Vec<f64> = edges
                        .iter()
                        .filter_map(|&(from, to)| match (from == node, to == node) {
                            (true, _) if layer[to] == neighbour_row => Some(place[to]),
                            (_, true) if layer[from] == neighbour_row => Some(place[from]),
                            _ => None,
                        })
                        .collect();
                    let centre = if neighbours.is_empty() {
                        place[node]
                    } else {
                        neighbours.iter().sum::<f64>() / neighbours.len() as f64
                    };
                    (centre, node)
                })
                .collect();
            // A stable sort keeps the API's order among equals.
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
            rows[row] = keyed.into_iter().map(|(_, node)| node).collect();
            for (index, &node) in rows[row].iter().enumerate() {
                place[node] = index as f64;
            }
        }
        let now = crossings(&rows, layer, edges);
        if now < fewest {
            fewest = now;
            best = rows.clone();
        }
    }
    best
}

/// Each node's place within its row.
fn places(rows: &[Vec<usize>], count: usize) -> Vec<f64> {
    let mut place = vec![0.0; count];
    for row in rows {
        for (index, &node) in row.iter().enumerate() {
            place[node] = index as f64;
        }
    }
    place
}

/// How many pairs of edges between the same two adjacent layers cross.
pub(crate) fn crossings(rows: &[Vec<usize>], layer: &[usize], edges: &[(usize, usize)]) -> usize {
    let place = places(rows, layer.len());
    let spans: Vec<(usize, f64, f64)> = edges
        .iter()
        .filter(|&&(from, to)| layer[to] == layer[from] + 1)
        .map(|&(from, to)| (layer[from], place[from], place[to]))
        .collect();
    let mut count = 0;
    for (index, a) in spans.iter().enumerate() {
        for b in &spans[index + 1..] {
            if a.0 == b.0 && (a.1 - b.1) * (a.2 - b.2) < 0.0 {
                count += 1;
            }
        }
    }
    count
}

/// Where each node goes: the centre of its slot across, and its row. A row's slots sit side by
/// side, each as wide as its node needs (a box, or the narrow lane of a dummy), and a row
/// narrower than the widest is centred. Also the widest row's width and the number of rows.
pub(crate) struct Grid {
    pub(crate) at: Vec<(f64, usize)>,
    pub(crate) width: f64,
    pub(crate) rows: usize,
}

/// Places the rows of [`order`], node `n` taking `widths[n]` across.
pub(crate) fn grid(rows: &[Vec<usize>], widths: &[f64]) -> Grid {
    let span = |nodes: &Vec<usize>| nodes.iter().map(|&node| widths[node]).sum::<f64>();
    let width = rows.iter().map(span).fold(0.0, f64::max);
    let mut at = vec![(0.0, 0); widths.len()];
    for (row, nodes) in rows.iter().enumerate() {
        let mut left = (width - span(nodes)) / 2.0;
        for &node in nodes {
            at[node] = (left + widths[node] / 2.0, row);
            left += widths[node];
        }
    }
    Grid {
        at,
        width,
        rows: rows.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::{crossings, grid, layers, order, split};

    #[test]
    fn layers_follow_the_longest_path_and_sources_sit_above_their_first_use() {
        // donor 0 -> donation 1 -> step 2 -> lot 3 -> step 4 -> lot 5; material 6 -> step 4.
        let edges = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (6, 4)];
        assert_eq!(layers(7, &edges), vec![0, 1, 2, 3, 4, 5, 3]);
        // A pool of a deep and a shallow branch: the pool sits below the deeper one.
        let pool = [(0, 1), (1, 2), (2, 3), (4, 3)];
        assert_eq!(layers(5, &pool), vec![0, 1, 2, 3, 2]);
        // A node with no edge at all stays at the top.
        assert_eq!(layers(2, &[]), vec![0, 0]);
    }

    #[test]
    fn a_cycle_does_not_loop_forever() {
        let cycle = [(0, 1), (1, 2), (2, 0)];
        let layer = layers(3, &cycle);
        assert_eq!(layer.len(), 3);
        assert!(layer.iter().all(|&row| row <= 2), "{layer:?}");
        let rows = order(&layer, &cycle);
        assert_eq!(rows.iter().map(Vec::len).sum::<usize>(), 3);
    }

    #[test]
    fn barycentre_sweeps_untangle_crossed_edges() {
        // Two parents, each with its own child, given crossed: 0 -> 3 and 1 -> 2.
        let edges = [(0, 3), (1, 2)];
        let layer = layers(4, &edges);
        assert_eq!(layer, vec![0, 0, 1, 1]);
        let start: Vec<Vec<usize>> = vec![vec![0, 1], vec![2, 3]];
        assert_eq!(crossings(&start, &layer, &edges), 1);
        let rows = order(&layer, &edges);
        assert_eq!(crossings(&rows, &layer, &edges), 0, "{rows:?}");
        // Every node appears exactly once.
        let mut all: Vec<usize> = rows.concat();
        all.sort_unstable();
        assert_eq!(all, vec![0, 1, 2, 3]);
    }

    #[test]
    fn rows_are_centred_and_lanes_are_narrow() {
        // Two boxes 10 wide over a box and a lane 2 wide.
        let rows = vec![vec![0, 1], vec![2, 3]];
        let placed = grid(&rows, &[10.0, 10.0, 10.0, 2.0]);
        assert_eq!((placed.width, placed.rows), (20.0, 2));
        assert_eq!(placed.at[0], (5.0, 0));
        assert_eq!(placed.at[1], (15.0, 0));
        assert_eq!(placed.at[2], (9.0, 1));
        assert_eq!(placed.at[3], (15.0, 1));
    }

    #[test]
    fn a_long_edge_runs_through_a_dummy_in_every_layer_between() {
        // 0 -> 1 -> 2 -> 3, and 0 -> 3 across two layers.
        let layer = vec![0, 1, 2, 3];
        let edges = [(0, 1), (1, 2), (2, 3), (0, 3)];
        let split = split(&layer, &edges);
        assert_eq!(split.layer, vec![0, 1, 2, 3, 1, 2]);
        assert_eq!(split.chains[3], vec![0, 4, 5, 3]);
        assert_eq!(split.chains[0], vec![0, 1]);
        assert!(
            split
                .segments
                .iter()
                .all(|&(from, to)| split.layer[to] == split.layer[from] + 1)
        );
        // The dummies take a lane of their own beside the chain.
        let rows = order(&split.layer, &split.segments);
        assert_eq!(rows[1].len(), 2);
        assert_eq!(crossings(&rows, &split.layer, &split.segments), 0);
    }
}
