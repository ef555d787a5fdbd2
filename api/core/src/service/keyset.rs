//! Keyset pagination, the one way every list pages: rows are ordered by a time and then an id,
//! and a page starts strictly after the cursor `(time, id)` of the last row of the page before,
//! so a row inserted meanwhile never shifts a page (as an offset would).

use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};
use time::OffsetDateTime;
use uuid::Uuid;

/// Which way a list runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Oldest (or soonest) first.
    Ascending,
    /// Newest first.
    Descending,
}

/// Orders `query` by `(at, id)` in `direction`, keeps the rows after the cursor `after`, and at
/// most `limit` of them.
pub fn page<E: EntityTrait>(
    query: Select<E>,
    (at, id): (E::Column, E::Column),
    direction: Direction,
    after: Option<(OffsetDateTime, Uuid)>,
    limit: u64,
) -> Select<E> {
    let mut query = query;
    if let Some((cursor_at, cursor_id)) = after {
        let beyond = |column: E::Column, value: sea_orm::Value| match direction {
            Direction::Ascending => column.gt(value),
            Direction::Descending => column.lt(value),
        };
        query = query.filter(
            Condition::any().add(beyond(at, cursor_at.into())).add(
                Condition::all()
                    .add(at.eq(cursor_at))
                    .add(beyond(id, cursor_id.into())),
            ),
        );
    }
    let order = match direction {
        Direction::Ascending => sea_orm::Order::Asc,
        Direction::Descending => sea_orm::Order::Desc,
    };
    query
        .order_by(at, order.clone())
        .order_by(id, order)
        .limit(limit)
}
