//! BER (ITU-T X.690 §8) as RFC 5652 allows it for a CMS, turned into DER before the CMS is
//! read: indefinite lengths (§8.1.3.6), non-minimal definite lengths (§8.1.3.5) and
//! constructed strings (§8.7.3 OCTET STRING, §8.23 restricted character strings), as
//! `openssl cms -sign -stream` and other streaming producers write them.
//!
//! The conversion is linear in the input: one pass reads every element once and records the
//! DER length of each constructed one; a second pass writes the DER from those lengths
//! (no element is ever re-scanned or moved). Nesting is limited to [`MAX_DEPTH`] levels, a
//! segment of a constructed string is bounded by its enclosing string and must be of the
//! string's own type, and a DER input is returned as it is, without a copy.
//!
//! What was re-encoded is remembered, so a caller can insist that a part was received in DER:
//! the signed attributes are hashed exactly as received (RFC 5652 §5.4), so they must already
//! be DER, never re-encoded ([`Der::is_verbatim`]).

use crate::der::encode_length;
use crate::error::Error;
use std::borrow::Cow;

/// Deepest nesting followed, as the DER reader's: a CMS needs about 10 levels.
const MAX_DEPTH: usize = 32;
/// The length recorded for a definite-length element whose contents are not BER, kept as
/// they are (see `Scan::element`).
const OPAQUE: u32 = u32::MAX;
/// The constructed-form bit of an identifier octet (X.690 §8.1.2.5).
const CONSTRUCTED: u8 = 0x20;
/// Universal OCTET STRING, the segment type of every string this module joins (X.690 §8.7.3.2;
/// §8.23.5: restricted character strings are encoded as if `[UNIVERSAL n] IMPLICIT OCTET
/// STRING`).
const OCTET_STRING: u8 = 0x04;
/// Restricted character string types whose constructed form is joined: UTF8String,
/// NumericString, PrintableString, TeletexString, VideotexString, IA5String, GraphicString,
/// VisibleString, GeneralString, UniversalString, BMPString.
const CHARACTER_STRINGS: &[u8] = &[12, 18, 19, 20, 21, 22, 25, 26, 27, 28, 30];

/// A CMS in DER, with what had to be re-encoded to get there.
#[derive(Debug)]
pub(crate) struct Der<'a> {
    bytes: Cow<'a, [u8]>,
    /// Offsets, in `bytes`, of every element whose encoding differs from the input's
    /// (ascending: elements are written in order).
    rewritten: Vec<usize>,
}

impl Der<'_> {
    /// The DER bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Whether `part` (a sub-slice of [`Der::bytes`]) is byte for byte as received: no
    /// element that starts inside it was re-encoded.
    pub fn is_verbatim(&self, part: &[u8]) -> bool {
        let start = (part.as_ptr() as usize).wrapping_sub(self.bytes.as_ptr() as usize);
        if start > self.bytes.len() {
            return false;
        }
        let end = start.saturating_add(part.len());
        let first = self.rewritten.partition_point(|&offset| offset < start);
        self.rewritten
            .get(first)
            .is_none_or(|&offset| offset >= end)
    }
}

/// Converts a BER encoding (one or more top-level elements) into DER.
pub(crate) fn to_der(input: &[u8]) -> Result<Der<'_>, Error> {
    let mut scan = Scan {
        input,
        position: 0,
        lengths: Vec::new(),
        changed: false,
    };
    while scan.position < input.len() {
        scan.element(0, input.len())?;
    }
    if !scan.changed {
        return Ok(Der {
            bytes: Cow::Borrowed(input),
            rewritten: Vec::new(),
        });
    }
    let mut write = Write {
        input,
        position: 0,
        lengths: scan.lengths.iter(),
        out: Vec::with_capacity(input.len()),
        rewritten: Vec::new(),
    };
    while write.position < input.len() {
        write.element()?;
    }
    Ok(Der {
        bytes: Cow::Owned(write.out),
        rewritten: write.rewritten,
    })
}

