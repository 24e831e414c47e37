//! The organisation's information its administrator keeps up to date without review
//! (法人单位信息维护 of the provincial manual): e-mail, postcode, a short account of what the
//! unit does, its nature (单位性质) and affiliation (隶属关系). Organisations registered before
//! these fields existed have none, so each may be left blank; what is typed must be valid.

use crate::credentials::{self, FieldError};
use crate::text;

/// The manual's limit for 单位职能简介 (限500字).
pub const FUNCTIONS_MAX: usize = 500;

/// The organisation's e-mail address, blank or well formed.
pub fn validate_email(input: &str) -> Result<String, FieldError> {
    if text::normalised(input).is_empty() {
        return Ok(String::new());
    }
    credentials::email(input)
}

/// A mainland postcode: six digits (广州 510000, 深圳 518000).
pub fn validate_postcode(input: &str) -> Result<String, FieldError> {
    let s = text::normalised(input);
    if s.is_empty() {
        return Ok(String::new());
    }
    if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(s)
    } else {
        Err(FieldError::new("邮政编码应为6位数字，如 510000"))
    }
}

/// 单位职能简介: a few paragraphs (line breaks kept), at most 500 characters.
pub fn validate_functions(input: &str) -> Result<String, FieldError> {
    let s = input.trim().replace("\r\n", "\n");
    if s.chars().any(|c| c.is_control() && c != '\n') {
        return Err(FieldError::new("单位职能简介不能包含制表符等控制字符"));
    }
    if s.chars().count() > FUNCTIONS_MAX {
        return Err(FieldError::new(format!(
            "单位职能简介不能超过{FUNCTIONS_MAX}个字"
        )));
    }
    Ok(s)
}

/// 单位性质, as the manual's list offers it (政府部门 is its example).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nature {
    Government,
    PublicInstitution,
    Enterprise,
    SocialOrganisation,
    Other,
}

impl Nature {
    pub const ALL: [Nature; 5] = [
        Nature::Government,
        Nature::PublicInstitution,
        Nature::Enterprise,
        Nature::SocialOrganisation,
        Nature::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Nature::Government => "government",
            Nature::PublicInstitution => "public_institution",
            Nature::Enterprise => "enterprise",
            Nature::SocialOrganisation => "social_organisation",
            Nature::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Nature::Government => "政府部门",
            Nature::PublicInstitution => "事业单位",
            Nature::Enterprise => "企业",
            Nature::SocialOrganisation => "社会团体",
            Nature::Other => "其他",
        }
    }

    pub fn from_code(code: &str) -> Option<Nature> {
        Nature::ALL.into_iter().find(|n| n.code() == code)
    }
}

/// 隶属关系: the level of government the organisation belongs to (省级 is the manual's example).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Affiliation {
    Central,
    Province,
    City,
    District,
    Other,
}

impl Affiliation {
    pub const ALL: [Affiliation; 5] = [
        Affiliation::Central,
        Affiliation::Province,
        Affiliation::City,
        Affiliation::District,
        Affiliation::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Affiliation::Central => "central",
            Affiliation::Province => "province",
            Affiliation::City => "city",
            Affiliation::District => "district",
            Affiliation::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Affiliation::Central => "中央",
            Affiliation::Province => "省级",
            Affiliation::City => "市级",
            Affiliation::District => "区县级",
            Affiliation::Other => "其他",
        }
    }

    pub fn from_code(code: &str) -> Option<Affiliation> {
        Affiliation::ALL.into_iter().find(|a| a.code() == code)
    }
}

/// The chosen 单位性质: blank, or a code of the list.
pub fn validate_nature(input: &str) -> Result<String, FieldError> {
    match input.trim() {
        "" => Ok(String::new()),
        c => Nature::from_code(c)
            .map(|n| n.code().to_owned())
            .ok_or_else(|| FieldError::new("请从列表中选择单位性质")),
    }
}

/// The chosen 隶属关系: blank, or a code of the list.
pub fn validate_affiliation(input: &str) -> Result<String, FieldError> {
    match input.trim() {
        "" => Ok(String::new()),
        c => Affiliation::from_code(c)
            .map(|a| a.code().to_owned())
            .ok_or_else(|| FieldError::new("请从列表中选择隶属关系")),
    }
}

crate::code::coded!(Nature, Affiliation);

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(r: Result<String, FieldError>) -> String {
        r.unwrap_err().to_string()
    }

    #[test]
    fn each_field_may_be_left_blank() {
        for f in [
            validate_email,
            validate_postcode,
            validate_functions,
            validate_nature,
            validate_affiliation,
        ] {
            assert_eq!(f("  ").unwrap(), "");
        }
    }

    #[test]
    fn a_postcode_is_six_digits() {
        assert_eq!(validate_postcode(" 510630 ").unwrap(), "510630");
        assert_eq!(validate_postcode("５１０６３０").unwrap(), "510630");
        for bad in ["51063", "5106301", "51063a", "510 630"] {
            assert_eq!(
                msg(validate_postcode(bad)),
                "邮政编码应为6位数字，如 510000",
                "{bad}"
            );
        }
    }

    #[test]
    fn the_email_follows_the_account_rule() {
        assert_eq!(
            validate_email("office@gzyz.edu.cn").unwrap(),
            "office@gzyz.edu.cn"
        );
        assert_eq!(
            msg(validate_email("office.gzyz.edu.cn")),
            "电子邮箱格式不正确，应如 name@example.com"
        );
    }

    #[test]
    fn the_functions_keep_their_lines_up_to_500_characters() {
        assert_eq!(
            validate_functions("负责教学。\r\n负责教研。").unwrap(),
            "负责教学。\n负责教研。"
        );
        assert!(validate_functions(&"职".repeat(500)).is_ok());
        assert_eq!(
            msg(validate_functions(&"职".repeat(501))),
            "单位职能简介不能超过500个字"
        );
        assert_eq!(
            msg(validate_functions("负责\t教学")),
            "单位职能简介不能包含制表符等控制字符"
        );
    }

    #[test]
    fn nature_and_affiliation_come_from_their_lists() {
        assert_eq!(validate_nature("enterprise").unwrap(), "enterprise");
        assert_eq!(msg(validate_nature("企业")), "请从列表中选择单位性质");
        assert_eq!(validate_affiliation("province").unwrap(), "province");
        assert_eq!(
            msg(validate_affiliation("county")),
            "请从列表中选择隶属关系"
        );
        assert_eq!(
            Nature::ALL.map(Nature::label),
            ["政府部门", "事业单位", "企业", "社会团体", "其他"]
        );
        assert_eq!(
            Affiliation::ALL.map(Affiliation::label),
            ["中央", "省级", "市级", "区县级", "其他"]
        );
    }
}
