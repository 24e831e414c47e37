//! 批量申报: a unit fills the downloaded template with one record per row for its staff and
//! uploads it. This module reads the header, checks every cell of every row and turns the valid
//! rows into [`RecordInput`]s; reading the spreadsheet file itself is the web layer's business,
//! which hands over [`Cell`]s.
//!
//! Every problem of a row is reported (not only the first), with the header label of its column,
//! so that the unit can correct the whole file at once.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use sha2::{Digest, Sha256};

use crate::credentials;
use crate::hours::{self, Hours, MAX_TENTHS};
use crate::identity::{self, DocumentType};
use crate::profile::validate_short_text;
use crate::record::{
    self, ATTACHMENT_REQUIRED_BEFORE_YEAR, Category, DeclarationRules, DeclarationType,
    LOCATION_MAX, REMARKS_MAX, RecordInput,
};
use crate::text;

/// A cell as a spreadsheet reader hands it over. Text is given as typed (the rules trim it);
/// a number may be an Excel serial date; a cell formatted as a date is already converted.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
    Bool(bool),
    /// An error value such as "#N/A" or "#REF!", usually from a formula.
    Error(String),
}

impl Cell {
    /// Empty, or text of spaces only (ideographic spaces included).
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => text::normalised(s).is_empty(),
            _ => false,
        }
    }
}

/// A column of the template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The header as printed in the template, without the "*" of required columns.
    pub label: &'static str,
    pub required: bool,
    /// What to type, or a sample value, for the template's note or second row.
    pub hint: &'static str,
}

pub const COURSE_NAME_MAX: usize = 100;
pub const STUDY_FORM_MAX: usize = 30;
pub const INSTITUTION_MAX: usize = 100;
pub const CONTENT_MAX: usize = 500;

/// Rows an upload may hold at most; the web layer enforces it while reading.
pub const MAX_ROWS: usize = 20_000;

/// The template's columns, in template order. A header may carry them in any order.
pub const COLUMNS: [Column; 17] = [
    Column {
        label: "证件号码",
        required: true,
        hint: "居民身份证号码（18位，旧的15位号码也可以）或港澳台居民证件号码",
    },
    Column {
        label: "姓名",
        required: true,
        hint: "与证件一致，如 张三",
    },
    Column {
        label: "申报年度",
        required: true,
        hint: "四位数字年份，如 2024",
    },
    Column {
        label: "科目类型",
        required: true,
        hint: "公需科目/专业科目/选修科目",
    },
    Column {
        label: "申报类型",
        required: true,
        hint: "培训/学术会议/发表论文/出版专著/专利/课题项目/进修/网络学习/其他",
    },
    Column {
        label: "课程名称",
        required: true,
        hint: "不超过100个字",
    },
    Column {
        label: "学习形式",
        required: false,
        hint: "如 面授、网络培训、混合、学术会议，不超过30个字",
    },
    Column {
        label: "施教机构",
        required: true,
        hint: "不超过100个字",
    },
    Column {
        label: "开始日期",
        required: true,
        hint: "如 2024-03-01",
    },
    Column {
        label: "结束日期",
        required: true,
        hint: "如 2024-03-05",
    },
    Column {
        label: "申报学时",
        required: true,
        hint: "如 30 或 30.5，最多一位小数；1天按6学时计",
    },
    Column {
        label: "是否对口",
        required: false,
        hint: "是/否，不填时选修科目为否，其他为是",
    },
    Column {
        label: "是否第一作者",
        required: false,
        hint: "是/否，不填为否",
    },
    Column {
        label: "考核结果",
        required: false,
        hint: "合格/不合格，不填为合格",
    },
    Column {
        label: "培训内容",
        required: false,
        hint: "不超过500个字",
    },
    Column {
        label: "学习地点",
        required: false,
        hint: "如 广州市天河区，不超过100个字",
    },
    Column {
        label: "备注",
        required: false,
        hint: "不超过500个字",
    },
];

// Positions in COLUMNS.
const DOC_NUMBER: usize = 0;
const REAL_NAME: usize = 1;
const YEAR: usize = 2;
const CATEGORY: usize = 3;
const DECLARATION: usize = 4;
const COURSE_NAME: usize = 5;
const STUDY_FORM: usize = 6;
const INSTITUTION: usize = 7;
const START: usize = 8;
const END: usize = 9;
const CLAIMED: usize = 10;
const MATCHES_SPECIALTY: usize = 11;
const MAIN_AUTHOR: usize = 12;
const ASSESSMENT: usize = 13;
const CONTENT: usize = 14;
const LOCATION: usize = 15;
const REMARKS: usize = 16;

/// A header cell reduced to what is compared with the labels: "＊证件号码（必填）" → "证件号码".
fn header_label(cell: &Cell) -> Option<String> {
    let Cell::Text(s) = cell else { return None };
    let mut s: String = text::half_width(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    loop {
        let before = s.len();
        s = s.trim_matches('*').to_owned();
        if let Some(stripped) = s.strip_suffix("(必填)") {
            s = stripped.to_owned();
        }
        if s.len() == before {
            return Some(s);
        }
    }
}

/// Finds the template's columns in a header row: for each entry of [`COLUMNS`], the index of its
/// cell in the row, or `None` for an optional column left out. Headers are matched by label in
/// any order, with or without a "*" or "（必填）"; columns the template does not know are ignored.
pub fn map_header(header: &[Cell]) -> Result<Vec<Option<usize>>, Vec<String>> {
    let mut map: Vec<Option<usize>> = vec![None; COLUMNS.len()];
    let mut duplicated = vec![false; COLUMNS.len()];
    for (i, cell) in header.iter().enumerate() {
        let Some(label) = header_label(cell) else {
            continue;
        };
        let Some(k) = COLUMNS.iter().position(|c| c.label == label) else {
            continue;
        };
        if map[k].is_some() {
            duplicated[k] = true;
        } else {
            map[k] = Some(i);
        }
    }

    let mut errors = Vec::new();
    let missing: Vec<&str> = COLUMNS
        .iter()
        .zip(&map)
        .filter(|(c, m)| c.required && m.is_none())
        .map(|(c, _)| c.label)
        .collect();
    if !missing.is_empty() {
        errors.push(format!("缺少必填列：{}", missing.join("、")));
    }
    for (c, _) in COLUMNS.iter().zip(&duplicated).filter(|(_, d)| **d) {
        errors.push(format!("表头中“{}”列出现了多次，请只保留一列", c.label));
    }
    if errors.is_empty() {
        Ok(map)
    } else {
        Err(errors)
    }
}

/// A valid row, ready to become a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedRow {
    /// 1-based row number of the spreadsheet, as the user sees it.
    pub line: u32,
    /// The document number in its stored form: upper-case, 15-digit numbers converted to 18.
    pub doc_number: String,
    pub real_name: String,
    /// `has_attachment` is always false: an import carries no attachments.
    pub input: RecordInput,
    pub course_name: String,
    pub study_form: String,
    pub institution: String,
    pub assessment_passed: bool,
    pub content: String,
    pub location: String,
    pub remarks: String,
}

/// A problem of a row; `column` is the header label, `None` for the row as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u32,
    pub column: Option<&'static str>,
    pub message: String,
}

const DATE_FORMAT_MESSAGE: &str = "日期格式应为 2024-03-01";

const EARLIEST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1950, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};
const LATEST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2099, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

/// Excel's 1900 date system: serial 1 is 1900-01-01, and serial 60 is the 1900-02-29 that never
/// existed (Excel copied Lotus 1-2-3's leap-year bug), so later serials are one day ahead.
fn excel_serial_date(serial: i64) -> Option<NaiveDate> {
    let base = match serial {
        1..=59 => NaiveDate::from_ymd_opt(1899, 12, 31)?,
        61.. => NaiveDate::from_ymd_opt(1899, 12, 30)?,
        _ => return None,
    };
    base.checked_add_signed(chrono::Duration::try_days(serial)?)
}

