//! The personal account in GraphQL: `myNotifications` (every status change whose audience names
//! the signed-in person, newest first, as a sentence in the request's language) and
//! `markNotificationsRead`.

use super::application::KIND as APPLICATION;
use super::context::{request, service, signed_in};
use super::enums::ActorRole;
use super::errors::{UserError, UserErrorCode, bad_argument, internal};
use super::ids;
use super::locale::Locale;
use super::pagination::{PageInfo, page_size};
use super::sentences::{self, Sentence};
use async_graphql::{ComplexObject, Context, Enum, ID, InputObject, Object, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use entities::enums::ApplicationStatus as StoredStatus;
use registration_core::domain;
use registration_core::policy::Operation;
use registration_core::service::events::EntityKind;
use registration_core::service::notifications::{self, MarkError};
use sea_orm::ActiveEnum;
use time::OffsetDateTime;

/// The kind name inside a notification's global ID.
pub const KIND: &str = "Notification";

/// What a notification is about.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "EntityKind")]
pub enum NotificationSubject {
    /// An application changed status.
    Application,
    /// An owner's (or an administration's) consent to an application changed status.
    Consent,
    /// A registration began (`ACTIVE`: the service's result) or ended (`ENDED`).
    Registration,
    /// An appeal changed status (`appealId`, `appealNumber`).
    Appeal,
    /// A complaint changed status (`appealId` is the complaint's, `appealNumber` its number).
    Complaint,
}

/// One entry of the personal account's history: a status change the signed-in person may see.
#[derive(Debug, Clone)]
pub struct Notification(pub notifications::Notification);

/// One entry of the personal account's history: a status change the signed-in person may see.
#[Object]
impl Notification {
    /// The opaque global ID, to pass to `markNotificationsRead`.
    async fn id(&self) -> ID {
        ids::encode(KIND, self.0.event.public_id)
    }

    /// What happened, as a sentence in the request's language (Kazakh, Russian or English).
    async fn text(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        let locale = request(ctx)?.locale;
        let event = &self.0.event;
        // An appeal's change that keeps its status is the head's extension; a complaint's, the
        // restoration of its term.
        let to = if event.from_status.as_deref() == Some(event.to_status.as_str()) {
            UNCHANGED
        } else {
            event.to_status.as_str()
        };
        let number = self
            .0
            .appeal_number
            .as_deref()
            .or(self.0.application_number.as_deref())
            .unwrap_or_default();
        Ok(text(event.entity_kind.into(), to, number, locale))
    }

    /// What changed status.
    async fn subject(&self) -> NotificationSubject {
        EntityKind::from(self.0.event.entity_kind).into()
    }

    /// The global ID of the application concerned (for a consent, the application consented
    /// to); null for an appeal or a complaint that concerns none.
    async fn application_id(&self) -> Option<ID> {
        self.0
            .event
            .application_id
            .map(|id| ids::encode(APPLICATION, id))
    }

    /// The application's human-readable number, e.g. `26-K7QF-2M9X` (null when there is no
    /// application).
    async fn application_number(&self) -> Option<&str> {
        self.0.application_number.as_deref()
    }

    /// For an appeal's or a complaint's change: its global ID (an `Appeal` or a `Complaint`).
    async fn appeal_id(&self) -> Option<ID> {
        match EntityKind::from(self.0.event.entity_kind) {
            EntityKind::Appeal => Some(ids::encode(super::appeal::KIND, self.0.event.entity_id)),
            EntityKind::Complaint => {
                Some(ids::encode(super::complaint::KIND, self.0.event.entity_id))
            }
            _ => None,
        }
    }

    /// For an appeal's or a complaint's change: its human-readable number.
    async fn appeal_number(&self) -> Option<&str> {
        self.0.appeal_number.as_deref()
    }

    /// The previous status, as the subject's status enum names it (e.g. `DRAFT`, `PENDING`);
    /// null for a creation.
    async fn from_status(&self) -> Option<&str> {
        self.0.event.from_status.as_deref()
    }

    /// The new status, as the subject's status enum names it (e.g. `SUBMITTED`, `GIVEN`).
    async fn to_status(&self) -> &str {
        &self.0.event.to_status
    }

    /// Who made the change.
    async fn actor_role(&self) -> ActorRole {
        domain::ActorRole::from(self.0.event.actor_role).into()
    }

    /// When the change happened.
    async fn at(&self) -> OffsetDateTime {
        self.0.event.at
    }

    /// Whether the signed-in person has marked it read.
    async fn read(&self) -> bool {
        self.0.read_at.is_some()
    }

    /// When the signed-in person marked it read.
    async fn read_at(&self) -> Option<OffsetDateTime> {
        self.0.read_at
    }
}

/// An edge of the notifications.
#[derive(SimpleObject, Debug)]
pub struct NotificationEdge {
    /// The notification.
    pub node: Notification,
    /// Its cursor.
    pub cursor: String,
}

/// A page of notifications, newest first.
#[derive(SimpleObject, Debug)]
#[graphql(complex)]
pub struct NotificationConnection {
    /// The notifications on this page.
    pub edges: Vec<NotificationEdge>,
    /// Paging information.
    pub page_info: PageInfo,
    #[graphql(skip)]
    pub unread_only: bool,
}

#[ComplexObject]
impl NotificationConnection {
    /// How many notifications the list has in all, on every page (with `unreadOnly`, how many
    /// are unread).
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        let viewer = signed_in(ctx, Operation::ReadNotifications)?;
        let locale = request(ctx)?.locale;
        let count = notifications::count_mine(service(ctx)?, viewer, self.unread_only)
            .await
            .map_err(|e| internal(e, locale))?;
        Ok(i32::try_from(count).unwrap_or(i32::MAX))
    }
}

