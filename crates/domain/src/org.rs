//! Organisations (HR bureaus, supervising departments, units, training institutions and the
//! direct-declaration points), where each may sit in the tree, and their registration.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::credentials::{self, FieldError};
use crate::org_code;
use crate::text;

/// A state change was refused; the message is shown to the person who asked for it as it is.
/// Every state machine of the domain (registration, membership, binding, transfer) uses it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TransitionError(pub String);

impl TransitionError {
    pub fn new(message: impl Into<String>) -> Self {
        TransitionError(message.into())
    }
}

/// Longest reason or opinion kept with a state change: a sentence or two, as on the paper forms.
pub const REASON_MAX: usize = 200;

/// Checks a reason typed with a state change. `required` is the message for a missing one, or
/// `None` when the reason may be left out; `label` names it in the length message.
pub(crate) fn check_reason(
    reason: &str,
    required: Option<&str>,
    label: &str,
) -> Result<(), TransitionError> {
    let r = reason.trim();
    if r.is_empty() {
        return match required {
            Some(message) => Err(TransitionError::new(message)),
            None => Ok(()),
        };
    }
    if r.chars().count() > REASON_MAX {
        return Err(TransitionError::new(format!(
            "{label}不能超过{REASON_MAX}个字"
        )));
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrgKind {
    #[serde(rename = "hr_bureau")]
    HrBureau,
    #[serde(rename = "department")]
    Department,
    #[serde(rename = "unit")]
    Unit,
    #[serde(rename = "institution")]
    Institution,
    /// The pseudo-unit of a region that people without an employer bind to; its district HR
    /// bureau operates it.
    #[serde(rename = "direct_point")]
    DirectPoint,
}

impl OrgKind {
    pub const ALL: [OrgKind; 5] = [
        OrgKind::HrBureau,
        OrgKind::Department,
        OrgKind::Unit,
        OrgKind::Institution,
        OrgKind::DirectPoint,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OrgKind::HrBureau => "hr_bureau",
            OrgKind::Department => "department",
            OrgKind::Unit => "unit",
            OrgKind::Institution => "institution",
            OrgKind::DirectPoint => "direct_point",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            OrgKind::HrBureau => "人社局",
            OrgKind::Department => "主管部门",
            OrgKind::Unit => "法人单位",
            OrgKind::Institution => "培训机构",
            OrgKind::DirectPoint => "继续教育直接申报点",
        }
    }

    /// Supervising organisations review those below them; the others employ people.
    pub fn supervises(self) -> bool {
        matches!(self, OrgKind::Department | OrgKind::HrBureau)
    }

    /// The levels an organisation of this kind may have; empty for the kinds that have none.
    pub fn levels(self) -> &'static [OrgLevel] {
        match self {
            OrgKind::HrBureau => &[OrgLevel::Province, OrgLevel::City, OrgLevel::District],
            OrgKind::Department => &[OrgLevel::Industry, OrgLevel::City, OrgLevel::District],
            OrgKind::Unit | OrgKind::Institution | OrgKind::DirectPoint => &[],
        }
    }
}

impl fmt::Display for OrgKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The level of an HR bureau (province, city, district) or of a supervising department (行业主管部门,
/// 市属单位主管部门, 区县所属单位主管部门).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrgLevel {
    #[serde(rename = "province")]
    Province,
    #[serde(rename = "city")]
    City,
    #[serde(rename = "district")]
    District,
    #[serde(rename = "industry")]
    Industry,
}

impl OrgLevel {
    pub const ALL: [OrgLevel; 4] = [
        OrgLevel::Province,
        OrgLevel::City,
        OrgLevel::District,
        OrgLevel::Industry,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OrgLevel::Province => "province",
            OrgLevel::City => "city",
            OrgLevel::District => "district",
            OrgLevel::Industry => "industry",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            OrgLevel::Province => "省级",
            OrgLevel::City => "市级",
            OrgLevel::District => "区县级",
            OrgLevel::Industry => "行业",
        }
    }
}

