//! Excel exports: a header row in bold, one row per record, columns sized to fit.

use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// Builds a one-sheet workbook from a header and rows of text.
pub fn workbook(sheet: &str, header: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet)?;
    let bold = Format::new().set_bold();
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    let mut widths: Vec<usize> = header.iter().map(|h| display_width(h)).collect();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, v)?;
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(display_width(v));
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w as f64 + 2.0).min(60.0))?;
    }
    ws.set_freeze_panes(1, 0)?;
    wb.save_to_buffer()
}

/// CJK characters take two columns in a spreadsheet cell.
fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// An export's answer: the one-sheet workbook of `header` and `rows`, downloaded as `filename`.
pub fn respond(
    sheet: &str,
    header: &[&str],
    rows: &[Vec<String>],
    filename: &str,
) -> crate::error::AppResult<Response> {
    let bytes = workbook(sheet, header, rows).map_err(|e| anyhow::anyhow!("xlsx: {e}"))?;
    Ok(download(filename, bytes))
}

pub fn download(filename: &str, bytes: Vec<u8>) -> Response {
    let encoded = crate::auth::urlencode(filename);
    (
        [
            (
                CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"export.xlsx\"; filename*=UTF-8''{encoded}"),
            ),
            (CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}
