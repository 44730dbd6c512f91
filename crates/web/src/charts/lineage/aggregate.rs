//! Bounding the picture: beyond [`BOUND`] nodes of one kind in one layer, the rest of them are
//! drawn as one box that counts them by status, so a facility-wide reagent lot used in every
//! lot draws a few dozen boxes, never a million.

use std::collections::{BTreeMap, BTreeSet};

use super::graph::{Graph, Kind, grouped};

/// At most this many nodes of one kind in one layer are drawn one by one. An ordinary lineage
/// stays under it (a split makes a few lots, a fill a handful of bags or vials, a pool a few
/// donations), so it is drawn whole; twelve boxes side by side still read at their natural size
/// in a picture that scrolls sideways, and the rest are one box with their counts, which is
/// what a person can take in about thousands of lots or units anyway.
pub(crate) const BOUND: usize = 12;

/// The records of one kind in one layer beyond the bound, counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Group {
    pub(crate) kind: Kind,
    /// How many of the records the answer listed are in the box, by status.
    pub(crate) by_status: BTreeMap<String, u64>,
    /// How many more the trace reaches than the answer listed (it lists a page of lots and a
    /// page of units, and counts them all): their status was not read.
    pub(crate) unread: u64,
}

impl Group {
    /// How many records the box stands for.
    pub(crate) fn count(&self) -> u64 {
        self.by_status.values().sum::<u64>() + self.unread
    }

    /// The counts in words, the most frequent status first: `9,990 RELEASED`,
    /// `2 QUARANTINE`, `500 not listed`.
    pub(crate) fn statuses(&self) -> Vec<String> {
        let mut counted: Vec<(&String, &u64)> = self.by_status.iter().collect();
        counted.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let mut parts: Vec<String> = counted
            .into_iter()
            .map(|(status, count)| format!("{} {status}", grouped(*count)))
            .collect();
        if self.unread > 0 {
            parts.push(format!("{} not listed", grouped(self.unread)));
        }
        parts
    }
}

/// One box of the picture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Shown {
    /// A node of the graph, by its index.
    One(usize),
    /// The rest of a kind in a layer.
    More(Group),
}

/// The boxes to draw, the layer of each, and the edges between them (each once).
#[derive(Debug)]
pub(crate) struct Bounded {
    pub(crate) boxes: Vec<Shown>,
    pub(crate) layer: Vec<usize>,
    pub(crate) edges: Vec<(usize, usize)>,
}

/// `graph` with its nodes in `layer`, bounded: in each layer, the first [`BOUND`] nodes of each
/// kind in the graph's order (the starting node always among them) each get a box, and the
/// rest of that kind one box more. `unread` says how many records of a kind the trace reached
/// beyond those listed; they join the box of the rest of that kind in its deepest layer.
/// An edge leads from a box to a box when one of their nodes leads into the other.
pub(crate) fn bound(graph: &Graph, layer: &[usize], unread: &[(Kind, u64)]) -> Bounded {
    let nodes = graph.nodes();
    let mut buckets: BTreeMap<(usize, Kind), Vec<usize>> = BTreeMap::new();
    for (index, node) in nodes.iter().enumerate() {
        buckets
            .entry((layer[index], node.kind))
            .or_default()
            .push(index);
    }
    let mut boxes = Vec::new();
    let mut box_layer = Vec::new();
    let mut box_of = vec![0usize; nodes.len()];
    let mut group_of: BTreeMap<(usize, Kind), usize> = BTreeMap::new();
    for (&(row, kind), members) in &buckets {
        let kept = kept(members, graph.start());
        for &index in members {
            if kept.contains(&index) {
                box_of[index] = boxes.len();
                boxes.push(Shown::One(index));
                box_layer.push(row);
            } else {
                let group = *group_of.entry((row, kind)).or_insert_with(|| {
                    boxes.push(Shown::More(Group {
                        kind,
                        by_status: BTreeMap::new(),
                        unread: 0,
                    }));
                    box_layer.push(row);
                    boxes.len() - 1
                });
                if let Shown::More(counted) = &mut boxes[group] {
                    *counted
                        .by_status
                        .entry(nodes[index].status.clone())
                        .or_default() += 1;
                }
                box_of[index] = group;
            }
        }
    }
    for &(kind, count) in unread.iter().filter(|(_, count)| *count > 0) {
        let deepest = buckets
            .keys()
            .filter(|(_, bucket_kind)| *bucket_kind == kind)
            .map(|(row, _)| *row)
            .max()
            .unwrap_or_else(|| box_layer.iter().max().map_or(0, |row| row + 1));
        let group = *group_of.entry((deepest, kind)).or_insert_with(|| {
            boxes.push(Shown::More(Group {
                kind,
                by_status: BTreeMap::new(),
                unread: 0,
            }));
            box_layer.push(deepest);
            boxes.len() - 1
        });
        if let Shown::More(counted) = &mut boxes[group] {
            counted.unread += count;
        }
    }
    let edges: BTreeSet<(usize, usize)> = graph
        .edges()
        .into_iter()
        .map(|(from, to)| (box_of[from], box_of[to]))
        .filter(|(from, to)| from != to)
        .collect();
    Bounded {
        boxes,
        layer: box_layer,
        edges: edges.into_iter().collect(),
    }
}

