//! `app_user` <-> [`User`].

use std::collections::BTreeMap;

use cordtrace_domain::identity::{PrintedName, User, Username};
use cordtrace_domain::ids::UserId;
use cordtrace_domain::{Roles, Timestamp};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::entity::app_user;
use crate::error::{QueryError, corrupt};

pub(crate) async fn save(db: &impl ConnectionTrait, user: &User) -> Result<(), QueryError> {
    let row = app_user::ActiveModel {
        id: Set(user.id.as_uuid()),
        username: Set(user.username.as_str().to_owned()),
        printed_name: Set(user.printed_name.as_str().to_owned()),
        roles: Set(user.roles.to_csv()),
        active: Set(user.active),
        must_change_password: Set(user.must_change_password),
        failed_logins: Set(i32::try_from(user.failed_logins).unwrap_or(i32::MAX)),
        locked_until: Set(user.locked_until.map(|t| t.as_datetime())),
        registered_at: Set(user.registered_at.as_datetime()),
    };
    app_user::Entity::insert(row)
        .on_conflict(
            OnConflict::column(app_user::Column::Id)
                .update_columns([
                    app_user::Column::Username,
                    app_user::Column::PrintedName,
                    app_user::Column::Roles,
                    app_user::Column::Active,
                    app_user::Column::MustChangePassword,
                    app_user::Column::FailedLogins,
                    app_user::Column::LockedUntil,
                ])
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}

pub(crate) fn from_row(row: app_user::Model) -> Result<User, QueryError> {
    Ok(User {
        id: UserId::from_uuid(row.id),
        username: Username::parse(&row.username).map_err(|e| corrupt("app_user.username", e))?,
        printed_name: PrintedName::parse(&row.printed_name)
            .map_err(|e| corrupt("app_user.printed_name", e))?,
        roles: Roles::from_csv(&row.roles).map_err(|e| corrupt("app_user.roles", e))?,
        active: row.active,
        must_change_password: row.must_change_password,
        failed_logins: u32::try_from(row.failed_logins)
            .map_err(|e| corrupt("app_user.failed_logins", e))?,
        locked_until: row.locked_until.map(Timestamp::from_datetime),
        registered_at: Timestamp::from_datetime(row.registered_at),
    })
}

/// The user with `id`.
pub(crate) async fn find(
    db: &impl ConnectionTrait,
    id: UserId,
) -> Result<Option<User>, QueryError> {
    app_user::Entity::find_by_id(id.as_uuid())
        .one(db)
        .await?
        .map(from_row)
        .transpose()
}

/// The user with `username`.
pub(crate) async fn find_by_username(
    db: &impl ConnectionTrait,
    username: &Username,
) -> Result<Option<User>, QueryError> {
    app_user::Entity::find()
        .filter(app_user::Column::Username.eq(username.as_str()))
        .one(db)
        .await?
        .map(from_row)
        .transpose()
}

pub(crate) async fn load_all(
    db: &impl ConnectionTrait,
) -> Result<BTreeMap<UserId, User>, QueryError> {
    app_user::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|row| from_row(row).map(|user| (user.id, user)))
        .collect()
}
