//! One rule per fact: a unit's yearly table computes the annual verification in SQL, a
//! person's page sums in SQL and decides in Rust (`annual_check`). For random records (every
//! state, category and size) and random rule sets, both must give the figures and the result
//! that the domain gives from the records themselves — on SQLite and on PostgreSQL.

use domain::hours::Hours;
use domain::verification::{Completed, YearRequirement, annual_check};
use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, TestCaseError, TestRunner};

use crate::on_both_engines;
use crate::support::TestApp;

const PERSONS: usize = 6;
const YEAR: i32 = 2026;
const REGION: &str = "440106";
const STATES: [&str; 7] = [
    "draft",
    "submitted",
    "under_review",
    "approved",
    "rejected",
    "returned",
    "deleted",
];
const CATEGORIES: [&str; 3] = ["public", "professional", "elective"];

#[derive(Debug, Clone)]
struct Rec {
    category: usize,
    state: usize,
    tenths: i64,
}

#[derive(Debug, Clone)]
struct Case {
    /// total, public, professional, elective (tenths), electives only as elective
    rule: (i64, i64, i64, i64, bool),
    persons: Vec<Vec<Rec>>,
}

/// Hours in steps of 3 and small minimums, so that sums often land exactly on a minimum
/// (where `>` and `>=` part), and half the records approved.
fn case() -> impl Strategy<Value = Case> {
    let step = |n: i64| (0..=n).prop_map(|k| k * 30);
    let rule = (step(24), step(8), step(8), step(8), any::<bool>());
    let approved = STATES.iter().position(|s| *s == "approved").unwrap_or(0);
    let state = prop_oneof![
        3 => Just(approved),
        2 => 0..STATES.len(),
    ];
    let rec = (0..CATEGORIES.len(), state, step(6)).prop_map(|(category, state, tenths)| Rec {
        category,
        state,
        tenths,
    });
    let persons = prop::collection::vec(prop::collection::vec(rec, 0..8), PERSONS);
    // Half the cases put the minimums exactly on the first person's hours.
    (rule, persons, any::<bool>()).prop_map(|(rule, persons, on_the_line)| {
        let mut case = Case { rule, persons };
        if on_the_line {
            let (done, _) = expected(&case, 0);
            let (p, f, e) = (
                done.public.tenths(),
                done.professional.tenths(),
                done.elective.tenths(),
            );
            case.rule = (p + f + e, p, f, e, case.rule.4);
        }
        case
    })
}

/// What the domain says from the records alone.
fn expected(case: &Case, person: usize) -> (Completed, bool) {
    let mut done = [0i64; 3];
    for r in &case.persons[person] {
        if STATES[r.state] == "approved" {
            done[r.category] += r.tenths;
        }
    }
    let completed = Completed {
        public: Hours::from_tenths(done[0]),
        professional: Hours::from_tenths(done[1]),
        elective: Hours::from_tenths(done[2]),
    };
    (completed, annual_check(&requirement(case), &completed).met)
}

fn requirement(case: &Case) -> YearRequirement {
    let (total, public, professional, elective, only) = case.rule;
    YearRequirement {
        total: Hours::from_tenths(total),
        public: Hours::from_tenths(public),
        professional: Hours::from_tenths(professional),
        elective: Hours::from_tenths(elective),
        elective_counts_only_as_elective: only,
    }
}

/// A unit with `PERSONS` confirmed staff in `REGION`, and a rule set for `YEAR` there that
/// each case rewrites; answers the unit and the rule set.
async fn world(store: &store::Store) -> (i64, i64) {
    store
        .execute_unprepared(&format!(
            "INSERT INTO organization (kind, level, name, region_code, parent_id, id_kind, id_code, \
             legal_rep, contact_name, contact_phone, address, status, decision_reason, registered_by, \
             decided_by, created_at, decided_at, version) VALUES ('unit', NULL, '性质测试单位', '{REGION}', \
             NULL, NULL, NULL, '', '', '', '', 'approved', '', NULL, NULL, '2026-01-05 00:00:00', \
             '2026-01-05 00:00:00', 1)"
        ))
        .await
        .expect("unit");
    let unit = scalar(store, "SELECT MAX(id) AS n FROM organization").await;
    store
        .execute_unprepared(&format!(
            "INSERT INTO org_closure (ancestor_id, descendant_id, depth) VALUES ({unit}, {unit}, 0)"
        ))
        .await
        .expect("closure");
    let now = chrono::Utc::now();
    store
        .seed_bench_staff(&[unit], PERSONS as u64, now)
        .await
        .expect("staff");
    store
        .execute_unprepared(&format!(
            "INSERT INTO rule_set (name, region_code, region_prefix, series_code, year_from, year_to, \
             total_tenths, public_tenths, professional_tenths, elective_tenths, elective_only, \
             main_author_tenths, other_author_tenths, deadline_month, deadline_day, updated_by, \
             updated_at, version) VALUES ('性质测试规则', '{REGION}', '{REGION}', NULL, {YEAR}, {YEAR}, \
             900, 300, 420, 180, true, 280, 140, 1, 31, NULL, '2026-01-05 00:00:00', 1)"
        ))
        .await
        .expect("rule set");
    let rule = scalar(store, "SELECT MAX(id) AS n FROM rule_set").await;
    (unit, rule)
}

