//! The verifier: ties the CMS, the algorithm table, path building and validation, revocation
//! and the NCA RK profile into one report per SignerInfo.

use crate::algorithms::{self, DigestAlgorithm, digest_by_oid, signature_scheme};
use crate::budget::Budget;
use crate::cache::SignatureCache;
use crate::cert::Certificate;
use crate::chain::{self, Path, Pool};
use crate::cms::{self, SignedData, SignerIdentifier, SignerInfo};
use crate::crl::Crl;
use crate::der::tag;
use crate::encoding;
use crate::error::{Code, ConfigError, Error};
use crate::evidence::{MAX_EVIDENCE_ITEMS, StoredEvidence};
use crate::name::Name;
use crate::ocsp::{OcspOptions, OcspSource};
use crate::oid;
use crate::profile::{self, Purpose, Signer};
use crate::report::{CertificateReport, Evidence, RevocationFrom};
use crate::report::{
    ChainEntry, ErrorEntry, Report, Revocation, SignerReport, TimeSource, Timestamp, Warning,
};
use crate::revocation::{CrlSource, Revocations, Status, Subject};
use crate::times::{parse_asn1_time, rfc3339};
use crate::timestamp;
use std::cell::RefCell;
use std::collections::HashSet;
use time::OffsetDateTime;

/// What the caller asks of a verification.
///
/// The library never reads the system clock: the caller always says what time it is (`now`).
/// A signer's validation time is `at` when given (`GIVEN`); otherwise the time of its earliest
/// valid RFC 3161 timestamp (`TIMESTAMP`); otherwise `now` (`NOW`).
#[derive(Debug, Clone)]
pub struct Options {
    /// The caller's current time, from its clock: the validation time when neither `at` nor a
    /// timestamp decides, and the latest time a timestamp token may carry.
    pub now: OffsetDateTime,
    /// A forced validation time (e.g. when the signature was received); when given it wins
    /// over `now`.
    pub at: Option<OffsetDateTime>,
    /// The purpose the signer's key must serve, if any.
    pub purpose: Option<Purpose>,
    /// Whether a certificate without applicable, current revocation data fails
    /// (`REVOCATION_UNKNOWN`) instead of passing with a warning.
    pub require_revocation: bool,
    /// OCSP responses the caller fetched (RFC 6960; the verifier never fetches), and how old
    /// one without nextUpdate may be. (Stored evidence of earlier verifications is handed
    /// back beside the options: [`Verifier::verify_with`].)
    pub ocsp: OcspOptions,
}

impl Options {
    /// Options for a verification at `now` (the caller's current time, from its clock), with no
    /// forced validation time, no required purpose and revocation data not required.
    pub fn new(now: OffsetDateTime) -> Self {
        Options {
            now,
            at: None,
            purpose: None,
            require_revocation: false,
            ocsp: OcspOptions::default(),
        }
    }

    /// The validation time: `at` when given, otherwise `now` (to the whole second, as reports
    /// show times).
    fn validation_time(&self) -> OffsetDateTime {
        self.at
            .unwrap_or_else(|| self.now.replace_nanosecond(0).unwrap_or(self.now))
    }
}

/// Verifies CMS signatures against configured trust anchors, intermediates and CRLs.
///
/// Build one per configuration and share it: it is `Sync`, and its cache of certificate-link
/// signature results makes repeated verifications of the same chains cheap.
#[derive(Debug, Default)]
pub struct Verifier {
    anchors: Vec<Certificate>,
    intermediates: Vec<Certificate>,
    crls: Vec<Crl>,
    cache: SignatureCache,
}

impl Verifier {
    /// A verifier trusting these anchors (NCA RK's root certificates).
    pub fn new(trust_anchors: Vec<Certificate>) -> Self {
        Verifier {
            anchors: trust_anchors,
            ..Verifier::default()
        }
    }

    /// Adds intermediate CA certificates used for path building (besides those in the CMS).
    pub fn with_intermediates(mut self, intermediates: Vec<Certificate>) -> Self {
        self.intermediates.extend(intermediates);
        self
    }

    /// Adds CRLs (complete or delta) used for revocation checking.
    pub fn with_crls(mut self, crls: Vec<Crl>) -> Self {
        self.crls.extend(crls);
        self
    }

    /// Forgets cached link-signature results (for measuring cold verification).
    pub fn clear_cache(&self) {
        self.cache.clear();
    }

    /// Verifies a CMS given as DER, PEM or bare base64. `detached_content` is the signed
    /// content for a detached CMS; for an attached one, when given, it must equal the
    /// encapsulated content (so a caller can check that the expected bytes were signed).
    pub fn verify(
        &self,
        signature: &[u8],
        detached_content: Option<&[u8]>,
        options: &Options,
    ) -> Report {
        self.verify_with(signature, detached_content, options, &StoredEvidence::new())
    }

