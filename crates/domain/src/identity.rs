//! Identity documents: the real-name basis of every personal account (one account per document).

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::text;

/// The document types a person can register with. The serde names equal [`DocumentType::code`],
/// so JSON, forms and the database all use the same spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DocumentType {
    #[serde(rename = "mainland_id")]
    MainlandId,
    #[serde(rename = "hk_id")]
    HongKongId,
    #[serde(rename = "mo_id")]
    MacaoId,
    #[serde(rename = "residence_permit")]
    ResidencePermit,
}

impl DocumentType {
    pub const ALL: [DocumentType; 4] = [
        DocumentType::MainlandId,
        DocumentType::HongKongId,
        DocumentType::MacaoId,
        DocumentType::ResidencePermit,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DocumentType::MainlandId => "mainland_id",
            DocumentType::HongKongId => "hk_id",
            DocumentType::MacaoId => "mo_id",
            DocumentType::ResidencePermit => "residence_permit",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            DocumentType::MainlandId => "居民身份证",
            DocumentType::HongKongId => "香港居民身份证",
            DocumentType::MacaoId => "澳门居民身份证",
            DocumentType::ResidencePermit => "港澳台居民居住证",
        }
    }
}

impl fmt::Display for DocumentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Gender {
    #[serde(rename = "M")]
    Male,
    #[serde(rename = "F")]
    Female,
}

impl Gender {
    pub fn code(self) -> &'static str {
        match self {
            Gender::Male => "M",
            Gender::Female => "F",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "M" => Some(Gender::Male),
            "F" => Some(Gender::Female),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Gender::Male => "男",
            Gender::Female => "女",
        }
    }
}

impl fmt::Display for Gender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A document number in its canonical stored form, with what the number itself tells about the
/// holder (only GB 11643 numbers carry a birth date and gender).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedDocument {
    pub doc_type: DocumentType,
    pub number: String,
    pub birth_date: Option<NaiveDate>,
    pub gender: Option<Gender>,
    pub converted_from_legacy: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    #[error("请填写证件号码")]
    Empty,
    #[error("居民身份证号码应为18位（旧的15位号码也可以）")]
    MainlandLength,
    #[error("身份证号码只能由数字组成，最后一位可以是X")]
    MainlandCharacters,
    #[error("身份证号码校验位不正确，请核对最后一位")]
    MainlandCheckDigit,
    #[error("身份证号码中的出生日期不存在")]
    BirthDateInvalid,
    #[error("出生日期不能晚于今天")]
    BirthDateInFuture,
    #[error("出生日期不能早于1900年1月1日")]
    BirthDateTooEarly,
    #[error("身份证号码前两位不是有效的省级行政区划代码")]
    ProvinceCode,
    #[error("香港居民身份证号码格式应如 A123456(7)")]
    HongKongFormat,
    #[error("香港居民身份证号码校验位不正确")]
    HongKongCheckDigit,
    #[error("澳门居民身份证号码格式应如 1234567(8)")]
    MacaoFormat,
    #[error("港澳台居民居住证号码应为18位")]
    PermitLength,
    #[error("港澳台居民居住证号码只能由数字组成，最后一位可以是X")]
    PermitCharacters,
    #[error("港澳台居民居住证号码应以810000、820000或830000开头")]
    PermitPrefix,
    #[error("港澳台居民居住证号码校验位不正确，请核对最后一位")]
    PermitCheckDigit,
    #[error("港澳台居民居住证号码中的出生日期不存在")]
    PermitBirthDateInvalid,
}

/// Province-level codes (省级行政区划代码) as listed in `shared/data/regions.csv`. Only these two
/// digits are checked: the other four region digits keep whatever code was valid when the number
/// was issued, and many of those have been abolished since.
pub const PROVINCE_CODES: [&str; 34] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82",
];

pub fn is_province_code(two_digits: &str) -> bool {
    PROVINCE_CODES.contains(&two_digits)
}

const RESIDENCE_PERMIT_PREFIXES: [&str; 3] = ["810000", "820000", "830000"];

