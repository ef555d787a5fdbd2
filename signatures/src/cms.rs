//! CMS `SignedData` (RFC 5652 §5), read without copying: every field borrows the input, and the
//! signed attributes keep the exact bytes that were signed.
//!
//! The input is BER (RFC 5652 allows it outside the signed attributes), turned into DER by
//! `ber` first; the signed attributes must have been received in DER.

use crate::algorithms::AlgorithmIdentifier;
use crate::ber::Der;
use crate::der::{Reader, Tlv, integer_content, oid_to_string, tag};
use crate::error::Error;
use crate::oid;
use std::borrow::Cow;

/// Most SignerInfos accepted in one CMS. A document signed by an owner and every co-owner
/// carries a handful; a few hundred would only be a way to make the verifier work.
const MAX_SIGNERS: usize = 64;
/// Most certificates (and, separately, CRLs) accepted in one CMS, for the same reason.
pub(crate) const MAX_EMBEDDED: usize = 128;

/// A parsed `SignedData`.
#[derive(Debug)]
pub(crate) struct SignedData<'a> {
    pub content_type: String,
    /// The encapsulated content, or `None` for a detached signature.
    pub content: Option<Cow<'a, [u8]>>,
    /// The certificates carried in the CMS (other certificate formats are skipped).
    pub certificates: Vec<&'a [u8]>,
    /// The CRLs carried in the CMS (other revocation formats are skipped).
    pub crls: Vec<&'a [u8]>,
    pub signers: Vec<SignerInfo<'a>>,
}

/// How a SignerInfo names its certificate (RFC 5652 §5.3).
#[derive(Debug)]
pub(crate) enum SignerIdentifier<'a> {
    IssuerAndSerial {
        /// The issuer Name's DER.
        issuer: &'a [u8],
        /// The serial's INTEGER contents, sign kept.
        serial: &'a [u8],
    },
    SubjectKeyId(&'a [u8]),
}

/// One signed attribute: its type and the raw encodings of its values.
#[derive(Debug)]
pub(crate) struct Attribute<'a> {
    pub oid: String,
    pub values: Vec<Tlv<'a>>,
}

/// A SignerInfo.
#[derive(Debug)]
pub(crate) struct SignerInfo<'a> {
    pub sid: SignerIdentifier<'a>,
    pub digest_algorithm: AlgorithmIdentifier,
    /// The signed attributes and the bytes the signature covers: their encoding with the
    /// `[0] IMPLICIT` tag replaced by `SET OF` (RFC 5652 §5.4).
    pub signed_attributes: Option<(Vec<Attribute<'a>>, Vec<u8>)>,
    pub signature_algorithm: AlgorithmIdentifier,
    pub signature: &'a [u8],
    /// The unsigned attributes (RFC 5652 §5.3), e.g. RFC 3161 signatureTimeStampToken.
    pub unsigned_attributes: Vec<Attribute<'a>>,
}

impl SignerInfo<'_> {
    /// The single value of a signed attribute, if present.
    pub fn attribute(&self, attribute_oid: &str) -> Option<&Tlv<'_>> {
        self.signed_attributes
            .as_ref()?
            .0
            .iter()
            .find(|a| a.oid == attribute_oid)
            .and_then(|a| a.values.first())
    }
}