fn in_date_range(date: NaiveDate) -> Result<NaiveDate, String> {
    if (EARLIEST_DATE..=LATEST_DATE).contains(&date) {
        Ok(date)
    } else {
        Err("日期应在1950年至2099年之间".to_owned())
    }
}

/// Digits only, 1 to `max` of them, as a number.
fn digits(s: &str, min: usize, max: usize) -> Option<u32> {
    if (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

fn ymd(y: u32, m: u32, d: u32) -> Result<NaiveDate, String> {
    let year = i32::try_from(y).map_err(|_| DATE_FORMAT_MESSAGE.to_owned())?;
    let date =
        NaiveDate::from_ymd_opt(year, m, d).ok_or_else(|| "日期不存在，请核对".to_owned())?;
    in_date_range(date)
}

/// 2024-03-01, 2024/3/1, 2024.3.1, 2024年3月1日 or 20240301.
fn parse_date_text(input: &str) -> Result<NaiveDate, String> {
    let s = text::normalised(input);
    let bad = || DATE_FORMAT_MESSAGE.to_owned();
    if let Some(v) = digits(&s, 8, 8) {
        return ymd(v / 10_000, v / 100 % 100, v % 100);
    }
    let parts: Vec<&str> = if let Some(rest) = s.strip_suffix('日') {
        let (y, rest) = rest.split_once('年').ok_or_else(bad)?;
        let (m, d) = rest.split_once('月').ok_or_else(bad)?;
        vec![y.trim(), m.trim(), d.trim()]
    } else {
        let sep = s
            .chars()
            .find(|c| matches!(c, '-' | '/' | '.'))
            .ok_or_else(bad)?;
        s.split(sep).collect()
    };
    match parts.as_slice() {
        [y, m, d] => match (digits(y, 4, 4), digits(m, 1, 2), digits(d, 1, 2)) {
            (Some(y), Some(m), Some(d)) => ymd(y, m, d),
            _ => Err(bad()),
        },
        _ => Err(bad()),
    }
}

fn parse_date(cell: &Cell) -> Result<NaiveDate, String> {
    match cell {
        Cell::Date(d) => in_date_range(*d),
        Cell::Text(s) => parse_date_text(s),
        // A serial date, or 20240301 typed into a cell formatted as a number.
        Cell::Number(n) if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e9 => {
            // The guard makes the conversion exact.
            let v = *n as i64;
            if (10_000_000..=99_999_999).contains(&v) {
                return parse_date_text(&v.to_string());
            }
            match excel_serial_date(v) {
                Some(d) if (EARLIEST_DATE..=LATEST_DATE).contains(&d) => Ok(d),
                _ => Err(DATE_FORMAT_MESSAGE.to_owned()),
            }
        }
        _ => Err(DATE_FORMAT_MESSAGE.to_owned()),
    }
}

/// A number as a person would type it: "2024", "30.5".
fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Hours from a number cell: spreadsheets store 7.2 as 7.199999999999999, which is taken as 7.2;
/// a figure further than 1e-6 from one decimal (7.25) is refused as the form would refuse it.
fn hours_from_number(n: f64) -> Result<Hours, String> {
    if !n.is_finite() {
        return Err("学时应为数字，最多保留一位小数".to_owned());
    }
    if n < 0.0 {
        return Err("学时不能为负数".to_owned());
    }
    if n > (MAX_TENTHS + 1) as f64 / 10.0 {
        return Err("学时不能超过9999.9".to_owned());
    }
    let tenths = (n * 10.0).round();
    if (n - tenths / 10.0).abs() > 1e-6 {
        return Err("学时最多保留一位小数".to_owned());
    }
    // Bounded above, so the conversion is exact.
    hours::parse(&Hours::from_tenths(tenths as i64).to_string()).map_err(|e| e.0)
}

fn parse_hours(cell: &Cell) -> Result<Hours, String> {
    match cell {
        Cell::Number(n) => hours_from_number(*n),
        Cell::Text(s) => hours::parse(s).map_err(|e| e.0),
        _ => Err("学时应为数字，最多保留一位小数".to_owned()),
    }
}

fn parse_year(cell: &Cell) -> Result<i32, String> {
    let bad = || "申报年度应为四位数字的年份，如 2024".to_owned();
    let v = match cell {
        Cell::Number(n) if n.fract() == 0.0 && (1000.0..=9999.0).contains(n) => *n as u32,
        Cell::Text(s) => {
            let s = text::normalised(s);
            let s = s.strip_suffix('年').unwrap_or(&s).trim_end();
            digits(s, 4, 4).ok_or_else(bad)?
        }
        _ => return Err(bad()),
    };
    i32::try_from(v).map_err(|_| bad())
}

fn parse_category(s: &str) -> Result<Category, String> {
    match text::normalised(s).as_str() {
        "公需科目" | "公需" => Ok(Category::Public),
        "专业科目" | "专业" => Ok(Category::Professional),
        "选修科目" | "选修" => Ok(Category::Elective),
        _ => Err("科目类型应为公需科目、专业科目或选修科目".to_owned()),
    }
}

fn parse_declaration(s: &str) -> Result<DeclarationType, String> {
    let s = text::normalised(s);
    DeclarationType::ALL
        .into_iter()
        .find(|d| d.label() == s)
        .ok_or_else(|| {
            let labels: Vec<&str> = DeclarationType::ALL.iter().map(|d| d.label()).collect();
            format!("申报类型应为以下之一：{}", labels.join("、"))
        })
}

fn parse_yes_no(cell: &Cell, label: &str) -> Result<bool, String> {
    let bad = || format!("{label}应填写“是”或“否”");
    match cell {
        Cell::Bool(b) => Ok(*b),
        Cell::Text(s) => match text::normalised(s).as_str() {
            "是" => Ok(true),
            "否" => Ok(false),
            _ => Err(bad()),
        },
        _ => Err(bad()),
    }
}

fn parse_assessment(s: &str) -> Result<bool, String> {
    match text::normalised(s).as_str() {
        "合格" => Ok(true),
        "不合格" => Ok(false),
        _ => Err("考核结果应填写“合格”或“不合格”".to_owned()),
    }
}

/// A one-line text field: line breaks and tabs typed inside a cell (Alt+Enter) become spaces, runs
/// of spaces one space.
fn one_line(s: &str, max: usize, label: &str) -> Result<String, String> {
    let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
    validate_short_text(&joined, max, label).map_err(|e| e.0)
}

/// A multi-line text field: line breaks are kept (as "\n"), other control characters refused.
fn multi_line(s: &str, max: usize, label: &str) -> Result<String, String> {
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    let s = s.trim();
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(format!("{label}不能包含控制字符"));
    }
    if s.chars().count() > max {
        return Err(format!("{label}不能超过{max}个字"));
    }
    Ok(s.to_owned())
}

/// A document number of any kind a person may register with; the stored form of the first kind
/// it is valid for (a residence permit and a mainland number of the same digits store alike).
fn parse_any_document(input: &str, today: NaiveDate) -> Result<String, String> {
    const ORDER: [DocumentType; 4] = [
        DocumentType::MainlandId,
        DocumentType::ResidencePermit,
        DocumentType::HongKongId,
        DocumentType::MacaoId,
    ];
    for t in ORDER {
        if let Ok(p) = identity::parse_document(t, input, today) {
            return Ok(p.number);
        }
    }
    // Explain the failure in terms of the kind the number looks like.
    let s: String = text::normalised(input)
        .to_ascii_uppercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let guess = if s.starts_with(|c: char| c.is_ascii_alphabetic()) {
        DocumentType::HongKongId
    } else if s.contains('(') || s.chars().count() == 8 {
        DocumentType::MacaoId
    } else if ["810000", "820000", "830000"]
        .iter()
        .any(|p| s.starts_with(p))
    {
        DocumentType::ResidencePermit
    } else {
        DocumentType::MainlandId
    };
    match identity::parse_document(guess, input, today) {
        Ok(p) => Ok(p.number),
        Err(e) => Err(e.to_string()),
    }
}

fn parse_doc_number(cell: &Cell, today: NaiveDate) -> Result<String, String> {
    match cell {
        Cell::Text(s) => parse_any_document(s, today),
        // 15-digit legacy and 8-digit Macao numbers survive as numbers; 18 digits do not: a
        // double holds 15 to 17 significant digits, and Excel shows and keeps 15.
        Cell::Number(n) if n.is_finite() && n.fract() == 0.0 && *n >= 0.0 => {
            if *n < 1e15 {
                parse_any_document(&number_text(*n), today)
            } else {
                Err("证件号码被存成了数字，后几位已丢失，请将该列设为文本格式后重新填写".to_owned())
            }
        }
        _ => Err(identity::DocumentError::MainlandCharacters.to_string()),
    }
}

/// The cell of a template column in a row, `Empty` when the column is absent or the row short.
fn cell_at<'a>(cells: &'a [Cell], map: &[Option<usize>], column: usize) -> &'a Cell {
    const EMPTY: &Cell = &Cell::Empty;
    map.get(column)
        .copied()
        .flatten()
        .and_then(|i| cells.get(i))
        .unwrap_or(EMPTY)
}

