//! Charts as SVG text for the server-rendered pages: a patient's course over time
//! ([`course::course`]) and the bars of the outcome summary ([`bars::change_bars`],
//! [`bars::grade_bars`]).
//!
//! The SVG is written here rather than by a chart crate: the charts are a handful of lines
//! and bars whose scale and tick arithmetic fits in [`axis`], and they must meet rules that a
//! general chart library would have to be bent to. The page's Content-Security-Policy
//! (`style-src 'self'`, `script-src 'self'`) forbids `style` attributes, `<style>` elements,
//! script and references elsewhere, so every look comes from presentation attributes (`fill`,
//! `stroke`, `stroke-dasharray`, `font-size`, `text-anchor`) and the charts look right without
//! any style sheet. They must be accessible: the root has `role="img"` and is labelled by its
//! `<title>` and a `<desc>` that says the data in words; nothing is told by colour alone
//! (infusions are dashed lines with a text label, values have markers, every bar has its
//! number and caption as text); every colour has at least 4.5:1 contrast on white. Every text
//! from data is escaped, numbers have at most two decimals, and no `NaN` or `inf` is ever
//! written. The output is deterministic, one element a line.
//!
//! Element ids start with the caller's prefix (reduced to letters, digits, `-` and `_`), so
//! several charts can share a page. Elements also carry these classes, which the style sheet
//! may use but need not: `chart-axis`, `chart-axis-title`, `chart-grid`, `chart-zero`,
//! `chart-line`, `chart-point`, `chart-infusion`, `chart-infusion-label`, `chart-bar`,
//! `chart-value`, `chart-na`, `chart-group-label`, `chart-empty`.
//!
//! The entry points live in [`course`] (`course::course`, `course::Measure`) and [`bars`]
//! (`bars::change_bars`, `bars::grade_bars` and their group types).

mod axis;
pub(crate) mod bars;
#[cfg(test)]
mod check;
pub(crate) mod course;
pub(crate) mod lineage;
mod svg;
