//! Applications in GraphQL: the `Application` node, `application`, `myApplications`,
//! `propertyLookup`, and the draft mutations.

use super::context::{request, service, signed_in};
use super::enums::{
    ActorRole, ApplicationStatus, ArrivalIdentityDocument, DeregistrationProof, RefusalGround,
    RegistrationKind, Representation, RequirementCode,
};
use super::errors::{UserError, UserErrorCode, internal, limit_exceeded, rate_limited};
use super::ids;
use super::locale::Locale;
use super::pagination::{Cursor, PageInfo, page_size};
use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use entities::{application, application_status_change};
use registration_core::domain::{
    self, Area, CountryCode, Iin, MultilineText, RegistrationPeriod, Rka, Text,
};
use registration_core::policy::Operation;
use registration_core::service::applications::draft::{
    self, AddressChoice, Arrival, DraftChanges, DraftField, RepresentationDocument,
    missing_requirements,
};
use registration_core::service::applications::{self, DraftError};
use registration_core::service::property::{self, LookupAnswer, LookupError};
use std::sync::atomic::Ordering;
use time::OffsetDateTime;

/// The kind name inside an application's global ID.
pub const KIND: &str = "Application";

/// An application for registration at the place of residence.
#[derive(Debug, Clone)]
pub struct Application(pub application::Model);

/// The address of an application, as the applicant gave it.
#[derive(SimpleObject, Debug)]
pub struct ApplicationAddress {
    /// The address registration code (RKA), when given.
    pub rka: Option<String>,
    /// The owner's IIN, when the address is given by owner and area.
    pub owner_iin: Option<String>,
    /// The area in m², two decimals, when given with the owner's IIN.
    pub area: Option<String>,
}

/// One thing that blocks submission.
#[derive(SimpleObject, Debug)]
pub struct MissingRequirement {
    /// The input field concerned, e.g. `["input", "periodMonths"]`.
    pub field: Vec<String>,
    /// What is missing.
    pub code: RequirementCode,
    /// The same, for people.
    pub message: String,
}

/// One status change.
#[derive(SimpleObject, Debug)]
pub struct StatusChange {
    /// The previous status (null for the draft's creation).
    pub from: Option<ApplicationStatus>,
    /// The new status.
    pub to: ApplicationStatus,
    /// Who made the change.
    pub actor_role: ActorRole,
    /// Why, when a reason was given.
    pub reason: Option<String>,
    /// When.
    pub at: OffsetDateTime,
}

/// An edge of the status history.
#[derive(SimpleObject, Debug)]
pub struct StatusChangeEdge {
    /// The change.
    pub node: StatusChange,
    /// Its cursor.
    pub cursor: String,
}

/// A page of the status history, oldest first.
#[derive(SimpleObject, Debug)]
pub struct StatusChangeConnection {
    /// The changes on this page.
    pub edges: Vec<StatusChangeEdge>,
    /// Paging information.
    pub page_info: PageInfo,
}

/// The input path of a draft field.
pub(crate) fn field_path(field: DraftField) -> &'static [&'static str] {
    match field {
        DraftField::Kind => &["input", "kind"],
        DraftField::PeriodMonths => &["input", "periodMonths"],
        DraftField::Address => &["input", "address"],
        DraftField::RepresentationSubjectIin => &["input", "representation", "subjectIin"],
        DraftField::RepresentationDocument => &["input", "representation", "document"],
        DraftField::PersonalDataConsent => &["input", "personalDataConsent"],
    }
}

