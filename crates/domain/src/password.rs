//! Rules for a new password. Hashing is not done here: this crate has no dependencies that
//! could do it, and the rules must be checkable before any hashing cost is paid.

use chrono::NaiveDate;

use crate::credentials::{FieldError, login_key};
use crate::text;

pub const MIN_LEN: usize = 8;
/// The old systems' 16-character maximum is deliberately not kept: long passphrases are welcome.
pub const MAX_LEN: usize = 64;

/// Passwords that satisfy the letter-and-digit rule and are nevertheless among the first
/// guesses of anyone trying accounts: leaked-list favourites, keyboard walks, pinyin and love
/// numbers, and names of this very system. Stored lower-case; compared case-insensitively.
pub const COMMON_PASSWORDS: &[&str] = &[
    "password1",
    "password12",
    "password123",
    "password1234",
    "password12345",
    "password123456",
    "password01",
    "password2020",
    "password2021",
    "password2022",
    "password2023",
    "password2024",
    "password2025",
    "1password",
    "passw0rd",
    "passw0rd1",
    "p@ssw0rd",
    "p@ssw0rd1",
    "p@ssword1",
    "p@55w0rd",
    "pa55word",
    "pa55w0rd",
    "pass1234",
    "pass12345",
    "pass123456",
    "abc12345",
    "abc123456",
    "abc1234567",
    "abc123456789",
    "abcd1234",
    "abcd12345",
    "abcd123456",
    "abcde123",
    "abcde12345",
    "abcdef12",
    "abcdef123",
    "abcdefg1",
    "abcdefg123",
    "abc123abc",
    "abc123123",
    "abc@1234",
    "abc@123456",
    "a1234567",
    "a12345678",
    "a123456789",
    "a1234567890",
    "a123123123",
    "a1b2c3d4",
    "a1b2c3d4e5",
    "a1s2d3f4",
    "a1a1a1a1",
    "aa123456",
    "aa12345678",
    "aa123456789",
    "aaa12345",
    "aaa123456",
    "aaaa1234",
    "a1111111",
    "a11111111",
    "a0000000",
    "a00000000",
    "a8888888",
    "a88888888",
    "a6666666",
    "a66666666",
    "a5201314",
    "a520520520",
    "11111111a",
    "00000000a",
    "88888888a",
    "66666666a",
    "1111111a",
    "8888888a",
    "6666666a",
    "1234567a",
    "12345678a",
    "123456789a",
    "1234567890a",
    "1234567q",
    "12345678q",
    "123456789q",
    "1234abcd",
    "12345abc",
    "123456abc",
    "123456aa",
    "123456as",
    "123456qq",
    "123456qwe",
    "123456asd",
    "123456qaz",
    "123456zxc",
    "12345qwe",
    "12345qwert",
    "123abc123",
    "123qwe123",
    "123qweasd",
    "123qweasdzxc",
    "1234qwer",
    "1234qwerasdf",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "1q2w3e4r5t6y",
    "q1w2e3r4",
    "q1w2e3r4t5",
    "q1w2e3r4t5y6",
    "1qaz2wsx",
    "1qaz2wsx3edc",
    "1qaz2wsx3edc4rfv",
    "1qaz@wsx",
    "1qaz!qaz",
    "!qaz2wsx",
    "1qazxsw2",
    "1qazxsw23edc",
    "2wsx3edc",
    "2wsx1qaz",
    "zaq12wsx",
    "zaq1xsw2",
    "xsw21qaz",
    "qaz12345",
    "qaz123456",
    "qazwsx123",
    "qazwsx12",
    "qazwsxedc1",
    "qazwsxedc123",
    "qwer1234",
    "qwer12345",
    "qwer123456",
    "qwer@1234",
    "qwert123",
    "qwert12345",
    "qwerty12",
    "qwerty123",
    "qwerty1234",
    "qwerty123456",
    "qwertyui1",
    "qwertyuiop1",
    "qwe12345",
    "qwe123456",
    "qwe123qwe",
    "qwe@1234",
    "qweasd123",
    "qweasdzxc1",
    "qweasdzxc123",
    "asdf1234",
    "asdf12345",
    "asdf123456",
    "asdf@1234",
    "asdfg123",
    "asdfgh12",
    "asdfgh123",
    "asdfghjkl1",
    "asd12345",
    "asd123456",
    "asd123asd",
    "as123456",
    "zxcv1234",
    "zxcv123456",
    "zxcvb123",
    "zxcvb12345",
    "zxcvbnm1",
    "zxcvbnm12",
    "zxcvbnm123",
    "zxc12345",
    "zxc123456",
    "zxc123zxc",
    "qaz123wsx",
    "qq123456",
    "qq1234567",
    "qq12345678",
    "qq123456789",
    "woaini1314",
    "woaini520",
    "woaini123",
    "woaini1314520",
    "woaini5201314",
    "wo5201314",
    "520woaini",
    "1314woaini",
    "woaiwojia1",
    "woaiwojia123",
    "aini1314",
    "love1314",
    "iloveu1314",
    "iloveyou1",
    "iloveyou2",
    "iloveyou12",
    "iloveyou123",
    "iloveyou520",
    "iloveyou1314",
    "nihao123",
    "nihao1234",
    "admin123",
    "admin1234",
    "admin12345",
    "admin123456",
    "admin888",
    "admin666",
    "admin@123",
    "admin@1234",
    "admin#123",
    "admin2024",
    "administrator1",
    "root1234",
    "root@123",
    "root123456",
    "test1234",
    "test12345",
    "test123456",
    "test@123",
    "user1234",
    "user123456",
    "guest123",
    "welcome1",
    "welcome123",
    "welcome@1",
    "letmein1",
    "trustno1",
    "hello123",
    "hello1234",
    "hello123456",
    "monkey12",
    "dragon12",
    "master12",
    "shadow12",
    "michael1",
    "charlie1",
    "sunshine1",
    "princess1",
    "football1",
    "baseball1",
    "superman1",
    "batman123",
    "computer1",
    "internet1",
    "samsung1",
    "starwars1",
    "whatever1",
    "freedom1",
    "liverpool1",
    "chelsea1",
    "arsenal1",
    "pokemon1",
    "naruto123",
    "jordan23",
    "china123",
    "china1234",
    "china2008",
    "beijing2008",
    "zhang123",
    "zhang123456",
    "wang1234",
    "wang123456",
    "li123456",
    "liu123456",
    "chen1234",
    "chen123456",
    "yang1234",
    "huang123",
    "zhao1234",
    "wu123456",
    "zhou1234",
    "xu123456",
    "sun12345",
    "ma123456",
    "zhu12345",
    "hu123456",
    "lin12345",
    "zhangwei1",
    "wangwei1",
    "liwei123",
    "tiantian1",
    "gd123456",
    "gz123456",
    "sz123456",
    "guangdong1",
    "guangzhou1",
    "teacher1",
    "teacher123",
    "teacher123456",
    "student1",
    "student123",
    "school123",
    "jxjy1234",
    "jxjy123456",
    "gdjxjy123",
];

