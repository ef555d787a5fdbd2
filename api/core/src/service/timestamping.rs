//! The service's own timestamps (issue 15): a stored EDS signature that came without an RFC
//! 3161 token (NCALayer adds the NCA TSA's only when the frontend asks for it) is stamped by
//! the configured TSA (`TSA_URL`, off by default), so that a later check has a trusted time
//! for it rather than only the service's word of when it was received.
//!
//! It runs in the maintenance task, never on a request's path: a TSA that is slow or down
//! never slows or fails a signing. What is stamped is each signer's signature value (RFC 3161
//! Appendix A); the token is verified against that value by the verifier in force before it
//! is kept, content-addressed, as the signature's `TIMESTAMP_TOKEN` evidence.
//!
//! Two instances may stamp the same signature in the same minute; both tokens are genuine and
//! kept, so nothing needs a lock.

use crate::context::ServiceContext;
use crate::service::InternalError;
use entities::enums::{AuthMethod, EvidenceKind};
use entities::{evidence, signature_evidence, stored_signature};
use revocation::TimestampAuthority;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use signatures::Options;
use std::collections::HashSet;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// How far back signatures are stamped: a token obtained later says less (only that the
/// signature existed by then), and a TSA down for a day leaves those signatures to their
/// receipt time.
pub const STAMP_WINDOW: Duration = Duration::hours(24);

/// Most signatures stamped per run: each is one request to the TSA, one at a time, so a
/// backlog drains over a few runs instead of holding the maintenance task.
pub const STAMPS_PER_RUN: u64 = 20;

/// How far ahead of the service's clock a fresh token's genTime may be. A TSA keeps UTC to
/// within its declared accuracy (ETSI EN 319 421; a second is usual) and our own clock drifts
/// too; a token that answers our own nonce cannot have been made before we asked, so allowing
/// its time to be a little ahead of ours admits no old token. Without it, a run stamped nothing whenever a
/// second turned between the run's start and the TSA's answer.
pub const TSA_CLOCK_ALLOWANCE: Duration = Duration::minutes(1);

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stamped {
    /// Signatures that got a token.
    pub stamped: u64,
    /// Signatures the TSA gave no usable token for (tried again next run).
    pub failed: u64,
}

/// Whether a stored report's signers already have a trusted time from a token in the CMS.
fn has_timestamp(report: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(report)
        .ok()
        .and_then(|r| r.get("signers").and_then(|s| s.as_array()).cloned())
        .is_some_and(|signers| {
            !signers.is_empty()
                && signers
                    .iter()
                    .all(|s| s.get("timeSource").and_then(|t| t.as_str()) == Some("TIMESTAMP"))
        })
}

/// The EDS signatures received since `since` with neither a token in their CMS nor a token
/// of the service's, oldest first, at most [`STAMPS_PER_RUN`].
async fn unstamped(
    ctx: &ServiceContext,
    since: OffsetDateTime,
) -> Result<Vec<stored_signature::Model>, sea_orm::DbErr> {
    let candidates = stored_signature::Entity::find()
        .filter(stored_signature::Column::Method.eq(AuthMethod::Eds))
        .filter(stored_signature::Column::Valid.eq(true))
        .filter(stored_signature::Column::ReceivedAt.gte(since))
        .order_by_asc(stored_signature::Column::ReceivedAt)
        .limit(STAMPS_PER_RUN * 4)
        .all(&ctx.db)
        .await?;
    let ids: Vec<Uuid> = candidates.iter().map(|s| s.id).collect();
    let links = signature_evidence::Entity::find()
        .filter(signature_evidence::Column::SignatureId.is_in(ids))
        .all(&ctx.db)
        .await?;
    let tokens: HashSet<String> = evidence::Entity::find()
        .select_only()
        .column(evidence::Column::Digest)
        .filter(evidence::Column::Digest.is_in(links.iter().map(|l| l.digest.clone())))
        .filter(evidence::Column::Kind.eq(EvidenceKind::TimestampToken))
        .into_tuple::<String>()
        .all(&ctx.db)
        .await?
        .into_iter()
        .collect();
    let stamped: HashSet<Uuid> = links
        .into_iter()
        .filter(|link| tokens.contains(&link.digest))
        .map(|link| link.signature_id)
        .collect();
    Ok(candidates
        .into_iter()
        .filter(|s| !stamped.contains(&s.id) && !has_timestamp(&s.report))
        .take(STAMPS_PER_RUN as usize)
        .collect())
}

/// A verified token of `tsa` for each signer of `signature`, or why there is none.
async fn tokens_for(
    ctx: &ServiceContext,
    tsa: &TimestampAuthority,
    signature: &stored_signature::Model,
    now: OffsetDateTime,
) -> Result<Vec<Vec<u8>>, String> {
    let values = signatures::signature_values(&signature.cms).map_err(|e| e.to_string())?;
    let verifier = ctx.trust.snapshot().verifier;
    let mut tokens = Vec::new();
    for value in values {
        let token = tsa.stamp(&value).await.map_err(|e| e.to_string())?;
        // The token is judged when it arrived, not when the run began (`now`), with the
        // TSA's clock allowed to be a little ahead of ours.
        let arrived = ctx.clock.now().max(now);
        let mut options = Options::new(arrived + TSA_CLOCK_ALLOWANCE);
        options.require_revocation = ctx.trust.require_revocation;
        verifier
            .verify_timestamp_token(&token, Some(&value), &options)
            .map_err(|why| format!("the TSA's token does not count: {why}"))?;
        tokens.push(token);
    }
    Ok(tokens)
}

/// The maintenance task's step: stamps the signatures of the last [`STAMP_WINDOW`] that have
/// no trusted time yet.
pub async fn stamp_pending(
    ctx: &ServiceContext,
    tsa: &TimestampAuthority,
    now: OffsetDateTime,
) -> Result<Stamped, InternalError> {
    let mut done = Stamped::default();
    for signature in unstamped(ctx, now - STAMP_WINDOW).await? {
        match tokens_for(ctx, tsa, &signature, now).await {
            Ok(tokens) => {
                for token in tokens {
                    crate::service::signing::keep_evidence(
                        &ctx.db,
                        signature.id,
                        EvidenceKind::TimestampToken,
                        token,
                        now,
                    )
                    .await?;
                }
                done.stamped += 1;
            }
            Err(why) => {
                tracing::warn!(signature = %signature.id, tsa = tsa.url(), %why, "no timestamp from the TSA; tried again next run");
                done.failed += 1;
            }
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_with_every_signer_timestamped_needs_no_stamp() {
        assert!(has_timestamp(r#"{"signers":[{"timeSource":"TIMESTAMP"}]}"#));
        assert!(!has_timestamp(r#"{"signers":[{"timeSource":"GIVEN"}]}"#));
        assert!(!has_timestamp(
            r#"{"signers":[{"timeSource":"TIMESTAMP"},{"timeSource":"GIVEN"}]}"#
        ));
        assert!(!has_timestamp(r#"{"signers":[]}"#));
        assert!(!has_timestamp("not json"));
    }
}
