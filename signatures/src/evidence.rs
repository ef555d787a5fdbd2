//! Stored evidence handed back: the revocation data an earlier verification relied on (its
//! report's `evidence`), given to the verifier again to re-check the decision years later
//! without the network.
//!
//! Handed-back data is verified exactly like the data of the trust configuration and the
//! caller's OCSP responses: a CRL's signature by its issuer (RFC 5280 §6.3.3 (f)), an OCSP
//! response's signature and responder authority, CertID, nonce and times (RFC 6960 §3.2,
//! §4.2.2.2). It is evidence, never trust: what does not verify, or names other certificates,
//! counts as no data and is said in a warning, so nothing handed back can make a valid
//! signature fail; genuine data that shows a revocation before the validation time revokes.
//!
//! A report carries its OCSP responses whole (base64 DER) but names its CRLs only by number
//! and SHA-256 (a CRL is public and may be large): the caller keeps the CRLs it fetched and
//! hands them back beside the report ([`StoredEvidence::add_crls`]); a CRL the report names
//! and that is given neither here nor in the configuration is said in a warning
//! (`EVIDENCE_CRL_MISSING`). Timestamp tokens need no handing back: they are in the CMS.

use crate::crl::Crl;
use crate::encoding;
use crate::error::ConfigError;
use crate::ocsp::OcspResponse;
use crate::report::Warning;
use base64::Engine;
use std::collections::HashSet;

/// Most OCSP responses and CRLs read from handed-back evidence: a report relies on a few per
/// certificate of a path.
pub const MAX_EVIDENCE_ITEMS: usize = 64;

/// Revocation data kept from earlier verifications, handed back to
/// [`Verifier::verify_with`](crate::Verifier::verify_with) or
/// [`Verifier::verify_certificate_with`](crate::Verifier::verify_certificate_with).
#[derive(Debug, Clone, Default)]
pub struct StoredEvidence {
    /// CRLs (complete or delta), used beside the configured ones (the first
    /// [`MAX_EVIDENCE_ITEMS`]).
    pub crls: Vec<Crl>,
    /// OCSP responses, used beside [`Options::ocsp`](crate::Options) (the first
    /// [`MAX_EVIDENCE_ITEMS`]).
    pub ocsp_responses: Vec<OcspResponse>,
    /// The CRLs the reports read name (issuer and SHA-256 of the DER, lowercase hex).
    pub named_crls: Vec<(String, String)>,
    /// Why each piece of evidence that could not be read is ignored (`EVIDENCE_IGNORED`).
    pub ignored: Vec<String>,
}

impl StoredEvidence {
    /// No evidence.
    pub fn new() -> Self {
        StoredEvidence::default()
    }

    /// Reads the `evidence` of a report of this crate (the JSON of a [`Report`](crate::Report)
    /// or a [`CertificateReport`](crate::CertificateReport), as `eds-verify` prints it), named
    /// `source` in errors and warnings: its OCSP responses, and the CRLs it names. A file that
    /// is not such a report is an error; a response in it that cannot be read is ignored and
    /// said in [`StoredEvidence::ignored`].
    pub fn add_report_json(&mut self, json: &[u8], source: &str) -> Result<(), ConfigError> {
        let what = format!("evidence {source}");
        let report: serde_json::Value = serde_json::from_slice(json)
            .map_err(|e| ConfigError::new(&what, format!("not a JSON report: {e}")))?;
        let evidence = report
            .get("evidence")
            .filter(|e| e.is_object())
            .ok_or_else(|| ConfigError::new(&what, "the report has no evidence object"))?;
        let list = |key: &str| -> Result<Vec<serde_json::Value>, ConfigError> {
            match evidence.get(key) {
                None => Ok(Vec::new()),
                Some(serde_json::Value::Array(items)) => Ok(items.clone()),
                Some(_) => Err(ConfigError::new(
                    &what,
                    format!("evidence.{key} is not a list"),
                )),
            }
        };
        let responses = list("ocspResponses")?;
        let crls = list("crls")?;
        if responses.len() + crls.len() > MAX_EVIDENCE_ITEMS {
            return Err(ConfigError::new(
                &what,
                format!("more than {MAX_EVIDENCE_ITEMS} pieces of evidence"),
            ));
        }
        for (index, item) in responses.iter().enumerate() {
            let name = format!("{source} #{}", index + 1);
            let der = item
                .get("response")
                .and_then(serde_json::Value::as_str)
                .ok_or_else(|| "it has no base64 response".to_owned())
                .and_then(|text| {
                    base64::engine::general_purpose::STANDARD
                        .decode(text)
                        .map_err(|e| format!("its response is not base64: {e}"))
                });
            match der.and_then(|der| OcspResponse::from_der(&der).map_err(|e| e.to_string())) {
                Ok(response) => self.ocsp_responses.push(response.with_source(name)),
                Err(why) => self
                    .ignored
                    .push(format!("the OCSP response {name} is ignored: {why}")),
            }
        }
        for item in &crls {
            let text = |key: &str| item.get(key).and_then(serde_json::Value::as_str);
            if let Some(sha256) = text("sha256") {
                self.named_crls.push((
                    text("issuer").unwrap_or_default().to_owned(),
                    sha256.to_ascii_lowercase(),
                ));
            }
        }
        Ok(())
    }