/// A length octets field (X.690 §8.1.3).
#[derive(Debug, Clone, Copy)]
enum Length {
    Definite(usize),
    Indefinite,
}

/// An identifier and length, read at some position.
#[derive(Debug, Clone, Copy)]
struct Header {
    tag: u8,
    length: Length,
    /// Octets of identifier and length.
    size: usize,
    /// Whether the length is in DER's minimal definite form (X.690 §10.1).
    minimal: bool,
}

impl Header {
    fn constructed(&self) -> bool {
        self.tag & CONSTRUCTED != 0
    }

    /// A universal string type whose constructed form is joined into the primitive one.
    fn is_joined_string(&self) -> bool {
        self.constructed()
            && (self.tag == OCTET_STRING | CONSTRUCTED
                || CHARACTER_STRINGS.contains(&(self.tag & !CONSTRUCTED)))
    }
}

/// Reads the header at `position`; the element must end by `limit`.
fn header(input: &[u8], position: usize, limit: usize) -> Result<Header, Error> {
    let bytes = input.get(position..limit).unwrap_or_default();
    let (&tag, rest) = bytes
        .split_first()
        .ok_or_else(|| Error::malformed("unexpected end of data"))?;
    if tag == 0 {
        return Err(Error::malformed(
            "end-of-contents outside an indefinite length",
        ));
    }
    if tag & 0x1f == 0x1f {
        return Err(Error::malformed("high tag numbers are not used in CMS"));
    }
    let (&first, rest) = rest
        .split_first()
        .ok_or_else(|| Error::malformed("truncated length"))?;
    let (length, size, minimal) = match first {
        0x00..=0x7f => (Length::Definite(usize::from(first)), 2, true),
        // X.690 §8.1.3.2 (a): the indefinite form is for constructed encodings only.
        0x80 if tag & CONSTRUCTED != 0 => (Length::Indefinite, 2, false),
        0x80 => {
            return Err(Error::malformed(
                "indefinite length on a primitive encoding",
            ));
        }
        0x81..=0x84 => {
            let count = usize::from(first & 0x7f);
            let octets = rest
                .get(..count)
                .ok_or_else(|| Error::malformed("truncated length"))?;
            let length = octets
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
            let minimal = octets.first().is_some_and(|&b| b != 0) && (count > 1 || length >= 0x80);
            (Length::Definite(length), 2 + count, minimal)
        }
        _ => return Err(Error::malformed("length too large")),
    };
    if let Length::Definite(length) = length
        && size
            .checked_add(length)
            .is_none_or(|total| total > bytes.len())
    {
        return Err(Error::malformed("length exceeds the data"));
    }
    Ok(Header {
        tag,
        length,
        size,
        minimal,
    })
}

/// Whether an end-of-contents (two zero octets, X.690 §8.1.5) is at `position`.
fn at_end_of_contents(input: &[u8], position: usize) -> bool {
    input.get(position..position + 2) == Some(&[0, 0])
}

/// The DER size of an element whose contents take `length` octets (X.690 §10.1: a minimal
/// definite length).
fn der_size(length: usize) -> usize {
    let significant = usize::BITS
        .saturating_sub(length.leading_zeros())
        .div_ceil(8) as usize;
    let length_octets = if length < 0x80 { 1 } else { 1 + significant };
    1 + length_octets + length
}

/// The first pass: validates, and records the DER contents length of every constructed
/// element in the order they start.
struct Scan<'a> {
    input: &'a [u8],
    position: usize,
    lengths: Vec<u32>,
    changed: bool,
}

/// What one element contributes to its parent in DER.
#[derive(Debug, Clone, Copy)]
struct Scanned {
    /// Its whole DER size.
    size: usize,
    /// For a string or a segment of one: the octets of its value.
    payload: usize,
}

