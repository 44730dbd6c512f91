//! Identity mutations.

use async_graphql::{Context, InputObject, Object};
use cordtrace_domain::identity::commands::NewUser;
use cordtrace_domain::identity::{Password, PrintedName, Username};
use cordtrace_domain::ids::UserId;
use cordtrace_domain::values::Narrative;
use cordtrace_store::auth::{self, PasswordChangeError};
use cordtrace_store::commands::users::{AdminChange, ChangeUser, RegisterUser};
use uuid::Uuid;

use std::time::Instant;

use super::types::{LoginPayload, RoleValue, UserObject, roles_from};
use crate::context::{ClientAddress, execute, parts};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::throttle::Attempt;

/// A new user, created by an admin with a temporary password.
#[derive(InputObject, Debug)]
pub struct CreateUserInput {
    /// Login name: 3 to 64 of a-z, 0-9, `.`, `_`, `-`, starting with a letter.
    pub username: String,
    /// The name printed in signature manifestations.
    pub printed_name: String,
    /// At least one role.
    pub roles: Vec<RoleValue>,
    /// A temporary password (at least 12 characters, not the username), to change at first login.
    #[graphql(secret)]
    pub temporary_password: String,
}

/// Identity mutations.
#[derive(Default)]
pub struct IdentityMutation;

fn username(raw: &str) -> ApiResult<Username> {
    Username::parse(raw).map_err(|error| ApiError::validation("BAD_USERNAME", error.to_string()))
}

fn policy_error(error: cordtrace_domain::identity::PasswordPolicyError) -> ApiError {
    ApiError::validation("PASSWORD_POLICY", error.to_string())
}

fn printed_name(raw: &str) -> ApiResult<PrintedName> {
    PrintedName::parse(raw).map_err(|error| ApiError::validation(error.code(), error.to_string()))
}

fn parse_reason(raw: &str) -> ApiResult<Narrative> {
    Narrative::parse(raw, "reason")
        .map_err(|error| ApiError::validation(error.code(), error.to_string()))
}

async fn change_user(
    ctx: &Context<'_>,
    operation: &str,
    user_id: Uuid,
    change: AdminChange,
) -> ApiResult<UserObject> {
    let user_id = UserId::from_uuid(user_id);
    let (api, ()) = execute(ctx, operation, ChangeUser { user_id, change }).await?;
    auth::find_user(&api.executor, user_id)
        .await?
        .map(UserObject::from)
        .ok_or_else(|| ApiError::not_found(format!("user {user_id}")))
}

#[Object]
impl IdentityMutation {
    /// Signs in. A failure never says whether the username exists. After too many failures
    /// from one address or at one username within the throttle window, attempts are refused
    /// with FORBIDDEN `TOO_MANY_FAILED_LOGINS` before any password is compared.
    async fn login(
        &self,
        ctx: &Context<'_>,
        username: String,
        #[graphql(secret)] password: String,
    ) -> ApiResult<LoginPayload> {
        let (api, _) = parts(ctx)?;
        let address = ctx.data_opt::<ClientAddress>().map(|address| address.0);
        let attempt = Attempt::new(address, &username);
        api.login_throttle
            .check(&attempt, Instant::now())
            .map_err(|throttled| {
                tracing::warn!(
                    target: "cordtrace::security",
                    client = ?address,
                    "sign-in refused unchecked: too many failures"
                );
                ApiError::forbidden_because(
                    "TOO_MANY_FAILED_LOGINS",
                    format!(
                        "too many failed sign-ins; try again in {} minutes",
                        throttled.retry_after.as_secs().div_ceil(60).max(1)
                    ),
                )
            })?;
        let Some(logged_in) =
            auth::login(&api.executor, api.auth_policy, &username, password).await?
        else {
            api.login_throttle.record_failure(attempt, Instant::now());
            return Err(ApiError::new(
                ErrorCode::Unauthenticated,
                "invalid username or password",
            ));
        };
        api.login_throttle.record_success(&attempt);
        Ok(LoginPayload {
            token: logged_in.token.expose().to_owned(),
            expires_at: logged_in.session.expires_at.as_datetime(),
            idle_expires_at: logged_in.session.idle_expires_at.as_datetime(),
            user: logged_in.session.user.into(),
        })
    }

    /// Ends the current session.
    async fn logout(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        let (api, viewer) = parts(ctx)?;
        auth::logout(&api.executor, viewer.session()?).await?;
        Ok(true)
    }

