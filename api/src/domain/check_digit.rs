//! The check digit shared by the IIN and the BIN.

/// Weights of the first pass.
const FIRST_WEIGHTS: [u32; 11] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
/// Weights of the second pass, used only when the first yields 10 (which is not a digit).
const SECOND_WEIGHTS: [u32; 11] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

/// Whether the 12th digit is the check digit of the first 11.
// DOMAIN: check digit
pub(super) fn is_valid(digits: &[u8; 12]) -> bool {
    let [.., last] = *digits;
    expected(digits) == Some(last)
}

/// The check digit of the first 11 digits, or `None` when both passes yield 10: such a prefix has
/// no valid number at all.
// DOMAIN: check digit
fn expected(digits: &[u8; 12]) -> Option<u8> {
    // `zip` stops after the 11 weights, so the 12th digit is never weighed.
    let pass = |weights: [u32; 11]| -> u32 {
        digits
            .iter()
            .zip(weights)
            .map(|(&digit, weight)| u32::from(digit) * weight)
            .sum::<u32>()
            % 11
    };
    [pass(FIRST_WEIGHTS), pass(SECOND_WEIGHTS)]
        .into_iter()
        .find(|&remainder| remainder != 10)
        .and_then(|remainder| u8::try_from(remainder).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digits(s: &str) -> [u8; 12] {
        let bytes: [u8; 12] = s.as_bytes().try_into().unwrap();
        bytes.map(|b| b - b'0')
    }

    #[test]
    fn domain_samples() {
        // DOMAIN: check digit (valid samples, and the one invalid sample)
        assert!(is_valid(&digits("871008401427")));
        assert!(is_valid(&digits("760212350620")));
        assert!(is_valid(&digits("061211600012")));
        assert!(is_valid(&digits("940140000385")));
        assert!(!is_valid(&digits("821214240092")));
    }

    #[test]
    fn second_pass_is_used_when_the_first_gives_ten() {
        // First pass: 1*1 + 2*1 + 3*1 + 4*1 = 10. Second pass: 3 + 4 + 5 + 6 = 18, 18 mod 11 = 7.
        assert_eq!(expected(&digits("111100000000")), Some(7));
        assert!(is_valid(&digits("111100000007")));
    }

    #[test]
    fn ten_twice_has_no_check_digit() {
        // Searched for rather than hand-crafted, so the test does not depend on arithmetic done
        // by hand.
        let mut found = false;
        for n in 0..100_000u32 {
            let s = format!("{n:011}0");
            if expected(&digits(&s)).is_none() {
                found = true;
                for last in 0..10u8 {
                    let mut d = digits(&s);
                    d[11] = last;
                    assert!(!is_valid(&d), "{s}");
                }
                break;
            }
        }
        assert!(found);
    }
}
