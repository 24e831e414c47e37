//! Cycle verification (周期验证 / 复验) before a title promotion: which years a cycle covers,
//! what it requires (the sum of each year's own requirement and a minimum of courses on
//! different topics), and whether the approved hours meet it.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::hours::Hours;
use crate::record::Category;

/// The promotion applied for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Promotion {
    /// 晋升初、中级: from 员级/助理级 to 助理级/中级.
    #[serde(rename = "junior")]
    Junior,
    /// 中级晋升副高.
    #[serde(rename = "senior")]
    Senior,
    /// 副高晋升正高.
    #[serde(rename = "full")]
    Full,
}

impl Promotion {
    pub const ALL: [Promotion; 3] = [Promotion::Junior, Promotion::Senior, Promotion::Full];

    pub fn code(self) -> &'static str {
        match self {
            Promotion::Junior => "junior",
            Promotion::Senior => "senior",
            Promotion::Full => "full",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Promotion::Junior => "初级、中级晋升",
            Promotion::Senior => "中级晋升副高",
            Promotion::Full => "副高晋升正高",
        }
    }

    pub fn from_code(code: &str) -> Option<Promotion> {
        Promotion::ALL.into_iter().find(|p| p.code() == code)
    }

    /// Whether a person at level rank `current` may apply for level rank `target` with this
    /// promotion (ranks: 1 员级, 2 助理级, 3 中级, 4 副高, 5 正高; 0 when the person has none
    /// yet). The target must be the next level up.
    pub fn allows(self, current: u8, target: u8) -> Result<(), String> {
        let (from, to): (&[u8], &[u8]) = match self {
            Promotion::Junior => (&[0, 1, 2], &[2, 3]),
            Promotion::Senior => (&[3], &[4]),
            Promotion::Full => (&[4], &[5]),
        };
        if !to.contains(&target) {
            return Err(format!("拟申报资格的级别不属于“{}”", self.label()));
        }
        // Someone with no qualification yet starts as if at 员级.
        if !from.contains(&current) || target != current.max(1) + 1 {
            return Err("拟申报资格应比现有资格高一个级别".to_owned());
        }
        Ok(())
    }
}

/// The parts of a rule set that shape a cycle; [`Default`] is the manuals' rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleRules {
    /// Applications after this day (month, day) of a year include that year.
    pub current_year_after: (u32, u32),
    /// Series whose applications never include the current year (school teachers, health
    /// professionals: their records of a year arrive by data exchange after it ends).
    pub exempt_series: Vec<String>,
    pub max_years: usize,
    pub min_public_courses: usize,
    pub min_professional_courses: usize,
}

impl Default for CycleRules {
    fn default() -> Self {
        CycleRules {
            current_year_after: (6, 30),
            exempt_series: vec!["zhongxiaoxue".into(), "weisheng".into()],
            max_years: 5,
            min_public_courses: 2,
            min_professional_courses: 2,
        }
    }
}

/// The years a cycle covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleYears {
    pub years: Vec<i32>,
    /// The application's own year is one of them (applied after 30 June).
    pub includes_current: bool,
}

/// The verification years: from the year the current qualification was obtained to the year
/// before the application (or the application's year, after 30 June, except for the exempt
/// series), the latest `max_years` of them. A cycle that has not completed a year yet is the
/// application's year, counted up to the application date.
pub fn verification_years(
    application: NaiveDate,
    obtained: NaiveDate,
    series: &str,
    rules: &CycleRules,
) -> Result<CycleYears, String> {
    if obtained > application {
        return Err("现专业技术资格取得时间不能晚于申请日期".to_owned());
    }
    let year = application.year();
    let (m, d) = rules.current_year_after;
    let cut = NaiveDate::from_ymd_opt(year, m, d).unwrap_or(NaiveDate::MAX);
    let exempt = rules.exempt_series.iter().any(|s| s == series);
    let includes_current = application > cut && !exempt;
    let last = if includes_current { year } else { year - 1 };
    let first = obtained.year().max(last - rules.max_years as i32 + 1);
    if first > last {
        return Ok(CycleYears {
            years: vec![year],
            includes_current: true,
        });
    }
    Ok(CycleYears {
        years: (first..=last).collect(),
        includes_current,
    })
}

