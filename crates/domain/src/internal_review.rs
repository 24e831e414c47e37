//! A unit's internal flow (内部流转), as the Guangzhou system runs it: each of the required
//! reviewers picks 审核同意（呈单位领导）, 审核不同意（呈单位领导） or 退案（内部）with an opinion;
//! the first two are recommendations the leader sees counted before deciding, the third sends
//! the record back to its declarer at once, as the unit's own return does.

use crate::org::{TransitionError, check_reason};
use crate::record::{self, RecordState};

/// What a reviewer of the internal flow chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewChoice {
    /// 审核同意（呈单位领导）.
    Agree,
    /// 审核不同意（呈单位领导）.
    Disagree,
    /// 退案（内部）: back to the declarer for correction.
    Return,
}

impl ReviewChoice {
    pub const ALL: [ReviewChoice; 3] = [
        ReviewChoice::Agree,
        ReviewChoice::Disagree,
        ReviewChoice::Return,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReviewChoice::Agree => "agree",
            ReviewChoice::Disagree => "disagree",
            ReviewChoice::Return => "return",
        }
    }

    /// The words of the Guangzhou system, as the trail shows them.
    pub fn label(self) -> &'static str {
        match self {
            ReviewChoice::Agree => "审核同意（呈单位领导）",
            ReviewChoice::Disagree => "审核不同意（呈单位领导）",
            ReviewChoice::Return => "退案（内部）",
        }
    }

    pub fn from_code(code: &str) -> Option<ReviewChoice> {
        ReviewChoice::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// A reviewer's step in the internal flow: each reviewer once per submission; disagreeing and
/// returning need an opinion. Answers the record's next state: still waiting for the leader
/// (审核中), or returned to its declarer.
pub fn review(
    s: RecordState,
    already_reviewed_by_me: bool,
    choice: ReviewChoice,
    opinion: &str,
) -> Result<RecordState, TransitionError> {
    let next = record::add_review(s, already_reviewed_by_me)?;
    match choice {
        ReviewChoice::Agree => {
            record::check_opinion(opinion)?;
            Ok(next)
        }
        ReviewChoice::Disagree => {
            check_reason(opinion, Some("请填写不同意的理由"), "审核意见")?;
            Ok(next)
        }
        ReviewChoice::Return => record::return_for_correction(s, opinion),
    }
}

/// The recommendations given on a record since it was last submitted, for the leader.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recommendations {
    /// Different reviewers who reviewed it.
    pub reviewers: u32,
    pub agree: u32,
    pub disagree: u32,
}

impl Recommendations {
    /// "2 人审核：同意 2", "2 人审核：同意 1，不同意 1"; reviews kept before the choices
    /// were (an opinion only) count as 未表态. Empty when nobody reviewed yet.
    pub fn summary(&self) -> String {
        if self.reviewers == 0 {
            return String::new();
        }
        let mut parts = Vec::new();
        if self.agree > 0 {
            parts.push(format!("同意 {}", self.agree));
        }
        if self.disagree > 0 {
            parts.push(format!("不同意 {}", self.disagree));
        }
        let other = self
            .reviewers
            .saturating_sub(self.agree)
            .saturating_sub(self.disagree);
        if other > 0 {
            parts.push(format!("未表态 {other}"));
        }
        format!("{} 人审核：{}", self.reviewers, parts.join("，"))
    }
}

crate::code::coded!(ReviewChoice);

#[cfg(test)]
mod tests {
    use super::*;
    use RecordState::*;
    use ReviewChoice::*;

    #[test]
    fn a_reviewer_recommends_or_returns_once_per_submission() {
        assert_eq!(review(Submitted, false, Agree, ""), Ok(UnderReview));
        assert_eq!(
            review(UnderReview, false, Agree, "材料齐全"),
            Ok(UnderReview)
        );
        assert_eq!(
            review(UnderReview, false, Disagree, "证书与申报不符"),
            Ok(UnderReview)
        );
        assert_eq!(
            review(UnderReview, false, Disagree, " ").unwrap_err().0,
            "请填写不同意的理由"
        );
        assert_eq!(review(Submitted, false, Return, "请补充证明"), Ok(Returned));
        assert_eq!(
            review(UnderReview, false, Return, "请补充证明"),
            Ok(Returned)
        );
        assert_eq!(
            review(UnderReview, false, Return, "").unwrap_err().0,
            "请填写退回修改的意见"
        );
        assert!(
            review(UnderReview, true, Agree, "")
                .unwrap_err()
                .0
                .contains("您已审核过")
        );
        assert!(review(UnderReview, false, Agree, &"长".repeat(201)).is_err());
        for s in [Draft, Approved, Rejected, Returned, UnitDraft] {
            for c in ReviewChoice::ALL {
                assert!(review(s, false, c, "意见").is_err(), "{s:?} {c:?}");
            }
        }
    }

    #[test]
    fn choices_read_as_the_guangzhou_system_words_them() {
        for c in ReviewChoice::ALL {
            assert_eq!(ReviewChoice::from_code(c.code()), Some(c));
        }
        assert_eq!(Agree.label(), "审核同意（呈单位领导）");
        assert_eq!(Disagree.label(), "审核不同意（呈单位领导）");
        assert_eq!(Return.label(), "退案（内部）");
        assert_eq!(ReviewChoice::from_code("approve"), None);
    }

    #[test]
    fn the_leader_sees_the_recommendations_counted() {
        let r = |reviewers, agree, disagree| Recommendations {
            reviewers,
            agree,
            disagree,
        };
        assert_eq!(r(0, 0, 0).summary(), "");
        assert_eq!(r(2, 2, 0).summary(), "2 人审核：同意 2");
        assert_eq!(r(2, 1, 1).summary(), "2 人审核：同意 1，不同意 1");
        assert_eq!(r(3, 0, 2).summary(), "3 人审核：不同意 2，未表态 1");
    }
}
