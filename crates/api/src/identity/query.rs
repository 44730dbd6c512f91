//! Identity queries.

use async_graphql::connection::{Connection, Edge, EmptyFields, query};
use async_graphql::{Context, Object, SimpleObject};
use cordtrace_domain::ids::UserId;
use cordtrace_store::auth;
use uuid::Uuid;

use super::types::{Me, RoleValue, UserObject};
use crate::context::parts;
use crate::error::{ApiError, ApiResult};

/// The facility an installation serves.
#[derive(SimpleObject)]
pub struct Facility {
    /// The IANA time zone (setting `facility_time_zone`) in which labels are printed and
    /// people read times.
    time_zone: String,
}

/// Identity queries.
#[derive(Default)]
pub struct IdentityQuery;

#[Object]
impl IdentityQuery {
    /// The signed-in user and their session.
    async fn me(&self, ctx: &Context<'_>) -> ApiResult<Me> {
        let (_, viewer) = parts(ctx)?;
        let session = viewer.session()?;
        let user = &session.user;
        Ok(Me {
            id: user.id.as_uuid(),
            username: user.username.to_string(),
            printed_name: user.printed_name.to_string(),
            roles: user.roles.iter().map(RoleValue::from).collect(),
            must_change_password: user.must_change_password,
            session_expires_at: session.expires_at.as_datetime(),
            session_idle_expires_at: session.idle_expires_at.as_datetime(),
        })
    }

    /// The installation's facility settings that clients show.
    async fn facility(&self, ctx: &Context<'_>) -> ApiResult<Facility> {
        let (api, _) = parts(ctx)?;
        Ok(Facility {
            time_zone: api.clinical.time_zone.name().to_owned(),
        })
    }

    /// Every user, by username.
    async fn users(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        first: Option<i32>,
    ) -> async_graphql::Result<Connection<String, UserObject, EmptyFields, EmptyFields>> {
        let (api, _) = parts(ctx)?;
        let all = auth::list_users(&api.executor)
            .await
            .map_err(ApiError::from)?;
        query(
            after,
            None,
            first,
            None,
            |after: Option<String>, _: Option<String>, first, _| async move {
                let first = first.unwrap_or(50).min(500);
                let start = match &after {
                    Some(cursor) => all
                        .iter()
                        .position(|u| u.username.as_str() > cursor.as_str())
                        .unwrap_or(all.len()),
                    None => 0,
                };
                let page: Vec<_> = all.iter().skip(start).take(first).cloned().collect();
                let mut connection = Connection::new(start > 0, start + page.len() < all.len());
                connection.edges.extend(
                    page.into_iter()
                        .map(|user| Edge::new(user.username.to_string(), UserObject::from(user))),
                );
                Ok::<_, async_graphql::Error>(connection)
            },
        )
        .await
    }

    /// One user.
    async fn user(&self, ctx: &Context<'_>, id: Uuid) -> ApiResult<UserObject> {
        let (api, _) = parts(ctx)?;
        auth::find_user(&api.executor, UserId::from_uuid(id))
            .await?
            .map(UserObject::from)
            .ok_or_else(|| ApiError::not_found(format!("user {id}")))
    }
}