pub(crate) fn requirement_message(code: RequirementCode, locale: Locale) -> &'static str {
    use RequirementCode as R;
    let (kk, ru, en) = match code {
        R::KindMissing => (
            "Тіркеу түрін таңдаңыз.",
            "Выберите вид регистрации.",
            "Choose the kind of registration.",
        ),
        R::PeriodMissing => (
            "Уақытша тіркеу мерзімін көрсетіңіз (1-12 ай).",
            "Укажите срок временной регистрации (1–12 месяцев).",
            "Give the temporary registration period (1-12 months).",
        ),
        R::AddressMissing => (
            "Мекенжайды көрсетіңіз: МТК коды немесе меншік иесінің ЖСН мен ауданы.",
            "Укажите адрес: код РКА или ИИН собственника и площадь.",
            "Give the address: its RKA code, or the owner's IIN and the area.",
        ),
        R::AddressNotFound => (
            "Мекенжай жылжымайтын мүлік тізілімінде табылмады.",
            "Адрес не найден в реестре недвижимости.",
            "The address was not found in the property registry.",
        ),
        R::SubjectIinMissing => (
            "Өкіл ұсынылатын адамның ЖСН-ін көрсетуі керек.",
            "Представитель должен указать ИИН представляемого.",
            "A representative must give the represented person's IIN.",
        ),
        R::RepresentationDocumentMissing => (
            "Өкілеттікті растайтын құжатты көрсетіңіз.",
            "Укажите документ, подтверждающий полномочия.",
            "Give the document that gives you authority.",
        ),
        R::SubjectAgeNotAllowed => (
            "Заңды өкіл арқылы тек 14-16 жастағы балалар тіркеледі.",
            "Через законного представителя регистрируются дети 14–16 лет.",
            "Only children aged 14 to 16 apply through a legal representative.",
        ),
        R::PermanentRequiresDeregistrationProof => (
            "Есептен шығу құжатынсыз тек уақытша тіркеу мүмкін.",
            "Без документа о снятии с учёта возможна только временная регистрация.",
            "Without de-registration proof only temporary registration is possible.",
        ),
        R::PersonalDataConsentUnanswered => (
            "Дербес деректерге қол жеткізуге келісім туралы жауап беріңіз.",
            "Ответьте, согласны ли вы на доступ к персональным данным.",
            "Answer whether you consent to access to personal data.",
        ),
    };
    locale.pick(kk, ru, en)
}

