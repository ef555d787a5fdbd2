//! Revocation checking (RFC 5280 §6.3) against the CRLs the caller supplies and those carried
//! in the CMS.
//!
//! [`RevocationSource`] is the seam for other sources: OCSP (RFC 6960) is another
//! implementation of it. The CRL source handles direct and indirect CRLs (cRLIssuer and the
//! certificateIssuer entry extension), issuing distribution points, reason partitions and
//! delta CRLs.

use crate::algorithms::{self, check_algorithm, signed_object_scheme};
use crate::cache::SignatureCache;
use crate::cert::Certificate;
use crate::chain::{self, Pool};
use crate::crl::{CERTIFICATE_HOLD, Crl, REMOVE_FROM_CRL, RevokedEntry, reason_name};
use crate::distribution_point::scope;
use crate::error::Error;
use crate::extensions::{ALL_REASONS, DistributionPoint, compare_numbers};
use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::HashMap;
use time::OffsetDateTime;

/// What is known of one certificate's revocation at the validation time.
#[derive(Debug, Clone)]
pub(crate) enum Status {
    /// Current revocation data covering every reason says it was not revoked by then.
    Good,
    /// Revoked (or on hold) at or before the validation time.
    Revoked(Error),
    /// No applicable, current data (or not for every reason).
    Unknown,
}

/// One certificate of a path, as revocation checking sees it.
#[derive(Debug)]
pub(crate) struct Subject<'a> {
    pub certificate: &'a Certificate,
    /// The certificate that issued it (the next one in the path).
    pub issuer: &'a Certificate,
    /// The trust anchor of the path: a CRL issuer must chain to the same one (§6.3.3 (f)).
    pub anchor: &'a Certificate,
}

/// A source of revocation status.
pub(crate) trait RevocationSource {
    /// The status of `subject` at `at`. `findings` receives algorithm-level problems with the
    /// revocation data used (a CRL signed with SHA-1 is `WEAK_ALGORITHM`).
    fn status(
        &self,
        subject: &Subject<'_>,
        at: OffsetDateTime,
        findings: &mut Vec<Error>,
    ) -> Status;
}

/// A certificate in a path, by fingerprints: (certificate, issuer, anchor).
type PathLink = ([u8; 32], [u8; 32], [u8; 32]);

/// Revocation from a set of CRLs.
#[derive(Debug)]
pub(crate) struct CrlSource<'a> {
    crls: Vec<&'a Crl>,
    /// Where CRL issuers' certificates are looked up and their paths built.
    pool: &'a Pool<'a>,
    cache: &'a SignatureCache,
    /// Statuses already decided in this verification, by (certificate, issuer, anchor): a CMS
    /// with many signers over the same chain, or many copies of a certificate, must not make
    /// the verifier repeat the work (a denial-of-service amplifier otherwise).
    decided: RefCell<HashMap<PathLink, (Status, Vec<Error>)>>,
    /// CRL signature results of this verification, by (CRL, signing key). Kept only for this
    /// verification: the shared cache holds certificate links alone.
    crl_signatures: RefCell<HashMap<(usize, [u8; 32]), bool>>,
}

impl<'a> CrlSource<'a> {
    /// A source over these CRLs.
    pub fn new(crls: Vec<&'a Crl>, pool: &'a Pool<'a>, cache: &'a SignatureCache) -> Self {
        CrlSource {
            crls,
            pool,
            cache,
            decided: RefCell::default(),
            crl_signatures: RefCell::default(),
        }
    }
}

impl RevocationSource for CrlSource<'_> {
    fn status(
        &self,
        subject: &Subject<'_>,
        at: OffsetDateTime,
        findings: &mut Vec<Error>,
    ) -> Status {
        let key = (
            subject.certificate.fingerprint,
            subject.issuer.fingerprint,
            subject.anchor.fingerprint,
        );
        if let Some((status, earlier_findings)) = self.decided.borrow().get(&key) {
            findings.extend(earlier_findings.iter().cloned());
            return status.clone();
        }
        let mut own_findings = Vec::new();
        let status = self.decide(subject, at, &mut own_findings);
        findings.extend(own_findings.iter().cloned());
        self.decided
            .borrow_mut()
            .insert(key, (status.clone(), own_findings));
        status
    }
}