    /// [`Verifier::verify`] with stored evidence handed back: the revocation data an earlier
    /// report relied on, used beside the configured CRLs and `options.ocsp` and verified
    /// exactly like them (see [`StoredEvidence`]). What of it cannot be read, is not relied
    /// on, or is named but missing is said in every signer's warnings (`EVIDENCE_IGNORED`,
    /// `EVIDENCE_UNUSED`, `EVIDENCE_CRL_MISSING`); it never makes a valid signature fail.
    pub fn verify_with(
        &self,
        signature: &[u8],
        detached_content: Option<&[u8]>,
        options: &Options,
        evidence: &StoredEvidence,
    ) -> Report {
        let at = options.validation_time();
        let Some(der) = encoding::decode_cms(signature) else {
            return Report::failed(
                &Error::malformed("the signature is not DER, PEM or base64"),
                at,
            );
        };
        let der = match crate::ber::to_der(&der) {
            Ok(der) => der,
            Err(e) => return Report::failed(&e, at),
        };
        let signed = match cms::parse(&der) {
            Ok(signed) => signed,
            Err(e) => return Report::failed(&e, at),
        };
        let mut embedded = match parse_all(&signed.certificates, Certificate::from_der) {
            Ok(certificates) => certificates,
            Err(e) => return Report::failed(&e, at),
        };
        // The certificates that timestamp tokens carry (their TSAs'), for their paths: as many
        // as one CMS may carry; a token's certificate that cannot be read is left out (the
        // token then fails alone, with a warning).
        embedded.extend(
            signed
                .signers
                .iter()
                .flat_map(|info| {
                    timestamp::tokens(info)
                        .into_iter()
                        .take(timestamp::MAX_TOKENS)
                })
                .flat_map(timestamp::certificates)
                .take(cms::MAX_EMBEDDED)
                .filter_map(|der| Certificate::from_der(&der).ok()),
        );
        let mut embedded_crls = match parse_all(&signed.crls, Crl::from_der) {
            Ok(crls) => crls,
            Err(e) => return Report::failed(&e, at),
        };
        // Copies add no information but multiply path building and CRL work: keep one of each,
        // and none that the configuration already holds.
        let mut seen: HashSet<[u8; 32]> = self
            .anchors
            .iter()
            .chain(&self.intermediates)
            .map(|c| c.fingerprint)
            .collect();
        embedded.retain(|c| seen.insert(c.fingerprint));
        let mut seen_crls: HashSet<[u8; 32]> = self
            .crls
            .iter()
            .map(|c| crate::cert::sha256(&c.der))
            .collect();
        embedded_crls.retain(|c| seen_crls.insert(crate::cert::sha256(&c.der)));
        let evidence_crls = handed_back_crls(evidence, &mut seen_crls);
        let pool = Pool {
            anchors: self.anchors.iter().collect(),
            intermediates: self.intermediates.iter().chain(&embedded).collect(),
            configured: self.intermediates.len(),
        };
        let budget = Budget::default();
        let source = CrlSource::new(
            self.crls
                .iter()
                .chain(&embedded_crls)
                .chain(evidence_crls)
                .collect(),
            &pool,
            &self.cache,
            &budget,
        );
        let ocsp = OcspSource::new(
            &options.ocsp,
            &evidence.ocsp_responses,
            &pool,
            &self.cache,
            &budget,
            options.now,
        );
        let revocations = Revocations {
            crls: &source,
            ocsp,
        };
        let context = Context {
            signed: &signed,
            detached_content,
            pool: &pool,
            revocations: &revocations,
            cache: &self.cache,
            budget: &budget,
            options,
            at,
            content_digests: RefCell::default(),
        };
        let signers = signed
            .signers
            .iter()
            .enumerate()
            .map(|(index, info)| context.verify_signer(index, info))
            .collect();
        let mut report = Report::from_signers(signers, at);
        report.evidence = revocations.evidence();
        let notes = evidence_warnings(evidence, &report.evidence, &seen_crls);
        for signer in &mut report.signers {
            signer.warnings.extend(notes.iter().cloned());
        }
        report.work = budget.work();
        report
    }

    /// Verifies one RFC 3161 timestamp token on its own (DER): its signature, its TSA's
    /// certificate and path at its time (revocation from the configured CRLs, issued at or
    /// after that time), as the verification of a CMS does for the tokens of its signers. With
    /// `stamped` (the signature value it should stamp) its message imprint must be that
    /// value's hash; without, the imprint is not checked. With `options.require_revocation` a
    /// TSA path whose revocation is unknown makes the token not count. `Err` says why the
    /// token does not count.
    pub fn verify_timestamp_token(
        &self,
        token: &[u8],
        stamped: Option<&[u8]>,
        options: &Options,
    ) -> Result<(Timestamp, Vec<Warning>), String> {
        let mut seen: HashSet<[u8; 32]> = self
            .anchors
            .iter()
            .chain(&self.intermediates)
            .map(|c| c.fingerprint)
            .collect();
        let mut carried: Vec<Certificate> = timestamp::certificates(token)
            .iter()
            .take(cms::MAX_EMBEDDED)
            .filter_map(|der| Certificate::from_der(der).ok())
            .collect();
        carried.retain(|c| seen.insert(c.fingerprint));
        let pool = Pool {
            anchors: self.anchors.iter().collect(),
            intermediates: self.intermediates.iter().chain(&carried).collect(),
            configured: self.intermediates.len(),
        };
        let budget = Budget::default();
        let source = CrlSource::new(self.crls.iter().collect(), &pool, &self.cache, &budget);
        let env = timestamp::Env {
            pool: &pool,
            cache: &self.cache,
            budget: &budget,
            source: &source,
            now: options.now,
        };
        let verified = timestamp::verify(token, stamped, &env)?;
        if options.require_revocation && !verified.unproven.is_empty() {
            return Err(format!(
                "revocation is required and no revocation data issued at or after its time covers: {}",
                verified.unproven.join("; ")
            ));
        }
        Ok((verified.timestamp, verified.warnings))
    }

    /// Reads certificates from a file's bytes: PEM (one or many `CERTIFICATE` blocks) or DER.
    pub fn certificates_from(bytes: &[u8], source: &str) -> Result<Vec<Certificate>, ConfigError> {
        let objects = encoding::der_objects(bytes, &["CERTIFICATE", "TRUSTED CERTIFICATE"]);
        if objects.is_empty() {
            return Err(ConfigError::new(
                source,
                "no certificate found (expected PEM or DER)",
            ));
        }
        objects
            .iter()
            .map(|der| {
                Certificate::from_der(der).map_err(|e| ConfigError::new(source, e.to_string()))
            })
            .collect()
    }

    /// Reads CRLs from a file's bytes: PEM (one or many `X509 CRL` blocks) or DER.
    pub fn crls_from(bytes: &[u8], source: &str) -> Result<Vec<Crl>, ConfigError> {
        let objects = encoding::der_objects(bytes, &["X509 CRL"]);
        if objects.is_empty() {
            return Err(ConfigError::new(
                source,
                "no CRL found (expected PEM or DER)",
            ));
        }
        objects
            .iter()
            .map(|der| Crl::from_der(der).map_err(|e| ConfigError::new(source, e.to_string())))
            .collect()
    }