/// An approved record as the cycle counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseEntry {
    pub year: i32,
    pub category: Category,
    /// The course's name: two records of one topic count as one course.
    pub topic: String,
    pub hours: Hours,
    /// The day the course ended, for the hours of the application's year so far.
    pub end: NaiveDate,
}

/// Hours and courses of a set of records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Figures {
    pub total: Hours,
    pub public_hours: Hours,
    pub public_courses: usize,
    pub professional_hours: Hours,
    pub professional_courses: usize,
    pub elective_hours: Hours,
}

impl Figures {
    /// 培训天数: hours ÷ 6, one decimal.
    pub fn days(&self) -> Hours {
        self.total.to_days()
    }
}

fn normalised(topic: &str) -> String {
    topic.split_whitespace().collect::<String>()
}

fn figures<'a>(entries: impl Iterator<Item = &'a CourseEntry>) -> Figures {
    let mut f = Figures::default();
    let mut public = BTreeSet::new();
    let mut professional = BTreeSet::new();
    for e in entries {
        f.total = f.total + e.hours;
        match e.category {
            Category::Public => {
                f.public_hours = f.public_hours + e.hours;
                public.insert(normalised(&e.topic));
            }
            Category::Professional => {
                f.professional_hours = f.professional_hours + e.hours;
                professional.insert(normalised(&e.topic));
            }
            Category::Elective => f.elective_hours = f.elective_hours + e.hours,
        }
    }
    f.public_courses = public.len();
    f.professional_courses = professional.len();
    f
}

/// One year of the cycle's table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearLine {
    pub year: i32,
    /// `None` when no rule set covers the year.
    pub required: Option<Hours>,
    pub figures: Figures,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleResult {
    pub years: Vec<i32>,
    pub lines: Vec<YearLine>,
    /// The sum of the years' own requirements.
    pub required: Hours,
    /// Years no rule set covers (their requirement counts as zero, and says so).
    pub years_without_rule: Vec<i32>,
    /// The cycle's figures, the application year's hours so far included when they were added.
    pub cycle: Figures,
    /// The application's year up to the application date, shown on its own.
    pub current: Figures,
    /// The application year's hours were added because the cycle fell short.
    pub added_current: bool,
    pub met_hours: bool,
    pub met_public_courses: bool,
    pub met_professional_courses: bool,
    pub met: bool,
}

/// Checks a cycle: its years' records against the sum of their requirements and the course
/// minimums. When the cycle (without the application's year) falls short, the hours from 1
/// January of the application's year up to the application date are added.
pub fn cycle_check(
    application: NaiveDate,
    years: &CycleYears,
    requirement_of: impl Fn(i32) -> Option<Hours>,
    entries: &[CourseEntry],
    rules: &CycleRules,
) -> CycleResult {
    let year = application.year();
    let in_cycle = |e: &&CourseEntry| {
        years.years.contains(&e.year) && (e.year != year || e.end <= application)
    };
    let lines: Vec<YearLine> = years
        .years
        .iter()
        .map(|&y| YearLine {
            year: y,
            required: requirement_of(y),
            figures: figures(entries.iter().filter(|e| e.year == y).filter(in_cycle)),
        })
        .collect();
    let required: Hours = lines.iter().filter_map(|l| l.required).sum();
    let years_without_rule = lines
        .iter()
        .filter(|l| l.required.is_none())
        .map(|l| l.year)
        .collect();
    let current_entries = || {
        entries
            .iter()
            .filter(move |e| e.year == year && e.end <= application)
    };
    let current = figures(current_entries());
    let mut cycle = figures(entries.iter().filter(in_cycle));
    let mut added_current = false;
    if !years.includes_current && cycle.total < required && current.total.is_positive() {
        cycle = figures(entries.iter().filter(in_cycle).chain(current_entries()));
        added_current = true;
    }
    let met_hours = cycle.total >= required;
    let met_public_courses = cycle.public_courses >= rules.min_public_courses;
    let met_professional_courses = cycle.professional_courses >= rules.min_professional_courses;
    CycleResult {
        years: years.years.clone(),
        lines,
        required,
        years_without_rule,
        cycle,
        current,
        added_current,
        met_hours,
        met_public_courses,
        met_professional_courses,
        met: met_hours && met_public_courses && met_professional_courses,
    }
}