impl fmt::Display for OrgLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

pub fn level_allowed(kind: OrgKind, level: Option<OrgLevel>) -> bool {
    match level {
        None => kind.levels().is_empty(),
        Some(l) => kind.levels().contains(&l),
    }
}

/// Only the province HR bureau is the root; every other organisation hangs below someone who
/// approves its account and sees its figures.
pub fn needs_parent(kind: OrgKind, level: Option<OrgLevel>) -> bool {
    !(kind == OrgKind::HrBureau && level == Some(OrgLevel::Province))
}

/// Whether `parent` may be the organisation directly above `child`. Combinations of kind and
/// level that [`level_allowed`] refuses are never allowed on either side.
pub fn parent_allowed(
    child: OrgKind,
    child_level: Option<OrgLevel>,
    parent: OrgKind,
    parent_level: Option<OrgLevel>,
) -> bool {
    use OrgKind::*;
    use OrgLevel::*;
    if !level_allowed(child, child_level) || !level_allowed(parent, parent_level) {
        return false;
    }
    match (child, child_level, parent, parent_level) {
        (HrBureau, Some(City), HrBureau, Some(Province)) => true,
        (HrBureau, Some(District), HrBureau, Some(City)) => true,
        // Provincial departments (省直) sit directly below the province HR bureau.
        (Department, Some(Industry | City), HrBureau, Some(Province | City)) => true,
        (Department, Some(District), HrBureau, Some(District)) => true,
        // Units without a supervising department are looked after by the HR bureau of their
        // region directly.
        (Unit, None, Department, Some(_)) => true,
        (Unit, None, HrBureau, Some(City | District)) => true,
        (Institution, None, Department | HrBureau, Some(_)) => true,
        // Cities without districts (东莞, 中山) have their direct point below the city HR bureau.
        (DirectPoint, None, HrBureau, Some(District | City)) => true,
        _ => false,
    }
}

/// Registration status of an organisation's account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrgStatus {
    #[serde(rename = "applied")]
    Applied,
    #[serde(rename = "approved")]
    Approved,
    #[serde(rename = "rejected")]
    Rejected,
}

impl OrgStatus {
    pub const ALL: [OrgStatus; 3] = [OrgStatus::Applied, OrgStatus::Approved, OrgStatus::Rejected];

    pub fn code(self) -> &'static str {
        match self {
            OrgStatus::Applied => "applied",
            OrgStatus::Approved => "approved",
            OrgStatus::Rejected => "rejected",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            OrgStatus::Applied => "待审核",
            OrgStatus::Approved => "已通过",
            OrgStatus::Rejected => "未通过",
        }
    }
}

impl fmt::Display for OrgStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The reviewer's decision on a registration. The reason is only checked for a rejection: the
/// applicant needs it to correct and register again, while an approval speaks for itself.
pub fn decide_registration(
    current: OrgStatus,
    approve: bool,
    reason: &str,
) -> Result<OrgStatus, TransitionError> {
    if current != OrgStatus::Applied {
        return Err(TransitionError::new("该申请已经处理过了，无需重复操作"));
    }
    if approve {
        return Ok(OrgStatus::Approved);
    }
    check_reason(reason, Some("请填写不通过的原因"), "不通过的原因")?;
    Ok(OrgStatus::Rejected)
}

/// A refusal (of a registration or of a change of supervisor) must say why: the
/// applicant needs the reason to correct and ask again.
pub fn rejection_reason(reason: &str) -> Result<(), TransitionError> {
    check_reason(reason, Some("请填写不通过的原因"), "不通过的原因")
}