impl Scan<'_> {
    /// Scans the element at the current position, which must end by `limit`.
    fn element(&mut self, depth: usize, limit: usize) -> Result<Scanned, Error> {
        let header = header(self.input, self.position, limit)?;
        self.changed |= !header.minimal;
        self.position += header.size;
        if !header.constructed() {
            let Length::Definite(length) = header.length else {
                return Err(Error::malformed(
                    "indefinite length on a primitive encoding",
                ));
            };
            self.position += length;
            return Ok(Scanned {
                size: der_size(length),
                payload: length,
            });
        }
        if depth + 1 > MAX_DEPTH {
            return Err(Error::malformed("nesting too deep"));
        }
        let slot = self.lengths.len();
        self.lengths.push(0);
        let joined = header.is_joined_string();
        let changed_before = self.changed;
        self.changed |= joined;
        let contents_start = self.position;
        let contents = match (
            self.contents(joined, depth, limit, header.length),
            header.length,
        ) {
            (Ok(contents), _) => contents,
            // A definite length bounds the element whatever its contents: when they are not
            // BER (a certificate or CRL carried in the CMS may hold anything its own parser
            // accepts), the element is kept as it is, for whoever reads it to judge. A string
            // is not, since its parent needs its value.
            (Err(_), Length::Definite(length)) if !joined => {
                self.lengths.truncate(slot + 1);
                if let Some(recorded) = self.lengths.get_mut(slot) {
                    *recorded = OPAQUE;
                }
                self.changed = changed_before | !header.minimal;
                self.position = contents_start + length;
                return Ok(Scanned {
                    size: der_size(length),
                    payload: length,
                });
            }
            (Err(e), _) => return Err(e),
        };
        let recorded = u32::try_from(contents)
            .ok()
            .filter(|&length| length != OPAQUE)
            .ok_or_else(|| Error::malformed("length too large"))?;
        if let Some(length) = self.lengths.get_mut(slot) {
            *length = recorded;
        }
        Ok(Scanned {
            size: der_size(contents),
            payload: contents,
        })
    }

    /// Scans the children of a constructed element whose header was just read; the DER
    /// length of its contents (for a joined string, of its value).
    fn contents(
        &mut self,
        joined: bool,
        depth: usize,
        limit: usize,
        length: Length,
    ) -> Result<usize, Error> {
        let end = match length {
            Length::Definite(length) => Some(self.position + length),
            Length::Indefinite => None,
        };
        let mut contents = 0usize;
        loop {
            match end {
                Some(end) if self.position == end => break,
                None if at_end_of_contents(self.input, self.position) => {
                    self.position += 2;
                    break;
                }
                _ => {}
            }
            let child_limit = end.unwrap_or(limit);
            if joined {
                // X.690 §8.7.3.2, §8.23.5: the segments are OCTET STRINGs, primitive or
                // themselves constructed, each within the string.
                let tag = self.input.get(self.position).copied().unwrap_or_default();
                if tag & !CONSTRUCTED != OCTET_STRING {
                    return Err(Error::malformed(
                        "a segment of a constructed string is not an OCTET STRING",
                    ));
                }
            }
            let child = self.element(depth + 1, child_limit)?;
            contents = contents
                .checked_add(if joined { child.payload } else { child.size })
                .ok_or_else(|| Error::malformed("length too large"))?;
        }
        Ok(contents)
    }
}

/// The second pass: writes the DER, taking the constructed elements' lengths in the order the
/// first pass recorded them.
struct Write<'a, 'l> {
    input: &'a [u8],
    position: usize,
    lengths: std::slice::Iter<'l, u32>,
    out: Vec<u8>,
    rewritten: Vec<usize>,
}

impl Write<'_, '_> {
    fn next_length(&mut self) -> Result<usize, Error> {
        self.lengths
            .next()
            .map(|&length| length as usize)
            .ok_or_else(|| Error::malformed("internal BER conversion error"))
    }

