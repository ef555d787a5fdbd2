//! Certification paths (RFC 5280 §6.1): building candidate paths from a signer's certificate to
//! a trust anchor, and validating them.
//!
//! Building follows names and key identifiers and checks the signature of every link, so an
//! intermediate with the right name but the wrong key never makes a path. It never looks at
//! validity dates: a path is found first, then judged, so an expired certificate is reported
//! as `CERT_EXPIRED`, not as an untrusted chain.

use crate::algorithms::{self, check_algorithm, signed_object_scheme};
use crate::budget::Budget;
use crate::cache::SignatureCache;
use crate::cert::Certificate;
use crate::error::Error;
use crate::name_constraints::InForce;
use time::OffsetDateTime;

/// Longest path considered, anchor included. NCA RK's paths have three certificates (root,
/// NCA, person); eight leaves room for cross-certificates and key-rollover certificates.
pub(crate) const MAX_PATH_LEN: usize = 8;
/// Most complete paths collected before judging them.
const MAX_PATHS: usize = 4;

/// The certificates a path may use.
#[derive(Debug)]
pub(crate) struct Pool<'a> {
    pub anchors: Vec<&'a Certificate>,
    /// Configured intermediates, then the certificates carried in the CMS.
    pub intermediates: Vec<&'a Certificate>,
    /// How many of `intermediates`, from the start, are configured (tried first).
    pub configured: usize,
}

/// A candidate path: the signer's certificate first, the trust anchor last.
#[derive(Debug, Clone)]
pub(crate) struct Path<'a> {
    pub certificates: Vec<&'a Certificate>,
    /// Links whose algorithm is weak or unsupported: accepted by name so the path can be
    /// reported, and failed by these findings.
    pub findings: Vec<Error>,
}

impl<'a> Path<'a> {
    /// The trust anchor at the end of the path.
    pub fn anchor(&self) -> Option<&'a Certificate> {
        self.certificates.last().copied()
    }
}

/// The outcome of checking one link signature.
pub(crate) enum Link {
    /// The budget is spent: nothing was checked.
    Exhausted,
    Verified,
    Invalid,
    /// The algorithm (or the issuer's key) is weak, unsupported or malformed.
    Algorithm(Error),
}

/// Checks that `issuer`'s key signed `child`: free when this verification already did, else
/// paid from the budget (a result from the cache kept between verifications costs the same as
/// a computed one, so the verdict never depends on the cache).
pub(crate) fn check_link(
    issuer: &Certificate,
    child: &Certificate,
    cache: &SignatureCache,
    budget: &Budget,
) -> Link {
    let what = || format!("the signature of certificate {}", child.subject);
    let (scheme, digest) = match signed_object_scheme(&child.signature_algorithm, what) {
        Ok(resolved) => resolved,
        Err(e) => return Link::Algorithm(e),
    };
    if let Err(e) = check_algorithm(&scheme, digest, &issuer.public_key, "") {
        return Link::Algorithm(e.in_context(what()));
    }
    let key = (issuer.key_hash, child.fingerprint);
    let known = budget.links.borrow().get(&key).copied();
    let verified = match known {
        Some(verified) => verified,
        None if !budget.signature_check() => return Link::Exhausted,
        None => match cache.get(&key) {
            Some(verified) => verified,
            None => {
                let verified = algorithms::verify_signature(
                    &scheme,
                    digest,
                    &issuer.public_key,
                    child.tbs(),
                    &child.signature,
                    "",
                )
                .unwrap_or(false);
                cache.put(key, verified);
                verified
            }
        },
    };
    budget.links.borrow_mut().insert(key, verified);
    if verified {
        Link::Verified
    } else {
        Link::Invalid
    }
}

/// Whether `candidate` could have issued `child`: names chain (RFC 5280 §6.1.3 (a)(4)) and,
/// when both are present, the key identifiers agree (§4.2.1.1).
fn may_have_issued(candidate: &Certificate, child: &Certificate) -> bool {
    candidate.subject == child.issuer
        && key_ids_agree(
            child.authority_key_id.as_deref(),
            candidate.subject_key_id.as_deref(),
        )
}

/// Whether an authority key identifier and a subject key identifier agree (RFC 5280 §4.2.1.1):
/// when either is absent, nothing can be concluded from them.
pub(crate) fn key_ids_agree(
    authority_key_id: Option<&[u8]>,
    subject_key_id: Option<&[u8]>,
) -> bool {
    match (authority_key_id, subject_key_id) {
        (Some(aki), Some(ski)) => aki == ski,
        _ => true,
    }
}

