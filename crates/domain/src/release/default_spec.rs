//! The default UC-MSC drug product specification, shipped as data
//! (`crates/domain/data/uc-msc-drug-product-v1.json`) for the store to import at installation.
//!
//! Choices where domain.md leaves one open (an installation that chooses otherwise defines
//! version 2 with its own effective date):
//! - viability >= 70 %, the ISCT minimum the issue names; many protocols ask 80-90 %;
//! - endotoxin <= 0.5 EU/mL, a limit measured on the product itself; the per-dose limit of
//!   5 EU/kg depends on the patient's weight and belongs to the bedside dose check;
//! - viable cell count as the concentration of the formulated product, 1.0 to 5.0 x10^6
//!   cells/mL inclusive, a unit independent of bag or vial size (each unit's own count is on the
//!   unit);
//! - CD14 and CD19 stand for the ISCT alternatives CD11b and CD79a; HLA-DR is coded `HLA_DR`;
//! - potency (>= 20 % inhibition of stimulated lymphocyte proliferation) is REPORT_ONLY: it is
//!   evaluated and printed, never blocks release and opens no investigation;
//! - plastic adherence and tri-lineage differentiation are characterised on the cell bank, not
//!   tested on each drug product lot.

use super::error::ReleaseError;
use super::specification::SpecificationContent;

/// The JSON text of the default specification.
pub const DEFAULT_DRUG_PRODUCT_SPECIFICATION_JSON: &str =
    include_str!("../../data/uc-msc-drug-product-v1.json");

/// The default UC-MSC drug product specification, version 1, parsed.
pub fn default_drug_product_specification() -> Result<SpecificationContent, ReleaseError> {
    SpecificationContent::from_json(DEFAULT_DRUG_PRODUCT_SPECIFICATION_JSON)
}