/// Where an application stands, in the words the manual shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApplicationState {
    /// 待审: submitted, waiting at the first level (the unit).
    #[serde(rename = "pending")]
    Pending,
    /// 待审(退案): returned to the applicant by a level, to correct and resubmit.
    #[serde(rename = "returned")]
    Returned,
    /// 待审(回收): taken back by the applicant before anyone reviewed it.
    #[serde(rename = "withdrawn")]
    Withdrawn,
    /// 办理中: approved by one level or more, waiting at the next.
    #[serde(rename = "in_progress")]
    InProgress,
    /// 通过: approved by the last level.
    #[serde(rename = "approved")]
    Approved,
    /// 不通过: refused, closed.
    #[serde(rename = "rejected")]
    Rejected,
}

impl ApplicationState {
    pub const ALL: [ApplicationState; 6] = [
        ApplicationState::Pending,
        ApplicationState::Returned,
        ApplicationState::Withdrawn,
        ApplicationState::InProgress,
        ApplicationState::Approved,
        ApplicationState::Rejected,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ApplicationState::Pending => "pending",
            ApplicationState::Returned => "returned",
            ApplicationState::Withdrawn => "withdrawn",
            ApplicationState::InProgress => "in_progress",
            ApplicationState::Approved => "approved",
            ApplicationState::Rejected => "rejected",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ApplicationState::Pending => "待审",
            ApplicationState::Returned => "待审(退案)",
            ApplicationState::Withdrawn => "待审(回收)",
            ApplicationState::InProgress => "办理中",
            ApplicationState::Approved => "通过",
            ApplicationState::Rejected => "不通过",
        }
    }

    pub fn from_code(code: &str) -> Option<ApplicationState> {
        ApplicationState::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Waiting at a level of the chain.
    pub const OPEN: &'static [ApplicationState] =
        &[ApplicationState::Pending, ApplicationState::InProgress];

    /// Waiting at a level of the chain.
    pub fn is_open(self) -> bool {
        ApplicationState::OPEN.contains(&self)
    }

    /// The applicant may change and submit it (again).
    pub fn may_resubmit(self) -> bool {
        matches!(
            self,
            ApplicationState::Returned | ApplicationState::Withdrawn
        )
    }
}

/// An application and the level of the chain it waits at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AtLevel {
    pub state: ApplicationState,
    pub level: usize,
}

fn refuse<T>(message: &str) -> Result<T, crate::org::TransitionError> {
    Err(crate::org::TransitionError::new(message))
}

/// 送审 again after a return or a withdrawal: back to the first level.
pub fn resubmit(s: ApplicationState) -> Result<AtLevel, crate::org::TransitionError> {
    if s.may_resubmit() {
        Ok(AtLevel {
            state: ApplicationState::Pending,
            level: 0,
        })
    } else if s.is_open() {
        refuse("该申请正在审核中，不能重复送审")
    } else {
        refuse("该申请已办结，不能再次送审")
    }
}

/// 回收: the applicant takes it back while no level has reviewed it.
pub fn withdraw(at: AtLevel) -> Result<AtLevel, crate::org::TransitionError> {
    match at {
        AtLevel {
            state: ApplicationState::Pending,
            level: 0,
        } => Ok(AtLevel {
            state: ApplicationState::Withdrawn,
            level: 0,
        }),
        a if a.state.is_open() => refuse("已有审核部门办理，不能回收"),
        _ => refuse("只有待审的申请才能回收"),
    }
}

