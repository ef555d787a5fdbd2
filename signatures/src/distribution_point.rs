//! Whether a complete CRL covers a certificate, and for which reasons: RFC 5280 §6.3.3 (b) and
//! (d), matching the certificate's distribution points (fullName, nameRelativeToCRLIssuer,
//! cRLIssuer) against the CRL's issuer and its issuing distribution point.
//!
//! Kept apart from `revocation` (which decides what a covering CRL says) so that the scope
//! rules can be read, and fuzzed, on their own.

use crate::cert::Certificate;
use crate::crl::Crl;
use crate::extensions::{
    ALL_REASONS, DistributionPoint, DistributionPointName, GeneralName, ReasonMask,
};
use crate::name::Name;

/// §6.3.3 (b) and (d): whether `crl` covers `certificate` through one of `points` (the
/// certificate's distribution points, with the implicit point last), and for which reasons
/// (the interim_reasons_mask: the union over every point the CRL matches). `None` when it
/// covers none of them.
pub(crate) fn scope(
    crl: &Crl,
    certificate: &Certificate,
    points: &[&DistributionPoint],
) -> Option<ReasonMask> {
    let idp = crl.issuing_distribution_point.as_ref();
    if let Some(idp) = idp {
        // (b)(2)(iv): attribute certificates only.
        // (b)(2)(ii), (iii): user certificates only, CA certificates only.
        if idp.only_attribute_certs
            || (idp.only_user_certs && certificate.is_ca())
            || (idp.only_ca_certs && !certificate.is_ca())
        {
            return None;
        }
    }
    // §5.2.5: a relative IDP name is appended to the CRL issuer's name.
    let idp_names = idp
        .and_then(|idp| idp.name.as_ref())
        .map(|name| full_names(name, &crl.issuer));
    let mut covered: Option<ReasonMask> = None;
    for point in points {
        if !issuer_matches(crl, certificate, point) {
            continue;
        }
        if let Some(idp_names) = &idp_names
            && !point_names(point, certificate)
                .iter()
                .any(|name| idp_names.contains(name))
        {
            continue;
        }
        // (d): the reasons the point asks for that the CRL covers (§5.2.5 onlySomeReasons).
        let point_reasons = point.reasons.unwrap_or(ALL_REASONS);
        let crl_reasons = idp
            .and_then(|idp| idp.only_some_reasons)
            .unwrap_or(ALL_REASONS);
        *covered.get_or_insert(0) |= point_reasons & crl_reasons & ALL_REASONS;
    }
    covered
}

/// §6.3.3 (b)(1): with a cRLIssuer, the CRL must be issued by one of its names and be an
/// indirect CRL (its IDP asserts indirectCRL); without one, the CRL's issuer must be the
/// certificate's issuer.
fn issuer_matches(crl: &Crl, certificate: &Certificate, point: &DistributionPoint) -> bool {
    match &point.crl_issuer {
        Some(names) => {
            crl.issuing_distribution_point
                .as_ref()
                .is_some_and(|idp| idp.indirect_crl)
                && names
                    .iter()
                    .any(|n| matches!(n, GeneralName::Directory(name) if *name == crl.issuer))
        }
        None => crl.issuer == certificate.issuer,
    }
}

/// The names a distribution point goes by, for §6.3.3 (b)(2)(i): its distributionPoint, with a
/// nameRelativeToCRLIssuer appended to the cRLIssuer's name when there is one and to the
/// certificate issuer's otherwise (§4.2.1.13); without a distributionPoint, its cRLIssuer
/// names; for the implicit point (neither), the certificate issuer's name.
fn point_names(point: &DistributionPoint, certificate: &Certificate) -> Vec<GeneralName> {
    match (&point.name, &point.crl_issuer) {
        (Some(name), Some(crl_issuer)) => {
            let base = crl_issuer.iter().find_map(|n| match n {
                GeneralName::Directory(name) => Some(name),
                _ => None,
            });
            match (name, base) {
                (DistributionPointName::FullName(names), _) => names.clone(),
                (DistributionPointName::RelativeToIssuer(_), Some(base)) => full_names(name, base),
                // A relative name with no directory name to append it to names nothing.
                (DistributionPointName::RelativeToIssuer(_), None) => Vec::new(),
            }
        }
        (Some(name), None) => full_names(name, &certificate.issuer),
        (None, Some(crl_issuer)) => crl_issuer.clone(),
        (None, None) => vec![GeneralName::Directory(certificate.issuer.clone())],
    }
}

/// A DistributionPointName as full names: a fullName as it is, a nameRelativeToCRLIssuer
/// appended to `base` (an RDN that cannot be appended names nothing).
fn full_names(name: &DistributionPointName, base: &Name) -> Vec<GeneralName> {
    match name {
        DistributionPointName::FullName(names) => names.clone(),
        DistributionPointName::RelativeToIssuer(rdn) => base
            .with_rdn(rdn)
            .map(|name| vec![GeneralName::Directory(name)])
            .unwrap_or_default(),
    }
}
