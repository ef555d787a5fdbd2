//! Revocation checking (RFC 5280 §6.3) against the CRLs the caller supplies and those carried
//! in the CMS.
//!
//! [`RevocationSource`] is the seam for other sources: OCSP (RFC 6960) is another
//! implementation of it. The CRL source handles direct and indirect CRLs (cRLIssuer and the
//! certificateIssuer entry extension), issuing distribution points, reason partitions and
//! delta CRLs.

use crate::algorithms::{self, check_algorithm, signed_object_scheme};
use crate::budget::Budget;
use crate::cache::SignatureCache;
use crate::cert::Certificate;
use crate::chain::{self, Pool};
use crate::crl::{CERTIFICATE_HOLD, Crl, REMOVE_FROM_CRL, RevokedEntry, reason_name};

/// The reason code `keyCompromise` (RFC 5280 §5.3.1).
const KEY_COMPROMISE: u8 = 1;
use crate::distribution_point::scope;
use crate::error::Error;
use crate::extensions::{ALL_REASONS, DistributionPoint, compare_numbers};
use std::cell::{Cell, RefCell};
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
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
    /// Whether the validation time is a timestamp's (a past time proven by a TSA) rather than
    /// the caller's now or a given time. Then only data issued at or after it (a CRL's
    /// thisUpdate) proves the certificate not revoked at that time, and a hold leaves its
    /// status unknown (it may have been lifted or made permanent since).
    pub timestamped: bool,
}

/// A source of revocation status.
pub(crate) trait RevocationSource {
    /// The status of `subject` at `at`. `notes` receives why revocation data that would
    /// cover the certificate was ignored (a CRL that does not verify, is signed with SHA-1 or
    /// an unsupported algorithm, or has an unsupported critical extension): such data counts
    /// as none, never as a failure of the signature.
    fn status(&self, subject: &Subject<'_>, at: OffsetDateTime, notes: &mut Vec<String>) -> Status;
}

/// A CRL signer, by fingerprints: (certificate, anchor), and the time it was validated at.
type SignerKey = ([u8; 32], [u8; 32], OffsetDateTime, bool);

/// A certificate in a path, by fingerprints: (certificate, issuer, anchor), and the time its
/// status was decided at (signers with timestamps are judged at different times).
type PathLink = ([u8; 32], [u8; 32], [u8; 32], OffsetDateTime, bool);

/// How deep the validation of CRL signers may nest (a CRL signer's own revocation is checked
/// against CRLs whose signers are validated in turn): RFC 5280 §6.3.3 (f) asks for the CRL
/// signer's path; two levels cover NCA RK (CA, then its CRL-signing certificate).
const MAX_CRL_SIGNER_DEPTH: u8 = 2;

/// Revocation from a set of CRLs.
#[derive(Debug)]
pub(crate) struct CrlSource<'a> {
    crls: Vec<&'a Crl>,
    /// Where CRL issuers' certificates are looked up and their paths built.
    pool: &'a Pool<'a>,
    cache: &'a SignatureCache,
    /// The verification's one budget: CRL signatures and CRL-signer paths are paid from it.
    budget: &'a Budget,
    /// Statuses already decided in this verification, by (certificate, issuer, anchor): a CMS
    /// with many signers over the same chain, or many copies of a certificate, must not make
    /// the verifier repeat the work (a denial-of-service amplifier otherwise).
    decided: RefCell<HashMap<PathLink, (Status, Vec<String>)>>,
    /// CRL signature results of this verification, by (CRL, signing key). Kept only for this
    /// verification: the shared cache holds certificate links alone.
    crl_signatures: RefCell<HashMap<(usize, [u8; 32]), bool>>,
    /// CRL signers already validated in this verification, by (certificate, anchor).
    signers: RefCell<HashMap<SignerKey, bool>>,
    /// The CRLs (by address, as `crl_signatures`) that decided a status in this verification:
    /// the report's evidence.
    relied: RefCell<HashSet<usize>>,
    depth: Cell<u8>,
}

impl<'a> CrlSource<'a> {
    /// A source over these CRLs.
    pub fn new(
        crls: Vec<&'a Crl>,
        pool: &'a Pool<'a>,
        cache: &'a SignatureCache,
        budget: &'a Budget,
    ) -> Self {
        CrlSource {
            crls,
            pool,
            cache,
            budget,
            decided: RefCell::default(),
            crl_signatures: RefCell::default(),
            signers: RefCell::default(),
            relied: RefCell::default(),
            depth: Cell::new(0),
        }
    }
}

