//! One budget per verification: every signature check (signers, certificate links, CRLs, and
//! later OCSP responses and timestamps) and every path-building step is paid from it, so that
//! no CMS, however it is built, makes the verifier work more than a bounded amount.
//!
//! Where the numbers come from. An honest CMS from NCALayer has one signer, or a few (an owner
//! and co-owners), over NCA RK's three-certificate paths with one or two CRLs: at most 2 + 2k
//! signature checks for k signers. The largest honest CMS the crate accepts has 64 signers
//! (`cms::MAX_SIGNERS`) with their own certificates: 64 signer checks, 64 leaf links, a few
//! CA links and CRL checks, about 140. The budget doubles that, 256 checks (rustls-webpki's
//! budget is 100 per path; ours is per verification and covers everything). A check costs at
//! most ~0.3 ms (RSA-8192, the largest key accepted), so the budget bounds signature work near
//! 80 ms in the worst case and about 10 ms for RSA-2048 keys. Path steps (a candidate issuer
//! considered for a certificate) are cheap (a name comparison and a table lookup, about a
//! microsecond): 8192 of them let each of 64 signers consider each of the CMS's 128
//! certificates (`cms::MAX_EMBEDDED`) once, and cost under 10 ms.
//!
//! Results kept between verifications (the link-signature cache) count as checks too, so a
//! verdict never depends on what the cache happens to hold. Results of this verification
//! (a link or CRL already checked for an earlier signer) are free: they are the same in every
//! run of the same input.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

/// Most signature checks in one verification (see the module documentation).
pub(crate) const MAX_SIGNATURE_CHECKS: u32 = 256;
/// Most path-building steps in one verification (see the module documentation).
pub(crate) const MAX_PATH_STEPS: u32 = 8192;

/// What a verification spent: signature checks and path-building steps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Work {
    /// Signature checks paid (computed or taken from the cache kept between verifications).
    pub signature_checks: u32,
    /// Path-building steps: candidate issuers considered for a certificate.
    pub path_steps: u32,
}

/// A link's identity: (SHA-256 of the issuer's key, SHA-256 of the certificate).
pub(crate) type LinkKey = ([u8; 32], [u8; 32]);

/// The budget of one verification, and the link results it already paid for.
#[derive(Debug, Default)]
pub(crate) struct Budget {
    spent: Cell<Work>,
    exhausted: Cell<bool>,
    /// Link results of this verification (free to reuse, see the module documentation).
    pub links: RefCell<HashMap<LinkKey, bool>>,
}

impl Budget {
    /// Pays for one signature check; `false` (and the budget is exhausted) when none is left.
    pub fn signature_check(&self) -> bool {
        let mut work = self.spent.get();
        if self.exhausted.get() || work.signature_checks >= MAX_SIGNATURE_CHECKS {
            self.exhausted.set(true);
            return false;
        }
        work.signature_checks += 1;
        self.spent.set(work);
        true
    }

    /// Pays for one path-building step; `false` (and the budget is exhausted) when none is left.
    pub fn path_step(&self) -> bool {
        let mut work = self.spent.get();
        if self.exhausted.get() || work.path_steps >= MAX_PATH_STEPS {
            self.exhausted.set(true);
            return false;
        }
        work.path_steps += 1;
        self.spent.set(work);
        true
    }

    /// Whether some work was refused: the verdict of whatever needed it was not reached.
    pub fn exhausted(&self) -> bool {
        self.exhausted.get()
    }

    /// What was spent so far.
    pub fn work(&self) -> Work {
        self.spent.get()
    }
}
