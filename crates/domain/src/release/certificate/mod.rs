//! The content of a certificate of analysis: a pure function from the state to a plain struct that
//! the API exposes and the HTTP layer renders.
//!
//! The seam with the ledger: signatures and hashes live in ledger entries, not in the state, so the
//! certificate names the entries instead. [`CertificateOfAnalysis::signed_entries`] lists the
//! sequence number of every signed entry it relies on (invalidations, investigation closures, the
//! disposition); the API reads each entry's signature to print its manifestation, and for the
//! disposition entry (`lot.released` or `lot.rejected`) adds its hash and the signed checkpoint
//! that includes it, so a reader can check the certificate with `cordtrace ledger verify --file`.

mod content;

pub use content::{
    CertificateDisposition, CertificateDonor, CertificateInvalidation, CertificateInvestigation,
    CertificateLot, CertificateOfAnalysis, CertificateProduct, CertificateResult,
    CertificateSpecification, CertificateTest, CertificateUnit, Person, SignedEntry,
};

use std::collections::BTreeSet;

use crate::ids::{LotId, UserId};
use crate::state::State;

use super::disposition::DispositionDecision;
use super::error::{ReleaseError, unknown};
use super::result::{TestResult, current_result, results_of_lot};
use super::specification::Specification;

fn person(state: &State, user_id: UserId) -> Person {
    Person {
        user_id,
        printed_name: state
            .users
            .get(&user_id)
            .map(|user| user.printed_name.clone()),
    }
}

fn result_line(state: &State, result: &TestResult, current: bool) -> CertificateResult {
    CertificateResult {
        id: result.id,
        value: result.value,
        value_text: result.value_text(),
        method: result.method.clone(),
        instrument: result.instrument.clone(),
        sample_id: result.sample_id.clone(),
        tested_at: result.tested_at,
        evaluation: result.evaluation,
        analyst: person(state, result.analyst),
        retest_of: result.retest_of,
        current,
        invalidation: result
            .invalidation
            .as_ref()
            .map(|invalidation| CertificateInvalidation {
                reason: invalidation.reason.clone(),
                by: person(state, invalidation.invalidated_by),
                at: invalidation.invalidated_at,
                entry_seq: invalidation.entry_seq,
            }),
    }
}

/// Builds the certificate of `lot_id` from the state, which must hold the lot, its units, the
/// product definitions, its testing record, specification, results, investigations and
/// disposition, its donors, and the users named (for printed names). Before the disposition it is
/// a draft (`disposition` is `None`).
pub fn certificate_of_analysis(
    state: &State,
    lot_id: LotId,
) -> Result<CertificateOfAnalysis, ReleaseError> {
    let lot = state
        .lots
        .get(&lot_id)
        .ok_or_else(|| unknown("lot", lot_id))?;
    let units = units_of(state, lot_id);
    let products = products_of(state, &units);
    let testing = state.lot_testing.get(&lot_id);
    let spec = testing.and_then(|testing| state.specifications.get(&testing.specification_id));
    let tests = spec.map_or_else(Vec::new, |spec| tests_of(state, lot_id, spec));
    let investigations = investigations_of(state, lot_id);
    let donors = lot
        .donors
        .iter()
        .filter_map(|id| state.donors.get(id))
        .map(|donor| CertificateDonor {
            donor_id: donor.id,
            key: donor.key.clone(),
            eligibility: donor.eligibility.as_ref().map(|d| d.status),
            determined_at: donor.eligibility.as_ref().map(|d| d.determined_at),
            consent_withdrawn: donor.consent_withdrawn(),
        })
        .collect();
    let disposition = state
        .dispositions
        .get(&lot_id)
        .map(|disposition| CertificateDisposition {
            decision: disposition.decision,
            text: disposition.text.clone(),
            decided_by: person(state, disposition.decided_by),
            decided_at: disposition.decided_at,
            entry_seq: disposition.entry_seq,
        });
    let signed_entries = signed_entries(&tests, &investigations, disposition.as_ref());
    Ok(CertificateOfAnalysis {
        lot: CertificateLot {
            id: lot.id,
            code: lot.code.clone(),
            kind: lot.kind,
            status: lot.status,
            created_at: lot.created_at,
        },
        products,
        units,
        specification: spec.map(|spec| CertificateSpecification {
            id: spec.id,
            product_kind: spec.content.product_kind(),
            version: spec.content.version(),
            effective_on: spec.content.effective_on(),
            title: spec.content.title().clone(),
        }),
        testing_began_at: testing.map(|testing| testing.began_at),
        tests,
        investigations,
        donors,
        disposition,
        signed_entries,
    })
}