/// An application for registration at the place of residence.
#[Object]
impl Application {
    /// The opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(KIND, self.0.id)
    }

    /// The human-readable number, e.g. `26-K7QF-2M9X`.
    async fn number(&self) -> &str {
        &self.0.number
    }

    /// The current status.
    async fn status(&self) -> Option<ApplicationStatus> {
        Some(domain::ApplicationStatus::from(self.0.status).into())
    }

    /// The current status for people, in the request's language.
    async fn status_label(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<&'static str>> {
        let locale = request(ctx)?.locale;
        let (kk, ru, en) = domain::ApplicationStatus::from(self.0.status).label();
        Ok(Some(locale.pick(kk, ru, en)))
    }

    /// The version, to pass back with every change (optimistic concurrency).
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// Permanent or temporary registration (null while not chosen).
    async fn kind(&self) -> Option<RegistrationKind> {
        self.0.kind.map(|k| draft::RegistrationKind::from(k).into())
    }

    /// The period of a temporary registration, in months.
    async fn period_months(&self) -> Option<i32> {
        self.0.period_months
    }

    /// The address as given.
    async fn address(&self) -> ApplicationAddress {
        ApplicationAddress {
            rka: self.0.address_rka.clone(),
            owner_iin: self.0.address_owner_iin.clone(),
            area: self
                .0
                .address_area_hundredths
                .and_then(|h| Area::from_hundredths(h).ok())
                .map(|a| a.to_string()),
        }
    }

    /// In whose name the application is filed.
    async fn representation(&self) -> Option<Representation> {
        Some(draft::Representation::from(self.0.representation).into())
    }

    /// The IIN of the person to register.
    async fn subject_iin(&self) -> Option<&str> {
        self.0.subject_iin.as_deref()
    }

    /// Whether the person to register has refugee status.
    async fn refugee(&self) -> bool {
        self.0.refugee
    }

    /// The consent to access restricted personal data (null while unanswered).
    async fn personal_data_consent(&self) -> Option<bool> {
        self.0.personal_data_consent
    }

    /// The ground of refusal, when refused.
    async fn refusal_ground(&self) -> Option<RefusalGround> {
        self.0
            .refusal_ground
            .map(|g| domain::RefusalGround::from(g).into())
    }

    /// When the draft was created.
    async fn created_at(&self) -> OffsetDateTime {
        self.0.created_at
    }

    /// When it last changed.
    async fn updated_at(&self) -> OffsetDateTime {
        self.0.updated_at
    }

    /// When it was submitted.
    async fn submitted_at(&self) -> Option<OffsetDateTime> {
        self.0.submitted_at
    }

    /// What still blocks submission (empty when it can be submitted).
    async fn missing_requirements(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<MissingRequirement>> {
        let locale = request(ctx)?.locale;
        let service = service(ctx)?;
        let address_found = property::address_exists(service, &self.0)
            .await
            .map_err(|e| internal(e, locale))?;
        let today = service.clock.now();
        let missing = missing_requirements(
            &self.0,
            address_found,
            (today.year(), u8::from(today.month()), today.day()),
        );
        Ok(missing
            .into_iter()
            .map(|m| MissingRequirement {
                field: field_path(m.field)
                    .iter()
                    .map(|f| (*f).to_owned())
                    .collect(),
                code: m.code.into(),
                message: requirement_message(m.code.into(), locale).to_owned(),
            })
            .collect())
    }

    /// The status changes, oldest first.
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many changes (1 to 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "The cursor after which to start.")] after: Option<String>,
    ) -> async_graphql::Result<StatusChangeConnection> {
        let locale = request(ctx)?.locale;
        let limit = page_size(first, locale)?;
        let after = after.map(|c| Cursor::decode(&c, locale)).transpose()?;
        let mut rows = applications::page_of_history(
            service(ctx)?,
            self.0.id,
            after.map(|c| (c.at, c.id)),
            limit + 1,
        )
        .await
        .map_err(|e| internal(e, locale))?;
        let has_next_page = rows.len() as u64 > limit;
        rows.truncate(limit as usize);
        let edges: Vec<StatusChangeEdge> = rows
            .into_iter()
            .map(|row| StatusChangeEdge {
                cursor: Cursor {
                    at: row.at,
                    id: row.id,
                }
                .encode(),
                node: status_change(row),
            })
            .collect();
        Ok(StatusChangeConnection {
            page_info: PageInfo::new(
                &edges.iter().map(|e| e.cursor.clone()).collect::<Vec<_>>(),
                has_next_page,
            ),
            edges,
        })
    }
}

fn status_change(row: application_status_change::Model) -> StatusChange {
    StatusChange {
        from: row
            .from_status
            .map(|s| domain::ApplicationStatus::from(s).into()),
        to: domain::ApplicationStatus::from(row.to_status).into(),
        actor_role: domain::ActorRole::from(row.actor_role).into(),
        reason: row.reason,
        at: row.at,
    }
}

/// An address given by RKA, or by the owner's IIN and the area.
#[derive(InputObject, Debug, Clone)]
pub struct AddressInput {
    /// The address registration code (digits).
    pub rka: Option<String>,
    /// The owner's IIN (with `area`).
    pub owner_iin: Option<String>,
    /// The area of the real-estate object in m², up to two decimals (with `ownerIin`).
    pub area: Option<String>,
}

/// The representative's document.
#[derive(InputObject, Debug, Clone)]
pub struct RepresentationDocumentInput {
    /// What it is, e.g. "birth certificate", "guardianship decision", "power of attorney".
    pub kind: String,
    /// Its number.
    pub number: String,
    /// When it was issued (YYYY-MM-DD).
    pub issued_on: String,
    /// Who issued it (for a power of attorney: the notary).
    pub issuer: String,
}

/// In whose name the application is filed.
#[derive(InputObject, Debug, Clone)]
pub struct RepresentationInput {
    /// Self, or the kind of representation.
    pub kind: Representation,
    /// The represented person's IIN (not for `SELF_APPLICANT`).
    pub subject_iin: Option<String>,
    /// The document that gives the representative authority.
    pub document: Option<RepresentationDocumentInput>,
}