/// A notification's cursor: its place in the public order of events (its sequence).
fn encode_cursor(sequence: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("notification:{sequence}"))
}

fn decode_cursor(cursor: &str, locale: Locale) -> async_graphql::Result<i64> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix("notification:")?.parse::<i64>().ok())
        .filter(|sequence| *sequence > 0)
        .ok_or_else(|| bad_argument(sentences::CURSOR_NOT_FROM_LIST.pick(locale)))
}

/// The notification queries.
#[derive(Default, Debug)]
pub struct NotificationQuery;

/// The notification queries.
#[Object]
impl NotificationQuery {
    /// The signed-in person's notifications ("History of obtained services"), newest first:
    /// every status change of an application or a consent whose audience names them (as the
    /// applicant, the person registered, an owner or an administration). A change appears once
    /// the event relay has put it in order, usually within a second.
    #[graphql(
        complexity = "usize::try_from(first.unwrap_or(20).clamp(1, 100)).unwrap_or(100) * child_complexity"
    )]
    async fn my_notifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many (1 to 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "The cursor after which to start (older notifications follow).")]
        after: Option<String>,
        #[graphql(desc = "Only the ones not marked read (default false).")] unread_only: Option<
            bool,
        >,
    ) -> async_graphql::Result<NotificationConnection> {
        let unread_only = unread_only.unwrap_or(false);
        let viewer = signed_in(ctx, Operation::ReadNotifications)?;
        let locale = request(ctx)?.locale;
        let limit = page_size(first, locale)?;
        let before = after.map(|c| decode_cursor(&c, locale)).transpose()?;
        let mut rows = notifications::page_of_mine(
            service(ctx)?,
            viewer,
            before,
            unread_only,
            limit.saturating_add(1),
        )
        .await
        .map_err(|e| internal(e, locale))?;
        let has_next_page = rows.len() as u64 > limit;
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let edges: Vec<NotificationEdge> = rows
            .into_iter()
            .map(|row| NotificationEdge {
                cursor: encode_cursor(row.event.sequence.unwrap_or_default()),
                node: Notification(row),
            })
            .collect();
        let cursors: Vec<String> = edges.iter().map(|e| e.cursor.clone()).collect();
        Ok(NotificationConnection {
            page_info: PageInfo::new(&cursors, has_next_page),
            edges,
            unread_only,
        })
    }
}

/// Input of `markNotificationsRead`.
#[derive(InputObject, Debug)]
pub struct MarkNotificationsReadInput {
    /// The notifications' global IDs (1 to 100).
    pub ids: Vec<ID>,
    /// Echoed back in the payload.
    pub client_mutation_id: Option<String>,
}