fn units_of(state: &State, lot_id: LotId) -> Vec<CertificateUnit> {
    state
        .units
        .values()
        .filter(|unit| unit.lot_id == lot_id)
        .map(|unit| CertificateUnit {
            id: unit.id,
            din: unit.din,
            product_code: unit.product_code,
            container: unit.container,
            volume: unit.volume,
            cells: unit.cells,
            expires_at: unit.expires_at,
            status: unit.status,
        })
        .collect()
}

/// The distinct product description codes of the units, with the installation's descriptions.
fn products_of(state: &State, units: &[CertificateUnit]) -> Vec<CertificateProduct> {
    let codes: BTreeSet<&str> = units
        .iter()
        .map(|unit| unit.product_code.description_code())
        .collect();
    codes
        .into_iter()
        .map(|code| CertificateProduct {
            description_code: code.to_owned(),
            description: state
                .products
                .get(code)
                .map(|product| product.description.clone()),
        })
        .collect()
}

/// Every test of the specification, in its order, with every result of the lot for it.
fn tests_of(state: &State, lot_id: LotId, spec: &Specification) -> Vec<CertificateTest> {
    let results = results_of_lot(state, lot_id);
    spec.content
        .tests()
        .iter()
        .map(|test| {
            let current = current_result(state, lot_id, test.code());
            CertificateTest {
                code: test.code().clone(),
                name: test.name().clone(),
                method: test.method().clone(),
                unit: test.unit().cloned(),
                criterion: *test.criterion(),
                criterion_text: test
                    .criterion()
                    .describe(test.unit().map(|unit| unit.as_str())),
                requirement: test.requirement(),
                results: results
                    .iter()
                    .filter(|result| &result.test_code == test.code())
                    .map(|result| {
                        let is_current = current.is_some_and(|c| c.id == result.id);
                        result_line(state, result, is_current)
                    })
                    .collect(),
                current_evaluation: current.map(|result| result.evaluation),
            }
        })
        .collect()
}

fn investigations_of(state: &State, lot_id: LotId) -> Vec<CertificateInvestigation> {
    let mut investigations: Vec<CertificateInvestigation> = state
        .investigations
        .values()
        .filter(|investigation| investigation.lot_id == lot_id)
        .map(|investigation| {
            let closure = investigation.closure.as_ref();
            CertificateInvestigation {
                id: investigation.id,
                test_code: investigation.test_code.clone(),
                result_id: investigation.result_id,
                opened_at: investigation.opened_at,
                conclusion: closure.map(|c| c.conclusion.clone()),
                closed_by: closure.map(|c| person(state, c.closed_by)),
                closed_at: closure.map(|c| c.closed_at),
                entry_seq: closure.map(|c| c.entry_seq),
            }
        })
        .collect();
    investigations.sort_by_key(|investigation| investigation.opened_at);
    investigations
}

/// Every signed entry behind the certificate, in ledger order.
fn signed_entries(
    tests: &[CertificateTest],
    investigations: &[CertificateInvestigation],
    disposition: Option<&CertificateDisposition>,
) -> Vec<SignedEntry> {
    let invalidations = tests
        .iter()
        .flat_map(|test| &test.results)
        .filter_map(|result| result.invalidation.as_ref())
        .map(|invalidation| SignedEntry {
            entry_seq: invalidation.entry_seq,
            action: "result.invalidated",
        });
    let closures = investigations.iter().filter_map(|investigation| {
        investigation.entry_seq.map(|entry_seq| SignedEntry {
            entry_seq,
            action: "investigation.closed",
        })
    });
    let decision = disposition.map(|disposition| SignedEntry {
        entry_seq: disposition.entry_seq,
        action: match disposition.decision {
            DispositionDecision::Release => "lot.released",
            DispositionDecision::Reject => "lot.rejected",
        },
    });
    let mut entries: Vec<SignedEntry> = invalidations.chain(closures).chain(decision).collect();
    entries.sort_by_key(|entry| entry.entry_seq);
    entries
}
