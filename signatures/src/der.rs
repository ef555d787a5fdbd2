//! A minimal, strict DER reader (ITU-T X.690 §8 and §10) for the CMS envelope.
//!
//! Certificates and CRLs are parsed by `x509-parser`; this reader handles the CMS structures,
//! whose exact bytes matter (signed attributes are hashed as received). It accepts definite
//! lengths only (DER, §10.1): NCALayer and OpenSSL both emit DER for `SignedData`. Every read is
//! bounds-checked and nesting is limited, so hostile input yields an error, never a panic.

use crate::error::Error;

/// Universal tags used by CMS (X.680 §8.4).
pub(crate) mod tag {
    pub const INTEGER: u8 = 0x02;
    pub const BIT_STRING: u8 = 0x03;
    pub const OCTET_STRING: u8 = 0x04;
    pub const NULL: u8 = 0x05;
    pub const OID: u8 = 0x06;
    pub const UTC_TIME: u8 = 0x17;
    pub const GENERALIZED_TIME: u8 = 0x18;
    pub const SEQUENCE: u8 = 0x30;
    pub const SET: u8 = 0x31;

    /// Context-specific, constructed `[n]`.
    pub const fn context_constructed(n: u8) -> u8 {
        0xa0 | n
    }

    /// Context-specific, primitive `[n]`.
    pub const fn context_primitive(n: u8) -> u8 {
        0x80 | n
    }
}

/// Deepest nesting the reader follows. CMS `SignedData` needs about 10 levels; a hostile input
/// could nest thousands, so anything deeper than this is rejected.
const MAX_DEPTH: usize = 32;

/// One decoded tag-length-value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tlv<'a> {
    /// The identifier octet (single-byte tags only: CMS uses no tag numbers above 30).
    pub tag: u8,
    /// The contents octets.
    pub value: &'a [u8],
    /// The whole encoding: identifier, length and contents, exactly as received.
    pub raw: &'a [u8],
}

impl<'a> Tlv<'a> {
    /// A reader over this TLV's contents, one level deeper.
    pub fn contents(&self, depth: usize) -> Result<Reader<'a>, Error> {
        Reader::nested(self.value, depth + 1)
    }
}

/// Reads consecutive TLVs from a byte slice.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    input: &'a [u8],
    depth: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the top level.
    pub fn new(input: &'a [u8]) -> Self {
        Reader { input, depth: 0 }
    }

    fn nested(input: &'a [u8], depth: usize) -> Result<Self, Error> {
        if depth > MAX_DEPTH {
            return Err(Error::malformed("nesting too deep"));
        }
        Ok(Reader { input, depth })
    }

    /// The nesting depth of this reader (0 at the top).
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Whether all input has been consumed.
    pub fn is_empty(&self) -> bool {
        self.input.is_empty()
    }

    /// The tag of the next TLV, if any.
    pub fn peek_tag(&self) -> Option<u8> {
        self.input.first().copied()
    }

    /// Reads the next TLV, whatever its tag.
    pub fn read_any(&mut self) -> Result<Tlv<'a>, Error> {
        let input = self.input;
        let (&tag, rest) = input
            .split_first()
            .ok_or_else(|| Error::malformed("unexpected end of data"))?;
        if tag & 0x1f == 0x1f {
            return Err(Error::malformed("high tag numbers are not used in CMS"));
        }
        let (&first, mut rest) = rest
            .split_first()
            .ok_or_else(|| Error::malformed("truncated length"))?;
        let length = match first {
            0x00..=0x7f => usize::from(first),
            0x80 => return Err(Error::malformed("indefinite length (BER) is not DER")),
            0x81..=0x84 => {
                let count = usize::from(first & 0x7f);
                let (bytes, after) = rest
                    .split_at_checked(count)
                    .ok_or_else(|| Error::malformed("truncated length"))?;
                rest = after;
                let length = bytes
                    .iter()
                    .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
                // X.690 §10.1: the length is encoded in the minimum number of octets.
                let minimal =
                    bytes.first().is_some_and(|&b| b != 0) && (count > 1 || length >= 0x80);
                if !minimal {
                    return Err(Error::malformed("non-minimal length encoding"));
                }
                length
            }
            _ => return Err(Error::malformed("length too large")),
        };
        let (value, after) = rest
            .split_at_checked(length)
            .ok_or_else(|| Error::malformed("length exceeds the data"))?;
        let header_len = input.len() - rest.len();
        let raw = input
            .get(..header_len + length)
            .ok_or_else(|| Error::malformed("length exceeds the data"))?;
        self.input = after;
        Ok(Tlv { tag, value, raw })
    }

    /// Reads the next TLV, which must have the given tag.
    pub fn read(&mut self, expected: u8, what: &str) -> Result<Tlv<'a>, Error> {
        match self.peek_tag() {
            Some(tag) if tag == expected => self.read_any(),
            Some(tag) => Err(Error::malformed(format!(
                "{what}: expected tag 0x{expected:02x}, found 0x{tag:02x}"
            ))),
            None => Err(Error::malformed(format!("{what}: missing"))),
        }
    }

    /// Reads the next TLV if it has the given tag.
    pub fn read_optional(&mut self, expected: u8) -> Result<Option<Tlv<'a>>, Error> {
        if self.peek_tag() == Some(expected) {
            self.read_any().map(Some)
        } else {
            Ok(None)
        }
    }

    /// Reads a constructed TLV with the given tag and returns a reader over its contents.
    pub fn read_nested(&mut self, expected: u8, what: &str) -> Result<Reader<'a>, Error> {
        let depth = self.depth;
        self.read(expected, what)?.contents(depth)
    }

    /// Reads a small non-negative INTEGER (versions, counts).
    pub fn read_small_uint(&mut self, what: &str) -> Result<u32, Error> {
        let tlv = self.read(tag::INTEGER, what)?;
        match tlv.value {
            [] => Err(Error::malformed(format!("{what}: empty integer"))),
            [b, ..] if b & 0x80 != 0 => Err(Error::malformed(format!("{what}: negative"))),
            bytes if bytes.len() > 4 => Err(Error::malformed(format!("{what}: too large"))),
            bytes => Ok(bytes.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b))),
        }
    }

    /// Fails unless all input has been consumed (trailing data is an error in DER structures).
    pub fn finish(&self, what: &str) -> Result<(), Error> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(Error::malformed(format!(
                "{what}: unexpected trailing data"
            )))
        }
    }
}