/// Result of `markNotificationsRead`.
#[derive(SimpleObject, Debug)]
pub struct MarkNotificationsReadPayload {
    /// How many of them became read now (the others were read before); 0 when refused.
    pub marked: i32,
    /// The notifications named, as they are now, in the order given (empty when refused).
    pub notifications: Vec<Notification>,
    /// Why nothing was marked.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
}

/// A list of 1 to 100 notifications.
const IDS_COUNT: Sentence = Sentence {
    kk: "Бір реттен 1-ден 100-ге дейін хабарламаны белгілеңіз.",
    ru: "Отмечайте от 1 до 100 уведомлений за раз.",
    en: "Mark 1 to 100 notifications at a time.",
};

/// The notification mutations.
#[derive(Default, Debug)]
pub struct NotificationMutation;

/// The notification mutations.
#[Object]
impl NotificationMutation {
    /// Marks the signed-in person's notifications read: all of them, or none when one of the
    /// IDs is not one of theirs (`NOT_FOUND`, its `field` naming its place in `ids`). Marking
    /// one again keeps its first `readAt`. Read state is per person.
    async fn mark_notifications_read(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which notifications.")] input: MarkNotificationsReadInput,
    ) -> async_graphql::Result<MarkNotificationsReadPayload> {
        let viewer = signed_in(ctx, Operation::MarkNotificationsRead)?;
        let locale = request(ctx)?.locale;
        let refused = |user_errors| MarkNotificationsReadPayload {
            marked: 0,
            notifications: Vec::new(),
            user_errors,
            client_mutation_id: input.client_mutation_id.clone(),
        };
        if input.ids.is_empty() || input.ids.len() > notifications::MAX_MARKED {
            return Ok(refused(vec![UserError::explained(
                UserErrorCode::BadUserInput,
                &["input", "ids"],
                locale,
                IDS_COUNT,
            )]));
        }
        let decoded: Vec<Option<uuid::Uuid>> = input
            .ids
            .iter()
            .map(|id| ids::decode_kind(id, KIND))
            .collect();
        let not_found = |positions: &[usize]| {
            positions
                .iter()
                .map(|position| {
                    let index = position.to_string();
                    UserError::new(
                        UserErrorCode::NotFound,
                        &["input", "ids", index.as_str()],
                        locale,
                        None,
                    )
                })
                .collect::<Vec<_>>()
        };
        let undecodable: Vec<usize> = decoded
            .iter()
            .enumerate()
            .filter(|(_, id)| id.is_none())
            .map(|(position, _)| position)
            .collect();
        if !undecodable.is_empty() {
            return Ok(refused(not_found(&undecodable)));
        }
        let uuids: Vec<uuid::Uuid> = decoded.into_iter().flatten().collect();
        match notifications::mark_read(service(ctx)?, viewer, &uuids).await {
            Ok(marked) => Ok(MarkNotificationsReadPayload {
                marked: i32::try_from(marked.newly_read).unwrap_or(i32::MAX),
                notifications: marked.notifications.into_iter().map(Notification).collect(),
                user_errors: Vec::new(),
                client_mutation_id: input.client_mutation_id.clone(),
            }),
            Err(MarkError::NotFound(positions)) => Ok(refused(not_found(&positions))),
            Err(MarkError::Count) => Ok(refused(vec![UserError::explained(
                UserErrorCode::BadUserInput,
                &["input", "ids"],
                locale,
                IDS_COUNT,
            )])),
            Err(MarkError::Internal(error)) => Err(internal(error, locale)),
        }
    }
}

const fn s(kk: &'static str, ru: &'static str, en: &'static str) -> Sentence {
    Sentence { kk, ru, en }
}