pub fn check_new_password(
    password: &str,
    document_number: Option<&str>,
    birth_date: Option<NaiveDate>,
    login_name: Option<&str>,
) -> Result<(), FieldError> {
    let n = password.chars().count();
    if n < MIN_LEN {
        return Err(FieldError::new("密码至少8位"));
    }
    if n > MAX_LEN {
        return Err(FieldError::new("密码不能超过64位"));
    }
    let has_letter = password.chars().any(char::is_alphabetic);
    let has_digit = password
        .chars()
        .any(|c| text::half_width_char(c).is_ascii_digit());
    if !has_letter || !has_digit {
        return Err(FieldError::new("密码须同时包含字母和数字"));
    }

    let upper = password.to_ascii_uppercase();
    if let Some(number) = document_number {
        if contains_document_number(&upper, number) {
            return Err(FieldError::new("密码不能包含证件号码或出生日期"));
        }
        if password == initial_password(number) {
            return Err(FieldError::new("新密码不能与初始密码相同"));
        }
    }
    if let Some(date) = birth_date
        && password.contains(&date.format("%Y%m%d").to_string())
    {
        return Err(FieldError::new("密码不能包含证件号码或出生日期"));
    }
    if let Some(name) = login_name {
        let key = login_key(name);
        if !key.is_empty() && password.to_ascii_lowercase() == key {
            return Err(FieldError::new("密码不能与登录账号相同"));
        }
    }
    if is_common(password) {
        return Err(FieldError::new("该密码过于常见，请换一个"));
    }
    Ok(())
}

