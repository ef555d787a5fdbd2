//! Name constraints (RFC 5280 §4.2.1.10) and their processing along a path (§6.1.3 (b), (c)
//! and §6.1.4 (g), (h)), for every name form that can appear: rfc822Name (including the
//! emailAddress attributes of the subject DN), dNSName, directoryName, URI and iPAddress.
//!
//! Forms this module cannot check (otherName, x400Address, ediPartyName, registeredID, and
//! subtrees with a minimum or maximum, which the RFC 5280 profile forbids) fail closed: a
//! certificate that has a name of such a form, below a constraint on that form, is rejected.
//! So does a name that cannot be compared (an e-mail address without `@`, a URI without a
//! host name, an IP address of the wrong length).

use crate::cert::Certificate;
use crate::der::{Reader, tag};
use crate::error::Error;
use crate::extensions::{self, GeneralName};
use crate::oid;

/// One GeneralSubtree (RFC 5280 §4.2.1.10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Subtree {
    pub base: GeneralName,
    /// Whether minimum is 0 and maximum absent, as §4.2.1.10 requires ("the minimum MUST be
    /// zero, and maximum MUST be absent"): otherwise the subtree cannot be checked.
    pub checkable: bool,
}

/// A NameConstraints extension.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct NameConstraints {
    /// permittedSubtrees, when present.
    pub permitted: Option<Vec<Subtree>>,
    /// excludedSubtrees (empty when absent).
    pub excluded: Vec<Subtree>,
}

/// Parses the value of a NameConstraints extension:
/// `SEQUENCE { permittedSubtrees [0] GeneralSubtrees OPTIONAL, excludedSubtrees [1] … }`.
pub(crate) fn parse(value: &[u8]) -> Result<NameConstraints, Error> {
    let mut outer = Reader::new(value);
    let mut seq = outer.read_nested(tag::SEQUENCE, "name constraints")?;
    outer.finish("name constraints")?;
    let permitted = match seq.read_optional(tag::context_constructed(0))? {
        Some(tlv) => Some(subtrees(&mut tlv.contents(seq.depth())?)?),
        None => None,
    };
    let excluded = match seq.read_optional(tag::context_constructed(1))? {
        Some(tlv) => subtrees(&mut tlv.contents(seq.depth())?)?,
        None => Vec::new(),
    };
    seq.finish("name constraints")?;
    Ok(NameConstraints {
        permitted,
        excluded,
    })
}

/// `GeneralSubtrees ::= SEQUENCE SIZE (1..MAX) OF GeneralSubtree`, where
/// `GeneralSubtree ::= SEQUENCE { base GeneralName, minimum [0] BaseDistance DEFAULT 0,
/// maximum [1] BaseDistance OPTIONAL }`.
fn subtrees(reader: &mut Reader<'_>) -> Result<Vec<Subtree>, Error> {
    let mut out = Vec::new();
    while !reader.is_empty() {
        let mut subtree = reader.read_nested(tag::SEQUENCE, "general subtree")?;
        let base = subtree.read_any()?;
        let base = extensions::general_names(&mut Reader::new(base.raw))?
            .into_iter()
            .next()
            .ok_or_else(|| Error::malformed("general subtree without a base"))?;
        let minimum_zero = match subtree.read_optional(tag::context_primitive(0))? {
            Some(minimum) => minimum.value.iter().all(|&b| b == 0),
            None => true,
        };
        let maximum_absent = subtree.read_optional(tag::context_primitive(1))?.is_none();
        subtree.finish("general subtree")?;
        // §4.2.1.10: the iPAddress of a constraint is an address and a mask (8 or 32 octets).
        if let GeneralName::Ip(bytes) = &base
            && bytes.len() != 8
            && bytes.len() != 32
        {
            return Err(Error::malformed(
                "an iPAddress name constraint is neither 8 nor 32 octets",
            ));
        }
        out.push(Subtree {
            base,
            checkable: minimum_zero && maximum_absent,
        });
    }
    Ok(out)
}

