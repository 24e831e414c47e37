//! Organisation identifiers: the 统一社会信用代码 (GB 32100-2015) that every organisation has
//! had since 2015, and the legacy 组织机构代码 (GB 11714) still found in older records.

use crate::credentials::FieldError;
use crate::text;

/// GB 32100 leaves out I, O, Z, S and V because they are easily mistaken for 1, 0, 2, 5 and U.
pub const CREDIT_CODE_CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

const CREDIT_CODE_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn credit_value(c: char) -> Option<u32> {
    CREDIT_CODE_CHARSET
        .chars()
        .position(|x| x == c)
        .and_then(|i| u32::try_from(i).ok())
}

/// The GB 32100 check character for the first 17 characters of a credit code, or `None` when
/// they are not 17 characters of the code's alphabet.
pub fn credit_code_check_char(first17: &str) -> Option<char> {
    if first17.chars().count() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in first17.chars().zip(CREDIT_CODE_WEIGHTS) {
        sum += credit_value(c)? * w;
    }
    let check = (31 - sum % 31) % 31;
    CREDIT_CODE_CHARSET.chars().nth(check as usize)
}

pub fn credit_code(input: &str) -> Result<String, FieldError> {
    let s = text::normalised(input).to_ascii_uppercase();
    if s.is_empty() {
        return Err(FieldError::new("请填写统一社会信用代码"));
    }
    if s.chars().count() != 18 {
        return Err(FieldError::new("统一社会信用代码应为18位"));
    }
    if let Some(bad) = s.chars().find(|c| credit_value(*c).is_none()) {
        return Err(FieldError::new(format!(
            "统一社会信用代码中不能有“{bad}”（只使用数字和除I、O、Z、S、V以外的大写字母）"
        )));
    }
    // Only the shape of the region code is checked: codes keep the division of the registering
    // authority at the time, and national bodies use codes such as 100000.
    if !s.chars().skip(2).take(6).all(|c| c.is_ascii_digit()) {
        return Err(FieldError::new(
            "统一社会信用代码第3至8位应为行政区划代码（6位数字）",
        ));
    }
    let (first17, check) = s.split_at(17);
    if credit_code_check_char(first17) != check.chars().next() {
        return Err(FieldError::new(
            "统一社会信用代码校验位不正确，请核对最后一位",
        ));
    }
    Ok(s)
}

const ORGANIZATION_CODE_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// The GB 11714 check character for an 8-character body of digits and capital letters, or
/// `None` for anything else.
pub fn organization_code_check_char(body: &str) -> Option<char> {
    if body.chars().count() != 8 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in body.chars().zip(ORGANIZATION_CODE_WEIGHTS) {
        let v = match c {
            '0'..='9' | 'A'..='Z' => c.to_digit(36)?,
            _ => return None,
        };
        sum += v * w;
    }
    match 11 - sum % 11 {
        10 => Some('X'),
        11 => Some('0'),
        n => char::from_digit(n, 10),
    }
}