/// A unit's request to change its supervising department (变更主管部门), which the new
/// supervisor approves. The kinds and levels must fit the tree like a registration's.
pub fn may_request_move(
    current_parent: Option<i64>,
    new_parent: i64,
    pending: bool,
    fits: bool,
    reason: &str,
) -> Result<(), TransitionError> {
    if pending {
        return Err(TransitionError::new("已有一个变更主管部门的申请正在审核"));
    }
    if current_parent == Some(new_parent) {
        return Err(TransitionError::new("所选单位已经是本单位的主管部门"));
    }
    if !fits {
        return Err(TransitionError::new("所选单位不能作为本单位的主管部门"));
    }
    check_reason(reason, Some("请填写变更原因"), "变更原因")?;
    Ok(())
}

pub const ORG_NAME_MIN: usize = 2;
pub const ORG_NAME_MAX: usize = 100;
pub const ADDRESS_MIN: usize = 2;
pub const ADDRESS_MAX: usize = 200;

const CONTROL_MESSAGE: &str = "不能包含换行、制表符等控制字符";

/// Keeps the name as registered (full-width brackets included, since that is how the business
/// licence prints them) apart from whitespace runs, which only make two spellings of one name.
pub fn validate_org_name(input: &str) -> Result<String, FieldError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(FieldError::new("请填写单位名称"));
    }
    if s.chars().any(char::is_control) {
        return Err(FieldError::new(format!("单位名称{CONTROL_MESSAGE}")));
    }
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if !s.chars().any(char::is_alphabetic) {
        return Err(FieldError::new("单位名称应包含汉字或字母"));
    }
    let n = s.chars().count();
    if !(ORG_NAME_MIN..=ORG_NAME_MAX).contains(&n) {
        return Err(FieldError::new(format!(
            "单位名称应为{ORG_NAME_MIN}到{ORG_NAME_MAX}个字"
        )));
    }
    Ok(s)
}

/// The legal representative or contact person: the same rule as an account holder's real name.
pub fn validate_person_name(input: &str) -> Result<String, FieldError> {
    credentials::real_name(input)
}

const PHONE_FORMAT: &str = "联系电话应为手机号码或带区号的固定电话，如 020-12345678（分机号写在最后，如 020-12345678-123）";

/// A mainland or Hong Kong/Macao mobile, or a mainland landline stored as "020-12345678" with an
/// optional extension "-123".
pub fn validate_phone(input: &str) -> Result<String, FieldError> {
    let s: String = text::normalised(input)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if s.is_empty() {
        return Err(FieldError::new("请填写联系电话"));
    }
    // Landlines start with the area code's 0 (international numbers with 00); mobiles with 1 or
    // a country code, and then the mobile rule's own message says best what is wrong.
    let bare = s.trim_start_matches('(');
    if bare.starts_with('0') && !bare.starts_with("00") {
        return landline(&s).ok_or_else(|| FieldError::new(PHONE_FORMAT));
    }
    if bare.starts_with(['1', '+']) || bare.starts_with("00") {
        return credentials::mobile(&s);
    }
    if all_digits(&s) && matches!(s.len(), 7 | 8) {
        return Err(FieldError::new("固定电话请加区号，如 020-12345678"));
    }
    Err(FieldError::new(PHONE_FORMAT))
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Beijing (010) and the 02x cities have three-digit area codes; every other code has four, so
/// the length of an unseparated area code follows from its first digits.
fn area_code_len(digits: &str) -> usize {
    if digits.starts_with("010") || digits.starts_with("02") {
        3
    } else {
        4
    }
}

fn landline(s: &str) -> Option<String> {
    let (main, ext) = match s.split_once('转') {
        Some((main, ext)) => (main, Some(ext)),
        None => (s, None),
    };
    let (area, rest) = if let Some(after) = main.strip_prefix('(') {
        let (area, rest) = after.split_once(')')?;
        (area, rest.strip_prefix('-').unwrap_or(rest))
    } else if let Some((area, rest)) = main.split_once('-') {
        (area, rest)
    } else {
        if !all_digits(main) {
            return None;
        }
        main.split_at_checked(area_code_len(main))?
    };
    let (number, ext) = match (rest.split_once('-'), ext) {
        (Some((number, e)), None) => (number, Some(e)),
        (Some(_), Some(_)) => return None,
        (None, e) => (rest, e),
    };
    let area_ok = all_digits(area) && area.starts_with('0') && area.len() == area_code_len(area);
    let number_ok = all_digits(number)
        && matches!(number.len(), 7 | 8)
        // A leading 0 means the area code was typed twice.
        && !number.starts_with('0');
    let ext_ok = ext.is_none_or(|e| all_digits(e) && e.len() <= 6);
    if !(area_ok && number_ok && ext_ok) {
        return None;
    }
    Some(match ext {
        Some(e) => format!("{area}-{number}-{e}"),
        None => format!("{area}-{number}"),
    })
}

pub fn validate_address(input: &str) -> Result<String, FieldError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(FieldError::new("请填写地址"));
    }
    if s.chars().any(char::is_control) {
        return Err(FieldError::new(format!("地址{CONTROL_MESSAGE}")));
    }
    let n = s.chars().count();
    if !(ADDRESS_MIN..=ADDRESS_MAX).contains(&n) {
        return Err(FieldError::new(format!(
            "地址应为{ADDRESS_MIN}到{ADDRESS_MAX}个字"
        )));
    }
    Ok(s.to_owned())
}

