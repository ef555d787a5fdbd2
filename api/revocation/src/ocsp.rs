//! OCSP responses, fetched per certificate when a verification needs one, and cached.
//!
//! [`OcspSources::response_for`] asks only the OCSP URL configured for the CA that issued the
//! certificate (matched as `ca` says); a certificate's own authorityInfoAccess is never read.
//! Each request is a POST (RFC 6960 Appendix A.1) with a SHA-1 CertID (what responders
//! commonly expect; a CertID is a lookup key, not a signature) and a fresh 32-octet random
//! nonce (RFC 6960 §4.4.1, RFC 8954 §2.1: the longest length a responder must accept). The
//! answer is used only if it parses, speaks of that certificate and carries that nonce; it is
//! handed back `with_sent_nonce`, so the verifier checks the nonce again with the signature.
//!
//! A response is cached until its nextUpdate or `ocsp_max_age` after its thisUpdate, whichever
//! comes first; one without nextUpdate (NCA RK's) for `ocsp_max_age`. A response already past
//! that is returned (the verifier judges whether it is current) but not cached.
//!
//! Concurrent calls for one certificate share one fetch: each certificate has a slot behind an
//! async mutex, the first caller fetches while holding it, and the others wait for it and read
//! what it left. A failure is left there too, for [`FAILURE_HOLD`]: long enough that the
//! callers who queued behind a failing fetch (and any arriving just after) get its error
//! instead of each paying the timeouts again, short enough that a responder that comes back is
//! asked again within seconds. A cancelled fetch leaves nothing, and the next caller fetches.
//!
//! The cache holds at most [`MAX_CACHED`] certificates; when full, expired entries go first,
//! then those expiring soonest. A slot in use is never evicted.

use crate::ca::Ca;
use crate::der;
use crate::error::RevocationError;
use crate::fetch::Fetcher;
use crate::status::{Health, SourceKind, SourceStatus};
use signatures::{CertIdHash, Certificate, OcspResponse};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use time::{Duration, OffsetDateTime};

/// How long a failed fetch is answered from the cache.
pub const FAILURE_HOLD: Duration = Duration::seconds(10);
/// Most certificates cached. A response is a few kilobytes, so some tens of megabytes at most;
/// more certificates than this signing within one `ocsp_max_age` is far beyond the service's
/// load.
pub const MAX_CACHED: usize = 8192;
/// The nonce's length (RFC 8954 §2.1: a responder must accept 16 to 32 octets).
const NONCE_LEN: usize = 32;
/// RFC 6960 Appendix A.1.
const OCSP_REQUEST_TYPE: &str = "application/ocsp-request";

/// The configured OCSP responders and their cache.
#[derive(Debug)]
pub struct OcspSources {
    cas: Vec<Responder>,
    fetcher: Arc<dyn Fetcher>,
    max_age: Duration,
    max_bytes: usize,
    cache: Mutex<HashMap<Key, Arc<tokio::sync::Mutex<Slot>>>>,
    capacity: usize,
    random: ring::rand::SystemRandom,
}

#[derive(Debug)]
struct Responder {
    ca: Ca,
    health: Mutex<Health>,
}

/// A CA (by its index) and a serial (INTEGER contents).
type Key = (usize, Vec<u8>);

#[derive(Debug)]
enum Slot {
    Empty,
    Ready {
        // Boxed: a response is ten times the size of the other variants.
        response: Box<OcspResponse>,
        until: OffsetDateTime,
    },
    Failed {
        error: RevocationError,
        until: OffsetDateTime,
    },
}

impl Slot {
    /// What the slot answers at `now`, if anything.
    fn answer(&self, now: OffsetDateTime) -> Option<Result<OcspResponse, RevocationError>> {
        match self {
            Slot::Ready { response, until } if now < *until => {
                Some(Ok(OcspResponse::clone(response)))
            }
            Slot::Failed { error, until } if now < *until => Some(Err(error.clone())),
            _ => None,
        }
    }

    fn until(&self) -> Option<OffsetDateTime> {
        match self {
            Slot::Empty => None,
            Slot::Ready { until, .. } | Slot::Failed { until, .. } => Some(*until),
        }
    }
}