impl RevocationSource for CrlSource<'_> {
    fn status(&self, subject: &Subject<'_>, at: OffsetDateTime, notes: &mut Vec<String>) -> Status {
        let key = (
            subject.certificate.fingerprint,
            subject.issuer.fingerprint,
            subject.anchor.fingerprint,
            at,
            subject.timestamped,
        );
        if let Some((status, earlier_notes)) = self.decided.borrow().get(&key) {
            notes.extend(earlier_notes.iter().cloned());
            return status.clone();
        }
        let mut own_notes = Vec::new();
        let status = self.decide(subject, at, &mut own_notes);
        notes.extend(own_notes.iter().cloned());
        self.decided
            .borrow_mut()
            .insert(key, (status.clone(), own_notes));
        status
    }
}

/// Whether a revocation is permanent: every reason but certificateHold and removeFromCRL
/// (RFC 5280 §5.3.1). A permanent revocation listed by any CRL that verifies counts, however
/// old the CRL: a certificate once revoked is never reinstated.
fn is_permanent(entry: &RevokedEntry) -> bool {
    !matches!(entry.reason, Some(CERTIFICATE_HOLD | REMOVE_FROM_CRL))
}

/// The CRL of the same scope (issuer and issuing distribution point) issued last: the higher
/// CRL number, then the later thisUpdate, then the encoding (so that the choice never depends
/// on the order the CRLs were given in).
fn is_newer(a: &Crl, b: &Crl) -> bool {
    let number = match (a.number.as_deref(), b.number.as_deref()) {
        (Some(x), Some(y)) => compare_numbers(x, y),
        (x, y) => x.is_some().cmp(&y.is_some()),
    };
    number
        .then(a.this_update.cmp(&b.this_update))
        .then_with(|| a.der.cmp(&b.der))
        == Ordering::Greater
}

fn same_scope(a: &Crl, b: &Crl) -> bool {
    a.issuer == b.issuer && a.issuing_distribution_point == b.issuing_distribution_point
}