/// Which identifier an organisation registers with: the credit code since 2015, or the legacy
/// organisation code of records and organisations that never converted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum IdentifierKind {
    #[default]
    #[serde(rename = "credit_code")]
    CreditCode,
    #[serde(rename = "org_code")]
    OrganizationCode,
}

impl IdentifierKind {
    pub const ALL: [IdentifierKind; 2] =
        [IdentifierKind::CreditCode, IdentifierKind::OrganizationCode];

    pub fn code(self) -> &'static str {
        match self {
            IdentifierKind::CreditCode => "credit_code",
            IdentifierKind::OrganizationCode => "org_code",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            IdentifierKind::CreditCode => "统一社会信用代码",
            IdentifierKind::OrganizationCode => "组织机构代码",
        }
    }
}

impl fmt::Display for IdentifierKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

pub fn validate_identifier(kind: IdentifierKind, input: &str) -> Result<String, FieldError> {
    match kind {
        IdentifierKind::CreditCode => org_code::credit_code(input),
        IdentifierKind::OrganizationCode => org_code::organization_code(input),
    }
}

/// The fields an organisation registers with, as typed. [`OrgForm::validate`] returns the values
/// to store, or every refused field at once so the form can mark them all.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct OrgForm {
    pub name: String,
    pub identifier_kind: IdentifierKind,
    pub identifier: String,
    pub legal_representative: String,
    pub contact_person: String,
    pub contact_phone: String,
    pub address: String,
}

impl OrgForm {
    /// Errors are keyed by the field names of this struct.
    pub fn validate(&self) -> Result<OrgForm, Vec<(&'static str, FieldError)>> {
        let mut errors = Vec::new();
        let mut take = |field: &'static str, r: Result<String, FieldError>| match r {
            Ok(v) => v,
            Err(e) => {
                errors.push((field, e));
                String::new()
            }
        };
        let out = OrgForm {
            name: take("name", validate_org_name(&self.name)),
            identifier_kind: self.identifier_kind,
            identifier: take(
                "identifier",
                validate_identifier(self.identifier_kind, &self.identifier),
            ),
            legal_representative: take(
                "legal_representative",
                validate_person_name(&self.legal_representative),
            ),
            contact_person: take("contact_person", validate_person_name(&self.contact_person)),
            contact_phone: take("contact_phone", validate_phone(&self.contact_phone)),
            address: take("address", validate_address(&self.address)),
        };
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }
}

