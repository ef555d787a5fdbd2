//! The EDS trust configuration: the verifier built from the configured trust anchors,
//! intermediates and CRLs, with CRL files reloaded when they change.
//!
//! In the development profile with no anchors configured, the demo PKI shipped in `demo/pki/`
//! (its RSA and its GOST 2015-512 hierarchy) is trusted, with a loud warning; the production
//! profile refuses it.
//!
//! With `REVOCATION_CONFIG`, the CRLs fetched from configured URLs join the files' (module
//! `fetched`), each verification fetches the OCSP responses of its certificates first (module
//! `ocsp`), and the configuration's requirement decides which revocation data counts (module
//! `requirement`).

mod fetched;
mod ocsp;
mod requirement;

pub use fetched::FetchedCrls;
pub use ocsp::MAX_OCSP_WAIT;
pub use requirement::required_data;
pub use revocation::{Outcome, Requirement, SourceKind, SourceState, SourceStatus};

use arc_swap::ArcSwap;
use signatures::{Certificate, Crl, Verifier};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use time::OffsetDateTime;

/// The demo PKI's RSA root (test-only keys, in the repository).
pub const DEMO_ROOT_PEM: &str = include_str!("../../../demo/pki/root.pem");
/// The demo PKI's GOST 2015-512 root, beside the RSA one (its people's `<name>.gost.pem` keys
/// sign documents and sign in, as NCA RK's GOST 2015 keys do).
pub const DEMO_GOST_ROOT_PEM: &str = include_str!("../../../demo/pki/root.gost.pem");
/// The demo intermediates: RSA, then GOST 2015-512.
const DEMO_INTERMEDIATE_PEMS: [(&str, &str); 2] = [
    (
        include_str!("../../../demo/pki/intermediate.pem"),
        "demo intermediate",
    ),
    (
        include_str!("../../../demo/pki/intermediate.gost.pem"),
        "demo GOST intermediate",
    ),
];

/// Reads the demo PKI's certificates (`(PEM, what)` pairs).
fn demo_certificates(pems: &[(&str, &str)]) -> Result<Vec<Certificate>, TrustError> {
    let mut all = Vec::new();
    for (pem, what) in pems {
        all.extend(
            Verifier::certificates_from(pem.as_bytes(), what)
                .map_err(|e| TrustError(e.to_string()))?,
        );
    }
    Ok(all)
}

/// Why the trust configuration cannot be loaded.
#[derive(Debug, thiserror::Error)]
#[error("EDS trust configuration: {0}")]
pub struct TrustError(pub String);

/// Where the trust configuration comes from (the transport's settings fill it in).
#[derive(Debug, Clone, Default)]
pub struct TrustConfig {
    /// The production profile: anchors are required and the demo root is refused.
    pub production: bool,
    /// Certificate files of the trusted roots.
    pub trust_anchors: Vec<PathBuf>,
    /// Intermediate CA certificate files.
    pub intermediates: Vec<PathBuf>,
    /// CRL files, reloaded when they change.
    pub crls: Vec<PathBuf>,
    /// How often CRL files are checked for changes, at most, in seconds.
    pub crl_check_seconds: u32,
    /// Whether every certificate in a path needs current revocation data.
    pub require_revocation: bool,
}

/// The verifier in force and the revocation data it holds, taken together so that the evidence
/// stored with a signature is exactly what verified it.
#[derive(Debug, Clone)]
pub struct TrustSnapshot {
    pub verifier: Arc<Verifier>,
    /// The CRL files as loaded (DER or PEM, as the operator gave them), then the DER of the
    /// fetched CRLs.
    pub crl_files: Arc<Vec<Vec<u8>>>,
}

struct Loaded {
    verifier: Arc<Verifier>,
    crl_files: Arc<Vec<Vec<u8>>>,
    crl_stamps: Vec<Option<SystemTime>>,
    /// Each configured file's last good content and CRLs (`None`: never loaded).
    per_file: Vec<Option<GoodFile>>,
    /// The fetched CRLs built in.
    fetched: Arc<fetched::FetchedSet>,
}

/// A CRL file as last loaded successfully.
#[derive(Clone)]
struct GoodFile {
    bytes: Vec<u8>,
    crls: Vec<Crl>,
}

/// How the CRL files fared at their last check, for readiness.
#[derive(Debug, Clone, Default)]
pub struct CrlStatus {
    /// Why the last reload failed, while the previous CRLs stay in force.
    pub error: Option<String>,
    /// When the CRLs in force were loaded.
    pub last_good_at: Option<OffsetDateTime>,
    /// The earliest nextUpdate of the CRLs in force.
    pub earliest_next_update: Option<OffsetDateTime>,
    /// How many CRL files are configured.
    pub files: usize,
}

