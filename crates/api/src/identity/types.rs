//! GraphQL counterparts of identity types.

use async_graphql::{Enum, InputObject, SimpleObject};
use chrono::{DateTime, Utc};
use cordtrace_domain::identity::User;
use cordtrace_domain::signature::Meaning;
use cordtrace_domain::{Role, Roles};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};

/// A role a user can hold.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "Role")]
pub enum RoleValue {
    /// Manufacturing: donations, receipt, processing steps, units.
    Technician,
    /// Quality control testing.
    Analyst,
    /// Quality assurance: disposition, eligibility, deviations, recalls.
    Qa,
    /// Patients, orders and the bedside.
    Clinician,
    /// Reads everything but personal data; runs verification.
    Auditor,
    /// Users and configuration only.
    Admin,
}

impl From<Role> for RoleValue {
    fn from(role: Role) -> Self {
        match role {
            Role::Technician => RoleValue::Technician,
            Role::Analyst => RoleValue::Analyst,
            Role::Qa => RoleValue::Qa,
            Role::Clinician => RoleValue::Clinician,
            Role::Auditor => RoleValue::Auditor,
            Role::Admin => RoleValue::Admin,
        }
    }
}

impl From<RoleValue> for Role {
    fn from(role: RoleValue) -> Self {
        match role {
            RoleValue::Technician => Role::Technician,
            RoleValue::Analyst => Role::Analyst,
            RoleValue::Qa => Role::Qa,
            RoleValue::Clinician => Role::Clinician,
            RoleValue::Auditor => Role::Auditor,
            RoleValue::Admin => Role::Admin,
        }
    }
}

/// Parses a role list from the API.
pub(crate) fn roles_from(values: Vec<RoleValue>) -> ApiResult<Roles> {
    Roles::new(values.into_iter().map(Role::from))
        .map_err(|error| ApiError::validation("NO_ROLES", error.to_string()))
}

/// A staff user. Password hashes are never part of it.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(name = "User")]
pub struct UserObject {
    /// Identity.
    pub id: Uuid,
    /// Login name.
    pub username: String,
    /// The name printed in signature manifestations.
    pub printed_name: String,
    /// Roles.
    pub roles: Vec<RoleValue>,
    /// False once deactivated.
    pub active: bool,
    /// True after an admin reset until the user sets a new password.
    pub must_change_password: bool,
    /// Consecutive failed password checks.
    pub failed_logins: u32,
    /// While in the future, logins and signatures are refused.
    pub locked_until: Option<DateTime<Utc>>,
    /// When the user was registered.
    pub registered_at: DateTime<Utc>,
}

impl From<User> for UserObject {
    fn from(user: User) -> Self {
        Self {
            id: user.id.as_uuid(),
            username: user.username.to_string(),
            printed_name: user.printed_name.to_string(),
            roles: user.roles.iter().map(RoleValue::from).collect(),
            active: user.active,
            must_change_password: user.must_change_password,
            failed_logins: user.failed_logins,
            locked_until: user.locked_until.map(|t| t.as_datetime()),
            registered_at: user.registered_at.as_datetime(),
        }
    }
}

/// What a signature means (21 CFR 11.50).
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "SignatureMeaning")]
pub enum MeaningInput {
    /// "I wrote this."
    Authorship,
    /// "I reviewed this."
    Review,
    /// "I approve this."
    Approval,
    /// "I take responsibility for this."
    Responsibility,
    /// "I verified this."
    Verification,
}

impl From<MeaningInput> for Meaning {
    fn from(meaning: MeaningInput) -> Self {
        match meaning {
            MeaningInput::Authorship => Meaning::Authorship,
            MeaningInput::Review => Meaning::Review,
            MeaningInput::Approval => Meaning::Approval,
            MeaningInput::Responsibility => Meaning::Responsibility,
            MeaningInput::Verification => Meaning::Verification,
        }
    }
}

impl From<Meaning> for MeaningInput {
    fn from(meaning: Meaning) -> Self {
        match meaning {
            Meaning::Authorship => MeaningInput::Authorship,
            Meaning::Review => MeaningInput::Review,
            Meaning::Approval => MeaningInput::Approval,
            Meaning::Responsibility => MeaningInput::Responsibility,
            Meaning::Verification => MeaningInput::Verification,
        }
    }
}

/// An electronic signature: the signer re-enters their password (21 CFR 11.200).
#[derive(InputObject, Debug)]
pub struct SignatureInput {
    /// The signer's password.
    #[graphql(secret)]
    pub password: String,
    /// What the signature means.
    pub meaning: MeaningInput,
}

/// A successful login.
#[derive(SimpleObject, Debug)]
pub struct LoginPayload {
    /// The bearer token for `Authorization: Bearer <token>`; shown once.
    pub token: String,
    /// The session ends at this time whatever its use.
    pub expires_at: DateTime<Utc>,
    /// The session ends at this time if unused.
    pub idle_expires_at: DateTime<Utc>,
    /// The user.
    pub user: UserObject,
}

/// The signed-in user and their session.
#[derive(SimpleObject, Debug)]
pub struct Me {
    /// Identity.
    pub id: Uuid,
    /// Login name.
    pub username: String,
    /// Printed name.
    pub printed_name: String,
    /// Roles.
    pub roles: Vec<RoleValue>,
    /// True after an admin reset: only `changePassword`, `logout` and `me` are open until then.
    pub must_change_password: bool,
    /// The session ends at this time whatever its use.
    pub session_expires_at: DateTime<Utc>,
    /// The session ends at this time if unused.
    pub session_idle_expires_at: DateTime<Utc>,
}