/// Builds candidate paths from `leaf` to the pool's anchors, paying every step and link
/// check from `budget`. Candidates are tried cheapest and most likely first: anchors, then
/// configured intermediates, then those whose subject key identifier is the child's authority
/// key identifier, then links already verified in this verification; ties go by fingerprint,
/// so the order of the CMS's certificates never matters.
pub(crate) fn build_paths<'a>(
    leaf: &'a Certificate,
    pool: &Pool<'a>,
    cache: &SignatureCache,
    budget: &Budget,
) -> Result<Vec<Path<'a>>, Error> {
    // A certificate configured as an anchor is trusted as it is.
    if let Some(anchor) = pool
        .anchors
        .iter()
        .find(|a| a.fingerprint == leaf.fingerprint)
    {
        return Ok(vec![Path {
            certificates: vec![anchor],
            findings: Vec::new(),
        }]);
    }
    let builder = Builder {
        pool,
        cache,
        budget,
        failures: std::cell::RefCell::new(Vec::new()),
    };
    let mut paths = Vec::new();
    let mut current = Path {
        certificates: vec![leaf],
        findings: Vec::new(),
    };
    builder.extend(&mut current, &mut paths);
    if paths.is_empty() {
        if budget.exhausted() {
            return Err(Error::BudgetExceeded(
                "path building gave up after too many candidate certificates".to_owned(),
            ));
        }
        let failures = builder.failures.into_inner();
        // An issuer that names itself but whose key does not verify the certificate: the
        // certificate (or its issuer) is tampered or forged, which is not a missing issuer.
        if let Some(failure) = failures.first() {
            return Err(Error::CertificateSignatureInvalid(failure.clone()));
        }
        return Err(Error::UntrustedChain(format!(
            "no issuer certificate for {} among the trusted and supplied certificates",
            leaf.issuer
        )));
    }
    Ok(paths)
}

struct Builder<'p, 'a> {
    pool: &'p Pool<'a>,
    cache: &'p SignatureCache,
    budget: &'p Budget,
    failures: std::cell::RefCell<Vec<String>>,
}

impl<'a> Builder<'_, 'a> {
    /// The candidate issuers of `child` among the intermediates, most likely first.
    fn candidates(&self, child: &Certificate) -> Vec<&'a Certificate> {
        let mut candidates: Vec<(usize, &'a Certificate)> = self
            .pool
            .intermediates
            .iter()
            .enumerate()
            .filter(|(_, c)| may_have_issued(c, child))
            .map(|(i, c)| (i, *c))
            .collect();
        let links = self.budget.links.borrow();
        candidates.sort_by_key(|&(index, c)| {
            let configured = index < self.pool.configured;
            let key_id_match =
                child.authority_key_id.is_some() && child.authority_key_id == c.subject_key_id;
            let known_good = links.get(&(c.key_hash, child.fingerprint)) == Some(&true);
            (!configured, !key_id_match, !known_good, c.fingerprint)
        });
        candidates.into_iter().map(|(_, c)| c).collect()
    }

    fn extend(&self, path: &mut Path<'a>, out: &mut Vec<Path<'a>>) {
        let Some(&child) = path.certificates.last() else {
            return;
        };
        // Anchors first: the shortest path to trust wins.
        for &anchor in &self.pool.anchors {
            if out.len() >= MAX_PATHS {
                return;
            }
            if !may_have_issued(anchor, child) {
                continue;
            }
            if !self.budget.path_step() {
                return;
            }
            if let Some(finding) = self.link(anchor, child) {
                let mut complete = path.clone();
                complete.certificates.push(anchor);
                complete.findings.extend(finding);
                out.push(complete);
            }
        }
        if path.certificates.len() + 1 >= MAX_PATH_LEN {
            return;
        }
        let mut deferred = Vec::new();
        for candidate in self.candidates(child) {
            if out.len() >= MAX_PATHS || self.budget.exhausted() {
                return;
            }
            let looped = path
                .certificates
                .iter()
                .any(|c| c.fingerprint == candidate.fingerprint);
            let is_anchor = self
                .pool
                .anchors
                .iter()
                .any(|a| a.fingerprint == candidate.fingerprint);
            if looped || is_anchor {
                continue;
            }
            if !self.budget.path_step() {
                return;
            }
            match self.link(candidate, child) {
                Some(None) => self.descend(path, candidate, None, out),
                // Links accepted only by name (a weak or unsupported algorithm, e.g. a key
                // over the size limit) come after every verified one: they can only fail.
                Some(Some(finding)) => deferred.push((candidate, finding)),
                None => {}
            }
        }
        for (candidate, finding) in deferred {
            if out.len() >= MAX_PATHS || self.budget.exhausted() {
                return;
            }
            self.descend(path, candidate, Some(finding), out);
        }
    }

    fn descend(
        &self,
        path: &mut Path<'a>,
        candidate: &'a Certificate,
        finding: Option<Error>,
        out: &mut Vec<Path<'a>>,
    ) {
        let findings_before = path.findings.len();
        path.certificates.push(candidate);
        path.findings.extend(finding);
        self.extend(path, out);
        path.certificates.pop();
        path.findings.truncate(findings_before);
    }

    /// `None` when the link fails; `Some(finding)` when it holds (with an algorithm finding
    /// for links that are weak or unsupported).
    fn link(&self, issuer: &Certificate, child: &Certificate) -> Option<Option<Error>> {
        match check_link(issuer, child, self.cache, self.budget) {
            Link::Verified => Some(None),
            Link::Algorithm(e) => Some(Some(e)),
            Link::Exhausted => None,
            Link::Invalid => {
                self.failures.borrow_mut().push(format!(
                    "certificate {} is not signed by the key of {} (serial {})",
                    child.subject,
                    issuer.subject,
                    issuer.serial_hex()
                ));
                None
            }
        }
    }
}

