//! Who may call and read what: the one access table, the extension that enforces it, and who
//! reads each kind of ledger subject.
//!
//! Every root field of Query and Mutation must have a rule here; a field without one is refused
//! (default deny), and a test calls every operation in `schema.graphql` as every role to hold the
//! table to account. Fields of other types appear here only when they carry personal data.
//!
//! The ledger names the same records by subject kind, so [`readers`] maps every kind to the
//! readers of its records, from the same constants as the rules of `Query.patient`, `Query.donor`
//! and the like: a ledger read ([`visible`]) shows an entry only to someone who may read every
//! subject it touches, whatever door it is asked through.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo,
};
use async_graphql::{PathSegment, QueryPathNode, QueryPathSegment, ServerResult, Value};
use cordtrace_domain::Role;
use cordtrace_domain::Role::{Admin, Auditor, Qa};
use cordtrace_domain::subject::{Subject, SubjectKind};
use cordtrace_store::ledger::read::Visible;

use crate::context::Viewer;
use crate::error::ApiError;

/// Who may resolve a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (only `login`).
    Public,
    /// Any signed-in user (their own session and profile).
    Authenticated,
    /// Signed-in users holding one of these roles.
    Roles(&'static [Role]),
}

const EVERY_ROLE: &[Role] = &Role::ALL;
/// Who manages users: creates them, sets their roles, resets, locks and unlocks them.
const USER_ADMINS: &[Role] = &[Admin];
/// Who reads users and their history (roles, logins, lockouts): admins, and auditors, who
/// review that part of the audit trail too. Every user also reads their own.
const USER_READERS: &[Role] = &[Auditor, Admin];
/// Who may page and look up the ledger; each sees the entries [`visible`] to them.
const LEDGER_READERS: &[Role] = &[Auditor, Qa, Admin];
/// Who enters donor data, material lots and equipment, and reads a donor's personal data.
const DONOR_STAFF: &[Role] = &[Role::Technician, Qa];
/// Who registers donations and receives them at the lab.
const DONATION_STAFF: &[Role] = &[Role::Technician];
/// Who reads donors (without personal data), donations, materials and equipment.
const INTAKE_READERS: &[Role] = &[Role::Technician, Role::Analyst, Qa, Auditor];
/// Who records production: steps, lot completion, fills, storage.
const PRODUCTION_STAFF: &[Role] = &[Role::Technician];
/// Who reads lots, steps, deviations and lineage.
const PRODUCTION_READERS: &[Role] = &[Role::Technician, Role::Analyst, Qa, Auditor];
/// Who hands units off: dispatch and receipt.
const UNIT_CUSTODIANS: &[Role] = &[Role::Technician, Role::Clinician];
/// Who reports and assesses deviations.
const DEVIATION_REPORTERS: &[Role] = &[Role::Technician, Qa];
/// Who reads units.
const UNIT_READERS: &[Role] = &[
    Role::Technician,
    Role::Analyst,
    Qa,
    Role::Clinician,
    Auditor,
];

/// Who reads specifications, testing records, results, investigations and release blockers.
const RELEASE_READERS: &[Role] = &[Role::Technician, Role::Analyst, Qa, Auditor];
/// Who reads a certificate of analysis (in GraphQL and as the rendered document).
const CERTIFICATE_READERS: &[Role] = &[
    Role::Technician,
    Role::Analyst,
    Qa,
    Role::Clinician,
    Auditor,
];

/// Who treats patients: registers them, orders, checks at the bedside, administers, follows up,
/// and reads a patient's personal data.
const CLINICIANS: &[Role] = &[Role::Clinician];
/// Who allocates units to orders, takes them back and records their thaw.
const UNIT_PREPARERS: &[Role] = &[Role::Clinician, Role::Technician];
/// Who reads patients (by opaque key; personal data is clinicians' only), orders and
/// administrations.
const PATIENT_READERS: &[Role] = &[Role::Clinician, Qa, Auditor];
/// Who reads look-back and outcome summaries (no personal data in either).
const OUTCOME_READERS: &[Role] = &[Role::Clinician, Role::Analyst, Qa, Auditor];
/// Who reads recalls: a recall names the patients to contact and starts from a donor,
/// donation, material lot or lot, so its readers are those who read both sides.
const RECALL_READERS: &[Role] = &[Qa, Auditor];

