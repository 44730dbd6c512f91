//! The print rules of ISBT 128 symbols, checked on the layouts themselves: the X dimension in
//! the standard's range, quiet zones of at least 10 narrow bars kept clear of everything else,
//! every symbol inside its quadrant and every element on the label.

use super::fixture::{bag, vial};
use crate::layout::{self, Element, Layout, quiet_zone_mm};
use crate::text::width_mm;
use crate::{
    DATA_MATRIX_MODULE_MM, DATA_MATRIX_QUIET_ZONE_MODULES, QUIET_ZONE_MODULES, X_DIMENSION_MM,
};

#[test]
fn the_x_dimension_and_quiet_zones_are_within_isbt_128_rules() {
    // Checked as the tests compile: a constant outside the standard's range does not build.
    const {
        assert!(
            X_DIMENSION_MM >= 0.17 && X_DIMENSION_MM <= 0.25,
            "ISBT 128 narrow bar is 0.17-0.25 mm"
        );
        assert!(QUIET_ZONE_MODULES >= 10, "quiet zone at least 10 X");
        assert!(DATA_MATRIX_QUIET_ZONE_MODULES >= 1, "ECC 200 quiet zone");
        assert!(DATA_MATRIX_MODULE_MM >= X_DIMENSION_MM);
    }
    assert!(quiet_zone_mm() >= 10.0 * X_DIMENSION_MM);
    // And on the symbols drawn: every narrow bar is one X wide, within the range.
    for label in [bag(), vial()] {
        let layout = layout::layout(&label).expect("fits");
        for element in &layout.elements {
            if let Element::Bars(bars) = element {
                let narrowest = bars
                    .symbol
                    .bars()
                    .iter()
                    .map(|(_, n_modules)| *n_modules)
                    .min()
                    .expect("a symbol has bars");
                let narrow_mm = narrowest as f64 * X_DIMENSION_MM;
                assert!(
                    (0.17..=0.25).contains(&narrow_mm),
                    "narrow bar of {} is {narrow_mm} mm",
                    bars.symbol.data()
                );
            }
        }
    }
}

/// An axis-aligned box: left, top, right, bottom in mm.
#[derive(Clone, Copy, Debug)]
struct Area(f64, f64, f64, f64);

impl Area {
    fn overlaps(self, other: Area) -> bool {
        self.0 < other.2 && other.0 < self.2 && self.1 < other.3 && other.1 < self.3
    }

    fn inside(self, other: Area) -> bool {
        self.0 >= other.0 && self.1 >= other.1 && self.2 <= other.2 && self.3 <= other.3
    }
}

/// Each element's area, and for symbols the area their quiet zones claim.
fn areas(layout: &Layout) -> Vec<(Area, Option<Area>)> {
    layout
        .elements
        .iter()
        .map(|element| match element {
            Element::Bars(bars) => {
                let width = bars.symbol.n_modules() as f64 * X_DIMENSION_MM;
                let area = Area(bars.x, bars.y, bars.x + width, bars.y + bars.height);
                let quiet = Area(
                    area.0 - quiet_zone_mm(),
                    area.1,
                    area.2 + quiet_zone_mm(),
                    area.3,
                );
                (area, Some(quiet))
            }
            Element::Matrix(matrix) => {
                let side = matrix.symbol.n_modules() as f64 * DATA_MATRIX_MODULE_MM;
                let zone = DATA_MATRIX_QUIET_ZONE_MODULES as f64 * DATA_MATRIX_MODULE_MM;
                let area = Area(matrix.x, matrix.y, matrix.x + side, matrix.y + side);
                let quiet = Area(area.0 - zone, area.1 - zone, area.2 + zone, area.3 + zone);
                (area, Some(quiet))
            }
            Element::Text(text) => {
                let width = width_mm(&text.content, text.size, text.family, text.weight);
                (
                    Area(
                        text.x,
                        text.baseline - text.size * 0.75,
                        text.x + width,
                        text.baseline + text.size * 0.22,
                    ),
                    None,
                )
            }
            Element::Frame(frame) => (
                Area(
                    frame.x,
                    frame.y,
                    frame.x + frame.width,
                    frame.y + frame.height,
                ),
                None,
            ),
        })
        .collect()
}

fn check_clear(layout: &Layout, quadrant_side: f64) {
    let label_area = Area(0.0, 0.0, layout.width_mm, layout.height_mm);
    let areas = areas(layout);
    for (idx, (area, quiet)) in areas.iter().enumerate() {
        assert!(
            area.inside(label_area),
            "element {idx} leaves the label: {area:?}"
        );
        let Some(quiet) = quiet else { continue };
        assert!(
            quiet.inside(label_area),
            "quiet zone {idx} leaves the label: {quiet:?}"
        );
        // The quadrant the symbol starts in holds the symbol and both quiet zones.
        let column = (area.0 / quadrant_side).floor() * quadrant_side;
        assert!(
            quiet.0 >= column && quiet.2 <= column + quadrant_side,
            "symbol {idx} with its quiet zones leaves its {quadrant_side} mm quadrant: {quiet:?}"
        );
        for (other_idx, (other, _)) in areas.iter().enumerate() {
            if other_idx != idx {
                assert!(
                    !quiet.overlaps(*other),
                    "element {other_idx} {other:?} is inside symbol {idx}'s quiet zone {quiet:?}"
                );
            }
        }
    }
}

#[test]
fn the_base_label_keeps_every_quiet_zone_clear() {
    let layout = layout::layout(&bag()).expect("fits");
    assert_eq!((layout.width_mm, layout.height_mm), (100.0, 100.0));
    check_clear(&layout, 50.0);
}

#[test]
fn the_vial_label_keeps_every_quiet_zone_clear() {
    let layout = layout::layout(&vial()).expect("fits");
    assert_eq!((layout.width_mm, layout.height_mm), (50.0, 28.0));
    check_clear(&layout, 50.0);
}

#[test]
fn the_longest_din_structure_fits_a_quadrant_at_the_x_dimension() {
    // The DIN structure is `=`, the FIN's first character, then 14 digits; set C halves the
    // digits, so the symbol is 12 characters of 11 modules plus the 13-module stop.
    let symbol = crate::code128::Code128::encode("=A99992600000168").expect("ASCII");
    let width = symbol.n_modules() as f64 * X_DIMENSION_MM + 2.0 * quiet_zone_mm();
    assert!(width <= 50.0, "{width} mm");
    assert!(width > 40.0, "{width} mm");
}