    /// Adds the CRLs of a file kept as evidence (PEM or DER), named `file` in warnings. What
    /// cannot be read as a CRL is ignored and said in [`StoredEvidence::ignored`]: stored
    /// evidence never makes a verification fail to start.
    pub fn add_crls(&mut self, bytes: &[u8], file: &str) {
        let objects = encoding::der_objects(bytes, &["X509 CRL"]);
        if objects.is_empty() {
            self.ignored.push(format!(
                "the CRL evidence {file} is ignored: no CRL found (expected PEM or DER)"
            ));
        }
        for der in objects.iter().take(MAX_EVIDENCE_ITEMS) {
            match Crl::from_der(der) {
                Ok(crl) => self.crls.push(crl.with_source(file)),
                Err(e) => self
                    .ignored
                    .push(format!("the CRL evidence {file} is ignored: {e}")),
            }
        }
    }

    /// The warnings a verification with this evidence adds: what could not be read, what was
    /// not relied on (`relied_ocsp`: the DER SHA-256 of the new report's OCSP evidence;
    /// `relied_crls`: its CRLs' `sha256`), and the CRLs the reports name that are not among
    /// `available` (the SHA-256 of every CRL the verification had).
    pub(crate) fn warnings(
        &self,
        relied_ocsp: &HashSet<[u8; 32]>,
        relied_crls: &HashSet<String>,
        available: &HashSet<[u8; 32]>,
    ) -> Vec<Warning> {
        // One warning of each kind, however much evidence there is: at most three more than a
        // report's other warnings.
        let mut warnings = Vec::new();
        if !self.ignored.is_empty() {
            let mut notes: Vec<&str> = self.ignored.iter().map(String::as_str).take(4).collect();
            if self.ignored.len() > notes.len() {
                notes.push("…");
            }
            warnings.push(Warning {
                code: "EVIDENCE_IGNORED",
                message: notes.join("; "),
            });
        }
        let unused_ocsp = self
            .ocsp_responses
            .iter()
            .filter(|r| !relied_ocsp.contains(&crate::cert::sha256(r.der())))
            .count();
        let unused_crls = self
            .crls
            .iter()
            .filter(|c| !relied_crls.contains(&crate::name::hex(&crate::cert::sha256(&c.der))))
            .count();
        if unused_ocsp + unused_crls > 0 {
            warnings.push(Warning {
                code: "EVIDENCE_UNUSED",
                message: format!(
                    "{unused_ocsp} OCSP response(s) and {unused_crls} CRL(s) handed back as evidence were not relied on: they name other certificates, do not verify, or prove nothing at the validation time (OCSP_IGNORED and CRL_IGNORED say why, where they applied)"
                ),
            });
        }
        let available_hex: HashSet<String> =
            available.iter().map(|d| crate::name::hex(d)).collect();
        let mut missing: Vec<String> = self
            .named_crls
            .iter()
            .filter(|(_, sha256)| !available_hex.contains(sha256))
            .map(|(issuer, sha256)| format!("{issuer} (SHA-256 {sha256})"))
            .collect();
        missing.sort();
        missing.dedup();
        if !missing.is_empty() {
            warnings.push(Warning {
                code: "EVIDENCE_CRL_MISSING",
                message: format!(
                    "the evidence names CRLs that were not given: {}",
                    missing.join("; ")
                ),
            });
        }
        warnings
    }
}
