//! What every resolver can reach: the executor, policies, and who is asking.

use std::net::IpAddr;
use std::sync::Arc;

use cordtrace_domain::{Actor, Role};
use cordtrace_store::Executor;
use cordtrace_store::auth::{AuthPolicy, Session};
use cordtrace_store::executor::Command;
use tokio::sync::Semaphore;

use crate::access::{self, Access};
use crate::error::{ApiError, ApiResult};
use crate::throttle::{LoginThrottle, ThrottlePolicy};

/// Shared by every request.
#[derive(Clone)]
pub struct ApiContext {
    /// The only write path, and the database for reads.
    pub executor: Executor,
    /// Lockout and session timing.
    pub auth_policy: AuthPolicy,
    /// The installation's checkpoint key (signing on demand, verification).
    pub signer: cordtrace_ledger::LedgerSigner,
    /// Screening markers, transit limit and the FIN for assigned DINs.
    pub manufacturing: cordtrace_store::commands::manufacturing::ManufacturingPolicy,
    /// Thaw window, weight window, dose tolerance, check validity and the facility time zone.
    pub clinical: cordtrace_store::commands::clinical::ClinicalPolicy,
    /// Failed sign-ins of this process, per address and username.
    pub login_throttle: Arc<LoginThrottle>,
    /// Ledger verifications run one at a time: each reads the whole ledger, and several at
    /// once would hold every database connection.
    pub verifications: Arc<Semaphore>,
}

impl ApiContext {
    /// The context over `executor` with these policies, and a fresh throttle.
    pub fn new(
        executor: Executor,
        signer: cordtrace_ledger::LedgerSigner,
        policies: Policies,
    ) -> Self {
        Self {
            executor,
            auth_policy: policies.auth,
            signer,
            manufacturing: policies.manufacturing,
            clinical: policies.clinical,
            login_throttle: Arc::new(LoginThrottle::new(policies.login_throttle)),
            verifications: Arc::new(Semaphore::new(1)),
        }
    }

    /// The viewer a session token names: the live session, or [`Viewer::InvalidToken`] when
    /// the token names none (unknown, expired, idle too long, user deactivated). The one
    /// resolver for bearer tokens and browser session cookies alike, so both follow the same
    /// session rules. Only a failure of the database is an error (INTERNAL, logged).
    pub async fn viewer_for_token(&self, token: &str) -> ApiResult<Viewer> {
        let session =
            cordtrace_store::auth::session_for_token(&self.executor, self.auth_policy, token)
                .await
                .map_err(ApiError::from)?;
        Ok(match session {
            Some(session) => Viewer::Session(Box::new(session)),
            None => Viewer::InvalidToken,
        })
    }
}

/// The policies an [`ApiContext`] applies, from the installation's configuration.
#[derive(Clone, Debug)]
pub struct Policies {
    /// Lockout and session timing.
    pub auth: AuthPolicy,
    /// How many failed sign-ins are tolerated before attempts are refused unchecked.
    pub login_throttle: ThrottlePolicy,
    /// Screening markers, transit limit and the FIN for assigned DINs.
    pub manufacturing: cordtrace_store::commands::manufacturing::ManufacturingPolicy,
    /// Thaw window, weight window, dose tolerance, check validity and the facility time zone.
    pub clinical: cordtrace_store::commands::clinical::ClinicalPolicy,
}

/// The address of the client that sent a request, as the HTTP layer saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

/// Who is asking, resolved once per request from the bearer token.
#[derive(Clone, Debug)]
pub enum Viewer {
    /// No token was sent.
    Anonymous,
    /// A token was sent but names no live session.
    InvalidToken,
    /// A live session.
    Session(Box<Session>),
}

impl Viewer {
    /// The session, or UNAUTHENTICATED.
    pub fn session(&self) -> ApiResult<&Session> {
        match self {
            Viewer::Session(session) => Ok(session),
            Viewer::Anonymous | Viewer::InvalidToken => Err(ApiError::unauthenticated()),
        }
    }

    /// The role under which the viewer may perform `operation`, per the access table.
    ///
    /// A user with several roles acts in the first of them (in [`Role::ALL`] order) that the
    /// operation allows; that role is what the ledger records.
    pub fn acting_role(&self, operation: &str) -> ApiResult<Option<Role>> {
        let session = self.session()?;
        match access::rule(operation) {
            Some(Access::Public | Access::Authenticated) => Ok(None),
            Some(Access::Roles(allowed)) => Role::ALL
                .into_iter()
                .find(|role| allowed.contains(role) && session.user.roles.contains(*role))
                .map(Some)
                .ok_or_else(ApiError::forbidden),
            None => Err(ApiError::forbidden()),
        }
    }

    /// The actor for `operation`: the user in their acting role. Operations open to any
    /// authenticated user act in the user's first role.
    pub fn actor(&self, operation: &str) -> ApiResult<Actor> {
        let session = self.session()?;
        let role = match self.acting_role(operation)? {
            Some(role) => role,
            None => session
                .user
                .roles
                .iter()
                .next()
                .ok_or_else(ApiError::forbidden)?,
        };
        Ok(Actor::User {
            user_id: session.user.id,
            role,
        })
    }
}

/// Reads the shared context and the viewer from a resolver's context.
pub(crate) fn parts<'a>(
    ctx: &'a async_graphql::Context<'_>,
) -> ApiResult<(&'a ApiContext, &'a Viewer)> {
    let api = ctx
        .data::<ApiContext>()
        .map_err(|_| ApiError::new(crate::error::ErrorCode::Internal, "internal error"))?;
    let viewer = ctx.data::<Viewer>().unwrap_or(&Viewer::Anonymous);
    Ok((api, viewer))
}

/// Runs `command` as the viewer acting for `operation`, and returns the context for the read
/// that follows. The command checks in its own transaction that the viewer's session is still
/// live, so a session ended while the request waited writes nothing (UNAUTHENTICATED).
pub(crate) async fn execute<'a, C: Command>(
    ctx: &'a async_graphql::Context<'_>,
    operation: &str,
    command: C,
) -> ApiResult<(&'a ApiContext, C::Output)> {
    let (api, viewer) = parts(ctx)?;
    let actor = viewer.actor(operation)?;
    let session = viewer.session()?;
    let committed = api
        .executor
        .execute_in_session(session.session_id, actor, command)
        .await?;
    Ok((api, committed.output))
}