/// The constraints in force while walking a path from its anchor down to its signer.
#[derive(Debug, Default)]
pub(crate) struct InForce<'a> {
    /// §6.1.4 (g): permitted_subtrees is the intersection of every permittedSubtrees met. It
    /// is kept as the list of those sets, and a name is permitted when, for each set that
    /// constrains its form, it lies within one of the set's subtrees of that form.
    permitted: Vec<&'a [Subtree]>,
    /// §6.1.4 (h): excluded_subtrees is the union of every excludedSubtrees met.
    excluded: Vec<&'a Subtree>,
}

impl<'a> InForce<'a> {
    /// §6.1.4 (g), (h): adds a CA certificate's constraints for the certificates below it.
    pub fn add(&mut self, constraints: &'a NameConstraints) {
        if let Some(permitted) = &constraints.permitted {
            self.permitted.push(permitted);
        }
        self.excluded.extend(constraints.excluded.iter());
    }

    /// §6.1.3 (b), (c): checks every name of `certificate` (its subject, the emailAddress
    /// attributes in it, and its subjectAltName) against the constraints in force; the reason
    /// when one fails.
    pub fn violation(&self, certificate: &Certificate) -> Option<String> {
        if self.permitted.is_empty() && self.excluded.is_empty() {
            return None;
        }
        for name in names_of(certificate) {
            let name = name.as_ref();
            if let Some(reason) = self.check(name) {
                return Some(reason);
            }
        }
        None
    }

    fn check(&self, name: &GeneralName) -> Option<String> {
        let form = name.form();
        for subtree in self.excluded.iter().filter(|s| s.base.form() == form) {
            match within(name, subtree) {
                Some(false) => {}
                Some(true) => {
                    return Some(format!(
                        "name {} is in the excluded subtree {}",
                        describe(name),
                        describe(&subtree.base)
                    ));
                }
                None => return Some(cannot_check(name, &subtree.base)),
            }
        }
        for set in &self.permitted {
            let mut of_form = set.iter().filter(|s| s.base.form() == form).peekable();
            // A set with no subtree of this form does not constrain it: constraints apply
            // form by form (§4.2.1.10: "if no name of the type is in the certificate, the
            // certificate is acceptable").
            if of_form.peek().is_none() {
                continue;
            }
            let mut undecided = None;
            let mut inside = false;
            for subtree in of_form {
                match within(name, subtree) {
                    Some(true) => {
                        inside = true;
                        break;
                    }
                    Some(false) => {}
                    None => undecided = Some(subtree),
                }
            }
            match (inside, undecided) {
                (true, _) => {}
                (false, Some(subtree)) => return Some(cannot_check(name, &subtree.base)),
                (false, None) => {
                    return Some(format!(
                        "name {} is outside the permitted subtrees",
                        describe(name)
                    ));
                }
            }
        }
        None
    }
}

/// The names a certificate goes by for name constraints: its subject (when not empty), the
/// emailAddress attributes of its subject as rfc822Names (§4.2.1.10: "the rfc822Name
/// constraint MUST be applied to the attribute of type emailAddress in the subject
/// distinguished name"; applied whether or not there is a subjectAltName, which only checks
/// more), and every subjectAltName.
fn names_of(certificate: &Certificate) -> Vec<std::borrow::Cow<'_, GeneralName>> {
    use std::borrow::Cow;
    let mut names: Vec<Cow<'_, GeneralName>> = Vec::new();
    if !certificate.subject.is_empty() {
        names.push(Cow::Owned(GeneralName::Directory(
            certificate.subject.clone(),
        )));
    }
    names.extend(
        certificate
            .subject
            .values(oid::AT_EMAIL)
            .map(|email| Cow::Owned(GeneralName::Rfc822(email.to_owned()))),
    );
    names.extend(certificate.subject_alt_names.iter().map(Cow::Borrowed));
    names
}

/// Whether `name` lies within `subtree` (both of the same form); `None` when that cannot be
/// decided, which fails closed.
fn within(name: &GeneralName, subtree: &Subtree) -> Option<bool> {
    if !subtree.checkable {
        return None;
    }
    match (name, &subtree.base) {
        (GeneralName::Directory(name), GeneralName::Directory(base)) => Some(name.is_within(base)),
        (GeneralName::Rfc822(name), GeneralName::Rfc822(base)) => mailbox_within(name, base),
        (GeneralName::Dns(name), GeneralName::Dns(base)) => Some(dns_within(name, base)),
        (GeneralName::Uri(name), GeneralName::Uri(base)) => uri_within(name, base),
        (GeneralName::Ip(name), GeneralName::Ip(base)) => ip_within(name, base),
        // otherName, x400Address, ediPartyName, registeredID: not checked, so fail closed.
        _ => None,
    }
}

