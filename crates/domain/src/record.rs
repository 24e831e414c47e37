//! Continuing-education records (继续教育记录): their categories and declaration types, the
//! lifecycle from draft to a decision, and the checks made on a declaration before it is saved.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::hours::{HOURS_PER_DAY, Hours};
use crate::org::{TransitionError, check_reason};

/// 科目类型.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Category {
    #[serde(rename = "public")]
    Public,
    #[serde(rename = "professional")]
    Professional,
    /// 个人选修/其他培训: content outside the person's specialty (对口 = 否).
    #[serde(rename = "elective")]
    Elective,
}

impl Category {
    pub const ALL: [Category; 3] = [Category::Public, Category::Professional, Category::Elective];

    pub fn code(self) -> &'static str {
        match self {
            Category::Public => "public",
            Category::Professional => "professional",
            Category::Elective => "elective",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::Public => "公需科目",
            Category::Professional => "专业科目",
            Category::Elective => "选修科目",
        }
    }

    pub fn from_code(code: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// 申报类型.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DeclarationType {
    #[serde(rename = "training")]
    Training,
    #[serde(rename = "conference")]
    Conference,
    #[serde(rename = "paper")]
    Paper,
    #[serde(rename = "monograph")]
    Monograph,
    #[serde(rename = "patent")]
    Patent,
    #[serde(rename = "project")]
    Project,
    #[serde(rename = "further_study")]
    FurtherStudy,
    #[serde(rename = "online")]
    OnlineLearning,
    #[serde(rename = "other")]
    Other,
}

impl DeclarationType {
    pub const ALL: [DeclarationType; 9] = [
        DeclarationType::Training,
        DeclarationType::Conference,
        DeclarationType::Paper,
        DeclarationType::Monograph,
        DeclarationType::Patent,
        DeclarationType::Project,
        DeclarationType::FurtherStudy,
        DeclarationType::OnlineLearning,
        DeclarationType::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DeclarationType::Training => "training",
            DeclarationType::Conference => "conference",
            DeclarationType::Paper => "paper",
            DeclarationType::Monograph => "monograph",
            DeclarationType::Patent => "patent",
            DeclarationType::Project => "project",
            DeclarationType::FurtherStudy => "further_study",
            DeclarationType::OnlineLearning => "online",
            DeclarationType::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DeclarationType::Training => "培训",
            DeclarationType::Conference => "学术会议",
            DeclarationType::Paper => "发表论文",
            DeclarationType::Monograph => "出版专著",
            DeclarationType::Patent => "专利",
            DeclarationType::Project => "课题项目",
            DeclarationType::FurtherStudy => "进修",
            DeclarationType::OnlineLearning => "网络学习",
            DeclarationType::Other => "其他",
        }
    }

    pub fn from_code(code: &str) -> Option<DeclarationType> {
        DeclarationType::ALL.into_iter().find(|d| d.code() == code)
    }

    /// Authored works (paper, monograph, patent, project): always professional, and by default
    /// worth a fixed figure per author (see [`DeclarationRules`]).
    pub fn fixed_by_authorship(self) -> bool {
        matches!(
            self,
            DeclarationType::Paper
                | DeclarationType::Monograph
                | DeclarationType::Patent
                | DeclarationType::Project
        )
    }
}

/// Where a record came from (学时来源).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RecordSource {
    /// 本人申报.
    #[serde(rename = "self")]
    Own,
    /// 单位代申报.
    #[serde(rename = "unit")]
    Unit,
    /// 批量导入.
    #[serde(rename = "import")]
    Import,
    /// 培训班结业: recorded when a class is completed.
    #[serde(rename = "class")]
    Class,
    /// 在线学习: recorded when an online course is passed.
    #[serde(rename = "online")]
    Online,
    /// 历史数据.
    #[serde(rename = "legacy")]
    Legacy,
}

impl RecordSource {
    pub const ALL: [RecordSource; 6] = [
        RecordSource::Own,
        RecordSource::Unit,
        RecordSource::Import,
        RecordSource::Class,
        RecordSource::Online,
        RecordSource::Legacy,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RecordSource::Own => "self",
            RecordSource::Unit => "unit",
            RecordSource::Import => "import",
            RecordSource::Class => "class",
            RecordSource::Online => "online",
            RecordSource::Legacy => "legacy",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RecordSource::Own => "本人申报",
            RecordSource::Unit => "单位代申报",
            RecordSource::Import => "批量导入",
            RecordSource::Class => "培训班结业",
            RecordSource::Online => "在线学习",
            RecordSource::Legacy => "历史数据",
        }
    }
}