/// Who reads the subjects of `kind`: the same roles as the rule of the query that reads that
/// record (`Query.donor` for donors, `Query.patient` for patients, and so on). Patient-side
/// kinds are read by the readers of patients, donor-side ones by the readers of donors; a
/// user's records by [`USER_READERS`] and by the user themself (see [`visible`]).
pub const fn readers(kind: SubjectKind) -> &'static [Role] {
    match kind {
        SubjectKind::User => USER_READERS,
        SubjectKind::Donor
        | SubjectKind::Donation
        | SubjectKind::MaterialLot
        | SubjectKind::Equipment => INTAKE_READERS,
        SubjectKind::Product => EVERY_ROLE,
        SubjectKind::Lot | SubjectKind::Step | SubjectKind::Deviation => PRODUCTION_READERS,
        SubjectKind::Unit => UNIT_READERS,
        SubjectKind::Specification | SubjectKind::TestResult | SubjectKind::Investigation => {
            RELEASE_READERS
        }
        SubjectKind::Patient
        | SubjectKind::Order
        | SubjectKind::BedsideCheck
        | SubjectKind::Administration
        | SubjectKind::Visit
        | SubjectKind::AdverseEvent => PATIENT_READERS,
        SubjectKind::Recall => RECALL_READERS,
    }
}

/// What of the ledger `viewer` may see: every kind some role of theirs reads ([`readers`]), and
/// their own user record. UNAUTHENTICATED without a session.
pub fn visible(viewer: &Viewer) -> Result<Visible, ApiError> {
    let user = &viewer.session()?.user;
    let kinds = SubjectKind::ALL
        .into_iter()
        .filter(|kind| readers(*kind).iter().any(|role| user.roles.contains(*role)));
    Ok(Visible::new(
        kinds,
        Some(Subject::new(SubjectKind::User, user.id)),
    ))
}

