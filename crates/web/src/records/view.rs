//! How a record reads on a page: labels in the users' words, hours with one decimal.

use domain::hours::Hours;
use domain::identity::mask;
use domain::record::RecordState;
use store::attachments::Attachment;
use store::records::{Record, TrailRow};

use crate::clock::display_time;

pub struct RecordView {
    pub id: i64,
    pub year: i32,
    pub person: String,
    pub doc: String,
    pub unit: String,
    pub category: &'static str,
    pub declaration: &'static str,
    pub course_name: String,
    pub study_form: String,
    pub institution: String,
    pub period: String,
    pub days: i64,
    pub claimed: String,
    pub recognised: String,
    pub matches_specialty: &'static str,
    pub main_author: &'static str,
    pub passed: &'static str,
    pub content: String,
    pub location: String,
    pub remarks: String,
    pub source: &'static str,
    pub state: &'static str,
    pub state_class: &'static str,
    /// Deleted: the page says so above the record.
    pub deleted: bool,
    /// Submitted and nobody reviewed it yet: a batch decision may take it.
    pub batchable: bool,
    pub opinion: String,
    pub submitted: String,
}

/// The badge of a state: its words on a record's page and its colour.
pub fn state_label(state: RecordState) -> (&'static str, &'static str) {
    match state {
        RecordState::Draft => ("暂存", "badge-muted"),
        RecordState::Submitted => ("待审", "badge-warn"),
        RecordState::UnderReview => ("审核中", "badge-warn"),
        RecordState::Approved => ("已通过", "badge-ok"),
        RecordState::Rejected => ("不通过（已结案）", "badge-danger"),
        RecordState::Returned => ("已退回修改", "badge-danger"),
        RecordState::UnitDraft => ("代申报待确认", "badge-muted"),
        RecordState::Deleted => ("已删除", "badge-muted"),
    }
}

/// The columns every export of records shares, from 申报年度 to 审核意见.
pub const EXPORT_COLUMNS: [&str; 11] = [
    "申报年度",
    "科目类型",
    "申报类型",
    "课程名称",
    "施教机构",
    "学习地点",
    "起止日期",
    "申报学时",
    "认定学时",
    "状态",
    "审核意见",
];

pub fn hours(tenths: i64) -> String {
    Hours::from_tenths(tenths).to_string()
}

impl RecordView {
    /// The cells of [`EXPORT_COLUMNS`].
    pub fn export_cells(&self) -> Vec<String> {
        vec![
            self.year.to_string(),
            self.category.to_owned(),
            self.declaration.to_owned(),
            self.course_name.clone(),
            self.institution.clone(),
            self.location.clone(),
            self.period.clone(),
            self.claimed.clone(),
            self.recognised.clone(),
            self.state.to_owned(),
            self.opinion.clone(),
        ]
    }

    pub fn of(r: &Record) -> RecordView {
        let (state, state_class) = state_label(r.state);
        RecordView {
            id: r.id,
            year: r.year,
            person: r.real_name.clone(),
            doc: mask(&r.doc_number),
            unit: r.unit_name.clone(),
            category: r.category.label(),
            declaration: r.declaration.label(),
            course_name: r.course_name.clone(),
            study_form: r.study_form.clone(),
            institution: r.institution_name.clone(),
            period: format!(
                "{} 至 {}",
                r.start_date.format("%Y-%m-%d"),
                r.end_date.format("%Y-%m-%d")
            ),
            days: domain::record::days_covered(r.start_date, r.end_date),
            claimed: hours(r.claimed_tenths),
            recognised: r.recognised_tenths.map(hours).unwrap_or_else(|| "—".into()),
            matches_specialty: if r.matches_specialty { "是" } else { "否" },
            main_author: if r.main_author { "是" } else { "否" },
            passed: if r.passed { "合格" } else { "不合格" },
            content: r.content.clone(),
            location: r.location.clone(),
            remarks: r.remarks.clone(),
            source: r.source.label(),
            state,
            state_class,
            deleted: r.state == RecordState::Deleted,
            batchable: r.state == RecordState::Submitted,
            opinion: r.opinion.clone(),
            submitted: r.submitted_at.map(display_time).unwrap_or_default(),
        }
    }
}

pub struct AttachmentView {
    pub id: i64,
    pub name: String,
    pub size: String,
    pub image: bool,
}

impl AttachmentView {
    pub fn of(a: &Attachment) -> AttachmentView {
        let kb = a.size.max(0) as f64 / 1024.0;
        AttachmentView {
            id: a.id,
            name: a.file_name.clone(),
            size: if kb >= 1024.0 {
                format!("{:.1} MB", kb / 1024.0)
            } else {
                format!("{} KB", kb.ceil() as i64)
            },
            image: a.content_type.starts_with("image/"),
        }
    }
}

pub struct TrailView {
    pub step: &'static str,
    pub org: String,
    pub actor: String,
    pub at: String,
    pub result: String,
    pub opinion: String,
}

fn step_label(step: &str) -> &'static str {
    match step {
        "create" => "暂存",
        "submit" => "送审",
        "withdraw" => "回收",
        "review" => "审核",
        "decide" => "审批",
        "declare" => "单位代申报",
        "confirm" => "单位确认",
        "import" => "批量导入",
        "correct" => "培训信息维护",
        "delete" => "删除",
        _ => "",
    }
}

impl TrailView {
    pub fn of(t: TrailRow) -> TrailView {
        let mut result = t.result;
        if let Some(h) = t.recognised_tenths {
            result = format!("{result}（认定 {} 学时）", hours(h));
        }
        TrailView {
            step: step_label(&t.step),
            org: t.org_name.unwrap_or_else(|| "本人".into()),
            actor: t.actor_name,
            at: display_time(t.at),
            result,
            opinion: t.opinion,
        }
    }
}