/// Where a record stands in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RecordState {
    /// 暂存.
    #[serde(rename = "draft")]
    Draft,
    /// 送审, waiting for the unit.
    #[serde(rename = "submitted")]
    Submitted,
    /// In the unit's internal flow (staff reviewing before the leader decides).
    #[serde(rename = "under_review")]
    UnderReview,
    /// Hours recognised.
    #[serde(rename = "approved")]
    Approved,
    /// 不同意并结案: closed.
    #[serde(rename = "rejected")]
    Rejected,
    /// 不同意并退案: back to the declarer to correct and resubmit.
    #[serde(rename = "returned")]
    Returned,
    /// 单位代申报, not confirmed yet: the unit attaches proofs and confirms it (or deletes it);
    /// it counts nowhere until then.
    #[serde(rename = "unit_draft")]
    UnitDraft,
    /// Deleted: kept with its trail for the record's history, counted nowhere and shown to
    /// nobody's list. Only a draft or returned record of the declarer, an unconfirmed 代申报 of
    /// the unit, or an approved record removed by 培训信息维护 (with a reason) gets here.
    #[serde(rename = "deleted")]
    Deleted,
}

impl RecordState {
    pub const ALL: [RecordState; 8] = [
        RecordState::Draft,
        RecordState::Submitted,
        RecordState::UnderReview,
        RecordState::Approved,
        RecordState::Rejected,
        RecordState::Returned,
        RecordState::UnitDraft,
        RecordState::Deleted,
    ];

    /// Waiting for a decision of the unit (待审核).
    pub const PENDING: &'static [RecordState] = &[RecordState::Submitted, RecordState::UnderReview];

    /// What the declarer may still change, send or delete.
    pub const EDITABLE: &'static [RecordState] = &[RecordState::Draft, RecordState::Returned];

    /// Decided by the unit.
    pub const DECIDED: &'static [RecordState] = &[RecordState::Approved, RecordState::Rejected];

    /// Counted in a person's progress: recognised, or claimed and waiting.
    pub const IN_PROGRESS: &'static [RecordState] = &[
        RecordState::Approved,
        RecordState::Submitted,
        RecordState::UnderReview,
    ];

    /// What needs someone's hand: waiting for the unit, returned to the declarer, or a unit's
    /// declaration not yet confirmed.
    pub const OPEN: &'static [RecordState] = &[
        RecordState::Submitted,
        RecordState::UnderReview,
        RecordState::Returned,
        RecordState::UnitDraft,
    ];

    /// Shown in a unit's lists: everything but the declarer's own drafts and deleted records.
    pub fn reaches_unit(self) -> bool {
        !matches!(self, RecordState::Draft | RecordState::Deleted)
    }

    pub const fn code(self) -> &'static str {
        match self {
            RecordState::Draft => "draft",
            RecordState::Submitted => "submitted",
            RecordState::UnderReview => "under_review",
            RecordState::Approved => "approved",
            RecordState::Rejected => "rejected",
            RecordState::Returned => "returned",
            RecordState::UnitDraft => "unit_draft",
            RecordState::Deleted => "deleted",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            RecordState::Draft => "暂存",
            RecordState::Submitted => "待审",
            RecordState::UnderReview => "审核中",
            RecordState::Approved => "已通过",
            RecordState::Rejected => "不通过",
            RecordState::Returned => "已退回",
            RecordState::UnitDraft => "代申报待确认",
            RecordState::Deleted => "已删除",
        }
    }

    pub fn from_code(code: &str) -> Option<RecordState> {
        RecordState::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Waiting for a decision of the unit.
    pub fn is_pending(self) -> bool {
        RecordState::PENDING.contains(&self)
    }
}

/// A state filter of a record list: 待审核 (every waiting state) or one state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateFilter {
    /// The value of the filter in a query string.
    pub code: &'static str,
    pub label: &'static str,
    pub states: &'static [RecordState],
}

/// The filters a record list offers, in the order shown: 待审核 first, then every state.
pub const STATE_FILTERS: [StateFilter; 9] = [
    StateFilter {
        code: "pending",
        label: "待审核",
        states: RecordState::PENDING,
    },
    one_state(&[RecordState::Draft]),
    one_state(&[RecordState::Submitted]),
    one_state(&[RecordState::UnderReview]),
    one_state(&[RecordState::Approved]),
    one_state(&[RecordState::Rejected]),
    one_state(&[RecordState::Returned]),
    one_state(&[RecordState::Deleted]),
    one_state(&[RecordState::UnitDraft]),
];

const fn one_state(state: &'static [RecordState; 1]) -> StateFilter {
    StateFilter {
        code: state[0].code(),
        label: state[0].label(),
        states: state,
    }
}

impl StateFilter {
    /// The filter a query string names; an unknown or empty value is no filter.
    pub fn parse(code: &str) -> Option<StateFilter> {
        STATE_FILTERS.into_iter().find(|f| f.code == code)
    }

    /// The filter of waiting records, a unit's queue by default.
    pub fn pending() -> StateFilter {
        STATE_FILTERS[0]
    }
}

fn refuse<T>(message: impl Into<String>) -> Result<T, TransitionError> {
    Err(TransitionError::new(message))
}

/// The declarer may change a draft, or a record returned for correction.
pub fn may_edit(s: RecordState) -> bool {
    RecordState::EDITABLE.contains(&s)
}

