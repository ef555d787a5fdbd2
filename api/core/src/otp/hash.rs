//! The keyed hash of codes (HMAC-SHA256 with a server secret) and the code generator.

use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use std::fmt;

/// The HMAC-SHA256 tag of a code: what the store keeps instead of the code.
#[derive(Clone, PartialEq, Eq)]
pub struct CodeTag(pub(crate) [u8; 32]);

impl CodeTag {
    /// The tag in lowercase hex (64 characters), as the Redis store keeps it.
    #[must_use]
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    /// Compares in constant time.
    #[must_use]
    pub fn matches(&self, other: &CodeTag) -> bool {
        let difference = self
            .0
            .iter()
            .zip(other.0.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        std::hint::black_box(difference) == 0
    }

    /// Random bytes in the shape of a tag.
    ///
    /// # Errors
    ///
    /// If the operating system's random source fails.
    pub fn random() -> Result<CodeTag, RandomUnavailable> {
        let mut bytes = [0u8; 32];
        SystemRandom::new()
            .fill(&mut bytes)
            .map_err(|_| RandomUnavailable)?;
        Ok(CodeTag(bytes))
    }

    /// The stand-in a store compares against when there is no challenge, to do the same work
    /// as when there is one (no code's HMAC is all zeros but with probability 2^-256).
    #[must_use]
    pub(crate) fn none() -> CodeTag {
        CodeTag([0; 32])
    }
}

impl fmt::Debug for CodeTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CodeTag(..)")
    }
}

/// The operating system's random source failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the operating system's random source failed")]
pub struct RandomUnavailable;

/// Hashes codes and derives rate-limit keys with the server's secret.
#[derive(Clone)]
pub struct OtpHasher {
    key: hmac::Key,
}

impl fmt::Debug for OtpHasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OtpHasher(..)")
    }
}

impl OtpHasher {
    /// A hasher keyed with this secret.
    #[must_use]
    pub fn new(secret: &[u8]) -> Self {
        OtpHasher {
            key: hmac::Key::new(hmac::HMAC_SHA256, secret),
        }
    }

    /// A hasher with a random key, for the development profile and tests (codes do not
    /// survive a restart of the process then, which an in-process store does not either).
    ///
    /// # Errors
    ///
    /// If the operating system's random source fails.
    pub fn random() -> Result<Self, RandomUnavailable> {
        Ok(Self::new(&CodeTag::random()?.0))
    }

    /// The tag of `code` for this challenge and this binding (what the code may be used for:
    /// signing in, or signing one request's exact payload). A code checked against another
    /// binding gets another tag, so it is simply a wrong code.
    #[must_use]
    pub fn code_tag(&self, challenge_id: &str, binding: &str, code: &str) -> CodeTag {
        let mut context = hmac::Context::with_key(&self.key);
        for part in ["otp-code", challenge_id, binding, code] {
            context.update(part.as_bytes());
            context.update(&[0]);
        }
        let mut tag = [0u8; 32];
        tag.copy_from_slice(context.sign().as_ref());
        CodeTag(tag)
    }

    /// A key that names a person or a phone in the store without saying who: 32 hex digits.
    #[must_use]
    pub fn subject_key(&self, kind: &str, value: &str) -> String {
        let mut context = hmac::Context::with_key(&self.key);
        for part in ["otp-subject", kind, value] {
            context.update(part.as_bytes());
            context.update(&[0]);
        }
        let tag = context.sign();
        let first: Vec<u8> = tag.as_ref().iter().take(16).copied().collect();
        hex(&first)
    }
}

/// A 6-digit code from the operating system's CSPRNG, uniform over 000000..=999999.
///
/// # Errors
///
/// If the operating system's random source fails.
pub fn generate_code() -> Result<String, RandomUnavailable> {
    const LIMIT: u32 = 4_294_000_000; // the largest multiple of 10^6 below 2^32
    let random = SystemRandom::new();
    loop {
        let mut bytes = [0u8; 4];
        random.fill(&mut bytes).map_err(|_| RandomUnavailable)?;
        let n = u32::from_be_bytes(bytes);
        if n < LIMIT {
            return Ok(format!("{:06}", n % 1_000_000));
        }
    }
}

fn hex(bytes: &[u8]) -> String {
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

    #[test]
    fn codes_are_six_digits_and_vary() {
        let codes: std::collections::HashSet<String> =
            (0..200).map(|_| generate_code().unwrap()).collect();
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()))
        );
        assert!(codes.len() > 190, "{} distinct of 200", codes.len());
    }

    #[test]
    fn the_tag_depends_on_key_challenge_binding_and_code() {
        let hasher = OtpHasher::new(b"secret");
        let tag = hasher.code_tag("c1", "LOGIN", "123456");
        assert!(tag.matches(&hasher.code_tag("c1", "LOGIN", "123456")));
        assert!(!tag.matches(&hasher.code_tag("c2", "LOGIN", "123456")));
        assert!(!tag.matches(&hasher.code_tag("c1", "SIGN:x", "123456")));
        assert!(!tag.matches(&hasher.code_tag("c1", "LOGIN", "123457")));
        assert!(!tag.matches(&OtpHasher::new(b"other").code_tag("c1", "LOGIN", "123456")));
        assert_eq!(tag.to_hex().len(), 64);
        assert_eq!(hasher.subject_key("iin", "871008401427").len(), 32);
        assert_ne!(
            hasher.subject_key("iin", "871008401427"),
            hasher.subject_key("phone", "871008401427")
        );
    }
}
