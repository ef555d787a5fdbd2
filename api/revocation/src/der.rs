//! Just enough DER (X.690 §10) to read the few fields this crate needs and `signatures` does not
//! expose: a certificate's serial, subject and SubjectPublicKeyInfo (to know which configured CA
//! issued it), and an OCSP response's nonce and validity (to check the nonce before caching and
//! to know how long to cache). `signatures` parses and judges the whole of both; this module
//! only locates fields in input that already parsed there, and any surprise is `None`.
//!
//! Bounds: lengths are checked against the input before any slice is taken, only definite
//! lengths of at most four octets are read (DER has no other), and nothing recurses.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

pub(crate) const SEQUENCE: u8 = 0x30;
pub(crate) const INTEGER: u8 = 0x02;
pub(crate) const OCTET_STRING: u8 = 0x04;
pub(crate) const OID: u8 = 0x06;
pub(crate) const ENUMERATED: u8 = 0x0a;
pub(crate) const BOOLEAN: u8 = 0x01;
pub(crate) const GENERALIZED_TIME: u8 = 0x18;

/// The contents of id-pkix-ocsp-nonce, 1.3.6.1.5.5.7.48.1.2 (RFC 6960 §4.4.1).
const NONCE_OID: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x02];
/// The contents of id-pkix-ocsp-basic, 1.3.6.1.5.5.7.48.1.1 (RFC 6960 §4.2.1).
const BASIC_OID: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01];

/// A cursor over a run of TLVs.
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

/// One TLV: its tag, its contents and its whole encoding.
pub(crate) struct Tlv<'a> {
    pub(crate) tag: u8,
    pub(crate) value: &'a [u8],
    pub(crate) whole: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(input: &'a [u8]) -> Self {
        Reader { rest: input }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    pub(crate) fn any(&mut self) -> Option<Tlv<'a>> {
        let input = self.rest;
        let (&tag, after_tag) = input.split_first()?;
        // High tag numbers (0x1f) never occur in the structures read here.
        if tag & 0x1f == 0x1f {
            return None;
        }
        let (&first, after_length) = after_tag.split_first()?;
        let (length, header) = match first {
            0..=0x7f => (usize::from(first), 2),
            0x81..=0x84 => {
                let count = usize::from(first & 0x7f);
                let octets = after_length.get(..count)?;
                let length = octets
                    .iter()
                    .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
                (length, 2 + count)
            }
            // 0x80 is BER's indefinite length; longer lengths exceed any input here.
            _ => return None,
        };
        let end = header.checked_add(length)?;
        let whole = input.get(..end)?;
        let value = input.get(header..end)?;
        self.rest = input.get(end..)?;
        Some(Tlv { tag, value, whole })
    }

    pub(crate) fn read(&mut self, tag: u8) -> Option<Tlv<'a>> {
        let tlv = self.any()?;
        (tlv.tag == tag).then_some(tlv)
    }

    pub(crate) fn optional(&mut self, tag: u8) -> Option<Option<Tlv<'a>>> {
        if self.peek_tag() == Some(tag) {
            self.any().map(Some)
        } else {
            Some(None)
        }
    }
}

/// The TBSCertificate's fields up to the key: serial, subject and SubjectPublicKeyInfo
/// (RFC 5280 §4.1).
struct TbsHead<'a> {
    serial: &'a [u8],
    subject: &'a [u8],
    spki: &'a [u8],
}

fn tbs_head(certificate: &[u8]) -> Option<TbsHead<'_>> {
    let outer = Reader::new(certificate).read(SEQUENCE)?;
    let tbs = Reader::new(outer.value).read(SEQUENCE)?;
    let mut fields = Reader::new(tbs.value);
    fields.optional(0xa0)?; // [0] EXPLICIT version
    let serial = fields.read(INTEGER)?.value;
    fields.read(SEQUENCE)?; // signature
    fields.read(SEQUENCE)?; // issuer
    fields.read(SEQUENCE)?; // validity
    let subject = fields.read(SEQUENCE)?.whole;
    let spki = fields.read(SEQUENCE)?.whole;
    Some(TbsHead {
        serial,
        subject,
        spki,
    })
}

