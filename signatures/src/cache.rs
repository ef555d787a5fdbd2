//! A cache of certificate-link signature results.
//!
//! Verifying that an issuer's key signed a certificate is a pure function of the two: the same
//! pair always gives the same answer, so the answer can be kept. Nothing else is cached:
//! validity, key usage and revocation depend on the validation time and on the CRLs of the
//! moment, and are decided afresh on every verification.

use std::collections::HashMap;
use std::sync::Mutex;

/// Most entries kept. An entry is 65 bytes plus map overhead; NCA RK has a few intermediates
/// and each citizen one or two certificates, so 16 384 entries hold a busy day's signers in
/// about 2 MiB. When full, the cache is emptied rather than tracked per entry.
const MAX_ENTRIES: usize = 16_384;

/// Key: SHA-256 of the issuer's SubjectPublicKeyInfo, SHA-256 of the certificate's DER.
type LinkKey = ([u8; 32], [u8; 32]);

/// Thread-safe link-signature cache shared by every verification of one verifier.
#[derive(Debug, Default)]
pub(crate) struct SignatureCache {
    links: Mutex<HashMap<LinkKey, bool>>,
}

impl SignatureCache {
    /// The cached result for a link, if any.
    pub fn get(&self, key: &LinkKey) -> Option<bool> {
        self.links.lock().ok()?.get(key).copied()
    }

    /// Records a link's result.
    pub fn put(&self, key: LinkKey, verified: bool) {
        if let Ok(mut links) = self.links.lock() {
            if links.len() >= MAX_ENTRIES {
                links.clear();
            }
            links.insert(key, verified);
        }
    }

    /// Forgets everything (for measuring cold verification).
    pub fn clear(&self) {
        if let Ok(mut links) = self.links.lock() {
            links.clear();
        }
    }
}