/// The access table: `Type.field` and its rule.
pub const RULES: &[(&str, Access)] = &[
    // Identity.
    ("Mutation.login", Access::Public),
    ("Mutation.logout", Access::Authenticated),
    ("Mutation.changePassword", Access::Authenticated),
    ("Query.me", Access::Authenticated),
    ("Query.facility", Access::Authenticated),
    ("Query.users", Access::Roles(USER_READERS)),
    ("Query.user", Access::Roles(USER_READERS)),
    ("Mutation.createUser", Access::Roles(USER_ADMINS)),
    ("Mutation.setUserRoles", Access::Roles(USER_ADMINS)),
    ("Mutation.deactivateUser", Access::Roles(USER_ADMINS)),
    ("Mutation.reactivateUser", Access::Roles(USER_ADMINS)),
    ("Mutation.resetPassword", Access::Roles(USER_ADMINS)),
    ("Mutation.unlockUser", Access::Roles(USER_ADMINS)),
    // The ledger: auditors, QA and admins page and look up entries, and anyone reads a
    // subject's chain of custody; every one of these reads shows an entry only to someone who
    // may read every subject it touches (`readers`, `visible`), so auditors read it whole.
    ("Query.ledgerEntries", Access::Roles(LEDGER_READERS)),
    ("Query.ledgerEntry", Access::Roles(LEDGER_READERS)),
    ("Query.chainOfCustody", Access::Roles(EVERY_ROLE)),
    ("Query.latestCheckpoint", Access::Roles(EVERY_ROLE)),
    ("Query.ledgerPublicKey", Access::Roles(EVERY_ROLE)),
    ("Query.inclusionProof", Access::Roles(EVERY_ROLE)),
    ("Query.consistencyProof", Access::Roles(EVERY_ROLE)),
    ("Query.verifyLedger", Access::Roles(&[Auditor, Qa])),
    (
        "Mutation.signCheckpoint",
        Access::Roles(&[Auditor, Qa, Admin]),
    ),
    // Production: technicians record steps, fills and storage; QA holds, discards, destroys,
    // closes deviations and sets unit status; technicians and clinicians hand units off. The
    // record is read by technician, analyst, qa and auditor; units also by clinicians.
    ("Mutation.recordStep", Access::Roles(PRODUCTION_STAFF)),
    ("Mutation.completeStep", Access::Roles(PRODUCTION_STAFF)),
    ("Mutation.completeLot", Access::Roles(PRODUCTION_STAFF)),
    ("Mutation.holdLot", Access::Roles(&[Qa])),
    ("Mutation.liftLotHold", Access::Roles(&[Qa])),
    ("Mutation.discardLot", Access::Roles(&[Qa])),
    ("Mutation.expireLot", Access::Roles(&[Qa])),
    ("Mutation.destroyLot", Access::Roles(&[Qa])),
    ("Mutation.openDeviation", Access::Roles(DEVIATION_REPORTERS)),
    (
        "Mutation.assessDeviation",
        Access::Roles(DEVIATION_REPORTERS),
    ),
    ("Mutation.closeDeviation", Access::Roles(&[Qa])),
    ("Mutation.fillUnits", Access::Roles(PRODUCTION_STAFF)),
    ("Mutation.storeUnit", Access::Roles(PRODUCTION_STAFF)),
    (
        "Mutation.printUnitLabel",
        Access::Roles(&cordtrace_domain::manufacturing::commands::units::LABEL_PRINTERS),
    ),
    ("Mutation.dispatchUnit", Access::Roles(UNIT_CUSTODIANS)),
    ("Mutation.receiveUnit", Access::Roles(UNIT_CUSTODIANS)),
    ("Mutation.setUnitStatus", Access::Roles(&[Qa])),
    ("Query.lot", Access::Roles(PRODUCTION_READERS)),
    ("Query.lotByCode", Access::Roles(PRODUCTION_READERS)),
    ("Query.lots", Access::Roles(PRODUCTION_READERS)),
    ("Query.step", Access::Roles(PRODUCTION_READERS)),
    ("Query.steps", Access::Roles(PRODUCTION_READERS)),
    ("Query.deviation", Access::Roles(PRODUCTION_READERS)),
    ("Query.deviations", Access::Roles(PRODUCTION_READERS)),
    ("Query.unit", Access::Roles(UNIT_READERS)),
    ("Query.units", Access::Roles(UNIT_READERS)),
    ("Query.unitsInCustody", Access::Roles(UNIT_READERS)),
    ("Query.unitByLabel", Access::Roles(UNIT_READERS)),
    ("Query.unitsByDin", Access::Roles(UNIT_READERS)),
    ("Query.upstream", Access::Roles(PRODUCTION_READERS)),
    ("Query.downstream", Access::Roles(PRODUCTION_READERS)),
    // Intake: donors, donations, materials, equipment, product codes. Technicians (and QA, as
    // the domain allows) enter donor data; technicians register and receive donations; QA
    // determines eligibility and redacts a donor's personal data (both signed) and sets
    // material QC; admins define product codes. Reads: technician, analyst, qa, auditor. A
    // donor's personal data: technician and qa only; any other reader of a donor gets FORBIDDEN
    // at `personalData` and null there.
    ("Mutation.registerDonor", Access::Roles(DONOR_STAFF)),
    ("Mutation.recordConsent", Access::Roles(DONOR_STAFF)),
    ("Mutation.withdrawConsent", Access::Roles(DONOR_STAFF)),
    ("Mutation.recordScreening", Access::Roles(DONOR_STAFF)),
    (
        "Mutation.requestEligibility",
        Access::Roles(&[Role::Technician]),
    ),
    ("Mutation.determineEligibility", Access::Roles(&[Qa])),
    ("Mutation.redactDonorPersonalData", Access::Roles(&[Qa])),
    ("Mutation.registerDonation", Access::Roles(DONATION_STAFF)),
    ("Mutation.receiveDonation", Access::Roles(DONATION_STAFF)),
    ("Mutation.registerMaterialLot", Access::Roles(DONOR_STAFF)),
    ("Mutation.setMaterialQcStatus", Access::Roles(&[Qa])),
    ("Mutation.registerEquipment", Access::Roles(DONOR_STAFF)),
    ("Mutation.calibrateEquipment", Access::Roles(DONOR_STAFF)),
    ("Mutation.defineProduct", Access::Roles(&[Admin])),
    ("Query.donor", Access::Roles(INTAKE_READERS)),
    ("Query.donorByKey", Access::Roles(INTAKE_READERS)),
    ("Query.donors", Access::Roles(INTAKE_READERS)),
    ("Query.donation", Access::Roles(INTAKE_READERS)),
    ("Query.donationByDin", Access::Roles(INTAKE_READERS)),
    ("Query.donations", Access::Roles(INTAKE_READERS)),
    ("Query.screeningPanel", Access::Roles(INTAKE_READERS)),
    ("Query.materialLot", Access::Roles(INTAKE_READERS)),
    ("Query.materialLots", Access::Roles(INTAKE_READERS)),
    ("Query.equipment", Access::Roles(INTAKE_READERS)),
    ("Query.equipmentList", Access::Roles(INTAKE_READERS)),
    ("Query.equipmentByAssetTag", Access::Roles(INTAKE_READERS)),
    (
        "Query.materialLotsBySupplierLot",
        Access::Roles(INTAKE_READERS),
    ),
    ("Query.products", Access::Roles(EVERY_ROLE)),
    ("Donor.personalData", Access::Roles(DONOR_STAFF)),
    // Release: analysts begin testing and record results; QA imports and defines
    // specifications, invalidates results, closes investigations and disposes of lots (all
    // signed but specifications). Specifications, testing records, results, investigations and
    // release blockers are read by technician, analyst, qa and auditor; the certificate of
    // analysis also by clinicians, who receive it with the product (it names donors by key only).
    ("Mutation.importDefaultSpecification", Access::Roles(&[Qa])),
    ("Mutation.defineSpecification", Access::Roles(&[Qa])),
    ("Mutation.beginTesting", Access::Roles(&[Role::Analyst])),
    ("Mutation.recordTestResult", Access::Roles(&[Role::Analyst])),
    ("Mutation.invalidateTestResult", Access::Roles(&[Qa])),
    ("Mutation.closeInvestigation", Access::Roles(&[Qa])),
    ("Mutation.releaseLot", Access::Roles(&[Qa])),
    ("Mutation.rejectLot", Access::Roles(&[Qa])),
    ("Query.specifications", Access::Roles(RELEASE_READERS)),
    ("Query.specification", Access::Roles(RELEASE_READERS)),
    ("Query.lotTesting", Access::Roles(RELEASE_READERS)),
    ("Query.testResult", Access::Roles(RELEASE_READERS)),
    ("Query.investigations", Access::Roles(RELEASE_READERS)),
    ("Query.investigation", Access::Roles(RELEASE_READERS)),
    ("Query.releaseBlockers", Access::Roles(RELEASE_READERS)),
    (
        "Query.certificateOfAnalysis",
        Access::Roles(CERTIFICATE_READERS),
    ),
    // Clinical: clinicians register patients, weigh them, redact their personal data (signed),
    // sign orders, check at the bedside, sign administrations and record follow-up; clinicians
    // and technicians allocate, take back and thaw units (dispatch and receipt are the
    // production hand-offs above); QA signs recalls. Patients, orders and administrations are
    // read by clinician, qa and auditor; look-back and outcome summaries also by analysts. A
    // patient's personal data: clinicians only; any other reader of a patient gets FORBIDDEN at
    // `personalData` and null there.
    ("Mutation.registerPatient", Access::Roles(CLINICIANS)),
    ("Mutation.recordWeight", Access::Roles(CLINICIANS)),
    (
        "Mutation.redactPatientPersonalData",
        Access::Roles(CLINICIANS),
    ),
    ("Mutation.placeOrder", Access::Roles(CLINICIANS)),
    ("Mutation.cancelOrder", Access::Roles(CLINICIANS)),
    ("Mutation.allocateUnit", Access::Roles(UNIT_PREPARERS)),
    ("Mutation.deallocateUnit", Access::Roles(UNIT_PREPARERS)),
    ("Mutation.thawUnit", Access::Roles(UNIT_PREPARERS)),
    ("Mutation.bedsideCheck", Access::Roles(CLINICIANS)),
    ("Mutation.administerUnit", Access::Roles(CLINICIANS)),
    ("Mutation.recordVisit", Access::Roles(CLINICIANS)),
    ("Mutation.recordAdverseEvent", Access::Roles(CLINICIANS)),
    ("Mutation.resolveAdverseEvent", Access::Roles(CLINICIANS)),
    ("Mutation.recall", Access::Roles(&[Qa])),
    ("Query.patient", Access::Roles(PATIENT_READERS)),
    ("Query.patientByKey", Access::Roles(PATIENT_READERS)),
    ("Query.patients", Access::Roles(PATIENT_READERS)),
    ("Query.order", Access::Roles(PATIENT_READERS)),
    ("Query.administration", Access::Roles(PATIENT_READERS)),
    ("Query.lookback", Access::Roles(OUTCOME_READERS)),
    ("Query.outcomeSummary", Access::Roles(OUTCOME_READERS)),
    ("Patient.personalData", Access::Roles(CLINICIANS)),
    ("PatientExposure.patient", Access::Roles(PATIENT_READERS)),
    // A downstream trace is read by production readers, but the administrations it reaches
    // carry a patient's weight, dose and reactions: only those who read administrations read
    // them there (the count stays open; look-back gives analysts the patients by key).
    ("Downstream.administrations", Access::Roles(PATIENT_READERS)),
];