/// Validates a built path at `at` (RFC 5280 §6.1.3-6.1.5): validity of every certificate,
/// CA constraints, path length, key usage of CAs, name constraints and critical extensions.
/// The signer-specific checks (key usage, purpose) and revocation are the caller's.
pub(crate) fn validate(path: &Path<'_>, at: OffsetDateTime) -> Vec<Error> {
    let mut findings = path.findings.clone();
    let certificates = &path.certificates;
    let count = certificates.len();
    let mut max_path_length = usize::MAX;
    let mut name_constraints = InForce::default();

    // From the anchor down to the signer.
    for (index, certificate) in certificates.iter().enumerate().rev() {
        let is_anchor = index + 1 == count;
        let is_signer = index == 0;
        check_validity(certificate, at, &mut findings);
        for oid in &certificate.unsupported_critical {
            findings.push(Error::UnsupportedCriticalExtension {
                subject: certificate.subject.to_string(),
                oid: oid.clone(),
            });
        }
        // §6.1.3 (b), (c): names of the non-self-issued certificates below the constraints.
        if !is_anchor
            && (is_signer || !certificate.is_self_issued())
            && let Some(violation) = name_constraints.violation(certificate)
        {
            findings.push(Error::UntrustedChain(violation));
        }
        // A signer's certificate configured as an anchor is trusted as it is: it need not be a CA.
        if is_signer {
            break;
        }
        // The issuing certificates: anchor and intermediates.
        // A version 1 anchor (no extensions at all) is trusted as a CA by configuration.
        let v1_anchor = is_anchor && certificate.version < 2;
        if !(certificate.is_ca() || v1_anchor) {
            findings.push(Error::UntrustedChain(format!(
                "certificate {} is not a CA (basicConstraints)",
                certificate.subject
            )));
        }
        if certificate.key_usage.is_some_and(|ku| !ku.key_cert_sign) {
            findings.push(Error::UntrustedChain(format!(
                "certificate {} may not sign certificates (keyUsage)",
                certificate.subject
            )));
        }
        // §6.1.4 (l), (m): path length.
        if !is_anchor && !certificate.is_self_issued() {
            if max_path_length == 0 {
                findings.push(Error::UntrustedChain(format!(
                    "path length constraint exceeded at {}",
                    certificate.subject
                )));
            }
            max_path_length = max_path_length.saturating_sub(1);
        }
        if let Some(limit) = certificate.basic_constraints.and_then(|bc| bc.path_len) {
            max_path_length = max_path_length.min(limit as usize);
        }
        // §6.1.4 (g): name constraints narrow for the certificates below.
        if let Some(constraints) = &certificate.name_constraints {
            name_constraints.add(constraints);
        }
    }
    findings
}

fn check_validity(certificate: &Certificate, at: OffsetDateTime, findings: &mut Vec<Error>) {
    if at < certificate.not_before {
        findings.push(Error::CertNotYetValid {
            subject: certificate.subject.to_string(),
            not_before: certificate.not_before,
            at,
        });
    }
    if at > certificate.not_after {
        findings.push(Error::CertExpired {
            subject: certificate.subject.to_string(),
            not_after: certificate.not_after,
            at,
        });
    }
}