/// §4.2.1.10, rfc822Name: the constraint is a mailbox ("root@example.com": that mailbox), a
/// host ("example.com": every address at that host) or a domain (".example.com": every
/// address in the domain, not at the host "example.com"). Host and domain compare
/// case-insensitively, the local part exactly (RFC 5280 §7.5). An address without `@`
/// cannot be compared.
fn mailbox_within(name: &str, base: &str) -> Option<bool> {
    let (local, host) = name.rsplit_once('@')?;
    if local.is_empty() || host.is_empty() {
        return None;
    }
    Some(match base.rsplit_once('@') {
        Some((base_local, base_host)) => {
            local == base_local && host.eq_ignore_ascii_case(base_host)
        }
        None if base.starts_with('.') => ends_with_ignore_case(host, base),
        None => host.eq_ignore_ascii_case(base),
    })
}

/// §4.2.1.10, dNSName: "any DNS name that can be constructed by simply adding zero or more
/// labels to the left-hand side of the name satisfies the name constraint" (so
/// `host1.example.com` is not within `host.example.com`). An empty constraint holds every
/// name; a constraint with a leading period (not in RFC 5280, but issued) holds only names
/// below it. Case-insensitive (RFC 4343), a final root dot ignored.
fn dns_within(name: &str, base: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    let base = base.strip_suffix('.').unwrap_or(base);
    if base.is_empty() {
        return true;
    }
    if base.starts_with('.') {
        return ends_with_ignore_case(name, base);
    }
    name.eq_ignore_ascii_case(base)
        || (name.len() > base.len()
            && ends_with_ignore_case(name, base)
            && name.as_bytes().get(name.len() - base.len() - 1) == Some(&b'.'))
}

/// §4.2.1.10, URI: "the constraint applies to the host part of the name"; a constraint with a
/// leading period holds every host below that domain (not the domain's own host), one without
/// names exactly one host. A URI "that does not include an authority component with a host
/// name specified as a fully qualified domain name (e.g., … the host name is specified as an
/// IP address)" MUST be rejected: `None` here, which fails closed.
fn uri_within(name: &str, base: &str) -> Option<bool> {
    let host = uri_host(name)?;
    Some(if base.starts_with('.') {
        ends_with_ignore_case(host, base)
    } else {
        host.eq_ignore_ascii_case(base)
    })
}

/// The host of a URI with an authority (RFC 3986 §3.2.2), when it is a domain name.
fn uri_host(uri: &str) -> Option<&str> {
    let (scheme, rest) = uri.split_once(':')?;
    if scheme.is_empty() {
        return None;
    }
    let authority = rest.strip_prefix("//")?;
    let authority = authority.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    // An IP literal ("[::1]") or an IPv4 address is not a domain name.
    if host_port.starts_with('[') {
        return None;
    }
    let host = host_port.split_once(':').map_or(host_port, |(h, _)| h);
    let host = host.strip_suffix('.').unwrap_or(host);
    let ipv4 = host
        .split('.')
        .all(|label| !label.is_empty() && label.bytes().all(|b| b.is_ascii_digit()));
    (!host.is_empty() && !ipv4).then_some(host)
}

/// §4.2.1.10, iPAddress: the constraint is an address and a mask (RFC 4632 CIDR style), 8
/// octets for IPv4 and 32 for IPv6; a name (§4.2.1.6: 4 or 16 octets) lies within it when
/// it has the same family and agrees with the address on every bit of the mask. A name of
/// another length cannot be compared.
fn ip_within(name: &[u8], base: &[u8]) -> Option<bool> {
    if name.len() != 4 && name.len() != 16 {
        return None;
    }
    if base.len() != name.len() * 2 {
        return Some(false);
    }
    let (address, mask) = base.split_at(name.len());
    Some(
        name.iter()
            .zip(address)
            .zip(mask)
            .all(|((n, a), m)| n & m == a & m),
    )
}

fn ends_with_ignore_case(text: &str, suffix: &str) -> bool {
    text.len() >= suffix.len()
        && text
            .get(text.len() - suffix.len()..)
            .is_some_and(|end| end.eq_ignore_ascii_case(suffix))
}

