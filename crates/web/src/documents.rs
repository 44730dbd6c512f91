//! The GraphQL documents the pages execute, one file each in `src/graphql/`.
//!
//! Each page reads an answer into serde types of its own; [`ALL`] lets a test validate every
//! document against the schema, so a schema change that breaks a page fails a test. A document
//! may be followed by fragment files it shares with others (`+ "entry.graphql"`).

macro_rules! documents {
    ($($(#[$doc:meta])* $name:ident = $file:literal $(+ $fragment:literal)*;)*) => {
        $($(#[$doc])* pub const $name: &str = concat!(
            include_str!(concat!("graphql/", $file))
            $(, "\n", include_str!(concat!("graphql/", $fragment)))*
        );)*
        /// Every document, by file name.
        pub const ALL: &[(&str, &str)] = &[$(($file, $name)),*];
    };
}

documents! {
    /// Who is signed in, and whether they must change their password.
    ME = "me.graphql";
    /// The shell: who is signed in, in which roles, and the facility's time zone.
    SHELL = "shell.graphql";
    /// `login`.
    SIGN_IN = "sign_in.graphql";
    /// `logout`.
    SIGN_OUT = "sign_out.graphql";
    /// `changePassword`.
    CHANGE_PASSWORD = "change_password.graphql";
    /// A clinician's home: units allocated to active orders.
    CLINIC = "clinic.graphql" + "follow_up.graphql";
    /// A patient by key: weights, orders with their units, administrations, follow-up.
    PATIENT = "patient.graphql" + "follow_up.graphql";
    /// A patient's personal data, for those who may read it.
    PATIENT_PERSONAL = "patient_personal.graphql";
    /// The list of patients.
    PATIENTS = "patients.graphql";
    /// `registerPatient`.
    REGISTER_PATIENT = "register_patient.graphql";
    /// `recordWeight`.
    RECORD_WEIGHT = "record_weight.graphql";
    /// `placeOrder`.
    PLACE_ORDER = "place_order.graphql";
    /// `cancelOrder`.
    CANCEL_ORDER = "cancel_order.graphql";
    /// A unit by the DIN and product code of its label.
    UNIT_BY_LABEL = "unit_by_label.graphql";
    /// The units of one DIN.
    UNITS_BY_DIN = "units_by_din.graphql";
    /// `allocateUnit`.
    ALLOCATE_UNIT = "allocate_unit.graphql";
    /// `receiveUnit`: the ward's receipt.
    RECEIVE_UNIT = "receive_unit.graphql";
    /// `thawUnit`.
    THAW_UNIT = "thaw_unit.graphql";
    /// `recordVisit`.
    RECORD_VISIT = "record_visit.graphql";
    /// `recordAdverseEvent`.
    RECORD_ADVERSE_EVENT = "record_adverse_event.graphql";
    /// One unit.
    UNIT = "unit.graphql";
    /// A lot's id by its code.
    LOT_BY_CODE = "lot_by_code.graphql";
    /// One lot with its parents, children and units.
    LOT = "lot.graphql";
    /// The outcome summary by dose, lot and donor.
    OUTCOMES = "outcomes.graphql";
    /// A page of the ledger, of one action or all.
    LEDGER_ENTRIES = "ledger_entries.graphql" + "entry.graphql";
    /// A page of one subject's chain of custody.
    CHAIN_OF_CUSTODY = "chain_of_custody.graphql" + "entry.graphql";
    /// The latest signed checkpoint and the public key that verifies it.
    CHECKPOINT = "checkpoint.graphql";
    /// `verifyLedger`.
    VERIFY_LEDGER = "verify_ledger.graphql";
    /// An entry's inclusion proof against the latest checkpoint.
    INCLUSION_PROOF = "inclusion_proof.graphql";
    /// A user's printed name, for who did what.
    USER_NAME = "user_name.graphql";
    /// A look-back: the lots and units downstream of a donor, donation, material lot or lot,
    /// and the patients (by opaque key) who received one.
    LOOKBACK = "lookback.graphql";
    /// `recall`.
    RECALL = "recall.graphql";
    /// The lots in QUARANTINE, waiting for a disposition.
    RELEASE_QUEUE = "release_queue.graphql";
    /// What stands between a lot and its release.
    RELEASE_BLOCKERS = "release_blockers.graphql";
    /// A lot's review: blockers, specification, results, investigations, donors.
    LOT_REVIEW = "lot_review.graphql";
    /// `releaseLot`.
    RELEASE_LOT = "release_lot.graphql";
    /// `rejectLot`.
    REJECT_LOT = "reject_lot.graphql";
    /// The users, for their administrator.
    USERS = "users.graphql";
    /// One user.
    USER = "user.graphql";
    /// `createUser`.
    CREATE_USER = "create_user.graphql";
    /// `setUserRoles`.
    SET_USER_ROLES = "set_user_roles.graphql";
    /// `deactivateUser`.
    DEACTIVATE_USER = "deactivate_user.graphql";
    /// `reactivateUser`.
    REACTIVATE_USER = "reactivate_user.graphql";
    /// `unlockUser`.
    UNLOCK_USER = "unlock_user.graphql";
    /// `resetPassword`.
    RESET_PASSWORD = "reset_password.graphql";
    /// `bedsideCheck`.
    BEDSIDE_CHECK = "bedside_check.graphql";
    /// The patient of an accepted check, and the signer's printed name.
    BEDSIDE_PATIENT = "bedside_patient.graphql";
    /// `administerUnit`.
    ADMINISTER = "administer.graphql";
    /// The product description codes, a page of them.
    PRODUCTS = "products.graphql";
    /// `defineProduct`.
    DEFINE_PRODUCT = "define_product.graphql";
    /// Every release specification version, with its tests.
    SPECIFICATIONS = "specifications.graphql";
    /// `importDefaultSpecification`.
    IMPORT_DEFAULT_SPECIFICATION = "import_default_specification.graphql";
    /// A page of donors: key, eligibility, consent, flags.
    DONORS = "donors.graphql";
    /// One donor with consent, screening, eligibility and donations, and the screening panel.
    DONOR = "donor.graphql";
    /// A donor's personal data, for those who may read it.
    DONOR_PERSONAL = "donor_personal.graphql";
    /// `registerDonor`.
    REGISTER_DONOR = "register_donor.graphql";
    /// `recordConsent`.
    RECORD_CONSENT = "record_consent.graphql";
    /// `withdrawConsent`.
    WITHDRAW_CONSENT = "withdraw_consent.graphql";
    /// `recordScreening`.
    RECORD_SCREENING = "record_screening.graphql";
    /// `requestEligibility`.
    REQUEST_ELIGIBILITY = "request_eligibility.graphql";
    /// `determineEligibility`.
    DETERMINE_ELIGIBILITY = "determine_eligibility.graphql";
    /// A page of donations with their receipt.
    DONATIONS = "donations.graphql";
    /// One donation with its receipt.
    DONATION = "donation.graphql";
    /// `registerDonation`.
    REGISTER_DONATION = "register_donation.graphql";
    /// `receiveDonation`.
    RECEIVE_DONATION = "receive_donation.graphql";
    /// A donation's id by its DIN, for search.
    DONATION_BY_DIN = "donation_by_din.graphql";
    /// A donor's id by her opaque key, for a look-back.
    DONOR_BY_KEY = "donor_by_key.graphql";
    /// A page of the lots in process, for the technician's worklist.
    LAB_LOTS = "lab_lots.graphql";
    /// The steps of a lot, for its current step.
    LAB_STEPS = "lab_steps.graphql";
    /// A page of the units in one custody state: the hand-offs waiting (IN_TRANSIT), the
    /// units received and not stored since (RECEIVED).
    LAB_UNITS_IN_CUSTODY = "lab_units_in_custody.graphql";
    /// The measurement kinds with the unit and range the API documents for each.
    MEASUREMENT_KINDS = "measurement_kinds.graphql";
    /// `recordStep` from a received donation: the first step, and the lot it made.
    RECORD_FIRST_STEP = "record_first_step.graphql";
    /// `recordStep`.
    RECORD_STEP = "record_step.graphql";
    /// A piece of equipment by its scanned asset tag.
    EQUIPMENT_BY_ASSET_TAG = "equipment_by_asset_tag.graphql";
    /// The material lots of a scanned supplier lot number.
    MATERIAL_LOTS_BY_SUPPLIER_LOT = "material_lots_by_supplier_lot.graphql";
    /// `openDeviation`.
    OPEN_DEVIATION = "open_deviation.graphql";
    /// `fillUnits`.
    FILL_UNITS = "fill_units.graphql";
    /// `completeLot`.
    COMPLETE_LOT = "complete_lot.graphql";
    /// `storeUnit`.
    STORE_UNIT = "store_unit.graphql";
    /// `dispatchUnit`.
    DISPATCH_UNIT = "dispatch_unit.graphql";
    /// A unit's lineage: everything behind it.
    LINEAGE_UNIT = "lineage_unit.graphql" + "lineage_upstream.graphql" + "lineage_records.graphql";
    /// A lot's lineage: everything behind it and a page of what was made from it.
    LINEAGE_LOT = "lineage_lot.graphql" + "lineage_upstream.graphql" + "lineage_downstream.graphql"
        + "lineage_records.graphql";
    /// A donor's lineage: her donations and a page of what was made from them.
    LINEAGE_DONOR = "lineage_donor.graphql" + "lineage_downstream.graphql" + "lineage_records.graphql";
    /// A donation's lineage: its donor and a page of what was made from it.
    LINEAGE_DONATION = "lineage_donation.graphql" + "lineage_downstream.graphql"
        + "lineage_records.graphql";
    /// A material lot's lineage: a page of what the steps using it made.
    LINEAGE_MATERIAL_LOT = "lineage_material_lot.graphql" + "lineage_downstream.graphql"
        + "lineage_records.graphql";
    /// A lot's record for its review's forms: result ids and retests, steps, deviations.
    RELEASE_RECORD = "release_record.graphql";
    /// `beginTesting`.
    BEGIN_TESTING = "begin_testing.graphql";
    /// `recordTestResult`.
    RECORD_TEST_RESULT = "record_test_result.graphql";
    /// `invalidateTestResult`.
    INVALIDATE_TEST_RESULT = "invalidate_test_result.graphql";
    /// `closeInvestigation`.
    CLOSE_INVESTIGATION = "close_investigation.graphql";
    /// `assessDeviation`.
    ASSESS_DEVIATION = "assess_deviation.graphql";
    /// `closeDeviation`.
    CLOSE_DEVIATION = "close_deviation.graphql";
    /// Material lots and equipment.
    MATERIALS = "materials.graphql";
    /// `registerMaterialLot`.
    REGISTER_MATERIAL_LOT = "register_material_lot.graphql";
    /// `setMaterialQcStatus`.
    SET_MATERIAL_QC_STATUS = "set_material_qc_status.graphql";
    /// `registerEquipment`.
    REGISTER_EQUIPMENT = "register_equipment.graphql";
    /// `calibrateEquipment`.
    CALIBRATE_EQUIPMENT = "calibrate_equipment.graphql";
}
