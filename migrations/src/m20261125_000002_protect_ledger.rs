//! Triggers that make the ledger tables append-only on both backends (design invariant 2).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const APPEND_ONLY_TABLES: [&str; 4] = [
    "ledger_entry",
    "ledger_subject",
    "merkle_hash",
    "checkpoint",
];

const POSTGRES_FUNCTION: &str = r#"
CREATE OR REPLACE FUNCTION cordtrace_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match db.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(POSTGRES_FUNCTION).await?;
                for table in APPEND_ONLY_TABLES {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} \
                         FOR EACH ROW EXECUTE FUNCTION cordtrace_reject_change()"
                    ))
                    .await?;
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} \
                         FOR EACH STATEMENT EXECUTE FUNCTION cordtrace_reject_change()"
                    ))
                    .await?;
                }
            }
            DbBackend::Sqlite => {
                for table in APPEND_ONLY_TABLES {
                    for operation in ["UPDATE", "DELETE"] {
                        db.execute_unprepared(&format!(
                            "CREATE TRIGGER {table}_no_{} BEFORE {operation} ON {table} BEGIN \
                             SELECT RAISE(ABORT, '{table} is append-only: {operation} refused'); END",
                            operation.to_lowercase()
                        ))
                        .await?;
                    }
                }
            }
            other => {
                return Err(DbErr::Migration(format!("unsupported backend {other:?}")));
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in APPEND_ONLY_TABLES {
            if db.get_database_backend() == DbBackend::Postgres {
                db.execute_unprepared(&format!(
                    "DROP TRIGGER IF EXISTS {table}_append_only ON {table}"
                ))
                .await?;
                db.execute_unprepared(&format!(
                    "DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}"
                ))
                .await?;
            } else {
                for operation in ["update", "delete"] {
                    db.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS {table}_no_{operation}"
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }
}