/// A certificate's serial, as the INTEGER's contents (sign kept).
pub(crate) fn serial(certificate: &[u8]) -> Option<Vec<u8>> {
    tbs_head(certificate).map(|head| head.serial.to_vec())
}

/// A certificate's subject Name and SubjectPublicKeyInfo, each as its whole DER encoding.
pub(crate) fn subject_and_key(certificate: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    tbs_head(certificate).map(|head| (head.subject.to_vec(), head.spki.to_vec()))
}

/// What the cache needs of an OCSP response about one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OcspFacts {
    /// The nonce the response carries: the contents of the OCTET STRING inside the
    /// extension's value (RFC 8954 §2.1), or the value itself from a responder that writes the
    /// nonce bare (as some pre-RFC 8954 ones did).
    pub nonce: Option<Vec<u8>>,
    /// thisUpdate of the SingleResponse about the certificate.
    pub this_update: OffsetDateTime,
    /// nextUpdate of that SingleResponse.
    pub next_update: Option<OffsetDateTime>,
}

/// Reads the nonce and the validity of the SingleResponse whose CertID names `serial`
/// (INTEGER contents) from a DER OCSPResponse (RFC 6960 §4.2.1). `Err` says what is missing.
pub(crate) fn ocsp_facts(response: &[u8], serial: &[u8]) -> Result<OcspFacts, &'static str> {
    let malformed = "not a well-formed OCSP response";
    let outer = Reader::new(response).read(SEQUENCE).ok_or(malformed)?;
    let mut fields = Reader::new(outer.value);
    fields.read(ENUMERATED).ok_or(malformed)?;
    let bytes = fields.read(0xa0).ok_or(malformed)?;
    let bytes = Reader::new(bytes.value).read(SEQUENCE).ok_or(malformed)?;
    let mut bytes = Reader::new(bytes.value);
    if bytes.read(OID).ok_or(malformed)?.value != BASIC_OID {
        return Err("not a basic OCSP response");
    }
    let basic = bytes.read(OCTET_STRING).ok_or(malformed)?;
    let basic = Reader::new(basic.value).read(SEQUENCE).ok_or(malformed)?;
    let data = Reader::new(basic.value).read(SEQUENCE).ok_or(malformed)?;
    let mut data = Reader::new(data.value);
    data.optional(0xa0).ok_or(malformed)?; // [0] EXPLICIT version
    data.any().ok_or(malformed)?; // responderID, [1] byName or [2] byKey
    data.read(GENERALIZED_TIME).ok_or(malformed)?; // producedAt
    let responses = data.read(SEQUENCE).ok_or(malformed)?;
    let nonce = match data.optional(0xa1).ok_or(malformed)? {
        Some(extensions) => nonce(extensions.value).ok_or(malformed)?,
        None => None,
    };

    let mut singles = Reader::new(responses.value);
    while !singles.is_empty() {
        let single = singles.read(SEQUENCE).ok_or(malformed)?;
        let mut single = Reader::new(single.value);
        let cert_id = single.read(SEQUENCE).ok_or(malformed)?;
        let mut cert_id = Reader::new(cert_id.value);
        cert_id.read(SEQUENCE).ok_or(malformed)?; // hashAlgorithm
        cert_id.read(OCTET_STRING).ok_or(malformed)?; // issuerNameHash
        cert_id.read(OCTET_STRING).ok_or(malformed)?; // issuerKeyHash
        let this_serial = cert_id.read(INTEGER).ok_or(malformed)?.value;
        single.any().ok_or(malformed)?; // certStatus
        let this_update = generalized_time(single.read(GENERALIZED_TIME).ok_or(malformed)?.value)
            .ok_or(malformed)?;
        let next_update = match single.optional(0xa0).ok_or(malformed)? {
            Some(explicit) => Some(
                Reader::new(explicit.value)
                    .read(GENERALIZED_TIME)
                    .and_then(|t| generalized_time(t.value))
                    .ok_or(malformed)?,
            ),
            None => None,
        };
        if this_serial == serial {
            return Ok(OcspFacts {
                nonce,
                this_update,
                next_update,
            });
        }
    }
    Err("the response says nothing about the certificate asked for")
}

