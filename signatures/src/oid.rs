//! Object identifiers this crate recognises, in dotted form.

// CMS (RFC 5652) and PKCS#9 attributes.
pub const SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
pub const DATA: &str = "1.2.840.113549.1.7.1";
pub const ATTR_CONTENT_TYPE: &str = "1.2.840.113549.1.9.3";
pub const ATTR_MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";
pub const ATTR_SIGNING_TIME: &str = "1.2.840.113549.1.9.5";

// RFC 3161 timestamps and the ESS signing-certificate attributes (RFC 2634 §5.4, RFC 5035).
pub const CT_TST_INFO: &str = "1.2.840.113549.1.9.16.1.4";
pub const ATTR_TIMESTAMP_TOKEN: &str = "1.2.840.113549.1.9.16.2.14";
pub const ATTR_SIGNING_CERTIFICATE: &str = "1.2.840.113549.1.9.16.2.12";
pub const ATTR_SIGNING_CERTIFICATE_V2: &str = "1.2.840.113549.1.9.16.2.47";

// Digests.
pub const MD5: &str = "1.2.840.113549.2.5";
pub const SHA1: &str = "1.3.14.3.2.26";
pub const SHA256: &str = "2.16.840.1.101.3.4.2.1";
pub const SHA384: &str = "2.16.840.1.101.3.4.2.2";
pub const SHA512: &str = "2.16.840.1.101.3.4.2.3";

// RSA (RFC 8017 appendix C, RFC 4055).
pub const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
pub const MD5_WITH_RSA: &str = "1.2.840.113549.1.1.4";
pub const SHA1_WITH_RSA: &str = "1.2.840.113549.1.1.5";
pub const RSASSA_PSS: &str = "1.2.840.113549.1.1.10";
pub const SHA256_WITH_RSA: &str = "1.2.840.113549.1.1.11";
pub const SHA384_WITH_RSA: &str = "1.2.840.113549.1.1.12";
pub const SHA512_WITH_RSA: &str = "1.2.840.113549.1.1.13";
pub const MGF1: &str = "1.2.840.113549.1.1.8";

// ECDSA (RFC 5480, RFC 5758).
pub const EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
pub const ECDSA_WITH_SHA1: &str = "1.2.840.10045.4.1";
pub const ECDSA_WITH_SHA256: &str = "1.2.840.10045.4.3.2";
pub const ECDSA_WITH_SHA384: &str = "1.2.840.10045.4.3.3";
pub const ECDSA_WITH_SHA512: &str = "1.2.840.10045.4.3.4";
pub const CURVE_P256: &str = "1.2.840.10045.3.1.7";
pub const CURVE_P384: &str = "1.3.132.0.34";

// GOST, in NCA RK's arc 1.2.398.3.10 (see `algorithms/gost.rs` and the NCA vectors' README).
pub const GOST94: &str = "1.2.398.3.10.1.3.1";
pub const STREEBOG_256: &str = "1.2.398.3.10.1.3.2";
pub const STREEBOG_512: &str = "1.2.398.3.10.1.3.3";
/// GOST 34.310-2004 public key, and its CryptoPro-A parameter set.
pub const GOST_2004_KEY: &str = "1.2.398.3.10.1.1.1.1";
pub const GOST_2004_PARAMSET_A: &str = "1.2.398.3.10.1.1.1.1.1";
/// GOST 34.310-2004 with GOST 34.311-95.
pub const GOST_2004_SIGNATURE: &str = "1.2.398.3.10.1.1.1.2";
/// GOST R 34.10-2015 512-bit public key, and its parameter set (= tc26 512 paramSetA).
pub const GOST_2015_512_KEY: &str = "1.2.398.3.10.1.1.2.2";
pub const GOST_2015_512_PARAMSET_A: &str = "1.2.398.3.10.1.1.2.2.1";
/// GOST R 34.10-2015 with Streebog-256 (no NCA sample: not accepted yet).
#[cfg(test)]
pub const GOST_2015_256_SIGNATURE: &str = "1.2.398.3.10.1.1.2.3.1";
/// GOST R 34.10-2015 with Streebog-512.
pub const GOST_2015_512_SIGNATURE: &str = "1.2.398.3.10.1.1.2.3.2";

// Certificate and CRL extensions (RFC 5280 §4.2, §5.2, §5.3).
pub const EXT_SUBJECT_KEY_ID: &str = "2.5.29.14";
pub const EXT_KEY_USAGE: &str = "2.5.29.15";
pub const EXT_SUBJECT_ALT_NAME: &str = "2.5.29.17";
pub const EXT_ISSUER_ALT_NAME: &str = "2.5.29.18";
pub const EXT_BASIC_CONSTRAINTS: &str = "2.5.29.19";
pub const EXT_CRL_NUMBER: &str = "2.5.29.20";
pub const EXT_REASON_CODE: &str = "2.5.29.21";
pub const EXT_INVALIDITY_DATE: &str = "2.5.29.24";
pub const EXT_DELTA_CRL_INDICATOR: &str = "2.5.29.27";
pub const EXT_ISSUING_DISTRIBUTION_POINT: &str = "2.5.29.28";
pub const EXT_CERTIFICATE_ISSUER: &str = "2.5.29.29";
pub const EXT_NAME_CONSTRAINTS: &str = "2.5.29.30";
pub const EXT_CRL_DISTRIBUTION_POINTS: &str = "2.5.29.31";
pub const EXT_CERTIFICATE_POLICIES: &str = "2.5.29.32";
pub const EXT_AUTHORITY_KEY_ID: &str = "2.5.29.35";
pub const EXT_EXTENDED_KEY_USAGE: &str = "2.5.29.37";
pub const EXT_FRESHEST_CRL: &str = "2.5.29.46";
pub const EXT_AUTHORITY_INFO_ACCESS: &str = "1.3.6.1.5.5.7.1.1";

// Extended key usages.
pub const EKU_CLIENT_AUTH: &str = "1.3.6.1.5.5.7.3.2";
pub const EKU_EMAIL_PROTECTION: &str = "1.3.6.1.5.5.7.3.4";
pub const EKU_TIME_STAMPING: &str = "1.3.6.1.5.5.7.3.8";

// Attribute types in names (X.520).
pub const AT_COMMON_NAME: &str = "2.5.4.3";
pub const AT_SURNAME: &str = "2.5.4.4";
pub const AT_SERIAL_NUMBER: &str = "2.5.4.5";
pub const AT_COUNTRY: &str = "2.5.4.6";
pub const AT_LOCALITY: &str = "2.5.4.7";
pub const AT_STATE: &str = "2.5.4.8";
pub const AT_ORGANIZATION: &str = "2.5.4.10";
pub const AT_ORG_UNIT: &str = "2.5.4.11";
pub const AT_GIVEN_NAME: &str = "2.5.4.42";
pub const AT_EMAIL: &str = "1.2.840.113549.1.9.1";
