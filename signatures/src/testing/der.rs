//! A tiny DER writer (and just enough of a reader to re-tag and to look inside a
//! SubjectPublicKeyInfo).
//!
//! Every function returns a complete TLV, so structures are built by nesting calls:
//! `sequence(&[oid("2.5.4.3"), utf8_string("name")])`. Nothing here validates its input
//! beyond what is needed to produce well-formed bytes; the point is to be able to write
//! exactly the (possibly wrong) structures a test asks for.

use time::{OffsetDateTime, UtcOffset};

/// Universal tag of BOOLEAN.
pub const TAG_BOOLEAN: u8 = 0x01;
/// Universal tag of INTEGER.
pub const TAG_INTEGER: u8 = 0x02;
/// Universal tag of BIT STRING.
pub const TAG_BIT_STRING: u8 = 0x03;
/// Universal tag of OCTET STRING.
pub const TAG_OCTET_STRING: u8 = 0x04;
/// Universal tag of NULL.
pub const TAG_NULL: u8 = 0x05;
/// Universal tag of OBJECT IDENTIFIER.
pub const TAG_OID: u8 = 0x06;
/// Universal tag of ENUMERATED.
pub const TAG_ENUMERATED: u8 = 0x0a;
/// Universal tag of UTF8String.
pub const TAG_UTF8_STRING: u8 = 0x0c;
/// Universal tag of PrintableString.
pub const TAG_PRINTABLE_STRING: u8 = 0x13;
/// Universal tag of IA5String.
pub const TAG_IA5_STRING: u8 = 0x16;
/// Universal tag of UTCTime.
pub const TAG_UTC_TIME: u8 = 0x17;
/// Universal tag of GeneralizedTime.
pub const TAG_GENERALIZED_TIME: u8 = 0x18;
/// Universal tag of a constructed SEQUENCE / SEQUENCE OF.
pub const TAG_SEQUENCE: u8 = 0x30;
/// Universal tag of a constructed SET / SET OF.
pub const TAG_SET: u8 = 0x31;

/// Class bits of a context-specific tag.
const CLASS_CONTEXT_SPECIFIC: u8 = 0x80;
/// The "constructed" bit of an identifier octet.
const CONSTRUCTED: u8 = 0x20;
/// Tag numbers from 31 up need the multi-byte form, which this writer does not produce.
const MAX_LOW_TAG_NUMBER: u8 = 30;

/// Encodes a DER length: the short form below 128, else the minimal long form.
pub fn length(n: usize) -> Vec<u8> {
    if n < 0x80 {
        return vec![n as u8];
    }
    let bytes = n.to_be_bytes();
    let significant: Vec<u8> = bytes.iter().copied().skip_while(|&b| b == 0).collect();
    let mut out = Vec::with_capacity(1 + significant.len());
    out.push(0x80 | significant.len() as u8);
    out.extend_from_slice(&significant);
    out
}

/// Encodes one TLV with a single identifier octet `tag`.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let len = length(content.len());
    let mut out = Vec::with_capacity(1 + len.len() + content.len());
    out.push(tag);
    out.extend_from_slice(&len);
    out.extend_from_slice(content);
    out
}

/// A SEQUENCE whose content is `parts` concatenated in the given order.
pub fn sequence(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(TAG_SEQUENCE, &parts.concat())
}

/// A DER SET OF: the encodings of `parts` sorted as octet strings (X.690 §11.6).
pub fn set(parts: &[Vec<u8>]) -> Vec<u8> {
    let mut sorted = parts.to_vec();
    sorted.sort();
    tlv(TAG_SET, &sorted.concat())
}

/// A SET whose elements keep the given order, for tests of non-canonical input (or
/// where the order is itself meaningful to the test).
pub fn set_unsorted(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(TAG_SET, &parts.concat())
}

