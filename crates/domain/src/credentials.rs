//! Rules for the fields of a personal account at registration. Each rule returns the value to
//! store, or a message the person can act on.

use crate::identity::{self, DocumentError, DocumentType};
use crate::text;

/// A field was refused; the message is shown next to the field as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FieldError(pub String);

impl FieldError {
    pub fn new(message: impl Into<String>) -> Self {
        FieldError(message.into())
    }
}

impl From<DocumentError> for FieldError {
    fn from(e: DocumentError) -> Self {
        FieldError(e.to_string())
    }
}

fn refuse<T>(message: &str) -> Result<T, FieldError> {
    Err(FieldError::new(message))
}

pub const LOGIN_NAME_MIN: usize = 4;
pub const LOGIN_NAME_MAX: usize = 32;

/// Returns the login name as typed (only full-width characters are narrowed); uniqueness and
/// lookup go through [`login_key`].
pub fn login_name(input: &str) -> Result<String, FieldError> {
    let s = text::normalised(input);
    if s.is_empty() {
        return refuse("请填写登录账号");
    }
    if !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return refuse("登录账号只能包含字母、数字、下划线");
    }
    // People also sign in with their document number in the same box, so the two must never
    // collide: mainland, Macao and permit numbers start with a digit, and Hong Kong numbers
    // (letters, six digits, check character) are refused by shape.
    if !s.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return refuse("登录账号须以字母开头");
    }
    if identity::has_hong_kong_id_shape(&s) {
        return refuse("登录账号不能采用香港居民身份证号码的格式");
    }
    let n = s.chars().count();
    if !(LOGIN_NAME_MIN..=LOGIN_NAME_MAX).contains(&n) {
        return refuse("登录账号应为4到32位");
    }
    Ok(s)
}

/// The case-insensitive form under which login names are unique and looked up, so "ZhangSan"
/// and "zhangsan" cannot be two accounts.
pub fn login_key(name: &str) -> String {
    text::normalised(name).to_ascii_lowercase()
}

pub const REAL_NAME_MIN: usize = 2;
pub const REAL_NAME_MAX: usize = 30;

/// The separator of minority and foreign name parts as printed on the document.
pub const NAME_DOT: char = '·';

/// Look-alikes of the name separator that different input methods produce.
fn is_name_dot(c: char) -> bool {
    matches!(
        c,
        '·' | '.' | '．' | '•' | '・' | '･' | '‧' | '\u{2219}' | '\u{22C5}'
    )
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3007 // 〇, which appears in some given names
        | 0x3400..=0x4DBF // extension A
        | 0x4E00..=0x9FFF
        // Extensions B onwards: rare characters (生僻字) that some people's names need.
        | 0x20000..=0x2FA1F
        | 0x30000..=0x323AF)
}

/// Latin letters including the accented ones of Portuguese names from Macao.
fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || (matches!(c as u32, 0xC0..=0x24F) && c.is_alphabetic())
}

pub fn real_name(input: &str) -> Result<String, FieldError> {
    let s = text::normalised(input);
    if s.is_empty() {
        return refuse("请填写姓名");
    }
    let mut has_cjk = false;
    let mut has_latin = false;
    for c in s.chars() {
        if is_cjk(c) {
            has_cjk = true;
        } else if is_latin_letter(c) {
            has_latin = true;
        } else if c.is_numeric() {
            return refuse("姓名不能包含数字");
        } else if !(c.is_whitespace() || is_name_dot(c)) {
            return refuse("姓名只能包含汉字、字母和间隔号“·”");
        }
    }
    if has_cjk && has_latin {
        return refuse("姓名请按证件填写，中文姓名和英文姓名不能混在一起");
    }
    if !has_cjk && !has_latin {
        return refuse("请填写姓名");
    }

    // Spaces carry meaning only between the words of a Latin name; around a separator or inside
    // a Chinese name they are typing noise.
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            pending_space = has_latin;
            continue;
        }
        let dot = is_name_dot(c);
        if pending_space && !dot && !out.ends_with(NAME_DOT) {
            out.push(' ');
        }
        pending_space = false;
        out.push(if dot { NAME_DOT } else { c });
    }

    if out.starts_with(NAME_DOT) || out.ends_with(NAME_DOT) {
        return refuse("姓名不能以间隔号“·”开头或结尾");
    }
    if out.contains("··") {
        return refuse("姓名中不能有连续的间隔号“·”");
    }
    let n = out.chars().count();
    if !(REAL_NAME_MIN..=REAL_NAME_MAX).contains(&n) {
        return refuse("姓名应为2到30个字");
    }
    Ok(out)
}

