//! One builder for every Relay connection: it reads the page size and the `after` cursor, fetches
//! one row more than the page to learn whether another page follows, and makes the edges (each
//! with its cursor) and the `PageInfo`.

use super::locale::Locale;
use super::pagination::{Cursor, PageInfo, page_size};
use std::future::Future;
use time::OffsetDateTime;
use uuid::Uuid;

/// One page of a connection: its edges and its paging information.
#[derive(Debug)]
pub struct Page<E> {
    /// The edges on this page, in the list's order.
    pub edges: Vec<E>,
    /// Paging information.
    pub page_info: PageInfo,
}

/// Builds one page of a list in a `(timestamp, id)` order.
///
/// - `first`, `after`: the arguments as the client gave them (a bad page size or cursor is a
///   `BAD_USER_INPUT` error, before anything is fetched);
/// - `fetch`: reads at most `limit` rows after the given position (the builder asks for one more
///   than the page);
/// - `position`: a row's place in the order, which becomes its cursor;
/// - `edge`: makes an edge from a row and its cursor.
pub async fn page<R, E, Fut>(
    first: Option<i32>,
    after: Option<String>,
    locale: Locale,
    fetch: impl FnOnce(Option<(OffsetDateTime, Uuid)>, u64) -> Fut,
    position: impl Fn(&R) -> Cursor,
    edge: impl Fn(R, String) -> E,
) -> async_graphql::Result<Page<E>>
where
    Fut: Future<Output = async_graphql::Result<Vec<R>>>,
{
    let limit = page_size(first, locale)?;
    let after = after.map(|c| Cursor::decode(&c, locale)).transpose()?;
    let mut rows = fetch(after.map(|c| (c.at, c.id)), limit + 1).await?;
    let has_next_page = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let (cursors, edges): (Vec<String>, Vec<E>) = rows
        .into_iter()
        .map(|row| {
            let cursor = position(&row).encode();
            (cursor.clone(), edge(row, cursor))
        })
        .unzip();
    Ok(Page {
        page_info: PageInfo::new(&cursors, has_next_page),
        edges,
    })
}
