//! DataLoaders, made per request: nested lists and per-node lookups of a page cost a constant
//! number of SQL statements, not one or two per node. Loaders only load; whether the caller may
//! see a parent was decided by the policy before the parent was resolved.

use async_graphql::dataloader::{DataLoader, Loader};
use entities::{
    application_status_change, check_result, decision, document, registration, stored_signature,
};
use registration_core::ServiceContext;
use registration_core::service::applications::{self, draft::AddressChoice};
use registration_core::service::property;
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// A loader failed; the cause is logged where it happened.
#[derive(Debug, Clone)]
pub struct LoadFailed;

/// The first changes of an application's history (a page that starts at the beginning).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FirstHistory {
    pub application: Uuid,
    /// How many changes, the page size plus one (to learn whether another page follows).
    pub limit: u64,
}

/// Loads history pages and registry answers for one request.
#[derive(Debug)]
pub struct Loaders {
    service: ServiceContext,
}

impl Loader<FirstHistory> for Loaders {
    type Value = Arc<Vec<application_status_change::Model>>;
    type Error = LoadFailed;

    async fn load(
        &self,
        keys: &[FirstHistory],
    ) -> Result<HashMap<FirstHistory, Self::Value>, Self::Error> {
        let mut by_limit: HashMap<u64, Vec<Uuid>> = HashMap::new();
        for key in keys {
            by_limit.entry(key.limit).or_default().push(key.application);
        }
        let mut loaded = HashMap::new();
        // One statement per distinct page size: in practice one.
        for (limit, ids) in by_limit {
            let pages = applications::first_history_of_each(&self.service, &ids, limit)
                .await
                .map_err(|error| {
                    tracing::error!(error = %error.chain(), "loading histories failed");
                    LoadFailed
                })?;
            for (application, rows) in pages {
                loaded.insert(FirstHistory { application, limit }, Arc::new(rows));
            }
        }
        Ok(loaded)
    }
}

/// How many status changes an application has (its history's `totalCount`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HistoryCount(pub Uuid);

impl Loader<HistoryCount> for Loaders {
    type Value = u64;
    type Error = LoadFailed;

    async fn load(&self, keys: &[HistoryCount]) -> Result<HashMap<HistoryCount, u64>, LoadFailed> {
        let ids: Vec<Uuid> = keys.iter().map(|key| key.0).collect();
        let counts = applications::history_counts(&self.service, &ids)
            .await
            .map_err(|error| {
                tracing::error!(error = %error.chain(), "counting histories failed");
                LoadFailed
            })?;
        Ok(counts
            .into_iter()
            .map(|(application, count)| (HistoryCount(application), count))
            .collect())
    }
}

/// The signature that submitted an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SubmissionSignature(pub Uuid);

impl Loader<SubmissionSignature> for Loaders {
    type Value = Arc<stored_signature::Model>;
    type Error = LoadFailed;

    async fn load(
        &self,
        keys: &[SubmissionSignature],
    ) -> Result<HashMap<SubmissionSignature, Self::Value>, LoadFailed> {
        let ids: Vec<Uuid> = keys.iter().map(|key| key.0).collect();
        let found = applications::submission_signatures(&self.service, &ids)
            .await
            .map_err(|error| {
                tracing::error!(error = %error.chain(), "loading signatures failed");
                LoadFailed
            })?;
        Ok(found
            .into_iter()
            .map(|(id, row)| (SubmissionSignature(id), Arc::new(row)))
            .collect())
    }
}

/// What each application has zero or one of (or a list of), loaded for a page of applications
/// in one statement: the key type of one such loader. Absence is a value too (`None`, an empty
/// list), so that it is cached like the rest.
pub trait OfApplication: Copy + Eq + std::hash::Hash + Send + Sync + 'static {
    /// What one application has.
    type Value: Default + Clone + Send + Sync + 'static;
    /// The field of `Application` that reads it: the page primes it when it is selected.
    const FIELD: &'static str;
    fn new(application: Uuid) -> Self;
    fn application(self) -> Uuid;
    /// The values of these applications (an application without one is absent).
    fn fetch(
        service: &ServiceContext,
        ids: &[Uuid],
    ) -> impl Future<Output = Result<HashMap<Uuid, Self::Value>, String>> + Send;
}

impl<K: OfApplication> Loader<K> for Loaders {
    type Value = K::Value;
    type Error = LoadFailed;

    async fn load(&self, keys: &[K]) -> Result<HashMap<K, K::Value>, LoadFailed> {
        let ids: Vec<Uuid> = keys.iter().map(|key| key.application()).collect();
        fetch_all::<K>(&self.service, &ids).await
    }
}

/// Every application's value, absent ones as `K::Value::default()`.
async fn fetch_all<K: OfApplication>(
    service: &ServiceContext,
    ids: &[Uuid],
) -> Result<HashMap<K, K::Value>, LoadFailed> {
    let mut found = K::fetch(service, ids).await.map_err(|error| {
        tracing::error!(%error, field = K::FIELD, "loading a page's applications' values failed");
        LoadFailed
    })?;
    Ok(ids
        .iter()
        .map(|id| (K::new(*id), found.remove(id).unwrap_or_default()))
        .collect())
}

