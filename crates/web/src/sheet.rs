//! Reading an uploaded spreadsheet into rows of [`Cell`]s for the rules of
//! [`domain::import`]. Only the file format is handled here: which row is the header and what the
//! cells mean is decided by the domain.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{DataRef, Reader, SheetType, SheetVisible, Xlsx, XlsxError};
use chrono::NaiveDate;
use domain::import::{Cell, MAX_ROWS};

pub const NOT_XLSX: &str = "文件不是有效的 Excel（.xlsx）文件";
pub const TOO_MANY_ROWS: &str = "一次最多导入20000行，请分批上传";

/// Columns kept from the leftmost one used; the template has 15, and a unit may add a few of its
/// own. Further cells are ignored, which bounds the memory a sheet of stray cells can take.
const MAX_COLUMNS: u32 = 64;

/// Cells kept at most while reading, so that a file of stray cells cannot exhaust the memory:
/// a full upload of the template's 15 columns needs half of it.
const MAX_CELLS: usize = (MAX_ROWS + 1) * 32;

/// Merged ranges named in the message at most.
const MERGES_NAMED: usize = 5;

pub const TOO_LARGE_INSIDE: &str =
    "文件解压后过大（超过100MB），不像是学时导入模板，请只保留一个工作表和需要导入的数据后再上传";

/// What an upload may hold once unzipped. The reader keeps shared strings and styles in
/// memory, so a small file that unzips to gigabytes (a zip bomb) is refused before reading.
/// The template with 20,000 rows unzips to well under 50 MB.
const MAX_UNZIPPED: u64 = 100 * 1024 * 1024;
const MAX_ENTRIES: usize = 2_000;

/// Refuses an archive whose entries, as its directory declares them, unzip to more than
/// `max_total` bytes (or hold implausibly many entries).
fn check_unzipped(bytes: &[u8], max_total: u64) -> Result<(), String> {
    // Not a ZIP at all (an old .xls, a password-protected workbook, anything else): no bomb
    // either; the reader says what it is.
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    if zip.len() > MAX_ENTRIES {
        return Err(TOO_LARGE_INSIDE.to_owned());
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|_| NOT_XLSX.to_owned())?;
        total = total.saturating_add(entry.size());
        if total > max_total {
            return Err(TOO_LARGE_INSIDE.to_owned());
        }
    }
    Ok(())
}

