//! Re-checking a stored signature from its evidence alone, offline: the maintenance command
//! `registration-api reverify SIGNATURE_ID`.
//!
//! A CMS signature is verified again by a verifier built from the configured trust anchors and
//! intermediates only (no CRL file, no revocation source, no network), with what its first
//! verification relied on handed back: the CRLs kept in the evidence table (by their bytes,
//! each checked against its content address), the OCSP responses of the stored report and of
//! the evidence table, and the timestamp tokens, which are in the CMS. It is judged at the
//! validation time the stored report used, and the verdict compared with the stored one. A
//! CRL the report names and that is not stored is the verifier's own warning
//! (`EVIDENCE_CRL_MISSING`, listed in [`EvidenceUsed::missing`]): with revocation data
//! required (production) the signature is then `REVOCATION_UNKNOWN`, a different verdict.
//!
//! A signature made with a one-time password is re-checked by its seal: the sealed evidence
//! kept in the evidence table (`OTP_SEAL`) against the seal keys the service publishes
//! (`sealKeys`), and that evidence against the stored row.

use crate::seal::{self, Seal, SealError, SealKey};
use crate::service::{InternalError, hex_sha256};
use crate::trust::{TrustConfig, TrustError, TrustStore};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use entities::enums::{AuthMethod, EvidenceKind, SignaturePurpose};
use entities::{evidence, signature_evidence, stored_signature};
use sea_orm::{ActiveEnum, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::{Serialize, Serializer};
use signatures::{OcspResponse, Options, Purpose, Report, StoredEvidence, Verifier};
use std::collections::{BTreeSet, HashSet};
use time::OffsetDateTime;
use uuid::Uuid;

/// Why a stored signature could not be re-checked.
#[derive(Debug, thiserror::Error)]
pub enum ReverifyError {
    /// No stored signature has this id.
    #[error("no stored signature has the id {0}")]
    NotFound(Uuid),
    /// The signature links evidence the evidence table does not hold, or a one-time-password
    /// signature has no sealed evidence. (A CRL the report names and that was never stored is
    /// not this error: it is the verifier's warning `EVIDENCE_CRL_MISSING`.)
    #[error("evidence missing: {0}")]
    EvidenceMissing(String),
    /// The trust anchors or intermediates cannot be loaded.
    #[error(transparent)]
    Trust(#[from] TrustError),
    /// Not the caller's fault.
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<sea_orm::DbErr> for ReverifyError {
    fn from(error: sea_orm::DbErr) -> Self {
        ReverifyError::Internal(error.into())
    }
}

fn rfc3339<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&signatures::rfc3339(*t))
}

/// The stored verdict and the one reached again, side by side.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reverified {
    pub signature_id: Uuid,
    /// `EDS` or `OTP`.
    pub method: String,
    /// What the signature authorises (`SIGN_IN`, `APPLICATION`, `CONSENT`, `DECISION`).
    pub purpose: String,
    /// The time it was judged at, again: the stored report's validation time (for a code,
    /// when it was accepted).
    #[serde(serialize_with = "rfc3339")]
    pub validation_time: OffsetDateTime,
    pub stored_valid: bool,
    pub stored_code: String,
    pub now_valid: bool,
    pub now_code: String,
    /// Whether validity and code are both what was stored.
    pub same_verdict: bool,
    /// What was handed back.
    pub evidence: EvidenceUsed,
    /// The new report: the verifier's for a CMS, the seal's check for a code.
    pub report: NewReport,
}

impl Reverified {
    /// One line of JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| {
            format!("{{\"error\":\"the comparison could not be serialised: {e}\"}}")
        })
    }
}

/// The evidence a re-check had: the linked rows by kind, and what of it was ignored or is
/// missing.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EvidenceUsed {
    pub crls: usize,
    pub ocsp_responses: usize,
    pub timestamp_tokens: usize,
    pub otp_seals: usize,
    /// Evidence that could not be read or does not match its digest (also in the report's
    /// `EVIDENCE_IGNORED` warning for a CMS).
    pub ignored: Vec<String>,
    /// The verifier's `EVIDENCE_CRL_MISSING` warnings: CRLs the stored report names that are
    /// not stored.
    pub missing: Vec<String>,
}

