//! Certificates (继续教育证书 / 学时证明): their numbers, the verification codes anyone may
//! check, and the states a printed certificate can be in.

use serde::{Deserialize, Serialize};

/// Letters and digits that are not mistaken for one another when typed from paper
/// (no 0/O, 1/I/L, 2/Z, 5/S, 8/B).
const ALPHABET: &[u8] = b"34679ACDEFGHJKMNPQRTUVWXY";

/// The length of a verification code.
pub const CODE_LEN: usize = 12;

/// A verification code from random bytes (one character per byte).
pub fn code_from_bytes(bytes: &[u8; CODE_LEN]) -> String {
    bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

/// A code as typed or scanned: upper-cased, spaces and dashes removed; `None` when it cannot
/// be a code at all (so the lookup is never tried).
pub fn normalise_code(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// The printed number of a certificate: the kind, the year and the sequence.
pub fn number(kind: CertificateKind, year: i32, id: i64) -> String {
    let prefix = match kind {
        CertificateKind::Year => "JXND",
        CertificateKind::Cycle => "JXZQ",
    };
    format!("{prefix}{year}{id:08}")
}

/// A year's certificate is issued once the year has ended: before that its hours may still grow.
pub fn year_has_ended(year: i32, this_year: i32) -> bool {
    year < this_year
}

/// The earliest year the system prints a certificate for (older records are history).
pub const FIRST_PRINTED_YEAR: i32 = 1980;

/// A year as typed into a form, when a certificate of it can be printed: a number from
/// [`FIRST_PRINTED_YEAR`] to the last year that has ended.
pub fn printable_year(typed: &str, this_year: i32) -> Option<i32> {
    typed
        .trim()
        .parse()
        .ok()
        .filter(|&y| y >= FIRST_PRINTED_YEAR && year_has_ended(y, this_year))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CertificateKind {
    /// 继续教育证书 of a year.
    #[serde(rename = "year")]
    Year,
    /// 学时证明 of an approved cycle verification.
    #[serde(rename = "cycle")]
    Cycle,
}

impl CertificateKind {
    pub const ALL: [CertificateKind; 2] = [CertificateKind::Year, CertificateKind::Cycle];

    pub fn code(self) -> &'static str {
        match self {
            CertificateKind::Year => "year",
            CertificateKind::Cycle => "cycle",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CertificateKind::Year => "继续教育证书",
            CertificateKind::Cycle => "继续教育学时证明（周期验证）",
        }
    }

    pub fn from_code(code: &str) -> Option<CertificateKind> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// Whether a certificate still says what is true.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CertificateState {
    #[serde(rename = "valid")]
    Valid,
    /// Regenerated with a new number after the records changed.
    #[serde(rename = "superseded")]
    Superseded,
    #[serde(rename = "revoked")]
    Revoked,
}

impl CertificateState {
    pub const ALL: [CertificateState; 3] = [
        CertificateState::Valid,
        CertificateState::Superseded,
        CertificateState::Revoked,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CertificateState::Valid => "valid",
            CertificateState::Superseded => "superseded",
            CertificateState::Revoked => "revoked",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CertificateState::Valid => "有效",
            CertificateState::Superseded => "已作废（已被新证书取代）",
            CertificateState::Revoked => "已撤销",
        }
    }

    pub fn from_code(code: &str) -> Option<CertificateState> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_use_only_unambiguous_characters() {
        let code = code_from_bytes(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 250, 255]);
        assert_eq!(code.len(), CODE_LEN);
        assert!(!code.contains(['0', 'O', '1', 'I', 'L', '2', 'Z', '5', 'S', '8', 'B']));
        assert_eq!(normalise_code(&code.to_lowercase()), Some(code.clone()));
        let spaced = format!("{} {}-{}", &code[..4], &code[4..8], &code[8..]);
        assert_eq!(normalise_code(&spaced), Some(code));
    }

    #[test]
    fn forged_or_malformed_codes_are_not_looked_up() {
        assert_eq!(normalise_code(""), None);
        assert_eq!(normalise_code("ABCDEFGHJKMN1"), None, "too long");
        assert_eq!(normalise_code("ABCDEFGHJKM0"), None, "0 is never in a code");
        assert_eq!(normalise_code("'; DROP TABLE"), None);
    }

    #[test]
    fn only_ended_years_have_certificates() {
        assert!(year_has_ended(2025, 2026));
        assert!(!year_has_ended(2026, 2026));
        assert!(!year_has_ended(2027, 2026));
        assert_eq!(printable_year(" 2025 ", 2026), Some(2025));
        assert_eq!(printable_year("1980", 2026), Some(1980));
        assert_eq!(printable_year("1979", 2026), None);
        assert_eq!(printable_year("2026", 2026), None);
        assert_eq!(printable_year("二〇二五", 2026), None);
        assert_eq!(printable_year("", 2026), None);
    }

    #[test]
    fn numbers_name_the_kind_and_the_year() {
        assert_eq!(number(CertificateKind::Year, 2025, 123), "JXND202500000123");
        assert_eq!(number(CertificateKind::Cycle, 2026, 7), "JXZQ202600000007");
    }
}

crate::code::coded!(CertificateKind, CertificateState);