/// Declares a key type of [`OfApplication`]: its name, value, field and fetch.
macro_rules! of_application {
    ($(#[$doc:meta])* $key:ident, $value:ty, $field:literal, $fetch:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub Uuid);

        impl OfApplication for $key {
            type Value = $value;
            const FIELD: &'static str = $field;
            fn new(application: Uuid) -> Self {
                $key(application)
            }
            fn application(self) -> Uuid {
                self.0
            }
            fn fetch(
                service: &ServiceContext,
                ids: &[Uuid],
            ) -> impl Future<Output = Result<HashMap<Uuid, Self::Value>, String>> + Send {
                ($fetch)(service.clone(), ids.to_vec())
            }
        }
    };
}

of_application!(
    /// The decision on an application.
    ApplicationDecision,
    Option<Arc<decision::Model>>,
    "decision",
    async |service: ServiceContext, ids: Vec<Uuid>| {
        registration_core::service::review::decisions_of(&service, &ids)
            .await
            .map(|found| found.into_iter().map(|(id, row)| (id, Some(Arc::new(row)))).collect())
            .map_err(|error| error.chain())
    }
);

of_application!(
    /// The latest check results of an application (the resolver decides who sees them).
    ApplicationChecks,
    Arc<Vec<check_result::Model>>,
    "checks",
    async |service: ServiceContext, ids: Vec<Uuid>| {
        registration_core::service::review::checks::latest_of(&service.db, &ids)
            .await
            .map(|found| found.into_iter().map(|(id, rows)| (id, Arc::new(rows))).collect())
            .map_err(|error| error.to_string())
    }
);

of_application!(
    /// The documents of an application that count (the resolver decides who sees them).
    ApplicationDocuments,
    Arc<Vec<document::Model>>,
    "documents",
    async |service: ServiceContext, ids: Vec<Uuid>| {
        registration_core::service::documents::of_applications(&service.db, &ids)
            .await
            .map(|found| found.into_iter().map(|(id, rows)| (id, Arc::new(rows))).collect())
            .map_err(|error| error.to_string())
    }
);

of_application!(
    /// The registration an application resulted in.
    ApplicationRegistration,
    Option<Arc<registration::Model>>,
    "registration",
    async |service: ServiceContext, ids: Vec<Uuid>| {
        registration_core::service::review::registrations::of_applications(&service, &ids)
            .await
            .map(|found| found.into_iter().map(|(id, row)| (id, Some(Arc::new(row)))).collect())
            .map_err(|error| error.chain())
    }
);

/// Primes the loader of `K` for a page's applications, when its field is selected.
async fn prime<K: OfApplication>(
    loaders: &RequestLoaders,
    node: &async_graphql::Lookahead<'_>,
    ids: &[Uuid],
) -> Result<(), LoadFailed> {
    if node.field(K::FIELD).exists() {
        let found = fetch_all::<K>(&loaders.loader().service, ids).await?;
        loaders.feed_many(found).await;
    }
    Ok(())
}

impl Loader<AddressChoice> for Loaders {
    type Value = bool;
    type Error = LoadFailed;

    async fn load(
        &self,
        keys: &[AddressChoice],
    ) -> Result<HashMap<AddressChoice, bool>, LoadFailed> {
        property::addresses_exist(&self.service, keys)
            .await
            .map_err(|error| {
                tracing::error!(error = %error.chain(), "looking addresses up failed");
                LoadFailed
            })
    }
}

/// The subject of an event: what changed status, by its kind and id (for a registration, its
/// application).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventSubject {
    Application(Uuid),
    Consent(Uuid),
    Appeal(Uuid),
}

/// A loaded subject.
#[derive(Debug, Clone)]
#[allow(
    clippy::large_enum_variant,
    reason = "a loaded row lives only while one response is written"
)]
pub enum SubjectRow {
    Application(entities::application::Model),
    Consent(entities::consent::Model),
    Appeal(entities::appeal::Model),
}

impl Loader<EventSubject> for Loaders {
    type Value = SubjectRow;
    type Error = LoadFailed;

