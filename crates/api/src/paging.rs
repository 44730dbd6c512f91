//! Relay cursor pagination as every growing list reads it: `first` within bounds, `after` as
//! the key of the last item seen.

use std::str::FromStr;

use async_graphql::OutputType;
use async_graphql::connection::{Connection, Edge, EmptyFields};
use cordtrace_store::queries::Page;

use crate::error::{ApiError, ApiResult};

/// Page size when `first` is not given.
pub(crate) const DEFAULT_PAGE: u64 = 50;
/// Largest page any list returns, whatever `first` asks.
pub(crate) const MAX_PAGE: u64 = 500;

/// A Relay connection whose cursor is the item's key.
pub(crate) type KeyConnection<T> = Connection<String, T, EmptyFields, EmptyFields>;

/// `first` within bounds: `default` when absent, at most [`MAX_PAGE`], refused when negative.
pub(crate) fn page_size(first: Option<i32>, default: u64) -> ApiResult<u64> {
    match first {
        None => Ok(default),
        Some(first) => u64::try_from(first)
            .map(|first| first.min(MAX_PAGE))
            .map_err(|_| ApiError::validation("BAD_PAGE_SIZE", "`first` must not be negative")),
    }
}

/// `after` parsed as a key.
pub(crate) fn cursor<K: FromStr>(after: Option<String>) -> ApiResult<Option<K>> {
    after
        .map(|cursor| {
            cursor.parse::<K>().map_err(|_| {
                ApiError::validation("BAD_CURSOR", format!("`{cursor}` is not a cursor"))
            })
        })
        .transpose()
}

/// A page as a connection; `has_previous` is whether the page started after a cursor.
pub(crate) fn connection<T, N>(
    page: Page<T>,
    has_previous: bool,
    key: impl Fn(&T) -> String,
) -> KeyConnection<N>
where
    N: OutputType + From<T>,
{
    let mut connection = Connection::new(has_previous, page.has_next);
    connection.edges.extend(
        page.items
            .into_iter()
            .map(|item| Edge::new(key(&item), N::from(item))),
    );
    connection
}
