//! The certificate's [`Report`] as a standalone HTML page, with print rules so that a browser
//! prints it like the PDF: A4 margins, tables at the page's width whose header rows repeat on
//! every page, rows not split, and a header naming the issuer, the number and the version.
//! Every text from the record is HTML-escaped.

use std::fmt::Write as _;

use cordtrace_labels::report::{Block, Cell, Report, Style, Table};

/// Escapes text for HTML element content and quoted attribute values.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

const STYLE: &str = "body{font-family:sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;\
color:#111}header{display:flex;justify-content:space-between;border-bottom:1px solid #111;\
margin-bottom:1rem}header p{margin:.2rem 0}.issuer{font-weight:bold}.number{text-align:right}\
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #999;\
padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#eee}.draft{border:2px solid \
#b00;color:#b00;padding:.5rem;font-weight:bold}pre{background:#f4f4f4;padding:.5rem;\
white-space:pre-wrap;word-break:break-all}\
@media print{@page{size:A4;margin:15mm 18mm}body{max-width:none;margin:0;padding:0;font-size:9pt}\
table{width:100%;table-layout:fixed;font-size:8pt}td,th{overflow-wrap:anywhere}\
thead{display:table-header-group}tr{break-inside:avoid}h2{break-after:avoid}\
pre{background:none;border:1px solid #999;font-size:7.5pt}.draft{color:#000;border-color:#000}}";

/// The report as an HTML document. A Data Matrix block is left out: the page has the same
/// proof as text, and the PDF carries the symbol.
pub(super) fn render(report: &Report, pdf_links: &[(&str, String)]) -> String {
    let mut html = String::new();
    let title = format!("{} {}", report.title, report.number);
    let _ = writeln!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{}</title><style>{STYLE}</style></head><body>\n<header><div>",
        escape(&title)
    );
    for (n, line) in report.issuer.iter().enumerate() {
        let class = if n == 0 { " class=\"issuer\"" } else { "" };
        let _ = writeln!(html, "<p{class}>{}</p>", escape(line));
    }
    let _ = writeln!(
        html,
        "</div><div class=\"number\"><p>Document {}</p><p>Version {}</p></div></header>\n\
         <h1>{}</h1>",
        escape(&report.number),
        escape(&report.version),
        escape(&report.title)
    );
    if !pdf_links.is_empty() {
        let links: Vec<String> = pdf_links
            .iter()
            .map(|(name, href)| format!("<a href=\"{}\">{}</a>", escape(href), escape(name)))
            .collect();
        let _ = writeln!(html, "<p>As PDF: {}</p>", links.join(" · "));
    }
    for block in &report.blocks {
        match block {
            Block::Banner(text) => {
                let _ = writeln!(html, "<p class=\"draft\">{}</p>", escape(text));
            }
            Block::Heading(text) => {
                let _ = writeln!(html, "<h2>{}</h2>", escape(text));
            }
            Block::Paragraph(text) => {
                let _ = writeln!(html, "<p>{}</p>", escape(text));
            }
            Block::Code(text) => {
                let _ = writeln!(html, "<pre>{}</pre>", escape(text));
            }
            Block::Table(table) => self::table(&mut html, table),
            Block::Symbol { .. } => {}
        }
    }
    html.push_str("</body></html>\n");
    html
}

fn table(html: &mut String, table: &Table) {
    html.push_str("<table>\n");
    // A table of name and value pairs has no column headings.
    if table.columns.iter().any(|(title, _)| !title.is_empty()) {
        html.push_str("<thead><tr>");
        for (title, _) in &table.columns {
            let _ = write!(html, "<th scope=\"col\">{}</th>", escape(title));
        }
        html.push_str("</tr></thead>\n");
    }
    html.push_str("<tbody>\n");
    for row in &table.rows {
        html.push_str("<tr>");
        for cell in row {
            cell_html(html, cell);
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody></table>\n");
}

fn cell_html(html: &mut String, cell: &Cell) {
    let text = escape(&cell.text);
    let _ = match cell.style {
        Style::Bold => write!(html, "<td><strong>{text}</strong></td>"),
        Style::Mono => write!(html, "<td><code>{text}</code></td>"),
        Style::Regular => write!(html, "<td>{text}</td>"),
    };
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }
}
