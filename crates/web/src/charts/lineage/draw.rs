//! The SVG of a bounded, laid-out lineage: a box per record (its kind, identifier, detail and
//! status in text), each a link to the record's page, and edges as paths with arrowheads.
//! Every look comes from classes (`lineage-*`, in the style sheet): the page's
//! Content-Security-Policy forbids style attributes.

use super::aggregate::{Bounded, Group, Shown};
use super::graph::{Graph, Node, grouped};
use super::layout::Grid;
use crate::charts::svg::{escape, num};

/// A box's width and height, and the slot it sits in (the gaps carry the edges).
const BOX_WIDTH: f64 = 216.0;
const BOX_HEIGHT: f64 = 76.0;
pub(super) const COLUMN: f64 = 240.0;
/// The width of a dummy's lane: room for an edge between boxes.
pub(super) const LANE: f64 = 24.0;
const ROW: f64 = 116.0;
const MARGIN: f64 = 12.0;
/// The baselines of a box's four lines, from its top.
const LINES: [f64; 4] = [17.0, 35.0, 52.0, 69.0];
/// How many characters fit on a line of a box at the style sheet's font sizes; a longer
/// text is cut with an ellipsis there and is whole in the table under the picture.
const FIT: usize = 30;

/// What a box says, line by line. A link's accessible name is this visible text (a label of
/// its own would differ from what a person sees, which speech input relies on); the full text
/// of a line cut short is in the table under the picture.
pub(super) struct Said {
    pub(super) lines: [String; 4],
}

/// What the box of `node` says.
fn node_said(node: &Node, start: bool) -> Said {
    let kind = if start {
        format!("{} (start)", node.kind.noun())
    } else {
        node.kind.noun().to_owned()
    };
    Said {
        lines: [
            kind,
            node.name.clone(),
            node.detail.clone(),
            node.status.clone(),
        ],
    }
}

/// What the box of `group` says: how many more, then their counts by status on two lines.
pub(super) fn group_said(group: &Group) -> Said {
    let heading = format!(
        "+ {} more {}",
        grouped(group.count()),
        if group.count() == 1 {
            group.kind.noun().to_lowercase()
        } else {
            group.kind.plural().to_owned()
        }
    );
    let statuses = group.statuses();
    let mut lines = [heading, String::new(), String::new(), String::new()];
    let mut line = 1;
    for part in &statuses {
        let joined = if lines[line].is_empty() {
            part.clone()
        } else {
            format!("{}, {part}", lines[line])
        };
        // A line that breaks ends with a comma, which must fit too.
        if joined.chars().count() >= FIT && !lines[line].is_empty() && line < 3 {
            lines[line].push(',');
            line += 1;
            lines[line] = part.clone();
        } else {
            lines[line] = joined;
        }
    }
    Said { lines }
}

/// The path of an edge through `chain`: from the bottom of its first box, down each dummy's
/// lane, into the top of its last box, each layer's gap crossed by a curve.
fn edge(chain: &[usize], place: &impl Fn(usize) -> (f64, f64)) -> String {
    let Some((&first, rest)) = chain.split_first() else {
        return String::new();
    };
    let (mut x, top) = place(first);
    let mut y = top + BOX_HEIGHT;
    let mut d = format!("M {} {}", num(x), num(y));
    for (index, &next) in rest.iter().enumerate() {
        let (next_x, top) = place(next);
        let next_y = top - 1.0;
        let middle = (y + next_y) / 2.0;
        d.push_str(&format!(
            " C {} {} {} {} {} {}",
            num(x),
            num(middle),
            num(next_x),
            num(middle),
            num(next_x),
            num(next_y)
        ));
        (x, y) = (next_x, next_y);
        if index + 1 < rest.len() {
            // A dummy: straight down its lane, where a box would be.
            y = top + BOX_HEIGHT;
            d.push_str(&format!(" L {} {}", num(x), num(y)));
        }
    }
    format!("<path class=\"lineage-edge\" marker-end=\"url(#lineage-arrow)\" d=\"{d}\"/>\n")
}

/// `text` cut to [`FIT`] characters.
fn fit(text: &str) -> String {
    if text.chars().count() <= FIT {
        text.to_owned()
    } else {
        let kept: String = text.chars().take(FIT - 1).collect();
        format!("{kept}…")
    }
}

