//! Building blocks the newer migrations share: portable column shapes, indexes, and column
//! changes one statement at a time (SQLite alters one column per `ALTER TABLE`). A migration
//! that uses one relies on it staying as it is: change these only by adding.

use sea_orm_migration::prelude::*;

/// A timestamp with time zone, required.
pub(crate) fn timestamp(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

/// A UUID primary key.
pub(crate) fn uuid_key(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .uuid()
        .not_null()
        .primary_key()
        .to_owned()
}

/// An index on `columns` of `table` (unique when asked): a statement of its own, as SQLite has
/// no inline index syntax.
pub(crate) async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    columns: Vec<DynIden>,
    unique: bool,
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(column);
    }
    if unique {
        index.unique();
    }
    manager.create_index(index.to_owned()).await
}

/// Adds columns to a table, one `ALTER TABLE` each.
pub(crate) async fn add_columns(
    manager: &SchemaManager<'_>,
    table: impl IntoIden,
    columns: Vec<ColumnDef>,
) -> Result<(), DbErr> {
    let table = table.into_iden();
    for mut column in columns {
        manager
            .alter_table(
                Table::alter()
                    .table(table.clone())
                    .add_column(&mut column)
                    .to_owned(),
            )
            .await?;
    }
    Ok(())
}

/// Drops columns from a table, one `ALTER TABLE` each.
pub(crate) async fn drop_columns(
    manager: &SchemaManager<'_>,
    table: impl IntoIden,
    columns: Vec<DynIden>,
) -> Result<(), DbErr> {
    let table = table.into_iden();
    for column in columns {
        manager
            .alter_table(
                Table::alter()
                    .table(table.clone())
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
    }
    Ok(())
}