/// The rule for `Type.field`, if the table has one.
pub fn rule(operation: &str) -> Option<Access> {
    RULES
        .iter()
        .find(|(name, _)| *name == operation)
        .map(|(_, access)| *access)
}

/// What a user whose password was reset by an admin may do until they change it.
const OPEN_DURING_PASSWORD_CHANGE: [&str; 3] =
    ["Mutation.changePassword", "Mutation.logout", "Query.me"];

fn check(viewer: &Viewer, operation: &str, is_root: bool) -> Result<(), ApiError> {
    if let Viewer::Session(session) = viewer
        && is_root
        && session.user.must_change_password
        && !OPEN_DURING_PASSWORD_CHANGE.contains(&operation)
    {
        return Err(ApiError::forbidden_because(
            "PASSWORD_CHANGE_REQUIRED",
            "change your password before anything else",
        ));
    }
    match rule(operation) {
        Some(Access::Public) => Ok(()),
        Some(Access::Authenticated) => viewer.session().map(|_| ()),
        Some(Access::Roles(_)) => viewer.acting_role(operation).map(|_| ()),
        // Default deny for operations; other fields are open unless the table names them.
        None if is_root => {
            viewer.session()?;
            Err(ApiError::forbidden())
        }
        None => Ok(()),
    }
}