/// Parses a `ContentInfo` holding `SignedData`, from its DER form (see `ber::to_der`).
pub(crate) fn parse<'a>(input: &'a Der<'_>) -> Result<SignedData<'a>, Error> {
    let mut top = Reader::new(input.bytes());
    let mut content_info = top.read_nested(tag::SEQUENCE, "ContentInfo")?;
    top.finish("ContentInfo")?;
    let content_type = read_oid(&mut content_info, "contentType")?;
    if content_type != oid::SIGNED_DATA {
        return Err(Error::malformed(format!(
            "content type {content_type} is not signedData"
        )));
    }
    let mut explicit = content_info.read_nested(tag::context_constructed(0), "content")?;
    content_info.finish("ContentInfo")?;
    let mut signed_data = explicit.read_nested(tag::SEQUENCE, "SignedData")?;
    explicit.finish("content")?;

    signed_data.read_small_uint("SignedData version")?;
    let mut digest_algorithms = signed_data.read_nested(tag::SET, "digestAlgorithms")?;
    while !digest_algorithms.is_empty() {
        AlgorithmIdentifier::parse(&mut digest_algorithms, "digestAlgorithms")?;
    }

    let mut encap = signed_data.read_nested(tag::SEQUENCE, "encapContentInfo")?;
    let econtent_type = read_oid(&mut encap, "eContentType")?;
    let content = match encap.read_optional(tag::context_constructed(0))? {
        Some(explicit) => {
            let mut inner = explicit.contents(encap.depth())?;
            let octets = read_octet_string(&mut inner)?;
            inner.finish("eContent")?;
            Some(octets)
        }
        None => None,
    };
    encap.finish("encapContentInfo")?;

    let certificates = match signed_data.read_optional(tag::context_constructed(0))? {
        Some(set) => sequences(set, signed_data.depth(), "certificates")?,
        None => Vec::new(),
    };
    let crls = match signed_data.read_optional(tag::context_constructed(1))? {
        Some(set) => sequences(set, signed_data.depth(), "crls")?,
        None => Vec::new(),
    };

    let mut signer_set = signed_data.read_nested(tag::SET, "signerInfos")?;
    signed_data.finish("SignedData")?;
    let mut signers = Vec::new();
    while !signer_set.is_empty() {
        if signers.len() == MAX_SIGNERS {
            return Err(Error::malformed(format!("more than {MAX_SIGNERS} signers")));
        }
        signers.push(parse_signer_info(&mut signer_set, input)?);
    }
    if signers.is_empty() {
        return Err(Error::malformed("no signer"));
    }
    Ok(SignedData {
        content_type: econtent_type,
        content,
        certificates,
        crls,
        signers,
    })
}

fn read_oid(reader: &mut Reader<'_>, what: &str) -> Result<String, Error> {
    let tlv = reader.read(tag::OID, what)?;
    oid_to_string(tlv.value)
        .ok_or_else(|| Error::malformed(format!("{what}: bad object identifier")))
}

/// The eContent OCTET STRING. A constructed one (BER, as streaming producers write it) was
/// joined into a primitive one by `ber::to_der`.
fn read_octet_string<'a>(reader: &mut Reader<'a>) -> Result<Cow<'a, [u8]>, Error> {
    match reader.peek_tag() {
        Some(tag::OCTET_STRING) => Ok(Cow::Borrowed(reader.read_any()?.value)),
        _ => Err(Error::malformed("eContent is not an OCTET STRING")),
    }
}

/// The SEQUENCE members of an `[n] IMPLICIT SET OF CHOICE`: plain certificates or CRLs; the
/// other choices (attribute certificates, other revocation formats) are skipped.
fn sequences<'a>(set: Tlv<'a>, depth: usize, what: &str) -> Result<Vec<&'a [u8]>, Error> {
    let mut reader = set.contents(depth)?;
    let mut out = Vec::new();
    while !reader.is_empty() {
        let item = reader.read_any()?;
        if item.tag == tag::SEQUENCE {
            if out.len() == MAX_EMBEDDED {
                return Err(Error::malformed(format!("too many {what}")));
            }
            out.push(item.raw);
        }
    }
    Ok(out)
}