/// Arrival from abroad for permanent residence.
#[derive(InputObject, Debug, Clone)]
pub struct ArrivalFromAbroadInput {
    /// The country of former residence (ISO 3166-1 alpha-2).
    pub country: String,
    /// The identity document.
    pub identity_document: ArrivalIdentityDocument,
    /// Its number.
    pub identity_document_number: String,
    /// The proof of de-registration, if any (without it, registration is only temporary).
    pub deregistration_proof: Option<DeregistrationProof>,
}

/// Input of `createApplication`. Everything may be left out: a draft may be incomplete.
#[derive(InputObject, Debug, Default)]
pub struct CreateApplicationInput {
    /// Permanent or temporary registration.
    pub kind: Option<RegistrationKind>,
    /// For temporary registration: 1 to 12 months.
    pub period_months: Option<i32>,
    /// The address.
    pub address: Option<AddressInput>,
    /// In whose name (default: the applicant themself).
    pub representation: Option<RepresentationInput>,
    /// Arrival from abroad, if so.
    pub arrival_from_abroad: Option<ArrivalFromAbroadInput>,
    /// Whether the person to register has refugee status.
    pub refugee: Option<bool>,
    /// Consent to access restricted personal data.
    pub personal_data_consent: Option<bool>,
    /// A key of the client's choosing: a retry with the same key returns the same draft.
    pub idempotency_key: Option<String>,
}

/// Input of `updateApplication`: fields left out stay as they are; fields set to null are cleared.
#[derive(InputObject, Debug)]
pub struct UpdateApplicationInput {
    /// The application's global ID.
    pub id: ID,
    /// The version the change is based on.
    pub version: i32,
    /// Permanent or temporary registration.
    pub kind: MaybeUndefined<RegistrationKind>,
    /// For temporary registration: 1 to 12 months.
    pub period_months: MaybeUndefined<i32>,
    /// The address.
    pub address: MaybeUndefined<AddressInput>,
    /// In whose name.
    pub representation: Option<RepresentationInput>,
    /// Arrival from abroad.
    pub arrival_from_abroad: MaybeUndefined<ArrivalFromAbroadInput>,
    /// Refugee status.
    pub refugee: Option<bool>,
    /// Consent to access restricted personal data.
    pub personal_data_consent: MaybeUndefined<bool>,
}

/// Input of `withdrawApplication`.
#[derive(InputObject, Debug)]
pub struct WithdrawApplicationInput {
    /// The application's global ID.
    pub id: ID,
    /// The version the withdrawal is based on.
    pub version: i32,
    /// Why, optionally.
    pub reason: Option<String>,
}

/// Result of an application mutation.
#[derive(SimpleObject, Debug)]
pub struct ApplicationPayload {
    /// The application as it is now (null when the mutation was refused before finding it).
    pub application: Option<Application>,
    /// Why the mutation was refused.
    pub user_errors: Vec<UserError>,
}

/// Collects validation errors while parsing an input.
struct Validation {
    locale: Locale,
    /// Today, from the service's clock: documents are not issued in the future.
    today: time::Date,
    errors: Vec<UserError>,
}

impl Validation {
    fn new(ctx: &Context<'_>, locale: Locale) -> async_graphql::Result<Self> {
        Ok(Validation {
            locale,
            today: service(ctx)?.clock.now().date(),
            errors: Vec::new(),
        })
    }
}

impl Validation {
    fn bad(&mut self, field: &[&str], detail: impl std::fmt::Display) {
        let detail = detail.to_string();
        self.errors.push(UserError::new(
            UserErrorCode::BadUserInput,
            field,
            self.locale,
            Some(&detail),
        ));
    }

    fn period(&mut self, months: Option<i32>) -> Option<RegistrationPeriod> {
        let months = months?;
        RegistrationPeriod::parse(i64::from(months))
            .map_err(|e| self.bad(&["input", "periodMonths"], e))
            .ok()
    }

