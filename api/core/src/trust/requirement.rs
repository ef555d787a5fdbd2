//! What revocation data a verification needs (issue 15), in two parts:
//!
//! - **Some data for every certificate of the path** (`Options::require_revocation`): the
//!   production profile requires it, unless `REVOCATION_CONFIG` says `NONE`. The verifier then
//!   refuses a certificate without applicable, current data from a CRL or an OCSP response
//!   (`REVOCATION_UNKNOWN`).
//! - **Which kind counts for the signer's own certificate**, when `REVOCATION_CONFIG` is set:
//!   its `requirement`, checked here on the verifier's report (`SignerReport::revocation_from`).
//!   `OCSP` needs an OCSP response relied on, `CRL` a current CRL, `EITHER` one of them (which
//!   the first part already ensures). A CA's certificate needs data of either kind: OCSP is
//!   rarely offered for CAs, and their revocations are in their issuer's CRL.
//!
//! Where the requirement is not met, the signature is refused as the verifier would have:
//! `REVOCATION_UNKNOWN`. Where nothing is required (development, or `NONE`) and no source
//! answered, the signature stands with a warning naming the sources that are failing.

use super::TrustStore;
use revocation::{Outcome, Requirement};
use signatures::SignerReport;

impl TrustStore {
    /// Whether every certificate of a path needs current revocation data
    /// (`Options::require_revocation`): the production profile, unless `REVOCATION_CONFIG`'s
    /// requirement is `NONE`. The same rule as readiness's.
    pub fn requires_revocation(&self) -> bool {
        self.require_revocation
            && self
                .sources
                .as_ref()
                .is_none_or(|s| s.requirement() != Requirement::None)
    }

    /// The requirement in force: `REVOCATION_CONFIG`'s where revocation data is required,
    /// else `NONE`; `None` without `REVOCATION_CONFIG` (the verifier's verdict is all).
    pub fn requirement_in_force(&self) -> Option<Requirement> {
        let sources = self.sources.as_ref()?;
        Some(if self.requires_revocation() {
            sources.requirement()
        } else {
            Requirement::None
        })
    }

    /// What the revocation check of a valid `signer` amounts to under the requirement in
    /// force: satisfied, a warning (nothing answered, nothing required), or unknown (what was
    /// required is missing).
    pub fn revocation_outcome(&self, signer: &SignerReport) -> Outcome {
        let (Some(sources), Some(requirement)) = (&self.sources, self.requirement_in_force())
        else {
            return Outcome::Satisfied;
        };
        let from = signer.revocation_from;
        sources.sources().outcome(requirement, from.ocsp, from.crl)
    }
}

/// What a requirement asks of the signer's certificate, for the refusal's detail.
pub fn required_data(requirement: Requirement) -> &'static str {
    match requirement {
        Requirement::Ocsp => "an OCSP response",
        Requirement::Crl => "a current CRL",
        Requirement::Either | Requirement::None => "an OCSP response or a current CRL",
    }
}