/// 送审: a draft, or a corrected returned record, goes to the unit.
pub fn submit(s: RecordState) -> Result<RecordState, TransitionError> {
    match s {
        RecordState::Draft | RecordState::Returned => Ok(RecordState::Submitted),
        RecordState::Submitted | RecordState::UnderReview => refuse("该记录已送审，请等待单位审核"),
        RecordState::Approved => refuse("该记录已审核通过，不能再次送审"),
        RecordState::Rejected => refuse("该记录已结案，不能再次送审"),
        RecordState::UnitDraft => refuse("单位代申报的记录由单位确认，不能送审"),
        RecordState::Deleted => refuse("该记录已删除"),
    }
}

/// 回收: the declarer takes a submission back while nobody has reviewed it yet.
pub fn withdraw(s: RecordState, reviewed_by_anyone: bool) -> Result<RecordState, TransitionError> {
    match s {
        RecordState::Submitted if !reviewed_by_anyone => Ok(RecordState::Draft),
        RecordState::Submitted | RecordState::UnderReview => refuse("单位已开始审核，不能回收"),
        _ => refuse("只有已送审、尚未审核的记录才能回收"),
    }
}

/// A unit with an internal flow starts reviewing a submission (its staff review before the
/// leader decides).
pub fn start_review(s: RecordState) -> Result<RecordState, TransitionError> {
    match s {
        RecordState::Submitted => Ok(RecordState::UnderReview),
        RecordState::UnderReview => refuse("该记录已在审核中"),
        _ => refuse("只有已送审的记录才能审核"),
    }
}

fn must_be_pending(s: RecordState) -> Result<(), TransitionError> {
    if s.is_pending() {
        Ok(())
    } else {
        refuse("只有待审核的记录才能审核")
    }
}

/// The unit approves, recognising `recognised` hours out of the `claimed` ones: fewer is
/// allowed, more is not.
pub fn approve(
    s: RecordState,
    claimed: Hours,
    recognised: Hours,
) -> Result<RecordState, TransitionError> {
    must_be_pending(s)?;
    if !recognised.is_positive() {
        return refuse("认定学时必须大于0");
    }
    if recognised > claimed {
        return refuse("认定学时不能超过申报学时");
    }
    Ok(RecordState::Approved)
}

/// An opinion given with any decision or review: optional, at most 200 characters.
pub fn check_opinion(opinion: &str) -> Result<(), TransitionError> {
    check_reason(opinion, None, "审核意见")
}

/// Nobody reviews, declares, corrects or deletes their own record for their unit: the hours
/// of a person are always confirmed by someone else.
pub fn not_own(owner: i64, actor: i64) -> Result<(), TransitionError> {
    if owner == actor {
        refuse("不能审核或维护本人的学时记录，请由本单位其他审核人办理")
    } else {
        Ok(())
    }
}

/// 不同意并结案: refused and closed; the opinion is required.
pub fn reject(s: RecordState, opinion: &str) -> Result<RecordState, TransitionError> {
    must_be_pending(s)?;
    check_reason(opinion, Some("请填写不同意的理由"), "审核意见")?;
    Ok(RecordState::Rejected)
}

/// 不同意并退案: back to the declarer for correction; the opinion is required.
pub fn return_for_correction(
    s: RecordState,
    opinion: &str,
) -> Result<RecordState, TransitionError> {
    must_be_pending(s)?;
    check_reason(opinion, Some("请填写退回修改的意见"), "审核意见")?;
    Ok(RecordState::Returned)
}

/// The declarer deletes a record that never reached a decision: a draft, or a returned one.
pub fn delete_draft(s: RecordState) -> Result<(), TransitionError> {
    if may_edit(s) {
        Ok(())
    } else {
        refuse("只能删除暂存或已退回的记录")
    }
}

/// A unit's optional internal review flow: how many different staff must review a record before
/// the unit's leader decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewFlow {
    pub reviewers_required: u32,
}

impl Default for ReviewFlow {
    fn default() -> Self {
        ReviewFlow {
            reviewers_required: 2,
        }
    }
}

fn count_in_words(n: u32) -> String {
    const WORDS: [&str; 11] = [
        "零", "一", "两", "三", "四", "五", "六", "七", "八", "九", "十",
    ];
    match WORDS.get(n as usize) {
        Some(w) => (*w).to_owned(),
        None => n.to_string(),
    }
}

/// The leader may decide once enough different reviewers have reviewed.
pub fn leader_may_decide(
    distinct_reviewers_so_far: u32,
    flow: &ReviewFlow,
) -> Result<(), TransitionError> {
    if distinct_reviewers_so_far >= flow.reviewers_required {
        Ok(())
    } else {
        refuse(format!(
            "至少需要{}名不同的审核人审核后，单位领导才能作出决定",
            count_in_words(flow.reviewers_required)
        ))
    }
}