/// The unsigned value of an INTEGER's contents, without leading zero octets: how serial numbers
/// are compared (RFC 5280 §4.1.2.2 allows up to 20 octets and non-conforming encodings exist).
pub(crate) fn unsigned_integer(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

/// The minimal two's-complement contents of an INTEGER: its DER contents octets (X.690 §8.3.2),
/// sign kept. Serial numbers are compared in this form, "as encoded": RFC 5280 §4.1.2.2 asks for
/// positive serials, but negative ones are seen in the wild, and a negative serial must never
/// match the positive one with the same magnitude (`FF 01` is -255, `00 FF 01` is 65281).
/// Redundant leading octets (non-conforming but seen) are dropped, so they still match.
pub(crate) fn integer_content(bytes: &[u8]) -> &[u8] {
    let mut rest = bytes;
    while let [first, second, ..] = rest {
        let redundant =
            (*first == 0x00 && second & 0x80 == 0) || (*first == 0xff && second & 0x80 != 0);
        if !redundant {
            break;
        }
        rest = rest.get(1..).unwrap_or_default();
    }
    rest
}

/// The OIDs every verification meets (CMS types and attributes, SHA-2, RSA and ECDSA, name
/// attributes), with their encodings: looked up before decoding arc by arc, which profiling
/// showed to be a tenth of a warm verification.
const COMMON_OIDS: &[(&[u8], &str)] = &[
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01],
        "1.2.840.113549.1.7.1",
    ),
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02],
        "1.2.840.113549.1.7.2",
    ),
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x03],
        "1.2.840.113549.1.9.3",
    ),
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x04],
        "1.2.840.113549.1.9.4",
    ),
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x05],
        "1.2.840.113549.1.9.5",
    ),
    (
        &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01],
        "2.16.840.1.101.3.4.2.1",
    ),
    (
        &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02],
        "2.16.840.1.101.3.4.2.2",
    ),
    (
        &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03],
        "2.16.840.1.101.3.4.2.3",
    ),
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01],
        "1.2.840.113549.1.1.1",
    ),
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b],
        "1.2.840.113549.1.1.11",
    ),
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c],
        "1.2.840.113549.1.1.12",
    ),
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d],
        "1.2.840.113549.1.1.13",
    ),
    (
        &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01],
        "1.2.840.10045.2.1",
    ),
    (
        &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07],
        "1.2.840.10045.3.1.7",
    ),
    (&[0x2b, 0x81, 0x04, 0x00, 0x22], "1.3.132.0.34"),
    (
        &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02],
        "1.2.840.10045.4.3.2",
    ),
    (
        &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03],
        "1.2.840.10045.4.3.3",
    ),
    (&[0x55, 0x04, 0x03], "2.5.4.3"),
    (&[0x55, 0x04, 0x04], "2.5.4.4"),
    (&[0x55, 0x04, 0x05], "2.5.4.5"),
    (&[0x55, 0x04, 0x06], "2.5.4.6"),
    (&[0x55, 0x04, 0x0a], "2.5.4.10"),
    (&[0x55, 0x04, 0x0b], "2.5.4.11"),
    (&[0x55, 0x04, 0x2a], "2.5.4.42"),
    (
        &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02],
        "1.3.6.1.5.5.7.3.2",
    ),
    (
        &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x04],
        "1.3.6.1.5.5.7.3.4",
    ),
];

/// Formats an OBJECT IDENTIFIER's contents in dotted form (X.690 §8.19).
pub(crate) fn oid_to_string(bytes: &[u8]) -> Option<String> {
    if let Some((_, dotted)) = COMMON_OIDS.iter().find(|(encoded, _)| *encoded == bytes) {
        return Some((*dotted).to_owned());
    }
    decode_oid(bytes)
}

