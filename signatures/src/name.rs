//! Distinguished names (RFC 5280 §4.1.2.4): parsing, comparison and display.
//!
//! Names are compared the way RFC 5280 §7.1 asks: attribute by attribute, with string values
//! compared after case folding and whitespace folding (a simplification of RFC 4518's string
//! preparation that is exact for the Latin, Cyrillic and Kazakh names NCA RK issues).

use crate::der::{Reader, oid_to_string, tag};
use crate::error::Error;
use crate::oid;
use std::fmt;

/// One attribute of a name: its type and value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Attribute {
    pub oid: String,
    /// The value as text (decoded from its ASN.1 string type), or `#` + hex for non-strings.
    pub value: String,
    /// The value as compared: case- and whitespace-folded.
    pub folded: String,
}

/// A distinguished name: the raw DER, and the RDNs in order.
#[derive(Debug, Clone)]
pub(crate) struct Name {
    pub raw: Vec<u8>,
    /// Each RDN's attributes, sorted, so that a SET's order never matters.
    pub rdns: Vec<Vec<Attribute>>,
}

impl PartialEq for Name {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw || self.folded_eq(other)
    }
}
impl Eq for Name {}

impl Name {
    /// Parses a Name from its full DER encoding (the SEQUENCE TLV).
    pub fn parse(der: &[u8]) -> Result<Self, Error> {
        let mut outer = Reader::new(der);
        let mut seq = outer.read_nested(tag::SEQUENCE, "name")?;
        outer.finish("name")?;
        let mut rdns = Vec::new();
        while !seq.is_empty() {
            let mut set = seq.read_nested(tag::SET, "relative distinguished name")?;
            let mut rdn = Vec::new();
            while !set.is_empty() {
                let mut atv = set.read_nested(tag::SEQUENCE, "name attribute")?;
                let oid_tlv = atv.read(tag::OID, "attribute type")?;
                let oid = oid_to_string(oid_tlv.value)
                    .ok_or_else(|| Error::malformed("bad attribute type in a name"))?;
                let value = atv.read_any()?;
                atv.finish("name attribute")?;
                let text = decode_string(value.tag, value.value)
                    .unwrap_or_else(|| format!("#{}", hex(value.raw)));
                rdn.push(Attribute {
                    folded: fold(&text),
                    value: text,
                    oid,
                });
            }
            if rdn.is_empty() {
                return Err(Error::malformed("empty relative distinguished name"));
            }
            rdn.sort();
            rdns.push(rdn);
        }
        Ok(Name {
            raw: der.to_vec(),
            rdns,
        })
    }

    fn folded_eq(&self, other: &Self) -> bool {
        self.rdns.len() == other.rdns.len()
            && self.rdns.iter().zip(&other.rdns).all(|(a, b)| rdn_eq(a, b))
    }

    /// Whether the name has no RDNs (allowed for subjects with subjectAltName).
    pub fn is_empty(&self) -> bool {
        self.rdns.is_empty()
    }

    /// Whether `self` lies in the subtree rooted at `base` (RFC 5280 §4.2.1.10: the base's
    /// RDNs are a prefix of the name's).
    pub fn is_within(&self, base: &Name) -> bool {
        base.rdns.len() <= self.rdns.len()
            && base.rdns.iter().zip(&self.rdns).all(|(a, b)| rdn_eq(a, b))
    }

    /// Every value of an attribute type, in encoding order.
    pub fn values<'n>(&'n self, attribute_oid: &'n str) -> impl Iterator<Item = &'n str> + 'n {
        self.rdns
            .iter()
            .flatten()
            .filter(move |a| a.oid == attribute_oid)
            .map(|a| a.value.as_str())
    }

    /// This name with one more RDN at the end, given as the contents of a
    /// RelativeDistinguishedName (its encoded AttributeTypeAndValues): how RFC 5280 §4.2.1.13
    /// and §5.2.5 turn a nameRelativeToCRLIssuer into a full name.
    pub fn with_rdn(&self, rdn_contents: &[u8]) -> Result<Name, Error> {
        let rdns = Reader::new(&self.raw).read(tag::SEQUENCE, "name")?.value;
        let mut rdn = vec![tag::SET];
        crate::der::encode_length(rdn_contents.len(), &mut rdn);
        rdn.extend_from_slice(rdn_contents);
        let mut der = vec![tag::SEQUENCE];
        crate::der::encode_length(rdns.len() + rdn.len(), &mut der);
        der.extend_from_slice(rdns);
        der.extend_from_slice(&rdn);
        Name::parse(&der)
    }

    /// The first value of an attribute type, if present.
    pub fn first(&self, attribute_oid: &str) -> Option<&str> {
        self.rdns
            .iter()
            .flatten()
            .find(|a| a.oid == attribute_oid)
            .map(|a| a.value.as_str())
    }
}

fn rdn_eq(a: &[Attribute], b: &[Attribute]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.oid == y.oid && x.folded == y.folded)
}