/// A re-check's report.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum NewReport {
    /// The verifier's report.
    Eds(Box<Report>),
    /// The seal's check.
    Otp(SealReport),
}

/// A one-time-password signature's seal, checked again.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SealReport {
    /// Always `OTP`.
    pub method: &'static str,
    pub valid: bool,
    /// `OK`, `SEAL_KEY_UNKNOWN` (no published key has the seal's id), `SEAL_INVALID` (the
    /// seal does not verify over the sealed evidence), `EVIDENCE_MISMATCH` (the sealed
    /// evidence is not the stored row's) or `MALFORMED` (the kept evidence cannot be read).
    pub code: &'static str,
    pub message: String,
    /// The seal, as kept.
    pub seal: Option<Seal>,
    /// Whether the key that made it is retired (its seals stay valid).
    pub key_retired: Option<bool>,
    pub masked_phone: Option<String>,
}

/// Re-checks the stored signature `signature_id` offline from its evidence: a verifier built
/// from `trust`'s anchors and intermediates only (its CRL files are never read), or, for a
/// one-time password, the seal against `seal_keys` (what `sealKeys` publishes). `now` only
/// stamps the trust store's load.
pub async fn reverify<C: ConnectionTrait>(
    db: &C,
    trust: &TrustConfig,
    seal_keys: &[SealKey],
    signature_id: Uuid,
    now: OffsetDateTime,
) -> Result<Reverified, ReverifyError> {
    let Some(row) = stored_signature::Entity::find_by_id(signature_id)
        .one(db)
        .await?
    else {
        return Err(ReverifyError::NotFound(signature_id));
    };
    let kept = kept_evidence(db, signature_id).await?;
    match row.method {
        AuthMethod::Eds => reverify_cms(&row, &kept, trust, now),
        AuthMethod::Otp => reverify_seal(&row, &kept, seal_keys),
    }
}

/// The evidence rows linked to a signature; a link without its row is an error.
async fn kept_evidence<C: ConnectionTrait>(
    db: &C,
    signature_id: Uuid,
) -> Result<Vec<evidence::Model>, ReverifyError> {
    let digests: Vec<String> = signature_evidence::Entity::find()
        .filter(signature_evidence::Column::SignatureId.eq(signature_id))
        .all(db)
        .await?
        .into_iter()
        .map(|link| link.digest)
        .collect();
    if digests.is_empty() {
        return Ok(Vec::new());
    }
    let rows = evidence::Entity::find()
        .filter(evidence::Column::Digest.is_in(digests.clone()))
        .all(db)
        .await?;
    let found: HashSet<&str> = rows.iter().map(|r| r.digest.as_str()).collect();
    let absent: Vec<&str> = digests
        .iter()
        .map(String::as_str)
        .filter(|d| !found.contains(d))
        .collect();
    if !absent.is_empty() {
        return Err(ReverifyError::EvidenceMissing(format!(
            "the signature links evidence the evidence table does not hold: {}",
            absent.join(", ")
        )));
    }
    Ok(rows)
}

/// The first 16 hex digits of a digest, to name a piece of evidence.
fn short(digest: &str) -> &str {
    digest.get(..16).unwrap_or(digest)
}

fn verdict(stored_valid: bool, stored_code: &str, now_valid: bool, now_code: &str) -> bool {
    stored_valid == now_valid && stored_code == now_code
}

