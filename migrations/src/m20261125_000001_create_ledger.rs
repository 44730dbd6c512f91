//! The ledger: entries, their subject index, stored Merkle hashes and signed checkpoints.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LedgerEntry {
    Table,
    Seq,
    Id,
    RecordedAt,
    ActorKind,
    ActorUserId,
    ActorRole,
    Action,
    Subjects,
    Payload,
    CorrectsSeq,
    CorrectionReason,
    Signature,
    PrevHash,
    Hash,
}

#[derive(DeriveIden)]
enum LedgerSubject {
    Table,
    SubjectKind,
    SubjectId,
    Seq,
    PrevSeq,
}

#[derive(DeriveIden)]
enum MerkleHash {
    Table,
    HashIndex,
    Hash,
}

#[derive(DeriveIden)]
enum Checkpoint {
    Table,
    TreeSize,
    RootHash,
    SignedAt,
    Note,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Entry fields are stored exactly as they are hashed (text timestamps, hex hashes, JSON
        // text), so an entry is rebuilt byte for byte from its row on either backend.
        manager
            .create_table(
                Table::create()
                    .table(LedgerEntry::Table)
                    .col(
                        ColumnDef::new(LedgerEntry::Seq)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(LedgerEntry::Id)
                            .uuid()
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(LedgerEntry::RecordedAt)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(LedgerEntry::ActorKind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(LedgerEntry::ActorUserId).uuid().null())
                    .col(ColumnDef::new(LedgerEntry::ActorRole).string_len(16).null())
                    .col(
                        ColumnDef::new(LedgerEntry::Action)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(LedgerEntry::Subjects).text().not_null())
                    .col(ColumnDef::new(LedgerEntry::Payload).text().not_null())
                    .col(
                        ColumnDef::new(LedgerEntry::CorrectsSeq)
                            .big_integer()
                            .null(),
                    )
                    .col(ColumnDef::new(LedgerEntry::CorrectionReason).text().null())
                    .col(ColumnDef::new(LedgerEntry::Signature).text().null())
                    // Unique: two entries claiming the same predecessor would be a fork.
                    .col(
                        ColumnDef::new(LedgerEntry::PrevHash)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(LedgerEntry::Hash)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_ledger_entry_corrects")
                            .from(LedgerEntry::Table, LedgerEntry::CorrectsSeq)
                            .to(LedgerEntry::Table, LedgerEntry::Seq)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_ledger_entry_corrects_seq")
                    .table(LedgerEntry::Table)
                    .col(LedgerEntry::CorrectsSeq)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_ledger_entry_action")
                    .table(LedgerEntry::Table)
                    .col(LedgerEntry::Action)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LedgerSubject::Table)
                    .col(
                        ColumnDef::new(LedgerSubject::SubjectKind)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(LedgerSubject::SubjectId)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(LedgerSubject::Seq).big_integer().not_null())
                    .col(ColumnDef::new(LedgerSubject::PrevSeq).big_integer().null())
                    .primary_key(
                        Index::create()
                            .col(LedgerSubject::SubjectKind)
                            .col(LedgerSubject::SubjectId)
                            .col(LedgerSubject::Seq),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_ledger_subject_seq")
                            .from(LedgerSubject::Table, LedgerSubject::Seq)
                            .to(LedgerEntry::Table, LedgerEntry::Seq)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        // A sub-chain cannot fork either: one successor per predecessor.
        manager
            .create_index(
                Index::create()
                    .name("uq_ledger_subject_prev_seq")
                    .table(LedgerSubject::Table)
                    .col(LedgerSubject::SubjectKind)
                    .col(LedgerSubject::SubjectId)
                    .col(LedgerSubject::PrevSeq)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_ledger_subject_seq")
                    .table(LedgerSubject::Table)
                    .col(LedgerSubject::Seq)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(MerkleHash::Table)
                    .col(
                        ColumnDef::new(MerkleHash::HashIndex)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(MerkleHash::Hash).string_len(64).not_null())
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Checkpoint::Table)
                    .col(
                        ColumnDef::new(Checkpoint::TreeSize)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Checkpoint::RootHash)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Checkpoint::SignedAt)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Checkpoint::Note).text().not_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Checkpoint::Table.into_iden(),
            MerkleHash::Table.into_iden(),
            LedgerSubject::Table.into_iden(),
            LedgerEntry::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
