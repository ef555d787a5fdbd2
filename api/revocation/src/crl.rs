//! CRLs, refreshed in the background and swapped in whole.
//!
//! Every configured CRL URL and file is one source. [`CrlSources::run_once`] (called by the
//! server's background task, with the server's clock) refreshes each source that is due:
//! - never fetched;
//! - its CRL's nextUpdate minus `crl_refresh_margin` has come (RFC 5280 §5.1.2.5: after
//!   nextUpdate the CRL no longer says anything), but not more often than every
//!   [`MIN_REFRESH_INTERVAL`], so a CA late with its next CRL is not asked every minute;
//! - a CRL without nextUpdate (which RFC 5280 §5.1.2.5 requires of conforming CAs) every
//!   [`REFRESH_WITHOUT_NEXT_UPDATE`];
//! - it failed last time, after a backoff from [`RETRY_FIRST`] doubling to [`RETRY_MAX`];
//! - for a file, whenever its size or modification time changed.
//!
//! A source that fails (no answer, garbage, an issuer other than its CA, a CRL older than the
//! one held) keeps its last good CRL and records the error in its status. An older CRL is
//! refused because a CRL fetched over plain HTTP (as CRLs are, RFC 5280 §4.2.1.13) can be
//! replayed by anyone on the path, and an older CRL, validly signed and not yet past its
//! nextUpdate, would hide the revocations made since.
//!
//! When the run is over, the whole set (every source's CRLs and statuses) is swapped in at
//! once ([`arc_swap`]): a verification reads either the old set or the new one, never half of
//! each. [`CrlSources::crls`] is that set, for `signatures::Verifier::with_crls`;
//! [`CrlSources::generation`] changes whenever the CRLs did, so the server rebuilds its
//! verifier only then. Whether a CRL applies to a certificate, is signed by its CA and is
//! current is the verifier's judgement, not this module's.

use crate::ca::Ca;
use crate::error::RevocationError;
use crate::fetch::Fetcher;
use crate::status::{Health, SourceKind, SourceStatus};
use arc_swap::ArcSwap;
use signatures::Crl;
use std::path::PathBuf;
use std::sync::Arc;
use time::{Duration, OffsetDateTime};

/// The least time between two fetches of a source that answered.
pub const MIN_REFRESH_INTERVAL: Duration = Duration::minutes(5);
/// How often a CRL without nextUpdate is fetched again.
pub const REFRESH_WITHOUT_NEXT_UPDATE: Duration = Duration::hours(1);
/// The wait after a first failure; it doubles after each next one.
pub const RETRY_FIRST: Duration = Duration::minutes(1);
/// The longest wait after failures: a source coming back is used within it.
pub const RETRY_MAX: Duration = Duration::minutes(30);

/// The configured CRL sources and the CRLs they gave.
#[derive(Debug)]
pub struct CrlSources {
    sources: Vec<Source>,
    fetcher: Arc<dyn Fetcher>,
    max_bytes: usize,
    margin: Duration,
    /// What each source holds; locked for the whole of a run, so two runs never interleave.
    held: tokio::sync::Mutex<Vec<Held>>,
    current: ArcSwap<Snapshot>,
}

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Refresh {
    /// Sources that were due and were fetched or read.
    pub attempted: usize,
    /// Of those, the ones that failed.
    pub failed: usize,
    /// Whether the set of CRLs changed (and so [`CrlSources::generation`]).
    pub changed: bool,
}

#[derive(Debug)]
struct Source {
    ca: String,
    /// The CA's subject as text: a CRL from this source must be issued under it.
    ca_subject: String,
    origin: Origin,
}

#[derive(Debug)]
enum Origin {
    Url(String),
    File(PathBuf),
}

impl Source {
    fn name(&self) -> String {
        match &self.origin {
            Origin::Url(url) => url.clone(),
            Origin::File(path) => path.display().to_string(),
        }
    }
}