/// What an application's new status means for people; `{number}` is the application's.
fn application_sentence(to: Option<domain::ApplicationStatus>) -> Sentence {
    use domain::ApplicationStatus as S;
    match to {
        Some(S::Draft) => s(
            "№ {number} өтініші жоба ретінде жасалды.",
            "Заявление № {number} создано как черновик.",
            "Application No. {number} was created as a draft.",
        ),
        Some(S::Submitted) => s(
            "№ {number} өтініші берілді.",
            "Заявление № {number} подано.",
            "Application No. {number} was submitted.",
        ),
        Some(S::AwaitingConsents) => s(
            "№ {number} өтініші меншік иелерінің келісімін күтуде.",
            "Заявление № {number} ожидает согласия собственников.",
            "Application No. {number} is awaiting the owners' consent.",
        ),
        Some(S::InReview) => s(
            "№ {number} өтініші қарауға жіберілді.",
            "Заявление № {number} передано на рассмотрение.",
            "Application No. {number} was sent for review.",
        ),
        Some(S::Approved) => s(
            "№ {number} өтініші мақұлданды, тіркеу жүргізілуде.",
            "Заявление № {number} одобрено, регистрация производится.",
            "Application No. {number} was approved; the registration is being entered.",
        ),
        Some(S::Registered) => s(
            "№ {number} өтініші бойынша тіркеу жүргізілді.",
            "По заявлению № {number} произведена регистрация.",
            "Application No. {number}: the registration is done.",
        ),
        Some(S::Refused) => s(
            "№ {number} өтініші бойынша бас тартылды.",
            "По заявлению № {number} отказано.",
            "Application No. {number} was refused.",
        ),
        Some(S::Withdrawn) => s(
            "№ {number} өтініші кері қайтарылды.",
            "Заявление № {number} отозвано.",
            "Application No. {number} was withdrawn.",
        ),
        None => s(
            "№ {number} өтінішінің мәртебесі өзгерді.",
            "Статус заявления № {number} изменился.",
            "The status of application No. {number} changed.",
        ),
    }
}

/// What a consent's new status (as stored: `PENDING`, `GIVEN`, `DECLINED`, `EXPIRED`) means for
/// people.
fn consent_sentence(to: &str) -> Sentence {
    match to {
        "PENDING" => s(
            "№ {number} өтініші бойынша меншік иесінің келісімі сұралды.",
            "По заявлению № {number} запрошено согласие собственника.",
            "The owner's consent to application No. {number} was requested.",
        ),
        "GIVEN" => s(
            "№ {number} өтініші бойынша меншік иесі келісім берді.",
            "По заявлению № {number} собственник дал согласие.",
            "The owner consented to application No. {number}.",
        ),
        "DECLINED" => s(
            "№ {number} өтініші бойынша меншік иесі келісім беруден бас тартты.",
            "По заявлению № {number} собственник отказал в согласии.",
            "The owner declined to consent to application No. {number}.",
        ),
        "EXPIRED" => s(
            "№ {number} өтініші бойынша келісім беру мерзімі өтті.",
            "По заявлению № {number} истёк срок для согласия.",
            "The time to consent to application No. {number} ran out.",
        ),
        _ => s(
            "№ {number} өтініші бойынша келісімнің мәртебесі өзгерді.",
            "По заявлению № {number} изменился статус согласия.",
            "The status of a consent to application No. {number} changed.",
        ),
    }
}

/// What a registration's new status (`ACTIVE`, `ENDED`) means for people.
fn registration_sentence(to: &str) -> Sentence {
    match to {
        "ACTIVE" => s(
            "№ {number} өтініші бойынша тіркеу халықты тіркеу тізіліміне енгізілді.",
            "По заявлению № {number} регистрация внесена в регистр населения.",
            "Application No. {number}: the registration was entered in the population registry.",
        ),
        "ENDED" => s(
            "№ {number} өтініші бойынша тіркеу аяқталды.",
            "Регистрация по заявлению № {number} прекращена.",
            "The registration of application No. {number} ended.",
        ),
        _ => s(
            "№ {number} өтініші бойынша тіркеудің мәртебесі өзгерді.",
            "По заявлению № {number} изменился статус регистрации.",
            "The status of the registration of application No. {number} changed.",
        ),
    }
}

/// The `to` of a change that kept the status (an extension, a restoration granted).
const UNCHANGED: &str = "UNCHANGED";

