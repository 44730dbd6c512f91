//! The bar charts of the outcome summary: mean changes from baseline, and adverse events by
//! grade. Both are groups of labelled bars over a value axis with a zero line.

use super::axis::{ValueAxis, YScale};
use super::svg::{BLUE, BROWN, GRID, NORMAL, PURPLE, SMALL, Svg, TEXT, num, signed};

/// The follow-up time points of a [`ChangeGroup`], as written under their bars.
const TIME_POINTS: [&str; 3] = ["3 mo", "6 mo", "12 mo"];

/// One group of the outcome summary (a dose, a lot, a donor) with its mean change from
/// baseline in one measure.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ChangeGroup {
    /// What the group is, as printed under its bars: `1000000 cells/kg`, a lot code, a donor key.
    pub(crate) label: String,
    /// The mean change at 3, 6 and 12 months; `None` when no patient of the group has both a
    /// baseline and a value then.
    pub(crate) mean_change: [Option<f64>; 3],
}

/// One group of the outcome summary with its adverse events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct GradeGroup {
    /// What the group is, as printed under its bars.
    pub(crate) label: String,
    /// The number of adverse events of CTCAE grade 1 to 5 (index 0 is grade 1).
    pub(crate) by_grade: [u32; 5],
    /// The number of serious adverse events, whatever their grade.
    pub(crate) serious: u32,
}

/// The mean change from baseline of every group at 3, 6 and 12 months, in `unit`, as an SVG
/// document titled `title` whose element ids start with `id_prefix`.
///
/// Changes go up or down from a zero line; each bar has its time point written under it and
/// its signed value at its end. A time point without a value is drawn as "n/a".
pub(crate) fn change_bars(
    id_prefix: &str,
    title: &str,
    unit: &str,
    groups: &[ChangeGroup],
) -> String {
    let colours = [BLUE, BROWN, PURPLE];
    let columns: Vec<Column> = groups
        .iter()
        .map(|group| Column {
            label: &group.label,
            bars: (0..TIME_POINTS.len())
                .map(|index| {
                    let value = group.mean_change[index].filter(|value| value.is_finite());
                    Bar {
                        caption: TIME_POINTS[index],
                        value,
                        printed: value.map_or_else(|| "n/a".to_owned(), signed),
                        fill: colours[index],
                    }
                })
                .collect(),
        })
        .collect();
    let desc = describe(
        &format!("{title}: mean change from baseline in {unit}"),
        &columns,
    );
    Chart {
        id_prefix,
        title,
        desc: &desc,
        axis_title: &format!("Mean change from baseline ({unit})"),
        legend: None,
        whole: false,
        bar_width: 32.0,
        columns: &columns,
    }
    .render()
}

/// The adverse events of every group by CTCAE grade, and its serious adverse events, as an SVG
/// document titled `title` whose element ids start with `id_prefix`.
///
/// Each group has six bars, `G1` to `G5` and `SAE`, each with its count written above it; a
/// text legend says what the captions mean.
pub(crate) fn grade_bars(id_prefix: &str, title: &str, groups: &[GradeGroup]) -> String {
    const CAPTIONS: [&str; 5] = ["G1", "G2", "G3", "G4", "G5"];
    let count_bar = |caption: &'static str, count: u32, fill: &'static str| Bar {
        caption,
        value: Some(f64::from(count)),
        printed: count.to_string(),
        fill,
    };
    let columns: Vec<Column> = groups
        .iter()
        .map(|group| Column {
            label: &group.label,
            bars: CAPTIONS
                .into_iter()
                .zip(group.by_grade)
                .map(|(caption, count)| count_bar(caption, count, BLUE))
                .chain([count_bar("SAE", group.serious, BROWN)])
                .collect(),
        })
        .collect();
    let desc = describe(
        &format!(
            "{title}: adverse events by CTCAE grade (G1 to G5) and serious adverse events (SAE)"
        ),
        &columns,
    );
    Chart {
        id_prefix,
        title,
        desc: &desc,
        axis_title: "Adverse events (count)",
        legend: Some("G1–G5: CTCAE grade 1 to 5 · SAE: serious adverse events"),
        whole: true,
        bar_width: 20.0,
        columns: &columns,
    }
    .render()
}

/// The chart in words, for the `<desc>`: the heading, then every group with its bars.
fn describe(heading: &str, columns: &[Column]) -> String {
    if columns.is_empty() {
        return format!("{heading}. No groups recorded.");
    }
    let mut desc = format!("{heading}.");
    for column in columns {
        let bars: Vec<String> = column
            .bars
            .iter()
            .map(|bar| format!("{} {}", bar.caption, bar.printed))
            .collect();
        desc.push_str(&format!(" {}: {}.", column.label, bars.join(", ")));
    }
    desc
}