/// What a member of the reviewing unit does with a waiting record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewPart {
    /// Approves, rejects or returns it.
    Decide,
    /// Gives a review in the internal flow, before the leader decides.
    Review,
    /// Nothing.
    None,
}

/// Without an internal flow, an administrator, reviewer or leader decides; with one, the
/// leader decides and administrators and reviewers review.
pub fn review_part(flow: Option<ReviewFlow>, roles: crate::roles::Roles) -> ReviewPart {
    use crate::roles::Role;
    let leader = roles.contains(Role::Leader);
    let reviewer = roles.contains(Role::Reviewer) || roles.contains(Role::Admin);
    match flow {
        None if leader || reviewer => ReviewPart::Decide,
        Some(_) if leader => ReviewPart::Decide,
        Some(_) if reviewer => ReviewPart::Review,
        _ => ReviewPart::None,
    }
}

/// A review in the internal flow: each staff member reviews a submission once.
pub fn add_review(
    s: RecordState,
    already_reviewed_by_me: bool,
) -> Result<RecordState, TransitionError> {
    must_be_pending(s)?;
    if already_reviewed_by_me {
        return refuse("您已审核过该记录，请等待其他审核人或单位领导");
    }
    Ok(RecordState::UnderReview)
}

/// How the hours claimed for a declaration type are bounded, as the rule set says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum HoursLimit {
    /// At most the days covered × [`HOURS_PER_DAY`].
    #[serde(rename = "days")]
    Days,
    /// Exactly the rule set's figure for the main author, or for the other authors.
    #[serde(rename = "authorship")]
    Authorship,
    /// Any figure a form accepts; only when the rule set says so.
    #[serde(rename = "unlimited")]
    Unlimited,
}

impl HoursLimit {
    pub const ALL: [HoursLimit; 3] = [
        HoursLimit::Days,
        HoursLimit::Authorship,
        HoursLimit::Unlimited,
    ];

    pub fn code(self) -> &'static str {
        match self {
            HoursLimit::Days => "days",
            HoursLimit::Authorship => "authorship",
            HoursLimit::Unlimited => "unlimited",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            HoursLimit::Days => "按天数折算（每天6学时）",
            HoursLimit::Authorship => "按作者固定学时",
            HoursLimit::Unlimited => "不限",
        }
    }

    pub fn from_code(code: &str) -> Option<HoursLimit> {
        HoursLimit::ALL.into_iter().find(|l| l.code() == code)
    }
}

/// The declaration part of a rule set: the fixed figures of authored works, and every
/// declaration type's limit. [`Default`] is the one place the shipped values live: 28 and 14
/// hours, authored works by authorship and every other type (其他 included) by days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclarationRules {
    pub main_author_hours: Hours,
    pub other_author_hours: Hours,
    /// In the order of [`DeclarationType::ALL`].
    pub limits: [HoursLimit; DeclarationType::ALL.len()],
}

impl Default for DeclarationRules {
    fn default() -> Self {
        DeclarationRules {
            main_author_hours: Hours::whole(28),
            other_author_hours: Hours::whole(14),
            limits: DeclarationType::ALL.map(|d| {
                if d.fixed_by_authorship() {
                    HoursLimit::Authorship
                } else {
                    HoursLimit::Days
                }
            }),
        }
    }
}

impl DeclarationRules {
    fn position(declaration: DeclarationType) -> usize {
        DeclarationType::ALL
            .iter()
            .position(|d| *d == declaration)
            .unwrap_or(0)
    }

    pub fn limit(&self, declaration: DeclarationType) -> HoursLimit {
        self.limits[Self::position(declaration)]
    }

    pub fn set_limit(&mut self, declaration: DeclarationType, limit: HoursLimit) {
        self.limits[Self::position(declaration)] = limit;
    }

    /// The fixed figure of a declaration, or `None` when the type is counted otherwise.
    pub fn fixed_hours(&self, declaration: DeclarationType, main_author: bool) -> Option<Hours> {
        if self.limit(declaration) != HoursLimit::Authorship {
            None
        } else if main_author {
            Some(self.main_author_hours)
        } else {
            Some(self.other_author_hours)
        }
    }

    /// The limits as stored: "training:days,…,other:days".
    pub fn limits_text(&self) -> String {
        DeclarationType::ALL
            .iter()
            .zip(self.limits)
            .map(|(d, l)| format!("{}:{}", d.code(), l.code()))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// These rules with the limits read from [`limits_text`](Self::limits_text); a type the
    /// text does not name (a type added since it was stored) keeps its limit here.
    pub fn with_limits_text(mut self, text: &str) -> DeclarationRules {
        for part in text.split(',') {
            if let Some((d, l)) = part.split_once(':')
                && let (Some(d), Some(l)) = (
                    DeclarationType::from_code(d.trim()),
                    HoursLimit::from_code(l.trim()),
                )
            {
                self.set_limit(d, l);
            }
        }
        self
    }
}

/// A declaration as typed, for [`validate_record`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordInput {
    pub year: i32,
    pub category: Category,
    pub declaration: DeclarationType,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub claimed: Hours,
    pub matches_specialty: bool,
    pub has_attachment: bool,
    /// First author / holder, for the types worth a fixed figure.
    pub main_author: bool,
}