fn cannot_check(name: &GeneralName, base: &GeneralName) -> String {
    format!(
        "name {} cannot be checked against the name constraint {} (fails closed)",
        describe(name),
        describe(base)
    )
}

/// A name as reports show it.
fn describe(name: &GeneralName) -> String {
    match name {
        GeneralName::Rfc822(text) => format!("rfc822Name \"{text}\""),
        GeneralName::Dns(text) => format!("dNSName \"{text}\""),
        GeneralName::Uri(text) => format!("URI \"{text}\""),
        GeneralName::Directory(name) => format!("directoryName \"{name}\""),
        GeneralName::Ip(bytes) => format!("iPAddress {}", crate::name::hex(bytes)),
        GeneralName::Other(raw) => format!("of form [{}]", raw.first().map_or(0, |t| t & 0x1f)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::name::Name;

    fn directory(name: &Name) -> GeneralName {
        GeneralName::Directory(name.clone())
    }

    fn subtree(base: GeneralName) -> Subtree {
        Subtree {
            base,
            checkable: true,
        }
    }

    #[test]
    fn dns_names_add_labels_on_the_left() {
        assert!(dns_within("www.host.example.com", "host.example.com"));
        assert!(dns_within("HOST.example.com", "host.EXAMPLE.com"));
        assert!(!dns_within("host1.example.com", "host.example.com"));
        assert!(!dns_within("fooexample.com", "example.com"));
        assert!(dns_within("anything", ""));
        assert!(dns_within("a.example.com", ".example.com"));
        assert!(!dns_within("example.com", ".example.com"));
    }

    #[test]
    fn mailboxes_hosts_and_domains() {
        assert_eq!(
            mailbox_within("root@example.com", "root@EXAMPLE.com"),
            Some(true)
        );
        assert_eq!(
            mailbox_within("Root@example.com", "root@example.com"),
            Some(false)
        );
        assert_eq!(mailbox_within("a@example.com", "example.com"), Some(true));
        assert_eq!(
            mailbox_within("a@mail.example.com", "example.com"),
            Some(false)
        );
        assert_eq!(
            mailbox_within("a@mail.example.com", ".example.com"),
            Some(true)
        );
        assert_eq!(mailbox_within("a@example.com", ".example.com"), Some(false));
        assert_eq!(mailbox_within("no-at-sign", "example.com"), None);
    }

    #[test]
    fn uris_constrain_their_host() {
        assert_eq!(uri_within("https://gov.kz/x", "gov.kz"), Some(true));
        assert_eq!(
            uri_within("https://user@egov.gov.kz:443/", ".gov.kz"),
            Some(true)
        );
        assert_eq!(uri_within("https://gov.kz/", ".gov.kz"), Some(false));
        assert_eq!(uri_within("https://evil.kz/", "gov.kz"), Some(false));
        assert_eq!(uri_within("urn:oid:1.2.3", "gov.kz"), None);
        assert_eq!(uri_within("https://10.0.0.1/", "gov.kz"), None);
        assert_eq!(uri_within("https://[::1]/", "gov.kz"), None);
    }

    #[test]
    fn ip_addresses_match_under_their_mask() {
        let v4 = [10, 1, 0, 0, 255, 255, 0, 0];
        assert_eq!(ip_within(&[10, 1, 2, 3], &v4), Some(true));
        assert_eq!(ip_within(&[10, 2, 2, 3], &v4), Some(false));
        assert_eq!(ip_within(&[0; 16], &v4), Some(false));
        assert_eq!(ip_within(&[10, 1, 2], &v4), None);
    }

    #[test]
    fn uncheckable_subtrees_fail_closed() {
        let name = GeneralName::Dns("a.example.com".to_owned());
        let mut bounded = subtree(GeneralName::Dns("example.com".to_owned()));
        bounded.checkable = false;
        assert_eq!(within(&name, &bounded), None);
        let other = GeneralName::Other(vec![0xa0, 0x00]);
        assert_eq!(within(&other, &subtree(other.clone())), None);
        let empty = Name::parse(&[0x30, 0x00]).expect("the empty name parses");
        assert_eq!(
            within(&directory(&empty), &subtree(directory(&empty))),
            Some(true)
        );
    }
}