fn parse_signer_info<'a>(set: &mut Reader<'a>, input: &Der<'_>) -> Result<SignerInfo<'a>, Error> {
    let mut info = set.read_nested(tag::SEQUENCE, "SignerInfo")?;
    info.read_small_uint("SignerInfo version")?;
    let sid = match info.peek_tag() {
        Some(tag::SEQUENCE) => {
            let mut ias = info.read_nested(tag::SEQUENCE, "issuerAndSerialNumber")?;
            let issuer = ias.read(tag::SEQUENCE, "issuer")?.raw;
            let serial = ias.read(tag::INTEGER, "serialNumber")?.value;
            ias.finish("issuerAndSerialNumber")?;
            SignerIdentifier::IssuerAndSerial {
                issuer,
                serial: integer_content(serial),
            }
        }
        Some(t) if t == tag::context_primitive(0) => {
            SignerIdentifier::SubjectKeyId(info.read_any()?.value)
        }
        _ => return Err(Error::malformed("SignerInfo: bad signer identifier")),
    };
    let digest_algorithm = AlgorithmIdentifier::parse(&mut info, "digestAlgorithm")?;
    let signed_attributes = match info.read_optional(tag::context_constructed(0))? {
        Some(tlv) => {
            // RFC 5652 §5.4: the signature covers the DER encoding of the attributes, hashed
            // here as received, so they must have arrived in DER (never re-encoded).
            if !input.is_verbatim(tlv.raw) {
                return Err(Error::malformed(
                    "the signed attributes are not DER (RFC 5652 §5.4)",
                ));
            }
            Some(signed_attributes(tlv, info.depth())?)
        }
        None => None,
    };
    let signature_algorithm = AlgorithmIdentifier::parse(&mut info, "signatureAlgorithm")?;
    let signature = info.read(tag::OCTET_STRING, "signature")?.value;
    // RFC 5652 §5.3: unsignedAttrs [1] IMPLICIT SET OF Attribute (RFC 3161 timestamps; the
    // verifier interprets the ones it knows).
    let unsigned_attributes = match info.read_optional(tag::context_constructed(1))? {
        Some(tlv) => attributes(tlv, info.depth(), "unsigned attribute")?,
        None => Vec::new(),
    };
    info.finish("SignerInfo")?;
    Ok(SignerInfo {
        sid,
        digest_algorithm,
        signed_attributes,
        signature_algorithm,
        signature,
        unsigned_attributes,
    })
}

/// A `SET OF Attribute`: each attribute's type and the raw encodings of its values.
fn attributes<'a>(tlv: Tlv<'a>, depth: usize, what: &str) -> Result<Vec<Attribute<'a>>, Error> {
    let mut reader = tlv.contents(depth)?;
    let mut out = Vec::new();
    while !reader.is_empty() {
        let mut attribute = reader.read_nested(tag::SEQUENCE, what)?;
        let attribute_oid = read_oid(&mut attribute, "attribute type")?;
        let mut value_set = attribute.read_nested(tag::SET, "attribute values")?;
        attribute.finish(what)?;
        let mut values = Vec::new();
        while !value_set.is_empty() {
            values.push(value_set.read_any()?);
        }
        out.push(Attribute {
            oid: attribute_oid,
            values,
        });
    }
    Ok(out)
}

/// RFC 5652 §5.3 and §11: the attributes, and the DER to sign (tag 0x31 instead of 0xA0).
fn signed_attributes<'a>(
    tlv: Tlv<'a>,
    depth: usize,
) -> Result<(Vec<Attribute<'a>>, Vec<u8>), Error> {
    let mut to_sign = tlv.raw.to_vec();
    if let Some(first) = to_sign.first_mut() {
        *first = tag::SET;
    }
    let mut reader = tlv.contents(depth)?;
    let mut attributes: Vec<Attribute<'a>> = Vec::new();
    while !reader.is_empty() {
        let mut attribute = reader.read_nested(tag::SEQUENCE, "signed attribute")?;
        let attribute_oid = read_oid(&mut attribute, "attribute type")?;
        let mut value_set = attribute.read_nested(tag::SET, "attribute values")?;
        attribute.finish("signed attribute")?;
        let mut values = Vec::new();
        while !value_set.is_empty() {
            values.push(value_set.read_any()?);
        }
        let single_valued = [
            oid::ATTR_CONTENT_TYPE,
            oid::ATTR_MESSAGE_DIGEST,
            oid::ATTR_SIGNING_TIME,
        ];
        if single_valued.contains(&attribute_oid.as_str()) {
            // RFC 5652 §11.1-11.3: exactly one value, and never more than one instance.
            if values.len() != 1 || attributes.iter().any(|a| a.oid == attribute_oid) {
                return Err(Error::malformed(format!(
                    "signed attribute {attribute_oid} must occur once with one value"
                )));
            }
        }
        attributes.push(Attribute {
            oid: attribute_oid,
            values,
        });
    }
    // RFC 5652 §5.3: when present, signed attributes include content-type and message-digest.
    for required in [oid::ATTR_CONTENT_TYPE, oid::ATTR_MESSAGE_DIGEST] {
        if !attributes.iter().any(|a| a.oid == required) {
            return Err(Error::malformed(format!(
                "signed attribute {required} is missing"
            )));
        }
    }
    Ok((attributes, to_sign))
}