/// `password_upper` is the password in ASCII upper case, matching the stored form of numbers.
fn contains_document_number(password_upper: &str, number: &str) -> bool {
    let full = text::normalised(number).to_ascii_uppercase();
    let bare: String = full.chars().filter(|c| !matches!(c, '(' | ')')).collect();
    // A real number is at least 8 characters; the guard keeps a damaged record from turning
    // every password containing, say, "1" into a refusal.
    let long_enough = |s: &str| s.chars().count() >= 6;
    if long_enough(&full) && password_upper.contains(&full) {
        return true;
    }
    if long_enough(&bare) && password_upper.contains(&bare) {
        return true;
    }
    let tail = last_chars(&bare, 6);
    tail.chars().count() == 6 && password_upper == tail
}

fn last_chars(s: &str, n: usize) -> String {
    let count = s.chars().count();
    s.chars().skip(count.saturating_sub(n)).collect()
}

/// Trailing punctuation ("password1!") adds nothing against a guesser who tries it anyway.
fn is_common(password: &str) -> bool {
    let lower = password.to_ascii_lowercase();
    let stripped = lower.trim_end_matches(|c: char| c.is_ascii_punctuation());
    COMMON_PASSWORDS
        .iter()
        .any(|p| *p == lower || *p == stripped)
}