/// The content octets of an OBJECT IDENTIFIER given in dotted form.
///
/// # Panics
/// When `dotted` is not at least two numeric arcs.
pub fn oid_content(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted
        .split('.')
        .map(|arc| {
            arc.parse()
                .unwrap_or_else(|_| panic!("OID {dotted:?} has a non-numeric arc {arc:?}"))
        })
        .collect();
    assert!(arcs.len() >= 2, "OID {dotted:?} needs at least two arcs");
    // The first two arcs share one subidentifier (X.690 §8.19.4).
    let mut subidentifiers = vec![arcs[0] * 40 + arcs[1]];
    subidentifiers.extend_from_slice(&arcs[2..]);

    let mut out = Vec::new();
    for value in subidentifiers {
        // Base 128, most significant group first, high bit set on all but the last.
        let mut groups = vec![(value & 0x7f) as u8];
        let mut rest = value >> 7;
        while rest > 0 {
            groups.push((rest & 0x7f) as u8 | 0x80);
            rest >>= 7;
        }
        out.extend(groups.iter().rev());
    }
    out
}

/// An OBJECT IDENTIFIER given in dotted form, e.g. `"1.2.840.113549.1.7.2"`.
pub fn oid(dotted: &str) -> Vec<u8> {
    tlv(TAG_OID, &oid_content(dotted))
}

/// A non-negative INTEGER from big-endian magnitude bytes: redundant leading zeros are
/// stripped, and a 0x00 is put back in front when the high bit would make it negative.
/// An empty slice encodes zero.
pub fn integer_unsigned(bytes: &[u8]) -> Vec<u8> {
    let significant: Vec<u8> = bytes.iter().copied().skip_while(|&b| b == 0).collect();
    let mut content = Vec::with_capacity(significant.len() + 1);
    if significant.first().is_none_or(|&b| b & 0x80 != 0) {
        content.push(0);
    }
    content.extend_from_slice(&significant);
    tlv(TAG_INTEGER, &content)
}

/// The minimal two's complement content octets of `v` (shared by INTEGER and ENUMERATED).
fn twos_complement(v: i64) -> Vec<u8> {
    let bytes = v.to_be_bytes();
    // Drop a leading byte while it only repeats the sign of the byte after it.
    let mut start = 0;
    while start < bytes.len() - 1 {
        let redundant = (bytes[start] == 0x00 && bytes[start + 1] & 0x80 == 0)
            || (bytes[start] == 0xff && bytes[start + 1] & 0x80 != 0);
        if !redundant {
            break;
        }
        start += 1;
    }
    bytes[start..].to_vec()
}

/// An INTEGER from a signed value, minimal two's complement.
pub fn integer_i64(v: i64) -> Vec<u8> {
    tlv(TAG_INTEGER, &twos_complement(v))
}

/// An ENUMERATED (encoded like an INTEGER, tag 0x0a), e.g. a CRL reasonCode.
pub fn enumerated(v: i64) -> Vec<u8> {
    tlv(TAG_ENUMERATED, &twos_complement(v))
}

/// An OCTET STRING.
pub fn octet_string(b: &[u8]) -> Vec<u8> {
    tlv(TAG_OCTET_STRING, b)
}

/// A BIT STRING of whole bytes (0 unused bits), e.g. a signature or a public key.
pub fn bit_string(b: &[u8]) -> Vec<u8> {
    let mut content = Vec::with_capacity(b.len() + 1);
    content.push(0);
    content.extend_from_slice(b);
    tlv(TAG_BIT_STRING, &content)
}

/// A BIT STRING for a named bit list (KeyUsage, ReasonFlags) with the given bits set,
/// bit 0 being the most significant bit of the first byte.
///
/// DER (X.690 §11.2.2) wants trailing zero bits removed, so the string ends at the
/// highest set bit and the unused-bits count says how much of the last byte is padding.
/// No bits set gives the empty bit string `03 01 00`.
pub fn bit_string_flags(bits: &[usize]) -> Vec<u8> {
    let Some(&highest) = bits.iter().max() else {
        return tlv(TAG_BIT_STRING, &[0]);
    };
    let bit_count = highest + 1;
    let byte_count = bit_count.div_ceil(8);
    let mut content = vec![0u8; 1 + byte_count];
    content[0] = (byte_count * 8 - bit_count) as u8;
    for &bit in bits {
        content[1 + bit / 8] |= 0x80 >> (bit % 8);
    }
    tlv(TAG_BIT_STRING, &content)
}

