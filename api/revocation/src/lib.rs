//! The revocation sources of EDS verification: CRLs refreshed in the background and OCSP
//! responses fetched on demand, from configured URLs only (issue 15); and the RFC 3161 client
//! that gets a trusted time for a signature received without one, from a configured TSA.
//!
//! `signatures` never fetches and never reads the clock; this crate does the fetching for it,
//! and still never reads the clock: every operation takes the caller's `now`. What it gives
//! back is what `signatures` takes: [`CrlSources::crls`] for `Verifier::with_crls`, and
//! [`OcspSources::response_for`] for `Options::ocsp`. Whether the revocation data applies, is
//! signed by the right key and is current remains the verifier's judgement.
//!
//! ```no_run
//! # async fn example(now: time::OffsetDateTime) -> Result<(), Box<dyn std::error::Error>> {
//! let config = revocation::RevocationConfig::from_json(&std::fs::read_to_string("revocation.json")?)?;
//! let sources = revocation::RevocationSources::from_config(config)?;
//! sources.crl().run_once(now).await; // in the server's background task, every minute
//! let crls = sources.crl().crls(); // for signatures::Verifier::with_crls
//! # Ok(()) }
//! ```
//!
//! Module map: `config` reads and checks the configuration, `ca` decides which configured CA
//! a certificate belongs to, `fetch` is the network port and its HTTP implementation, `crl`
//! and `ocsp` the two kinds of source, `status` what `/readyz` and the logs say of each source,
//! `der` the few DER fields read here, `error` the crate's error; `tsa` the time-stamping client
//! (its own error, `TimestampError`: it is no revocation source).
#![deny(missing_docs)]

mod ca;
mod config;
mod crl;
mod der;
mod error;
mod fetch;
mod ocsp;
mod status;
mod tsa;

pub use config::{
    CaSources, DEFAULT_CRL_REFRESH_MARGIN, DEFAULT_OCSP_MAX_AGE, HttpSettings, Requirement,
    RevocationConfig,
};
pub use crl::{
    CrlSources, MIN_REFRESH_INTERVAL, REFRESH_WITHOUT_NEXT_UPDATE, RETRY_FIRST, RETRY_MAX, Refresh,
};
pub use error::RevocationError;
pub use fetch::{FetchError, Fetcher, HttpFetcher};
pub use ocsp::{FAILURE_HOLD, MAX_CACHED, OcspSources};
pub use status::{SourceKind, SourceState, SourceStatus};
pub use tsa::{MAX_TIMESTAMP_RESPONSE_BYTES, TimestampAuthority, TimestampError};

use std::sync::Arc;

/// Both kinds of source, built from one configuration.
#[derive(Debug)]
pub struct RevocationSources {
    crl: CrlSources,
    ocsp: OcspSources,
    requirement: Requirement,
    /// Kept for the callers that bound a verification's wait for OCSP by them.
    http: HttpSettings,
    ocsp_max_age: std::time::Duration,
}

/// What a verification's revocation check amounts to under a [`Requirement`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The required sources answered.
    Satisfied,
    /// No source answered, and none was required: the verification stands with this warning.
    Warning(String),
    /// A required source did not answer: the server reports `REVOCATION_UNKNOWN`.
    Unknown,
}

impl RevocationSources {
    /// Checks `config`, reads its CA certificates, and fetches through `fetcher`.
    pub fn new(
        config: RevocationConfig,
        fetcher: Arc<dyn Fetcher>,
    ) -> Result<Self, RevocationError> {
        config.validate()?;
        let http = config.http.clone();
        let cas = config
            .cas
            .into_iter()
            .map(ca::Ca::load)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(RevocationSources {
            crl: CrlSources::new(
                &cas,
                fetcher.clone(),
                config.http.max_crl_bytes,
                config.crl_refresh_margin,
            ),
            ocsp: OcspSources::new(
                &cas,
                fetcher,
                config.ocsp_max_age,
                config.http.max_ocsp_bytes,
            ),
            requirement: config.requirement,
            http,
            ocsp_max_age: config.ocsp_max_age,
        })
    }

    /// [`RevocationSources::new`] with an [`HttpFetcher`] of `config.http`.
    pub fn from_config(config: RevocationConfig) -> Result<Self, RevocationError> {
        let fetcher = HttpFetcher::new(&config.http)?;
        Self::new(config, Arc::new(fetcher))
    }

    /// The CRL sources.
    pub fn crl(&self) -> &CrlSources {
        &self.crl
    }

    /// The OCSP responders.
    pub fn ocsp(&self) -> &OcspSources {
        &self.ocsp
    }

    /// The configured requirement.
    pub fn requirement(&self) -> Requirement {
        self.requirement
    }

    /// The timeouts, retries and size limits every fetch is bounded by.
    pub fn http(&self) -> &HttpSettings {
        &self.http
    }

    /// How long an OCSP response is used after its thisUpdate, at most: what the verifier
    /// must be told as `signatures::OcspOptions::max_age`, so that the two agree on when a
    /// response without nextUpdate goes stale.
    pub fn ocsp_max_age(&self) -> std::time::Duration {
        self.ocsp_max_age
    }

    /// Every source's state: the CRL sources, then the OCSP responders.
    pub fn status(&self) -> Vec<SourceStatus> {
        let mut status = self.crl.status();
        status.extend(self.ocsp.status());
        status
    }

    /// What a verification amounts to when OCSP did (`got_ocsp`) or did not answer for its
    /// certificates, and a CRL did (`got_crl`) or did not cover them. The warning names the
    /// sources that are failing, for the person reading it.
    pub fn outcome(&self, requirement: Requirement, got_ocsp: bool, got_crl: bool) -> Outcome {
        let satisfied = match requirement {
            Requirement::Ocsp => got_ocsp,
            Requirement::Crl => got_crl,
            Requirement::Either | Requirement::None => got_ocsp || got_crl,
        };
        if satisfied {
            return Outcome::Satisfied;
        }
        if requirement != Requirement::None {
            return Outcome::Unknown;
        }
        let failing: Vec<String> = self
            .status()
            .into_iter()
            .filter(|s| s.state != SourceState::Ok)
            .map(|s| format!("{} {:?}", s.url, s.state))
            .collect();
        let mut warning =
            "revocation was not checked: no OCSP response and no CRL answered".to_owned();
        if !failing.is_empty() {
            warning.push_str(&format!(" (sources not answering: {})", failing.join(", ")));
        }
        Outcome::Warning(warning)
    }
}
