//! Attachments (证明材料): which files are accepted, decided by their content and never by
//! their name, and how a name typed on someone's computer is kept.

/// The kinds of file an attachment may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Jpeg,
    Png,
}

impl FileKind {
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Jpeg => "jpg",
            FileKind::Png => "png",
        }
    }

    pub fn from_content_type(t: &str) -> Option<FileKind> {
        [FileKind::Pdf, FileKind::Jpeg, FileKind::Png]
            .into_iter()
            .find(|k| k.content_type() == t)
    }
}

/// The kind of a file by its first bytes (its signature), whatever its name says.
pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
    if bytes.starts_with(b"%PDF-") {
        Some(FileKind::Pdf)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileKind::Jpeg)
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(FileKind::Png)
    } else {
        None
    }
}

/// Checks an upload: not empty, not above `max_bytes`, and a PDF, JPEG or PNG by content.
pub fn check_upload(bytes: &[u8], max_bytes: usize) -> Result<FileKind, String> {
    // A file was chosen (no file at all never gets here): saying "choose a file" would
    // contradict what the person sees in the file box.
    if bytes.is_empty() {
        return Err("所选文件是空的（0 字节），请重新选择".into());
    }
    if bytes.len() > max_bytes {
        return Err(format!(
            "文件过大：单个附件不能超过{}MB",
            max_bytes.div_ceil(1024 * 1024)
        ));
    }
    sniff(bytes)
        .ok_or_else(|| "只能上传PDF、JPG或PNG文件（按文件内容判断，改扩展名无效）".to_owned())
}

/// The name to keep for an uploaded file: its last path part (browsers on Windows send
/// whole paths), without control characters, at most 100 characters, with the extension of
/// its real kind.
pub fn stored_name(typed: &str, kind: FileKind) -> String {
    let base = typed.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let stem = match base.rfind('.') {
        Some(i) if i > 0 => &base[..i],
        _ => base,
    };
    let clean: String = stem
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '|' | ':' | '*' | '?'))
        .take(100)
        .collect();
    let clean = clean.trim();
    let stem = if clean.is_empty() { "附件" } else { clean };
    format!("{stem}.{}", kind.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MB: usize = 1024 * 1024;

    #[test]
    fn files_are_known_by_their_content() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(FileKind::Pdf));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some(FileKind::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(FileKind::Png));
        // A text file named certificate.pdf is not a PDF.
        assert_eq!(sniff(b"this is not a pdf"), None);
        assert_eq!(sniff(b"PK\x03\x04"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn at_most_10_mb_by_default_setting() {
        let mut pdf = b"%PDF-1.4".to_vec();
        pdf.resize(10 * MB, b' ');
        assert_eq!(check_upload(&pdf, 10 * MB), Ok(FileKind::Pdf));
        pdf.push(b' ');
        assert_eq!(
            check_upload(&pdf, 10 * MB),
            Err("文件过大：单个附件不能超过10MB".into())
        );
        assert!(
            check_upload(b"", 10 * MB)
                .unwrap_err()
                .contains("空的（0 字节）")
        );
        assert!(
            check_upload(b"GIF89a", 10 * MB)
                .unwrap_err()
                .contains("只能上传PDF、JPG或PNG")
        );
    }

    #[test]
    fn names_keep_their_last_part_and_take_the_real_extension() {
        assert_eq!(
            stored_name("C:\\Users\\张伟\\结业证书.PDF", FileKind::Pdf),
            "结业证书.pdf"
        );
        assert_eq!(stored_name("scan.pdf", FileKind::Png), "scan.png");
        assert_eq!(
            stored_name("../../etc/passwd", FileKind::Jpeg),
            "passwd.jpg"
        );
        assert_eq!(stored_name("", FileKind::Pdf), "附件.pdf");
        assert_eq!(stored_name("a\u{0}b<c>.jpg", FileKind::Jpeg), "abc.jpg");
        assert_eq!(
            stored_name(&"长".repeat(300), FileKind::Pdf)
                .chars()
                .count(),
            104
        );
    }
}
