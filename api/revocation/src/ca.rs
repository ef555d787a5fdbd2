//! Which configured CA a certificate belongs to.
//!
//! A CA is known by its own certificate (`ca_certificate`), and a certificate belongs to it
//! when its issuer certificate has exactly the same subject and SubjectPublicKeyInfo. That is
//! the pair an OCSP CertID names an issuer by (issuerNameHash and issuerKeyHash, RFC 6960
//! §4.1.1) and the pair that verifies the CA's CRLs; the key cannot be copied by a forger,
//! while a name can, and successive key generations of one CA often share their name. A CA
//! certificate re-issued over the same key and name (a renewal) still matches. Exact DER is
//! compared: a name that differs only in encoding fails closed (no source is asked), which is
//! safe, and never happens with one CA's own certificates.

use crate::config::CaSources;
use crate::der;
use crate::error::RevocationError;

/// A configured CA, with the identity read from its certificate.
#[derive(Debug, Clone)]
pub(crate) struct Ca {
    pub sources: CaSources,
    /// The subject, as readable text (CRLs' issuers are compared with it).
    pub subject_text: String,
    subject: Vec<u8>,
    spki: Vec<u8>,
}

impl Ca {
    /// Reads `sources.ca_certificate`: PEM or DER, exactly one certificate.
    pub fn load(sources: CaSources) -> Result<Self, RevocationError> {
        let fail = |reason: String| RevocationError::CaCertificate {
            ca: sources.name.clone(),
            path: sources.ca_certificate.clone(),
            reason,
        };
        let bytes = std::fs::read(&sources.ca_certificate).map_err(|e| fail(e.to_string()))?;
        let label = sources.ca_certificate.display().to_string();
        let mut certificates = signatures::Verifier::certificates_from(&bytes, &label)
            .map_err(|e| fail(e.to_string()))?;
        let certificate = match (certificates.pop(), certificates.is_empty()) {
            (Some(certificate), true) => certificate,
            _ => return Err(fail("expected exactly one certificate".to_owned())),
        };
        let (subject, spki) = der::subject_and_key(certificate.der())
            .ok_or_else(|| fail("its subject and key cannot be read".to_owned()))?;
        Ok(Ca {
            subject_text: certificate.subject(),
            sources,
            subject,
            spki,
        })
    }

    /// Whether `issuer` is this CA (same subject and key).
    pub fn is(&self, issuer: &signatures::Certificate) -> bool {
        der::subject_and_key(issuer.der())
            .is_some_and(|(subject, spki)| subject == self.subject && spki == self.spki)
    }
}
