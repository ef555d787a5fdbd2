//! The OCSP responses a verification relies on, fetched just before it (`REVOCATION_CONFIG`,
//! issue 15): `signatures` never fetches, so the caller finds the certificates the
//! verification will ask about (`Verifier::revocation_subjects`), asks the revocation sources
//! for them, and hands what came back to the verifier (`Options::ocsp`).
//!
//! Only the configured responders are asked: `revocation::OcspSources::response_for` finds
//! the CA by the issuer certificate's exact subject and key and uses only that CA's
//! configured `ocsp_url`, never a URL named in a certificate. So nothing put in a CMS can make
//! the server request another address, and a certificate of an issuer that is no configured
//! CA is simply not asked about (no request at all).
//!
//! A failure is never a refusal by itself: a fetch that fails or is too slow only means no
//! OCSP data for that certificate, and the requirement (module `requirement`) decides what
//! that amounts to.

use super::TrustStore;
use revocation::{HttpSettings, RevocationError};
use signatures::{Certificate, OcspResponse};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

/// The longest one verification waits for its OCSP responses, whatever the HTTP settings
/// allow: the default `connect_timeout` plus the default `read_timeout` (5 s + 10 s), one
/// attempt's patience with a responder that is up but slow. The settings' own bound is far
/// longer (three attempts of 60 s by default, sized for a 32 MiB CRL): a person signing in
/// would wait minutes for a hung responder, for what is at best one more source of data.
pub const MAX_OCSP_WAIT: Duration = Duration::from_secs(15);

/// How long one fetch may take by `http`'s bounds: every attempt in full (`retries + 1`
/// times `attempt_timeout`) and the waits between them (`backoff_base`, doubling).
fn fetch_bound(http: &HttpSettings) -> Duration {
    let attempts = http.retries.saturating_add(1);
    let backoffs = (0..http.retries.min(32))
        .map(|n| http.backoff_base.saturating_mul(1u32 << n.min(31)))
        .fold(Duration::ZERO, Duration::saturating_add);
    http.attempt_timeout
        .saturating_mul(attempts)
        .saturating_add(backoffs)
}

impl TrustStore {
    /// Whether verifications fetch OCSP responses: `REVOCATION_CONFIG` gives some CA an
    /// `ocsp_url`.
    pub fn fetches_ocsp(&self) -> bool {
        self.sources
            .as_ref()
            .is_some_and(|s| s.sources().ocsp().has_responders())
    }

    /// How old an OCSP response without nextUpdate may be, for `OcspOptions::max_age`: the
    /// configuration's `ocsp_max_age`, so that the verifier never calls stale a response the
    /// sources still serve from their cache (and never accepts one they would refetch);
    /// without `REVOCATION_CONFIG`, the verifier's default.
    pub fn ocsp_max_age(&self) -> time::Duration {
        self.sources
            .as_ref()
            .and_then(|s| time::Duration::try_from(s.sources().ocsp_max_age()).ok())
            .unwrap_or_else(|| signatures::OcspOptions::default().max_age)
    }

    /// The time budget of [`TrustStore::ocsp_responses`]: one fetch's bound by the HTTP
    /// settings (the fetches run side by side, and one that waits for another's fetch of the
    /// same certificate waits no longer than that fetch), at most [`MAX_OCSP_WAIT`].
    pub fn ocsp_wait(&self) -> Duration {
        self.sources.as_ref().map_or(Duration::ZERO, |s| {
            fetch_bound(s.sources().http()).min(MAX_OCSP_WAIT)
        })
    }

    /// The OCSP responses of `subjects` ((certificate, issuer) pairs, at most
    /// `signatures::MAX_REVOCATION_SUBJECTS` of them are asked about), fetched side by side
    /// within [`TrustStore::ocsp_wait`] in all, in the order of `subjects`; those that failed,
    /// have no configured responder or did not answer in time are left out.
    ///
    /// A fetch still running at the deadline is left to finish in the background rather than
    /// cancelled: what it gets (a response to cache, or a failure that the sources hold for
    /// `revocation::FAILURE_HOLD` and show in `/readyz`) serves the next verification, which
    /// then does not pay the wait again. Each such fetch is bounded by the HTTP settings.
    pub async fn ocsp_responses(
        self: &Arc<Self>,
        subjects: Vec<(Certificate, Certificate)>,
        now: OffsetDateTime,
    ) -> Vec<OcspResponse> {
        if !self.fetches_ocsp() {
            return Vec::new();
        }
        let deadline = tokio::time::Instant::now() + self.ocsp_wait();
        let fetches: Vec<_> = subjects
            .into_iter()
            .take(signatures::MAX_REVOCATION_SUBJECTS)
            .map(|(certificate, issuer)| {
                let trust = Arc::clone(self);
                tokio::spawn(async move {
                    let sources = trust.sources.as_ref()?.sources();
                    match sources
                        .ocsp()
                        .response_for(&certificate, &issuer, now)
                        .await
                    {
                        Ok(response) => Some(response),
                        // Not a CA with a responder: nothing was asked, nothing to say.
                        Err(
                            RevocationError::UnknownIssuer { .. }
                            | RevocationError::NoOcspResponder { .. },
                        ) => None,
                        // The sources log a responder going down (and back) once; each
                        // verification without its response only at debug.
                        Err(error) => {
                            tracing::debug!(%error, "no OCSP response for a verification");
                            None
                        }
                    }
                })
            })
            .collect();
        let mut responses = Vec::new();
        for fetch in fetches {
            // Dropping a JoinHandle detaches its task: see above.
            if let Ok(Ok(Some(response))) = tokio::time::timeout_at(deadline, fetch).await {
                responses.push(response);
            }
        }
        responses
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fetch_is_bounded_by_every_attempt_and_the_backoffs_between() {
        let http = HttpSettings {
            attempt_timeout: Duration::from_secs(1),
            retries: 2,
            backoff_base: Duration::from_millis(500),
            ..HttpSettings::default()
        };
        assert_eq!(fetch_bound(&http), Duration::from_millis(4500));
        // The defaults allow minutes: the budget caps them.
        assert!(fetch_bound(&HttpSettings::default()) > MAX_OCSP_WAIT);
        let absurd = HttpSettings {
            retries: u32::MAX,
            ..HttpSettings::default()
        };
        assert_eq!(fetch_bound(&absurd).min(MAX_OCSP_WAIT), MAX_OCSP_WAIT);
    }
}