impl OcspSources {
    pub(crate) fn new(
        cas: &[Ca],
        fetcher: Arc<dyn Fetcher>,
        max_age: std::time::Duration,
        max_bytes: usize,
    ) -> Self {
        OcspSources {
            cas: cas
                .iter()
                .map(|ca| Responder {
                    ca: ca.clone(),
                    health: Mutex::new(Health::new()),
                })
                .collect(),
            fetcher,
            max_age: Duration::try_from(max_age).unwrap_or(Duration::MAX),
            max_bytes,
            cache: Mutex::new(HashMap::new()),
            capacity: MAX_CACHED,
            random: ring::rand::SystemRandom::new(),
        }
    }

    /// The OCSP response about `certificate`, issued by `issuer`, from the cache or from the
    /// responder configured for `issuer`'s CA.
    pub async fn response_for(
        &self,
        certificate: &Certificate,
        issuer: &Certificate,
        now: OffsetDateTime,
    ) -> Result<OcspResponse, RevocationError> {
        let (index, responder) = self
            .cas
            .iter()
            .enumerate()
            .find(|(_, responder)| responder.ca.is(issuer))
            .ok_or_else(|| RevocationError::UnknownIssuer {
                issuer: issuer.subject(),
            })?;
        let url = responder.ca.sources.ocsp_url.as_deref().ok_or_else(|| {
            RevocationError::NoOcspResponder {
                ca: responder.ca.sources.name.clone(),
            }
        })?;
        let serial =
            der::serial(certificate.der()).ok_or_else(|| RevocationError::BadOcspResponse {
                url: url.to_owned(),
                reason: "the certificate's serial cannot be read".to_owned(),
            })?;

        let slot = self.slot((index, serial.clone()), now);
        let mut slot = slot.lock().await;
        if let Some(answer) = slot.answer(now) {
            return answer;
        }
        let result = self.fetch(url, certificate, issuer, &serial).await;
        let mut health = responder
            .health
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let name = &responder.ca.sources.name;
        *slot = match &result {
            Ok((response, until)) => {
                health.succeeded(SourceKind::Ocsp, name, url, now);
                if *until > now {
                    Slot::Ready {
                        response: Box::new(response.clone()),
                        until: *until,
                    }
                } else {
                    Slot::Empty
                }
            }
            Err(error) => {
                health.failed(SourceKind::Ocsp, name, url, &error.to_string());
                Slot::Failed {
                    error: error.clone(),
                    until: now.checked_add(FAILURE_HOLD).unwrap_or(now),
                }
            }
        };
        result.map(|(response, _)| response)
    }

    /// Whether any configured CA has an OCSP responder: without one there is nothing to ask,
    /// and a caller can skip finding the certificates to ask about.
    pub fn has_responders(&self) -> bool {
        self.cas
            .iter()
            .any(|responder| responder.ca.sources.ocsp_url.is_some())
    }

    /// Each CA's responder, for those that have one, in configuration order.
    pub fn status(&self) -> Vec<SourceStatus> {
        self.cas
            .iter()
            .filter_map(|responder| {
                let url = responder.ca.sources.ocsp_url.as_deref()?;
                let health = responder
                    .health
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                Some(health.status(SourceKind::Ocsp, &responder.ca.sources.name, url, None))
            })
            .collect()
    }

    /// One request and its checks: the response, and until when it may be cached.
    async fn fetch(
        &self,
        url: &str,
        certificate: &Certificate,
        issuer: &Certificate,
        serial: &[u8],
    ) -> Result<(OcspResponse, OffsetDateTime), RevocationError> {
        let mut nonce = [0u8; NONCE_LEN];
        ring::rand::SecureRandom::fill(&self.random, &mut nonce).map_err(|_| {
            RevocationError::BadOcspResponse {
                url: url.to_owned(),
                reason: "no randomness for the nonce".to_owned(),
            }
        })?;
        let request = signatures::ocsp_request(certificate, issuer, CertIdHash::Sha1, Some(&nonce));
        let body = self
            .fetcher
            .post(url, OCSP_REQUEST_TYPE, request, self.max_bytes)
            .await?;
        let bad = |reason: String| RevocationError::BadOcspResponse {
            url: url.to_owned(),
            reason,
        };
        let response = OcspResponse::from_der(&body).map_err(|e| bad(e.to_string()))?;
        let facts = der::ocsp_facts(&body, serial).map_err(|e| bad(e.to_owned()))?;
        // RFC 8954 §2.1: the response to a request with a nonce carries the same nonce; one
        // without it, or with another, may be an old answer replayed.
        if facts.nonce.as_deref() != Some(&nonce[..]) {
            return Err(RevocationError::NonceMismatch {
                url: url.to_owned(),
            });
        }
        let by_age = facts
            .this_update
            .checked_add(self.max_age)
            .unwrap_or(facts.this_update);
        let until = facts.next_update.map_or(by_age, |next| next.min(by_age));
        Ok((
            response.with_sent_nonce(nonce.to_vec()).with_source(url),
            until,
        ))
    }