/// A BOOLEAN (DER: TRUE is 0xFF).
pub fn boolean(b: bool) -> Vec<u8> {
    tlv(TAG_BOOLEAN, &[if b { 0xff } else { 0x00 }])
}

/// A NULL.
pub fn null() -> Vec<u8> {
    tlv(TAG_NULL, &[])
}

/// A UTF8String.
pub fn utf8_string(s: &str) -> Vec<u8> {
    tlv(TAG_UTF8_STRING, s.as_bytes())
}

/// A PrintableString. The character set is not checked, so tests can write invalid ones.
pub fn printable_string(s: &str) -> Vec<u8> {
    tlv(TAG_PRINTABLE_STRING, s.as_bytes())
}

/// An IA5String. The character set is not checked.
pub fn ia5_string(s: &str) -> Vec<u8> {
    tlv(TAG_IA5_STRING, s.as_bytes())
}

/// A UTCTime `YYMMDDHHMMSSZ` of `t` converted to UTC (seconds precision, as DER wants).
///
/// Only meaningful for the years 1950..=2049; outside them the two-digit year is
/// written anyway, which is what a test of a wrong encoding needs.
pub fn utc_time(t: OffsetDateTime) -> Vec<u8> {
    let t = t.to_offset(UtcOffset::UTC);
    let text = format!(
        "{:02}{:02}{:02}{:02}{:02}{:02}Z",
        t.year().rem_euclid(100),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    tlv(TAG_UTC_TIME, text.as_bytes())
}

/// A GeneralizedTime `YYYYMMDDHHMMSSZ` of `t` converted to UTC (no fractional seconds,
/// as RFC 5280 §4.1.2.5.2 wants).
pub fn generalized_time(t: OffsetDateTime) -> Vec<u8> {
    let t = t.to_offset(UtcOffset::UTC);
    let text = format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    tlv(TAG_GENERALIZED_TIME, text.as_bytes())
}

/// A `Time` as RFC 5280 §4.1.2.5 (and RFC 5652 for signingTime) requires it: UTCTime
/// for the years 1950 through 2049, GeneralizedTime otherwise.
pub fn time(t: OffsetDateTime) -> Vec<u8> {
    let year = t.to_offset(UtcOffset::UTC).year();
    if (1950..2050).contains(&year) {
        utc_time(t)
    } else {
        generalized_time(t)
    }
}

/// The identifier octet of a context-specific tag `[tag_number]`.
fn context_tag(tag_number: u8, constructed: bool) -> u8 {
    assert!(
        tag_number <= MAX_LOW_TAG_NUMBER,
        "context tag [{tag_number}] needs the multi-byte tag form, which is not supported"
    );
    CLASS_CONTEXT_SPECIFIC | if constructed { CONSTRUCTED } else { 0 } | tag_number
}

/// An EXPLICIT context-specific tag: `[tag_number]` constructed, wrapping the whole
/// TLV `inner`.
pub fn explicit(tag_number: u8, inner: Vec<u8>) -> Vec<u8> {
    tlv(context_tag(tag_number, true), &inner)
}

/// An IMPLICIT context-specific tag: replaces the identifier octet of the encoded TLV
/// `tlv_of_inner` with `[tag_number]` (constructed or primitive, as the inner type is),
/// keeping its length and content.
///
/// # Panics
/// When `tlv_of_inner` is empty or has a multi-byte tag.
pub fn implicit(tag_number: u8, constructed: bool, tlv_of_inner: Vec<u8>) -> Vec<u8> {
    let mut out = tlv_of_inner;
    let first = out
        .first_mut()
        .expect("implicit() needs an encoded TLV to re-tag, got nothing");
    assert!(
        *first & 0x1f != 0x1f,
        "implicit() cannot re-tag a multi-byte tag"
    );
    *first = context_tag(tag_number, constructed);
    out
}

/// Reads one TLV with a single-byte tag from the front of `input`, returning
/// `(tag, content, rest)`, or `None` when the input is not such a definite-length TLV.
///
/// This is the only parsing the generator needs (e.g. to take the public key bits out
/// of a SubjectPublicKeyInfo); tests may use it too.
pub fn read_tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first_len, rest) = rest.split_first()?;
    let (len, rest) = if first_len < 0x80 {
        (usize::from(first_len), rest)
    } else {
        let count = usize::from(first_len & 0x7f);
        if count == 0 || count > size_of::<usize>() || rest.len() < count {
            return None;
        }
        let (len_bytes, rest) = rest.split_at(count);
        let len = len_bytes
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, rest)
    };
    if rest.len() < len {
        return None;
    }
    let (content, rest) = rest.split_at(len);
    Some((tag, content, rest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn lengths_use_the_minimal_form() {
        assert_eq!(length(0), [0x00]);
        assert_eq!(length(127), [0x7f]);
        assert_eq!(length(128), [0x81, 0x80]);
        assert_eq!(length(256), [0x82, 0x01, 0x00]);
    }

    #[test]
    fn oids_encode_in_base_128() {
        assert_eq!(
            oid("1.2.840.113549.1.7.2"),
            [
                0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02
            ]
        );
        assert_eq!(oid("2.5.4.3"), [0x06, 0x03, 0x55, 0x04, 0x03]);
    }

    #[test]
    fn integers_are_minimal() {
        assert_eq!(integer_unsigned(&[0x00, 0x00, 0x7f]), [0x02, 0x01, 0x7f]);
        assert_eq!(integer_unsigned(&[0x80]), [0x02, 0x02, 0x00, 0x80]);
        assert_eq!(integer_unsigned(&[]), [0x02, 0x01, 0x00]);
        assert_eq!(integer_i64(0), [0x02, 0x01, 0x00]);
        assert_eq!(integer_i64(128), [0x02, 0x02, 0x00, 0x80]);
        assert_eq!(integer_i64(-1), [0x02, 0x01, 0xff]);
        assert_eq!(integer_i64(-129), [0x02, 0x02, 0xff, 0x7f]);
    }

    #[test]
    fn named_bit_lists_drop_trailing_zero_bits() {
        // digitalSignature + nonRepudiation: 1100_0000 with 6 unused bits.
        assert_eq!(bit_string_flags(&[0, 1]), [0x03, 0x02, 0x06, 0xc0]);
        // keyCertSign + cRLSign.
        assert_eq!(bit_string_flags(&[5, 6]), [0x03, 0x02, 0x01, 0x06]);
        // decipherOnly spills into a second byte.
        assert_eq!(bit_string_flags(&[0, 8]), [0x03, 0x03, 0x07, 0x80, 0x80]);
        assert_eq!(bit_string_flags(&[]), [0x03, 0x01, 0x00]);
    }

    #[test]
    fn times_switch_encoding_at_2050() {
        assert_eq!(time(datetime!(2049-12-31 23:59:59 UTC))[0], TAG_UTC_TIME);
        assert_eq!(
            time(datetime!(2050-01-01 0:00 UTC)),
            tlv(TAG_GENERALIZED_TIME, b"20500101000000Z")
        );
        assert_eq!(
            time(datetime!(2021-01-18 10:00 +6)),
            tlv(TAG_UTC_TIME, b"210118040000Z")
        );
    }

    #[test]
    fn sets_sort_and_tags_rewrite() {
        assert_eq!(
            set(&[vec![0x02, 0x01, 0x02], vec![0x02, 0x01, 0x01]])[2..5],
            [0x02, 0x01, 0x01]
        );
        assert_eq!(implicit(0, true, set(&[])), [0xa0, 0x00]);
        assert_eq!(explicit(3, null()), [0xa3, 0x02, 0x05, 0x00]);
        let encoded = sequence(&[null(), boolean(true)]);
        let (tag, content, rest) = read_tlv(&encoded).expect("a TLV");
        assert_eq!((tag, content, rest), (TAG_SEQUENCE, &encoded[2..], &[][..]));
    }
}