/// The SVG document. Each of `chains` is an edge, through the dummy nodes that keep its lane
/// (see [`super::layout::split`]); `more_href` is where the boxes of the rest link to, if a list
/// of them exists.
pub(super) fn svg(
    graph: &Graph,
    bounded: &Bounded,
    grid: &Grid,
    chains: &[Vec<usize>],
    title: &str,
    desc: &str,
    more_href: Option<&str>,
) -> String {
    let width = 2.0 * MARGIN + grid.width.max(COLUMN);
    let height = 2.0 * MARGIN + grid.rows.max(1) as f64 * ROW - (ROW - BOX_HEIGHT);
    // The centre across and the top of node `index`'s slot.
    let place = |index: usize| {
        let (centre, row) = grid.at[index];
        (MARGIN + centre, MARGIN + row as f64 * ROW)
    };
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"lineage\" role=\"group\" \
         aria-labelledby=\"lineage-title\" aria-describedby=\"lineage-desc\" \
         viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\">\n\
         <title id=\"lineage-title\">{}</title>\n<desc id=\"lineage-desc\">{}</desc>\n\
         <defs><marker id=\"lineage-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" \
         markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\">\
         <path class=\"lineage-arrowhead\" d=\"M 0 0 L 10 5 L 0 10 z\"/></marker></defs>\n",
        escape(title),
        escape(desc),
        w = num(width),
        h = num(height),
    );
    out.push_str("<g class=\"lineage-edges\">\n");
    for chain in chains {
        out.push_str(&edge(chain, &place));
    }
    out.push_str("</g>\n");
    for (index, shown) in bounded.boxes.iter().enumerate() {
        let (said, classes, href) = match shown {
            Shown::One(node) => {
                let start = graph.start() == Some(*node);
                let record = &graph.nodes()[*node];
                let mut classes = format!("lineage-node lineage-{}", record.kind.token());
                if start {
                    classes.push_str(" lineage-start");
                }
                (node_said(record, start), classes, record.href.as_deref())
            }
            Shown::More(group) => (
                group_said(group),
                format!("lineage-node lineage-more lineage-{}", group.kind.token()),
                more_href,
            ),
        };
        let (centre, y) = place(index);
        let x = centre - BOX_WIDTH / 2.0;
        if let Some(href) = href {
            out.push_str(&format!("<a href=\"{}\">", escape(href)));
        }
        out.push_str(&format!(
            "<g class=\"{classes}\">\
             <rect class=\"lineage-box\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\"/>",
            num(x),
            num(y),
            num(BOX_WIDTH),
            num(BOX_HEIGHT),
        ));
        let line_classes = [
            "lineage-kind",
            "lineage-name",
            "lineage-detail",
            "lineage-status",
        ];
        for ((text, class), offset) in said.lines.iter().zip(line_classes).zip(LINES) {
            if text.is_empty() {
                continue;
            }
            out.push_str(&format!(
                "<text class=\"{class}\" x=\"{}\" y=\"{}\">{}</text>",
                num(x + 10.0),
                num(y + offset),
                escape(&fit(text)),
            ));
        }
        out.push_str("</g>");
        if href.is_some() {
            out.push_str("</a>");
        }
        out.push('\n');
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::super::aggregate::Group;
    use super::super::graph::Kind;
    use super::{FIT, fit, group_said};

    #[test]
    fn long_texts_are_cut_to_the_box_and_group_counts_wrap() {
        assert_eq!(fit("short"), "short");
        let long = "x".repeat(FIT + 5);
        assert_eq!(fit(&long).chars().count(), FIT);
        assert!(fit(&long).ends_with('…'));
        let group = Group {
            kind: Kind::Unit,
            by_status: BTreeMap::from([
                ("RELEASED".to_owned(), 9_990),
                ("QUARANTINE".to_owned(), 2),
                ("RECALLED".to_owned(), 1_234),
            ]),
            unread: 990_000,
        };
        let said = group_said(&group);
        assert_eq!(said.lines[0], "+ 1,001,226 more units");
        assert_eq!(said.lines[1], "9,990 RELEASED,");
        assert_eq!(said.lines[2], "1,234 RECALLED, 2 QUARANTINE,");
        assert_eq!(said.lines[3], "990,000 not listed");
    }
}
