//! The record form as typed, turned into the fields the store keeps after the domain's checks;
//! every problem lands next to its field and nothing typed is lost.

use chrono::NaiveDate;
use domain::hours::{self, Hours};
use domain::record::{
    self, Category, DeclarationRules, DeclarationType, RecordInput, validate_record,
};
use serde::Deserialize;
use store::records::{Record, RecordFields};

use crate::forms::FieldErrors;

#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct RecordForm {
    pub form_key: String,
    pub version: i32,
    pub year: String,
    pub category: String,
    pub declaration: String,
    pub course_name: String,
    pub study_form: String,
    pub institution_name: String,
    pub start_date: String,
    pub end_date: String,
    pub claimed: String,
    pub matches_specialty: String,
    pub main_author: String,
    pub passed: String,
    pub content: String,
    pub location: String,
    pub remarks: String,
    /// "draft" (暂存) or "submit" (保存并申报).
    pub intent: String,
    /// The reason of a unit's correction (培训信息维护).
    pub reason: String,
    /// Recognised hours, in a unit's correction.
    pub recognised: String,
    /// Whose record a unit declares (代申报): the full document number.
    pub doc_number: String,
}

pub const STUDY_FORMS: [&str; 6] = ["面授", "网络培训", "混合", "学术会议", "自学", "其他"];

impl RecordForm {
    /// A blank form for a new record of `year`.
    pub fn blank(year: i32, form_key: String) -> RecordForm {
        RecordForm {
            form_key,
            year: year.to_string(),
            category: Category::Professional.code().to_owned(),
            declaration: DeclarationType::Training.code().to_owned(),
            study_form: "面授".into(),
            matches_specialty: "1".into(),
            passed: "1".into(),
            ..Default::default()
        }
    }

    /// The form of a stored record, to edit or correct it.
    pub fn of(r: &Record) -> RecordForm {
        RecordForm {
            version: r.version,
            year: r.year.to_string(),
            category: r.category.code().to_owned(),
            declaration: r.declaration.code().to_owned(),
            course_name: r.course_name.clone(),
            study_form: r.study_form.clone(),
            institution_name: r.institution_name.clone(),
            start_date: r.start_date.format("%Y-%m-%d").to_string(),
            end_date: r.end_date.format("%Y-%m-%d").to_string(),
            claimed: Hours::from_tenths(r.claimed_tenths).short(),
            matches_specialty: if r.matches_specialty { "1" } else { "0" }.into(),
            main_author: if r.main_author { "1" } else { "" }.into(),
            passed: if r.passed { "1" } else { "0" }.into(),
            content: r.content.clone(),
            location: r.location.clone(),
            remarks: r.remarks.clone(),
            recognised: r
                .recognised_tenths
                .map(|t| Hours::from_tenths(t).short())
                .unwrap_or_default(),
            ..Default::default()
        }
    }
}

fn text(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    max: usize,
    required: Option<&str>,
) -> String {
    let v = value.trim();
    if v.is_empty() {
        if let Some(m) = required {
            errors.add(field, m);
        }
    } else if v.chars().count() > max {
        errors.add(field, format!("不能超过{max}个字"));
    }
    v.to_owned()
}

fn date(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    what: &str,
) -> Option<NaiveDate> {
    let v = value.trim();
    if v.is_empty() {
        errors.add(field, format!("请填写{what}"));
        return None;
    }
    match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.add(field, "日期格式应为 2024-03-01");
            None
        }
    }
}

/// What the checks of a form need besides the form.
pub struct Context<'a> {
    pub today: NaiveDate,
    pub rules: &'a DeclarationRules,
    /// The last day records of the typed year may be registered, from the rule set; `None`
    /// when lateness is not checked (a unit's correction of an approved record).
    pub deadline: Option<NaiveDate>,
    pub has_attachment: bool,
}

/// Checks a form: the fields a store keeps, or the message of every field at fault.
pub fn check(f: &RecordForm, cx: &Context<'_>) -> Result<RecordFields, FieldErrors> {
    let mut errors = FieldErrors::default();
    let year = match f.year.trim().parse::<i32>() {
        Ok(y) if (1980..=2100).contains(&y) => Some(y),
        _ => {
            errors.add("year", "请填写四位数的申报年度");
            None
        }
    };
    let category = Category::from_code(&f.category);
    if category.is_none() {
        errors.add("category", "请选择科目类型");
    }
    let declaration = DeclarationType::from_code(&f.declaration);
    if declaration.is_none() {
        errors.add("declaration", "请选择申报类型");
    }
    let course_name = text(
        &mut errors,
        "course_name",
        &f.course_name,
        100,
        Some("请填写课程（项目）名称"),
    );
    let study_form = text(&mut errors, "study_form", &f.study_form, 30, None);
    let institution_name = text(
        &mut errors,
        "institution_name",
        &f.institution_name,
        100,
        Some("请填写施教机构（主办单位）"),
    );
    let start = date(&mut errors, "start_date", &f.start_date, "开始日期");
    let end = date(&mut errors, "end_date", &f.end_date, "结束日期");
    let claimed = match hours::parse(&f.claimed) {
        Ok(h) => Some(h),
        Err(e) => {
            errors.add("claimed", e.to_string());
            None
        }
    };
    let content = text(&mut errors, "content", &f.content, 500, None);
    let location = text(
        &mut errors,
        "location",
        &f.location,
        record::LOCATION_MAX,
        None,
    );
    let remarks = text(
        &mut errors,
        "remarks",
        &f.remarks,
        record::REMARKS_MAX,
        None,
    );
    let matches_specialty = f.matches_specialty == "1";
    let main_author = f.main_author == "1";
    let passed = f.passed != "0";

    if let (Some(year), Some(category), Some(declaration), Some(start), Some(end), Some(claimed)) =
        (year, category, declaration, start, end, claimed)
    {
        let input = RecordInput {
            year,
            category,
            declaration,
            start,
            end,
            claimed,
            matches_specialty,
            has_attachment: cx.has_attachment,
            main_author,
        };
        for (field, message) in validate_record(&input, cx.today, cx.rules) {
            let field = match field {
                "start" => "start_date",
                "end" => "end_date",
                other => other,
            };
            errors.add(field, message);
        }
        if let Some(last) = cx.deadline
            && record::is_late(year, cx.today, Some(last))
        {
            errors.add(
                "year",
                format!(
                    "{year}年度的学时应于{}前登记，已过登记期限；逾期的学时请联系本单位经办人补录",
                    last.format("%Y-%m-%d")
                ),
            );
        }
        if errors.is_empty() {
            return Ok(RecordFields {
                year,
                category,
                declaration,
                course_name,
                study_form,
                institution_id: None,
                institution_name,
                start_date: start,
                end_date: end,
                claimed_tenths: claimed.tenths(),
                matches_specialty,
                main_author,
                passed,
                content,
                location,
                remarks,
            });
        }
    }
    Err(errors)
}
