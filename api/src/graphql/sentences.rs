//! Whole sentences a person reads, in Kazakh, Russian and English: why an input value is
//! refused. The core's errors carry no text meant for people (their `Display` is English for
//! logs); this is where they become sentences in the request's language.

use super::locale::Locale;
use registration_core::domain::DomainError;

/// One sentence in each supported language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    pub kk: &'static str,
    pub ru: &'static str,
    pub en: &'static str,
}

impl Sentence {
    /// The sentence in `locale`.
    pub fn pick(self, locale: Locale) -> &'static str {
        locale.pick(self.kk, self.ru, self.en)
    }
}

const fn s(kk: &'static str, ru: &'static str, en: &'static str) -> Sentence {
    Sentence { kk, ru, en }
}

/// An address is given one way or the other.
pub const ADDRESS_ONE_WAY: Sentence = s(
    "Мекенжайды РКА кодымен (қаласаңыз, меншік иесінің ЖСН-імен) немесе меншік иесінің ЖСН-і мен ауданымен көрсетіңіз.",
    "Укажите адрес кодом РКА (при желании с ИИН собственника) либо ИИН собственника и площадью.",
    "Give the address by its RKA code (with the owner's IIN, if you like), or by the owner's IIN and the area.",
);
/// Only a representative names another person.
pub const SUBJECT_ONLY_FOR_REPRESENTATIVES: Sentence = s(
    "Басқа адамды тек өкіл ғана көрсете алады.",
    "Другого человека может указать только представитель.",
    "Only a representative names another person.",
);
/// Arrival from abroad is from another country.
pub const COUNTRY_NOT_KAZAKHSTAN: Sentence = s(
    "Бұрынғы тұрғылықты жердің елі Қазақстан бола алмайды.",
    "Страной прежнего места жительства не может быть Казахстан.",
    "The country of former residence cannot be Kazakhstan.",
);
/// A permanent registration is not for a period.
pub const NO_PERIOD_FOR_PERMANENT: Sentence = s(
    "Тұрақты тіркеудің мерзімі болмайды.",
    "У постоянной регистрации нет срока.",
    "A permanent registration has no period.",
);
/// A page size out of range.
pub const PAGE_SIZE: Sentence = s(
    "Бет өлшемі 1-ден 100-ге дейін болуы керек.",
    "Размер страницы должен быть от 1 до 100.",
    "The page size (first) must be 1 to 100.",
);
/// A cursor that is not from the list.
pub const CURSOR_NOT_FROM_LIST: Sentence = s(
    "Курсор бұл тізімнен емес.",
    "Курсор не из этого списка.",
    "The cursor (after) is not one from this list.",
);