/// The nonce among responseExtensions (`[1] EXPLICIT Extensions`): `None` inside when there is
/// none, `None` outside when the extensions do not parse.
fn nonce(explicit: &[u8]) -> Option<Option<Vec<u8>>> {
    let list = Reader::new(explicit).read(SEQUENCE)?;
    let mut list = Reader::new(list.value);
    while !list.is_empty() {
        let extension = list.read(SEQUENCE)?;
        let mut extension = Reader::new(extension.value);
        let oid = extension.read(OID)?;
        extension.optional(BOOLEAN)?; // critical
        let value = extension.read(OCTET_STRING)?.value;
        if oid.value == NONCE_OID {
            let mut inner = Reader::new(value);
            let nonce = match inner.read(OCTET_STRING) {
                Some(octets) if inner.is_empty() => octets.value.to_vec(),
                _ => value.to_vec(),
            };
            return Some(Some(nonce));
        }
    }
    Some(None)
}

/// A GeneralizedTime as RFC 5280 §4.1.2.5.2 and RFC 6960 write it: `YYYYMMDDHHMMSSZ`, with
/// fractional seconds tolerated (some responders write them; they are dropped).
fn generalized_time(value: &[u8]) -> Option<OffsetDateTime> {
    let text = std::str::from_utf8(value).ok()?;
    let text = text.strip_suffix('Z')?;
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    if whole.len() != 14
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || fraction.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u16> { whole.get(range)?.parse().ok() };
    let year = i32::from(number(0..4)?);
    let month = Month::try_from(u8::try_from(number(4..6)?).ok()?).ok()?;
    let day = u8::try_from(number(6..8)?).ok()?;
    let hour = u8::try_from(number(8..10)?).ok()?;
    let minute = u8::try_from(number(10..12)?).ok()?;
    let second = u8::try_from(number(12..14)?).ok()?;
    let date = Date::from_calendar_date(year, month, day).ok()?;
    let time = Time::from_hms(hour, minute, second).ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn generalized_times() {
        assert_eq!(
            generalized_time(b"20210601000000Z"),
            Some(datetime!(2021-06-01 0:00 UTC))
        );
        assert_eq!(
            generalized_time(b"20210601123456.789Z"),
            Some(datetime!(2021-06-01 12:34:56 UTC))
        );
        for bad in [
            &b"20210601000000"[..],
            b"2021060100000Z",
            b"20211301000000Z",
            b"20210601000000.Z",
            b"20210601000000+0100",
            b"\xff",
        ] {
            assert_eq!(generalized_time(bad), None);
        }
    }

    #[test]
    fn lengths_are_bounded() {
        // A length past the end, an indefinite length, a five-octet length, a high tag.
        for bad in [
            &[0x30, 0x05, 0x00][..],
            &[0x30, 0x80, 0x00, 0x00],
            &[0x30, 0x85, 0, 0, 0, 0, 1, 0],
            &[0x1f, 0x01, 0x00],
            &[],
            &[0x30],
        ] {
            assert!(Reader::new(bad).any().is_none());
        }
        let mut reader = Reader::new(&[0x04, 0x81, 0x01, 0xaa, 0x05, 0x00]);
        let first = reader.any().map(|t| (t.tag, t.value.to_vec()));
        assert_eq!(first, Some((0x04, vec![0xaa])));
        assert_eq!(reader.any().map(|t| t.whole.len()), Some(2));
        assert!(reader.is_empty());
    }

    #[test]
    fn garbage_is_no_response() {
        assert!(ocsp_facts(b"garbage", &[1]).is_err());
        assert!(serial(b"garbage").is_none());
        assert!(subject_and_key(&[0x30, 0x00]).is_none());
    }
}