/// The first visible worksheet of an .xlsx file, as (1-based row number, cells) for every row
/// with anything in it, in sheet order; the first row returned, the first one used, is taken as
/// the header. A cell's index is the same column in every row, counted from the leftmost column
/// used anywhere (at most 64 columns); a row ends at its last non-blank cell, so rows may be
/// shorter than the header. Text is trimmed, blank text is `Empty`; a formula gives its cached
/// value, or `Empty` without one.
///
/// Refused: anything but an .xlsx file, more than [`MAX_ROWS`] rows under the first one, and
/// merged cells reaching below the first row (the merged value sits in one cell only, the others
/// would read as empty).
pub fn read_first_sheet(bytes: &[u8]) -> Result<Vec<(u32, Vec<Cell>)>, String> {
    check_unzipped(bytes, MAX_UNZIPPED)?;
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|e| match e {
        XlsxError::Password => "文件设置了密码，请取消密码后再上传".to_owned(),
        _ => NOT_XLSX.to_owned(),
    })?;
    let Some(name) = first_worksheet(&book) else {
        return Ok(Vec::new());
    };

    // Row → (column, cell), blank cells left out; both 0-based as calamine gives them.
    let mut rows: BTreeMap<u32, Vec<(u32, Cell)>> = BTreeMap::new();
    let mut kept = 0usize;
    {
        let mut reader = book
            .worksheet_cells_reader(&name)
            .map_err(|_| NOT_XLSX.to_owned())?;
        while let Some(cell) = reader.next_cell().map_err(|_| NOT_XLSX.to_owned())? {
            let value = to_cell(cell.get_value());
            if value.is_blank() {
                continue;
            }
            let (row, column) = cell.get_position();
            // The header and MAX_ROWS data rows.
            if !rows.contains_key(&row) && rows.len() > MAX_ROWS {
                return Err(TOO_MANY_ROWS.to_owned());
            }
            kept += 1;
            if kept > MAX_CELLS {
                return Err(TOO_MANY_ROWS.to_owned());
            }
            rows.entry(row).or_default().push((column, value));
        }
    }

    let Some(&header_row) = rows.keys().next() else {
        return Ok(Vec::new());
    };

    let merges = book
        .merge_cells_by_sheet_name(&name)
        .map_err(|_| NOT_XLSX.to_owned())?;
    let mut merged_rows: Vec<(u32, u32)> = merges
        .iter()
        .filter(|m| m.end.0 > header_row)
        .map(|m| (m.start.0 + 1, m.end.0 + 1))
        .collect();
    if !merged_rows.is_empty() {
        merged_rows.sort_unstable();
        merged_rows.dedup();
        return Err(merged_message(&merged_rows));
    }

    // One column numbering for all rows: from the leftmost cell used anywhere.
    let first = rows
        .values()
        .flat_map(|cells| cells.iter().map(|(c, _)| *c))
        .min()
        .unwrap_or(0);
    let last = first.saturating_add(MAX_COLUMNS - 1);

    let mut out = Vec::with_capacity(rows.len());
    for (row, cells) in rows {
        let mut dense: Vec<Cell> = Vec::new();
        for (column, value) in cells {
            if column > last {
                continue;
            }
            let i = (column - first) as usize;
            if dense.len() <= i {
                dense.resize(i + 1, Cell::Empty);
            }
            dense[i] = value;
        }
        if !dense.is_empty() {
            out.push((row + 1, dense));
        }
    }
    Ok(out)
}

/// The first visible worksheet, or the first worksheet when all are hidden; chart sheets and the
/// like are passed over.
fn first_worksheet<RS>(book: &Xlsx<RS>) -> Option<String>
where
    RS: std::io::Read + std::io::Seek,
{
    let sheets = book.sheets_metadata();
    let mut worksheets = sheets.iter().filter(|s| s.typ == SheetType::WorkSheet);
    worksheets
        .clone()
        .find(|s| s.visible == SheetVisible::Visible)
        .or_else(|| worksheets.next())
        .map(|s| s.name.clone())
}

/// "第3行至第5行、第8行有合并单元格，请取消合并后再上传", given 1-based row spans.
fn merged_message(spans: &[(u32, u32)]) -> String {
    let named: Vec<String> = spans
        .iter()
        .take(MERGES_NAMED)
        .map(|&(a, b)| {
            if a == b {
                format!("第{a}行")
            } else {
                format!("第{a}行至第{b}行")
            }
        })
        .collect();
    let more = if spans.len() > MERGES_NAMED {
        "等处"
    } else {
        ""
    };
    format!("{}{more}有合并单元格，请取消合并后再上传", named.join("、"))
}

fn text(s: &str) -> Cell {
    let s = s.trim();
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s.to_owned())
    }
}