/// One bar as drawn.
struct Bar {
    /// Written under the bar.
    caption: &'static str,
    /// The bar's value; `None` draws no bar, only [`Bar::printed`].
    value: Option<f64>,
    /// Written at the bar's end.
    printed: String,
    fill: &'static str,
}

/// The bars of one group, side by side.
struct Column<'a> {
    label: &'a str,
    bars: Vec<Bar>,
}

/// A bar chart to render.
struct Chart<'a> {
    id_prefix: &'a str,
    title: &'a str,
    desc: &'a str,
    axis_title: &'a str,
    /// A line of text under the axis title saying what the captions mean.
    legend: Option<&'a str>,
    /// Whether the values are counts, so the ticks are whole numbers.
    whole: bool,
    bar_width: f64,
    columns: &'a [Column<'a>],
}

const LEFT: f64 = 56.0;
const RIGHT_MARGIN: f64 = 16.0;
/// Room above the plot for the axis title, the legend and the value of the highest bar.
const TOP: f64 = 52.0;
const BOTTOM: f64 = TOP + 180.0;
/// Below the plot: room for the value under the lowest (negative) bar, then the bar captions,
/// then the group labels.
const CAPTION_Y: f64 = BOTTOM + 28.0;
const LABEL_Y: f64 = BOTTOM + 44.0;
const HEIGHT: f64 = BOTTOM + 56.0;
const BAR_GAP: f64 = 6.0;
const GROUP_GAP: f64 = 36.0;
/// The narrowest plot, so an empty chart or a single group still reads as a chart.
const MIN_PLOT_WIDTH: f64 = 240.0;

