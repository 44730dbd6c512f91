//! The lineage picture: the records behind and made from a unit, lot, donation, donor or
//! material lot, as a layered DAG drawn in SVG, and the same boxes as rows for a table.
//!
//! [`graph`] holds the records and what was made from what, as a page builds them from the
//! API's answer; [`layout`] is the layered layout (layers, barycentre ordering, grid);
//! [`aggregate`] bounds what is drawn so a facility-wide reagent lot stays readable; [`draw`]
//! writes the SVG. The picture is a group labelled by its title and described in words
//! (`role="group"` rather than `img`: its boxes are links, and an image's content is hidden
//! from assistive technology, links included).

mod aggregate;
mod draw;
mod graph;
mod layout;

use std::collections::BTreeMap;

use aggregate::Shown;
pub(crate) use graph::{Graph, Kind, Node};

/// A box of the picture as the table under it lists it.
pub(crate) struct Row {
    /// The layer, counted from 1 at the top.
    pub(crate) layer: usize,
    pub(crate) kind: String,
    pub(crate) name: String,
    pub(crate) detail: String,
    pub(crate) status: String,
    pub(crate) href: Option<String>,
    /// Whether this is the record the trace starts from.
    pub(crate) start: bool,
}

/// The picture and its table.
pub(crate) struct Picture {
    pub(crate) svg: String,
    pub(crate) rows: Vec<Row>,
    /// Whether some boxes stand for several records.
    pub(crate) bounded: bool,
}

/// The picture of `graph`, the lineage of `about` (such as `unit A999926000001 X`).
/// `unread` counts the records of a kind that the trace reached beyond those the answer
/// listed; `more_href` is where a box of the rest links to, if a list of them exists.
pub(crate) fn picture(
    graph: &Graph,
    unread: &[(Kind, u64)],
    about: &str,
    more_href: Option<&str>,
) -> Picture {
    let layer = layout::layers(graph.nodes().len(), &graph.edges());
    let bounded = aggregate::bound(graph, &layer, unread);
    let split = layout::split(&bounded.layer, &bounded.edges);
    let order = layout::order(&split.layer, &split.segments);
    let widths: Vec<f64> = (0..split.layer.len())
        .map(|index| {
            if index < bounded.boxes.len() {
                draw::COLUMN
            } else {
                draw::LANE
            }
        })
        .collect();
    let grid = layout::grid(&order, &widths);
    let groups = bounded
        .boxes
        .iter()
        .any(|shown| matches!(shown, Shown::More(_)));
    let title = format!("Lineage of {about}");
    let svg = draw::svg(
        graph,
        &bounded,
        &grid,
        &split.chains,
        &title,
        &description(graph, unread, groups),
        more_href,
    );
    let rows = order
        .iter()
        .flatten()
        // The rest are dummies, which carry edges and are not drawn.
        .filter(|&&index| index < bounded.boxes.len())
        .map(|&index| {
            row(
                graph,
                &bounded.boxes[index],
                bounded.layer[index],
                more_href,
            )
        })
        .collect();
    Picture {
        svg,
        rows,
        bounded: groups,
    }
}

/// The picture in words: which way it reads, how many records of each kind, and how the rest
/// are counted.
fn description(graph: &Graph, unread: &[(Kind, u64)], groups: bool) -> String {
    let mut counts: BTreeMap<Kind, u64> = BTreeMap::new();
    for node in graph.nodes() {
        *counts.entry(node.kind).or_default() += 1;
    }
    for &(kind, count) in unread {
        *counts.entry(kind).or_default() += count;
    }
    let counted: Vec<String> = Kind::ALL
        .iter()
        .filter_map(|kind| counts.get(kind).map(|count| kind.counted(*count)))
        .collect();
    let mut text = format!(
        "Read from top to bottom, each arrow from what went in to what was made of it: {}.",
        crate::charts::svg::words(&counted)
    );
    if groups {
        text.push_str(&format!(
            " Beyond {} records of one kind in one layer, the rest are one box with their \
             count by status.",
            aggregate::BOUND
        ));
    }
    text.push_str(
        " Each box names its record and its status; the table below lists the same boxes.",
    );
    text
}