/// Accepts "12345678-9" or "123456789" and stores the hyphenated form printed on certificates.
pub fn organization_code(input: &str) -> Result<String, FieldError> {
    let s = text::normalised(input).to_ascii_uppercase();
    if s.is_empty() {
        return Err(FieldError::new("请填写组织机构代码"));
    }
    let chars: Vec<char> = s.chars().collect();
    let (body, check) = match chars.as_slice() {
        [body @ .., '-', check] if body.len() == 8 => (body, *check),
        [body @ .., check] if body.len() == 8 => (body, *check),
        _ => return Err(FieldError::new("组织机构代码格式应如 12345678-9")),
    };
    let body: String = body.iter().collect();
    if !body
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        || !(check.is_ascii_digit() || check == 'X')
    {
        return Err(FieldError::new("组织机构代码格式应如 12345678-9"));
    }
    if organization_code_check_char(&body) != Some(check) {
        return Err(FieldError::new("组织机构代码校验位不正确，请核对最后一位"));
    }
    Ok(format!("{body}-{check}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn err(r: Result<String, FieldError>) -> String {
        r.unwrap_err().0
    }

    #[test]
    fn valid_credit_codes() {
        // Published codes of real companies (Tencent, Huawei) and a Beijing one.
        for code in [
            "9144030071526726XG",
            "914403001922038216",
            "91110000802100433B",
        ] {
            assert_eq!(credit_code(code).unwrap(), code);
        }
        assert_eq!(
            credit_code(" 9144030071526726xg ").unwrap(),
            "9144030071526726XG"
        );
        assert_eq!(
            credit_code("９１４４０３００１９２２０３８２１６").unwrap(),
            "914403001922038216"
        );
        assert_eq!(credit_code_check_char("91440101MA59ABCDE"), Some('M'));
        assert_eq!(
            credit_code("91440101MA59ABCDEM").unwrap(),
            "91440101MA59ABCDEM"
        );
    }

    #[test]
    fn invalid_credit_codes() {
        assert_eq!(err(credit_code(" ")), "请填写统一社会信用代码");
        assert_eq!(
            err(credit_code("9144030071526726X")),
            "统一社会信用代码应为18位"
        );
        assert_eq!(
            err(credit_code("9144030071526726XI")),
            "统一社会信用代码中不能有“I”（只使用数字和除I、O、Z、S、V以外的大写字母）"
        );
        assert!(err(credit_code("91440300O1526726XG")).contains("“O”"));
        assert_eq!(
            err(credit_code("91A40300715267260G")),
            "统一社会信用代码第3至8位应为行政区划代码（6位数字）"
        );
        assert_eq!(
            err(credit_code("9144030071526726XH")),
            "统一社会信用代码校验位不正确，请核对最后一位"
        );
        assert_eq!(
            err(credit_code("914403001922038217")),
            "统一社会信用代码校验位不正确，请核对最后一位"
        );
    }

    #[test]
    fn check_char_helper() {
        // A remainder of zero gives check value 31, which wraps to '0'.
        assert_eq!(credit_code_check_char("00000000000000000"), Some('0'));
        assert_eq!(credit_code_check_char("0000000000000000"), None);
        assert_eq!(credit_code_check_char("0000000000000000I"), None);
        assert_eq!(organization_code_check_char("1234567"), None);
        assert_eq!(organization_code_check_char("1234567a"), None);
    }

    #[test]
    fn organization_codes() {
        assert_eq!(organization_code("71526726-X").unwrap(), "71526726-X");
        assert_eq!(organization_code("71526726x").unwrap(), "71526726-X");
        assert_eq!(organization_code("19220382-1").unwrap(), "19220382-1");
        assert_eq!(organization_code("MA59ABCD1").unwrap(), "MA59ABCD-1");
        assert_eq!(organization_code("12345678-8").unwrap(), "12345678-8");
        // Check value 11 is written as 0.
        assert_eq!(organization_code_check_char("00000000"), Some('0'));
        assert_eq!(organization_code("00000000-0").unwrap(), "00000000-0");
        assert_eq!(err(organization_code("")), "请填写组织机构代码");
        assert_eq!(
            err(organization_code("12345678-9")),
            "组织机构代码校验位不正确，请核对最后一位"
        );
        for bad in [
            "1234567-8",
            "123456789-0",
            "1234567*-8",
            "12345678-A",
            "12345678--8",
        ] {
            assert_eq!(
                err(organization_code(bad)),
                "组织机构代码格式应如 12345678-9",
                "{bad}"
            );
        }
    }

    #[test]
    fn credit_code_embeds_the_organization_code() {
        // For codes converted from the legacy system, positions 9–17 are the old code.
        let code = credit_code("9144030071526726XG").unwrap();
        let legacy = format!("{}-{}", &code[8..16], &code[16..17]);
        assert_eq!(organization_code(&legacy).unwrap(), "71526726-X");
    }

    fn credit_char() -> impl Strategy<Value = char> {
        proptest::sample::select(CREDIT_CODE_CHARSET.chars().collect::<Vec<_>>())
    }

    proptest! {
        #[test]
        fn generated_credit_codes_pass_and_altered_checks_fail(
            head in proptest::collection::vec(credit_char(), 2),
            region in 0u32..1_000_000,
            body in proptest::collection::vec(credit_char(), 9),
            other in credit_char(),
        ) {
            let first17: String = head.iter().copied().chain(format!("{region:06}").chars()).chain(body.iter().copied()).collect();
            let check = credit_code_check_char(&first17).unwrap();
            let code = format!("{first17}{check}");
            prop_assert_eq!(credit_code(&code), Ok(code.clone()));
            prop_assert_eq!(credit_code(&code.to_ascii_lowercase()), Ok(code.clone()));
            if other != check {
                let altered = format!("{first17}{other}");
                prop_assert!(credit_code(&altered).is_err());
            }
        }

        #[test]
        fn generated_organization_codes_pass_and_altered_checks_fail(
            body in "[0-9A-Z]{8}",
            other in proptest::sample::select("0123456789X".chars().collect::<Vec<_>>()),
        ) {
            let check = organization_code_check_char(&body).unwrap();
            let code = format!("{body}-{check}");
            prop_assert_eq!(organization_code(&code), Ok(code.clone()));
            prop_assert_eq!(organization_code(&format!("{body}{check}")), Ok(code.clone()));
            if other != check {
                let altered = format!("{body}-{other}");
                prop_assert!(organization_code(&altered).is_err());
            }
        }

        #[test]
        fn never_panic(s in any::<String>()) {
            let _ = credit_code(&s);
            let _ = organization_code(&s);
            let _ = credit_code_check_char(&s);
            let _ = organization_code_check_char(&s);
        }

        #[test]
        fn never_panic_on_near_misses(s in "[0-9A-Za-z\\-]{15,20}") {
            let _ = credit_code(&s);
            let _ = organization_code(&s);
        }
    }
}
