//! Checks the chart tests share: well-formedness, the page's CSP, finite numbers.

/// Panics unless `svg` is one well-formed `<svg>` element that the page's Content-Security-Policy
/// lets through untouched (no style, script or reference elsewhere) and whose every number is
/// finite.
pub(super) fn assert_safe(svg: &str) {
    if let Err(problem) = well_formed(svg) {
        panic!("{problem}:\n{svg}");
    }
    assert!(svg.starts_with("<svg "), "{svg}");
    assert_eq!(svg.matches("<svg").count(), 1, "{svg}");
    assert_eq!(svg.matches("</svg>").count(), 1, "{svg}");
    for forbidden in ["style", "<script", "href", "url(", "NaN", "on"] {
        let found = if forbidden == "on" {
            // Event handler attributes (`onload="…"`) run script.
            tags(svg).any(|tag| tag.split(' ').any(|part| part.starts_with("on")))
        } else {
            svg.contains(forbidden)
        };
        assert!(!found, "{forbidden} in {svg}");
    }
    for tag in tags(svg) {
        for (name, value) in attributes(tag) {
            let numeric = [
                "x",
                "y",
                "x1",
                "y1",
                "x2",
                "y2",
                "cx",
                "cy",
                "r",
                "width",
                "height",
                "stroke-width",
                "font-size",
            ];
            let lists = ["points", "viewBox"];
            if name == "width" && value == "100%" {
                continue;
            }
            if numeric.contains(&name) || lists.contains(&name) {
                for number in value.split([' ', ',']) {
                    let parsed: f64 = number
                        .parse()
                        .unwrap_or_else(|_| panic!("{name}=\"{value}\" in {svg}"));
                    assert!(parsed.is_finite(), "{name}=\"{value}\"");
                    let decimals = number.split('.').nth(1).map_or(0, str::len);
                    assert!(decimals <= 2, "{name}=\"{value}\"");
                }
            }
        }
    }
}

/// Whether `document` is well-formed XML as far as these charts go: balanced elements under one
/// root, quoted and unique attributes, and `&` only in the entities [`super::svg::escape`]
/// writes.
pub(super) fn well_formed(document: &str) -> Result<(), String> {
    let mut open: Vec<&str> = Vec::new();
    let mut roots = 0;
    let mut rest = document;
    while let Some(start) = rest.find('<') {
        check_text(&rest[..start])?;
        if open.is_empty() && !rest[..start].trim().is_empty() {
            return Err("text outside the root".to_owned());
        }
        let after = &rest[start + 1..];
        let end = after.find('>').ok_or("a tag is not closed")?;
        let tag = &after[..end];
        if let Some(name) = tag.strip_prefix('/') {
            match open.pop() {
                Some(opened) if opened == name => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
        } else {
            let self_closing = tag.ends_with('/');
            let body = tag.trim_end_matches('/');
            let (name, attribute_text) = body.split_once(' ').unwrap_or((body, ""));
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(format!("bad element name in <{tag}>"));
            }
            check_attributes(attribute_text)?;
            if open.is_empty() {
                roots += 1;
            }
            if !self_closing {
                open.push(name);
            }
        }
        rest = &after[end + 1..];
    }
    if !rest.trim().is_empty() {
        return Err("text after the root".to_owned());
    }
    if let Some(name) = open.pop() {
        return Err(format!("<{name}> is not closed"));
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    Ok(())
}

fn check_text(text: &str) -> Result<(), String> {
    if text.contains('>') {
        return Err(format!("unescaped > in {text:?}"));
    }
    for (index, _) in text.match_indices('&') {
        let entity = &text[index..];
        let known = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"];
        if !known.iter().any(|known| entity.starts_with(known)) {
            return Err(format!("bare & in {text:?}"));
        }
    }
    Ok(())
}

fn check_attributes(mut text: &str) -> Result<(), String> {
    let mut names = Vec::new();
    loop {
        text = text.trim_start();
        if text.is_empty() {
            return Ok(());
        }
        let (name, after) = text
            .split_once("=\"")
            .ok_or(format!("bad attribute {text:?}"))?;
        let (value, after) = after.split_once('"').ok_or(format!("unquoted {name}"))?;
        if value.contains('<') {
            return Err(format!("< in {name}"));
        }
        check_text(value)?;
        if names.contains(&name) {
            return Err(format!("{name} twice"));
        }
        names.push(name);
        text = after;
    }
}

/// The text between `<` and `>` of every start tag.
fn tags(svg: &str) -> impl Iterator<Item = &str> {
    svg.split('<')
        .skip(1)
        .filter(|tag| !tag.starts_with('/'))
        .filter_map(|tag| tag.split('>').next())
}

fn attributes(tag: &str) -> Vec<(&str, &str)> {
    let mut found = Vec::new();
    let mut rest = tag.split_once(' ').map_or("", |(_, rest)| rest);
    while let Some((name, after)) = rest.split_once("=\"") {
        let Some((value, after)) = after.split_once('"') else {
            break;
        };
        found.push((name.trim(), value));
        rest = after;
    }
    found
}

/// Every `<name …>` element of `svg`, from its start tag to its end tag (or the end of its
/// empty tag).
pub(super) fn elements(svg: &str, name: &str) -> Vec<String> {
    let start = format!("<{name} ");
    let close = format!("</{name}>");
    svg.match_indices(&start)
        .map(|(index, _)| {
            let rest = &svg[index..];
            let tag_end = rest.find('>').map_or(rest.len(), |end| end + 1);
            let end = if rest[..tag_end].ends_with("/>") {
                tag_end
            } else {
                rest.find(&close)
                    .map_or(rest.len(), |end| end + close.len())
            };
            rest[..end].to_owned()
        })
        .collect()
}

/// The value of `name` in the start tag that `element` opens with.
pub(super) fn attribute(element: &str, name: &str) -> Option<String> {
    let tag = element.split('>').next()?;
    attributes(tag)
        .into_iter()
        .find(|(attribute, _)| *attribute == name)
        .map(|(_, value)| value.to_owned())
}

#[test]
fn the_checker_refuses_what_it_should() {
    assert!(well_formed("<svg><g></g></svg>").is_ok());
    assert!(well_formed("<svg><g></svg>").is_err());
    assert!(well_formed("<svg><text>a & b</text></svg>").is_err());
    assert!(well_formed("<svg><text>a &amp; b</text></svg>").is_ok());
    assert!(well_formed("<svg a=\"1\" a=\"2\"/>").is_err());
    assert!(well_formed("<svg a=1/>").is_err());
    assert!(well_formed("<svg/><svg/>").is_err());
}