/// Applies the rule of the root operation `operation` (such as `Query.certificateOfAnalysis`)
/// to `viewer` outside GraphQL, exactly as the extension does: for the HTTP routes that serve
/// what a query returns in another form.
pub fn authorize(viewer: &Viewer, operation: &str) -> Result<(), ApiError> {
    check(viewer, operation, true)
}

/// The extension that consults [`RULES`] before any resolver runs.
pub struct AccessControl;

impl ExtensionFactory for AccessControl {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(AccessControlExtension)
    }
}

struct AccessControlExtension;

#[async_graphql::async_trait::async_trait]
impl Extension for AccessControlExtension {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        if info.is_for_introspection || info.name.starts_with("__") {
            return next.run(ctx, info).await;
        }
        let is_root = matches!(info.parent_type, "Query" | "Mutation");
        let operation = format!("{}.{}", info.parent_type, info.name);
        let viewer = ctx.data_opt::<Viewer>().unwrap_or(&Viewer::Anonymous);
        if let Err(error) = check(viewer, &operation, is_root) {
            let error: async_graphql::Error = error.into();
            let mut server_error = error.into_server_error(async_graphql::Pos::default());
            server_error.locations.clear();
            server_error.path = error_path(info.path_node);
            // A refused nullable field becomes null there (`crate::field_errors`).
            return Err(server_error);
        }
        next.run(ctx, info).await
    }
}