/// Mainland numbers are stored as 11 digits; Hong Kong and Macao numbers as "+852…"/"+853…" so
/// that an SMS gateway can tell them apart.
pub fn mobile(input: &str) -> Result<String, FieldError> {
    let s: String = text::normalised(input)
        .chars()
        .filter(|c| !(c.is_whitespace() || matches!(c, '-' | '(' | ')')))
        .collect();
    if s.is_empty() {
        return refuse("请填写手机号码");
    }
    for (prefix, stored) in [
        ("+852", "+852"),
        ("00852", "+852"),
        ("+853", "+853"),
        ("00853", "+853"),
    ] {
        if let Some(rest) = s.strip_prefix(prefix) {
            if rest.len() == 8 && rest.bytes().all(|b| b.is_ascii_digit()) {
                return Ok(format!("{stored}{rest}"));
            }
            return refuse("港澳手机号码应为+852或+853加8位数字");
        }
    }
    let local = s
        .strip_prefix("+86")
        .or_else(|| s.strip_prefix("0086"))
        .unwrap_or(&s);
    let b = local.as_bytes();
    if b.len() == 11
        && b.iter().all(u8::is_ascii_digit)
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
    {
        return Ok(local.to_owned());
    }
    refuse("手机号码应为11位数字（港澳号码请加+852或+853）")
}

pub const EMAIL_MAX: usize = 100;

pub fn email(input: &str) -> Result<String, FieldError> {
    let s = text::normalised(input);
    if s.is_empty() {
        return refuse("请填写电子邮箱");
    }
    if s.chars().count() > EMAIL_MAX {
        return refuse("电子邮箱不能超过100个字符");
    }
    const FORMAT: &str = "电子邮箱格式不正确，应如 name@example.com";
    if s.chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | ',' | ';'))
    {
        return refuse(FORMAT);
    }
    let Some((local, domain)) = s.split_once('@') else {
        return refuse(FORMAT);
    };
    if local.is_empty() || domain.contains('@') || !domain.contains('.') {
        return refuse(FORMAT);
    }
    let labels_ok = domain
        .split('.')
        .all(|label| !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '-'));
    let tld_ok = domain
        .rsplit('.')
        .next()
        .is_some_and(|t| t.chars().count() >= 2);
    if !labels_ok || !tld_ok {
        return refuse(FORMAT);
    }
    Ok(format!("{local}@{}", domain.to_lowercase()))
}

pub const SECURITY_ANSWER_MAX: usize = 50;

/// Returns the answer as typed (trimmed); what is hashed and compared is [`answer_key`].
pub fn security_answer(input: &str) -> Result<String, FieldError> {
    let s = input.trim();
    if s.is_empty() {
        return refuse("请填写密保答案");
    }
    if s.chars().count() > SECURITY_ANSWER_MAX {
        return refuse("密保答案不能超过50个字");
    }
    Ok(s.to_owned())
}

/// The form of an answer that is hashed and compared. Years later people do not remember whether
/// they typed capitals, a double space or full-width digits, and none of that makes an answer
/// more secret. ASCII-only lower-casing keeps stored hashes stable across Unicode versions.
pub fn answer_key(input: &str) -> String {
    text::half_width(input)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase()
}

pub const SECURITY_QUESTIONS: &[&str] = &[
    "您母亲的姓名是？",
    "您父亲的姓名是？",
    "您配偶的姓名是？",
    "您配偶的生日是？",
    "您的学号（或工号）是？",
    "您出生的城市是？",
    "您小学班主任的姓名是？",
    "您初中就读的学校名称是？",
    "您第一份工作所在的单位名称是？",
    "您童年时的小名是？",
    "您最好的朋友的姓名是？",
    "您最喜欢的一本书是？",
];

/// Country or region of the account holder; it decides which documents may be used and cannot be
/// changed after registration.
pub const COUNTRIES: &[(&str, &str)] = &[
    ("CN", "中国"),
    ("HK", "中国香港"),
    ("MO", "中国澳门"),
    ("TW", "中国台湾"),
];

pub fn country_label(code: &str) -> Option<&'static str> {
    COUNTRIES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, label)| *label)
}