/// What an appeal's new status means for people; `{number}` is the appeal's.
fn appeal_sentence(to: &str) -> Sentence {
    match to {
        "DRAFT" => s(
            "№ {number} өтініштің жобасы жасалды.",
            "Создан черновик обращения № {number}.",
            "A draft of appeal No. {number} was made.",
        ),
        "RECEIVED" => s(
            "№ {number} өтініш қабылданды, қарау мерзімі басталды.",
            "Обращение № {number} принято, срок рассмотрения пошёл.",
            "Appeal No. {number} was received; its term runs.",
        ),
        "NEEDS_CORRECTION" => s(
            "№ {number} өтінішті мерзімінде түзету қажет.",
            "Обращение № {number} нужно исправить в срок.",
            "Appeal No. {number} must be corrected in time.",
        ),
        "RETURNED" => s(
            "№ {number} өтініш түзетілмегендіктен қайтарылды.",
            "Обращение № {number} возвращено: не исправлено в срок.",
            "Appeal No. {number} was returned: not corrected in time.",
        ),
        "WITHDRAWN" => s(
            "№ {number} өтініш кері қайтарып алынды.",
            "Обращение № {number} отозвано.",
            "Appeal No. {number} was withdrawn.",
        ),
        "REFERRED" => s(
            "№ {number} өтініш уәкілетті органға жіберілді.",
            "Обращение № {number} перенаправлено в уполномоченный орган.",
            "Appeal No. {number} was referred to the authorised body.",
        ),
        "DECIDED" => s(
            "№ {number} өтініш бойынша шешім қабылданды.",
            "По обращению № {number} принято решение.",
            "Appeal No. {number} was decided.",
        ),
        "DEEMED_REFUSED" => s(
            "№ {number} өтініш бойынша мерзімінде шешім қабылданбады: бас тартылды деп саналады.",
            "По обращению № {number} решение в срок не принято: считается отказанным.",
            "Appeal No. {number} was not decided in time: it is deemed refused.",
        ),
        UNCHANGED => s(
            "№ {number} өтінішті қарау мерзімі ұзартылды.",
            "Срок рассмотрения обращения № {number} продлён.",
            "The term of appeal No. {number} was extended.",
        ),
        _ => s(
            "№ {number} өтініштің мәртебесі өзгерді.",
            "Статус обращения № {number} изменился.",
            "The status of appeal No. {number} changed.",
        ),
    }
}

/// What a complaint's new status means for people; `{number}` is the complaint's.
fn complaint_sentence(to: &str) -> Sentence {
    match to {
        "DRAFT" => s(
            "№ {number} шағымның жобасы жасалды.",
            "Создан черновик жалобы № {number}.",
            "A draft of complaint No. {number} was made.",
        ),
        "RECEIVED" => s(
            "№ {number} шағым қабылданды.",
            "Жалоба № {number} принята.",
            "Complaint No. {number} was received.",
        ),
        "NEEDS_CORRECTION" => s(
            "№ {number} шағымды мерзімінде түзету қажет.",
            "Жалобу № {number} нужно исправить в срок.",
            "Complaint No. {number} must be corrected in time.",
        ),
        "RETURNED" => s(
            "№ {number} шағым түзетілмегендіктен қайтарылды.",
            "Жалоба № {number} возвращена: не исправлена в срок.",
            "Complaint No. {number} was returned: not corrected in time.",
        ),
        "WITHDRAWN" => s(
            "№ {number} шағым кері қайтарып алынды.",
            "Жалоба № {number} отозвана.",
            "Complaint No. {number} was withdrawn.",
        ),
        "FORWARDED" => s(
            "№ {number} шағым жоғары тұрған органға жіберілді.",
            "Жалоба № {number} направлена в вышестоящий орган.",
            "Complaint No. {number} was forwarded to the higher body.",
        ),
        "SATISFIED_BY_BODY" => s(
            "№ {number} шағымды орган өзі қанағаттандырды.",
            "Жалоба № {number} удовлетворена самим органом.",
            "Complaint No. {number} was satisfied by the body complained of.",
        ),
        "DECIDED" => s(
            "№ {number} шағым бойынша шешім қабылданды.",
            "По жалобе № {number} принято решение.",
            "Complaint No. {number} was decided.",
        ),
        "RESTORATION_DENIED" => s(
            "№ {number} шағым бойынша мерзім қалпына келтірілмеді.",
            "По жалобе № {number} срок не восстановлен.",
            "Complaint No. {number}: the term was not restored.",
        ),
        UNCHANGED => s(
            "№ {number} шағымды беру мерзімі қалпына келтірілді.",
            "Срок подачи жалобы № {number} восстановлен.",
            "The term of complaint No. {number} was restored.",
        ),
        _ => s(
            "№ {number} шағымның мәртебесі өзгерді.",
            "Статус жалобы № {number} изменился.",
            "The status of complaint No. {number} changed.",
        ),
    }
}