    /// Reads the CRLs of one configured file (PEM or DER), named `file` in errors and notes.
    /// A CRL that has the shape of one but cannot be read counts as no CRL: it is left out and
    /// said in [`CrlFile::ignored`], so it never makes the file's other CRLs, or other files,
    /// unusable. A file holding nothing shaped like a CRL is an error. The CRLs read carry
    /// `file` as their source, so the reports that ignore one (bad signature, unsupported
    /// algorithm, …) name it.
    pub fn crl_file(bytes: &[u8], file: &str) -> Result<CrlFile, ConfigError> {
        let what = format!("CRL {file}");
        let objects = encoding::der_objects(bytes, &["X509 CRL"]);
        if objects.is_empty() {
            return Err(ConfigError::new(what, "no CRL found (expected PEM or DER)"));
        }
        let mut read = CrlFile::default();
        for der in &objects {
            match Crl::from_der(der) {
                Ok(crl) => read.crls.push(crl.with_source(file)),
                Err(e) if crate::crl::has_crl_shape(der) => read
                    .ignored
                    .push(format!("the CRL file {file} is ignored: {e}")),
                Err(e) => return Err(ConfigError::new(what, e.to_string())),
            }
        }
        Ok(read)
    }
}

/// What [`Verifier::crl_file`] read from one file.
#[derive(Debug, Default)]
pub struct CrlFile {
    /// The CRLs that could be read (each still verified before use).
    pub crls: Vec<Crl>,
    /// Why each CRL that could not be read is ignored, for the report's warnings
    /// (`CRL_IGNORED`).
    pub ignored: Vec<String>,
}

/// The handed-back CRLs not already among `seen` (the configured and carried ones, by DER
/// SHA-256), at most [`MAX_EVIDENCE_ITEMS`] of them.
fn handed_back_crls<'e>(
    evidence: &'e StoredEvidence,
    seen: &mut HashSet<[u8; 32]>,
) -> Vec<&'e Crl> {
    evidence
        .crls
        .iter()
        .take(MAX_EVIDENCE_ITEMS)
        .filter(|c| seen.insert(crate::cert::sha256(&c.der)))
        .collect()
}

/// The warnings of handed-back `evidence`, given the new report's evidence (`relied`) and
/// the SHA-256 of every CRL the verification had (`available`).
fn evidence_warnings(
    evidence: &StoredEvidence,
    relied: &Evidence,
    available: &HashSet<[u8; 32]>,
) -> Vec<Warning> {
    let relied_ocsp = relied
        .ocsp_responses
        .iter()
        .map(|r| crate::cert::sha256(&r.response))
        .collect();
    let relied_crls = relied.crls.iter().map(|c| c.sha256.clone()).collect();
    evidence.warnings(&relied_ocsp, &relied_crls, available)
}

/// The content encapsulated in a CMS (`None` for a detached one), so a caller can compare it
/// with what it expected before verifying; `MALFORMED` when the CMS cannot be read.
pub fn encapsulated_content(signature: &[u8]) -> Result<Option<Vec<u8>>, Error> {
    let der = encoding::decode_cms(signature)
        .ok_or_else(|| Error::malformed("the signature is not DER, PEM or base64"))?;
    let der = crate::ber::to_der(&der)?;
    Ok(cms::parse(&der)?.content.map(|c| c.into_owned()))
}

fn parse_all<T>(items: &[&[u8]], parse: fn(&[u8]) -> Result<T, Error>) -> Result<Vec<T>, Error> {
    items.iter().map(|der| parse(der)).collect()
}

/// RFC 5652 §5.3: the certificates of `pool` that `sid` names, configured first, then by
/// fingerprint (see `Context::find_certificates`).
fn find_certificates<'a>(pool: &Pool<'a>, sid: &SignerIdentifier<'_>) -> Vec<&'a Certificate> {
    let all = pool
        .intermediates
        .iter()
        .enumerate()
        .map(|(i, c)| (i < pool.configured, *c))
        .chain(pool.anchors.iter().map(|c| (true, *c)));
    let mut found: Vec<(bool, &Certificate)> = match sid {
        SignerIdentifier::IssuerAndSerial { issuer, serial } => {
            let Ok(issuer) = Name::parse(issuer) else {
                return Vec::new();
            };
            all.filter(|(_, c)| c.serial == *serial && c.issuer == issuer)
                .collect()
        }
        SignerIdentifier::SubjectKeyId(id) => all
            .filter(|(_, c)| c.subject_key_id.as_deref() == Some(*id))
            .collect(),
    };
    found.sort_by_key(|(configured, c)| (!configured, c.fingerprint));
    found.dedup_by_key(|(_, c)| c.fingerprint);
    found.into_iter().map(|(_, c)| c).collect()
}

/// Everything one verification shares between its signers.
struct Context<'a> {
    signed: &'a SignedData<'a>,
    detached_content: Option<&'a [u8]>,
    pool: &'a Pool<'a>,
    /// Every revocation source of a path: the CRLs and the caller's OCSP responses.
    revocations: &'a Revocations<'a>,
    cache: &'a SignatureCache,
    budget: &'a Budget,
    options: &'a Options,
    at: OffsetDateTime,
    /// The content's digest under each algorithm some signer named: the content is hashed once
    /// per digest algorithm, however many signers use it (GOST and RSA co-signers use two).
    content_digests: RefCell<Vec<ContentDigest>>,
}