/// Records dated before this year need an attachment from the institution.
pub const ATTACHMENT_REQUIRED_BEFORE_YEAR: i32 = 2008;

/// Days covered by a record, both ends included; zero when the end is before the start.
pub fn days_covered(start: NaiveDate, end: NaiveDate) -> i64 {
    let days = end.signed_duration_since(start).num_days();
    if days < 0 { 0 } else { days.saturating_add(1) }
}

/// Hours are declared for study that has happened: the end date may not be after `today`
/// (the Asia/Shanghai date).
pub fn check_ended(end: NaiveDate, today: NaiveDate) -> Result<(), String> {
    if end > today {
        Err(format!(
            "结束日期不能晚于今天（{}）：学习结束后才能申报学时",
            today.format("%Y-%m-%d")
        ))
    } else {
        Ok(())
    }
}

/// Text typed for a record's optional location (学习地点) and remarks (备注): at most this many
/// characters.
pub const LOCATION_MAX: usize = 100;
pub const REMARKS_MAX: usize = 500;

/// Every problem of a declaration, as (field, message) pairs in form order; empty when it may be
/// saved. Field names: `year`, `category`, `start`, `end`, `claimed`, `matches_specialty`,
/// `attachment`. Every way of declaring (the person's form, 代申报, a correction, an import)
/// goes through here.
pub fn validate_record(
    r: &RecordInput,
    today: NaiveDate,
    rules: &DeclarationRules,
) -> Vec<(&'static str, String)> {
    let mut problems: Vec<(&'static str, String)> = Vec::new();
    let mut add = |field: &'static str, message: String| problems.push((field, message));

    if r.year > today.year() {
        add("year", "申报年度不能晚于今年".to_owned());
    }
    if r.start.year() != r.year {
        add("start", "培训开始日期应在申报年度内".to_owned());
    }
    let dates_in_order = r.end >= r.start;
    if !dates_in_order {
        add("end", "结束日期不能早于开始日期".to_owned());
    } else if let Err(message) = check_ended(r.end, today) {
        add("end", message);
    }

    if !r.claimed.is_positive() {
        add("claimed", "申报学时必须大于0".to_owned());
    } else if let Some(fixed) = rules.fixed_hours(r.declaration, r.main_author) {
        if r.claimed != fixed {
            add(
                "claimed",
                format!(
                    "该申报类型的学时为固定值：第一作者{}学时，其他作者{}学时",
                    rules.main_author_hours.short(),
                    rules.other_author_hours.short()
                ),
            );
        }
    } else if rules.limit(r.declaration) == HoursLimit::Days && dates_in_order {
        let days = days_covered(r.start, r.end);
        let allowed = Hours::from_days(Hours::whole(days));
        if r.claimed > allowed {
            add(
                "claimed",
                format!("申报学时超过了培训天数可折算的学时（每天{HOURS_PER_DAY}学时）"),
            );
        }
    }

    if r.declaration.fixed_by_authorship() && r.category != Category::Professional {
        add(
            "category",
            format!("{}只能申报为专业科目", r.declaration.label()),
        );
    }
    if r.category == Category::Elective && r.matches_specialty {
        add(
            "matches_specialty",
            "选修科目应为与本专业不对口的内容，对口的内容请申报为专业科目".to_owned(),
        );
    }
    if (r.year < ATTACHMENT_REQUIRED_BEFORE_YEAR
        || r.start.year() < ATTACHMENT_REQUIRED_BEFORE_YEAR)
        && !r.has_attachment
    {
        add(
            "attachment",
            "2008年以前的记录须上传施教机构出具的证明".to_owned(),
        );
    }
    problems
}

/// Records of a year are to be registered by 31 January of the next year.
pub fn annual_deadline(year: i32) -> NaiveDate {
    year.checked_add(1)
        .and_then(|next| NaiveDate::from_ymd_opt(next, 1, 31))
        .unwrap_or(NaiveDate::MAX)
}

/// Whether a record of `year` registered on `today` is late; the rule set may move the deadline.
pub fn is_late(year: i32, today: NaiveDate, deadline_override: Option<NaiveDate>) -> bool {
    today > deadline_override.unwrap_or_else(|| annual_deadline(year))
}

crate::code::coded!(
    Category,
    DeclarationType,
    RecordSource,
    RecordState,
    HoursLimit
);

#[cfg(test)]
mod tests {
    use super::*;
    use RecordState::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    #[test]
    fn nobody_confirms_their_own_hours() {
        assert!(
            not_own(7, 7)
                .unwrap_err()
                .to_string()
                .contains("不能审核或维护本人")
        );
        assert!(not_own(7, 8).is_ok());
        assert!(check_opinion(&"意".repeat(200)).is_ok());
        assert!(
            check_opinion(&"意".repeat(201))
                .unwrap_err()
                .to_string()
                .contains("不能超过200个字")
        );
    }

    #[test]
    fn who_decides_with_and_without_the_internal_flow() {
        use crate::roles::{Role, Roles};
        let only = |r: Role| Roles::default().with(r);
        let flow = Some(ReviewFlow::default());
        assert_eq!(review_part(None, only(Role::Reviewer)), ReviewPart::Decide);
        assert_eq!(review_part(None, only(Role::Leader)), ReviewPart::Decide);
        assert_eq!(review_part(None, only(Role::Admin)), ReviewPart::Decide);
        assert_eq!(review_part(None, only(Role::Clerk)), ReviewPart::None);
        assert_eq!(review_part(flow, only(Role::Reviewer)), ReviewPart::Review);
        assert_eq!(review_part(flow, only(Role::Admin)), ReviewPart::Review);
        assert_eq!(review_part(flow, only(Role::Leader)), ReviewPart::Decide);
        assert_eq!(review_part(flow, only(Role::Clerk)), ReviewPart::None);
    }

    #[test]
    fn a_reviewer_reviews_a_submission_once() {
        assert_eq!(add_review(Submitted, false), Ok(UnderReview));
        assert_eq!(add_review(UnderReview, false), Ok(UnderReview));
        assert!(
            add_review(UnderReview, true)
                .unwrap_err()
                .to_string()
                .contains("您已审核过")
        );
        for s in [Draft, Approved, Rejected, Returned] {
            assert!(add_review(s, false).is_err(), "{s:?}");
        }
    }

    #[test]
    fn codes_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::from_code(c.code()), Some(c));
        }
        for t in DeclarationType::ALL {
            assert_eq!(DeclarationType::from_code(t.code()), Some(t));
        }
        for s in RecordState::ALL {
            assert_eq!(RecordState::from_code(s.code()), Some(s));
        }
        assert_eq!(Category::from_code("公需科目"), None);
        assert_eq!(Category::Public.label(), "公需科目");
        assert_eq!(DeclarationType::OnlineLearning.code(), "online");
        assert_eq!(DeclarationType::Project.label(), "课题项目");
        assert_eq!(UnderReview.label(), "审核中");
    }

    #[test]
    fn submit_and_withdraw() {
        assert_eq!(submit(Draft), Ok(Submitted));
        assert_eq!(submit(Returned), Ok(Submitted));
        for s in [Submitted, UnderReview, Approved, Rejected] {
            assert!(submit(s).is_err());
        }
        assert_eq!(withdraw(Submitted, false), Ok(Draft));
        assert_eq!(
            withdraw(Submitted, true),
            Err(TransitionError::new("单位已开始审核，不能回收"))
        );
        assert_eq!(
            withdraw(UnderReview, false),
            Err(TransitionError::new("单位已开始审核，不能回收"))
        );
        assert!(withdraw(Draft, false).is_err());
        assert!(withdraw(Approved, false).is_err());
    }

    #[test]
    fn decisions() {
        let h = Hours::whole;
        assert_eq!(start_review(Submitted), Ok(UnderReview));
        assert!(start_review(UnderReview).is_err());
        assert!(start_review(Draft).is_err());

        assert_eq!(approve(Submitted, h(30), h(30)), Ok(Approved));
        assert_eq!(approve(UnderReview, h(30), h(24)), Ok(Approved));
        assert_eq!(
            approve(Submitted, h(30), h(31)),
            Err(TransitionError::new("认定学时不能超过申报学时"))
        );
        assert!(approve(Submitted, h(30), Hours::ZERO).is_err());
        assert!(approve(Draft, h(30), h(30)).is_err());
        assert!(approve(Approved, h(30), h(30)).is_err());

        assert_eq!(reject(Submitted, "内容与申报不符"), Ok(Rejected));
        assert!(reject(Submitted, "  ").is_err());
        assert!(reject(Returned, "理由").is_err());
        assert_eq!(
            return_for_correction(UnderReview, "请补充证明"),
            Ok(Returned)
        );
        assert!(return_for_correction(Submitted, "").is_err());
        assert!(return_for_correction(Submitted, &"长".repeat(500)).is_err());

        assert_eq!(delete_draft(Draft), Ok(()));
        assert_eq!(delete_draft(Returned), Ok(()));
        for s in [Submitted, UnderReview, Approved, Rejected] {
            assert!(delete_draft(s).is_err());
            assert!(!may_edit(s));
        }
        assert!(may_edit(Draft) && may_edit(Returned));
    }

    #[test]
    fn internal_flow_needs_two_reviewers() {
        let flow = ReviewFlow::default();
        assert_eq!(flow.reviewers_required, 2);
        assert_eq!(
            leader_may_decide(1, &flow),
            Err(TransitionError::new(
                "至少需要两名不同的审核人审核后，单位领导才能作出决定"
            ))
        );
        assert_eq!(leader_may_decide(2, &flow), Ok(()));
        assert_eq!(leader_may_decide(3, &flow), Ok(()));
        let three = ReviewFlow {
            reviewers_required: 3,
        };
        assert!(leader_may_decide(2, &three).unwrap_err().0.contains("三名"));
        let many = ReviewFlow {
            reviewers_required: 12,
        };
        assert!(leader_may_decide(0, &many).unwrap_err().0.contains("12名"));
    }

    fn training() -> RecordInput {
        RecordInput {
            year: 2023,
            category: Category::Professional,
            declaration: DeclarationType::Training,
            start: d(2023, 5, 8),
            end: d(2023, 5, 12),
            claimed: Hours::whole(30),
            matches_specialty: true,
            has_attachment: false,
            main_author: false,
        }
    }

    fn fields(r: &RecordInput) -> Vec<&'static str> {
        validate_record(r, d(2024, 1, 15), &DeclarationRules::default())
            .into_iter()
            .map(|(f, _)| f)
            .collect()
    }

    #[test]
    fn a_valid_training_passes() {
        assert!(fields(&training()).is_empty());
    }

    #[test]
    fn dates_and_year() {
        let mut r = training();
        r.end = d(2023, 5, 1);
        let problems = validate_record(&r, d(2024, 1, 15), &DeclarationRules::default());
        assert_eq!(
            problems,
            vec![("end", "结束日期不能早于开始日期".to_owned())]
        );

        let mut r = training();
        r.year = 2025;
        assert_eq!(fields(&r), vec!["year", "start"]);

        let mut r = training();
        r.start = d(2022, 12, 30);
        assert_eq!(fields(&r), vec!["start"]);
    }

    #[test]
    fn hours_limited_by_days() {
        // 5 days allow 30 hours.
        let mut r = training();
        r.claimed = Hours::from_tenths(301);
        let problems = validate_record(&r, d(2024, 1, 15), &DeclarationRules::default());
        assert_eq!(
            problems,
            vec![(
                "claimed",
                "申报学时超过了培训天数可折算的学时（每天6学时）".to_owned()
            )]
        );
        // A one-day conference allows 6 hours.
        r.declaration = DeclarationType::Conference;
        r.start = d(2023, 6, 1);
        r.end = d(2023, 6, 1);
        r.claimed = Hours::whole(6);
        assert!(fields(&r).is_empty());
        r.claimed = Hours::whole(7);
        assert_eq!(fields(&r), vec!["claimed"]);
        // "Other" is counted by days too: one day with 500 hours is refused.
        r.declaration = DeclarationType::Other;
        r.claimed = Hours::whole(500);
        assert_eq!(fields(&r), vec!["claimed"]);
        r.claimed = Hours::whole(6);
        assert!(fields(&r).is_empty());
        r.claimed = Hours::ZERO;
        assert_eq!(fields(&r), vec!["claimed"]);
    }

    #[test]
    fn every_type_is_limited_unless_the_rule_set_says_otherwise() {
        let rules = DeclarationRules::default();
        for d in DeclarationType::ALL {
            let expected = if d.fixed_by_authorship() {
                HoursLimit::Authorship
            } else {
                HoursLimit::Days
            };
            assert_eq!(rules.limit(d), expected, "{d:?}");
        }
        // A rule set may lift the limit of one type, or count a type by days instead.
        let mut lifted = rules;
        lifted.set_limit(DeclarationType::Other, HoursLimit::Unlimited);
        lifted.set_limit(DeclarationType::Project, HoursLimit::Days);
        let mut r = training();
        r.declaration = DeclarationType::Other;
        r.start = d(2023, 6, 1);
        r.end = d(2023, 6, 1);
        r.claimed = Hours::whole(500);
        assert!(validate_record(&r, d(2024, 1, 15), &lifted).is_empty());
        r.declaration = DeclarationType::Project;
        r.claimed = Hours::whole(6);
        assert!(validate_record(&r, d(2024, 1, 15), &lifted).is_empty());
        r.claimed = Hours::whole(7);
        assert_eq!(validate_record(&r, d(2024, 1, 15), &lifted).len(), 1);

        // Stored as text and read back; a type the text leaves out keeps its default.
        let text = lifted.limits_text();
        assert!(text.starts_with("training:days,conference:days,paper:authorship"));
        assert!(text.ends_with("project:days,further_study:days,online:days,other:unlimited"));
        assert_eq!(rules.with_limits_text(&text), lifted);
        assert_eq!(rules.with_limits_text(""), rules);
        assert_eq!(
            rules.with_limits_text("other:unlimited,nonsense,paper:x"),
            {
                let mut only = rules;
                only.set_limit(DeclarationType::Other, HoursLimit::Unlimited);
                only
            }
        );
        for l in HoursLimit::ALL {
            assert_eq!(HoursLimit::from_code(l.code()), Some(l));
        }
    }

    #[test]
    fn study_that_has_not_ended_is_not_declared() {
        // Declared on 2026-12-04 for a training of 20 and 21 December.
        let today = d(2026, 12, 4);
        let mut r = training();
        r.year = 2026;
        r.start = d(2026, 12, 20);
        r.end = d(2026, 12, 21);
        r.claimed = Hours::whole(12);
        assert_eq!(
            validate_record(&r, today, &DeclarationRules::default()),
            vec![(
                "end",
                "结束日期不能晚于今天（2026-12-04）：学习结束后才能申报学时".to_owned()
            )]
        );
        // Started, not ended.
        r.start = d(2026, 12, 3);
        r.end = d(2026, 12, 5);
        assert_eq!(fields_on(&r, today), vec!["end"]);
        // Ending today is fine.
        r.end = today;
        assert!(fields_on(&r, today).is_empty());
        assert_eq!(check_ended(today, today), Ok(()));
        assert!(check_ended(d(2026, 12, 5), today).is_err());
    }

    fn fields_on(r: &RecordInput, today: NaiveDate) -> Vec<&'static str> {
        validate_record(r, today, &DeclarationRules::default())
            .into_iter()
            .map(|(f, _)| f)
            .collect()
    }

    #[test]
    fn elective_is_not_matching() {
        let mut r = training();
        r.category = Category::Elective;
        assert_eq!(fields(&r), vec!["matches_specialty"]);
        r.matches_specialty = false;
        assert!(fields(&r).is_empty());
    }

    #[test]
    fn old_records_need_an_attachment() {
        let mut r = training();
        r.year = 2007;
        r.start = d(2007, 3, 1);
        r.end = d(2007, 3, 5);
        let problems = validate_record(&r, d(2024, 1, 15), &DeclarationRules::default());
        assert_eq!(
            problems,
            vec![(
                "attachment",
                "2008年以前的记录须上传施教机构出具的证明".to_owned()
            )]
        );
        r.has_attachment = true;
        assert!(fields(&r).is_empty());
    }

    #[test]
    fn fixed_figures_for_authorship() {
        let mut r = training();
        r.declaration = DeclarationType::Patent;
        r.main_author = true;
        r.claimed = Hours::whole(28);
        assert!(fields(&r).is_empty());
        r.claimed = Hours::whole(14);
        let problems = validate_record(&r, d(2024, 1, 15), &DeclarationRules::default());
        assert_eq!(
            problems,
            vec![(
                "claimed",
                "该申报类型的学时为固定值：第一作者28学时，其他作者14学时".to_owned()
            )]
        );
        r.main_author = false;
        assert!(fields(&r).is_empty());
        // Fixed figures ignore the days.
        r.declaration = DeclarationType::Paper;
        r.end = r.start;
        assert!(fields(&r).is_empty());
        r.category = Category::Public;
        assert_eq!(fields(&r), vec!["category"]);

        let rules = DeclarationRules {
            main_author_hours: Hours::from_tenths(305),
            other_author_hours: Hours::whole(15),
            ..Default::default()
        };
        let mut r = training();
        r.declaration = DeclarationType::Monograph;
        r.main_author = true;
        let problems = validate_record(&r, d(2024, 1, 15), &rules);
        assert_eq!(
            problems[0].1,
            "该申报类型的学时为固定值：第一作者30.5学时，其他作者15学时"
        );
    }

    #[test]
    fn deadline() {
        assert_eq!(annual_deadline(2023), d(2024, 1, 31));
        assert!(!is_late(2023, d(2024, 1, 31), None));
        assert!(is_late(2023, d(2024, 2, 1), None));
        assert!(!is_late(2023, d(2024, 2, 1), Some(d(2024, 3, 31))));
        assert!(is_late(2023, d(2024, 2, 1), Some(d(2024, 1, 15))));
        assert_eq!(annual_deadline(i32::MAX), NaiveDate::MAX);
    }

    #[test]
    fn validation_never_panics_on_extreme_dates() {
        let mut r = training();
        r.start = NaiveDate::MIN;
        r.end = NaiveDate::MAX;
        r.year = i32::MIN;
        r.claimed = Hours::from_tenths(i64::MAX);
        let _ = validate_record(&r, NaiveDate::MIN, &DeclarationRules::default());
        assert_eq!(days_covered(d(2023, 5, 8), d(2023, 5, 12)), 5);
        assert_eq!(days_covered(d(2023, 5, 12), d(2023, 5, 8)), 0);
    }

    #[test]
    fn the_state_filters_name_every_state_once_and_pending_first() {
        assert_eq!(StateFilter::parse("pending"), Some(StateFilter::pending()));
        assert_eq!(StateFilter::pending().states, RecordState::PENDING);
        for s in RecordState::ALL {
            let f = StateFilter::parse(s.code()).expect("a filter for every state");
            assert_eq!(f.states, &[s]);
            assert_eq!(f.label, s.label());
        }
        assert_eq!(STATE_FILTERS.len(), RecordState::ALL.len() + 1);
        assert_eq!(StateFilter::parse(""), None);
        assert_eq!(StateFilter::parse("approved'--"), None);
    }
}
