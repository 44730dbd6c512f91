//! Small builders the migrations share for columns, foreign keys and indexes.
//!
//! Landed migrations call these, so a change here changes what an old migration would create on
//! a new database: only ever add functions, never change what an existing one builds.

use sea_orm_migration::prelude::*;

/// A column definition by name.
pub(crate) fn col(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
}

/// A foreign key that refuses deletion of the referenced row.
pub(crate) fn fk(name: &str, from: (&str, &str), to: (&str, &str)) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(Alias::new(from.0), Alias::new(from.1))
        .to(Alias::new(to.0), Alias::new(to.1))
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

/// A (non-unique) index; call `.unique()` on the result for a unique one.
pub(crate) fn index(name: &str, table: &str, columns: &[&str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(Alias::new(table));
    for column in columns {
        index.col(Alias::new(*column));
    }
    index.to_owned()
}