    fn address(&mut self, input: AddressInput) -> Option<AddressChoice> {
        match (input.rka, input.owner_iin, input.area) {
            (Some(rka), None, None) => Rka::parse(&rka)
                .map(AddressChoice::ByRka)
                .map_err(|e| self.bad(&["input", "address", "rka"], e))
                .ok(),
            (None, Some(iin), Some(area)) => {
                let iin = Iin::parse(&iin)
                    .map_err(|e| self.bad(&["input", "address", "ownerIin"], e))
                    .ok();
                let area = Area::parse(&area)
                    .map_err(|e| self.bad(&["input", "address", "area"], e))
                    .ok();
                Some(AddressChoice::ByOwner(iin?, area?))
            }
            _ => {
                self.bad(
                    &["input", "address"],
                    "give either rka, or ownerIin and area",
                );
                None
            }
        }
    }

    fn text(&mut self, field: &[&str], input: &str, max_chars: usize) -> Option<Text> {
        Text::parse(input, max_chars)
            .map_err(|e| self.bad(field, e))
            .ok()
    }

    fn representation(
        &mut self,
        input: RepresentationInput,
    ) -> Option<(
        draft::Representation,
        Option<String>,
        Option<RepresentationDocument>,
    )> {
        let kind = draft::Representation::from(input.kind);
        let subject = match (kind, input.subject_iin) {
            (draft::Representation::SelfApplicant, Some(_)) => {
                self.bad(
                    &["input", "representation", "subjectIin"],
                    "only a representative names another person",
                );
                return None;
            }
            (_, Some(iin)) => Some(
                Iin::parse(&iin)
                    .map_err(|e| self.bad(&["input", "representation", "subjectIin"], e))
                    .ok()?
                    .as_str()
                    .to_owned(),
            ),
            (_, None) => None,
        };
        let document = match input.document {
            None => None,
            Some(d) => {
                const DOCUMENT: [&str; 3] = ["input", "representation", "document"];
                let kind = self.text(
                    &[DOCUMENT[0], DOCUMENT[1], DOCUMENT[2], "kind"],
                    &d.kind,
                    200,
                );
                let number = self.text(
                    &[DOCUMENT[0], DOCUMENT[1], DOCUMENT[2], "number"],
                    &d.number,
                    100,
                );
                let issuer = self.text(
                    &[DOCUMENT[0], DOCUMENT[1], DOCUMENT[2], "issuer"],
                    &d.issuer,
                    300,
                );
                let issued_on = domain::IssueDate::parse(&d.issued_on, self.today)
                    .map_err(|e| self.bad(&[DOCUMENT[0], DOCUMENT[1], DOCUMENT[2], "issuedOn"], e))
                    .ok();
                Some(RepresentationDocument::new(
                    kind?,
                    number?,
                    issued_on?.date(),
                    issuer?,
                ))
            }
        };
        Some((kind, subject, document))
    }

    fn arrival(&mut self, input: ArrivalFromAbroadInput) -> Option<Arrival> {
        let country = match CountryCode::parse(&input.country) {
            Ok(country) if !country.is_kazakhstan() => Some(country),
            Ok(_) => {
                self.bad(
                    &["input", "arrivalFromAbroad", "country"],
                    "the country of former residence cannot be Kazakhstan",
                );
                None
            }
            Err(e) => {
                self.bad(&["input", "arrivalFromAbroad", "country"], e);
                None
            }
        };
        let number = self.text(
            &["input", "arrivalFromAbroad", "identityDocumentNumber"],
            &input.identity_document_number,
            50,
        );
        Some(Arrival::new(
            country?,
            input.identity_document.into(),
            number?,
            input.deregistration_proof.map(Into::into),
        ))
    }
}

fn maybe<T, U>(
    value: MaybeUndefined<T>,
    parse: impl FnOnce(T) -> Option<U>,
) -> Result<Option<Option<U>>, ()> {
    match value {
        MaybeUndefined::Undefined => Ok(None),
        MaybeUndefined::Null => Ok(Some(None)),
        MaybeUndefined::Value(v) => parse(v).map(|u| Some(Some(u))).ok_or(()),
    }
}