const GB11643_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const GB11643_CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The GB 11643 check character for the first 17 digits of an 18-character number, or `None`
/// when the input is not exactly 17 ASCII digits.
pub fn gb11643_check_char(first17: &str) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in first17.chars().zip(GB11643_WEIGHTS) {
        sum += c.to_digit(10)? * w;
    }
    GB11643_CHECK.get((sum % 11) as usize).copied()
}

const EARLIEST_BIRTH_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

pub fn parse_document(
    doc_type: DocumentType,
    input: &str,
    today: NaiveDate,
) -> Result<ParsedDocument, DocumentError> {
    let s = text::normalised(input).to_ascii_uppercase();
    if s.is_empty() {
        return Err(DocumentError::Empty);
    }
    match doc_type {
        DocumentType::MainlandId => parse_mainland(&s, today),
        DocumentType::ResidencePermit => parse_permit(&s, today),
        // These are commonly written with a space before the bracket, "A123456 (3)".
        DocumentType::HongKongId => parse_hong_kong(&without_spaces(&s)),
        DocumentType::MacaoId => parse_macao(&without_spaces(&s)),
    }
}

fn parse_mainland(s: &str, today: NaiveDate) -> Result<ParsedDocument, DocumentError> {
    let (number, converted_from_legacy) = match s.chars().count() {
        18 => (s.to_owned(), false),
        15 => {
            if !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(DocumentError::MainlandCharacters);
            }
            // Legacy numbers were only issued in the twentieth century, hence the fixed "19".
            let first17 = format!("{}19{}", &s[..6], &s[6..]);
            let check = gb11643_check_char(&first17).ok_or(DocumentError::MainlandCharacters)?;
            (format!("{first17}{check}"), true)
        }
        _ => return Err(DocumentError::MainlandLength),
    };
    if !gb11643_shape(&number) {
        return Err(DocumentError::MainlandCharacters);
    }
    if !is_province_code(&number[..2]) {
        return Err(DocumentError::ProvinceCode);
    }
    let birth_date = birth_date(&number, today, DocumentError::BirthDateInvalid)?;
    if gb11643_check_char(&number[..17]) != number[17..].chars().next() {
        return Err(DocumentError::MainlandCheckDigit);
    }
    Ok(ParsedDocument {
        doc_type: DocumentType::MainlandId,
        gender: gender(&number),
        number,
        birth_date: Some(birth_date),
        converted_from_legacy,
    })
}

fn parse_permit(s: &str, today: NaiveDate) -> Result<ParsedDocument, DocumentError> {
    if s.chars().count() != 18 {
        return Err(DocumentError::PermitLength);
    }
    if !gb11643_shape(s) {
        return Err(DocumentError::PermitCharacters);
    }
    if !RESIDENCE_PERMIT_PREFIXES.contains(&&s[..6]) {
        return Err(DocumentError::PermitPrefix);
    }
    let birth_date = birth_date(s, today, DocumentError::PermitBirthDateInvalid)?;
    if gb11643_check_char(&s[..17]) != s[17..].chars().next() {
        return Err(DocumentError::PermitCheckDigit);
    }
    Ok(ParsedDocument {
        doc_type: DocumentType::ResidencePermit,
        number: s.to_owned(),
        birth_date: Some(birth_date),
        gender: gender(s),
        converted_from_legacy: false,
    })
}

