//! Printed documents (certificates): a typst template kept as a file, filled from JSON and
//! images given as virtual files, typeset with the Noto CJK fonts of the machine into a PDF.
//!
//! The fonts are read once, on the first print, because they are large (about 50 MB) and
//! most requests never print. A machine without them gets a message that names the package,
//! never a PDF with empty boxes for every Chinese character.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Datelike, Timelike, Utc};
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

/// The family every template sets; typst matches families in lower case.
pub const FAMILY: &str = "Noto Serif CJK SC";
/// The font files read from the font directory.
const FONT_FILES: [&str; 2] = ["NotoSerifCJK-Regular.ttc", "NotoSerifCJK-Bold.ttc"];

#[derive(Debug, thiserror::Error, Clone)]
pub enum PrintError {
    /// The directory is for the log (Debug), not for the page.
    #[error(
        "证书字体未安装：服务器上找不到 {FAMILY}（Debian 软件包 fonts-noto-cjk），暂时无法生成 PDF。请联系系统管理员安装字体。"
    )]
    FontMissing(String),
    /// The template or the data did not typeset; the details are for the log.
    #[error("证书排版出错，暂时无法生成 PDF。请稍后重试或联系系统管理员。")]
    Template(String),
}

/// Fonts and the standard library, loaded once and shared by every print.
pub struct Fonts {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

impl Fonts {
    pub fn load(dir: &Path) -> Result<Fonts, PrintError> {
        let missing = || PrintError::FontMissing(dir.display().to_string());
        let mut fonts = Vec::new();
        for name in FONT_FILES {
            let data = std::fs::read(dir.join(name)).map_err(|_| missing())?;
            fonts.extend(Font::iter(Bytes::new(data)));
        }
        let book = FontBook::from_fonts(&fonts);
        if book.select_family(&FAMILY.to_lowercase()).next().is_none() {
            return Err(missing());
        }
        Ok(Fonts {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(book),
            fonts,
        })
    }
}

/// The fonts of a site, read on first use. A failed read is tried again on the next print,
/// so fonts installed while the server runs are found without a restart.
#[derive(Clone)]
pub struct Printer {
    dir: PathBuf,
    fonts: Arc<OnceLock<Fonts>>,
}

impl Printer {
    pub fn new(dir: PathBuf) -> Printer {
        Printer {
            dir,
            fonts: Arc::new(OnceLock::new()),
        }
    }

    pub fn fonts(&self) -> Result<&Fonts, PrintError> {
        if let Some(f) = self.fonts.get() {
            return Ok(f);
        }
        let loaded = Fonts::load(&self.dir)?;
        // Two first prints at once both read the fonts; one set is kept.
        let _ = self.fonts.set(loaded);
        self.fonts
            .get()
            .ok_or_else(|| PrintError::FontMissing(self.dir.display().to_string()))
    }

    /// Typesets `template` with the virtual `files` (name, content) into a PDF. `ident` names
    /// the document stably (the PDF's identifier); `at` is its creation time.
    pub fn pdf(
        &self,
        template: &str,
        files: &[(&str, Vec<u8>)],
        ident: &str,
        at: DateTime<Utc>,
    ) -> Result<Vec<u8>, PrintError> {
        let fonts = self.fonts()?;
        let main = file_id("main.typ")?;
        let mut virtual_files = Vec::with_capacity(files.len());
        for (name, data) in files {
            virtual_files.push((file_id(name)?, Bytes::new(data.clone())));
        }
        let job = Job {
            fonts,
            main: Source::new(main, template.to_owned()),
            files: virtual_files,
            at,
        };
        let compiled = typst::compile::<PagedDocument>(&job).output;
        let result = compiled.map_err(|e| errors(&e[..])).and_then(|doc| {
            let options = typst_pdf::PdfOptions {
                ident: Smart::Custom(ident.to_owned()),
                timestamp: Some(typst_pdf::Timestamp::new_utc(datetime(at))),
                ..Default::default()
            };
            typst_pdf::pdf(&doc, &options).map_err(|e| errors(&e[..]))
        });
        // Memoised layouts of old documents would otherwise pile up across a batch.
        typst::comemo::evict(10);
        result
    }
}

fn file_id(name: &str) -> Result<FileId, PrintError> {
    let path =
        VirtualPath::new(name).map_err(|e| PrintError::Template(format!("{name}: {e:?}")))?;
    Ok(RootedPath::new(VirtualRoot::Project, path).intern())
}

fn errors(diags: &[typst::diag::SourceDiagnostic]) -> PrintError {
    PrintError::Template(
        diags
            .iter()
            .map(|d| d.message.to_string())
            .collect::<Vec<_>>()
            .join("; "),
    )
}

fn datetime(at: DateTime<Utc>) -> Datetime {
    Datetime::from_ymd_hms(
        at.year(),
        at.month() as u8,
        at.day() as u8,
        at.hour() as u8,
        at.minute() as u8,
        at.second() as u8,
    )
    .unwrap_or(Datetime::from_ymd(2000, 1, 1).expect("a valid date"))
}

/// One print: the shared fonts, the template and this document's data.
struct Job<'a> {
    fonts: &'a Fonts,
    main: Source,
    files: Vec<(FileId, Bytes)>,
    at: DateTime<Utc>,
}

impl World for Job<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.fonts.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files
            .iter()
            .find(|(f, _)| *f == id)
            .map(|(_, b)| b.clone())
            .ok_or_else(|| FileError::NotFound(PathBuf::from(format!("{id:?}"))))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(datetime(self.at))
    }
}
