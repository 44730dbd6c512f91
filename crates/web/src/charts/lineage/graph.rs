//! The lineage graph as a page builds it from the API's answer: records of six kinds, each
//! with the identifier and the status a person reads, and edges from what went in to what was
//! made of it.

use std::collections::{BTreeSet, HashMap};

/// What a node stands for. The order is the order of the table under the picture within a
/// layer, and of the counts in the picture's description.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Kind {
    Donor,
    Donation,
    MaterialLot,
    Step,
    Lot,
    Unit,
}

impl Kind {
    /// Every kind, in order.
    pub(crate) const ALL: [Kind; 6] = [
        Kind::Donor,
        Kind::Donation,
        Kind::MaterialLot,
        Kind::Step,
        Kind::Lot,
        Kind::Unit,
    ];

    /// The noun a box starts with.
    pub(crate) fn noun(self) -> &'static str {
        match self {
            Kind::Donor => "Donor",
            Kind::Donation => "Donation",
            Kind::MaterialLot => "Material lot",
            Kind::Step => "Step",
            Kind::Lot => "Lot",
            Kind::Unit => "Unit",
        }
    }

    /// The noun for several, in running text.
    pub(crate) fn plural(self) -> &'static str {
        match self {
            Kind::Donor => "donors",
            Kind::Donation => "donations",
            Kind::MaterialLot => "material lots",
            Kind::Step => "steps",
            Kind::Lot => "lots",
            Kind::Unit => "units",
        }
    }

    /// The noun for one or several, in running text.
    pub(crate) fn counted(self, count: u64) -> String {
        if count == 1 {
            format!("1 {}", self.noun().to_lowercase())
        } else {
            format!("{} {}", grouped(count), self.plural())
        }
    }

    /// The token of the box's class (`lineage-lot`, …).
    pub(crate) fn token(self) -> &'static str {
        match self {
            Kind::Donor => "donor",
            Kind::Donation => "donation",
            Kind::MaterialLot => "material-lot",
            Kind::Step => "step",
            Kind::Lot => "lot",
            Kind::Unit => "unit",
        }
    }
}

/// `count` with thousands separated by commas, as people read large counts (`9,988`).
pub(crate) fn grouped(count: u64) -> String {
    let digits = count.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// One record of the trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Node {
    pub(crate) kind: Kind,
    /// The API's id: a node is one record, whichever answer named it.
    pub(crate) id: String,
    /// The identifier a person reads: a lot code, a DIN with its check character, a donor key,
    /// a material.
    pub(crate) name: String,
    /// What else tells it apart: the kind of lot, the product code, the supplier's lot.
    pub(crate) detail: String,
    /// Its status in words (`RELEASED`, `QUARANTINE`, `ELIGIBLE`, …).
    pub(crate) status: String,
    /// Its page, where it has one.
    pub(crate) href: Option<String>,
}

/// The records of a trace and what was made from what. Nodes keep the order they were added
/// in (the API's order), which is where the layout starts from.
#[derive(Debug, Default)]
pub(crate) struct Graph {
    nodes: Vec<Node>,
    index: HashMap<(Kind, String), usize>,
    edges: BTreeSet<(usize, usize)>,
    start: Option<usize>,
}

impl Graph {
    /// Adds `node` unless a node of its kind and id is there already (upstream and downstream
    /// both list the starting lot): the first answer wins. Returns the node's index.
    pub(crate) fn add(&mut self, node: Node) -> usize {
        let key = (node.kind, node.id.clone());
        if let Some(&index) = self.index.get(&key) {
            return index;
        }
        self.nodes.push(node);
        let index = self.nodes.len() - 1;
        self.index.insert(key, index);
        index
    }

    /// Adds `node` as the record the trace starts from.
    pub(crate) fn add_start(&mut self, node: Node) -> usize {
        let index = self.add(node);
        self.start = Some(index);
        index
    }

    /// The index of the node of `kind` and `id`, if the answer included it.
    pub(crate) fn find(&self, kind: Kind, id: &str) -> Option<usize> {
        self.index.get(&(kind, id.to_owned())).copied()
    }

    /// An edge from `from` into `to` (what went in, what came out), when both are in the graph.
    /// An end the answer did not include is beyond the trace (a sibling branch), so the edge is
    /// left out; so is an edge from a node to itself. Returns whether the edge is there.
    pub(crate) fn link(&mut self, from: (Kind, &str), to: (Kind, &str)) -> bool {
        match (self.find(from.0, from.1), self.find(to.0, to.1)) {
            (Some(from), Some(to)) if from != to => {
                self.edges.insert((from, to));
                true
            }
            _ => false,
        }
    }

    /// Whether anything in the graph leads into node `index`.
    pub(crate) fn has_inputs(&self, index: usize) -> bool {
        self.edges.iter().any(|&(_, to)| to == index)
    }

    pub(crate) fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The edges, each once, in a fixed order.
    pub(crate) fn edges(&self) -> Vec<(usize, usize)> {
        self.edges.iter().copied().collect()
    }

    /// The node the trace starts from.
    pub(crate) fn start(&self) -> Option<usize> {
        self.start
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::{Graph, Kind, Node, grouped};

    /// A node of `kind` and `id` with `status`, named after its id.
    pub(in super::super) fn node(kind: Kind, id: &str, status: &str) -> Node {
        Node {
            kind,
            id: id.to_owned(),
            name: id.to_uppercase(),
            detail: String::new(),
            status: status.to_owned(),
            href: None,
        }
    }

    #[test]
    fn a_record_named_twice_is_one_node_and_edges_need_both_ends() {
        let mut graph = Graph::default();
        let lot = graph.add_start(node(Kind::Lot, "l1", "RELEASED"));
        assert_eq!(graph.add(node(Kind::Lot, "l1", "QUARANTINE")), lot);
        assert_eq!(
            graph.nodes()[lot].status,
            "RELEASED",
            "the first answer wins"
        );
        graph.add(node(Kind::Unit, "u1", "RELEASED"));
        // Same id, another kind: another record.
        graph.add(node(Kind::Unit, "l1", "RELEASED"));
        assert_eq!(graph.nodes().len(), 3);
        assert!(graph.link((Kind::Lot, "l1"), (Kind::Unit, "u1")));
        assert!(graph.link((Kind::Lot, "l1"), (Kind::Unit, "u1")));
        assert!(!graph.link((Kind::Lot, "l1"), (Kind::Unit, "beyond")));
        assert!(!graph.link((Kind::Lot, "l1"), (Kind::Lot, "l1")));
        assert_eq!(graph.edges(), vec![(0, 1)]);
        assert!(graph.has_inputs(1) && !graph.has_inputs(0));
        assert_eq!(graph.start(), Some(0));
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(9_988), "9,988");
        assert_eq!(grouped(1_000_000), "1,000,000");
        assert_eq!(Kind::Unit.counted(1), "1 unit");
        assert_eq!(Kind::MaterialLot.counted(2_500), "2,500 material lots");
    }
}