    /// Changes the signed-in user's password; the current one is required.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(secret)] current_password: String,
        #[graphql(secret)] new_password: String,
    ) -> ApiResult<bool> {
        let (api, viewer) = parts(ctx)?;
        let session = viewer.session()?;
        let actor = viewer.actor("Mutation.changePassword")?;
        auth::change_password(
            &api.executor,
            actor,
            session,
            current_password,
            new_password,
        )
        .await
        .map_err(|error| match error {
            PasswordChangeError::WrongPassword => {
                ApiError::validation("WRONG_PASSWORD", "the current password is wrong")
            }
            PasswordChangeError::Unchanged => ApiError::validation(
                "PASSWORD_UNCHANGED",
                "the new password must differ from the current one",
            ),
            PasswordChangeError::Policy(error) => policy_error(error),
            PasswordChangeError::Command(error) => error.into(),
        })?;
        Ok(true)
    }

    /// Creates a user who must change the temporary password at first login.
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        input: CreateUserInput,
    ) -> ApiResult<UserObject> {
        let (_, viewer) = parts(ctx)?;
        viewer.actor("Mutation.createUser")?;
        let username = username(&input.username)?;
        let printed_name = printed_name(&input.printed_name)?;
        let roles = roles_from(input.roles)?;
        let password = Password::new(input.temporary_password, &username).map_err(policy_error)?;
        let password_hash = auth::password::hash(password).await?;
        let user_id = UserId::from_uuid(Uuid::now_v7());
        let new = NewUser {
            user_id,
            username,
            printed_name,
            roles,
            must_change_password: true,
        };
        let (api, user_id) = execute(
            ctx,
            "Mutation.createUser",
            RegisterUser { new, password_hash },
        )
        .await?;
        auth::find_user(&api.executor, user_id)
            .await?
            .map(UserObject::from)
            .ok_or_else(|| ApiError::not_found(format!("user {user_id}")))
    }

    /// Replaces a user's roles.
    async fn set_user_roles(
        &self,
        ctx: &Context<'_>,
        user_id: Uuid,
        roles: Vec<RoleValue>,
    ) -> ApiResult<UserObject> {
        let roles = roles_from(roles)?;
        change_user(
            ctx,
            "Mutation.setUserRoles",
            user_id,
            AdminChange::Roles(roles),
        )
        .await
    }

    /// Deactivates a user; users are never deleted. Every session of the user ends for good:
    /// after a reactivation the user signs in anew.
    async fn deactivate_user(
        &self,
        ctx: &Context<'_>,
        user_id: Uuid,
        #[graphql(desc = "Why (1 to 4000 characters).")] reason: String,
    ) -> ApiResult<UserObject> {
        let reason = parse_reason(&reason)?;
        change_user(
            ctx,
            "Mutation.deactivateUser",
            user_id,
            AdminChange::Deactivate(reason),
        )
        .await
    }

    /// Reactivates a user.
    async fn reactivate_user(&self, ctx: &Context<'_>, user_id: Uuid) -> ApiResult<UserObject> {
        change_user(
            ctx,
            "Mutation.reactivateUser",
            user_id,
            AdminChange::Reactivate,
        )
        .await
    }

    /// Sets a temporary password the user must change at next login. Every session of the user
    /// ends for good.
    async fn reset_password(
        &self,
        ctx: &Context<'_>,
        user_id: Uuid,
        #[graphql(secret)] temporary_password: String,
    ) -> ApiResult<UserObject> {
        let (api, _) = parts(ctx)?;
        let user = auth::find_user(&api.executor, UserId::from_uuid(user_id))
            .await?
            .ok_or_else(|| ApiError::not_found(format!("user {user_id}")))?;
        let password = Password::new(temporary_password, &user.username).map_err(policy_error)?;
        let password_hash = auth::password::hash(password).await?;
        change_user(
            ctx,
            "Mutation.resetPassword",
            user_id,
            AdminChange::ResetPassword(password_hash),
        )
        .await
    }

    /// Lifts a lockout, and this server's sign-in throttle on the username.
    async fn unlock_user(&self, ctx: &Context<'_>, user_id: Uuid) -> ApiResult<UserObject> {
        let user = change_user(ctx, "Mutation.unlockUser", user_id, AdminChange::Unlock).await?;
        let (api, _) = parts(ctx)?;
        api.login_throttle.forgive(&user.username);
        Ok(user)
    }
}