/// The text of a cell for the text columns; numbers, dates and booleans as a person reads them.
fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Empty | Cell::Error(_) => String::new(),
        Cell::Text(s) => s.clone(),
        Cell::Number(n) => number_text(*n),
        Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        Cell::Bool(b) => (if *b { "是" } else { "否" }).to_owned(),
    }
}

struct RowCheck<'a> {
    line: u32,
    cells: &'a [Cell],
    map: &'a [Option<usize>],
    errors: Vec<RowError>,
    failed: [bool; COLUMNS.len()],
}

impl<'a> RowCheck<'a> {
    fn fail(&mut self, column: usize, message: String) {
        self.failed[column] = true;
        self.errors.push(RowError {
            line: self.line,
            column: Some(COLUMNS[column].label),
            message,
        });
    }

    /// The value of a column: `None` when blank (an error if the column is required) or refused.
    fn value<T>(
        &mut self,
        column: usize,
        parse: impl FnOnce(&Cell) -> Result<T, String>,
    ) -> Option<T> {
        let cell = cell_at(self.cells, self.map, column);
        if let Cell::Error(e) = cell {
            self.fail(column, format!("单元格是错误值“{e}”，请修正后重新上传"));
            return None;
        }
        if cell.is_blank() {
            if COLUMNS[column].required {
                self.fail(column, format!("请填写{}", COLUMNS[column].label));
            }
            return None;
        }
        match parse(cell) {
            Ok(v) => Some(v),
            Err(message) => {
                self.fail(column, message);
                None
            }
        }
    }

    fn text<T>(
        &mut self,
        column: usize,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        self.value(column, |c| parse(&cell_text(c)))
    }
}

/// The columns a problem of [`record::validate_record`] depends on: the problem is only
/// meaningful when all of them were read.
fn record_field_inputs(field: &str) -> &'static [usize] {
    match field {
        "year" => &[YEAR],
        "start" | "attachment" => &[YEAR, START],
        "end" => &[START, END],
        // Whose row it is and its year choose the rule set, hence the limit.
        "claimed" => &[
            CLAIMED,
            DECLARATION,
            MAIN_AUTHOR,
            START,
            END,
            YEAR,
            DOC_NUMBER,
        ],
        "category" => &[CATEGORY, DECLARATION],
        "matches_specialty" => &[CATEGORY, MATCHES_SPECIALTY],
        _ => &[
            YEAR,
            CATEGORY,
            DECLARATION,
            START,
            END,
            CLAIMED,
            MATCHES_SPECIALTY,
            MAIN_AUTHOR,
        ],
    }
}

type DuplicateKey = (String, i32, Category, String, NaiveDate, NaiveDate);

/// Who a row is about and its year, as far as its cells can be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowPerson {
    pub line: u32,
    /// In its stored form, as in [`ImportedRow::doc_number`].
    pub doc_number: Option<String>,
    pub real_name: Option<String>,
    pub year: Option<i32>,
}

fn is_blank_row(header_map: &[Option<usize>], cells: &[Cell]) -> bool {
    (0..COLUMNS.len()).all(|k| cell_at(cells, header_map, k).is_blank())
}

/// The persons and years of the rows (blank rows skipped), read before the rows are checked:
/// the caller finds out from them who is on its staff under which name, and which rule set
/// applies to each person's year, as the record form does for one record.
pub fn row_people(
    header_map: &[Option<usize>],
    rows: &[(u32, Vec<Cell>)],
    today: NaiveDate,
) -> Vec<RowPerson> {
    rows.iter()
        .filter(|(_, cells)| !is_blank_row(header_map, cells))
        .map(|(line, cells)| {
            let read = |k: usize| {
                let cell = cell_at(cells, header_map, k);
                (!cell.is_blank() && !matches!(cell, Cell::Error(_))).then_some(cell)
            };
            RowPerson {
                line: *line,
                doc_number: read(DOC_NUMBER).and_then(|c| parse_doc_number(c, today).ok()),
                real_name: read(REAL_NAME).and_then(|c| credentials::real_name(&cell_text(c)).ok()),
                year: read(YEAR).and_then(|c| parse_year(c).ok()),
            }
        })
        .collect()
}