/// A level's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    /// 退案: back to the applicant.
    Return,
    /// 不通过: refused and closed.
    Reject,
}

/// The level `level` (of a chain of `levels`) decides: approval moves it up (or ends it at
/// the last level); a return or a refusal needs an opinion.
pub fn decide(
    at: AtLevel,
    level: usize,
    levels: usize,
    decision: Decision,
    opinion: &str,
) -> Result<AtLevel, crate::org::TransitionError> {
    if !at.state.is_open() {
        return refuse("该申请已不在审核中");
    }
    if at.level != level {
        return refuse("该申请不在本级审核");
    }
    match decision {
        Decision::Approve if level + 1 >= levels => Ok(AtLevel {
            state: ApplicationState::Approved,
            level,
        }),
        Decision::Approve => Ok(AtLevel {
            state: ApplicationState::InProgress,
            level: level + 1,
        }),
        Decision::Return | Decision::Reject if opinion.trim().is_empty() => {
            refuse("退案或不通过须填写审核意见")
        }
        Decision::Return => Ok(AtLevel {
            state: ApplicationState::Returned,
            level: 0,
        }),
        Decision::Reject => Ok(AtLevel {
            state: ApplicationState::Rejected,
            level,
        }),
    }
}

/// The fewest characters of the reason a level gives for approving a cycle that falls short.
pub const SPECIAL_REASON_MIN: usize = 5;

/// How the trail and the certificate name an approval of a cycle that falls short (特批).
pub const SPECIAL_APPROVAL: &str = "通过（特批）";

/// What an approval is: an ordinary one, or a special approval (特批) of a cycle that falls
/// short of its requirement, which needs a stated reason at every level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    Ordinary,
    Special,
}

impl Approval {
    /// The trail's result of the approval.
    pub fn result(self) -> &'static str {
        match self {
            Approval::Ordinary => "通过",
            Approval::Special => SPECIAL_APPROVAL,
        }
    }
}

/// The message next to the opinion when a short cycle is approved without a sufficient reason.
pub fn special_reason_message() -> String {
    format!(
        "该申请未达到周期验证要求，通过须在审核意见中填写特批理由（至少{SPECIAL_REASON_MIN}个字）"
    )
}

/// Whether a level may approve an application whose frozen figures `met` the requirement or
/// not: a short one only as a special approval with a reason of at least
/// [`SPECIAL_REASON_MIN`] characters, so that nobody passes a shortfall by a click.
pub fn approval(met: bool, opinion: &str) -> Result<Approval, crate::org::TransitionError> {
    if met {
        return Ok(Approval::Ordinary);
    }
    if opinion.trim().chars().count() < SPECIAL_REASON_MIN {
        return Err(crate::org::TransitionError::new(special_reason_message()));
    }
    Ok(Approval::Special)
}

/// The review chain of an application: the applicant's unit, then, of the organisations above
/// it (nearest first), each supervising department and HR bureau up to and including the city
/// HR bureau; the province does not review. Answers the indices into `above` that review.
pub fn review_chain(above: &[(crate::org::OrgKind, Option<crate::org::OrgLevel>)]) -> Vec<usize> {
    use crate::org::{OrgKind, OrgLevel};
    let mut chain = Vec::new();
    for (i, (kind, level)) in above.iter().enumerate() {
        match (kind, level) {
            (OrgKind::HrBureau, Some(OrgLevel::Province)) => break,
            (OrgKind::HrBureau, Some(OrgLevel::City)) => {
                chain.push(i);
                break;
            }
            (OrgKind::Department | OrgKind::HrBureau, _) => chain.push(i),
            _ => {}
        }
    }
    chain
}

