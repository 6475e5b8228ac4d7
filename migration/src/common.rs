//! Column and index builders shared by the migrations, so every table gets the same bookkeeping.

use sea_orm_migration::{prelude::*, schema::*};

/// A table with the columns every domain record has: `id`, `created_at`, `updated_at`, `version`.
pub fn record_table(name: &'static str) -> TableCreateStatement {
    Table::create()
        .table(name)
        .col(pk_auto("id"))
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"))
        .col(integer("version").default(1))
        .to_owned()
}

/// A short text column for enumerations (stored as their upper-case names).
pub fn enum_col(name: &'static str) -> ColumnDef {
    string_len(name, 32)
}

/// A nullable enumeration column.
pub fn enum_col_null(name: &'static str) -> ColumnDef {
    string_len_null(name, 32)
}

/// A foreign key from `table.column` to `target.id`.
pub fn fk(
    table: &'static str,
    column: &'static str,
    target: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, "id")
        .on_delete(on_delete)
        .to_owned()
}

/// A (non-unique) index named after its table and columns.
pub fn index(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(format!("ix_{table}_{}", columns.join("_")))
        .table(table);
    for c in columns {
        stmt.col(*c);
    }
    stmt.to_owned()
}

/// A unique index named after its table and columns.
pub fn unique(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = index(table, columns);
    stmt.name(format!("ux_{table}_{}", columns.join("_")))
        .unique();
    stmt
}

/// Creates the table and then its indexes.
pub async fn create(
    manager: &SchemaManager<'_>,
    table: TableCreateStatement,
    indexes: Vec<IndexCreateStatement>,
) -> Result<(), DbErr> {
    manager.create_table(table).await?;
    for ix in indexes {
        manager.create_index(ix).await?;
    }
    Ok(())
}

/// Drops a table (its indexes go with it).
pub async fn drop(manager: &SchemaManager<'_>, table: &'static str) -> Result<(), DbErr> {
    manager
        .drop_table(Table::drop().table(table).to_owned())
        .await
}