/// A draft operation's failure as a user error (`Err`: not the caller's fault).
fn draft_error(error: DraftError, locale: Locale) -> async_graphql::Result<UserError> {
    let (code, field): (UserErrorCode, &[&str]) = match error {
        DraftError::NotFound => (UserErrorCode::NotFound, &["input", "id"]),
        DraftError::Forbidden => (UserErrorCode::NotAllowed, &["input", "id"]),
        DraftError::Conflict => (UserErrorCode::Conflict, &["input", "version"]),
        DraftError::NotEditable => (UserErrorCode::NotEditable, &["input", "id"]),
        DraftError::TransitionNotAllowed => (UserErrorCode::TransitionNotAllowed, &["input", "id"]),
        DraftError::IdempotencyKeyReused => (
            UserErrorCode::IdempotencyKeyReused,
            &["input", "idempotencyKey"],
        ),
        DraftError::Inconsistent(field, draft::Inconsistency::PeriodForPermanent) => {
            return Ok(UserError::new(
                UserErrorCode::BadUserInput,
                field_path(field),
                locale,
                Some(locale.pick(
                    "тұрақты тіркеудің мерзімі болмайды",
                    "у постоянной регистрации нет срока",
                    "a permanent registration has no period",
                )),
            ));
        }
        DraftError::Internal(error) => return Err(internal(error, locale)),
    };
    Ok(UserError::new(code, field, locale, None))
}

fn refused(errors: Vec<UserError>) -> ApplicationPayload {
    ApplicationPayload {
        application: None,
        user_errors: errors,
    }
}

/// Longest idempotency key accepted.
const MAX_IDEMPOTENCY_KEY: usize = 64;

/// Application queries.
#[derive(Default, Debug)]
pub struct ApplicationQuery;

/// Application queries.
#[Object]
impl ApplicationQuery {
    /// An application the caller may see (its applicant, the person it registers, officers).
    async fn application(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The global ID.")] id: ID,
    ) -> async_graphql::Result<Option<Application>> {
        let viewer = signed_in(ctx, Operation::ReadApplication)?;
        let locale = request(ctx)?.locale;
        let Some(uuid) = ids::decode_kind(&id, KIND) else {
            return Ok(None);
        };
        let found = applications::find(service(ctx)?, viewer, uuid)
            .await
            .map_err(|e| internal(e, locale))?;
        Ok(found.map(Application))
    }

    /// Whether an address exists in the property registry (by RKA, or by owner IIN + area), so a
    /// typo is a form error rather than a legal refusal. Asked about another person's IIN, it
    /// says only whether the property is confirmed. At most one lookup runs per request, and a
    /// person has `PROPERTY_LOOKUP_PER_HOUR` (default 10) in a rolling hour; past that it is
    /// `RATE_LIMITED` with `extensions.retryAfterSeconds`. Every lookup is audited.
    async fn property_lookup(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The address, as the application would give it.")] input: AddressInput,
    ) -> async_graphql::Result<PropertyLookupResult> {
        let viewer = signed_in(ctx, Operation::LookupProperty)?;
        let request = request(ctx)?;
        let locale = request.locale;
        if request.property_lookups.fetch_add(1, Ordering::SeqCst) > 0 {
            return Err(limit_exceeded("PROPERTY_LOOKUPS_PER_REQUEST", locale));
        }
        let mut v = Validation::new(ctx, locale)?;
        let Some(address) = v.address(input) else {
            let detail = v
                .errors
                .first()
                .map(|e| e.message.clone())
                .unwrap_or_default();
            return Err(super::errors::api_error_with(
                UserErrorCode::BadUserInput,
                locale,
                &detail,
            ));
        };
        let answer = match property::lookup(service(ctx)?, viewer, &address).await {
            Ok(answer) => answer,
            Err(LookupError::RateLimited {
                retry_after_seconds,
            }) => return Err(rate_limited(retry_after_seconds, locale)),
            Err(LookupError::Internal(error)) => return Err(internal(error, locale)),
        };
        Ok(match answer {
            LookupAnswer::NotFound => PropertyLookupResult {
                found: false,
                kind: None,
                owner_count: None,
                has_administration: None,
            },
            LookupAnswer::Confirmed => PropertyLookupResult {
                found: true,
                kind: None,
                owner_count: None,
                has_administration: None,
            },
            LookupAnswer::Found {
                kind,
                owner_count,
                has_administration,
            } => PropertyLookupResult {
                found: true,
                kind: Some(kind.into()),
                owner_count: Some(i32::try_from(owner_count).unwrap_or(i32::MAX)),
                has_administration: Some(has_administration),
            },
        })
    }

