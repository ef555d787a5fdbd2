//! The signature values of a CMS's signers: what an RFC 3161 timestamp token of a signature
//! stamps (RFC 3161 Appendix A: the message imprint is the hash of the SignerInfo's
//! `signature`), for a caller that asks a TSA to timestamp a signature it received.

use crate::cms;
use crate::encoding;
use crate::error::Error;

/// Most signers whose values are returned: NCALayer makes one; a co-signed CMS has a few.
pub const MAX_STAMPED_SIGNERS: usize = 8;

/// The `signature` of each SignerInfo of a CMS (DER, PEM or base64, BER accepted), in order,
/// at most [`MAX_STAMPED_SIGNERS`]; `MALFORMED` when the CMS cannot be read. Nothing is
/// verified: the caller verifies the CMS, and the token it gets back, on their own.
pub fn signature_values(signature: &[u8]) -> Result<Vec<Vec<u8>>, Error> {
    let der = encoding::decode_cms(signature)
        .ok_or_else(|| Error::malformed("the signature is not DER, PEM or base64"))?;
    let der = crate::ber::to_der(&der)?;
    let signed = cms::parse(&der)?;
    Ok(signed
        .signers
        .iter()
        .take(MAX_STAMPED_SIGNERS)
        .map(|s| s.signature.to_vec())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_malformed() {
        assert!(signature_values(b"not a cms").is_err());
        assert!(signature_values(b"").is_err());
    }
}
