//! Who may act for a party of a consent: the party itself, a legal representative of an owner
//! who is a minor or incapacitated (as the civil registry records them), or an attorney under a
//! notarised power of attorney (as the notaries' registry records it).

use super::InternalError;
use crate::context::ServiceContext;
use crate::domain::Iin;
use crate::registries::{PowerOfAttorney, RepresentationBasis};
use time::Date;

/// The age of majority.
// DOMAIN: legal representative (parent, guardian, trustee) acting for a child or a person recognised incapacitated
pub const MAJORITY: u32 = 18;

/// Under what authority a person acts for a party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authority {
    /// The party itself.
    Party,
    /// A legal representative of the party.
    Legal(RepresentationBasis),
    /// An attorney under this power of attorney.
    Attorney { number: String, issued_on: Date },
}

impl Authority {
    /// The stable identifier, as consents store it and signatures carry it.
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        match self {
            Authority::Party => "PARTY",
            Authority::Legal(basis) => basis.as_str(),
            Authority::Attorney { .. } => "POWER_OF_ATTORNEY",
        }
    }
}

/// Whether a legal representation still lets its representative act on `today`: a parent's
/// ends when the child comes of age; a guardian's or trustee's stands while the civil registry
/// records it (the court decision, or the child's minority, it rests on is the registry's).
fn legal_representation_holds(basis: RepresentationBasis, principal: &Iin, today: Date) -> bool {
    match basis {
        RepresentationBasis::Parent => {
            principal.age_on(today.year(), u8::from(today.month()), today.day()) < MAJORITY
        }
        RepresentationBasis::Guardian | RepresentationBasis::Trustee => true,
    }
}

/// The authority under which `actor` may act for `party` on `today`, if any: the party itself
/// first, then a legal representation, then the newest power of attorney valid that day.
pub async fn authority(
    ctx: &ServiceContext,
    actor: &str,
    party: &str,
    today: Date,
) -> Result<Option<Authority>, InternalError> {
    if actor == party {
        return Ok(Some(Authority::Party));
    }
    let (Ok(actor), Ok(party)) = (Iin::parse(actor), Iin::parse(party)) else {
        return Ok(None);
    };
    if let Some(legal) = ctx
        .representation
        .represented_by(&actor)
        .await?
        .into_iter()
        .find(|r| r.principal == party && legal_representation_holds(r.basis, &party, today))
    {
        return Ok(Some(Authority::Legal(legal.basis)));
    }
    Ok(
        valid_powers(ctx.representation.powers_held_by(&actor).await?, today)
            .find(|power| power.principal == party)
            .map(|power| Authority::Attorney {
                number: power.number,
                issued_on: power.issued_on,
            }),
    )
}

fn valid_powers(
    powers: Vec<PowerOfAttorney>,
    today: Date,
) -> impl Iterator<Item = PowerOfAttorney> {
    powers
        .into_iter()
        .filter(move |power| power.valid_on(today))
}

/// The persons `actor` may act for on `today` (themself not included).
pub async fn principals(
    ctx: &ServiceContext,
    actor: &str,
    today: Date,
) -> Result<Vec<String>, InternalError> {
    let Ok(actor) = Iin::parse(actor) else {
        return Ok(Vec::new());
    };
    let mut principals: Vec<String> = ctx
        .representation
        .represented_by(&actor)
        .await?
        .into_iter()
        .filter(|r| legal_representation_holds(r.basis, &r.principal, today))
        .map(|r| r.principal.as_str().to_owned())
        .collect();
    principals.extend(
        valid_powers(ctx.representation.powers_held_by(&actor).await?, today)
            .map(|power| power.principal.as_str().to_owned()),
    );
    principals.sort();
    principals.dedup();
    Ok(principals)
}

/// Who may act for `party` on `today` (the party not included): to tell them too.
pub async fn representatives(
    ctx: &ServiceContext,
    party: &str,
    today: Date,
) -> Result<Vec<String>, InternalError> {
    let Ok(party) = Iin::parse(party) else {
        return Ok(Vec::new());
    };
    let mut representatives: Vec<String> = ctx
        .representation
        .representatives_of(&party)
        .await?
        .into_iter()
        .filter(|r| legal_representation_holds(r.basis, &party, today))
        .map(|r| r.representative.as_str().to_owned())
        .collect();
    representatives.extend(
        valid_powers(ctx.representation.powers_given_by(&party).await?, today)
            .map(|power| power.attorney.as_str().to_owned()),
    );
    representatives.sort();
    representatives.dedup();
    Ok(representatives)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_parent_represents_a_child_until_the_child_comes_of_age() {
        // Born 11 December 2006 (century digit 6: born in the 2000s).
        let child = Iin::parse("061211600012").unwrap();
        assert!(legal_representation_holds(
            RepresentationBasis::Parent,
            &child,
            date!(2024 - 12 - 10)
        ));
        assert!(!legal_representation_holds(
            RepresentationBasis::Parent,
            &child,
            date!(2024 - 12 - 11)
        ));
        assert!(legal_representation_holds(
            RepresentationBasis::Guardian,
            &child,
            date!(2026 - 12 - 01)
        ));
    }

    #[test]
    fn authorities_are_named_as_stored() {
        assert_eq!(Authority::Party.as_str(), "PARTY");
        assert_eq!(
            Authority::Legal(RepresentationBasis::Trustee).as_str(),
            "TRUSTEE"
        );
        assert_eq!(
            Authority::Attorney {
                number: "1".to_owned(),
                issued_on: date!(2026 - 01 - 01)
            }
            .as_str(),
            "POWER_OF_ATTORNEY"
        );
    }
}
