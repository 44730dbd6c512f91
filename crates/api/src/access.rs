//! Who may call what: the one access table, and the extension that enforces it.
//!
//! Every root field of Query and Mutation must have a rule here; a field without one is refused
//! (default deny), and a test calls every operation in `schema.graphql` as every role to hold the
//! table to account. Fields of other types appear here only when they carry personal data.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo,
};
use async_graphql::{ServerResult, Value};
use cordtrace_domain::Role;
use cordtrace_domain::Role::{Admin, Auditor, Qa};

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
const USER_ADMINS: &[Role] = &[Admin];
const LEDGER_READERS: &[Role] = &[Auditor, Qa, Admin];

/// The access table: `Type.field` and its rule.
pub const RULES: &[(&str, Access)] = &[
    // Identity.
    ("Mutation.login", Access::Public),
    ("Mutation.logout", Access::Authenticated),
    ("Mutation.changePassword", Access::Authenticated),
    ("Query.me", Access::Authenticated),
    ("Query.users", Access::Roles(USER_ADMINS)),
    ("Query.user", Access::Roles(USER_ADMINS)),
    ("Mutation.createUser", Access::Roles(USER_ADMINS)),
    ("Mutation.setUserRoles", Access::Roles(USER_ADMINS)),
    ("Mutation.deactivateUser", Access::Roles(USER_ADMINS)),
    ("Mutation.reactivateUser", Access::Roles(USER_ADMINS)),
    ("Mutation.resetPassword", Access::Roles(USER_ADMINS)),
    ("Mutation.unlockUser", Access::Roles(USER_ADMINS)),
    // The ledger: auditors read it whole; everyone else sees their own work through the domain.
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
            server_error.path = info
                .path_node
                .to_string_vec()
                .into_iter()
                .map(async_graphql::PathSegment::Field)
                .collect();
            return Err(server_error);
        }
        next.run(ctx, info).await
    }
}
