//! Relay cursor connections: opaque cursors over a stable order `(timestamp, id)`, so pages
//! neither skip nor repeat rows when new ones arrive.

use super::errors::bad_argument;
use super::locale::Locale;
use super::sentences;
use async_graphql::SimpleObject;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use time::OffsetDateTime;
use uuid::Uuid;

/// Default page size.
const DEFAULT_PAGE: i32 = 20;
/// Largest page: bounds the work one query can ask for.
const MAX_PAGE: i32 = 100;

/// Paging information (Relay).
#[derive(SimpleObject, Debug)]
pub struct PageInfo {
    /// Whether there are more items after this page.
    pub has_next_page: bool,
    /// Always false: these lists page forward only.
    pub has_previous_page: bool,
    /// The first item's cursor.
    pub start_cursor: Option<String>,
    /// The last item's cursor, to pass as `after`.
    pub end_cursor: Option<String>,
}

impl PageInfo {
    /// For a page whose edges have these cursors.
    pub fn new(cursors: &[String], has_next_page: bool) -> Self {
        PageInfo {
            has_next_page,
            has_previous_page: false,
            start_cursor: cursors.first().cloned(),
            end_cursor: cursors.last().cloned(),
        }
    }
}

/// A position in a `(timestamp, id)` order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub at: OffsetDateTime,
    pub id: Uuid,
}

impl Cursor {
    /// The opaque form.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}:{}", self.at.unix_timestamp_nanos(), self.id))
    }

    /// Reads an opaque cursor; a bad one is a `BAD_USER_INPUT` error.
    pub fn decode(text: &str, locale: Locale) -> async_graphql::Result<Self> {
        let parsed = URL_SAFE_NO_PAD
            .decode(text)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .and_then(|text| {
                let (nanos, id) = text.split_once(':')?;
                let at = OffsetDateTime::from_unix_timestamp_nanos(nanos.parse().ok()?).ok()?;
                // Every row was written by this service, after 1970 and before 10000: a cursor
                // outside that range was made by hand, and the databases cannot even compare
                // some of those times (a negative year is a 500 on both).
                if !(1970..=9999).contains(&at.year()) {
                    return None;
                }
                Some(Cursor {
                    at,
                    id: Uuid::parse_str(id).ok()?,
                })
            });
        parsed.ok_or_else(|| bad_argument(sentences::CURSOR_NOT_FROM_LIST.pick(locale)))
    }
}

/// The page size asked for, bounded; out of range is a `BAD_USER_INPUT` error.
pub fn page_size(first: Option<i32>, locale: Locale) -> async_graphql::Result<u64> {
    let first = first.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&first) {
        return Err(bad_argument(sentences::PAGE_SIZE.pick(locale)));
    }
    Ok(u64::try_from(first).unwrap_or(20))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let cursor = Cursor {
            at: time::macros::datetime!(2026-12-01 10:00:00.123456 UTC),
            id: Uuid::new_v4(),
        };
        assert_eq!(
            Cursor::decode(&cursor.encode(), Locale::En).unwrap(),
            cursor
        );
        assert!(Cursor::decode("nope", Locale::En).is_err());
        let year_minus_9999 = URL_SAFE_NO_PAD.encode(format!(
            "{}:{}",
            time::macros::datetime!(-9999-01-01 0:00 UTC).unix_timestamp_nanos(),
            Uuid::new_v4()
        ));
        assert!(Cursor::decode(&year_minus_9999, Locale::En).is_err());
        assert!(page_size(Some(0), Locale::En).is_err());
        assert!(page_size(Some(101), Locale::En).is_err());
        assert_eq!(page_size(None, Locale::En).unwrap(), 20);
    }
}