crate::code::coded!(Promotion, ApplicationState);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn h(n: i64) -> Hours {
        Hours::whole(n)
    }

    /// 2007 required 90 hours, the Guangzhou years after it 72.
    fn guangzhou(year: i32) -> Option<Hours> {
        match year {
            2007 => Some(h(90)),
            2008..=2020 => Some(h(72)),
            _ => None,
        }
    }

    fn years(application: NaiveDate, obtained: NaiveDate, series: &str) -> CycleYears {
        verification_years(application, obtained, series, &CycleRules::default()).unwrap()
    }

    #[test]
    fn the_manuals_worked_example_378_and_360() {
        let before = years(d(2012, 6, 1), d(2006, 8, 13), "gongcheng");
        assert_eq!(before.years, vec![2007, 2008, 2009, 2010, 2011]);
        let r = cycle_check(
            d(2012, 6, 1),
            &before,
            guangzhou,
            &[],
            &CycleRules::default(),
        );
        assert_eq!(r.required, h(378), "90 + 4 × 72");

        let after = years(d(2012, 7, 1), d(2006, 8, 13), "gongcheng");
        assert_eq!(after.years, vec![2008, 2009, 2010, 2011, 2012]);
        assert!(after.includes_current);
        let r = cycle_check(
            d(2012, 7, 1),
            &after,
            guangzhou,
            &[],
            &CycleRules::default(),
        );
        assert_eq!(r.required, h(360), "5 × 72");
    }

    #[test]
    fn the_30_june_boundary_on_both_sides() {
        let on = years(d(2011, 6, 30), d(2004, 7, 15), "gongcheng");
        assert_eq!(on.years, vec![2006, 2007, 2008, 2009, 2010]);
        assert!(!on.includes_current);
        let after = years(d(2011, 7, 1), d(2004, 7, 15), "gongcheng");
        assert_eq!(after.years, vec![2007, 2008, 2009, 2010, 2011]);
        // The manual's screens: obtained 2008-11-01, applied 2012-03-06 → 2008–2011.
        assert_eq!(
            years(d(2012, 3, 6), d(2008, 11, 1), "gongcheng").years,
            vec![2008, 2009, 2010, 2011]
        );
    }

    #[test]
    fn school_teachers_and_health_professionals_never_include_the_current_year() {
        for series in ["zhongxiaoxue", "weisheng"] {
            let y = years(d(2012, 7, 1), d(2006, 8, 13), series);
            assert_eq!(y.years, vec![2007, 2008, 2009, 2010, 2011], "{series}");
            assert!(!y.includes_current);
        }
    }

    #[test]
    fn at_most_the_latest_five_years() {
        let y = years(d(2020, 3, 1), d(1990, 1, 1), "kuaiji");
        assert_eq!(y.years, vec![2015, 2016, 2017, 2018, 2019]);
    }

    #[test]
    fn a_cycle_shorter_than_a_year() {
        // Obtained last year: the cycle is last year.
        assert_eq!(
            years(d(2011, 5, 31), d(2010, 5, 1), "kexue").years,
            vec![2010]
        );
        // Obtained this spring, applied before July: no full year yet, so this year so far.
        let y = years(d(2012, 5, 1), d(2012, 3, 1), "kexue");
        assert_eq!(y.years, vec![2012]);
        assert!(y.includes_current);
    }

    #[test]
    fn a_qualification_date_after_the_application_is_refused() {
        assert_eq!(
            verification_years(
                d(2012, 5, 1),
                d(2012, 5, 2),
                "kexue",
                &CycleRules::default()
            ),
            Err("现专业技术资格取得时间不能晚于申请日期".to_owned())
        );
    }

    fn course(year: i32, category: Category, topic: &str, hours: i64) -> CourseEntry {
        CourseEntry {
            year,
            category,
            topic: topic.into(),
            hours: h(hours),
            end: d(year, 3, 1),
        }
    }

    #[test]
    fn two_public_and_two_professional_courses_on_different_topics() {
        let y = years(d(2012, 3, 1), d(2010, 1, 1), "gongcheng");
        assert_eq!(y.years, vec![2010, 2011]);
        let mut entries = vec![
            course(2010, Category::Public, "职业道德", 40),
            course(2011, Category::Public, "职业道德", 40),
            course(2010, Category::Professional, "结构设计", 50),
            course(2011, Category::Professional, "施工管理", 50),
        ];
        let r = cycle_check(
            d(2012, 3, 1),
            &y,
            guangzhou,
            &entries,
            &CycleRules::default(),
        );
        assert_eq!(r.required, h(144));
        assert_eq!(r.cycle.total, h(180));
        assert_eq!(r.cycle.days(), h(30));
        assert!(r.met_hours);
        assert_eq!(r.cycle.public_courses, 1, "one topic twice is one course");
        assert!(!r.met_public_courses && !r.met);
        entries.push(course(2011, Category::Public, "信息安全", 6));
        let r = cycle_check(
            d(2012, 3, 1),
            &y,
            guangzhou,
            &entries,
            &CycleRules::default(),
        );
        assert_eq!(
            (r.cycle.public_courses, r.cycle.professional_courses),
            (2, 2)
        );
        assert!(r.met);
    }

    #[test]
    fn the_application_years_hours_fill_a_short_cycle() {
        let y = years(d(2012, 3, 6), d(2010, 1, 1), "gongcheng");
        let mut entries = vec![
            course(2010, Category::Public, "职业道德", 30),
            course(2011, Category::Public, "信息安全", 30),
            course(2010, Category::Professional, "结构设计", 40),
            course(2011, Category::Professional, "施工管理", 40),
            // This year, before the application: may be added.
            course(2012, Category::Professional, "抗震设计", 12),
        ];
        // This year, after the application date: never counted.
        entries.push(CourseEntry {
            end: d(2012, 3, 7),
            ..course(2012, Category::Professional, "绿色建筑", 30)
        });
        let r = cycle_check(
            d(2012, 3, 6),
            &y,
            guangzhou,
            &entries,
            &CycleRules::default(),
        );
        assert_eq!(r.required, h(144));
        assert!(r.added_current);
        assert_eq!(r.current.total, h(12));
        assert_eq!(r.cycle.total, h(152));
        assert_eq!(r.cycle.professional_courses, 3);
        assert!(r.met);
        // A cycle that meets on its own does not take this year's hours.
        entries.push(course(2011, Category::Professional, "项目管理", 20));
        let r = cycle_check(
            d(2012, 3, 6),
            &y,
            guangzhou,
            &entries,
            &CycleRules::default(),
        );
        assert!(!r.added_current);
        assert_eq!(r.cycle.total, h(160));
        assert_eq!(r.current.total, h(12), "shown on its own all the same");
    }

    #[test]
    fn a_year_without_a_rule_says_so() {
        let y = years(d(2023, 3, 1), d(2019, 1, 1), "gongcheng");
        let r = cycle_check(d(2023, 3, 1), &y, guangzhou, &[], &CycleRules::default());
        assert_eq!(r.years_without_rule, vec![2021, 2022]);
        assert_eq!(r.required, h(144));
    }

    #[test]
    fn the_target_level_follows_the_current_one() {
        assert!(Promotion::Junior.allows(1, 2).is_ok());
        assert!(Promotion::Junior.allows(2, 3).is_ok());
        assert!(
            Promotion::Junior.allows(0, 2).is_ok(),
            "a first qualification"
        );
        assert!(Promotion::Senior.allows(3, 4).is_ok());
        assert!(Promotion::Full.allows(4, 5).is_ok());
        assert!(
            Promotion::Senior.allows(2, 4).is_err(),
            "助理级 cannot skip to 副高"
        );
        assert!(Promotion::Junior.allows(1, 3).is_err());
        assert!(Promotion::Full.allows(3, 5).is_err());
        assert!(Promotion::Senior.allows(3, 5).is_err());
    }

    #[test]
    fn a_short_cycle_passes_only_as_a_special_approval_with_a_reason() {
        assert_eq!(approval(true, ""), Ok(Approval::Ordinary));
        assert_eq!(approval(true, "同意").unwrap().result(), "通过");
        for reason in ["", "   ", "同意", "同意。 "] {
            assert_eq!(
                approval(false, reason).unwrap_err().0,
                "该申请未达到周期验证要求，通过须在审核意见中填写特批理由（至少5个字）",
                "{reason:?}"
            );
        }
        let special = approval(false, "援藏三年，学时按规定折算").unwrap();
        assert_eq!(special, Approval::Special);
        assert_eq!(special.result(), "通过（特批）");
        assert_eq!(approval(false, " 五个字理由 "), Ok(Approval::Special));
    }

    #[test]
    fn the_chain_follows_the_tree_up_to_the_city() {
        use crate::org::{OrgKind::*, OrgLevel::*};
        // unit → district department → district HR → city HR → province.
        let above = [
            (Department, Some(District)),
            (HrBureau, Some(District)),
            (HrBureau, Some(City)),
            (HrBureau, Some(Province)),
        ];
        assert_eq!(review_chain(&above), vec![0, 1, 2]);
        // unit → city department → city HR.
        let above = [
            (Department, Some(Industry)),
            (HrBureau, Some(City)),
            (HrBureau, Some(Province)),
        ];
        assert_eq!(review_chain(&above), vec![0, 1]);
        // A direct declaration point under a district HR bureau.
        let above = [(HrBureau, Some(District)), (HrBureau, Some(City))];
        assert_eq!(review_chain(&above), vec![0, 1]);
    }

    #[test]
    fn an_application_climbs_the_chain_and_can_be_returned_or_withdrawn() {
        use ApplicationState::*;
        let start = resubmit(Withdrawn).unwrap();
        assert_eq!(
            start,
            AtLevel {
                state: Pending,
                level: 0
            }
        );
        assert_eq!(withdraw(start).unwrap().state, Withdrawn);
        let up = decide(start, 0, 3, Decision::Approve, "").unwrap();
        assert_eq!(
            up,
            AtLevel {
                state: InProgress,
                level: 1
            }
        );
        assert!(withdraw(up).unwrap_err().to_string().contains("不能回收"));
        assert!(
            decide(up, 0, 3, Decision::Approve, "").is_err(),
            "the wrong level"
        );
        assert!(
            decide(up, 1, 3, Decision::Return, " ").is_err(),
            "an opinion is needed"
        );
        let back = decide(up, 1, 3, Decision::Return, "材料不全").unwrap();
        assert_eq!(
            back,
            AtLevel {
                state: Returned,
                level: 0
            }
        );
        assert_eq!(back.state.label(), "待审(退案)");
        let again = resubmit(back.state).unwrap();
        let top = decide(
            decide(
                decide(again, 0, 3, Decision::Approve, "").unwrap(),
                1,
                3,
                Decision::Approve,
                "",
            )
            .unwrap(),
            2,
            3,
            Decision::Approve,
            "",
        )
        .unwrap();
        assert_eq!(top.state, Approved);
        assert!(decide(top, 2, 3, Decision::Approve, "").is_err());
        assert!(resubmit(Approved).is_err());
        let closed = decide(again, 0, 3, Decision::Reject, "学时不足").unwrap();
        assert_eq!(closed.state.label(), "不通过");
        assert!(resubmit(closed.state).is_err());
        assert!(
            resubmit(Pending)
                .unwrap_err()
                .to_string()
                .contains("不能重复送审")
        );
    }

    proptest! {
        #[test]
        fn never_more_than_five_years_nor_one_after_the_application(
            app_days in 0i64..20_000,
            back in 0i64..20_000,
            teacher in any::<bool>(),
        ) {
            let base = d(1980, 1, 1);
            let application = base + chrono::Duration::days(app_days);
            let obtained = application - chrono::Duration::days(back);
            let series = if teacher { "zhongxiaoxue" } else { "gongcheng" };
            let y = verification_years(application, obtained, series, &CycleRules::default()).unwrap();
            prop_assert!(!y.years.is_empty() && y.years.len() <= 5);
            prop_assert!(y.years.iter().all(|&yr| yr <= application.year()));
            prop_assert!(y.years.windows(2).all(|w| w[1] == w[0] + 1));
            prop_assert!(y.years[0] >= obtained.year() || y.years.len() == 5);
        }
    }
}