fn decode_oid(bytes: &[u8]) -> Option<String> {
    let mut arcs: Vec<u64> = Vec::new();
    let mut value: u64 = 0;
    let mut in_arc = false;
    for &b in bytes {
        if !in_arc && b == 0x80 {
            return None; // X.690 §8.19.2: no leading 0x80 padding
        }
        value = value.checked_mul(128)?.checked_add(u64::from(b & 0x7f))?;
        in_arc = b & 0x80 != 0;
        if !in_arc {
            arcs.push(value);
            value = 0;
        }
    }
    if in_arc || arcs.is_empty() {
        return None;
    }
    let first = *arcs.first()?;
    let (a, b) = match first {
        0..=39 => (0, first),
        40..=79 => (1, first - 40),
        _ => (2, first - 80),
    };
    let mut out = format!("{a}.{b}");
    for arc in arcs.iter().skip(1) {
        out.push('.');
        out.push_str(&arc.to_string());
    }
    Some(out)
}

/// Encodes a DER length (X.690 §10.1): minimal, short form below 128.
pub(crate) fn encode_length(length: usize, out: &mut Vec<u8>) {
    if length < 0x80 {
        out.push(length as u8);
    } else {
        let bytes = length.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        let significant = bytes.get(skip..).unwrap_or_default();
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_nested_structures() {
        let data = [0x30, 0x06, 0x02, 0x01, 0x05, 0x04, 0x01, 0xff];
        let mut outer = Reader::new(&data);
        let mut seq = outer.read_nested(tag::SEQUENCE, "seq").unwrap();
        assert_eq!(seq.read_small_uint("int").unwrap(), 5);
        assert_eq!(seq.read(tag::OCTET_STRING, "os").unwrap().value, &[0xff]);
        seq.finish("seq").unwrap();
        outer.finish("top").unwrap();
    }

    #[test]
    fn rejects_bad_lengths() {
        let cases: &[&[u8]] = &[
            &[],
            &[0x30],
            &[0x30, 0x05, 0x00],
            &[0x30, 0x80, 0x00, 0x00],
            &[0x30, 0x81, 0x05, 0, 0, 0, 0, 0],
            &[0x30, 0x82, 0x00, 0x01, 0x00],
            &[0x30, 0x85, 1, 1, 1, 1, 1],
            &[0x30, 0x84, 0xff, 0xff, 0xff, 0xff],
            &[0x1f, 0x01, 0x00],
        ];
        for case in cases {
            assert!(Reader::new(case).read_any().is_err(), "{case:02x?}");
        }
    }

    #[test]
    fn limits_nesting() {
        let mut data = vec![0x05, 0x00];
        for _ in 0..40 {
            let mut outer = vec![0x30];
            encode_length(data.len(), &mut outer);
            outer.extend_from_slice(&data);
            data = outer;
        }
        let mut reader = Reader::new(&data);
        let result = (|| -> Result<(), Error> {
            loop {
                reader = reader.read_nested(tag::SEQUENCE, "seq")?;
            }
        })();
        assert!(matches!(result, Err(Error::Malformed(m)) if m.contains("deep")));
    }

    #[test]
    fn formats_oids() {
        assert_eq!(
            oid_to_string(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]).as_deref(),
            Some("1.2.840.113549.1.7.2")
        );
        assert_eq!(oid_to_string(&[0x2a, 0x86]), None);
        assert_eq!(oid_to_string(&[0x80, 0x01]), None);
    }

    #[test]
    fn the_common_oid_table_agrees_with_decoding() {
        for (encoded, dotted) in COMMON_OIDS {
            assert_eq!(decode_oid(encoded).as_deref(), Some(*dotted));
        }
    }

    #[test]
    fn integer_contents_keep_their_sign() {
        assert_eq!(integer_content(&[0x00, 0xff, 0x01]), &[0x00, 0xff, 0x01]);
        assert_eq!(integer_content(&[0xff, 0x01]), &[0xff, 0x01]);
        assert_eq!(integer_content(&[0xff, 0xff, 0x81]), &[0x81]);
        assert_eq!(integer_content(&[0xff, 0x7f]), &[0xff, 0x7f]);
        assert_eq!(integer_content(&[0x00, 0x00, 0x01]), &[0x01]);
        assert_eq!(integer_content(&[0x00]), &[0x00]);
        assert_eq!(integer_content(&[]), &[] as &[u8]);
    }

    #[test]
    fn strips_serial_zeros() {
        assert_eq!(unsigned_integer(&[0, 0x80, 1]), &[0x80, 1]);
        assert_eq!(unsigned_integer(&[0]), &[] as &[u8]);
    }

    #[test]
    fn encodes_lengths() {
        for n in [0usize, 0x7f, 0x80, 0xff, 0x100, 0x10000] {
            let mut out = vec![0x04];
            encode_length(n, &mut out);
            out.resize(out.len() + n, 0);
            let tlv = Reader::new(&out).read_any().unwrap();
            assert_eq!(tlv.value.len(), n);
        }
    }
}