/// The verifier in force, rebuilt when a CRL file or the fetched CRLs change.
pub struct TrustStore {
    anchors: Vec<Certificate>,
    intermediates: Vec<Certificate>,
    crl_paths: Vec<PathBuf>,
    /// How often CRL files are checked for changes, at most.
    crl_check_interval: Duration,
    /// Whether the demo PKI is what is trusted.
    pub uses_demo_anchor: bool,
    /// Whether every certificate needs current revocation data (production).
    pub require_revocation: bool,
    /// Swapped whole when CRL files change: a verification always sees one consistent set.
    loaded: ArcSwap<Loaded>,
    status: Mutex<CrlStatus>,
    /// The revocation sources of `REVOCATION_CONFIG`, when set.
    sources: Option<FetchedCrls>,
    /// The time-stamping authority of `TSA_URL`, when set.
    timestamping: Option<revocation::TimestampAuthority>,
    /// Held while a new verifier is built and swapped in, so that a file reload and a sources
    /// refresh never undo each other.
    rebuilding: Mutex<()>,
}

impl std::fmt::Debug for TrustStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustStore")
            .field("anchors", &self.anchors.len())
            .field("intermediates", &self.intermediates.len())
            .field("crl_paths", &self.crl_paths)
            .field("uses_demo_anchor", &self.uses_demo_anchor)
            .finish_non_exhaustive()
    }
}

fn read_certificates(paths: &[PathBuf], what: &str) -> Result<Vec<Certificate>, TrustError> {
    let mut all = Vec::new();
    for path in paths {
        let bytes = std::fs::read(path)
            .map_err(|e| TrustError(format!("{what} {}: {e}", path.display())))?;
        let source = format!("{what} {}", path.display());
        all.extend(
            Verifier::certificates_from(&bytes, &source).map_err(|e| TrustError(e.to_string()))?,
        );
    }
    Ok(all)
}

/// Reads every configured CRL file. One unusable file never makes the others unusable: it
/// keeps its last good content when it had one (`previous`), else it counts as no CRL for the
/// certificates it would cover; the errors are returned for the logs and readiness.
fn read_crls(
    paths: &[PathBuf],
    previous: &[Option<GoodFile>],
) -> (Vec<Option<GoodFile>>, Vec<Option<SystemTime>>, Vec<String>) {
    let mut files = Vec::new();
    let mut stamps = Vec::new();
    let mut errors = Vec::new();
    for (index, path) in paths.iter().enumerate() {
        stamps.push(std::fs::metadata(path).and_then(|m| m.modified()).ok());
        let source = format!("CRL {}", path.display());
        let loaded = std::fs::read(path)
            .map_err(|e| format!("{source}: {e}"))
            .and_then(|bytes| match Verifier::crls_from(&bytes, &source) {
                Ok(crls) => Ok(GoodFile { bytes, crls }),
                Err(e) => Err(e.to_string()),
            });
        match loaded {
            Ok(good) => files.push(Some(good)),
            Err(error) => {
                errors.push(error);
                files.push(previous.get(index).cloned().flatten());
            }
        }
    }
    (files, stamps, errors)
}

/// The CRLs and raw files in force, from each file's last good content.
fn in_force(files: &[Option<GoodFile>]) -> (Vec<Crl>, Vec<Vec<u8>>) {
    let good = files.iter().flatten();
    (
        good.clone().flat_map(|f| f.crls.iter().cloned()).collect(),
        good.map(|f| f.bytes.clone()).collect(),
    )
}