fn to_cell(value: &DataRef<'_>) -> Cell {
    match value {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) => text(s),
        DataRef::SharedString(s) => text(s),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) if dt.is_datetime() => {
            // Handles the 1904 date system of old Mac workbooks, which the raw value does not.
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            match NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d)) {
                Some(date) => Cell::Date(date),
                // Excel's 1900-02-29, or a value below its range: let the rules explain.
                None => Cell::Text(format!("{y:04}-{m:02}-{d:02}")),
            }
        }
        // A duration such as [h]:mm.
        DataRef::DateTime(dt) => Cell::Number(dt.as_f64()),
        DataRef::DateTimeIso(s) => match s
            .get(..10)
            .map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d"))
        {
            Some(Ok(date)) => Cell::Date(date),
            _ => text(s),
        },
        DataRef::DurationIso(s) => text(s),
        DataRef::Error(e) => Cell::Error(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::import::{COLUMNS, map_header, validate_rows};
    use domain::record::DeclarationRules;
    use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, Worksheet};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn t(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }

    fn book(fill: impl FnOnce(&mut Worksheet)) -> Vec<u8> {
        let mut wb = Workbook::new();
        fill(wb.add_worksheet());
        wb.save_to_buffer().unwrap()
    }

    fn date_format() -> Format {
        Format::new().set_num_format("yyyy-mm-dd")
    }

    fn write_header(ws: &mut Worksheet, row: u32, first_col: u16) {
        for (i, c) in COLUMNS.iter().enumerate() {
            let label = if c.required {
                format!("{}*", c.label)
            } else {
                c.label.to_owned()
            };
            ws.write_string(row, first_col + i as u16, label).unwrap();
        }
    }

    #[test]
    fn a_template_row_reads_into_a_valid_record() {
        let bytes = book(|ws| {
            write_header(ws, 0, 0);
            ws.write_string(1, 0, "110101199003072711").unwrap();
            ws.write_string(1, 1, " 张三 ").unwrap();
            ws.write_number(1, 2, 2024).unwrap();
            ws.write_string(1, 3, "专业科目").unwrap();
            ws.write_string(1, 4, "培训").unwrap();
            ws.write_string(1, 5, "医院感染管理").unwrap();
            ws.write_string(1, 7, "省人民医院").unwrap();
            let start = ExcelDateTime::from_ymd(2024, 3, 1).unwrap();
            ws.write_datetime_with_format(1, 8, &start, &date_format())
                .unwrap();
            ws.write_string(1, 9, "2024/3/5").unwrap();
            ws.write_number(1, 10, 30).unwrap();
            ws.write_boolean(1, 11, true).unwrap();
        });
        let rows = read_first_sheet(&bytes).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0, 1);
        assert_eq!(rows[0].1.len(), COLUMNS.len());
        let (line, cells) = &rows[1];
        assert_eq!(*line, 2);
        assert_eq!(cells.len(), 12);
        assert_eq!(cells[1], t("张三"));
        assert_eq!(cells[2], Cell::Number(2024.0));
        assert_eq!(cells[6], Cell::Empty);
        assert_eq!(cells[8], Cell::Date(d(2024, 3, 1)));
        assert_eq!(cells[9], t("2024/3/5"));
        assert_eq!(cells[11], Cell::Bool(true));

        let map = map_header(&rows[0].1).unwrap();
        let (ok, errors) = validate_rows(&map, &rows[1..], d(2025, 6, 15), &|_, _| {
            DeclarationRules::default()
        });
        assert_eq!(errors, vec![]);
        assert_eq!(ok[0].line, 2);
        assert_eq!(ok[0].input.start, d(2024, 3, 1));
        assert_eq!(ok[0].input.end, d(2024, 3, 5));
    }

    #[test]
    fn dates_as_dates_text_and_serial_numbers() {
        let bytes = book(|ws| {
            ws.write_string(0, 0, "开始日期").unwrap();
            let date = ExcelDateTime::from_ymd(2024, 3, 1).unwrap();
            ws.write_datetime_with_format(1, 0, &date, &date_format())
                .unwrap();
            ws.write_string(2, 0, "2024-03-01").unwrap();
            // A serial date without a date format reads as the number it is.
            ws.write_number(3, 0, 45352).unwrap();
            // A date and time keeps its date.
            let noon = ExcelDateTime::parse_from_str("2024-03-01 12:30:00").unwrap();
            ws.write_datetime_with_format(
                4,
                0,
                &noon,
                &Format::new().set_num_format("yyyy-mm-dd hh:mm"),
            )
            .unwrap();
            ws.write_datetime_with_format(
                5,
                0,
                ExcelDateTime::from_ymd(1950, 1, 1).unwrap(),
                &date_format(),
            )
            .unwrap();
        });
        let rows = read_first_sheet(&bytes).unwrap();
        let cells: Vec<(u32, Cell)> = rows
            .into_iter()
            .skip(1)
            .map(|(line, mut cells)| (line, cells.remove(0)))
            .collect();
        assert_eq!(
            cells,
            vec![
                (2, Cell::Date(d(2024, 3, 1))),
                (3, t("2024-03-01")),
                (4, Cell::Number(45352.0)),
                (5, Cell::Date(d(2024, 3, 1))),
                (6, Cell::Date(d(1950, 1, 1))),
            ]
        );
    }

    #[test]
    fn row_numbers_are_the_sheets_own() {
        // A sheet whose header is on row 3 from column C, with a blank row among the data and a
        // stray cell far to the right.
        let bytes = book(|ws| {
            write_header(ws, 2, 2);
            ws.write_string(3, 2, "110101199003072711").unwrap();
            ws.write_string(4, 3, "   ").unwrap();
            ws.write_string(5, 2, "11010119900307002X").unwrap();
            ws.write_string(5, 0, "左边的备注").unwrap();
            ws.write_string(6, 2000, "很远的备注").unwrap();
        });
        let rows = read_first_sheet(&bytes).unwrap();
        let lines: Vec<u32> = rows.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![3, 4, 6]);
        // Columns are counted from A, the leftmost used; the far cell is dropped, and the rows
        // end at their last cell.
        assert_eq!(rows[0].1.len(), 2 + COLUMNS.len());
        assert_eq!(rows[0].1[..3], [Cell::Empty, Cell::Empty, t("证件号码*")]);
        assert_eq!(rows[1].1.len(), 3);
        assert_eq!(
            rows[2].1,
            vec![t("左边的备注"), Cell::Empty, t("11010119900307002X")]
        );
        let map = map_header(&rows[0].1).unwrap();
        assert_eq!(map[0], Some(2));
    }

    #[test]
    fn merged_cells_in_data_rows_are_refused() {
        let bytes = book(|ws| {
            write_header(ws, 0, 0);
            ws.merge_range(2, 1, 4, 1, "张三", &Format::new()).unwrap();
        });
        assert_eq!(
            read_first_sheet(&bytes),
            Err("第3行至第5行有合并单元格，请取消合并后再上传".to_owned())
        );

        let bytes = book(|ws| {
            write_header(ws, 0, 0);
            ws.merge_range(7, 5, 7, 6, "课程", &Format::new()).unwrap();
            ws.merge_range(2, 1, 4, 1, "张三", &Format::new()).unwrap();
        });
        assert_eq!(
            read_first_sheet(&bytes),
            Err("第3行至第5行、第8行有合并单元格，请取消合并后再上传".to_owned())
        );

        // A title merged above the header is no data.
        let bytes = book(|ws| {
            ws.merge_range(0, 0, 0, 14, "批量申报", &Format::new())
                .unwrap();
            write_header(ws, 1, 0);
            ws.write_string(2, 0, "110101199003072711").unwrap();
        });
        let rows = read_first_sheet(&bytes).unwrap();
        assert_eq!(rows[0], (1, vec![t("批量申报")]));
        assert_eq!(rows[1].0, 2);
        assert_eq!(rows[1].1.len(), COLUMNS.len());
        assert_eq!(rows[2], (3, vec![t("110101199003072711")]));
    }

    #[test]
    fn merged_message_names_at_most_five_ranges() {
        let spans: Vec<(u32, u32)> = (1..=7).map(|i| (i * 2, i * 2)).collect();
        assert_eq!(
            merged_message(&spans),
            "第2行、第4行、第6行、第8行、第10行等处有合并单元格，请取消合并后再上传"
        );
    }

    #[test]
    fn formulas_give_their_cached_value() {
        let bytes = book(|ws| {
            ws.write_string(0, 0, "申报学时").unwrap();
            ws.write_formula(1, 0, Formula::new("=6*5").set_result("30"))
                .unwrap();
            // What a writer that does not calculate leaves: no value ("<v></v>").
            ws.set_formula_result_default("");
            ws.write_formula(2, 0, "=6*5").unwrap();
            ws.write_formula(3, 0, Formula::new("=NA()").set_result("#N/A"))
                .unwrap();
            ws.write_formula(4, 0, Formula::new("=\"30\"").set_result("30.5 "))
                .unwrap();
        });
        let rows = read_first_sheet(&bytes).unwrap();
        let cells: Vec<(u32, Cell)> = rows
            .into_iter()
            .skip(1)
            .map(|(line, mut cells)| (line, cells.remove(0)))
            .collect();
        assert_eq!(
            cells,
            vec![
                (2, Cell::Number(30.0)),
                (4, Cell::Error("#N/A".to_owned())),
                (5, t("30.5")),
            ]
        );
    }

    #[test]
    fn not_an_xlsx_file() {
        for bytes in [
            &b""[..],
            b"name,year\n",
            b"PK\x03\x04 not really a zip",
            // The signature of an old .xls (OLE compound) file.
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0",
        ] {
            assert_eq!(read_first_sheet(bytes), Err(NOT_XLSX.to_owned()));
        }
    }

    #[test]
    fn a_file_that_unzips_to_too_much_is_refused_before_reading() {
        // A real workbook passes; the same limit scaled down refuses it, and an archive with
        // a megabyte of zeros in a few kilobytes is refused under a smaller limit.
        let real = book(|ws| write_header(ws, 0, 0));
        assert_eq!(check_unzipped(&real, MAX_UNZIPPED), Ok(()));
        assert_eq!(check_unzipped(&real, 100), Err(TOO_LARGE_INSIDE.to_owned()));
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        w.start_file(
            "xl/sharedStrings.xml",
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated),
        )
        .unwrap();
        std::io::Write::write_all(&mut w, &vec![b'0'; 1 << 20]).unwrap();
        let bomb = w.finish().unwrap().into_inner();
        assert!(bomb.len() < 20_000, "{} bytes", bomb.len());
        assert_eq!(
            check_unzipped(&bomb, 512 * 1024),
            Err(TOO_LARGE_INSIDE.to_owned())
        );
        // Not a ZIP: left to the reader, which tells a password-protected file from garbage.
        assert_eq!(check_unzipped(b"not a zip", MAX_UNZIPPED), Ok(()));
        assert_eq!(read_first_sheet(b"not a zip"), Err(NOT_XLSX.to_owned()));
    }

    #[test]
    fn an_empty_sheet_has_no_rows() {
        assert_eq!(read_first_sheet(&book(|_| ())), Ok(vec![]));
    }

    #[test]
    fn the_first_visible_worksheet_is_read() {
        let mut wb = Workbook::new();
        wb.add_worksheet()
            .set_name("选项")
            .unwrap()
            .set_hidden(true)
            .write_string(0, 0, "隐藏")
            .unwrap();
        wb.add_worksheet()
            .set_name("申报")
            .unwrap()
            .set_active(true)
            .write_string(0, 0, "证件号码")
            .unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        assert_eq!(read_first_sheet(&bytes), Ok(vec![(1, vec![t("证件号码")])]));
    }

    #[test]
    fn at_most_20000_rows() {
        let rows_of = |n: u32| {
            book(|ws| {
                ws.write_string(0, 0, "证件号码").unwrap();
                for r in 1..=n {
                    ws.write_number(r, 0, r).unwrap();
                }
            })
        };
        let rows = read_first_sheet(&rows_of(20_000)).unwrap();
        assert_eq!(rows.len(), 20_001);
        assert_eq!(rows[20_000].0, 20_001);
        assert_eq!(
            read_first_sheet(&rows_of(20_001)),
            Err("一次最多导入20000行，请分批上传".to_owned())
        );
    }
}