fn row(graph: &Graph, shown: &Shown, layer: usize, more_href: Option<&str>) -> Row {
    match shown {
        Shown::One(index) => {
            let node = &graph.nodes()[*index];
            Row {
                layer: layer + 1,
                kind: node.kind.noun().to_owned(),
                name: node.name.clone(),
                detail: node.detail.clone(),
                status: node.status.clone(),
                href: node.href.clone(),
                start: graph.start() == Some(*index),
            }
        }
        Shown::More(group) => Row {
            layer: layer + 1,
            kind: group.kind.noun().to_owned(),
            name: draw::group_said(group).lines[0].clone(),
            detail: String::new(),
            status: group.statuses().join(", "),
            href: more_href.map(str::to_owned),
            start: false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::graph::tests::node;
    use super::{Graph, Kind, aggregate::BOUND, picture};

    /// A facility-wide reagent lot: one material lot used by the first step of every one of
    /// `lines` production lines (cord tissue -> culture -> drug product), each product lot
    /// filled with `fill` units, every 100th unit in QUARANTINE.
    fn reagent_everywhere(lines: usize, fill: usize) -> Graph {
        let mut graph = Graph::default();
        graph.add_start(node(Kind::MaterialLot, "m", "RELEASED"));
        for line in 0..lines {
            let tissue = format!("t{line}");
            let culture = format!("c{line}");
            let product = format!("p{line}");
            for id in [&tissue, &culture, &product] {
                graph.add(node(Kind::Lot, id, "RELEASED"));
            }
            graph.link((Kind::MaterialLot, "m"), (Kind::Lot, &tissue));
            graph.link((Kind::Lot, &tissue), (Kind::Lot, &culture));
            graph.link((Kind::Lot, &culture), (Kind::Lot, &product));
            for bag in 0..fill {
                let unit = format!("u{line}-{bag}");
                let status = if (line * fill + bag).is_multiple_of(100) {
                    "QUARANTINE"
                } else {
                    "RELEASED"
                };
                graph.add(node(Kind::Unit, &unit, status));
                graph.link((Kind::Lot, &product), (Kind::Unit, &unit));
            }
        }
        graph
    }

    #[test]
    fn a_reagent_lot_in_every_lot_draws_a_bounded_picture_with_the_right_counts() {
        // 1,000 lines: 3,000 lots and 4,000 units listed, 990,000 more units counted only.
        let graph = reagent_everywhere(1_000, 4);
        assert_eq!(graph.nodes().len(), 1 + 3_000 + 4_000);
        let drawn = picture(&graph, &[(Kind::Unit, 990_000)], "material lot M", None);
        let boxes = drawn.svg.matches("<rect class=\"lineage-box\"").count();
        // The material lot; three layers of lots and one of units, each at most BOUND + 1.
        assert!(boxes <= 1 + 4 * (BOUND + 1), "{boxes} boxes");
        assert_eq!(boxes, drawn.rows.len());
        assert!(drawn.bounded);
        let more: Vec<(&str, &str)> = drawn
            .rows
            .iter()
            .filter(|row| row.name.starts_with("+ "))
            .map(|row| (row.name.as_str(), row.status.as_str()))
            .collect();
        assert_eq!(
            more,
            vec![
                ("+ 988 more lots", "988 RELEASED"),
                ("+ 988 more lots", "988 RELEASED"),
                ("+ 988 more lots", "988 RELEASED"),
                // 4,000 listed less the 12 drawn, and the 990,000 counted; every 100th
                // listed unit is in QUARANTINE and the first drawn is one of them.
                (
                    "+ 993,988 more units",
                    "3,949 RELEASED, 39 QUARANTINE, 990,000 not listed"
                ),
            ]
        );
        assert!(drawn.svg.contains("+ 993,988 more units"));
        let desc = drawn
            .svg
            .lines()
            .find(|line| line.starts_with("<desc"))
            .unwrap_or_default();
        assert!(
            desc.contains("1 material lot, 3,000 lots and 994,000 units"),
            "{desc}"
        );
        // Every edge has an arrowhead, and no box is drawn twice.
        let edges = drawn
            .svg
            .matches("marker-end=\"url(#lineage-arrow)\"")
            .count();
        assert!(edges > 0 && edges <= boxes * boxes);
        assert!(drawn.svg.starts_with("<svg ") && drawn.svg.ends_with("</svg>\n"));
        assert!(!drawn.svg.contains("style"));
    }

    #[test]
    fn a_unit_s_lineage_is_drawn_whole_from_donor_to_unit_with_links_and_statuses() {
        let mut graph = Graph::default();
        let linked = |kind: Kind, id: &str, status: &str, href: &str| {
            let mut record = node(kind, id, status);
            record.href = Some(href.to_owned());
            record
        };
        let donor = linked(Kind::Donor, "d", "ELIGIBLE", "/lineage/donor/d");
        let donation = linked(Kind::Donation, "n", "RECEIVED", "/lineage/donation/n");
        let step = linked(Kind::Step, "s", "ENDED", "/custody/step/s");
        let material = linked(
            Kind::MaterialLot,
            "m",
            "RELEASED",
            "/lineage/material_lot/m",
        );
        let lot = linked(Kind::Lot, "l", "RELEASED", "/lots/l");
        let unit = linked(Kind::Unit, "u", "RELEASED", "/units/u");
        graph.add_start(unit);
        for record in [donor, donation, step, material, lot] {
            graph.add(record);
        }
        graph.link((Kind::Donor, "d"), (Kind::Donation, "n"));
        graph.link((Kind::Donation, "n"), (Kind::Step, "s"));
        graph.link((Kind::MaterialLot, "m"), (Kind::Step, "s"));
        graph.link((Kind::Step, "s"), (Kind::Lot, "l"));
        graph.link((Kind::Lot, "l"), (Kind::Unit, "u"));
        let drawn = picture(&graph, &[], "unit U", None);
        let layers: Vec<(usize, &str)> = drawn
            .rows
            .iter()
            .map(|row| (row.layer, row.kind.as_str()))
            .collect();
        assert_eq!(
            layers,
            vec![
                (1, "Donor"),
                (2, "Donation"),
                (2, "Material lot"),
                (3, "Step"),
                (4, "Lot"),
                (5, "Unit")
            ]
        );
        for href in ["/lineage/donor/d", "/custody/step/s", "/lots/l", "/units/u"] {
            assert!(drawn.svg.contains(&format!("<a href=\"{href}\"")), "{href}");
        }
        assert!(drawn.svg.contains(">Unit (start)</text>"));
        assert!(drawn.svg.contains(">ELIGIBLE</text>"));
        assert!(drawn.rows.iter().any(|row| row.start && row.kind == "Unit"));
        assert!(!drawn.bounded);
        assert_eq!(drawn.svg.matches("<path class=\"lineage-edge\"").count(), 5);
    }
}