crate::code::coded!(OrgKind, OrgLevel, OrgStatus, IdentifierKind);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::de::IntoDeserializer;
    use serde::de::value::Error as DeError;

    fn de<T: for<'de> Deserialize<'de>>(code: &str) -> Option<T> {
        T::deserialize(IntoDeserializer::<DeError>::into_deserializer(code)).ok()
    }

    fn msg<T: fmt::Debug>(r: Result<T, FieldError>) -> String {
        r.unwrap_err().0
    }

    fn terr<T: fmt::Debug>(r: Result<T, TransitionError>) -> String {
        r.unwrap_err().0
    }

    #[test]
    fn kind_codes_labels_and_serde() {
        let expected = [
            (OrgKind::HrBureau, "hr_bureau", "人社局"),
            (OrgKind::Department, "department", "主管部门"),
            (OrgKind::Unit, "unit", "法人单位"),
            (OrgKind::Institution, "institution", "培训机构"),
            (OrgKind::DirectPoint, "direct_point", "继续教育直接申报点"),
        ];
        assert_eq!(OrgKind::ALL.len(), expected.len());
        for (kind, code, label) in expected {
            assert_eq!(kind.code(), code);
            assert_eq!(kind.label(), label);
            assert_eq!(kind.to_string(), label);
            assert_eq!(OrgKind::from_code(code), Some(kind));
            assert_eq!(de::<OrgKind>(code), Some(kind));
        }
        assert_eq!(OrgKind::from_code("Unit"), None);
        assert_eq!(OrgKind::from_code(""), None);
        assert_eq!(de::<OrgKind>("HrBureau"), None);
    }

    #[test]
    fn level_and_status_codes() {
        for (level, code, label) in [
            (OrgLevel::Province, "province", "省级"),
            (OrgLevel::City, "city", "市级"),
            (OrgLevel::District, "district", "区县级"),
            (OrgLevel::Industry, "industry", "行业"),
        ] {
            assert_eq!(level.code(), code);
            assert_eq!(level.label(), label);
            assert_eq!(OrgLevel::from_code(code), Some(level));
            assert_eq!(de::<OrgLevel>(code), Some(level));
        }
        assert_eq!(OrgLevel::from_code("county"), None);
        for (status, code, label) in [
            (OrgStatus::Applied, "applied", "待审核"),
            (OrgStatus::Approved, "approved", "已通过"),
            (OrgStatus::Rejected, "rejected", "未通过"),
        ] {
            assert_eq!(status.code(), code);
            assert_eq!(status.label(), label);
            assert_eq!(OrgStatus::from_code(code), Some(status));
            assert_eq!(de::<OrgStatus>(code), Some(status));
        }
        assert_eq!(OrgStatus::from_code("pending"), None);
        for (kind, code, label) in [
            (
                IdentifierKind::CreditCode,
                "credit_code",
                "统一社会信用代码",
            ),
            (IdentifierKind::OrganizationCode, "org_code", "组织机构代码"),
        ] {
            assert_eq!(kind.code(), code);
            assert_eq!(kind.label(), label);
            assert_eq!(IdentifierKind::from_code(code), Some(kind));
            assert_eq!(de::<IdentifierKind>(code), Some(kind));
        }
        assert_eq!(IdentifierKind::from_code("organization_code"), None);
    }

    #[test]
    fn levels_per_kind() {
        use OrgKind::*;
        use OrgLevel::*;
        let allowed: &[(OrgKind, Option<OrgLevel>)] = &[
            (HrBureau, Some(Province)),
            (HrBureau, Some(City)),
            (HrBureau, Some(District)),
            (Department, Some(Industry)),
            (Department, Some(City)),
            (Department, Some(District)),
            (Unit, None),
            (Institution, None),
            (DirectPoint, None),
        ];
        for kind in OrgKind::ALL {
            for level in all_levels() {
                assert_eq!(
                    level_allowed(kind, level),
                    allowed.contains(&(kind, level)),
                    "{kind:?} {level:?}"
                );
            }
        }
        assert!(!needs_parent(HrBureau, Some(Province)));
        for (kind, level) in allowed.iter().skip(1) {
            assert!(needs_parent(*kind, *level), "{kind:?} {level:?}");
        }
    }

    fn all_levels() -> [Option<OrgLevel>; 5] {
        [
            None,
            Some(OrgLevel::Province),
            Some(OrgLevel::City),
            Some(OrgLevel::District),
            Some(OrgLevel::Industry),
        ]
    }

    /// Every (child, parent) pair over all kinds and levels, valid or not, against the list of
    /// the pairs that are allowed.
    #[test]
    fn parent_table() {
        use OrgKind::*;
        use OrgLevel::*;
        type Node = (OrgKind, Option<OrgLevel>);
        let allowed: &[(Node, Node)] = &[
            ((HrBureau, Some(City)), (HrBureau, Some(Province))),
            ((HrBureau, Some(District)), (HrBureau, Some(City))),
            ((Department, Some(Industry)), (HrBureau, Some(Province))),
            ((Department, Some(Industry)), (HrBureau, Some(City))),
            ((Department, Some(City)), (HrBureau, Some(Province))),
            ((Department, Some(City)), (HrBureau, Some(City))),
            ((Department, Some(District)), (HrBureau, Some(District))),
            ((Unit, None), (Department, Some(Industry))),
            ((Unit, None), (Department, Some(City))),
            ((Unit, None), (Department, Some(District))),
            ((Unit, None), (HrBureau, Some(City))),
            ((Unit, None), (HrBureau, Some(District))),
            ((Institution, None), (Department, Some(Industry))),
            ((Institution, None), (Department, Some(City))),
            ((Institution, None), (Department, Some(District))),
            ((Institution, None), (HrBureau, Some(Province))),
            ((Institution, None), (HrBureau, Some(City))),
            ((Institution, None), (HrBureau, Some(District))),
            ((DirectPoint, None), (HrBureau, Some(District))),
            ((DirectPoint, None), (HrBureau, Some(City))),
        ];
        let mut seen = 0;
        for child in OrgKind::ALL {
            for child_level in all_levels() {
                for parent in OrgKind::ALL {
                    for parent_level in all_levels() {
                        let pair = ((child, child_level), (parent, parent_level));
                        let expected = allowed.contains(&pair);
                        seen += usize::from(expected);
                        assert_eq!(
                            parent_allowed(child, child_level, parent, parent_level),
                            expected,
                            "{pair:?}"
                        );
                    }
                }
            }
        }
        assert_eq!(seen, allowed.len());
    }

    #[test]
    fn every_valid_node_but_the_root_has_some_parent() {
        for kind in OrgKind::ALL {
            for level in all_levels().into_iter().filter(|l| level_allowed(kind, *l)) {
                let has_parent = OrgKind::ALL.into_iter().any(|p| {
                    all_levels()
                        .into_iter()
                        .any(|pl| parent_allowed(kind, level, p, pl))
                });
                assert_eq!(has_parent, needs_parent(kind, level), "{kind:?} {level:?}");
            }
        }
    }

    #[test]
    fn registration_decisions() {
        assert_eq!(
            decide_registration(OrgStatus::Applied, true, ""),
            Ok(OrgStatus::Approved)
        );
        assert_eq!(
            decide_registration(OrgStatus::Applied, false, "信用代码与营业执照不符"),
            Ok(OrgStatus::Rejected)
        );
        assert_eq!(
            terr(decide_registration(OrgStatus::Applied, false, "  ")),
            "请填写不通过的原因"
        );
        assert!(decide_registration(OrgStatus::Applied, false, &"原".repeat(200)).is_ok());
        assert_eq!(
            terr(decide_registration(
                OrgStatus::Applied,
                false,
                &"原".repeat(201)
            )),
            "不通过的原因不能超过200个字"
        );
        for done in [OrgStatus::Approved, OrgStatus::Rejected] {
            for approve in [true, false] {
                assert_eq!(
                    terr(decide_registration(done, approve, "理由")),
                    "该申请已经处理过了，无需重复操作"
                );
            }
        }
        assert_eq!(
            TransitionError::new("x").to_string(),
            "x",
            "Display is the message"
        );
    }

    #[test]
    fn org_names() {
        assert_eq!(
            validate_org_name("  广州市某某科技有限公司（番禺分公司） ").unwrap(),
            "广州市某某科技有限公司（番禺分公司）"
        );
        assert_eq!(
            validate_org_name("\u{3000}Foo  Bar 有限公司").unwrap(),
            "Foo Bar 有限公司"
        );
        assert_eq!(msg(validate_org_name(" ")), "请填写单位名称");
        assert_eq!(msg(validate_org_name("某")), "单位名称应为2到100个字");
        assert!(validate_org_name(&"某".repeat(100)).is_ok());
        assert_eq!(
            msg(validate_org_name(&"某".repeat(101))),
            "单位名称应为2到100个字"
        );
        assert_eq!(
            msg(validate_org_name("某某\n公司")),
            "单位名称不能包含换行、制表符等控制字符"
        );
        assert_eq!(msg(validate_org_name("123")), "单位名称应包含汉字或字母");
    }

    #[test]
    fn person_names_reuse_real_name() {
        assert_eq!(validate_person_name(" 张三 ").unwrap(), "张三");
        assert_eq!(msg(validate_person_name("")), "请填写姓名");
    }

    #[test]
    fn phones() {
        for (input, stored) in [
            ("13800138000", "13800138000"),
            ("138 0013 8000", "13800138000"),
            ("+852 9123 4567", "+85291234567"),
            ("020-12345678", "020-12345678"),
            ("0755-1234567", "0755-1234567"),
            ("0755-12345678", "0755-12345678"),
            ("(020)12345678", "020-12345678"),
            ("（020）12345678", "020-12345678"),
            ("(020)-12345678", "020-12345678"),
            ("020 1234 5678", "020-12345678"),
            ("02012345678", "020-12345678"),
            ("075512345678", "0755-12345678"),
            ("010-87654321", "010-87654321"),
            ("020-12345678-123", "020-12345678-123"),
            ("(0769)22345678-8001", "0769-22345678-8001"),
            ("020-12345678转123", "020-12345678-123"),
            ("０２０－１２３４５６７８", "020-12345678"),
        ] {
            assert_eq!(validate_phone(input).unwrap(), stored, "{input}");
        }
        assert_eq!(msg(validate_phone(" ")), "请填写联系电话");
        assert_eq!(
            msg(validate_phone("12800138000")),
            "手机号码应为11位数字（港澳号码请加+852或+853）"
        );
        for bad in [
            "12345678",
            "020-1234567a",
            "020-123456",
            "020-123456789",
            "020-02345678",
            "0755-123456",
            "0201-2345678",
            "075-12345678",
            "(020-12345678",
            "()12345678",
            "020-12345678-",
            "020-12345678-1234567",
            "020-12345678-1转2",
            "020--12345678",
            "0",
            "(",
            "020",
        ] {
            assert!(validate_phone(bad).is_err(), "{bad}");
        }
        assert_eq!(msg(validate_phone("020-123")), PHONE_FORMAT);
        assert_eq!(msg(validate_phone("abc")), PHONE_FORMAT);
        assert_eq!(
            msg(validate_phone("22345678")),
            "固定电话请加区号，如 020-12345678"
        );
        assert_eq!(validate_phone("(+853) 6612-3456").unwrap(), "+85366123456");
    }

    #[test]
    fn addresses() {
        assert_eq!(
            validate_address(" 广州市天河区某路1号 ").unwrap(),
            "广州市天河区某路1号"
        );
        assert_eq!(msg(validate_address("")), "请填写地址");
        assert_eq!(msg(validate_address("某")), "地址应为2到200个字");
        assert!(validate_address(&"址".repeat(200)).is_ok());
        assert_eq!(
            msg(validate_address(&"址".repeat(201))),
            "地址应为2到200个字"
        );
        assert_eq!(
            msg(validate_address("某路\t1号")),
            "地址不能包含换行、制表符等控制字符"
        );
    }

    #[test]
    fn identifiers() {
        assert_eq!(
            validate_identifier(IdentifierKind::CreditCode, "9144030071526726xg").unwrap(),
            "9144030071526726XG"
        );
        assert_eq!(
            validate_identifier(IdentifierKind::OrganizationCode, "71526726X").unwrap(),
            "71526726-X"
        );
        assert_eq!(
            msg(validate_identifier(IdentifierKind::CreditCode, "")),
            "请填写统一社会信用代码"
        );
        assert_eq!(
            msg(validate_identifier(IdentifierKind::OrganizationCode, "")),
            "请填写组织机构代码"
        );
    }

    #[test]
    fn org_form() {
        let form = OrgForm {
            name: " 广州市某某科技有限公司 ".into(),
            identifier_kind: IdentifierKind::CreditCode,
            identifier: "9144030071526726xg".into(),
            legal_representative: "张三".into(),
            contact_person: "李四".into(),
            contact_phone: "(020)12345678".into(),
            address: "广州市天河区某路1号".into(),
        };
        let ok = form.validate().unwrap();
        assert_eq!(ok.name, "广州市某某科技有限公司");
        assert_eq!(ok.identifier, "9144030071526726XG");
        assert_eq!(ok.contact_phone, "020-12345678");
        assert_eq!(ok.validate(), Ok(ok.clone()));

        let errors = OrgForm::default().validate().unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            [
                "name",
                "identifier",
                "legal_representative",
                "contact_person",
                "contact_phone",
                "address"
            ]
        );
    }

    proptest! {
        #[test]
        fn never_panic(s in any::<String>()) {
            let _ = validate_org_name(&s);
            let _ = validate_person_name(&s);
            let _ = validate_phone(&s);
            let _ = validate_address(&s);
            let _ = validate_identifier(IdentifierKind::CreditCode, &s);
            let _ = validate_identifier(IdentifierKind::OrganizationCode, &s);
            let _ = decide_registration(OrgStatus::Applied, false, &s);
            let _ = OrgKind::from_code(&s);
            let _ = OrgLevel::from_code(&s);
            let _ = OrgStatus::from_code(&s);
            let _ = IdentifierKind::from_code(&s);
        }

        #[test]
        fn never_panic_on_phone_like_input(s in "[0-9()（）\\-+ 转]{0,24}") {
            let _ = validate_phone(&s);
        }

        #[test]
        fn accepted_values_are_fixed_points(s in "[0-9()\\-+ 转]{0,24}|[ 某a-z\\n]{0,12}") {
            if let Ok(v) = validate_phone(&s) { prop_assert_eq!(validate_phone(&v), Ok(v.clone())); }
            if let Ok(v) = validate_org_name(&s) { prop_assert_eq!(validate_org_name(&v), Ok(v.clone())); }
            if let Ok(v) = validate_address(&s) { prop_assert_eq!(validate_address(&v), Ok(v.clone())); }
        }
    }

    #[test]
    fn a_move_needs_a_new_fitting_supervisor_and_a_reason() {
        assert!(may_request_move(Some(1), 2, false, true, "机构调整").is_ok());
        assert_eq!(
            may_request_move(Some(1), 1, false, true, "机构调整")
                .unwrap_err()
                .0,
            "所选单位已经是本单位的主管部门"
        );
        assert_eq!(
            may_request_move(Some(1), 2, true, true, "机构调整")
                .unwrap_err()
                .0,
            "已有一个变更主管部门的申请正在审核"
        );
        assert_eq!(
            may_request_move(Some(1), 2, false, false, "机构调整")
                .unwrap_err()
                .0,
            "所选单位不能作为本单位的主管部门"
        );
        assert_eq!(
            may_request_move(Some(1), 2, false, true, " ")
                .unwrap_err()
                .0,
            "请填写变更原因"
        );
    }
}