    fn element(&mut self) -> Result<(), Error> {
        let start = self.out.len();
        let header = header(self.input, self.position, self.input.len())?;
        self.position += header.size;
        if !header.minimal || header.is_joined_string() {
            self.rewritten.push(start);
        }
        if !header.constructed() {
            let Length::Definite(length) = header.length else {
                return Err(Error::malformed(
                    "indefinite length on a primitive encoding",
                ));
            };
            self.out.push(header.tag);
            encode_length(length, &mut self.out);
            self.copy(length)?;
            return Ok(());
        }
        let length = self.next_length()?;
        if length == OPAQUE as usize {
            let Length::Definite(length) = header.length else {
                return Err(Error::malformed("internal BER conversion error"));
            };
            self.out.push(header.tag);
            encode_length(length, &mut self.out);
            return self.copy(length);
        }
        if header.is_joined_string() {
            self.out.push(header.tag & !CONSTRUCTED);
            encode_length(length, &mut self.out);
            return self.payload(header);
        }
        self.out.push(header.tag);
        encode_length(length, &mut self.out);
        self.children(header, |write| write.element())
    }

    /// Copies the value octets of the segments of a constructed string.
    fn payload(&mut self, string: Header) -> Result<(), Error> {
        self.children(string, |write| {
            let segment = header(write.input, write.position, write.input.len())?;
            write.position += segment.size;
            match segment.length {
                Length::Definite(length) if !segment.constructed() => write.copy(length),
                _ => {
                    write.next_length()?;
                    write.payload(segment)
                }
            }
        })
    }

    /// Runs `each` for every child of the constructed element whose header was just read.
    fn children(
        &mut self,
        parent: Header,
        mut each: impl FnMut(&mut Self) -> Result<(), Error>,
    ) -> Result<(), Error> {
        match parent.length {
            Length::Definite(length) => {
                let end = self.position + length;
                while self.position < end {
                    each(self)?;
                }
            }
            Length::Indefinite => {
                while !at_end_of_contents(self.input, self.position) {
                    each(self)?;
                }
                self.position += 2;
            }
        }
        Ok(())
    }