impl CrlSource<'_> {
    /// RFC 5280 §6.3.3, made independent of the order of the CRLs: every complete CRL in
    /// scope whose signature verifies is read. A permanent revocation in any of them (or in
    /// its delta) revokes; a hold follows the newest CRL of its scope (a removeFromCRL in its
    /// delta lifts it); only current CRLs make a certificate "not revoked" (staleness
    /// weakens that alone).
    fn decide(&self, subject: &Subject<'_>, at: OffsetDateTime, notes: &mut Vec<String>) -> Status {
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
        let mut permanent: Option<(&RevokedEntry, &Crl)> = None;
        let mut newest: Vec<(&Crl, Option<&Crl>)> = Vec::new();
        // The CRLs that prove "not revoked" for some reasons, should that be the outcome.
        let mut proving: Vec<&Crl> = Vec::new();
        for &crl in self.crls.iter().filter(|c| !c.is_delta()) {
            let Some(interim_reasons) = scope(crl, certificate, &points) else {
                continue;
            };
            if let Some(oid) = &crl.unsupported_critical {
                notes.push(format!(
                    "{} was ignored: it has an unsupported critical extension {oid}",
                    describe(crl)
                ));
                continue;
            }
            if !self.check_crl_signature(crl, subject, at, notes) {
                continue;
            }
            let current = proves_status(crl, at, subject.timestamped);
            let delta = if current {
                self.delta_for(crl, subject, at, notes)
            } else {
                None
            };
            for list in std::iter::once(crl).chain(delta) {
                for entry in entries_for(list, certificate) {
                    if is_permanent(entry)
                        && effective_revocation(entry) <= at
                        && permanent.is_none_or(|(p, _)| {
                            (entry.revoked_at, entry.reason) < (p.revoked_at, p.reason)
                        })
                    {
                        permanent = Some((entry, list));
                    }
                }
            }
            if current {
                reasons_covered |= interim_reasons;
                proving.push(crl);
                proving.extend(delta);
            }
            match newest.iter_mut().find(|(c, _)| same_scope(c, crl)) {
                Some(slot) if is_newer(crl, slot.0) => *slot = (crl, delta),
                Some(_) => {}
                None => newest.push((crl, delta)),
            }
        }
        let revoked = |entry: &RevokedEntry| {
            Status::Revoked(Error::Revoked {
                subject: certificate.subject.to_string(),
                serial: certificate.serial_hex(),
                revoked_at: entry.revoked_at,
                reason: reason_name(entry.reason).to_owned(),
            })
        };
        if let Some((entry, list)) = permanent {
            self.rely(&[list]);
            return revoked(entry);
        }
        for (crl, delta) in newest {
            if let Some(entry) = hold(crl, delta, certificate, at) {
                self.rely(&[crl]);
                if let Some(delta) = delta {
                    self.rely(&[delta]);
                }
                // At a timestamp's time a hold proves neither revocation nor its absence.
                if subject.timestamped {
                    return Status::Unknown;
                }
                return revoked(entry);
            }
        }
        if reasons_covered & ALL_REASONS == ALL_REASONS {
            self.rely(&proving);
            Status::Good
        } else {
            Status::Unknown
        }
    }

    /// Records CRLs as relied on (evidence).
    fn rely(&self, crls: &[&Crl]) {
        let mut relied = self.relied.borrow_mut();
        for &crl in crls {
            relied.insert(std::ptr::from_ref(crl) as usize);
        }
    }

    /// §6.3.3 (f): verifies the CRL's signature with the key of a certificate of the CRL
    /// issuer that may sign CRLs and is itself valid (a path to the same anchor, valid at
    /// `at`, not revoked). `false`, with a note saying why, when the CRL cannot be used.
    fn check_crl_signature(
        &self,
        crl: &Crl,
        subject: &Subject<'_>,
        at: OffsetDateTime,
        notes: &mut Vec<String>,
    ) -> bool {
        let what = format!("the signature of {}", describe(crl));
        let (scheme, digest) = match signed_object_scheme(&crl.signature_algorithm, || what.clone())
        {
            Ok(resolved) => resolved,
            Err(e) => {
                notes.push(format!("{} was ignored: {e}", describe(crl)));
                return false;
            }
        };
        if crl.signature_unused_bits {
            notes.push(format!(
                "{} was ignored: its signature is invalid (a BIT STRING with unused bits)",
                describe(crl)
            ));
            return false;
        }
        let mut algorithm_problem = None;
        for signer in self.crl_signers(crl, subject) {
            if let Err(e) = check_algorithm(&scheme, digest, &signer.public_key, &what) {
                algorithm_problem.get_or_insert(e);
                continue;
            }
            // The CRL's address identifies it for the length of this verification.
            let key = (std::ptr::from_ref(crl) as usize, signer.key_hash);
            let known = self.crl_signatures.borrow().get(&key).copied();
            let verified = match known {
                Some(verified) => verified,
                None if !self.budget.signature_check() => return false,
                None => {
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
                }
            };
            if verified && self.signer_is_valid(signer, subject, at) {
                return true;
            }
        }
        let why = match algorithm_problem {
            Some(e) => e.to_string(),
            None => "no valid certificate of its issuer verifies its signature".to_owned(),
        };
        notes.push(format!("{} was ignored: {why}", describe(crl)));
        false
    }

    /// §6.3.3 (f): a CRL signer other than the path's own issuer must have a path to the same
    /// anchor, valid at `at`, and not be revoked (checked to [`MAX_CRL_SIGNER_DEPTH`]).
    fn signer_is_valid(
        &self,
        signer: &Certificate,
        subject: &Subject<'_>,
        at: OffsetDateTime,
    ) -> bool {
        if signer.fingerprint == subject.issuer.fingerprint
            || signer.fingerprint == subject.anchor.fingerprint
        {
            // The path's own issuer is validated with the path; the anchor is trusted.
            return true;
        }
        let key = (
            signer.fingerprint,
            subject.anchor.fingerprint,
            at,
            subject.timestamped,
        );
        if let Some(&valid) = self.signers.borrow().get(&key) {
            return valid;
        }
        let depth = self.depth.get();
        if depth >= MAX_CRL_SIGNER_DEPTH {
            return false;
        }
        self.depth.set(depth + 1);
        let valid = chain::build_paths(signer, self.pool, self.cache, self.budget)
            .unwrap_or_default()
            .iter()
            .filter(|path| {
                path.anchor()
                    .is_some_and(|a| a.fingerprint == subject.anchor.fingerprint)
            })
            .any(|path| {
                chain::validate(path, at).is_empty()
                    && path.certificates.windows(2).all(|pair| {
                        let [certificate, issuer] = pair else {
                            return true;
                        };
                        let link = Subject {
                            certificate,
                            issuer,
                            anchor: subject.anchor,
                            timestamped: subject.timestamped,
                        };
                        !matches!(self.status(&link, at, &mut Vec::new()), Status::Revoked(_))
                    })
            });
        self.depth.set(depth);
        self.signers.borrow_mut().insert(key, valid);
        valid
    }

    /// Candidate signers of a CRL: the path's own issuer first (the common, direct case),
    /// then the anchors and intermediates with the CRL issuer's name that may sign CRLs,
    /// those whose key identifier matches first, then by fingerprint (never the CMS's order).
    fn crl_signers<'s>(&'s self, crl: &Crl, subject: &Subject<'s>) -> Vec<&'s Certificate> {
        let may_sign = |c: &Certificate| {
            c.subject == crl.issuer
                && c.key_usage.is_none_or(|ku| ku.crl_sign)
                && chain::key_ids_agree(
                    crl.authority_key_id.as_deref(),
                    c.subject_key_id.as_deref(),
                )
        };
        let mut others: Vec<&Certificate> = self
            .pool
            .anchors
            .iter()
            .chain(&self.pool.intermediates)
            .copied()
            .filter(|c| c.fingerprint != subject.issuer.fingerprint && may_sign(c))
            .collect();
        others.sort_by_key(|c| {
            let key_id_match =
                crl.authority_key_id.is_some() && crl.authority_key_id == c.subject_key_id;
            (!key_id_match, c.fingerprint)
        });
        others.dedup_by_key(|c| c.fingerprint);
        let own = may_sign(subject.issuer).then_some(subject.issuer);
        own.into_iter().chain(others).collect()
    }

    /// §6.3.3 (c), (g): the newest current delta CRL for a complete CRL: same issuer, same
    /// scope, based on a CRL number no later than the complete CRL's, signed by the issuer.
    fn delta_for<'c>(
        &'c self,
        complete: &Crl,
        subject: &Subject<'_>,
        at: OffsetDateTime,
        notes: &mut Vec<String>,
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
                && proves_status(delta, at, subject.timestamped)
                && delta.unsupported_critical.is_none();
            if !applies {
                continue;
            }
            let newer = best.is_none_or(|b| {
                b.number
                    .as_deref()
                    .is_none_or(|n| compare_numbers(number, n) == Ordering::Greater)
            });
            if newer && self.check_crl_signature(delta, subject, at, notes) {
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

/// Whether a CRL can prove a certificate not revoked at `at`: when current at `at`, or, at a
/// timestamp's time, only when issued at or after it (its thisUpdate): a CRL issued earlier
/// says nothing of a revocation between its issue and the timestamp.
fn proves_status(crl: &Crl, at: OffsetDateTime, timestamped: bool) -> bool {
    if timestamped {
        crl.this_update >= at
    } else {
        is_current(crl, at)
    }
}

/// When a permanent revocation takes effect: its revocationDate, or, for keyCompromise, the
/// invalidityDate when earlier (RFC 5280 §5.3.2: the key was compromised from then on).
fn effective_revocation(entry: &RevokedEntry) -> OffsetDateTime {
    match entry.invalidity_date {
        Some(invalid) if entry.reason == Some(KEY_COMPROMISE) => invalid.min(entry.revoked_at),
        _ => entry.revoked_at,
    }
}

/// The entries of `crl` for the certificate (its serial, and its issuer for indirect CRLs).
fn entries_for<'c>(
    crl: &'c Crl,
    certificate: &'c Certificate,
) -> impl Iterator<Item = &'c RevokedEntry> + 'c {
    crl.entries
        .get(&certificate.serial)
        .into_iter()
        .flatten()
        .filter(|e| crl.certificate_issuers.get(e.certificate_issuer) == Some(&certificate.issuer))
}

