//! Release testing and QA disposition (issue 6): versioned specifications, results evaluated at
//! once, invalidations and retests, out-of-specification investigations, the signed release or
//! rejection of a lot with its units, and the content of the certificate of analysis.
//!
//! The order the system enforces (21 CFR 11.10(f)): a lot in QUARANTINE begins testing against
//! the specification in effect that day; analysts record results; a failed required result opens
//! an investigation that QA closes; QA disposes of the lot once, and a release only when every
//! condition of [`conditions::release_blockers`] holds.

pub mod certificate;
pub mod commands;
pub mod conditions;
mod criterion;
mod default_spec;
mod disposition;
mod error;
pub mod events;
mod identifiers;
mod investigation;
pub mod lineage;
mod result;
mod specification;

#[cfg(test)]
mod tests;

pub use certificate::{CertificateOfAnalysis, certificate_of_analysis};
pub use criterion::{Bound, Criterion, Evaluation, NumericRange, Outcome, ResultValue};
pub use default_spec::{
    DEFAULT_DRUG_PRODUCT_SPECIFICATION_JSON, default_drug_product_specification,
};
pub use disposition::{Disposition, DispositionDecision};
pub use error::ReleaseError;
pub use identifiers::{SpecVersion, TestCode, TestUnit};
pub use investigation::{Investigation, InvestigationClosure};
pub use result::{Invalidation, LotTesting, TestResult, current_result, results_of_lot};
pub use specification::{
    MAX_TESTS, Requirement, Specification, SpecificationContent, TestDefinition, in_effect,
};