    fn copy(&mut self, length: usize) -> Result<(), Error> {
        let bytes = self
            .input
            .get(self.position..self.position + length)
            .ok_or_else(|| Error::malformed("length exceeds the data"))?;
        self.out.extend_from_slice(bytes);
        self.position += length;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn der(input: &[u8]) -> Vec<u8> {
        to_der(input).expect("converts").bytes().to_vec()
    }

    #[test]
    fn der_is_returned_as_it_is() {
        let input = [0x30, 0x03, 0x02, 0x01, 0x05];
        let converted = to_der(&input).expect("converts");
        assert!(matches!(converted.bytes, Cow::Borrowed(_)));
        assert!(converted.is_verbatim(converted.bytes()));
    }

    #[test]
    fn indefinite_lengths_become_definite() {
        // SEQUENCE (indefinite) { INTEGER 5, SEQUENCE (indefinite) { NULL } }
        let input = [
            0x30, 0x80, 0x02, 0x01, 0x05, 0x30, 0x80, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00,
        ];
        assert_eq!(
            der(&input),
            [0x30, 0x07, 0x02, 0x01, 0x05, 0x30, 0x02, 0x05, 0x00]
        );
    }

    #[test]
    fn constructed_strings_are_joined() {
        // OCTET STRING (constructed, indefinite) { "ab", (constructed, definite) { "c" }, "" }
        let input = [
            0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x24, 0x03, 0x04, 0x01, b'c', 0x04, 0x00, 0x00,
            0x00,
        ];
        assert_eq!(der(&input), [0x04, 0x03, b'a', b'b', b'c']);
        // A UTF8String in segments.
        let input = [0x2c, 0x80, 0x04, 0x01, b'x', 0x04, 0x01, b'y', 0x00, 0x00];
        assert_eq!(der(&input), [0x0c, 0x02, b'x', b'y']);
    }

    #[test]
    fn non_minimal_lengths_are_shortened() {
        let input = [0x30, 0x81, 0x04, 0x02, 0x81, 0x01, 0x07];
        assert_eq!(der(&input), [0x30, 0x03, 0x02, 0x01, 0x07]);
    }

    #[test]
    fn rewritten_parts_are_not_verbatim() {
        // SEQUENCE (indefinite) { SET { INTEGER 1 }, SET (non-minimal) { INTEGER 2 } }
        let input = [
            0x30, 0x80, 0x31, 0x03, 0x02, 0x01, 0x01, 0x31, 0x81, 0x03, 0x02, 0x01, 0x02, 0x00,
            0x00,
        ];
        let converted = to_der(&input).expect("converts");
        let bytes = converted.bytes();
        assert_eq!(
            bytes,
            [
                0x30, 0x0a, 0x31, 0x03, 0x02, 0x01, 0x01, 0x31, 0x03, 0x02, 0x01, 0x02
            ]
        );
        assert!(converted.is_verbatim(&bytes[2..7]));
        assert!(!converted.is_verbatim(&bytes[7..12]));
        assert!(!converted.is_verbatim(bytes));
    }

    #[test]
    fn malformed_ber_is_refused() {
        let cases: &[&[u8]] = &[
            // No end-of-contents.
            &[0x30, 0x80, 0x05, 0x00],
            // Indefinite primitive.
            &[0x04, 0x80, 0x00, 0x00],
            // A zero tag that is not an end-of-contents, inside indefinite lengths.
            &[0x30, 0x80, 0x30, 0x80, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00],
            // A segment that is not an OCTET STRING.
            &[0x24, 0x80, 0x02, 0x01, 0x00, 0x00, 0x00],
            // A segment longer than its string.
            &[0x24, 0x03, 0x04, 0x05, 0x01, 0x02, 0x03, 0x04, 0x05],
            // A child overrunning its indefinite parent's input.
            &[0x30, 0x80, 0x04, 0x05, 0x01, 0x02],
        ];
        for case in cases {
            assert!(to_der(case).is_err(), "{case:02x?}");
        }
    }

    #[test]
    fn definite_elements_that_are_not_ber_are_kept_as_they_are() {
        // SEQUENCE (indefinite) { SEQUENCE (definite) { 00 00, a high tag }, NULL }: the
        // definite SEQUENCE is left for its own parser to judge.
        let input = [
            0x30, 0x80, 0x30, 0x04, 0x00, 0x00, 0x1f, 0x00, 0x05, 0x00, 0x00, 0x00,
        ];
        let converted = to_der(&input).expect("converts");
        let bytes = converted.bytes();
        assert_eq!(
            bytes,
            [0x30, 0x08, 0x30, 0x04, 0x00, 0x00, 0x1f, 0x00, 0x05, 0x00]
        );
        assert!(converted.is_verbatim(&bytes[2..8]));
        // The same, definite throughout: returned as it is.
        let definite = [0x30, 0x06, 0x00, 0x00, 0x1f, 0x00, 0x05, 0x00];
        assert_eq!(to_der(&definite).expect("converts").bytes(), definite);
    }

    #[test]
    fn nesting_is_limited() {
        let mut input = Vec::new();
        for _ in 0..(MAX_DEPTH + 1) {
            input.extend_from_slice(&[0x30, 0x80]);
        }
        for _ in 0..(MAX_DEPTH + 1) {
            input.extend_from_slice(&[0x00, 0x00]);
        }
        assert!(
            matches!(to_der(&input), Err(Error::Malformed(m)) if m.contains("deep")),
            "deeper than the limit"
        );
        let within = input.get(2..input.len() - 2).expect("shorter");
        assert!(to_der(within).is_ok());
    }

    #[test]
    fn many_segments_convert_in_linear_time() {
        // 300,000 one-octet segments (about 1 MiB) in one indefinite string, inside an
        // indefinite SEQUENCE: every octet is read a fixed number of times.
        let mut input = vec![0x30, 0x80, 0x24, 0x80];
        for i in 0..300_000u32 {
            input.extend_from_slice(&[0x04, 0x01, i.to_le_bytes()[0]]);
        }
        input.extend_from_slice(&[0, 0, 0, 0]);
        let converted = to_der(&input).expect("converts");
        let bytes = converted.bytes();
        assert_eq!(bytes.len(), 300_000 + 5 + 5);
        assert_eq!(bytes.get(..2), Some(&[0x30, 0x83][..]));
    }
}
