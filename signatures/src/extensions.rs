//! Extension syntaxes read from their raw DER: general names, CRL distribution points (also
//! the syntax of freshest-CRL), issuing distribution points, reason flags and the extended key
//! usage list. `x509-parser` leaves freshest-CRL, delta-CRL-indicator and certificate-issuer
//! untyped; parsing all distribution-point syntaxes here keeps one model for RFC 5280 §6.3.

use crate::der::{Reader, oid_to_string, tag, unsigned_integer};
use crate::error::Error;
use crate::name::Name;

/// A GeneralName (RFC 5280 §4.2.1.6), as far as path validation compares them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum GeneralName {
    /// `rfc822Name [1] IA5String`: an e-mail address.
    Rfc822(String),
    /// `dNSName [2] IA5String`.
    Dns(String),
    Directory(Name),
    /// `uniformResourceIdentifier [6] IA5String`.
    Uri(String),
    /// `iPAddress [7] OCTET STRING`: 4 or 16 octets in a name, 8 or 32 (address and mask) in
    /// a name constraint.
    Ip(Vec<u8>),
    /// Any other form (otherName, x400Address, ediPartyName, registeredID), compared by its
    /// encoding.
    Other(Vec<u8>),
}

impl GeneralName {
    /// The context tag number of the form (RFC 5280 §4.2.1.6), for forms kept as `Other` the
    /// one in their encoding.
    pub fn form(&self) -> u8 {
        match self {
            GeneralName::Rfc822(_) => 1,
            GeneralName::Dns(_) => 2,
            GeneralName::Directory(_) => 4,
            GeneralName::Uri(_) => 6,
            GeneralName::Ip(_) => 7,
            GeneralName::Other(raw) => raw.first().map_or(0xff, |t| t & 0x1f),
        }
    }
}

/// An IA5String's text (X.680 §41: ASCII only).
fn ia5_text(value: &[u8], what: &str) -> Result<String, Error> {
    if !value.is_ascii() {
        return Err(Error::malformed(format!("{what} is not an IA5String")));
    }
    String::from_utf8(value.to_vec()).map_err(|_| Error::malformed(format!("{what} is not text")))
}

/// Reads `GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName` from a reader positioned on
/// its elements.
pub(crate) fn general_names(reader: &mut Reader<'_>) -> Result<Vec<GeneralName>, Error> {
    let mut names = Vec::new();
    while !reader.is_empty() {
        let tlv = reader.read_any()?;
        names.push(match tlv.tag {
            0x81 => GeneralName::Rfc822(ia5_text(tlv.value, "rfc822Name")?),
            0x82 => GeneralName::Dns(ia5_text(tlv.value, "dNSName")?),
            0x86 => GeneralName::Uri(ia5_text(tlv.value, "URI")?),
            0x87 => GeneralName::Ip(tlv.value.to_vec()),
            0xa4 => GeneralName::Directory(Name::parse(tlv.value)?),
            _ => GeneralName::Other(tlv.raw.to_vec()),
        });
    }
    Ok(names)
}

/// Parses the value of a GeneralNames extension (certificate-issuer, issuerAltName, SAN).
pub(crate) fn parse_general_names(value: &[u8]) -> Result<Vec<GeneralName>, Error> {
    let mut outer = Reader::new(value);
    let mut seq = outer.read_nested(tag::SEQUENCE, "general names")?;
    outer.finish("general names")?;
    general_names(&mut seq)
}

/// Reason flags (RFC 5280 §4.2.1.13): bit n of the mask is ReasonFlags bit n.
pub(crate) type ReasonMask = u16;

/// Every reason (bits 1 to 8: keyCompromise … aACompromise; bit 0 is unused).
pub(crate) const ALL_REASONS: ReasonMask = 0b1_1111_1110;

fn reason_flags(bits: &[u8]) -> Result<ReasonMask, Error> {
    let (&unused, rest) = bits
        .split_first()
        .ok_or_else(|| Error::malformed("empty reason flags"))?;
    if unused > 7 || rest.len() > 2 {
        return Err(Error::malformed("bad reason flags"));
    }
    // DER bit strings number bits from the most significant bit of the first octet.
    let mut mask: ReasonMask = 0;
    for (index, byte) in rest.iter().enumerate() {
        for bit in 0..8 {
            if byte & (0x80 >> bit) != 0 {
                mask |= 1 << (index * 8 + bit);
            }
        }
    }
    Ok(mask)
}

/// A distribution point name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DistributionPointName {
    FullName(Vec<GeneralName>),
    /// The RDN to append to the CRL issuer's name: the contents of the
    /// RelativeDistinguishedName (its encoded AttributeTypeAndValues), expanded into a name
    /// when compared (`distribution_point`).
    RelativeToIssuer(Vec<u8>),
}

/// A DistributionPoint (RFC 5280 §4.2.1.13).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DistributionPoint {
    pub name: Option<DistributionPointName>,
    pub reasons: Option<ReasonMask>,
    pub crl_issuer: Option<Vec<GeneralName>>,
}

fn distribution_point_name(tlv_value: &[u8], depth: usize) -> Result<DistributionPointName, Error> {
    let mut reader = Reader::new(tlv_value);
    let choice = reader.read_any()?;
    reader.finish("distribution point name")?;
    match choice.tag {
        0xa0 => Ok(DistributionPointName::FullName(general_names(
            &mut choice.contents(depth)?,
        )?)),
        0xa1 => Ok(DistributionPointName::RelativeToIssuer(
            choice.value.to_vec(),
        )),
        _ => Err(Error::malformed("bad distribution point name")),
    }
}