    /// One statement per kind for a page of events.
    async fn load(
        &self,
        keys: &[EventSubject],
    ) -> Result<HashMap<EventSubject, SubjectRow>, LoadFailed> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let failed = |error: sea_orm::DbErr| {
            tracing::error!(error = %error, "loading events' subjects failed");
            LoadFailed
        };
        let ids = |wanted: fn(&EventSubject) -> Option<Uuid>| -> Vec<Uuid> {
            keys.iter().filter_map(wanted).collect()
        };
        let mut loaded = HashMap::new();
        let applications = ids(|k| match k {
            EventSubject::Application(id) => Some(*id),
            _ => None,
        });
        if !applications.is_empty() {
            for row in entities::application::Entity::find()
                .filter(entities::application::Column::Id.is_in(applications))
                .all(&self.service.db)
                .await
                .map_err(failed)?
            {
                loaded.insert(
                    EventSubject::Application(row.id),
                    SubjectRow::Application(row),
                );
            }
        }
        let consents = ids(|k| match k {
            EventSubject::Consent(id) => Some(*id),
            _ => None,
        });
        if !consents.is_empty() {
            for row in entities::consent::Entity::find()
                .filter(entities::consent::Column::Id.is_in(consents))
                .all(&self.service.db)
                .await
                .map_err(failed)?
            {
                loaded.insert(EventSubject::Consent(row.id), SubjectRow::Consent(row));
            }
        }
        let appeals = ids(|k| match k {
            EventSubject::Appeal(id) => Some(*id),
            _ => None,
        });
        if !appeals.is_empty() {
            for row in entities::appeal::Entity::find()
                .filter(entities::appeal::Column::Id.is_in(appeals))
                .all(&self.service.db)
                .await
                .map_err(failed)?
            {
                loaded.insert(EventSubject::Appeal(row.id), SubjectRow::Appeal(row));
            }
        }
        Ok(loaded)
    }
}

/// The request's loaders.
pub type RequestLoaders = DataLoader<Loaders, async_graphql::dataloader::HashMapCache>;

/// New loaders for one request.
pub fn for_request(service: &ServiceContext) -> RequestLoaders {
    // With a cache (for this request only), so that what a parent primed is not loaded again.
    DataLoader::with_cache(
        Loaders {
            service: service.clone(),
        },
        actix_web::rt::spawn,
        async_graphql::dataloader::HashMapCache::default(),
    )
}

/// Primes the loaders for a page of applications, from what the query selects below it: the
/// registry's answers for every address, the first page of every history and every history's
/// length. The loaders
/// would batch these too, but a batch closes after a short delay, so how many statements a page
/// costs would depend on how fast its nodes resolve; primed, it is constant.
pub async fn prime_for_applications(
    ctx: &async_graphql::Context<'_>,
    rows: &[entities::application::Model],
) -> async_graphql::Result<()> {
    let (Ok(loaders), Ok(request)) = (
        ctx.data::<RequestLoaders>(),
        ctx.data::<crate::graphql::context::RequestContext>(),
    ) else {
        return Ok(());
    };
    let locale = request.locale;
    let service = &loaders.loader().service;
    let node = ctx.look_ahead().field("edges").field("node");
    if node.field("missingRequirements").exists() {
        let addresses: Vec<AddressChoice> = rows
            .iter()
            .filter_map(property::address_of)
            .collect::<std::collections::HashSet<_>>()
            .into_iter()
            .collect();
        let found = property::addresses_exist(service, &addresses)
            .await
            .map_err(|e| crate::graphql::errors::internal(e, locale))?;
        loaders.feed_many(found).await;
    }
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let failed = |_| {
        crate::graphql::errors::api_error(crate::graphql::errors::ApiErrorCode::Internal, locale)
    };
    let primed = async {
        prime::<ApplicationDecision>(loaders, &node, &ids).await?;
        prime::<ApplicationChecks>(loaders, &node, &ids).await?;
        prime::<ApplicationDocuments>(loaders, &node, &ids).await?;
        prime::<ApplicationRegistration>(loaders, &node, &ids).await
    };
    primed.await.map_err(failed)?;
    if node.field("history").field("totalCount").exists() {
        let counts = applications::history_counts(service, &ids)
            .await
            .map_err(|e| crate::graphql::errors::internal(e, locale))?;
        loaders
            .feed_many(
                counts
                    .into_iter()
                    .map(|(id, count)| (HistoryCount(id), count)),
            )
            .await;
    }
    if node.field("signature").exists() {
        let found = applications::submission_signatures(service, &ids)
            .await
            .map_err(|e| crate::graphql::errors::internal(e, locale))?;
        loaders
            .feed_many(
                found
                    .into_iter()
                    .map(|(id, row)| (SubmissionSignature(id), Arc::new(row))),
            )
            .await;
    }
    for history in node.field("history").selection_fields() {
        let arguments = history.arguments()?;
        if arguments
            .iter()
            .any(|(name, value)| name.as_str() == "after" && *value != async_graphql::Value::Null)
        {
            continue;
        }
        let first = arguments
            .iter()
            .find(|(name, _)| name.as_str() == "first")
            .and_then(|(_, value)| match value {
                async_graphql::Value::Number(n) => n.as_u64(),
                _ => None,
            })
            .unwrap_or(20)
            .clamp(1, 100);
        let limit = first + 1;
        let pages = applications::first_history_of_each(service, &ids, limit)
            .await
            .map_err(|e| crate::graphql::errors::internal(e, locale))?;
        loaders
            .feed_many(
                pages.into_iter().map(|(application, rows)| {
                    (FirstHistory { application, limit }, Arc::new(rows))
                }),
            )
            .await;
    }
    Ok(())
}