impl CrlSource<'_> {
    fn decide(
        &self,
        subject: &Subject<'_>,
        at: OffsetDateTime,
        findings: &mut Vec<Error>,
    ) -> Status {
        let certificate = subject.certificate;
        // §6.3.3: a certificate without CRL distribution points is treated as if it named one
        // with the certificate's issuer as the distribution point and no reasons or cRLIssuer.
        let implicit = DistributionPoint {
            name: None,
            reasons: None,
            crl_issuer: None,
        };
        let points: Vec<&DistributionPoint> = certificate
            .crl_distribution_points
            .iter()
            .chain(std::iter::once(&implicit))
            .collect();
        let mut reasons_covered = 0u16;
        for crl in self.crls.iter().filter(|c| !c.is_delta()) {
            if !is_current(crl, at) || crl.unsupported_critical.is_some() {
                continue;
            }
            let Some(interim_reasons) = scope(crl, certificate, &points) else {
                continue;
            };
            // §6.3.3 (d): a CRL that adds no reason not yet covered need not be processed.
            if interim_reasons & !reasons_covered == 0 {
                continue;
            }
            match self.check_crl_signature(crl, subject, findings) {
                Some(true) => {}
                _ => continue,
            }
            let delta = self.delta_for(crl, subject, at, findings);
            if let Some(entry) = lookup(crl, delta, certificate, at) {
                return Status::Revoked(Error::Revoked {
                    subject: certificate.subject.to_string(),
                    serial: certificate.serial_hex(),
                    revoked_at: entry.revoked_at,
                    reason: reason_name(entry.reason).to_owned(),
                });
            }
            reasons_covered |= interim_reasons;
        }
        if reasons_covered & ALL_REASONS == ALL_REASONS {
            Status::Good
        } else {
            Status::Unknown
        }
    }
}