/// Why a domain value was refused, as a sentence.
pub fn domain(error: &DomainError) -> Sentence {
    use DomainError as E;
    match error {
        E::IinFormat => s(
            "ЖСН дәл 12 цифрдан тұруы керек.",
            "ИИН должен состоять ровно из 12 цифр.",
            "The IIN must be exactly 12 digits.",
        ),
        E::IinChecksum => s(
            "ЖСН қате: бақылау цифры сәйкес келмейді.",
            "ИИН неверен: не совпадает контрольная цифра.",
            "The IIN is not valid: its check digit does not match.",
        ),
        E::IinCentury => s(
            "ЖСН қате: оның 7-цифры 1-ден 6-ға дейін болуы керек.",
            "ИИН неверен: его 7-я цифра должна быть от 1 до 6.",
            "The IIN is not valid: its 7th digit must be 1 to 6.",
        ),
        E::IinDate => s(
            "ЖСН қате: оның алғашқы алты цифры нақты туған күн емес.",
            "ИИН неверен: его первые шесть цифр не являются реальной датой рождения.",
            "The IIN is not valid: its first six digits are not a real date of birth.",
        ),
        E::BinFormat => s(
            "БСН дәл 12 цифрдан тұруы керек.",
            "БИН должен состоять ровно из 12 цифр.",
            "The BIN must be exactly 12 digits.",
        ),
        E::BinChecksum => s(
            "БСН қате: бақылау цифры сәйкес келмейді.",
            "БИН неверен: не совпадает контрольная цифра.",
            "The BIN is not valid: its check digit does not match.",
        ),
        E::BinEntityType => s(
            "БСН қате: оның 5-цифры 4, 5 немесе 6 болуы керек.",
            "БИН неверен: его 5-я цифра должна быть 4, 5 или 6.",
            "The BIN is not valid: its 5th digit must be 4, 5 or 6.",
        ),
        E::BinUnit => s(
            "БСН қате: оның 6-цифры 0-ден 3-ке дейін болуы керек.",
            "БИН неверен: его 6-я цифра должна быть от 0 до 3.",
            "The BIN is not valid: its 6th digit must be 0 to 3.",
        ),
        E::RkaFormat => s(
            "Мекенжайдың тіркеу коды (РКА) 1-ден 20-ға дейін цифрдан тұруы керек.",
            "Регистрационный код адреса (РКА) должен состоять из 1–20 цифр.",
            "The address registration code (RKA) must be 1 to 20 digits.",
        ),
        E::PhoneFormat => s(
            "Телефон нөмірі Қазақстан нөмірі болуы керек, мысалы +7 701 123 45 67.",
            "Номер телефона должен быть казахстанским, например +7 701 123 45 67.",
            "The phone number must be a Kazakhstan number, such as +7 701 123 45 67.",
        ),
        E::PhoneNotMobile => s(
            "Телефон нөмірі ұялы байланыс нөмірі болуы керек.",
            "Номер телефона должен быть мобильным.",
            "The phone number must be a mobile number.",
        ),
        E::AreaFormat => s(
            "Аудан шаршы метрмен берілген сан болуы керек, мысалы 54.3.",
            "Площадь должна быть числом квадратных метров, например 54.3.",
            "The area must be a number of square metres, such as 54.3.",
        ),
        E::AreaNotPositive => s(
            "Аудан нөлден үлкен болуы керек.",
            "Площадь должна быть больше нуля.",
            "The area must be greater than zero.",
        ),
        E::AreaTooPrecise => s(
            "Ауданда үтірден кейін екі цифрдан артық болмауы керек.",
            "У площади может быть не больше двух знаков после запятой.",
            "The area may have at most two decimals.",
        ),
        E::AreaTooLarge => s(
            "Аудан 100 000 шаршы метрден аспауы керек.",
            "Площадь не может превышать 100 000 квадратных метров.",
            "The area must be at most 100,000 square metres.",
        ),
        E::PeriodOutOfRange => s(
            "Тіркеу мерзімі 1 айдан 12 айға дейін болуы керек.",
            "Срок регистрации должен быть от 1 до 12 месяцев.",
            "The registration period must be 1 to 12 months.",
        ),
        E::TextForbiddenCharacter => s(
            "Мәтінде басқару таңбалары мен жазу бағытын өзгертетін таңбалар болмауы керек.",
            "Текст не должен содержать управляющих символов и символов смены направления письма.",
            "The text must not contain control or bidirectional-override characters.",
        ),
        E::TextEmpty => s(
            "Мәтін бос болмауы керек.",
            "Текст не должен быть пустым.",
            "The text must not be empty.",
        ),
        E::TextTooLong => s(
            "Мәтін тым ұзын.",
            "Текст слишком длинный.",
            "The text is too long.",
        ),
        E::DateFormat => s(
            "Күн ЖЖЖЖ-АА-КК түрінде жазылған нақты күн болуы керек.",
            "Дата должна быть реальной датой в виде ГГГГ-ММ-ДД.",
            "The date must be a real date written YYYY-MM-DD.",
        ),
        E::DateInFuture => s(
            "Күн болашақта болмауы керек.",
            "Дата не может быть в будущем.",
            "The date must not be in the future.",
        ),
        E::CountryUnknown => s(
            "Елді екі әріпті ISO 3166-1 кодымен көрсетіңіз, мысалы UZ.",
            "Укажите страну двухбуквенным кодом ISO 3166-1, например UZ.",
            "The country must be an ISO 3166-1 alpha-2 code, such as UZ.",
        ),
    }
}

impl From<DomainError> for Sentence {
    fn from(error: DomainError) -> Self {
        domain(&error)
    }
}

/// Words in Latin script that Kazakh and Russian messages may contain: names of programs,
/// standards and codes, not English prose.
#[cfg(test)]
pub(crate) const LATIN_ALLOWED: &[&str] = &[
    "NCALayer", "base64", "decode", "true", "AUTH", "SIGN", "RSA", "GOST", "ISO", "SMS", "EDS",
    "PDF", "JPEG", "PNG",
];