/// The sentence of an event, in `locale`.
pub fn text(entity: EntityKind, to: &str, number: &str, locale: Locale) -> String {
    let sentence = match entity {
        EntityKind::Application => application_sentence(
            StoredStatus::try_from_value(&to.to_owned())
                .ok()
                .map(domain::ApplicationStatus::from),
        ),
        EntityKind::Consent => consent_sentence(to),
        EntityKind::Registration => registration_sentence(to),
        EntityKind::Appeal => appeal_sentence(to),
        EntityKind::Complaint => complaint_sentence(to),
    };
    sentence.pick(locale).replace("{number}", number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graphql::sentences::leaks_english;

    #[test]
    fn every_event_is_a_whole_sentence_in_each_language() {
        let mut cases: Vec<(EntityKind, String)> = domain::ApplicationStatus::ALL
            .iter()
            .map(|status| {
                (
                    EntityKind::Application,
                    StoredStatus::from(*status).to_value(),
                )
            })
            .collect();
        cases.push((EntityKind::Application, "SOMETHING_NEW".to_owned()));
        for status in ["PENDING", "GIVEN", "DECLINED", "EXPIRED", "SOMETHING_NEW"] {
            cases.push((EntityKind::Consent, status.to_owned()));
        }
        for status in ["ACTIVE", "ENDED", "SOMETHING_NEW"] {
            cases.push((EntityKind::Registration, status.to_owned()));
        }
        for status in registration_core::service::appeals::AppealStatus::ALL {
            for entity in [EntityKind::Appeal, EntityKind::Complaint] {
                let kept = match (entity, status.as_str()) {
                    // Statuses a procedure never reaches say the generic sentence, said once.
                    (
                        EntityKind::Appeal,
                        "FORWARDED" | "SATISFIED_BY_BODY" | "RESTORATION_DENIED",
                    )
                    | (EntityKind::Complaint, "REFERRED" | "DEEMED_REFUSED") => false,
                    _ => true,
                };
                if kept {
                    cases.push((entity, status.as_str().to_owned()));
                }
            }
        }
        for entity in [EntityKind::Appeal, EntityKind::Complaint] {
            cases.push((entity, UNCHANGED.to_owned()));
            cases.push((entity, "SOMETHING_NEW".to_owned()));
        }
        let mut seen = std::collections::HashSet::new();
        for (entity, status) in &cases {
            for locale in [Locale::Kk, Locale::Ru, Locale::En] {
                let sentence = text(*entity, status, "26-2345-6789", locale);
                assert!(
                    sentence.contains("№ 26-2345-6789") || sentence.contains("No. 26-2345-6789"),
                    "{sentence}"
                );
                assert!(
                    sentence
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_uppercase() || c == '№')
                        && sentence.ends_with('.'),
                    "not a whole sentence: {sentence}"
                );
                if locale != Locale::En {
                    assert_eq!(leaks_english(&sentence), None, "{sentence}");
                }
                assert!(seen.insert(sentence.clone()), "said twice: {sentence}");
            }
        }
        for text in [IDS_COUNT.kk, IDS_COUNT.ru] {
            assert_eq!(leaks_english(text), None, "{text}");
        }
        assert_eq!(
            text(
                EntityKind::Application,
                "SUBMITTED",
                "26-2345-6789",
                Locale::Ru
            ),
            "Заявление № 26-2345-6789 подано."
        );
        assert_eq!(
            text(
                EntityKind::Application,
                "SUBMITTED",
                "26-2345-6789",
                Locale::Kk
            ),
            "№ 26-2345-6789 өтініші берілді."
        );
    }

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        assert_eq!(decode_cursor(&encode_cursor(42), Locale::En).unwrap(), 42);
        assert!(decode_cursor("nope", Locale::En).is_err());
        assert!(decode_cursor(&URL_SAFE_NO_PAD.encode("notification:-1"), Locale::En).is_err());
    }
}
