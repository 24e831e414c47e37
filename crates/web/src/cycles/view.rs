//! How a cycle check reads on a page.

use domain::cycle::{ApplicationState, CycleResult, Figures};
use domain::identity::mask;
use store::cycles::{Cycle, CycleTrailRow};

use crate::clock::display_time;

pub struct FiguresView {
    pub total: String,
    pub days: String,
    pub public_courses: usize,
    pub public_hours: String,
    pub professional_courses: usize,
    pub professional_hours: String,
}

impl FiguresView {
    pub fn of(f: &Figures) -> FiguresView {
        FiguresView {
            total: f.total.to_string(),
            days: f.days().to_string(),
            public_courses: f.public_courses,
            public_hours: f.public_hours.to_string(),
            professional_courses: f.professional_courses,
            professional_hours: f.professional_hours.to_string(),
        }
    }
}

pub struct YearRow {
    pub year: i32,
    pub required: String,
    pub f: FiguresView,
}

/// A check's figures, each requirement with whether it is met.
pub struct ResultView {
    pub years: String,
    pub required: String,
    pub cycle: FiguresView,
    pub current: FiguresView,
    pub added_current: bool,
    pub met_hours: bool,
    pub met_public: bool,
    pub met_professional: bool,
    pub met: bool,
    pub lines: Vec<YearRow>,
    pub without_rule: String,
}

impl ResultView {
    pub fn of(r: &CycleResult) -> ResultView {
        let years = match (r.years.first(), r.years.last()) {
            (Some(a), Some(b)) if a == b => format!("{a}年"),
            (Some(a), Some(b)) => format!("{a}年—{b}年"),
            _ => String::new(),
        };
        ResultView {
            years,
            required: r.required.to_string(),
            cycle: FiguresView::of(&r.cycle),
            current: FiguresView::of(&r.current),
            added_current: r.added_current,
            met_hours: r.met_hours,
            met_public: r.met_public_courses,
            met_professional: r.met_professional_courses,
            met: r.met,
            lines: r
                .lines
                .iter()
                .map(|l| YearRow {
                    year: l.year,
                    required: l
                        .required
                        .map(|h| h.to_string())
                        .unwrap_or_else(|| "无规则".into()),
                    f: FiguresView::of(&l.figures),
                })
                .collect(),
            without_rule: r
                .years_without_rule
                .iter()
                .map(|y| y.to_string())
                .collect::<Vec<_>>()
                .join("、"),
        }
    }
}

pub fn state_label(s: ApplicationState) -> (&'static str, &'static str) {
    let class = match s {
        ApplicationState::Approved => "badge-ok",
        ApplicationState::Rejected => "badge-danger",
        ApplicationState::Returned | ApplicationState::Withdrawn => "badge-muted",
        ApplicationState::Pending | ApplicationState::InProgress => "badge-warn",
    };
    (s.label(), class)
}

pub struct CycleLine {
    pub id: i64,
    pub name: String,
    pub doc: String,
    pub unit: String,
    pub promotion: &'static str,
    pub target: String,
    pub discipline: &'static str,
    pub years: String,
    pub state: &'static str,
    pub state_class: &'static str,
    pub at: String,
    pub waiting_at: String,
    pub met: bool,
}

impl CycleLine {
    pub fn of(c: &Cycle) -> CycleLine {
        let (state, state_class) = state_label(c.state);
        CycleLine {
            id: c.id,
            name: c.real_name.clone(),
            doc: mask(&c.doc_number),
            unit: c.unit_name.clone(),
            promotion: c.promotion.label(),
            target: c.target_qualification.clone(),
            discipline: domain::profile::Discipline::from_code(&c.discipline)
                .map(|d| d.label())
                .unwrap_or(""),
            years: if c.year_from == c.year_to {
                format!("{}年", c.year_from)
            } else {
                format!("{}年—{}年", c.year_from, c.year_to)
            },
            state,
            state_class,
            at: c.submitted_at.map(display_time).unwrap_or_default(),
            waiting_at: c.reviewer_name.clone().unwrap_or_default(),
            met: c.met,
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

impl TrailView {
    pub fn of(t: CycleTrailRow) -> TrailView {
        TrailView {
            step: match t.step.as_str() {
                "submit" => "申请",
                "resubmit" => "重新送审",
                "withdraw" => "回收",
                "decide" => "审核",
                _ => "",
            },
            org: t.org_name.unwrap_or_else(|| "本人".into()),
            actor: t.actor_name,
            at: display_time(t.at),
            result: t.result,
            opinion: t.opinion,
        }
    }
}