/// §6.3.3 (i), (j) for holds, in the newest CRL of a scope: a certificateHold at or before
/// `at`, unless its delta (newer still) lifts it with removeFromCRL. A hold listed only in the
/// delta counts too.
fn hold<'c>(
    complete: &'c Crl,
    delta: Option<&'c Crl>,
    certificate: &'c Certificate,
    at: OffsetDateTime,
) -> Option<&'c RevokedEntry> {
    let find = |crl: &'c Crl| entries_for(crl, certificate).find(|e| !is_permanent(e));
    if let Some(entry) = delta.and_then(find) {
        return (entry.reason == Some(CERTIFICATE_HOLD) && entry.revoked_at <= at).then_some(entry);
    }
    find(complete).filter(|e| e.reason == Some(CERTIFICATE_HOLD) && e.revoked_at <= at)
}

/// How a CRL is named in notes: its file when known, else its issuer and thisUpdate.
fn describe(crl: &Crl) -> String {
    match &crl.source {
        Some(source) => format!("the CRL {source} (of {})", crl.issuer),
        None => format!(
            "the CRL of {} issued at {}",
            crl.issuer,
            crate::times::rfc3339(crl.this_update)
        ),
    }
}

/// Revocation from every source the caller gave: CRLs, and OCSP responses (RFC 6960, see
/// `ocsp`). A revocation in either revokes; otherwise current data from either proves "not
/// revoked". Delegated OCSP responders are checked against the CRLs only.
#[derive(Debug)]
pub(crate) struct Revocations<'a> {
    pub crls: &'a CrlSource<'a>,
    pub ocsp: crate::ocsp::OcspSource<'a>,
}