/// One source's last good CRLs and its refresh state.
#[derive(Debug)]
struct Held {
    crls: Vec<Crl>,
    /// SHA-256 of the last good body: an unchanged CRL changes nothing.
    digest: Option<Vec<u8>>,
    /// The latest thisUpdate held (URL sources refuse anything older).
    this_update: Option<OffsetDateTime>,
    /// The earliest nextUpdate held.
    next_update: Option<OffsetDateTime>,
    /// When the source is due again; `None`: now.
    due: Option<OffsetDateTime>,
    failures: u32,
    /// A file's size and modification time when last read.
    stamp: Option<(u64, Option<std::time::SystemTime>)>,
    health: Health,
}

/// The set a verification reads.
#[derive(Debug, Default)]
struct Snapshot {
    crls: Arc<Vec<Crl>>,
    status: Vec<SourceStatus>,
    generation: u64,
}

/// What one successful fetch or read gave.
struct Fresh {
    crls: Vec<Crl>,
    digest: Vec<u8>,
}

impl CrlSources {
    pub(crate) fn new(
        cas: &[Ca],
        fetcher: Arc<dyn Fetcher>,
        max_bytes: usize,
        margin: std::time::Duration,
    ) -> Self {
        let mut sources = Vec::new();
        for ca in cas {
            let origins = ca
                .sources
                .crl_urls
                .iter()
                .cloned()
                .map(Origin::Url)
                .chain(ca.sources.crl_files.iter().cloned().map(Origin::File));
            for origin in origins {
                sources.push(Source {
                    ca: ca.sources.name.clone(),
                    ca_subject: ca.subject_text.clone(),
                    origin,
                });
            }
        }
        let held: Vec<Held> = sources
            .iter()
            .map(|_| Held {
                crls: Vec::new(),
                digest: None,
                this_update: None,
                next_update: None,
                due: None,
                failures: 0,
                stamp: None,
                health: Health::new(),
            })
            .collect();
        let snapshot = Snapshot {
            crls: Arc::new(Vec::new()),
            status: status_of(&sources, &held),
            generation: 0,
        };
        CrlSources {
            sources,
            fetcher,
            max_bytes,
            margin: Duration::try_from(margin).unwrap_or(Duration::MAX),
            held: tokio::sync::Mutex::new(held),
            current: ArcSwap::from_pointee(snapshot),
        }
    }

    /// Refreshes every source that is due at `now` (see the module documentation), then swaps
    /// the new set in. Never fails: each source's failure is in its status.
    pub async fn run_once(&self, now: OffsetDateTime) -> Refresh {
        let mut held = self.held.lock().await;
        let mut refresh = Refresh::default();
        for (source, held) in self.sources.iter().zip(held.iter_mut()) {
            let stamp = match &source.origin {
                Origin::File(path) => tokio::fs::metadata(path)
                    .await
                    .ok()
                    .map(|m| (m.len(), m.modified().ok())),
                Origin::Url(_) => None,
            };
            let file_changed = matches!(source.origin, Origin::File(_)) && stamp != held.stamp;
            if !file_changed && held.due.is_some_and(|due| now < due) {
                continue;
            }
            refresh.attempted += 1;
            let name = source.name();
            match self.fetch(source, held).await {
                Ok(fresh) => {
                    if held.digest.as_ref() != Some(&fresh.digest) {
                        refresh.changed = true;
                        held.this_update = fresh.crls.iter().map(Crl::this_update).max();
                        held.next_update = fresh.crls.iter().filter_map(Crl::next_update).min();
                        held.crls = fresh.crls;
                        held.digest = Some(fresh.digest);
                    }
                    held.stamp = stamp;
                    held.failures = 0;
                    held.due = Some(self.next_due(held.next_update, now));
                    held.health
                        .succeeded(SourceKind::Crl, &source.ca, &name, now);
                    if held.next_update.is_some_and(|next| next <= now) {
                        tracing::debug!(
                            ca = %source.ca,
                            source = %name,
                            "the CRL served is past its nextUpdate: the CA has not published the next one yet"
                        );
                    }
                }
                Err(error) => {
                    refresh.failed += 1;
                    held.failures = held.failures.saturating_add(1);
                    held.due = Some(later(now, retry_after(held.failures)));
                    held.health
                        .failed(SourceKind::Crl, &source.ca, &name, &error.to_string());
                }
            }
        }
        if refresh.attempted == 0 {
            return refresh;
        }
        let previous = self.current.load();
        let (crls, generation) = if refresh.changed {
            let crls = held.iter().flat_map(|h| h.crls.iter().cloned()).collect();
            (Arc::new(crls), previous.generation.wrapping_add(1))
        } else {
            // Shared, not copied: a national CA's CRL is megabytes.
            (previous.crls.clone(), previous.generation)
        };
        self.current.store(Arc::new(Snapshot {
            crls,
            status: status_of(&self.sources, &held),
            generation,
        }));
        refresh
    }