/// The members of a bucket drawn one by one: the first [`BOUND`], with the starting node in
/// place of the last of them when it would fall beyond.
fn kept(members: &[usize], start: Option<usize>) -> BTreeSet<usize> {
    let mut kept: BTreeSet<usize> = members.iter().copied().take(BOUND).collect();
    if let Some(start) = start.filter(|start| members.contains(start) && !kept.contains(start)) {
        if let Some(&last) = kept.iter().next_back() {
            kept.remove(&last);
        }
        kept.insert(start);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::super::graph::tests::node;
    use super::super::graph::{Graph, Kind};
    use super::super::layout::layers;
    use super::{BOUND, Shown, bound};

    #[test]
    fn a_small_lineage_is_drawn_whole() {
        let mut graph = Graph::default();
        graph.add_start(node(Kind::Lot, "l", "RELEASED"));
        for unit in 0..BOUND {
            let id = format!("u{unit}");
            graph.add(node(Kind::Unit, &id, "RELEASED"));
            graph.link((Kind::Lot, "l"), (Kind::Unit, &id));
        }
        let layer = layers(graph.nodes().len(), &graph.edges());
        let bounded = bound(&graph, &layer, &[]);
        assert_eq!(bounded.boxes.len(), BOUND + 1);
        assert!(
            bounded
                .boxes
                .iter()
                .all(|shown| matches!(shown, Shown::One(_)))
        );
        assert_eq!(bounded.edges.len(), BOUND);
    }

    #[test]
    fn beyond_the_bound_the_rest_are_one_box_counted_by_status_with_the_start_kept() {
        let mut graph = Graph::default();
        graph.add(node(Kind::Lot, "l", "RELEASED"));
        for unit in 0..20 {
            let id = format!("u{unit}");
            let status = if unit % 5 == 0 {
                "QUARANTINE"
            } else {
                "RELEASED"
            };
            if unit == 19 {
                graph.add_start(node(Kind::Unit, &id, status));
            } else {
                graph.add(node(Kind::Unit, &id, status));
            }
            graph.link((Kind::Lot, "l"), (Kind::Unit, &id));
        }
        let layer = layers(graph.nodes().len(), &graph.edges());
        let bounded = bound(&graph, &layer, &[(Kind::Unit, 100), (Kind::Lot, 0)]);
        // The lot, twelve units, one box for the other eight and the hundred not listed.
        assert_eq!(bounded.boxes.len(), 1 + BOUND + 1);
        assert!(
            bounded.boxes.contains(&Shown::One(20)),
            "the start is drawn"
        );
        let groups: Vec<_> = bounded
            .boxes
            .iter()
            .filter_map(|shown| match shown {
                Shown::More(group) => Some(group),
                Shown::One(_) => None,
            })
            .collect();
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].count(), 108);
        assert_eq!(
            groups[0].statuses(),
            vec!["7 RELEASED", "1 QUARANTINE", "100 not listed"]
        );
        // The lot leads into each unit box and into the group, once each.
        assert_eq!(bounded.edges.len(), BOUND + 1);
    }
}
