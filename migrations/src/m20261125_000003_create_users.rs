//! Users, their password credentials and their sessions.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
    Username,
    PrintedName,
    Roles,
    Active,
    MustChangePassword,
    FailedLogins,
    LockedUntil,
    RegisteredAt,
}

#[derive(DeriveIden)]
enum UserCredential {
    Table,
    UserId,
    PasswordHash,
    ChangedAt,
}

#[derive(DeriveIden)]
enum UserSession {
    Table,
    Id,
    TokenHash,
    UserId,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    EndedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AppUser::Table)
                    .col(ColumnDef::new(AppUser::Id).uuid().not_null().primary_key())
                    .col(
                        ColumnDef::new(AppUser::Username)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(AppUser::PrintedName)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(ColumnDef::new(AppUser::Roles).string_len(128).not_null())
                    .col(ColumnDef::new(AppUser::Active).boolean().not_null())
                    .col(
                        ColumnDef::new(AppUser::MustChangePassword)
                            .boolean()
                            .not_null(),
                    )
                    .col(ColumnDef::new(AppUser::FailedLogins).integer().not_null())
                    .col(
                        ColumnDef::new(AppUser::LockedUntil)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(AppUser::RegisteredAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;

        // Kept apart from the user so that no query of users can ever select a hash by accident.
        manager
            .create_table(
                Table::create()
                    .table(UserCredential::Table)
                    .col(
                        ColumnDef::new(UserCredential::UserId)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(UserCredential::PasswordHash)
                            .string_len(256)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(UserCredential::ChangedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_user_credential_user")
                            .from(UserCredential::Table, UserCredential::UserId)
                            .to(AppUser::Table, AppUser::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(UserSession::Table)
                    .col(
                        ColumnDef::new(UserSession::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(UserSession::TokenHash)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(UserSession::UserId).uuid().not_null())
                    .col(
                        ColumnDef::new(UserSession::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(UserSession::LastSeenAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(UserSession::ExpiresAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(UserSession::EndedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_user_session_user")
                            .from(UserSession::Table, UserSession::UserId)
                            .to(AppUser::Table, AppUser::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_user_session_user_id")
                    .table(UserSession::Table)
                    .col(UserSession::UserId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            UserSession::Table.into_iden(),
            UserCredential::Table.into_iden(),
            AppUser::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