async fn scalar(store: &store::Store, sql: &str) -> i64 {
    store
        .query_i64(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Writes one case: the rule set's figures and every person's records of the year.
async fn write_case(store: &store::Store, rule: i64, persons: &[i64], case: &Case) {
    let (total, public, professional, elective, only) = case.rule;
    let mut sql = vec![
        "DELETE FROM ce_record".to_owned(),
        format!(
            "UPDATE rule_set SET total_tenths = {total}, public_tenths = {public}, \
             professional_tenths = {professional}, elective_tenths = {elective}, \
             elective_only = {only} WHERE id = {rule}"
        ),
    ];
    for (person, recs) in persons.iter().zip(&case.persons) {
        for (k, r) in recs.iter().enumerate() {
            let state = STATES[r.state];
            let recognised = if state == "approved" {
                r.tenths.to_string()
            } else {
                "NULL".to_owned()
            };
            sql.push(format!(
                "INSERT INTO ce_record (account_id, unit_id, year, category, declaration, course_name, \
                 study_form, institution_id, institution_name, start_date, end_date, claimed_tenths, \
                 recognised_tenths, matches_specialty, main_author, passed, content, source, state, \
                 opinion, import_key, declared_by, declared_for_org, created_at, submitted_at, \
                 decided_at, decided_by, version) VALUES ({person}, (SELECT unit_id FROM binding \
                 WHERE account_id = {person}), {YEAR}, '{category}', 'training', '课程{k}', '面授', NULL, \
                 '培训中心', '2026-03-01', '2026-03-02', {claimed}, {recognised}, {matches}, false, true, \
                 '', 'self', '{state}', '', NULL, {person}, NULL, '2026-03-02 00:00:00', NULL, NULL, \
                 NULL, 1)",
                category = CATEGORIES[r.category],
                claimed = r.tenths,
                matches = r.category != 2,
            ));
        }
    }
    for s in sql {
        store
            .execute_unprepared(&s)
            .await
            .unwrap_or_else(|e| panic!("{s}: {e}"));
    }
}

/// Runs the cases; each compares the three computations for every person.
async fn agree(app: TestApp, cases: u32) {
    let store = app.state.store.clone();
    let (unit, rule) = world(&store).await;
    let filter = store::records::StaffYearFilter {
        within: unit,
        year: YEAR,
        per_page: 100,
        page: 1,
        ..Default::default()
    };
    let staff = store.staff_year(&filter).await.expect("staff").items;
    assert_eq!(staff.len(), PERSONS, "the unit's staff");
    let persons: Vec<(i64, Option<String>)> = staff
        .iter()
        .map(|s| (s.account_id, s.series_code.clone()))
        .collect();
    let ids: Vec<i64> = persons.iter().map(|p| p.0).collect();

    let handle = tokio::runtime::Handle::current();
    let mut runner = TestRunner::new(RunnerConfig {
        cases,
        failure_persistence: None,
        ..RunnerConfig::default()
    });
    let outcome = runner.run(&case(), |case| {
        tokio::task::block_in_place(|| {
            handle.block_on(async {
                write_case(&store, rule, &ids, &case).await;
                let table = store.staff_year(&filter).await.expect("table").items;
                for (i, (id, series)) in persons.iter().enumerate() {
                    let (completed, met) = expected(&case, i);
                    // The unit's yearly table: SQL sums, SQL result.
                    let row = table
                        .iter()
                        .find(|r| r.account_id == *id)
                        .ok_or_else(|| TestCaseError::fail(format!("person {id} in the table")))?;
                    prop_assert_eq!(row.rule_id, Some(rule));
                    prop_assert_eq!(
                        (
                            row.public_tenths,
                            row.professional_tenths,
                            row.elective_tenths
                        ),
                        (
                            completed.public.tenths(),
                            completed.professional.tenths(),
                            completed.elective.tenths()
                        ),
                        "the table's sums for person {}",
                        i
                    );
                    prop_assert_eq!(
                        row.met,
                        Some(i32::from(met)),
                        "the table's result for person {}",
                        i
                    );
                    // A person's page: SQL sums, the rule set read back, `annual_check` in Rust.
                    let figures = store
                        .year_figures(*id, Some(YEAR), series.as_deref(), REGION)
                        .await
                        .expect("figures");
                    let mine = match figures.first() {
                        Some(f) => Completed {
                            public: Hours::from_tenths(f.public_tenths),
                            professional: Hours::from_tenths(f.professional_tenths),
                            elective: Hours::from_tenths(f.elective_tenths),
                        },
                        None => Completed::default(),
                    };
                    prop_assert_eq!(mine, completed, "the person's sums for person {}", i);
                    let rs = store
                        .rule_set_for(YEAR, series.as_deref(), REGION)
                        .await
                        .expect("rule")
                        .ok_or_else(|| TestCaseError::fail("no rule set"))?;
                    prop_assert_eq!(rs.id, rule);
                    let page = annual_check(&rs.to_domain().requirement, &mine);
                    prop_assert_eq!(page.met, met, "the person's result for person {}", i);
                }
                Ok(())
            })
        })
    });
    if let Err(e) = outcome {
        panic!("the annual verification differs between SQL and Rust: {e}");
    }
}

on_both_engines!(sql_and_rust_give_the_same_annual_verification, |app| {
    agree(app, 32).await;
});
