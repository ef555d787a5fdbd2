//! The EDS trust configuration: the verifier built from the configured trust anchors,
//! intermediates and CRLs, with CRL files reloaded when they change.
//!
//! In the development profile with no anchors configured, the demo PKI shipped in `demo/pki/`
//! is trusted, with a loud warning; the production profile refuses it.

use signatures::{Certificate, Crl, Verifier};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime};

/// The demo PKI's root and intermediate (test-only keys, in the repository).
pub const DEMO_ROOT_PEM: &str = include_str!("../../../demo/pki/root.pem");
const DEMO_INTERMEDIATE_PEM: &str = include_str!("../../../demo/pki/intermediate.pem");

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
    /// The CRL files as loaded (DER or PEM, as the operator gave them).
    pub crl_files: Arc<Vec<Vec<u8>>>,
}

struct Loaded {
    verifier: Arc<Verifier>,
    crl_files: Arc<Vec<Vec<u8>>>,
    crl_stamps: Vec<Option<SystemTime>>,
    checked_at: Instant,
}

/// The verifier in force, rebuilt when a CRL file changes.
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
    loaded: RwLock<Loaded>,
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

type LoadedCrls = (Vec<Crl>, Vec<Vec<u8>>, Vec<Option<SystemTime>>);

fn read_crls(paths: &[PathBuf]) -> Result<LoadedCrls, TrustError> {
    let mut crls = Vec::new();
    let mut files = Vec::new();
    let mut stamps = Vec::new();
    for path in paths {
        stamps.push(std::fs::metadata(path).and_then(|m| m.modified()).ok());
        let bytes =
            std::fs::read(path).map_err(|e| TrustError(format!("CRL {}: {e}", path.display())))?;
        let source = format!("CRL {}", path.display());
        crls.extend(Verifier::crls_from(&bytes, &source).map_err(|e| TrustError(e.to_string()))?);
        files.push(bytes);
    }
    Ok((crls, files, stamps))
}

impl TrustStore {
    /// Loads the configured files (or, in development without anchors, the demo PKI).
    pub fn load(settings: &TrustConfig) -> Result<Self, TrustError> {
        let demo_root = Verifier::certificates_from(DEMO_ROOT_PEM.as_bytes(), "demo root")
            .map_err(|e| TrustError(e.to_string()))?;
        let (anchors, mut intermediates, uses_demo_anchor) = if settings.trust_anchors.is_empty() {
            if settings.production {
                return Err(TrustError(
                    "the production profile needs EDS_TRUST_ANCHORS".to_owned(),
                ));
            }
            let demo_intermediate =
                Verifier::certificates_from(DEMO_INTERMEDIATE_PEM.as_bytes(), "demo intermediate")
                    .map_err(|e| TrustError(e.to_string()))?;
            (demo_root.clone(), demo_intermediate, true)
        } else {
            (
                read_certificates(&settings.trust_anchors, "trust anchor")?,
                Vec::new(),
                false,
            )
        };
        let demo_der: Vec<&[u8]> = demo_root.iter().map(Certificate::der).collect();
        if settings.production && anchors.iter().any(|a| demo_der.contains(&a.der())) {
            return Err(TrustError(
                "the demo PKI's root is configured as a trust anchor: the production profile refuses it".to_owned(),
            ));
        }
        intermediates.extend(read_certificates(&settings.intermediates, "intermediate")?);
        let (crls, crl_files, crl_stamps) = read_crls(&settings.crls)?;
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
            loaded: RwLock::new(Loaded {
                verifier: Arc::new(verifier),
                crl_files: Arc::new(crl_files),
                crl_stamps,
                checked_at: Instant::now(),
            }),
        })
    }

    /// The verifier in force. CRL files are checked for changes at most every few seconds; a
    /// changed file is reloaded, and a file that no longer parses keeps the previous verifier
    /// (with an error logged) rather than dropping revocation data.
    pub fn verifier(&self) -> Arc<Verifier> {
        self.snapshot().verifier
    }

    /// The verifier in force with the CRL files it was built from.
    pub fn snapshot(&self) -> TrustSnapshot {
        let due = self
            .loaded
            .read()
            .map(|l| l.checked_at.elapsed() >= self.crl_check_interval)
            .unwrap_or(false);
        if due && !self.crl_paths.is_empty() {
            self.reload_if_changed();
        }
        let take = |loaded: &Loaded| TrustSnapshot {
            verifier: Arc::clone(&loaded.verifier),
            crl_files: Arc::clone(&loaded.crl_files),
        };
        match self.loaded.read() {
            Ok(loaded) => take(&loaded),
            Err(poisoned) => take(&poisoned.into_inner()),
        }
    }

    fn reload_if_changed(&self) {
        let Ok(mut loaded) = self.loaded.write() else {
            return;
        };
        loaded.checked_at = Instant::now();
        let stamps: Vec<Option<SystemTime>> = self
            .crl_paths
            .iter()
            .map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
            .collect();
        if stamps == loaded.crl_stamps {
            return;
        }
        match read_crls(&self.crl_paths) {
            Ok((crls, files, stamps)) => {
                let verifier = Verifier::new(self.anchors.clone())
                    .with_intermediates(self.intermediates.clone())
                    .with_crls(crls);
                loaded.verifier = Arc::new(verifier);
                loaded.crl_files = Arc::new(files);
                loaded.crl_stamps = stamps;
                tracing::info!("CRLs reloaded");
            }
            Err(e) => {
                tracing::error!(error = %e, "a changed CRL file could not be loaded; keeping the previous CRLs")
            }
        }
    }
}