impl RevocationSource for Revocations<'_> {
    fn status(&self, subject: &Subject<'_>, at: OffsetDateTime, notes: &mut Vec<String>) -> Status {
        self.status_from(subject, at, notes).0
    }
}

impl Revocations<'_> {
    /// [`RevocationSource::status`], and which sources gave it: a caller's policy may ask for
    /// one kind (`RevocationFrom`). A revocation found in a CRL decides without asking OCSP.
    pub fn status_from(
        &self,
        subject: &Subject<'_>,
        at: OffsetDateTime,
        notes: &mut Vec<String>,
    ) -> (Status, crate::report::RevocationFrom) {
        let from_crls = self.crls.status(subject, at, notes);
        let mut from = crate::report::RevocationFrom {
            crl: !matches!(from_crls, Status::Unknown),
            ocsp: false,
        };
        if let Status::Revoked(_) = from_crls {
            return (from_crls, from);
        }
        let status = match self.ocsp.status(subject, at, self.crls, notes) {
            Status::Unknown => from_crls,
            from_ocsp @ Status::Revoked(_) => {
                from.ocsp = true;
                from_ocsp
            }
            Status::Good => {
                from.ocsp = true;
                Status::Good
            }
        };
        (status, from)
    }

    /// The revocation an OCSP response recorded for `certificate` (a never-issued one has no
    /// CRL entry to report it from).
    pub fn revocation_of(&self, certificate: &Certificate) -> Option<crate::report::Revocation> {
        self.ocsp
            .revocations
            .borrow()
            .get(&certificate.fingerprint)
            .cloned()
    }

    /// The revocation data this verification relied on: the OCSP responses that gave a
    /// status, and the CRLs (complete and delta) that decided one: the CRL holding the
    /// revocation found, the newest CRL of a scope holding a hold, or the current CRLs that
    /// together proved a certificate not revoked; for the paths of signers, of CRL issuers,
    /// of delegated OCSP responders and of TSAs alike. In a fixed order.
    pub fn evidence(&self) -> crate::report::Evidence {
        let relied = self.crls.relied.borrow();
        let mut crls: Vec<&Crl> = self
            .crls
            .crls
            .iter()
            .copied()
            .filter(|crl| relied.contains(&(std::ptr::from_ref(*crl) as usize)))
            .collect();
        crls.sort_by(|a, b| a.der.cmp(&b.der));
        crls.dedup_by(|a, b| a.der == b.der);
        crate::report::Evidence {
            ocsp_responses: self.ocsp.relied_responses(),
            crls: crls
                .into_iter()
                .map(|crl| crate::report::CrlEvidence {
                    issuer: crl.issuer.to_string(),
                    number: crl.number.as_deref().map(crate::name::hex),
                    delta_base: crl.delta_base.as_deref().map(crate::name::hex),
                    sha256: crate::name::hex(&crate::cert::sha256(&crl.der)),
                    this_update: crl.this_update,
                    next_update: crl.next_update,
                })
                .collect(),
        }
    }
}