impl TrustStore {
    /// Loads the configured files (or, in development without anchors, the demo PKI), at `now`.
    pub fn load(settings: &TrustConfig, now: OffsetDateTime) -> Result<Self, TrustError> {
        let demo_roots = demo_certificates(&[
            (DEMO_ROOT_PEM, "demo root"),
            (DEMO_GOST_ROOT_PEM, "demo GOST root"),
        ])?;
        let demo_intermediates = demo_certificates(&DEMO_INTERMEDIATE_PEMS)?;
        let (anchors, mut intermediates, uses_demo_anchor) = if settings.trust_anchors.is_empty() {
            if settings.production {
                return Err(TrustError(
                    "the production profile needs EDS_TRUST_ANCHORS".to_owned(),
                ));
            }
            (demo_roots.clone(), demo_intermediates.clone(), true)
        } else {
            (
                read_certificates(&settings.trust_anchors, "trust anchor")?,
                Vec::new(),
                false,
            )
        };
        let demo_der: Vec<&[u8]> = demo_roots
            .iter()
            .chain(&demo_intermediates)
            .map(Certificate::der)
            .collect();
        if settings.production && anchors.iter().any(|a| demo_der.contains(&a.der())) {
            return Err(TrustError(
                "a certificate of the demo PKI is configured as a trust anchor: the production profile refuses it".to_owned(),
            ));
        }
        intermediates.extend(read_certificates(&settings.intermediates, "intermediate")?);
        let (per_file, crl_stamps, errors) = read_crls(&settings.crls, &[]);
        for error in &errors {
            tracing::error!(%error, "a CRL file could not be loaded; it counts as no CRL");
        }
        let (crls, crl_files) = in_force(&per_file);
        let earliest_next_update = crls.iter().filter_map(Crl::next_update).min();
        let verifier = Verifier::new(anchors.clone())
            .with_intermediates(intermediates.clone())
            .with_crls(crls);
        Ok(TrustStore {
            anchors,
            intermediates,
            crl_paths: settings.crls.clone(),
            crl_check_interval: Duration::from_secs(u64::from(settings.crl_check_seconds)),
            uses_demo_anchor,
            require_revocation: settings.require_revocation,
            loaded: ArcSwap::from_pointee(Loaded {
                verifier: Arc::new(verifier),
                crl_files: Arc::new(crl_files),
                crl_stamps,
                per_file,
                fetched: Arc::default(),
            }),
            status: Mutex::new(CrlStatus {
                error: (!errors.is_empty()).then(|| errors.join("; ")),
                last_good_at: Some(now),
                earliest_next_update,
                files: settings.crls.len(),
            }),
            sources: None,
            timestamping: None,
            rebuilding: Mutex::new(()),
        })
    }

    /// The verifier in force with the CRL files it was built from.
    pub fn snapshot(&self) -> TrustSnapshot {
        let loaded = self.loaded.load();
        TrustSnapshot {
            verifier: Arc::clone(&loaded.verifier),
            crl_files: Arc::clone(&loaded.crl_files),
        }
    }

    /// How often the background task should call [`TrustStore::run_once`].
    pub fn check_interval(&self) -> Duration {
        self.crl_check_interval.max(Duration::from_secs(1))
    }

    /// How the CRL files fared at their last check.
    pub fn status(&self) -> CrlStatus {
        match self.status.lock() {
            Ok(status) => status.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The background task's step, never on a request's path: reloads the CRL files if one
    /// changed. A file that no longer parses keeps the previous CRLs in force (with the error
    /// logged and shown by readiness) rather than dropping revocation data.
    pub fn run_once(&self, now: OffsetDateTime) {
        if self.crl_paths.is_empty() {
            return;
        }
        let stamps: Vec<Option<SystemTime>> = self
            .crl_paths
            .iter()
            .map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
            .collect();
        if stamps == self.loaded.load().crl_stamps {
            return;
        }
        let _rebuilding = match self.rebuilding.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        let current = self.loaded.load();
        let (per_file, stamps, errors) = read_crls(&self.crl_paths, &current.per_file);
        let (loaded, earliest_next_update) =
            self.build(per_file, stamps, Arc::clone(&current.fetched));
        self.loaded.store(Arc::new(loaded));
        let mut status = match self.status.lock() {
            Ok(status) => status,
            Err(poisoned) => poisoned.into_inner(),
        };
        status.earliest_next_update = earliest_next_update;
        if errors.is_empty() {
            status.error = None;
            status.last_good_at = Some(now);
            tracing::info!("CRLs reloaded");
        } else {
            for error in &errors {
                tracing::error!(%error, "a changed CRL file could not be loaded; keeping its previous CRLs");
            }
            status.error = Some(errors.join("; "));
        }
    }

    /// The same store, with signatures received without a token stamped by the TSA at `url`
    /// (`TSA_URL`, RFC 3161) in the maintenance task; its HTTP settings are the revocation
    /// sources' defaults.
    pub fn with_timestamping(mut self, url: &str) -> Result<Self, TrustError> {
        let what = format!("TSA_URL {url}");
        let fetcher = revocation::HttpFetcher::new(&revocation::HttpSettings::default())
            .map_err(|e| TrustError(format!("{what}: {e}")))?;
        let tsa = revocation::TimestampAuthority::new(url, std::sync::Arc::new(fetcher))
            .map_err(|e| TrustError(format!("{what}: {e}")))?;
        self.timestamping = Some(tsa);
        Ok(self)
    }

    /// The time-stamping authority that stamps signatures received without a token, when
    /// `TSA_URL` is set (see [`crate::service::timestamping`]).
    pub fn timestamp_authority(&self) -> Option<&revocation::TimestampAuthority> {
        self.timestamping.as_ref()
    }

    /// The configured trust anchors and intermediates alone, without any CRL: what an offline
    /// re-check of stored evidence builds its verifier from (`service::reverify`).
    pub fn anchors_and_intermediates(&self) -> (&[Certificate], &[Certificate]) {
        (&self.anchors, &self.intermediates)
    }
}