/// An empty slice for an unknown country, so a tampered form offers nothing to choose.
pub fn allowed_document_types(country: &str) -> &'static [DocumentType] {
    match country {
        "CN" => &[DocumentType::MainlandId],
        "HK" => &[DocumentType::HongKongId, DocumentType::ResidencePermit],
        "MO" => &[DocumentType::MacaoId, DocumentType::ResidencePermit],
        "TW" => &[DocumentType::ResidencePermit],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn msg<T: std::fmt::Debug>(r: Result<T, FieldError>) -> String {
        r.unwrap_err().0
    }

    #[test]
    fn login_names() {
        assert_eq!(login_name("  ZhangSan_01 ").unwrap(), "ZhangSan_01");
        assert_eq!(login_name("ｚｈａｎｇ３").unwrap(), "zhang3");
        assert_eq!(login_key(" ZhangSan_01"), "zhangsan_01");
        assert_eq!(msg(login_name("")), "请填写登录账号");
        assert_eq!(
            msg(login_name("zhang-san")),
            "登录账号只能包含字母、数字、下划线"
        );
        assert_eq!(
            msg(login_name("张三丰")),
            "登录账号只能包含字母、数字、下划线"
        );
        assert_eq!(
            msg(login_name("110101199003072711")),
            "登录账号须以字母开头"
        );
        assert_eq!(msg(login_name("_abc")), "登录账号须以字母开头");
        assert_eq!(msg(login_name("abc")), "登录账号应为4到32位");
        for hkid_like in ["A1234563", "ab987654a", "K0000009"] {
            assert_eq!(
                msg(login_name(hkid_like)),
                "登录账号不能采用香港居民身份证号码的格式"
            );
        }
        assert!(login_name("A12345678").is_ok());
        assert!(login_name("abc1234567").is_ok());
        assert!(login_name(&"a".repeat(32)).is_ok());
        assert!(login_name(&"a".repeat(33)).is_err());
    }

    #[test]
    fn real_names() {
        assert_eq!(real_name(" 张三 ").unwrap(), "张三");
        assert_eq!(real_name("欧阳 娜娜").unwrap(), "欧阳娜娜");
        assert_eq!(real_name("阿依古丽·买买提").unwrap(), "阿依古丽·买买提");
        for dot in [".", "．", "•", "・", "·"] {
            assert_eq!(
                real_name(&format!("阿依古丽{dot}买买提")).unwrap(),
                "阿依古丽·买买提"
            );
        }
        assert_eq!(real_name("阿依古丽 · 买买提").unwrap(), "阿依古丽·买买提");
        assert_eq!(real_name("CHAN  Tai Man").unwrap(), "CHAN Tai Man");
        assert_eq!(real_name("João . Silva").unwrap(), "João·Silva");
        assert_eq!(real_name("李〇").unwrap(), "李〇");
        assert_eq!(real_name("王𠀋").unwrap(), "王𠀋");
        assert_eq!(msg(real_name("张三3")), "姓名不能包含数字");
        assert_eq!(msg(real_name("张三３")), "姓名不能包含数字");
        assert_eq!(msg(real_name("·张三")), "姓名不能以间隔号“·”开头或结尾");
        assert_eq!(msg(real_name("张三.")), "姓名不能以间隔号“·”开头或结尾");
        assert_eq!(
            msg(real_name("阿依古丽..买买提")),
            "姓名中不能有连续的间隔号“·”"
        );
        assert_eq!(
            msg(real_name("阿依古丽· ·买买提")),
            "姓名中不能有连续的间隔号“·”"
        );
        assert_eq!(msg(real_name("张")), "姓名应为2到30个字");
        assert_eq!(msg(real_name(&"张".repeat(31))), "姓名应为2到30个字");
        assert_eq!(
            msg(real_name("张三 Tom")),
            "姓名请按证件填写，中文姓名和英文姓名不能混在一起"
        );
        assert_eq!(msg(real_name("张三@")), "姓名只能包含汉字、字母和间隔号“·”");
        assert_eq!(msg(real_name(" · ")), "请填写姓名");
        assert_eq!(msg(real_name("")), "请填写姓名");
    }

    #[test]
    fn mobiles() {
        assert_eq!(mobile("138 0013 8000").unwrap(), "13800138000");
        assert_eq!(mobile("138-0013-8000").unwrap(), "13800138000");
        assert_eq!(mobile("+86 13800138000").unwrap(), "13800138000");
        assert_eq!(mobile("１９９１２３４５６７８").unwrap(), "19912345678");
        assert_eq!(mobile("+852 9123 4567").unwrap(), "+85291234567");
        assert_eq!(mobile("(+853) 6612-3456").unwrap(), "+85366123456");
        assert_eq!(mobile("00852-91234567").unwrap(), "+85291234567");
        assert_eq!(msg(mobile("")), "请填写手机号码");
        assert_eq!(
            msg(mobile("+852 9123 456")),
            "港澳手机号码应为+852或+853加8位数字"
        );
        for bad in [
            "12800138000",
            "1380013800",
            "138001380001",
            "020-83331234",
            "1380013800a",
        ] {
            assert_eq!(
                msg(mobile(bad)),
                "手机号码应为11位数字（港澳号码请加+852或+853）",
                "{bad}"
            );
        }
    }

    #[test]
    fn emails() {
        assert_eq!(
            email(" Zhang.San@Example.COM ").unwrap(),
            "Zhang.San@example.com"
        );
        assert_eq!(email("zs＠qq．com").unwrap(), "zs@qq.com");
        assert_eq!(email("a@b.co").unwrap(), "a@b.co");
        assert_eq!(msg(email("")), "请填写电子邮箱");
        let long = format!("{}@qq.com", "a".repeat(95));
        assert_eq!(msg(email(&long)), "电子邮箱不能超过100个字符");
        for bad in [
            "zhangsan",
            "@qq.com",
            "a@@qq.com",
            "a@b@qq.com",
            "a@qq",
            "a b@qq.com",
            "a@qq..com",
            "a@.qq.com",
            "a@qq.com.",
            "a@qq.c",
        ] {
            assert_eq!(
                msg(email(bad)),
                "电子邮箱格式不正确，应如 name@example.com",
                "{bad}"
            );
        }
    }

    #[test]
    fn security_answers() {
        assert_eq!(security_answer("  王  芳 ").unwrap(), "王  芳");
        assert_eq!(msg(security_answer("   ")), "请填写密保答案");
        assert!(security_answer(&"答".repeat(50)).is_ok());
        assert_eq!(
            msg(security_answer(&"答".repeat(51))),
            "密保答案不能超过50个字"
        );
        assert_eq!(answer_key("  Wang   Fang "), "wang fang");
        assert_eq!(answer_key("ＷＡＮＧ\u{3000}ｆａｎｇ"), "wang fang");
        assert_eq!(answer_key("２０１０"), answer_key("2010"));
    }

    #[test]
    fn questions_and_countries() {
        assert!(SECURITY_QUESTIONS.len() >= 10);
        for q in [
            "您母亲的姓名是？",
            "您配偶的生日是？",
            "您的学号（或工号）是？",
            "您出生的城市是？",
            "您小学班主任的姓名是？",
        ] {
            assert!(SECURITY_QUESTIONS.contains(&q), "{q}");
        }
        assert_eq!(country_label("MO"), Some("中国澳门"));
        assert_eq!(allowed_document_types("CN"), &[DocumentType::MainlandId]);
        assert_eq!(
            allowed_document_types("HK"),
            &[DocumentType::HongKongId, DocumentType::ResidencePermit]
        );
        assert_eq!(
            allowed_document_types("MO"),
            &[DocumentType::MacaoId, DocumentType::ResidencePermit]
        );
        assert_eq!(
            allowed_document_types("TW"),
            &[DocumentType::ResidencePermit]
        );
        assert!(allowed_document_types("US").is_empty());
        for (code, _) in COUNTRIES {
            assert!(!allowed_document_types(code).is_empty());
        }
    }

    #[test]
    fn document_error_converts() {
        let e: FieldError = DocumentError::Empty.into();
        assert_eq!(e.to_string(), "请填写证件号码");
    }

    proptest! {
        #[test]
        fn never_panic(s in any::<String>()) {
            let _ = login_name(&s);
            let _ = login_key(&s);
            let _ = real_name(&s);
            let _ = mobile(&s);
            let _ = email(&s);
            let _ = security_answer(&s);
            let _ = answer_key(&s);
            let _ = allowed_document_types(&s);
            let _ = country_label(&s);
        }

        #[test]
        fn never_panic_on_plausible_input(s in "[ a-zA-Z0-9_@.+()·．•・\\-张三〇]{0,40}") {
            let _ = login_name(&s);
            let _ = real_name(&s);
            let _ = mobile(&s);
            let _ = email(&s);
        }

        #[test]
        fn accepted_values_are_fixed_points(s in "[ a-zA-Z0-9_@.+()·．•・\\-张三]{0,40}") {
            if let Ok(v) = login_name(&s) { prop_assert_eq!(login_name(&v), Ok(v.clone())); }
            if let Ok(v) = real_name(&s) { prop_assert_eq!(real_name(&v), Ok(v.clone())); }
            if let Ok(v) = mobile(&s) { prop_assert_eq!(mobile(&v), Ok(v.clone())); }
            if let Ok(v) = email(&s) { prop_assert_eq!(email(&v), Ok(v.clone())); }
        }

        #[test]
        fn answer_key_is_idempotent(s in any::<String>()) {
            let k = answer_key(&s);
            prop_assert_eq!(answer_key(&k), k);
        }
    }
}