    /// The slot of `key`, made (and the cache trimmed) when there is none. When the cache is
    /// full of slots in use, a slot outside the cache: the call still works, uncached.
    fn slot(&self, key: Key, now: OffsetDateTime) -> Arc<tokio::sync::Mutex<Slot>> {
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(slot) = cache.get(&key) {
            return slot.clone();
        }
        if cache.len() >= self.capacity {
            trim(&mut cache, self.capacity, now);
        }
        let slot = Arc::new(tokio::sync::Mutex::new(Slot::Empty));
        if cache.len() < self.capacity {
            cache.insert(key, slot.clone());
        }
        slot
    }
}

/// Drops expired idle slots; if the cache is still full, the idle ones expiring soonest, down
/// to three quarters of `capacity` (so that trimming is not done again at every insertion).
fn trim(
    cache: &mut HashMap<Key, Arc<tokio::sync::Mutex<Slot>>>,
    capacity: usize,
    now: OffsetDateTime,
) {
    // A slot is idle when no caller holds it: its mutex is free and only the cache has it.
    let mut idle: Vec<(Key, Option<OffsetDateTime>)> = cache
        .iter()
        .filter(|(_, slot)| Arc::strong_count(slot) == 1)
        .filter_map(|(key, slot)| slot.try_lock().ok().map(|s| (key.clone(), s.until())))
        .collect();
    idle.sort_by_key(|(_, until)| *until);
    let target = capacity - capacity / 4;
    for (key, until) in idle {
        let expired = until.is_none_or(|until| until <= now);
        if !expired && cache.len() <= target {
            break;
        }
        cache.remove(&key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn failed(until: OffsetDateTime) -> Arc<tokio::sync::Mutex<Slot>> {
        Arc::new(tokio::sync::Mutex::new(Slot::Failed {
            error: RevocationError::NoOcspResponder { ca: "A".to_owned() },
            until,
        }))
    }

    #[test]
    fn trimming_drops_expired_then_soonest_and_never_a_slot_in_use() {
        let now = datetime!(2021-06-01 0:00 UTC);
        let hour = Duration::hours(1);
        let mut cache = HashMap::new();
        cache.insert((0, vec![1]), failed(now - hour)); // expired
        cache.insert((0, vec![2]), failed(now + hour));
        cache.insert((0, vec![3]), failed(now + hour * 2));
        let in_use = failed(now - hour * 2); // expired, but a caller holds it
        cache.insert((0, vec![4]), in_use.clone());
        cache.insert((0, vec![5]), failed(now + hour * 3));
        cache.insert((0, vec![6]), failed(now + hour * 4));
        cache.insert((0, vec![7]), Arc::new(tokio::sync::Mutex::new(Slot::Empty)));
        cache.insert((0, vec![8]), failed(now + hour * 5));

        trim(&mut cache, 8, now);
        let mut left: Vec<u8> = cache.keys().map(|(_, serial)| serial[0]).collect();
        left.sort_unstable();
        // Down to 6 (three quarters of 8): the empty and expired ones, then none more needed.
        assert_eq!(left, vec![2, 3, 4, 5, 6, 8]);

        trim(&mut cache, 4, now);
        let mut left: Vec<u8> = cache.keys().map(|(_, serial)| serial[0]).collect();
        left.sort_unstable();
        // Down to 3: the soonest to expire go, the one in use stays.
        assert_eq!(left, vec![4, 6, 8]);
        drop(in_use);
    }
}
