//! The auditor's lineage picture in a real headless Chromium: from a unit of a released lot up
//! to its donor, donation, steps and material lots, each a link in the SVG; a node followed to
//! its page; from a material lot down to every lot and unit made with it; a malformed id and an
//! unknown kind answered with a clear message; a clinician, whose role does not read lineage,
//! shown the API's refusal. Every page is checked with axe-core and makes no request elsewhere.

use cordtrace_tests::PASSWORD;
use cordtrace_tests::browser::Browser;
use cordtrace_tests::clinical_fixtures::{Clinic, ClinicalLot};
use cordtrace_tests::fixtures::{Bench, Eligibility, try_fill, unit_input};
use cordtrace_tests::release_fixtures::{PRODUCT_CODE, fill_and_complete};
use serde_json::json;

/// Whether the lineage picture has a link to `href`.
async fn links_to(browser: &Browser, href: &str) -> bool {
    browser.has(&format!("svg.lineage a[href='{href}']")).await
}

/// The text of the lineage picture.
async fn picture_text(browser: &Browser) -> String {
    browser
        .eval("document.querySelector('svg.lineage').textContent")
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn an_auditor_reads_a_unit_s_lineage_up_to_its_donor_and_a_material_lot_s_down_to_units() {
    let clinic = Clinic::start().await;
    let server = &clinic.server;
    // A released lot made with a reagent lot used at every step.
    let donor = clinic.fixtures.donor(Eligibility::Eligible).await;
    let material = clinic
        .fixtures
        .released_material("human platelet lysate")
        .await
        .to_string();
    let bench = Bench {
        server,
        token: clinic.tech.clone(),
        equipment: Vec::new(),
        materials: vec![material.clone()],
    };
    let expanded = bench.expanded(donor.donation_id).await;
    let substance = bench.harvest(&expanded).await;
    let product = bench.formulate(&[&substance]).await;
    let (unit_ids, lot_code) = fill_and_complete(server, &clinic.tech, &product, 'A').await;
    clinic
        .release(&ClinicalLot {
            lot_id: product.clone(),
            lot_code: lot_code.clone(),
            donor,
            units: Vec::new(),
        })
        .await;
    let facts = server
        .gql(
            Some(&clinic.auditor),
            "query($donor: UUID!, $donation: UUID!, $material: UUID!) { \
             donor(id: $donor) { key } donation(id: $donation) { din checkCharacter } \
             materialLot(id: $material) { supplierLot } }",
            json!({
                "donor": donor.donor_id.to_string(),
                "donation": donor.donation_id.to_string(),
                "material": material,
            }),
        )
        .await;
    let facts = facts.data();
    let donor_key = facts["donor"]["key"].as_str().expect("a key").to_owned();
    let din = format!(
        "{} {}",
        facts["donation"]["din"].as_str().expect("a DIN"),
        facts["donation"]["checkCharacter"]
            .as_str()
            .expect("a check character")
    );
    let supplier_lot = facts["materialLot"]["supplierLot"]
        .as_str()
        .expect("a supplier lot")
        .to_owned();
    let unit = &unit_ids[0];

    let browser = Browser::launch().await;
    browser.sign_in(server, "auditor.one", PASSWORD).await;

    // From the unit's page to its lineage.
    browser.goto(&server.url(&format!("/units/{unit}"))).await;
    browser
        .click(&format!("a[href='/lineage/unit/{unit}']"))
        .await;
    let page = browser.text().await;
    assert!(page.contains("Lineage of unit"), "{page}");
    let picture = picture_text(&browser).await;
    for seen in [
        donor_key.as_str(),
        din.as_str(),
        "human platelet lysate",
        supplier_lot.as_str(),
        lot_code.as_str(),
        "RELEASED",
        "Unit (start)",
        "tissue processing",
    ] {
        assert!(picture.contains(seen), "{seen} in the picture: {picture}");
        assert!(page.contains(seen), "{seen} in the table: {page}");
    }
    for href in [
        format!("/donors/{}", donor.donor_id),
        format!("/donations/{}", donor.donation_id),
        format!("/lineage/material_lot/{material}"),
        format!("/lots/{product}"),
        format!("/lots/{substance}"),
        format!("/units/{unit}"),
    ] {
        assert!(links_to(&browser, &href).await, "a link to {href}");
    }
    // Arrows, and a description in words.
    let arrows = browser
        .eval("document.querySelectorAll('svg.lineage path.lineage-edge').length")
        .await;
    assert!(arrows.as_u64().is_some_and(|count| count >= 12), "{arrows}");
    let desc = browser
        .eval("document.querySelector('svg.lineage desc').textContent")
        .await;
    assert!(
        desc.as_str().is_some_and(|desc| desc.contains("1 donor")),
        "{desc}"
    );
    browser.assert_accessible("a unit's lineage").await;
    browser.screenshot("lineage.png").await;

    // A donor's and a donation's boxes lead to their records, which the auditor reads without
    // the donor's personal data, and which lead back to their lineage.
    let donation_din = din.split(' ').next().unwrap_or_default().to_owned();
    for (page, lineage, seen) in [
        (
            format!("/donors/{}", donor.donor_id),
            format!("/lineage/donor/{}", donor.donor_id),
            format!("Donor {donor_key}"),
        ),
        (
            format!("/donations/{}", donor.donation_id),
            format!("/lineage/donation/{}", donor.donation_id),
            format!("Donation {donation_din}"),
        ),
    ] {
        browser.goto(&server.url(&page)).await;
        let text = browser.text().await;
        assert!(text.contains(&seen), "{page}: {text}");
        assert!(
            browser.has(&format!("a[href='{lineage}']")).await,
            "{page} links to {lineage}"
        );
    }
    browser
        .goto(&server.url(&format!("/lineage/unit/{unit}")))
        .await;

    // A node leads to its page, from the keyboard (an SVG link has no `click()`).
    let node = format!("svg.lineage a[href='/lots/{product}']");
    browser
        .eval(&format!("document.querySelector({}).focus()", json!(node)))
        .await;
    assert_eq!(
        browser
            .eval(&format!(
                "document.activeElement === document.querySelector({})",
                json!(node)
            ))
            .await,
        json!(true),
        "a node's link takes the focus"
    );
    browser.press_enter().await;
    assert!(browser.url().await.ends_with(&format!("/lots/{product}")));
    assert!(browser.text().await.contains(&format!("Lot {lot_code}")));
    assert!(
        browser
            .has(&format!("a[href='/lineage/lot/{product}']"))
            .await,
        "the lot's page links to its lineage"
    );

    // From the material lot down to every lot and unit made with it.
    browser
        .goto(&server.url(&format!("/lineage/material_lot/{material}")))
        .await;
    let page = browser.text().await;
    assert!(
        page.contains("Lineage of material lot human platelet lysate"),
        "{page}"
    );
    let picture = picture_text(&browser).await;
    assert!(picture.contains("Material lot (start)"), "{picture}");
    assert!(picture.contains(&lot_code), "{picture}");
    for lot in [&expanded, &substance, &product] {
        assert!(links_to(&browser, &format!("/lots/{lot}")).await, "{lot}");
    }
    for unit in &unit_ids {
        assert!(
            links_to(&browser, &format!("/units/{unit}")).await,
            "{unit}"
        );
    }
    assert!(!picture.contains(&donor_key), "downstream only: {picture}");
    browser.assert_accessible("a material lot's lineage").await;

    // The material lot's chain of custody leads back to its lineage.
    browser
        .goto(&server.url(&format!("/custody/material_lot/{material}")))
        .await;
    assert!(
        browser
            .has(&format!("a[href='/lineage/material_lot/{material}']"))
            .await
    );

    // The lot's own lineage reads both ways.
    browser
        .goto(&server.url(&format!("/lineage/lot/{substance}")))
        .await;
    let picture = picture_text(&browser).await;
    for seen in [donor_key.as_str(), lot_code.as_str(), "Lot (start)"] {
        assert!(picture.contains(seen), "{seen}: {picture}");
    }
    for unit in &unit_ids {
        assert!(
            links_to(&browser, &format!("/units/{unit}")).await,
            "{unit}"
        );
    }
    browser.assert_accessible("a lot's lineage").await;

    // Wrong addresses are answered in words.
    browser.goto(&server.url("/lineage/batch/42")).await;
    let page = browser.text().await;
    assert!(page.contains("There is no lineage of a “batch”"), "{page}");
    assert!(page.contains("(NOT_FOUND)"), "{page}");
    browser
        .assert_accessible("an unknown kind of lineage")
        .await;
    browser.goto(&server.url("/lineage/unit/not-a-unit")).await;
    let page = browser.text().await;
    assert!(
        page.contains("“not-a-unit” is not the identifier of a unit"),
        "{page}"
    );
    assert!(page.contains("(VALIDATION)"), "{page}");
    browser
        .goto(&server.url("/lineage/donor/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"))
        .await;
    assert!(browser.text().await.contains("(NOT_FOUND)"));

    browser.assert_same_origin_only(server).await;
    browser.close().await;

    // A clinician's role does not read lineage: the API's refusal, in words with its code.
    let browser = Browser::launch().await;
    browser.sign_in(server, "clin.one", PASSWORD).await;
    browser
        .goto(&server.url(&format!("/lineage/unit/{unit}")))
        .await;
    let page = browser.text().await;
    assert!(page.contains("(FORBIDDEN)"), "{page}");
    assert!(!page.contains(&donor_key), "{page}");
    browser.assert_same_origin_only(server).await;
    browser.close().await;
}

#[tokio::test]
async fn a_reagent_lot_used_widely_draws_a_bounded_picture_with_counts() {
    let clinic = Clinic::start().await;
    let server = &clinic.server;
    let donor = clinic.fixtures.donor(Eligibility::Eligible).await;
    let material = clinic.fixtures.released_material("DMSO").await.to_string();
    let bench = Bench {
        server,
        token: clinic.tech.clone(),
        equipment: Vec::new(),
        materials: vec![material.clone()],
    };
    let expanded = bench.expanded(donor.donation_id).await;
    let substance = bench.harvest(&expanded).await;
    let product = bench.formulate(&[&substance]).await;
    // Fifteen bags from the lot: more units in one layer than the picture draws one by one.
    let divisions = 'A'..='O';
    let units = divisions
        .clone()
        .enumerate()
        .map(|(position, division)| {
            unit_input(
                &format!("{PRODUCT_CODE}V{division}0"),
                &format!("P{position:02}"),
            )
        })
        .collect();
    let filled = try_fill(server, &clinic.tech, &product, units).await;
    assert_eq!(
        filled.data()["fillUnits"]["units"].as_array().map(Vec::len),
        Some(divisions.count())
    );

    let browser = Browser::launch().await;
    browser.sign_in(server, "auditor.one", PASSWORD).await;
    browser
        .goto(&server.url(&format!("/lineage/material_lot/{material}")))
        .await;
    let units_drawn = browser
        .eval("document.querySelectorAll('svg.lineage .lineage-unit:not(.lineage-more)').length")
        .await;
    assert_eq!(units_drawn, json!(12), "twelve units one by one");
    let more = browser
        .eval("document.querySelector('svg.lineage .lineage-more').textContent")
        .await;
    let more = more.as_str().unwrap_or_default();
    assert!(more.contains("+ 3 more units"), "{more}");
    assert!(
        more.contains("3 QUARANTINE"),
        "the rest counted by status: {more}"
    );
    browser.assert_accessible("a bounded lineage picture").await;
    browser.assert_same_origin_only(server).await;
    browser.close().await;
    clinic.finish().await;
}
