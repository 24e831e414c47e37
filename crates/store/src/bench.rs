//! Bulk data for benchmarks: many persons bound to the given units, and CE records over
//! them, inserted with set-based statements (one per table) so that a million rows take
//! seconds.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, DbErr};

use crate::Store;

impl Store {
    /// Inserts `n` persons with profiles, spread over `units` and confirmed there.
    pub async fn seed_bench_staff(
        &self,
        units: &[i64],
        n: u64,
        now: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        if units.is_empty() {
            return Ok(());
        }
        let seq = "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?)";
        self.db()
            .execute_raw(self.stmt(
                &format!(
                    "{seq} INSERT INTO account (login_name, login_key, password_hash, must_change_password, real_name, \
                     gender, mobile, email, country, doc_type, doc_number, question1, answer1_hash, question2, answer2_hash, \
                     question3, answer3_hash, is_platform_admin, failed_count, created_at, password_changed_at) \
                     SELECT 'bench' || n, 'bench' || n, '', false, '测试人员' || n, 'M', '13800000000', 'bench@example.com', \
                     'CN', 'mainland_id', 'BENCH' || n, '', '', '', '', '', '', false, 0, ?, ? FROM seq"
                ),
                [(n as i64).into(), now.into(), now.into()],
            ))
            .await?;
        let cases: String = units
            .iter()
            .enumerate()
            .map(|(i, u)| format!(" WHEN {i} THEN {u}"))
            .collect();
        let k = units.len();
        self.db()
            .execute_raw(self.stmt(
                &format!(
                    "INSERT INTO binding (account_id, unit_id, state, open_key, reason, requested_at, decided_at) \
                     SELECT id, CASE id % {k}{cases} END, 'confirmed', id, '', ?, ? FROM account WHERE login_key LIKE 'bench%'"
                ),
                [now.into(), now.into()],
            ))
            .await?;
        self.db()
            .execute_raw(self.stmt(
                "INSERT INTO person_profile (account_id, ethnicity, native_place, education_code, degree, major, school, \
                 qualification, level_code, series_code, specialty, discipline, postal_code, address, region_code, updated_at) \
                 SELECT id, '汉族', '', 'benke', '', '', '', '工程师', CASE id % 3 WHEN 0 THEN 'zhongji' WHEN 1 THEN 'fugao' ELSE 'zhuli' END, \
                 CASE id % 4 WHEN 0 THEN 'gongcheng' WHEN 1 THEN 'weisheng' WHEN 2 THEN 'zhongxiaoxue' ELSE 'kuaiji' END, \
                 '', 'natural', '', '', '440106', ? FROM account WHERE login_key LIKE 'bench%'",
                [now.into()],
            ))
            .await?;
        // Fresh statistics, as a province's database has after its nightly analyse.
        self.db().execute_unprepared("ANALYZE").await?;
        Ok(())
    }
}

/// Where [`Store::seed_bench_persons`] put its persons: the `n` accounts with ids above `after`.
#[derive(Debug, Clone, Copy)]
pub struct BenchPersons {
    pub after: i64,
    pub n: u64,
}

/// The series a bench person's profile carries, by account id (as the seeders write it).
pub fn bench_series(account: i64) -> &'static str {
    ["gongcheng", "weisheng", "zhongxiaoxue", "kuaiji"][account.rem_euclid(4) as usize]
}