/// Checks every row under a header mapped by [`map_header`]. `rows` are (spreadsheet row number,
/// cells); rows blank in every template column are skipped. `rules` answers the declaration
/// rules of a person (by stored document number, empty when unreadable) in a year. Returns the
/// valid rows and every problem of the others; a row with any problem yields no
/// [`ImportedRow`].
pub fn validate_rows(
    header_map: &[Option<usize>],
    rows: &[(u32, Vec<Cell>)],
    today: NaiveDate,
    rules: &dyn Fn(&str, i32) -> DeclarationRules,
) -> (Vec<ImportedRow>, Vec<RowError>) {
    let mut imported = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<DuplicateKey, u32> = HashMap::new();

    for (line, cells) in rows {
        if is_blank_row(header_map, cells) {
            continue;
        }
        let mut c = RowCheck {
            line: *line,
            cells,
            map: header_map,
            errors: Vec::new(),
            failed: [false; COLUMNS.len()],
        };

        let doc_number = c.value(DOC_NUMBER, |cell| parse_doc_number(cell, today));
        let real_name = c.text(REAL_NAME, |s| credentials::real_name(s).map_err(|e| e.0));
        let year = c.value(YEAR, parse_year);
        let category = c.text(CATEGORY, parse_category);
        let declaration = c.text(DECLARATION, parse_declaration);
        let course_name = c.text(COURSE_NAME, |s| one_line(s, COURSE_NAME_MAX, "课程名称"));
        let study_form = c.text(STUDY_FORM, |s| one_line(s, STUDY_FORM_MAX, "学习形式"));
        let institution = c.text(INSTITUTION, |s| one_line(s, INSTITUTION_MAX, "施教机构"));
        let start = c.value(START, parse_date);
        let end = c.value(END, parse_date);
        let claimed = c.value(CLAIMED, parse_hours);
        let matches_specialty = c.value(MATCHES_SPECIALTY, |cell| parse_yes_no(cell, "是否对口"));
        let main_author = c.value(MAIN_AUTHOR, |cell| parse_yes_no(cell, "是否第一作者"));
        let assessment_passed = c.text(ASSESSMENT, parse_assessment);
        let content = c.text(CONTENT, |s| multi_line(s, CONTENT_MAX, "培训内容"));
        let location = c.text(LOCATION, |s| one_line(s, LOCATION_MAX, "学习地点"));
        let remarks = c.text(REMARKS, |s| multi_line(s, REMARKS_MAX, "备注"));

        // The rules of a declaration, on whatever could be read: stand-ins take the place of
        // refused cells, and the problems that depend on a stand-in are left out.
        let fallback_date = start.or(end).unwrap_or(EARLIEST_DATE);
        let category_or_default = category.unwrap_or(Category::Professional);
        let input = RecordInput {
            year: year.unwrap_or_else(|| fallback_date.year()),
            category: category_or_default,
            declaration: declaration.unwrap_or(DeclarationType::Other),
            start: start.unwrap_or(fallback_date),
            end: end.unwrap_or(fallback_date),
            claimed: claimed.unwrap_or(Hours::whole(1)),
            matches_specialty: matches_specialty
                .unwrap_or(category_or_default != Category::Elective),
            has_attachment: false,
            main_author: main_author.unwrap_or(false),
        };
        let rules = rules(doc_number.as_deref().unwrap_or(""), input.year);
        for (field, message) in record::validate_record(&input, today, &rules) {
            if record_field_inputs(field).iter().any(|&k| c.failed[k]) {
                continue;
            }
            let (column, message) = match field {
                "year" => (YEAR, message),
                "category" => (CATEGORY, message),
                "start" => (START, message),
                "end" => (END, message),
                "claimed" => (CLAIMED, message),
                "matches_specialty" => (MATCHES_SPECIALTY, message),
                "attachment" => (
                    if input.year < ATTACHMENT_REQUIRED_BEFORE_YEAR {
                        YEAR
                    } else {
                        START
                    },
                    format!(
                        "{ATTACHMENT_REQUIRED_BEFORE_YEAR}年以前的记录须附施教机构出具的证明，\
                         不能批量导入，请逐条申报并上传证明"
                    ),
                ),
                _ => {
                    c.errors.push(RowError {
                        line: *line,
                        column: None,
                        message,
                    });
                    continue;
                }
            };
            // Not `fail`: the cell was read, and the other rules on it still apply.
            c.errors.push(RowError {
                line: *line,
                column: Some(COLUMNS[column].label),
                message,
            });
        }

        if let (Some(doc), Some(year), Some(category), Some(course), Some(start), Some(end)) =
            (&doc_number, year, category, &course_name, start, end)
        {
            let key = (doc.clone(), year, category, course.clone(), start, end);
            match seen.get(&key) {
                Some(earlier) => c.errors.push(RowError {
                    line: *line,
                    column: None,
                    message: format!("与第{earlier}行重复"),
                }),
                None => {
                    seen.insert(key, *line);
                }
            }
        }

        if !c.errors.is_empty() {
            errors.append(&mut c.errors);
            continue;
        }
        let (Some(doc_number), Some(real_name), Some(course_name), Some(institution)) =
            (doc_number, real_name, course_name, institution)
        else {
            continue;
        };
        imported.push(ImportedRow {
            line: *line,
            doc_number,
            real_name,
            input,
            course_name,
            study_form: study_form.unwrap_or_default(),
            institution,
            assessment_passed: assessment_passed.unwrap_or(true),
            content: content.unwrap_or_default(),
            location: location.unwrap_or_default(),
            remarks: remarks.unwrap_or_default(),
        });
    }
    (imported, errors)
}