fn reverify_cms(
    row: &stored_signature::Model,
    kept: &[evidence::Model],
    trust: &TrustConfig,
    now: OffsetDateTime,
) -> Result<Reverified, ReverifyError> {
    // Offline: the anchors and intermediates alone; revocation comes from the evidence.
    let offline = TrustConfig {
        crls: Vec::new(),
        ..trust.clone()
    };
    let store = TrustStore::load(&offline, now)?;
    let (anchors, intermediates) = store.anchors_and_intermediates();
    let verifier = Verifier::new(anchors.to_vec()).with_intermediates(intermediates.to_vec());

    let stored: serde_json::Value = serde_json::from_str(&row.report).unwrap_or_default();
    let stored_code = stored
        .get("code")
        .and_then(serde_json::Value::as_str)
        .unwrap_or(if row.valid { "OK" } else { "UNKNOWN" })
        .to_owned();
    // The validation time the stored report used (`Options.at`, the time it was received).
    let at = stored
        .get("validationTime")
        .and_then(serde_json::Value::as_str)
        .and_then(signatures::parse_rfc3339)
        .unwrap_or(row.received_at);

    let mut handed = StoredEvidence::new();
    if let Err(error) = handed.add_report_json(row.report.as_bytes(), "the stored report") {
        handed.ignored.push(error.to_string());
    }
    let mut used = EvidenceUsed::default();
    let from_report: HashSet<Vec<u8>> = handed
        .ocsp_responses
        .iter()
        .map(|r| r.der().to_vec())
        .collect();
    for piece in kept {
        let name = format!("evidence {}", short(&piece.digest));
        if hex_sha256(&piece.bytes) != piece.digest {
            handed.ignored.push(format!(
                "the {name} is ignored: its bytes do not match its digest"
            ));
            continue;
        }
        match piece.kind {
            EvidenceKind::Crl => {
                used.crls += 1;
                handed.add_crls(&piece.bytes, &name);
            }
            EvidenceKind::Ocsp => {
                used.ocsp_responses += 1;
                if from_report.contains(&piece.bytes) {
                    continue;
                }
                match OcspResponse::from_der(&piece.bytes) {
                    Ok(response) => handed.ocsp_responses.push(response.with_source(name)),
                    Err(error) => handed
                        .ignored
                        .push(format!("the OCSP response {name} is ignored: {error}")),
                }
            }
            // The tokens the verification relied on are in the CMS, which carries them.
            EvidenceKind::TimestampToken => used.timestamp_tokens += 1,
            EvidenceKind::OtpSeal => used.otp_seals += 1,
            _ => {}
        }
    }
    used.ignored = handed.ignored.clone();

    // As the signature was first verified: at the time it was received, for the purpose of
    // its key, revocation data required as configured; no OCSP beyond the evidence.
    let mut options = Options::new(at);
    options.at = Some(at);
    options.purpose = Some(match row.purpose {
        SignaturePurpose::SignIn => Purpose::Auth,
        _ => Purpose::Sign,
    });
    options.require_revocation = trust.require_revocation;
    let report = verifier.verify_with(&row.cms, Some(&row.signed_content), &options, &handed);
    used.missing = report
        .signers
        .iter()
        .flat_map(|s| &s.warnings)
        .filter(|w| w.code == "EVIDENCE_CRL_MISSING")
        .map(|w| w.message.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();

    // The verifier's verdict, and the signer must still be the one stored (a CMS swapped for
    // another valid one is not the signature that was kept).
    let (now_valid, now_code) = match report.signers.as_slice() {
        _ if !report.valid => (false, report.code.as_str().to_owned()),
        [signer]
            if signer.serial_number == row.signer_serial && signer.signer.iin == row.signer_iin =>
        {
            (true, report.code.as_str().to_owned())
        }
        [_] => (false, "SIGNER_MISMATCH".to_owned()),
        _ => (false, "SIGNER_COUNT".to_owned()),
    };
    Ok(Reverified {
        signature_id: row.id,
        method: row.method.to_value(),
        purpose: row.purpose.to_value(),
        validation_time: at,
        same_verdict: verdict(row.valid, &stored_code, now_valid, &now_code),
        stored_valid: row.valid,
        stored_code,
        now_valid,
        now_code,
        evidence: used,
        report: NewReport::Eds(Box::new(report)),
    })
}

/// The sealed document kept as `OTP_SEAL` evidence.
#[derive(Debug, serde::Deserialize)]
struct SealedDocument {
    /// The sealed bytes, base64.
    evidence: String,
    seal: Seal,
}

fn reverify_seal(
    row: &stored_signature::Model,
    kept: &[evidence::Model],
    seal_keys: &[SealKey],
) -> Result<Reverified, ReverifyError> {
    let stored: serde_json::Value = serde_json::from_str(&row.report).unwrap_or_default();
    let stored_code = stored
        .get("code")
        .and_then(serde_json::Value::as_str)
        .unwrap_or(if row.valid { "OK" } else { "UNKNOWN" })
        .to_owned();
    let seals: Vec<&evidence::Model> = kept
        .iter()
        .filter(|e| e.kind == EvidenceKind::OtpSeal)
        .collect();
    let [document] = seals.as_slice() else {
        return Err(ReverifyError::EvidenceMissing(format!(
            "a one-time-password signature needs exactly one OTP_SEAL evidence, it has {}",
            seals.len()
        )));
    };
    let used = EvidenceUsed {
        otp_seals: 1,
        crls: kept.iter().filter(|e| e.kind == EvidenceKind::Crl).count(),
        ..EvidenceUsed::default()
    };
    let stored_seal: Option<Seal> = stored
        .get("seal")
        .and_then(|s| serde_json::from_value(s.clone()).ok());
    let parsed = (hex_sha256(&document.bytes) == document.digest)
        .then(|| serde_json::from_slice::<SealedDocument>(&document.bytes).ok())
        .flatten()
        .and_then(|d| Some((STANDARD.decode(&d.evidence).ok()?, d.seal)));
    let mut at = row.received_at;
    let (code, message, seal) = match parsed {
        None => (
            "MALFORMED",
            "the kept OTP_SEAL evidence cannot be read or does not match its digest".to_owned(),
            None,
        ),
        Some((sealed, seal)) => {
            let claims: serde_json::Value = serde_json::from_slice(&sealed).unwrap_or_default();
            if let Some(verified_at) = claims
                .get("verifiedAt")
                .and_then(serde_json::Value::as_str)
                .and_then(signatures::parse_rfc3339)
            {
                at = verified_at;
            }
            let checked = match seal::verify(seal_keys, &sealed, &seal) {
                Err(SealError::UnknownKey(id)) => Err((
                    "SEAL_KEY_UNKNOWN",
                    format!("no published seal key has the id {id}"),
                )),
                Err(error) => Err(("SEAL_INVALID", error.to_string())),
                Ok(()) => {
                    let signature = STANDARD.decode(&seal.signature).unwrap_or_default();
                    let signer = claims.get("signerIin").and_then(serde_json::Value::as_str);
                    if sealed != row.signed_content
                        || signature != row.cms
                        || stored_seal.as_ref() != Some(&seal)
                        || signer != row.signer_iin.as_deref()
                    {
                        Err((
                            "EVIDENCE_MISMATCH",
                            "the sealed evidence is not the stored signature's".to_owned(),
                        ))
                    } else {
                        Ok(())
                    }
                }
            };
            match checked {
                Ok(()) => (
                    "OK",
                    "the seal verifies over the stored evidence".to_owned(),
                    Some(seal),
                ),
                Err((code, message)) => (code, message, Some(seal)),
            }
        }
    };
    let now_valid = code == "OK";
    let key_retired = seal
        .as_ref()
        .and_then(|s| seal_keys.iter().find(|k| k.id == s.key_id))
        .map(|k| k.retired);
    Ok(Reverified {
        signature_id: row.id,
        method: row.method.to_value(),
        purpose: row.purpose.to_value(),
        validation_time: at,
        same_verdict: verdict(row.valid, &stored_code, now_valid, code),
        stored_valid: row.valid,
        stored_code,
        now_valid,
        now_code: code.to_owned(),
        evidence: used,
        report: NewReport::Otp(SealReport {
            method: "OTP",
            valid: now_valid,
            code,
            message,
            seal,
            key_retired,
            masked_phone: row.masked_phone.clone(),
        }),
    })
}
