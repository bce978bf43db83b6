//! A mobile number texts may go to. Parsed with libphonenumber's metadata (the `phonenumber`
//! crate): only numbers that are valid and mobile, so no text is ever paid to a premium-rate,
//! shared-cost, toll-free, VoIP or pager number (SMS pumping earns from exactly those), and only
//! to the calling codes the server is set to serve.

use phonenumber::{country, Mode, Type};

use crate::error::AppError;

/// Longer input is refused before parsing: no number is written with more.
const MAX_INPUT_CHARS: usize = 32;

/// Where a number typed without `+` is read as from: "06 12345678" is Dutch.
const HOME_REGION: country::Id = country::Id::NL;

/// A valid mobile number, in E.164 (`+31612345678`).
#[derive(Clone, PartialEq, Eq)]
pub struct MobileNumber(String);

impl std::fmt::Debug for MobileNumber {
    // A full number is personal: logs and debug prints get the masked form.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MobileNumber({})", self.masked())
    }
}

impl MobileNumber {
    /// Reads what a person typed (`+31 6 12345678`, `0031612345678`, `06-12345678`) and accepts
    /// it only when it is a valid mobile number of one of `calling_codes` (all when empty).
    pub fn parse(typed: &str, calling_codes: &[u16]) -> Result<Self, AppError> {
        let typed = typed.trim();
        if typed.is_empty() {
            return Err(AppError::PhoneNumberMissing);
        }
        if typed.chars().count() > MAX_INPUT_CHARS {
            return Err(AppError::PhoneNumberInvalid);
        }
        let number =
            phonenumber::parse(Some(HOME_REGION), typed).map_err(|_| AppError::PhoneNumberInvalid)?;
        if !number.is_valid() {
            return Err(AppError::PhoneNumberInvalid);
        }
        match number.number_type(&phonenumber::metadata::DATABASE) {
            Type::Mobile => {}
            // Where the plan does not tell mobile from fixed (the US, Canada), a text goes to
            // the number a person gave; the provider refuses a landline.
            Type::FixedLineOrMobile => {}
            _ => return Err(AppError::PhoneNumberNotMobile),
        }
        let code = number.code().value();
        if !calling_codes.is_empty() && !calling_codes.contains(&code) {
            return Err(AppError::PhoneCountryNotServed { calling_code: code });
        }
        Ok(MobileNumber(number.format().mode(Mode::E164).to_string()))
    }

    /// A number read back from storage, where only parsed numbers are written.
    pub fn from_stored(e164: String) -> Self {
        MobileNumber(e164)
    }

    /// `+31612345678`.
    pub fn e164(&self) -> &str {
        &self.0
    }

    /// The last three digits, as a number (678): what a mail shows of it.
    pub fn ending(&self) -> u16 {
        let digits: String = self.0.chars().rev().filter(char::is_ascii_digit).take(3).collect();
        digits.chars().rev().collect::<String>().parse().unwrap_or_default()
    }

    /// What the person is shown once the number was entered: its last three digits only
    /// (`•••• ••• 678`).
    pub fn masked(&self) -> String {
        let digits: Vec<char> = self.0.chars().filter(char::is_ascii_digit).collect();
        let last: String = digits[digits.len().saturating_sub(3)..].iter().collect();
        format!("•••• ••• {last}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_mobile_numbers_are_read_however_they_are_typed() {
        for typed in ["06 12345678", "06-12345678", "+31 6 12345678", "0031612345678", " +31612345678 "] {
            let number = MobileNumber::parse(typed, &[]).unwrap();
            assert_eq!(number.e164(), "+31612345678", "{typed}");
            assert_eq!(number.masked(), "•••• ••• 678");
        }
        assert_eq!(MobileNumber::parse("+44 7911 123456", &[]).unwrap().e164(), "+447911123456");
    }

    #[test]
    fn only_valid_mobile_numbers_are_accepted() {
        assert_eq!(MobileNumber::parse("", &[]), Err(AppError::PhoneNumberMissing));
        assert_eq!(MobileNumber::parse("12", &[]), Err(AppError::PhoneNumberInvalid));
        assert_eq!(MobileNumber::parse("call me", &[]), Err(AppError::PhoneNumberInvalid));
        assert_eq!(MobileNumber::parse(&"6".repeat(33), &[]), Err(AppError::PhoneNumberInvalid));
        assert_eq!(
            MobileNumber::parse(&format!("+{}", "9".repeat(10_000)), &[]),
            Err(AppError::PhoneNumberInvalid)
        );
        for not_mobile in [
            "020 123 4567",     // fixed line (Amsterdam)
            "0800 1234",        // toll-free
            "0900 1234567",     // premium rate
            "085 123 4567",     // VoIP / location-independent
            "066 1234567",      // pager
            "+44 843 123 4567", // shared cost
        ] {
            assert_eq!(
                MobileNumber::parse(not_mobile, &[]),
                Err(AppError::PhoneNumberNotMobile),
                "{not_mobile}"
            );
        }
    }

    #[test]
    fn only_the_calling_codes_served_are_accepted() {
        assert!(MobileNumber::parse("06 12345678", &[31, 32]).is_ok());
        assert_eq!(
            MobileNumber::parse("+44 7911 123456", &[31, 32]),
            Err(AppError::PhoneCountryNotServed { calling_code: 44 })
        );
    }

    #[test]
    fn debug_shows_only_the_masked_number() {
        let number = MobileNumber::parse("06 12345678", &[]).unwrap();
        assert_eq!(format!("{number:?}"), "MobileNumber(•••• ••• 678)");
    }
}