/// Whether `text` holds a Latin-script word (3 letters or more) other than the allowed ones:
/// an English internal leaking into a Kazakh or Russian message.
#[cfg(test)]
pub(crate) fn leaks_english(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| word.chars().filter(char::is_ascii_alphabetic).count() >= 3)
        .find(|word| !LATIN_ALLOWED.contains(word))
        .map(str::to_owned)
}

/// The state's registries have no such identity document.
pub const DOCUMENT_UNKNOWN: Sentence = s(
    "Мемлекеттік тізілімдерде мұндай құжат жоқ: түрі мен нөмірін тексеріңіз.",
    "В государственных реестрах нет такого документа: проверьте вид и номер.",
    "The state's registries have no such document: check its kind and number.",
);
/// The document was issued to another person.
pub const DOCUMENT_OTHER_HOLDER: Sentence = s(
    "Құжат басқа адамға берілген.",
    "Документ выдан другому лицу.",
    "The document was issued to another person.",
);
/// The document is expired or invalidated.
pub const DOCUMENT_NOT_VALID: Sentence = s(
    "Құжаттың мерзімі өткен немесе ол жарамсыз деп танылған.",
    "Срок действия документа истёк, или он признан недействительным.",
    "The document has expired or was declared invalid.",
);
/// A birth certificate does not identify a person at a counter.
pub const NOT_AN_IDENTITY_DOCUMENT: Sentence = s(
    "Жеке куәлікті немесе паспортты көрсетіңіз: туу туралы куәлік жеке басты куәландырмайды.",
    "Укажите удостоверение личности или паспорт: свидетельство о рождении не удостоверяет личность.",
    "Name an identity card or a passport: a birth certificate does not identify a person.",
);
/// The person present may not consent for this owner.
pub const PRESENT_PERSON_NO_AUTHORITY: Sentence = s(
    "Құжат иесі осы меншік иесінің атынан келісім бере алмайды.",
    "Владелец документа не может дать согласие за этого собственника.",
    "The document's holder may not consent for this owner.",
);
/// A document number's shape.
pub const DOCUMENT_NUMBER_SHAPE: Sentence = s(
    "Құжат нөмірі: 1–32 әріп, сан, бос орын, сызықша немесе №.",
    "Номер документа: от 1 до 32 букв, цифр, пробелов, дефисов или №.",
    "A document number is 1 to 32 letters, digits, spaces, hyphens or №.",
);

#[cfg(test)]
mod tests {
    use super::*;

    fn every_domain_error() -> Vec<DomainError> {
        use DomainError as E;
        vec![
            E::IinFormat,
            E::IinChecksum,
            E::IinCentury,
            E::IinDate,
            E::BinFormat,
            E::BinChecksum,
            E::BinEntityType,
            E::BinUnit,
            E::RkaFormat,
            E::PhoneFormat,
            E::PhoneNotMobile,
            E::AreaFormat,
            E::AreaNotPositive,
            E::AreaTooPrecise,
            E::AreaTooLarge,
            E::PeriodOutOfRange,
            E::TextForbiddenCharacter,
            E::TextEmpty,
            E::TextTooLong,
            E::DateFormat,
            E::DateInFuture,
            E::CountryUnknown,
        ]
    }

    #[test]
    fn every_sentence_is_whole_and_in_its_language() {
        let mut sentences: Vec<Sentence> = every_domain_error().iter().map(domain).collect();
        sentences.extend([
            ADDRESS_ONE_WAY,
            SUBJECT_ONLY_FOR_REPRESENTATIVES,
            COUNTRY_NOT_KAZAKHSTAN,
            NO_PERIOD_FOR_PERMANENT,
            PAGE_SIZE,
            CURSOR_NOT_FROM_LIST,
        ]);
        for sentence in sentences {
            for text in [sentence.kk, sentence.ru, sentence.en] {
                assert!(
                    text.chars().next().is_some_and(char::is_uppercase) && text.ends_with('.'),
                    "not a whole sentence: {text}"
                );
            }
            for text in [sentence.kk, sentence.ru] {
                assert_eq!(leaks_english(text), None, "{text}");
            }
        }
    }
}