fn without_spaces(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// 17 ASCII digits and a digit or X. Being all ASCII, the caller may slice it by byte offsets.
fn gb11643_shape(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 18
        && b[..17].iter().all(u8::is_ascii_digit)
        && (b[17].is_ascii_digit() || b[17] == b'X')
}

/// Expects a string that passed [`gb11643_shape`].
fn birth_date(
    number: &str,
    today: NaiveDate,
    invalid: DocumentError,
) -> Result<NaiveDate, DocumentError> {
    let field =
        |range: std::ops::Range<usize>| number.get(range).and_then(|d| d.parse::<u32>().ok());
    let (Some(y), Some(m), Some(d)) = (field(6..10), field(10..12), field(12..14)) else {
        return Err(invalid);
    };
    let year = i32::try_from(y).map_err(|_| invalid)?;
    let date = NaiveDate::from_ymd_opt(year, m, d).ok_or(invalid)?;
    if date > today {
        return Err(DocumentError::BirthDateInFuture);
    }
    if date < EARLIEST_BIRTH_DATE {
        return Err(DocumentError::BirthDateTooEarly);
    }
    Ok(date)
}

/// GB 11643: the last digit of the sequence code (position 17) is odd for men, even for women.
fn gender(number: &str) -> Option<Gender> {
    let digit = number.chars().nth(16)?.to_digit(10)?;
    Some(if digit % 2 == 1 {
        Gender::Male
    } else {
        Gender::Female
    })
}

/// Splits "BODY(C)" or "BODYC" into body and check character; `None` for anything else.
fn split_check(s: &str) -> Option<(Vec<char>, char)> {
    let mut chars: Vec<char> = s.chars().collect();
    if chars.last() == Some(&')') {
        chars.pop();
        let check = chars.pop()?;
        if chars.pop()? != '(' {
            return None;
        }
        Some((chars, check))
    } else {
        let check = chars.pop()?;
        Some((chars, check))
    }
}

fn parse_hong_kong(s: &str) -> Result<ParsedDocument, DocumentError> {
    let (body, check) = split_check(s).ok_or(DocumentError::HongKongFormat)?;
    let letters = body.iter().take_while(|c| c.is_ascii_uppercase()).count();
    let digits = &body[letters.min(body.len())..];
    if !(1..=2).contains(&letters)
        || digits.len() != 6
        || !digits.iter().all(char::is_ascii_digit)
        || !(check.is_ascii_digit() || check == 'A')
    {
        return Err(DocumentError::HongKongFormat);
    }
    if hkid_check_char(&body) != Some(check) {
        return Err(DocumentError::HongKongCheckDigit);
    }
    let body: String = body.into_iter().collect();
    Ok(ParsedDocument {
        doc_type: DocumentType::HongKongId,
        number: format!("{body}({check})"),
        birth_date: None,
        gender: None,
        converted_from_legacy: false,
    })
}

/// One or two letters, six digits and a digit or A, ignoring case and the check itself: the
/// shape a login name must not have, so that signing in by document number stays unambiguous.
pub(crate) fn has_hong_kong_id_shape(s: &str) -> bool {
    let b = s.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    (1..=2).contains(&letters)
        && b.len() == letters + 7
        && b[letters..letters + 6].iter().all(u8::is_ascii_digit)
        && b.last()
            .is_some_and(|c| c.is_ascii_digit() || c.eq_ignore_ascii_case(&b'A'))
}

/// HKID check: a one-letter prefix counts as a leading space worth 36, so every number is
/// weighted as 8 symbols (weights 9 down to 2).
fn hkid_check_char(body: &[char]) -> Option<char> {
    let value = |c: &char| match c {
        'A'..='Z' => Some(*c as u32 - 'A' as u32 + 10),
        _ => c.to_digit(10),
    };
    let mut values = Vec::with_capacity(8);
    if body.len() == 7 {
        values.push(36);
    }
    for c in body {
        values.push(value(c)?);
    }
    if values.len() != 8 {
        return None;
    }
    let sum: u32 = values.iter().zip((2..=9).rev()).map(|(v, w)| v * w).sum();
    match 11 - sum % 11 {
        11 => Some('0'),
        10 => Some('A'),
        n => char::from_digit(n, 10),
    }
}

fn parse_macao(s: &str) -> Result<ParsedDocument, DocumentError> {
    let (body, check) = split_check(s).ok_or(DocumentError::MacaoFormat)?;
    if body.len() != 7
        || !body.iter().all(char::is_ascii_digit)
        || !check.is_ascii_digit()
        || !matches!(body.first(), Some('1' | '5' | '7'))
    {
        return Err(DocumentError::MacaoFormat);
    }
    let body: String = body.into_iter().collect();
    Ok(ParsedDocument {
        doc_type: DocumentType::MacaoId,
        number: format!("{body}({check})"),
        birth_date: None,
        gender: None,
        converted_from_legacy: false,
    })
}

/// Hides the middle of a document number for lists and logs; the ends stay visible so that a
/// person or clerk can still tell numbers apart.
pub fn mask(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    let n = chars.len();
    // Numbers of four characters or fewer would show everything with two kept at each end.
    let keep = match n {
        0 => 0,
        1..=4 => 1,
        5..=8 => 2,
        _ => 4,
    };
    let tail = if n <= 4 { 0 } else { keep };
    let mut out = String::with_capacity(number.len());
    for (i, c) in chars.iter().enumerate() {
        if i < keep || i >= n - tail {
            out.push(*c);
        } else {
            out.push('*');
        }
    }
    out
}

crate::code::coded!(DocumentType);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
    }

    fn parse(t: DocumentType, s: &str) -> Result<ParsedDocument, DocumentError> {
        parse_document(t, s, today())
    }

    #[test]
    fn codes_round_trip() {
        for t in DocumentType::ALL {
            assert_eq!(DocumentType::from_code(t.code()), Some(t));
        }
        assert_eq!(DocumentType::from_code("passport"), None);
        assert_eq!(DocumentType::HongKongId.code(), "hk_id");
        assert_eq!(DocumentType::ResidencePermit.label(), "港澳台居民居住证");
        for g in [Gender::Male, Gender::Female] {
            assert_eq!(Gender::from_code(g.code()), Some(g));
        }
        assert_eq!(Gender::Female.label(), "女");
    }

    #[test]
    fn mainland_valid_examples() {
        let p = parse(DocumentType::MainlandId, "110101199003072711").unwrap();
        assert_eq!(p.number, "110101199003072711");
        assert_eq!(p.birth_date, NaiveDate::from_ymd_opt(1990, 3, 7));
        assert_eq!(p.gender, Some(Gender::Male));
        assert!(!p.converted_from_legacy);

        let p = parse(DocumentType::MainlandId, " 321101198110166954 ").unwrap();
        assert_eq!(p.birth_date, NaiveDate::from_ymd_opt(1981, 10, 16));
        assert_eq!(p.gender, Some(Gender::Male));
    }

    #[test]
    fn mainland_check_char_x_and_full_width() {
        // A computed example whose check character is X.
        let first17 = "11010119900307002";
        assert_eq!(gb11643_check_char(first17), Some('X'));
        let p = parse(DocumentType::MainlandId, "11010119900307002x").unwrap();
        assert_eq!(p.number, "11010119900307002X");
        assert_eq!(p.gender, Some(Gender::Female));
        let full = "１１０１０１１９９００３０７２７１１";
        assert_eq!(
            parse(DocumentType::MainlandId, full).unwrap().number,
            "110101199003072711"
        );
    }

    #[test]
    fn legacy_fifteen_digits_converted() {
        let p = parse(DocumentType::MainlandId, "440106661007095").unwrap();
        assert_eq!(p.number, "440106196610070958");
        assert!(p.converted_from_legacy);
        assert_eq!(p.birth_date, NaiveDate::from_ymd_opt(1966, 10, 7));
        assert_eq!(p.gender, Some(Gender::Male));
        let again = parse(DocumentType::MainlandId, &p.number).unwrap();
        assert!(!again.converted_from_legacy);
    }

    #[test]
    fn mainland_errors() {
        use DocumentError::*;
        let t = DocumentType::MainlandId;
        assert_eq!(parse(t, "   "), Err(Empty));
        assert_eq!(parse(t, "1101011990030727"), Err(MainlandLength));
        assert_eq!(parse(t, "11010119900307271A"), Err(MainlandCharacters));
        assert_eq!(parse(t, "44010666100709A"), Err(MainlandCharacters));
        assert_eq!(parse(t, "110101199003072712"), Err(MainlandCheckDigit));
        assert_eq!(parse(t, "110101199002302711"), Err(BirthDateInvalid));
        assert_eq!(parse(t, "110101203003072711"), Err(BirthDateInFuture));
        assert_eq!(parse(t, "110101189912312711"), Err(BirthDateTooEarly));
        // 99 is not a province; the 4 digits after a valid prefix are not checked.
        assert_eq!(parse(t, "990101199003072711"), Err(ProvinceCode));
        let abolished = "44999919900307271";
        let n = format!("{abolished}{}", gb11643_check_char(abolished).unwrap());
        assert!(parse(t, &n).is_ok());
        assert_eq!(
            ProvinceCode.to_string(),
            "身份证号码前两位不是有效的省级行政区划代码"
        );
    }

    #[test]
    fn birth_date_today_is_allowed() {
        let first17 = "44010620250601123";
        let n = format!("{first17}{}", gb11643_check_char(first17).unwrap());
        assert!(parse(DocumentType::MainlandId, &n).is_ok());
    }

    #[test]
    fn residence_permit() {
        for prefix in ["810000", "820000", "830000"] {
            let first17 = format!("{prefix}19850512002");
            let n = format!("{first17}{}", gb11643_check_char(&first17).unwrap());
            let p = parse(DocumentType::ResidencePermit, &n).unwrap();
            assert_eq!(p.birth_date, NaiveDate::from_ymd_opt(1985, 5, 12));
            assert_eq!(p.gender, Some(Gender::Female));
        }
        assert_eq!(
            parse(DocumentType::ResidencePermit, "110101199003072711"),
            Err(DocumentError::PermitPrefix)
        );
        assert_eq!(
            parse(DocumentType::ResidencePermit, "440106661007095"),
            Err(DocumentError::PermitLength)
        );
        let first17 = "81000019850512002";
        let check = gb11643_check_char(first17).unwrap();
        let wrong = if check == '0' { '1' } else { '0' };
        assert_eq!(
            parse(DocumentType::ResidencePermit, &format!("{first17}{wrong}")),
            Err(DocumentError::PermitCheckDigit)
        );
    }

    #[test]
    fn hong_kong() {
        let t = DocumentType::HongKongId;
        assert_eq!(parse(t, "A123456(3)").unwrap().number, "A123456(3)");
        assert_eq!(parse(t, "a1234563").unwrap().number, "A123456(3)");
        assert_eq!(parse(t, "A123456 (3)").unwrap().number, "A123456(3)");
        assert_eq!(
            parse(t, "Ａ１２３４５６（３）").unwrap().number,
            "A123456(3)"
        );
        assert_eq!(parse(t, "AB987654(3)").unwrap().number, "AB987654(3)");
        assert_eq!(parse(t, "G123456(A)").unwrap().number, "G123456(A)");
        assert_eq!(parse(t, "k000000(0)").unwrap().number, "K000000(0)");
        let p = parse(t, "C668668(9)").unwrap();
        assert_eq!((p.birth_date, p.gender), (None, None));
        assert_eq!(
            parse(t, "A123456(7)"),
            Err(DocumentError::HongKongCheckDigit)
        );
        for bad in [
            "A12345(3)",
            "123456(3)",
            "ABC123456(3)",
            "A123456(3",
            "A123456)3(",
            "A1234567(B)",
        ] {
            assert_eq!(parse(t, bad), Err(DocumentError::HongKongFormat), "{bad}");
        }
    }

    #[test]
    fn macao() {
        let t = DocumentType::MacaoId;
        assert_eq!(parse(t, "1234567(8)").unwrap().number, "1234567(8)");
        assert_eq!(parse(t, "52345678").unwrap().number, "5234567(8)");
        assert_eq!(parse(t, "1234567 (8)").unwrap().number, "1234567(8)");
        assert_eq!(parse(t, "7234567（8）").unwrap().number, "7234567(8)");
        for bad in [
            "2234567(8)",
            "123456(8)",
            "12345678(9)",
            "1234567(A)",
            "123456A(8)",
        ] {
            assert_eq!(parse(t, bad), Err(DocumentError::MacaoFormat), "{bad}");
        }
    }

    #[test]
    fn masking() {
        assert_eq!(mask("440106199003071234"), "4401**********1234");
        assert_eq!(mask("A123456(3)"), "A123**6(3)");
        assert_eq!(mask("12345678"), "12****78");
        assert_eq!(mask("12345"), "12*45");
        assert_eq!(mask("1234"), "1***");
        assert_eq!(mask("1"), "1");
        assert_eq!(mask(""), "");
        assert_eq!(mask("张三李四王五赵六钱七孙"), "张三李四***六钱七孙");
    }

    #[test]
    fn check_char_helper_rejects_bad_input() {
        assert_eq!(gb11643_check_char("1101011990030727"), None);
        assert_eq!(gb11643_check_char("1101011990030727A"), None);
        assert_eq!(gb11643_check_char("１１０１０１１９９００３０７２"), None);
        assert_eq!(gb11643_check_char("11010119900307271"), Some('1'));
    }

    fn valid_first17() -> impl Strategy<Value = String> {
        let provinces = proptest::sample::select(PROVINCE_CODES.to_vec());
        let days = 0i64..=(today() - EARLIEST_BIRTH_DATE).num_days();
        (provinces, 0u32..10_000, days, 0u32..1000).prop_map(|(p, region, d, seq)| {
            let date = EARLIEST_BIRTH_DATE + chrono::Duration::days(d);
            format!("{p}{region:04}{}{seq:03}", date.format("%Y%m%d"))
        })
    }

    const CHECK_CHARS: &str = "0123456789X";

    proptest! {
        #[test]
        fn computed_check_char_accepted_any_other_refused(first17 in valid_first17(), other in 0usize..11) {
            let check = gb11643_check_char(&first17).unwrap();
            let number = format!("{first17}{check}");
            let p = parse(DocumentType::MainlandId, &number).unwrap();
            prop_assert_eq!(&p.number, &number);
            let wrong = CHECK_CHARS.chars().nth(other).unwrap();
            if wrong != check {
                let bad = format!("{first17}{wrong}");
                prop_assert_eq!(parse(DocumentType::MainlandId, &bad), Err(DocumentError::MainlandCheckDigit));
            }
        }

        #[test]
        fn legacy_conversion_passes_the_18_digit_check(
            p in proptest::sample::select(PROVINCE_CODES.to_vec()),
            region in 0u32..10_000,
            d in 0i64..36_524,
            seq in 0u32..1000,
        ) {
            let date = EARLIEST_BIRTH_DATE + chrono::Duration::days(d);
            let legacy = format!("{p}{region:04}{}{seq:03}", date.format("%y%m%d"));
            let converted = parse(DocumentType::MainlandId, &legacy).unwrap();
            prop_assert!(converted.converted_from_legacy);
            prop_assert_eq!(converted.birth_date, Some(date));
            let again = parse(DocumentType::MainlandId, &converted.number).unwrap();
            prop_assert!(!again.converted_from_legacy);
            prop_assert_eq!(again.gender, converted.gender);
        }

        #[test]
        fn parse_never_panics(s in any::<String>(), t in proptest::sample::select(DocumentType::ALL.to_vec())) {
            let _ = parse(t, &s);
            let _ = mask(&s);
            let _ = gb11643_check_char(&s);
        }

        #[test]
        fn parse_never_panics_on_near_misses(s in "[0-9Xx()（）A-Za-z ]{0,20}", t in proptest::sample::select(DocumentType::ALL.to_vec())) {
            let _ = parse(t, &s);
        }

        #[test]
        fn mask_keeps_length(s in any::<String>()) {
            prop_assert_eq!(mask(&s).chars().count(), s.chars().count());
        }
    }
}