/// A digest algorithm's OID and the content's digest under it (`None` for a weak one).
type ContentDigest = (&'static str, Option<Vec<u8>>);

/// Most warnings a signer's report holds; the rest are counted in one more.
const MAX_WARNINGS: usize = 16;

/// The failures found for one signer; the first in [`Code`] order decides.
#[derive(Default)]
struct Findings(Vec<Error>);

impl Findings {
    fn push(&mut self, error: Error) {
        self.0.push(error);
    }

    fn first(&self) -> Option<&Error> {
        self.0.iter().min_by_key(|e| e.code())
    }

    /// Ranks outcomes: a later first failure is better, and no failure is best.
    fn rank(errors: &[Error]) -> usize {
        errors
            .iter()
            .map(|e| e.code() as usize)
            .min()
            .unwrap_or(usize::MAX)
    }
}

impl<'a> Context<'a> {
    fn verify_signer(&self, index: usize, info: &SignerInfo<'_>) -> SignerReport {
        let mut findings = Findings::default();
        let mut warnings = Vec::new();
        let candidates = self.find_certificates(&info.sid);
        // Until the signature says which one is the signer's, the most likely candidate.
        let mut certificate = candidates.first().copied();
        let mut judged: Option<PathOutcome> = None;
        let mut timestamps = Vec::new();
        let mut when: Option<When> = None;

        let digest = digest_by_oid(&info.digest_algorithm.oid, "the signer's digest algorithm")
            .map_err(|e| findings.push(e))
            .ok();
        let scheme = signature_scheme(&info.signature_algorithm, "the signer's signature")
            .map_err(|e| findings.push(e))
            .ok();
        let signature_digest = scheme.and_then(|s| s.digest).or(digest);
        // The digestAlgorithm hashes the content and the signed attributes; the signature
        // algorithm, when it names a hash, must name the same one (RFC 5652 §5.4 uses one
        // digest for both), and that hash must be of the key's family.
        if let (Some(named), Some(digest)) = (scheme.and_then(|s| s.digest), digest)
            && named.oid != digest.oid
        {
            findings.push(Error::AlgorithmMismatch(format!(
                "the digest algorithm is {} but the signature algorithm names {}",
                digest.name, named.name
            )));
        }

        // RFC 5652 §5.4 and §5.6: the content's digest, the signed attributes, the signature.
        let content = self.content(&mut findings);
        if let (Some(content), Some(digest)) = (content, digest) {
            self.check_content(info, content, digest, &mut findings);
        }
        let message: Option<&[u8]> = match &info.signed_attributes {
            Some((_, to_sign)) => Some(to_sign),
            None => content,
        };
        // RFC 5652 §5.3 names the certificate by issuer and serial (or key identifier), which
        // anyone can copy: every certificate that matches is tried, and the one whose key
        // verifies the signature is the signer's. The others are ignored with a warning.
        if let (Some(scheme), Some(digest), Some(message)) = (scheme, signature_digest, message) {
            let mut first_failure = None;
            let mut verified = Vec::new();
            // Every candidate is judged at the same time: it depends on the signature value.
            when = Some(self.signer_time(info, &mut timestamps, &mut warnings, &mut findings));
            for &candidate in &candidates {
                if !self.budget.signature_check() {
                    break;
                }
                match algorithms::verify_signature(
                    &scheme,
                    digest,
                    &candidate.public_key,
                    message,
                    info.signature,
                    "the signer's signature",
                ) {
                    Ok(true) => verified.push(candidate),
                    Ok(false) => {
                        first_failure.get_or_insert(Error::SignatureInvalid);
                    }
                    Err(e) => {
                        first_failure.get_or_insert(e);
                    }
                }
            }
            // Of the certificates whose key verifies, the one with the best path is the signer's.
            let mut best: Option<(&Certificate, PathOutcome)> = None;
            for &candidate in &verified {
                let outcome = self.judge_paths(candidate, when.unwrap_or(self.default_when()));
                let better = best.as_ref().is_none_or(|(_, b)| {
                    Findings::rank(&outcome.findings) > Findings::rank(&b.findings)
                });
                if better {
                    best = Some((candidate, outcome));
                }
            }
            match best {
                Some((signer, outcome)) => {
                    judged = Some(outcome);
                    let ignored = candidates
                        .iter()
                        .filter(|c| c.fingerprint != signer.fingerprint)
                        .count();
                    if ignored > 0 {
                        warnings.push(Warning {
                            code: "CERTIFICATE_IGNORED",
                            message: format!(
                                "{ignored} other certificate(s) match the signer identifier but do not verify the signature or have a worse path; they were ignored"
                            ),
                        });
                    }
                    certificate = Some(signer);
                }
                None => findings.0.extend(first_failure),
            }
        }

        if let (Some(certificate), Some(digest)) = (certificate, signature_digest)
            && !algorithms::digest_fits_key(digest, &certificate.public_key)
        {
            findings.push(Error::AlgorithmMismatch(format!(
                "{} is not a hash of the signer's key family",
                digest.name
            )));
        }

        let signing_time = self.signing_time(info, &mut findings);
        let mut chain = Vec::new();
        let mut revocation = None;
        let mut revocation_from = RevocationFrom::default();
        match certificate {
            Some(certificate) => {
                if let Some(t) = signing_time
                    && (t < certificate.not_before || t > certificate.not_after) {
                        warnings.push(Warning {
                            code: "SIGNING_TIME_OUTSIDE_VALIDITY",
                            message: format!(
                                "the signer claims to have signed at {}, outside the certificate's validity ({} to {}); the claim is not trusted and does not decide validity",
                                rfc3339(t),
                                rfc3339(certificate.not_before),
                                rfc3339(certificate.not_after)
                            ),
                        });
                    }
                let when = *when.get_or_insert_with(|| {
                    self.signer_time(info, &mut timestamps, &mut warnings, &mut findings)
                });
                let outcome = judged.unwrap_or_else(|| self.judge_paths(certificate, when));
                chain = outcome.chain;
                revocation = outcome.revocation;
                revocation_from = outcome.revocation_from;
                warnings.extend(outcome.warnings);
                for e in outcome.findings {
                    findings.push(e);
                }
            }
            None => findings.push(Error::UntrustedChain(
                "the signer's certificate is neither in the CMS nor among the configured certificates".to_owned(),
            )),
        }

        let signer = certificate
            .map(Signer::from_certificate)
            .unwrap_or_default();
        if signer.iin_checksum_valid == Some(false) {
            warnings.push(Warning {
                code: "IIN_CHECKSUM",
                message: "the IIN in the certificate does not pass the IIN check digit (as in NCA RK's test PKI)".to_owned(),
            });
        }
        if self.budget.exhausted() {
            findings.push(Error::BudgetExceeded(
                "the verification's budget of signature checks and path-building steps is spent (the CMS holds more candidate certificates or CRLs than an honest one)".to_owned(),
            ));
        }
        if warnings.len() > MAX_WARNINGS {
            let more = warnings.len() - MAX_WARNINGS;
            warnings.truncate(MAX_WARNINGS);
            warnings.push(Warning {
                code: "MORE_WARNINGS",
                message: format!("{more} more"),
            });
        }
        let when = when.unwrap_or_else(|| {
            self.signer_time(info, &mut timestamps, &mut warnings, &mut findings)
        });
        let first = findings.first();
        let code = first.map_or(Code::Ok, Error::code);
        let mut errors: Vec<ErrorEntry> = findings
            .0
            .iter()
            .map(|e| ErrorEntry {
                code: e.code(),
                message: e.to_string(),
            })
            .collect();
        errors.sort_by_key(|e| e.code);
        errors.dedup_by(|a, b| a.code == b.code && a.message == b.message);
        SignerReport {
            index,
            valid: first.is_none(),
            code,
            message: first.map_or_else(|| "the signature is valid".to_owned(), ToString::to_string),
            errors,
            signer,
            serial_number: certificate
                .map(Certificate::serial_hex)
                .or_else(|| match &info.sid {
                    SignerIdentifier::IssuerAndSerial { serial, .. } => {
                        Some(crate::cert::serial_hex(serial))
                    }
                    SignerIdentifier::SubjectKeyId(_) => None,
                }),
            issuer: certificate.map(|c| c.issuer.to_string()),
            not_before: certificate.map(|c| c.not_before),
            not_after: certificate.map(|c| c.not_after),
            signing_time,
            digest_algorithm: digest
                .map_or_else(|| info.digest_algorithm.oid.clone(), |d| d.name.to_owned()),
            signature_algorithm: match (scheme, signature_digest) {
                (Some(s), Some(d)) => s.describe(d),
                _ => info.signature_algorithm.oid.clone(),
            },
            warnings,
            chain,
            revocation,
            revocation_from,
            validated_at: when.at,
            time_source: when.source,
            timestamps,
        }
    }

    /// The validation time when no timestamp decides: the given time, or now.
    fn default_when(&self) -> When {
        When {
            at: self.at,
            source: if self.options.at.is_some() {
                TimeSource::Given
            } else {
                TimeSource::Now
            },
        }
    }

    /// RFC 3161 Appendix A: the signer's signatureTimeStampToken attributes. Each valid token
    /// goes into `timestamps` (earliest first); one that does not verify is ignored with a
    /// warning. The earliest valid one decides the validation time unless the caller gave one.
    fn signer_time(
        &self,
        info: &SignerInfo<'_>,
        timestamps: &mut Vec<Timestamp>,
        warnings: &mut Vec<Warning>,
        findings: &mut Findings,
    ) -> When {
        let tokens = timestamp::tokens(info);
        if tokens.len() > timestamp::MAX_TOKENS {
            warnings.push(Warning {
                code: "TIMESTAMP_IGNORED",
                message: format!(
                    "{} timestamp tokens beyond the first {} were ignored",
                    tokens.len() - timestamp::MAX_TOKENS,
                    timestamp::MAX_TOKENS
                ),
            });
        }
        let env = timestamp::Env {
            pool: self.pool,
            cache: self.cache,
            budget: self.budget,
            source: self.revocations,
            now: self.options.now,
        };
        let mut valid = Vec::new();
        for (index, token) in tokens.into_iter().take(timestamp::MAX_TOKENS).enumerate() {
            match timestamp::verify(token, Some(info.signature), &env) {
                Ok(verified) => {
                    warnings.extend(verified.warnings);
                    valid.push((verified.timestamp, verified.unproven));
                }
                Err(why) => warnings.push(Warning {
                    code: "TIMESTAMP_IGNORED",
                    message: format!("timestamp token {} was ignored: {why}", index + 1),
                }),
            }
        }
        // The earliest first; at the same time, one whose TSA's revocation is proven first.
        valid.sort_by_key(|(t, unproven)| (t.time, !unproven.is_empty()));
        let earliest = valid
            .first()
            .map(|(t, unproven)| (t.time, unproven.clone()));
        *timestamps = valid.into_iter().map(|(t, _)| t).collect();
        match earliest {
            Some((time, unproven)) if self.options.at.is_none() => {
                // The TSA's certificate vouches for the time the path is judged at: where
                // revocation is required, it needs the same proof as the signer's path.
                if self.options.require_revocation {
                    for subject in unproven {
                        findings.push(Error::RevocationUnknown { subject });
                    }
                }
                When {
                    at: time,
                    source: TimeSource::Timestamp,
                }
            }
            _ => self.default_when(),
        }
    }

    /// RFC 5652 §5.3: every certificate named by issuerAndSerialNumber or
    /// subjectKeyIdentifier, among the configured ones and the CMS's: configured first, then
    /// by fingerprint (never in the CMS's order, which whoever adds certificates chooses).
    fn find_certificates(&self, sid: &SignerIdentifier<'_>) -> Vec<&'a Certificate> {
        find_certificates(self.pool, sid)
    }

    /// The signed content: the encapsulated one, or the caller's for a detached CMS.
    fn content(&self, findings: &mut Findings) -> Option<&[u8]> {
        match (&self.signed.content, self.detached_content) {
            (Some(attached), given) => {
                if given.is_some_and(|g| g != attached.as_ref()) {
                    findings.push(Error::DigestMismatch {
                        what: "the attached content differs from the content given to verify",
                    });
                }
                Some(attached)
            }
            (None, Some(given)) => Some(given),
            (None, None) => {
                findings.push(Error::ContentMissing);
                None
            }
        }
    }

    /// RFC 5652 §5.4, §11.1, §11.2: content-type and message-digest attributes against the
    /// content; without signed attributes the content must be id-data (§5.3).
    fn check_content(
        &self,
        info: &SignerInfo<'_>,
        content: &[u8],
        digest: &'static DigestAlgorithm,
        findings: &mut Findings,
    ) {
        if info.signed_attributes.is_none() {
            if self.signed.content_type != oid::DATA {
                findings.push(Error::malformed(format!(
                    "signed attributes are required for content type {}",
                    self.signed.content_type
                )));
            }
            return;
        }
        let content_type = info
            .attribute(oid::ATTR_CONTENT_TYPE)
            .filter(|v| v.tag == tag::OID)
            .and_then(|v| crate::der::oid_to_string(v.value));
        if content_type.as_deref() != Some(self.signed.content_type.as_str()) {
            findings.push(Error::DigestMismatch {
                what: "the content-type attribute differs from the encapsulated content type",
            });
        }
        let claimed = info
            .attribute(oid::ATTR_MESSAGE_DIGEST)
            .filter(|v| v.tag == tag::OCTET_STRING)
            .map(|v| v.value);
        match (claimed, self.content_digest(digest, content)) {
            (Some(claimed), Some(actual)) if claimed == actual.as_slice() => {}
            (None, _) => findings.push(Error::malformed(
                "the message-digest attribute is not an OCTET STRING",
            )),
            _ => findings.push(Error::DigestMismatch {
                what: "the message-digest attribute does not match the content's digest",
            }),
        }
    }

    /// The content's digest under `digest`, computed on first use.
    fn content_digest(&self, digest: &'static DigestAlgorithm, content: &[u8]) -> Option<Vec<u8>> {
        let mut known = self.content_digests.borrow_mut();
        if let Some((_, value)) = known.iter().find(|(oid, _)| *oid == digest.oid) {
            return value.clone();
        }
        let value = digest.digest(content);
        known.push((digest.oid, value.clone()));
        value
    }

    /// RFC 5652 §11.3: the signer's claimed signing time.
    fn signing_time(
        &self,
        info: &SignerInfo<'_>,
        findings: &mut Findings,
    ) -> Option<OffsetDateTime> {
        let value = info.attribute(oid::ATTR_SIGNING_TIME)?;
        let parsed = parse_asn1_time(value.tag, value.value);
        if parsed.is_none() {
            findings.push(Error::malformed(
                "the signing-time attribute is not a valid time",
            ));
        }
        parsed
    }

    /// Builds every candidate path, judges each completely, and keeps the best outcome (the
    /// one whose first failure comes latest; a valid one if any).
    fn judge_paths(&self, certificate: &Certificate, when: When) -> PathOutcome {
        let paths = match chain::build_paths(certificate, self.pool, self.cache, self.budget) {
            Ok(paths) => paths,
            Err(e) => {
                return PathOutcome {
                    findings: vec![e],
                    chain: vec![ChainEntry::of(certificate)],
                    ..PathOutcome::default()
                };
            }
        };
        let mut best: Option<PathOutcome> = None;
        for path in &paths {
            let outcome = self.judge(path, when);
            let better = best
                .as_ref()
                .is_none_or(|b| Findings::rank(&outcome.findings) > Findings::rank(&b.findings));
            if better {
                let done = outcome.findings.is_empty();
                best = Some(outcome);
                if done {
                    break;
                }
            }
        }
        best.unwrap_or_default()
    }

    fn judge(&self, path: &Path<'_>, when: When) -> PathOutcome {
        let mut outcome = PathOutcome {
            findings: chain::validate(path, when.at),
            chain: path
                .certificates
                .iter()
                .map(|c| ChainEntry::of(c))
                .collect(),
            ..PathOutcome::default()
        };
        let Some((&signer, _)) = path.certificates.split_first() else {
            return outcome;
        };
        // RFC 5280 §4.2.1.3: the signer's key must be allowed to make signatures.
        if signer
            .key_usage
            .is_some_and(|ku| !ku.digital_signature && !ku.non_repudiation)
        {
            outcome.findings.push(Error::KeyUsage);
        }
        if let Some(purpose) = self.options.purpose
            && !profile::serves(signer, purpose)
        {
            outcome.findings.push(Error::KeyPurpose {
                required: match purpose {
                    profile::Purpose::Sign => "a signing key",
                    profile::Purpose::Auth => "an authentication key",
                },
            });
        }
        let Some(anchor) = path.anchor() else {
            return outcome;
        };
        let mut unchecked = Vec::new();
        let mut notes = Vec::new();
        for (depth, pair) in path.certificates.windows(2).enumerate() {
            let [certificate, issuer] = pair else {
                continue;
            };
            let subject = Subject {
                certificate,
                issuer,
                anchor,
                timestamped: when.source == TimeSource::Timestamp,
            };
            let (status, from) = self.revocations.status_from(&subject, when.at, &mut notes);
            if depth == 0 {
                outcome.revocation_from = from;
            }
            match status {
                Status::Good => {}
                Status::Revoked(e) => {
                    if let Error::Revoked {
                        subject,
                        revoked_at,
                        reason,
                        ..
                    } = &e
                    {
                        outcome.revocation.get_or_insert(Revocation {
                            subject: subject.clone(),
                            revoked_at: *revoked_at,
                            reason: reason.clone(),
                        });
                    }
                    if let Some(record) = self.revocations.revocation_of(certificate) {
                        outcome.revocation.get_or_insert(record);
                    }
                    outcome.findings.push(e);
                }
                Status::Unknown if self.options.require_revocation => {
                    outcome.findings.push(Error::RevocationUnknown {
                        subject: certificate.subject.to_string(),
                    });
                }
                Status::Unknown => unchecked.push(certificate.subject.to_string()),
            }
        }
        notes.sort();
        notes.dedup();
        for note in notes {
            outcome.warnings.push(Warning {
                code: if note.starts_with("the OCSP response") {
                    "OCSP_IGNORED"
                } else {
                    "CRL_IGNORED"
                },
                message: note,
            });
        }
        if path
            .certificates
            .iter()
            .any(|c| self.revocations.ocsp.relied_on_sha1(c))
        {
            outcome.warnings.push(Warning {
                code: "OCSP_SHA1_CERT_ID",
                message: "an OCSP response relied on names the certificate by a SHA-1 CertID (accepted: a CertID is not a signature)".to_owned(),
            });
        }
        if !unchecked.is_empty() {
            outcome.warnings.push(Warning {
                code: "REVOCATION_NOT_CHECKED",
                message: format!("no applicable, current CRL for: {}", unchecked.join("; ")),
            });
        }
        outcome
    }
}

/// The time a signer is judged at, and why.
#[derive(Debug, Clone, Copy)]
struct When {
    at: OffsetDateTime,
    source: TimeSource,
}

impl Verifier {
    /// Validates one certificate's path for `options.purpose` (none: any purpose) at the
    /// validation time, with revocation from the configured CRLs and `options.ocsp`, as a
    /// signer's certificate is validated (RFC 5280 §6.1, §6.3; RFC 6960): what an integrator
    /// checks before asking a citizen to sign with a key. `extra_certificates` may complete
    /// the path (intermediates the caller holds); they are never trusted as anchors.
    pub fn verify_certificate(
        &self,
        certificate: &Certificate,
        extra_certificates: &[Certificate],
        options: &Options,
    ) -> CertificateReport {
        self.verify_certificate_with(
            certificate,
            extra_certificates,
            options,
            &StoredEvidence::new(),
        )
    }

    /// [`Verifier::verify_certificate`] with stored evidence handed back, as
    /// [`Verifier::verify_with`] takes it.
    pub fn verify_certificate_with(
        &self,
        certificate: &Certificate,
        extra_certificates: &[Certificate],
        options: &Options,
        evidence: &StoredEvidence,
    ) -> CertificateReport {
        let at = options.validation_time();
        let mut seen: HashSet<[u8; 32]> = self
            .anchors
            .iter()
            .chain(&self.intermediates)
            .map(|c| c.fingerprint)
            .collect();
        let extra: Vec<&Certificate> = extra_certificates
            .iter()
            .filter(|c| seen.insert(c.fingerprint))
            .take(cms::MAX_EMBEDDED)
            .collect();
        let pool = Pool {
            anchors: self.anchors.iter().collect(),
            intermediates: self.intermediates.iter().chain(extra).collect(),
            configured: self.intermediates.len(),
        };
        let budget = Budget::default();
        let mut seen_crls: HashSet<[u8; 32]> = self
            .crls
            .iter()
            .map(|c| crate::cert::sha256(&c.der))
            .collect();
        let evidence_crls = handed_back_crls(evidence, &mut seen_crls);
        let source = CrlSource::new(
            self.crls.iter().chain(evidence_crls).collect(),
            &pool,
            &self.cache,
            &budget,
        );
        let ocsp = OcspSource::new(
            &options.ocsp,
            &evidence.ocsp_responses,
            &pool,
            &self.cache,
            &budget,
            options.now,
        );
        let revocations = Revocations {
            crls: &source,
            ocsp,
        };
        let signed = SignedData {
            content_type: String::new(),
            content: None,
            certificates: Vec::new(),
            crls: Vec::new(),
            signers: Vec::new(),
        };
        let context = Context {
            signed: &signed,
            detached_content: None,
            pool: &pool,
            revocations: &revocations,
            cache: &self.cache,
            budget: &budget,
            options,
            at,
            content_digests: RefCell::default(),
        };
        let outcome = context.judge_paths(certificate, context.default_when());
        let mut findings = Findings(outcome.findings);
        let mut warnings = outcome.warnings;
        let relied = revocations.evidence();
        let signer = Signer::from_certificate(certificate);
        if signer.iin_checksum_valid == Some(false) {
            warnings.push(Warning {
                code: "IIN_CHECKSUM",
                message: "the IIN in the certificate does not pass the IIN check digit (as in NCA RK's test PKI)".to_owned(),
            });
        }
        if budget.exhausted() {
            findings.push(Error::BudgetExceeded(
                "the verification's budget of signature checks and path-building steps is spent"
                    .to_owned(),
            ));
        }
        let first = findings.first();
        let code = first.map_or(Code::Ok, Error::code);
        let message = first.map_or_else(
            || "the certificate is valid".to_owned(),
            ToString::to_string,
        );
        let mut errors: Vec<ErrorEntry> = findings
            .0
            .iter()
            .map(|e| ErrorEntry {
                code: e.code(),
                message: e.to_string(),
            })
            .collect();
        errors.sort_by_key(|e| e.code);
        errors.dedup_by(|a, b| a.code == b.code && a.message == b.message);
        CertificateReport {
            valid: errors.is_empty(),
            code,
            message,
            validation_time: at,
            signer,
            serial_number: certificate.serial_hex(),
            issuer: certificate.issuer.to_string(),
            errors,
            chain: outcome.chain,
            revocation: outcome.revocation,
            warnings: {
                warnings.extend(evidence_warnings(evidence, &relied, &seen_crls));
                warnings
            },
            evidence: relied,
            work: budget.work(),
        }
    }
}

/// Most (certificate, issuer) pairs [`Verifier::revocation_subjects`] names: the links of the
/// longest path the verifier considers (`chain::MAX_PATH_LEN` certificates, the anchor
/// included, have one link fewer). An honest CMS from NCALayer needs two (the person's
/// certificate and NCA's).
pub const MAX_REVOCATION_SUBJECTS: usize = chain::MAX_PATH_LEN - 1;

impl Verifier {
    /// The (certificate, issuer) pairs whose revocation verifying `signature` will ask about,
    /// for a caller that fetches OCSP responses before verifying (the verifier never fetches):
    /// the links of each signer's candidate paths, built as [`Verifier::verify`] builds them
    /// from the CMS's certificates and the configured intermediates and anchors. Every
    /// signer's own certificate comes first, then their issuers', and so on up the paths, so
    /// that the cap ([`MAX_REVOCATION_SUBJECTS`]) never leaves out a signer's own link for a
    /// CA's. Path building is paid from one verification's budget, as in `verify`.
    ///
    /// No signer's signature is checked: a certificate that only names a signer (the same
    /// issuer and serial, another key) is among the candidates, as it is in `verify` until
    /// the signature decides. Each link is checked, so an issuer is one that really signed
    /// its certificate. Empty for a CMS that cannot be read. Nothing here is a verdict: the
    /// caller verifies the CMS afterwards, with whatever it fetched.
    pub fn revocation_subjects(&self, signature: &[u8]) -> Vec<(Certificate, Certificate)> {
        let Some(der) = encoding::decode_cms(signature) else {
            return Vec::new();
        };
        let Ok(der) = crate::ber::to_der(&der) else {
            return Vec::new();
        };
        let Ok(signed) = cms::parse(&der) else {
            return Vec::new();
        };
        let mut seen: HashSet<[u8; 32]> = self
            .anchors
            .iter()
            .chain(&self.intermediates)
            .map(|c| c.fingerprint)
            .collect();
        // A certificate that cannot be read is left out here (`verify` refuses the CMS for it).
        let embedded: Vec<Certificate> = signed
            .certificates
            .iter()
            .take(cms::MAX_EMBEDDED)
            .filter_map(|der| Certificate::from_der(der).ok())
            .filter(|c| seen.insert(c.fingerprint))
            .collect();
        let pool = Pool {
            anchors: self.anchors.iter().collect(),
            intermediates: self.intermediates.iter().chain(&embedded).collect(),
            configured: self.intermediates.len(),
        };
        let budget = Budget::default();
        let mut paths = Vec::new();
        for info in &signed.signers {
            for candidate in find_certificates(&pool, &info.sid) {
                if let Ok(found) = chain::build_paths(candidate, &pool, &self.cache, &budget) {
                    paths.extend(found);
                }
            }
        }
        revocation_pairs(&paths)
    }

    /// [`Verifier::revocation_subjects`] for one certificate on its own (what
    /// [`Verifier::verify_certificate`] will check): the (certificate, issuer) pairs of its
    /// paths to the configured anchors, its own first, at most [`MAX_REVOCATION_SUBJECTS`].
    pub fn certificate_revocation_subjects(
        &self,
        certificate: &Certificate,
    ) -> Vec<(Certificate, Certificate)> {
        let pool = Pool {
            anchors: self.anchors.iter().collect(),
            intermediates: self.intermediates.iter().collect(),
            configured: self.intermediates.len(),
        };
        let budget = Budget::default();
        let paths =
            chain::build_paths(certificate, &pool, &self.cache, &budget).unwrap_or_default();
        revocation_pairs(&paths)
    }
}

/// The distinct (certificate, issuer) links of `paths`, nearest the leaf first (every path's
/// first link before any second one), at most [`MAX_REVOCATION_SUBJECTS`].
fn revocation_pairs(paths: &[chain::Path<'_>]) -> Vec<(Certificate, Certificate)> {
    let mut pairs = Vec::new();
    let mut named = HashSet::new();
    let longest = paths
        .iter()
        .map(|p| p.certificates.len())
        .max()
        .unwrap_or(0);
    for depth in 0..longest {
        for path in paths {
            let link = path
                .certificates
                .get(depth)
                .zip(path.certificates.get(depth + 1));
            if let Some((&certificate, &issuer)) = link
                && pairs.len() < MAX_REVOCATION_SUBJECTS
                && named.insert((certificate.fingerprint, issuer.fingerprint))
            {
                pairs.push((certificate.clone(), issuer.clone()));
            }
        }
    }
    pairs
}

#[derive(Default)]
struct PathOutcome {
    findings: Vec<Error>,
    chain: Vec<ChainEntry>,
    warnings: Vec<Warning>,
    revocation: Option<Revocation>,
    /// Which sources gave the path's first certificate its status.
    revocation_from: RevocationFrom,
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::expect_used,
        reason = "a test stops on the first broken expectation"
    )]

    use super::*;
    use crate::testing::{CmsBuilder, SignerSpec, TestPki};

    #[test]
    fn a_verifier_is_shared_between_threads() {
        fn is_shareable<T: Sync + Send>() {}
        is_shareable::<super::Verifier>();
    }

    fn parsed(certificate: &crate::testing::Certificate) -> Certificate {
        Certificate::from_der(&certificate.der).expect("a generated certificate parses")
    }

    fn fingerprints(pairs: &[(Certificate, Certificate)]) -> Vec<([u8; 32], [u8; 32])> {
        pairs
            .iter()
            .map(|(c, i)| (c.fingerprint, i.fingerprint))
            .collect()
    }

    #[test]
    fn revocation_subjects_are_the_links_of_the_signers_paths_signers_first() {
        let pki = TestPki::ec_p256();
        let (root, intermediate) = (parsed(&pki.root), parsed(&pki.intermediate));
        let leaf = pki
            .individual_sign("123456789011")
            .issued_by(&pki.intermediate);
        let cms = CmsBuilder::new(b"x")
            .certificate(&leaf)
            .signer(SignerSpec::new(&leaf))
            .build();
        let expected = vec![
            (parsed(&leaf).fingerprint, intermediate.fingerprint),
            (intermediate.fingerprint, root.fingerprint),
        ];
        // The intermediate configured, or carried in the CMS: the same path.
        let configured =
            Verifier::new(vec![root.clone()]).with_intermediates(vec![intermediate.clone()]);
        assert_eq!(
            fingerprints(&configured.revocation_subjects(&cms)),
            expected
        );
        let carried = CmsBuilder::new(b"x")
            .certificate(&leaf)
            .certificate(&pki.intermediate)
            .signer(SignerSpec::new(&leaf))
            .build();
        let anchors_only = Verifier::new(vec![root.clone()]);
        assert_eq!(
            fingerprints(&anchors_only.revocation_subjects(&carried)),
            expected
        );
        // No path, or no CMS: nothing to ask about.
        assert!(anchors_only.revocation_subjects(&cms).is_empty());
        assert!(configured.revocation_subjects(b"not a CMS").is_empty());
    }

    #[test]
    fn revocation_subjects_are_capped_with_every_signers_own_link_first() {
        let pki = TestPki::ec_p256();
        let verifier = Verifier::new(vec![parsed(&pki.root)])
            .with_intermediates(vec![parsed(&pki.intermediate)]);
        let leaves: Vec<_> = (0..MAX_REVOCATION_SUBJECTS + 2)
            .map(|i| {
                pki.individual_sign(&format!("12345678901{i}"))
                    .issued_by(&pki.intermediate)
            })
            .collect();
        let mut cms = CmsBuilder::new(b"x");
        for leaf in &leaves {
            cms = cms.certificate(leaf).signer(SignerSpec::new(leaf));
        }
        let pairs = verifier.revocation_subjects(&cms.build());
        assert_eq!(pairs.len(), MAX_REVOCATION_SUBJECTS);
        let intermediate = parsed(&pki.intermediate).fingerprint;
        assert!(
            pairs
                .iter()
                .all(|(_, issuer)| issuer.fingerprint == intermediate)
        );
    }
}