impl CrlSource<'_> {
    /// §6.3.3 (f): verifies the CRL's signature with the key of a certificate of the CRL
    /// issuer that may sign CRLs and chains to the same anchor. `None` when no such
    /// certificate exists, `Some(false)` when the signature fails.
    fn check_crl_signature(
        &self,
        crl: &Crl,
        subject: &Subject<'_>,
        findings: &mut Vec<Error>,
    ) -> Option<bool> {
        let what = format!("the signature of the CRL of {}", crl.issuer);
        let (scheme, digest) = match signed_object_scheme(&crl.signature_algorithm, || what.clone())
        {
            Ok(resolved) => resolved,
            Err(e) => {
                findings.push(e);
                return None;
            }
        };
        for signer in self.crl_signers(crl, subject) {
            if let Err(e) = check_algorithm(&scheme, digest, &signer.public_key, &what) {
                findings.push(e);
                return None;
            }
            // The CRL's address identifies it for the length of this verification.
            let key = (std::ptr::from_ref(crl) as usize, signer.key_hash);
            let known = self.crl_signatures.borrow().get(&key).copied();
            let verified = known.unwrap_or_else(|| {
                let verified = algorithms::verify_signature(
                    &scheme,
                    digest,
                    &signer.public_key,
                    crl.tbs(),
                    &crl.signature,
                    &what,
                )
                .unwrap_or(false);
                self.crl_signatures.borrow_mut().insert(key, verified);
                verified
            });
            if verified {
                return Some(true);
            }
        }
        Some(false)
    }

    /// Candidate signers of a CRL: the path's own issuer first (the common, direct case),
    /// then any certificate with the CRL issuer's name that chains to the same anchor.
    fn crl_signers<'s>(&'s self, crl: &Crl, subject: &Subject<'s>) -> Vec<&'s Certificate> {
        let mut candidates: Vec<&Certificate> = Vec::new();
        let may_sign = |c: &Certificate| {
            c.subject == crl.issuer
                && c.key_usage.is_none_or(|ku| ku.crl_sign)
                && chain::key_ids_agree(
                    crl.authority_key_id.as_deref(),
                    c.subject_key_id.as_deref(),
                )
        };
        if may_sign(subject.issuer) {
            candidates.push(subject.issuer);
        }
        for &other in self.pool.anchors.iter().chain(&self.pool.intermediates) {
            if other.fingerprint == subject.issuer.fingerprint || !may_sign(other) {
                continue;
            }
            let chains_to_anchor = if other.fingerprint == subject.anchor.fingerprint {
                true
            } else {
                chain::build_paths(other, self.pool, self.cache)
                    .unwrap_or_default()
                    .iter()
                    .any(|path| {
                        path.anchor()
                            .is_some_and(|a| a.fingerprint == subject.anchor.fingerprint)
                            && path.findings.is_empty()
                    })
            };
            if chains_to_anchor {
                candidates.push(other);
            }
        }
        candidates
    }

    /// §6.3.3 (c), (g): the newest current delta CRL for a complete CRL: same issuer, same
    /// scope, based on a CRL number no later than the complete CRL's, signed by the issuer.
    fn delta_for<'c>(
        &'c self,
        complete: &Crl,
        subject: &Subject<'_>,
        at: OffsetDateTime,
        findings: &mut Vec<Error>,
    ) -> Option<&'c Crl> {
        let complete_number = complete.number.as_deref()?;
        let mut best: Option<&Crl> = None;
        for &delta in self.crls.iter().filter(|c| c.is_delta()) {
            let (Some(base), Some(number)) = (delta.delta_base.as_deref(), delta.number.as_deref())
            else {
                continue;
            };
            let applies = delta.issuer == complete.issuer
                && delta.issuing_distribution_point == complete.issuing_distribution_point
                && compare_numbers(base, complete_number) != Ordering::Greater
                && compare_numbers(number, complete_number) == Ordering::Greater
                && is_current(delta, at)
                && delta.unsupported_critical.is_none();
            if !applies {
                continue;
            }
            let newer = best.is_none_or(|b| {
                b.number
                    .as_deref()
                    .is_none_or(|n| compare_numbers(number, n) == Ordering::Greater)
            });
            if newer && self.check_crl_signature(delta, subject, findings) == Some(true) {
                best = Some(delta);
            }
        }
        best
    }
}

/// A CRL counts as revocation data at `at` until its nextUpdate (RFC 5280 §5.1.2.5). One
/// issued after `at` still counts: its entries say what was revoked by then.
fn is_current(crl: &Crl, at: OffsetDateTime) -> bool {
    crl.next_update.is_none_or(|next| next >= at)
}

/// §6.3.3 (i), (j): the entry that revokes the certificate at `at`, looking in the delta CRL
/// first (it is newer: a removeFromCRL there lifts a hold listed in the complete CRL).
fn lookup<'c>(
    complete: &'c Crl,
    delta: Option<&'c Crl>,
    certificate: &Certificate,
    at: OffsetDateTime,
) -> Option<&'c RevokedEntry> {
    let find = |crl: &'c Crl| {
        crl.entries
            .get(&certificate.serial)?
            .iter()
            .find(|e| e.certificate_issuer == certificate.issuer)
    };
    if let Some(entry) = delta.and_then(find) {
        if entry.reason == Some(REMOVE_FROM_CRL) {
            return None;
        }
        if entry.revoked_at <= at {
            return Some(entry);
        }
    }
    let entry = find(complete)?;
    let lifted = entry.reason == Some(CERTIFICATE_HOLD)
        && delta.is_some_and(|d| find(d).is_some_and(|e| e.reason == Some(REMOVE_FROM_CRL)));
    (entry.revoked_at <= at && entry.reason != Some(REMOVE_FROM_CRL) && !lifted).then_some(entry)
}