/// The teacher platform's convention for accounts opened by an administrator or a unit: the last
/// six characters of the document number followed by "@Gd". The holder must change it at first
/// sign-in, and [`check_new_password`] refuses it as the new password.
pub fn initial_password(document_number: &str) -> String {
    let bare: String = text::normalised(document_number)
        .chars()
        .filter(|c| !matches!(c, '(' | ')'))
        .collect();
    format!("{}@Gd", last_chars(&bare, 6))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(p: &str) -> Result<(), String> {
        check_new_password(p, None, None, None).map_err(|e| e.0)
    }

    #[test]
    fn length() {
        assert_eq!(check("abc1234"), Err("密码至少8位".into()));
        assert_eq!(check("张三李四王五1"), Err("密码至少8位".into()));
        assert!(check("Kx7#pLm2").is_ok());
        let long = format!("x9{}", "q".repeat(62));
        assert!(check(&long).is_ok());
        assert_eq!(check(&format!("{long}q")), Err("密码不能超过64位".into()));
        // 16 characters, the old maximum, is no limit any more.
        assert!(check("correct horse battery staple 42").is_ok());
    }

    #[test]
    fn letters_and_digits() {
        assert_eq!(check("12345678901"), Err("密码须同时包含字母和数字".into()));
        assert_eq!(check("abcdefghij"), Err("密码须同时包含字母和数字".into()));
        assert_eq!(check("!@#$%^&*()"), Err("密码须同时包含字母和数字".into()));
        assert!(check("继续教育2025学时").is_ok());
    }

    #[test]
    fn personal_information() {
        let id = "440106199003071234";
        let born = NaiveDate::from_ymd_opt(1990, 3, 7);
        let with =
            |p: &str| check_new_password(p, Some(id), born, Some("ZhangSan01")).map_err(|e| e.0);
        let msg = Err("密码不能包含证件号码或出生日期".to_string());
        assert_eq!(with("a440106199003071234"), msg);
        assert_eq!(with("abc19900307"), msg);
        assert_eq!(with("zhangsan01"), Err("密码不能与登录账号相同".into()));
        assert_eq!(with("071234@Gd"), Err("新密码不能与初始密码相同".into()));
        assert!(with("zhangsan01!").is_ok());
        assert!(with("Kx7#pLm2").is_ok());

        let x_id = "11010119900307002X";
        let with_x = |p: &str| check_new_password(p, Some(x_id), None, None).map_err(|e| e.0);
        assert_eq!(with_x("11010119900307002x"), msg);
        assert_eq!(with_x("abc11010119900307002X"), msg);

        let hk = "A123456(3)";
        let with_hk = |p: &str| check_new_password(p, Some(hk), None, None).map_err(|e| e.0);
        assert_eq!(with_hk("a1234563"), msg);
        assert_eq!(with_hk("xyzA123456(3)"), msg);
        assert_eq!(with_hk("234563@Gd"), Err("新密码不能与初始密码相同".into()));

        // The last six characters alone are refused even when they would pass the other rules;
        // the check is exercised directly because six characters are below the minimum length.
        assert!(contains_document_number("07123X", "44010619900307123X"));
        assert!(!contains_document_number("ANYTHING1", ""));
        assert!(!contains_document_number("ANYTHING1", "1"));
    }

    #[test]
    fn common_passwords() {
        let msg = Err("该密码过于常见，请换一个".to_string());
        for p in [
            "password1",
            "Password1",
            "PASSWORD1!",
            "abc12345",
            "a1234567",
            "qwer1234",
            "1qaz2wsx",
            "zxcvbnm1",
            "Aa123456",
            "woaini1314",
            "admin123",
            "Admin@123",
            "p@ssw0rd",
        ] {
            assert_eq!(check(p), msg, "{p}");
        }
    }

    #[test]
    fn common_list_is_reachable() {
        assert!(COMMON_PASSWORDS.len() >= 200);
        let mut seen = std::collections::HashSet::new();
        for p in COMMON_PASSWORDS {
            assert!(seen.insert(*p), "duplicate {p}");
            assert_eq!(p.to_ascii_lowercase(), *p);
            let n = p.chars().count();
            assert!((MIN_LEN..=MAX_LEN).contains(&n), "{p}");
            assert!(p.chars().any(|c| c.is_ascii_alphabetic()), "{p}");
            assert!(p.chars().any(|c| c.is_ascii_digit()), "{p}");
        }
    }

    #[test]
    fn initial_passwords() {
        assert_eq!(initial_password("440106199003071234"), "071234@Gd");
        assert_eq!(initial_password("11010119900307002X"), "07002X@Gd");
        assert_eq!(initial_password("A123456(3)"), "234563@Gd");
        assert_eq!(initial_password("1234567(8)"), "345678@Gd");
        assert_eq!(initial_password("12"), "12@Gd");
        assert_eq!(initial_password("张三李四王五赵六"), "李四王五赵六@Gd");
    }

    proptest! {
        #[test]
        fn never_panics(
            p in any::<String>(),
            doc in proptest::option::of(any::<String>()),
            days in proptest::option::of(-1_000_000i64..1_000_000),
            login in proptest::option::of(any::<String>()),
        ) {
            let born = days.and_then(|d| NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(chrono::Duration::days(d)));
            let _ = check_new_password(&p, doc.as_deref(), born, login.as_deref());
            let _ = initial_password(&p);
        }

        #[test]
        fn accepted_passwords_meet_the_rules(p in "[a-zA-Z0-9!@#]{0,70}") {
            if check(&p).is_ok() {
                let n = p.chars().count();
                prop_assert!((MIN_LEN..=MAX_LEN).contains(&n));
                prop_assert!(p.chars().any(|c| c.is_ascii_alphabetic()));
                prop_assert!(p.chars().any(|c| c.is_ascii_digit()));
            }
        }
    }
}
