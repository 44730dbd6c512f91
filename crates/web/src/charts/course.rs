//! A patient's course over time: one measure as a line with markers, the infusions as dashed
//! vertical lines with labels.

use chrono::NaiveDate;

use super::axis::{DateScale, ValueAxis, YScale, iso};
use super::svg::{BLUE, BROWN, GRID, NORMAL, SMALL, Svg, TEXT, num, words};

/// A measure followed over a patient's course, as the chart names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Measure {
    /// The measure's name, as clinicians write it.
    name: &'static str,
    /// The unit of its values.
    unit: &'static str,
}

impl Measure {
    /// SLEDAI-2K, the lupus disease activity index.
    pub(crate) const SLEDAI_2K: Self = Self {
        name: "SLEDAI-2K",
        unit: "score",
    };
    /// 24-hour urine protein.
    pub(crate) const PROTEINURIA: Self = Self {
        name: "Proteinuria",
        unit: "g/day",
    };
    /// The daily glucocorticoid dose as prednisone equivalent.
    pub(crate) const PREDNISONE: Self = Self {
        name: "Prednisone equivalent",
        unit: "mg/day",
    };
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 56.0;
/// Room for half of the last date's label, which is centred on the plot's right edge.
const RIGHT: f64 = WIDTH - 40.0;
/// Room above the plot for the axis title and two rows of infusion labels.
const TOP: f64 = 52.0;
const BOTTOM: f64 = HEIGHT - 48.0;

/// The course of `measure` over `points` (date, value; in any order) with the `infusions`
/// marked, as an SVG document whose element ids start with `id_prefix`.
///
/// The value axis runs from zero (the measures are never negative) to a round value above the
/// highest; the date axis covers the values and the infusions. Values that are not finite are
/// left out. With no values the frame, the infusions and "No values recorded" are drawn.
pub(crate) fn course(
    id_prefix: &str,
    measure: &Measure,
    points: &[(NaiveDate, f64)],
    infusions: &[NaiveDate],
) -> String {
    let mut points: Vec<(NaiveDate, f64)> = points
        .iter()
        .copied()
        .filter(|(_, value)| value.is_finite())
        .collect();
    // A stable sort: values of one day stay in the order they came.
    points.sort_by_key(|(date, _)| *date);
    let mut infusions = infusions.to_vec();
    infusions.sort();
    infusions.dedup();

    let max = points.iter().map(|(_, value)| *value).fold(0.0, f64::max);
    let min = points.iter().map(|(_, value)| *value).fold(0.0, f64::min);
    let y_scale = YScale {
        axis: ValueAxis::covering(min, max, false),
        top: TOP,
        bottom: BOTTOM,
    };
    let x_scale = DateScale::covering(
        points
            .iter()
            .map(|(date, _)| *date)
            .chain(infusions.iter().copied()),
        LEFT,
        RIGHT,
    );

    let title = format!("{} over time", measure.name);
    let mut svg = Svg::open(
        id_prefix,
        WIDTH,
        HEIGHT,
        &title,
        &describe(measure, &points, &infusions),
    );
    value_axis(&mut svg, measure, &y_scale);
    if let Some(x_scale) = &x_scale {
        date_axis(&mut svg, x_scale);
        infusion_marks(&mut svg, x_scale, &infusions);
        if !points.is_empty() {
            line(&mut svg, measure, x_scale, &y_scale, &points);
        }
    }
    if points.is_empty() {
        // A white panel behind the notice keeps it readable over an infusion line.
        svg.empty(
            "rect",
            &[
                ("x", &num((LEFT + RIGHT) / 2.0 - 70.0)),
                ("y", &num((TOP + BOTTOM) / 2.0 - 15.0)),
                ("width", "140"),
                ("height", "22"),
                ("fill", "#ffffff"),
            ],
        );
        svg.text_with(
            &[
                ("class", "chart-empty"),
                ("x", &num((LEFT + RIGHT) / 2.0)),
                ("y", &num((TOP + BOTTOM) / 2.0)),
                ("text-anchor", "middle"),
                ("font-size", NORMAL),
                ("fill", TEXT),
            ],
            "No values recorded",
        );
    }
    svg.finish()
}

/// The chart in words, for the `<desc>`.
fn describe(measure: &Measure, points: &[(NaiveDate, f64)], infusions: &[NaiveDate]) -> String {
    let Measure { name, unit } = measure;
    let values = match points {
        [] => format!("{name}: no values recorded"),
        [(date, value)] => format!(
            "{name} in {unit}: one value, {} on {}",
            num(*value),
            iso(*date)
        ),
        [(first_date, first), .., (last_date, last)] => {
            let (highest_date, highest) =
                points.iter().fold((*first_date, *first), |best, point| {
                    if point.1 > best.1 { *point } else { best }
                });
            format!(
                "{name} in {unit} from {} on {} to {} on {} ({} values, highest {} on {})",
                num(*first),
                iso(*first_date),
                num(*last),
                iso(*last_date),
                points.len(),
                num(highest),
                iso(highest_date),
            )
        }
    };
    let dates: Vec<String> = infusions.iter().map(|date| iso(*date)).collect();
    let infusions = match dates.len() {
        0 => "no infusions".to_owned(),
        1 => format!("1 infusion on {}", dates[0]),
        n => format!("{n} infusions on {}", words(&dates)),
    };
    format!("{values}; {infusions}.")
}

/// The value axis: grid lines and labels at every tick, the axis line, and the axis title.
fn value_axis(svg: &mut Svg, measure: &Measure, y_scale: &YScale) {
    for tick in y_scale.axis.ticks() {
        let y = num(y_scale.y(tick));
        svg.empty(
            "line",
            &[
                ("class", "chart-grid"),
                ("x1", &num(LEFT)),
                ("y1", &y),
                ("x2", &num(RIGHT)),
                ("y2", &y),
                ("stroke", GRID),
                ("stroke-width", "1"),
            ],
        );
        svg.text(LEFT - 6.0, y_scale.y(tick) + 4.0, "end", &num(tick));
    }
    axis_line(svg, LEFT, TOP, LEFT, BOTTOM);
    svg.text_with(
        &[
            ("class", "chart-axis-title"),
            ("x", "8"),
            ("y", "18"),
            ("text-anchor", "start"),
            ("font-size", NORMAL),
            ("fill", TEXT),
        ],
        &format!("{} ({})", measure.name, measure.unit),
    );
}

/// The date axis: the axis line, a tick and a label at every date tick, and the axis title.
fn date_axis(svg: &mut Svg, x_scale: &DateScale) {
    axis_line(svg, LEFT, BOTTOM, RIGHT, BOTTOM);
    for (date, label) in x_scale.ticks() {
        let x = x_scale.x(date);
        axis_line(svg, x, BOTTOM, x, BOTTOM + 4.0);
        svg.text(x, BOTTOM + 16.0, "middle", &label);
    }
    svg.text_with(
        &[
            ("class", "chart-axis-title"),
            ("x", &num((LEFT + RIGHT) / 2.0)),
            ("y", &num(BOTTOM + 38.0)),
            ("text-anchor", "middle"),
            ("font-size", NORMAL),
            ("fill", TEXT),
        ],
        "Date",
    );
}

fn axis_line(svg: &mut Svg, x1: f64, y1: f64, x2: f64, y2: f64) {
    svg.empty(
        "line",
        &[
            ("class", "chart-axis"),
            ("x1", &num(x1)),
            ("y1", &num(y1)),
            ("x2", &num(x2)),
            ("y2", &num(y2)),
            ("stroke", TEXT),
            ("stroke-width", "1"),
        ],
    );
}

/// A dashed vertical line and a label for every infusion: "infusion" when there is one,
/// "inf. 1", "inf. 2"… in date order when there are more. Alternate labels sit on two rows so
/// infusions a few days apart stay readable.
fn infusion_marks(svg: &mut Svg, x_scale: &DateScale, infusions: &[NaiveDate]) {
    for (index, date) in infusions.iter().enumerate() {
        let x = num(x_scale.x(*date));
        let label = if infusions.len() == 1 {
            "infusion".to_owned()
        } else {
            format!("inf. {}", index + 1)
        };
        svg.with_tooltip(
            "line",
            &[
                ("class", "chart-infusion"),
                ("x1", &x),
                ("y1", &num(TOP)),
                ("x2", &x),
                ("y2", &num(BOTTOM)),
                ("stroke", BROWN),
                ("stroke-width", "1.5"),
                ("stroke-dasharray", "6 4"),
            ],
            &format!("{label} on {}", iso(*date)),
        );
        let row = if index % 2 == 0 { 0.0 } else { 12.0 };
        svg.text_with(
            &[
                ("class", "chart-infusion-label"),
                ("x", &x),
                ("y", &num(TOP - 6.0 - row)),
                ("text-anchor", "middle"),
                ("font-size", SMALL),
                ("fill", BROWN),
            ],
            &label,
        );
    }
}

/// The values as a line through round markers, each marker with its date and value as a
/// tooltip. A single value is a marker alone.
fn line(
    svg: &mut Svg,
    measure: &Measure,
    x_scale: &DateScale,
    y_scale: &YScale,
    points: &[(NaiveDate, f64)],
) {
    let coordinates: Vec<(String, String)> = points
        .iter()
        .map(|(date, value)| (num(x_scale.x(*date)), num(y_scale.y(*value))))
        .collect();
    if coordinates.len() > 1 {
        let polyline: Vec<String> = coordinates
            .iter()
            .map(|(x, y)| format!("{x},{y}"))
            .collect();
        svg.empty(
            "polyline",
            &[
                ("class", "chart-line"),
                ("points", &polyline.join(" ")),
                ("fill", "none"),
                ("stroke", BLUE),
                ("stroke-width", "2"),
            ],
        );
    }
    for ((x, y), (date, value)) in coordinates.iter().zip(points) {
        svg.with_tooltip(
            "circle",
            &[
                ("class", "chart-point"),
                ("cx", x),
                ("cy", y),
                ("r", "4"),
                ("fill", BLUE),
                ("stroke", "#ffffff"),
                ("stroke-width", "1"),
            ],
            &format!("{}: {} {}", iso(*date), num(*value), measure.unit),
        );
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::super::check::{assert_safe, attribute, elements};
    use super::{BOTTOM, Measure, TOP, course};

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("a date")
    }

    fn sledai() -> Vec<(NaiveDate, f64)> {
        vec![
            (day("2026-07-02"), 4.0),
            (day("2026-01-05"), 12.0),
            (day("2026-02-01"), 14.0),
            (day("2026-04-01"), 8.0),
        ]
    }

    #[test]
    fn a_course_is_described_in_words_and_drawn_with_markers() {
        let svg = course("c1", &Measure::SLEDAI_2K, &sledai(), &[day("2026-01-10")]);
        assert_safe(&svg);
        assert!(
            svg.contains(r#"aria-labelledby="c1-title c1-desc""#),
            "{svg}"
        );
        assert!(svg.contains(r#"<title id="c1-title">SLEDAI-2K over time</title>"#));
        assert!(svg.contains(
            "<desc id=\"c1-desc\">SLEDAI-2K in score from 12 on 2026-01-05 to 4 on 2026-07-02 \
             (4 values, highest 14 on 2026-02-01); 1 infusion on 2026-01-10.</desc>"
        ));
        assert_eq!(elements(&svg, "circle").len(), 4);
        assert_eq!(elements(&svg, "polyline").len(), 1);
        assert!(svg.contains(">2026-01-05</text>") && svg.contains(">2026-07-02</text>"));
        assert!(svg.contains(">SLEDAI-2K (score)</text>"));
        assert!(svg.contains("<title>2026-02-01: 14 score</title>"));
    }

    #[test]
    fn infusions_are_dashed_lines_with_text_labels() {
        let one = course("c", &Measure::SLEDAI_2K, &sledai(), &[day("2026-01-10")]);
        let lines = elements(&one, "line");
        let infusion: Vec<&String> = lines
            .iter()
            .filter(|line| attribute(line, "class").as_deref() == Some("chart-infusion"))
            .collect();
        assert_eq!(infusion.len(), 1, "{one}");
        assert_eq!(
            attribute(infusion[0], "stroke-dasharray").as_deref(),
            Some("6 4")
        );
        assert!(one.contains(">infusion</text>"), "{one}");
        assert!(one.contains("<title>infusion on 2026-01-10</title>"));

        // The x range covers infusions outside the values: the later one is at the right edge.
        let two = course(
            "c",
            &Measure::SLEDAI_2K,
            &sledai(),
            &[day("2026-09-01"), day("2026-01-10")],
        );
        assert!(two.contains(">inf. 1</text>") && two.contains(">inf. 2</text>"));
        assert!(two.contains(">2026-09-01</text>"), "{two}");
        assert!(two.contains("2 infusions on 2026-01-10 and 2026-09-01."));
    }

    #[test]
    fn the_value_axis_covers_the_highest_value() {
        for (measure, highest) in [
            (Measure::SLEDAI_2K, 14.0),
            (Measure::PROTEINURIA, 3.7),
            (Measure::PROTEINURIA, 0.45),
            (Measure::PREDNISONE, 60.0),
        ] {
            let points = [
                (day("2026-01-05"), highest / 2.0),
                (day("2026-03-05"), highest),
            ];
            let svg = course("c", &measure, &points, &[]);
            assert_safe(&svg);
            let marker_rows: Vec<f64> = elements(&svg, "circle")
                .iter()
                .map(|circle| {
                    attribute(circle, "cy")
                        .expect("cy")
                        .parse()
                        .expect("a number")
                })
                .collect();
            assert!(
                marker_rows.iter().all(|&y| (TOP..=BOTTOM).contains(&y)),
                "{marker_rows:?}"
            );
            // The highest tick label is at least the highest value.
            let highest_tick = elements(&svg, "text")
                .iter()
                .filter(|text| attribute(text, "text-anchor").as_deref() == Some("end"))
                .filter_map(|text| {
                    text.split('>')
                        .nth(1)?
                        .split('<')
                        .next()?
                        .parse::<f64>()
                        .ok()
                })
                .fold(0.0, f64::max);
            assert!(highest_tick >= highest, "{highest_tick} < {highest}");
        }
    }

    #[test]
    fn empty_single_and_flat_courses_render_without_nan() {
        let empty = course("c", &Measure::PROTEINURIA, &[], &[day("2026-01-10")]);
        assert_safe(&empty);
        assert!(empty.contains(">No values recorded</text>"));
        assert!(empty.contains("Proteinuria: no values recorded; 1 infusion on 2026-01-10."));
        assert!(empty.contains(">infusion</text>"));

        let nothing = course("c", &Measure::PROTEINURIA, &[], &[]);
        assert_safe(&nothing);
        assert!(nothing.contains("no values recorded; no infusions."));

        let single = course("c", &Measure::PREDNISONE, &[(day("2026-01-05"), 30.0)], &[]);
        assert_safe(&single);
        assert_eq!(elements(&single, "circle").len(), 1);
        assert!(single.contains("one value, 30 on 2026-01-05"));

        let flat = [(day("2026-01-05"), 0.0), (day("2026-02-05"), 0.0)];
        let flat = course("c", &Measure::PROTEINURIA, &flat, &[]);
        assert_safe(&flat);
        assert!(
            flat.contains(">1</text>"),
            "a flat zero course gets an axis to 1: {flat}"
        );

        let broken = [
            (day("2026-01-05"), f64::NAN),
            (day("2026-02-05"), f64::INFINITY),
        ];
        let broken = course("c", &Measure::PROTEINURIA, &broken, &[]);
        assert_safe(&broken);
        assert!(broken.contains(">No values recorded</text>"));
    }
}