    /// The signed-in person's own applications, newest first.
    async fn my_applications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many (1 to 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "The cursor after which to start.")] after: Option<String>,
    ) -> async_graphql::Result<ApplicationConnection> {
        let viewer = signed_in(ctx, Operation::ListOwnApplications)?;
        let locale = request(ctx)?.locale;
        let limit = page_size(first, locale)?;
        let after = after.map(|c| Cursor::decode(&c, locale)).transpose()?;
        let mut rows = applications::page_of_mine(
            service(ctx)?,
            viewer,
            after.map(|c| (c.at, c.id)),
            limit + 1,
        )
        .await
        .map_err(|e| internal(e, locale))?;
        let has_next_page = rows.len() as u64 > limit;
        rows.truncate(limit as usize);
        let edges: Vec<ApplicationEdge> = rows
            .into_iter()
            .map(|row| ApplicationEdge {
                cursor: Cursor {
                    at: row.created_at,
                    id: row.id,
                }
                .encode(),
                node: Application(row),
            })
            .collect();
        Ok(ApplicationConnection {
            page_info: PageInfo::new(
                &edges.iter().map(|e| e.cursor.clone()).collect::<Vec<_>>(),
                has_next_page,
            ),
            edges,
        })
    }
}

/// The kind of dwelling.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum DwellingKind {
    /// A house.
    House,
    /// A flat.
    Apartment,
    /// A dacha structure.
    Dacha,
    /// A building used for residence (hostel, dormitory) run by an organisation's administration.
    Hostel,
}

impl From<registration_core::registries::PropertyKind> for DwellingKind {
    fn from(kind: registration_core::registries::PropertyKind) -> Self {
        use registration_core::registries::PropertyKind as K;
        match kind {
            K::House => DwellingKind::House,
            K::Apartment => DwellingKind::Apartment,
            K::Dacha => DwellingKind::Dacha,
            K::Hostel => DwellingKind::Hostel,
        }
    }
}

/// What the property registry says of an address, without anyone's personal data.
#[derive(SimpleObject, Debug)]
pub struct PropertyLookupResult {
    /// Whether the registry has the address.
    pub found: bool,
    /// The kind of dwelling.
    pub kind: Option<DwellingKind>,
    /// How many owners must consent (0 for a hostel, whose administration applies instead).
    pub owner_count: Option<i32>,
    /// Whether an organisation's administration runs it (its application replaces the owners' consent).
    pub has_administration: Option<bool>,
}

/// An edge of a list of applications.
#[derive(SimpleObject, Debug)]
pub struct ApplicationEdge {
    /// The application.
    pub node: Application,
    /// Its cursor.
    pub cursor: String,
}

/// A page of applications.
#[derive(SimpleObject, Debug)]
pub struct ApplicationConnection {
    /// The applications on this page.
    pub edges: Vec<ApplicationEdge>,
    /// Paging information.
    pub page_info: PageInfo,
}

/// Application mutations.
#[derive(Default, Debug)]
pub struct ApplicationMutation;

