//! The CRLs fetched from configured URLs (`REVOCATION_CONFIG`, issue 15), beside the CRL
//! files: the background task refreshes them, and the verifier in force is rebuilt from both
//! when they change.
//!
//! The stored evidence of a signature is the very DER its verification relied on: each CRL
//! the sources hold, as they parsed it (`Crl::der`).
//!
//! Every instance fetches for itself: CRLs are public data, and nothing is kept that only
//! one instance knows.

use super::{Loaded, TrustError, TrustStore};
use revocation::{
    Fetcher, HttpFetcher, Requirement, RevocationConfig, RevocationSources, SourceStatus,
};
use signatures::Crl;
use std::path::Path;
use std::sync::Arc;
use time::OffsetDateTime;

/// The CRLs of the sources as last built into the verifier.
#[derive(Debug, Default)]
pub(super) struct FetchedSet {
    /// The sources' generation these CRLs are of.
    pub generation: u64,
    pub crls: Vec<Crl>,
    /// Their DER, for the evidence.
    pub der: Vec<Vec<u8>>,
}

/// The revocation sources of one instance.
#[derive(Debug)]
pub struct FetchedCrls {
    sources: RevocationSources,
}

impl FetchedCrls {
    /// Reads the configuration file at `path` (`REVOCATION_CONFIG`) and builds the sources
    /// over HTTP. Every error names the file, and the field when it is about one.
    pub fn load(path: &Path) -> Result<Self, TrustError> {
        let what = format!("REVOCATION_CONFIG {}", path.display());
        let text = std::fs::read_to_string(path).map_err(|e| TrustError(format!("{what}: {e}")))?;
        let config =
            RevocationConfig::from_json(&text).map_err(|e| TrustError(format!("{what}: {e}")))?;
        let fetcher =
            HttpFetcher::new(&config.http).map_err(|e| TrustError(format!("{what}: {e}")))?;
        Self::new(config, Arc::new(fetcher))
            .map_err(|TrustError(e)| TrustError(format!("{what}: {e}")))
    }

    /// The sources of `config`, fetching through `fetcher`.
    pub fn new(config: RevocationConfig, fetcher: Arc<dyn Fetcher>) -> Result<Self, TrustError> {
        let sources =
            RevocationSources::new(config, fetcher).map_err(|e| TrustError(e.to_string()))?;
        Ok(FetchedCrls { sources })
    }

    /// The sources themselves (OCSP is fetched through them for each verification).
    pub(super) fn sources(&self) -> &RevocationSources {
        &self.sources
    }

    /// The configured requirement.
    pub fn requirement(&self) -> Requirement {
        self.sources.requirement()
    }

    /// Every source's state.
    pub fn status(&self) -> Vec<SourceStatus> {
        self.sources.status()
    }

    /// Refreshes the CRL sources due at `now`; the new set when it is not of `generation`.
    async fn refresh(&self, now: OffsetDateTime, generation: u64) -> Option<FetchedSet> {
        self.sources.crl().run_once(now).await;
        let current = self.sources.crl().generation();
        if current == generation {
            return None;
        }
        let crls = self.sources.crl().crls();
        let der = crls.iter().map(|crl| crl.der().to_vec()).collect();
        Some(FetchedSet {
            generation: current,
            crls,
            der,
        })
    }
}

impl TrustStore {
    /// The same store, with the CRLs of `sources` built into its verifier once they are
    /// fetched ([`TrustStore::refresh_sources`]).
    pub fn with_sources(mut self, sources: FetchedCrls) -> Self {
        self.sources = Some(sources);
        self
    }

    /// The revocation sources' requirement and states, when `REVOCATION_CONFIG` is set.
    pub fn revocation_sources(&self) -> Option<(Requirement, Vec<SourceStatus>)> {
        self.sources.as_ref().map(|s| (s.requirement(), s.status()))
    }

    /// The background task's other step, beside [`TrustStore::run_once`]: refreshes the CRL
    /// sources due at `now`, and when the CRLs they hold changed, swaps in a verifier built
    /// from the CRL files and them.
    pub async fn refresh_sources(&self, now: OffsetDateTime) {
        let Some(sources) = &self.sources else {
            return;
        };
        let generation = self.loaded.load().fetched.generation;
        let Some(fetched) = sources.refresh(now, generation).await else {
            return;
        };
        let _rebuilding = match self.rebuilding.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        let current = self.loaded.load();
        let (loaded, _) = self.build(
            current.per_file.clone(),
            current.crl_stamps.clone(),
            Arc::new(fetched),
        );
        self.loaded.store(Arc::new(loaded));
        tracing::info!("fetched CRLs changed: verifier rebuilt");
    }

    /// A verifier of the CRL files' last good content and the fetched CRLs.
    pub(super) fn build(
        &self,
        per_file: Vec<Option<super::GoodFile>>,
        crl_stamps: Vec<Option<std::time::SystemTime>>,
        fetched: Arc<FetchedSet>,
    ) -> (Loaded, Option<OffsetDateTime>) {
        let (mut crls, mut files) = super::in_force(&per_file);
        let earliest_next_update = crls.iter().filter_map(Crl::next_update).min();
        crls.extend(fetched.crls.iter().cloned());
        files.extend(fetched.der.iter().cloned());
        let verifier = signatures::Verifier::new(self.anchors.clone())
            .with_intermediates(self.intermediates.clone())
            .with_crls(crls);
        (
            Loaded {
                verifier: Arc::new(verifier),
                crl_files: Arc::new(files),
                crl_stamps,
                per_file,
                fetched,
            },
            earliest_next_update,
        )
    }
}