/// Parses `CRLDistributionPoints` (and `FreshestCRL`, which has the same syntax).
pub(crate) fn parse_distribution_points(value: &[u8]) -> Result<Vec<DistributionPoint>, Error> {
    let mut outer = Reader::new(value);
    let mut seq = outer.read_nested(tag::SEQUENCE, "distribution points")?;
    outer.finish("distribution points")?;
    let mut points = Vec::new();
    while !seq.is_empty() {
        let mut dp = seq.read_nested(tag::SEQUENCE, "distribution point")?;
        let name = match dp.read_optional(0xa0)? {
            Some(tlv) => Some(distribution_point_name(tlv.value, dp.depth())?),
            None => None,
        };
        let reasons = match dp.read_optional(0x81)? {
            Some(tlv) => Some(reason_flags(tlv.value)?),
            None => None,
        };
        let crl_issuer = match dp.read_optional(0xa2)? {
            Some(tlv) => Some(general_names(&mut tlv.contents(dp.depth())?)?),
            None => None,
        };
        dp.finish("distribution point")?;
        points.push(DistributionPoint {
            name,
            reasons,
            crl_issuer,
        });
    }
    Ok(points)
}

/// An IssuingDistributionPoint CRL extension (RFC 5280 §5.2.5).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct IssuingDistributionPoint {
    pub name: Option<DistributionPointName>,
    pub only_user_certs: bool,
    pub only_ca_certs: bool,
    pub only_some_reasons: Option<ReasonMask>,
    pub indirect_crl: bool,
    pub only_attribute_certs: bool,
}

pub(crate) fn parse_issuing_distribution_point(
    value: &[u8],
) -> Result<IssuingDistributionPoint, Error> {
    let mut outer = Reader::new(value);
    let mut seq = outer.read_nested(tag::SEQUENCE, "issuing distribution point")?;
    outer.finish("issuing distribution point")?;
    let flag = |seq: &mut Reader<'_>, t: u8| -> Result<bool, Error> {
        match seq.read_optional(t)? {
            Some(tlv) => match tlv.value {
                [0xff] => Ok(true),
                // DER (X.690 §11.5) omits a DEFAULT FALSE, but be lenient on an explicit FALSE.
                [0x00] => Ok(false),
                _ => Err(Error::malformed(
                    "bad boolean in issuing distribution point",
                )),
            },
            None => Ok(false),
        }
    };
    let name = match seq.read_optional(0xa0)? {
        Some(tlv) => Some(distribution_point_name(tlv.value, seq.depth())?),
        None => None,
    };
    let only_user_certs = flag(&mut seq, 0x81)?;
    let only_ca_certs = flag(&mut seq, 0x82)?;
    let only_some_reasons = match seq.read_optional(0x83)? {
        Some(tlv) => Some(reason_flags(tlv.value)?),
        None => None,
    };
    let indirect_crl = flag(&mut seq, 0x84)?;
    let only_attribute_certs = flag(&mut seq, 0x85)?;
    seq.finish("issuing distribution point")?;
    Ok(IssuingDistributionPoint {
        name,
        only_user_certs,
        only_ca_certs,
        only_some_reasons,
        indirect_crl,
        only_attribute_certs,
    })
}

/// `ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId` (RFC 5280 §4.2.1.12).
pub(crate) fn parse_oid_sequence(value: &[u8], what: &str) -> Result<Vec<String>, Error> {
    let mut outer = Reader::new(value);
    let mut seq = outer.read_nested(tag::SEQUENCE, what)?;
    outer.finish(what)?;
    let mut oids = Vec::new();
    while !seq.is_empty() {
        let tlv = seq.read(tag::OID, what)?;
        oids.push(
            oid_to_string(tlv.value).ok_or_else(|| Error::malformed(format!("{what}: bad OID")))?,
        );
    }
    Ok(oids)
}

/// An INTEGER extension value such as CRLNumber or BaseCRLNumber (RFC 5280 §5.2.3, §5.2.4),
/// as its unsigned big-endian bytes without leading zeros.
pub(crate) fn parse_crl_number(value: &[u8]) -> Result<Vec<u8>, Error> {
    let mut reader = Reader::new(value);
    let tlv = reader.read(tag::INTEGER, "CRL number")?;
    reader.finish("CRL number")?;
    if tlv.value.first().is_some_and(|b| b & 0x80 != 0) {
        return Err(Error::malformed("negative CRL number"));
    }
    Ok(unsigned_integer(tlv.value).to_vec())
}

/// Orders two unsigned big-endian numbers (CRL numbers may be up to 20 octets).
pub(crate) fn compare_numbers(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_flags_use_der_bit_numbering() {
        // keyCompromise (1) and certificateHold (6): bits 1 and 6 → 0b0100_0010, 1 unused bit.
        assert_eq!(
            reason_flags(&[0x01, 0b0100_0010]).unwrap(),
            (1 << 1) | (1 << 6)
        );
        // aACompromise (8) lives in the second octet.
        assert_eq!(reason_flags(&[0x07, 0x00, 0x80]).unwrap(), 1 << 8);
        assert!(reason_flags(&[]).is_err());
    }

    #[test]
    fn crl_numbers_compare_numerically() {
        use std::cmp::Ordering;
        assert_eq!(compare_numbers(&[2], &[1, 0]), Ordering::Less);
        assert_eq!(compare_numbers(&[9], &[9]), Ordering::Equal);
    }
}