impl Chart<'_> {
    fn render(&self) -> String {
        let n_bars = self
            .columns
            .iter()
            .map(|column| column.bars.len())
            .max()
            .unwrap_or(0);
        let group_width = n_bars as f64 * (self.bar_width + BAR_GAP) - BAR_GAP;
        let plot_width =
            (self.columns.len() as f64 * (group_width + GROUP_GAP)).max(MIN_PLOT_WIDTH);
        let right = LEFT + plot_width;
        let values = self
            .columns
            .iter()
            .flat_map(|column| column.bars.iter().filter_map(|bar| bar.value));
        let (min, max) = values.fold((0.0, 0.0), |(min, max), value: f64| {
            (value.min(min), value.max(max))
        });
        let y_scale = YScale {
            axis: ValueAxis::covering(min, max, self.whole),
            top: TOP,
            bottom: BOTTOM,
        };

        let mut svg = Svg::open(
            self.id_prefix,
            right + RIGHT_MARGIN,
            HEIGHT,
            self.title,
            self.desc,
        );
        self.frame(&mut svg, &y_scale, right);
        for (index, column) in self.columns.iter().enumerate() {
            let start = LEFT + GROUP_GAP / 2.0 + index as f64 * (group_width + GROUP_GAP);
            self.group(&mut svg, &y_scale, start, column);
            svg.text_with(
                &[
                    ("class", "chart-group-label"),
                    ("x", &num(start + group_width / 2.0)),
                    ("y", &num(LABEL_Y)),
                    ("text-anchor", "middle"),
                    ("font-size", NORMAL),
                    ("fill", TEXT),
                ],
                column.label,
            );
        }
        if self.columns.is_empty() {
            svg.text_with(
                &[
                    ("class", "chart-empty"),
                    ("x", &num((LEFT + right) / 2.0)),
                    ("y", &num((TOP + BOTTOM) / 2.0)),
                    ("text-anchor", "middle"),
                    ("font-size", NORMAL),
                    ("fill", TEXT),
                ],
                "No groups recorded",
            );
        }
        // Drawn last so that no bar covers it.
        let zero = num(y_scale.y(0.0));
        svg.empty(
            "line",
            &[
                ("class", "chart-zero"),
                ("x1", &num(LEFT)),
                ("y1", &zero),
                ("x2", &num(right)),
                ("y2", &zero),
                ("stroke", TEXT),
                ("stroke-width", "1.5"),
            ],
        );
        svg.finish()
    }

    /// Grid lines and labels at every tick, the value axis, its title and the legend.
    fn frame(&self, svg: &mut Svg, y_scale: &YScale, right: f64) {
        for tick in y_scale.axis.ticks() {
            let y = num(y_scale.y(tick));
            svg.empty(
                "line",
                &[
                    ("class", "chart-grid"),
                    ("x1", &num(LEFT)),
                    ("y1", &y),
                    ("x2", &num(right)),
                    ("y2", &y),
                    ("stroke", GRID),
                    ("stroke-width", "1"),
                ],
            );
            svg.text(LEFT - 6.0, y_scale.y(tick) + 4.0, "end", &num(tick));
        }
        svg.empty(
            "line",
            &[
                ("class", "chart-axis"),
                ("x1", &num(LEFT)),
                ("y1", &num(TOP)),
                ("x2", &num(LEFT)),
                ("y2", &num(BOTTOM)),
                ("stroke", TEXT),
                ("stroke-width", "1"),
            ],
        );
        let titles = [
            (18.0, NORMAL, Some(self.axis_title)),
            (34.0, SMALL, self.legend),
        ];
        for (y, size, text) in titles {
            let Some(text) = text else { continue };
            svg.text_with(
                &[
                    ("class", "chart-axis-title"),
                    ("x", "8"),
                    ("y", &num(y)),
                    ("text-anchor", "start"),
                    ("font-size", size),
                    ("fill", TEXT),
                ],
                text,
            );
        }
    }

    /// The bars of one group from `start`, each with its value at its end and its caption
    /// under the plot.
    fn group(&self, svg: &mut Svg, y_scale: &YScale, start: f64, column: &Column) {
        let zero = y_scale.y(0.0);
        for (index, bar) in column.bars.iter().enumerate() {
            let x = start + index as f64 * (self.bar_width + BAR_GAP);
            let middle = x + self.bar_width / 2.0;
            let value_y = match bar.value {
                Some(value) => {
                    let end = y_scale.y(value);
                    svg.with_tooltip(
                        "rect",
                        &[
                            ("class", "chart-bar"),
                            ("x", &num(x)),
                            ("y", &num(end.min(zero))),
                            ("width", &num(self.bar_width)),
                            ("height", &num((end - zero).abs())),
                            ("fill", bar.fill),
                        ],
                        &format!("{}, {}: {}", column.label, bar.caption, bar.printed),
                    );
                    // Above a bar that goes up, below one that goes down.
                    if value < 0.0 { end + 12.0 } else { end - 4.0 }
                }
                None => zero - 4.0,
            };
            let class = if bar.value.is_some() {
                "chart-value"
            } else {
                "chart-na"
            };
            svg.text_with(
                &[
                    ("class", class),
                    ("x", &num(middle)),
                    ("y", &num(value_y)),
                    ("text-anchor", "middle"),
                    ("font-size", SMALL),
                    ("fill", TEXT),
                ],
                &bar.printed,
            );
            svg.text(middle, CAPTION_Y, "middle", bar.caption);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::check::{assert_safe, attribute, elements};
    use super::{ChangeGroup, GradeGroup, change_bars, grade_bars};

    fn number(element: &str, name: &str) -> f64 {
        attribute(element, name)
            .unwrap_or_else(|| panic!("{name} in {element}"))
            .parse()
            .expect("a number")
    }

    fn zero_line(svg: &str) -> f64 {
        let zero = elements(svg, "line")
            .into_iter()
            .find(|line| attribute(line, "class").as_deref() == Some("chart-zero"))
            .expect("a zero line");
        number(&zero, "y1")
    }

    fn groups() -> Vec<ChangeGroup> {
        vec![
            ChangeGroup {
                label: "1000000 cells/kg".to_owned(),
                mean_change: [Some(-4.0), Some(-6.5), None],
            },
            ChangeGroup {
                label: "LOT-B".to_owned(),
                mean_change: [Some(2.0), Some(0.0), Some(-1.0)],
            },
        ]
    }

    #[test]
    fn negative_changes_go_down_from_the_zero_line_and_positive_ones_up() {
        let svg = change_bars("ch", "SLEDAI-2K", "score", &groups());
        assert_safe(&svg);
        let zero = zero_line(&svg);
        let bars = elements(&svg, "rect");
        assert_eq!(bars.len(), 5, "one bar per value, none for n/a: {svg}");
        let bar = |tooltip: &str| {
            bars.iter()
                .find(|bar| bar.contains(tooltip))
                .unwrap_or_else(|| panic!("{tooltip} in {svg}"))
        };
        let down = bar("<title>1000000 cells/kg, 3 mo: -4</title>");
        assert!(
            (number(down, "y") - zero).abs() < 0.02,
            "a negative bar starts at zero"
        );
        assert!(number(down, "height") > 0.0);
        let deeper = bar("<title>1000000 cells/kg, 6 mo: -6.5</title>");
        assert!(number(deeper, "height") > number(down, "height"));
        let up = bar("<title>LOT-B, 3 mo: +2</title>");
        let up_end = number(up, "y") + number(up, "height");
        assert!((up_end - zero).abs() < 0.02, "a positive bar ends at zero");
        assert!(number(up, "y") < zero);
        // The values are written at the bar ends, the time points under the bars.
        for text in [
            ">-4</text>",
            ">-6.5</text>",
            ">+2</text>",
            ">0</text>",
            ">-1</text>",
        ] {
            assert!(svg.contains(text), "{text} in {svg}");
        }
        assert_eq!(svg.matches(">3 mo</text>").count(), 2);
        assert_eq!(svg.matches(">12 mo</text>").count(), 2);
        assert!(svg.contains(">Mean change from baseline (score)</text>"));
        assert!(svg.contains(
            "SLEDAI-2K: mean change from baseline in score. \
             1000000 cells/kg: 3 mo -4, 6 mo -6.5, 12 mo n/a. LOT-B: 3 mo +2, 6 mo 0, 12 mo -1."
        ));
    }

    #[test]
    fn a_time_point_without_value_is_written_n_a() {
        let only_none = [ChangeGroup {
            label: "LOT-C".to_owned(),
            mean_change: [None, Some(f64::NAN), None],
        }];
        let svg = change_bars("ch", "Proteinuria", "g/day", &only_none);
        assert_safe(&svg);
        assert!(elements(&svg, "rect").is_empty());
        let not_available: Vec<String> = elements(&svg, "text")
            .into_iter()
            .filter(|text| text.contains(">n/a<"))
            .collect();
        assert_eq!(not_available.len(), 3, "{svg}");
        assert!(
            not_available
                .iter()
                .all(|text| attribute(text, "class").as_deref() == Some("chart-na"))
        );
    }

    #[test]
    fn labels_and_titles_from_data_are_escaped() {
        let nasty = r#"<&">'"#;
        let groups = [ChangeGroup {
            label: nasty.to_owned(),
            mean_change: [Some(1.0), None, None],
        }];
        let svg = change_bars(nasty, nasty, nasty, &groups);
        assert_safe(&svg);
        assert!(svg.contains(">&lt;&amp;&quot;&gt;&#39;</text>"), "{svg}");
        assert!(svg.contains(r#"<title id="_____-title">&lt;&amp;&quot;&gt;&#39;</title>"#));
        assert!(!svg.contains(nasty));

        let grades = [GradeGroup {
            label: nasty.to_owned(),
            by_grade: [1, 0, 0, 0, 0],
            serious: 0,
        }];
        let svg = grade_bars("g", nasty, &grades);
        assert_safe(&svg);
        assert!(!svg.contains(nasty));
    }

    #[test]
    fn adverse_events_are_counted_per_grade_with_a_text_legend() {
        let groups = [
            GradeGroup {
                label: "D-0001".to_owned(),
                by_grade: [3, 1, 0, 0, 0],
                serious: 1,
            },
            GradeGroup {
                label: "D-0002".to_owned(),
                by_grade: [0, 0, 7, 0, 0],
                serious: 2,
            },
        ];
        let svg = grade_bars("ae", "Adverse events by donor", &groups);
        assert_safe(&svg);
        assert_eq!(elements(&svg, "rect").len(), 12);
        for caption in ["G1", "G2", "G3", "G4", "G5", "SAE"] {
            assert_eq!(
                svg.matches(&format!(">{caption}</text>")).count(),
                2,
                "{caption}"
            );
        }
        assert!(svg.contains(">G1–G5: CTCAE grade 1 to 5 · SAE: serious adverse events</text>"));
        assert!(svg.contains("<title>D-0002, G3: 7</title>"));
        assert!(svg.contains(">7</text>"));
        assert!(svg.contains("D-0001: G1 3, G2 1, G3 0, G4 0, G5 0, SAE 1."));
        // Counts are whole: the axis covers 7 with whole ticks.
        assert!(
            svg.contains(">8</text>") && !svg.contains(">0.5</text>"),
            "{svg}"
        );
        let zero = zero_line(&svg);
        let highest = elements(&svg, "rect")
            .iter()
            .map(|bar| number(bar, "y"))
            .fold(zero, f64::min);
        assert!(highest >= 52.0, "the highest bar stays in the plot");
    }

    #[test]
    fn charts_without_groups_say_so() {
        let svg = change_bars("ch", "SLEDAI-2K", "score", &[]);
        assert_safe(&svg);
        assert!(svg.contains(">No groups recorded</text>"));
        assert!(svg.contains("No groups recorded.</desc>"));
        let svg = grade_bars("ae", "Adverse events", &[]);
        assert_safe(&svg);
        assert!(svg.contains(">No groups recorded</text>"));
        let zeros = [GradeGroup {
            label: "LOT-A".to_owned(),
            by_grade: [0; 5],
            serious: 0,
        }];
        let svg = grade_bars("ae", "Adverse events", &zeros);
        assert_safe(&svg);
        assert_eq!(
            svg.matches(">0</text>").count(),
            7,
            "six counts and a tick: {svg}"
        );
    }
}