/// Application mutations.
#[Object]
impl ApplicationMutation {
    /// Creates a draft application; it may be incomplete (see `missingRequirements`).
    async fn create_application(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What is known so far.")] input: CreateApplicationInput,
    ) -> async_graphql::Result<ApplicationPayload> {
        let viewer = signed_in(ctx, Operation::CreateApplication)?;
        let locale = request(ctx)?.locale;
        let mut v = Validation::new(ctx, locale)?;
        let key = input
            .idempotency_key
            .as_deref()
            .and_then(|k| v.text(&["input", "idempotencyKey"], k, MAX_IDEMPOTENCY_KEY))
            .map(Text::into_string);
        let changes = DraftChanges {
            kind: Some(input.kind.map(Into::into)),
            period: Some(v.period(input.period_months)),
            address: Some(input.address.and_then(|a| v.address(a))),
            representation: input.representation.and_then(|r| v.representation(r)),
            arrival: Some(input.arrival_from_abroad.and_then(|a| v.arrival(a))),
            refugee: input.refugee,
            personal_data_consent: Some(input.personal_data_consent),
        };
        if !v.errors.is_empty() {
            return Ok(refused(v.errors));
        }
        Ok(
            match applications::create(service(ctx)?, viewer, changes, key).await {
                Ok(created) => ApplicationPayload {
                    application: Some(Application(created)),
                    user_errors: Vec::new(),
                },
                Err(error) => refused(vec![draft_error(error, locale)?]),
            },
        )
    }

    /// Changes a draft. Fields left out stay; fields set to null are cleared. A stale
    /// `version` is refused with `CONFLICT`; the draft's signing requests become void.
    async fn update_application(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: UpdateApplicationInput,
    ) -> async_graphql::Result<ApplicationPayload> {
        let viewer = signed_in(ctx, Operation::UpdateApplication)?;
        let locale = request(ctx)?.locale;
        let Some(id) = ids::decode_kind(&input.id, KIND) else {
            return Ok(refused(vec![draft_error(DraftError::NotFound, locale)?]));
        };
        let mut v = Validation::new(ctx, locale)?;
        let period = maybe(input.period_months, |m| v.period(Some(m)));
        let address = maybe(input.address, |a| v.address(a));
        let arrival = maybe(input.arrival_from_abroad, |a| v.arrival(a));
        let representation = input.representation.and_then(|r| v.representation(r));
        let (Ok(period), Ok(address), Ok(arrival)) = (period, address, arrival) else {
            return Ok(refused(v.errors));
        };
        if !v.errors.is_empty() {
            return Ok(refused(v.errors));
        }
        let changes = DraftChanges {
            kind: maybe(input.kind, |k| Some(k.into())).unwrap_or(None),
            period,
            address,
            representation,
            arrival,
            refugee: input.refugee,
            personal_data_consent: maybe(input.personal_data_consent, Some).unwrap_or(None),
        };
        Ok(
            match applications::update(service(ctx)?, viewer, id, input.version, changes).await {
                Ok(updated) => ApplicationPayload {
                    application: Some(Application(updated)),
                    user_errors: Vec::new(),
                },
                Err(error) => refused(vec![draft_error(error, locale)?]),
            },
        )
    }

    /// Withdraws an application before a decision.
    async fn withdraw_application(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which application, at which version.")] input: WithdrawApplicationInput,
    ) -> async_graphql::Result<ApplicationPayload> {
        let viewer = signed_in(ctx, Operation::WithdrawApplication)?;
        let locale = request(ctx)?.locale;
        let Some(id) = ids::decode_kind(&input.id, KIND) else {
            return Ok(refused(vec![draft_error(DraftError::NotFound, locale)?]));
        };
        let mut v = Validation::new(ctx, locale)?;
        let reason = input.reason.as_deref().and_then(|r| {
            MultilineText::parse(r, 2000)
                .map_err(|e| v.bad(&["input", "reason"], e))
                .ok()
        });
        if !v.errors.is_empty() {
            return Ok(refused(v.errors));
        }
        Ok(
            match applications::withdraw(service(ctx)?, viewer, id, input.version, reason).await {
                Ok(updated) => ApplicationPayload {
                    application: Some(Application(updated)),
                    user_errors: Vec::new(),
                },
                Err(error) => refused(vec![draft_error(error, locale)?]),
            },
        )
    }
}
