//! Each source's state, for `/readyz` and the logs.
//!
//! A [`SourceStatus`] is one CRL URL or file, or one CA's OCSP responder: whether it answered
//! last time, when it last did, why it did not, and (for a CRL) when the held CRL's
//! nextUpdate is. [`Health`] keeps it, and logs a source going down or coming back once, at the
//! change: a source that keeps failing is logged at `debug` on later runs, never a warning a
//! minute.

use serde::Serialize;
use time::OffsetDateTime;

/// Which kind of source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SourceKind {
    /// A CRL URL or file.
    Crl,
    /// A CA's OCSP responder.
    Ocsp,
}

/// How a source did last time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SourceState {
    /// Its last fetch gave usable revocation data.
    Ok,
    /// Its last fetch failed (`last_error` says why); a CRL source still serves the last good
    /// CRL, if any, until that CRL's nextUpdate.
    Failing,
    /// Not fetched yet.
    NeverFetched,
}

/// One source's state, as `/readyz` shows it. Times are RFC 3339, UTC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceStatus {
    /// `CRL` or `OCSP`.
    pub kind: SourceKind,
    /// The CA's configured name.
    pub ca: String,
    /// The URL, or the file's path.
    pub url: String,
    /// How the last fetch went.
    pub state: SourceState,
    /// When it last gave usable revocation data (the caller's clock).
    #[serde(serialize_with = "optional_time")]
    pub last_success: Option<OffsetDateTime>,
    /// Why the last fetch failed, when it did.
    pub last_error: Option<String>,
    /// For a CRL: the nextUpdate of the CRL held (the earliest, for a file of several).
    #[serde(serialize_with = "optional_time")]
    pub next_update: Option<OffsetDateTime>,
}

fn optional_time<S: serde::Serializer>(
    time: &Option<OffsetDateTime>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match time {
        Some(time) => serializer.serialize_str(&signatures::rfc3339(*time)),
        None => serializer.serialize_none(),
    }
}

/// The changing part of a [`SourceStatus`], with the logging of its changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Health {
    pub state: SourceState,
    pub last_success: Option<OffsetDateTime>,
    pub last_error: Option<String>,
}

impl Health {
    pub fn new() -> Self {
        Health {
            state: SourceState::NeverFetched,
            last_success: None,
            last_error: None,
        }
    }

    /// Records a success at `now`; logs when the source was failing (or had never answered).
    pub fn succeeded(&mut self, kind: SourceKind, ca: &str, url: &str, now: OffsetDateTime) {
        match self.state {
            SourceState::Failing => {
                tracing::info!(kind = ?kind, ca, url, "revocation source is back");
            }
            SourceState::NeverFetched => {
                tracing::info!(kind = ?kind, ca, url, "revocation source is up");
            }
            SourceState::Ok => {}
        }
        self.state = SourceState::Ok;
        self.last_success = Some(now);
        self.last_error = None;
    }

    /// Records a failure; a warning when the source was not failing already.
    pub fn failed(&mut self, kind: SourceKind, ca: &str, url: &str, error: &str) {
        if self.state == SourceState::Failing {
            tracing::debug!(kind = ?kind, ca, url, error, "revocation source still failing");
        } else {
            let last_success = self.last_success.map(signatures::rfc3339);
            tracing::warn!(
                kind = ?kind,
                ca,
                url,
                error,
                last_success = last_success.as_deref().unwrap_or("never"),
                "revocation source is failing"
            );
        }
        self.state = SourceState::Failing;
        self.last_error = Some(error.to_owned());
    }

    pub fn status(
        &self,
        kind: SourceKind,
        ca: &str,
        url: &str,
        next_update: Option<OffsetDateTime>,
    ) -> SourceStatus {
        SourceStatus {
            kind,
            ca: ca.to_owned(),
            url: url.to_owned(),
            state: self.state,
            last_success: self.last_success,
            last_error: self.last_error.clone(),
            next_update,
        }
    }
}