/// A stable key of a row, so that the same row uploaded twice is recognised: the hex SHA-256 of
/// the document number, year, category, declaration type, course name, dates and hours.
pub fn row_key(row: &ImportedRow) -> String {
    let r = &row.input;
    let fields = [
        row.doc_number.clone(),
        r.year.to_string(),
        r.category.code().to_owned(),
        r.declaration.code().to_owned(),
        row.course_name.clone(),
        r.start.format("%Y-%m-%d").to_string(),
        r.end.format("%Y-%m-%d").to_string(),
        r.claimed.tenths().to_string(),
    ];
    let mut hasher = Sha256::new();
    hasher.update(b"jxjy-import-row-v1");
    // Length-prefixed, so that no choice of field contents can make two rows collide.
    for f in &fields {
        hasher.update((f.len() as u64).to_be_bytes());
        hasher.update(f.as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    fn today() -> NaiveDate {
        d(2025, 6, 15)
    }

    fn t(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }

    fn n(v: f64) -> Cell {
        Cell::Number(v)
    }

    fn col(label: &str) -> usize {
        COLUMNS
            .iter()
            .position(|c| c.label == label)
            .expect("a template column")
    }

    fn identity_map() -> Vec<Option<usize>> {
        (0..COLUMNS.len()).map(Some).collect()
    }

    /// A valid row in template order.
    fn valid() -> Vec<Cell> {
        vec![
            t("110101199003072711"),
            t("张三"),
            n(2024.0),
            t("专业科目"),
            t("培训"),
            t("医院感染管理"),
            t("面授"),
            t("省人民医院"),
            t("2024-03-01"),
            Cell::Date(d(2024, 3, 5)),
            n(30.0),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            t("院感防控"),
            Cell::Empty,
            Cell::Empty,
        ]
    }

    fn with(mut cells: Vec<Cell>, changes: &[(&str, Cell)]) -> Vec<Cell> {
        for (label, cell) in changes {
            cells[col(label)] = cell.clone();
        }
        cells
    }

    fn run(rows: Vec<(u32, Vec<Cell>)>) -> (Vec<ImportedRow>, Vec<RowError>) {
        validate_rows(&identity_map(), &rows, today(), &|_, _| {
            DeclarationRules::default()
        })
    }

    /// The problems of one row at line 2, as (column, message).
    fn problems(cells: Vec<Cell>) -> Vec<(Option<&'static str>, String)> {
        let (ok, errors) = run(vec![(2, cells)]);
        assert!(ok.is_empty() || errors.is_empty());
        errors
            .into_iter()
            .map(|e| {
                assert_eq!(e.line, 2);
                (e.column, e.message)
            })
            .collect()
    }

    fn one(column: &'static str, message: &str) -> Vec<(Option<&'static str>, String)> {
        vec![(Some(column), message.to_owned())]
    }

    fn imported(cells: Vec<Cell>) -> ImportedRow {
        let (mut ok, errors) = run(vec![(2, cells)]);
        assert_eq!(errors, vec![]);
        assert_eq!(ok.len(), 1);
        ok.remove(0)
    }

    #[test]
    fn the_template_columns() {
        let labels: Vec<&str> = COLUMNS.iter().map(|c| c.label).collect();
        assert_eq!(
            labels,
            [
                "证件号码",
                "姓名",
                "申报年度",
                "科目类型",
                "申报类型",
                "课程名称",
                "学习形式",
                "施教机构",
                "开始日期",
                "结束日期",
                "申报学时",
                "是否对口",
                "是否第一作者",
                "考核结果",
                "培训内容",
                "学习地点",
                "备注"
            ]
        );
        let optional: Vec<&str> = COLUMNS
            .iter()
            .filter(|c| !c.required)
            .map(|c| c.label)
            .collect();
        assert_eq!(
            optional,
            [
                "学习形式",
                "是否对口",
                "是否第一作者",
                "考核结果",
                "培训内容",
                "学习地点",
                "备注"
            ]
        );
        let declarations: Vec<&str> = DeclarationType::ALL.iter().map(|d| d.label()).collect();
        assert_eq!(COLUMNS[DECLARATION].hint, declarations.join("/"));
        let indices = [
            DOC_NUMBER,
            REAL_NAME,
            YEAR,
            CATEGORY,
            DECLARATION,
            COURSE_NAME,
            STUDY_FORM,
            INSTITUTION,
            START,
            END,
            CLAIMED,
            MATCHES_SPECIALTY,
            MAIN_AUTHOR,
            ASSESSMENT,
            CONTENT,
            LOCATION,
            REMARKS,
        ];
        assert_eq!(indices.to_vec(), (0..COLUMNS.len()).collect::<Vec<_>>());
    }

    #[test]
    fn header_in_any_order_with_marks_and_extra_columns() {
        let header = vec![
            t("说明"),
            t("申报学时*"),
            t(" 证件号码 "),
            Cell::Empty,
            t("姓名（必填）"),
            t("＊申报年度"),
            t("科目类型 *"),
            t("申报类型(必填)"),
            t("课程名称"),
            t("施教机构"),
            t("开始日期"),
            t("结束日期"),
            n(42.0),
            t("培训内容"),
        ];
        let map = map_header(&header).unwrap();
        assert_eq!(map[col("申报学时")], Some(1));
        assert_eq!(map[col("证件号码")], Some(2));
        assert_eq!(map[col("姓名")], Some(4));
        assert_eq!(map[col("申报年度")], Some(5));
        assert_eq!(map[col("科目类型")], Some(6));
        assert_eq!(map[col("申报类型")], Some(7));
        assert_eq!(map[col("培训内容")], Some(13));
        for optional in ["学习形式", "是否对口", "是否第一作者", "考核结果"] {
            assert_eq!(map[col(optional)], None, "{optional}");
        }

        // The template's own header maps to itself.
        let template: Vec<Cell> = COLUMNS
            .iter()
            .map(|c| t(&format!("{}{}", c.label, if c.required { "*" } else { "" })))
            .collect();
        assert_eq!(map_header(&template), Ok(identity_map()));
    }

    #[test]
    fn header_missing_required_columns() {
        let header: Vec<Cell> = COLUMNS
            .iter()
            .filter(|c| c.label != "证件号码" && c.label != "申报学时")
            .map(|c| t(c.label))
            .collect();
        assert_eq!(
            map_header(&header),
            Err(vec!["缺少必填列：证件号码、申报学时".to_owned()])
        );
        assert_eq!(
            map_header(&[]),
            Err(vec![
                "缺少必填列：证件号码、姓名、申报年度、科目类型、申报类型、课程名称、施教机构、开始日期、结束日期、申报学时"
                    .to_owned()
            ])
        );
    }

    #[test]
    fn header_duplicated_columns() {
        let mut header: Vec<Cell> = COLUMNS.iter().map(|c| t(c.label)).collect();
        header.push(t("证件号码*"));
        header.push(t("是否对口"));
        assert_eq!(
            map_header(&header),
            Err(vec![
                "表头中“证件号码”列出现了多次，请只保留一列".to_owned(),
                "表头中“是否对口”列出现了多次，请只保留一列".to_owned(),
            ])
        );
        // Missing and duplicated at once: every problem is told.
        let header = vec![t("姓名"), t("姓名")];
        let errors = map_header(&header).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert!(errors[0].starts_with("缺少必填列：证件号码、申报年度"));
        assert_eq!(errors[1], "表头中“姓名”列出现了多次，请只保留一列");
    }

    #[test]
    fn dates_in_every_accepted_form() {
        let march_first = Ok(d(2024, 3, 1));
        for s in [
            "2024-03-01",
            "2024-3-1",
            "2024/3/1",
            "2024/03/01",
            "2024.3.1",
            "2024年3月1日",
            "2024年03月01日",
            "20240301",
            " 2024-03-01 ",
            "２０２４－０３－０１",
            "２０２４年３月１日",
        ] {
            assert_eq!(parse_date(&t(s)), march_first, "{s}");
        }
        assert_eq!(parse_date(&Cell::Date(d(2024, 3, 1))), march_first);
        // A serial date, and the digits typed into a number cell.
        assert_eq!(parse_date(&n(45352.0)), march_first);
        assert_eq!(parse_date(&n(20240301.0)), march_first);
    }

    #[test]
    fn dates_refused() {
        let format = Err("日期格式应为 2024-03-01".to_owned());
        for s in [
            "24-3-1",
            "2024-03",
            "2024/03-01",
            "2024-03-01-02",
            "2024年3月1",
            "3月1日",
            "March 1, 2024",
            "2024-03-01 08:00",
            "2024-3-001",
            "202431",
        ] {
            assert_eq!(parse_date(&t(s)), format, "{s}");
        }
        assert_eq!(parse_date(&n(45352.5)), format);
        assert_eq!(parse_date(&n(-1.0)), format);
        assert_eq!(parse_date(&n(f64::NAN)), format);
        assert_eq!(parse_date(&Cell::Bool(true)), format);
        let missing = Err("日期不存在，请核对".to_owned());
        assert_eq!(parse_date(&t("2023-02-29")), missing);
        assert_eq!(parse_date(&t("2024-13-01")), missing);
        assert_eq!(parse_date(&n(20230229.0)), missing);
        assert_eq!(parse_date(&t("2024-02-29")), Ok(d(2024, 2, 29)));
        let range = Err("日期应在1950年至2099年之间".to_owned());
        assert_eq!(parse_date(&t("1949-12-31")), range);
        assert_eq!(parse_date(&t("2100-01-01")), range);
        assert_eq!(parse_date(&Cell::Date(d(1900, 1, 1))), range);
    }

    #[test]
    fn excel_serial_numbers_and_the_1900_leap_year_bug() {
        assert_eq!(excel_serial_date(1), Some(d(1900, 1, 1)));
        assert_eq!(excel_serial_date(59), Some(d(1900, 2, 28)));
        // Serial 60 is Excel's 1900-02-29, a day that does not exist.
        assert_eq!(excel_serial_date(60), None);
        assert_eq!(excel_serial_date(61), Some(d(1900, 3, 1)));
        assert_eq!(excel_serial_date(0), None);
        assert_eq!(excel_serial_date(-5), None);
        assert_eq!(excel_serial_date(45352), Some(d(2024, 3, 1)));
        assert_eq!(excel_serial_date(i64::MAX), None);

        // Only serials of 1950-01-01..=2099-12-31 are taken as dates.
        let format = Err("日期格式应为 2024-03-01".to_owned());
        assert_eq!(parse_date(&n(18264.0)), Ok(d(1950, 1, 1)));
        assert_eq!(parse_date(&n(18263.0)), format);
        assert_eq!(parse_date(&n(73050.0)), Ok(d(2099, 12, 31)));
        assert_eq!(parse_date(&n(73051.0)), format);
        assert_eq!(parse_date(&n(60.0)), format);
        assert_eq!(parse_date(&n(61.0)), format);
    }

    #[test]
    fn hours_from_numbers_and_text() {
        let h = |cell: Cell| parse_hours(&cell);
        assert_eq!(h(n(30.0)), Ok(Hours::whole(30)));
        assert_eq!(h(n(30.5)), Ok(Hours::from_tenths(305)));
        // What spreadsheets store for 7.2 and for 0.1 + 0.2.
        assert_eq!(h(n(7.199_999_999_999_999)), Ok(Hours::from_tenths(72)));
        assert_eq!(h(n(7.200_000_001)), Ok(Hours::from_tenths(72)));
        assert_eq!(h(n(0.1 + 0.2)), Ok(Hours::from_tenths(3)));
        assert_eq!(h(n(9999.9)), Ok(Hours::from_tenths(99_999)));
        assert_eq!(h(n(0.0)), Ok(Hours::ZERO));
        let one_decimal = Err("学时最多保留一位小数".to_owned());
        assert_eq!(h(n(7.25)), one_decimal);
        assert_eq!(h(n(7.2001)), one_decimal);
        assert_eq!(h(n(7.19999)), one_decimal);
        assert_eq!(h(n(-1.0)), Err("学时不能为负数".to_owned()));
        assert_eq!(h(n(10000.0)), Err("学时不能超过9999.9".to_owned()));
        assert_eq!(h(n(1e300)), Err("学时不能超过9999.9".to_owned()));
        assert_eq!(
            h(n(f64::NAN)),
            Err("学时应为数字，最多保留一位小数".to_owned())
        );
        assert_eq!(h(t("30.5")), Ok(Hours::from_tenths(305)));
        assert_eq!(h(t("３０")), Ok(Hours::whole(30)));
        assert_eq!(h(t("30.55")), one_decimal);
        assert_eq!(
            h(t("三十")),
            Err("学时应为数字，最多保留一位小数".to_owned())
        );
        assert_eq!(
            h(Cell::Date(d(2024, 1, 1))),
            Err("学时应为数字，最多保留一位小数".to_owned())
        );
    }

    #[test]
    fn a_valid_row_gives_the_exact_record() {
        let row = imported(valid());
        assert_eq!(
            row,
            ImportedRow {
                line: 2,
                doc_number: "110101199003072711".to_owned(),
                real_name: "张三".to_owned(),
                input: RecordInput {
                    year: 2024,
                    category: Category::Professional,
                    declaration: DeclarationType::Training,
                    start: d(2024, 3, 1),
                    end: d(2024, 3, 5),
                    claimed: Hours::whole(30),
                    matches_specialty: true,
                    has_attachment: false,
                    main_author: false,
                },
                course_name: "医院感染管理".to_owned(),
                study_form: "面授".to_owned(),
                institution: "省人民医院".to_owned(),
                assessment_passed: true,
                content: "院感防控".to_owned(),
                location: String::new(),
                remarks: String::new(),
            }
        );
    }

    #[test]
    fn values_are_normalised() {
        let row = imported(with(
            valid(),
            &[
                ("证件号码", t(" 11010119900307002x ")),
                ("姓名", t(" 阿依古丽．买买提 ")),
                ("申报年度", t("2024年")),
                ("科目类型", t("公需")),
                ("申报类型", t(" 网络学习 ")),
                ("课程名称", t("  医院感染\n管理  ")),
                ("学习形式", Cell::Empty),
                ("申报学时", t("24.5")),
                ("是否对口", t("否")),
                ("是否第一作者", Cell::Bool(true)),
                ("考核结果", t("不合格")),
                ("培训内容", t("第一天：理论\r\n第二天：实操")),
            ],
        ));
        assert_eq!(row.doc_number, "11010119900307002X");
        assert_eq!(row.real_name, "阿依古丽·买买提");
        assert_eq!(row.input.year, 2024);
        assert_eq!(row.input.category, Category::Public);
        assert_eq!(row.input.declaration, DeclarationType::OnlineLearning);
        assert_eq!(row.course_name, "医院感染 管理");
        assert_eq!(row.study_form, "");
        assert_eq!(row.input.claimed, Hours::from_tenths(245));
        assert!(!row.input.matches_specialty);
        assert!(row.input.main_author);
        assert!(!row.assessment_passed);
        assert_eq!(row.content, "第一天：理论\n第二天：实操");
    }

    #[test]
    fn every_kind_of_document_number() {
        let doc = |cell: Cell| imported(with(valid(), &[("证件号码", cell)])).doc_number;
        // A legacy 15-digit number, as text or as a number cell, is stored in its 18-digit form.
        assert_eq!(doc(t("440106661007095")), "440106196610070958");
        assert_eq!(doc(n(440106661007095.0)), "440106196610070958");
        assert_eq!(doc(t("a123456 (3)")), "A123456(3)");
        assert_eq!(doc(t("1234567(8)")), "1234567(8)");
        assert_eq!(doc(n(12345678.0)), "1234567(8)");
        let first17 = "81000019850512002";
        let permit = format!(
            "{first17}{}",
            identity::gb11643_check_char(first17).unwrap()
        );
        assert_eq!(doc(t(&permit)), permit);
    }

    #[test]
    fn document_number_errors() {
        let err = |cell: Cell| problems(with(valid(), &[("证件号码", cell)]));
        assert_eq!(
            err(t("110101199003072712")),
            one("证件号码", "身份证号码校验位不正确，请核对最后一位")
        );
        assert_eq!(
            err(t("1101011990")),
            one("证件号码", "居民身份证号码应为18位（旧的15位号码也可以）")
        );
        assert_eq!(
            err(t("A123456(7)")),
            one("证件号码", "香港居民身份证号码校验位不正确")
        );
        assert_eq!(
            err(t("2234567(8)")),
            one("证件号码", "澳门居民身份证号码格式应如 1234567(8)")
        );
        assert_eq!(
            err(t("810000198505120020")),
            one(
                "证件号码",
                "港澳台居民居住证号码校验位不正确，请核对最后一位"
            )
        );
        assert_eq!(
            err(n(110101199003072711.0)),
            one(
                "证件号码",
                "证件号码被存成了数字，后几位已丢失，请将该列设为文本格式后重新填写"
            )
        );
        assert_eq!(err(Cell::Empty), one("证件号码", "请填写证件号码"));
        assert_eq!(err(t(" \u{3000} ")), one("证件号码", "请填写证件号码"));
    }

    #[test]
    fn every_required_cell_left_blank() {
        let blank: Vec<Cell> = valid()
            .into_iter()
            .enumerate()
            .map(|(i, c)| if i == 0 { c } else { Cell::Empty })
            .collect();
        let expected: Vec<(Option<&'static str>, String)> = COLUMNS
            .iter()
            .skip(1)
            .filter(|c| c.required)
            .map(|c| (Some(c.label), format!("请填写{}", c.label)))
            .collect();
        assert_eq!(problems(blank), expected);
    }

    #[test]
    fn cell_errors_with_their_column() {
        let cases: Vec<(&str, Cell, &str)> = vec![
            ("姓名", t("张3"), "姓名不能包含数字"),
            (
                "申报年度",
                t("二〇二四"),
                "申报年度应为四位数字的年份，如 2024",
            ),
            ("申报年度", n(2024.5), "申报年度应为四位数字的年份，如 2024"),
            (
                "科目类型",
                t("必修"),
                "科目类型应为公需科目、专业科目或选修科目",
            ),
            (
                "申报类型",
                t("讲座"),
                "申报类型应为以下之一：培训、学术会议、发表论文、出版专著、专利、课题项目、进修、网络学习、其他",
            ),
            ("课程名称", t(&"课".repeat(101)), "课程名称不能超过100个字"),
            ("学习形式", t(&"面".repeat(31)), "学习形式不能超过30个字"),
            ("施教机构", t(&"院".repeat(101)), "施教机构不能超过100个字"),
            (
                "施教机构",
                t("省\u{7}医院"),
                "施教机构不能包含换行、制表符等控制字符",
            ),
            ("开始日期", t("3月1日"), "日期格式应为 2024-03-01"),
            ("结束日期", t("2024-02-30"), "日期不存在，请核对"),
            ("申报学时", t("30.25"), "学时最多保留一位小数"),
            ("是否对口", t("对口"), "是否对口应填写“是”或“否”"),
            ("是否第一作者", n(1.0), "是否第一作者应填写“是”或“否”"),
            ("考核结果", t("良好"), "考核结果应填写“合格”或“不合格”"),
            ("培训内容", t(&"容".repeat(501)), "培训内容不能超过500个字"),
            ("培训内容", t("a\u{0}b"), "培训内容不能包含控制字符"),
            (
                "申报学时",
                Cell::Error("#N/A".to_owned()),
                "单元格是错误值“#N/A”，请修正后重新上传",
            ),
        ];
        for (label, cell, message) in cases {
            let label = COLUMNS[col(label)].label;
            assert_eq!(
                problems(with(valid(), &[(label, cell)])),
                one(label, message),
                "{label}"
            );
        }
        // At the limits.
        imported(with(
            valid(),
            &[
                ("课程名称", t(&"课".repeat(100))),
                ("学习形式", t(&"面".repeat(30))),
                ("施教机构", t(&"院".repeat(100))),
                ("培训内容", t(&"容".repeat(500))),
            ],
        ));
    }

    #[test]
    fn record_rules_with_their_column() {
        // A declaration year after this year (2025), and a start outside it.
        assert_eq!(
            problems(with(valid(), &[("申报年度", n(2026.0))])),
            vec![
                (Some("申报年度"), "申报年度不能晚于今年".to_owned()),
                (Some("开始日期"), "培训开始日期应在申报年度内".to_owned()),
            ]
        );
        assert_eq!(
            problems(with(valid(), &[("结束日期", t("2024-02-28"))])),
            one("结束日期", "结束日期不能早于开始日期")
        );
        // 5 days allow 30 hours.
        assert_eq!(
            problems(with(valid(), &[("申报学时", n(30.5))])),
            one(
                "申报学时",
                "申报学时超过了培训天数可折算的学时（每天6学时）"
            )
        );
        assert_eq!(
            problems(with(valid(), &[("申报学时", n(0.0))])),
            one("申报学时", "申报学时必须大于0")
        );
        // An elective defaults to not matching; saying it matches is refused.
        let elective = with(valid(), &[("科目类型", t("选修科目"))]);
        assert!(!imported(elective.clone()).input.matches_specialty);
        assert_eq!(
            problems(with(elective, &[("是否对口", t("是"))])),
            one(
                "是否对口",
                "选修科目应为与本专业不对口的内容，对口的内容请申报为专业科目"
            )
        );
        // Fixed figures by authorship.
        let patent = with(valid(), &[("申报类型", t("专利")), ("申报学时", n(28.0))]);
        assert_eq!(
            problems(patent.clone()),
            one(
                "申报学时",
                "该申报类型的学时为固定值：第一作者28学时，其他作者14学时"
            )
        );
        let main = imported(with(patent.clone(), &[("是否第一作者", t("是"))]));
        assert!(main.input.main_author);
        assert_eq!(
            problems(with(
                patent,
                &[("是否第一作者", t("是")), ("科目类型", t("公需科目"))]
            )),
            one("科目类型", "专利只能申报为专业科目")
        );
    }

    #[test]
    fn each_row_is_checked_against_the_rules_of_its_person_and_year() {
        // The rule set of 2020 for 张三 counts a patent 30/15 hours; every other year 28/14.
        let rules = |doc: &str, year: i32| {
            let mut r = DeclarationRules::default();
            if doc == "110101199003072711" && year == 2020 {
                r.main_author_hours = Hours::whole(30);
                r.other_author_hours = Hours::whole(15);
            }
            r
        };
        let patent = |year: f64, start: &str, end: &str, hours: f64| {
            with(
                valid(),
                &[
                    ("申报年度", n(year)),
                    ("申报类型", t("专利")),
                    ("开始日期", t(start)),
                    ("结束日期", t(end)),
                    ("申报学时", n(hours)),
                ],
            )
        };
        let check = |row: Vec<Cell>| validate_rows(&identity_map(), &[(2, row)], today(), &rules);
        assert!(
            check(patent(2020.0, "2020-05-01", "2020-05-01", 15.0))
                .1
                .is_empty()
        );
        let (_, errors) = check(patent(2020.0, "2020-05-01", "2020-05-01", 14.0));
        assert_eq!(
            errors[0].message,
            "该申报类型的学时为固定值：第一作者30学时，其他作者15学时"
        );
        assert!(
            check(patent(2024.0, "2024-05-01", "2024-05-01", 14.0))
                .1
                .is_empty()
        );
        // Without a readable year the rule set is unknown: no guess about the hours.
        let (_, errors) = check(with(
            patent(2020.0, "2020-05-01", "2020-05-01", 14.0),
            &[("申报年度", t("去年"))],
        ));
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].column, Some("申报年度"));
    }

    #[test]
    fn rows_of_study_not_yet_ended_are_refused() {
        // Today is 2025-06-15.
        assert_eq!(
            problems(with(
                valid(),
                &[
                    ("申报年度", n(2025.0)),
                    ("开始日期", t("2025-06-14")),
                    ("结束日期", t("2025-06-16")),
                    ("申报学时", n(12.0)),
                ]
            )),
            one(
                "结束日期",
                "结束日期不能晚于今天（2025-06-15）：学习结束后才能申报学时"
            )
        );
        imported(with(
            valid(),
            &[
                ("申报年度", n(2025.0)),
                ("开始日期", t("2025-06-14")),
                ("结束日期", t("2025-06-15")),
                ("申报学时", n(12.0)),
            ],
        ));
    }

    #[test]
    fn location_and_remarks_are_optional_columns() {
        let row = imported(with(
            valid(),
            &[
                ("学习地点", t(" 广州市\n天河区 ")),
                ("备注", t("第一期\n补录")),
            ],
        ));
        assert_eq!(row.location, "广州市 天河区");
        assert_eq!(row.remarks, "第一期\n补录");
        assert_eq!(
            problems(with(valid(), &[("学习地点", t(&"地".repeat(101)))])),
            one("学习地点", "学习地点不能超过100个字")
        );
        assert_eq!(
            problems(with(valid(), &[("备注", t(&"注".repeat(501)))])),
            one("备注", "备注不能超过500个字")
        );
        // Neither makes another record.
        let plain = imported(valid());
        assert_eq!(row_key(&row), row_key(&plain));
    }

    #[test]
    fn the_people_of_the_rows_are_read_before_the_check() {
        let rows = vec![
            (2, valid()),
            (3, vec![Cell::Empty; COLUMNS.len()]),
            (
                4,
                with(
                    valid(),
                    &[
                        ("证件号码", t("110101900307271")),
                        ("姓名", t("张3")),
                        ("申报年度", t("2020年")),
                        ("申报学时", t("很多")),
                    ],
                ),
            ),
            (
                5,
                with(
                    valid(),
                    &[("证件号码", t("123")), ("申报年度", Cell::Empty)],
                ),
            ),
        ];
        assert_eq!(
            row_people(&identity_map(), &rows, today()),
            vec![
                RowPerson {
                    line: 2,
                    doc_number: Some("110101199003072711".into()),
                    real_name: Some("张三".into()),
                    year: Some(2024),
                },
                RowPerson {
                    line: 4,
                    doc_number: Some("110101199003072711".into()),
                    real_name: None,
                    year: Some(2020),
                },
                RowPerson {
                    line: 5,
                    doc_number: None,
                    real_name: Some("张三".into()),
                    year: None,
                },
            ]
        );
    }

    #[test]
    fn records_before_2008_cannot_be_imported() {
        let message = "2008年以前的记录须附施教机构出具的证明，不能批量导入，请逐条申报并上传证明";
        assert_eq!(
            problems(with(
                valid(),
                &[
                    ("申报年度", n(2007.0)),
                    ("开始日期", t("2007-03-01")),
                    ("结束日期", t("2007-03-05")),
                ]
            )),
            one("申报年度", message)
        );
        // A 2008 declaration of a course that started in 2007.
        assert_eq!(
            problems(with(
                valid(),
                &[
                    ("申报年度", n(2008.0)),
                    ("开始日期", t("2007-12-28")),
                    ("结束日期", t("2008-01-01")),
                ]
            )),
            vec![
                (Some("开始日期"), "培训开始日期应在申报年度内".to_owned()),
                (Some("开始日期"), message.to_owned()),
            ]
        );
    }

    #[test]
    fn all_problems_of_a_row_and_none_from_refused_cells() {
        let row = with(
            valid(),
            &[
                ("证件号码", t("110101199003072712")),
                ("开始日期", t("2024-3")),
                ("申报学时", t("很多")),
                ("考核结果", t("优秀")),
            ],
        );
        // No "start outside the year" or "hours beyond the days": their inputs were refused.
        assert_eq!(
            problems(row),
            vec![
                (
                    Some("证件号码"),
                    "身份证号码校验位不正确，请核对最后一位".to_owned()
                ),
                (Some("开始日期"), "日期格式应为 2024-03-01".to_owned()),
                (
                    Some("申报学时"),
                    "学时应为数字，最多保留一位小数".to_owned()
                ),
                (
                    Some("考核结果"),
                    "考核结果应填写“合格”或“不合格”".to_owned()
                ),
            ]
        );
        // A refused year leaves the other rules in force.
        assert_eq!(
            problems(with(
                valid(),
                &[("申报年度", t("明年")), ("结束日期", t("2024-02-01"))]
            )),
            vec![
                (
                    Some("申报年度"),
                    "申报年度应为四位数字的年份，如 2024".to_owned()
                ),
                (Some("结束日期"), "结束日期不能早于开始日期".to_owned()),
            ]
        );
    }

    #[test]
    fn duplicates_inside_the_file() {
        let other_course = with(valid(), &[("课程名称", t("急救技能"))]);
        // The legacy form of the same document number is the same person.
        let legacy_same = with(
            valid(),
            &[
                ("证件号码", t("110101900307271")),
                ("姓名", t("张三")),
                ("申报学时", n(12.0)),
            ],
        );
        assert_eq!(
            parse_any_document("110101900307271", today()),
            Ok("110101199003072711".to_owned())
        );
        let (ok, errors) = run(vec![
            (5, valid()),
            (6, other_course),
            (7, valid()),
            (8, legacy_same),
        ]);
        assert_eq!(
            ok.iter().map(|r| r.line).collect::<Vec<_>>(),
            vec![5, 6],
            "the first of the duplicates is imported"
        );
        assert_eq!(
            errors,
            vec![
                RowError {
                    line: 7,
                    column: None,
                    message: "与第5行重复".to_owned()
                },
                RowError {
                    line: 8,
                    column: None,
                    message: "与第5行重复".to_owned()
                },
            ]
        );

        // The earlier row counts even when it has problems of its own.
        let bad_first = with(valid(), &[("施教机构", Cell::Empty)]);
        let (ok, errors) = run(vec![(2, bad_first), (3, valid())]);
        assert!(ok.is_empty());
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[1].message, "与第2行重复");
    }

    #[test]
    fn blank_rows_are_skipped() {
        let blank = vec![Cell::Empty; COLUMNS.len()];
        let spaces = vec![t(" "), t("\u{3000}"), Cell::Empty];
        let (ok, errors) = run(vec![(2, blank), (3, vec![]), (4, spaces), (5, valid())]);
        assert_eq!(errors, vec![]);
        assert_eq!(ok.len(), 1);
        assert_eq!(ok[0].line, 5);

        // A note in a column the template does not know does not make a row.
        let header = vec![t("说明"), t("证件号码")]
            .into_iter()
            .chain(COLUMNS.iter().skip(1).map(|c| t(c.label)))
            .collect::<Vec<_>>();
        let map = map_header(&header).unwrap();
        let mut note_only = vec![Cell::Empty; header.len()];
        note_only[0] = t("以下为2024年数据");
        let mut row = vec![t("说明")];
        row.extend(valid());
        let (ok, errors) = validate_rows(&map, &[(2, note_only), (3, row)], today(), &|_, _| {
            DeclarationRules::default()
        });
        assert_eq!(errors, vec![]);
        assert_eq!(ok.len(), 1);
        assert_eq!(ok[0].input, imported(valid()).input);
    }

    #[test]
    fn short_rows_and_missing_optional_columns() {
        // Without the optional columns, their defaults apply.
        let header: Vec<Cell> = COLUMNS
            .iter()
            .filter(|c| c.required)
            .map(|c| t(c.label))
            .collect();
        let map = map_header(&header).unwrap();
        let cells: Vec<Cell> = valid()
            .into_iter()
            .zip(COLUMNS)
            .filter(|(_, c)| c.required)
            .map(|(cell, _)| cell)
            .collect();
        let (ok, errors) = validate_rows(&map, &[(9, cells.clone())], today(), &|_, _| {
            DeclarationRules::default()
        });
        assert_eq!(errors, vec![]);
        assert!(ok[0].input.matches_specialty);
        assert!(!ok[0].input.main_author);
        assert!(ok[0].assessment_passed);
        assert_eq!(
            (ok[0].study_form.as_str(), ok[0].content.as_str()),
            ("", "")
        );

        // A row cut short: the missing cells are blank.
        let (_, errors) = validate_rows(&map, &[(9, cells[..8].to_vec())], today(), &|_, _| {
            DeclarationRules::default()
        });
        assert_eq!(
            errors
                .iter()
                .map(|e| (e.line, e.column, e.message.as_str()))
                .collect::<Vec<_>>(),
            vec![
                (9, Some("结束日期"), "请填写结束日期"),
                (9, Some("申报学时"), "请填写申报学时")
            ]
        );
    }

    #[test]
    fn row_keys_are_stable() {
        let row = imported(valid());
        let key = row_key(&row);
        assert_eq!(key.len(), 64);
        assert!(
            key.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        // Pinned: a change of the key would import every earlier file again.
        assert_eq!(
            key,
            "1f942ed6accff5b7f26cf246e5da20fb89fb3e649f52477b149d46a80d8547eb"
        );
        // The line, name, institution and other details do not make another record.
        let mut moved = row.clone();
        moved.line = 40;
        moved.real_name = "张叁".to_owned();
        moved.institution = "另一家".to_owned();
        moved.content = String::new();
        assert_eq!(row_key(&moved), key);
        // Each part of the key does.
        let mut changes: Vec<ImportedRow> = Vec::new();
        let mut r = row.clone();
        r.doc_number = "11010119900307002X".to_owned();
        changes.push(r);
        let mut r = row.clone();
        r.input.year = 2023;
        changes.push(r);
        let mut r = row.clone();
        r.input.category = Category::Public;
        changes.push(r);
        let mut r = row.clone();
        r.input.declaration = DeclarationType::Conference;
        changes.push(r);
        let mut r = row.clone();
        r.course_name.push('2');
        changes.push(r);
        let mut r = row.clone();
        r.input.start = d(2024, 3, 2);
        changes.push(r);
        let mut r = row.clone();
        r.input.end = d(2024, 3, 6);
        changes.push(r);
        let mut r = row.clone();
        r.input.claimed = Hours::from_tenths(299);
        changes.push(r);
        let mut keys: Vec<String> = changes.iter().map(row_key).collect();
        keys.push(key);
        let count = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), count);
    }

    #[test]
    fn odd_cells_never_panic() {
        let odd = [
            Cell::Empty,
            t(""),
            t("-"),
            t("年月日"),
            t("9999999999999999999999"),
            n(f64::INFINITY),
            n(f64::NEG_INFINITY),
            n(f64::NAN),
            n(-0.0),
            n(1e20),
            n(-1e20),
            Cell::Bool(false),
            Cell::Date(NaiveDate::MIN),
            Cell::Date(NaiveDate::MAX),
            Cell::Error(String::new()),
        ];
        for cell in &odd {
            let row = vec![cell.clone(); COLUMNS.len()];
            let _ = run(vec![(u32::MAX, row)]);
            for c in &COLUMNS {
                let _ = run(vec![(1, with(valid(), &[(c.label, cell.clone())]))]);
            }
        }
    }
}