    /// The CRLs held now, every one `with_source` its URL or file.
    pub fn crls(&self) -> Vec<Crl> {
        self.current.load().crls.to_vec()
    }

    /// A number that changes whenever [`CrlSources::crls`] does.
    pub fn generation(&self) -> u64 {
        self.current.load().generation
    }

    /// Each source's state, in configuration order.
    pub fn status(&self) -> Vec<SourceStatus> {
        self.current.load().status.clone()
    }

    /// When a source that answered is due again.
    fn next_due(&self, next_update: Option<OffsetDateTime>, now: OffsetDateTime) -> OffsetDateTime {
        let soonest = later(now, MIN_REFRESH_INTERVAL);
        match next_update {
            Some(next) => next
                .checked_sub(self.margin)
                .map_or(soonest, |due| due.max(soonest)),
            None => later(now, REFRESH_WITHOUT_NEXT_UPDATE),
        }
    }

    async fn fetch(&self, source: &Source, held: &Held) -> Result<Fresh, RevocationError> {
        let name = source.name();
        let bad = |reason: String| RevocationError::BadCrl {
            source_name: name.clone(),
            reason,
        };
        let (crls, digest) = match &source.origin {
            Origin::Url(url) => {
                let body = self.fetcher.get(url, self.max_bytes).await?;
                // RFC 5280 §4.2.1.13: an HTTP distribution point serves one DER CRL.
                let crl = Crl::from_der(&body)
                    .map_err(|e| bad(format!("not a CRL: {e}")))?
                    .with_source(url.clone());
                if let Some(held_update) = held.this_update
                    && crl.this_update() < held_update
                {
                    return Err(bad(format!(
                        "older than the CRL held (thisUpdate {} before {}): refused, it would \
                         hide the revocations made since",
                        signatures::rfc3339(crl.this_update()),
                        signatures::rfc3339(held_update)
                    )));
                }
                (vec![crl], digest(&body))
            }
            Origin::File(path) => {
                let size = tokio::fs::metadata(path)
                    .await
                    .map_err(|e| bad(e.to_string()))?
                    .len();
                if usize::try_from(size).map_or(true, |size| size > self.max_bytes) {
                    return Err(bad(format!("larger than {} bytes", self.max_bytes)));
                }
                let bytes = tokio::fs::read(path)
                    .await
                    .map_err(|e| bad(e.to_string()))?;
                let crls = signatures::Verifier::crls_from(&bytes, &name)
                    .map_err(|e| bad(e.to_string()))?
                    .into_iter()
                    .map(|crl| crl.with_source(name.clone()))
                    .collect();
                (crls, digest(&bytes))
            }
        };
        if let Some(other) = crls.iter().find(|crl| crl.issuer() != source.ca_subject) {
            return Err(bad(format!(
                "issued by {:?}, not by the CA {:?} ({:?})",
                other.issuer(),
                source.ca,
                source.ca_subject
            )));
        }
        Ok(Fresh { crls, digest })
    }
}

fn status_of(sources: &[Source], held: &[Held]) -> Vec<SourceStatus> {
    sources
        .iter()
        .zip(held)
        .map(|(source, held)| {
            held.health.status(
                SourceKind::Crl,
                &source.ca,
                &source.name(),
                held.next_update,
            )
        })
        .collect()
}

/// The wait after `failures` failures in a row.
fn retry_after(failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(16);
    RETRY_FIRST
        .checked_mul(1 << doublings)
        .map_or(RETRY_MAX, |wait| wait.min(RETRY_MAX))
}

/// `t + d`, or `t` itself at the end of time.
fn later(t: OffsetDateTime, d: Duration) -> OffsetDateTime {
    t.checked_add(d).unwrap_or(t)
}

fn digest(bytes: &[u8]) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .to_vec()
}