impl Store {
    async fn max_id(&self, table: &str) -> Result<i64, DbErr> {
        Ok(self
            .db()
            .query_one_raw(self.stmt(
                &format!("SELECT COALESCE(MAX(id), 0) AS n FROM {table}"),
                [],
            ))
            .await?
            .map(|r| r.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or(0))
    }

    /// A text `YYYY-MM-DD` as a date column takes it (PostgreSQL casts text explicitly only).
    fn as_date(&self, text: &str) -> String {
        match self.backend() {
            DbBackend::Postgres => format!("CAST({text} AS DATE)"),
            _ => text.to_owned(),
        }
    }

    /// Inserts `n` approved units under `parent` (with their closure rows), named 测试单位1…,
    /// in `region`, and answers their ids.
    pub async fn seed_bench_units(
        &self,
        parent: i64,
        n: u64,
        region: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>, DbErr> {
        if n == 0 {
            return Ok(Vec::new());
        }
        let after = self.max_id("organization").await?;
        self.db()
            .execute_raw(self.stmt(
                "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?) \
                 INSERT INTO organization (kind, level, name, region_code, parent_id, id_kind, id_code, \
                 legal_rep, contact_name, contact_phone, address, status, decision_reason, registered_by, \
                 decided_by, created_at, decided_at, version) \
                 SELECT 'unit', NULL, '测试单位' || n, ?, ?, NULL, NULL, '', '', '', '', 'approved', '', \
                 NULL, NULL, ?, ?, 1 FROM seq",
                [
                    (n as i64).into(),
                    region.into(),
                    parent.into(),
                    now.into(),
                    now.into(),
                ],
            ))
            .await?;
        self.db()
            .execute_raw(self.stmt(
                "INSERT INTO org_closure (ancestor_id, descendant_id, depth) \
                 SELECT id, id, 0 FROM organization WHERE id > ?",
                [after.into()],
            ))
            .await?;
        self.db()
            .execute_raw(self.stmt(
                "INSERT INTO org_closure (ancestor_id, descendant_id, depth) \
                 SELECT c.ancestor_id, o.id, c.depth + 1 FROM organization o \
                 JOIN org_closure c ON c.descendant_id = o.parent_id WHERE o.id > ?",
                [after.into()],
            ))
            .await?;
        self.db()
            .query_all_raw(self.stmt(
                "SELECT id FROM organization WHERE id > ? ORDER BY id",
                [after.into()],
            ))
            .await?
            .iter()
            .map(|r| r.try_get::<i64>("", "id"))
            .collect()
    }

    /// Inserts `n` persons with profiles, confirmed: the first `focus_staff` in `focus`, the
    /// others spread over `others` (all in `focus` when there are none).
    pub async fn seed_bench_persons(
        &self,
        focus: i64,
        focus_staff: u64,
        others: &[i64],
        n: u64,
        now: DateTime<Utc>,
    ) -> Result<BenchPersons, DbErr> {
        let after = self.max_id("account").await?;
        let seq = "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?)";
        self.db()
            .execute_raw(self.stmt(
                &format!(
                    "{seq} INSERT INTO account (login_name, login_key, password_hash, must_change_password, real_name, \
                     gender, mobile, email, country, doc_type, doc_number, question1, answer1_hash, question2, answer2_hash, \
                     question3, answer3_hash, is_platform_admin, failed_count, created_at, password_changed_at) \
                     SELECT 'rec' || n, 'rec' || n, '', false, '记录人员' || n, CASE n % 2 WHEN 0 THEN 'F' ELSE 'M' END, \
                     '13900000000', 'rec@example.com', 'CN', 'mainland_id', 'REC' || n, '', '', '', '', '', '', false, 0, ?, ? \
                     FROM seq"
                ),
                [(n as i64).into(), now.into(), now.into()],
            ))
            .await?;
        let spread = if others.is_empty() {
            focus.to_string()
        } else {
            let cases: String = others
                .iter()
                .enumerate()
                .map(|(i, u)| format!(" WHEN {i} THEN {u}"))
                .collect();
            format!("CASE id % {}{cases} END", others.len())
        };
        self.db()
            .execute_raw(self.stmt(
                &format!(
                    "INSERT INTO binding (account_id, unit_id, state, open_key, reason, requested_at, decided_at) \
                     SELECT id, CASE WHEN id - ? <= ? THEN {focus} ELSE {spread} END, 'confirmed', id, '', ?, ? \
                     FROM account WHERE id > ?"
                ),
                [
                    after.into(),
                    (focus_staff as i64).into(),
                    now.into(),
                    now.into(),
                    after.into(),
                ],
            ))
            .await?;
        self.db()
            .execute_raw(self.stmt(
                "INSERT INTO person_profile (account_id, ethnicity, native_place, education_code, degree, major, school, \
                 qualification, level_code, series_code, specialty, discipline, postal_code, address, region_code, updated_at) \
                 SELECT id, '汉族', '', 'benke', '', '', '', '工程师', CASE id % 3 WHEN 0 THEN 'zhongji' WHEN 1 THEN 'fugao' ELSE 'zhuli' END, \
                 CASE id % 4 WHEN 0 THEN 'gongcheng' WHEN 1 THEN 'weisheng' WHEN 2 THEN 'zhongxiaoxue' ELSE 'kuaiji' END, \
                 '', 'natural', '', '', '440106', ? FROM account WHERE id > ?",
                [now.into(), after.into()],
            ))
            .await?;
        Ok(BenchPersons { after, n })
    }

    /// Inserts `records` CE records over the persons (in turn, so each has about
    /// records / persons), in their units, then analyses. Record k of a person falls in year
    /// 2021 + (id + k / 3) % 5 and category k % 3, so that in a year a fifth of the staff have
    /// public, professional and elective records, a fifth public and professional only, the
    /// rest none. Hours: public 32 (24 for every fourth person), professional 45, elective 20,
    /// so that against the provincial 90/30/42/18 some meet and most fall short. Approved, but
    /// every tenth person's elective waits (submitted). No trail rows.
    pub async fn seed_bench_records(
        &self,
        persons: BenchPersons,
        records: u64,
        now: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        if persons.n == 0 || records == 0 {
            return Ok(());
        }
        let per = records.div_ceil(persons.n) as i64;
        let year = "2021 + (b.account_id + k.k / 3) % 5";
        let start = self.as_date(&format!("({year}) || '-03-01'"));
        let end = self.as_date(&format!("({year}) || '-03-05'"));
        let hours = "CASE k.k % 3 WHEN 0 THEN CASE WHEN b.account_id % 4 = 0 THEN 240 ELSE 320 END \
                     WHEN 1 THEN 450 ELSE 200 END";
        let waits = "k.k % 3 = 2 AND b.account_id % 10 = 0";
        self.db()
            .execute_raw(self.stmt(
                &format!(
                    "WITH RECURSIVE ks(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM ks WHERE k < ?) \
                     INSERT INTO ce_record (account_id, unit_id, year, category, declaration, course_name, \
                     study_form, institution_id, institution_name, start_date, end_date, claimed_tenths, \
                     recognised_tenths, matches_specialty, main_author, passed, content, source, state, \
                     opinion, import_key, declared_by, declared_for_org, created_at, submitted_at, \
                     decided_at, decided_by, version) \
                     SELECT b.account_id, b.unit_id, {year}, \
                     CASE k.k % 3 WHEN 0 THEN 'public' WHEN 1 THEN 'professional' ELSE 'elective' END, \
                     'training', '继续教育课程' || k.k, '面授', NULL, '广东继续教育培训中心', {start}, {end}, \
                     {hours}, CASE WHEN {waits} THEN NULL ELSE {hours} END, true, false, true, '', 'self', \
                     CASE WHEN {waits} THEN 'submitted' ELSE 'approved' END, '', NULL, b.account_id, NULL, ?, ?, \
                     CASE WHEN {waits} THEN NULL ELSE ? END, CASE WHEN {waits} THEN NULL ELSE b.account_id END, 1 \
                     FROM binding b CROSS JOIN ks k WHERE b.account_id > ? AND b.state = 'confirmed' \
                     AND k.k * ? + (b.account_id - ?) <= ?"
                ),
                [
                    (per - 1).into(),
                    now.into(),
                    now.into(),
                    now.into(),
                    persons.after.into(),
                    (persons.n as i64).into(),
                    persons.after.into(),
                    (records as i64).into(),
                ],
            ))
            .await?;
        self.db().execute_unprepared("ANALYZE").await?;
        Ok(())
    }

    /// Adds `n` submitted records of `year` for the first confirmed staff of `unit` (one each)
    /// and answers their ids: a batch for the unit to decide.
    pub async fn seed_bench_submitted(
        &self,
        unit: i64,
        n: u64,
        year: i32,
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>, DbErr> {
        let after = self.max_id("ce_record").await?;
        let day = chrono::NaiveDate::from_ymd_opt(year, 6, 1)
            .ok_or_else(|| DbErr::Custom(format!("no date in {year}")))?;
        self.db()
            .execute_raw(self.stmt(
                "INSERT INTO ce_record (account_id, unit_id, year, category, declaration, course_name, \
                 study_form, institution_id, institution_name, start_date, end_date, claimed_tenths, \
                 recognised_tenths, matches_specialty, main_author, passed, content, source, state, \
                 opinion, import_key, declared_by, declared_for_org, created_at, submitted_at, \
                 decided_at, decided_by, version) \
                 SELECT b.account_id, b.unit_id, ?, 'elective', 'online', '批量审核课程', '网络学习', NULL, \
                 '广东继续教育培训中心', ?, ?, 60, NULL, true, false, true, '', 'self', 'submitted', '', NULL, \
                 b.account_id, NULL, ?, ?, NULL, NULL, 1 \
                 FROM binding b WHERE b.unit_id = ? AND b.state = 'confirmed' ORDER BY b.account_id LIMIT ?",
                [
                    year.into(),
                    day.into(),
                    day.into(),
                    now.into(),
                    now.into(),
                    unit.into(),
                    (n as i64).into(),
                ],
            ))
            .await?;
        self.db()
            .query_all_raw(self.stmt(
                "SELECT id FROM ce_record WHERE id > ? AND unit_id = ? AND state = 'submitted' ORDER BY id",
                [after.into(), unit.into()],
            ))
            .await?
            .iter()
            .map(|r| r.try_get::<i64>("", "id"))
            .collect()
    }
}
