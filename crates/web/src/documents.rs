//! The GraphQL documents the pages execute, one file each in `src/graphql/`.
//!
//! Each page reads an answer into serde types of its own; [`ALL`] lets a test validate every
//! document against the schema, so a schema change that breaks a page fails a test.

macro_rules! documents {
    ($($(#[$doc:meta])* $name:ident = $file:literal;)*) => {
        $($(#[$doc])* pub const $name: &str = include_str!(concat!("graphql/", $file));)*
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
    CLINIC = "clinic.graphql";
    /// A patient by key.
    PATIENT = "patient.graphql";
    /// `bedsideCheck`.
    BEDSIDE_CHECK = "bedside_check.graphql";
    /// The patient of an accepted check, and the signer's printed name.
    BEDSIDE_PATIENT = "bedside_patient.graphql";
    /// `administerUnit`.
    ADMINISTER = "administer.graphql";
}