/// RFC 4514-style text, most significant RDN last as in OpenSSL's one-line form reversed:
/// attributes in encoding order, e.g. `CN=ТЕСТОВ ТЕСТ, SERIALNUMBER=IIN123456789011, C=KZ`.
impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for attribute in self.rdns.iter().flatten() {
            if !first {
                f.write_str(", ")?;
            }
            first = false;
            write!(f, "{}={}", short_name(&attribute.oid), attribute.value)?;
        }
        Ok(())
    }
}

fn short_name(attribute_oid: &str) -> &str {
    match attribute_oid {
        oid::AT_COMMON_NAME => "CN",
        oid::AT_SURNAME => "SURNAME",
        oid::AT_SERIAL_NUMBER => "SERIALNUMBER",
        oid::AT_COUNTRY => "C",
        oid::AT_LOCALITY => "L",
        oid::AT_STATE => "ST",
        oid::AT_ORGANIZATION => "O",
        oid::AT_ORG_UNIT => "OU",
        oid::AT_GIVEN_NAME => "G",
        oid::AT_EMAIL => "E",
        other => other,
    }
}

/// Decodes the directory string types of X.520 into text.
pub(crate) fn decode_string(tag_byte: u8, bytes: &[u8]) -> Option<String> {
    match tag_byte {
        // UTF8String, NumericString, PrintableString, IA5String, VisibleString
        0x0c | 0x12 | 0x13 | 0x16 | 0x1a => String::from_utf8(bytes.to_vec()).ok(),
        // TeletexString: in practice Latin-1
        0x14 => Some(bytes.iter().map(|&b| char::from(b)).collect()),
        // BMPString: UCS-2 big-endian
        0x1e => {
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .filter_map(|c| <[u8; 2]>::try_from(c).ok().map(u16::from_be_bytes))
                .collect();
            bytes
                .len()
                .is_multiple_of(2)
                .then(|| String::from_utf16(&units).ok())?
        }
        // UniversalString: UCS-4 big-endian
        0x1c => {
            if !bytes.len().is_multiple_of(4) {
                return None;
            }
            bytes
                .chunks_exact(4)
                .map(|c| {
                    <[u8; 4]>::try_from(c)
                        .ok()
                        .map(u32::from_be_bytes)
                        .and_then(char::from_u32)
                })
                .collect()
        }
        _ => None,
    }
}

/// Case folding and whitespace folding (RFC 4518 §2.3 and §2.6, simplified).
fn fold(text: &str) -> String {
    text.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(attributes: &[(&[u8], u8, &str)]) -> Vec<u8> {
        let mut rdns = Vec::new();
        for (oid, string_tag, value) in attributes {
            let mut atv = vec![0x06, oid.len() as u8];
            atv.extend_from_slice(oid);
            atv.push(*string_tag);
            atv.push(value.len() as u8);
            atv.extend_from_slice(value.as_bytes());
            let mut seq = vec![0x30, atv.len() as u8];
            seq.extend(atv);
            let mut set = vec![0x31, seq.len() as u8];
            set.extend(seq);
            rdns.extend(set);
        }
        let mut out = vec![0x30, rdns.len() as u8];
        out.extend(rdns);
        out
    }

    const CN: &[u8] = &[0x55, 0x04, 0x03];
    const C: &[u8] = &[0x55, 0x04, 0x06];

    #[test]
    fn compares_case_and_space_insensitively_across_string_types() {
        let a = Name::parse(&name(&[(C, 0x13, "KZ"), (CN, 0x0c, "ҰКО  3.0 (RSA TEST)")])).unwrap();
        let b = Name::parse(&name(&[(C, 0x0c, "kz"), (CN, 0x0c, " ұко 3.0 (rsa test)")])).unwrap();
        assert_eq!(a, b);
        let c = Name::parse(&name(&[(CN, 0x0c, "ҰКО 3.0 (RSA TEST)"), (C, 0x13, "KZ")])).unwrap();
        assert_ne!(a, c, "RDN order matters");
        assert_eq!(a.to_string(), "C=KZ, CN=ҰКО  3.0 (RSA TEST)");
    }

    #[test]
    fn subtrees_are_rdn_prefixes() {
        let base = Name::parse(&name(&[(C, 0x13, "KZ")])).unwrap();
        let inside = Name::parse(&name(&[(C, 0x13, "KZ"), (CN, 0x0c, "x")])).unwrap();
        let outside = Name::parse(&name(&[(C, 0x13, "RU"), (CN, 0x0c, "x")])).unwrap();
        assert!(inside.is_within(&base));
        assert!(!outside.is_within(&base));
        assert!(!base.is_within(&inside));
    }

    #[test]
    fn rejects_garbage() {
        assert!(Name::parse(&[0x30, 0x02, 0x31, 0x00]).is_err());
        assert!(Name::parse(&[0x31, 0x00]).is_err());
    }
}