/// The response path of the field at `node`, list positions as numbers (`["donors", "nodes", 0,
/// "personalData"]`).
fn error_path(node: &QueryPathNode<'_>) -> Vec<PathSegment> {
    let mut path = Vec::new();
    let mut current = Some(node);
    while let Some(node) = current {
        path.push(match node.segment {
            QueryPathSegment::Name(name) => PathSegment::Field(name.to_owned()),
            QueryPathSegment::Index(index) => PathSegment::Index(index),
        });
        current = node.parent;
    }
    path.reverse();
    path
}

#[cfg(test)]
mod tests {
    use cordtrace_domain::Role;
    use cordtrace_domain::subject::SubjectKind;

    use super::{Access, readers, rule};

    /// The query that reads the records of `kind`, where one does.
    fn query_reading(kind: SubjectKind) -> Option<&'static str> {
        Some(match kind {
            SubjectKind::User => "Query.user",
            SubjectKind::Donor => "Query.donor",
            SubjectKind::Donation => "Query.donation",
            SubjectKind::MaterialLot => "Query.materialLot",
            SubjectKind::Equipment => "Query.equipment",
            SubjectKind::Product => "Query.products",
            SubjectKind::Lot => "Query.lot",
            SubjectKind::Step => "Query.step",
            SubjectKind::Deviation => "Query.deviation",
            SubjectKind::Unit => "Query.unit",
            SubjectKind::Specification => "Query.specification",
            SubjectKind::TestResult => "Query.testResult",
            SubjectKind::Investigation => "Query.investigation",
            SubjectKind::Patient => "Query.patient",
            SubjectKind::Order => "Query.order",
            SubjectKind::Administration => "Query.administration",
            SubjectKind::BedsideCheck
            | SubjectKind::Visit
            | SubjectKind::AdverseEvent
            | SubjectKind::Recall => return None,
        })
    }

    #[test]
    fn a_subject_kind_is_read_by_whoever_reads_its_records() {
        for kind in SubjectKind::ALL {
            match query_reading(kind) {
                Some(operation) => assert_eq!(
                    rule(operation),
                    Some(Access::Roles(readers(kind))),
                    "{kind} and {operation}"
                ),
                // Bedside checks, visits and adverse events are read on their patient.
                None if kind != SubjectKind::Recall => {
                    assert_eq!(readers(kind), readers(SubjectKind::Patient), "{kind}");
                }
                None => {}
            }
        }
    }

    #[test]
    fn a_recall_is_read_by_those_who_read_both_the_patients_and_the_product() {
        let both: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|role| {
                [SubjectKind::Patient, SubjectKind::Donor, SubjectKind::Lot]
                    .into_iter()
                    .all(|kind| readers(kind).contains(role))
            })
            .collect();
        assert_eq!(readers(SubjectKind::Recall), both.as_slice());
    }
}
