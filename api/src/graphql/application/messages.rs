//! The sentences and field paths users see: why a draft cannot be submitted, in each language,
//! and which input field each draft field is.

use crate::graphql::enums::RequirementCode;
use crate::graphql::locale::Locale;
use registration_core::service::applications::draft::DraftField;

/// The input path of a draft field.
pub(crate) fn field_path(field: DraftField) -> &'static [&'static str] {
    match field {
        DraftField::Kind => &["input", "kind"],
        DraftField::PeriodMonths => &["input", "periodMonths"],
        DraftField::Address => &["input", "address"],
        DraftField::RepresentationSubjectIin => &["input", "representation", "subjectIin"],
        DraftField::RepresentationDocument => &["input", "representation", "document"],
        DraftField::PersonalDataConsent => &["input", "personalDataConsent"],
        DraftField::ArrivalIdentityDocument => &["input", "arrivalFromAbroad", "identityDocument"],
        DraftField::ArrivalDeregistrationProof => {
            &["input", "arrivalFromAbroad", "deregistrationProof"]
        }
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
        R::IdentityDocumentNotUploaded => (
            "Көрсетілген жеке басты куәландыратын құжатты (паспортты немесе қайтып оралу куәлігін) жүктеңіз.",
            "Загрузите указанный документ, удостоверяющий личность (паспорт или свидетельство на возвращение).",
            "Upload the identity document you named (the passport or the certificate of return).",
        ),
        R::DeregistrationProofNotUploaded => (
            "Көрсетілген есептен шығу құжатын немесе азаматтық туралы анықтаманы жүктеңіз.",
            "Загрузите указанный документ о снятии с учёта или справку о гражданстве.",
            "Upload the de-registration document or certificate of citizenship you named.",
        ),
    };
    locale.pick(kk, ru, en)
}
